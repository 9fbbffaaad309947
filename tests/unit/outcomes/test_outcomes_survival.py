"""Kaplan–Meier time to work or studies against a hand-computed product-limit estimate."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from insats.outcomes import estimate_time_to_work, loglog_interval, survival_durations

START = date(2021, 1, 1)
AS_OF = START + timedelta(days=120)


def person(pid, start_offset, days, outcome, row):
    start = START + timedelta(days=start_offset)
    end = None if days is None else start + timedelta(days=days)
    return {
        "participant_id": pid,
        "start_date": start,
        "end_date": end,
        "outcome_at_exit": outcome,
        "source_row": row,
    }


def tiny_cohort() -> pd.DataFrame:
    """Seven followed persons and one who starts after as_of.

    days  event  why
      30    1    exit to employment
      50    0    exit, outcome 'unknown'          (censored at exit)
      50    1    exit to studies
      80    1    exit to subsidised employment
     100    0    exit to job seeking              (censored at exit)
     110    0    exits to work after as_of        (censored at as_of: 120 - 10)
     120    0    still enrolled                   (censored at as_of)
    """
    rows = [
        person("a", 0, 30, "employment", 2),
        person("b", 0, 50, "unknown", 3),
        person("c", 0, 50, "studies", 4),
        person("d", 0, 80, "subsidised_employment", 5),
        person("e", 0, 100, "job_seeking", 6),
        person("f", 10, 200, "employment", 7),
        person("g", 0, None, None, 8),
        person("h", 130, None, None, 9),  # starts after as_of: left out
    ]
    df = pd.DataFrame(rows)
    df["start_date"] = pd.to_datetime(df["start_date"])
    df["end_date"] = pd.to_datetime(df["end_date"])
    return df


def test_durations_and_censoring():
    d = survival_durations(tiny_cohort(), AS_OF)
    assert d["days"].tolist() == [30, 50, 50, 80, 100, 110, 120]
    assert d["event"].tolist() == [True, False, True, True, False, False, False]


def test_product_limit_by_hand():
    result = estimate_time_to_work(tiny_cohort(), AS_OF)
    curve = result.curve.set_index("days")
    # Product-limit, censored at t still at risk at t:
    #   t=30: at risk 7, 1 event -> S = 6/7
    #   t=50: at risk 6 (both 50s), 1 event -> S = 6/7 · 5/6 = 5/7
    #   t=80: at risk 4, 1 event -> S = 5/7 · 3/4 = 15/28
    assert curve.loc[30, "survival"] == pytest.approx(6 / 7)
    assert curve.loc[50, "survival"] == pytest.approx(5 / 7)
    assert curve.loc[80, "survival"] == pytest.approx(15 / 28)
    assert curve.loc[[30, 50, 80], "at_risk"].tolist() == [7, 6, 4]
    # Greenwood: Var S = S² Σ d / (n (n − d)) = (15/28)² (1/42 + 1/30 + 1/12)
    greenwood = 15 / 28 * math.sqrt(1 / 42 + 1 / 30 + 1 / 12)
    z = 1.959963984540054
    s = 15 / 28
    theta = greenwood / (s * abs(math.log(s)))
    low, high = s ** math.exp(z * theta), s ** math.exp(-z * theta)
    assert curve.loc[80, "ci_low"] == pytest.approx(low)
    assert curve.loc[80, "ci_high"] == pytest.approx(high)
    # S stays above one half: the median is not reached
    assert result.median_days is None
    table = result.table.set_index("months")
    # 1 month = 30.44 days: after the event at 30; 3 months = 91.3 days: after 80;
    # 4 months = 121.75 days is beyond the longest follow-up (120): not estimated
    assert table.loc[1.0, "cumulative_share"] == pytest.approx(1 / 7)
    assert table.loc[3.0, "cumulative_share"] == pytest.approx(13 / 28)
    assert table.loc[3.0, "at_risk"] == 3 and table.loc[3.0, "events_by"] == 3
    assert np.isnan(table.loc[4.0, "cumulative_share"])
    assert (result.n, result.events, result.censored) == (7, 3, 4)


def test_median_with_statsmodels_documented_rule():
    # Six persons, events at 3, 5, 8 days and censored at 5, 10, 12: S = 5/6, 2/3, 4/9;
    # the median is the first time S <= 0.5 -> 8 days (by hand, and statsmodels'
    # SurvfuncRight.quantile definition)
    days = [3, 5, 5, 8, 10, 12]
    outcome = ["employment", "job_seeking", "studies", "employment", "inactive", "inactive"]
    df = pd.DataFrame(
        [person(str(i), 0, d, o, i) for i, (d, o) in enumerate(zip(days, outcome, strict=True))]
    )
    df["start_date"] = pd.to_datetime(df["start_date"])
    df["end_date"] = pd.to_datetime(df["end_date"])
    result = estimate_time_to_work(df, START + timedelta(days=365))
    assert result.curve["survival"].tolist() == pytest.approx([1, 5 / 6, 2 / 3, 4 / 9])
    assert result.median_days == 8


def test_all_censored_and_empty():
    df = tiny_cohort()
    df["outcome_at_exit"] = df["outcome_at_exit"].where(df["outcome_at_exit"].isna(), "job_seeking")
    result = estimate_time_to_work(df, AS_OF)
    assert result.events == 0 and result.n == 7
    assert result.curve["survival"].tolist() == [1.0]
    assert (result.table["cumulative_share"].dropna() == 0).all()
    empty = estimate_time_to_work(df.iloc[0:0], AS_OF)
    assert empty.n == 0 and empty.table["cumulative_share"].isna().all()


def test_end_before_start_names_the_row():
    df = tiny_cohort()
    df.loc[2, "end_date"] = pd.Timestamp("2020-12-01")
    with pytest.raises(ValueError, match=r"row\(s\) \[4\]"):
        estimate_time_to_work(df, AS_OF)


def test_loglog_interval_edges():
    low, high = loglog_interval(np.array([1.0, 0.0, 0.5]), np.array([0.0, np.nan, 0.1]))
    assert (low[0], high[0], low[1], high[1]) == (1.0, 1.0, 0.0, 0.0)
    assert 0 < low[2] < 0.5 < high[2] < 1
