"""Benchmark 2: a batch of 24 reports (8 projects x 3 tertials) against the naive loop.

The naive loop runs one `papermill` CLI and one `jupyter nbconvert` CLI process per
report, one report after the other; the batch is `insats batch --jobs 2`. Both run the
same notebook on the same generated fictitious data, in this run. Aim: >= 4x faster.

    .venv/bin/python bench/bench_batch.py [--projects 8] [--stand-in] [--naive-limit N]

``--stand-in`` uses a small notebook with the report's imports and ingestion instead of
notebooks/report.ipynb (automatic when the report does not run); ``--naive-limit N``
times only N naive reports and scales the time to all of them (said in the output).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import yaml
from _common import (
    REPO,
    VENV_BIN,
    make_projects,
    print_table,
    run,
    stand_in_notebook,
)

PERIODS = ("2021-T1", "2021-T2", "2021-T3")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--stand-in", action="store_true")
    parser.add_argument("--naive-limit", type=int, default=0)
    args = parser.parse_args()

    from insats.params import load_parameters

    tmp = Path(tempfile.mkdtemp(prefix="insats-bench-batch-"))
    params_dir = make_projects(tmp / "data", args.projects)
    files = sorted(params_dir.glob("*.yaml"))
    notebook = REPO / "notebooks" / "report.ipynb"
    if not args.stand_in:
        probe = run([VENV_BIN / "insats", "run", files[0], "--out", tmp / "probe"], allow_fail=True)
        if probe.returncode != 0:
            print(
                "notebooks/report.ipynb does not run yet; using the stand-in notebook:",
                *probe.stderr.strip().splitlines()[-2:],
            )
            args.stand_in = True
    if args.stand_in:
        notebook = stand_in_notebook(tmp / "stand_in.ipynb")
    jobs = [(f, p) for f in files for p in PERIODS]

    # --- the batch --------------------------------------------------------------------
    cmd = [
        VENV_BIN / "insats",
        "batch",
        params_dir,
        "--jobs",
        str(args.jobs),
        "--out",
        tmp / "batch",
        "--no-progress",
    ]
    for period in PERIODS:
        cmd += ["--period", period]
    if args.stand_in:
        cmd += ["--notebook", notebook]
    start = time.perf_counter()
    done = run(cmd, allow_fail=True)
    batch_s = time.perf_counter() - start
    batch_status = "ok" if done.returncode == 0 else "SOME FAILED (see stderr above)"
    if done.returncode != 0:
        print(done.stderr[-2000:])

    # --- the naive loop ------------------------------------------------------------------
    limit = args.naive_limit or len(jobs)
    start = time.perf_counter()
    for i, (path, period) in enumerate(jobs[:limit]):
        params = load_parameters(path, period=period).notebook_parameters()
        pfile = tmp / f"naive_{i}.yaml"
        pfile.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
        out_nb = tmp / f"naive_{i}.ipynb"
        run(
            [
                VENV_BIN / "papermill",
                notebook,
                out_nb,
                "-f",
                pfile,
                "-k",
                "insats",
                "--no-progress-bar",
                "--cwd",
                notebook.parent,
            ],
            allow_fail=True,
        )
        run(
            [
                VENV_BIN / "jupyter",
                "nbconvert",
                "--to",
                "html",
                "--no-input",
                out_nb,
                "--output",
                tmp / f"naive_{i}.html",
            ],
            allow_fail=True,
        )
    naive_s = (time.perf_counter() - start) * len(jobs) / limit
    scaled = "" if limit == len(jobs) else f" (timed {limit}, scaled to {len(jobs)})"

    what = "stand-in notebook" if args.stand_in else "notebooks/report.ipynb"
    print_table(
        f"Benchmark 2: {len(jobs)} reports ({len(files)} projects x {len(PERIODS)} tertials),"
        f" {what} (wall seconds)",
        [
            [
                f"naive loop: papermill CLI + nbconvert CLI per report{scaled}",
                f"{naive_s:.1f}",
                f"{naive_s / len(jobs):.2f}",
                "1.0",
                "",
            ],
            [
                f"insats batch --jobs {args.jobs}",
                f"{batch_s:.1f}",
                f"{batch_s / len(jobs):.2f}",
                f"{naive_s / batch_s:.1f}",
                batch_status,
            ],
        ],
        ["command", "total s", "s/report", "speed-up (aim >= 4)", "status"],
    )


if __name__ == "__main__":
    main()
