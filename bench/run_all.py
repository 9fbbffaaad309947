"""Run every benchmark script of bench/ in turn and print their tables.

    .venv/bin/python bench/run_all.py [--quick]

``--quick`` passes small sizes (for a smoke run; the README quotes the full run).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = {
    "bench_report.py": [],
    "bench_batch.py": [],
    "bench_ingest.py": [],
    "bench_montecarlo.py": [],  # written by another helper; run when present
    "bench_solver.py": [],
}
QUICK = {
    "bench_report.py": ["--repeats", "1"],
    "bench_batch.py": ["--projects", "2", "--naive-limit", "2"],
    "bench_ingest.py": ["--rows", "100000", "--repeats", "1"],
    "bench_solver.py": ["--groups", "6", "24", "100"],
}


def main() -> int:
    quick = "--quick" in sys.argv[1:]
    failed = []
    for name, args in SCRIPTS.items():
        script = HERE / name
        if not script.exists():
            print(f"\n(skipped {name}: not present)")
            continue
        extra = QUICK.get(name, []) if quick else args
        print(f"\n=== {name} {' '.join(extra)}", flush=True)
        done = subprocess.run([sys.executable, str(script), *extra], cwd=HERE.parent)
        if done.returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
