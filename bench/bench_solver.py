"""Benchmark 5: the disclosure solver's growth with the number of intake groups.

Builds the count tables a shared report plans: intake group x outcome (with margins)
and intake group x municipality (with margins), linked by the shared group margin, from
seeded random counts where many cells are small. Times `_solver.solve` on the joint
problem at each size and prints the time, the growth exponent between sizes, and whether
100 groups meet the aim (under 5 s).

    .venv/bin/python bench/bench_solver.py [--groups 6 24 48 100] [--repeats 1]
"""

from __future__ import annotations

import argparse
import math

import numpy as np
import pandas as pd
from _common import print_table, timed

OUTCOMES = ["arbete", "studier", "arbetssökande", "annat"]
MUNICIPALITIES = ["Kommun A", "Kommun B", "Kommun C", "Kommun D", "Kommun E"]
AIM_S = 5.0


def problem(n_groups: int, seed: int = 14):
    """values, lines, totals and order of the two linked tables for ``n_groups``."""
    from insats.disclosure import CountSpec
    from insats.disclosure.control import _build_table

    rng = np.random.default_rng(seed + n_groups)
    groups = [f"Intag {g + 1:03d}" for g in range(n_groups)]
    sizes = rng.integers(3, 40, n_groups)
    outcome = np.array([rng.multinomial(s, [0.35, 0.15, 0.4, 0.1]) for s in sizes])
    place = np.array([rng.multinomial(s, [0.4, 0.25, 0.15, 0.12, 0.08]) for s in sizes])
    tables = [
        _build_table(
            "utfall",
            CountSpec(pd.DataFrame(outcome, index=groups, columns=OUTCOMES), ["group", "outcome"]),
        ),
        _build_table(
            "kommun",
            CountSpec(
                pd.DataFrame(place, index=groups, columns=MUNICIPALITIES),
                ["group", "municipality"],
            ),
        ),
    ]
    values: dict = {}
    order: dict = {}
    for table in tables:
        values.update(table.values)
        for row in table.keys:
            for key in row:
                order.setdefault(key, len(order))
    lines = list(dict.fromkeys(line for t in tables for line in t.lines))
    totals = set().union(*(t.totals for t in tables))
    return values, lines, totals, order


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, nargs="+", default=[6, 24, 48, 100])
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    from insats.disclosure import _solver

    # Warm up: the first solve pays scipy's import, which is no part of the growth.
    values, lines, totals, order = problem(3)
    _solver.solve(values, lines, min_cell_count=5, is_total=totals, order=order)
    rows, times = [], []
    for n in args.groups:
        values, lines, totals, order = problem(n)
        result = {}

        def once(values=values, lines=lines, totals=totals, order=order, result=result) -> None:
            result["s"] = _solver.solve(
                values, lines, min_cell_count=5, is_total=totals, order=order
            )

        seconds, _ = timed(once, args.repeats)
        times.append(seconds)
        exponent = ""
        if len(times) > 1:
            prev_n = args.groups[len(times) - 2]
            exponent = f"{math.log(seconds / times[-2]) / math.log(n / prev_n):.2f}"
        rows.append(
            [
                n,
                len(values),
                len(result["s"].hidden),
                len(result["s"].unprotectable),
                f"{seconds:.2f}",
                exponent,
            ]
        )
    print_table(
        "Disclosure solver: solve() on group x outcome + group x municipality tables",
        rows,
        ["groups", "cells", "hidden", "unprotectable", "seconds", "exponent vs previous"],
    )
    if len(times) > 1:
        total = math.log(times[-1] / times[0]) / math.log(args.groups[-1] / args.groups[0])
        print(f"growth exponent {args.groups[0]} -> {args.groups[-1]} groups: {total:.2f}")
    if 100 in args.groups:
        s = times[args.groups.index(100)]
        print(
            f"solver 100 groups: {s:.2f} s (aim < {AIM_S:g} s: {'met' if s < AIM_S else 'not met'})"
        )


if __name__ == "__main__":
    main()
