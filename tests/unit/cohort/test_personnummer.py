"""One personnummer module for ingestion, messages and the guard (issue 15).

Every number here is fictitious: Skatteverket's test numbers (19121212-1212 and its
relatives) or made-up digits with a valid date and check digit, never a real record.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from insats.cohort import load_participants, validate_file
from insats.cohort.personnummer import (
    check_personnummer,
    find_personnummer,
    luhn_digit,
    luhn_ok,
    redact_personnummer,
)
from insats.disclosure import DisclosureError, guard_outputs, scan_artifact

TODAY = date(2022, 1, 15)

# The issue's three evasive forms (fictitious digits with a valid check digit) ...
ISSUE_FORMS = ["19790315 1079", "19900612\u20131140", "SFI198202281211"]
# ... and others a narrative or a group name can carry, each of 19121212-1212.
OTHER_FORMS = [
    "19121212\u20141212",  # em dash
    "19121212\u22121212",  # minus sign
    "19121212\u00a01212",  # no-break space
    "19121212\u202f-\u202f1212",  # narrow no-break spaces around a dash
    "19121212&nbsp;1212",  # an HTML entity
    "19121212&#8211;1212",  # a numeric entity for the en dash
    "1912\u00ad1212-1212",  # a soft hyphen inside the date
    "19121212\u200b-1212",  # a zero-width space
    "1912<span>1212</span>-1212",  # an inline tag between the digits
    "\uff11\uff19\uff11\uff12\uff11\uff12\uff11\uff12-\uff11\uff12\uff11\uff12",  # full width
    "1912-12-12-1212",  # the date written with dashes
    "811218 - 9876",  # ten digits, spaced dash (Skatteverket's example 811218-9876)
    "811218+9876",  # ten digits, aged 100 or more
    "19121272-1210",  # samordningsnummer: day 12 + 60
    "deltagare191212121212",  # glued to a word
    "191212121212kr",  # glued to a word after it
]


def test_luhn_is_one_implementation():
    assert luhn_digit("121212121") == 2  # 19121212-1212
    assert luhn_digit("811218987") == 6  # Skatteverket's example 811218-9876
    assert luhn_ok("7903151079") and luhn_ok("9006121140") and luhn_ok("8202281211")
    import insats.disclosure.guard as guard
    import insats.sample as sample

    # The guard and the sample generator use this module, not copies of their own.
    assert guard.luhn_ok is luhn_ok and guard.find_personnummer is find_personnummer
    assert "def luhn_digit" not in open(sample.__file__, encoding="utf-8").read()
    assert "def luhn_ok" not in open(guard.__file__, encoding="utf-8").read()


@pytest.mark.parametrize("form", ISSUE_FORMS + OTHER_FORMS)
def test_guard_finds_evasive_personnummer_forms(form):
    html = f"<p>Om deltagaren {form} i gruppen.</p>"
    hits = scan_artifact(html, name="report.html")
    assert [h.kind for h in hits] == ["personnummer"], form
    with pytest.raises(DisclosureError) as error:
        guard_outputs({"report.html": html})
    digits = "".join(str(int(c)) for c in form if c.isdigit())
    listed = str(error.value).split("personnummer", 1)[1].strip()
    assert len(digits) >= 10 and listed.endswith("****") and digits[4:8] not in listed


@pytest.mark.parametrize(
    "text",
    [
        "sha256 e3b0c4191212121212afbf4c8996fb9",  # inside a hash
        "andel 0.191212121212 av",  # decimals of a share
        "1191212121212",  # thirteen digits
        "191212121213",  # check digit wrong, no sign
        "2021-08-31 1234",  # a date and a number
        "<td>20210831</td><td>1234</td>",  # two table cells
        "Beviljat 1 460 000 kr, fakturerat 1 212 121 kr",
    ],
)
def test_guard_leaves_numbers_that_are_not_personnummer(text):
    assert find_personnummer(text) == []


@pytest.mark.parametrize(
    "written", ["19121212 1212", "19121212\u20131212", "1912 12 12\u22121212", "19121212\u20141212"]
)
def test_ingestion_accepts_what_the_guard_finds(written):
    normalised, valid = check_personnummer(pd.Series([written]), today=TODAY)
    assert valid.all() and normalised.iloc[0] == "191212121212"
    assert find_personnummer(written)


def _csv(path, header, rows):
    path.write_text("\n".join(";".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    return path


HEADER = ["Deltagar-ID", "Insats", "Grupp", "Kön", "Födelseår", "Startdatum"]


def test_validation_messages_mask_personnummer_in_any_column(tmp_path):
    rows = [
        ["P1", "Första steget", "Grupp 1", "19930505-1428", "1985", "2021-02-01"],
        ["P2", "Första steget", "Grupp 19121212 1212", "kvinna", "19121212\u20131212", "x"],
    ]  # fictitious
    path = _csv(tmp_path / "deltagare.csv", HEADER, rows)
    report = validate_file(path, today=TODAY)
    text = report.format() + repr(report.to_frame().to_dict())
    assert "1428" not in text and "19121212-1212" not in text and "1212\u20131212" not in text
    assert "19930505-****" in text


def test_personnummer_as_a_header_or_file_name_is_masked(tmp_path):
    header = [*HEADER, "19121212-1212"]  # a personnummer pasted into the header row
    rows = [["P1", "Första steget", "Grupp 1", "kvinna", "1985", "2021-02-01", "x"]]
    path = _csv(tmp_path / "191212121212.csv", header, rows)
    report = validate_file(path, today=TODAY)
    text = report.format()
    assert report.warnings and "1212" not in text.replace("19121212", "")
    with pytest.raises(Exception) as error:
        load_participants(_csv(tmp_path / "121212-1212.csv", ["x"], [["1"]]), key=None)
    assert "121212-1212" not in str(error.value)


def test_redact_masks_shape_even_with_a_wrong_check_digit():
    assert redact_personnummer("Kön: 19121212-1213") == "Kön: 19121212-****"
    assert redact_personnummer("id 19121212-1212", strict=True) == "id 1912****-****"
    assert redact_personnummer(None) is None
