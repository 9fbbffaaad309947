"""Personnummer: validation, masking, keyed pseudonyms, and that none survive ingestion.

Every personnummer in this file is fictitious:
- 19121212-1212 / 121212+1212 is Skatteverket's well-known test number;
- 811228-9874 is the example number of Swedish Wikipedia ("Personnummer i Sverige");
- 701063-2391 is Skatteverket's samordningsnummer example (day 63 = 3);
- the others are generated below with a Luhn digit of our own and belong to nobody known.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from insats.cohort import (
    PseudonymKeyError,
    PseudonymKeyMissing,
    ValidationFailed,
    check_personnummer,
    load_participants,
    mask_personnummer,
    pseudonymise,
    resolve_pseudonym_key,
    validate_file,
)

TODAY = date(2024, 6, 1)
KEY = b"fictitious-test-key-0123456789abcdef"
OTHER_KEY = b"another-fictitious-key-9876543210"


def luhn_digit(nine: str) -> str:
    """Check digit by the textbook Luhn rule (a second implementation for the tests)."""
    total = 0
    for i, ch in enumerate(nine):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    return str((10 - total % 10) % 10)


def make(yymmdd: str, serial: str = "123", century: str = "") -> str:
    """A fictitious personnummer with a correct check digit."""
    return f"{century}{yymmdd}-{serial}{luhn_digit(yymmdd + serial)}"


def test_second_luhn_implementation_agrees_with_published_numbers():
    assert luhn_digit("121212121") == "2"  # 19121212-1212 (Skatteverket, fictitious)
    assert luhn_digit("811228987") == "4"  # 811228-9874 (Wikipedia, fictitious)
    assert luhn_digit("701063239") == "1"  # 701063-2391 (samordningsnummer, fictitious)


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("19121212-1212", "191212121212"),  # fictitious (Skatteverket test number)
        ("191212121212", "191212121212"),  # fictitious, 12 digits without dash
        ("121212+1212", "191212121212"),  # fictitious, '+' = aged 100 or more
        ("121212-1212", "201212121212"),  # fictitious: '-' and 10 digits -> born 2012
        ("1212121212", "201212121212"),  # fictitious, 10 digits without dash
        (" 811228 - 9874 ", "198112289874"),  # fictitious (Wikipedia), spaces ignored
        ("701063-2391", "197010632391"),  # fictitious samordningsnummer, day 63 kept
        (make("000229", century="20"), "20000229123" + luhn_digit("000229123")),  # leap day
        (make("240601", century="20"), "20240601123" + luhn_digit("240601123")),  # = today
        (make("240602"), "19240602123" + luhn_digit("240602123")),  # 10 digits: not future
    ],
)
def test_valid_personnummer(text, normalised):
    norm, ok = check_personnummer(pd.Series([text]), today=TODAY)
    assert ok.tolist() == [True]
    assert norm.tolist() == [normalised]


@pytest.mark.parametrize(
    "text",
    [
        "19121212-1213",  # fictitious, wrong check digit
        "811228-9875",  # fictitious, wrong check digit
        make("851301"),  # month 13
        make("850432"),  # 32 April
        make("230229", century="20"),  # 29 February 2023 does not exist
        make("850192"),  # day 92: beyond samordningsnummer range
        make("250101", century="20"),  # in the future (today is 2024-06-01)
        "19121212-12",
        "1912121212120",
        "ABC",
        "12-12-12-1212",
    ],
)
def test_invalid_personnummer(text):
    norm, ok = check_personnummer(pd.Series([text, ""]), today=TODAY)
    assert ok.tolist() == [False, True]  # blank is absent, not invalid
    assert norm.isna().all()


def test_mask_never_shows_the_last_four_digits():
    assert mask_personnummer("19851231-1234") == "19851231-****"
    assert mask_personnummer("8512311234") == "851231****"
    assert mask_personnummer("1234") == "****"


def test_pseudonyms_are_keyed_hmac_and_stable():
    norm, _ = check_personnummer(
        pd.Series(["19121212-1212", "121212+1212", "811228-9874", ""]), today=TODAY
    )  # fictitious numbers
    first = pseudonymise(norm, KEY)
    # second implementation: the standard library's HMAC on the 12-digit form
    expected = hmac.new(KEY, b"191212121212", hashlib.sha256).hexdigest()[:16]
    assert first.iloc[0] == first.iloc[1] == expected  # same person, two spellings
    assert first.iloc[2] != expected and len(first.iloc[2]) == 16
    assert pd.isna(first.iloc[3])
    assert pseudonymise(norm, KEY).equals(first)  # stable
    other = pseudonymise(norm, OTHER_KEY)
    assert (other.iloc[:3] != first.iloc[:3]).all()  # another key, other pseudonyms


# --- the key -------------------------------------------------------------------------


def test_resolve_key_from_file_and_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("INSATS_PSEUDONYM_KEY", raising=False)
    assert resolve_pseudonym_key(None) is None
    monkeypatch.setenv("INSATS_PSEUDONYM_KEY", "  env-key-of-enough-length  ")
    assert resolve_pseudonym_key(None) == b"env-key-of-enough-length"
    key_file = tmp_path / "key.txt"
    key_file.write_bytes(b"file-key-of-enough-length\n")
    key_file.chmod(0o600)  # readable by its owner only, as a key file must be
    assert resolve_pseudonym_key(key_file) == b"file-key-of-enough-length"  # file wins
    key_file.write_bytes(b"  \n")
    with pytest.raises(PseudonymKeyError, match="empty"):
        resolve_pseudonym_key(key_file)
    key_file.write_bytes(b"short")
    with pytest.raises(PseudonymKeyError, match="at least 16"):
        resolve_pseudonym_key(key_file)
    with pytest.raises(PseudonymKeyError, match="does not exist"):
        resolve_pseudonym_key(tmp_path / "missing.key")
    monkeypatch.setenv("INSATS_PSEUDONYM_KEY", "short")
    with pytest.raises(PseudonymKeyError, match="INSATS_PSEUDONYM_KEY"):
        resolve_pseudonym_key(None)


# --- ingestion -------------------------------------------------------------------------

PNRS = ["19121212-1212", "811228-9874", "701063-2391", make("900315", "456")]  # fictitious
HEADER = "Deltagar-ID;Personnummer;Insats;Grupp;Startdatum;Slutdatum;Avslutsorsak\n"


def _export(tmp_path: Path, pnrs: list[str]) -> Path:
    lines = [f"P{i};{p};Första steget;Grupp 1;2021-02-01;;\n" for i, p in enumerate(pnrs, 1)]
    path = tmp_path / "deltagare.csv"
    path.write_text(HEADER + "".join(lines), encoding="cp1252")
    return path


def _digit_forms(pnr: str) -> list[str]:
    digits = re.sub(r"\D", "", pnr)
    return [pnr, digits, digits[-10:], f"{digits[-10:-4]}-{digits[-4:]}"]


# Any 10- or 12-digit personnummer shape not inside a longer run of hex characters.
PNR_PATTERN = re.compile(r"(?<![0-9a-fA-F])(\d{2})?\d{6}[-+]?\d{4}(?![0-9a-fA-F])")


def test_no_personnummer_survives_loading(tmp_path):
    path = _export(tmp_path, PNRS)
    # the check below can fail: the export itself is caught by it
    assert len(PNR_PATTERN.findall(path.read_text(encoding="cp1252"))) == len(PNRS)
    cohort = load_participants(path, key=KEY, today=TODAY)
    data = cohort.data
    assert "personnummer" not in data.columns
    assert data["pseudonym"].str.fullmatch(r"[0-9a-f]{16}").all()
    dumps = [repr(cohort), repr(data), data.to_csv(), data.to_json(date_format="iso"), str(cohort.warnings),
             str(vars(cohort))]  # fmt: skip
    for text in dumps:
        assert not PNR_PATTERN.search(text), PNR_PATTERN.search(text)
        for pnr in PNRS:
            for form in _digit_forms(pnr):
                assert form not in text


def test_same_person_same_pseudonym_across_exports(tmp_path):
    first = load_participants(_export(tmp_path, PNRS), key=KEY, today=TODAY).data["pseudonym"]
    (tmp_path / "deltagare.csv").unlink()
    respelled = ["191212121212", "19811228-9874", "197010632391", PNRS[3].replace("-", "")]
    second = load_participants(_export(tmp_path, respelled), key=KEY, today=TODAY)
    assert second.data["pseudonym"].tolist() == first.tolist()


def test_personnummer_without_key_is_a_clear_error(tmp_path):
    path = _export(tmp_path, PNRS)
    with pytest.raises(PseudonymKeyMissing) as info:
        load_participants(path, key=None, today=TODAY)
    message = str(info.value)
    assert "INSATS_PSEUDONYM_KEY" in message and "pseudonym_key_path" in message
    assert "deltagare.csv" in message and str(tmp_path) not in message
    assert isinstance(info.value, ValueError)
    # validating needs no key
    assert validate_file(path, today=TODAY).ok


def test_blank_personnummer_column_needs_no_key(tmp_path):
    cohort = load_participants(_export(tmp_path, ["", ""]), key=None, today=TODAY)
    assert cohort.data["pseudonym"].isna().all()


def test_invalid_personnummer_are_reported_masked(tmp_path):
    bad = ["19121212-1213", "850432-1234", "19121212-1212"]  # fictitious; rows 2, 3 invalid
    path = _export(tmp_path, bad)
    report = validate_file(path, today=TODAY)
    assert [(p.row, p.column, p.value) for p in report.problems] == [
        (2, "Personnummer", "19121212-****"),
        (3, "Personnummer", "850432-****"),
    ]
    with pytest.raises(ValidationFailed) as info:
        load_participants(path, key=KEY, today=TODAY)
    for text in (str(info.value), report.format(), str(report.to_frame().to_dict())):
        for pnr in bad:
            assert pnr not in text and re.sub(r"\D", "", pnr) not in text


def test_participant_id_that_is_a_personnummer_is_refused(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(  # fictitious numbers as ids
        "Deltagar-ID;Insats;Grupp;Startdatum\n"
        "19121212-1212;Första steget;Grupp 1;2021-02-01\n"
        "8112289874;Första steget;Grupp 1;2021-02-01\n"
        "1234567890;Första steget;Grupp 1;2021-02-01\n",  # not a valid number: a fine id
        encoding="utf-8",
    )
    report = validate_file(path, today=TODAY)
    assert [(p.row, p.value) for p in report.problems] == [(2, "19121212-****"), (3, "811228****")]
    assert "19121212-1212" not in report.format()
