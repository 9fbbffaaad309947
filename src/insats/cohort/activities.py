"""The data contract of insatser without (or besides) a participant register.

Two tables: **activities** (one row per activity: workshop, utbildning, möte, …, with its
date, phase and attendance) and **product goals** (one row per goal: effektmål,
produktmål or leveransmål, with status, target date, evidence and an optional measurable
indicator). SUS calls insatser that report only these "strukturövergripande" insatser or
"volyminsatser"; Ny i Västerås in seed 003 is one.

Headers and codes are matched as for the other tables (:func:`normalise_token`), and the
files are validated the same way: every problem at once, each naming file, row (as Excel
shows it), column and what was expected.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from insats.cohort.activity_schema import (
    ACTIVITIES,
    ACTIVITY_KIND,
    GOAL_KIND,
    GOAL_STATUS,
    PRODUCT_GOALS,
)
from insats.cohort.read import RawTable, parse_dates
from insats.cohort.schema import normalise_token
from insats.cohort.validate import (
    DATE_FORMS,
    EARLIEST_DATE,
    PARTICIPANT_COLUMNS,
    Cohort,
    ValidationReport,
    _code_expectation,
    _load_simple,
    _lookup,
    _Table,
)
from insats.cohort.words import ExportWords

__all__ = [
    "ACTIVITIES",
    "ACTIVITY_COLUMNS",
    "ACTIVITY_KIND",
    "GOAL_KIND",
    "GOAL_STATUS",
    "PRODUCT_GOALS",
    "PRODUCT_GOAL_COLUMNS",
    "empty_participants",
    "load_activities",
    "load_product_goals",
    "parse_indicator_target",
]

ACTIVITY_COLUMNS = (
    "project", "activity", "kind", "date", "phase", "attendees", "women", "men",
    "organisations", "municipality", "note", "source_row",
)  # fmt: skip
PRODUCT_GOAL_COLUMNS = (
    "project", "goal", "kind", "status", "target_date", "evidence", "indicator",
    "indicator_comparator", "indicator_target", "indicator_value", "source_row",
)  # fmt: skip

_COMPARATORS = {"≥": ">=", ">=": ">=", ">": ">", "≤": "<=", "<=": "<=", "<": "<", "=": "="}
_TARGET = re.compile(r"^\s*(?P<op>≥|>=|>|≤|<=|<|=)?\s*(?P<value>\d[\d\s\u00a0]*(?:[.,]\d+)?)\s*$")
_TRAILING_TARGET = re.compile(r"^(?P<text>.*?\S)\s*(?P<target>(?:≥|>=|>|≤|<=|<|=)\s*\d[\d\s]*)$")


def parse_indicator_target(text: str) -> tuple[str, float] | None:
    """``'≥ 100'`` → ``('>=', 100.0)``; a plain number means "at least"; else None.

    >>> parse_indicator_target("≥ 100"), parse_indicator_target("1 000"), parse_indicator_target("x")
    (('>=', 100.0), ('>=', 1000.0), None)
    """
    match = _TARGET.match(str(text))
    if not match:
        return None
    value = re.sub(r"[\s\u00a0]", "", match.group("value")).replace(",", ".")
    return _COMPARATORS[match.group("op") or "≥"], float(value)


def split_indicator(text: str) -> tuple[str, str | None]:
    """``'antal aktörer kartlagda ≥ 100'`` → ``('antal aktörer kartlagda', '≥ 100')``.

    >>> split_indicator("antal aktörer kartlagda ≥ 100")
    ('antal aktörer kartlagda', '≥ 100')
    >>> split_indicator("en skriven slutrapport")
    ('en skriven slutrapport', None)
    """
    match = _TRAILING_TARGET.match(str(text).strip())
    if not match:
        return str(text).strip(), None
    return match.group("text"), match.group("target")


def _optional_text(t: _Table, name: str) -> pd.Series:
    """Free text, None where blank."""
    text = t.text(name).astype("object")
    return text.where(text != "", None)


def _open_codes(t: _Table, name: str, vocabulary: dict[str, tuple[str, ...]]) -> pd.Series:
    """Codes of a column; unknown words are problems naming the accepted words."""
    lookup = _lookup(vocabulary)
    keys = t.text(name).map(normalise_token)
    codes = keys.map(lookup)
    bad = (codes.isna() & (keys != "")).to_numpy()
    t.flag(name, bad, _code_expectation(vocabulary))
    return codes.astype("object").where(codes.notna(), None)


def _dates(t: _Table, name: str, *, today: date | None) -> pd.Series:
    """Dates of a column; ``today`` given: not after it (done things), else any date."""
    values, bad = parse_dates(t.text(name))
    t.flag(name, bad.to_numpy(), DATE_FORMS)
    early = (values < EARLIEST_DATE).fillna(False).to_numpy()
    t.flag(name, early, f"a date from {EARLIEST_DATE.date().isoformat()} on")
    unusable = bad.to_numpy() | early
    if today is not None:
        future = (values > pd.Timestamp(today)).fillna(False).to_numpy()
        t.flag(name, future, f"a date not after today ({today.isoformat()}); an activity "
               "is listed once it has taken place")  # fmt: skip
        unusable |= future
    return values.where(~unusable).astype("datetime64[ns]")


def _activities(
    raw: RawTable, *, today: date, words: ExportWords | None = None
) -> tuple[pd.DataFrame, ValidationReport]:
    t = _Table(raw, ACTIVITIES, "activities", words)
    for name in ("project", "activity", "kind", "date"):
        t.required(name)
    out: dict[str, pd.Series] = {
        name: t.unify(name) for name in ("project", "activity", "phase", "municipality")
    }
    out["note"] = _optional_text(t, "note")
    out["kind"] = _open_codes(t, "kind", ACTIVITY_KIND)
    out["date"] = _dates(t, "date", today=today)
    for name in ("attendees", "women", "men", "organisations"):
        what = "a count of organisations" if name == "organisations" else "a count of people"
        out[name] = t.integer(name, 0, None, units="count", what=what).astype("Int64")
    both = (out["women"].fillna(0) + out["men"].fillna(0)).astype("Int64")
    more = (
        out["attendees"].notna() & (out["women"].notna() | out["men"].notna())
        & (both > out["attendees"])
    ).fillna(False).to_numpy()  # fmt: skip
    sums = both.to_numpy()
    t.flag(
        "attendees",
        more,
        lambda i: f"at least the women and men counted in this row ({sums[i]})",
    )
    t.duplicates(
        {
            "project": out["project"],
            "activity": out["activity"],
            "date": out["date"].dt.strftime("%Y-%m-%d"),
        },
        "(project, activity, date)",
    )
    out["source_row"] = pd.Series(raw.source_rows, index=t.index, dtype="int64")
    return pd.DataFrame({c: out[c] for c in ACTIVITY_COLUMNS}, index=t.index), t.finish()


def _product_goals(
    raw: RawTable, *, today: date, words: ExportWords | None = None
) -> tuple[pd.DataFrame, ValidationReport]:
    del today  # target dates may lie in the future
    t = _Table(raw, PRODUCT_GOALS, "product_goals", words)
    for name in ("project", "goal", "kind", "status"):
        t.required(name)
    out: dict[str, pd.Series] = {name: t.unify(name) for name in ("project", "goal")}
    out["kind"] = _open_codes(t, "kind", GOAL_KIND)
    out["status"] = _open_codes(t, "status", GOAL_STATUS)
    out["target_date"] = _dates(t, "target_date", today=None)
    out["evidence"] = _optional_text(t, "evidence")
    indicator, comparator, target = [], [], []
    target_text = t.text("indicator_target")
    bad_target = np.zeros(raw.n_rows, dtype=bool)
    for i, (text, given) in enumerate(zip(t.text("indicator"), target_text, strict=True)):
        name, inline = split_indicator(text) if text else ("", None)
        wanted = given or inline
        parsed = parse_indicator_target(wanted) if wanted else None
        if given and parsed is None:
            bad_target[i] = True
        indicator.append(name or None)
        comparator.append(parsed[0] if parsed else None)
        target.append(parsed[1] if parsed else None)
    t.flag("indicator_target", bad_target, "a target like ≥ 100, > 5, ≤ 10 or a number (means ≥)")
    out["indicator"] = pd.Series(indicator, index=t.index, dtype="object")
    out["indicator_comparator"] = pd.Series(comparator, index=t.index, dtype="object")
    out["indicator_target"] = pd.Series(target, index=t.index, dtype="float64")
    out["indicator_value"] = t.integer(
        "indicator_value", 0, None, units="count", what="a number"
    ).astype("Int64")
    t.duplicates({"project": out["project"], "goal": out["goal"]}, "(project, goal)")
    out["source_row"] = pd.Series(raw.source_rows, index=t.index, dtype="int64")
    return pd.DataFrame({c: out[c] for c in PRODUCT_GOAL_COLUMNS}, index=t.index), t.finish()


def load_activities(
    path: str | Path, *, today: date | None = None, sheet: str | None = None
) -> pd.DataFrame:
    """Read and validate an activities table, one row per activity.

    Returns:
        Columns project, activity, kind (code, see :data:`ACTIVITY_KIND`), date
        (datetime), phase, attendees, women, men, organisations (Int64, NA when not
        counted), municipality, note, source_row. ``frame.attrs`` holds file, sha256 and
        warnings.

    Raises:
        ValidationFailed: Any problem, all listed in ``.report``.
    """
    return _load_simple(path, "activities", sheet, today, _activities)


def load_product_goals(
    path: str | Path, *, today: date | None = None, sheet: str | None = None
) -> pd.DataFrame:
    """Read and validate a table of product goals (effekt-, produkt-, leveransmål).

    Returns:
        Columns project, goal, kind (effect/product/delivery), status (not_started,
        in_progress, achieved, not_achieved), target_date (datetime, NaT if none),
        evidence, indicator, indicator_comparator (``>=``, ``>``, ``<=``, ``<``, ``=``),
        indicator_target (float), indicator_value (Int64), source_row.

    Raises:
        ValidationFailed: Any problem, all listed in ``.report``.
    """
    return _load_simple(path, "product_goals", sheet, today, _product_goals)


# Dtypes of the canonical participants frame that are not text.
_PARTICIPANT_DTYPES = {
    "birth_year": "Int64",
    "start_date": "datetime64[ns]",
    "end_date": "datetime64[ns]",
    "self_assessment_start": "Int64",
    "self_assessment_end": "Int64",
    "source_row": "int64",
}


def empty_participants() -> Cohort:
    """A cohort with no one in it, for an insats without a participant register.

    Every participant analysis then runs on zero rows, and the report leaves out what
    needs participants.
    """
    frame = pd.DataFrame(
        {c: pd.Series(dtype=_PARTICIPANT_DTYPES.get(c, "str")) for c in PARTICIPANT_COLUMNS}
    )
    return Cohort(frame, "", "", 0, [])
