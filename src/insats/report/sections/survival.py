"""Tid till arbete eller studier (Kaplan–Meier, cumulative incidence): the report section built from :mod:`insats.outcomes.survival` results."""

from __future__ import annotations

import numpy as np
import pandas as pd

from insats.disclosure import SUPPRESSED
from insats.outcomes._common import SMALL_GROUP_N
from insats.outcomes.survival import (
    DAYS_PER_MONTH,
    SurvivalResult,
    _months,
)
from insats.report.context import Html, RenderContext, join
from insats.report.figures import plot_survival


def render_survival_result(result, ctx):
    """Render a :class:`~insats.outcomes.survival.SurvivalResult` as report HTML."""
    if result.n == 0:
        return ctx.paragraph(ctx.t("outcomes.survival.none"))
    if result.events == 0:
        return ctx.paragraph(ctx.t("outcomes.survival.no_events", n=ctx.count(result.n)))
    hidden = result._curve_hidden(ctx)
    competing = result.method == "aalen_johansen"
    at_risk, n_key = result.at_risk_cells(ctx)
    parts = result.outcome_cells(ctx)
    if ctx.hidden(n_key, result.n):
        text = ctx.t("outcomes.survival.sentence_hidden", as_of=ctx.date(result.as_of))
    elif result.parts_hidden(ctx):
        # n = events + competing + censored: a hidden part hides another; say n only,
        # and the events when the plan shows them (issue 15).
        events_shown = not ctx.hidden(parts["events"], result.events)
        text = ctx.t(
            "outcomes.survival.sentence_events_only"
            if events_shown
            else "outcomes.survival.sentence_n_only",
            n=ctx.cell(n_key, result.n),
            events=ctx.cell(parts["events"], result.events),
            as_of=ctx.date(result.as_of),
        )
    else:
        text = ctx.t(
            "outcomes.survival.sentence_competing" if competing else "outcomes.survival.sentence",
            n=ctx.cell(n_key, result.n),
            events=ctx.cell(parts["events"], result.events),
            competing=ctx.count(result.competing),
            censored=ctx.cell(parts["censored"], result.censored),
            as_of=ctx.date(result.as_of),
        )
    if hidden:
        text += " " + ctx.t("outcomes.survival.suppressed", mark=SUPPRESSED)
    elif competing and result.final_share is not None:
        text += " " + ctx.t("outcomes.survival.final_share", share=ctx.pct(result.final_share))
    if hidden:
        pass
    elif result.median_days is None:
        text += " " + ctx.t(
            "outcomes.survival.median_not_reached_competing"
            if competing
            else "outcomes.survival.median_not_reached"
        )
    elif result.median_interval_days is None:
        text += " " + ctx.t(
            "outcomes.survival.median_no_interval",
            median=ctx.number(_months(result.median_days), 1),
        )
    else:
        interval = (
            f"{ctx.number(_months(result.median_low_days), 1)}–"
            f"{ctx.number(_months(result.median_high_days), 1)}"
            if result.median_low_days is not None and result.median_high_days is not None
            else ctx.t(
                "outcomes.survival.open_interval",
                low=ctx.number(_months(result.median_low_days), 1),
            )
            if result.median_low_days is not None
            else "–"
        )
        text += " " + ctx.t(
            "outcomes.survival.median",
            median=ctx.number(_months(result.median_days), 1),
            interval=interval,
        )
    parts = [ctx.paragraph(text)]
    if result.n < SMALL_GROUP_N:
        parts.append(ctx.small_group(ctx.cell(n_key, result.n)))
    rows = []
    for r in result.table.itertuples():
        # the number at risk and the events the share stands for are counts of the
        # row: a share is withheld where the plan hides either (issue 15)
        row_hidden = result.row_hidden(ctx, r)
        beyond = pd.isna(r.cumulative_share)
        # before the first event the Kaplan–Meier interval is the point 0–0 %, which
        # reads as certainty; show no interval instead
        no_events_yet = r.events_by == 0
        rows.append(
            {
                ctx.t("outcomes.survival.col_at_risk"): ctx.cell(
                    result.at_risk_key(at_risk, r.days), int(r.at_risk)
                ),
                ctx.t("outcomes.survival.col_cumulative"): "–"
                if beyond
                else SUPPRESSED
                if row_hidden
                else ctx.pct(r.cumulative_share),
                ctx.t("outcomes.table.interval"): "–"
                if beyond or no_events_yet
                else SUPPRESSED
                if row_hidden
                else ctx.share_range(r.cumulative_low, r.cumulative_high, result.n),
            }
        )
    table = pd.DataFrame(
        rows, index=[ctx.t("outcomes.survival.month", m=f"{m:g}") for m in result.table["months"]]
    )
    table.index.name = ctx.t("outcomes.survival.col_time")
    parts.append(
        ctx.table(
            table,
            ctx.t(
                "outcomes.survival.caption_competing" if competing else "outcomes.survival.caption"
            ),
        )
    )
    if not hidden:
        curve = pd.DataFrame(
            {
                "time": result.curve["months"],
                "estimate": 1 - result.curve["survival"],
                "ci_low": 1 - result.curve["ci_high"],
                "ci_high": 1 - result.curve["ci_low"],
            }
        )
        if ctx.disclosure.active:
            # Drawn from the published table only (issue 15): each step of the full
            # curve times the number at risk gives back its events (6.7 % of 30 is
            # 2), so a shared report draws the table's shown points, no hidden one
            # (nor one whose number at risk the plan hides: the attack of "70 %" at
            # 4 months, whose hidden 3 at risk it gave back).
            shown = [r for r in result.table.itertuples() if not result.row_hidden(ctx, r)]
            curve = pd.DataFrame(
                {
                    "time": [0.0, *[float(r.months) for r in shown]],
                    "estimate": [0.0, *[float(r.cumulative_share) for r in shown]],
                    "ci_low": [0.0, *[float(r.cumulative_low) for r in shown]],
                    "ci_high": [0.0, *[float(r.cumulative_high) for r in shown]],
                }
            )
        end_months = float(result.durations["days"].max()) / DAYS_PER_MONTH
        ticks = [t for t in range(0, int(np.floor(end_months)) + 1, _tick_step(end_months))]
        at_risk = pd.DataFrame(
            {
                "time": ticks,
                "label": [
                    ctx.cell(
                        result.at_risk_key(at_risk, t * DAYS_PER_MONTH),
                        int((result.durations["days"] >= t * DAYS_PER_MONTH).sum()),
                    )
                    for t in ticks
                ],
            }
        )
        fig = plot_survival(
            curve,
            at_risk,
            end_time=end_months,
            language=ctx.language,
            xlabel=ctx.t("outcomes.survival.xlabel"),
            ylabel=ctx.t("outcomes.survival.ylabel"),
            at_risk_label=ctx.t("outcomes.survival.col_at_risk"),
        )
        parts.append(
            ctx.figure(
                fig,
                alt=ctx.t("outcomes.survival.alt"),
                caption=ctx.t(
                    "outcomes.survival.figure_caption_competing"
                    if competing
                    else "outcomes.survival.figure_caption"
                ),
            )
        )
    return join(parts)


def _tick_step(end_months: float) -> int:
    return 1 if end_months <= 8 else 2 if end_months <= 16 else 3 if end_months <= 24 else 6


RENDERERS = {
    SurvivalResult: render_survival_result,
}


def render(result, ctx: RenderContext) -> Html:
    """Render any result of this section with its renderer."""
    return RENDERERS[type(result)](result, ctx)


def repr_html(result) -> str:
    """HTML for JupyterLab: the result rendered with the internal Swedish context."""
    return render(result, RenderContext())._repr_html_()
