"""Shared helpers of the benchmark scripts: machine line, timing, tables, sample data.

Benchmarks are scripts, never timed unit tests: each prints its measurements and the
ratios between commands measured in the same run, on the same machine.

Result lines (the protocol `bench/run_all.py` reads to print the aims of issue 14)
-------------------------------------------------------------------------------
Besides its human-readable table, a script reports each measured aim as one line on
stdout, written by :func:`emit_result`::

    BENCH-RESULT {"aim": "report_vs_floor", "value": 0.93, "floor_s": 8.4, "ours_s": 7.8}

i.e. the prefix ``BENCH-RESULT `` and one JSON object on one line with at least ``aim``
(a key of :data:`AIMS`) and ``value`` (the measured figure the aim is judged on, a number,
or null when the measurement failed); any other keys are details printed beside it.
A script may emit several aims, and several lines of one aim (the last one counts).
An aim no script emitted is shown as "not measured". The aims and their thresholds live
here, in :data:`AIMS`, so that every script and run_all agree on them.
"""

from __future__ import annotations

import json
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


RESULT_PREFIX = "BENCH-RESULT "

# aim key -> (what is measured, comparison, threshold, unit). "<=" / ">=" / "<": the
# measured value meets the aim when `value <comparison> threshold`.
AIMS: dict[str, tuple[str, str, float, str]] = {
    "report_vs_floor": ("one report / floor (papermill + nbconvert, imports only)", "<=", 1.0, "x"),
    "batch_speedup": ("batch of 24 reports vs the naive loop (speed-up)", ">=", 8.0, "x"),
    "batch_marginal_s": ("batch: marginal wall per extra report", "<=", 1.0, "s"),
    "ingest_time_ratio": ("ingest + validate 1 M rows / pyarrow read (time)", "<=", 2.0, "x"),
    "ingest_memory_ratio": (
        "ingest + validate 1 M rows / pyarrow read (peak memory)",
        "<=",
        2.0,
        "x",
    ),
    "report_100k_seconds": ("one report on 100 000 participants, end to end", "<", 60.0, "s"),
}


def emit_result(aim: str, value: float | None, **details: object) -> None:
    """Print one machine-readable result line (see the module docstring)."""
    if aim not in AIMS:
        raise ValueError(f"unknown aim {aim!r}; known: {', '.join(AIMS)}")
    record = {"aim": aim, "value": None if value is None else float(value), **details}
    print(RESULT_PREFIX + json.dumps(record, ensure_ascii=False, default=str), flush=True)


def parse_results(text: str) -> dict[str, dict]:
    """The result lines in ``text``, by aim (the last line of an aim wins)."""
    results: dict[str, dict] = {}
    for line in text.splitlines():
        if not line.startswith(RESULT_PREFIX):
            continue
        try:
            record = json.loads(line[len(RESULT_PREFIX) :])
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and record.get("aim") in AIMS:
            results[record["aim"]] = record
    return results


def judge(aim: str, record: dict | None) -> str:
    """'aim: measured 0.93x — met' / 'not met (measured 1.21x)' / 'not measured'."""
    what, op, threshold, unit = AIMS[aim]
    goal = f"{op} {threshold:g}{unit}"
    if record is None or record.get("value") is None:
        why = f" ({record['note']})" if record and record.get("note") else ""
        return f"{what} ({goal}): not measured{why}"
    value = float(record["value"])
    met = {"<=": value <= threshold, ">=": value >= threshold, "<": value < threshold}[op]
    shown = f"{value:.2f}{unit}"
    extra = [f"{k} {v}" for k, v in record.items() if k not in ("aim", "value")]
    detail = f" [{', '.join(extra)}]" if extra else ""
    verdict = "met" if met else f"not met (measured {shown})"
    return f"{what} ({goal}): {shown} — {verdict}{detail}"


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
