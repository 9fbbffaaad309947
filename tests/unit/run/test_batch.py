"""Batch runs: planning, the catalogue, and real parallel runs on small notebooks.

The end-to-end tests run a small notebook (not the full report) through the real
runner — papermill, kernels forked from the kernel template, in-process nbconvert — on
copies of the fictitious sample participants renamed to three projects.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factories import write_notebook, write_project
from insats.cli import app
from insats.run.batch import (
    BatchEntry,
    collect_parameter_files,
    key_figures,
    plan_jobs,
    render_index,
    run_batch,
    write_index,
)

PROJECTS = ("Alfa", "Beta", "Gamma")

# The small report: figures that depend on project and period in a known way, so the
# catalogue's change against the previous period has a hand-checkable answer:
# enrolled = 10 × tertial number + len(project); work_or_studies share = tertial / 10.


@pytest.fixture
def projects(tmp_path: Path) -> Path:
    folder = tmp_path / "parameters"
    folder.mkdir()
    for project in PROJECTS:
        write_project(folder, project)
    return folder


# --- planning and the catalogue (no kernels) -------------------------------------------
def test_plan_expands_folder_resolves_previous_once_and_flags_broken_files(projects):
    (projects / "trasig.yaml").write_text("project: [oavslutad\n", encoding="utf-8")
    (projects / "okand.yaml").write_text(
        "project: Delta\nperiod: 2021-T1\nparticipants_path: x.csv\nperiodd: 2021\n",
        encoding="utf-8",
    )
    (projects / "notes.txt").write_text("not parameters", encoding="utf-8")
    # 5 January 2022: the previous tertial is 2021-T3 (September–December 2021).
    jobs = plan_jobs(
        [projects], ["previous", "2021-T3"], projects.parent / "out", today=date(2022, 1, 5)
    )
    assert [p.name for p in collect_parameter_files([projects])] == [
        "alfa.yaml",
        "beta.yaml",
        "gamma.yaml",
        "okand.yaml",
        "trasig.yaml",
    ]
    assert {j.period for j in jobs} == {"2021-T3"}  # "previous" and 2021-T3 are one period
    by_file = {Path(j.params_path).name: j for j in jobs}
    assert by_file["alfa.yaml"].problem is None
    assert Path(by_file["alfa.yaml"].out_dir).parts[-2:] == ("alfa", "2021-t3")
    assert "not valid YAML" in by_file["trasig.yaml"].problem
    assert "periodd: unknown key" in by_file["okand.yaml"].problem


def test_two_files_for_the_same_project_and_period_do_not_overwrite_each_other(projects):
    (projects / "alfa_kopia.yaml").write_text(
        (projects / "alfa.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    jobs = plan_jobs([projects], ["2021-T1"], projects.parent / "out")
    problems = [j for j in jobs if j.problem]
    assert len(problems) == 1 and "already reported by" in problems[0].problem


def test_catalogue_change_against_previous_period_and_earlier_batches(tmp_path):
    out = tmp_path / "reports"
    t1 = {
        "audience": "namnd",
        "participants": {"enrolled": 20, "started": 4},
        "work_or_studies_at_exit": {"share": 0.4},
    }
    t2 = {
        "audience": "namnd",
        "participants": {"enrolled": 26, "started": None},
        "work_or_studies_at_exit": {"share": 0.5},
    }
    for period, figures in (("2021-t1", t1), ("2021-t2", t2)):
        folder = out / "alfa" / period
        folder.mkdir(parents=True)
        (folder / "figures.json").write_text(json.dumps(figures), encoding="utf-8")
    first = BatchEntry(
        "Alfa",
        "2021-T1",
        "alfa.yaml",
        "ok",
        "alfa/2021-t1",
        report="alfa/2021-t1/report.html",
        figures=t1,
    )
    write_index([first], out)
    second = BatchEntry(
        "Alfa", "2021-T2", "alfa.yaml", "ok", "alfa/2021-t2", report="alfa/2021-t2/report.html"
    )  # figures read from disk
    broken = BatchEntry(
        "Beta",
        "2021-T2",
        "beta.yaml",
        "failed",
        "beta/2021-t2",
        error_page="beta/2021-t2/error.html",
        message="beta.yaml: not valid YAML",
    )
    (out / "beta" / "2021-t2").mkdir(parents=True)
    html_path, json_path = write_index([second, broken], out)

    data = json.loads(json_path.read_text(encoding="utf-8"))
    rows = {(r["project"], r["period"]): r for r in data["reports"]}
    assert set(rows) == {("Alfa", "2021-T1"), ("Alfa", "2021-T2"), ("Beta", "2021-T2")}
    assert (data["ok"], data["failed"]) == (2, 1)
    t2_row = rows[("Alfa", "2021-T2")]
    assert t2_row["previous"]["period"] == "2021-T1"
    # 26 - 20 = 6 persons; 0.5 - 0.4 = 0.1 = 10 percentage points; started suppressed.
    assert t2_row["change"]["enrolled"] == 6
    assert t2_row["change"]["work_or_studies"] == pytest.approx(0.1)
    assert t2_row["change"]["started"] is None
    assert rows[("Alfa", "2021-T1")]["previous"] is None  # no 2020-T3 report

    html = html_path.read_text(encoding="utf-8")
    assert "(+6)" in html and "+10,0 p.e." in html and ">..<" in html.replace(" ", "")
    assert 'href="alfa/2021-t2/report.html"' in html
    assert 'href="beta/2021-t2/error.html"' in html and "Misslyckades" in html
    assert "<script" not in html and "http://" not in html and "https://" not in html
    assert "<style>" in html  # the stylesheet is inlined: the page works offline


def _report(out: Path, where: str, audience: str | None, exited: int) -> None:
    folder = out / where
    folder.mkdir(parents=True)
    figures = {"participants": {"enrolled": 20, "exited": exited}}
    if audience is not None:
        figures["audience"] = audience
    (folder / "figures.json").write_text(json.dumps(figures), encoding="utf-8")
    (folder / "report.html").write_text("<p>r</p>", encoding="utf-8")


def _ok(period: str, where: str, audience: str | None = None) -> BatchEntry:
    return BatchEntry(
        "Alfa", period, "alfa.yaml", "ok", where, report=f"{where}/report.html", audience=audience
    )


def test_a_shared_index_neither_compares_with_nor_lists_an_internal_report(tmp_path):
    # Attack F9: an internal T1 (exited 3) beside the nämnd's T2 (exited 18) gave
    # "18 (+15)", so 3, and index.json quoted the 3 and linked the internal report.
    out = tmp_path / "reports"
    _report(out, "alfa/2021-t1", "internal", 3)
    _report(out, "alfa/2021-t2", "namnd", 18)
    _report(out, "beta/2021-t1", None, 4)  # no audience named anywhere: unknown
    write_index([_ok("2021-T1", "alfa/2021-t1", "internal")], out)  # the evaluator's
    internal = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert (
        internal["audience"] == "internal" and internal["reports"][0]["key_figures"]["exited"] == 3
    )
    html_path, json_path = write_index(
        [_ok("2021-T2", "alfa/2021-t2", "namnd"), _ok("2021-T1", "beta/2021-t1")], out
    )
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["audience"] == "namnd" and data["left_out"] == 2  # Alfa T1, Beta T1
    (row,) = data["reports"]
    assert (row["period"], row["key_figures"]["exited"]) == ("2021-T2", 18)
    assert row["previous"] is None and row["change"] == {}
    html = html_path.read_text(encoding="utf-8")
    assert "2021-t1" not in html and "(+15)" not in html and ">3<" not in html.replace(" ", "")


def test_a_failed_entry_of_a_shared_index_links_no_internal_report(tmp_path):
    out = tmp_path / "reports"
    _report(out, "alfa/2021-t2", "internal", 3)  # left by an evaluator's run
    failed = BatchEntry(
        "Alfa", "2021-T2", "alfa.yaml", "failed", "alfa/2021-t2", message="x", audience="namnd"
    )
    html_path, json_path = write_index([failed], out)
    (row,) = json.loads(json_path.read_text(encoding="utf-8"))["reports"]
    assert row["report"] is None
    assert "report.html" not in html_path.read_text(encoding="utf-8")


def test_the_change_is_against_the_same_audience_of_the_previous_period(tmp_path):
    out = tmp_path / "reports"
    _report(out, "alfa/2021-t1", "internal", 3)
    _report(out, "alfa/2021-t2", "internal", 18)
    _, json_path = write_index([_ok("2021-T2", "alfa/2021-t2", "internal")], out)
    (row,) = json.loads(json_path.read_text(encoding="utf-8"))["reports"]
    assert row["change"]["exited"] == 15  # 18 - 3, both internal: the evaluator's index


def test_an_internal_batch_with_a_broken_file_keeps_an_internal_index(tmp_path):
    out = tmp_path / "reports"
    _report(out, "alfa/2021-t1", "internal", 3)
    broken = BatchEntry(
        "Beta", "2021-T1", "beta.yaml", "failed", "beta/2021-t1", message="not valid YAML"
    )
    _, json_path = write_index([_ok("2021-T1", "alfa/2021-t1", "internal"), broken], out)
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert data["audience"] == "internal" and data["total"] == 2 and data["left_out"] == 0


def test_index_in_english():
    row = {
        "project": "Alfa",
        "period": "2021-T1",
        "status": "ok",
        "report": "a/r.html",
        "key_figures": key_figures({"participants": {"enrolled": 1234}}),
        "change": {},
    }
    html = render_index([row], language="en")
    assert 'lang="en"' in html and "Report catalogue" in html and "1,234" in html


# --- real runs ---------------------------------------------------------------------------
@pytest.mark.e2e
def test_cli_batch_with_broken_file_more_jobs_than_cores_and_deterministic(projects, tmp_path):
    (projects / "trasig.yaml").write_text("project: Delta\nperiod 2021-T1\n", encoding="utf-8")
    notebook = write_notebook(tmp_path / "small.ipynb")
    out = tmp_path / "reports"
    args = [
        "batch",
        str(projects),
        "--period",
        "2021-T1",
        "--period",
        "2021-T2",
        "--jobs",
        "4",
        "--out",
        str(out),
        "--notebook",
        str(notebook),
        "--no-progress",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "failed: trasig 2021-T1" in result.output
    for project in PROJECTS:  # 3 projects × 2 periods = 6 reports with 4 workers on 2 cores
        for period in ("2021-t1", "2021-t2"):
            figures = json.loads((out / project.lower() / period / "figures.json").read_text())
            assert figures["project"] == project
            assert (out / project.lower() / period / "report.html").exists()
    assert "not valid YAML" in (out / "trasig" / "2021-t1" / "error.html").read_text()
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert (index["total"], index["ok"], index["failed"]) == (8, 6, 2)
    beta_t2 = next(
        r for r in index["reports"] if r["project"] == "Beta" and r["period"] == "2021-T2"
    )
    # enrolled 10×2+4 = 24 against 10×1+4 = 14 in 2021-T1
    assert beta_t2["key_figures"]["enrolled"] == 24 and beta_t2["change"]["enrolled"] == 10
    html = (out / "index.html").read_text(encoding="utf-8")
    assert all(p in html for p in PROJECTS) and "trasig" in html

    first = (out / "alfa" / "2021-t2" / "figures.json").read_bytes()
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 1
    assert (out / "alfa" / "2021-t2" / "figures.json").read_bytes() == first
    # Each report folder is a link to its one complete version folder (issue 15): those
    # are not left over; nothing else hidden may be.
    linked = {(out / "alfa" / os.readlink(p)).resolve() for p in (out / "alfa").iterdir()
              if p.is_symlink()}  # fmt: skip
    hidden = [p for p in (out / "alfa").iterdir() if p.name.startswith(".")]
    assert not [p for p in hidden if p.resolve() not in linked], "temp folders left"


@pytest.mark.e2e
def test_dead_kernel_is_retried_once_then_fails(projects, tmp_path):
    marker = tmp_path / "died-once"
    once = write_notebook(
        tmp_path / "once.ipynb",
        f"import os, pathlib\nm = pathlib.Path({str(marker)!r})\n"
        "if not m.exists():\n    m.touch()\n    os._exit(1)",
    )
    always = write_notebook(tmp_path / "always.ipynb", "import os\nos._exit(1)")
    alfa = projects / "alfa.yaml"
    ok = run_batch([alfa], ["2021-T1"], tmp_path / "a", jobs=1, notebook=once, progress=False)
    [entry] = ok.entries
    assert entry.ok and entry.attempts == 2 and "kernel died" in entry.warnings[0]
    bad = run_batch([alfa], ["2021-T1"], tmp_path / "b", jobs=1, notebook=always, progress=False)
    [entry] = bad.entries
    assert not entry.ok and entry.attempts == 2 and "kernel died" in entry.message
    assert (tmp_path / "b" / entry.error_page).exists()


@pytest.mark.e2e
def test_dask_path_with_a_local_cluster(projects, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    notebook = write_notebook(tmp_path / "small.ipynb")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        result = run_batch(
            [projects],
            ["2021-T2"],
            tmp_path / "out",
            notebook=notebook,
            dask_scheduler=cluster.scheduler_address,
            progress=False,
        )
    assert [e.ok for e in result.entries] == [True, True, True]
    figures = json.loads((tmp_path / "out" / "gamma" / "2021-t2" / "figures.json").read_text())
    assert figures["participants"]["enrolled"] == 10 * 2 + len("Gamma")


@pytest.mark.e2e
def test_batch_without_the_flag_imports_nothing_of_dask(projects, tmp_path):
    notebook = write_notebook(tmp_path / "small.ipynb")
    code = (
        "import sys; from insats.run.batch import run_batch\n"
        f"r = run_batch([{str(projects / 'alfa.yaml')!r}], ['2021-T1'], {str(tmp_path / 'o')!r},"
        f" jobs=1, notebook={str(notebook)!r}, progress=False)\n"
        "assert r.ok, r.entries\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_key_figures_take_society_s_net_present_value():
    # figures.json's socioeconomic.npv_sek is per actor (sample: society 17 135 983 kr);
    # the catalogue shows society's, and nothing when a shared report withheld it.
    socio = {"npv_sek": {"municipality": 11_606_193.3, "society": 17_135_982.8}}
    assert key_figures({"socioeconomic": socio})["npv"] == 17_135_982.8
    withheld = {"withheld": True, "npv_sek": {"municipality": None, "society": None}}
    assert key_figures({"socioeconomic": withheld})["npv"] is None
