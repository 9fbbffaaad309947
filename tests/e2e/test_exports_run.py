"""End to end (issue 11): `insats run` on a FICTITIOUS SUS-shaped export keyed by
personnummer only, with a re-enrolment, an anonymous row and a felregistrering, and a
funnel laid out as seed 003's Bilaga 1. Real papermill, kernel and nbconvert.

Expected figures, by hand from the rows written below (period 2021-T2 = 2021-05-01 …
2021-08-31; year to date 2021-01-01 … 2021-08-31):

- group 1: 10 persons, 2021-02-01 … 2021-05-28 (exit in the period, planerat avslut);
- group 2: 5 new persons + person 0 of group 1 again (re-enrolment), from 2021-06-01;
- 1 anonymous participant in group 2 (blank personnummer, allow_anonymous: true);
- 1 felregistrering of person 10 (group 2), left out of every count.

enrolled = 10 + 6 + 1 = 17 participations, persons = 10 + 5 + 1 = 16;
started in the period = 6 + 1 = 7; exited = 10, none early.
Support after, group 1: 6 × "Lön", 2 × "Lön och försörjningsstöd" (main support:
försörjningsstöd, by the documented priority), 2 × "Studiemedel" -> self-sufficient at
exit 6 + 2 = 8 of 10.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from factories import fictitious_pnr, write_csv
from insats.cli import app

pytestmark = pytest.mark.e2e

HEADER = [
    "Personnummer", "Insats", "Grupp", "Kommun", "Kön", "Födelseår", "Inskrivningsdatum",
    "Utskrivningsdatum", "Avslutsanledning", "Försörjningskällor före",
    "Försörjningskällor efter", "Sysselsättning före", "Sysselsättning efter",
]  # fmt: skip
AFTER = ["Lön"] * 6 + ["Lön och försörjningsstöd"] * 2 + ["Studiemedel"] * 2


def _rows() -> list[list[str]]:
    rows = [HEADER]
    for i in range(10):
        rows.append([
            fictitious_pnr(i), "Stegvis", "1", "Perstorp", "Kvinna" if i % 2 else "Man",
            str(1980 + i), "2021-02-01", "2021-05-28", "Planerat avslut",
            "Försörjningsstöd, a-kassa", AFTER[i], "Arbetssökande",
            "Arbete" if AFTER[i] != "Studiemedel" else "Studier",
        ])  # fmt: skip
    for i in (0, 10, 11, 12, 13, 14):  # person 0 again: a re-enrolment
        rows.append([
            fictitious_pnr(i), "Stegvis", "2", "Perstorp", "Kvinna", "1990", "2021-06-01",
            "", "", "Försörjningsstöd", "", "Arbetssökande", "",
        ])  # fmt: skip
    rows.append(["", "Stegvis", "2", "Perstorp", "Man", "1991", "2021-06-01", "", "",
                 "Etableringsersättning", "", "Övrigt", ""])  # fmt: skip
    rows.append([fictitious_pnr(10), "Stegvis", "2", "Perstorp", "Kvinna", "1990",
                 "2021-06-01", "2021-06-02", "Felregistrering", "Försörjningsstöd", "", "", ""])  # fmt: skip
    return rows


BILAGA = [
    ["Bilaga 1 (fiktiv)", "1", "2"],
    ["Kallade till information på AF", "20 personer", "12 personer"],
    ["Kom till information på AF", "15 personer", "9 personer"],
    ["Bokar intervjutid", "14 personer", "9 personer"],
    ["Kom till intervju", "12 personer", "8 personer"],
    ["Antal", "10 personer", "7 personer"],
    ["Summa", "", ""],
]


def test_insats_run_on_a_personnummer_only_sus_export(tmp_path, monkeypatch):
    write_csv(tmp_path / "sus_export.csv", _rows())
    write_csv(tmp_path / "bilaga1.txt", BILAGA, sep="\t")
    params = tmp_path / "stegvis.yaml"
    params.write_text(
        "project: Stegvis\nperiod: 2021-T2\nparticipants_path: sus_export.csv\n"
        "funnel_path: bilaga1.txt\nallow_anonymous: true\n"
        "audience: internal\n"  # min_cell_count < 3 is refused for the nämnd (issue 15)
        "min_cell_count: 1   # the test checks every figure; nothing to hide in fiction\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("INSATS_PSEUDONYM_KEY", "fictitious-test-key-" + "0" * 32)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(params), "--out", str(out)])
    assert result.exit_code == 0, result.output
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))
    participants = figures["participants"]
    assert participants["enrolled"] == 17
    assert participants["persons_enrolled"] == {"period": 16, "year_to_date": 16}
    assert participants["started"] == 7
    assert participants["exited"] == 10
    assert participants["early_exits"] == 0
    ss = figures["self_sufficient_at_exit"]
    assert (ss["count"], ss["n"]) == (8, 10)
    # The Bilaga-1 layout read as one row per group: invited 20 + 12 = 32, started
    # ("Antal") 10 + 7 = 17, as written in BILAGA.
    funnel = figures["recruitment"]
    assert funnel["by_group"]["1"]["invited"] == 20 and funnel["by_group"]["2"]["started"] == 7
    assert (funnel["total"]["invited"], funnel["total"]["started"]) == (32, 17)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "17 deltagare (16 personer)" in html
    shared = html + json.dumps(figures) + (out / "manifest.json").read_text(encoding="utf-8")
    for i in range(15):
        number = fictitious_pnr(i)
        assert number not in shared and number.replace("-", "") not in shared
    assert "felregistrering" in result.output.lower()  # the warning is said
