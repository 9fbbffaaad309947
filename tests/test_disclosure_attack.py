"""An independent attacker for disclosure tests: reads only what a report shows.

Given the protected tables (with totals, None where hidden) and the names of their row
and column variables, it sets up what a reader knows — every shown value, every row and
column sum, the same population is the same number in every table — and asks scipy's
linear programming for the smallest and largest value of each hidden cell. A hidden cell
is recomputable when that interval is a single point. It shares no code with
insats.disclosure on purpose.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linprog


def _keys(frame: pd.DataFrame, dims, total: str, scope: str):
    def key(r, c):
        parts = set() if dims else {("table", scope)}
        row_dim, col_dim = (dims or ["rows", "cols"])[0], (dims or ["rows", "cols"])[-1]
        if str(r) != total:
            parts.add((row_dim, str(r)))
        if str(c) != total and not (dims and len(dims) == 1):
            parts.add((col_dim, str(c)))
        return frozenset(parts)

    return [[key(r, c) for c in frame.columns] for r in frame.index]


def intervals(tables, total: str = "Totalt", lower: int = 0) -> dict:
    """Min and max of every hidden cell over all tables, as a reader can work them out.

    Args:
        tables: list of (protected frame, dimensions or None, table name).
        total: the label of total rows and columns.
        lower: what the reader knows of hidden cells (0: only that counts are >= 0;
            1: also that hidden cells are not zero, since zeros are always shown).

    Returns:
        {(table name, row, column): (min, max)} for each hidden cell.
    """
    unknown: dict[frozenset, int] = {}
    shown: dict[frozenset, float] = {}
    equations: list[tuple[list[frozenset], list[frozenset]]] = []  # members, total
    where: dict[tuple, frozenset] = {}
    for frame, dims, name in tables:
        keys = _keys(frame, dims, total, name)
        rows, cols = list(map(str, frame.index)), list(map(str, frame.columns))
        for i, r in enumerate(frame.index):
            for j, c in enumerate(frame.columns):
                value = frame.iat[i, j]
                k = keys[i][j]
                if value is None or pd.isna(value):
                    unknown.setdefault(k, len(unknown))
                    where[(name, str(r), str(c))] = k
                else:
                    shown[k] = float(value)
        if total in cols:
            t = cols.index(total)
            for i in range(len(rows)):
                equations.append(([keys[i][j] for j in range(len(cols)) if j != t], [keys[i][t]]))
        if total in rows:
            t = rows.index(total)
            for j in range(len(cols)):
                equations.append(([keys[i][j] for i in range(len(rows)) if i != t], [keys[t][j]]))
    # A population shown in any table is known in every table.
    pinned = {cell: (shown[k], shown[k]) for cell, k in where.items() if k in shown}
    unknown = {k: i for i, k in enumerate(k for k in unknown if k not in shown)}
    where = {cell: k for cell, k in where.items() if k not in shown}
    n = len(unknown)
    if n == 0:
        return pinned
    a_rows, b = [], []
    for members, totals in equations:
        row = np.zeros(n)
        rhs = 0.0
        for k, sign in [*((m, 1.0) for m in members), *((t, -1.0) for t in totals)]:
            if k in unknown:
                row[unknown[k]] += sign
            else:
                rhs -= sign * shown[k]
        if row.any():
            a_rows.append(row)
            b.append(rhs)
    a_eq = np.array(a_rows) if a_rows else None
    b_eq = np.array(b) if a_rows else None
    out = {}
    bounds = {}
    for k, i in unknown.items():
        c = np.zeros(n)
        c[i] = 1
        low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(lower, None), method="highs")
        high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(lower, None), method="highs")
        assert low.status == 0, f"the shown table is infeasible for the reader: {low.message}"
        bounds[k] = (low.fun, np.inf if high.status == 3 else -high.fun)
    for cell, k in where.items():
        out[cell] = bounds[k]
    return {**out, **pinned}


def recomputable(tables, total: str = "Totalt", lower: int = 0) -> list:
    """Hidden cells pinned to one value (lower=0: interval a point; lower=1: less than
    one whole person wide)."""
    width = 1e-9 if lower == 0 else 1 - 1e-6
    return [cell for cell, (lo, hi) in intervals(tables, total, lower).items() if hi - lo < width]


# --- the attacker must be able to fail, or the property tests prove nothing -------------
def _primary_only(counts: pd.DataFrame, min_cell_count: int = 5) -> pd.DataFrame:
    """Totals added, small counts hidden, nothing else: what naive suppression gives."""
    full = counts.copy()
    full["Totalt"] = full.sum(axis=1)
    full.loc["Totalt"] = full.sum(axis=0)
    out = full.astype(object)
    for r in out.index:
        for c in out.columns:
            if 0 < out.at[r, c] < min_cell_count:
                out.at[r, c] = None
    return out


def test_attacker_recomputes_a_cell_hidden_by_primary_suppression_only():
    counts = pd.DataFrame({"a": [3, 9], "b": [6, 7]}, index=["x", "y"])
    naive = _primary_only(counts)
    # x-a is hidden, but x's total 9 minus x-b 6 gives it back: 3.
    assert intervals([(naive, None, "t")]) == {("t", "x", "a"): (3.0, 3.0)}
    assert recomputable([(naive, None, "t")]) == [("t", "x", "a")]


def test_attacker_uses_that_zeros_are_shown():
    # x: [1, 1, 9 | 11], y: [6, 7, 8 | 21], z: [4, 6, 5 | 15]; totals 11, 14, 22 | 47,
    # with x-a, x-b, z-a, z-b hidden. The reader knows x-a + x-b = 11 - 9 = 2; if hidden
    # cells may be 0 that leaves 0..2, but a hidden cell is never 0 (zeros are shown),
    # so x-a = x-b = 1, and then z-a = 11 - 6 - 1 = 4, z-b = 14 - 7 - 1 = 6.
    shown = pd.DataFrame(
        {
            "a": [None, 6, None, 11],
            "b": [None, 7, None, 14],
            "c": [9, 8, 5, 22],
            "Totalt": [11, 21, 15, 47],
        },
        index=["x", "y", "z", "Totalt"],
        dtype=object,
    )
    assert recomputable([(shown, None, "t")], lower=0) == []
    assert intervals([(shown, None, "t")], lower=0)[("t", "x", "a")] == (0.0, 2.0)
    assert set(recomputable([(shown, None, "t")], lower=1)) == {
        ("t", "x", "a"),
        ("t", "x", "b"),
        ("t", "z", "a"),
        ("t", "z", "b"),
    }


def test_attacker_links_tables_by_population():
    # Table one hides woman's and other's totals (only their sum 31 - 13 = 18 is known);
    # a one-way table by gender shows woman 8: the reader combines them.
    one = pd.DataFrame(
        {"a": [None, None, 6, 15], "b": [None, None, 7, 16], "Totalt": [None, None, 13, 31]},
        index=["woman", "other", "man", "Totalt"],
        dtype=object,
    )
    two = pd.DataFrame(
        {"n": [8, 10, 13, 31]}, index=["woman", "other", "man", "Totalt"], dtype=object
    )
    alone = recomputable([(one, ["gender", "x"], "one")], lower=1)
    both = recomputable([(one, ["gender", "x"], "one"), (two, ["gender"], "two")], lower=1)
    assert alone == [] and ("one", "woman", "Totalt") in both
