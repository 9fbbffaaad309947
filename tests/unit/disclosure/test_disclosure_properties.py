"""Property tests: whatever the table, nothing small can be read or recomputed.

Random tables (1–6 x 1–6, counts 0–30, small counts over-represented) and random
cohorts cross-tabulated two ways are protected; an independent attacker
(test_disclosure_attack.py, scipy linprog) then tries to pin every hidden cell.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import intervals, recomputable
from insats.disclosure import CountSpec, DisclosureControl

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Small counts are what suppression is about: draw them often.
COUNT = st.one_of(st.integers(0, 6), st.integers(0, 30))


@st.composite
def count_tables(draw) -> pd.DataFrame:
    n_rows = draw(st.integers(1, 6))
    n_cols = draw(st.integers(1, 6))
    values = draw(
        st.lists(
            st.lists(COUNT, min_size=n_cols, max_size=n_cols), min_size=n_rows, max_size=n_rows
        )
    )
    return pd.DataFrame(
        values, index=[f"r{i}" for i in range(n_rows)], columns=[f"c{j}" for j in range(n_cols)]
    )


def with_totals(counts: pd.DataFrame, protected: pd.DataFrame) -> pd.DataFrame:
    full = counts.copy()
    if "Totalt" in protected.columns:
        full["Totalt"] = full.sum(axis=1)
    if "Totalt" in protected.index:
        full.loc["Totalt"] = full.sum(axis=0)
    return full


def lines(protected: pd.DataFrame):
    """Every row and column of the table that has a total (totals row/column too)."""
    out = []
    if "Totalt" in protected.columns:
        out += [protected.loc[r] for r in protected.index]
    if "Totalt" in protected.index:
        out += [protected[c] for c in protected.columns]
    return out


@SETTINGS
@given(count_tables(), st.sampled_from([3, 5]))
def test_no_small_count_shown_and_no_hidden_cell_recomputable(counts, min_cell_count):
    control = DisclosureControl("namnd", min_cell_count=min_cell_count, strict=True)
    protected = control.protect_table(counts, table_id="t", dimensions=["r", "c"])
    truth = with_totals(counts, protected)
    # (1) shown cells are the true values, and none is between 1 and the threshold - 1
    for r in protected.index:
        for c in protected.columns:
            value = protected.at[r, c]
            if value is None:
                assert truth.at[r, c] > 0, "zeros are always shown"
            else:
                assert value == truth.at[r, c]
                assert not 0 < value < min_cell_count
    # (2a) the classic rule: no line has exactly one hidden cell
    for line in lines(protected):
        assert sum(v is None for v in line) != 1
    # (2b) the real test: for each hidden cell, min != max over everything a reader knows
    tables = [(protected, ["r", "c"], "t")]
    for (_, _, _), (low, high) in intervals(tables, lower=0).items():
        assert high - low > 1e-9
    # (2c) stronger: knowing hidden cells are not zero still leaves two whole values
    assert recomputable(tables, lower=1) == []


@st.composite
def cohorts(draw) -> pd.DataFrame:
    """Persons with a gender, an outcome and a group; sizes 0–60."""
    genders = [f"g{i}" for i in range(draw(st.integers(1, 3)))]
    outcomes = [f"o{i}" for i in range(draw(st.integers(1, 4)))]
    groups = [f"p{i}" for i in range(draw(st.integers(1, 4)))]
    people = draw(
        st.lists(
            st.tuples(st.sampled_from(genders), st.sampled_from(outcomes), st.sampled_from(groups)),
            max_size=60,
        )
    )
    frame = pd.DataFrame(people, columns=["gender", "outcome", "group"])
    frame.attrs["levels"] = {"gender": genders, "outcome": outcomes, "group": groups}
    return frame


def crosstab(cohort: pd.DataFrame, row: str, col: str) -> pd.DataFrame:
    levels = cohort.attrs["levels"]
    table = pd.crosstab(cohort[row], cohort[col]) if len(cohort) else pd.DataFrame()
    return table.reindex(index=levels[row], columns=levels[col], fill_value=0).astype(int)


def check_consistent(tables):
    """The same population is hidden in every table or in none."""
    status: dict[frozenset, bool] = {}
    for protected, dims, _ in tables:
        for r in protected.index:
            for c in protected.columns:
                key = frozenset(
                    [(dims[0], r)] * (r != "Totalt")
                    + [(dims[-1], c)] * (c != "Totalt" and len(dims) == 2)
                )
                hidden = protected.at[r, c] is None
                assert status.setdefault(key, hidden) == hidden, f"{key} differs across tables"


@SETTINGS
@given(cohorts())
def test_tables_sharing_a_margin_are_consistent_when_planned(cohort):
    specs = {
        "by_outcome": CountSpec(crosstab(cohort, "gender", "outcome"), ["gender", "outcome"]),
        "by_group": CountSpec(crosstab(cohort, "gender", "group"), ["gender", "group"]),
    }
    control = DisclosureControl("namnd", strict=True)
    control.plan_tables(specs)
    tables = [
        (control.protect_table(s.counts, table_id=k, dimensions=s.dimensions), s.dimensions, k)
        for k, s in specs.items()
    ]
    check_consistent(tables)
    assert control.inconsistencies == []
    # (3) read together, the two tables give nothing away either
    assert recomputable(tables, lower=1) == []


@SETTINGS
@given(cohorts())
def test_tables_protected_one_by_one_stay_consistent(cohort):
    specs = [
        CountSpec(crosstab(cohort, "gender", "outcome"), ["gender", "outcome"]),
        CountSpec(crosstab(cohort, "outcome", "group"), ["outcome", "group"]),
        CountSpec(crosstab(cohort, "gender", "group").sum(axis=1).to_frame("n"), ["gender"]),
    ]
    control = DisclosureControl("namnd", strict=False)
    tables = [
        (
            control.protect_table(s.counts, table_id=f"t{i}", dimensions=s.dimensions),
            list(s.dimensions),
            f"t{i}",
        )
        for i, s in enumerate(specs)
    ]
    check_consistent(tables)
    # Without planning a later table may be impossible to protect; then it is recorded.
    if not control.inconsistencies:
        assert recomputable(tables, lower=1) == []
