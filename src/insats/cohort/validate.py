"""Validate exports against the data contract and convert them to canonical frames.

Every problem of a file is found in one pass and reported with file, spreadsheet row
(header = row 1), column header as written, the value and what was expected. Nothing is
dropped silently: unknown columns and empty lines become warnings, an end date without
an exit reason becomes ``"unknown"`` with a warning.

Rules for the participants table (see also the README's data contract):

- required values: deltagar-id, insats, grupp, startdatum;
- codes must be a canonical code or one of its Swedish aliases; blank kön, utbildning,
  remittent and försörjning vid start mean ``"unknown"``; other blank codes are missing;
- dates must be readable, from 1990-01-01 and not after ``today``; slutdatum not
  before startdatum;
- födelseår from 1900 to this year; självskattning whole numbers 1–10;
- (deltagar-id, insats) at most once; every repeat is reported with the row it repeats;
- personnummer must have a real date (samordningsnummer: day + 60) and a correct Luhn
  check digit; they are never echoed whole (``19851231-****``); a deltagar-id that
  is a valid personnummer is refused, so identifiers cannot leak through it;
- exit fields (avslutsorsak, status/försörjning vid avslut, follow-ups) must be blank
  while slutdatum is blank;
- slutdatum without avslutsorsak: the reason becomes ``"unknown"`` (so the exit counts as
  not completed, i.e. early) and a warning lists the rows; a blank status vid avslut
  for someone who has exited becomes ``"unknown"`` too, so shares at exit keep them.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from insats.cohort.personnummer import redact_personnummer
from insats.cohort.pseudonymise import (
    PseudonymKeyMissing,
    check_personnummer,
    mask_personnummer,
    missing_key_message,
    pseudonymise,
)
from insats.cohort.read import (
    Coded,
    HeaderMatch,
    RawTable,
    ReadError,
    _parse_date_uniques,
    code_column,
    code_columns,
    code_lookup,
    match_headers,
    parse_ints,
    parse_numbers,
    spread,
    spread_many,
)
from insats.cohort.schema import (
    FINANCE,
    FUNNEL,
    MULTI_CODE_SEPARATORS,
    PARTICIPANTS,
    REGISTRATION_ERROR,
    SUPPORT_PRIORITY,
    Column,
    TableSchema,
    normalise_token,
    parse_work_extent,
)
from insats.cohort.shapes import read_export
from insats.cohort.words import ExportWords, format_block, suggest_code, suggest_header
from insats.errors import InsatsError
from insats.periods import PeriodError, parse_period

__all__ = [
    "PARTICIPANT_COLUMNS",
    "Cohort",
    "Problem",
    "ValidationFailed",
    "ValidationReport",
    "load_finance",
    "load_funnel",
    "load_participants",
]

# Column order of the canonical participants frame.
PARTICIPANT_COLUMNS = (
    "participant_id", "pseudonym", "project", "group", "municipality", "gender",
    "birth_year", "birth_region", "education", "swedish_level", "referral",
    "support_at_start", "start_date", "end_date", "exit_reason", "outcome_at_exit",
    "support_at_exit", "outcome_6m", "outcome_12m", "support_6m", "support_12m",
    "self_assessment_start", "self_assessment_end", "work_extent",
    # issue 11: SUS's sysselsättning, every försörjningskälla ticked (codes joined by ";",
    # main support first), anonymous rows, and the person behind each participation.
    "activity_before", "activity_after", "support_sources_at_start", "support_sources_at_exit",
    "is_anonymous", "person", "source_row",
)  # fmt: skip
FINANCE_COLUMNS = (
    "project", "funder", "period", "period_start", "period_end",
    "granted_sek", "invoiced_sek", "forecast_sek", "source_row",
)  # fmt: skip
FUNNEL_COLUMNS = (
    "project", "group", "municipality", "invited", "attended_info", "booked_interview",
    "attended_interview", "started", "source_row",
)  # fmt: skip

# Blank means "unknown" for these codes; for the others blank means missing / not yet.
BLANK_IS_UNKNOWN = ("gender", "education", "referral", "support_at_start")
# Fields that only make sense once a participant has left.
EXIT_FIELDS = (
    "exit_reason", "outcome_at_exit", "support_at_exit",
    "outcome_6m", "outcome_12m", "support_6m", "support_12m",
)  # fmt: skip
EARLIEST_DATE = pd.Timestamp("1990-01-01")
DATE_FORMS = "a date like 2021-02-01 (also 20210201, 210201 or an Excel date cell)"
PNR_FORMS = (
    "a valid personnummer YYYYMMDD-NNNN or YYMMDD-NNNN (a real birth date, or day + 60 "
    "for a samordningsnummer, and a correct check digit)"
)
_MAX_LISTED_ROWS = 20


# --- problems and reports -----------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One finding about an input file.

    Attributes:
        file: Base name of the file.
        row: Row as the user sees it in Excel (header = row 1); ``None`` for the file or
            a whole column.
        column: The header as written in the file (or the expected header if missing).
        value: The offending value as written (personnummer masked), or ``None``.
        expected: What was expected (errors) or what was done (warnings).
        severity: ``"error"`` or ``"warning"``.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    expected: str
    severity: str = "error"

    def __post_init__(self) -> None:
        # Whatever column it came from (a personnummer typed into "Kön", used as a header
        # or a file name), a value shaped like a personnummer is never echoed whole.
        for name in ("file", "column", "value", "expected"):
            object.__setattr__(self, name, redact_personnummer(getattr(self, name)))

    def __str__(self) -> str:
        text = self.file
        if self.row is not None:
            text += f", row {self.row}"
        if self.column is not None:
            text += f', column "{self.column}"'
        if self.value is not None:
            text += f': "{self.value}"'
        lead = "expected " if self.severity == "error" else ""
        return f"{text} — {lead}{self.expected}"


@dataclass
class ValidationReport:
    """All problems and warnings of one file.

    Attributes:
        file: Base name of the file.
        kind: ``participants``, ``finance`` or ``funnel`` (``None`` if not recognised).
        n_rows: Data rows read.
        problems: Errors; any error makes the file unusable.
        warnings: Things done on the user's behalf, listed so nothing happens silently.
    """

    file: str
    kind: str | None = None
    n_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    # Closest contract names for unknown headers / code words (for `insats validate`).
    suggested_columns: dict[str, str] = field(default_factory=dict)
    suggested_codes: dict[str, dict[str, str]] = field(default_factory=dict)

    def suggestion_block(self) -> str:
        """A ``columns:`` / ``codes:`` block mapping the unknown words to their closest match."""
        return format_block(self.suggested_columns, self.suggested_codes)

    def __post_init__(self) -> None:
        self.file = redact_personnummer(self.file)

    @property
    def ok(self) -> bool:
        """True when there are no errors (warnings allowed)."""
        return not self.problems

    def format(self, limit: int | None = None) -> str:
        """The listing shown to the user: a count line, then one line per finding.

        Args:
            limit: Show at most this many errors (and warnings); ``None`` shows all.
        """
        what = f"{self.kind}, " if self.kind else ""
        count = len(self.problems)
        status = "no problems" if count == 0 else f"{count} problem{'s' if count != 1 else ''}"
        lines = [f"{self.file} ({what}{self.n_rows} rows): {status}"]
        lines += _listing(self.problems, limit)
        if self.warnings:
            lines.append(f"{len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}:")
            lines += _listing(self.warnings, limit)
        return "\n".join(lines)

    def raise_if_failed(self) -> None:
        """Raise :class:`ValidationFailed` carrying this report if there are errors."""
        if not self.ok:
            raise ValidationFailed(self)

    def to_frame(self) -> pd.DataFrame:
        """One row per finding: severity, file, row, column, value, expected."""
        records = [
            {
                "severity": p.severity, "file": p.file, "row": p.row, "column": p.column,
                "value": p.value, "expected": p.expected,
            }
            for p in [*self.problems, *self.warnings]
        ]  # fmt: skip
        frame = pd.DataFrame(
            records, columns=["severity", "file", "row", "column", "value", "expected"]
        )
        frame["row"] = frame["row"].astype("Int64")
        return frame

    def _repr_html_(self) -> str:
        return f"<pre>{html.escape(self.format(limit=200))}</pre>"

    def __str__(self) -> str:
        return self.format()


def _listing(items: list[Problem], limit: int | None) -> list[str]:
    shown = items if limit is None else items[:limit]
    lines = [f"  {p}" for p in shown]
    if len(items) > len(shown):
        lines.append(f"  … and {len(items) - len(shown)} more")
    return lines


class ProblemReport(Protocol):
    """What a :class:`ValidationFailed` carries: one file's :class:`ValidationReport`, or
    several listed together (``insats.report.build.InputsReport``).
    """

    @property
    def ok(self) -> bool: ...

    @property
    def problems(self) -> list[Any]: ...

    def format(self, limit: int | None = None) -> str: ...


class ValidationFailed(InsatsError):
    """A file broke the data contract; ``.report`` holds every problem."""

    def __init__(self, report: ProblemReport) -> None:
        self.report = report
        super().__init__(report.format(limit=50))


@dataclass
class Cohort:
    """A validated participants table in canonical form (no personnummer).

    Attributes:
        data: The canonical frame (columns :data:`PARTICIPANT_COLUMNS`).
        file: Base name of the export.
        sha256: Hex SHA-256 of the export's bytes.
        n_rows: Data rows read (equals ``len(data)``: no row is dropped).
        warnings: What was done on the user's behalf.
    """

    data: pd.DataFrame
    file: str
    sha256: str
    n_rows: int
    warnings: list[Problem] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"Cohort(file={self.file!r}, n_rows={self.n_rows}, warnings={len(self.warnings)})"


# --- the machinery shared by the three tables -----------------------------------------


def _code_expectation(vocabulary: dict[str, tuple[str, ...]]) -> str:
    swedish = [
        next((a for a in aliases if a.strip()), code) for code, aliases in vocabulary.items()
    ]
    return f"one of: {', '.join(swedish)} ({', '.join(vocabulary)})"


def _display_header(col: Column) -> str:
    """The header we would expect to see: the first Swedish alias."""
    return col.aliases[0] if col.aliases else col.name


def _place(where: object) -> str:
    """How a message names the part of a workbook a row came from."""
    return str(where) if str(where).startswith("column ") else f'sheet "{where}"'


class _Table:
    """A raw table mapped onto a schema, collecting problems as columns are parsed."""

    def __init__(
        self, raw: RawTable, schema: TableSchema, kind: str, words: ExportWords | None = None
    ) -> None:
        self.raw = raw
        self.schema = schema
        self.words = words or ExportWords()
        self.match: HeaderMatch = match_headers(raw.header, schema, self.words.columns)
        self.report = ValidationReport(raw.file, kind, raw.n_rows)
        self._found: list[tuple[int, int, Problem]] = []
        self._notes: list[Problem] = []
        self.rows = raw.source_rows
        self.index = pd.RangeIndex(raw.n_rows)
        self._text: dict[str, pd.Series] = {}
        self._coded: dict[str, Coded] = {}
        self._check_header()
        if raw.n_rows == 0:
            self._notes.append(
                Problem(raw.file, None, None, None, "the file has no data rows", "warning")
            )
        for row, message in raw.notes:
            self._notes.append(Problem(raw.file, row, None, None, message, "warning"))
        # A workbook read sheet by sheet: messages name the sheet with the row, listed
        # sheet by sheet.
        self.row_sheets: np.ndarray | None = getattr(raw, "row_sheets", None)
        self._place_order: dict[str, int] = {}
        if self.row_sheets is not None:
            for where in pd.unique(self.row_sheets):
                self._place_order.setdefault(_place(where), len(self._place_order))
        for row, column, value, expected, *place in raw.problems:
            file = f"{raw.file}, {place[0]}" if place else raw.file
            order = self._place_order.get(place[0], 0) * 10**9 if place else 0
            self._found.append(
                (order + (row or 0), -1, Problem(file, row, column, value, expected))
            )
        # A transposed table: the sheet row of each cell, per column position.
        self.cell_rows: dict[int, np.ndarray] | None = getattr(raw, "cell_rows", None)

    # header-level checks
    def _check_header(self) -> None:
        raw = self.raw
        for name, positions in self.match.duplicates.items():
            headers = ", ".join(f'"{raw.header[p]}"' for p in positions)
            self._add(
                None,
                positions[1],
                raw.header[positions[1]],
                None,
                f"one column for {name}, but {headers} all mean {name}",
            )
        for col in self.schema.columns:
            if col.required_unless and col.required_unless in self.match.columns:
                continue
            if col.required and col.name not in self.match.columns:
                also = ", ".join(col.aliases[1:]) or "—"
                problem = Problem(
                    raw.file,
                    None,
                    _display_header(col),
                    None,
                    f"this required column ({col.name}; also accepted: {also}); "
                    "no header matches it",
                )
                self._found.append((0, -1, problem))
        for pos in self.match.unknown:
            header = raw.header[pos] or f"(no header, column {pos + 1})"
            close = suggest_header(raw.header[pos], self.schema) if raw.header[pos] else None
            taken = set(self.match.columns) | set(self.report.suggested_columns.values())
            if close is not None and close not in taken:
                self.report.suggested_columns[raw.header[pos]] = close
            self._notes.append(
                Problem(
                    raw.file,
                    None,
                    header,
                    None,
                    f"not a column of the {self.schema.name} table; ignored",
                    "warning",
                )
            )

    def has(self, name: str) -> bool:
        return name in self.match.columns

    def header_of(self, name: str) -> str:
        if self.has(name):
            return self.raw.header[self.match.columns[name]]
        return _display_header(self.schema.column(name))

    def coded(self, name: str) -> Coded:
        """A column as distinct stripped values and per-row codes (blank if absent)."""
        if name not in self._coded:
            if not self.has(name):
                self._coded[name] = Coded(
                    np.zeros(self.raw.n_rows, dtype=np.intp), pa.array([""], pa.large_string())
                )
            else:
                self._coded[name] = code_column(self.raw.data[self.match.columns[name]])
        return self._coded[name]

    def code_all(self) -> None:
        """Encode every matched column now, together (in threads for large tables)."""
        names = [n for n in self.match.columns if n not in self._coded]
        columns = [self.raw.data[self.match.columns[n]] for n in names]
        self._coded.update(zip(names, code_columns(columns), strict=True))

    def text(self, name: str) -> pd.Series:
        """Stripped strings of a column ("" everywhere if the column is absent)."""
        if name not in self._text:
            self._text[name] = self.coded(name).text(self.index)
        return self._text[name]

    def blank(self, name: str) -> np.ndarray:
        """Per row, whether the column is blank (or absent)."""
        return self.coded(name).blank()

    def _add(
        self,
        row: int | None,
        pos: int,
        column: str | None,
        value: str | None,
        expected: str,
        severity: str = "error",
    ) -> None:
        problem = Problem(self.raw.file, row, column, value, expected, severity)
        if severity == "error":
            self._found.append((row or 0, pos, problem))
        else:
            self._notes.append(problem)

    def flag(
        self,
        name: str,
        mask: pd.Series | np.ndarray,
        expected: str | Callable[[int], str],
        *,
        show: Callable[[str], str] | None = None,
    ) -> None:
        """Record a problem for every row where ``mask`` is true (bad rows only looped)."""
        hits = np.flatnonzero(np.asarray(mask, dtype=bool))
        if not len(hits):
            return
        values = self.coded(name).values_at(hits)
        pos = self.match.columns.get(name, -1)
        header = self.header_of(name)
        for i, value in zip(hits, values, strict=True):
            shown = show(value) if show else value
            message = expected(int(i)) if callable(expected) else expected
            if self.row_sheets is not None:
                row = int(self.rows[i])
                if self.cell_rows is not None and pos in self.cell_rows:
                    row = int(self.cell_rows[pos][i])
                where = _place(self.row_sheets[i])
                problem = Problem(f"{self.raw.file}, {where}", row, header, shown, message)
                self._found.append((self._place_order[where] * 10**9 + row, pos, problem))
                continue
            self._add(int(self.rows[i]), pos, header, shown, message)

    def warn(self, name: str | None, message: str) -> None:
        self._notes.append(
            Problem(
                self.raw.file,
                None,
                self.header_of(name) if name else None,
                None,
                message,
                "warning",
            )
        )

    def warn_rows(self, name: str | None, mask: np.ndarray, message: str) -> None:
        rows = self.rows[np.asarray(mask, dtype=bool)]
        if len(rows):
            listed = ", ".join(str(r) for r in rows[:_MAX_LISTED_ROWS])
            more = " …" if len(rows) > _MAX_LISTED_ROWS else ""
            self.warn(name, f"{len(rows)} row(s) {message} (rows {listed}{more})")

    # column parsers -------------------------------------------------------------
    def required(self, name: str) -> None:
        if self.has(name):
            self.flag(name, self.blank(name), "a value (this column is required)")

    def code(self, name: str) -> pd.Series:
        return spread(*self.code_unique(name), self.index)

    def code_unique(self, name: str) -> tuple[pd.Series, np.ndarray]:
        """:meth:`code` as canonical codes per distinct value, and the per-row codes."""
        col = self.schema.column(name)
        assert col.codes is not None
        coded = self.coded(name)
        lookup = self._lookup(name, col)
        keys = coded.series().map(normalise_token)
        codes = keys.map(lookup).astype("str")
        bad = (codes.isna() & (keys != "")).to_numpy()
        self.flag(name, bad[coded.codes], _code_expectation(col.codes))
        self._suggest_codes(name, col, coded.series()[bad])
        return codes, coded.codes

    def _lookup(self, name: str, col: Column) -> dict[str, str]:
        """The contract's words for a column, with the evaluator's ``codes:`` on top."""
        assert col.codes is not None  # only coded columns are looked up
        lookup = _lookup(col.codes)
        own = self.words.code_lookup(name)
        return {**lookup, **own} if own else lookup

    def _suggest_codes(self, name: str, col: Column, words: pd.Series) -> None:
        assert col.codes is not None  # only coded columns are suggested codes
        for word in words:
            close = suggest_code(word, col.codes)
            if close is not None:
                self.report.suggested_codes.setdefault(name, {})[word] = close

    def code_unique_multi(self, name: str) -> tuple[pd.Series, pd.Series, np.ndarray]:
        """:meth:`code_unique` for cells that may list several codes (SUS försörjningskällor).

        A cell is first read whole; failing that it is split at ``,`` ``;`` ``/`` and
        ``och``. Returns the main code per distinct value (the first of its codes in
        :data:`SUPPORT_PRIORITY`), all its codes joined by ``;`` in that order, and the
        per-row codes. An unknown part is reported as the value.
        """
        col = self.schema.column(name)
        assert col.codes is not None
        coded = self.coded(name)
        lookup = self._lookup(name, col)
        uniques = coded.series()
        main = pd.Series(np.nan, index=uniques.index, dtype="str")
        sources = pd.Series(np.nan, index=uniques.index, dtype="str")
        bad_part: dict[int, str] = {}
        order = {c: i for i, c in enumerate(SUPPORT_PRIORITY)}
        for i, value in enumerate(uniques):
            key = normalise_token(value)
            if not key:
                continue
            if key in lookup:
                main[i] = sources[i] = lookup[key]
                continue
            parts = [p for p in re.split(MULTI_CODE_SEPARATORS, value.strip()) if p.strip()]
            found = [lookup.get(normalise_token(p)) for p in parts]
            unknown = [p.strip() for p, f in zip(parts, found, strict=True) if f is None]
            if unknown or len(parts) < 2:
                bad_part[i] = unknown[0] if unknown else value
                continue
            ordered = sorted(
                {c for c in found if c is not None}, key=lambda c: order.get(c, len(order))
            )
            if len(ordered) > 1:
                ordered = [c for c in ordered if c not in ("none", "unknown")] or ordered
            main[i], sources[i] = ordered[0], ";".join(ordered)
        if bad_part:
            bad = np.zeros(len(uniques), dtype=bool)
            bad[list(bad_part)] = True
            part_of = {uniques[i]: part for i, part in bad_part.items()}
            message = _code_expectation(col.codes) + (
                "; several may be listed, separated by , ; / or och"
            )
            self.flag(name, bad[coded.codes], message, show=lambda v: part_of.get(v, v))
            self._suggest_codes(name, col, pd.Series(list(bad_part.values()), dtype="str"))
        return main, sources, coded.codes

    def date(self, name: str, today: date) -> tuple[pd.Series, np.ndarray]:
        coded = self.coded(name)
        dates, bad = _parse_date_uniques(coded.series())
        dates = dates.to_numpy()
        self.flag(name, bad[coded.codes], DATE_FORMS)
        with np.errstate(invalid="ignore"):
            future = dates > np.datetime64(today, "ns")
            early = dates < EARLIEST_DATE.to_datetime64()
        self.flag(name, future[coded.codes], f"a date not after today ({today.isoformat()})")
        self.flag(name, early[coded.codes], f"a date from {EARLIEST_DATE.date().isoformat()} on")
        unusable = bad | future | early
        usable_dates = np.where(unusable, np.datetime64("NaT", "ns"), dates)
        return pd.Series(usable_dates[coded.codes], index=self.index), unusable[coded.codes]

    def integer(
        self,
        name: str,
        low: float | None,
        high: float | None,
        units: str = "plain",
        what: str = "a whole number",
    ) -> pd.Series:
        coded = self.coded(name)
        values, bad = parse_ints(coded.series(), units)
        out_of_range = pd.Series(False, index=values.index)
        if low is not None:
            out_of_range |= (values < low).fillna(False)
        if high is not None:
            out_of_range |= (values > high).fillna(False)
        span = (f" from {low:g}" if low is not None else "") + (
            f" to {high:g}" if high is not None else ""
        )
        self.flag(name, (bad | out_of_range).to_numpy()[coded.codes], f"{what}{span}")
        return coded.spread(values.where(~out_of_range.to_numpy()), self.index)

    def amount(self, name: str, low: float | None) -> pd.Series:
        values, bad = parse_numbers(self.text(name), "amount")
        negative = (values < low).fillna(False) if low is not None else bad & False
        self.flag(
            name,
            bad | negative,
            "an amount in kronor like 1 460 000, 24,5, 246 tkr or 1,2 mkr"
            + (" (not negative)" if low is not None else ""),
        )
        return values.where(~negative.to_numpy())

    def unify(self, name: str) -> pd.Series:
        """Stripped text, with spellings that differ only in case/spaces unified.

        The most common spelling wins (ties: the first in the file), so "Första Steget" and
        "Första steget" count as one insat; a warning names every spelling that was changed.
        """
        return spread(*self.unify_unique(name), self.index)

    def unify_coded(self, name: str) -> tuple[pd.Series, np.ndarray]:
        """:meth:`unify`, plus per row a code of the unified value (-1 for blank)."""
        target, codes = self.unify_unique(name)
        unified, _ = pd.factorize(target, use_na_sentinel=True)
        return spread(target, codes, self.index), unified[codes]

    def unify_unique(self, name: str) -> tuple[pd.Series, np.ndarray]:
        """:meth:`unify` as the unified text per distinct value, and the per-row codes."""
        coded = self.coded(name)
        uniques = coded.series()
        blank = (uniques == "").to_numpy()
        # Distinct values are in order of first appearance, so position = first seen.
        spellings = uniques[~blank]
        if len(spellings) < 2:
            target = uniques.where(~blank)
        else:
            counts = np.bincount(coded.codes, minlength=len(uniques))[~blank]
            keys = spellings.str.lower().str.split().str.join(" ")
            frame = pd.DataFrame(
                {
                    "spelling": spellings.to_numpy(),
                    "key": keys.to_numpy(),
                    "n": counts,
                    "first": np.arange(len(spellings)),
                }
            )
            winner = (
                frame.sort_values(["key", "n", "first"], ascending=[True, False, True])
                .drop_duplicates("key")
                .set_index("key")["spelling"]
            )
            frame["target"] = frame["key"].map(winner).to_numpy()
            # Warnings in value_counts order: most common first.
            listed = frame.sort_values(["n", "first"], ascending=[False, True], kind="stable")
            for spelling, target in zip(listed["spelling"], listed["target"], strict=True):
                if spelling != target:
                    self.warn(name, f'"{spelling}" read as "{target}" (same name, other spelling)')
            target = pd.Series(np.nan, index=uniques.index, dtype="str")
            target[~blank] = frame["target"].to_numpy()
        return target.astype("str"), coded.codes

    def duplicates(self, keys: dict[str, pd.Series], label: str, needed: int | None = None) -> None:
        """Flag every repeat of the key, naming the row it repeats.

        Rows blank in one of the first ``needed`` keys (default: all) are not compared:
        the blank itself is reported as a missing required value.
        """
        frame = pd.DataFrame({k: v.fillna("") for k, v in keys.items()})
        frame["_row"] = self.rows
        usable = (frame[list(keys)[:needed]] != "").all(axis=1)
        dup = frame.duplicated(list(keys), keep="first") & usable
        if not dup.any():
            return
        first = frame.groupby(list(keys), sort=False)["_row"].transform("min").to_numpy()
        first_name = next(iter(keys))
        self.flag(
            first_name, dup, lambda i: f"each {label} only once; this row repeats row {first[i]}"
        )

    def finish(self) -> ValidationReport:
        self._found.sort(key=lambda t: (t[0], t[1]))
        self.report.problems = [p for _, _, p in self._found]
        self.report.warnings = list(self._notes)
        return self.report

    def duplicate_codes(
        self,
        name: str,
        keys: list[np.ndarray],
        usable: np.ndarray,
        label: str,
        show: Callable[[str], str] | None = None,
    ) -> None:
        """:meth:`duplicates` for keys given as non-negative integer codes per row."""
        combined = np.zeros(len(usable), dtype="int64")
        for codes in keys:
            width = int(codes.max()) + 1 if len(codes) else 1
            combined = combined * width + codes
        # Rows not compared get keys of their own, so they are nobody's first.
        combined = np.where(usable, combined, -1 - np.arange(len(usable), dtype="int64"))
        combined = pd.Series(combined)
        dup = combined.duplicated(keep="first").to_numpy() & usable
        if not dup.any():
            return
        first = pd.Series(self.rows).groupby(combined.to_numpy()).transform("min").to_numpy()
        self.flag(
            name,
            dup,
            lambda i: f"each {label} only once; this row repeats row {first[i]}",
            show=show,
        )


_LOOKUPS: dict[int, tuple[object, dict[str, str]]] = {}


def _lookup(vocabulary: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """:func:`code_lookup`, built once per vocabulary (they are module constants)."""
    cached = _LOOKUPS.get(id(vocabulary))
    if cached is None or cached[0] is not vocabulary:
        cached = _LOOKUPS[id(vocabulary)] = (vocabulary, code_lookup(vocabulary))
    return cached[1]


# --- participants ----------------------------------------------------------------------


def _set_rows(
    per_unique: pd.Series, codes: np.ndarray, rows: np.ndarray, value: str
) -> tuple[pd.Series, np.ndarray]:
    """Set ``value`` in the rows of ``rows`` of a column held as distinct values + codes."""
    per_unique = pd.concat([per_unique, pd.Series([value], dtype="str")], ignore_index=True)
    codes = codes.copy()
    codes[rows] = len(per_unique) - 1
    return per_unique, codes


ANONYMOUS_MARKERS = ("anonym", "anonymous", "anonymt", "anonyma")
ANONYMOUS_HOW = (
    'or mark an anonymous participant: "anonym" in the deltagar-id column, or a blank '
    "deltagar-id and personnummer with allow_anonymous: true in the parameters"
)


def _participants(  # noqa: C901 - the contract's checks of one table, all problems at once, in column order
    raw: RawTable,
    *,
    key: bytes | None,
    today: date,
    need_key: bool,
    words: ExportWords | None = None,
) -> tuple[pd.DataFrame, ValidationReport]:
    t = _Table(raw, PARTICIPANTS, "participants", words)
    n = raw.n_rows
    t.code_all()
    out: dict[str, pd.Series] = {}

    # Personnummer first: refuse early without a key, and never keep the strings.
    pseudonym = pd.Series(np.nan, index=t.index, dtype="str")
    has_pnr = t.has("personnummer")
    # Per row, a code of the person's (normalised) personnummer; -1 blank or invalid.
    pnr_person = np.full(n, -1, dtype=np.int64)
    pnr_blank = np.ones(n, dtype=bool)
    if has_pnr:
        pnr = t.coded("personnummer")
        if need_key and key is None and not pnr.blank_uniques().all():
            raise PseudonymKeyMissing(missing_key_message(raw.file))
        # Check and hash each distinct number once.
        normalised, valid = check_personnummer(pnr.series(), today)
        t.flag("personnummer", ~valid.to_numpy()[pnr.codes], PNR_FORMS, show=mask_personnummer)
        person_codes, _ = pd.factorize(normalised, use_na_sentinel=True)
        pnr_person = np.asarray(person_codes, dtype=np.int64)[pnr.codes]
        pnr_blank = pnr.blank()
        if key is not None:
            pseudonym = pnr.spread(pseudonymise(normalised, key), t.index)
        del normalised, pnr

    for name in ("project", "group", "start_date"):
        t.required(name)
    pid = t.coded("participant_id")
    # Anonymous participants (SUS: no consent or protected identity): a marker in the id
    # column, or blank id and personnummer when the parameters allow it.
    marker_uniques = pc.match_substring_regex(
        pid.uniques, pattern="^(?i:" + "|".join(ANONYMOUS_MARKERS) + ")$"
    )
    markers = marker_uniques.to_numpy(zero_copy_only=False).astype(bool)[pid.codes]
    pid_blank = pid.blank() | markers
    anonymous = markers | (t.words.allow_anonymous & pid_blank & pnr_blank)
    t.flag(
        "participant_id",
        markers & ~pnr_blank,
        "a blank personnummer on a row marked anonymous (or a real deltagar-id)",
    )
    if has_pnr:
        missing = pid_blank & pnr_blank & ~anonymous
        t.flag(
            "personnummer",
            missing,
            f"a personnummer{' or a deltagar-id' if t.has('participant_id') else ''} "
            f"({ANONYMOUS_HOW})",
        )
    elif t.has("participant_id"):
        t.flag(
            "participant_id",
            pid_blank & ~anonymous,
            f"a value (this column is required without a personnummer column; {ANONYMOUS_HOW})",
        )
    # Only digit strings of personnummer length need the full check.
    candidate = pc.match_substring_regex(
        pid.uniques, pattern=r"^\d{6}(\d{2})?\s*[-+\x{2010}-\x{2015}\x{2212}]?\s*\d{4}$"
    )
    candidate = candidate.to_numpy(zero_copy_only=False).astype(bool)
    is_pnr = np.zeros(len(candidate), dtype=bool)
    if candidate.any():
        ids = pd.Series(pid.uniques.filter(pa.array(candidate)).to_pylist(), dtype="str")
        normalised_id, _ = check_personnummer(ids, today)
        is_pnr[candidate] = normalised_id.notna().to_numpy()
    t.flag(
        "participant_id",
        is_pnr[pid.codes],
        "an identifier of the export, not a personnummer (this value is one; put "
        "personnummer in their own column, they are pseudonymised)",
        show=mask_personnummer,
    )
    pid_text = pid.text(t.index, blank_as_na=True).where(~markers)
    # Without a deltagar-id the pseudonym is the identity (never the number itself).
    out["participant_id"] = pid_text.fillna(pseudonym).where(~anonymous)
    out["pseudonym"] = pseudonym.where(~anonymous)
    out["person"] = pseudonym.fillna(pid_text).where(~anonymous).astype("str")
    out["is_anonymous"] = pd.Series(anonymous, index=t.index, dtype="bool")
    out["project"], project_codes = t.unify_coded("project")
    # Text columns are built per distinct value and spread to the rows at the end, together.
    later: dict[str, tuple[pd.Series, np.ndarray]] = {}
    later["group"] = t.unify_unique("group")
    later["municipality"] = t.unify_unique("municipality")

    for name in ("gender", "education", "referral"):
        per_unique, codes = t.code_unique(name)
        later[name] = (per_unique.fillna("unknown"), codes)
    main, sources, codes = t.code_unique_multi("support_at_start")
    later["support_at_start"] = (main.fillna("unknown"), codes)
    later["support_sources_at_start"] = (sources, codes)
    later["activity_before"] = t.code_unique("activity_before")
    out["birth_year"] = t.integer("birth_year", 1900, today.year, what="a year")
    for name in ("birth_region", "swedish_level"):
        out[name] = t.coded(name).text(t.index, blank_as_na=True)

    start, start_bad = t.date("start_date", today)
    end, end_bad = t.date("end_date", today)
    before = (end < start).to_numpy()
    start_values = start.to_numpy()
    t.flag(
        "end_date",
        before,
        lambda i: (
            f"a date on or after {t.header_of('start_date')} "
            f"{pd.Timestamp(start_values[i]).strftime('%Y-%m-%d')}"
        ),
    )
    out["start_date"] = start
    out["end_date"] = end.where(~before)

    ended = ~t.blank("end_date")
    ended_ok = ended & ~end_bad & ~before  # a readable end date, used for the defaults below
    for name in (*EXIT_FIELDS, "activity_after"):
        if name == "support_at_exit":
            main, sources, codes = t.code_unique_multi(name)
            later[name], later["support_sources_at_exit"] = (main, codes), (sources, codes)
        else:
            later[name] = t.code_unique(name)
        given = ~t.blank(name)
        t.flag(
            name,
            given & ~ended,
            f"blank while {t.header_of('end_date')} is blank (the participant has not left)",
        )

    # A registration error (SUS avslutsanledning "felregistrering") is no participation.
    reasons, reason_codes = later["exit_reason"]
    wrong = (reasons.to_numpy() == REGISTRATION_ERROR)[reason_codes] if n else np.zeros(0, bool)
    ended_ok = ended_ok & ~wrong
    no_reason = ended_ok & t.blank("exit_reason")
    if no_reason.any():
        t.warn_rows(
            "exit_reason",
            no_reason,
            'have an end date but no exit reason; counted as "unknown" (okänt), i.e. not completed',
        )
        later["exit_reason"] = _set_rows(*later["exit_reason"], no_reason, "unknown")
    no_outcome = ended_ok & t.blank("outcome_at_exit")
    if no_outcome.any():
        t.warn_rows(
            "outcome_at_exit",
            no_outcome,
            'have an end date but no status at exit; counted as "unknown" (okänt)',
        )
        later["outcome_at_exit"] = _set_rows(*later["outcome_at_exit"], no_outcome, "unknown")

    out["self_assessment_start"] = t.integer("self_assessment_start", 1, 10)
    out["self_assessment_end"] = t.integer("self_assessment_end", 1, 10)
    out["work_extent"] = _work_extent(t)

    # The same person in the same insats with the same start date is a duplicate; a later
    # start date is a re-enrolment (SUS: every participation counts).
    start_codes, _ = pd.factorize(start.to_numpy(), use_na_sentinel=True)
    start_codes = np.asarray(start_codes, dtype=np.int64)
    usable = (project_codes >= 0) & (start_codes >= 0) & ~anonymous & ~wrong
    t.duplicate_codes(
        "participant_id",
        [pid.codes, project_codes + 1, start_codes + 1],
        ~pid_blank & usable,
        "(deltagar-id, insats, startdatum)",
    )
    if has_pnr:
        t.duplicate_codes(
            "personnummer",
            [pnr_person + 1, project_codes + 1, start_codes + 1],
            (pnr_person >= 0) & usable,
            "(person, insats, startdatum)",
            show=mask_personnummer,
        )
    # Persons by personnummer where given, else by deltagar-id (works without the key).
    person_code = np.where(pnr_person >= 0, pnr_person, pnr_person.max(initial=0) + 1 + pid.codes)
    known = usable & ~(pid_blank & (pnr_person < 0))
    _check_overlaps(t, person_code, project_codes, start, out["end_date"], known)
    out["source_row"] = pd.Series(raw.source_rows, index=t.index, dtype="int64")
    out.update(zip(later, spread_many(list(later.values()), t.index), strict=True))
    frame = pd.DataFrame({name: out[name] for name in PARTICIPANT_COLUMNS}, index=t.index)
    assert len(frame) == n
    if wrong.any():
        t.warn_rows(
            "exit_reason",
            wrong,
            'are registration errors ("felregistrering"): left out of every count',
        )
        frame = frame.loc[~wrong].reset_index(drop=True)
    anonymous_kept = anonymous & ~wrong
    if anonymous_kept.any():
        t.warn_rows(
            "participant_id" if t.has("participant_id") else "personnummer",
            anonymous_kept,
            "are anonymous participants: counted, but not followed across files",
        )
    counted = ~anonymous & ~wrong & ~(pid_blank & (pnr_person < 0)) & (project_codes >= 0)
    pairs = pd.DataFrame({"p": person_code[counted], "i": project_codes[counted]})
    repeats = int(len(pairs) - len(pairs.drop_duplicates()))
    if repeats:
        t.warn(
            None,
            f"{repeats} re-enrolment(s): the same person started the same insats again "
            "later; every participation counts",
        )
    return frame, t.finish()


def _work_extent(t: _Table) -> pd.Series:
    """Extent of work as a share of full time (NaN = blank or unreadable, flagged)."""
    coded = t.coded("work_extent")
    values, bad = [], []
    for text in coded.uniques.to_pylist():  # distinct values only
        try:
            share = parse_work_extent(text)
        except ValueError:
            share, is_bad = None, True
        else:
            is_bad = False
        values.append(np.nan if share is None else share)
        bad.append(is_bad)
    t.flag(
        "work_extent",
        np.array(bad, dtype=bool)[coded.codes],
        "heltid, deltid, or a share of full time like 75 %, 75 or 0,75",
    )
    return pd.Series(np.array(values, dtype="float64")[coded.codes], index=t.index)


def _check_overlaps(
    t: _Table,
    person: np.ndarray,
    project: np.ndarray,
    start: pd.Series,
    end: pd.Series,
    usable: np.ndarray,
) -> None:
    """A re-enrolment starts after the person's previous participation in the insats ended."""
    rows = np.flatnonzero(usable)
    if len(rows) < 2:
        return
    starts = start.to_numpy()[rows]
    order = np.lexsort((starts, project[rows], person[rows]))
    rows, starts = rows[order], starts[order]
    ends = end.to_numpy()[rows]
    same = (person[rows][1:] == person[rows][:-1]) & (project[rows][1:] == project[rows][:-1])
    later = starts[1:] > starts[:-1]  # equal starts are duplicates, reported as such
    open_before = np.isnat(ends[:-1]) | (ends[:-1] >= starts[1:])
    bad = np.zeros(len(usable), dtype=bool)
    hits = same & later & open_before
    bad[rows[1:][hits]] = True
    previous = dict(zip(rows[1:][hits], rows[:-1][hits], strict=True))

    def expected(i: int) -> str:
        j = previous[i]
        row = int(t.rows[j])
        if pd.isna(end.iloc[j]):
            return (
                f"a start after the same person's participation of row {row} ended (a "
                f"re-enrolment), but row {row} has no {t.header_of('end_date')}"
            )
        return (
            f"a start after the same person's participation of row {row} ended (a "
            f"re-enrolment), but row {row} ended {end.iloc[j].strftime('%Y-%m-%d')}"
        )

    t.flag("start_date", bad, expected)


# --- finance and funnel ------------------------------------------------------------------


def _finance(
    raw: RawTable, *, today: date, words: ExportWords | None = None
) -> tuple[pd.DataFrame, ValidationReport]:
    t = _Table(raw, FINANCE, "finance", words)
    for name in ("project", "funder", "period", "granted_sek", "invoiced_sek"):
        t.required(name)
    out: dict[str, pd.Series] = {
        "project": t.unify("project"),
        "funder": t.unify("funder"),
    }
    text = t.text("period")
    labels, starts, ends = {}, {}, {}
    for value in text.unique():
        if not value or value.strip().lower() in ("previous", "current"):
            continue
        try:
            period = parse_period(value, today)
        except PeriodError:
            continue
        labels[value], starts[value], ends[value] = period.label, period.start, period.end
    bad_period = (text != "") & ~text.isin(list(labels))
    t.flag(
        "period",
        bad_period,
        "a period like 2021-T2, 2021-H1, 2021-Q3, 2021, 2021-01-01/2021-08-31 or 210501-210831",
    )
    out["period"] = text.map(labels).astype("str")
    out["period_start"] = pd.to_datetime(text.map(starts)).astype("datetime64[ns]")
    out["period_end"] = pd.to_datetime(text.map(ends)).astype("datetime64[ns]")
    for name in ("granted_sek", "invoiced_sek", "forecast_sek"):
        out[name] = t.amount(name, FINANCE.column(name).min_value).astype("float64")
    t.duplicates(
        {"project": out["project"], "funder": out["funder"], "period": out["period"]},
        "(project, funder, period)",
    )
    out["source_row"] = pd.Series(raw.source_rows, index=t.index, dtype="int64")
    return pd.DataFrame({c: out[c] for c in FINANCE_COLUMNS}, index=t.index), t.finish()


def _funnel(
    raw: RawTable, *, today: date, words: ExportWords | None = None
) -> tuple[pd.DataFrame, ValidationReport]:
    t = _Table(raw, FUNNEL, "funnel", words)
    for name in ("project", "group", "invited", "started"):
        t.required(name)
    out: dict[str, pd.Series] = {
        name: t.unify(name) for name in ("project", "group", "municipality")
    }
    for name in ("invited", "attended_info", "booked_interview", "attended_interview", "started"):
        out[name] = t.integer(name, 0, None, units="count", what="a count of people")
    # Steps need not decrease (seed 003: people joined for interviews later), but more
    # starting than came to interview is worth a second look.
    more = (out["started"] > out["attended_interview"]).fillna(False).to_numpy()
    t.warn_rows("started", more, "have more people starting than came to the interview")
    t.duplicates(
        {"project": out["project"], "group": out["group"], "municipality": out["municipality"]},
        "(project, group, municipality)",
        needed=2,
    )
    out["source_row"] = pd.Series(raw.source_rows, index=t.index, dtype="int64")
    return pd.DataFrame({c: out[c] for c in FUNNEL_COLUMNS}, index=t.index), t.finish()


# --- public entry points -------------------------------------------------------------------


def _read(path: str | Path, kind: str, sheet: str | None, project: str | None = None) -> RawTable:

    try:
        return read_export(path, table=kind, sheet=sheet, project=project)
    except ReadError as exc:
        report = ValidationReport(Path(path).name, kind)
        report.problems.append(
            Problem(Path(path).name, None, None, None, f"a readable table: {exc}")
        )
        raise ValidationFailed(report) from None


def load_participants(
    path: str | Path,
    *,
    key: bytes | None,
    today: date | None = None,
    sheet: str | None = None,
    words: ExportWords | None = None,
) -> Cohort:
    """Read, validate and pseudonymise a participants export.

    Args:
        path: CSV or ``.xlsx`` export (never modified).
        key: Pseudonymisation key (see :func:`resolve_pseudonym_key`); needed only when
            the export has personnummer.
        today: Reference day for "not in the future" (default: today).
        sheet: Worksheet to read in a workbook (default: every sheet with the
            participants header, else one named like "Deltagare", else the first).
        words: The evaluator's ``columns:`` / ``codes:`` / ``allow_anonymous``.

    Returns:
        The :class:`Cohort`; its frame has ``pseudonym`` instead of ``personnummer``.
        Rows closed as "felregistrering" are left out (``n_rows`` counts the file).

    Raises:
        PseudonymKeyMissing: The export has personnummer and ``key`` is None.
        ValidationFailed: Any problem; ``.report`` lists them all.
    """
    today = today or date.today()
    raw = _read(path, "participants", sheet)
    n_rows = raw.n_rows
    try:
        frame, report = _participants(raw, key=key, today=today, need_key=True, words=words)
    finally:
        # The raw strings (personnummer among them) must not outlive this call.
        raw.data = raw.data.iloc[:0, :0]
    report.raise_if_failed()
    return Cohort(frame, raw.file, raw.sha256, n_rows, report.warnings)


def _load_simple(
    path: str | Path,
    kind: str,
    sheet: str | None,
    today: date | None,
    convert: Callable[..., tuple[pd.DataFrame, ValidationReport]],
    words: ExportWords | None = None,
    project: str | None = None,
) -> pd.DataFrame:
    raw = _read(path, kind, sheet, project)
    frame, report = convert(raw, today=today or date.today(), words=words)
    report.raise_if_failed()
    frame.attrs.update(
        {"file": raw.file, "sha256": raw.sha256, "warnings": [str(w) for w in report.warnings]}
    )
    return frame


def load_finance(
    path: str | Path,
    *,
    today: date | None = None,
    sheet: str | None = None,
    words: ExportWords | None = None,
) -> pd.DataFrame:
    """Read and validate a finance table (granted, invoiced, forecast per funder and period).

    Returns:
        Columns project, funder, period (canonical label), period_start, period_end,
        granted_sek, invoiced_sek, forecast_sek (float kronor, NaN if absent), source_row.
        ``frame.attrs`` holds file, sha256 and warnings.

    Raises:
        ValidationFailed: Any problem, all listed in ``.report``.
    """
    return _load_simple(path, "finance", sheet, today, _finance, words)


def load_funnel(
    path: str | Path,
    *,
    today: date | None = None,
    sheet: str | None = None,
    words: ExportWords | None = None,
    project: str | None = None,
) -> pd.DataFrame:
    """Read and validate a recruitment-funnel table, one row per group.

    Returns:
        Columns project, group, municipality, invited, attended_info, booked_interview,
        attended_interview, started (Int64 people), source_row. ``frame.attrs`` holds
        file, sha256 and warnings.

    Raises:
        ValidationFailed: Any problem, all listed in ``.report``.
    """
    return _load_simple(path, "funnel", sheet, today, _funnel, words, project)
