"""Activities and attendance: what an insats did, per kind and phase, in the period and
since the start.

Which activities count: those dated on or before the report period's last day ("since
the start"), and of them those dated within the period ("in the period"). Attendance is
the sum of the attendee counts given (an activity without a count adds nothing and is
said so). The number of attendees of one activity is not personal data and is shown as
given; a breakdown of an activity's attendees by gender is, when the activity is small:
it goes through the report's disclosure control like every other count table (a gender
cell of 1 to ``min_cell_count − 1`` is hidden, and so is what would let it be
recomputed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from insats.periods import Period

__all__ = ["ActivitySummary", "sum_attendance", "summarise_activities"]


def sum_attendance(values: pd.Series) -> int:
    """The sum of the attendee counts given (an activity without a count adds nothing)."""
    return int(values.dropna().sum())


def _by(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Activities, attendees and organisations per value of ``column`` (first-seen order)."""
    if frame.empty:
        return pd.DataFrame(columns=["count", "attendees", "organisations"])
    keys = frame[column].fillna("")
    grouped = frame.groupby(keys, sort=False)
    return pd.DataFrame(
        {
            "count": grouped.size(),
            "attendees": grouped["attendees"].apply(sum_attendance),
            "organisations": grouped["organisations"].apply(sum_attendance),
        }
    )


@dataclass
class ActivitySummary:
    """Activities of one report: since the start and in the period.

    Attributes:
        period: the report period.
        to_date: activities dated on or before the period's last day (sorted by date).
        in_period: those of them dated within the period.
    """

    period: Period
    to_date: pd.DataFrame
    in_period: pd.DataFrame

    # --- numbers -----------------------------------------------------------------
    @property
    def count(self) -> int:
        return int(len(self.to_date))

    @property
    def attendees(self) -> int:
        return sum_attendance(self.to_date["attendees"])

    def by_kind(self, scope: str = "to_date") -> pd.DataFrame:
        return _by(getattr(self, scope), "kind")

    def by_phase(self) -> pd.DataFrame:
        return _by(self.to_date, "phase")

    def figure_data(self, ctx: object = None) -> dict[str, Any]:
        """``{count, attendees, by_kind: {kind: {count, attendees}}, in_period: {...}}``.

        Counts of activities and sums of attendance, since the start; not suppressed (an
        activity's attendance is not personal). Gender breakdowns are not part of it.
        """
        kinds = self.by_kind()
        return {
            "count": self.count,
            "attendees": self.attendees,
            "by_kind": {
                str(k): {"count": int(r["count"]), "attendees": int(r["attendees"])}
                for k, r in kinds.iterrows()
            },
            "in_period": {
                "count": int(len(self.in_period)),
                "attendees": sum_attendance(self.in_period["attendees"]),
            },
        }

    def to_frame(self) -> pd.DataFrame:
        return self.to_date.copy()

    def _repr_html_(self) -> str:
        # lazy hook: presentation lives in report/sections
        from insats.report.sections.programme import repr_html

        return repr_html(self)


def summarise_activities(activities: pd.DataFrame, period: Period) -> ActivitySummary:
    """Split a project's activities into "since the start" and "in the period".

    Args:
        activities: rows of :func:`insats.cohort.activities.load_activities` for one project.
        period: the report period.
    """
    end, start = pd.Timestamp(period.end), pd.Timestamp(period.start)
    frame = activities.sort_values(["date", "source_row"], kind="stable")
    to_date = frame.loc[frame["date"] <= end].reset_index(drop=True)
    in_period = to_date.loc[to_date["date"] >= start].reset_index(drop=True)
    return ActivitySummary(period=period, to_date=to_date, in_period=in_period)
