"""Known answers: staged after statuses in the socio-economic account (issue 10, item 8).

The status at exit applies in months 0–5 after the exit, the 6-month follow-up status
in months 6–11 and the 12-month status from month 12 on; a follow-up not known at the
period's end (no look-ahead) keeps the status known before it.

Cohort (both start 2021-01-04 on försörjningsstöd, leave 2021-01-29 = account month 0):

- A: at exit job seeking on försörjningsstöd; 6 months (2021-07-29) and 12 months
  (2022-01-29) in work on a wage.
- B: at exit in work on a wage; no 6-month status; 12 months (2022-01-29) back to job
  seeking on försörjningsstöd.

Counterfactual of both: job seeking on försörjningsstöd (their support at start).
Horizon 2 years from the exit (months 0–23), no discounting, drop-off, deadweight or
caseworker estimates; all income tax booked to the municipality (32.37 %).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

# --- unit costs of data/unit_costs/unit_costs_2024.csv (price year 2024) -------------
W = 21_570 * 12  # Kommunal–SKR lowest wage 2024 (ka.se): 258 840 kr a year
E = 0.3142  # employer contributions 2024 (ekonomifakta.se)
M = 0.3237  # municipal + regional income tax 2024, all booked to the municipality here
P = W * (1 + E)  # production at labour cost: 340 167.528 kr a year
FBS = 75_045  # ekonomiskt bistånd per household and year 2024 (Socialstyrelsen)
# Municipal tax on the taxable income: (258 800 − grundavdrag 36 100) × 0.3237 = 72 087.99
# (2024 rules, IL 63 kap. 3 §; the jobbskatteavdrag is the state's, not the municipality's)
TAX_M = (258_800 - 36_100) * M
INVESTMENT = 100_000

PARAMS = {
    "municipal_tax_rate": M,
    "regional_tax_rate": 0.0,
    "employer_contribution_rate": E,
    "caseworker_social_services_sek_per_year": 0,
    "caseworker_employment_service_sek_per_year": 0,
    "price_year": 2024,
    "horizon_years": 2,
    "discount_rate": 0.0,
    "drop_off_rate": 0.0,
    "deadweight": 0.0,
    "attribution": 1.0,
    "investment_sek": INVESTMENT,
    "funder_shares": {"municipality": 1.0},
}


def cohort(make_person):
    common = {"start_date": "2021-01-04", "end_date": "2021-01-29", "exit_reason": "completed"}
    return [
        make_person(
            "A",
            **common,
            outcome_at_exit="job_seeking",
            support_at_exit="försörjningsstöd",
            outcome_6m="employment",
            support_6m="lön",
            outcome_12m="employment",
            support_12m="lön",
        ),
        make_person(
            "B",
            **common,
            outcome_at_exit="employment",
            support_at_exit="lön",
            outcome_12m="job_seeking",
            support_12m="försörjningsstöd",
        ),
    ]


@pytest.fixture(scope="module")
def runs(tmp_path_factory, cohort_runner, make_person):
    out = {}
    for period in ("2022", "2021-T2"):
        folder = tmp_path_factory.mktemp(f"staged_{period}")
        out[period] = cohort_runner(folder, cohort(make_person), period=period, **PARAMS)
    return out


def test_each_follow_up_applies_from_its_own_month(runs):
    socio = runs["2022"]["socioeconomic"]
    # A: months 0–5 at exit = the counterfactual (no effect); months 6–23 in work:
    #    18/12 years × P = 1.5 P.  (Before the stages: the 12-month work from the exit, 2 P.)
    # B: months 0–11 in work (exit status; the 6-month stage keeps it, not followed up);
    #    months 12–23 back on försörjningsstöd = the counterfactual: 1.0 P.
    # Society (transfers and taxes cancel): 2.5 P − investment = 850 418.82 − 100 000.
    assert socio["npv_sek"]["society"] == pytest.approx(2.5 * P - INVESTMENT, abs=1e-3)
    # The municipality, per year in work: försörjningsstöd saved + income tax TAX_M
    # = 75 045 + 72 087.99 = 147 132.99; 2.5 years − investment = 267 832.48.
    assert socio["npv_sek"]["municipality"] == pytest.approx(
        2.5 * (FBS + TAX_M) - INVESTMENT, abs=1e-3
    )
    # The success share uses the latest known status: A self-sufficient, B not: 1 of 2.
    assert socio["outcome_share"] == pytest.approx(0.5)


def test_a_follow_up_not_yet_known_keeps_the_status_before_it(runs):
    socio = runs["2021-T2"]["socioeconomic"]
    # Period 2021-T2 ends 2021-08-31: A's 6 months (2021-07-29) is known, the 12-month
    # statuses (2022-01-29) are not. A: 1.5 P as above (the 6-month work carries on);
    # B: in work from the exit for all 24 months, 2 P. Society 3.5 P − investment.
    assert socio["npv_sek"]["society"] == pytest.approx(3.5 * P - INVESTMENT, abs=1e-3)
    assert socio["npv_sek"]["municipality"] == pytest.approx(
        3.5 * (FBS + TAX_M) - INVESTMENT, abs=1e-3
    )
    assert socio["outcome_share"] == pytest.approx(1.0)
