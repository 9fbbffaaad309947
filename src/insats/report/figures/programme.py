"""Programme figures: the project's phases on a timeline, the grant used against time elapsed."""

from __future__ import annotations

import matplotlib.dates as mdates
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from insats.programme.timeline import Timeline
from insats.report import fmt

__all__ = ["plot_grant_use", "plot_timeline"]

PHASE_COLOUR = "#2b6a99"
PERIOD_COLOUR = "#f2c14e"
ACTIVITY_COLOUR = "#1a1a1a"


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


def plot_grant_use(
    share_used: float,
    share_of_time: float,
    *,
    labels: tuple[str, str],
    language: str = "sv",
    ax=None,
) -> Figure:
    """Two bars: the share of the grant used and the share of the project time elapsed."""
    if ax is None:
        fig = Figure(figsize=(6.0, 1.6))
        ax = fig.subplots()
    else:
        fig = ax.figure
    values = [share_used, share_of_time]
    ax.barh([1, 0], values, color=["#2b6a99", "#9aa5b1"], height=0.6)
    for y, v in zip([1, 0], values, strict=True):
        ax.text(v + 0.01, y, fmt.format_share(v, language), va="center", fontsize=9)
    ax.set_yticks([1, 0])
    ax.set_yticklabels(list(labels))
    ax.set_xlim(0, 1.1)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fmt.format_share(v, language)))
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig
