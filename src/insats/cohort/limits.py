"""Limits on what an input file may ask of the machine, checked before it is read.

A 1.7 kB workbook can declare a cell at XFD1048576 (openpyxl would build 17 billion
empty cells), a zip can unpack to gigabytes, a CSV can hold one line of a gigabyte or a
cell longer than the ``csv`` module's field limit. Each is refused here with a
:class:`~insats.cohort.read.ReadError` that names the file and the limit, before the
parser spends the time or memory. The limits are far above any municipal export (the
largest real ones have a few thousand rows and a few dozen columns).
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

import numpy as np

from insats.errors import InsatsError

#: Any input file, in bytes (the benchmark's million-row CSV is 176 MB).
MAX_INPUT_BYTES = 1 << 30
#: Uncompressed size of all parts of a workbook together.
MAX_XLSX_UNCOMPRESSED_BYTES = 512 << 20
#: Rows, columns and cells of a worksheet (read or declared).
MAX_XLSX_ROWS = 200_000
MAX_COLUMNS = 1_000
MAX_XLSX_CELLS = 10_000_000
#: Characters in one cell (the csv module's default field limit; Excel allows 32 767).
MAX_CELL_CHARS = 131_072
#: Bytes in one line of a text file.
MAX_LINE_BYTES = 1 << 20

_CELL_REF = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,4})(\d{1,8})"')
_ROW_REF = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d{1,8})"')
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\b[^>]*?\bref="([A-Z]{0,4})(\d{0,8}):?([A-Z]{0,4})(\d{0,8})"'
)


class LimitExceeded(InsatsError, ValueError):
    """An input asks for more than the limits allow; the message names the limit."""


def column_number(letters: bytes | str) -> int:
    """Spreadsheet column letters to a number (A = 1, XFD = 16384).

    >>> column_number("A"), column_number("XFD")
    (1, 16384)
    """
    n = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        n = n * 26 + ord(ch) - 64
    return n


def check_file_size(size: int) -> None:
    """Refuse a file larger than :data:`MAX_INPUT_BYTES`."""
    if size > MAX_INPUT_BYTES:
        raise LimitExceeded(
            f"the file has {size} bytes; at most {MAX_INPUT_BYTES} bytes are read "
            "(split the export by year or project)"
        )


def check_xlsx(raw: bytes) -> None:
    """Check a workbook's zip and every worksheet's extent before opening it.

    The declared ``<dimension>`` and the cell references actually present are both
    checked, streaming through each worksheet's XML (never holding it whole).
    """
    try:
        archive = zipfile.ZipFile(BytesIO(raw))
    except zipfile.BadZipFile:
        return  # openpyxl reports a broken workbook in its own words
    with archive:
        infos = archive.infolist()
        total = sum(i.file_size for i in infos)
        if total > MAX_XLSX_UNCOMPRESSED_BYTES:
            raise LimitExceeded(
                f"the workbook unpacks to {total} bytes; at most "
                f"{MAX_XLSX_UNCOMPRESSED_BYTES} bytes are read"
            )
        for info in infos:
            name = info.filename
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                _check_sheet(archive, info)


def _limit_rows_columns(rows: int, cols: int, what: str) -> None:
    if rows > MAX_XLSX_ROWS:
        raise LimitExceeded(
            f"a worksheet {what} row {rows}; at most {MAX_XLSX_ROWS} rows are read "
            "(save the sheet as CSV for larger exports)"
        )
    if cols > MAX_COLUMNS:
        raise LimitExceeded(
            f"a worksheet {what} column {cols}; at most {MAX_COLUMNS} columns are read"
        )
    if rows * cols > MAX_XLSX_CELLS:
        raise LimitExceeded(
            f"a worksheet {what} {rows} rows × {cols} columns; at most {MAX_XLSX_CELLS} "
            "cells are read"
        )


def _check_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    max_row = max_col = 0
    tail = b""
    read = 0
    with archive.open(info) as stream:
        while True:
            chunk = stream.read(1 << 20)
            if not chunk:
                break
            read += len(chunk)
            if read > MAX_XLSX_UNCOMPRESSED_BYTES:  # the zip's sizes may lie
                raise LimitExceeded(
                    f"a worksheet unpacks to more than {MAX_XLSX_UNCOMPRESSED_BYTES} bytes"
                )
            data = tail + chunk
            if max_row == 0 and max_col == 0:
                dim = _DIMENSION.search(data)
                if dim:
                    rows = max(int(dim.group(2) or 0), int(dim.group(4) or 0))
                    cols = max(column_number(dim.group(1)), column_number(dim.group(3)))
                    _limit_rows_columns(rows, cols, "declares")
            for m in _CELL_REF.finditer(data):
                max_col = max(max_col, column_number(m.group(1)))
                max_row = max(max_row, int(m.group(2)))
            for m in _ROW_REF.finditer(data):
                max_row = max(max_row, int(m.group(1)))
            _limit_rows_columns(max_row, max_col, "has a cell in")
            tail = data[-256:]  # a tag cut at the chunk boundary is seen whole next time


def check_text(body: bytes | memoryview) -> None:
    """Refuse NUL bytes in a text file (they end strings silently in many tools)."""
    view = np.frombuffer(body, dtype=np.uint8)
    if len(view) and view.min() == 0:
        offset = int(np.argmin(view))
        line = int(np.count_nonzero(view[:offset] == 10)) + 1
        raise LimitExceeded(
            f"line {line} holds a NUL byte (binary data); a text export has none — "
            "export the table again as CSV or .xlsx"
        )


def check_lines(body: bytes | memoryview) -> None:
    """Refuse a line longer than :data:`MAX_LINE_BYTES` (before the csv module reads it)."""
    view = np.frombuffer(body, dtype=np.uint8)
    breaks = np.flatnonzero(view == 10)
    edges = np.concatenate(([-1], breaks, [len(view)]))
    lengths = np.diff(edges) - 1
    if len(lengths) and lengths.max() > MAX_LINE_BYTES:
        line = int(np.argmax(lengths)) + 1
        raise LimitExceeded(
            f"line {line} has {int(lengths.max())} bytes; at most {MAX_LINE_BYTES} bytes "
            "per line are read (is this a table export?)"
        )


def check_cells(frame, source_rows, header: list[str]) -> None:
    """Refuse a cell longer than :data:`MAX_CELL_CHARS` characters, naming row and column."""
    for pos, name in enumerate(frame.columns):
        lengths = frame[name].str.len().to_numpy(dtype="float64", na_value=0)
        if len(lengths) and lengths.max() > MAX_CELL_CHARS:
            i = int(np.argmax(lengths))
            column = header[pos] if pos < len(header) else f"column {pos + 1}"
            raise LimitExceeded(
                f'row {int(source_rows[i])}, column "{column}": a cell of '
                f"{int(lengths.max())} characters; at most {MAX_CELL_CHARS} are read"
            )
