"""Phases of a project on a timeline, with the report period marked (seed 003's
"Tidslinje för projektet").

Phases come from the ``phases`` parameter (name, first and last day, description) or,
failing that, from the activities' fas column: a phase then runs from its first to its
last activity. The project's own dates (``project_start_date``/``project_end_date``)
frame the figure; without them the phases do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.figure import Figure

from insats.periods import Period
from insats.report.context import Html, RenderContext, escape

__all__ = ["Timeline", "build_timeline", "plot_timeline"]

PHASE_COLOUR = "#2b6a99"
PERIOD_COLOUR = "#f2c14e"
ACTIVITY_COLOUR = "#1a1a1a"


@dataclass
class Timeline:
    """Phases (name, start_date, end_date, description, source) and the frame around them."""

    phases: pd.DataFrame
    period: Period
    start: date
    end: date
    activities: pd.DataFrame | None = None

    def status(self, row) -> str:
        """``done``, ``current`` or ``coming`` relative to the report period's last day."""
        if row.end_date < self.period.start:
            return "done"
        if row.start_date > self.period.end:
            return "coming"
        return "current"

    def figure_data(self, ctx: RenderContext | None = None) -> list[dict[str, Any]]:
        return [
            {
                "phase": r.name,
                "start": r.start_date.isoformat(),
                "end": r.end_date.isoformat(),
                "status": self.status(r),
            }
            for r in self.phases.itertuples(index=False)
        ]

    def render(self, ctx: RenderContext) -> Html:
        t = ctx.t
        fig = plot_timeline(self, language=ctx.language, period_label=t(
            "programme.timeline.period_marker", label=self.period.label
        ))  # fmt: skip
        alt = t(
            "programme.timeline.alt",
            n=len(self.phases),
            start=ctx.date(self.start),
            end=ctx.date(self.end),
            label=self.period.label,
        )
        figure = ctx.figure(fig, alt, t("programme.timeline.caption", label=self.period.label))
        rows = []
        for r in self.phases.itertuples(index=False):
            rows.append(
                "<tr>"
                f"<td>{escape(r.name)}</td>"
                f"<td>{escape(ctx.date(r.start_date, 'short'))}</td>"
                f"<td>{escape(ctx.date(r.end_date, 'short'))}</td>"
                f"<td>{escape(t('programme.timeline.status.' + self.status(r)))}</td>"
                f"<td>{escape(r.description or '')}</td>"
                "</tr>"
            )
        head = "".join(
            f'<th scope="col">{escape(t("programme.timeline.column." + c))}</th>'
            for c in ("phase", "start", "end", "status", "description")
        )
        table = (
            '<div class="table-wrap"><table class="table text phases">'
            f"<caption>{escape(t('programme.timeline.table_caption'))}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )
        source = self.phases["source"].iloc[0] if len(self.phases) else "parameters"
        note = ctx.note(t(f"programme.timeline.source.{source}"))
        return Html(str(figure) + table + str(note))


def build_timeline(
    period: Period,
    *,
    phases: list[Any] | None = None,
    activities: pd.DataFrame | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Timeline | None:
    """The phases of a project, from the parameters or from the activities' phases.

    Returns:
        A :class:`Timeline`, or None when there are no phases.
    """
    if phases:
        rows = []
        for p in phases:
            data = p if isinstance(p, dict) else p.model_dump()
            rows.append(
                {
                    "name": str(data["name"]),
                    "start_date": pd.Timestamp(data["start_date"]).date(),
                    "end_date": pd.Timestamp(data["end_date"]).date(),
                    "description": data.get("description"),
                    "source": "parameters",
                }
            )
        frame = pd.DataFrame(rows)
    elif activities is not None and activities["phase"].notna().any():
        dated = activities.loc[activities["phase"].notna() & activities["date"].notna()]
        grouped = dated.groupby("phase", sort=False)["date"]
        frame = pd.DataFrame(
            {
                "name": list(grouped.groups),
                "start_date": [d.date() for d in grouped.min()],
                "end_date": [d.date() for d in grouped.max()],
                "description": None,
                "source": "activities",
            }
        )
    else:
        return None
    frame = frame.sort_values(["start_date", "end_date"], kind="stable").reset_index(drop=True)
    first = start or frame["start_date"].min()
    last = end or frame["end_date"].max()
    return Timeline(phases=frame, period=period, start=first, end=last, activities=activities)


def plot_timeline(
    timeline: Timeline, ax=None, *, language: str = "sv", period_label: str = ""
) -> Figure:
    """Phases as bars on a time axis, activities as dots, the report period shaded."""
    phases = timeline.phases
    n = len(phases)
    if ax is None:
        fig = Figure(figsize=(8.0, 0.55 * n + 1.4))
        ax = fig.subplots()
    else:
        fig = ax.figure
    y = list(range(n))[::-1]
    for yi, row in zip(y, phases.itertuples(index=False), strict=True):
        start = mdates.date2num(row.start_date)
        width = mdates.date2num(row.end_date) - start + 1
        ax.broken_barh([(start, width)], (yi - 0.3, 0.6), facecolors=PHASE_COLOUR, alpha=0.85)
    acts = timeline.activities
    if acts is not None and len(acts):
        # An activity sits on the phase its date falls in (the names in the activities
        # table need not match the planned phases' names).
        xs, ys = [], []
        for day in acts["date"].dropna():
            d = day.date()
            for yi, row in zip(y, phases.itertuples(index=False), strict=True):
                if row.start_date <= d <= row.end_date:
                    xs.append(mdates.date2num(d))
                    ys.append(yi)
                    break
        ax.scatter(xs, ys, s=14, color=ACTIVITY_COLOUR, zorder=3)
    p_start = mdates.date2num(timeline.period.start)
    p_end = mdates.date2num(timeline.period.end) + 1
    ax.axvspan(p_start, p_end, color=PERIOD_COLOUR, alpha=0.35, zorder=0, label=period_label)
    ax.axvline(p_end, color="#c0392b", linewidth=1.2)
    ax.set_yticks(y)
    ax.set_yticklabels(phases["name"].tolist())
    left = mdates.date2num(min(timeline.start, timeline.period.start))
    right = mdates.date2num(max(timeline.end, timeline.period.end)) + 1
    ax.set_xlim(left - 10, right + 10)
    ax.set_ylim(-0.8, n - 0.2)
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    months = {
        "sv": "jan feb mar apr maj jun jul aug sep okt nov dec".split(),
        "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(),
    }[language]
    ax.xaxis.set_major_formatter(
        mdates.ticker.FuncFormatter(
            lambda v, _pos: f"{months[mdates.num2date(v).month - 1]} {mdates.num2date(v).year}"
        )
    )
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if period_label:
        ax.legend(loc="upper right", frameon=False, fontsize=8)
    fig.tight_layout()
    return fig
