"""Benchmark 1: one report through `insats run` against the floor.

The floor is what any papermill-based report costs (issue 14's definition): the
`papermill` CLI and the `jupyter nbconvert --to html --no-input` CLI on a notebook whose
only cell imports pandas, statsmodels.api and matplotlib. Both are measured in this run,
alternating (median of --repeats). Aim: ratio <= 1.0 (emitted as `report_vs_floor`).

    .venv/bin/python bench/bench_report.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
from _common import REPO, VENV_BIN, emit_result, print_table, run


def floor_notebook(path: Path) -> Path:
    cell = nbformat.v4.new_code_cell("import pandas, statsmodels.api, matplotlib")
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = {"name": "insats", "language": "python", "display_name": "insats"}
    nbformat.write(nb, path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--params", default=str(REPO / "parameters" / "forsta_steget.yaml"))
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="insats-bench-report-"))
    floor_nb = floor_notebook(tmp / "floor.ipynb")

    def floor() -> None:
        run(
            [
                VENV_BIN / "papermill",
                floor_nb,
                tmp / "floor_out.ipynb",
                "-k",
                "insats",
                "--no-progress-bar",
                "--cwd",
                tmp,
            ]
        )
        run(
            [
                VENV_BIN / "jupyter",
                "nbconvert",
                "--to",
                "html",
                "--no-input",
                tmp / "floor_out.ipynb",
                "--output",
                tmp / "floor.html",
            ]
        )

    status = {"ok": True}

    def ours() -> None:
        done = run(
            [VENV_BIN / "insats", "run", args.params, "--out", tmp / "report"], allow_fail=True
        )
        status["ok"] = done.returncode == 0
        status["tail"] = done.stderr.strip().splitlines()[-2:]

    floor(), ours()  # warm the OS file cache for both before measuring
    # alternate floor and ours so that a change of machine load hits both alike
    floor_all, ours_all = [], []
    for _ in range(args.repeats):
        for fn, times in ((floor, floor_all), (ours, ours_all)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    floor_s, ours_s = statistics.median(floor_all), statistics.median(ours_all)
    label = "insats run (report ok)" if status["ok"] else "insats run (REPORT FAILED)"
    print_table(
        "Benchmark 1: one report vs the papermill + nbconvert floor (median wall seconds)",
        [
            [
                "floor: papermill CLI + nbconvert CLI, imports only",
                f"{floor_s:.2f}",
                " ".join(f"{t:.2f}" for t in floor_all),
                "1.00",
            ],
            [
                label,
                f"{ours_s:.2f}",
                " ".join(f"{t:.2f}" for t in ours_all),
                f"{ours_s / floor_s:.2f}",
            ],
        ],
        ["command", "median s", "runs", "ratio to floor (aim <= 1.0)"],
    )
    if not status["ok"]:
        print("  note: the report failed:", *status.get("tail", []))
    emit_result(
        "report_vs_floor",
        ours_s / floor_s if status["ok"] else None,
        floor_s=round(floor_s, 2),
        ours_s=round(ours_s, 2),
        repeats=args.repeats,
        **({} if status["ok"] else {"note": "the report failed"}),
    )


if __name__ == "__main__":
    main()
