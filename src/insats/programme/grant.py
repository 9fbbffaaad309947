"""A grant over several years: granted for the whole project and per year, used per year
and to date, the share used against the share of the project time elapsed, a forecast to
the end, and the > 10 % rule per year.

Seed 003: Ny i Västerås was granted 1 930 000 kr a year for two years, 3 860 000 kr in
all; 302 000 kr were used in 2014 and 171 000 kr of 2015's 1 930 000 kr by April 2015.

Which rows count, as in :mod:`insats.programme.budget` (the lesson on cumulative finance rows):
rows starting on or before the report period's last day; per funder and year the latest
row (latest end, then start, then file order) holds the year's grant, its invoiced costs
so far and its forecast; a year's figures are the sums over funders. A year that ended
before the report year is closed: its outcome is what was invoiced. The report year's
outcome is its forecast (none given: not known). The forecast to the end adds, per year,
the closed years' invoiced costs, the report year's forecast (or, without one, its
grant) and, for years not yet in the table, the rest of the whole grant as granted.
Amounts are not counts of persons and are never suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from insats.periods import Period
from insats.programme.budget import deviation_share, needs_explanation

__all__ = ["GrantSummary", "share_of_time_elapsed", "summarise_grant"]


def share_of_time_elapsed(start: date, end: date, as_of: date) -> float:
    """Days from ``start`` to ``as_of`` (both counted) over the project's days.

    >>> round(share_of_time_elapsed(date(2014, 6, 1), date(2016, 5, 31), date(2015, 4, 30)), 4)
    0.4569
    >>> share_of_time_elapsed(date(2014, 6, 1), date(2016, 5, 31), date(2017, 1, 1))
    1.0
    """
    if as_of < start:
        return 0.0
    total = (end - start).days + 1
    elapsed = (min(as_of, end) - start).days + 1
    return elapsed / total


@dataclass(frozen=True)
class GrantSummary:
    """The grant over the whole project, year by year.

    Attributes:
        period: the report period.
        years: one row per year: ``year``, ``granted_sek``, ``used_sek`` (invoiced, latest
            row), ``forecast_sek`` (NaN when none), ``state`` (closed/current),
            ``outcome_sek`` (closed: used; current: forecast), ``deviation_share`` and
            ``needs_explanation`` (the > 10 % rule).
        total_sek: granted for the whole project.
        start, end: the project's first and last day (None if not given).
        reason: the evaluator's explanation of a deviation.
    """

    period: Period
    years: pd.DataFrame
    total_sek: float
    start: date | None
    end: date | None
    reason: str | None = None

    @property
    def used_to_date_sek(self) -> float:
        return float(self.years["used_sek"].sum())

    @property
    def share_used(self) -> float | None:
        return self.used_to_date_sek / self.total_sek if self.total_sek else None

    @property
    def share_of_time(self) -> float | None:
        if self.start is None or self.end is None:
            return None
        return share_of_time_elapsed(self.start, self.end, self.period.end)

    @property
    def forecast_to_end_sek(self) -> float:
        total = 0.0
        for row in self.years.itertuples(index=False):
            if row.state == "closed":
                total += row.used_sek
            else:
                total += row.forecast_sek if pd.notna(row.forecast_sek) else row.granted_sek
        later = self.total_sek - float(self.years["granted_sek"].sum())
        return total + max(later, 0.0)

    @property
    def flagged_years(self) -> list[int]:
        return [int(r.year) for r in self.years.itertuples(index=False) if r.needs_explanation]

    def figure_data(self, ctx: object = None) -> dict[str, Any]:
        def amount(v: float | None) -> float | None:
            return None if v is None or pd.isna(v) else float(v)

        return {
            "granted_total_sek": float(self.total_sek),
            "used_to_date_sek": self.used_to_date_sek,
            "share_used": self.share_used,
            "share_of_time_elapsed": self.share_of_time,
            "forecast_to_end_sek": self.forecast_to_end_sek,
            "project_start": self.start.isoformat() if self.start else None,
            "project_end": self.end.isoformat() if self.end else None,
            "by_year": {
                str(int(r.year)): {
                    "granted_sek": amount(r.granted_sek),
                    "used_sek": amount(r.used_sek),
                    "forecast_sek": amount(r.forecast_sek),
                    "state": r.state,
                    "deviation_share": amount(r.deviation_share),
                    "needs_explanation": bool(r.needs_explanation),
                }
                for r in self.years.itertuples(index=False)
            },
            "needs_explanation": bool(self.flagged_years),
            "explanation_given": bool(self.reason),
        }

    def _repr_html_(self) -> str:
        # lazy hook: presentation lives in report/sections
        from insats.report.sections.programme import repr_html

        return repr_html(self)


def summarise_grant(
    finance: pd.DataFrame,
    period: Period,
    *,
    total_sek: float | None = None,
    start: date | None = None,
    end: date | None = None,
    reason: str | None = None,
) -> GrantSummary | None:
    """The grant over the project's years from the finance rows of one project.

    Args:
        finance: rows of :func:`insats.cohort.load_finance` for the project.
        period: the report period.
        total_sek: granted for the whole project (default: the sum of the years' grants).
        start, end: the project's first and last day (for the share of time elapsed).
        reason: why a year deviates more than 10 % (shown with the table).

    Returns:
        The :class:`GrantSummary`, or None when no row starts by the period's end.
    """
    rows = finance.loc[pd.to_datetime(finance["period_start"]) <= pd.Timestamp(period.end)].copy()
    if rows.empty:
        return None
    rows["year"] = pd.to_datetime(rows["period_end"]).dt.year
    rows = rows.sort_values(["period_end", "period_start", "source_row"], kind="stable")
    latest = rows.groupby(["year", "funder"], sort=True).tail(1)
    years = []
    for year, part in latest.groupby("year", sort=True):
        forecast = part["forecast_sek"]
        state = "closed" if year < period.end.year else "current"
        row: dict[str, Any] = {
            "year": int(year),
            "granted_sek": float(part["granted_sek"].sum()),
            "used_sek": float(part["invoiced_sek"].sum()),
            "forecast_sek": float(forecast.sum()) if forecast.notna().all() else float("nan"),
            "state": state,
        }
        row["outcome_sek"] = row["used_sek"] if state == "closed" else row["forecast_sek"]
        outcome = None if pd.isna(row["outcome_sek"]) else row["outcome_sek"]
        row["deviation_share"] = deviation_share(outcome, row["granted_sek"])
        row["needs_explanation"] = needs_explanation(outcome, row["granted_sek"])
        years.append(row)
    frame = pd.DataFrame(years)
    total = float(total_sek) if total_sek is not None else float(frame["granted_sek"].sum())
    return GrantSummary(period, frame, total, start, end, reason)
