"""insats: evaluation workbench for Swedish labour-market and integration programmes.

The library does every computation; notebooks in ``notebooks/`` tell the story;
``parameters/*.yaml`` describe each project and period. Modules by concept:

- :mod:`insats.cohort` — data contract, reading exports, validation, pseudonymisation
- :mod:`insats.periods` — tertials, halves, quarters, years, intervals
- :mod:`insats.params` — the frozen parameter model of a report
- :mod:`insats.outcomes` — shares with Wilson intervals, goals, survival, regression
- :mod:`insats.programme.budget` — granted, invoiced, forecast and the 10 % rule
- :mod:`insats.socioeconomic` — per-actor socio-economic account (Nilsson & Wadeskog)
- :mod:`insats.disclosure` — small-cell suppression for shared reports
- :mod:`insats.report` — labels, formatting, figures.json, HTML export, manifest
- :mod:`insats.run.runner` — papermill execution, atomic outputs, batch runs
- :mod:`insats.cli` — the ``insats`` console command
"""

__version__ = "0.1.0"
