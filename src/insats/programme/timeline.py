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

import pandas as pd

from insats.periods import Period

__all__ = ["Timeline", "build_timeline"]


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

    def figure_data(self, ctx: object = None) -> list[dict[str, Any]]:
        return [
            {
                "phase": r.name,
                "start": r.start_date.isoformat(),
                "end": r.end_date.isoformat(),
                "status": self.status(r),
            }
            for r in self.phases.itertuples(index=False)
        ]

    def _repr_html_(self) -> str:
        # lazy hook: presentation lives in report/sections
        from insats.report.sections.programme import repr_html

        return repr_html(self)


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
