"""Reading exports as they come: CSV in any usual encoding and separator, or ``.xlsx``.

:func:`read_table` reads a file into a :class:`RawTable` of strings exactly as written,
remembering for every line the row number the user sees in Excel (header = row 1), so
that validation can point at it. The file is opened read-only and never changed.

The rest of the module holds the vectorised parsers the validation uses: Swedish
numbers (``"1 460 000"``, ``"24,5"``, ``"246 tkr"``), dates (``2021-02-01``,
``20210201``, ``210201``, Excel serials) and code words matched through the schema's
aliases. Each parser returns the parsed values and a mask of the values it could not
read; the messages are built by :mod:`insats.cohort.validate` for the bad rows only.
Parsing works on the unique values of a column, so a million rows with a few thousand
distinct dates cost a few thousand parses.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
import re
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from insats.cohort import limits
from insats.cohort.activity_schema import ACTIVITIES, PRODUCT_GOALS
from insats.cohort.schema import FINANCE, FUNNEL, PARTICIPANTS, TableSchema, normalise_token
from insats.errors import InsatsError

__all__ = [
    "SCHEMAS",
    "Coded",
    "HeaderMatch",
    "RawTable",
    "ReadError",
    "code_column",
    "code_columns",
    "code_lookup",
    "spread",
    "spread_many",
    "detect_kind",
    "extract",
    "map_codes",
    "match_headers",
    "parse_dates",
    "parse_ints",
    "parse_numbers",
    "read_table",
]

SCHEMAS: dict[str, TableSchema] = {
    "participants": PARTICIPANTS,
    "finance": FINANCE,
    "funnel": FUNNEL,
    "activities": ACTIVITIES,
    "product_goals": PRODUCT_GOALS,
}

# Sheet names that identify a table in a workbook (normalised, see normalise_token).
SHEET_NAMES: dict[str, tuple[str, ...]] = {
    "participants": ("participants", "deltagare", "deltagarlista"),
    "finance": ("finance", "ekonomi", "budget"),
    "funnel": ("funnel", "rekrytering", "rekryteringstratt"),
    "activities": ("activities", "aktiviteter", "aktivitetslista"),
    "product_goals": ("product goals", "mål", "produktmål", "måluppfyllelse"),
}

# Columns that tell the tables apart when the kind is not given.
_DISTINCTIVE: dict[str, tuple[str, ...]] = {
    "participants": ("participant_id", "personnummer", "start_date", "end_date", "gender"),
    "finance": ("granted_sek", "invoiced_sek", "forecast_sek"),
    "funnel": ("invited", "attended_info", "booked_interview", "attended_interview"),
    "activities": ("activity", "attendees", "phase", "organisations"),
    "product_goals": ("goal", "status", "target_date", "evidence", "indicator"),
}


# From this size on, hashing and column encoding run in threads (not worth it below).
_PARALLEL_BYTES = 4_000_000
_PARALLEL_ROWS = 50_000


class ReadError(InsatsError, ValueError):
    """A file that cannot be read at all (missing, not a table, unknown format)."""


@dataclass
class RawTable:
    """A table as read: strings exactly as written, with their spreadsheet row numbers.

    Attributes:
        file: The file's base name (messages never show absolute paths).
        header: The header cells as written, in order.
        data: One string column per header cell (positional names ``0..n-1``); blank
            cells are ``""``. Completely empty lines are already removed (see ``notes``).
        source_rows: For each row of ``data``, the row number in the spreadsheet view
            (header = row 1; for ``.xlsx`` the real sheet row).
        encoding: Detected text encoding (``None`` for ``.xlsx``).
        separator: Detected separator (``None`` for ``.xlsx``).
        sheet: Worksheet read (``None`` for CSV).
        sha256: Hex SHA-256 of the file's bytes, for the run manifest.
        notes: ``(row, message)`` pairs about lines that were not read as data
            (empty lines, lines with surplus cells); validation turns them into warnings.
    """

    file: str
    header: list[str]
    data: pd.DataFrame
    source_rows: np.ndarray
    encoding: str | None
    separator: str | None
    sheet: str | None
    sha256: str
    notes: list[tuple[int | None, str]] = field(default_factory=list)
    # Errors found while shaping the table (total rows, flag columns): (row, column, value,
    # expected), and the sheet where a workbook is read sheet by sheet; validation lists
    # them with the others.
    problems: list[tuple[int | None, str | None, str | None, str, *tuple[str, ...]]] = field(
        default_factory=list
    )

    @property
    def n_rows(self) -> int:
        """Number of data rows (empty lines not counted)."""
        return len(self.data)

    def column(self, index: int) -> pd.Series:
        """The strings of one column, stripped of surrounding whitespace."""
        return self.data[index].str.strip()


# --- reading ---------------------------------------------------------------------------


def read_table(path: str | Path, *, table: str | None = None, sheet: str | None = None) -> RawTable:
    """Read a CSV or ``.xlsx`` export into strings, without changing the file.

    Args:
        path: ``.csv``/``.txt``/``.tsv`` (UTF-8 with or without BOM, UTF-16 with BOM,
            or cp1252; separator ``,``, ``;`` or tab, detected) or ``.xlsx``.
        table: ``participants``, ``finance`` or ``funnel``: in a workbook, a sheet named
            like the table (e.g. "Deltagare", "Ekonomi") is preferred to the first sheet.
        sheet: An explicit worksheet name (overrides ``table``).

    Returns:
        The :class:`RawTable`.

    Raises:
        ReadError: The file is missing, empty, not a table, or beyond the limits of
            :mod:`insats.cohort.limits`.
    """
    try:
        return _read_table(Path(path), table=table, sheet=sheet)
    except limits.LimitExceeded as exc:
        raise ReadError(f"{Path(path).name}: {exc}") from None


def _read_table(path: Path, *, table: str | None, sheet: str | None) -> RawTable:
    if not path.is_file():
        raise ReadError(f"{path.name}: file not found")
    limits.check_file_size(path.stat().st_size)
    if path.suffix.lower() == ".xls":
        raise ReadError(f"{path.name}: old .xls workbooks are not read; save as .xlsx or CSV")
    if path.suffix.lower() in (".xlsx", ".xlsm") or path.stat().st_size < _PARALLEL_BYTES:
        raw: bytes | pa.Buffer = path.read_bytes()  # read once: hash and parse the same bytes
        digest = hashlib.sha256(raw).hexdigest()
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            limits.check_xlsx(raw)
            return _read_xlsx(path.name, raw, digest, table=table, sheet=sheet)
        return _read_csv(path.name, raw, digest)
    # A large file is mapped read-only rather than copied, and hashed while it is parsed
    # (hashlib releases the GIL). The parsed strings are copies, so the map is let go.
    with pa.memory_map(str(path), "r") as source:
        raw = source.read_buffer()
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashing = pool.submit(lambda: hashlib.sha256(raw).hexdigest())
        parsed = _read_csv(path.name, raw, "")
        parsed.sha256 = hashing.result()
    return parsed


def _decode(
    name: str, raw: bytes | pa.Buffer, *, sample_only: bool = False
) -> tuple[bytes | pa.Buffer, str]:
    """UTF-8 bytes for the parser and the encoding they came in.

    With ``sample_only``, bytes without a byte-order mark whose first 60 000 bytes are
    UTF-8 are taken as UTF-8 unchecked (the caller must start over on bad bytes).
    """
    if sample_only:
        head = bytes(memoryview(raw)[:60_000])
        if not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8)):
            try:
                # final=False: the sample may end inside a character.
                codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
                return raw, "utf-8"
            except UnicodeDecodeError:
                pass
    raw = bytes(raw)
    for bom, enc in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return raw.decode(enc).encode("utf-8"), enc
    if raw.startswith(codecs.BOM_UTF8):
        body = raw[len(codecs.BOM_UTF8) :]
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ReadError(f"{name}: starts with a UTF-8 mark but is not UTF-8 ({exc})") from None
        return body, "utf-8-sig"
    try:
        raw.decode("utf-8")
        return raw, "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252").encode("utf-8"), "cp1252"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 reads everything.
        return raw.decode("latin-1").encode("utf-8"), "latin-1"


def _field_counts(lines: list[str], sep: str) -> list[int]:
    return [len(row) for row in csv.reader(lines, delimiter=sep) if row]


def _detect_separator(sample: str) -> str:
    """``,`` ``;`` or tab: csv.Sniffer, checked by counting fields line by line."""
    lines = sample.splitlines()[:50]
    if len(lines) > 1 and len(sample) >= 60_000:
        lines = lines[:-1]  # the sample may cut the last line in half
    scores: dict[str, int] = {}
    for sep in (";", "\t", ","):
        counts = _field_counts(lines, sep)
        if not counts or counts[0] < 2:
            scores[sep] = 0
            continue
        # A separator must split the header and most lines into the same number of fields.
        consistent = sum(c == counts[0] for c in counts) / len(counts)
        scores[sep] = counts[0] if consistent >= 0.8 else 0
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines), delimiters=";,\t").delimiter
    except csv.Error:
        sniffed = None
    best = max(scores, key=lambda s: scores[s])  # ties: ; before tab before ,
    if sniffed in scores and scores[sniffed] == scores[best]:
        return sniffed
    return best if scores[best] > 0 else (sniffed or ";")


class _NotUtf8(Exception):
    """The bytes trusted to be UTF-8 (from a valid sample) turned out not to be."""


def _read_csv(name: str, raw: bytes | pa.Buffer, digest: str) -> RawTable:
    # Validating 100+ MB of UTF-8 up front costs as much as parsing it; the parser checks
    # the text anyway, so only a sample is checked first and a failure starts over.
    try:
        return _parse_csv(name, *_decode(name, raw, sample_only=True), digest)
    except _NotUtf8:
        return _parse_csv(name, *_decode(name, bytes(raw)), digest)


def _parse_csv(name: str, body: bytes | pa.Buffer, encoding: str, digest: str) -> RawTable:
    view = memoryview(body)
    end = len(view)
    while end and view[end - 1] in b"\r\n \t":
        end -= 1
    if end == 0 or (end < 4096 and not bytes(view[:end]).strip()):
        raise ReadError(f"{name}: the file is empty")
    limits.check_text(view)
    sample = bytes(view[:60_000]).decode("utf-8", errors="ignore")
    sep = _detect_separator(sample)
    header = next(csv.reader(io.StringIO(sample, newline=""), delimiter=sep), [])
    notes: list[tuple[int | None, str]] = []
    # Line breaks at the very end are not empty rows anyone would look for.
    content = len(view)
    while content and view[content - 1] in b"\r\n":
        content -= 1
    # Fast path. It keeps empty lines as rows, and a table of two or more columns then
    # fails on them: those files take the careful path, which keeps the row numbers.
    frame = _read_csv_arrow(pa.py_buffer(view[:content]), sep, len(header))
    if frame is not None:
        rows = np.arange(2, len(frame) + 2, dtype="int64")
    else:
        limits.check_lines(view[:content])
        try:
            text = bytes(view[:content]).decode("utf-8")
        except UnicodeDecodeError:
            raise _NotUtf8 from None
        try:
            header, frame, rows, notes = _read_csv_python(text, sep)
        except csv.Error as exc:  # a field beyond the csv module's limit
            raise limits.LimitExceeded(
                f"a cell is longer than {limits.MAX_CELL_CHARS} characters ({exc})"
            ) from None
    limits.check_cells(frame, rows, header)
    table = RawTable(
        name, [str(h) for h in header], frame, rows, encoding, sep, None, digest, notes
    )
    return _drop_empty(table)


def _read_csv_arrow(body: pa.Buffer, sep: str, ncols: int) -> pd.DataFrame | None:
    names = [str(i) for i in range(ncols)]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(body),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
            parse_options=pacsv.ParseOptions(
                delimiter=sep, newlines_in_values=False, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        if "utf8" in str(exc).lower():
            raise _NotUtf8 from None
        return None  # ragged lines, quoted line breaks: the careful path reports them
    except pa.ArrowTypeError:
        return None
    frame = table.to_pandas(
        types_mapper={pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get
    )
    frame.columns = range(ncols)
    return frame


def _read_csv_python(
    text: str, sep: str
) -> tuple[list[str], pd.DataFrame, np.ndarray, list[tuple[int | None, str]]]:
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    header = records[0] if records else []
    width = len(header)
    notes: list[tuple[int | None, str]] = []
    rows: list[list[str]] = []
    for i, record in enumerate(records[1:], start=2):  # Excel shows one row per record
        if len(record) > width:
            extra = [v for v in record[width:] if v.strip()]
            if extra:
                notes.append(
                    (
                        i,
                        f"{len(record)} cells but the header has {width}; "
                        f"the surplus cells {extra!r} are not read",
                    )
                )
            record = record[:width]
        rows.append(record + [""] * (width - len(record)))
    frame = pd.DataFrame(rows, columns=range(width), dtype="str")
    return header, frame, np.arange(2, len(rows) + 2, dtype="int64"), notes


def _drop_empty(table: RawTable) -> RawTable:
    """Remove unnamed empty columns and completely empty lines (noted, not silent)."""
    keep = [
        i
        for i, h in enumerate(table.header)
        if str(h).strip() or (table.data[i].str.strip() != "").any()
    ]
    if len(keep) < len(table.header):
        table.header = [table.header[i] for i in keep]
        table.data = table.data[keep]
        table.data.columns = range(len(keep))
    if table.data.shape[1] == 0 or table.data.empty:
        return table
    # Only lines blank in the first column can be empty; check the rest for those.
    blank = (table.data[table.data.columns[0]].str.strip() == "").to_numpy().copy()
    if blank.any():
        for col in table.data.columns[1:]:
            blank[blank] = (table.data.loc[blank, col].str.strip() == "").to_numpy()
    if blank.any():
        empty_rows = table.source_rows[blank]
        shown = ", ".join(str(r) for r in empty_rows[:20]) + (" …" if len(empty_rows) > 20 else "")
        table.notes.append((None, f"{len(empty_rows)} empty line(s) ignored (rows {shown})"))
        table.data = table.data.loc[~blank].reset_index(drop=True)
        table.source_rows = table.source_rows[~blank]
    return table


def _cell_text(value: object) -> str:
    """A workbook cell as the text a CSV export would hold (dates ISO, decimals with '.')."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _read_xlsx(
    name: str, raw: bytes, digest: str, *, table: str | None, sheet: str | None
) -> RawTable:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file  # noqa: BLE001
        raise ReadError(f"{name}: cannot open the workbook ({exc})") from None
    try:
        ws = _pick_sheet(name, book, table=table, sheet=sheet)
        numbered = [
            (number, [_cell_text(v) for v in values])
            for number, values in enumerate(ws.iter_rows(values_only=True), start=ws.min_row or 1)
        ]
        title = ws.title
    finally:
        book.close()
    start = _header_position(numbered, table)
    if start is None:
        raise ReadError(f"{name}: sheet {title!r} is empty")

    header, data_start, two_rows = combine_header_rows(name, title, numbered, start, table)
    header = list(header)
    while header and not header[-1].strip():
        header.pop()
    width = len(header)
    rows: list[list[str]] = []
    numbers: list[int] = []
    notes: list[tuple[int | None, str]] = []
    above = [n for n, cells in numbered[:start] if any(c.strip() for c in cells)]
    if above:
        notes.append(
            (
                None,
                f"row(s) {', '.join(map(str, above))} above the header "
                f"(row {numbered[start][0]}) are not read",
            )
        )
    if two_rows:
        notes.append((None, two_rows))
    for number, cells in numbered[data_start:]:
        if len(cells) > width:
            extra = [c for c in cells[width:] if c.strip()]
            if extra:
                notes.append((number, f"cells right of the last header are not read: {extra!r}"))
            cells = cells[:width]
        rows.append(cells + [""] * (width - len(cells)))
        numbers.append(number)
    frame = pd.DataFrame(rows, columns=range(width), dtype="str")
    if frame.empty:
        frame = pd.DataFrame({i: pd.Series([], dtype="str") for i in range(width)})
    limits.check_cells(frame, np.array(numbers, dtype="int64"), header)
    table_ = RawTable(
        name, header, frame, np.array(numbers, dtype="int64"), None, None, title, digest, notes
    )
    return _drop_empty(table_)


def _header_position(numbered: list[tuple[int, list[str]]], table: str | None) -> int | None:
    """Index of the header row: workbooks often carry a title or notes above it.

    The first of the first ten non-empty rows whose cells name at least two columns of
    the data contract; failing that, the first non-empty row.
    """
    filled = [i for i, (_, cells) in enumerate(numbered) if any(c.strip() for c in cells)]
    if not filled:
        return None
    schemas = [SCHEMAS[table]] if table in SCHEMAS else list(SCHEMAS.values())
    for i in filled[:10]:
        cells = numbered[i][1]
        if any(len(match_headers(cells, schema).columns) >= 2 for schema in schemas):
            return i
    return filled[0]


def _pick_sheet(name: str, book, *, table: str | None, sheet: str | None):
    if sheet is not None:
        if sheet not in book.sheetnames:
            raise ReadError(f"{name}: no sheet {sheet!r} (sheets: {', '.join(book.sheetnames)})")
        return book[sheet]
    if table is not None:
        wanted = {normalise_token(s) for s in SHEET_NAMES.get(table, (table,))}
        for title in book.sheetnames:
            if normalise_token(title) in wanted:
                return book[title]
    return book[book.sheetnames[0]]


# --- headers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HeaderMatch:
    """How the header cells of a file map onto a table of the data contract.

    Attributes:
        columns: Canonical column name -> position of the header cell.
        unknown: Positions of header cells that match no column (kept out, warned).
        duplicates: Canonical column name -> all positions that matched it (an error).
    """

    columns: dict[str, int]
    unknown: list[int]
    duplicates: dict[str, list[int]]


def _header_keys(text: str) -> list[str]:
    """Spellings of a header to try: as is, then without '(…)', '*' or a trailing ':'."""
    key = normalise_token(text)
    keys = [key]
    simpler = normalise_token(re.sub(r"\(.*?\)|\[.*?\]|\*|[:.]\s*$", " ", str(text)))
    if simpler != key:
        keys.append(simpler)
    return keys


def match_headers(
    header: list[str], schema: TableSchema, extra: Mapping[str, str] | None = None
) -> HeaderMatch:
    """Match header cells to the schema's columns through their aliases.

    Case, surrounding and repeated spaces, hyphens/underscores and diacritics are
    ignored; a trailing note in brackets (``"Självskattning start (1–10)"``) too.
    ``extra`` maps more headers (the evaluator's ``columns:``) to columns; they win.
    """
    lookup: dict[str, str] = {}
    for spelling, name in (extra or {}).items():
        if name in schema.names:
            lookup[normalise_token(spelling)] = name
    for col in schema.columns:
        for spelling in col.matches():
            lookup.setdefault(spelling, col.name)
    found: dict[str, list[int]] = {}
    unknown: list[int] = []
    for i, cell in enumerate(header):
        column = next((lookup[k] for k in _header_keys(cell) if k in lookup), None)
        if column is None:
            unknown.append(i)
        else:
            found.setdefault(column, []).append(i)
    columns = {name: positions[0] for name, positions in found.items()}
    duplicates = {name: positions for name, positions in found.items() if len(positions) > 1}
    return HeaderMatch(columns, unknown, duplicates)


def detect_kind(header: list[str]) -> str | None:
    """``participants``, ``finance`` or ``funnel`` from the header, or ``None``."""
    scores = {}
    for kind, schema in SCHEMAS.items():
        matched = match_headers(header, schema).columns
        scores[kind] = sum(c in matched for c in _DISTINCTIVE[kind])
    best = max(scores, key=lambda k: scores[k])
    return best if scores[best] > 0 else None


# --- vectorised parsing ------------------------------------------------------------------


@dataclass(frozen=True)
class Coded:
    """A column as its distinct stripped values and, per row, the position of its value.

    Per-value work (parsing, code lookup, checks) runs on ``uniques`` only and is spread
    back to the rows with ``codes``: a million rows with a few dozen distinct values cost a
    few dozen parses. ``uniques`` are in order of first appearance in the column.

    Attributes:
        codes: Per row, the index into ``uniques`` (an integer array).
        uniques: Distinct values, stripped of surrounding whitespace.
    """

    codes: np.ndarray
    uniques: pa.Array

    def series(self) -> pd.Series:
        """The distinct values as a ``str`` Series (position = code)."""
        return pd.Series(self.uniques.to_pandas(types_mapper=_STR_TYPES.get), dtype="str")

    def blank_uniques(self) -> np.ndarray:
        """Per distinct value, whether it is blank."""
        return pc.equal(self.uniques, "").to_numpy(zero_copy_only=False).astype(bool)

    def blank(self) -> np.ndarray:
        """Per row, whether the value is blank."""
        return self.blank_uniques()[self.codes]

    def values_at(self, rows: np.ndarray) -> list[str]:
        """The stripped values of some rows."""
        return self.uniques.take(pa.array(self.codes[rows])).to_pylist()

    def spread(self, per_unique: pd.Series | np.ndarray, index: pd.Index) -> pd.Series:
        """Per-row Series from per-unique values (dtype kept)."""
        return spread(per_unique, self.codes, index)

    def text(self, index: pd.Index, blank_as_na: bool = False) -> pd.Series:
        """The stripped strings per row (``str``); blanks as NaN with ``blank_as_na``."""
        uniques = self.uniques
        if blank_as_na:
            uniques = pc.if_else(pc.equal(uniques, ""), pa.scalar(None, uniques.type), uniques)
        out = uniques.take(pa.array(self.codes))
        return pd.Series(out.to_pandas(types_mapper=_STR_TYPES.get), index=index, dtype="str")


_STR_TYPES = {
    pa.string(): pd.StringDtype("pyarrow", na_value=np.nan),
    pa.large_string(): pd.StringDtype("pyarrow", na_value=np.nan),
}


def spread(per_unique: pd.Series | np.ndarray, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """Per-row Series from per-unique values and per-row codes (dtype kept)."""
    if isinstance(per_unique, np.ndarray):
        return pd.Series(per_unique[codes], index=index)
    if per_unique.dtype == "str":
        arr = pa.array(per_unique, type=pa.large_string(), from_pandas=True)
        out = arr.take(pa.array(codes))
        return pd.Series(out.to_pandas(types_mapper=_STR_TYPES.get), index=index, dtype="str")
    return pd.Series(per_unique.array.take(codes), index=index)


def spread_many(
    jobs: list[tuple[pd.Series | np.ndarray, np.ndarray]], index: pd.Index
) -> list[pd.Series]:
    """:func:`spread` for several columns, in threads for large tables (arrow's take
    releases the GIL).
    """
    workers = min(len(jobs), os.cpu_count() or 1, 4)
    if workers < 2 or len(index) < _PARALLEL_ROWS:
        return [spread(u, c, index) for u, c in jobs]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda job: spread(job[0], job[1], index), jobs))


def code_column(values: pd.Series) -> Coded:
    """Factorise a column of strings after stripping surrounding whitespace.

    Stripping is done on the distinct raw values, then spellings that become equal are
    merged. Missing values count as blank.

    >>> c = code_column(pd.Series(["a", " b", "a", "b ", ""]))
    >>> c.codes.tolist(), c.uniques.to_pylist()
    ([0, 1, 0, 1, 2], ['a', 'b', ''])
    """
    arr = pa.array(values, from_pandas=True)
    if not pa.types.is_large_string(arr.type):
        arr = arr.cast(pa.large_string())
    arr = pc.fill_null(arr, "")
    encoded = pc.dictionary_encode(arr)
    if isinstance(encoded, pa.ChunkedArray):
        # Every chunk of a chunked encoding shares the final dictionary.
        chunks = encoded.chunks
        if not chunks:
            return Coded(np.zeros(0, dtype=np.intp), pa.array([], pa.large_string()))
        dictionary = chunks[0].dictionary
        codes = np.concatenate([c.indices.to_numpy(zero_copy_only=False) for c in chunks])
    else:
        dictionary = encoded.dictionary
        codes = encoded.indices.to_numpy(zero_copy_only=False)
    stripped = pc.utf8_trim_whitespace(dictionary)
    if not pc.all(pc.equal(stripped, dictionary)).as_py():
        merged = pc.dictionary_encode(stripped)
        if len(merged.dictionary) < len(stripped):
            # Order of first appearance survives: merged values keep their first position.
            codes = merged.indices.to_numpy(zero_copy_only=False)[codes]
            stripped = merged.dictionary
    # intp: numpy would convert other index types again on every lookup.
    return Coded(codes.astype(np.intp, copy=False), stripped)


def _by_unique(
    values: pd.Series, parse: Callable[[pd.Series], tuple[pd.Series, np.ndarray]]
) -> tuple[pd.Series, pd.Series]:
    """Run ``parse`` on the distinct values only and spread the results back."""
    codes, uniques = pd.factorize(values.fillna(""), use_na_sentinel=True)
    parsed, bad = parse(pd.Series(uniques, dtype="str"))
    out = parsed.take(codes).set_axis(values.index) if len(values) else parsed.iloc[:0]
    bad_out = pd.Series(np.asarray(bad, dtype=bool)[codes], index=values.index)
    return out, bad_out


def code_columns(columns: list[pd.Series]) -> list[Coded]:
    """:func:`code_column` for several columns, in threads for large tables.

    Arrow's hashing releases the GIL, so the columns of a large table are encoded on all
    processors at once.
    """
    workers = min(len(columns), os.cpu_count() or 1, 4)
    if workers < 2 or max((len(c) for c in columns), default=0) < _PARALLEL_ROWS:
        return [code_column(c) for c in columns]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(code_column, columns))


def _arrow(values: pd.Series) -> pa.Array:
    """The values as a pyarrow string array with blanks for missing values."""
    if values.dtype != "str":
        values = values.astype("str")
    arr = pa.array(values, from_pandas=True)
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return pc.fill_null(arr.cast(pa.string()), "")


def matches(values: pd.Series, pattern: str) -> np.ndarray:
    """Boolean mask of values matching the regex (RE2 syntax, anchor it yourself)."""
    if not len(values):
        return np.zeros(0, dtype=bool)
    found = pc.match_substring_regex(_arrow(values), pattern=pattern)
    return found.to_numpy(zero_copy_only=False).astype(bool)


def without_spaces(values: pd.Series) -> pd.Series:
    """The values with every kind of space removed (blank for missing)."""
    out = pc.replace_substring_regex(_arrow(values), pattern=r"[\s\x{a0}\x{202f}]+", replacement="")
    return pd.Series(out.to_numpy(zero_copy_only=False), index=values.index, dtype="str")


def extract(values: pd.Series, pattern: str) -> pd.DataFrame:
    """Regex groups of each value as strings (NaN where the pattern does not match).

    Like ``Series.str.extract`` but through pyarrow (RE2 syntax), which is much faster
    on large columns. Unmatched optional groups give ``""``.
    """
    # Name the capturing groups g0, g1, … so pyarrow returns them as struct fields.
    names: list[str] = []
    out, n = [], 0
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if pattern[i] == "(" and not pattern.startswith("(?", i):
            out.append(f"(?P<g{n}>")
            names.append(f"g{n}")
            n += 1
        else:
            out.append(pattern[i])
        i += 1
    arr = _arrow(values)
    if not names:
        raise ValueError("pattern has no capturing group")
    struct = pc.extract_regex(arr, pattern="".join(out))
    matched = struct.is_valid().to_numpy(zero_copy_only=False)
    frame = pd.DataFrame(index=values.index)
    for j, name in enumerate(names):
        col = pd.Series(struct.field(name).to_numpy(zero_copy_only=False), index=values.index)
        frame[j] = col.where(matched).astype("str")
    return frame


def _ints(col: pd.Series) -> np.ndarray:
    """Digits to int64, -1 where missing, empty or not digits."""
    arr = _arrow(col)
    digits = pc.match_substring_regex(arr, pattern=r"^\d{1,18}$")
    safe = pc.if_else(digits, arr, pa.scalar("-1"))
    return pc.cast(safe, pa.int64()).to_numpy(zero_copy_only=False)


_NUMBER = (
    r"^([+\-]?)(\d[\d.,]*|[.,]\d+)"
    r"(mkr|milj(?:oner)?kr|tkr|kkr|kr|sek|:-|personer|person|pers|st|%)?\.?$"
)
_MULTIPLIER = {"mkr": 1e6, "miljkr": 1e6, "miljonerkr": 1e6, "tkr": 1e3, "kkr": 1e3}
_UNIT_KINDS = {
    "amount": {"", "kr", "sek", ":-", "tkr", "kkr", "mkr", "miljkr", "miljonerkr"},
    "count": {"", "personer", "person", "pers", "st"},
    "plain": {""},
}


def _parse_number_uniques(u: pd.Series, units: str) -> tuple[pd.Series, np.ndarray]:
    text = (
        u.str.lower()
        .str.replace("\u2212", "-", regex=False)  # the typographic minus sign
        .str.replace(r"[\s\u00a0\u202f']", "", regex=True)
    )
    parts = extract(text, _NUMBER)
    sign, digits, unit = parts[0].fillna(""), parts[1], parts[2].fillna("")
    digits = digits.fillna("")
    english = digits.str.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?")  # 1,460,000.50
    dotted = digits.str.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?")  # 1.460.000,50
    plain = digits.str.replace(",", ".", regex=False)  # 24,5 -> 24.5
    normal = plain.where(~english, digits.str.replace(",", "", regex=False))
    normal = normal.where(
        ~dotted, digits.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    )
    value = pd.to_numeric(sign + normal, errors="coerce")
    multiplier = unit.map(lambda x: _MULTIPLIER.get(x, 1.0)).astype(float)
    allowed = unit.isin(_UNIT_KINDS[units])
    value = (value * multiplier).where(allowed)
    blank = (u.str.strip() == "").to_numpy()
    bad = value.isna().to_numpy() & ~blank
    return value.astype("float64"), bad


def parse_numbers(values: pd.Series, units: str = "amount") -> tuple[pd.Series, pd.Series]:
    """Swedish-written numbers to floats.

    Spaces, non-breaking spaces and apostrophes group thousands; a single comma or dot
    is the decimal mark; ``1.460.000,50`` and ``1,460,000.50`` are read too. With
    ``units="amount"`` a trailing ``kr``/``sek``/``:-`` is allowed and ``tkr``/``mkr``
    multiply by a thousand/million; with ``units="count"`` ``personer``/``st`` are allowed.

    Returns:
        ``(values, bad)``: float Series (NaN where blank or unreadable) and a boolean
        Series marking non-blank values that could not be read.

    >>> v, bad = parse_numbers(pd.Series(["1 460 000", "24,5", "246 tkr", "1,2 mkr", "", "x"]))
    >>> v.tolist()[:4], bad.tolist()
    ([1460000.0, 24.5, 246000.0, 1200000.0], [False, False, False, False, False, True])
    """
    return _by_unique(values, lambda u: _parse_number_uniques(u, units))


def parse_ints(values: pd.Series, units: str = "plain") -> tuple[pd.Series, pd.Series]:
    """Whole numbers (``Int64``); decimals other than ``,0`` count as unreadable.

    >>> v, bad = parse_ints(pd.Series(["1984", "7,0", "7,5", ""]))
    >>> v.tolist(), bad.tolist()
    ([1984, 7, <NA>, <NA>], [False, False, True, False])
    """
    numbers, bad = parse_numbers(values, units)
    whole = numbers.isna() | (numbers % 1 == 0)
    bad = bad | ~whole
    return numbers.where(whole).astype("Int64"), bad


_DATE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("ymd", r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    ("ymd", r"^(\d{4})(\d{2})(\d{2})$"),
    ("yymmdd", r"^(\d{2})(\d{2})(\d{2})$"),
    ("serial", r"^(\d{5})(?:\.0+)?$"),
)
# Excel's day 0 is 1899-12-30 (it counts the non-existent 1900-02-29).
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _parse_date_uniques(u: pd.Series) -> tuple[pd.Series, np.ndarray]:
    text = u.str.strip()
    n = len(text)
    year, month, day = (np.full(n, -1, dtype="int64") for _ in range(3))
    serial = np.full(n, -1, dtype="int64")
    for kind, pattern in _DATE_PATTERNS:
        todo = year < 0
        if kind == "serial":
            todo &= serial < 0
        if not todo.any():
            continue
        parts = extract(text[todo], pattern)
        if kind == "serial":
            serial[todo] = _ints(parts[0])
            continue
        y, m, d = _ints(parts[0]), _ints(parts[1]), _ints(parts[2])
        if kind == "yymmdd":
            # Swedish YYMMDD (the seeds write 150112); years 2000–2099 since programmes
            # and their exports are all from this century.
            y = np.where(y >= 0, y + 2000, -1)
        year[todo], month[todo], day[todo] = y, m, d
    dates = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce"
    ).astype("datetime64[ns]")
    # Excel serials 20000–80000 are 1954-10-03 … 2119-01-10; other 5-digit numbers are not dates.
    use_serial = (serial >= 20000) & (serial <= 80000)
    from_serial = _EXCEL_EPOCH + pd.to_timedelta(np.where(use_serial, serial, 0), unit="D")
    dates = dates.where(~use_serial, pd.Series(from_serial, index=dates.index))
    blank = (text == "").to_numpy()
    bad = dates.isna().to_numpy() & ~blank
    return dates.astype("datetime64[ns]"), bad


def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates as exports write them, to ``datetime64[ns]``.

    Accepted: ISO ``2021-02-01`` (also with ``/`` or ``.``, one-digit month/day, or a
    time of day after it), ``20210201``, ``210201`` (YYMMDD, read as 20YY: Swedish
    order, as the seeds write dates) and Excel serial day numbers (20000–80000). Day-first
    forms like ``01/02/2021`` are rejected: they are ambiguous between countries.

    Returns:
        ``(dates, bad)``: NaT where blank or unreadable, and a mask of unreadable values.

    >>> d, bad = parse_dates(pd.Series(["2021-02-01", "20210201", "210201", "44228", "2021-02-30", ""]))
    >>> [str(x.date()) if pd.notna(x) else None for x in d], bad.tolist()
    (['2021-02-01', '2021-02-01', '2021-02-01', '2021-02-01', None, None], [False, False, False, False, True, False])
    """
    return _by_unique(values, _parse_date_uniques)


def code_lookup(vocabulary: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Normalised spelling -> canonical code, for the code itself and every alias.

    The blank alias is left out: what a blank means depends on the column.
    """
    lookup: dict[str, str] = {}
    for code, aliases in vocabulary.items():
        for spelling in (code, *aliases):
            key = normalise_token(spelling)
            if key:
                lookup.setdefault(key, code)
    return lookup


def map_codes(
    values: pd.Series, vocabulary: Mapping[str, tuple[str, ...]]
) -> tuple[pd.Series, pd.Series]:
    """Code words to canonical codes (case, spacing, hyphens and diacritics ignored).

    Returns:
        ``(codes, bad)``: canonical codes (NaN for blanks and unknown words) and a mask
        of non-blank words that match no code.

    >>> from insats.cohort.schema import GENDER
    >>> codes, bad = map_codes(pd.Series(["Kvinna", " MAN ", "k", "", "kvnna"]), GENDER)
    >>> codes.tolist(), bad.tolist()
    (['woman', 'man', 'woman', nan, nan], [False, False, False, False, True])
    """
    lookup = code_lookup(vocabulary)

    def parse(u: pd.Series) -> tuple[pd.Series, np.ndarray]:
        keys = u.map(normalise_token)
        codes = keys.map(lookup).astype("str")
        bad = (codes.isna() & (keys != "")).to_numpy()
        return codes, bad

    return _by_unique(values, parse)


# --- two-row and merged headers in workbooks ---------------------------------------------------


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def combine_header_rows(
    name: str, sheet: str, numbered: list[tuple[int, list[str]]], start: int, table: str | None
) -> tuple[list[str], int, str | None]:
    """The header of a workbook whose header spans two rows (merged cells above).

    Returns ``(header, data_start, note)``: the header cells, the index in ``numbered``
    of the first data row and a note for the user (``None`` for a one-row header).

    Raises:
        ReadError: The header has merged or empty cells over data that two rows cannot
            explain; the message names the row and what to do.
    """
    number, top = numbered[start]
    if start + 1 >= len(numbered):
        return top, start + 1, None
    below = numbered[start + 1][1]
    width = max(len(top), len(below))
    top = top + [""] * (width - len(top))
    below = below + [""] * (width - len(below))
    last = max((i for i, c in enumerate(top) if c.strip()), default=-1)
    # Blank header cells: inside the header, or right of it over a sub-header (a merged
    # cell keeps its text in the first cell only).
    gaps = [i for i in range(width) if not top[i].strip() and (i < last or below[i].strip())]
    filled_below = [i for i, c in enumerate(below) if c.strip()]
    # A second header row: text only where the row above is merged/blank or starts a block,
    # and blank under the one-row headers (a data row fills those).
    if not gaps or not filled_below:
        return top, start + 1, None
    starts = {i - 1 for i in gaps if i - 1 >= 0 and top[i - 1].strip()} | set(gaps)
    if not set(filled_below) <= starts or len(filled_below) == width:
        return top, start + 1, None
    if not set(filled_below) & set(gaps):
        return top, start + 1, None  # nothing under a blank header cell: a data row
    upper, combined = "", []
    for i in range(width):
        upper = top[i].strip() or upper
        lower = below[i].strip()
        combined.append(f"{upper} {lower}".strip() if lower else top[i].strip())
    schemas = [SCHEMAS[table]] if table in SCHEMAS else list(SCHEMAS.values())
    before = max(len(match_headers(top, s).columns) for s in schemas)
    after = max(len(match_headers(combined, s).columns) for s in schemas)
    second = numbered[start + 1][0]
    if after > before:
        return (
            combined,
            start + 2,
            (
                f"rows {number} and {second} are read as one header (merged cells above "
                f"sub-headers): {', '.join(repr(c) for c in combined if c)}"
            ),
        )
    raise ReadError(
        f"{name}: sheet {sheet!r}: the header in row {number} has merged or empty cells "
        f"(columns {', '.join(_column_letter(i) for i in gaps)}) and row {second} looks like "
        "a second header row, but together they name no column of the data contract; "
        "unmerge the header cells and give every column its own header in one row"
    )
