"""Periods: every accepted label, boundaries, leap years, relative periods, masks."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from insats.periods import (
    Period,
    PeriodError,
    enrolled_mask,
    exited_mask,
    parse_period,
    previous_period,
    started_mask,
    year_to_date,
)


@pytest.mark.parametrize(
    ("text", "label", "start", "end"),
    [
        # Tertials: Jan–Apr, May–Aug, Sep–Dec (domain.md)
        ("2021-T1", "2021-T1", date(2021, 1, 1), date(2021, 4, 30)),
        ("2021-T2", "2021-T2", date(2021, 5, 1), date(2021, 8, 31)),
        ("2021-T3", "2021-T3", date(2021, 9, 1), date(2021, 12, 31)),
        ("2021-H1", "2021-H1", date(2021, 1, 1), date(2021, 6, 30)),
        ("2021-H2", "2021-H2", date(2021, 7, 1), date(2021, 12, 31)),
        ("2021-Q1", "2021-Q1", date(2021, 1, 1), date(2021, 3, 31)),
        ("2021-Q2", "2021-Q2", date(2021, 4, 1), date(2021, 6, 30)),
        ("2021-Q3", "2021-Q3", date(2021, 7, 1), date(2021, 9, 30)),
        ("2021-Q4", "2021-Q4", date(2021, 10, 1), date(2021, 12, 31)),
        ("2021", "2021", date(2021, 1, 1), date(2021, 12, 31)),
        ("2021-01-01/2021-08-31", "2021-01-01/2021-08-31", date(2021, 1, 1), date(2021, 8, 31)),
        # the seeds' style (seed 002: "Tertialrapport för tiden 210501-210831")
        # ... a whole tertial, half, quarter or year gets its label (attack round 10)
        ("210501-210831", "2021-T2", date(2021, 5, 1), date(2021, 8, 31)),
        ("2021-07-01/2021-12-31", "2021-H2", date(2021, 7, 1), date(2021, 12, 31)),
        ("2021-01-01/2021-03-31", "2021-Q1", date(2021, 1, 1), date(2021, 3, 31)),
        ("2021-01-01/2021-12-31", "2021", date(2021, 1, 1), date(2021, 12, 31)),
        ("2021-05-01/2021-08-30", "2021-05-01/2021-08-30", date(2021, 5, 1), date(2021, 8, 30)),
        # case and spaces are forgiven
        (" 2021-t2 ", "2021-T2", date(2021, 5, 1), date(2021, 8, 31)),
        ("2021 H2", "2021-H2", date(2021, 7, 1), date(2021, 12, 31)),
        # leap years: Feb 29 in 2024 and 2000 (divisible by 400), not in 1900 or 2023
        ("2024-Q1", "2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2024-02-01/2024-02-29", "2024-02-01/2024-02-29", date(2024, 2, 1), date(2024, 2, 29)),
        ("000201-000229", "2000-02-01/2000-02-29", date(2000, 2, 1), date(2000, 2, 29)),
    ],
)
def test_parse_every_form(text, label, start, end):
    period = parse_period(text)
    assert (period.label, period.start, period.end) == (label, start, end)


def test_days_count_leap_year():
    # T1 = 31 + 29 + 31 + 30 = 121 days in 2024 (leap year), 120 in 2023
    assert parse_period("2024-T1").days == 121
    assert parse_period("2023-T1").days == 120
    assert parse_period("2024").days == 366


@pytest.mark.parametrize(
    ("today", "current", "previous"),
    [
        (date(2021, 1, 1), "2021-T1", "2020-T3"),  # first day of the year
        (date(2021, 4, 30), "2021-T1", "2020-T3"),  # last day of T1
        (date(2021, 5, 1), "2021-T2", "2021-T1"),  # first day of T2
        (date(2021, 8, 31), "2021-T2", "2021-T1"),
        (date(2021, 9, 1), "2021-T3", "2021-T2"),
        (date(2021, 12, 31), "2021-T3", "2021-T2"),
        (date(2024, 2, 29), "2024-T1", "2023-T3"),
    ],
)
def test_relative_periods(today, current, previous):
    assert parse_period("current", today=today).label == current
    assert parse_period("previous", today=today).label == previous
    assert parse_period("PREVIOUS ", today=today).label == previous


def test_relative_periods_default_to_today():
    assert parse_period("current").contains(date.today())


@pytest.mark.parametrize(
    "text",
    [
        "2021-T4",
        "2021-T0",
        "2021-H3",
        "2021-Q5",
        "21-T1",
        "2021-13-01/2021-12-31",
        "2021-02-30/2021-03-31",
        "2021-08-31/2021-01-01",  # ends before it starts
        "210231-210331",  # 31 February
        "210831-210501",
        "",
        "last year",
        "1899",
        "2021-01-01",  # a single day is not a period form
    ],
)
def test_bad_input_lists_accepted_forms(text):
    with pytest.raises(PeriodError) as info:
        parse_period(text)
    message = str(info.value)
    assert repr(text) in message
    for form in ("2021-T1", "2021-H1", "2021-Q1", "210501-210831", "previous", "current"):
        assert form in message


def test_period_error_is_value_error():
    with pytest.raises(ValueError):
        parse_period(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("2021-T1", "2020-T3"),
        ("2021-T3", "2021-T2"),
        ("2021-H1", "2020-H2"),
        ("2021-H2", "2021-H1"),
        ("2021-Q1", "2020-Q4"),
        ("2021-Q3", "2021-Q2"),
        ("2021", "2020"),
        # whole months move by their number of months: May–Aug -> Jan–Apr
        ("210501-210831", "2021-T1"),
        ("2021-01-01/2021-02-28", "2020-11-01/2020-12-31"),
        # other intervals move by their number of days (10 days here)
        ("2021-03-10/2021-03-19", "2021-02-28/2021-03-09"),
        # 2024-03-01..03-10 minus 10 days crosses 29 February
        ("2024-03-02/2024-03-11", "2024-02-21/2024-03-01"),
    ],
)
def test_previous_period(label, expected):
    assert previous_period(parse_period(label)).label == expected


def test_previous_period_of_hand_built_period():
    # A Period built by hand with a matching label behaves like a parsed one.
    assert (
        previous_period(Period("2021-T2", date(2021, 5, 1), date(2021, 8, 31))).label == "2021-T1"
    )
    # A label that does not match its dates is treated as an interval.
    odd = Period("my period", date(2021, 5, 1), date(2021, 5, 10))
    assert previous_period(odd) == Period(
        "2021-04-21/2021-04-30", date(2021, 4, 21), date(2021, 4, 30)
    )


def test_year_to_date():
    ytd = year_to_date(parse_period("2021-T2"))
    assert (ytd.start, ytd.end) == (date(2021, 1, 1), date(2021, 8, 31))
    # an interval spanning new year: from 1 January of the end's year
    ytd = year_to_date(parse_period("2020-11-01/2021-02-28"))
    assert (ytd.start, ytd.end) == (date(2021, 1, 1), date(2021, 2, 28))


def test_period_rejects_end_before_start():
    with pytest.raises(PeriodError):
        Period("x", date(2021, 2, 1), date(2021, 1, 1))


def test_contains_and_overlaps_boundaries():
    t2 = parse_period("2021-T2")
    assert t2.contains(date(2021, 5, 1)) and t2.contains(date(2021, 8, 31))
    assert not t2.contains(date(2021, 4, 30)) and not t2.contains(date(2021, 9, 1))
    assert t2.contains(pd.Timestamp("2021-08-31 23:59"))
    assert t2.contains(datetime(2021, 6, 1, 12))
    assert not t2.contains(None) and not t2.contains(pd.NaT)
    assert t2.overlaps(date(2021, 4, 1), date(2021, 5, 1))  # ends on the first day
    assert t2.overlaps(date(2021, 8, 31), None)  # starts on the last day, ongoing
    assert not t2.overlaps(date(2021, 9, 1), None)
    assert not t2.overlaps(date(2021, 1, 1), date(2021, 4, 30))
    assert not t2.overlaps(None, None)


@pytest.fixture
def cohort() -> pd.DataFrame:
    # Each row sits on a boundary of 2021-T2 (2021-05-01 … 2021-08-31).
    return pd.DataFrame(
        {
            "participant_id": ["before", "ends_first_day", "ongoing", "starts_last_day",
                               "after", "inside", "no_start", "spans"],
            "start_date": pd.to_datetime(["2021-01-01", "2021-02-01", "2020-06-01",
                                          "2021-08-31", "2021-09-01", "2021-06-01", None,
                                          "2021-01-01"]),
            "end_date": pd.to_datetime(["2021-04-30", "2021-05-01", None, None, None,
                                        "2021-07-01 15:30", None, "2021-12-31"], format="ISO8601"),
        },
        index=[10, 11, 12, 13, 14, 15, 16, 17],  # masks must keep the frame's own index
    )  # fmt: skip


def test_masks(cohort):
    t2 = parse_period("2021-T2")
    enrolled = enrolled_mask(cohort, t2)
    assert enrolled.index.equals(cohort.index) and enrolled.dtype == bool
    ids = cohort["participant_id"]
    assert list(ids[enrolled]) == [
        "ends_first_day",
        "ongoing",
        "starts_last_day",
        "inside",
        "spans",
    ]
    assert list(ids[started_mask(cohort, t2)]) == ["starts_last_day", "inside"]
    # a time of day on a boundary day still counts as that day
    assert list(ids[exited_mask(cohort, t2)]) == ["ends_first_day", "inside"]


def test_masks_agree_with_period_methods(cohort):
    # second implementation: the scalar methods row by row
    for label in ("2021-T1", "2021-T2", "2021-T3", "2020", "2021-06-01/2021-06-30"):
        period = parse_period(label)
        expected = [
            period.overlaps(s, e) for s, e in zip(cohort.start_date, cohort.end_date, strict=True)
        ]
        assert enrolled_mask(cohort, period).tolist() == expected
        assert started_mask(cohort, period).tolist() == [
            period.contains(s) for s in cohort.start_date
        ]
        assert exited_mask(cohort, period).tolist() == [period.contains(e) for e in cohort.end_date]
