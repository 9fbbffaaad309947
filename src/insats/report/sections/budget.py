"""The budget section: granted, invoiced and forecast per funder and the 10 % rule, in words,
a table and a figure (the numbers are :class:`insats.programme.budget.BudgetSummary`).
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from insats.cohort.categories import natural_key
from insats.programme.budget import AMOUNTS, BudgetSummary
from insats.report.context import Html, RenderContext, join

__all__ = ["plot_budget", "render_budget", "repr_html"]


def _signed_pct(ctx: RenderContext, value: float | None) -> str:
    if value is None or pd.isna(value):
        return ctx.pct(None)
    text = ctx.pct(abs(value), 1)
    if value > 0:
        return "+" + text
    return ("\u2212" + text) if value < 0 else text


def _summary_table(budget: BudgetSummary, ctx: RenderContext) -> Html:
    total_label = ctx.t("budget.total")
    columns = {str(r.funder): r for r in budget.by_funder.itertuples(index=False)}
    data: dict[str, list[str]] = {}
    for funder, r in columns.items():
        data[funder] = [
            ctx.sek(r.granted_sek),
            ctx.sek(r.invoiced_sek),
            ctx.sek(r.forecast_sek),
            _signed_pct(ctx, r.deviation_share),
        ]
    if len(columns) > 1:
        t = budget.totals
        data[total_label] = [
            ctx.sek(t["granted_sek"]),
            ctx.sek(t["invoiced_sek"]),
            ctx.sek(t["forecast_sek"]),
            _signed_pct(ctx, budget.deviation_share),
        ]
    index = [ctx.t(f"budget.measure.{m}") for m in (*AMOUNTS, "deviation_share")]
    frame = pd.DataFrame(data, index=index)
    caption = ctx.t("budget.caption_summary", year=budget.year, period=_latest_label(budget))
    return ctx.table(frame, caption)


def _rows_table(budget: BudgetSummary, ctx: RenderContext) -> Html:
    rows = budget.rows.sort_values(["period_end", "period_start", "funder"])
    frame = pd.DataFrame(
        {
            ctx.t("budget.column.period"): rows["period"].astype(str).to_numpy(),
            ctx.t("budget.column.funder"): rows["funder"].astype(str).to_numpy(),
            **{ctx.t(f"budget.measure.{c}"): [ctx.sek(v) for v in rows[c]] for c in AMOUNTS},
        }
    )
    caption = ctx.t("budget.caption_rows", year=budget.year)
    return ctx.table(frame, caption, index=False)


def _latest_label(budget: BudgetSummary) -> str:
    labels = sorted(set(budget.by_funder["period"].astype(str)), key=natural_key)
    return ", ".join(labels)


def render_budget(budget: BudgetSummary, ctx: RenderContext) -> Html:
    """The year's budget: sentences, the 10 % rule and its reason, the table and the figure."""
    if budget.by_funder.empty:
        return ctx.paragraph(
            ctx.t("budget.none", year=budget.year, end=ctx.date(budget.period.end))
        )
    t = budget.totals
    parts: list[str] = [
        ctx.paragraph(
            ctx.t(
                "budget.granted_sentence",
                year=budget.year,
                granted=ctx.sek(t["granted_sek"]),
                period=_latest_label(budget),
                invoiced=ctx.sek(t["invoiced_sek"]),
                invoiced_share=ctx.pct(budget.invoiced_share, 1),
            )
        )
    ]
    deviation = budget.deviation_share
    if t["forecast_sek"] is None or deviation is None:
        parts.append(ctx.paragraph(ctx.t("budget.forecast_missing")))
    else:
        key = "over" if deviation > 0 else "under" if deviation < 0 else "equal"
        parts.append(
            ctx.paragraph(
                ctx.t(
                    f"budget.forecast_{key}",
                    forecast=ctx.sek(t["forecast_sek"]),
                    deviation=ctx.pct(abs(deviation), 1),
                )
            )
        )
    if budget.needs_explanation:
        flagged = budget.by_funder[budget.by_funder["needs_explanation"]]
        if len(budget.by_funder) > 1 and not flagged.empty:
            funders = ", ".join(
                f"{r.funder} ({_signed_pct(ctx, r.deviation_share)})"
                for r in flagged.itertuples(index=False)
            )
            parts.append(ctx.paragraph(ctx.t("budget.deviation_funders", funders=funders)))
        if budget.reason and budget.reason.strip():
            # ctx.paragraph escapes: the reason is free text from the parameters.
            parts.append(ctx.paragraph(ctx.t("budget.reason", reason=budget.reason.strip())))
        else:
            parts.append(ctx.paragraph(ctx.t("budget.reason_missing"), "warning"))
    elif budget.reason and budget.reason.strip():
        parts.append(ctx.paragraph(ctx.t("budget.reason", reason=budget.reason.strip())))
    parts.append(_summary_table(budget, ctx))
    parts.append(
        ctx.figure(
            plot_budget(
                budget.by_funder.set_index("funder")[list(AMOUNTS)],
                labels={c: ctx.t(f"budget.measure.{c}") for c in AMOUNTS},
                axis_label=ctx.t("budget.axis_sek"),
                amount_format=ctx.number,
            ),
            alt=ctx.t("budget.figure_alt", year=budget.year),
            caption=ctx.t("budget.figure_caption"),
        )
    )
    if len(budget.rows) > len(budget.by_funder):
        parts.append(_rows_table(budget, ctx))
        parts.append(ctx.note(ctx.t("budget.rows_note")))
    return join(parts)


def plot_budget(
    amounts: pd.DataFrame,
    *,
    labels: dict[str, str] | None = None,
    axis_label: str = "",
    amount_format=None,
    ax=None,
):
    """Grouped bars of granted, invoiced and forecast per funder.

    Args:
        amounts: Funders (index) x amount columns (kronor); missing amounts are not drawn.
        labels: Legend text per column.
        axis_label: Label of the amount axis.
        amount_format: Callable formatting an amount for tick labels (e.g. ``ctx.number``).
        ax: Matplotlib axes to draw on; a new figure when None.

    Returns:
        The matplotlib Figure.
    """
    if ax is None:
        # A Figure outside pyplot: no backend state, nothing shown twice in notebooks.
        fig = Figure(figsize=(7, 3.6))
        ax = fig.subplots()
    else:
        fig = ax.figure
    labels = labels or {}
    columns = list(amounts.columns)
    width = 0.8 / max(len(columns), 1)
    colours = ("#1f4e79", "#6fa8dc", "#e69138")
    for i, column in enumerate(columns):
        values = amounts[column].astype(float)
        positions = [x + (i - (len(columns) - 1) / 2) * width for x in range(len(amounts))]
        ax.bar(
            positions,
            values.fillna(0).to_numpy(),
            width=width,
            label=labels.get(column, column),
            color=colours[i % len(colours)],
        )
    ax.set_xticks(range(len(amounts)))
    ax.set_xticklabels([str(i) for i in amounts.index])
    ax.set_ylabel(axis_label)
    if amount_format is not None:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: amount_format(v)))
    ax.legend(frameon=False, fontsize="small")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def repr_html(budget: BudgetSummary) -> str:
    """The budget in the default (internal Swedish) view, for JupyterLab."""
    return render_budget(budget, RenderContext())._repr_html_()
