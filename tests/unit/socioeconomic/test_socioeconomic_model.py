"""Known-answer tests of the socio-economic account, computed by hand step by step,
and the accounting identity as a hypothesis property."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import EC, PRODUCTION, TAX, WAGE_YEAR, cohort, make_params, person
from insats.socioeconomic import (
    AccountError,
    assign_statuses,
    build_account,
    load_catalogue,
    payback_years,
    years_and_months,
)
from insats.socioeconomic.catalogue import (
    build_catalogue,
    default_unit_costs_dir,
    read_price_index,
    read_unit_costs,
)

# --- the hand calculation of the issue (every step) ---------------------------------
FBS = 75_045  # försörjningsstöd per household and year 2024 (Socialstyrelsen)
EMPLOYER_CONTRIBUTIONS = WAGE_YEAR * EC  # 258 840 × 0.3142 = 81 327.528
# Income tax with the 2024 rules (data/unit_costs/income_tax_rules.csv; prisbasbelopp
# 57 300): the income rounded down to hundreds is 258 800 = 4.517 pbb, so
# grundavdrag (IL 63 kap. 3 §) = 0.77 × 57 300 − 0.10 × (258 800 − 3.11 × 57 300)
#   = 44 121 − 8 059.7 = 36 061.3 → rounded up to 36 100;
# jobbskatteavdrag (IL 67 kap. 7 §) = (1.813 × 57 300 + 0.1643 × (258 800 − 3.24 × 57 300)
#   − 36 100) × 0.3237 = (103 884.9 + 12 018.22 − 36 100) × 0.3237 = 25 832.32 → 25 832.
GRUNDAVDRAG = 36_100
JOBBSKATTEAVDRAG = 25_832  # financed by the state: the municipality loses nothing on it
INCOME_TAX = (258_800 - GRUNDAVDRAG) * TAX  # 222 700 × 0.3237 = 72 087.99
MUNICIPALITY = INCOME_TAX + FBS  # 72 087.99 + 75 045 = 147 132.99
STATE = EMPLOYER_CONTRIBUTIONS - JOBBSKATTEAVDRAG  # 81 327.528 − 25 832 = 55 495.528
# 258 840 − 72 087.99 + 25 832 − 75 045 = 137 539.01
INDIVIDUAL = WAGE_YEAR - INCOME_TAX + JOBBSKATTEAVDRAG - FBS


def test_hand_calculation_constants():
    # the published rounding of the hand calculation
    assert round(PRODUCTION, 2) == 340_167.53
    assert round(MUNICIPALITY, 2) == 147_132.99
    assert round(STATE, 2) == 55_495.53
    assert round(INDIVIDUAL, 2) == 137_539.01
    assert math.isclose(MUNICIPALITY + STATE + INDIVIDUAL, PRODUCTION)


def summary(account) -> pd.DataFrame:
    return account.summary.set_index("actor")


def test_one_person_from_social_assistance_to_a_job():
    account = build_account(cohort(1, 1), make_params(), investment_sek=0.0)
    s = summary(account)
    assert s.loc["municipality", "effect_sek"] == pytest.approx(MUNICIPALITY, abs=1e-6)
    assert s.loc["state", "effect_sek"] == pytest.approx(STATE, abs=1e-6)
    assert s.loc["individual", "effect_sek"] == pytest.approx(INDIVIDUAL, abs=1e-6)
    assert s.loc["region", "effect_sek"] == 0
    assert s.loc["society", "effect_sek"] == pytest.approx(PRODUCTION, abs=1e-6)
    flows = account.to_frame()
    prod = flows[flows["kind"] == "production"]["amount_sek"].sum()
    assert prod == pytest.approx(PRODUCTION, abs=1e-6)


def test_twenty_participants_five_successes_one_year():
    # 20 on försörjningsstöd, 5 to unsubsidised jobs, 1 200 000 kr paid by the municipality
    account = build_account(cohort(20, 5), make_params(), investment_sek=1_200_000)
    s = summary(account)
    # society: 5 × 340 167.528 − 1 200 000 = 1 700 837.64 − 1 200 000 = 500 837.64
    assert round(s.loc["society", "npv_sek"]) == 500_838
    # municipality: 5 × 147 132.99 − 1 200 000 = 735 664.95 − 1 200 000 = −464 335.05
    assert round(s.loc["municipality", "npv_sek"]) == -464_335
    be = account.break_even.set_index(["actor", "within_years"])["participants"]
    # society: 1 200 000 / 340 167.528 = 3.53 → 4 successes
    assert be.loc[("society", 1)] == 4
    # municipality: 1 200 000 / 147 132.99 = 8.16 → 9 successes
    assert be.loc[("municipality", 1)] == 9
    share = account.break_even.set_index(["actor", "within_years"])["share_of_cohort"]
    assert share.loc[("society", 1)] == pytest.approx(4 / 20)
    assert account.n_successes == 5


def test_npv_of_a_hand_computable_stream():
    # one success, horizon 3, discount 10 %: the first year is not discounted
    params = make_params(horizon_years=3, discount_rate=0.10)
    account = build_account(cohort(1, 1), params, investment_sek=500_000)
    factors = 1 + 1 / 1.1 + 1 / 1.1**2  # = 1 + 0.909091 + 0.826446 = 2.735537
    expected = PRODUCTION * factors - 500_000  # 340 167.528 × 2.735537 − 500 000
    assert summary(account).loc["society", "npv_sek"] == pytest.approx(expected, abs=1e-6)
    assert round(expected) == 430_541
    # undiscounted: 3 × 340 167.528 − 500 000 = 520 502.584
    assert summary(account).loc["society", "net_sek"] == pytest.approx(
        3 * PRODUCTION - 500_000, abs=1e-6
    )


def test_payback_in_years_and_months():
    # investment = 2.5 years of one success's production, no discounting → 2 years 6 months
    params = make_params(horizon_years=3, discount_rate=0.0)
    account = build_account(cohort(1, 1), params, investment_sek=2.5 * PRODUCTION)
    society = summary(account).loc["society"]
    assert society["payback_years"] == pytest.approx(2.5)
    assert years_and_months(society["payback_years"]) == (2, 6)
    # with 10 %: cumulative PV after 2 years = P + P/1.1 = 649 410.74;
    # remaining 2.5P − 649 410.74 = 201 008.08 of year 3's P/1.21 = 281 130.19 → 0.715
    params = make_params(horizon_years=3, discount_rate=0.10)
    account = build_account(cohort(1, 1), params, investment_sek=2.5 * PRODUCTION)
    remaining = 2.5 * PRODUCTION - PRODUCTION * (1 + 1 / 1.1)
    expected = 2 + remaining / (PRODUCTION / 1.21)
    got = summary(account).loc["society", "payback_years_discounted"]
    assert got == pytest.approx(expected)
    assert years_and_months(got) == (2, 9)  # 0.715 × 12 = 8.6 → 9 months
    # not within the horizon → None
    account = build_account(cohort(1, 1), params, investment_sek=4 * PRODUCTION)
    assert summary(account).loc["society", "payback_years"] is None


def test_payback_function_edges():
    # issue 10 item 16: an actor without investment has no payback time (was 0.0)
    assert payback_years(0, np.array([1.0])) is None
    assert payback_years(10, np.array([-5.0, 5.0, 20.0]), per_year=1) == pytest.approx(2.5)
    # monthly flows (the default): 10 repaid by 20 a month from month 3 → 2.5 months
    assert payback_years(10, np.array([-5.0, 5.0, 20.0])) == pytest.approx(2.5 / 12)
    assert payback_years(10, np.array([])) is None


def test_drop_off_deadweight_and_attribution():
    # drop-off 50 %: years count 1, 0.5, 0.25 → 1.75 × P over three years
    params = make_params(horizon_years=3, discount_rate=0.0, drop_off_rate=0.5)
    account = build_account(cohort(1, 1), params, investment_sek=0.0)
    assert summary(account).loc["society", "effect_sek"] == pytest.approx(1.75 * PRODUCTION)
    # deadweight 25 % and attribution 80 %: 0.75 × 0.8 = 0.6 of P
    params = make_params(deadweight=0.25, attribution=0.8)
    account = build_account(cohort(1, 1), params, investment_sek=0.0)
    assert summary(account).loc["society", "effect_sek"] == pytest.approx(0.6 * PRODUCTION)
    # break-even respects deadweight: 1 200 000 / (0.75 × 0.8 × P) = 5.88 → 6
    account = build_account(
        cohort(20, 5), make_params(deadweight=0.25, attribution=0.8), investment_sek=1_200_000
    )
    be = account.break_even.set_index(["actor", "within_years"])["participants"]
    assert be.loc[("society", 1)] == math.ceil(1_200_000 / (0.6 * PRODUCTION))


def test_discounting_of_later_years():
    params = make_params(horizon_years=2, discount_rate=0.035)
    account = build_account(cohort(1, 1), params, investment_sek=0.0)
    y = account.yearly().set_index(["actor", "year"])
    assert y.loc[("society", 1), "effect_pv_sek"] == pytest.approx(PRODUCTION)
    assert y.loc[("society", 2), "effect_pv_sek"] == pytest.approx(PRODUCTION / 1.035)
    assert y.loc[("society", 2), "cumulative_net_pv_sek"] == pytest.approx(
        PRODUCTION + PRODUCTION / 1.035
    )


def test_first_year_is_pro_rated_by_months():
    # the account starts in January (first start 8 Jan); the person leaves in July:
    # offset 6 months → 6/12 of the first year, full second year
    params = make_params(horizon_years=2, discount_rate=0.0)
    df = cohort(1, 1, end="2024-07-15")
    account = build_account(df, params, investment_sek=0.0)
    y = account.yearly().set_index(["actor", "year"])
    assert y.loc[("society", 1), "effect_sek"] == pytest.approx(PRODUCTION * 6 / 12)
    assert y.loc[("society", 2), "effect_sek"] == pytest.approx(PRODUCTION)


def test_subsidised_job_state_pays_employer_gains_and_displacement():
    df = pd.DataFrame([person(0, outcome="subsidised_employment", support="wage")])
    account = build_account(
        df, make_params(subsidised_employer_actor="employer"), investment_sek=0.0
    )
    s = summary(account)
    subsidy = 28_347.29 * 12  # extratjänst: full wage + contributions, catalogue row
    # state: + employer contributions − subsidy
    assert s.loc["state", "effect_sek"] == pytest.approx(STATE - subsidy)
    assert s.loc["employer", "effect_sek"] == pytest.approx(subsidy)
    assert s.loc["society", "effect_sek"] == pytest.approx(PRODUCTION)
    account = build_account(df, make_params(displacement=0.4), investment_sek=0.0)
    assert summary(account).loc["society", "effect_sek"] == pytest.approx(0.6 * PRODUCTION)


def test_status_rules_latest_known_early_exits_and_ongoing():
    rows = [
        # 12-month follow-up overrides the exit status
        person(0, outcome="job_seeking", outcome_12m="employment", support_12m="wage"),
        # 6-month used when 12 is missing; support inferred from outcome
        person(1, outcome="job_seeking", outcome_6m="studies"),
        # early exit with unknown outcome: never an improvement, even with wage support
        person(2, outcome=pd.NA, support="wage", exit_reason="moved"),
        # early exit with known outcome counts
        person(3, outcome="employment", support="wage", exit_reason="employment"),
        # still enrolled: no effect yet
        person(4, end=None),
        # messy: unknown start support, outcome known at exit, support missing
        person(5, start="unknown", outcome="employment", support=None),
    ]
    rows[5]["support_at_exit"] = pd.NA
    st_ = assign_statuses(pd.DataFrame(rows))
    assert st_.loc[0, ["after_outcome", "after_support", "after_source"]].tolist() == [
        "employment",
        "wage",
        "12m",
    ]
    assert st_.loc[1, ["after_outcome", "after_support", "after_source"]].tolist() == [
        "studies",
        "student_aid",
        "6m",
    ]
    assert not st_.loc[2, "has_effect"]
    assert st_.loc[2, "after_support"] == "social_assistance"
    assert st_.loc[3, "has_effect"] and st_.loc[3, "is_success"]
    assert not st_.loc[4, "has_effect"]
    assert st_.loc[5, ["after_outcome", "after_support"]].tolist() == ["employment", "wage"]
    # issue 10 (with item 14): an unknown support at start is not "not self-sufficient
    # before", so person 5 has no counterfactual, no effect and is no success (was True)
    assert not st_.loc[5, "has_effect"] and st_.loc[5, "after_source"] == "unknown_start"
    assert st_["is_success"].tolist() == [True, True, False, True, False, False]


def test_investment_errors_and_funder_split():
    with pytest.raises(AccountError, match="no investment"):
        build_account(cohort(2, 1), make_params(), investment_sek=None)
    with pytest.raises(AccountError, match="individual"):
        build_account(
            cohort(2, 1), make_params(funder_shares={"individual": 1.0}), investment_sek=1.0
        )
    params = make_params(funder_shares={"state": 0.5, "region": 0.25, "municipality": 0.25})
    account = build_account(cohort(4, 1), params, investment_sek=1_000_000)
    assert account.investment_sek == {"state": 500_000, "region": 250_000, "municipality": 250_000}
    split = build_account(
        cohort(4, 1),
        make_params(
            split_state=True, funder_shares={"employment_service": 0.5, "municipality": 0.5}
        ),
        investment_sek=1_000_000,
    )
    assert split.investment_sek == {"employment_service": 500_000, "municipality": 500_000}
    assert "social_insurance" in split.actors


# --- the identity, as a property ------------------------------------------------------
SUPPORTS = [
    "social_assistance",
    "establishment_allowance",
    "activity_support",
    "wage",
    "student_aid",
    "none",
    "unknown",
    "sickness_benefit",
]
OUTCOMES = [
    "employment",
    "subsidised_employment",
    "studies",
    "work_practice",
    "job_seeking",
    "inactive",
    "unknown",
]

SHIPPED = read_unit_costs(default_unit_costs_dir() / "unit_costs_2024.csv")
KPI = read_price_index(default_unit_costs_dir() / "kpi.csv")


@st.composite
def cohorts(draw):
    n = draw(st.integers(1, 12))
    rows = []
    for i in range(n):
        end = draw(st.sampled_from([None, "2024-02-10", "2024-09-30", "2025-03-01"]))
        rows.append(
            person(
                i,
                start=draw(st.sampled_from(SUPPORTS)),
                outcome=draw(st.sampled_from(OUTCOMES)),
                support=draw(st.sampled_from(SUPPORTS)),
                end=end,
                exit_reason=draw(st.sampled_from(["completed", "moved", "health"])),
            )
        )
    return pd.DataFrame(rows)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    df=cohorts(),
    scale=st.lists(st.floats(0.0, 3.0), min_size=len(SHIPPED), max_size=len(SHIPPED)),
    rates=st.tuples(st.floats(0, 0.5), st.floats(0, 0.35), st.floats(0, 0.15)),
    horizon=st.integers(1, 6),
    split=st.booleans(),
)
def test_society_is_the_sum_of_actors_and_production_minus_services(
    df, scale, rates, horizon, split
):
    costs = SHIPPED.copy()
    costs["amount_sek"] = costs["amount_sek"] * np.array(scale)
    costs["low_sek"] = np.nan
    costs["high_sek"] = np.nan
    params = make_params(
        horizon_years=horizon,
        employer_contribution_rate=rates[0],
        municipal_tax_rate=rates[1],
        regional_tax_rate=rates[2],
        split_state=split,
        caseworker_social_services_sek_per_year=12_345.0,
        caseworker_employment_service_sek_per_year=6_789.0,
        drop_off_rate=0.1,
        deadweight=0.2,
        monte_carlo_draws=20,
    )
    from insats.socioeconomic.catalogue import caseworker_estimates

    catalogue = build_catalogue(
        costs, KPI, price_year=2024, relative_cost_range=0.2, estimates=caseworker_estimates(params)
    )
    account = build_account(df, params, investment_sek=100_000, catalogue=catalogue)
    flows = account.to_frame()
    effect = flows[flows["kind"] != "investment"]
    by_kind = effect.groupby("kind")["amount_sek"].sum()
    tol = 1e-6 * max(1.0, effect["amount_sek"].abs().sum())
    # transfers and taxes cancel over all actors
    assert abs(by_kind.get("transfer", 0.0)) <= tol
    assert abs(by_kind.get("tax", 0.0)) <= tol
    s = summary(account)
    actors_sum = s.drop(index="society")["effect_sek"].sum()
    assert s.loc["society", "effect_sek"] == pytest.approx(actors_sum, abs=tol)
    assert s.loc["society", "effect_sek"] == pytest.approx(
        by_kind.get("production", 0.0) + by_kind.get("service", 0.0), abs=tol
    )
    # the Monte Carlo's society column is the sum of its actor columns in every draw
    mc = account.monte_carlo.npv_sek
    assert np.allclose(mc[:, -1], mc[:, :-1].sum(axis=1), atol=tol)


def test_shipped_catalogue_is_what_build_account_uses_by_default():
    params = make_params()
    assert len(load_catalogue(params).items) == len(SHIPPED) + 3  # + caseworker estimates
