"""Självskattning (Wilcoxon signed-rank): the report section built from :mod:`insats.outcomes.selfassessment` results."""

from __future__ import annotations

import pandas as pd

from insats.disclosure import SUPPRESSED, count_key
from insats.outcomes._common import fmt_p
from insats.outcomes.selfassessment import (
    SelfAssessmentResult,
)
from insats.report.context import Html, RenderContext, join


def render_self_assessment_result(result, ctx, exited=None):
    """Render a :class:`~insats.outcomes.selfassessment.SelfAssessmentResult` as report HTML.

    ``exited``: (key, count) of everyone who left since the start, the population rated.
    """
    if result.n_pairs == 0:
        return ctx.paragraph(ctx.t("outcomes.self_assessment.no_pairs"))

    # Higher, same and lower add up to the pairs: one publication with its margin,
    # planned with every other number of the report (issue 15). Those who left since the
    # start = the pairs + those with one rating + those with none (a count no report
    # shows: 13 who left, 5 pairs and "6 har bara en" gave 2 with none).
    keys = result.cell_keys()
    values = {"improved": result.improved, "unchanged": result.unchanged}
    values["worsened"] = result.worsened
    ctx.publish(
        {
            keys["n"]: result.n_pairs,
            keys["unpaired"]: result.n_unpaired,
            **{keys[p]: int(v) for p, v in values.items()},
        },
        [(keys["n"], tuple(keys[p] for p in values))],
    )
    if exited is not None:
        neither = count_key({"population": "self_assessment none"})
        ctx.publish(
            {exited[0]: exited[1]},
            [(exited[0], (keys["n"], keys["unpaired"], neither))],
            unpublished={neither: exited[1] - result.n_pairs - result.n_unpaired},
        )
    hidden = ctx.hidden(keys["n"], result.n_pairs)
    withheld = result.parts_withheld(ctx)
    fields = dict(
        n=ctx.cell(keys["n"], result.n_pairs),
        start=SUPPRESSED if hidden else ctx.number(result.median_start, 1),
        end=SUPPRESSED if hidden else ctx.number(result.median_end, 1),
    )
    if hidden:
        text = ctx.t("publication.self_assessment_hidden", n=fields["n"])
    elif withheld:
        # A hidden part is left out (with the others it would come back by difference),
        # and so are the median change and the test (they bound the parts).
        text = ctx.t("publication.self_assessment_sentence", **fields)
    else:
        text = ctx.t(
            "outcomes.self_assessment.sentence",
            **fields,
            change=ctx.number(result.median_change, 1),
            **{p: ctx.cell(keys[p], v) for p, v in values.items()},
        )
    if result.reason == "no_change":
        text += " " + ctx.t("outcomes.self_assessment.no_change")
    elif not withheld:
        key = "significant" if result.p_value < 0.05 else "not_significant"
        text += " " + ctx.t(f"outcomes.self_assessment.{key}", p=fmt_p(ctx, result.p_value))
    if result.n_unpaired and not ctx.hidden(keys["unpaired"], result.n_unpaired):
        text += " " + ctx.t(
            "outcomes.self_assessment.unpaired", m=ctx.cell(keys["unpaired"], result.n_unpaired)
        )
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
                SUPPRESSED if withheld else ctx.number(result.median_change, 1)
            ],
            ctx.t("outcomes.table.n"): [fields["n"]],
            ctx.t("outcomes.regression.col_p"): [
                SUPPRESSED if withheld or result.p_value is None else fmt_p(ctx, result.p_value)
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
