"""Benchmark 2: a batch of 24 reports (8 projects x 3 tertials) against the naive loop.

The naive loop runs one `papermill` CLI and one `jupyter nbconvert` CLI process per
report, one report after the other; the batch is `insats batch --jobs 2`. Both run the
same notebook on the same generated fictitious data, in this run. Aims (issue 14):
>= 8x faster (`batch_speedup`), and a marginal wall per extra report <= 1 s
(`batch_marginal_s`: the full batch against a batch of the first --small-projects
projects, (t_full - t_small) / (n_full - n_small)). The internal audience is the one
timed for the aims; ``--namnd`` also times the same batch as shared (nämnd) reports,
which do the disclosure work (reported, not an aim).

    .venv/bin/python bench/bench_batch.py [--projects 8] [--stand-in] [--naive-limit N]
        [--small-projects 2] [--namnd]

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
    emit_result,
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
    parser.add_argument("--naive-limit", type=int, default=4)
    parser.add_argument("--small-projects", type=int, default=2)
    parser.add_argument("--namnd", action="store_true")
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
    def batch(folder: Path, out: str) -> tuple[float, bool]:
        cmd = [
            VENV_BIN / "insats",
            "batch",
            folder,
            "--jobs",
            str(args.jobs),
            "--out",
            tmp / out,
            "--no-progress",
        ]
        for period in PERIODS:
            cmd += ["--period", period]
        if args.stand_in:
            cmd += ["--notebook", notebook]
        start = time.perf_counter()
        done = run(cmd, allow_fail=True)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            print(f"batch {out} failed:", done.stderr[-2000:])
        return seconds, done.returncode == 0

    def subset(name: str, files: list[Path], audience: str | None = None) -> Path:
        folder = tmp / name
        folder.mkdir()
        for f in files:
            params = yaml.safe_load(f.read_text(encoding="utf-8"))
            if audience:
                params["audience"] = audience
            (folder / f.name).write_text(
                yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8"
            )
        return folder

    batch_s, batch_ok = batch(params_dir, "batch")
    batch_status = "ok" if batch_ok else "SOME FAILED (see stderr above)"
    small_files = files[: args.small_projects]
    small_n = len(small_files) * len(PERIODS)
    small_s, small_ok = (
        batch(subset("small", small_files), "batch_small") if small_n < len(jobs) else (None, False)
    )
    namnd_s, namnd_ok = (
        batch(subset("namnd", files, "namnd"), "batch_namnd") if args.namnd else (None, False)
    )

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
        ["command", "total s", "s/report", "speed-up (aim >= 8)", "status"],
    )
    marginal = None
    if small_s is not None:
        marginal = (batch_s - small_s) / (len(jobs) - small_n)
        print(
            f"  batch of {small_n} reports: {small_s:.1f} s ({'ok' if small_ok else 'FAILED'});"
            f" marginal wall per extra report: {marginal:.2f} s (aim <= 1)"
        )
    if namnd_s is not None:
        print(
            f"  shared (namnd) batch of {len(jobs)} reports: {namnd_s:.1f} s,"
            f" {namnd_s / len(jobs):.2f} s/report, {naive_s / namnd_s:.1f}x the internal naive"
            f" loop ({'ok' if namnd_ok else 'SOME STOPPED (see above)'})"
        )
    emit_result(
        "batch_speedup",
        naive_s / batch_s if batch_ok else None,
        reports=len(jobs),
        batch_s=round(batch_s, 1),
        naive_s=round(naive_s, 1),
        naive_timed=limit,
        **({} if batch_ok else {"note": "some reports failed"}),
    )
    emit_result(
        "batch_marginal_s",
        marginal if small_ok and batch_ok else None,
        full=len(jobs),
        small=small_n,
        **({"namnd_batch_s": round(namnd_s, 1)} if namnd_s is not None else {}),
        **({} if small_s is not None else {"note": "no smaller batch to compare"}),
    )


if __name__ == "__main__":
    main()
