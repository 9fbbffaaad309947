"""Issue 11: real exports — personnummer-keyed and SUS-shaped files, the evaluator's own
words, workbooks as people make them. Every file is FICTITIOUS and built in the test
(see exports_data.py); bad variants give one message per problem, naming the row."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from typer.testing import CliRunner

from factories import fictitious_pnr, write_csv, write_xlsx
from insats.cli import app
from insats.cohort import ValidationFailed, load_funnel, load_participants, validate_file
from insats.cohort.read import SCHEMAS
from insats.cohort.words import ExportWords, check_words
from insats.outcomes.participants import count_persons
from insats.params import ParameterError, validate_parameters

TODAY = date(2022, 1, 15)
KEY = b"fictitious-test-key-0123456789ab"
P = [fictitious_pnr(i) for i in range(40)]


def _found(report):
    return [(p.row, p.column, p.value) for p in report.problems]


# --- identity ---------------------------------------------------------------------------

PNR_HEADER = ["Personnummer", "Insats", "Grupp", "Startdatum", "Slutdatum", "Avslutsorsak"]


def _pnr_rows(*rows):
    return [PNR_HEADER, *[list(r) for r in rows]]


def test_personnummer_only_export_is_read_with_the_pseudonym_as_identity(tmp_path):
    path = write_csv(
        tmp_path / "kommunlista.csv",
        _pnr_rows(
            (P[0], "Steget", "1", "2021-02-01", "2021-05-28", "Fullföljt"),  # row 2
            (P[1], "Steget", "1", "2021-02-01", "", ""),  # row 3
            (P[0], "Steget", "2", "2021-06-01", "", ""),  # row 4: re-enrolment of row 2
        ),
    )
    report = validate_file(path, today=TODAY)  # no key needed to validate
    assert report.ok, report.format()
    assert any("1 re-enrolment" in w.expected for w in report.warnings)
    cohort = load_participants(path, key=KEY, today=TODAY)
    data = cohort.data
    assert data["participant_id"].tolist() == data["pseudonym"].tolist()
    assert data["pseudonym"].str.fullmatch(r"[0-9a-f]{16}").all()
    # The same person twice: same pseudonym; 3 participations, 2 persons (by hand).
    assert data.loc[0, "person"] == data.loc[2, "person"] != data.loc[1, "person"]
    assert len(data) == 3 and count_persons(data) == 2
    text = data.astype(str).to_string()
    for number in P[:2]:
        assert number not in text and number.replace("-", "") not in text


def test_duplicate_person_same_start_is_an_error_naming_both_rows(tmp_path):
    path = write_csv(
        tmp_path / "dubbel.csv",
        _pnr_rows(
            (P[0], "Steget", "1", "2021-02-01", "", ""),  # row 2
            (P[1], "Steget", "1", "2021-02-01", "", ""),  # row 3
            (P[0].replace("-", ""), "Steget", "1", "2021-02-01", "", ""),  # row 4 = row 2
        ),
    )
    report = validate_file(path, today=TODAY)
    assert len(report.problems) == 1
    problem = report.problems[0]
    assert (problem.row, problem.column) == (4, "Personnummer")
    assert "repeats row 2" in problem.expected
    assert problem.value.endswith("****")  # never the whole number


def test_id_and_personnummer_both_checked(tmp_path):
    header = ["Deltagar-ID", *PNR_HEADER]
    rows = [
        header,
        ["A1", P[0], "Steget", "1", "2021-02-01", "", ""],  # row 2
        ["A2", P[0], "Steget", "1", "2021-02-01", "", ""],  # row 3: same person as row 2
        ["A3", P[2], "Steget", "1", "2021-02-01", "", ""],  # row 4
        ["A3", P[3], "Steget", "1", "2021-02-01", "", ""],  # row 5: same id as row 4
    ]
    report = validate_file(write_csv(tmp_path / "b.csv", rows), today=TODAY)
    assert [(p.row, p.column) for p in report.problems] == [
        (3, "Personnummer"),
        (5, "Deltagar-ID"),
    ]
    assert "repeats row 2" in report.problems[0].expected
    assert "repeats row 4" in report.problems[1].expected


def test_personnummer_only_bad_variants_one_message_each(tmp_path):
    path = write_csv(
        tmp_path / "fel.csv",
        _pnr_rows(
            (P[0], "Steget", "1", "2021-02-01", "", ""),  # row 2 fine
            ("", "Steget", "1", "2021-02-01", "", ""),  # row 3: no identity
            (P[1][:-1] + str((int(P[1][-1]) + 1) % 10), "Steget", "1", "2021-02-01", "", ""),
            (P[2], "Steget", "", "2021-02-01", "", ""),  # row 5: group missing
        ),
    )
    report = validate_file(path, today=TODAY)
    assert [(p.row, p.column) for p in report.problems] == [
        (3, "Personnummer"),
        (4, "Personnummer"),
        (5, "Grupp"),
    ]
    assert "anonym" in report.problems[0].expected  # says how to mark an anonymous row
    # The deltagar-id column is not required when there is a personnummer column ...
    assert not any("deltagar-id" in p.expected.lower() and p.row is None for p in report.problems)
    # ... but it is without one.
    no_pnr = write_csv(
        tmp_path / "utan.csv", [["Insats", "Grupp", "Startdatum"], ["S", "1", "2021-02-01"]]
    )
    missing = validate_file(no_pnr, kind="participants", today=TODAY)
    assert [(p.row, p.column) for p in missing.problems] == [(None, "deltagar-id")]


# --- SUS-shaped exports -----------------------------------------------------------------

SUS_HEADER = [
    "Personnummer", "Insats", "Grupp", "Kön", "Inskrivningsdatum", "Utskrivningsdatum",
    "Avslutsanledning", "Försörjningskällor före", "Försörjningskällor efter",
    "Sysselsättning före", "Sysselsättning efter",
]  # fmt: skip


def _sus(*rows):
    return [SUS_HEADER, *[list(r) for r in rows]]


SUS_ROWS = [
    # row 2: several sources in one cell, separated by "," and "och"
    (P[0], "Steget", "1", "Kvinna", "2021-02-01", "2021-05-28", "Planerat avslut",
     "Försörjningsstöd, sjukpenning", "Lön och försörjningsstöd", "Arbetssökande", "Arbete"),
    # row 3: a registration error, then the same person registered correctly (row 4)
    (P[1], "Steget", "1", "Man", "2021-02-01", "2021-02-02", "Felregistrering",
     "A-kassa", "", "Arbetssökande", ""),
    (P[1], "Steget", "1", "Man", "2021-02-01", "", "", "A-kassa / aktivitetsstöd", "",
     "Aktivt arbetssökande", ""),
    # row 5: re-enrolment of row 2
    (P[0], "Steget", "2", "Kvinna", "2021-06-01", "", "", "Lön; studiemedel", "", "Studier", ""),
    # row 6: anonymous (no consent): marked in the parameters (allow_anonymous)
    ("", "Steget", "2", "Kvinna", "2021-06-01", "", "", "Etableringsersättning", "",
     "Övrigt", ""),
]  # fmt: skip


def test_sus_export_read(tmp_path):
    path = write_csv(tmp_path / "sus.csv", _sus(*SUS_ROWS))
    words = ExportWords(allow_anonymous=True)
    report = validate_file(path, today=TODAY, words=words)
    assert report.ok, report.format()
    warned = " | ".join(w.expected for w in report.warnings)
    assert 'registration errors ("felregistrering"): left out of every count (rows 3)' in warned
    assert "anonymous participants" in warned and "(rows 6)" in warned
    cohort = load_participants(path, key=KEY, today=TODAY, words=words)
    d = cohort.data.set_index("source_row")
    assert list(d.index) == [2, 4, 5, 6]  # row 3 (felregistrering) is in no count
    assert cohort.n_rows == 5
    # Main support by the documented priority: försörjningsstöd before sjukpenning, lön.
    assert d.loc[2, "support_at_start"] == "social_assistance"
    assert d.loc[2, "support_sources_at_start"] == "social_assistance;sickness_benefit"
    assert d.loc[2, "support_at_exit"] == "social_assistance"  # lön + fbs: not self-sufficient
    assert d.loc[4, "support_sources_at_start"] == "activity_support;unemployment_benefit"
    assert d.loc[5, "support_at_start"] == "wage"
    assert d.loc[5, "support_sources_at_start"] == "wage;student_aid"
    assert d.loc[2, "exit_reason"] == "completed"
    assert d["activity_before"].tolist() == ["job_seeking", "job_seeking", "studies", "other"]
    assert d.loc[2, "activity_after"] == "work"
    assert d["is_anonymous"].tolist() == [False, False, False, True]
    assert pd.isna(d.loc[6, "pseudonym"]) and pd.isna(d.loc[6, "participant_id"])
    # 4 participations: person P0 twice, P1 once, the anonymous one: 3 persons.
    assert count_persons(cohort.data) == 3


def test_sus_one_yes_no_column_per_source(tmp_path):
    header = ["Personnummer", "Insats", "Grupp", "Startdatum", "Försörjningsstöd före",
              "Lön före", "Sjukpenning före", "Sysselsättning före"]  # fmt: skip
    rows = [
        header,
        [P[0], "S", "1", "2021-02-01", "Ja", "Ja", "", "Arbetssökande"],  # row 2
        [P[1], "S", "1", "2021-02-01", "", "x", "nej", "Arbete"],  # row 3
        [P[2], "S", "1", "2021-02-01", "kanske", "", "", "Studier"],  # row 4: bad
    ]
    path = write_csv(tmp_path / "flaggor.csv", rows)
    report = validate_file(path, today=TODAY)
    assert _found(report) == [(4, "Försörjningsstöd före", "kanske")]
    assert any("read together as försörjningskällor före" in w.expected for w in report.warnings)
    rows[3][4] = "nej"
    cohort = load_participants(write_csv(path, rows), key=KEY, today=TODAY)
    assert cohort.data["support_at_start"].tolist() == ["social_assistance", "wage", "unknown"]
    assert cohort.data["support_sources_at_start"].tolist()[:2] == [
        "social_assistance;wage",
        "wage",
    ]


def test_sus_bad_variants_one_message_each(tmp_path):
    rows = [
        SUS_ROWS[0],
        # row 3: an unknown source among several: the message names that word
        (P[1], "Steget", "1", "Man", "2021-02-01", "", "", "A-kassa, bidrag", "", "Arbete", ""),
        # row 4: unknown sysselsättning
        (P[2], "Steget", "1", "Man", "2021-02-01", "", "", "A-kassa", "", "Semester", ""),
        # row 5: anonymous without allow_anonymous
        ("", "Steget", "1", "Man", "2021-02-01", "", "", "", "", "", ""),
    ]
    report = validate_file(write_csv(tmp_path / "sus.csv", _sus(*rows)), today=TODAY)
    assert _found(report) == [
        (3, "Försörjningskällor före", "bidrag"),
        (4, "Sysselsättning före", "Semester"),
        (5, "Personnummer", ""),
    ]
    assert "separated by , ; / or och" in report.problems[0].expected


def test_anonymous_marker_in_the_id_column(tmp_path):
    header = ["Deltagar-ID", "Personnummer", "Insats", "Grupp", "Startdatum"]
    rows = [
        header,
        ["D1", P[0], "S", "1", "2021-02-01"],
        ["Anonym", "", "S", "1", "2021-02-01"],  # row 3: anonymous
        ["anonymous", "", "S", "1", "2021-02-01"],  # row 4: anonymous, not a duplicate
        ["anonym", P[1], "S", "1", "2021-02-01"],  # row 5: marked but identified: error
    ]
    report = validate_file(write_csv(tmp_path / "a.csv", rows), today=TODAY)
    assert _found(report) == [(5, "Deltagar-ID", "anonym")]
    del rows[4]
    cohort = load_participants(write_csv(tmp_path / "a.csv", rows), key=KEY, today=TODAY)
    assert cohort.data["is_anonymous"].tolist() == [False, True, True]
    assert count_persons(cohort.data) == 3


# --- the evaluator's own words -------------------------------------------------------------


OWN_HEADER = ["Pnr", "Projekt", "Intag", "Startdat", "Slutdat", "Orsak", "Resultat"]


def test_columns_and_codes_mappings(tmp_path):
    rows = [
        OWN_HEADER,
        [P[0], "S", "1", "2021-02-01", "2021-05-01", "Klar", "Jobb"],
        [P[1], "S", "1", "2021-02-01", "2021-05-01", "Klar", "Eget företag"],
    ]
    path = write_csv(tmp_path / "egna.csv", rows)
    bare = validate_file(path, kind="participants", today=TODAY)
    assert not bare.ok  # "Startdat" is not a contract header
    # The closest contract names are suggested, as a block to paste.
    assert bare.suggested_columns["Startdat"] == "start_date"
    assert bare.suggested_columns["Slutdat"] == "end_date"
    words = ExportWords(
        columns={"Startdat": "start_date", "Slutdat": "end_date", "Orsak": "exit_reason",
                 "Resultat": "outcome_at_exit"},
        codes={"exit_reason": {"Klar": "completed"},
               "outcome_at_exit": {"Jobb": "employment", "Eget företag": "employment"}},
    )  # fmt: skip
    report = validate_file(path, today=TODAY, words=words)
    assert report.ok, report.format()
    cohort = load_participants(path, key=KEY, today=TODAY, words=words)
    assert cohort.data["outcome_at_exit"].tolist() == ["employment", "employment"]
    assert cohort.data["exit_reason"].tolist() == ["completed", "completed"]
    # An unknown word left unmapped: error at its row, and a suggestion for it.
    rows.append([P[2], "S", "1", "2021-02-01", "2021-05-01", "Fullfoljt", "Studie"])
    report = validate_file(write_csv(path, rows), today=TODAY, words=words)
    assert _found(report) == [(4, "Resultat", "Studie")]
    assert report.suggested_codes == {"outcome_at_exit": {"Studie": "studies"}}
    assert "outcome_at_exit:\n    Studie: studies" in report.suggestion_block()


def test_mappings_are_validated_naming_the_key():
    problems = check_words(
        ExportWords(columns={"Pnr": "personummer"}, codes={"outcome_at_exit": {"Jobb": "job"}}),
        SCHEMAS,
    )
    assert len(problems) == 2
    assert "'personummer' is not a column" in problems[0] and "personnummer" in problems[0]
    assert '"Jobb"' in problems[1] and "'job' is not a code of outcome_at_exit" in problems[1]
    with pytest.raises(ParameterError, match="personummer"):
        validate_parameters(
            {
                "project": "S",
                "period": "2021-T2",
                "participants_path": "x.csv",
                "columns": {"Pnr": "personummer"},
            }  # fmt: skip
        )
    with pytest.raises(ParameterError, match="not a coded column"):
        validate_parameters(
            {
                "project": "S",
                "period": "2021-T2",
                "participants_path": "x.csv",
                "codes": {"start_date": {"x": "y"}},
            }  # fmt: skip
        )


def test_cli_validate_suggests_and_uses_params(tmp_path):
    rows = [OWN_HEADER, [P[0], "S", "1", "2021-02-01", "2021-05-01", "Fullföljt", "Jobb"]]
    path = write_csv(tmp_path / "egna.csv", rows)
    runner = CliRunner()
    result = runner.invoke(app, ["validate", str(path), "--kind", "participants"])
    assert result.exit_code == 1
    assert "columns:" in result.output and "  Startdat: start_date" in result.output
    params = tmp_path / "p.yaml"
    params.write_text(
        "project: S\nperiod: 2021-T2\nparticipants_path: egna.csv\n"
        "columns:\n  Startdat: start_date\n  Slutdat: end_date\n  Orsak: exit_reason\n"
        "  Resultat: outcome_at_exit\ncodes:\n  outcome_at_exit:\n    Jobb: employment\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", "--params", str(params)])
    assert result.exit_code == 0, result.output
    assert "egna.csv (participants, 1 rows): no problems" in result.output
    params.write_text(params.read_text().replace("employment", "jobb"), encoding="utf-8")
    result = runner.invoke(app, ["validate", "--params", str(params)])
    assert result.exit_code == 2 and "'jobb' is not a code of outcome_at_exit" in result.output


# --- workbooks as people make them -----------------------------------------------------------

SHEET_HEADER = ["Personnummer", "Insats", "Startdatum", "Kön", "Slutdatum", "Avslutsorsak"]


def test_workbook_one_sheet_per_group_with_total_rows(tmp_path):
    path = write_xlsx(
        tmp_path / "grupper.xlsx",
        {
            "Grupp 1": [
                ["Deltagare grupp 1 (fiktiva)"],  # title row
                SHEET_HEADER,
                [P[0], "S", "2021-02-01", "Kvinna", "2021-05-28", "Fullföljt"],
                [P[1], "S", "2021-02-01", "Man", "2021-05-28", "Fullföljt"],
                ["Summa", "2"],  # total row: 2 participants, agrees
            ],
            "Grupp 2": [
                SHEET_HEADER,
                [P[2], "S", "2021-06-01", "Kvinna"],
                [P[0], "S", "2021-06-01", "Kvinna"],  # re-enrolment of sheet 1's first
                [P[3], "S", "2021-06-01", "Man"],
                ["Totalt:", "3"],
            ],
            "Anteckningar": [["Fritext om grupperna"]],
        },
    )
    report = validate_file(path, today=TODAY)
    assert report.ok, report.format()
    warned = " | ".join(w.expected for w in report.warnings)
    assert (
        '2 sheets carry the participants header and are read together: "Grupp 1", "Grupp 2"'
        in warned
    )
    assert 'sheet "Grupp 1" has no grupp column: the group is the sheet name' in warned
    assert 'sheet "Grupp 1": total row(s) 5 are not read as data' in warned
    assert 'sheet "Grupp 2": total row(s) 5 are not read as data' in warned
    cohort = load_participants(path, key=KEY, today=TODAY)
    assert cohort.data["group"].tolist() == ["Grupp 1"] * 2 + ["Grupp 2"] * 3
    assert cohort.data["source_row"].tolist() == [3, 4, 2, 3, 4]
    assert len(cohort.data) == 5 and count_persons(cohort.data) == 4


def test_workbook_bad_variants_name_sheet_and_row(tmp_path):
    path = write_xlsx(
        tmp_path / "grupper.xlsx",
        {
            "Grupp 1": [SHEET_HEADER, [P[0], "S", "2021-02-01", "Kvinna"], ["Summa", "3"]],
            "Grupp 2": [SHEET_HEADER, [P[1], "S", "2021-02-30", "Man"]],
        },
    )
    report = validate_file(path, today=TODAY)
    assert [(p.file, p.row, p.column) for p in report.problems] == [
        ('grupper.xlsx, sheet "Grupp 1"', 3, "Insats"),
        ('grupper.xlsx, sheet "Grupp 2"', 2, "Startdatum"),
    ]
    assert "the number of rows of this column (1)" in report.problems[0].expected


def test_finance_total_row_is_checked(tmp_path):
    rows = [
        ["Insats", "Finansiär", "Period", "Beviljade medel", "Fakturerade kostnader"],
        ["S", "Kommunen", "2021-T1", "100 000", "40 000"],
        ["S", "Regionen", "2021-T1", "100 000", "30 000"],
        ["Summa", "", "", "200 000", "80 000"],  # row 4: the invoiced sum is 70 000
    ]
    report = validate_file(write_csv(tmp_path / "ekonomi.csv", rows), today=TODAY)
    assert _found(report) == [(4, "Fakturerade kostnader", "80 000")]
    assert "the sum of the rows of this column (70000)" in report.problems[0].expected
    assert report.n_rows == 2


# Seed 003's Bilaga 1 layout (steps as rows, groups as columns); the numbers are made up.
BILAGA = [
    ["Bilaga.1", "Grupp 1", "Grupp 2", "Grupp 3"],
    ["Antal", "7 personer", "5 personer", "6 personer"],
    ["Män", "3", "2", "3"],
    ["Kvinnor", "4", "3", "3"],
    ["Ålder", "24 - 50", "22 - 35", "20 - 51"],
    ["Kallade till information på AF", "13 personer", "7 personer", "9 personer"],
    ["Kom till information på AF", "9 personer", "6 personer", "8 personer"],
    ["Bokar intervjutid", "10 personer", "7 personer", "10 personer"],
    ["Kom till intervju", "8 personer", "6 personer", "9 personer"],
]


@pytest.mark.parametrize("form", ["tsv", "xlsx"])
def test_bilaga1_funnel(tmp_path, form):
    if form == "tsv":
        path = write_csv(tmp_path / "bilaga1.txt", BILAGA, sep="\t")
    else:
        path = write_xlsx(tmp_path / "bilaga1.xlsx", {"Bilaga 1": BILAGA})
    report = validate_file(path, today=TODAY, project="Etableringsspåret")
    assert report.ok and report.kind == "funnel", report.format()
    warned = " | ".join(w.expected for w in report.warnings)
    assert "steps as rows and groups as columns" in warned
    assert '"Män" (row 3)' in warned and '"Ålder" (row 5)' in warned
    frame = load_funnel(path, today=TODAY, project="Etableringsspåret")
    assert frame["group"].tolist() == ["Grupp 1", "Grupp 2", "Grupp 3"]
    assert frame["project"].unique().tolist() == ["Etableringsspåret"]
    assert frame["invited"].tolist() == [13, 7, 9]
    assert frame["attended_info"].tolist() == [9, 6, 8]
    assert frame["booked_interview"].tolist() == [10, 7, 10]
    assert frame["attended_interview"].tolist() == [8, 6, 9]
    assert frame["started"].tolist() == [7, 5, 6]


def test_bilaga1_bad_variant_names_cell(tmp_path):
    rows = [list(r) for r in BILAGA]
    rows[6][2] = "sex personer"  # Kom till information, Grupp 2: row 7, column C
    rows[8][3] = "-2"  # Kom till intervju, Grupp 3: row 9, column D
    report = validate_file(write_csv(tmp_path / "b.txt", rows, sep="\t"), today=TODAY)
    assert [(p.file, p.row, p.column, p.value) for p in report.problems] == [
        ('b.txt, column C "Grupp 2"', 7, "Kom till information på AF", "sex personer"),
        ('b.txt, column D "Grupp 3"', 9, "Kom till intervju", "-2"),
    ]


def test_two_row_header_is_read(tmp_path):
    rows = [
        ["Personnummer", "Insats", "Grupp", "Startdatum", "Försörjningskällor", None],
        [None, None, None, None, "Före", "Efter"],
        [P[0], "S", "1", "2021-02-01", "Försörjningsstöd", None],
    ]
    path = write_xlsx(tmp_path / "tva.xlsx", {"Deltagare": rows}, merges=[("Deltagare", "E1:F1")])
    report = validate_file(path, today=TODAY)
    assert report.ok, report.format()
    assert any("rows 1 and 2 are read as one header" in w.expected for w in report.warnings)
    cohort = load_participants(path, key=KEY, today=TODAY)
    assert cohort.data["support_at_start"].tolist() == ["social_assistance"]
    assert cohort.data["source_row"].tolist() == [3]


def test_two_row_header_that_names_nothing_is_refused(tmp_path):
    rows = [
        ["Personnummer", "Insats", "Grupp", "Startdatum", "Mätning", None],
        [None, None, None, None, "Vår", "Höst"],
        [P[0], "S", "1", "2021-02-01", "3", "4"],
    ]
    path = write_xlsx(tmp_path / "tva.xlsx", {"Deltagare": rows}, merges=[("Deltagare", "E1:F1")])
    report = validate_file(path, today=TODAY)
    assert len(report.problems) == 1
    message = report.problems[0].expected
    assert "header in row 1 has merged or empty cells (columns F)" in message
    assert "row 2 looks like a second header row" in message
    assert "give every column its own header in one row" in message
    with pytest.raises(ValidationFailed):
        load_participants(path, key=KEY, today=TODAY)


def test_re_enrolment_must_start_after_the_previous_participation(tmp_path):
    path = write_csv(
        tmp_path / "overlapp.csv",
        _pnr_rows(
            (P[0], "Steget", "1", "2021-02-01", "2021-05-28", "Fullföljt"),  # row 2
            (P[0], "Steget", "2", "2021-05-01", "", ""),  # row 3: starts before row 2 ended
            (P[1], "Steget", "1", "2021-02-01", "", ""),  # row 4: still enrolled
            (P[1], "Steget", "2", "2021-06-01", "", ""),  # row 5: starts while row 4 runs
            (P[1], "Annan insats", "1", "2021-06-01", "", ""),  # row 6: other insats, fine
        ),
    )
    report = validate_file(path, today=TODAY)
    assert [(p.row, p.column, p.value) for p in report.problems] == [
        (3, "Startdatum", "2021-05-01"),
        (5, "Startdatum", "2021-06-01"),
    ]
    assert "row 2 ended 2021-05-28" in report.problems[0].expected
    assert "row 4 has no Slutdatum" in report.problems[1].expected


def test_funnel_and_participant_total_rows(tmp_path):
    funnel = [
        ["Insats", "Grupp", "Kallade", "Kom till intervju", "Började"],
        ["S", "1", "10", "8", "6"],
        ["S", "2", "12", "9", "7"],
        ["Totalt", "", "22", "17", "14"],  # row 4: started 6 + 7 = 13, not 14
    ]
    report = validate_file(write_csv(tmp_path / "tratt.csv", funnel), today=TODAY)
    assert _found(report) == [(4, "Började", "14")]
    funnel[3][4] = "13"
    frame = load_funnel(write_csv(tmp_path / "tratt.csv", funnel), today=TODAY)
    assert frame["group"].tolist() == ["1", "2"]  # the total is no group
    assert frame.attrs["warnings"] and "total row(s) 4" in " ".join(frame.attrs["warnings"])
    people = _pnr_rows(
        (P[0], "S", "1", "2021-02-01", "", ""),
        (P[1], "S", "1", "2021-02-01", "", ""),
        ("Summa: 2 deltagare", "", "", "", "", ""),  # row 4: a total in the label itself
    )
    cohort = load_participants(write_csv(tmp_path / "p.csv", people), key=KEY, today=TODAY)
    assert cohort.data["source_row"].tolist() == [2, 3]
    people[3][0] = "Summa: 3 deltagare"
    report = validate_file(write_csv(tmp_path / "p.csv", people), today=TODAY)
    assert _found(report) == [(4, "Personnummer", "Summa: 3 deltagare")]
    assert "the number of rows (2)" in report.problems[0].expected
