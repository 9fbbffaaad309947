"""An independent attacker for disclosure tests: reads only what a report shows.

Given the protected tables (with totals, None where hidden) and the names of their row
and column variables, it sets up what a reader knows — every shown value, every row and
column sum, the same population is the same number in every table — and asks scipy's
linear programming for the smallest and largest value of each hidden cell. A hidden cell
is recomputable when that interval is a single point. It shares no code with
insats.disclosure on purpose.
"""

from __future__ import annotations

import pandas as pd

from factories import intervals, recomputable


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
