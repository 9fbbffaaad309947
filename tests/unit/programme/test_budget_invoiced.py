"""invoiced_to_date: the cost to date is the latest cumulative row per funder and year."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from insats.cohort import load_finance
from insats.periods import parse_period
from insats.programme.budget import invoiced_to_date, latest_rows, summarise_budget
from insats.report.compose import assess_goals, investment_to_date

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "sample"


def frame(rows):
    out = pd.DataFrame(rows, columns=["funder", "period", "granted_sek", "invoiced_sek"])
    out["forecast_sek"] = out["granted_sek"]
    out["source_row"] = range(2, len(out) + 2)
    return out


def test_sample_first_step_2021_t2():
    finance = load_finance(SAMPLE / "forsta_steget_ekonomi.csv")
    result = invoiced_to_date(finance, parse_period("2021-T2"))
    # Latest per Kommun and year: 644 254 + 861 500 + 639 778 (Perstorp 2019-T3, 2020-T3,
    # 2021-T2) + 644 253 + 812 700 + 521 261 (Klippan) = 4 123 746 (issue 10, item 1).
    assert result.total_sek == 4_123_746
    assert float(finance["invoiced_sek"].sum()) == 7_015_046  # the old, wrong sum
    assert result.row_labels() == {
        "Klippan": ["2019-T3", "2020-T3", "2021-T2"],
        "Perstorp": ["2019-T3", "2020-T3", "2021-T2"],
    }
    # The budget section's year figure is the same rows of 2021.
    budget = summarise_budget(finance, parse_period("2021-T2"))
    assert budget.totals["invoiced_sek"] == 639_778 + 521_261
    assert budget.totals["invoiced_sek"] == result.rows.query("year == 2021")["invoiced_sek"].sum()


def test_rows_after_the_period_and_later_duplicates():
    rows = frame(
        [
            ("A", "2020-T1", 10, 1),
            ("A", "2020-T2", 10, 4),
            ("A", "2021-T1", 10, 2),
            ("A", "2021-T3", 10, 9),  # starts after 2021-T2 ends: unknown then
            ("B", "2021", 10, 7),  # a year row starts 2021-01-01: known, year 2021
            ("A", "2020-T2", 10, 5),  # a later row of the same period wins (file order)
        ]
    )
    result = invoiced_to_date(rows, parse_period("2021-T2"))
    assert result.total_sek == 5 + 2 + 7
    assert list(latest_rows(rows, parse_period("2021-T2"))["period"]) == [
        "2020-T2",
        "2021-T1",
        "2021",
    ]


def test_no_rows_before_the_period():
    result = invoiced_to_date(frame([("A", "2022-T1", 10, 3)]), parse_period("2021-T2"))
    assert result.total_sek == 0.0 and result.rows.empty


def test_investment_parameter_wins():
    rows = frame([("A", "2021-T1", 10, 3)])
    inv = investment_to_date(1_000.0, rows, parse_period("2021-T2"))
    assert (inv.total_sek, inv.source, inv.invoiced) == (1_000.0, "parameter", None)
    inv = investment_to_date(None, rows, parse_period("2021-T2"))
    assert (inv.total_sek, inv.source) == (3.0, "finance")
    assert investment_to_date(None, None, parse_period("2021-T2")) is None


def test_both_goals_in_order():
    params = SimpleNamespace(goal_self_sufficiency_share=0.75, goal_work_or_studies_share=0.5)
    ss = SimpleNamespace(count=2, n=12)
    ws = SimpleNamespace(count=8, n=12)
    goals = assess_goals(params, ss, ws)
    assert [g.label_key for g in goals] == [
        "outcomes.composite.self_sufficient",
        "outcomes.composite.work_or_studies",
    ]
    # 2/12 = 17 %, Wilson 5–45 %: the whole interval under 75 % -> missed.
    # 8/12 = 67 % >= 50 % -> met.
    assert [g.status for g in goals] == ["missed", "met"]
    assert goals[1].observed_share == pytest.approx(8 / 12)
    one = SimpleNamespace(goal_self_sufficiency_share=None, goal_work_or_studies_share=0.5)
    assert [g.label_key for g in assess_goals(one, ss, ws)] == [
        "outcomes.composite.work_or_studies"
    ]


def test_known_at_drops_statuses_dated_after_the_period():
    from insats.report.compose import known_at

    df = pd.DataFrame(
        {
            "end_date": pd.to_datetime(["2021-01-29", "2021-02-28", "2021-04-30", None]),
            "outcome_6m": ["employment", "studies", "employment", "employment"],
            "support_6m": ["wage", "student_aid", "wage", "wage"],
            "outcome_12m": ["employment", None, "employment", None],
            "support_12m": ["wage", None, "wage", None],
        }
    )
    before = df.copy()
    out = known_at(df, pd.Timestamp("2021-08-31"))
    # 6 months after: 2021-07-29 and 2021-08-28 are known on 31 August, 2021-10-30 is
    # not; a person without an exit has no follow-up. 12 months: none known yet.
    assert out["outcome_6m"].tolist()[:2] == ["employment", "studies"]
    assert out["outcome_6m"].isna().tolist() == [False, False, True, True]
    assert out["support_6m"].isna().tolist() == [False, False, True, True]
    assert out["outcome_12m"].isna().all() and out["support_12m"].isna().all()
    pd.testing.assert_frame_equal(df, before)  # the input is not changed
    # exactly 12 months before the end is known (due on the last day)
    one = pd.DataFrame({"end_date": pd.to_datetime(["2020-08-31"]), "outcome_12m": ["studies"]})
    assert known_at(one, pd.Timestamp("2021-08-31"))["outcome_12m"].tolist() == ["studies"]
