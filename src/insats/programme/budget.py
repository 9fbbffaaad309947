"""Budget follow-up: granted, invoiced and forecast per funder, and the 10 % rule.

Seed 000's form asks: "om prognosen visar en avvikelse på > 10 % ska anledningen anges"
— when the year's forecast deviates more than 10 % from the grant, the report must give
the reason. :func:`summarise_budget` computes the deviation per funder and in total,
flags it and keeps the reason from the parameters; :mod:`insats.report.sections.budget`
renders it (or says plainly that it is missing).

Which finance rows a report uses: each row of the finance table is the position at the
end of its period (granted and forecast for the whole year, invoiced accumulated so far;
that is how the seeds and the sample data write them). A report for a period uses the
rows of the year the period ends in, whose period starts on or before the report
period's end, and the year's figures are, per funder, its latest such row (latest end
date, then latest start, then the last in the file), summed over funders. Budget amounts
are not counts of persons and are never suppressed.

The cost of the insats to date (the socio-economic account's investment) follows the same
rule over all years: :func:`invoiced_to_date` takes, per funder and year, the latest row
known at the report period's end and sums those rows over years. Summing every row would
count the cumulative amounts of a year several times.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from insats.cohort.categories import natural_key
from insats.errors import InsatsError
from insats.periods import Period, PeriodError, parse_period

__all__ = [
    "AMOUNTS",
    "BudgetError",
    "BudgetSummary",
    "DEVIATION_LIMIT",
    "InvoicedToDate",
    "deviation_share",
    "invoiced_to_date",
    "latest_rows",
    "needs_explanation",
    "summarise_budget",
]

AMOUNTS = ("granted_sek", "invoiced_sek", "forecast_sek")
# Seed 000: "om prognosen visar en avvikelse på > 10 % ska anledningen anges".
DEVIATION_LIMIT = 0.10


class BudgetError(InsatsError, ValueError):
    """Finance rows that cannot be used; the message lists every problem."""


def deviation_share(forecast_sek: float | None, granted_sek: float | None) -> float | None:
    """(forecast − granted) / granted; None when either is missing or nothing was granted.

    >>> round(deviation_share(740_000, 246_000), 4)  # seed 000: 246 tkr granted, 740 forecast
    2.0081
    >>> deviation_share(1_030_000, 1_030_000)
    0.0
    """
    if forecast_sek is None or granted_sek is None or pd.isna(forecast_sek) or pd.isna(granted_sek):
        return None
    if granted_sek == 0:
        return None
    return (float(forecast_sek) - float(granted_sek)) / float(granted_sek)


def needs_explanation(forecast_sek: float | None, granted_sek: float | None) -> bool:
    """Whether |forecast − granted| is more than 10 % of the grant (seed 000's rule).

    Compared as amounts, not as a rounded share, so that exactly 10 % does not count.

    >>> needs_explanation(740_000, 246_000), needs_explanation(1_100_000, 1_000_000)
    (True, False)
    >>> needs_explanation(1_100_001, 1_000_000), needs_explanation(None, 1_000_000)
    (True, False)
    """
    if forecast_sek is None or granted_sek is None or pd.isna(forecast_sek) or pd.isna(granted_sek):
        return False
    if granted_sek == 0:
        return float(forecast_sek) > 0
    return abs(float(forecast_sek) - float(granted_sek)) > DEVIATION_LIMIT * float(granted_sek)


def _parse_periods(finance_df: pd.DataFrame) -> pd.DataFrame:
    problems, starts, ends = [], [], []
    rows = finance_df["source_row"] if "source_row" in finance_df.columns else finance_df.index
    for row, label in zip(rows, finance_df["period"], strict=True):
        try:
            p = parse_period(str(label)) if not pd.isna(label) else None
        except PeriodError as exc:
            p = None
            problems.append(f"row {row}, column 'period', value {label!r}: {exc}")
        else:
            if p is None:
                problems.append(f"row {row}, column 'period': empty; expected a period label")
        starts.append(p.start if p else None)
        ends.append(p.end if p else None)
    if problems:
        raise BudgetError(
            f"finance table: {len(problems)} period label(s) cannot be read:\n  "
            + "\n  ".join(problems)
        )
    out = finance_df.copy()
    out["period_start"], out["period_end"] = starts, ends
    return out


@dataclass(frozen=True)
class BudgetSummary:
    """Granted, invoiced and forecast per funder for the report year.

    Attributes:
        period: The report period.
        year: The year the period ends in.
        rows: The finance rows used (year of the report, starting on or before the
            period's end), with ``period_start``/``period_end`` dates added.
        by_funder: One row per funder (the funder's latest row): ``funder``, ``period``,
            the three amounts, ``invoiced_share``, ``deviation_share`` and
            ``needs_explanation``.
        reason: The evaluator's explanation of a deviation (free text, from parameters).
    """

    period: Period
    year: int
    rows: pd.DataFrame
    by_funder: pd.DataFrame
    reason: str | None = None

    @property
    def totals(self) -> dict[str, float | None]:
        """The year's sums over funders; forecast is None if any funder lacks one."""
        out: dict[str, float | None] = {}
        for column in AMOUNTS:
            values = self.by_funder[column]
            out[column] = None if values.empty or values.isna().any() else float(values.sum())
        return out

    @property
    def deviation_share(self) -> float | None:
        t = self.totals
        return deviation_share(t["forecast_sek"], t["granted_sek"])

    @property
    def invoiced_share(self) -> float | None:
        t = self.totals
        if not t["granted_sek"] or t["invoiced_sek"] is None:
            return None
        return t["invoiced_sek"] / t["granted_sek"]

    @property
    def needs_explanation(self) -> bool:
        """True when the total or any one funder's forecast deviates more than 10 %."""
        t = self.totals
        total = needs_explanation(t["forecast_sek"], t["granted_sek"])
        return bool(total or self.by_funder["needs_explanation"].any())

    def to_frame(self) -> pd.DataFrame:
        """Per funder and a total row (``funder`` = "total"): amounts in kronor, shares."""
        total = {
            "funder": "total",
            "period": self.period.label,
            **self.totals,
            "invoiced_share": self.invoiced_share,
            "deviation_share": self.deviation_share,
            "needs_explanation": needs_explanation(
                self.totals["forecast_sek"], self.totals["granted_sek"]
            ),
        }
        return pd.concat([self.by_funder, pd.DataFrame([total])], ignore_index=True)

    def figure_data(self, ctx: object = None) -> dict:
        t = self.totals
        return {
            "granted_sek": t["granted_sek"],
            "invoiced_sek": t["invoiced_sek"],
            "forecast_sek": t["forecast_sek"],
            "deviation_share": self.deviation_share,
            "needs_explanation": self.needs_explanation,
            "invoiced_share": self.invoiced_share,
            "year": self.year,
            "explanation_given": bool(self.reason and self.reason.strip()),
            "by_funder": {
                str(r.funder): {
                    "period": str(r.period),
                    **{
                        c: None if pd.isna(getattr(r, c)) else float(getattr(r, c)) for c in AMOUNTS
                    },
                    "deviation_share": None
                    if r.deviation_share is None or pd.isna(r.deviation_share)
                    else float(r.deviation_share),
                    "needs_explanation": bool(r.needs_explanation),
                }
                for r in self.by_funder.itertuples(index=False)
            },
        }

    def _repr_html_(self) -> str:
        # lazy hook: presentation lives in report/sections
        from insats.report.sections.budget import repr_html

        return repr_html(self)


def latest_rows(finance_df: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Per funder and year, the latest finance row known at the end of ``period``.

    A row is the position at the end of its own period (invoiced accumulated within its
    year), so it is known at the report period's end when its period starts on or before
    that end. A row belongs to the year its period ends in. Of several rows of a funder and
    year the latest is kept (latest end date, then latest start, then the last in the file).

    Args:
        finance_df: Canonical finance frame (``funder``, ``period`` label, the amounts in
            kronor, optionally ``source_row``); one project.
        period: The report period.

    Returns:
        One row per funder and year, sorted by funder then year, with the input columns
        and ``year``, ``period_start``, ``period_end`` and ``source_row`` (file row).

    Raises:
        BudgetError: When period labels cannot be read (every bad row listed).
    """
    if len(finance_df):
        frame = _parse_periods(finance_df)
    else:
        frame = finance_df.assign(
            period_start=pd.Series(dtype=object), period_end=pd.Series(dtype=object)
        )
    if "source_row" not in frame.columns:
        frame = frame.assign(source_row=range(2, len(frame) + 2))
    keep = [s is not None and s <= period.end for s in frame["period_start"]]
    rows = frame.loc[keep].copy()
    rows["funder"] = rows["funder"].astype(object).where(rows["funder"].notna(), "unknown")
    for column in AMOUNTS:
        if column in rows:
            rows[column] = pd.to_numeric(rows[column], errors="coerce").astype(float)
    rows["year"] = [e.year for e in rows["period_end"]]
    latest = (
        rows.sort_values(["funder", "year", "period_end", "period_start", "source_row"])
        .groupby(["funder", "year"], sort=False)
        .tail(1)
    )
    order = {f: i for i, f in enumerate(sorted(latest["funder"].unique(), key=natural_key))}
    latest = latest.assign(_order=latest["funder"].map(order))
    return latest.sort_values(["_order", "year"]).drop(columns="_order").reset_index(drop=True)


@dataclass(frozen=True)
class InvoicedToDate:
    """The invoiced cost of an insats up to a report period's end.

    Attributes:
        period: The report period.
        rows: The rows summed: one per funder and year (``funder``, ``year``, ``period``,
            ``invoiced_sek``, ``source_row``), see :func:`latest_rows`.
    """

    period: Period
    rows: pd.DataFrame

    @property
    def total_sek(self) -> float:
        """Sum of the rows' invoiced amounts in kronor (0 without rows)."""
        return float(self.rows["invoiced_sek"].fillna(0).sum()) if len(self.rows) else 0.0

    def row_labels(self) -> dict[str, list[str]]:
        """Per funder, the period labels of the rows used, e.g. {'Klippan': ['2019-T3', …]}."""
        out: dict[str, list[str]] = {}
        for r in self.rows.itertuples(index=False):
            out.setdefault(str(r.funder), []).append(str(r.period))
        return out

    def figure_data(self) -> dict:
        return {
            "total_sek": self.total_sek,
            "rows": [
                {
                    "funder": str(r.funder),
                    "year": int(r.year),
                    "period": str(r.period),
                    "invoiced_sek": None if pd.isna(r.invoiced_sek) else float(r.invoiced_sek),
                }
                for r in self.rows.itertuples(index=False)
            ],
        }


def invoiced_to_date(finance_df: pd.DataFrame, period: Period) -> InvoicedToDate:
    """The invoiced cost to date: latest cumulative row per funder and year, summed.

    ``invoiced_sek`` accumulates within a year, so the cost up to the report period's end
    is, per funder and year, the latest row known then (:func:`latest_rows`), summed over
    years and funders. The budget section's "invoiced so far" is the same rows of the
    report year.

    >>> from insats.periods import parse_period
    >>> rows = pd.DataFrame({
    ...     "funder": ["A", "A", "A", "A"],
    ...     "period": ["2020-T1", "2020-T3", "2021-T1", "2021-T2"],
    ...     "invoiced_sek": [100.0, 300.0, 50.0, 120.0],
    ... })
    >>> invoiced_to_date(rows, parse_period("2021-T2")).total_sek  # 300 + 120
    420.0
    >>> invoiced_to_date(rows, parse_period("2021-T1")).total_sek  # 300 + 50
    350.0
    """
    rows = latest_rows(finance_df, period)
    keep = [c for c in ("funder", "year", "period", "invoiced_sek", "source_row") if c in rows]
    return InvoicedToDate(period=period, rows=rows[keep].reset_index(drop=True))


def summarise_budget(
    finance_df: pd.DataFrame, period: Period, reason: str | None = None
) -> BudgetSummary:
    """Summarise the finance table for the year of a report period.

    Args:
        finance_df: Canonical finance frame: ``funder``, ``period`` (label),
            ``granted_sek``, ``invoiced_sek``, ``forecast_sek`` (kronor; NaN if absent),
            ``source_row``; one project.
        period: The report period; its year is the year it ends in.
        reason: The evaluator's reason for a deviation (``budget_deviation_reason`` in the
            parameters); shown, escaped, in the report.

    Returns:
        :class:`BudgetSummary` (see the module docstring for which rows are used).

    Raises:
        BudgetError: When period labels cannot be read (every bad row listed).
    """
    year = period.end.year
    frame = (
        _parse_periods(finance_df)
        if len(finance_df)
        else finance_df.assign(
            period_start=pd.Series(dtype=object), period_end=pd.Series(dtype=object)
        )
    )
    if "source_row" not in frame.columns:
        frame = frame.assign(source_row=range(2, len(frame) + 2))
    keep = [
        s is not None and e.year == year and s <= period.end
        for s, e in zip(frame["period_start"], frame["period_end"], strict=True)
    ]
    rows = frame.loc[keep].copy()
    rows["funder"] = rows["funder"].astype(object).where(rows["funder"].notna(), "unknown")
    for column in AMOUNTS:
        rows[column] = pd.to_numeric(rows[column], errors="coerce").astype(float)
    # The same rows as the investment of the socio-economic account (invoiced_to_date).
    latest = latest_rows(frame, period)
    latest = latest.loc[latest["year"] == year]
    order = sorted(latest["funder"].unique(), key=natural_key)
    latest = latest.set_index("funder").loc[order].reset_index()
    by_funder = latest[["funder", "period", *AMOUNTS]].copy()
    by_funder["invoiced_share"] = [
        i / g if g else None
        for i, g in zip(by_funder["invoiced_sek"], by_funder["granted_sek"], strict=True)
    ]
    by_funder["deviation_share"] = [
        deviation_share(f, g)
        for f, g in zip(by_funder["forecast_sek"], by_funder["granted_sek"], strict=True)
    ]
    by_funder["needs_explanation"] = [
        needs_explanation(f, g)
        for f, g in zip(by_funder["forecast_sek"], by_funder["granted_sek"], strict=True)
    ]
    by_funder["needs_explanation"] = by_funder["needs_explanation"].astype(bool)
    return BudgetSummary(
        period=period,
        year=year,
        rows=rows.reset_index(drop=True),
        by_funder=by_funder.reset_index(drop=True),
        reason=reason,
    )
