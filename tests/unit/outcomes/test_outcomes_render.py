"""Every outcome result renders in Swedish, English and for the nämnd without leaking
suppressed numbers; the plots draw no value for a suppressed row."""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import pandas as pd
import pytest

from factories import make_cohort
from insats.outcomes import (
    add_age_band,
    assess_goal,
    compare_with_reference,
    estimate_composite,
    estimate_outcome_shares,
    estimate_time_to_work,
    estimate_trend,
    fit_outcome_model,
    test_self_assessment,
)
from insats.report.context import RenderContext
from insats.report.figures import plot_shares, plot_survival, plot_trend
from insats.report.sections import render

CONTEXTS = {
    "sv": RenderContext(language="sv"),
    "en": RenderContext(language="en"),
    "namnd": RenderContext(language="sv", audience="namnd"),
}


def text_of(html) -> str:
    """The HTML without embedded images, with non-breaking spaces as spaces."""
    return re.sub(r'src="data:[^"]+"', "", str(html)).replace("\xa0", " ")


@lru_cache(maxsize=1)
def all_results():
    df = add_age_band(make_cohort(), date(2021, 12, 31))
    empty = df.iloc[0:0]
    return {
        "shares": estimate_outcome_shares(df),
        "shares_by_group": estimate_outcome_shares(df, by="group"),
        "support_by_gender": estimate_outcome_shares(df, column="support_at_exit", by="gender"),
        "exit_reasons": estimate_outcome_shares(df, column="exit_reason"),
        "shares_empty": estimate_outcome_shares(empty),
        "work": estimate_composite(df),
        "work_by_age": estimate_composite(df, by="age_band"),
        "self_by_referral": estimate_composite(df, "self_sufficient", by="referral"),
        "work_6m": estimate_composite(df, column="outcome_6m"),
        "goal": assess_goal(4, 10, 0.75),
        "goal_met": assess_goal(28, 30, 0.75),
        "goal_none": assess_goal(0, 0, 0.75),
        "reference": compare_with_reference(4, 10, 0.3, 200, source="SCB"),
        "reference_fixed": compare_with_reference(20, 30, 0.3),
        "reference_none": compare_with_reference(0, 0, 0.3),
        "survival": estimate_time_to_work(df, date(2021, 12, 31)),
        "survival_empty": estimate_time_to_work(empty, date(2021, 12, 31)),
        "regression": fit_outcome_model(df),
        "self_assessment": test_self_assessment(df),
        "self_assessment_none": test_self_assessment(empty),
        "trend": estimate_trend(df),
        "trend_self": estimate_trend(df, kind="self_sufficient"),
    }


@pytest.mark.parametrize("audience", list(CONTEXTS))
def test_every_result_renders(audience):
    ctx = CONTEXTS[audience]
    for name, result in all_results().items():
        html = render(result, ctx)
        assert "<p" in str(html), name
        assert isinstance(result.to_frame(), pd.DataFrame), name
        assert isinstance(result.figure_data(ctx), dict), name
        assert "<h" not in text_of(html).replace("<html", ""), f"{name}: no headings"
        assert "{" not in text_of(html), f"{name}: unfilled label field"
        if audience == "sv":
            assert result._repr_html_() == str(html), name  # the internal Swedish view


def test_english_render_is_english():
    html = text_of(render(all_results()["work"], CONTEXTS["en"]))
    assert "4 of 10 (40%, 95% confidence interval 17–69%) went on to work or studies." in html
    assert "konfidensintervall" not in html


def test_swedish_sentence_states_finding_and_uncertainty():
    html = text_of(render(all_results()["work"], CONTEXTS["sv"]))
    # Wilson 4/10: 0.168–0.687 (see test_outcomes_proportions.wilson_by_hand)
    assert "4 av 10 (40 %, 95 % konfidensintervall 17–69 %) gick till arbete eller studier." in html
    assert "Gruppen är liten (10 personer)" in html


def test_namnd_hides_small_counts_everywhere():
    ctx = CONTEXTS["namnd"]
    results = all_results()
    work = text_of(render(results["work"], ctx))
    # 4 of 10: the count 4 is below 5 -> no count, share or interval may appear
    assert "4 av 10" not in work and "40 %" not in work and "17–69" not in work
    assert ".." in work
    assert results["work"].figure_data(ctx)["share"] is None
    assert results["work"].figure_data(ctx)["n"] == 10
    # survival: 4 events of 12 -> the curve, its figure and median are withheld
    surv = results["survival"]
    html = text_of(render(surv, ctx))
    # (the sentence is rewritten without the hidden events, issue 15)
    assert "12 deltagare följs från start. Hur många som gått till arbete" in html
    assert "gick .. till arbete" not in html and "<img" not in html
    assert all(v["cumulative_share"] is None for v in surv.figure_data(ctx)["by_month"].values())
    # the shares table: job seeking 2 of 10 -> '..' and never '20 %'
    shares = text_of(render(results["shares"], ctx))
    assert "20 %" not in shares
    # goal and reference: the observed 40 % is withheld, the goal itself is not
    goal = text_of(render(results["goal"], ctx))
    assert "40 %" not in goal and "75 %" in goal
    ref = text_of(render(results["reference"], ctx))
    assert "procentenheter" not in ref
    assert results["reference"].figure_data(ctx)["deadweight_share"] is None
    # internal view shows them
    assert "40 %" in text_of(render(results["goal"], CONTEXTS["sv"]))


def test_all_censored_sentence():
    df = make_cohort()
    df["outcome_at_exit"] = df["outcome_at_exit"].where(df["outcome_at_exit"].isna(), "job_seeking")
    html = text_of(render(estimate_time_to_work(df, date(2021, 12, 31)), CONTEXTS["sv"]))
    assert "Ingen av de 12 deltagarna har ännu gått till arbete eller studier" in html


def test_plot_shares_skips_suppressed_values():
    frame = pd.DataFrame(
        {
            "label": ["Arbete", "Studier", "Praktik"],
            "share": [0.5, 0.1, float("nan")],
            "ci_low": [0.3, 0.02, float("nan")],
            "ci_high": [0.7, 0.3, float("nan")],
            "suppressed": [False, True, False],
        }
    )
    fig = plot_shares(frame, language="sv", target=0.6, target_label="Mål")
    ax = fig.axes[0]
    assert len(ax.patches) == 1  # one bar: the suppressed and the empty rows draw none
    texts = [t.get_text().replace("\xa0", " ") for t in ax.texts]
    assert ".." in texts and "50 %" in texts and "10 %" not in texts
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Arbete", "Studier", "Praktik"]


def test_plot_survival_and_trend_return_figures():
    curve = pd.DataFrame(
        {
            "time": [0, 1, 2.5],
            "estimate": [0, 0.2, 0.4],
            "ci_low": [0, 0.05, 0.15],
            "ci_high": [0, 0.5, 0.7],
        }
    )
    at_risk = pd.DataFrame({"time": [0, 1, 2, 3], "label": ["12", "10", "7", ".."]})
    fig = plot_survival(curve, at_risk, end_time=3.2, at_risk_label="Antal som följs")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts[:4] == ["12", "10", "7", ".."] and "Antal som följs" in texts
    trend = pd.DataFrame(
        {
            "label": ["G1", "G2", "G3"],
            "share": [0.4, 0.5, 0.2],
            "ci_low": [0.2, 0.3, 0.05],
            "ci_high": [0.6, 0.7, 0.5],
            "series": ["Klippan", "Åstorp", "Klippan"],
            "suppressed": [False, False, True],
        }
    )
    fig = plot_trend(trend, language="en")
    assert ".." in [t.get_text() for t in fig.axes[0].texts]
    assert "20%" not in [t.get_text() for t in fig.axes[0].texts]


def test_share_table_hides_count_when_complement_is_small():
    # 5 of 6 in work: n − k = 1 would be derivable from count and n, so the nämnd table
    # shows neither the count nor the share (n itself is 6 >= 5 and stays)
    rows = [("employment",)] * 5 + [("job_seeking",)]
    df = pd.DataFrame(rows, columns=["outcome_at_exit"])
    html = text_of(render(estimate_composite(df), CONTEXTS["namnd"]))
    assert "<td>5</td>" not in html and "83 %" not in html
    assert "<td>6</td>" in html
    assert "<td>5</td>" in text_of(render(estimate_composite(df), CONTEXTS["sv"]))
