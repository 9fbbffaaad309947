"""Report periods: tertials, halves, quarters, years and explicit intervals.

Swedish follow-up reports are written per *tertial* (T1 January–April, T2 May–August,
T3 September–December), per half year, quarter or year, or for an explicit interval
that the seeds write as ``210501-210831``. :func:`parse_period` turns any of these
labels into a :class:`Period` with inclusive start and end dates; the ``*_mask``
functions select participants of a cohort frame by those dates.

A participant is *enrolled* in a period when their enrolment overlaps it, *started*
when the start date falls in it and *exited* when the end date falls in it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from insats.errors import InsatsError

__all__ = [
    "parts_within",
    "ACCEPTED_FORMS",
    "Period",
    "PeriodError",
    "enrolled_mask",
    "exited_mask",
    "parse_period",
    "previous_period",
    "started_mask",
    "year_to_date",
]

ACCEPTED_FORMS = (
    "2021-T1, 2021-T2, 2021-T3 (tertials Jan–Apr, May–Aug, Sep–Dec); "
    "2021-H1, 2021-H2; 2021-Q1 … 2021-Q4; 2021; "
    "2021-01-01/2021-08-31 (ISO interval, both days included); "
    "210501-210831 (YYMMDD-YYMMDD, years 2000–2099); "
    "previous / current (tertial relative to today)"
)

# (kind, number of parts per year, months per part)
_KINDS = {"T": 4, "H": 6, "Q": 3}


class PeriodError(InsatsError, ValueError):
    """A period label that cannot be understood; the message lists the accepted forms."""

    exit_code = 2  # the command was asked wrongly (see insats.errors)


@dataclass(frozen=True)
class Period:
    """A report period with inclusive start and end dates.

    Attributes:
        label: Canonical label, e.g. ``"2021-T2"``, ``"2021"`` or
            ``"2021-03-10/2021-06-09"`` for an explicit interval (one that is a tertial,
            half, quarter or year gets that label).
        start: First day of the period.
        end: Last day of the period (included).
    """

    label: str
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError(
                f"period {self.label!r} ends ({self.end}) before it starts ({self.start})"
            )

    @property
    def days(self) -> int:
        """Number of days in the period, both ends included.

        >>> parse_period("2024-T1").days  # 31 + 29 + 31 + 30, 2024 is a leap year
        121
        """
        return (self.end - self.start).days + 1

    @property
    def start_ts(self) -> pd.Timestamp:
        """Start as a pandas Timestamp (midnight)."""
        return pd.Timestamp(self.start)

    @property
    def end_ts(self) -> pd.Timestamp:
        """End as a pandas Timestamp (midnight of the last day)."""
        return pd.Timestamp(self.end)

    def contains(self, d: date | datetime | pd.Timestamp | None) -> bool:
        """Whether the day ``d`` falls in the period (``None``/NaT never does)."""
        if d is None or pd.isna(d):
            return False
        day = _as_date(d)
        return self.start <= day <= self.end

    def overlaps(
        self,
        start: date | datetime | pd.Timestamp | None,
        end: date | datetime | pd.Timestamp | None,
    ) -> bool:
        """Whether an enrolment from ``start`` to ``end`` (``None`` = ongoing) overlaps.

        >>> p = parse_period("2021-T2")
        >>> p.overlaps(date(2021, 4, 30), None), p.overlaps(date(2021, 1, 1), date(2021, 4, 30))
        (True, False)
        """
        if start is None or pd.isna(start):
            return False
        if _as_date(start) > self.end:
            return False
        return end is None or pd.isna(end) or _as_date(end) >= self.start

    def __str__(self) -> str:
        return self.label


def _as_date(d: date | datetime | pd.Timestamp) -> date:
    if isinstance(d, pd.Timestamp):
        return d.date()
    if isinstance(d, datetime):
        return d.date()
    return d


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _part(year: int, kind: str, number: int) -> Period:
    months = _KINDS[kind]
    first_month = (number - 1) * months + 1
    return Period(
        f"{year}-{kind}{number}",
        date(year, first_month, 1),
        _last_day(year, first_month + months - 1),
    )


def _tertial_of(day: date) -> Period:
    return _part(day.year, "T", (day.month - 1) // 4 + 1)


def _interval(start: date, end: date) -> Period:
    """An explicit interval; one that is a whole year, tertial, half or quarter gets
    that period's label (attack round 10: the seeds' ``210501-210831`` after a report
    of ``2021-T1`` was not known as T2, so T1's release was not planned against, and an
    interval's period before, 2021-01-01/2021-04-30, never matched ``2021-T1``).
    """
    if end < start:
        raise PeriodError(f"the interval ends ({end}) before it starts ({start})")
    if start.year == end.year and start.day == 1:
        if (start.month, end.month, end.day) == (1, 12, 31):
            return Period(str(start.year), start, end)
        for kind in ("T", "H", "Q"):
            months = _KINDS[kind]
            if (start.month - 1) % months == 0:
                part = _part(start.year, kind, (start.month - 1) // months + 1)
                if part.end == end:
                    return part
    return Period(f"{start.isoformat()}/{end.isoformat()}", start, end)


def _check_year(year: int, text: str) -> None:
    if not 1900 <= year <= 2100:
        raise PeriodError(f"year {year} in {text!r} is out of range 1900–2100")


_RE_PART = re.compile(r"^(\d{4})\s*-?\s*([THQ])\s*(\d)$")
_RE_YEAR = re.compile(r"^(\d{4})$")
_RE_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*/\s*(\d{4}-\d{2}-\d{2})$")
_RE_SEED = re.compile(r"^(\d{2})(\d{2})(\d{2})\s*[-–/]\s*(\d{2})(\d{2})(\d{2})$")


def parse_period(text: str, today: date | None = None) -> Period:
    """Parse a period label into a :class:`Period`.

    Args:
        text: ``2021-T1|T2|T3``, ``2021-H1|H2``, ``2021-Q1..Q4``, ``2021``, an ISO interval
            ``2021-01-01/2021-08-31``, the seeds' ``210501-210831`` (years 20YY), or
            ``previous`` / ``current`` (the tertial before / containing ``today``).
            Case and surrounding spaces are ignored.
        today: Reference day for ``previous``/``current``; defaults to ``date.today()``.

    Returns:
        The period; explicit intervals get an ISO label ``YYYY-MM-DD/YYYY-MM-DD``,
        unless they are a whole year, tertial, half or quarter (then its label).

    Raises:
        PeriodError: With the accepted forms listed.

    >>> parse_period("2021-T2")
    Period(label='2021-T2', start=datetime.date(2021, 5, 1), end=datetime.date(2021, 8, 31))
    >>> parse_period("210501-210831").label  # the seeds' form of 2021-T2
    '2021-T2'
    >>> parse_period("2021-03-10/2021-06-09").label
    '2021-03-10/2021-06-09'
    >>> parse_period("previous", today=date(2021, 1, 15)).label
    '2020-T3'
    """
    if not isinstance(text, str):
        raise PeriodError(f"period must be text, got {text!r}; accepted forms: {ACCEPTED_FORMS}")
    raw = text
    text = text.strip().upper()
    try:
        return _parse(text, today)
    except PeriodError as exc:
        raise PeriodError(
            f"cannot read period {raw!r}: {exc}; accepted forms: {ACCEPTED_FORMS}"
        ) from None


def _parse(text: str, today: date | None) -> Period:
    if text in ("PREVIOUS", "CURRENT"):
        current = _tertial_of(today or date.today())
        return current if text == "CURRENT" else previous_period(current)
    if m := _RE_PART.match(text):
        year, kind, number = int(m[1]), m[2], int(m[3])
        _check_year(year, text)
        parts = 12 // _KINDS[kind]
        if not 1 <= number <= parts:
            raise PeriodError(f"{kind}{number} does not exist ({kind}1–{kind}{parts})")
        return _part(year, kind, number)
    if m := _RE_YEAR.match(text):
        year = int(m[1])
        _check_year(year, text)
        return Period(str(year), date(year, 1, 1), date(year, 12, 31))
    if m := _RE_ISO.match(text):
        try:
            start, end = date.fromisoformat(m[1]), date.fromisoformat(m[2])
        except ValueError as exc:
            raise PeriodError(f"not a real date ({exc})") from None
        _check_year(start.year, text)
        _check_year(end.year, text)
        return _interval(start, end)
    if m := _RE_SEED.match(text):
        y1, m1, d1, y2, m2, d2 = (int(g) for g in m.groups())
        try:
            # Two-digit years are 20YY: the programmes and their reports are all after 2000.
            start, end = date(2000 + y1, m1, d1), date(2000 + y2, m2, d2)
        except ValueError as exc:
            raise PeriodError(f"not a real date ({exc})") from None
        return _interval(start, end)
    raise PeriodError("unknown form")


def _kind_of(period: Period) -> tuple[str, int, int] | None:
    """(kind, year, number) for a labelled period whose dates match its label."""
    label = period.label.strip().upper()
    if m := _RE_PART.match(label):
        year, kind, number = int(m[1]), m[2], int(m[3])
        if 1 <= number <= 12 // _KINDS[kind]:
            part = _part(year, kind, number)
            if (part.start, part.end) == (period.start, period.end):
                return kind, year, number
    if (m := _RE_YEAR.match(label)) and (period.start, period.end) == (
        date(int(m[1]), 1, 1),
        date(int(m[1]), 12, 31),
    ):
        return "Y", int(m[1]), 1
    return None


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def previous_period(period: Period) -> Period:
    """The period of the same kind just before ``period``.

    ``2021-T1`` → ``2020-T3``, ``2021-H1`` → ``2020-H2``, ``2021-Q1`` → ``2020-Q4``,
    ``2021`` → ``2020``. An explicit interval that covers whole calendar months moves back
    by its number of months (so 2021-03-01/2021-06-30 → 2020-11-01/2021-02-28); any other
    interval moves back by its number of days and ends the day before it starts.

    >>> previous_period(parse_period("2021-T1")).label
    '2020-T3'
    >>> previous_period(parse_period("2021-03-10/2021-03-19")).label
    '2021-02-28/2021-03-09'
    """
    kind = _kind_of(period)
    if kind is not None:
        k, year, number = kind
        if k == "Y":
            return Period(str(year - 1), date(year - 1, 1, 1), date(year - 1, 12, 31))
        if number > 1:
            return _part(year, k, number - 1)
        return _part(year - 1, k, 12 // _KINDS[k])
    whole_months = period.start.day == 1 and period.end == _last_day(
        period.end.year, period.end.month
    )
    if whole_months:
        months = (
            (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
        )
        start = _shift_months(period.start, -months)
        return _interval(start, period.start - timedelta(days=1))
    end = period.start - timedelta(days=1)
    return _interval(end - timedelta(days=period.days - 1), end)


def parts_within(period: Period) -> list[Period]:
    """The tertials, halves and quarters that lie inside ``period`` and are not it (a
    year's T1–T3, H1–H2, Q1–Q4; none for a tertial), in order of their end.

    >>> [p.label for p in parts_within(parse_period("2021-H1"))]
    ['2021-Q1', '2021-T1', '2021-Q2']
    """
    out = []
    for year in range(period.start.year, period.end.year + 1):
        for kind, months in _KINDS.items():
            for number in range(1, 12 // months + 1):
                part = _part(year, kind, number)
                if part.start >= period.start and part.end <= period.end and part != period:
                    out.append(part)
    return sorted(out, key=lambda p: (p.end, -p.start.toordinal()))


def year_to_date(period: Period) -> Period:
    """From 1 January of the year the period ends in, to the period's end.

    >>> year_to_date(parse_period("2021-T2")).label
    '2021-01-01/2021-08-31'
    """
    return _interval(date(period.end.year, 1, 1), period.end)


def _dates(df: pd.DataFrame, column: str) -> pd.Series:
    values = df[column]
    if not pd.api.types.is_datetime64_any_dtype(values):
        values = pd.to_datetime(values, errors="coerce")
    # Compare whole days: a time of day on the last day must still count as inside.
    return values.dt.normalize()


def enrolled_mask(
    df: pd.DataFrame,
    period: Period,
    *,
    start_col: str = "start_date",
    end_col: str = "end_date",
) -> pd.Series:
    """Rows whose enrolment overlaps the period (NaT end date = still enrolled).

    Returns:
        Boolean Series aligned with ``df``: ``start <= period.end`` and
        (``end`` is NaT or ``end >= period.start``). A missing start date is never enrolled.
    """
    start, end = _dates(df, start_col), _dates(df, end_col)
    mask = (start <= period.end_ts) & (end.isna() | (end >= period.start_ts))
    return mask.fillna(False).astype(bool)


def _in_period(values: pd.Series, period: Period) -> pd.Series:
    return ((values >= period.start_ts) & (values <= period.end_ts)).fillna(False).astype(bool)


def started_mask(df: pd.DataFrame, period: Period, *, start_col: str = "start_date") -> pd.Series:
    """Rows whose start date falls in the period (boolean Series aligned with ``df``)."""
    return _in_period(_dates(df, start_col), period)


def exited_mask(df: pd.DataFrame, period: Period, *, end_col: str = "end_date") -> pd.Series:
    """Rows whose end date falls in the period (boolean Series aligned with ``df``)."""
    return _in_period(_dates(df, end_col), period)
