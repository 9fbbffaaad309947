"""The recruitment section: the funnel per group in words, two tables and a figure, under
the report's disclosure plan (the numbers are :class:`insats.programme.recruitment.FunnelSummary`).
"""

from __future__ import annotations

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from insats.cohort.schema import FUNNEL_STEPS
from insats.disclosure import SUPPRESSED
from insats.outcomes.participants import group_label, plan_count_tables
from insats.programme.recruitment import TOTAL, FunnelSummary, conversion_share
from insats.report.context import Html, RenderContext, join

__all__ = ["funnel_figure_data", "plot_funnel", "render_recruitment", "repr_html"]


def _protected(funnel: FunnelSummary, ctx: RenderContext) -> pd.DataFrame:
    """Counts with the total row after the report's joint plan: None where hidden,
    NaN where the figure is missing (issue 15).

    Each step is its own distribution over the groups, protected as a one-way table
    with its total; a step with a missing figure is protected over the groups that
    have one (its total is their sum), so one blank cell does not switch secondary
    suppression off for the funnel.
    """
    labels = _column_labels(funnel, ctx)
    frame = funnel.with_total() if len(funnel.counts) > 1 else funnel.counts.copy()
    out = frame.astype(object)
    if len(funnel.counts) == 1:
        for step in FUNNEL_STEPS:
            for g in out.index:
                v = frame.at[g, step]
                out.at[g, step] = None if not pd.isna(v) and ctx.is_suppressed(v) else v
        return out
    specs = {}
    for step in FUNNEL_STEPS:
        table_id = f"recruitment.funnel.{step}"
        counts = funnel.count_tables()[table_id].reset_index(drop=True)
        counts.index = [labels[g] for g in funnel.counts[step].dropna().index]
        filters = {"population": "recruitment", "measure": step}
        specs[table_id] = (counts, {"dimensions": ["group"], "filters": filters})
    plan_count_tables(ctx, specs)
    for step in FUNNEL_STEPS:
        counts, spec = specs[f"recruitment.funnel.{step}"]
        protected = ctx.protect(
            counts, table_id=f"recruitment.funnel.{step}", add_totals=True, **spec
        ).iloc[:, 0]
        by_label = dict(zip(protected.index, protected.to_numpy(), strict=True))
        for g in out.index:
            if pd.isna(frame.at[g, step]):
                continue
            label = ctx.t("table.total") if g == TOTAL else labels[g]
            out.at[g, step] = by_label.get(label)
    return out


def _shown(
    funnel: FunnelSummary,
    ctx: RenderContext,
    count: float | None,
    previous: float | None,
    share: float,
) -> bool:
    """A share may be shown when neither of its counts is hidden (None: hidden by the
    plan; a number: shown).
    """
    if pd.isna(share) or count is None or previous is None:
        return False
    return not (ctx.is_suppressed(count) or ctx.is_suppressed(previous))


def funnel_figure_data(funnel: FunnelSummary, ctx: RenderContext) -> dict:
    """figures.json's ``recruitment``: counts and shares per group, after the disclosure plan."""
    frame = _protected(funnel, ctx)
    conv = funnel.conversions

    def block(group: str) -> dict:
        counts = {
            s: None if frame.at[group, s] is None else ctx.count_value(frame.at[group, s])
            for s in FUNNEL_STEPS
        }
        shares = {}
        for previous, step in zip(FUNNEL_STEPS, FUNNEL_STEPS[1:], strict=False):
            value = conv.at[group, step]
            ok = _shown(funnel, ctx, frame.at[group, step], frame.at[group, previous], value)
            shares[step] = float(value) if ok else None
        overall = conv.at[group, "overall"]
        ok = _shown(funnel, ctx, frame.at[group, "started"], frame.at[group, "invited"], overall)
        return {**counts, "conversion": shares, "overall": float(overall) if ok else None}

    return {
        "by_group": {str(g): block(g) for g in funnel.counts.index},
        "total": block(TOTAL),
    }


def _column_labels(funnel: FunnelSummary, ctx: RenderContext) -> dict[str, str]:
    labels = {g: group_label(ctx, g, funnel.group_names) for g in funnel.counts.index}
    labels[TOTAL] = ctx.t("table.total")
    return labels


def _count_table(funnel: FunnelSummary, ctx: RenderContext) -> Html:
    labels = _column_labels(funnel, ctx)
    caption = ctx.t("recruitment.caption_counts")
    frame = _protected(funnel, ctx)
    # A missing figure reads as missing ("–"), a hidden one as "..".
    shown = frame.map(
        lambda v: SUPPRESSED if v is None else ctx.count(None if pd.isna(v) else int(v))
    )
    shown.index = [labels[g] for g in frame.index]
    shown.columns = [ctx.t(f"recruitment.step.{s}") for s in FUNNEL_STEPS]
    shown.index.name = ctx.t("participants.dimension.group")
    return ctx.table(shown, caption)


def _conversion_table(funnel: FunnelSummary, ctx: RenderContext) -> Html:
    frame = _protected(funnel, ctx)
    conv = funnel.conversions.loc[frame.index]
    rows = {}
    for previous, step in zip(FUNNEL_STEPS, FUNNEL_STEPS[1:], strict=False):
        rows[ctx.t(f"recruitment.conversion.{step}")] = [
            _share_text(funnel, ctx, frame.at[g, step], frame.at[g, previous], conv.at[g, step])
            for g in frame.index
        ]
    rows[ctx.t("recruitment.conversion.overall")] = [
        _share_text(
            funnel, ctx, frame.at[g, "started"], frame.at[g, "invited"], conv.at[g, "overall"]
        )
        for g in frame.index
    ]
    labels = _column_labels(funnel, ctx)
    shown = pd.DataFrame(rows, index=[labels[g] for g in frame.index])
    shown.index.name = ctx.t("participants.dimension.group")
    return ctx.table(shown, ctx.t("recruitment.caption_conversion"))


def _share_text(funnel: FunnelSummary, ctx: RenderContext, count, previous, share) -> str:
    if pd.isna(share):
        return ctx.pct(None)
    # A share of a shown count gives back a hidden one (38 % of 13 -> 5): shown only
    # when both its counts are shown by the plan.
    if not _shown(funnel, ctx, count, previous, share):
        return SUPPRESSED
    return ctx.pct(share)


def render_recruitment(funnel: FunnelSummary, ctx: RenderContext) -> Html:
    """The funnel in a sentence, a count table, a conversion table and a figure."""
    if funnel.counts.empty:
        return ctx.paragraph(ctx.t("recruitment.none"))
    total = funnel.total if len(funnel.counts) > 1 else funnel.counts.iloc[0]
    protected = _protected(funnel, ctx)
    shown_total = protected.iloc[-1]
    overall = conversion_share(total["started"], total["invited"])

    def total_text(step: str) -> str:
        v = shown_total[step]
        return SUPPRESSED if v is None else ctx.count(None if pd.isna(v) else int(v))

    fields = {
        "groups": ctx.number(len(funnel.counts)),  # groups, not persons: never hidden
        "invited": total_text("invited"),
        "started": total_text("started"),
        "overall": _share_text(
            funnel,
            ctx,
            shown_total["started"],
            shown_total["invited"],
            float("nan") if overall is None else overall,
        ),
    }
    key = "recruitment.sentence" if len(funnel.counts) > 1 else "recruitment.sentence_one"
    parts: list[str] = [ctx.paragraph(ctx.t(key, **fields))]
    parts.append(_count_table(funnel, ctx))
    parts.append(_conversion_table(funnel, ctx))
    if funnel.has_over_100:
        parts.append(ctx.note(ctx.t("recruitment.over_100_note")))
    if funnel.counts.isna().to_numpy().any():
        parts.append(ctx.note(ctx.t("recruitment.missing_note")))
    values = funnel.counts.astype("Float64").astype(float)
    # The figure is drawn from the protected counts: a bar of a hidden count is not drawn.
    groups = protected.loc[funnel.counts.index]
    texts = groups.map(
        lambda v: SUPPRESSED if v is None else ctx.count(None if pd.isna(v) else int(v))
    )
    hidden = groups.map(lambda v: v is None or pd.isna(v))
    values = values.mask(hidden.astype(bool))
    labels = _column_labels(funnel, ctx)
    parts.append(
        ctx.figure(
            plot_funnel(
                values.rename(index=labels),
                texts.rename(index=labels),
                step_labels={s: ctx.t(f"recruitment.step_short.{s}") for s in FUNNEL_STEPS},
                axis_label=ctx.t("recruitment.axis_count"),
            ),
            alt=ctx.t("recruitment.figure_alt"),
            caption=ctx.t("recruitment.figure_caption"),
        )
    )
    return join(parts)


def plot_funnel(
    values: pd.DataFrame,
    texts: pd.DataFrame,
    *,
    step_labels: dict[str, str] | None = None,
    axis_label: str = "",
    ax=None,
):
    """Grouped bars: one cluster per funnel step, one bar per group, labelled with counts.

    Args:
        values: Groups (rows, display names) x steps: bar heights; NaN = not drawn
            (missing, or hidden by disclosure control).
        texts: Same shape: the label above each bar (".." for hidden, "–" for missing).
        step_labels: Display name per step column.
        axis_label: Label of the count axis.
        ax: Matplotlib axes to draw on; a new figure when None.

    Returns:
        The matplotlib Figure.
    """
    matplotlib.rcParams["text.parse_math"] = False  # group names are plain text

    if ax is None:
        fig = Figure(figsize=(7.5, 3.8))
        ax = fig.subplots()
    else:
        fig = ax.figure
    step_labels = step_labels or {}
    steps = list(values.columns)
    groups = list(values.index)
    width = 0.8 / max(len(groups), 1)
    cmap = matplotlib.colormaps["Blues"]
    # Every bar may be hidden (a nämnd report whose funnel cells are all protected).
    drawable = pd.Series(values.to_numpy().ravel(), dtype=float).dropna()
    top = float(drawable.max()) if len(drawable) and drawable.max() > 0 else 1.0
    for i, group in enumerate(groups):
        colour = cmap(0.35 + 0.6 * (i + 1) / (len(groups) + 1))
        for j, step in enumerate(steps):
            x = j + (i - (len(groups) - 1) / 2) * width
            height = values.at[group, step]
            drawn = 0.0 if pd.isna(height) else float(height)
            ax.bar(x, drawn, width=width, color=colour, label=group if j == 0 else None)
            ax.text(
                x,
                drawn + top * 0.02,
                str(texts.at[group, step]),
                ha="center",
                va="bottom",
                fontsize="x-small",
            )
    ax.set_xticks(range(len(steps)))
    ax.set_xticklabels([step_labels.get(s, s) for s in steps], fontsize="small")
    ax.set_ylabel(axis_label)
    ax.set_ylim(0, top * 1.15)
    ax.legend(
        frameon=False,
        fontsize="x-small",
        ncols=min(len(groups), 6),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
    )
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def repr_html(funnel: FunnelSummary) -> str:
    """The funnel in the default (internal Swedish) view, for JupyterLab."""
    return render_recruitment(funnel, RenderContext())._repr_html_()
