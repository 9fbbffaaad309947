"""The manifest: checksums, row counts, versions, git state, and no absolute paths."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from insats.params import validate_parameters
from insats.report.context import RenderContext
from insats.report.manifest import (
    build_manifest,
    count_data_rows,
    git_state,
    provenance_html,
    relative_path,
    sha256_file,
    write_json,
)

STARTED = datetime(2021, 9, 3, 8, 15, 0, tzinfo=timezone(timedelta(hours=2)))
FINISHED = STARTED + timedelta(seconds=42.25)


@pytest.fixture()
def project(tmp_path: Path) -> dict:
    """A project folder with messy inputs, and a key file outside it."""
    base = tmp_path / "repo"
    (base / "data").mkdir(parents=True)
    participants = base / "data" / "deltagare.csv"
    # Swedish municipal export: cp1252, ';', a quoted line break, a blank line at the end.
    participants.write_bytes(
        (
            "Deltagar-ID;Insats;Kommentar\r\n"
            "1;Första steget;ok\r\n"
            '2;Första steget;"två\r\nrader"\r\n'
            "3;Första steget;\r\n"
            ";;\r\n"
            "\r\n"
        ).encode("cp1252")
    )
    finance = base / "data" / "ekonomi.xlsx"
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Insats", "Period", "Beviljade medel"])
    sheet.append(["Första steget", "2021-T1", 1_460_000])
    sheet.append(["Första steget", "2021-T2", 1_460_000])
    sheet.append([None, None, None])  # an empty row Excel users leave behind
    workbook.create_sheet("Anteckningar").append(["not counted"])
    workbook.save(finance)
    narrative = base / "data" / "berattelse.md"
    narrative.write_text("## Syfte\nText.\n", encoding="utf-8")
    outside = tmp_path / "anna.svensson" / "Desktop" / "tratt.csv"
    outside.parent.mkdir(parents=True)
    outside.write_text("grupp,inbjudna\n1,20\n", encoding="utf-8")
    key = tmp_path / "secret" / "pseudonym.key"
    key.parent.mkdir()
    key.write_text("not-a-real-key", encoding="utf-8")
    params = validate_parameters(
        {
            "project": "Första steget <b>",
            "period": "2021-T2",
            "participants_path": str(participants),
            "finance_path": str(finance),
            "funnel_path": str(outside),
            "narrative_path": str(narrative),
            "pseudonym_key_path": str(key),
        }
    )
    inputs = {
        "participants": participants,
        "finance": finance,
        "funnel": outside,
        "narrative": narrative,
        "pseudonym_key": key,
    }
    return {"base": base, "params": params, "inputs": inputs, "tmp": tmp_path}


def make_manifest(project: dict, **kw) -> dict:
    return build_manifest(
        project["params"],
        project["inputs"],
        catalogue_info={
            "version": "2024.1",
            "price_year": 2024,
            "path": project["base"] / "data" / "unit_costs.csv",
        },
        started_at=STARTED,
        finished_at=FINISHED,
        base_dir=project["base"],
        **kw,
    )


def test_sha256_known_answer(tmp_path: Path) -> None:
    path = tmp_path / "abc.txt"
    path.write_bytes(b"abc")
    # FIPS 180-2, appendix B.1: SHA-256("abc")
    assert sha256_file(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_row_counts(project: dict) -> None:
    inputs = project["inputs"]
    # 3 data rows: the quoted line break is one record; ';;' and the blank line are empty.
    assert count_data_rows(inputs["participants"]) == 3
    # 2 data rows on the first sheet; the empty row and the second sheet do not count.
    assert count_data_rows(inputs["finance"]) == 2
    assert count_data_rows(inputs["funnel"]) == 1
    assert count_data_rows(inputs["narrative"]) is None


def test_manifest_contents(project: dict) -> None:
    manifest = make_manifest(project)
    inputs = manifest["inputs"]
    assert set(inputs) == {"participants", "finance", "funnel", "narrative"}  # no key file
    participants = inputs["participants"]
    assert participants["path"] == "data/deltagare.csv"
    assert participants["rows"] == 3
    raw = project["inputs"]["participants"].read_bytes()
    assert participants["sha256"] == hashlib.sha256(raw).hexdigest()
    assert participants["bytes"] == len(raw)
    assert inputs["funnel"] == {
        "path": "tratt.csv",
        "outside_base_dir": True,
        "sha256": hashlib.sha256(b"grupp,inbjudna\n1,20\n").hexdigest(),
        "bytes": 20,
        "rows": 1,
    }
    parameters = manifest["parameters"]
    assert parameters["participants_path"] == "data/deltagare.csv"
    assert parameters["pseudonym_key_path"] == "pseudonym.key"
    assert parameters["discount_rate"] == 0.035
    assert manifest["unit_costs"] == {
        "version": "2024.1",
        "price_year": 2024,
        "path": "data/unit_costs.csv",
    }
    assert manifest["run"] == {
        "started_at": "2021-09-03T08:15:00+02:00",
        "finished_at": "2021-09-03T08:15:42+02:00",
        "duration_seconds": 42.2,  # 42.25 rounded half to even
    }
    packages = manifest["packages"]
    assert set(packages) >= {"insats", "pandas", "numpy", "statsmodels", "scipy", "matplotlib"}
    import pandas

    assert packages["pandas"] == pandas.__version__
    assert manifest["python"].count(".") == 2


def test_no_absolute_paths_anywhere(project: dict, tmp_path: Path) -> None:
    manifest = make_manifest(project)
    out = tmp_path / "manifest.json"
    write_json(out, manifest)
    text = out.read_text(encoding="utf-8")
    assert str(project["tmp"]) not in text
    assert "anna.svensson" not in text and "secret" not in text
    html = str(provenance_html(manifest, RenderContext()))
    assert str(project["tmp"]) not in html and "anna.svensson" not in html


def test_missing_input_named(project: dict) -> None:
    project["inputs"]["extra"] = project["base"] / "saknas.csv"
    with pytest.raises(FileNotFoundError, match="extra: .*saknas.csv"):
        make_manifest(project)


def test_write_json_is_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    write_json(a, {"b": 1, "a": {"ö": "Första", "c": [1, 2]}})
    write_json(b, {"a": {"c": [1, 2], "ö": "Första"}, "b": 1})
    assert a.read_bytes() == b.read_bytes()
    assert a.read_text(encoding="utf-8") == (
        '{\n  "a": {\n    "c": [\n      1,\n      2\n    ],\n    "ö": "Första"\n  },\n  "b": 1\n}\n'
    )
    assert json.loads(a.read_text(encoding="utf-8"))["a"]["ö"] == "Första"


def test_relative_path_outside_base_keeps_the_name_only(tmp_path: Path) -> None:
    base = tmp_path / "repo"
    assert relative_path(base / "a" / "b.csv", base) == {"path": "a/b.csv"}
    assert relative_path(tmp_path / "b.csv", base) == {"path": "b.csv", "outside_base_dir": True}


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_state(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    repo.mkdir()
    assert git_state(repo) is None  # not a repository

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "-C", str(repo), *args],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    git("init", "-q")
    (repo / "f.txt").write_text("1\n", encoding="utf-8")
    git("add", "f.txt")
    git("commit", "-q", "-m", "first")
    head = git("rev-parse", "HEAD")
    assert git_state(repo) == {"commit": head, "dirty": False}
    (repo / "f.txt").write_text("2\n", encoding="utf-8")
    assert git_state(repo) == {"commit": head, "dirty": True}
    (repo / "untracked.txt").write_text("x", encoding="utf-8")
    (repo / "f.txt").write_text("1\n", encoding="utf-8")
    assert git_state(repo) == {"commit": head, "dirty": False}  # untracked files ignored


def test_provenance_html(project: dict) -> None:
    manifest = make_manifest(project)
    manifest["git"] = {"commit": "0123456789abcdef0123", "dirty": True}
    html = str(provenance_html(manifest, RenderContext()))
    assert "Indatafiler" in html and "Kontrollsumma (SHA-256)" in html
    assert manifest["inputs"]["participants"]["sha256"] in html
    assert "<code>data/deltagare.csv</code>" in html
    assert "tratt.csv <small>(utanför projektmappen)</small>" in html
    assert "Första steget &lt;b&gt;" in html and "<b>" not in html
    assert "version 0123456789ab i" in html
    assert "lokala ändringar" in html
    assert "Rapporten skapades 3 september 2021 kl. 08.15 (körtid 42 sekunder)." in html
    english = str(provenance_html(manifest, RenderContext(language="en")))
    assert "Input files" in english and "on 3 September 2021 at 08:15" in english


def test_withheld_inputs_keep_their_checksum_but_give_no_row_count_or_size(project) -> None:
    # A shared report's participants file (attack F5: its rows were a count of people
    # outside the publication model); the other inputs keep their counts.
    manifest = make_manifest(project, rows_used={"participants": 3}, withheld={"participants"})
    participants = manifest["inputs"]["participants"]
    raw = project["inputs"]["participants"].read_bytes()
    assert participants["sha256"] == hashlib.sha256(raw).hexdigest()
    assert participants["rows"] is None and participants["bytes"] is None
    assert participants["rows_withheld"] is True
    assert manifest["inputs"]["funnel"]["rows"] == 1
    assert "rows_withheld" not in manifest["inputs"]["funnel"]
    html = str(provenance_html(manifest, RenderContext()))
    assert participants["sha256"] in html and "redovisas inte" in html
    assert "redovisas inte" not in str(provenance_html(make_manifest(project), RenderContext()))


def test_provenance_without_git_or_catalogue(project: dict) -> None:
    manifest = build_manifest(
        project["params"],
        {},
        catalogue_info=None,
        started_at=STARTED,
        finished_at=FINISHED,
        base_dir=project["base"],
        repo_dir=project["tmp"],  # not a repository
    )
    assert manifest["git"] is None and manifest["unit_costs"] is None
    html = str(provenance_html(manifest, RenderContext()))
    assert "Inga indatafiler registrerades." in html
    assert "kunde inte fastställas" in html
