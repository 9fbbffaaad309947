"""Named regression test of attack F5 (attack round 10): the row counts of manifest.json
were counts of people outside the publication model.

The attacker's cohort (FICTITIOUS, participant_id only): Perstorp 20, Klippan 24 and Bjuv
3 participants, all starting 2021-01-11 in group 1, every second one leaving on
2021-03-31. 2021-T1's nämnd report of the whole project hides Bjuv (3) and shows the
total 47; the report of Klippan + Perstorp (same period, same register) hides its total
in every table, but its manifest.json said ``rows: 44``, so Bjuv = 47 - 44 = 3. (A T2 report
on a later export said rows 47 beside 46 enrolled so far this year, bounding a hidden
count the same way.) Now a nämnd report gives neither the row count nor the size of the
participants file, in manifest.json or in "Underlag och spårbarhet"; the SHA-256 stays.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml
from tests.e2e.known_answers.conftest import PROJECT, person, write_rows

pytestmark = pytest.mark.e2e

COUNTS = {"Perstorp": 20, "Klippan": 24, "Bjuv": 3}


def _cohort() -> list[dict]:
    rows = []
    for municipality, n in COUNTS.items():
        for i in range(n):
            left = (
                {
                    "end_date": "2021-03-31",
                    "exit_reason": "completed",
                    "outcome_at_exit": "employment",
                }
                if i % 2
                else {}
            )
            rows.append(person(f"{municipality[0]}{i}", municipality=municipality, **left))
    return rows


def _yaml(folder: Path, name: str, data: Path, **extra) -> Path:
    raw = {
        "project": PROJECT,
        "period": "2021-T1",
        "audience": "namnd",
        "monte_carlo_draws": 200,
        "participants_path": str(data),
        "publication_register_path": str(folder / "register.sqlite"),
        **extra,
    }
    path = folder / name
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory, parameters_runner):
    folder = tmp_path_factory.mktemp("manifest_rows")
    data = write_rows(folder / "deltagare.csv", [{"project": PROJECT, **r} for r in _cohort()])
    out = {}
    for name, extra in (
        ("whole", {}),
        ("kp", {"subset_municipalities": ["Klippan", "Perstorp"]}),
    ):
        parameters_runner(_yaml(folder, f"{name}.yaml", data, **extra), folder / name)
        out[name] = {
            "manifest": json.loads((folder / name / "manifest.json").read_text(encoding="utf-8")),
            "html": (folder / name / "report.html").read_text(encoding="utf-8"),
        }
    out["sha256"] = hashlib.sha256(data.read_bytes()).hexdigest()
    return out


def _provenance_rows(html: str) -> list[list[str]]:
    section = html.split('id="provenance"', 1)[1]
    table = re.search(r"<table.*?</table>", section, re.S).group(0)
    return [
        [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)
        ]
        for r in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


def test_f5_the_subset_reports_manifest_gives_no_rows_to_subtract_from_the_total(runs):
    # 20 + 24 + 3 = 47 participants in the whole report, 20 + 24 = 44 in the subset's:
    # the old manifest of the subset said rows 44 and 47 - 44 = 3 = Bjuv, hidden.
    for name in ("kp", "whole"):
        entry = runs[name]["manifest"]["inputs"]["participants"]
        assert entry["rows"] is None, (name, entry)
        assert entry["bytes"] is None and entry["rows_withheld"] is True
        assert entry["sha256"] == runs["sha256"]  # the file is still identified


def test_f5_the_provenance_section_follows_the_manifest(runs):
    for name in ("kp", "whole"):
        rows = _provenance_rows(runs[name]["html"])
        participants = next(r for r in rows if r[0] == "participants")
        # file, rows, checksum: the rows column shows no count (44 or 47 before)
        assert participants[2] == "–", participants
        assert runs["sha256"] in participants[3]
        assert "redovisas inte" in runs[name]["html"]
