"""Utveckling över intagsgrupper (trend): the report section built from :mod:`insats.outcomes.trend` results."""

from __future__ import annotations

import pandas as pd

from insats.outcomes._common import (
    SMALL_GROUP_N,
    is_hidden,
    level_label,
)
from insats.outcomes.proportions import (
    _share_table,
)
from insats.outcomes.trend import (
    TrendResult,
)
from insats.report.context import Html, RenderContext, join
from insats.report.figures import plot_trend


def render_trend_result(result, ctx):
    """Render a :class:`~insats.outcomes.trend.TrendResult` as report HTML."""
    what = ctx.t(f"outcomes.composite.{result.kind}")
    known = result.frame[result.frame["n"] > 0]
    if known.empty:
        return ctx.paragraph(ctx.t("outcomes.trend.none", what=what))
    key = "outcomes.trend.sentence" if len(known) > 1 else "outcomes.trend.sentence_one"
    text = ctx.t(key, what=what, groups=ctx.number(len(known)))
    parts = [ctx.paragraph(text)]
    labels = [level_label(ctx, "group", g) for g in result.frame["group"]]
    hidden = result.protected_rows(ctx)
    # Only groups whose n is shown count: the note beside a hidden n would bound it.
    n_hidden = [False] * len(result.frame) if hidden is None else [h for _, h in hidden]
    if any(
        0 < n < SMALL_GROUP_N and not h for n, h in zip(result.frame["n"], n_hidden, strict=True)
    ):
        parts.append(ctx.note(ctx.t("outcomes.trend.small")))
    table = _share_table(ctx, result.frame, labels, hidden=hidden)
    table.insert(
        0,
        ctx.t("outcomes.trend.col_start"),
        [
            ctx.date(d.date() if pd.notna(d) else None, "iso")
            for d in result.frame["group_start_date"]
        ],
    )
    if result.by_municipality is not None:
        table.insert(
            1,
            ctx.t("outcomes.by.municipality"),
            [
                level_label(ctx, "municipality", m) if m is not None else "–"
                for m in result.frame["municipality"]
            ],
        )
    table.index.name = ctx.t("outcomes.by.group")
    parts.append(ctx.table(table, ctx.t("outcomes.trend.caption", what=what)))
    plot_frame = pd.DataFrame(
        {
            "label": labels,
            "share": result.frame["share"].to_numpy(dtype=float),
            "ci_low": result.frame["ci_low"].to_numpy(dtype=float),
            "ci_high": result.frame["ci_high"].to_numpy(dtype=float),
            "series": [
                level_label(ctx, "municipality", m) if m is not None else ctx.t("outcomes.all")
                for m in result.frame["municipality"]
            ]
            if result.by_municipality is not None
            else ctx.t("outcomes.all"),
            "suppressed": [
                is_hidden(ctx, int(r.count), int(r.n)) or bool(hidden and any(hidden[i]))
                for i, r in enumerate(result.frame.itertuples())
            ],
        }
    )
    fig = plot_trend(
        plot_frame,
        language=ctx.language,
        ylabel=_capitalise(what),
        xlabel=ctx.t("outcomes.by.group"),
    )
    parts.append(
        ctx.figure(
            fig,
            alt=ctx.t("outcomes.trend.alt", what=what),
            caption=ctx.t("outcomes.figure_caption"),
        )
    )
    return join(parts)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


RENDERERS = {
    TrendResult: render_trend_result,
}


def render(result, ctx: RenderContext) -> Html:
    """Render any result of this section with its renderer."""
    return RENDERERS[type(result)](result, ctx)


def repr_html(result) -> str:
    """HTML for JupyterLab: the result rendered with the internal Swedish context."""
    return render(result, RenderContext())._repr_html_()
