"""Unit tests of disclosure control: primary and secondary suppression, the registry of
cells across tables, collapsing, figures.json and the appendix."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from factories import recomputable
from insats.disclosure import (
    SUPPRESSED,
    CountSpec,
    DisclosureControl,
    InconsistentSuppressionError,
    collapse_categories,
    plan_collapse,
    protect_figures,
    scan_figures,
    should_collapse,
    summary,
    table_to_records,
)
from insats.report.context import RenderContext
from insats.report.sections.disclosure import render_appendix


def frame(rows: dict[str, list[int]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)


def hidden_cells(protected: pd.DataFrame) -> set[tuple[str, str]]:
    return {
        (str(r), str(c))
        for r in protected.index
        for c in protected.columns
        if protected.at[r, c] is None
    }


def assert_protected(protected, dims=None, min_cell_count=5):
    """No small count shown; no hidden cell recomputable (cells >= 0, and >= 1)."""
    for value in protected.to_numpy().ravel():
        assert value is None or not 0 < value < min_cell_count
    tables = [(protected, dims, "t")]
    assert recomputable(tables, lower=0) == []
    assert recomputable(tables, lower=1) == []


# --- single values -------------------------------------------------------------------
def test_primary_suppression_hides_one_to_four_and_shows_zero():
    control = DisclosureControl("namnd")
    assert [control.is_suppressed_count(n) for n in range(7)] == [
        False,
        True,
        True,
        True,
        True,
        False,
        False,
    ]
    assert not control.is_suppressed_count(float("nan"))
    assert DisclosureControl("namnd", min_cell_count=3).is_suppressed_count(3) is False
    assert not DisclosureControl("internal").is_suppressed_count(1)


def test_shares_that_give_back_a_small_count_are_hidden():
    control = DisclosureControl("namnd")
    # 0.2 * 10 = 2 persons; 0.9 * 10 leaves 1; 0.5 * 10 = 5 and 5: shown.
    assert control.is_suppressed_share(0.2, 10)
    assert control.is_suppressed_share(0.9, 10)
    assert not control.is_suppressed_share(0.5, 10)
    assert control.is_suppressed_share(0.5, 4)  # denominator itself below 5
    assert not control.is_suppressed_share(0.123, 10)  # not a count share: mean-like


def test_bad_counts_are_reported_all_at_once():
    control = DisclosureControl("namnd")
    bad = frame({"a": [1, -2], "b": [2.5, None]}, ["x", "y"])
    with pytest.raises(ValueError) as error:
        control.protect_table(bad, table_id="bad")
    message = str(error.value)
    assert "'bad'" in message and "row 'a', column 'y': -2 where" in message
    assert "2.5" in message and "a blank" in message


def test_bad_audience_and_threshold():
    with pytest.raises(ValueError, match="audience"):
        DisclosureControl("public")
    with pytest.raises(ValueError, match="min_cell_count"):
        DisclosureControl("namnd", min_cell_count=0)


# --- one table -----------------------------------------------------------------------
def test_internal_audience_adds_totals_and_hides_nothing():
    counts = frame({"x": [3, 6], "y": [1, 0]}, ["a", "b"])
    out = DisclosureControl("internal").protect_table(counts, table_id="t")
    # totals by hand: rows 9 and 1, columns 4 and 6, grand 10
    assert out.to_numpy().tolist() == [[3, 6, 9], [1, 0, 1], [4, 6, 10]]
    assert out.dtypes.eq(object).all()


def test_secondary_suppression_hides_the_rectangle_and_keeps_totals():
    counts = frame({"x": [3, 6, 20], "y": [9, 7, 30]}, ["a", "b", "c"])
    out = DisclosureControl("namnd").protect_table(counts, table_id="t", dimensions=["r", "c"])
    # By hand: 3 is primary; row x then needs one more hidden cell, the smallest is 6;
    # column a needs one more: only 9; row y then needs one more: 7 also closes column b.
    assert hidden_cells(out) == {("x", "a"), ("x", "b"), ("y", "a"), ("y", "b")}
    assert out.at["Totalt", "Totalt"] == 75  # 3 + 6 + 20 + 9 + 7 + 30
    assert_protected(out, ["r", "c"])


@pytest.mark.parametrize(
    "rows, columns",
    [
        # a row whose total is itself small, so suppressed (2 + 1 = 3)
        ({"x": [2, 1], "y": [10, 12]}, ["a", "b"]),
        # one small cell and every other cell of its row zero: the row total equals it
        ({"x": [3, 0, 0], "y": [5, 6, 8]}, ["a", "b", "c"]),
        # one small cell in a line of zeros whose column holds only large numbers
        ({"x": [0, 3], "y": [0, 11], "z": [0, 14]}, ["a", "b"]),
        # two ones in a row with a shown total: x is 1 + 1 unless more is hidden
        ({"x": [1, 1, 9], "y": [6, 7, 8]}, ["a", "b", "c"]),
        # the grand total itself is small
        ({"x": [1, 0], "y": [0, 2]}, ["a", "b"]),
        # the only hidden cell sits where the totals row and column meet other totals
        ({"x": [30, 4]}, ["a", "b"]),
        ({"x": [4], "y": [30]}, ["a"]),
        # nothing small at all
        ({"x": [5, 6], "y": [7, 8]}, ["a", "b"]),
    ],
)
def test_hard_cases_are_protected(rows, columns):
    counts = frame(rows, columns)
    out = DisclosureControl("namnd", strict=True).protect_table(
        counts, table_id="t", dimensions=["r", "c"]
    )
    assert_protected(out, ["r", "c"])
    # shown values are the true ones (totals recomputed by pandas here)
    full = counts.copy()
    if full.shape[1] > 1:
        full["Totalt"] = full.sum(axis=1)
    if full.shape[0] > 1:
        full.loc["Totalt"] = full.sum(axis=0)
    for r in out.index:
        for c in out.columns:
            if out.at[r, c] is not None:
                assert out.at[r, c] == full.at[r, c]


def test_nothing_is_hidden_when_nothing_is_small():
    counts = frame({"x": [5, 6], "y": [7, 8]}, ["a", "b"])
    out = DisclosureControl("namnd").protect_table(counts, table_id="t")
    assert hidden_cells(out) == set()


def test_one_way_table_has_a_total_row_only():
    counts = pd.DataFrame({"Antal": [3, 8, 9]}, index=["woman", "man", "unknown"])
    out = DisclosureControl("namnd").protect_table(counts, table_id="g", dimensions=["gender"])
    assert list(out.columns) == ["Antal"]
    # 3 is primary; the column then needs one more: the smallest other is 8.
    assert hidden_cells(out) == {("woman", "Antal"), ("man", "Antal")}
    assert out.at["Totalt", "Antal"] == 20


# --- several tables ------------------------------------------------------------------
def gender_tables():
    by_outcome = frame({"woman": [3, 5, 4], "man": [6, 7, 9]}, ["employment", "studies", "none"])
    by_group = frame({"woman": [8, 4], "man": [10, 12]}, ["A", "B"])
    one_way = pd.DataFrame({"Antal": [12, 22]}, index=["woman", "man"])
    return by_outcome, by_group, one_way


def test_planned_tables_agree_on_every_shared_cell():
    by_outcome, by_group, one_way = gender_tables()
    control = DisclosureControl("namnd", strict=True)
    control.plan_tables(
        {
            "outcome": CountSpec(by_outcome, ["gender", "outcome"]),
            "group": CountSpec(by_group, ["gender", "group"]),
            "gender": CountSpec(one_way, ["gender"]),
        }
    )
    a = control.protect_table(by_outcome, table_id="outcome", dimensions=["gender", "outcome"])
    b = control.protect_table(by_group, table_id="group", dimensions=["gender", "group"])
    c = control.protect_table(one_way, table_id="gender", dimensions=["gender"])
    for g in ["woman", "man", "Totalt"]:
        assert (a.at[g, "Totalt"] is None) == (b.at[g, "Totalt"] is None)
        assert (a.at[g, "Totalt"] is None) == (c.at[g, "Antal"] is None)
    tables = [(a, ["gender", "outcome"], "a"), (b, ["gender", "group"], "b"), (c, ["gender"], "c")]
    assert recomputable(tables, lower=0) == []
    assert recomputable(tables, lower=1) == []
    assert summary(control).tables == 3


def test_unplanned_table_honours_cells_shown_elsewhere():
    # Gender alone was shown first: woman 8, man 9, total 17.
    control = DisclosureControl("namnd", strict=True)
    first = control.protect_table(
        pd.DataFrame({"Antal": [8, 9]}, index=["woman", "man"]),
        table_id="gender",
        dimensions=["gender"],
    )
    assert hidden_cells(first) == set()
    # By outcome: woman [3, 5], man [9, 0]. Hiding man-employment (9) would leave it
    # recomputable from man's total 9, shown already; the employment total must go.
    counts = frame({"woman": [3, 5], "man": [9, 0]}, ["employment", "studies"])
    out = control.protect_table(counts, table_id="outcome", dimensions=["gender", "outcome"])
    assert out.at["woman", "Totalt"] == 8 and out.at["man", "Totalt"] == 9
    assert out.at["Totalt", "Totalt"] == 17
    assert out.at["man", "employment"] == 9
    tables = [(first, ["gender"], "g"), (out, ["gender", "outcome"], "o")]
    assert recomputable(tables, lower=1) == []


def test_unprotectable_table_raises_in_strict_mode_and_is_recorded_otherwise():
    studies = pd.DataFrame({"studies": [5, 9]}, index=["woman", "man"])
    gender = pd.DataFrame({"Antal": [8, 10]}, index=["woman", "man"])
    # woman: 3 employment + 5 studies = 8; man: 1 + 9 = 10. Studies and gender totals
    # are shown already, so woman-employment = 8 - 5 whatever is hidden now.
    counts = frame({"woman": [3, 5], "man": [1, 9]}, ["employment", "studies"])
    for strict in (True, False):
        control = DisclosureControl("namnd", strict=strict)
        control.protect_table(studies, table_id="s", dimensions=["gender", "outcome"])
        control.protect_table(gender, table_id="g", dimensions=["gender"])
        if strict:
            with pytest.raises(InconsistentSuppressionError, match="recomputed"):
                control.protect_table(counts, table_id="o", dimensions=["gender", "outcome"])
        else:
            control.protect_table(counts, table_id="o", dimensions=["gender", "outcome"])
            assert control.inconsistencies
    # Planned together, the same three tables are protected.
    control = DisclosureControl("namnd", strict=True)
    specs = {
        "s": CountSpec(studies, ["gender", "outcome"]),
        "g": CountSpec(gender, ["gender"]),
        "o": CountSpec(counts, ["gender", "outcome"]),
    }
    control.plan_tables(specs)
    tables = [
        (control.protect_table(s.counts, table_id=k, dimensions=s.dimensions), s.dimensions, k)
        for k, s in specs.items()
    ]
    assert recomputable(tables, lower=1) == []


def test_same_population_with_different_counts_is_an_inconsistency():
    control = DisclosureControl("namnd", strict=True)
    control.protect_table(
        pd.DataFrame({"n": [8, 9]}, index=["woman", "man"]), table_id="a", dimensions=["gender"]
    )
    with pytest.raises(InconsistentSuppressionError, match="filters"):
        control.protect_table(
            pd.DataFrame({"n": [7, 9]}, index=["woman", "man"]), table_id="b", dimensions=["gender"]
        )
    # With filters saying they count different populations, both are fine.
    control.protect_table(
        pd.DataFrame({"n": [7, 9]}, index=["woman", "man"]),
        table_id="b",
        dimensions=["gender"],
        filters={"period": "2024"},
    )


def test_planned_table_may_be_rendered_with_another_total_label():
    by_outcome, _, _ = gender_tables()
    control = DisclosureControl("namnd", strict=True)
    control.plan_tables({"o": CountSpec(by_outcome, ["gender", "outcome"])})
    out = control.protect_table(
        by_outcome, table_id="o", dimensions=["gender", "outcome"], total_label="Total"
    )
    assert list(out.index) == ["woman", "man", "Total"] and out.at["Total", "Total"] == 34


def test_planned_table_rendered_with_other_counts_is_flagged():
    by_outcome, _, _ = gender_tables()
    control = DisclosureControl("namnd", strict=True)
    control.plan_tables({"o": CountSpec(by_outcome, ["gender", "outcome"])})
    with pytest.raises(InconsistentSuppressionError, match="than planned or rendered before"):
        control.protect_table(by_outcome + 1, table_id="o", dimensions=["gender", "outcome"])


# --- collapsing ----------------------------------------------------------------------
def test_should_collapse_counts_small_nonzero_cells():
    assert should_collapse(pd.Series([2, 3, 12, 0]))  # 2 of 3 non-zero cells small
    assert not should_collapse(pd.Series([2, 8, 12]))  # 1 of 3
    assert not should_collapse(pd.Series([0, 0]))
    assert should_collapse(frame({"x": [1, 2], "y": [3, 9]}, ["a", "b"]))


def test_ordered_categories_merge_with_neighbours():
    ages = pd.Series({"18–24": 2, "25–29": 4, "30–39": 7, "40–49": 1, "50+": 2})
    out = collapse_categories(ages, order=list(ages.index))
    # 2 + 4 = 6 reaches 5; 7 alone; 1 + 2 = 3 is too small and joins 30–39: 7 + 3 = 10.
    assert out.to_dict() == {"18–29": 6, "30+": 10}
    assert out.sum() == ages.sum()


def test_unordered_categories_go_to_others():
    countries = pd.Series({"Syrien": 9, "Eritrea": 3, "Somalia": 1, "Irak": 6})
    out = collapse_categories(countries, other_label="Övriga")
    # 3 + 1 = 4 is still small, so the smallest shown category (Irak, 6) joins: 10.
    assert out.to_dict() == {"Syrien": 9, "Övriga": 10}


def test_collapse_a_breakdown_by_rows():
    table = frame({"18–24": [1, 2], "25–29": [2, 1], "30+": [8, 9]}, ["woman", "man"])
    out = collapse_categories(table, order=list(table.index))
    assert out.loc["18–29"].tolist() == [3, 3] and out.loc["30+"].tolist() == [8, 9]
    assert plan_collapse(pd.Series({"a": 0, "b": 7}), order=["a", "b"]) == {"a": "a", "b": "b"}


def test_control_collapses_only_for_the_nammd_and_counts_it():
    countries = pd.Series({"Syrien": 2, "Eritrea": 3, "Irak": 6})
    internal = DisclosureControl("internal")
    assert internal.collapse(countries) is countries
    shared = DisclosureControl("namnd")
    assert shared.collapse(countries).to_dict() == {"Irak": 6, "Övriga": 5}
    assert shared.collapsed_breakdowns == 1


# --- figures.json --------------------------------------------------------------------
def test_scan_and_protect_figures():
    data = {
        "outcomes": [{"code": "studies", "count": 3, "share": 0.25}, {"code": "x", "count": 9}],
        "n_started": 2,
        "counts": {"woman": 4, "man": 0},
        "year": 2024,
        "score": 3,
    }
    assert scan_figures(data) == ["$.outcomes[0].count", "$.n_started", "$.counts.woman"]
    protected = protect_figures(data)
    assert scan_figures(protected) == []
    assert protected["outcomes"][1]["count"] == 9 and protected["score"] == 3
    assert data["n_started"] == 2  # the input is not changed


def test_statistics_inside_a_block_of_counts_are_not_counts():
    data = {
        "participants": {
            "enrolled": 23,
            "by_gender": {"woman": 4, "man": 19},
            "median_months": 3.0,
            "work_share": 1.0,
            "year": 2024,
        }
    }
    assert scan_figures(data) == ["$.participants.by_gender.woman"]
    assert scan_figures({"early_exit_reasons": {"moved": 2}}) == ["$.early_exit_reasons.moved"]
    # three levels below a count key is no longer a table of counts
    assert scan_figures({"events": [{"params": {"attempts": 2}}]}) == []


def test_table_to_records_keeps_suppression():
    out = DisclosureControl("namnd").protect_table(
        frame({"x": [3, 6, 20], "y": [9, 7, 30]}, ["a", "b", "c"]), table_id="t"
    )
    records = table_to_records(out)
    assert records["counts"][0][0] is None and records["index"][-1] == "Totalt"
    assert scan_figures({"table": records}) == []


# --- appendix ------------------------------------------------------------------------
def test_appendix_counts_hidden_cells_without_naming_them():
    ctx = RenderContext(language="sv", audience="namnd")
    counts = frame({"x": [3, 6, 20], "y": [9, 7, 30]}, ["a", "b", "c"])
    ctx.count_table(counts, "Test", table_id="t", dimensions=["r", "c"])
    ctx.count_table(counts, "Test again", table_id="t", dimensions=["r", "c"])  # once
    result = summary(ctx)
    # 12 cells with totals; 1 primary (3) and 3 secondary (6, 9, 7), see the test above
    assert (result.tables, result.cells, result.primary, result.secondary) == (1, 12, 1, 3)
    html = str(render_appendix(ctx))
    assert "färre än 5 personer" in html and "sekundärt röjandeskydd" in html
    # one count of hidden cells, not split into small and secondary (attack round 9)
    assert re.search(
        r"Dolda celler \(färre än 5 personer, eller sekundärt röjandeskydd\)</th>\s*<td>4<", html
    ), html
    assert f"”{SUPPRESSED}”" in html
    english = str(render_appendix(RenderContext(language="en", audience="namnd")))
    assert "secondary suppression" in english and "No figure needed" in english
    internal = str(render_appendix(RenderContext(audience="internal")))
    assert "internt bruk" in internal
