"""Validation: each kind of problem, with the spreadsheet row numbers, in one pass."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from insats.cohort import (
    PARTICIPANT_COLUMNS,
    Problem,
    ValidationFailed,
    ValidationReport,
    load_finance,
    load_funnel,
    load_participants,
    validate_file,
)

TODAY = date(2022, 1, 15)
HEADER = ["Deltagar-ID", "Insats", "Grupp", "Kommun", "Kön", "Födelseår", "Utbildningsnivå",
          "Remittent", "Försörjning vid start", "Startdatum", "Slutdatum", "Avslutsorsak",
          "Status vid avslut", "Självskattning start", "Självskattning avslut"]  # fmt: skip
GOOD = ["P1", "Första steget", "Grupp 1", "Perstorp", "Kvinna", "1985", "Gymnasial", "AF",
        "Försörjningsstöd", "2021-02-01", "2021-05-20", "Fullföljt", "Arbete", "4", "7"]  # fmt: skip


def _row(**changes: str) -> list[str]:
    row = dict(zip(HEADER, GOOD, strict=True))
    row.update({k.replace("_", " "): v for k, v in changes.items()})
    return [row[h] for h in HEADER]


def _csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    path.write_text("\n".join(";".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    return path


def _found(report: ValidationReport) -> list[tuple[int | None, str | None, str | None]]:
    return [(p.row, p.column, p.value) for p in report.problems]


def test_clean_file(tmp_path):
    path = _csv(tmp_path / "deltagare.csv", [_row(), _row(**{"Deltagar-ID": "P2"})])
    report = validate_file(path, today=TODAY)
    assert report.ok and report.kind == "participants" and report.n_rows == 2
    assert report.format().splitlines()[0] == "deltagare.csv (participants, 2 rows): no problems"
    cohort = load_participants(path, key=None, today=TODAY)
    assert list(cohort.data.columns) == list(PARTICIPANT_COLUMNS)
    assert cohort.n_rows == len(cohort.data) == 2
    assert cohort.file == "deltagare.csv"


def test_every_kind_of_problem_in_one_pass(tmp_path):
    rows = [
        _row(),  # row 2: fine
        _row(**{"Deltagar-ID": "P2", "Kön": "kvnna"}),  # row 3: unknown code
        _row(**{"Deltagar-ID": "P3", "Startdatum": "2021-02-30"}),  # row 4: impossible date
        _row(**{"Deltagar-ID": "P4", "Slutdatum": "2021-01-10"}),  # row 5: end before start
        _row(**{"Deltagar-ID": "P5", "Slutdatum": "2022-03-01"}),  # row 6: in the future
        _row(**{"Deltagar-ID": "P6", "Födelseår": "1885"}),  # row 7: birth year range
        _row(**{"Deltagar-ID": "P7", "Självskattning start": "11"}),  # row 8: 1–10
        _row(**{"Deltagar-ID": "P8", "Självskattning avslut": "5,5"}),  # row 9: not whole
        _row(),  # row 10: duplicates row 2
        _row(**{"Deltagar-ID": "", "Grupp": ""}),  # row 11: required values missing
        _row(**{"Deltagar-ID": "P9", "Slutdatum": ""}),  # row 12: exit fields while ongoing
        _row(**{"Deltagar-ID": "P10", "Remittent": "grannen"}),  # row 13
        _row(**{"Deltagar-ID": "P2", "Insats": "Etableringsspåret"}),  # row 14: other insats, fine
        _row(**{"Deltagar-ID": "P1"}),  # row 15: second repeat of row 2
        _row(**{"Deltagar-ID": "P11", "Startdatum": "1985-01-01"}),  # row 16: too early
    ]
    report = validate_file(_csv(tmp_path / "deltagare.csv", rows), today=TODAY)
    assert not report.ok
    assert _found(report) == [
        (3, "Kön", "kvnna"),
        (4, "Startdatum", "2021-02-30"),
        (5, "Slutdatum", "2021-01-10"),
        (6, "Slutdatum", "2022-03-01"),
        (7, "Födelseår", "1885"),
        (8, "Självskattning start", "11"),
        (9, "Självskattning avslut", "5,5"),
        (10, "Deltagar-ID", "P1"),
        (11, "Deltagar-ID", ""),
        (11, "Grupp", ""),
        (12, "Avslutsorsak", "Fullföljt"),
        (12, "Status vid avslut", "Arbete"),
        (13, "Remittent", "grannen"),
        (15, "Deltagar-ID", "P1"),
        (16, "Startdatum", "1985-01-01"),
    ]
    messages = [str(p) for p in report.problems]
    assert messages[0] == (
        'deltagare.csv, row 3, column "Kön": "kvnna" — expected one of: '
        "kvinna, man, annat, okänt (woman, man, other, unknown)"
    )
    assert "2021-02-01" in messages[2]  # end before start names the start date
    assert "2022-01-15" in messages[3]  # "not after today"
    assert "from 1900 to 2022" in messages[4]
    assert "from 1 to 10" in messages[5]
    assert messages[7].endswith("this row repeats row 2")
    assert messages[13].endswith("this row repeats row 2")
    assert "required" in messages[8]
    assert "Slutdatum" in messages[10]
    with pytest.raises(ValidationFailed) as info:
        load_participants(tmp_path / "deltagare.csv", key=None, today=TODAY)
    assert info.value.report.problems == report.problems
    assert "15 problems" in str(info.value)


def test_missing_required_columns_and_duplicate_headers(tmp_path):
    header = ["Deltagar-ID", "Insats", "Kön", "Kon", "Anteckning"]
    path = _csv(tmp_path / "x.csv", [["P1", "Första steget", "k", "k", "hej"]], header)
    report = validate_file(path, "participants", today=TODAY)
    found = _found(report)
    assert (None, "grupp", None) in found
    assert (None, "startdatum", None) in found
    assert (None, "Kon", None) in found  # second header meaning gender
    assert all(p.row is None for p in report.problems)
    # the unknown column is listed, not silently dropped
    assert [(w.column, "ignored" in w.expected) for w in report.warnings] == [("Anteckning", True)]


def test_end_date_without_reason_becomes_unknown_with_a_warning(tmp_path):
    rows = [_row(), _row(**{"Deltagar-ID": "P2", "Avslutsorsak": "", "Status vid avslut": ""}),
            _row(**{"Deltagar-ID": "P3", "Slutdatum": "", "Avslutsorsak": "",
                    "Status vid avslut": "", "Självskattning avslut": ""})]  # fmt: skip
    cohort = load_participants(_csv(tmp_path / "d.csv", rows), key=None, today=TODAY)
    data = cohort.data
    assert data["exit_reason"].tolist()[:2] == ["completed", "unknown"]
    assert data["outcome_at_exit"].tolist()[:2] == ["employment", "unknown"]
    assert data["exit_reason"].isna().tolist() == [False, False, True]  # ongoing stays NA
    assert pd.isna(data["end_date"].iloc[2])
    warnings = [str(w) for w in cohort.warnings]
    assert any("Avslutsorsak" in w and "(rows 3)" in w for w in warnings)


def test_canonical_frame(tmp_path):
    rows = [
        _row(),
        _row(**{"Deltagar-ID": "P2", "Kön": "", "Utbildningsnivå": "", "Remittent": "",
                "Försörjning vid start": "", "Födelseår": "", "Slutdatum": "",
                "Avslutsorsak": "", "Status vid avslut": "", "Självskattning avslut": "",
                "Insats": "Första Steget", "Kommun": ""}),
    ]  # fmt: skip
    data = load_participants(_csv(tmp_path / "d.csv", rows), key=None, today=TODAY).data
    assert data["gender"].tolist() == ["woman", "unknown"]  # blank -> unknown
    assert data["education"].tolist() == ["secondary", "unknown"]
    assert data["referral"].tolist() == ["employment_service", "unknown"]
    assert data["support_at_start"].tolist() == ["social_assistance", "unknown"]
    assert data["birth_year"].dtype == "Int64" and data["birth_year"].isna().tolist() == [
        False,
        True,
    ]
    assert (
        data["start_date"].dtype == "datetime64[ns]" and data["end_date"].dtype == "datetime64[ns]"
    )
    assert data["self_assessment_end"].tolist() == [7, pd.NA]
    assert data["project"].tolist() == ["Första steget"] * 2  # spelling unified
    assert data["municipality"].isna().tolist() == [False, True]
    assert data["pseudonym"].isna().all()  # no personnummer column
    assert data["source_row"].tolist() == [2, 3]
    assert data["outcome_6m"].isna().all()  # column absent: not followed up


def test_problems_in_xlsx_use_real_sheet_rows(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Exporterad 2022-01-10"])  # a title row above the header
    ws.append([])
    ws.append(HEADER)  # header on sheet row 3
    ws.append(_row())
    ws.append(_row(**{"Deltagar-ID": "P2", "Kön": "X"}))  # sheet row 5
    book.save(tmp_path / "d.xlsx")
    report = validate_file(tmp_path / "d.xlsx", today=TODAY)
    # the title row above the header is skipped, and said so
    assert _found(report) == [(5, "Kön", "X")]
    assert any("row(s) 1 above the header (row 3)" in str(w) for w in report.warnings)


def test_report_format_limit_and_frame():
    problems = [Problem("a.csv", r, "Kön", "x", "one of: kvinna") for r in range(2, 8)]
    warning = Problem("a.csv", None, "Not", None, "ignored", "warning")
    report = ValidationReport("a.csv", "participants", 6, problems, [warning])
    text = report.format(limit=2)
    assert text.splitlines()[0] == "a.csv (participants, 6 rows): 6 problems"
    assert "… and 4 more" in text and "1 warning:" in text
    assert str(warning) == 'a.csv, column "Not" — ignored'
    frame = report.to_frame()
    assert frame["severity"].tolist() == ["error"] * 6 + ["warning"]
    assert frame["row"].dtype == "Int64"
    assert "<pre>" in report._repr_html_()


def test_unrecognised_and_unreadable_files(tmp_path):
    path = _csv(tmp_path / "namn.csv", [["Anna", "Storgatan 1"]], ["Namn", "Adress"])
    report = validate_file(path, today=TODAY)
    assert not report.ok and report.kind is None
    assert "participants, finance or funnel" in str(report.problems[0])
    report = validate_file(tmp_path / "saknas.csv")
    assert not report.ok and "not found" in str(report.problems[0])
    assert "/" not in str(report.problems[0]).split(" — ")[0]  # base name only


# --- finance and funnel ----------------------------------------------------------------


def test_finance(tmp_path):
    # amounts in the style of seeds 000–002
    header = ["Insats", "Kommun", "Period", "Reviderade beviljade medel", "Fakturerade kostnader",
              "Prognos för året"]  # fmt: skip
    rows = [
        ["Första steget", "Perstorp", "210501-210831", "1 030 000", "639 778", "1 030 000"],
        ["Första steget", "Klippan", "2021-T2", "1 030 000", "521 261", ""],
        ["Projekt X", "Klippan", "2021", "246 tkr", "216 tkr", "740 tkr"],
        ["Projekt X", "Klippan", "2021", "1", "-5", "x"],  # row 5: duplicate, negative, bad
        ["Projekt X", "Klippan", "2021-T4", "", "1", "1"],  # row 6: bad period, missing
    ]
    path = _csv(tmp_path / "ekonomi.csv", rows, header)
    report = validate_file(path, today=TODAY)
    assert report.kind == "finance"
    assert _found(report) == [
        (5, "Insats", "Projekt X"),
        (5, "Fakturerade kostnader", "-5"),
        (5, "Prognos för året", "x"),
        (6, "Period", "2021-T4"),
        (6, "Reviderade beviljade medel", ""),
    ]
    assert "repeats row 4" in str(report.problems[0])
    frame = load_finance(_csv(tmp_path / "ok.csv", rows[:3], header), today=TODAY)
    # the seeds' 210501-210831 is 2021-T2 (a whole tertial gets its label)
    assert frame["period"].tolist() == ["2021-T2", "2021-T2", "2021"]
    assert frame["granted_sek"].tolist() == [1030000.0, 1030000.0, 246000.0]
    assert frame["invoiced_sek"].tolist() == [639778.0, 521261.0, 216000.0]
    assert frame["forecast_sek"].isna().tolist() == [False, True, False]
    assert frame["period_start"].iloc[1] == pd.Timestamp("2021-05-01")
    assert frame["source_row"].tolist() == [2, 3, 4]
    assert frame.attrs["file"] == "ok.csv"


def test_funnel(tmp_path):
    # seed 003, Bilaga 1: groups 1–3; booked (10) > came to info (8) is real, not an error
    header = ["Insats", "Grupp", "Kallade till information på AF", "Kom till information på AF",
              "Bokar intervjutid", "Kom till intervju", "Började"]  # fmt: skip
    rows = [
        ["Etableringsspåret", "Grupp 1", "12 personer", "8 personer", "10 personer", "8", "6"],
        ["Etableringsspåret", "Grupp 2", "6", "6", "7", "6", "5"],
        ["Etableringsspåret", "Grupp 3", "9", "9", "10", "4", "7"],  # started 7 > interview 4
    ]
    frame = load_funnel(_csv(tmp_path / "tratt.csv", rows, header), today=TODAY)
    assert frame["invited"].tolist() == [12, 6, 9]
    assert frame["booked_interview"].tolist() == [10, 7, 10]
    assert frame["started"].dtype == "Int64"
    assert frame["municipality"].isna().all()
    assert any("(rows 4)" in w for w in frame.attrs["warnings"])
    bad = rows + [["Etableringsspåret", "Grupp 1", "-1", "", "", "", "tre"]]  # row 5
    report = validate_file(_csv(tmp_path / "bad.csv", bad, header), today=TODAY)
    assert report.kind == "funnel"
    assert _found(report) == [
        (5, "Insats", "Etableringsspåret"),  # repeats row 2 (project, group)
        (5, "Kallade till information på AF", "-1"),
        (5, "Började", "tre"),
    ]
