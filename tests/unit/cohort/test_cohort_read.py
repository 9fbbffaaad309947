"""Reading exports: encodings, separators, xlsx cells, Swedish numbers and dates."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from insats.cohort import ReadError, load_participants, read_table
from insats.cohort.read import parse_dates, parse_ints, parse_numbers

TODAY = date(2024, 6, 1)

ROWS = [
    ["Deltagar-ID", "Insats", "Grupp", "Kommun", "Kön", "Utbildningsnivå", "Startdatum",
     "Slutdatum", "Avslutsorsak", "Status vid avslut"],
    ["P1", "Första steget", "Grupp 1", "Perstorp", "Kvinna", "Förgymnasial", "2021-02-01",
     "2021-05-20", "Fullföljt", "Arbete"],
    ["P2", "Första steget", "Grupp 1", "Klippan", "Man", "Eftergymnasial 3 år eller mer",
     "20210201", "", "", ""],
    ["P3", "Första steget", "Grupp 2", "Perstorp", "okänt", "", "210901", "211217",
     "Sociala skäl", "Arbetssökande"],
]  # fmt: skip


def _write(path: Path, rows: list[list[str]], sep: str, encoding: str) -> Path:
    text = "\r\n".join(sep.join(r) for r in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_encodings_and_separators(tmp_path, encoding, sep):
    path = _write(tmp_path / "deltagare.csv", ROWS, sep, encoding)
    raw = read_table(path)
    assert raw.separator == sep
    assert raw.encoding == encoding
    assert raw.header == ROWS[0]  # "Kön", "Utbildningsnivå" decoded correctly
    assert raw.data.to_numpy().tolist() == ROWS[1:]
    assert raw.source_rows.tolist() == [2, 3, 4]
    cohort = load_participants(path, key=None, today=TODAY)
    data = cohort.data
    assert data["gender"].tolist() == ["woman", "man", "unknown"]
    assert data["education"].tolist() == ["primary", "tertiary", "unknown"]
    assert data["start_date"].tolist() == [pd.Timestamp("2021-02-01")] * 2 + [
        pd.Timestamp("2021-09-01")
    ]
    assert data["exit_reason"].tolist()[::2] == ["completed", "social_reasons"]


def test_separator_not_fooled_by_decimal_commas(tmp_path):
    rows = [
        ["Insats", "Kommun", "Period", "Beviljade medel", "Fakturerade kostnader"],
        ["Första steget", "Perstorp", "2021-T2", "1 030 000,50", "639 778,25"],
        ["Första steget", "Klippan", "2021-T2", "1 030 000,00", "521 261,75"],
    ]
    raw = read_table(_write(tmp_path / "ekonomi.csv", rows, ";", "cp1252"))
    assert raw.separator == ";"
    assert raw.data.shape == (2, 5)


def test_quoted_separator_and_line_break_in_a_cell(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "Deltagar-ID,Insats,Grupp,Startdatum\n"
        'P1,"Första steget, Perstorp",Grupp 1,2021-02-01\n'
        'P2,"Första\nsteget",Grupp 1,2021-02-01\n'
        "P3,Första steget,Grupp 1,2021-02-01\n",
        encoding="utf-8",
    )
    raw = read_table(path)
    assert raw.data[1].tolist() == ["Första steget, Perstorp", "Första\nsteget", "Första steget"]
    # Excel shows a record with a line break as one row
    assert raw.source_rows.tolist() == [2, 3, 4]


def test_empty_lines_keep_row_numbers_and_are_noted(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "Deltagar-ID;Insats;Grupp;Startdatum\n"
        "P1;Första steget;Grupp 1;2021-02-01\n"
        "\n"
        ";;;\n"
        "P2;Första steget;Grupp 1;2021-02-01\n\n\n",
        encoding="utf-8",
    )
    raw = read_table(path)
    assert raw.data[0].tolist() == ["P1", "P2"]
    assert raw.source_rows.tolist() == [2, 5]  # rows 3 and 4 are the empty lines
    assert any("2 empty line(s)" in msg and "3, 4" in msg for _, msg in raw.notes)


def test_ragged_rows_are_noted(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "Deltagar-ID;Insats;Grupp;Startdatum\n"
        "P1;Första steget;Grupp 1;2021-02-01;surplus\n"
        "P2;Första steget;Grupp 1\n",
        encoding="utf-8",
    )
    raw = read_table(path)
    assert raw.data.to_numpy().tolist() == [
        ["P1", "Första steget", "Grupp 1", "2021-02-01"],
        ["P2", "Första steget", "Grupp 1", ""],
    ]
    assert [(row, "surplus" in msg) for row, msg in raw.notes] == [(2, True)]


def test_trailing_separator_column_is_dropped(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("Deltagar-ID;Insats;\nP1;Första steget;\n", encoding="utf-8")
    raw = read_table(path)
    assert raw.header == ["Deltagar-ID", "Insats"]


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(ReadError, match="nope.csv: file not found"):
        read_table(tmp_path / "nope.csv")
    (tmp_path / "empty.csv").write_bytes(b"\r\n\r\n")
    with pytest.raises(ReadError, match="empty"):
        read_table(tmp_path / "empty.csv")


def test_input_file_is_not_changed(tmp_path):
    path = _write(tmp_path / "deltagare.csv", ROWS, ";", "cp1252")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    mtime = path.stat().st_mtime_ns
    raw = read_table(path)
    load_participants(path, key=None, today=TODAY)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before == raw.sha256
    assert path.stat().st_mtime_ns == mtime


# --- xlsx ------------------------------------------------------------------------------


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


def test_xlsx_with_real_date_cells_and_numbers(tmp_path):
    rows = [
        ["Deltagar-ID", "Insats", "Grupp", "Kön", "Födelseår", "Startdatum", "Slutdatum",
         "Avslutsorsak", "Status vid avslut", "Självskattning start"],
        ["P1", "Etableringsspåret", 1, "K", 1985, datetime(2021, 2, 1), date(2021, 8, 31),
         "fick arbete", "nystartsjobb", 4.0],
        ["P2", "Etableringsspåret", 1, "M", 1990.0, datetime(2021, 2, 1, 0, 0), None, None,
         None, 7],
        [None] * 10,  # an empty row in the middle
        ["P3", "Etableringsspåret", 2, "m", 1979, 44440, None, None, None, None],  # a serial
    ]  # fmt: skip
    path = _workbook(tmp_path / "export.xlsx", {"Blad1": rows})
    raw = read_table(path)
    assert raw.sheet == "Blad1" and raw.encoding is None
    assert raw.source_rows.tolist() == [2, 3, 5]  # real sheet rows
    cohort = load_participants(path, key=None, today=TODAY)
    data = cohort.data
    assert data["start_date"].tolist() == [pd.Timestamp("2021-02-01")] * 2 + [
        # Excel serial 44440: days after 1899-12-30 -> 2021-09-01 (=DATE(2021;9;1) in Excel)
        pd.Timestamp("2021-09-01")
    ]
    assert data["end_date"].iloc[0] == pd.Timestamp("2021-08-31")
    assert data["birth_year"].tolist() == [1985, 1990, 1979]
    assert data["self_assessment_start"].tolist()[:2] == [4, 7]
    assert data["group"].tolist() == ["1", "1", "2"]
    assert data["outcome_at_exit"].iloc[0] == "subsidised_employment"
    assert data["source_row"].tolist() == [2, 3, 5]


def test_xlsx_picks_the_sheet_named_like_the_table(tmp_path):
    path = _workbook(
        tmp_path / "export.xlsx",
        {
            "Info": [["Detta är en export"], ["Fiktiva data"]],
            "Deltagare": [["", ""], ["Deltagar-ID", "Insats", "Grupp", "Startdatum"],
                          ["P1", "Första steget", "Grupp 1", datetime(2021, 2, 1)]],
        },
    )  # fmt: skip
    raw = read_table(path, table="participants")
    assert raw.sheet == "Deltagare"
    assert raw.header == ["Deltagar-ID", "Insats", "Grupp", "Startdatum"]
    assert raw.source_rows.tolist() == [3]  # header on sheet row 2
    assert read_table(path).sheet == "Info"  # no table given: the first sheet


# --- parsers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 460 000", 1460000.0),  # seed 001
        ("1\u00a0460\u00a0000", 1460000.0),  # non-breaking spaces (Excel, Word)
        ("1\u202f460\u202f000", 1460000.0),  # narrow no-break space
        ("24,5", 24.5),
        ("24.5", 24.5),
        ("246 tkr", 246000.0),  # seed 000
        ("246 TKR", 246000.0),
        ("1,2 mkr", 1200000.0),
        ("1 288 507 kr", 1288507.0),
        ("639 778:-", 639778.0),
        ("1.460.000,50", 1460000.5),
        ("1,460,000.50", 1460000.5),
        ("-5 000", -5000.0),
        ("\u22125 000", -5000.0),  # typographic minus
        ("0", 0.0),
    ],
)
def test_swedish_numbers(text, value):
    values, bad = parse_numbers(pd.Series([text]))
    assert values.iloc[0] == pytest.approx(value)
    assert not bad.iloc[0]


@pytest.mark.parametrize("text", ["tolv", "12 äpplen", "1 2,3,4", "--5", "kr", "1,2,3"])
def test_unreadable_numbers(text):
    values, bad = parse_numbers(pd.Series([text]))
    assert bad.iloc[0] and np.isnan(values.iloc[0])


def test_counts_accept_personer_but_amounts_do_not():
    counts, bad = parse_ints(pd.Series(["12 personer", "6 st", "7", ""]), "count")
    assert counts.tolist() == [12, 6, 7, pd.NA] and not bad.any()
    _, bad = parse_numbers(pd.Series(["12 personer"]), "amount")
    assert bad.iloc[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-02-01", "2021-02-01"),
        ("2021-2-1", "2021-02-01"),
        ("2021/02/01", "2021-02-01"),
        ("2021-02-01 00:00:00", "2021-02-01"),
        ("2021-02-01T13:45", "2021-02-01"),
        ("20210201", "2021-02-01"),
        ("210201", "2021-02-01"),  # YYMMDD read as 20YY
        ("150112", "2015-01-12"),  # seed 003: "Grupp 1 började arbeta 150112"
        ("44228", "2021-02-01"),  # Excel serial: 44228 days after 1899-12-30
        ("44228.0", "2021-02-01"),
        ("2024-02-29", "2024-02-29"),  # leap day
    ],
)
def test_dates(text, expected):
    dates, bad = parse_dates(pd.Series([text]))
    assert dates.dtype == "datetime64[ns]"
    assert str(dates.iloc[0].date()) == expected and not bad.iloc[0]


@pytest.mark.parametrize(
    "text",
    ["2023-02-29", "2021-13-01", "01/02/2021", "1 februari 2021", "210230", "12345", "2021-02"],
)
def test_bad_dates(text):
    dates, bad = parse_dates(pd.Series([text, ""]))
    assert bad.tolist() == [True, False]
    assert dates.isna().all()


def test_parsers_keep_index_and_work_on_many_rows():
    index = pd.RangeIndex(5, 5 + 3000)
    values = pd.Series(["2021-02-01", "", "x"] * 1000, index=index)
    dates, bad = parse_dates(values)
    assert dates.index.equals(index) and bad.index.equals(index)
    assert bad.sum() == 1000 and dates.notna().sum() == 1000


def test_large_file_path_gives_the_same_cohort(monkeypatch):
    """The memory-mapped, threaded path for big files (>= 4 MB) must read exactly what
    the ordinary path reads; lower its thresholds so the sample file takes it."""
    import pandas as pd

    from insats.cohort import load_participants
    from insats.cohort import read as read_module

    sample = Path(__file__).resolve().parents[3] / "data/sample/forsta_steget_deltagare.csv"
    ordinary = load_participants(sample, key=None)
    monkeypatch.setattr(read_module, "_PARALLEL_BYTES", 1)
    monkeypatch.setattr(read_module, "_PARALLEL_ROWS", 1)
    large = load_participants(sample, key=None)
    pd.testing.assert_frame_equal(ordinary.data, large.data)
    assert ordinary.sha256 == large.sha256
