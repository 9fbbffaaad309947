"""Benchmark 3: ingesting and validating a 1 000 000-row participant file.

`insats.cohort.load_participants` (read, map aliases, validate every row, build the
canonical frame) against plain `pandas.read_csv(engine="pyarrow")` of the same file,
both in this run. Aims (issue 14): time ratio <= 2, and peak memory <= 2 x the raw
read's, each measured as the peak resident set of a fresh interpreter that imports
pandas and insats and does one read (``VmHWM`` of /proc/self/status). The file is
generated once into a temp folder from
the fictitious sample (rows repeated with new participant ids). ``--profile`` prints
the 25 most expensive functions of the ingestion (cProfile, cumulative time).

    .venv/bin/python bench/bench_ingest.py [--rows 1000000] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import subprocess
import sys
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


AIM_RATIO = 2.0

# One read in a fresh interpreter; prints its peak resident set in bytes. VmHWM, not
# getrusage's ru_maxrss: the latter keeps the parent's peak across fork + exec.
_PEAK = """
import re, sys
import pandas as pd
import insats.cohort
if sys.argv[1] == "plain":
    pd.read_csv(sys.argv[2], sep=";", engine="pyarrow")
else:
    insats.cohort.load_participants(sys.argv[2], key=None)
status = open("/proc/self/status").read()
print(int(re.search(r"VmHWM:\\s*(\\d+) kB", status).group(1)) * 1024)
"""


def peak_bytes(kind: str, path: Path) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, kind, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.split()[-1])


def bench_result(aim: str, value: float, unit: str, text: str) -> None:
    """One machine-readable line per aim, for run_all's summary."""
    met = value <= AIM_RATIO
    line = {
        "aim": aim,
        "value": round(value, 3),
        "limit": AIM_RATIO,
        "unit": unit,
        "met": met,
        "text": f"{text}; aim <= {AIM_RATIO:g}x: {'met' if met else 'not met'}",
    }
    print("BENCH-RESULT " + json.dumps(line, ensure_ascii=False))


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
                f"{ours_s / plain_s:.2f}",
            ],
        ],
        ["command", "median s", "runs", "ratio (aim <= 2)"],
    )
    plain_peak = peak_bytes("plain", path)
    ours_peak = peak_bytes("ours", path)
    print_table(
        "Peak memory (max RSS of a fresh interpreter: imports + one read)",
        [
            ['pandas.read_csv(engine="pyarrow")', f"{plain_peak / 1e6:.0f}", "1.0"],
            [
                "insats.cohort.load_participants",
                f"{ours_peak / 1e6:.0f}",
                f"{ours_peak / plain_peak:.2f}",
            ],
        ],
        ["command", "peak MB", "ratio (aim <= 2)"],
    )
    time_ratio = ours_s / plain_s
    mem_ratio = ours_peak / plain_peak
    for name, ratio, measured in (
        ("time", time_ratio, f"{ours_s:.2f} s vs {plain_s:.2f} s"),
        ("memory", mem_ratio, f"{ours_peak / 1e6:.0f} MB vs {plain_peak / 1e6:.0f} MB"),
    ):
        print(
            f"ingest + validate {args.rows:,} rows, {name}: {ratio:.2f} x the pyarrow read "
            f"({measured}); aim <= 2x: {'met' if ratio <= AIM_RATIO else 'not met'}"
        )
    bench_result(
        "ingest_time_ratio",
        time_ratio,
        "x",
        f"ingest {args.rows:,} rows {time_ratio:.2f} x pandas.read_csv(engine=pyarrow)",
    )
    bench_result(
        "ingest_memory_ratio",
        mem_ratio,
        "x",
        f"ingest {args.rows:,} rows peak memory {mem_ratio:.2f} x the raw read's",
    )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(ours)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
