"""Known answers: the investment is the invoiced cost to date, counted once (issue 10, item 1).

``invoiced_sek`` accumulates within a year (data/sample/README.md, insats.programme.budget): the cost
to date is the latest row per funder and year, summed over years; never the sum of rows.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from tests.e2e.known_answers.test_socioeconomic_ka_account import FBS, P

pytestmark = pytest.mark.e2e
REPO = Path(__file__).resolve().parents[3]


def plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def test_sample_investment_is_latest_row_per_funder_and_year(sample_figures):
    # data/sample/forsta_steget_ekonomi.csv, latest "Fakturerade kostnader" per Kommun and
    # year up to 2021-T2: Perstorp 2019-T3 644 254, 2020-T3 861 500, 2021-T2 639 778;
    # Klippan 2019-T3 644 253, 2020-T3 812 700, 2021-T2 521 261.
    expected = 644_254 + 861_500 + 639_778 + 644_253 + 812_700 + 521_261
    assert expected == 4_123_746  # (summing all 16 rows gave the wrong 7 015 046)
    investment = sample_figures["investment"]
    assert investment["source"] == "finance"
    assert investment["total_sek"] == expected
    assert sum(sample_figures["socioeconomic"]["investment_sek"].values()) == pytest.approx(
        expected
    )
    assert {(r["funder"], r["period"]) for r in investment["rows"]} == {
        ("Perstorp", "2019-T3"),
        ("Perstorp", "2020-T3"),
        ("Perstorp", "2021-T2"),
        ("Klippan", "2019-T3"),
        ("Klippan", "2020-T3"),
        ("Klippan", "2021-T2"),
    }
    # The budget section's "invoiced so far" is the same rule for 2021: 639 778 + 521 261.
    assert sample_figures["budget"]["invoiced_sek"] == 639_778 + 521_261
    html = plain((Path(sample_figures["_out"]) / "report.html").read_text(encoding="utf-8"))
    assert "4 123 746 kr" in html
    assert "7 015 046" not in html
    assert "Klippan 2019-T3, 2020-T3, 2021-T2" in html  # the report says which rows


FINANCE = [
    # funder, period, granted, invoiced (accumulated within the year), forecast
    ("Perstorp", "2020-T1", 100_000, 20_000, 100_000),
    ("Perstorp", "2020-T3", 100_000, 90_000, 90_000),
    ("Perstorp", "2021-T1", 120_000, 30_000, 120_000),
    ("Perstorp", "2021-T2", 120_000, 55_000, 120_000),
    ("Perstorp", "2021-T3", 120_000, 99_000, 110_000),  # after 2021-T2: not known yet
    ("Klippan", "2020-T2", 80_000, 40_000, 80_000),
    ("Klippan", "2021-T2", 60_000, 25_000, 60_000),
]


def finance_rows():
    return [
        {"funder": f, "period": p, "granted_sek": g, "invoiced_sek": i, "forecast_sek": fc}
        for f, p, g, i, fc in FINANCE
    ]


def cohort(make_person):
    outcomes = ["employment", "studies", "job_seeking", "job_seeking", "work_practice", "studies"]
    supports = ["wage", "student_aid", "social_assistance", "social_assistance", "none", "none"]
    return [
        make_person(
            f"P{i}",
            end_date="2021-05-28",
            exit_reason="completed",
            outcome_at_exit=o,
            support_at_exit=s,
        )
        for i, (o, s) in enumerate(zip(outcomes, supports, strict=True), start=1)
    ]


def test_investment_counts_each_year_once(run_insats, make_person, tmp_path):
    figures = run_insats(cohort(make_person), finance=finance_rows(), period="2021-T2")
    # Latest row per funder and year up to 2021-08-31: Perstorp 2020-T3 90 000 and
    # 2021-T2 55 000, Klippan 2020-T2 40 000 and 2021-T2 25 000 -> 210 000.
    # (The sum of all rows up to the period would be 20+90+30+55+40+25 = 260 000.)
    assert figures["investment"]["total_sek"] == 90_000 + 55_000 + 40_000 + 25_000
    assert sum(figures["socioeconomic"]["investment_sek"].values()) == pytest.approx(210_000)
    # Funder shares default to the Finsam split: the state half = 105 000.
    assert figures["socioeconomic"]["investment_sek"]["state"] == pytest.approx(105_000)
    # Budget for 2021: the latest 2021 row per funder, 55 000 + 25 000; granted 120 + 60 tkr.
    assert figures["budget"]["invoiced_sek"] == 80_000
    assert figures["budget"]["granted_sek"] == 180_000
    html = plain((tmp_path / "out" / "report.html").read_text(encoding="utf-8"))
    assert "210 000 kr" in html
    assert "Klippan 2020-T2, 2021-T2; Perstorp 2020-T3, 2021-T2" in html


def test_investment_for_an_earlier_period(run_insats, make_person):
    people = [{**p, "end_date": "2021-03-26"} for p in cohort(make_person)]
    figures = run_insats(people, finance=finance_rows(), period="2021-T1")
    # Up to 2021-04-30: Perstorp 2020-T3 90 000 + 2021-T1 30 000, Klippan 2020-T2 40 000.
    assert figures["investment"]["total_sek"] == 90_000 + 30_000 + 40_000


def test_sample_break_even_in_standard_successes_is_the_readmes(sample_figures):
    # README, "break-even in standard successes": the sample (2021-T2) needs 3 people
    # within 5 years for society, one worth 1 673 745 kr, and 2 for Kommunen. By hand,
    # with the unit costs of data/unit_costs/unit_costs_2024.csv (the constants of
    # test_socioeconomic_ka_account.py) and the sample's parameters (horizon 5 years,
    # discount rate 3.5 % a year, attribution 1, no drop-off, the social services'
    # caseworker time 18 000 kr a year, an estimate in insats.params):
    #   the discount factors of years 0–4: Σ 1.035^−t = 4.673079
    #   society: (P + 18 000) × 4.673079 = 358 167.528 × 4.673079 = 1 673 745.23
    #     (production at labour cost and the caseworker's time; transfers cancel)
    #   Kommunen: its income tax at the default municipal rate 20.70 % of the
    #     taxable 258 800 − 36 100 (grundavdrag) = 46 098.90, the ekonomiskt bistånd
    #     no longer paid (FBS 75 045) and the caseworker: 139 143.90 × 4.673079
    #     = 650 230.47
    #   needed: ⌈4 123 746 / 1 673 745.23⌉ = ⌈2.46⌉ = 3; Kommunen ⌈its share / 650 230.47⌉
    years = sum(1.035**-t for t in range(5))
    society = (P + 18_000) * years
    municipality = ((258_800 - 36_100) * 0.2070 + FBS + 18_000) * years
    assert round(society) == 1_673_745
    standard = sample_figures["socioeconomic"]["standard_success"]
    assert standard["horizon_years"] == 5
    assert standard["value_sek"]["society"] == pytest.approx(society, abs=0.01)
    assert standard["value_sek"]["municipality"] == pytest.approx(municipality, abs=0.01)
    invested = sample_figures["socioeconomic"]["investment_sek"]
    needed = standard["break_even_participants"]
    assert needed["society"] == math.ceil(sum(invested.values()) / society) == 3
    assert needed["municipality"] == math.ceil(invested["municipality"] / municipality) == 2
    readme = re.sub(r"\s+", " ", (REPO / "README.md").read_text(encoding="utf-8"))
    assert (
        "The sample (2021-T2): 3 people within 5 years for society (one is worth 1 673 745 "
        "kr), 2 for Kommunen." in readme
    )
