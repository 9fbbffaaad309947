"""Insatser without participants: validation of the activities and product-goals tables,
and known answers of the new figures.json keys through the real ``insats run``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from insats.cohort import validate_file

ACTIVITIES = """Insats;Aktivitet;Typ;Datum;Fas;Antal deltagare;Kvinnor;Män
Testprojekt;Workshop A;Workshop;2015-02-10;Fas 1;50;30;20
Testprojekt;Möte B;Möte;2015-03-05;Fas 1;3;2;1
Testprojekt;Workshop C;workshop;2015-04-20;Fas 2;40;;
Testprojekt;Senare möte;Möte;2015-06-01;Fas 2;9;;
"""
GOALS = """Insats;Mål;Måltyp;Status;Måldatum;Indikator;Utfall
Testprojekt;Kartläggning;Produktmål;Uppnått;2015-02-28;antal aktörer kartlagda ≥ 100;112
Testprojekt;Slutrapport;Leveransmål;ej påbörjat;2016-05-31;;
Testprojekt;Fler delaktiga;Effektmål;pågår;;;
"""


def test_activities_validation_lists_every_problem_with_rows(tmp_path: Path) -> None:
    path = tmp_path / "akt.csv"
    path.write_text(
        "Insats;Aktivitet;Typ;Datum;Antal deltagare;Kvinnor;Män\n"
        "P;A;Fika;2015-13-01;tre;;\n"
        "P;B;Möte;2015-01-01;4;3;2\n"
        "P;;Möte;2015-01-02;-1;;\n",
        encoding="utf-8",
    )
    report = validate_file(path)
    assert report.kind == "activities"
    text = report.format()
    assert 'row 2, column "Typ": "Fika"' in text
    assert 'row 2, column "Datum": "2015-13-01"' in text
    assert 'row 2, column "Antal deltagare": "tre"' in text
    assert 'row 3, column "Antal deltagare": "4" — expected at least the women and men' in text
    assert 'row 4, column "Aktivitet"' in text
    assert 'row 4, column "Antal deltagare": "-1"' in text
    assert len(report.problems) == 6


def test_product_goals_validation_and_swedish_status_words(tmp_path: Path) -> None:
    path = tmp_path / "mal.csv"
    path.write_text(GOALS + "Testprojekt;X;Delmål;klar;2016-13-31;;\n", encoding="utf-8")
    report = validate_file(path)
    assert report.kind == "product_goals"
    assert [p.row for p in report.problems] == [5, 5, 5]
    from insats.cohort.activities import load_product_goals

    good = tmp_path / "ok.csv"
    good.write_text(GOALS, encoding="utf-8")
    frame = load_product_goals(good)
    assert frame["status"].tolist() == ["achieved", "not_started", "in_progress"]
    assert frame["kind"].tolist() == ["product", "delivery", "effect"]
    assert frame.loc[0, "indicator_comparator"] == ">=" and frame.loc[0, "indicator_target"] == 100


@pytest.mark.e2e
def test_report_without_participants_known_answers(tmp_path: Path) -> None:
    (tmp_path / "akt.csv").write_text(ACTIVITIES, encoding="utf-8")
    (tmp_path / "mal.csv").write_text(GOALS, encoding="utf-8")
    (tmp_path / "ekonomi.csv").write_text(
        "Insats;Finansiär;Period;Beviljade medel;Fakturerade kostnader;Prognos\n"
        "Testprojekt;Fond;2014;1 930 000;302 000;302 000\n"
        "Testprojekt;Fond;2015-T1;1 930 000;171 000;1 930 000\n",
        encoding="utf-8",
    )
    (tmp_path / "p.yaml").write_text(
        "project: Testprojekt\nperiod: 2015-T1\naudience: namnd\n"
        "activities_path: akt.csv\nproduct_goals_path: mal.csv\nfinance_path: ekonomi.csv\n"
        "project_start_date: 2014-06-01\nproject_end_date: 2016-05-31\n"
        "grant_total_sek: 3860000\nfunder_shares: {municipality: 1.0}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    subprocess.run(
        [sys.executable, "-m", "insats", "run", str(tmp_path / "p.yaml"), "--out", str(out)],
        check=True,
    )
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))
    assert "participants" not in figures
    # By hand: 3 activities by 2015-04-30 (the June one is later): 50 + 3 + 40 = 93.
    assert figures["activities"]["count"] == 3
    assert figures["activities"]["attendees"] == 93
    assert figures["activities"]["by_kind"] == {
        "workshop": {"count": 2, "attendees": 90},
        "meeting": {"count": 1, "attendees": 3},
    }
    assert [g["status"] for g in figures["product_goals"]] == [
        "achieved",
        "not_started",
        "in_progress",
    ]
    assert figures["product_goals"][1]["target_date"] == "2016-05-31"
    # Seed 003: 302 000 + 171 000 = 473 000 used of 3 860 000; 334 of 731 days elapsed.
    grant = figures["grant"]
    assert grant["used_to_date_sek"] == 473_000
    assert grant["share_of_time_elapsed"] == pytest.approx(334 / 731)
    assert grant["by_year"]["2014"]["needs_explanation"] is True  # 302k of 1.93M
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Tidslinje för projektet" in html and "Aktiviteter och deltagande" in html
    assert "Deltagarna" not in html
    # Möte B: 2 women, 1 man — hidden in the gender table of a shared report.
    assert "<td>2</td><td>1</td>" not in html


@pytest.mark.e2e
def test_report_with_participants_shows_product_goals(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[3]
    out = tmp_path / "fs"
    subprocess.run(
        [sys.executable, "-m", "insats", "run", str(root / "parameters/forsta_steget.yaml"),
         "--out", str(out)],
        check=True,
    )  # fmt: skip
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))
    assert figures["participants"]["enrolled"] > 0
    # parameters/forsta_steget.yaml lists three leveransmål: uppnått, pågår, ej påbörjat.
    assert figures["product_goal_status"] == {
        "not_started": 1,
        "in_progress": 1,
        "achieved": 1,
        "not_achieved": 0,
        "total": 3,
    }
    assert {g["kind"] for g in figures["product_goals"]} == {"delivery"}
    assert "activities" not in figures
    assert "Produkt- och leveransmål" in (out / "report.html").read_text(encoding="utf-8")
