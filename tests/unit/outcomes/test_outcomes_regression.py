"""The logistic model against the 2×2 odds ratio identity and statsmodels Logit."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from factories import make_cohort
from insats.outcomes import add_age_band, fit_outcome_model
from insats.report.sections import render


def two_by_two(a: int, b: int, c: int, d: int) -> pd.DataFrame:
    """Women: a in work, b not; men: c in work, d not (fictitious)."""
    rows = (
        [("woman", "employment")] * a
        + [("woman", "job_seeking")] * b
        + [("man", "employment")] * c
        + [("man", "job_seeking")] * d
    )
    df = pd.DataFrame(rows, columns=["gender", "outcome_at_exit"])
    df["municipality"] = "Klippan"
    return df


def test_single_binary_covariate_gives_the_sample_odds_ratio():
    # women 12 in work / 8 not, men 6 / 14; events = min(18, 22) = 18 >= 10 × 1
    df = two_by_two(12, 8, 6, 14)
    result = fit_outcome_model(df, covariates=("gender", "municipality"))
    assert result.is_fitted and result.n_parameters == 1
    assert result.dropped == ("municipality",)  # one level only
    row = result.odds_ratios.iloc[0]
    assert (row["level"], row["reference"]) == ("man", "woman")  # tie 20/20: vocabulary order
    # For one binary covariate the logistic MLE odds ratio equals the sample odds ratio
    # (a·d)/(b·c) and its Wald interval is Woolf's: exp(log OR ± z·sqrt(1/a+1/b+1/c+1/d))
    # (Agresti, Categorical Data Analysis, 3rd ed., §3.1 and §5.1).
    odds_ratio = (6 * 8) / (14 * 12)  # men vs women: (c/d) / (a/b)
    assert row["odds_ratio"] == pytest.approx(odds_ratio, rel=1e-8)
    se = math.sqrt(1 / 12 + 1 / 8 + 1 / 6 + 1 / 14)
    z = 1.959963984540054
    assert row["ci_low"] == pytest.approx(odds_ratio * math.exp(-z * se), rel=1e-6)
    assert row["ci_high"] == pytest.approx(odds_ratio * math.exp(z * se), rel=1e-6)


def test_matches_statsmodels_logit_with_several_covariates():
    rng = np.random.default_rng(3)
    n = 400
    df = pd.DataFrame(
        {
            "gender": rng.choice(["woman", "man"], n),
            "education": rng.choice(["primary", "secondary", "tertiary"], n, p=[0.3, 0.5, 0.2]),
        }
    )
    logit = -0.3 + 0.6 * (df["gender"] == "woman") - 0.5 * (df["education"] == "primary")
    df["outcome_at_exit"] = np.where(
        rng.random(n) < 1 / (1 + np.exp(-logit)), "employment", "job_seeking"
    )
    result = fit_outcome_model(df, covariates=("gender", "education"))
    assert result.is_fitted
    # second implementation: statsmodels Logit (Newton on the logit likelihood) with
    # the same reference levels (the most frequent: secondary; gender by count)
    ref_gender = result.references["gender"]
    other_gender = "woman" if ref_gender == "man" else "man"
    exog = pd.DataFrame(
        {
            f"gender[{other_gender}]": (df["gender"] == other_gender).astype(float),
            "education[primary]": (df["education"] == "primary").astype(float),
            "education[tertiary]": (df["education"] == "tertiary").astype(float),
        }
    )
    fit = sm.Logit(
        (df["outcome_at_exit"] == "employment").astype(float), sm.add_constant(exog)
    ).fit(disp=0)
    ours = result.odds_ratios.set_index("term")
    for term in exog.columns:
        assert ours.loc[term, "odds_ratio"] == pytest.approx(math.exp(fit.params[term]), rel=1e-6)
        assert ours.loc[term, "p_value"] == pytest.approx(fit.pvalues[term], rel=1e-5)


def test_small_cohort_is_not_fitted_with_a_plain_reason():
    df = add_age_band(make_cohort(), date(2021, 12, 31))
    result = fit_outcome_model(df)
    # 10 known outcomes (the 2 ongoing have none), 4 in work or studies -> events 4.
    # Levels among the 10, minus one reference each: gender woman/man -> 1; age bands
    # 16–24, 25–34, 35–44, 45–54, 55–64, unknown -> 5; education primary, secondary,
    # tertiary_short, tertiary, unknown -> 4; municipality Klippan, Åstorp, unknown -> 2.
    assert not result.is_fitted and result.reason == "too_few_events"
    assert result.events == 4
    assert result.n_parameters == 1 + 5 + 4 + 2
    assert result.required_events == 120
    from insats.report.context import RenderContext

    text = str(render(result, RenderContext()))
    assert "För få deltagare för att skatta sambandet med bakgrundsfaktorer (4 utfall" in text
    assert f"minst {result.required_events} behövs" in text


def test_separation_is_not_fitted():
    # every man in work: the ML odds ratio is infinite
    df = two_by_two(10, 10, 12, 0)
    result = fit_outcome_model(df, covariates=("gender",), min_events_per_parameter=1)
    assert not result.is_fitted and result.reason == "separation"


def test_no_variation_and_no_data():
    df = two_by_two(10, 10, 0, 0)
    assert fit_outcome_model(df, covariates=("gender",)).reason == "no_variation"
    df["outcome_at_exit"] = pd.NA
    assert fit_outcome_model(df, covariates=("gender",)).reason == "no_data"


def test_a_hidden_level_count_withholds_the_odds_ratios():
    # Issue 15, attack on the odds ratio (fictitious): women 15 in work / 15 not, men 2 /
    # 8. With one covariate the odds ratio is the crude one, so beside 17 of 40, 30
    # women and 10 men "0,25" gives the men's 2 back; a shared report withholds it and
    # says so. With every level's counts shown (12/8, 6/14) the odds ratio is shown.
    from insats.report.context import RenderContext

    leaky = fit_outcome_model(two_by_two(15, 15, 2, 8), covariates=("gender",))
    assert leaky.is_fitted
    assert leaky.level_successes == {"gender": {"woman": 15, "man": 2}}
    shared = RenderContext(audience="namnd")
    assert leaky.estimates_withheld(shared)
    text = str(render(leaky, shared))
    assert "Oddskvoterna redovisas inte" in text and "0,25" not in text
    english = str(render(leaky, RenderContext(language="en", audience="namnd")))
    assert "The odds ratios are not reported" in english
    figures = leaky.figure_data(RenderContext(audience="namnd"))
    # no table in the HTML, no terms in figures.json: no estimate, level n or reference
    assert figures["withheld"] is True and figures["terms"] is None
    assert figures["required_events"] is None
    assert "0,25" in str(render(leaky, RenderContext()))  # internal: shown

    safe = fit_outcome_model(two_by_two(12, 8, 6, 14), covariates=("gender",))
    assert not safe.estimates_withheld(RenderContext(audience="namnd"))
    assert "Oddskvoterna redovisas inte" not in str(render(safe, RenderContext(audience="namnd")))


def test_figure_data_gives_the_terms_of_the_table():
    # women 12 in work / 8 not, men 6 / 14 (fictitious): every count at least 5
    from insats.report.context import RenderContext

    result = fit_outcome_model(two_by_two(12, 8, 6, 14), covariates=("gender",))
    internal = result.figure_data(RenderContext())
    assert {k: internal[k] for k in ("outcome", "is_fitted", "reason", "n", "events")} == {
        "outcome": "work_or_studies",
        "is_fitted": True,
        "reason": None,
        "n": 40,
        "events": 18,
    }
    assert internal["withheld"] is False and internal["required_events"] == 10
    (term,) = internal["terms"]
    row = result.odds_ratios.iloc[0]
    assert term == {
        "term": "gender[man]",
        "covariate": "gender",
        "level": "man",
        "reference": "woman",
        "n_level": 20,
        "odds_ratio": row["odds_ratio"],
        "ci_low": row["ci_low"],
        "ci_high": row["ci_high"],
        "p_value": row["p_value"],
    }
    assert result.figure_data(RenderContext(audience="namnd"))["terms"] == [term]


def test_figure_data_of_a_model_not_fitted():
    from insats.report.context import RenderContext

    result = fit_outcome_model(two_by_two(10, 10, 12, 0), covariates=("gender",))
    data = result.figure_data(RenderContext())
    assert (data["is_fitted"], data["reason"], data["withheld"]) == (False, "separation", False)
    assert data["terms"] == [] and data["n"] == 32
    # a shared report's sentence gives neither the parameters nor the events needed
    assert result.figure_data(RenderContext(audience="namnd"))["required_events"] is None
