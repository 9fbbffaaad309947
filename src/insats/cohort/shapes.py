"""Tables as people make them: reshaped into the contract's one-row-per-record form.

:func:`read_export` reads a file like :func:`insats.cohort.read.read_table` and then

- reads every sheet of a workbook that carries the participants header (one sheet per
  group), the group taken from the sheet name when the column is missing;
- turns a funnel laid out as seed 003's Bilaga 1 (steps as rows, groups as columns,
  values like ``12 personer``) into one row per group;
- recognises total rows ("Summa", "Totalt", "Total"): not read as a participant, funder
  or group, listed as a warning, and checked against the rows (a disagreeing total is an
  error);
- combines SUS-style yes/no columns, one per försörjningskälla (``Försörjningsstöd före``,
  ``Lön efter`` …), into the cell-listing form the validator reads.

Two-row and merged headers of workbooks are handled while reading
(:func:`insats.cohort.read.combine_header_rows`, called by the xlsx reader).

Everything here only moves strings around; every value is still checked by
:mod:`insats.cohort.validate`, with the row the user sees.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from insats.cohort.read import (  # combine_header_rows: re-exported
    SCHEMAS,
    RawTable,
    ReadError,
    _column_letter,
    combine_header_rows,
    detect_kind,
    match_headers,
    matches,
    parse_numbers,
    read_table,
)
from insats.cohort.schema import FUNNEL, FUNNEL_STEPS, SUPPORT, normalise_token

__all__ = ["TOTAL_WORDS", "combine_header_rows", "read_export", "reshape"]

# First cell of a total row (normalised).
TOTAL_WORDS = ("summa", "totalt", "total", "summa totalt", "totalsumma", "sum", "samtliga")
YES_WORDS = ("ja", "j", "x", "1", "yes", "y", "true", "sant", "kryss")
NO_WORDS = ("", "nej", "n", "0", "no", "false", "falskt", "-")


def read_export(
    path: str | Path,
    *,
    table: str | None = None,
    sheet: str | None = None,
    project: str | None = None,
) -> RawTable:
    """Read an export and reshape it (see the module docstring).

    Args:
        path: CSV or ``.xlsx``.
        table: ``participants``, ``finance`` or ``funnel``; detected when ``None``.
        sheet: One worksheet only (no multi-sheet reading).
        project: The report's insats, for a funnel without an insats row or column.

    Raises:
        ReadError: The file cannot be read.
    """
    path = Path(path)
    raw = None
    if (
        sheet is None
        and path.suffix.lower() in (".xlsx", ".xlsm")
        and table in (None, "participants")
    ):
        raw = _read_sheets(path)
    if raw is None:
        raw = read_table(path, table=table, sheet=sheet)
    return reshape(raw, table, project=project)


def reshape(raw: RawTable, table: str | None, *, project: str | None = None) -> RawTable:
    """Transposed funnel, total rows and support flag columns, in that order."""
    kind = table
    if kind in (None, "funnel") and _is_transposed_funnel(raw):
        raw = _transpose_funnel(raw, project)
        kind = "funnel"
    kind = kind or detect_kind(raw.header)
    if kind in SCHEMAS:
        raw = _total_rows(raw, kind)
    if kind == "participants":
        raw = _support_flags(raw)
    return raw


# --- one sheet per group ---------------------------------------------------------------


def _read_sheets(path: Path) -> RawTable | None:  # noqa: C901 - one pass over a workbook's sheets, one branch per documented shape
    """All sheets with the participants header joined, or ``None`` for a single one."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        names = list(book.sheetnames)
        book.close()
    except Exception:  # the ordinary reader gives the message  # noqa: BLE001
        return None
    if len(names) < 2:
        return None
    tables: list[RawTable] = []
    for name in names:
        try:
            t = read_table(path, table="participants", sheet=name)
        except ReadError:
            continue
        if detect_kind(t.header) == "participants":
            # Totals are per sheet; their messages name the sheet.
            t = _total_rows(t, "participants")
            t.problems = [(*p[:4], f'sheet "{t.sheet}"') for p in t.problems]
            tables.append(t)
    if len(tables) < 2:
        return None
    schema = SCHEMAS["participants"]
    header: list[str] = []  # the first written spelling of each column
    canon: dict[str, int] = {}
    notes: list[tuple[int | None, str]] = []
    columns: list[list[int | None]] = []  # per sheet: its position of each column
    for t in tables:
        match = match_headers(t.header, schema)
        positions: dict[int, int] = {}
        for pos, cell in enumerate(t.header):
            name = next((n for n, p in match.columns.items() if p == pos), None)
            key = name or f"?{normalise_token(cell)}"
            if key not in canon:
                canon[key] = len(header)
                header.append(cell)
            positions[canon[key]] = pos
        if "group" not in match.columns:
            if "group" not in canon:
                canon["group"] = len(header)
                header.append("grupp")
            positions[canon["group"]] = -1
            notes.append(
                (None, f'sheet "{t.sheet}" has no grupp column: the group is the sheet name')
            )
        columns.append([positions.get(i) for i in range(len(header))])
        notes += [(None, f'sheet "{t.sheet}": {m}') for r, m in t.notes if r is None]
        notes += [(r, f'sheet "{t.sheet}": {m}') for r, m in t.notes if r is not None]
    problems = [p for t in tables for p in t.problems]
    frames = []
    for t, sheet_columns in zip(tables, columns, strict=True):
        data = {}
        for i in range(len(header)):
            source = sheet_columns[i] if i < len(sheet_columns) else None
            if source is None:
                data[i] = pd.Series([""] * t.n_rows, dtype="str")
            elif source == -1:
                data[i] = pd.Series([t.sheet] * t.n_rows, dtype="str")
            else:
                data[i] = t.data[source].reset_index(drop=True).astype("str")
        frames.append(pd.DataFrame(data))
    frame = pd.concat(frames, ignore_index=True)
    frame.columns = range(len(header))
    rows = np.concatenate([t.source_rows for t in tables])
    notes.insert(
        0,
        (
            None,
            f"{len(tables)} sheets carry the participants header and are read together: "
            + ", ".join(f'"{t.sheet}"' for t in tables),
        ),
    )
    first = tables[0]
    out = RawTable(first.file, header, frame, rows, None, None, None, first.sha256, notes, problems)
    out.row_sheets = np.concatenate([[t.sheet] * t.n_rows for t in tables]).astype(object)  # type: ignore[attr-defined]
    return out


# --- the funnel as seed 003 lays it out --------------------------------------------------


def _step_rows(raw: RawTable) -> dict[str, int]:
    """Funnel column name -> data row index, matching the first column as headers."""
    if not raw.n_rows or not raw.header:
        return {}
    labels = [raw.header[0], *raw.data[0].astype(str).tolist()]
    match = match_headers(labels, FUNNEL)
    return {n: p - 1 for n, p in match.columns.items() if p > 0}


def _is_transposed_funnel(raw: RawTable) -> bool:
    if raw.n_rows > 500 or len(raw.header) > 500:
        return False  # steps as rows: a handful of rows, one column per group
    steps = _step_rows(raw)
    across = match_headers(raw.header, FUNNEL).columns
    return sum(s in steps for s in FUNNEL_STEPS) >= 2 and not any(s in across for s in FUNNEL_STEPS)


def _transpose_funnel(raw: RawTable, project: str | None) -> RawTable:
    steps = _step_rows(raw)
    others = [n for n in ("project", "municipality") if n in steps]
    used = {n: steps[n] for n in (*others, *FUNNEL_STEPS) if n in steps}
    header = ["grupp"] + [raw.data.at[r, 0] for r in used.values()]
    groups = list(range(1, len(raw.header)))
    groups = [j for j in groups if raw.header[j].strip() or (raw.data[j] != "").any()]
    records = []
    cell_rows: dict[int, list[int]] = {i: [] for i in range(len(header))}
    for j in groups:
        records.append([raw.header[j].strip(), *[raw.data.at[r, j] for r in used.values()]])
        cell_rows[0].append(int(raw.source_rows[0]) - 1)
        for i, r in enumerate(used.values(), start=1):
            cell_rows[i].append(int(raw.source_rows[r]))
    notes = list(raw.notes)
    notes.append(
        (
            None,
            "steps as rows and groups as columns (as seed 003's Bilaga 1): read as one row "
            f"per group ({', '.join(r[0] or '?' for r in records)})",
        )
    )
    skipped = [
        f'"{raw.data.at[r, 0]}" (row {raw.source_rows[r]})'
        for r in range(raw.n_rows)
        if r not in used.values() and str(raw.data.at[r, 0]).strip()
    ]
    if skipped:
        notes.append((None, f"rows that are not funnel steps are not read: {', '.join(skipped)}"))
    if "project" not in used:
        header.append("insats")
        name = project or Path(raw.file).stem
        for rec in records:
            rec.append(name)
        cell_rows[len(header) - 1] = [int(raw.source_rows[0]) - 1] * len(records)
        notes.append((None, f'no insats row: the funnel is read as that of "{name}"'))
    frame = pd.DataFrame(records, columns=range(len(header)), dtype="str")
    out = RawTable(
        raw.file, header, frame, np.array([int(raw.source_rows[0]) - 1] * len(records), "int64"),
        raw.encoding, raw.separator, raw.sheet, raw.sha256, notes, list(raw.problems),
    )  # fmt: skip
    out.row_sheets = np.array(  # type: ignore[attr-defined]
        [f'column {_column_letter(j)} "{raw.header[j].strip()}"' for j in groups], dtype=object
    )
    out.cell_rows = {i: np.array(v, "int64") for i, v in cell_rows.items()}  # type: ignore[attr-defined]
    return out


# --- total rows ----------------------------------------------------------------------------


_TOTAL_PATTERN = (
    r"^\s*(?i:" + "|".join(TOTAL_WORDS) + r")\s*[:.]?\s*"
    r"(?:\d[\d\s]*(?i:\s*(?:deltagare|personer|pers|st|rader))?\s*)?$"
)
# A total written in the label cell: "Summa: 12 deltagare".
_LABEL_COUNT = re.compile(r"^\D*?(\d[\d\s]*)", re.IGNORECASE)


def _total_mask(raw: RawTable) -> np.ndarray:
    """Rows whose first filled cell says "Summa", "Totalt" … (vectorised on the first
    column; rows blank there, which are few, are looked at one by one).
    """
    first = raw.data[raw.data.columns[0]]
    is_total = matches(first, _TOTAL_PATTERN)
    for i in np.flatnonzero(matches(first, r"^\s*$")):
        cell = _first_cell(raw.data.iloc[i])
        is_total[i] = bool(re.match(_TOTAL_PATTERN.replace("(?i:", "(?:"), cell.lower()))
    return is_total


def _first_cell(row: pd.Series) -> str:
    return next((str(v).strip() for v in row if str(v).strip()), "")


def _total_rows(raw: RawTable, kind: str) -> RawTable:
    if not raw.n_rows:
        return raw
    is_total = _total_mask(raw)
    if not is_total.any():
        return raw

    schema = SCHEMAS[kind]
    match = match_headers(raw.header, schema)
    kinds = {p: schema.column(n).kind for n, p in match.columns.items()}
    body = raw.data.loc[~is_total]
    units = "amount" if kind == "finance" else "count"
    problems = list(raw.problems)
    for i in np.flatnonzero(is_total):
        row = int(raw.source_rows[i])
        label = raw.data.iloc[i]
        for pos in raw.data.columns:
            cell = str(label[pos]).strip()
            if not cell or normalise_token(cell).rstrip(":.") in TOTAL_WORDS:
                continue
            if cell == _first_cell(label) and re.match(
                _TOTAL_PATTERN.replace("(?i:", "(?:"), cell.lower()
            ):
                # "Summa: 12 deltagare": the number of rows above.
                count = _LABEL_COUNT.match(cell)
                assert count is not None  # a bare total word was skipped above: a number follows
                n = int(re.sub(r"\s", "", count.group(1)))
                if n != len(body):
                    problems.append(
                        (row, raw.header[pos] or f"column {pos + 1}", cell,
                         f"the number of rows ({len(body)}): the total row disagrees with "
                         "the rows; correct the total or the rows")
                    )  # fmt: skip
                continue
            value, bad = parse_numbers(pd.Series([cell]), units)
            if bad.iloc[0] or pd.isna(value.iloc[0]):
                continue
            column = body[pos]
            if kinds.get(pos) in ("int", "amount"):
                numbers, unreadable = parse_numbers(column, units)
                if unreadable.any():
                    continue  # the validator reports the unreadable cells
                expected, what = float(numbers.sum()), "the sum of the rows"
            else:
                expected, what = float((column.str.strip() != "").sum()), "the number of rows"
            if abs(float(value.iloc[0]) - expected) > 0.5:
                header = raw.header[pos] or f"column {pos + 1}"
                problems.append(
                    (
                        row,
                        header,
                        cell,
                        f"{what} of this column ({expected:g}): the total row "
                        f'"{_first_cell(raw.data.iloc[i])}" disagrees with the rows; '
                        "correct the total or the rows",
                    )
                )
    rows = ", ".join(str(r) for r in raw.source_rows[is_total])
    notes = [
        *raw.notes,
        (None, f"total row(s) {rows} are not read as data (checked against the rows)"),
    ]
    out = RawTable(
        raw.file, raw.header, raw.data.loc[~is_total].reset_index(drop=True),
        raw.source_rows[~is_total], raw.encoding, raw.separator, raw.sheet, raw.sha256,
        notes, problems,
    )  # fmt: skip
    for attr in ("row_sheets",):
        if getattr(raw, attr, None) is not None:
            setattr(out, attr, getattr(raw, attr)[~is_total])
    if getattr(raw, "cell_rows", None) is not None:
        out.cell_rows = {k: v[~is_total] for k, v in raw.cell_rows.items()}  # type: ignore[attr-defined]
    return out


# --- SUS: one yes/no column per försörjningskälla -------------------------------------------

_FLAG_HEADER = (
    re.compile(r"^(?:forsorjning(?:skalla|skallor)?\s+)?(fore|efter)\s*[:\-–]?\s+(.+)$"),
    re.compile(r"^(?:forsorjning(?:skalla|skallor)?\s*[:\-–]?\s+)?(.+?)\s*[:\-–]?\s+(fore|efter)$"),
)
_SUPPORT_WORDS = {
    normalise_token(w): code for code, words in SUPPORT.items() for w in (code, *words) if w
}


def _flag_column(header: str) -> tuple[str, str] | None:
    """(``fore``|``efter``, support code) for a header like "Försörjningsstöd före"."""
    key = normalise_token(re.sub(r"\(.*?\)", " ", str(header)))
    for i, pattern in enumerate(_FLAG_HEADER):
        m = pattern.match(key)
        if m:
            when, word = (m.group(1), m.group(2)) if i == 0 else (m.group(2), m.group(1))
            code = _SUPPORT_WORDS.get(word.strip())
            if code is not None and code != "unknown":
                return when, code
    return None


def _support_flags(raw: RawTable) -> RawTable:
    flags = {pos: f for pos, h in enumerate(raw.header) if (f := _flag_column(h)) is not None}
    if len(flags) < 2:
        return raw
    schema = SCHEMAS["participants"]
    match = match_headers(raw.header, schema)
    problems = list(raw.problems)
    notes = list(raw.notes)
    data = raw.data.copy()
    header = list(raw.header)
    drop: list[int] = []
    for when, target, title in (
        ("fore", "support_at_start", "försörjningskällor före"),
        ("efter", "support_at_exit", "försörjningskällor efter"),
    ):
        positions = [p for p, (w, _) in flags.items() if w == when]
        if not positions:
            continue
        if target in match.columns:
            other = raw.header[match.columns[target]]
            problems.append(
                (None, raw.header[positions[0]], None,
                 f'either one column "{other}" or one yes/no column per försörjningskälla, '
                 "not both")
            )  # fmt: skip
            continue
        words = pd.Series([""] * raw.n_rows, dtype="object")
        for p in positions:
            code = flags[p][1]
            text = data[p].astype(str).str.strip()
            norm = text.map(normalise_token)
            yes, no = norm.isin(YES_WORDS), norm.isin(NO_WORDS)
            for i in np.flatnonzero(~(yes | no).to_numpy()):
                problems.append(
                    (int(raw.source_rows[i]), raw.header[p], text.iloc[i],
                     "ja or nej (also x, 1/0 or blank for nej): is this försörjningskälla ticked?")
                )  # fmt: skip
            words = words.where(~yes, words + np.where(words == "", "", ", ") + code)
            drop.append(p)
        header.append(title)
        data[len(header) - 1] = words.astype("str").to_numpy()
        names = ", ".join(f'"{raw.header[p]}"' for p in positions)
        notes.append((None, f"yes/no columns {names} read together as {title}"))
    keep = [i for i in range(len(header)) if i not in drop]
    data = data[keep]
    data.columns = range(len(keep))
    out = RawTable(
        raw.file, [header[i] for i in keep], data, raw.source_rows, raw.encoding,
        raw.separator, raw.sheet, raw.sha256, notes, problems,
    )  # fmt: skip
    if getattr(raw, "row_sheets", None) is not None:
        out.row_sheets = raw.row_sheets  # type: ignore[attr-defined]
    return out
