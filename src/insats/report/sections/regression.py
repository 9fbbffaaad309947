"""Samband (logistic model): the report section built from :mod:`insats.outcomes.regression` results."""

from __future__ import annotations

import pandas as pd

from insats.disclosure import SUPPRESSED
from insats.outcomes._common import (
    fmt_p,
    level_label,
)
from insats.outcomes.regression import (
    RegressionResult,
)
from insats.report.context import Html, RenderContext, join


def render_regression_result(result, ctx):
    """Render a :class:`~insats.outcomes.regression.RegressionResult` as report HTML."""
    parts = [ctx.paragraph(result.sentence(ctx))]
    if not result.is_fitted:
        return join(parts)
    if result.estimates_withheld(ctx):
        # Issue 15, attack on the odds ratio: the estimates stand for the levels'
        # counts with and without the outcome ("Män | 10 | 0,25" gave the men's hidden
        # 2 back), so where the plan hides one the report says so instead of "..".
        parts.append(ctx.paragraph(ctx.t("outcomes.regression.withheld")))
        return join(parts)
    rows, labels = [], []
    keys = result.publish(ctx)["levels"]
    for r in result.odds_ratios.itertuples():
        # a level's n is a cell of the plan (a row total of the composite by it)
        hidden = result.level_hidden(ctx, r.covariate, r.level, r.n_level)
        key = keys.get(r.covariate, {}).get(r.level)
        labels.append(
            ctx.t(
                "outcomes.regression.term",
                covariate=ctx.t(f"outcomes.by.{r.covariate}"),
                level=level_label(ctx, r.covariate, r.level),
                reference=level_label(ctx, r.covariate, r.reference),
            )
        )
        rows.append(
            {
                ctx.t("outcomes.table.n"): ctx.cell(key, int(r.n_level))
                if key is not None
                else ctx.count(int(r.n_level)),
                ctx.t("outcomes.regression.col_or"): SUPPRESSED
                if hidden
                else ctx.number(r.odds_ratio, 2),
                ctx.t("outcomes.table.interval"): SUPPRESSED
                if hidden
                else f"{ctx.number(r.ci_low, 2)}–{ctx.number(r.ci_high, 2)}",
                ctx.t("outcomes.regression.col_p"): SUPPRESSED if hidden else fmt_p(ctx, r.p_value),
            }
        )
    table = pd.DataFrame(rows, index=labels)
    parts.append(ctx.table(table, ctx.t("outcomes.regression.caption")))
    parts.append(ctx.note(ctx.t("outcomes.regression.reading")))
    return join(parts)


RENDERERS = {
    RegressionResult: render_regression_result,
}


def render(result, ctx: RenderContext) -> Html:
    """Render any result of this section with its renderer."""
    return RENDERERS[type(result)](result, ctx)


def repr_html(result) -> str:
    """HTML for JupyterLab: the result rendered with the internal Swedish context."""
    return render(result, RenderContext())._repr_html_()
