"""Tests of the fictitious sample-data generator (insats.sample).

The files are read back here with the standard library and openpyxl only, not with
insats' own ingestion, so that a fault in one cannot hide a fault in the other.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from insats.cohort import schema
from insats.sample import FILE_NAMES, generate_sample

REPO = Path(__file__).resolve().parents[3]
COMMITTED = REPO / "data" / "sample"


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    generate_sample(out)
    return out


def _rows(path: Path, sep: str, encoding: str) -> list[dict[str, str]]:
    text = path.read_bytes().decode(encoding)
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=sep))


def _luhn_valid(ten_digits: str) -> bool:
    """Independent Luhn check over all ten digits (the check digit included).

    From the right, every second digit is doubled and 9 subtracted when above 9;
    the total must be divisible by 10. Known answer: Skatteverket's example
    personnummer 811218-9876 is valid, 811218-9875 is not.
    """
    total = 0
    for position, ch in enumerate(reversed(ten_digits)):
        value = int(ch)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def test_luhn_helper_knows_the_published_example() -> None:
    assert _luhn_valid("8112189876")  # Skatteverket's published example number
    assert not _luhn_valid("8112189875")


def test_same_seed_gives_identical_bytes(tmp_path: Path) -> None:
    first = generate_sample(tmp_path / "a")
    second = generate_sample(tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_other_seed_gives_other_participants(tmp_path: Path) -> None:
    default = generate_sample(tmp_path / "a")
    other = generate_sample(tmp_path / "b", seed=7)
    assert default[0].read_bytes() != other[0].read_bytes()


def test_committed_sample_equals_a_fresh_generation(sample_dir: Path) -> None:
    # If this fails, the generator changed: run `insats sample data/sample` and commit.
    for name in FILE_NAMES.values():
        committed = COMMITTED / name
        assert committed.exists(), f"{committed} is missing"
        assert committed.read_bytes() == (sample_dir / name).read_bytes(), name


def test_forsta_steget_participants_are_cp1252_semicolon(sample_dir: Path) -> None:
    raw = (sample_dir / FILE_NAMES["fs_participants"]).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # "ö" as cp1252 byte 0xF6 is not valid UTF-8
    header = raw.decode("cp1252").splitlines()[0]
    assert header.startswith("Deltagar-ID;Insats;Grupp;Kommun;Kön;")
    assert "personnummer" not in header.lower()
    rows = _rows(sample_dir / FILE_NAMES["fs_participants"], ";", "cp1252")
    assert all(len(r) == 22 and None not in r for r in rows)


def test_forsta_steget_groups_and_seed_002_group_5(sample_dir: Path) -> None:
    rows = _rows(sample_dir / FILE_NAMES["fs_participants"], ";", "cp1252")
    groups = {(r["Kommun"], r["Grupp"]) for r in rows}
    assert groups == {(m, str(g)) for m in ("Perstorp", "Klippan") for g in range(1, 7)}
    assert 65 <= len(rows) <= 90
    assert len({r["Deltagar-ID"] for r in rows}) == len(rows)

    # Seed 002: Klippan grupp 5 began 22 Feb and ended 17 June 2021 with 12 at start,
    # 2 left for social reasons, 1 moved, 1 got a job; 4 extratjänster among the rest.
    k5 = [r for r in rows if r["Kommun"] == "Klippan" and r["Grupp"] == "5"]
    assert len(k5) == 12
    assert {_date(r["Startdatum"]) for r in k5} == {date(2021, 2, 22)}
    reasons = Counter(r["Avslutsorsak"] for r in k5)
    assert reasons == {"Fullföljt": 8, "Sociala skäl": 2, "Flytt": 1, "Fick arbete": 1}
    completed = [r for r in k5 if r["Avslutsorsak"] == "Fullföljt"]
    assert {_date(r["Slutdatum"]) for r in completed} == {date(2021, 6, 17)}
    assert Counter(r["Status vid avslut"] for r in completed) == {
        "Extratjänst": 4,
        "Öppet arbetssökande": 4,
    }
    p5 = [r for r in rows if r["Kommun"] == "Perstorp" and r["Grupp"] == "5"]
    assert len(p5) == 10 and {_date(r["Startdatum"]) for r in p5} == {date(2021, 2, 1)}


def test_forsta_steget_mess_and_ranges(sample_dir: Path) -> None:
    rows = _rows(sample_dir / FILE_NAMES["fs_participants"], ";", "cp1252")
    starts = [r["Startdatum"] for r in rows]
    assert any(len(s) == 10 and s[4] == "-" for s in starts)  # ISO
    assert any(len(s) == 8 and s.isdigit() for s in starts)  # YYYYMMDD
    ongoing = [r for r in rows if not r["Slutdatum"]]
    assert ongoing and {r["Grupp"] for r in ongoing} == {"6"}
    assert all(not r["Avslutsorsak"] and not r["Status vid avslut"] for r in ongoing)
    for r in rows:
        start = _date(r["Startdatum"])
        age = start.year - int(r["Födelseår"])
        assert 20 <= age <= 60, r
        if r["Slutdatum"]:
            assert start <= _date(r["Slutdatum"]) <= date(2021, 12, 1)
        assert r["SFI-nivå"] in {"A", "B", "C", "D"}
        for col in ("Självskattning start", "Självskattning avslut"):
            assert r[col] == "" or 1 <= int(r[col]) <= 10
    referrals = Counter(
        _code(schema.REFERRAL, r["Remittent"]) for r in rows
    )  # seed 001: AF 80 %, the municipalities 20 %
    assert set(referrals) == {"employment_service", "municipality"}
    assert 0.65 <= referrals["employment_service"] / len(rows) <= 0.92
    followed = [r for r in rows if r["Status efter 6 mån"]]
    due = [r for r in rows if r["Slutdatum"] and _date(r["Slutdatum"]) <= date(2021, 6, 1)]
    assert 0 < len(followed) < len(due)  # follow-up with attrition


def test_every_code_word_is_in_the_data_contract(sample_dir: Path) -> None:
    rows = _rows(sample_dir / FILE_NAMES["fs_participants"], ";", "cp1252")
    wb = load_workbook(sample_dir / FILE_NAMES["es_participants"])
    ws = wb["Deltagare"]
    values = list(ws.iter_rows(values_only=True))
    xlsx_rows = [
        {h: ("" if v is None else str(v)) for h, v in zip(values[0], row, strict=True)}
        for row in values[1:]
    ]
    vocab = {
        "Kön": schema.GENDER,
        "Utbildningsnivå": schema.EDUCATION,
        "Remittent": schema.REFERRAL,
        "Avslutsorsak": schema.EXIT_REASON,
        "Avslutsanledning": schema.EXIT_REASON,
        "Status vid avslut": schema.OUTCOME,
        "Status efter 6 mån": schema.OUTCOME,
        "Status efter 12 mån": schema.OUTCOME,
        "Status efter 6 månader": schema.OUTCOME,
        "Status efter 12 månader": schema.OUTCOME,
    }
    for r in rows + xlsx_rows:
        for header, value in r.items():
            codes = vocab.get(header, schema.SUPPORT if "Försörjning" in header else None)
            if codes is not None and value:
                _code(codes, value)  # raises when the word is not an accepted alias


def test_headers_match_the_data_contract(sample_dir: Path) -> None:
    accepted = set().union(*(c.matches() for c in schema.PARTICIPANTS.columns))
    fs_header = _rows(sample_dir / FILE_NAMES["fs_participants"], ";", "cp1252")[0].keys()
    es_header = next(load_workbook(sample_dir / FILE_NAMES["es_participants"]).active.values)
    for header in [*fs_header, *es_header]:
        assert schema.normalise_token(header) in accepted, header
    for name, sep, enc, table in (
        ("fs_finance", ";", "cp1252", schema.FINANCE),
        ("fs_funnel", ";", "cp1252", schema.FUNNEL),
        ("es_finance", ",", "utf-8-sig", schema.FINANCE),
        ("es_funnel", ",", "utf-8-sig", schema.FUNNEL),
    ):
        table_accepted = set().union(*(c.matches() for c in table.columns))
        for header in _rows(sample_dir / FILE_NAMES[name], sep, enc)[0]:
            assert schema.normalise_token(header) in table_accepted, (name, header)


def test_forsta_steget_finance_has_one_deviation_and_one_within(sample_dir: Path) -> None:
    rows = _rows(sample_dir / FILE_NAMES["fs_finance"], ";", "cp1252")
    assert rows[0]["Beviljade medel"] in {"730 000", "1 030 000", "900 000"}

    def amount(text: str) -> int:
        return int(text.replace(" ", ""))

    t2 = {r["Kommun"]: r for r in rows if r["Period"] == "2021-T2"}
    # Perstorp: 1 030 000 granted, 1 030 000 forecast -> 0 % (seed 002)
    perstorp = t2["Perstorp"]
    assert amount(perstorp["Prognos"]) == amount(perstorp["Beviljade medel"])
    # Klippan: (910 000 - 1 030 000) / 1 030 000 = -11.65 % -> more than 10 %
    klippan = t2["Klippan"]
    deviation = amount(klippan["Prognos"]) / amount(klippan["Beviljade medel"]) - 1
    assert deviation == pytest.approx(-0.1165, abs=1e-4)
    # Seed 001: 2019 granted 1 460 000 in all, invoiced 1 288 507.
    y2019 = [r for r in rows if r["Period"] == "2019-T3"]
    assert sum(amount(r["Beviljade medel"]) for r in y2019) == 1_460_000
    assert sum(amount(r["Fakturerade kostnader"]) for r in y2019) == 1_288_507


def test_funnels_narrow_and_match_group_sizes(sample_dir: Path) -> None:
    fs = _rows(sample_dir / FILE_NAMES["fs_participants"], ";", "cp1252")
    sizes = Counter((r["Kommun"], r["Grupp"]) for r in fs)
    funnel = _rows(sample_dir / FILE_NAMES["fs_funnel"], ";", "cp1252")
    assert len(funnel) == 12
    for r in funnel:
        assert int(r["Började"]) == sizes[(r["Kommun"], r["Grupp"])]
        steps = [int(r[h]) for h in list(r)[3:]]
        assert steps == sorted(steps, reverse=True), r

    es = _rows(sample_dir / FILE_NAMES["es_funnel"], ",", "utf-8-sig")
    # Seed 003, Bilaga 1: invited 12/6/9, came 8/6/9, booked 10/7/10, interview 8/6/9;
    # started 6/5/7 (group 3: seven started, two left).
    first_three = [[int(v) for v in list(r.values())[3:]] for r in es[:3]]
    assert first_three == [[12, 8, 10, 8, 6], [6, 6, 7, 6, 5], [9, 9, 10, 9, 7]]
    assert [r["Grupp"] for r in es] == ["1", "2", "3", "4", "5"]


def test_etableringssparet_xlsx(sample_dir: Path) -> None:
    path = sample_dir / FILE_NAMES["es_participants"]
    wb = load_workbook(path)
    assert wb.sheetnames == ["Deltagare", "LÄS MIG"]
    assert wb["LÄS MIG"]["A1"].value == "Fiktiva data, genererade av insats.sample"
    assert wb.properties.modified == wb.properties.created == datetime(2016, 11, 30, 12)
    rows = list(wb["Deltagare"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    col = {h: i for i, h in enumerate(header)}
    assert Counter(r[col["Grupp"]] for r in body) == {1: 6, 2: 5, 3: 7, 4: 6, 5: 6}
    starts = sorted({r[col["Startdatum"]] for r in body})
    assert all(isinstance(s, datetime) for s in starts)  # real Excel date cells
    assert [s.date() for s in starts[:3]] == [date(2015, 1, 12), date(2015, 3, 2), date(2015, 5, 4)]
    assert all(s.month >= 8 for s in starts[3:])  # groups 4 and 5 in the autumn
    # Goal in seed 003: 75 % self-sufficient; the sample falls short, at 55-70 %.
    support = [r[col["Försörjning vid avslut"]] for r in body]
    share = sum(s in ("Lön", "Studiemedel") for s in support) / len(body)
    assert 0.55 <= share <= 0.70
    with zipfile.ZipFile(path) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_fictitious_personnummer_pass_date_and_luhn(sample_dir: Path) -> None:
    wb = load_workbook(sample_dir / FILE_NAMES["es_participants"])
    rows = list(wb["Deltagare"].iter_rows(values_only=True))
    col = {h: i for i, h in enumerate(rows[0])}
    numbers = [r[col["Personnummer"]] for r in rows[1:]]
    assert len(set(numbers)) == len(numbers) == 30
    coordination = 0
    for r, number in zip(rows[1:], numbers, strict=True):
        digits = number.replace("-", "")
        assert len(digits) == 12 and digits.isdigit(), number
        day = int(digits[6:8])
        if day > 60:  # samordningsnummer: day of birth + 60
            coordination += 1
            day -= 60
        born = date(int(digits[:4]), int(digits[4:6]), day)  # raises on an impossible date
        assert born.year == r[col["Födelseår"]]
        assert _luhn_valid(digits[2:]), number
        # The ninth digit of the ten is odd for men, even for women.
        assert (int(digits[10]) % 2 == 1) == (r[col["Kön"]] == "Man"), number
    assert coordination == 1
    assert sum("-" not in n for n in numbers) == 2


def test_readme_marks_the_data_fictitious(sample_dir: Path) -> None:
    text = (sample_dir / "README.md").read_text(encoding="utf-8")
    assert "FIKTIVA DATA" in text and "Personnumren är fiktiva" in text
    for name in FILE_NAMES.values():
        if name != "README.md":
            assert f"`{name}`" in text, name


def _date(text: str) -> date:
    if len(text) == 8:
        return datetime.strptime(text, "%Y%m%d").date()
    return date.fromisoformat(text)


def _code(vocabulary: dict[str, tuple[str, ...]], word: str) -> str:
    token = schema.normalise_token(word)
    for code, words in vocabulary.items():
        if token in {schema.normalise_token(w) for w in (code, *words)}:
            return code
    raise AssertionError(f"{word!r} is not a word of the data contract")
