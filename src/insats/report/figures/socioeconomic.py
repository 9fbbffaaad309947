"""Charts of the socio-economic account. Each takes data and labels (+ optional ``ax``)
and returns the Figure; the texts come from the caller (the label catalogue).
"""

from __future__ import annotations

from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["text.parse_math"] = False  # labels are plain text, never mathtext
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

PAYS_COLOUR = "#b2182b"
GAINS_COLOUR = "#2166ac"
NET_COLOUR = "#1a1a1a"


def _axes(ax, size=(7.0, 3.6)):
    if ax is None:
        fig, ax = plt.subplots(figsize=size, layout="constrained")  # see figures._axes
        return fig, ax
    return ax.figure, ax


def _money_axis(axis, money_format: Callable[[float], str] | None) -> None:
    axis.set_major_locator(MaxNLocator(nbins=5))
    if money_format is not None:
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: money_format(v)))


def plot_who_pays_who_gains(
    frame: pd.DataFrame,
    *,
    pays_label: str,
    gains_label: str,
    net_label: str,
    xlabel: str,
    money_format: Callable[[float], str] | None = None,
    ax=None,
):
    """Per actor: what it pays (investment, drawn negative), what it gains (present value
    of the effect) and its net result — the wrong-pocket picture.

    Args:
        frame: index = actor labels, columns ``investment_sek``, ``effect_pv_sek``,
            ``npv_sek``.
    """
    fig, ax = _axes(ax, (7.0, 0.6 + 0.55 * len(frame)))
    y = np.arange(len(frame))[::-1]
    ax.barh(y + 0.18, -frame["investment_sek"], height=0.34, color=PAYS_COLOUR, label=pays_label)
    ax.barh(y - 0.18, frame["effect_pv_sek"], height=0.34, color=GAINS_COLOUR, label=gains_label)
    ax.scatter(frame["npv_sek"], y, marker="D", color=NET_COLOUR, zorder=3, label=net_label)
    ax.axvline(0, color="#666666", linewidth=0.8)
    ax.set_yticks(y, list(frame.index))
    ax.set_xlabel(xlabel)
    _money_axis(ax.xaxis, money_format)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.18 - 0.4 / len(frame)),
        ncol=3,
        fontsize="small",
        frameon=False,
    )
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_cumulative_cash_flow(
    frame: pd.DataFrame,
    *,
    xlabel: str,
    ylabel: str,
    highlight: str | None = None,
    money_format: Callable[[float], str] | None = None,
    ax=None,
):
    """Cumulative net result over time, one line per actor.

    Args:
        frame: index = years since the start (0 = the investment), columns = actor labels,
            values = cumulative net result in kronor.
        highlight: the column drawn thick (society).
    """
    fig, ax = _axes(ax)
    for column in frame.columns:
        is_main = column == highlight
        ax.plot(
            frame.index,
            frame[column],
            marker="o",
            markersize=3,
            linewidth=2.6 if is_main else 1.3,
            color=NET_COLOUR if is_main else None,
            label=column,
        )
    ax.axhline(0, color="#666666", linewidth=0.8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_xticks(list(frame.index))
    _money_axis(ax.yaxis, money_format)
    ax.legend(fontsize="small", frameon=False, loc="center left", bbox_to_anchor=(1.0, 0.5))
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def plot_tornado(
    frame: pd.DataFrame,
    *,
    base_sek: float,
    low_label: str,
    high_label: str,
    xlabel: str,
    money_format: Callable[[float], str] | None = None,
    ax=None,
):
    """One-way sensitivity: society's NPV at each assumption's low and high value.

    Args:
        frame: index = assumption labels (largest swing first), columns
            ``npv_low_sek``, ``npv_high_sek``.
        base_sek: society's NPV at the point estimates (the bars' common origin).
    """
    fig, ax = _axes(ax, (7.0, 0.6 + 0.42 * len(frame)))
    y = np.arange(len(frame))[::-1]
    ax.barh(
        y,
        frame["npv_low_sek"] - base_sek,
        left=base_sek,
        height=0.6,
        color=PAYS_COLOUR,
        label=low_label,
    )
    ax.barh(
        y,
        frame["npv_high_sek"] - base_sek,
        left=base_sek,
        height=0.6,
        color=GAINS_COLOUR,
        alpha=0.8,
        label=high_label,
    )
    ax.axvline(base_sek, color=NET_COLOUR, linewidth=1.0)
    ax.axvline(0, color="#666666", linewidth=0.8, linestyle="--")
    ax.set_yticks(y, list(frame.index))
    ax.set_xlabel(xlabel)
    _money_axis(ax.xaxis, money_format)
    ax.legend(
        fontsize="small",
        frameon=False,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12 - 0.5 / len(frame)),
        ncol=2,
    )
    ax.spines[["top", "right"]].set_visible(False)
    return fig
