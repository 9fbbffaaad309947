"""Monte Carlo, sensitivity with switching values, rendering and figures.json."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from factories import PRODUCTION, cohort, make_params
from insats.report.context import RenderContext  # noqa: E402
from insats.report.sections.socioeconomic import (  # noqa: E402
    render_socioeconomic,
    socioeconomic_figure_data,
)
from insats.socioeconomic import build_account  # noqa: E402
from insats.socioeconomic.uncertainty import triangular_ppf  # noqa: E402


def test_triangular_ppf_matches_scipy():
    u = np.linspace(0, 1, 101)
    for low, mode, high in [(0.0, 0.3, 1.0), (10.0, 10.0, 20.0), (5.0, 9.0, 9.0)]:
        ours = triangular_ppf(u, low, mode, high)
        ref = stats.triang.ppf(u, (mode - low) / (high - low), loc=low, scale=high - low)
        assert np.allclose(ours, ref)


def test_monte_carlo_is_reproducible_with_its_seed():
    df = cohort(20, 5)
    a = build_account(df, make_params(seed=7, monte_carlo_draws=500), investment_sek=1e6)
    b = build_account(df, make_params(seed=7, monte_carlo_draws=500), investment_sek=1e6)
    c = build_account(df, make_params(seed=8, monte_carlo_draws=500), investment_sek=1e6)
    assert np.array_equal(a.monte_carlo.npv_sek, b.monte_carlo.npv_sek)
    assert not np.array_equal(a.monte_carlo.npv_sek, c.monte_carlo.npv_sek)
    assert a.monte_carlo.npv_sek.shape == (500, len(a.actors) + 1)


def test_monte_carlo_share_is_the_accounts_own_jeffreys_draw():
    # issue 10 item 5 (replaces the triangular share over a given interval): without
    # cost ranges and deadweight range the only spread is the account's own share,
    # 5 successes of 20 with an effect, drawn from Beta(5 + ½, 20 − 5 + ½); every
    # effect scales by p / 0.25, so society's draw is (p / 0.25) × 5 P − I.
    df = cohort(20, 5)
    params = make_params(relative_cost_range=0.0, deadweight_range=0.0, monte_carlo_draws=50)
    from insats.socioeconomic import load_catalogue

    cat = load_catalogue(params)
    items = cat.items.copy()
    items["low_sek_per_year"] = items["amount_sek_per_year"]
    items["high_sek_per_year"] = items["amount_sek_per_year"]
    cat = type(cat)(
        items=items, price_year=cat.price_year, unit_costs_path="x", price_index_path="y"
    )
    acc = build_account(df, params, investment_sek=1_200_000, catalogue=cat)
    u = np.random.default_rng(params.seed).random((50, len(items) + 2))
    p = stats.beta.ppf(u[:, len(items)], 5.5, 15.5)
    expected = p / 0.25 * 5 * PRODUCTION - 1_200_000
    assert np.allclose(acc.monte_carlo.npv_sek[:, -1], expected)
    # the interval shown is Wilson(5, 20) = 11.2 %–46.9 %
    assert acc.outcome_share_interval == pytest.approx((0.1119, 0.4687), abs=1e-4)


def test_more_participants_narrow_the_spread():
    small = build_account(cohort(20, 5), make_params(), investment_sek=1e6).uncertainty()
    large = build_account(cohort(80, 20), make_params(), investment_sek=4e6).uncertainty()
    width = lambda u: float(  # noqa: E731
        u.set_index("actor").loc["society", "high_sek"]
        - u.set_index("actor").loc["society", "low_sek"]
    )
    # same share (25 %); the spread per participant is smaller with four times as many
    assert width(large) / 80 < width(small) / 20


def test_switching_values_make_society_npv_zero():
    df = cohort(20, 5)
    params = make_params(horizon_years=3, drop_off_rate=0.2, deadweight=0.1)
    acc = build_account(df, params, investment_sek=2_000_000)
    sens = acc.sensitivity.set_index("parameter")
    # deadweight: (1 − d*) × E = I  → NPV zero at d*
    d = sens.loc["deadweight", "switching_value"]
    again = build_account(
        df, make_params(horizon_years=3, drop_off_rate=0.2, deadweight=d), investment_sek=2_000_000
    )
    assert again.summary.set_index("actor").loc["society", "npv_sek"] == pytest.approx(0, abs=1e-3)
    # the wage: society's NPV is linear in it
    w = sens.loc["item:employment:individual:wage", "switching_value"]
    n_years_pv = sum((0.8**t) / 1.035**t for t in range(3))  # drop-off and discounting
    # 5 successes × (1 − 0.1) × w × 1.3142 × n_years_pv = 2 000 000
    assert w == pytest.approx(2_000_000 / (5 * 0.9 * 1.3142 * n_years_pv), rel=1e-9)
    r = sens.loc["discount_rate", "switching_value"]
    assert r is None or r > 0
    assert list(acc.sensitivity["swing_sek"]) == sorted(acc.sensitivity["swing_sek"], reverse=True)


def test_figure_data_has_exactly_the_contract_keys_and_is_json():
    params = make_params(
        funder_shares={"state": 0.5, "region": 0.25, "municipality": 0.25}, horizon_years=5
    )
    acc = build_account(cohort(20, 5), params, investment_sek=1_200_000)
    data = socioeconomic_figure_data(acc, RenderContext(audience="namnd"))
    assert set(data) == {
        "horizon_years",
        "discount_rate",
        "deadweight",
        "investment_sek",
        "npv_sek",
        "payback_years",
        "break_even_participants",
        "probability_positive",
        # issue 10: the account's timing, deadweight source, own share, employer, gainers
        "account_years",
        "deadweight_source",
        "deadweight_interval",
        "outcome_share",
        "outcome_share_interval",
        "subsidised_employer_actor",
        "who_gains",
        # issue 15: true when a shared report leaves out the amounts
        "withheld",
        # ... and why: "successes" (too few, or too few others) or "split" (a hidden
        # count of a split the amounts depend on); None when shown
        "withheld_because",
        # issue 15 (stop 26): the break-even in standard successes, in every report
        "standard_success",
    }
    assert data["investment_sek"] == {"state": 600_000, "region": 300_000, "municipality": 300_000}
    assert set(data["npv_sek"]) == {"municipality", "region", "state", "individual", "society"}
    assert set(data["break_even_participants"]) == {"society", "state", "region", "municipality"}
    assert data["payback_years"]["region"] is None  # the region gains nothing here
    json.dumps(data)
    standard = data["standard_success"]
    assert set(standard["break_even_participants"]) == set(data["break_even_participants"])
    assert set(standard["by_years"]) == {"1", "4", "5"}
    assert standard["by_years"]["5"]["value_sek"] == standard["value_sek"]


def test_standard_break_even_does_not_depend_on_the_cohort():
    # Issue 15: the standard success is valued on the parameters and unit costs only, so
    # two cohorts of different size and success give the same break-even (the cohort's
    # own break-even averages over who left and when, and differs with its mix).
    params = make_params(horizon_years=5)
    few = build_account(cohort(20, 5), params, investment_sek=1_200_000)
    many = build_account(cohort(60, 40), params, investment_sek=1_200_000)
    pd.testing.assert_frame_equal(few.standard_break_even, many.standard_break_even)
    society = few.standard_break_even.query("actor == 'society' and within_years == 5")
    value = float(society["value_per_success_sek"].iloc[0])
    assert int(society["participants"].iloc[0]) == math.ceil(1_200_000 / value)
    # more investment, more people needed; the value of one does not change
    dearer = build_account(cohort(20, 5), params, investment_sek=2_400_000)
    pd.testing.assert_series_equal(
        dearer.standard_break_even["value_per_success_sek"],
        few.standard_break_even["value_per_success_sek"],
    )
    assert (
        dearer.standard_break_even["participants"] >= few.standard_break_even["participants"]
    ).all()


def test_render_shows_account_assumptions_and_suppresses_small_counts():
    acc = build_account(cohort(20, 6), make_params(horizon_years=5), investment_sek=1_200_000)
    html = render_socioeconomic(acc, RenderContext(audience="namnd", min_cell_count=5))
    assert "Samhället totalt" in html and "Kommunen" in html
    assert "<img" in html and 'alt="' in html
    assert "Diskonteringsränta" in html and "Socialstyrelsen" in html
    assert "uppskattning" in html
    assert "redovisas inte i den här rapporten" not in html
    # 3 successes: below the threshold, so the person count is suppressed, and so are
    # the amounts (each a sum over the 3: an amount / one success's value gives 3 back)
    acc = build_account(cohort(20, 3), make_params(horizon_years=5), investment_sek=1_200_000)
    html = render_socioeconomic(acc, RenderContext(audience="namnd", min_cell_count=5))
    assert "3 av 20" not in html
    assert "Kalkylens belopp (effekter, nettonuvärden" in html
    assert "<img" not in html  # no charts of the amounts
    assert "Diskonteringsränta" in html and "Socialstyrelsen" in html  # assumptions stay
    data = socioeconomic_figure_data(acc, RenderContext(audience="namnd"))
    assert data["withheld"] is True and set(data["npv_sek"].values()) == {None}
    internal = socioeconomic_figure_data(acc, RenderContext())
    assert internal["withheld"] is False and internal["npv_sek"]["society"] is not None
    english = render_socioeconomic(acc, RenderContext(language="en"))
    assert "Society as a whole" in english
    assert "<table" in acc._repr_html_()
