"""Cumulative incidence of work or studies with competing exits, against hand values."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from insats.outcomes import aalen_johansen_se, estimate_cumulative_incidence, estimate_time_to_work

START = date(2021, 1, 1)


def cohort(rows, as_of_days=365):
    df = pd.DataFrame(
        [
            {
                "participant_id": str(i),
                "start_date": START,
                "end_date": None if d is None else START + timedelta(days=d),
                "outcome_at_exit": o,
            }
            for i, (d, o) in enumerate(rows)
        ]
    )
    df["start_date"] = pd.to_datetime(df["start_date"])
    df["end_date"] = pd.to_datetime(df["end_date"])
    return df, START + timedelta(days=as_of_days)


def test_aalen_johansen_by_hand():
    # days: 10 work, 20 job seeking (competes), 30 studies, one still enrolled at the
    # as_of day 60 (censored there), 50 work.
    df, as_of = cohort(
        [
            (10, "employment"),
            (20, "job_seeking"),
            (30, "studies"),
            (None, None),
            (50, "employment"),
        ],
        as_of_days=60,
    )
    result = estimate_cumulative_incidence(df, as_of)
    curve = result.curve.set_index("days")
    inc = 1 - curve["survival"]
    # Aalen–Johansen: F(t) = Σ S(t−) d1/n over event times, S all-cause KM.
    #   t=10: n=5, F = 1·1/5 = 0.2, S = 4/5
    #   t=20: n=4, competing exit: F stays 0.2, S = 4/5 · 3/4 = 3/5
    #   t=30: n=3, F = 0.2 + 3/5 · 1/3 = 0.4, S = 2/5
    #   t=50: n=2 (the censored one at 60 is still at risk), F = 0.4 + 2/5 · 1/2 = 0.6
    assert inc.loc[10] == pytest.approx(0.2)
    assert inc.loc[20] == pytest.approx(0.2)
    assert inc.loc[30] == pytest.approx(0.4)
    assert inc.loc[50] == pytest.approx(0.6)
    assert (result.events, result.competing, result.censored) == (3, 1, 1)
    assert result.final_share == pytest.approx(0.6)
    # 1 − Kaplan–Meier with the competing exit censored says more: at 50 days
    # S = 4/5 · 2/3 · 1/2 = 4/15, 1 − S = 11/15 = 0.733 > 0.6.
    km = estimate_time_to_work(df, as_of).curve.set_index("days")
    assert 1 - km.loc[50, "survival"] == pytest.approx(11 / 15)
    # median: F first reaches 0.5 at day 50
    assert result.median_days == 50


def test_uncensored_standard_error_is_binomial():
    # With no one censored, the incidence at t is the plain share k/n and its delta-method
    # variance F(1 − F)/n (the binomial), also at the last time where n = d.
    rng = np.random.default_rng(7)
    days = rng.integers(1, 20, 22).astype(float)
    status = rng.integers(1, 3, 22)
    se = aalen_johansen_se(days, status)
    times = np.unique(days)
    f = np.array([((days <= t) & (status == 1)).sum() / 22 for t in times])
    assert se == pytest.approx(np.sqrt(f * (1 - f) / 22))
    assert np.isfinite(se).all()


def test_seed_002_groups_five_end_at_12_of_22():
    # Seed 002 (tertial 210501-210831): Perstorp grupp 5 (10 persons) 5 extratjänst +
    # 2 studies; Klippan grupp 5 (12) 4 extratjänst + 1 job (early exit); the other 10
    # left for job seeking, moving, social reasons, parental leave. All 22 have left.
    rows = [(119, "subsidised_employment")] * 5 + [(119, "studies")] * 2
    rows += [(119, "inactive"), (119, "job_seeking"), (50, "unknown")]
    rows += [(115, "subsidised_employment")] * 4 + [(20, "employment")]
    rows += [(14, "unknown")] * 2 + [(21, "unknown")] + [(115, "job_seeking")] * 4
    df, as_of = cohort(rows, as_of_days=240)
    result = estimate_cumulative_incidence(df, as_of)
    assert (result.n, result.events, result.competing) == (22, 12, 10)
    assert result.final_share == pytest.approx(12 / 22)
    assert round(100 * result.final_share, 1) == 54.5
    # 12/22 > 1/2: the median is the day the curve crosses one half (day 119, when the
    # Perstorp group leaves: by day 115 it is 5/22).
    assert result.median_days == 119
    # KM with the ten other exits censored would end at 1 (everyone left).
    assert 1 - estimate_time_to_work(df, as_of).curve["survival"].iloc[-1] > 0.8


def test_never_half_has_no_median():
    df, as_of = cohort([(30, "employment"), (30, "job_seeking"), (30, "job_seeking")])
    result = estimate_cumulative_incidence(df, as_of)
    assert result.final_share == pytest.approx(1 / 3)
    assert result.median_days is None


def test_no_events_and_empty():
    df, as_of = cohort([(30, "job_seeking"), (None, None)])
    result = estimate_cumulative_incidence(df, as_of)
    assert result.events == 0 and result.final_share == 0
    empty = estimate_cumulative_incidence(df.iloc[0:0], as_of)
    assert empty.n == 0 and empty.final_share is None


def test_interval_contains_estimate():
    df, as_of = cohort([(d, "employment" if d % 2 else "job_seeking") for d in range(10, 40)])
    result = estimate_cumulative_incidence(df, as_of)
    c = result.curve.iloc[1:]
    f = 1 - c["survival"]
    assert ((1 - c["ci_high"]) <= f + 1e-12).all() and (f <= 1 - c["ci_low"] + 1e-12).all()
    assert not math.isnan(float(c["ci_low"].iloc[-1]))


def test_a_share_is_withheld_where_its_number_at_risk_is_hidden():
    # Issue 15, attack on the cumulative incidence (fictitious): 30 start together; 6
    # leave for job seeking and 10 for work at day 46, 7 for work at 76, 4 at 106 and 3
    # at 137. No one is censored, so a share × 30 is the events so far: "70 %" at 4
    # months with 7 at risk and 57 % at 3 months gave the hidden 3 at risk at 4 months
    # (30 − 21 − 6). A shared report withholds the share, its interval and its point.
    from insats.report.context import RenderContext

    rows = [(46, "job_seeking")] * 6 + [(46, "employment")] * 10
    rows += [(76, "employment")] * 7 + [(106, "employment")] * 4 + [(137, "employment")] * 3
    df, as_of = cohort(rows)
    result = estimate_cumulative_incidence(df, as_of)
    by_month = {float(r.months): r for r in result.table.itertuples()}
    assert (by_month[4.0].at_risk, by_month[4.0].events_by) == (3, 21)
    shared = RenderContext(audience="namnd")
    assert result.row_hidden(shared, by_month[4.0])
    assert not result.row_hidden(shared, by_month[3.0])
    assert not result.row_hidden(RenderContext(), by_month[4.0])
    point = result.figure_data(RenderContext(audience="namnd"))["by_month"]["4"]
    assert point == {"at_risk": None, "cumulative_share": None, "ci_low": None, "ci_high": None}
    assert result.figure_data(RenderContext())["by_month"]["4"]["cumulative_share"] == (
        pytest.approx(0.7)
    )
