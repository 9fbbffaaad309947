"""Benchmark 3: ingesting and validating a 1 000 000-row participant file.

`insats.cohort.load_participants` (read, map aliases, validate every row, build the
canonical frame) against plain `pandas.read_csv(engine="pyarrow")` of the same file,
both in this run. Aim: ratio <= 3. The file is generated once into a temp folder from
the fictitious sample (rows repeated with new participant ids). ``--profile`` prints
the 25 most expensive functions of the ingestion (cProfile, cumulative time).

    .venv/bin/python bench/bench_ingest.py [--rows 1000000] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
from pathlib import Path

import pandas as pd
from _common import REPO, print_table, timed


def make_file(path: Path, rows: int) -> Path:
    sample = pd.read_csv(
        REPO / "data" / "sample" / "forsta_steget_deltagare.csv",
        sep=";",
        encoding="cp1252",
        dtype=str,
        keep_default_na=False,
    )
    reps = -(-rows // len(sample))
    big = pd.concat([sample] * reps, ignore_index=True).iloc[:rows].copy()
    big["Deltagar-ID"] = [f"B{i:07d}" for i in range(len(big))]
    big.to_csv(path, sep=";", index=False, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    from insats.cohort import load_participants

    tmp = Path(tempfile.mkdtemp(prefix="insats-bench-ingest-"))
    path = make_file(tmp / "deltagare.csv", args.rows)
    size_mb = path.stat().st_size / 1e6

    def plain() -> None:
        pd.read_csv(path, sep=";", engine="pyarrow")

    def ours() -> None:
        cohort = load_participants(path, key=None)
        assert len(cohort.data) == args.rows, len(cohort.data)

    plain()  # warm the file cache
    plain_s, plain_all = timed(plain, args.repeats)
    ours_s, ours_all = timed(ours, args.repeats)
    print_table(
        f"Benchmark 3: {args.rows:,} participant rows, {size_mb:.0f} MB CSV (median wall seconds)",
        [
            [
                'pandas.read_csv(engine="pyarrow")',
                f"{plain_s:.2f}",
                " ".join(f"{t:.2f}" for t in plain_all),
                "1.0",
            ],
            [
                "insats.cohort.load_participants (read + validate)",
                f"{ours_s:.2f}",
                " ".join(f"{t:.2f}" for t in ours_all),
                f"{ours_s / plain_s:.1f}",
            ],
        ],
        ["command", "median s", "runs", "ratio (aim <= 3)"],
    )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(ours)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
