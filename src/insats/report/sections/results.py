"""Resultat (outcome shares at exit and to date, composite outcomes): the report section built from :mod:`insats.outcomes.proportions` results."""

from __future__ import annotations

import pandas as pd

from insats.disclosure import SUPPRESSED, count_key
from insats.outcomes._common import (
    SMALL_GROUP_N,
    is_hidden,
    level_label,
)
from insats.outcomes.proportions import (
    COMPOSITES,
    SHARE_COLUMNS,
    CompositeShares,
    OutcomeShares,
    _column_label,
    _population,
    _share_table,
)
from insats.report.context import Html, RenderContext, join
from insats.report.figures import plot_shares


def _small_shown(n: pd.Series, protected: list[tuple[bool, bool]] | None, first: int = 1) -> bool:
    """Whether a level whose n is shown is small (the note on small subgroups): a level
    whose n the plan hides counts for nothing, else the note would bound it (issue 15).
    ``protected``: (share hidden, n hidden) per row, the levels from ``first``.
    """
    hidden = [False] * len(n) if protected is None else [h for _, h in protected[first:]]
    return any(int(v) < SMALL_GROUP_N and not h for v, h in zip(n, hidden, strict=True))


def render_composite_shares(result, ctx):
    """Render a :class:`~insats.outcomes.proportions.CompositeShares` as report HTML."""
    what = ctx.t(f"outcomes.composite.{result.kind}")
    text = result.sentence(ctx)
    if result.column != COMPOSITES[result.kind][0]:
        text += " " + ctx.t("outcomes.composite.at", what=_column_label(ctx, result.column))
    if result.n_missing:
        missing = ctx.cell(result.missing_keys()[1], result.n_missing)
        text += " " + ctx.t("outcomes.composite.missing", missing=missing)
    parts = [ctx.paragraph(text)]
    if result.overall.n == 0:
        return join(parts)
    if result.overall.n < SMALL_GROUP_N:
        n_cell = ctx.cell(result._keys(ctx)["n"], result.overall.n)
        parts.append(ctx.small_group(n_cell))
    elif result.by is not None and _small_shown(result.frame["n"], result.protected_rows(ctx)):
        parts.append(ctx.note(ctx.t("outcomes.small_subgroups")))
    rows = [
        (
            "all",
            result.overall.count,
            result.overall.n,
            result.overall.share,
            result.overall.ci_low,
            result.overall.ci_high,
        )
    ]
    if result.by is not None:
        rows += [
            (r[result.by], int(r["count"]), int(r["n"]), r["share"], r["ci_low"], r["ci_high"])
            for _, r in result.frame.iterrows()
        ]
    shown = pd.DataFrame(rows, columns=["level", *SHARE_COLUMNS])
    labels = [
        ctx.t("outcomes.all") if lv == "all" and i == 0 else level_label(ctx, result.by or "", lv)
        for i, lv in enumerate(shown["level"])
    ]
    hidden = result.protected_rows(ctx)
    if ctx.disclosure.active and result.overall_hidden(ctx):
        hidden = hidden or [(False, False)] * len(shown)
        n_hidden = ctx.hidden(result._keys(ctx)["n"], result.overall.n)
        hidden = [(True, n_hidden or hidden[0][1]), *hidden[1:]]
    table = _share_table(ctx, shown, labels, hidden=hidden)
    table.index.name = ctx.t(f"outcomes.by.{result.by}") if result.by else ""
    parts.append(ctx.table(table, ctx.t("outcomes.composite.caption", what=what)))
    plot_frame = pd.DataFrame(
        {
            "label": labels,
            "share": shown["share"].to_numpy(dtype=float),
            "ci_low": shown["ci_low"].to_numpy(dtype=float),
            "ci_high": shown["ci_high"].to_numpy(dtype=float),
            "suppressed": [
                is_hidden(ctx, int(r.count), int(r.n)) or bool(hidden and any(hidden[i]))
                for i, r in enumerate(shown.itertuples())
            ],
        }
    )
    fig = plot_shares(plot_frame, language=ctx.language, xlabel=what[:1].upper() + what[1:])
    parts.append(
        ctx.figure(
            fig,
            alt=ctx.t("outcomes.composite.alt", what=what),
            caption=ctx.t("outcomes.figure_caption"),
        )
    )
    return join(parts)


def render_outcome_shares(result, ctx):
    """Render a :class:`~insats.outcomes.proportions.OutcomeShares` as report HTML."""
    what = _column_label(ctx, result.column)
    vocab = result._vocabulary()
    parts = []
    if result.n == 0:
        parts.append(ctx.paragraph(ctx.t("outcomes.shares.none", what=what)))
        return join(parts)
    # n is the shares table's total cell: hidden wherever the plan hides it.
    n_text = ctx.cell(count_key(_population(result.column, result.n, result.window)), result.n)
    text = ctx.t("outcomes.shares.sentence", what=what, n=n_text)
    top = result.overall.sort_values("count", ascending=False, kind="stable").iloc[0]
    hidden_rows = result._overall_hidden(ctx)
    # Naming the most common bounds every other outcome by its count (those before it by
    # one less: ties go to the first): only where no outcome of the table is hidden.
    any_hidden = bool(hidden_rows and any(any(row) for row in hidden_rows))
    if not is_hidden(ctx, int(top["count"]), result.n) and not any_hidden:
        text += " " + ctx.t(
            "outcomes.shares.most_common",
            label=ctx.code(vocab, top["code"]).lower(),
            proportion=ctx.proportion(int(top["count"]), result.n, top["ci_low"], top["ci_high"]),
        )
    if result.n_missing:
        text += " " + ctx.t(
            "outcomes.shares.missing",
            missing=ctx.cell(result.missing_keys()[1], result.n_missing),
            ongoing=ctx.count(result.n_ongoing),
        )
    parts.append(ctx.paragraph(text))
    if result.n < SMALL_GROUP_N:
        parts.append(ctx.small_group(n_text))
    if result.by is None:
        table = _share_table(
            ctx,
            result.overall,
            [ctx.code(vocab, c) for c in result.overall["code"]],
            hidden=hidden_rows,
        )
        table.index.name = what
        parts.append(ctx.table(table, ctx.t("outcomes.shares.caption", what=what, n=n_text)))
        plot_frame = pd.DataFrame(
            {
                "label": [ctx.code(vocab, c) for c in result.overall["code"]],
                "share": result.overall["share"].to_numpy(),
                "ci_low": result.overall["ci_low"].to_numpy(),
                "ci_high": result.overall["ci_high"].to_numpy(),
                "suppressed": [
                    is_hidden(ctx, int(r.count), int(r.n))
                    or bool(hidden_rows and any(hidden_rows[i]))
                    for i, r in enumerate(result.overall.itertuples())
                ],
            }
        )
        fig = plot_shares(plot_frame, language=ctx.language, xlabel=ctx.t("outcomes.axis.share"))
        parts.append(
            ctx.figure(
                fig,
                alt=ctx.t("outcomes.shares.alt", what=what),
                caption=ctx.t("outcomes.figure_caption"),
            )
        )
    else:
        used = result.frame.groupby("code", sort=False)["count"].sum()
        codes = [c for c in used.index if used[c] > 0]
        counts = result.frame[result.frame["code"].isin(codes)].pivot_table(
            index=result.by, columns="code", values="count", sort=False, aggfunc="sum"
        )[codes]
        counts.index = [level_label(ctx, result.by, lv) for lv in counts.index]
        counts.columns = [ctx.code(vocab, c) for c in codes]
        by_label = ctx.t(f"outcomes.by.{result.by}")
        counts.index.name = by_label
        table_id = f"outcomes.{result.column}.by.{result.by}"
        parts.append(
            ctx.count_table(
                counts.astype(int),
                ctx.t("outcomes.shares.by_caption_counts", what=what, by=by_label),
                table_id=table_id,
                dimensions=[result.by, result.column],
                filters=_population(result.column, result.n, result.window),
            )
        )

        # A share gives its count back: hide every share whose count the table hid
        # (secondary suppression included), not only the small ones.
        protected = ctx.protect(
            counts.astype(int),
            table_id=table_id,
            dimensions=[result.by, result.column],
            filters=_population(result.column, result.n, result.window),
        )
        cells = {}
        for code in codes:
            part = result.frame[result.frame["code"] == code]
            column = ctx.code(vocab, code)
            cells[column] = [
                SUPPRESSED
                if protected.at[level_label(ctx, result.by, r[1]), column] is None
                else _share_cell(ctx, int(r.count), int(r.n), r.share, r.ci_low, r.ci_high)
                for r in part[[result.by, "count", "n", "share", "ci_low", "ci_high"]].itertuples()
            ]
            index = [level_label(ctx, result.by, lv) for lv in part[result.by]]
        shares = pd.DataFrame(cells, index=index)
        shares.index.name = by_label
        parts.append(
            ctx.table(shares, ctx.t("outcomes.shares.by_caption_shares", what=what, by=by_label))
        )
    return join(parts)


def _share_cell(ctx, count, n, share, low, high) -> str:

    if n == 0:
        return "–"
    if is_hidden(ctx, count, n):
        return SUPPRESSED
    return f"{ctx.pct(share)} ({ctx.share_range(low, high, n)})"


RENDERERS = {
    CompositeShares: render_composite_shares,
    OutcomeShares: render_outcome_shares,
}


def render(result, ctx: RenderContext) -> Html:
    """Render any result of this section with its renderer."""
    return RENDERERS[type(result)](result, ctx)


def repr_html(result) -> str:
    """HTML for JupyterLab: the result rendered with the internal Swedish context."""
    return render(result, RenderContext())._repr_html_()
