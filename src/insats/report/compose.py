"""Pure pieces of the report's composition, each with its own known-answer test.

:class:`insats.report.build.ReportModel` calls these instead of computing inline, so the
numbers the summary and ``figures.json`` print are tested functions:

- :func:`investment_to_date`: the socio-economic account's investment, from the
  ``investment_sek`` parameter or from the finance table's invoiced costs to date (the
  same rows as the budget section, :func:`insats.budget.invoiced_to_date`).
- :func:`assess_goals`: every goal the parameters set, in a fixed order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from insats.budget import InvoicedToDate, invoiced_to_date
from insats.periods import Period

__all__ = ["GOAL_KINDS", "Investment", "assess_goals", "investment_to_date"]

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
