"""Pure pieces of the report's composition, each with its own known-answer test.

:class:`insats.report.build.ReportModel` calls these instead of computing inline, so the
numbers the summary and ``figures.json`` print are tested functions:

- :func:`investment_to_date`: the socio-economic account's investment, from the
  ``investment_sek`` parameter or from the finance table's invoiced costs to date (the
  same rows as the budget section, :func:`insats.programme.budget.invoiced_to_date`).
- :func:`assess_goals`: every goal the parameters set, in a fixed order.
- :func:`known_at`: the participants as they were known at the period's end (no
  follow-up status from after it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from insats.periods import Period
from insats.programme.budget import InvoicedToDate, invoiced_to_date

__all__ = ["GOAL_KINDS", "Investment", "assess_goals", "investment_to_date", "known_at"]

FOLLOW_UP_COLUMNS = {6: ("outcome_6m", "support_6m"), 12: ("outcome_12m", "support_12m")}

# (parameter key, what it measures); the first set goal is figures.json's `goal`.
GOAL_KINDS = (
    ("goal_self_sufficiency_share", "self_sufficient"),
    ("goal_work_or_studies_share", "work_or_studies"),
)


@dataclass(frozen=True)
class Investment:
    """The cost of the insats that the socio-economic account repays.

    Attributes:
        total_sek: Kronor.
        source: ``parameter`` (``investment_sek`` set) or ``finance`` (invoiced to date).
        invoiced: The finance rows used when the source is ``finance``.
    """

    total_sek: float
    source: str
    invoiced: InvoicedToDate | None = None

    def figure_data(self) -> dict[str, Any]:
        rows = self.invoiced.figure_data()["rows"] if self.invoiced is not None else []
        return {"total_sek": self.total_sek, "source": self.source, "rows": rows}


def investment_to_date(
    investment_sek: float | None, finance: pd.DataFrame | None, period: Period
) -> Investment | None:
    """The investment: the parameter if set, else the invoiced costs to the period's end.

    Args:
        investment_sek: The ``investment_sek`` parameter (kronor) or None.
        finance: Canonical finance rows of the project, or None.
        period: The report period.

    Returns:
        An :class:`Investment`, or None when neither source gives one.

    >>> from insats.periods import parse_period
    >>> investment_to_date(250_000, None, parse_period("2021-T2")).total_sek
    250000.0
    """
    if investment_sek is not None:
        return Investment(total_sek=float(investment_sek), source="parameter")
    if finance is None or finance.empty:
        return None
    invoiced = invoiced_to_date(finance, period)
    return Investment(total_sek=invoiced.total_sek, source="finance", invoiced=invoiced)


def assess_goals(params: Any, self_sufficient: Any, work_or_studies: Any) -> list:
    """Assess every goal the parameters set: self-sufficiency first, then work or studies.

    Args:
        params: Report parameters (``goal_self_sufficiency_share``,
            ``goal_work_or_studies_share``; None = no goal).
        self_sufficient, work_or_studies: Estimates with ``.count`` and ``.n`` (those who
            left up to the period's end).

    Returns:
        A list of :class:`insats.outcomes.goals.GoalAssessment` (empty without goals).
    """
    from insats.outcomes import assess_goal

    observed = {"self_sufficient": self_sufficient, "work_or_studies": work_or_studies}
    goals = []
    for key, kind in GOAL_KINDS:
        target = getattr(params, key, None)
        if target is None:
            continue
        c = observed[kind]
        goals.append(assess_goal(int(c.count), int(c.n), float(target), kind=kind))
    return goals


def known_at(df: pd.DataFrame, end: Any) -> pd.DataFrame:
    """The participants as known at ``end``: no follow-up status from after it.

    A status "after 6 months" of someone who left on ``end_date`` is known only from
    ``end_date + 6 months``; if that lies after the report period's end, the report for
    that period must not use it (seed 002's rule: a 12-month follow-up of a March exit is
    not known at the end of August). The same for 12 months, and for people without an
    exit date. The input is not changed.

    Args:
        df: Canonical participants (``end_date`` and any of ``outcome_6m``,
            ``support_6m``, ``outcome_12m``, ``support_12m``).
        end: The period's last day (a date or Timestamp).

    Returns:
        A copy with those statuses set to missing.

    >>> frame = pd.DataFrame({"end_date": pd.to_datetime(["2021-01-29", "2021-03-31"]),
    ...                       "outcome_6m": ["employment", "studies"]})
    >>> known_at(frame, pd.Timestamp("2021-08-31"))["outcome_6m"].tolist()
    ['employment', nan]
    """
    out = df.copy()
    cutoff = pd.Timestamp(end)
    exit_date = pd.to_datetime(out["end_date"]) if "end_date" in out else None
    for months, columns in FOLLOW_UP_COLUMNS.items():
        if exit_date is None:
            unknown = pd.Series(True, index=out.index)
        else:
            due = exit_date + pd.DateOffset(months=months)
            unknown = ~(due <= cutoff).fillna(False).astype(bool)
        for column in columns:
            if column in out and unknown.any():
                out[column] = out[column].astype(object).where(~unknown, np.nan)
    return out
