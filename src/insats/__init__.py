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

import sys

__version__ = "0.1.0"

# Speed (issue 14): nbformat -> jsonschema -> jsonschema._format imports the optional
# `rfc3987_syntax` (a Lark grammar built at import, ~1.4 s of every runner, batch worker and
# export) only to check the "iri"/"iri-reference" string formats. No notebook schema uses
# string formats, and nothing else in our processes validates them, so its import is made
# to fail here, before anything imports jsonschema: jsonschema then just lacks those two
# format checkers (it catches the ImportError). Notebook validation is unchanged
# (tests/unit/core/test_import_cost.py). The package stays installed for JupyterLab's jupyter_events,
# which run in their own processes.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # a None entry makes the import fail: the documented way to block a module
