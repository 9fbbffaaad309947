"""Benchmark 1: one report through `insats run` against the floor.

The floor is what any papermill-based report costs: the `papermill` CLI and the
`jupyter nbconvert --to html` CLI on a notebook that only imports pandas, statsmodels and
matplotlib. Both are measured in this run (median of --repeats). Aim: ratio <= 1.2.

    .venv/bin/python bench/bench_report.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import nbformat
from _common import REPO, VENV_BIN, print_table, run, timed


def floor_notebook(path: Path) -> Path:
    cell = nbformat.v4.new_code_cell("import pandas, statsmodels.api, matplotlib.pyplot")
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
    floor_s, floor_all = timed(floor, args.repeats)
    ours_s, ours_all = timed(ours, args.repeats)
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
        ["command", "median s", "runs", "ratio to floor (aim <= 1.2)"],
    )
    if not status["ok"]:
        print("  note: the report failed:", *status.get("tail", []))


if __name__ == "__main__":
    main()
