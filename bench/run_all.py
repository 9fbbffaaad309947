"""Run every benchmark script of bench/ in turn, print their tables, then the aims.

    .venv/bin/python bench/run_all.py [--quick]

``--quick`` passes small sizes (for a smoke run; the README quotes the full run).
Each script's output is passed through; the lines it emits with
``_common.emit_result`` (prefix ``BENCH-RESULT ``, see bench/_common.py) are collected and
summarised at the end, one line per aim of issue 14: "met", "not met (measured X)" or
"not measured" when no script reported it.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import AIMS, RESULT_PREFIX, judge, machine, parse_results  # noqa: E402

# Known scripts first, in this order, with their full-run and --quick arguments; any
# other bench/bench_*.py (written by other helpers) runs after them with no arguments.
SCRIPTS = {
    "bench_report.py": [],
    "bench_batch.py": ["--namnd"],
    "bench_ingest.py": [],
    "bench_large.py": [],
    "bench_solver.py": [],
    "bench_engine.py": [],
    "bench_montecarlo.py": [],
}
QUICK = {
    "bench_report.py": ["--repeats", "1"],
    "bench_batch.py": ["--projects", "2", "--small-projects", "1", "--naive-limit", "1"],
    "bench_ingest.py": ["--rows", "100000", "--repeats", "1"],
    "bench_large.py": ["--participants", "10000"],
    "bench_engine.py": ["--persons", "5000", "--repeats", "1"],
    "bench_solver.py": ["--groups", "6", "24", "100"],
}


def scripts() -> list[str]:
    found = sorted(p.name for p in HERE.glob("bench_*.py"))
    return [s for s in SCRIPTS if s in found] + [s for s in found if s not in SCRIPTS]


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    failed = []
    collected = ""
    started = time.perf_counter()
    for name in scripts():
        extra = QUICK.get(name, []) if quick else SCRIPTS.get(name, [])
        if quick and name not in QUICK and name != "bench_solver.py":
            print(f"\n(skipped {name} in --quick)")
            continue
        print(f"\n=== {name} {' '.join(extra)}", flush=True)
        t0 = time.perf_counter()
        with subprocess.Popen(
            [sys.executable, str(HERE / name), *extra],
            cwd=HERE.parent,
            stdout=subprocess.PIPE,
            text=True,
        ) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                collected += line if line.startswith(RESULT_PREFIX) else ""
                sys.stdout.write(line)
                sys.stdout.flush()
        print(f"({name}: {time.perf_counter() - t0:.0f} s)")
        if proc.returncode != 0:
            failed.append(name)
    results = parse_results(collected)
    print(
        "\n=== Aims of issue 14" + (" (--quick: small sizes, not the quoted run)" if quick else "")
    )
    print(f"machine: {machine()}")
    print(
        f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC;"
        f" make bench took {time.perf_counter() - started:.0f} s"
    )
    for aim in AIMS:
        print("  " + judge(aim, results.get(aim)))
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
