"""FICTITIOUS export files for the issue-11 tests, built in code.

Every personnummer here is made up: birth dates in 1985 with serial numbers 9xx and a
correct Luhn check digit (the form the contract checks), belonging to nobody known.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path


def luhn_digit(nine: str) -> str:
    """The check digit of YYMMDDNNN (Skatteverket's rule; second implementation)."""
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    return str((10 - total % 10) % 10)


def fictitious_pnr(n: int) -> str:
    """The n-th fictitious personnummer: 1985-MM-DD, serial 9NN, valid check digit."""
    month, day = n % 12 + 1, n // 12 + 1
    yymmdd = f"85{month:02d}{day:02d}"
    serial = f"9{n % 100:02d}"
    return f"19{yymmdd}-{serial}{luhn_digit(yymmdd + serial)}"


def write_csv(path: Path, rows: list[list[str]], sep: str = ";") -> Path:
    """Write rows as Excel would (cells holding the separator are quoted)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]], merges=()) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    for title, cell_range in merges:
        book[title].merge_cells(cell_range)
    book.save(path)
    return path
