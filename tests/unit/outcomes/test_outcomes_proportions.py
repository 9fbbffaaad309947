"""Wilson intervals, outcome shares, composites and age bands against hand and published values."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from factories import Z, make_cohort, wilson_by_hand
from insats.cohort.schema import OUTCOME
from insats.outcomes import (
    add_age_band,
    estimate_composite,
    estimate_outcome_shares,
    estimate_proportion,
)

# Newcombe RG (1998) "Two-sided confidence intervals for the single proportion:
# comparison of seven methods", Stat Med 17:857–872, Table I, method 3 (score, no
# continuity correction). Each pair was checked against wilson_by_hand before keeping it.
NEWCOMBE_TABLE_I = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]


@pytest.mark.parametrize(("k", "n", "low", "high"), NEWCOMBE_TABLE_I)
def test_wilson_matches_newcombe_1998_table_i(k, n, low, high):
    hand_low, hand_high = wilson_by_hand(k, n)
    assert max(hand_low, 0.0) == pytest.approx(low, abs=5e-5)  # the published value is Wilson's
    assert hand_high == pytest.approx(high, abs=5e-5)
    p = estimate_proportion(k, n)
    assert p.ci_low == pytest.approx(low, abs=5e-5)
    assert p.ci_high == pytest.approx(high, abs=5e-5)


@pytest.mark.parametrize(("k", "n"), [(8, 12), (0, 1), (1, 1), (12, 12), (3, 17), (29, 30)])
def test_wilson_matches_the_formula(k, n):
    p = estimate_proportion(k, n)
    low, high = wilson_by_hand(k, n)
    assert p.share == pytest.approx(k / n)
    assert p.ci_low == pytest.approx(max(low, 0.0), abs=1e-12)
    assert p.ci_high == pytest.approx(min(high, 1.0), abs=1e-12)


def test_issue_example_8_of_12():
    # issue 3's sentence "8 av 12 (67 %, 95 % konfidensintervall 39–86 %)":
    # wilson_by_hand(8, 12) = (0.3906, 0.8619) -> 39–86 %
    p = estimate_proportion(8, 12)
    assert (round(100 * p.ci_low), round(100 * p.ci_high)) == (39, 86)


def test_edge_cases_n_zero_and_all_successes():
    empty = estimate_proportion(0, 0)
    assert (empty.share, empty.ci_low, empty.ci_high) == (None, None, None)
    full = estimate_proportion(10, 10)
    # all successes: upper bound exactly 1, lower bound n/(n + z²) (Wilson with p = 1)
    assert full.ci_high == 1.0
    assert full.ci_low == pytest.approx(10 / (10 + Z * Z))
    with pytest.raises(ValueError):
        estimate_proportion(5, 3)


def test_outcome_shares_list_every_code_and_exclude_missing():
    df = make_cohort()
    shares = estimate_outcome_shares(df)
    frame = shares.to_frame()
    assert list(frame["code"]) == list(OUTCOME)  # zeros included, vocabulary order
    # 12 persons, 2 ongoing with NA outcome -> n = 10; 'unknown' (p07) stays in n
    assert shares.n == 10 and shares.n_missing == 2 and shares.n_ongoing == 2
    counts = dict(zip(frame["code"], frame["count"], strict=True))
    assert counts == {
        "employment": 2,
        "subsidised_employment": 1,
        "studies": 1,
        "work_practice": 1,
        "job_seeking": 2,
        "other_programme": 0,
        "inactive": 2,
        "unknown": 1,
    }
    row = frame.set_index("code").loc["job_seeking"]
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(wilson_by_hand(2, 10))


def test_outcome_shares_by_group_keeps_a_group_of_one_and_start_order():
    df = make_cohort()
    shares = estimate_outcome_shares(df, by="group")
    frame = shares.to_frame()
    # groups ordered by their first start date: Klippan 1 (Jan), Åstorp 1 (Feb),
    # Klippan 2 (May), Åstorp 2 (Sep; one ongoing person: n = 0, one missing)
    assert list(dict.fromkeys(frame["group"])) == ["Klippan 1", "Åstorp 1", "Klippan 2", "Åstorp 2"]
    last = frame[frame["group"] == "Åstorp 2"]
    assert (last["n"] == 0).all() and (last["n_missing"] == 1).all()
    assert last["share"].isna().all()
    assert frame.groupby("group")["count"].sum().sum() == 10


def test_all_missing_outcomes():
    df = make_cohort()
    df["outcome_at_exit"] = pd.NA
    shares = estimate_outcome_shares(df)
    assert shares.n == 0 and shares.n_missing == 12
    comp = estimate_composite(df)
    assert comp.overall.n == 0 and comp.overall.share is None and comp.n_missing == 12


def test_composites_count_the_right_codes():
    df = make_cohort()
    work = estimate_composite(df)
    # employment p01 p09, subsidised p05, studies p03 -> 4 of 10
    assert (work.overall.count, work.overall.n) == (4, 10)
    assert (work.overall.ci_low, work.overall.ci_high) == pytest.approx(wilson_by_hand(4, 10))
    selfs = estimate_composite(df, kind="self_sufficient")
    # wage p01 p05 p09, student_aid p03 -> 4 of 10 (support 'unknown' p07 in n)
    assert (selfs.overall.count, selfs.overall.n) == (4, 10)
    by = estimate_composite(df, by="municipality").to_frame().set_index("municipality")
    # p04 has no municipality -> level 'unknown'; Klippan: p01,p02,p03,p05,p06,p07 known
    assert by.loc["Klippan", ["count", "n"]].tolist() == [3, 6]
    assert by.loc["unknown", ["count", "n"]].tolist() == [0, 1]
    with pytest.raises(ValueError, match="kind"):
        estimate_composite(df, kind="happiness")
    with pytest.raises(KeyError, match="add_age_band"):
        estimate_composite(df, by="age_band")


def test_add_age_band_uses_year_difference():
    df = make_cohort()
    out = add_age_band(df, date(2021, 12, 31))
    bands = dict(zip(out["participant_id"], out["age_band"], strict=True))
    # 2021 - 1990 = 31; 2021 - 2001 = 20; missing; 2021 - 1960 = 61; 2021 - 1969 = 52
    assert bands["p01"] == "25–34" and bands["p03"] == "16–24"
    assert bands["p04"] == "unknown" and bands["p10"] == "55–64" and bands["p06"] == "45–54"
    # edge: 2021 - 1996 = 25 lands in 25–34; 2021 - 1956 = 65 in 65+
    edge = add_age_band(
        pd.DataFrame({"birth_year": pd.array([1996, 1997, 1956], "Int64")}), date(2021, 1, 1)
    )
    assert edge["age_band"].tolist() == ["25–34", "16–24", "65+"]
    assert "age_band" not in df.columns  # the input is not modified
