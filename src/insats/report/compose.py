"""Pure pieces of the report's composition, each with its own known-answer test.

:class:`insats.report.build.ReportModel` calls these instead of computing inline, so the
numbers the summary and ``figures.json`` print are tested functions:

- :func:`investment_to_date`: the socio-economic account's investment, from the
  ``investment_sek`` parameter or from the finance table's invoiced costs to date (the
  same rows as the budget section, :func:`insats.programme.budget.invoiced_to_date`).
- :func:`assess_goals`: every goal the parameters set, in a fixed order.
- :func:`known_at`: the participants as they were known at the period's end (no
  follow-up status from after it).
- :func:`as_known_at_period_end`: the cohort a report of a period describes: who had
  started by its end, exits after it still ongoing, follow-ups not yet due unknown.
- :func:`reference_comparison`: the work-or-studies share against the reference rate.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from insats.outcomes import add_age_band, assess_goal, compare_with_reference
from insats.periods import Period
from insats.programme.budget import InvoicedToDate, invoiced_to_date

__all__ = [
    "EXIT_COLUMNS",
    "GOAL_KINDS",
    "Investment",
    "as_known_at_period_end",
    "assess_goals",
    "investment_to_date",
    "known_at",
    "reference_comparison",
]

#: What is known only once a participation ends: blank for an exit after the period.
EXIT_COLUMNS = (
    "end_date",
    "exit_reason",
    "outcome_at_exit",
    "support_at_exit",
    "outcome_6m",
    "outcome_12m",
    "support_6m",
    "support_12m",
    "self_assessment_end",
)

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
    observed = {"self_sufficient": self_sufficient, "work_or_studies": work_or_studies}
    goals = []
    for key, kind in GOAL_KINDS:
        target = getattr(params, key, None)
        if target is None:
            continue
        c = observed[kind]
        goal = assess_goal(int(c.count), int(c.n), float(target), kind=kind)
        # The composite's cells: the goal's share is hidden wherever the plan hides them.
        keys = c.base_keys() if hasattr(c, "base_keys") else None
        goals.append(dataclasses.replace(goal, keys=keys))
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


def as_known_at_period_end(participants: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The cohort as a report of ``period`` must describe it, known at its last day.

    - Participations that start after the period's end are left out.
    - An exit dated after the period's end had not happened yet: the participation is
      ongoing as of the period (its exit columns, :data:`EXIT_COLUMNS`, are blank).
    - A 6- or 12-month follow-up due after the period's end is unknown (:func:`known_at`).
    - ``age_band`` is the age at the period's end.

    The input is not changed.

    >>> from insats.periods import parse_period
    >>> frame = pd.DataFrame({
    ...     "start_date": pd.to_datetime(["2021-01-04", "2021-02-01", "2021-09-06"]),
    ...     "end_date": pd.to_datetime(["2021-03-31", "2021-10-29", pd.NaT]),
    ...     "outcome_at_exit": ["employment", "studies", None],
    ...     "birth_year": [1990, 1985, 2000]})
    >>> known = as_known_at_period_end(frame, parse_period("2021-T2"))
    >>> known["outcome_at_exit"].tolist()  # the October exit is not known in August
    ['employment', nan]
    """
    end = pd.Timestamp(period.end)
    data = participants.loc[participants["start_date"] <= end].copy()
    later = data["end_date"] > end
    if later.any():
        for column in EXIT_COLUMNS:
            if column in data:
                data.loc[later, column] = pd.NaT if column == "end_date" else pd.NA
    data = known_at(data, period.end)
    return add_age_band(data, period.end)


def reference_comparison(params: Any, work_or_studies: Any) -> Any:
    """The work-or-studies share to date against the reference rate, when one is given.

    Args:
        params: The report's parameters (``reference_work_or_studies_share``,
            ``reference_n``, ``reference_source``).
        work_or_studies: The composite estimate to date (its ``overall`` count and n).

    Returns:
        :func:`insats.outcomes.compare_with_reference`'s result, or ``None``.
    """
    if params.reference_work_or_studies_share is None:
        return None
    c = work_or_studies.overall
    result = compare_with_reference(
        c.count,
        c.n,
        params.reference_work_or_studies_share,
        params.reference_n,
        source=params.reference_source,
    )
    keys = work_or_studies.base_keys() if hasattr(work_or_studies, "base_keys") else None
    return dataclasses.replace(result, keys=keys)
