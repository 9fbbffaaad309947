"""The cohort a period's report describes, and the reference comparison (report/compose)."""

from __future__ import annotations

import pandas as pd

from insats.periods import parse_period
from insats.report.compose import as_known_at_period_end, reference_comparison


def _frame():
    return pd.DataFrame(
        {
            "participant_id": ["a", "b", "c", "d"],
            "start_date": pd.to_datetime(["2021-01-04", "2021-02-01", "2021-05-03", "2021-09-06"]),
            "end_date": pd.to_datetime(["2021-01-29", "2021-10-29", pd.NaT, pd.NaT]),
            "exit_reason": ["completed", "completed", None, None],
            "outcome_at_exit": ["employment", "studies", None, None],
            "outcome_6m": ["employment", "studies", None, None],
            "outcome_12m": ["employment", None, None, None],
            "birth_year": [1996, 1985, None, 2000],
        }
    )


def test_the_cohort_is_as_it_was_known_on_the_periods_last_day():
    # 2021-T2 is 2021-05-01 … 2021-08-31 (tertial 2).
    known = as_known_at_period_end(_frame(), parse_period("2021-T2"))
    # d starts 2021-09-06, after the period: not in the report.
    assert known["participant_id"].tolist() == ["a", "b", "c"]
    # b left on 2021-10-29, after 2021-08-31: still ongoing as of the period.
    b = known.set_index("participant_id").loc["b"]
    assert pd.isna(b["end_date"]) and pd.isna(b["outcome_at_exit"]) and pd.isna(b["exit_reason"])
    # a left 2021-01-29: 6 months later is 2021-07-29 ≤ 2021-08-31 (known);
    # 12 months later is 2022-01-29 > 2021-08-31 (not yet known).
    a = known.set_index("participant_id").loc["a"]
    assert a["outcome_6m"] == "employment" and pd.isna(a["outcome_12m"])
    # age at the period's year: 2021 − 1996 = 25 → 25–34; unknown birth year → unknown.
    assert known.set_index("participant_id")["age_band"].to_dict() == {
        "a": "25–34",
        "b": "35–44",
        "c": "unknown",
    }


def test_the_input_frame_is_not_changed():
    frame = _frame()
    before = frame.copy()
    as_known_at_period_end(frame, parse_period("2021-T2"))
    pd.testing.assert_frame_equal(frame, before)


class _Params:
    reference_work_or_studies_share = 0.30
    reference_n = 200
    reference_source = "seed 002 (fictitious)"


class _Composite:
    class overall:  # noqa: N801 - mimics the estimate's attribute
        count, n = 27, 62


def test_reference_comparison_uses_the_to_date_counts_and_none_without_a_reference():
    result = reference_comparison(_Params, _Composite)
    # 27 / 62 = 0.4355 against the reference 0.30: the difference is 0.1355.
    assert abs(result.difference - (27 / 62 - 0.30)) < 1e-9
    params = type("P", (), {"reference_work_or_studies_share": None})
    assert reference_comparison(params, _Composite) is None
