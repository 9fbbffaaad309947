"""Självskattning (Wilcoxon signed-rank): the report section built from :mod:`insats.outcomes.selfassessment` results."""

from __future__ import annotations

import pandas as pd

from insats.disclosure import SUPPRESSED, count_key
from insats.outcomes._common import fmt_p
from insats.outcomes.selfassessment import (
    SelfAssessmentResult,
)
from insats.report.context import Html, RenderContext, join


def render_self_assessment_result(result, ctx):
    """Render a :class:`~insats.outcomes.selfassessment.SelfAssessmentResult` as report HTML."""
    if result.n_pairs == 0:
        return ctx.paragraph(ctx.t("outcomes.self_assessment.no_pairs"))

    # Higher, same and lower add up to the pairs: one publication with its margin,
    # planned with every other number of the report (issue 15).
    population = {"population": "self_assessment pairs"}
    n_key = count_key(population)
    part_keys = {
        part: count_key(population, self_assessment_change=part)
        for part in ("improved", "unchanged", "worsened")
    }
    values = {"improved": result.improved, "unchanged": result.unchanged}
    values["worsened"] = result.worsened
    ctx.publish(
        {n_key: result.n_pairs, **{part_keys[p]: int(v) for p, v in values.items()}},
        [(n_key, tuple(part_keys.values()))],
    )
    hidden = ctx.hidden(n_key, result.n_pairs)
    fields = dict(
        n=ctx.cell(n_key, result.n_pairs),
        start=SUPPRESSED if hidden else ctx.number(result.median_start, 1),
        end=SUPPRESSED if hidden else ctx.number(result.median_end, 1),
        change=SUPPRESSED if hidden else ctx.number(result.median_change, 1),
    )
    if any(ctx.hidden(part_keys[p], v) for p, v in values.items()):
        # A hidden part is left out (with the others it would come back by difference)
        text = ctx.t("publication.self_assessment_sentence", **fields)
    else:
        text = ctx.t(
            "outcomes.self_assessment.sentence",
            **fields,
            **{p: ctx.cell(part_keys[p], v) for p, v in values.items()},
        )
    if result.reason == "no_change":
        text += " " + ctx.t("outcomes.self_assessment.no_change")
    elif not hidden:
        key = "significant" if result.p_value < 0.05 else "not_significant"
        text += " " + ctx.t(f"outcomes.self_assessment.{key}", p=fmt_p(ctx, result.p_value))
    if result.n_unpaired:
        text += " " + ctx.t("outcomes.self_assessment.unpaired", m=ctx.count(result.n_unpaired))
    parts = [ctx.paragraph(text)]
    table = pd.DataFrame(
        {
            ctx.t("outcomes.self_assessment.col_start"): [
                SUPPRESSED if hidden else ctx.number(result.median_start, 1)
            ],
            ctx.t("outcomes.self_assessment.col_end"): [
                SUPPRESSED if hidden else ctx.number(result.median_end, 1)
            ],
            ctx.t("outcomes.self_assessment.col_change"): [
                SUPPRESSED if hidden else ctx.number(result.median_change, 1)
            ],
            ctx.t("outcomes.table.n"): [fields["n"]],
            ctx.t("outcomes.regression.col_p"): [
                SUPPRESSED if hidden else fmt_p(ctx, result.p_value)
            ],
        },
        index=[ctx.t("outcomes.self_assessment.median")],
    )
    parts.append(ctx.table(table, ctx.t("outcomes.self_assessment.caption")))
    return join(parts)


RENDERERS = {
    SelfAssessmentResult: render_self_assessment_result,
}


def render(result, ctx: RenderContext) -> Html:
    """Render any result of this section with its renderer."""
    return RENDERERS[type(result)](result, ctx)


def repr_html(result) -> str:
    """HTML for JupyterLab: the result rendered with the internal Swedish context."""
    return render(result, RenderContext())._repr_html_()
