"""Unit-level checks of the issue-10 composition of the socio-economic account (the
report-level known answers are in tests/e2e/known_answers/test_socioeconomic_ka_account.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from factories import PRODUCTION, cohort, make_params, person
from insats.cohort.schema import parse_work_extent
from insats.report.context import RenderContext
from insats.socioeconomic import build_account
from insats.socioeconomic.engine import Timing, person_path


def test_switching_values_are_plausible_or_none():
    # issue 10 item 16: one extratjänst among 20 and a large investment: society's NPV
    # hardly moves with the subsidised wage (12 months, half displaced), so the wage that
    # would make it zero is far outside any plausible range → not shown (None)
    df = pd.concat(
        [
            cohort(19, 6),
            pd.DataFrame([person(99, outcome="subsidised_employment", support="wage")]),
        ],
        ignore_index=True,
    )
    acc = build_account(
        df, make_params(horizon_years=3, displacement=0.5), investment_sek=3_000_000
    )
    sens = acc.sensitivity.set_index("parameter")
    assert sens.loc["item:subsidised_employment:individual:wage", "switching_value"] is None
    for row in acc.sensitivity.itertuples(index=False):
        if row.switching_value is None:
            continue
        if row.parameter.startswith("item:"):
            assert 0 <= row.switching_value <= 2 * max(row.high_value, row.base_value)
        else:
            assert 0 <= row.switching_value <= 1
    # the unsubsidised wage's switching value is real and makes society's NPV zero
    w = sens.loc["item:employment:individual:wage", "switching_value"]
    assert 0 < w < 258_840


def test_the_effect_legend_does_not_call_a_loss_a_gain():
    # issue 10 item 16: the state's negative effect used to sit under "Vinner"
    label = RenderContext().t("socioeconomic.plot.gains")
    assert not label.startswith("Vinner") and "förlust" in label


def test_payback_none_for_actors_without_investment():
    acc = build_account(cohort(20, 5), make_params(), investment_sek=1_000_000)
    s = acc.summary.set_index("actor")
    assert s.loc["individual", "payback_years"] is None
    assert s.loc["society", "payback_years"] is not None


def test_time_limited_job_then_counterfactual_on_the_persons_own_clock():
    t = Timing(horizon_years=1, durations={"subsidised_employment": 12})
    # leaves in month 5: 12 months of extratjänst, nothing after (horizon 1 = 12 months)
    assert person_path(5, 0, ("subsidised_employment", "wage"), ("job_seeking", "none"), t) == [
        (5, 17, ("subsidised_employment", "wage"), ("job_seeking", "none"))
    ]
    t = Timing(
        horizon_years=3,
        durations={"establishment_allowance": 24},
        support_after_time_limit="activity_support",
    )
    path = person_path(2, 0, ("employment", "wage"), ("job_seeking", "establishment_allowance"), t)
    assert path == [
        (2, 24, ("employment", "wage"), ("job_seeking", "establishment_allowance")),
        (24, 38, ("employment", "wage"), ("job_seeking", "activity_support")),
    ]


def test_two_cohorts_two_years_apart_exactly_twice_one():
    # issue 10 item 3 at the library level (the report-level test runs insats run)
    one = cohort(1, 1, end="2024-03-15")
    later = one.assign(
        participant_id="T900",
        start_date=pd.Timestamp("2026-01-08"),
        end_date=pd.Timestamp("2026-03-15"),
    )
    params = make_params(horizon_years=3, discount_rate=0.0)
    a = build_account(one, params, investment_sek=0.0).summary.set_index("actor")
    b = build_account(
        pd.concat([one, later], ignore_index=True), params, investment_sek=0.0
    ).summary.set_index("actor")
    assert b.loc["society", "effect_sek"] == pytest.approx(2 * a.loc["society", "effect_sek"])
    assert a.loc["society", "effect_sek"] == pytest.approx(3 * PRODUCTION)


def test_subsidy_moves_with_the_wage_in_the_monte_carlo():
    # from no support (no transfer saved) to an extratjänst
    df = pd.DataFrame([person(0, start="none", outcome="subsidised_employment", support="wage")])
    acc = build_account(df, make_params(monte_carlo_draws=300), investment_sek=0.0)
    # the municipality (employer) gets the subsidy and the state pays it: with the
    # subsidy tied to the wage, state + municipality moves only through the wage's
    # taxes, never through an independent subsidy draw
    npv = acc.monte_carlo.npv_sek
    actors = list(acc.monte_carlo.actors)
    state, muni = npv[:, actors.index("state")], npv[:, actors.index("municipality")]
    individual = npv[:, actors.index("individual")]
    # individual = W(1+e) − W·e − T + J; state + municipality = W·e − J − S + T + S, with
    # W = 258 840, T = (258 800 − grundavdrag 36 100) × 0.3237 = 72 087.99 (the tax on
    # the taxable income: the wage rounded down to hundreds less the deduction) and J = jobbskatteavdrag 25 832 (2024 rules, IL 63:3 and 67:7);
    # the tax shares are fixed at the catalogue wage, so the ratio is the same in
    # every draw: (81 327.53 − 25 832 + 72 087.99) / (258 840 − 72 087.99 + 25 832)
    ratio = (state + muni) / individual
    w, e = 258_840, 0.3142
    t, j = (258_800 - 36_100) * 0.3237, 25_832
    assert np.allclose(ratio, (w * e - j + t) / (w - t + j))


@pytest.mark.parametrize(
    ("text", "share"),
    [("heltid", 1.0), ("Deltid", 0.5), ("75 %", 0.75), ("75", 0.75), ("0,6", 0.6),
     ("100%", 1.0), ("", None)],
)  # fmt: skip
def test_work_extent_words_and_percentages(text, share):
    assert parse_work_extent(text) == share


def test_bad_work_extent_is_a_clear_error(tmp_path):
    from insats.cohort import validate_file

    path = tmp_path / "deltagare.csv"
    path.write_text(
        "Deltagar-ID;Insats;Grupp;Startdatum;Slutdatum;Avslutsorsak;Status vid avslut;"
        "Omfattning\nA1;X;1;2021-01-04;2021-02-01;Fullföljt;Arbete;mycket\n"
        "A2;X;1;2021-01-04;2021-02-01;Fullföljt;Arbete;150 %\n",
        encoding="utf-8",
    )
    report = validate_file(path, kind="participants")
    text = report.format()
    assert not report.ok
    assert "Omfattning" in text and "mycket" in text and "150 %" in text
    assert "heltid, deltid" in text
