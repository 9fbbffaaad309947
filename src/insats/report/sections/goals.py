"""Mål och jämförelse (goal attainment, reference comparison): the report section built from :mod:`insats.outcomes.goals` results."""

from __future__ import annotations

import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from insats.disclosure import SUPPRESSED
from insats.outcomes._common import SMALL_GROUP_N
from insats.outcomes.goals import (
    GoalAssessment,
    ReferenceComparison,
    planned,
)
from insats.report.context import Html, RenderContext, join
from insats.report.figures import plot_shares


def render_goal_assessment(result, ctx):
    """Render a :class:`~insats.outcomes.goals.GoalAssessment` as report HTML."""
    what = ctx.t(result.label_key)
    o = result.observed
    text = ctx.t("outcomes.goal.target", target=ctx.pct(result.target_share), what=what)
    hidden, n_hidden = planned(ctx, result.keys, o.count, o.n)
    if o.n:
        observed = ctx.t("stat.proportion_suppressed", mark=SUPPRESSED) if hidden else o.text(ctx)
        text += " " + ctx.t("outcomes.goal.observed", proportion=observed)
    # a hidden outcome's place against the goal would bound it (issue 15)
    status = "withheld" if hidden and o.n else result.status
    key = status
    if status == "met":
        key = "met_clear" if result.is_clear else "met_unclear"
    text += " " + ctx.t(f"outcomes.goal.status.{key}")
    parts = [ctx.paragraph(text)]
    if o.n == 0:
        return join(parts)
    n_text = SUPPRESSED if n_hidden else ctx.count(o.n)
    if o.n < SMALL_GROUP_N:
        parts.append(ctx.small_group(n_text))

    table = pd.DataFrame(
        {
            ctx.t("outcomes.goal.col_target"): [ctx.pct(result.target_share)],
            ctx.t("outcomes.table.n"): [n_text],
            ctx.t("outcomes.goal.col_observed"): [SUPPRESSED if hidden else ctx.pct(o.share)],
            ctx.t("outcomes.table.interval"): [
                SUPPRESSED if hidden else ctx.share_range(o.ci_low, o.ci_high, o.n)
            ],
            ctx.t("outcomes.goal.col_status"): [ctx.t(f"outcomes.goal.label.{status}")],
        },
        index=[what[:1].upper() + what[1:]],
    )
    parts.append(ctx.table(table, ctx.t("outcomes.goal.caption", what=what)))
    fig = plot_shares(
        pd.DataFrame(
            {
                "label": [what[:1].upper() + what[1:]],
                "share": [o.share],
                "ci_low": [o.ci_low],
                "ci_high": [o.ci_high],
                "suppressed": [hidden],
            }
        ),
        language=ctx.language,
        xlabel=ctx.t("outcomes.axis.share"),
        target=result.target_share,
        target_label=ctx.t("outcomes.goal.col_target"),
    )
    parts.append(
        ctx.figure(
            fig,
            alt=ctx.t("outcomes.goal.alt", what=what, target=ctx.pct(result.target_share)),
            caption=ctx.t("outcomes.figure_caption"),
        )
    )
    return join(parts)


def render_reference_comparison(result, ctx):
    """Render a :class:`~insats.outcomes.goals.ReferenceComparison` as report HTML."""
    what = ctx.t(result.label_key)
    o = result.observed
    source = f" ({result.source})" if result.source else ""
    if o.n == 0:
        return ctx.paragraph(ctx.t("outcomes.reference.none", what=what))
    if planned(ctx, result.keys, o.count, o.n)[0]:
        return ctx.paragraph(ctx.t("outcomes.reference.suppressed", what=what))
    text = ctx.t(
        "outcomes.reference.sentence",
        what=what,
        observed=o.text(ctx),
        reference=ctx.pct(result.reference_share),
        source=source,
        difference=_pp(ctx, result.difference),
        low=_points(ctx, result.ci_low),
        high=_points(ctx, result.ci_high),
    )
    text += " " + ctx.t(
        "outcomes.reference.clear" if result.is_clear else "outcomes.reference.unclear"
    )
    parts = [ctx.paragraph(text)]
    if result.deadweight_share is not None:
        parts.append(
            ctx.paragraph(
                ctx.t("outcomes.reference.deadweight", deadweight=ctx.pct(result.deadweight_share))
            )
        )
    table = pd.DataFrame(
        {
            ctx.t("outcomes.reference.col_observed"): [ctx.pct(o.share)],
            ctx.t("outcomes.reference.col_reference"): [ctx.pct(result.reference_share)],
            ctx.t("outcomes.reference.col_difference"): [_pp(ctx, result.difference)],
            ctx.t("outcomes.table.interval"): [
                f"{_points(ctx, result.ci_low)} – {_points(ctx, result.ci_high)}"
            ],
            ctx.t("outcomes.reference.col_deadweight"): [ctx.pct(result.deadweight_share)],
        },
        index=[what[:1].upper() + what[1:]],
    )
    parts.append(ctx.table(table, ctx.t("outcomes.reference.caption", what=what)))
    ref_low, ref_high = float("nan"), float("nan")
    if result.reference_n is not None:
        # the reference's own Wilson interval (its count may be fractional)
        ref_low, ref_high = proportion_confint(
            result.reference_share * result.reference_n, result.reference_n, method="wilson"
        )
    frame = pd.DataFrame(
        {
            "label": [
                ctx.t("outcomes.reference.col_observed"),
                ctx.t("outcomes.reference.col_reference"),
            ],
            "share": [o.share, result.reference_share],
            "ci_low": [o.ci_low, ref_low],
            "ci_high": [o.ci_high, ref_high],
            "suppressed": [False, False],
        }
    )
    fig = plot_shares(frame, language=ctx.language, xlabel=what[:1].upper() + what[1:])
    parts.append(
        ctx.figure(
            fig,
            alt=ctx.t("outcomes.reference.alt", what=what),
            caption=ctx.t("outcomes.figure_caption"),
        )
    )
    return join(parts)


def _points(ctx, value: float | None) -> str:
    """A bound of a difference in percentage points, as a bare number."""
    if value is None or pd.isna(value):
        return "–"
    return ctx.number(100 * value, 0)


def _pp(ctx, value: float | None) -> str:
    """A difference of shares in percentage points, with the locale's minus sign."""
    if value is None or pd.isna(value):
        return "–"
    return ctx.t("outcomes.reference.pp", value=ctx.number(100 * value, 0))


RENDERERS = {
    GoalAssessment: render_goal_assessment,
    ReferenceComparison: render_reference_comparison,
}


def render(result, ctx: RenderContext) -> Html:
    """Render any result of this section with its renderer."""
    return RENDERERS[type(result)](result, ctx)


def repr_html(result) -> str:
    """HTML for JupyterLab: the result rendered with the internal Swedish context."""
    return render(result, RenderContext())._repr_html_()
