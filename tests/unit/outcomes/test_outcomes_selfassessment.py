"""Wilcoxon signed-rank on self-assessment against hand-computed ranks and enumeration."""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest
from scipy.stats import norm

from insats.outcomes import test_self_assessment as run_self_assessment


def frame(pairs):
    start, end = zip(*pairs, strict=True)
    return pd.DataFrame(
        {
            "self_assessment_start": pd.array(start, dtype="Int64"),
            "self_assessment_end": pd.array(end, dtype="Int64"),
        }
    )


def test_no_zeros_no_ties_statistic_and_exact_p_by_enumeration():
    # differences end − start: 3, −1, 4, 2, 6, −5, 7, 8 (all |d| distinct, no zeros)
    pairs = [(2, 5), (5, 4), (1, 5), (3, 5), (2, 8), (9, 4), (1, 8), (1, 9)]
    result = run_self_assessment(frame(pairs))
    # ranks of |d| 1..8 equal |d| here; R+ = 3+4+2+6+7+8 = 30, R− = 1+5 = 6; T = min = 6
    assert result.statistic == 6
    # exact two-sided p: under H0 each sign is ± with probability 1/2; count the 2^8
    # sign patterns whose negative-rank sum is <= 6, double it
    ranks = range(1, 9)
    small = sum(
        1
        for signs in itertools.product((0, 1), repeat=8)
        if sum(r for r, s in zip(ranks, signs, strict=True) if s) <= 6
    )
    assert result.p_value == pytest.approx(2 * small / 2**8)
    assert (result.improved, result.unchanged, result.worsened) == (6, 0, 2)
    assert result.median_change == 3.5  # median of −5, −1, 2, 3, 4, 6, 7, 8


def test_pratt_with_zeros_and_ties_by_hand():
    # d = 0, 0, 1, −1, 2, 3, 3, −2, 4
    pairs = [(5, 5), (3, 3), (4, 5), (6, 5), (2, 4), (4, 7), (1, 4), (6, 4), (3, 7)]
    result = run_self_assessment(frame(pairs))
    assert result.zero_method == "pratt"
    # Pratt: rank all |d| with zeros: 0,0 -> 1.5; 1,1 -> 3.5; 2,2 -> 5.5; 3,3 -> 7.5; 4 -> 9
    # then drop the zeros: R+ = 3.5+5.5+7.5+7.5+9 = 33, R− = 3.5+5.5 = 9, T = 9
    assert result.statistic == 9
    # With zeros or ties and at most 13 pairs scipy runs an exact sign-flip permutation
    # test; enumerate it here: the ranks stay, each non-zero difference's sign is ± with
    # probability 1/2 (zeros cannot flip), p = 2 · min(P(R+ >= 33), P(R+ <= 33)).
    ranks = [3.5, 3.5, 5.5, 7.5, 7.5, 5.5, 9]  # non-zero |d|: 1, 1, 2, 3, 3, 2, 4
    sums = [
        sum(r for r, s in zip(ranks, signs, strict=True) if s)
        for signs in itertools.product((0, 1), repeat=len(ranks))
    ]
    upper = sum(t >= 33 for t in sums) / len(sums)
    lower = sum(t <= 33 for t in sums) / len(sums)
    assert result.p_value == pytest.approx(min(1.0, 2 * min(upper, lower)))
    assert (result.improved, result.unchanged, result.worsened) == (5, 2, 2)


def test_pratt_normal_approximation_for_larger_groups():
    # 16 pairs, d = 0, 0, 0, 1, 1, −1, 2, 2, 3, −3, 4, 5, 5, 6, −2, 7 (> 13 pairs: scipy
    # uses the normal approximation without continuity correction).
    d = [0, 0, 0, 1, 1, -1, 2, 2, 3, -3, 4, 5, 5, 6, -2, 7]
    pairs = [(3, 3 + x) if x >= 0 else (3 - x, 3) for x in d]
    result = run_self_assessment(frame(pairs))
    # Pratt ranks of |d| with the three zeros at 1–3 (mean 2): |1| ×3 -> 5, |2| ×3 -> 8,
    # |3| ×2 -> 10.5, 4 -> 12, |5| ×2 -> 13.5, 6 -> 15, 7 -> 16.
    r_minus = 5 + 10.5 + 8  # d = −1, −3, −2
    r_plus = 2 * 5 + 2 * 8 + 10.5 + 12 + 2 * 13.5 + 15 + 16
    assert r_plus + r_minus == 136 - 6  # 1 + … + 16 minus the zeros' ranks 1 + 2 + 3
    assert result.statistic == r_minus
    # Cureton (1967) moments for Pratt's statistic, n = 16 with n0 = 3 zeros:
    #   E = [n(n+1) − n0(n0+1)]/4, Var = [n(n+1)(2n+1) − n0(n0+1)(2n0+1)]/24
    #   − Σ(t³ − t)/48 over the tie groups of the non-zero |d| (sizes 3, 3, 2, 2)
    n, n0 = 16, 3
    mean = (n * (n + 1) - n0 * (n0 + 1)) / 4
    ties = [3, 3, 2, 2]
    var = (n * (n + 1) * (2 * n + 1) - n0 * (n0 + 1) * (2 * n0 + 1)) / 24 - sum(
        t**3 - t for t in ties
    ) / 48
    p = 2 * norm.sf(abs(r_minus - mean) / math.sqrt(var))
    assert result.p_value == pytest.approx(p, rel=1e-9)


def test_edge_cases():
    none = run_self_assessment(frame([(5, None), (None, 3)]))
    assert not none.is_assessable and none.reason == "no_pairs"
    assert none.n_pairs == 0 and none.n_unpaired == 2
    same = run_self_assessment(frame([(5, 5), (3, 3)]))
    assert same.reason == "no_change" and same.p_value is None and same.unchanged == 2
    one = run_self_assessment(frame([(2, 6)]))  # one pair: T = 0, exact p = 2 · 1/2 = 1
    assert one.n_pairs == 1 and one.p_value == pytest.approx(1.0)
