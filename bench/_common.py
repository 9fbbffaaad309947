"""Shared helpers of the benchmark scripts: machine line, timing, tables, sample data.

Benchmarks are scripts, never timed unit tests: each prints its measurements and the
ratios between commands measured in the same run, on the same machine.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
PYTHON = sys.executable


def machine() -> str:
    """'2 CPUs, AMD EPYC, Linux 6.x, Python 3.11.7' — for the README."""
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} CPUs (nproc), {model}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def timed(fn: Callable[[], object], repeats: int = 1) -> tuple[float, list[float]]:
    """Median wall time of ``repeats`` calls, and all the times."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def run(
    cmd: Sequence[str | Path], allow_fail: bool = False, **kwargs
) -> subprocess.CompletedProcess:
    """Run a command; unless ``allow_fail``, stop loudly with its output when it fails."""
    done = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)
    if done.returncode != 0 and not allow_fail:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"command failed ({done.returncode}): {' '.join(map(str, cmd))}")
    return done


def print_table(title: str, rows: Sequence[Sequence[object]], header: Sequence[str]) -> None:
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    print(f"\n{title}")
    print(f"machine: {machine()}")
    for n, row in enumerate(cells):
        print("  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def make_projects(folder: Path, n_projects: int = 8) -> Path:
    """Fictitious data and parameters of ``n_projects`` insatser; returns the params folder.

    Each project is the sample generator's "Första steget" drawn with its own seed and
    renamed "Projekt A", "Projekt B", …; the parameters mirror parameters/forsta_steget.yaml.
    """
    from insats.sample import generate_sample

    base = yaml.safe_load((REPO / "parameters" / "forsta_steget.yaml").read_text(encoding="utf-8"))
    params_dir = folder / "parameters"
    params_dir.mkdir(parents=True, exist_ok=True)
    for i in range(n_projects):
        name = f"Projekt {chr(ord('A') + i)}"
        data = folder / f"data_{i}"
        generate_sample(data, seed=3000 + i)
        renamed = {}
        for role in ("deltagare", "ekonomi", "rekrytering"):
            path = data / f"forsta_steget_{role}.csv"
            text = path.read_text(encoding="cp1252").replace("Första steget", name)
            target = data / f"projekt_{i}_{role}.csv"
            target.write_text(text, encoding="cp1252")
            renamed[role] = target
        params = dict(base)
        params.pop("narrative_path", None)
        # The benchmark measures speed. Shared (namnd) reports of these small generated
        # projects may be stopped by the disclosure guard at the very end; the internal
        # audience does the same work and writes the report.
        params["audience"] = "internal"
        params.update(
            data_root=str(data),
            project=name,
            participants_path=str(renamed["deltagare"]),
            finance_path=str(renamed["ekonomi"]),
            funnel_path=str(renamed["rekrytering"]),
        )
        (params_dir / f"projekt_{i}.yaml").write_text(
            yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    return params_dir


def stand_in_notebook(path: Path) -> Path:
    """A stand-in report for when notebooks/report.ipynb does not run yet: the report's
    imports, the real ingestion, one figure, and a figures.json of the cohort."""
    import nbformat

    from insats.run.runner import FIGURES_MIMETYPE

    params = nbformat.v4.new_code_cell("project = None\nperiod = None\nparticipants_path = None")
    params.metadata["tags"] = ["parameters"]
    body = nbformat.v4.new_code_cell(
        "import pandas as pd, statsmodels.api as sm, matplotlib.pyplot as plt\n"
        "from insats.report.build import build_report, collect_parameters\n"
        "from insats.cohort import load_participants\n"
        "from insats.periods import parse_period, enrolled_mask\n"
        "df = load_participants(participants_path, key=None).data\n"
        "df = df[df['project'] == project]\n"
        "n = int(enrolled_mask(df, parse_period(period)).sum())\n"
        "fig, ax = plt.subplots(); df['group'].value_counts().sort_index().plot.bar(ax=ax)\n"
        "plt.show()"
    )
    emit = nbformat.v4.new_code_cell(
        "from IPython.display import display\n"
        "figures = {'project': project, 'period': period,\n"
        "           'participants': {'enrolled': n if n >= 5 else None}}\n"
        f"display({{{FIGURES_MIMETYPE!r}: figures}}, raw=True)"
    )
    nb = nbformat.v4.new_notebook(cells=[params, body, emit])
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Py"}
    nbformat.write(nb, path)
    return path
