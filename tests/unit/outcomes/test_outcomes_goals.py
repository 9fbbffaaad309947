"""Goal attainment and the reference comparison against published and hand values."""

from __future__ import annotations

import math

import pytest
from statsmodels.stats.proportion import confint_proportions_2indep

from factories import wilson_by_hand
from insats.outcomes import assess_goal, compare_with_reference


def newcombe_hybrid_by_hand(k1, n1, k2, n2):
    """Newcombe (1998) method 10: combine the two Wilson intervals (l_i, u_i):

    L = (p1 − p2) − sqrt((p1 − l1)² + (u2 − p2)²)
    U = (p1 − p2) + sqrt((u1 − p1)² + (p2 − l2)²)
    """
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_by_hand(k1, n1)
    l2, u2 = wilson_by_hand(k2, n2)
    d = p1 - p2
    return d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt(
        (u1 - p1) ** 2 + (p2 - l2) ** 2
    )


def test_two_sample_interval_reproduces_newcombe_1998_example():
    # Newcombe RG (1998) "Interval estimation for the difference between independent
    # proportions: comparison of eleven methods", Stat Med 17:873–890, Table II, example
    # (a) 56/70 − 48/80, method 10: difference 0.2000, interval 0.0524 to 0.3339.
    result = compare_with_reference(56, 70, reference_share=48 / 80, reference_n=80)
    assert result.method == "newcomb"
    assert result.difference == pytest.approx(0.2000, abs=5e-5)
    assert result.ci_low == pytest.approx(0.0524, abs=5e-5)
    assert result.ci_high == pytest.approx(0.3339, abs=5e-5)
    hand = newcombe_hybrid_by_hand(56, 70, 48, 80)
    assert (result.ci_low, result.ci_high) == pytest.approx(hand, abs=1e-9)
    # and statsmodels called directly (what the module wraps)
    direct = confint_proportions_2indep(56, 70, 48, 80, method="newcomb", compare="diff")
    assert (result.ci_low, result.ci_high) == pytest.approx(tuple(map(float, direct)))


def test_two_sample_small_group_and_edges():
    # 8 of 12 against a reference of 40 % in 200: hand-combined Wilson intervals
    result = compare_with_reference(8, 12, 0.40, reference_n=200)
    assert (result.ci_low, result.ci_high) == pytest.approx(
        newcombe_hybrid_by_hand(8, 12, 80, 200), abs=1e-9
    )
    assert not result.is_clear  # interval includes zero
    allsucc = compare_with_reference(10, 10, 0.5, reference_n=50)
    assert allsucc.ci_high <= 1.0 and allsucc.ci_low > 0
    assert allsucc.ci_low == pytest.approx(newcombe_hybrid_by_hand(10, 10, 25, 50)[0])


def test_one_sample_difference_is_wilson_minus_reference():
    result = compare_with_reference(8, 12, 0.40)
    low, high = wilson_by_hand(8, 12)
    assert result.method == "wilson_one_sample"
    assert result.difference == pytest.approx(8 / 12 - 0.40)
    assert (result.ci_low, result.ci_high) == pytest.approx((low - 0.40, high - 0.40))


def test_deadweight_is_reference_over_observed_capped():
    # 8/12 = 0.6667 observed, reference 0.40 -> deadweight 0.40 / 0.6667 = 0.60
    assert compare_with_reference(8, 12, 0.40).deadweight_share == pytest.approx(0.60)
    # equivalently 1 − difference / observed
    r = compare_with_reference(8, 12, 0.40, reference_n=100)
    assert r.deadweight_share == pytest.approx(1 - r.difference / (8 / 12))
    # a reference above the observed share: everything would have happened anyway
    assert compare_with_reference(2, 12, 0.40).deadweight_share == 1.0
    # nothing observed: nothing to attribute
    assert compare_with_reference(0, 12, 0.40).deadweight_share is None
    assert compare_with_reference(0, 0, 0.40).difference is None
    low, high = compare_with_reference(8, 12, 0.40).deadweight_interval
    wl, wh = wilson_by_hand(8, 12)
    assert (low, high) == pytest.approx((0.40 / wh, min(0.40 / wl, 1.0)))


@pytest.mark.parametrize(
    ("count", "n", "target", "status", "clear"),
    [
        # Wilson 8/12 = 0.39–0.86: 0.75 inside and above 0.667 -> plausibly met
        (8, 12, 0.75, "plausibly_met", False),
        # 9/12 = 0.75 exactly meets 0.75 (>=), interval 0.47–0.91 holds lower values
        (9, 12, 0.75, "met", False),
        # 2/12: Wilson upper 0.4480 < 0.75 -> missed, clearly
        (2, 12, 0.75, "missed", True),
        # 28/30: Wilson lower 0.7868 >= 0.75 -> met, clearly
        (28, 30, 0.75, "met", True),
        (0, 0, 0.75, "not_assessable", False),
        (10, 10, 1.0, "met", False),  # all successes meet a 100 % goal; lower < 1
    ],
)
def test_goal_statuses(count, n, target, status, clear):
    goal = assess_goal(count, n, target)
    assert goal.status == status
    assert goal.is_clear is clear


def test_goal_bounds_quoted_above():
    # the Wilson bounds the parametrised cases rely on, from the hand formula
    assert wilson_by_hand(8, 12) == pytest.approx((0.3906, 0.8619), abs=5e-5)
    assert wilson_by_hand(9, 12) == pytest.approx((0.4677, 0.9111), abs=5e-5)
    assert wilson_by_hand(2, 12)[1] == pytest.approx(0.4480, abs=5e-5)
    assert wilson_by_hand(28, 30)[0] == pytest.approx(0.7868, abs=5e-5)


def test_goal_rejects_a_percentage_given_as_a_number():
    with pytest.raises(ValueError, match="between 0 and 1"):
        assess_goal(8, 12, 75)


def test_goal_kind_names_the_measure():
    assert assess_goal(8, 12, 0.5, kind="work_or_studies").label_key == (
        "outcomes.composite.work_or_studies"
    )
    with pytest.raises(ValueError, match="kind"):
        assess_goal(8, 12, 0.5, kind="happiness")
