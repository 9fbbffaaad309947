"""`insats batch` without `--period`: each parameters file runs for the period it names.

Issue 16: `insats batch parameters/` stopped with "Missing option '--period'" although
every parameters file names its period. The small notebook of tests/unit/run/test_batch.py gives
figures with a hand-checkable answer: enrolled = 10 × tertial number + len(project).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factories import write_notebook, write_project
from insats.cli import app
from insats.run.batch import plan_jobs


@pytest.fixture
def own_periods(tmp_path: Path) -> Path:
    """Alfa names 2021-T1, Beta 2021-T2, Gamma `previous`; Delta has an unknown key."""
    folder = tmp_path / "parameters"
    folder.mkdir()
    for project, period in (("Alfa", "2021-T1"), ("Beta", "2021-T2"), ("Gamma", "previous")):
        path = write_project(folder, project)
        text = path.read_text(encoding="utf-8").replace("period: 2021-T1", f"period: {period}")
        path.write_text(text, encoding="utf-8")
    (folder / "delta.yaml").write_text(
        "project: Delta\nperiod: 2021-T3\nparticipants_path: x.csv\nperiodd: 2021\n",
        encoding="utf-8",
    )
    return folder


def test_plan_without_periods_takes_each_files_own(own_periods, tmp_path):
    # 5 January 2022: `previous` is 2021-T3 (September–December 2021).
    jobs = plan_jobs([own_periods], [], tmp_path / "out", today=date(2022, 1, 5))
    by_file = {Path(j.params_path).name: j for j in jobs}
    assert len(jobs) == 4
    assert by_file["alfa.yaml"].period == "2021-T1"
    assert by_file["beta.yaml"].period == "2021-T2"
    assert by_file["gamma.yaml"].period == "2021-T3"
    assert Path(by_file["beta.yaml"].out_dir).parts[-2:] == ("beta", "2021-t2")
    assert all(by_file[f].problem is None for f in ("alfa.yaml", "beta.yaml", "gamma.yaml"))
    # A broken file still becomes one failed entry, under the period it names.
    assert "periodd: unknown key" in by_file["delta.yaml"].problem
    assert by_file["delta.yaml"].period == "2021-T3"


def test_given_periods_override_every_files_own(own_periods, tmp_path):
    jobs = plan_jobs([own_periods], ["2021-H1"], tmp_path / "out")
    assert {j.period for j in jobs} == {"2021-H1"}
    assert len(jobs) == 4


def test_plan_without_periods_names_a_file_without_a_readable_period(tmp_path):
    folder = tmp_path / "parameters"
    folder.mkdir()
    (folder / "trasig.yaml").write_text("project: [oavslutad\n", encoding="utf-8")
    (folder / "fel.yaml").write_text(
        "project: Fel\nperiod: 2021-T7\nparticipants_path: x.csv\n", encoding="utf-8"
    )
    jobs = plan_jobs([folder], [], tmp_path / "out")
    by_file = {Path(j.params_path).name: j for j in jobs}
    assert "not valid YAML" in by_file["trasig.yaml"].problem
    assert by_file["trasig.yaml"].period == "okänd period"
    assert "period" in by_file["fel.yaml"].problem
    assert by_file["fel.yaml"].period == "2021-T7"


def test_help_says_the_default_is_each_files_own_period():
    result = CliRunner().invoke(app, ["batch", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    text = " ".join(result.output.replace("│", " ").split())
    assert "Without --period each parameters file runs for the period it names" in text
    assert "Default: each file's own period" in text


@pytest.mark.e2e
def test_cli_batch_without_period_runs_each_file_for_its_own(own_periods, tmp_path):
    (own_periods / "gamma.yaml").unlink()  # `previous` depends on today's date
    notebook = write_notebook(tmp_path / "small.ipynb")
    out = tmp_path / "reports"
    args = ["batch", str(own_periods), "--jobs", "2", "--out", str(out)]
    args += ["--notebook", str(notebook), "--no-progress"]
    result = CliRunner().invoke(app, args)
    assert "Missing option" not in result.output
    assert result.exit_code == 1, result.output  # delta.yaml is broken
    assert "failed: delta 2021-T3" in result.output
    alfa = json.loads((out / "alfa" / "2021-t1" / "figures.json").read_text(encoding="utf-8"))
    beta = json.loads((out / "beta" / "2021-t2" / "figures.json").read_text(encoding="utf-8"))
    # enrolled = 10 × tertial + len(project): Alfa 2021-T1 10 + 4 = 14; Beta T2 20 + 4 = 24
    assert alfa["participants"]["enrolled"] == 14
    assert beta["participants"]["enrolled"] == 24
    assert not (out / "alfa" / "2021-t2").exists() and not (out / "beta" / "2021-t1").exists()
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert (index["total"], index["ok"], index["failed"]) == (3, 2, 1)

    # --period keeps overriding: both files for 2021-T2 (Alfa 10 × 2 + 4 = 24).
    result = CliRunner().invoke(app, [*args[:2], "--period", "2021-T2", *args[2:]])
    assert result.exit_code == 1, result.output
    alfa_t2 = json.loads((out / "alfa" / "2021-t2" / "figures.json").read_text(encoding="utf-8"))
    assert alfa_t2["participants"]["enrolled"] == 24
