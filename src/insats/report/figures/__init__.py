"""Outcome figures: shares with interval bars, Kaplan–Meier with number at risk, trends.

Plot functions compute nothing: they take display-ready frames (labels already in the
reader's language, a ``suppressed`` flag per row decided by the render context), draw on
an optional ``ax`` and return the Figure (a pyplot-free ``matplotlib.figure.Figure``, so
no backend is switched). A suppressed row is drawn without its value and
labelled ``..``.
"""

from __future__ import annotations

import matplotlib.transforms as mtransforms
import numpy as np
import pandas as pd
from matplotlib import rcParams
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from insats.disclosure import SUPPRESSED
from insats.report import fmt

# Labels are data (group and municipality names), drawn as plain text: "$\\foo{$" is a
# name, not mathtext to parse (which would fail and stop the report).
rcParams["text.parse_math"] = False

BAR_COLOUR = "#2b6a99"
INTERVAL_COLOUR = "#1a1a1a"
TARGET_COLOUR = "#c0392b"


def _axes(ax, size):
    # a pyplot-free Figure: no global backend state, nothing left open in a kernel.
    # Constrained layout lays the figure out once, when it is saved (issue 14: cheaper than
    # tight_layout() at construction plus bbox_inches="tight" at save, which draws twice;
    # and nothing is laid out for the disclosure dry run, which does not save figures).
    if ax is None:
        fig = Figure(figsize=size, layout="constrained")
        return fig, fig.subplots()
    return ax.figure, ax


def _share_axis(axis, language: str) -> None:
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.format_share(v, language)))


def _flags(frame: pd.DataFrame, column: str | None) -> np.ndarray:
    if column is None or column not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return frame[column].fillna(False).to_numpy(dtype=bool)


def _valid(value) -> bool:
    return value is not None and not pd.isna(value)


def plot_shares(
    frame: pd.DataFrame,
    ax=None,
    *,
    label: str = "label",
    share: str = "share",
    low: str = "ci_low",
    high: str = "ci_high",
    suppressed: str | None = "suppressed",
    language: str = "sv",
    xlabel: str | None = None,
    target: float | None = None,
    target_label: str | None = None,
):
    """Horizontal bars of shares with their interval as error bars.

    Args:
        frame: One row per bar, top to bottom: ``label`` (text), ``share``, ``ci_low``,
            ``ci_high`` (0–1, NaN when there is no one), optional boolean ``suppressed``.
        ax: Axes to draw on; a new figure when None.
        language: ``sv`` or ``en`` for the percentage format.
        xlabel: Axis label.
        target: A target share drawn as a vertical line.
        target_label: Legend text for the target line.

    Returns:
        The matplotlib Figure.
    """
    fig, ax = _axes(ax, (6.4, 0.45 * max(len(frame), 2) + 1.0))
    hidden = _flags(frame, suppressed)
    y = np.arange(len(frame))
    for i, row in enumerate(frame.itertuples(index=False)):
        value = getattr(row, share)
        lo, hi = getattr(row, low), getattr(row, high)
        if hidden[i] or not _valid(value):
            ax.text(
                0.01,
                y[i],
                SUPPRESSED if hidden[i] else fmt.MISSING,
                va="center",
                ha="left",
                fontsize=9,
            )
            continue
        ax.barh(y[i], value, color=BAR_COLOUR, height=0.6)
        if _valid(lo) and _valid(hi):
            ax.errorbar(
                value,
                y[i],
                # rounding can put a bound a hair past the share (1 − 1e-16)
                xerr=[[max(value - lo, 0.0)], [max(hi - value, 0.0)]],
                fmt="none",
                ecolor=INTERVAL_COLOUR,
                capsize=3,
                linewidth=1,
            )
            text_x = hi
        else:
            text_x = value
        ax.text(
            min(text_x + 0.02, 1.0),
            y[i],
            fmt.format_share(value, language),
            va="center",
            ha="left",
            fontsize=9,
        )
    if target is not None:
        ax.axvline(target, color=TARGET_COLOUR, linestyle="--", linewidth=1.2, label=target_label)
        if target_label:
            ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.set_yticks(y, [str(v) for v in frame[label]])
    ax.invert_yaxis()
    ax.set_xlim(0, 1.12)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    _share_axis(ax.xaxis, language)
    if xlabel:
        ax.set_xlabel(xlabel)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_survival(
    curve: pd.DataFrame,
    at_risk: pd.DataFrame,
    ax=None,
    *,
    end_time: float | None = None,
    language: str = "sv",
    xlabel: str | None = None,
    ylabel: str | None = None,
    at_risk_label: str = "",
):
    """A step curve with its pointwise interval band and a number-at-risk row beneath.

    Args:
        curve: ``time`` (months), ``estimate``, ``ci_low``, ``ci_high``: the value from
            each time on (a right-continuous step function).
        at_risk: ``time`` and ``label`` (display-ready counts, ``..`` when suppressed),
            written under the axis at those times.
        ax: Axes to draw on; a new figure when None.
        end_time: Extend the last step to this time (the longest follow-up).
        language: For the percentage format of the y axis.
        xlabel, ylabel: Axis labels.
        at_risk_label: Title of the number-at-risk row.

    Returns:
        The matplotlib Figure.
    """
    fig, ax = _axes(ax, (6.4, 4.0))
    t = curve["time"].to_numpy(dtype=float)
    est = curve["estimate"].to_numpy(dtype=float)
    lo = curve["ci_low"].to_numpy(dtype=float)
    hi = curve["ci_high"].to_numpy(dtype=float)
    if end_time is not None and len(t) and end_time > t[-1]:
        t, est = np.append(t, end_time), np.append(est, est[-1])
        lo, hi = np.append(lo, lo[-1]), np.append(hi, hi[-1])
    ax.fill_between(t, lo, hi, step="post", color=BAR_COLOUR, alpha=0.2, linewidth=0)
    ax.step(t, est, where="post", color=BAR_COLOUR, linewidth=1.8)
    ax.set_ylim(0, 1)
    ax.set_xlim(0, max(float(t.max()) if len(t) else 1.0, 1.0))
    _share_axis(ax.yaxis, language)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xticks(at_risk["time"].to_numpy(dtype=float))
    # the number-at-risk row: x in data units, y in axes units below the tick labels
    transform = mtransforms.blended_transform_factory(ax.transData, ax.transAxes)
    for time, text in zip(at_risk["time"], at_risk["label"], strict=True):
        ax.text(time, -0.30, str(text), transform=transform, ha="center", va="top", fontsize=9)
    ax.text(
        0,
        -0.22,
        at_risk_label,
        transform=ax.transAxes,
        ha="left",
        va="top",
        fontsize=9,
        style="italic",
    )
    return fig


def plot_trend(
    frame: pd.DataFrame,
    ax=None,
    *,
    label: str = "label",
    share: str = "share",
    low: str = "ci_low",
    high: str = "ci_high",
    series: str | None = "series",
    suppressed: str | None = "suppressed",
    language: str = "sv",
    xlabel: str | None = None,
    ylabel: str | None = None,
):
    """Shares with interval bars per intake group, in the order of the frame.

    Args:
        frame: One row per group, in time order: ``label``, ``share``, ``ci_low``,
            ``ci_high``, optional ``series`` (e.g. the municipality; one colour each) and
            ``suppressed``.
        ax: Axes to draw on; a new figure when None.
        language: For the percentage format.
        xlabel, ylabel: Axis labels.

    Returns:
        The matplotlib Figure.
    """
    fig, ax = _axes(ax, (max(6.4, 0.7 * len(frame) + 2), 4.0))
    hidden = _flags(frame, suppressed)
    x = np.arange(len(frame))
    names = (
        frame[series].astype(str).to_numpy()
        if series and series in frame.columns
        else np.array([""] * len(frame))
    )
    colours = rcParams["axes.prop_cycle"].by_key()["color"]
    order = list(dict.fromkeys(names.tolist()))
    for k, name in enumerate(order):
        idx = [
            i
            for i in range(len(frame))
            if names[i] == name and not hidden[i] and _valid(frame[share].iloc[i])
        ]
        if not idx:
            continue
        values = frame[share].to_numpy(dtype=float)[idx]
        lows = frame[low].to_numpy(dtype=float)[idx]
        highs = frame[high].to_numpy(dtype=float)[idx]
        ax.errorbar(
            x[idx],
            values,
            yerr=[np.clip(values - lows, 0, None), np.clip(highs - values, 0, None)],
            fmt="o-",
            color=colours[k % len(colours)],
            capsize=3,
            linewidth=1,
            label=name if len(order) > 1 else None,
        )
        for xi, v in zip(x[idx], values, strict=True):
            ax.annotate(
                fmt.format_share(v, language),
                (xi, v),
                textcoords="offset points",
                xytext=(6, 0),
                fontsize=8,
                va="center",
            )
    for i in range(len(frame)):
        if hidden[i] or not _valid(frame[share].iloc[i]):
            ax.text(x[i], 0.03, SUPPRESSED if hidden[i] else fmt.MISSING, ha="center", fontsize=9)
    ax.set_xticks(
        x,
        [str(v) for v in frame[label]],
        rotation=30 if len(frame) > 4 else 0,
        ha="right" if len(frame) > 4 else "center",
    )
    ax.set_ylim(0, 1)
    _share_axis(ax.yaxis, language)
    if len(order) > 1 and ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=8, frameon=False)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.spines[["top", "right"]].set_visible(False)
    return fig
