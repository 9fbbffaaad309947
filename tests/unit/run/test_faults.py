"""Faults: killed batches, crashes mid-placement, leftovers, full or read-only disks (issue 15)."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from insats.run import placement
from insats.run.batch import BatchEntry, write_index
from insats.run.placement import PlacementError, clean_leftovers, place_report
from insats.run.runner import FIGURES_MIMETYPE

REPO = Path(__file__).resolve().parents[3]
SAMPLE = REPO / "data" / "sample" / "forsta_steget_deltagare.csv"


def _run_files(tag: str) -> dict[str, bytes]:
    return {
        "report.html": f"<p>{tag}</p>".encode(),
        "figures.json": json.dumps(
            {"run": tag, "audience": "namnd", "participants": {"enrolled": 40}}
        ).encode(),
        "manifest.json": json.dumps({"run": tag}).encode(),
    }


def _runs_in(folder: Path) -> set[str]:
    html = (folder / "report.html").read_text()
    return {
        html[3:-4],
        json.loads((folder / "figures.json").read_text())["run"],
        json.loads((folder / "manifest.json").read_text())["run"],
    }


def test_a_report_is_placed_as_one_unit(tmp_path, monkeypatch):
    out = tmp_path / "reports" / "alfa" / "2021-t2"
    place_report(_run_files("A"), out)
    assert out.is_symlink() and _runs_in(out) == {"A"}
    calls = []
    real_replace = os.replace

    def crash_after_first(src, dst):  # the machine dies after the first rename
        calls.append(dst)
        if len(calls) > 1:
            raise OSError(errno.EIO, "crash")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_after_first)
    try:
        place_report(_run_files("B"), out)
    except OSError:
        pass
    monkeypatch.setattr(os, "replace", real_replace)
    assert len(_runs_in(out)) == 1  # all three files of one run, never mixed
    assert len(calls) == 1  # one rename places the whole report


@pytest.mark.e2e
def test_a_crash_between_renames_cannot_mix_two_runs(tmp_path, monkeypatch):
    """The runner places report.html, figures.json and manifest.json as one unit."""
    from insats.params import load_parameters
    from insats.run.runner import run_report

    params = REPO / "parameters" / "forsta_steget.yaml"
    out = tmp_path / "report"
    run_report(load_parameters(params, audience="internal"), out)
    # Leftovers of killed runs beside the folder: cleaned when the next run starts.
    (tmp_path / ".report.run-dead0001").mkdir()
    (tmp_path / ".report.tmp-dead0002").mkdir()
    real_replace = os.replace
    calls = []

    def crash_after_first(src, dst):
        calls.append(dst)
        if len(calls) > 1:
            raise OSError(errno.EIO, "crash")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_after_first)
    try:
        run_report(load_parameters(params, period="2021-T3", audience="internal"), out)
    except OSError:
        pass
    monkeypatch.setattr(os, "replace", real_replace)
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    html = (out / "report.html").read_text(encoding="utf-8")
    period = manifest["period"]
    assert figures["period"]["label"] == period
    assert (period == "2021-T3") == ("2021-T3" in html or "T3 2021" in html or "september" in html)
    assert not list(tmp_path.glob(".report.run-*")) and not list(tmp_path.glob(".report.tmp-*"))


def test_empty_run_folders_are_cleaned_and_fresh_ones_kept(tmp_path):
    out = tmp_path / "report"
    place_report(_run_files("A"), out)
    empty = tmp_path / ".report.run-0000dead"
    empty.mkdir()
    busy = tmp_path / ".report.run-0000busy"
    busy.mkdir()
    (busy / "report.ipynb").write_text("{}")
    stale = tmp_path / ".report.run-0000old"
    stale.mkdir()
    (stale / "report.ipynb").write_text("{}")
    os.utime(stale, (time.time() - 7 * 3600,) * 2)
    removed = clean_leftovers(out)
    assert set(removed) == {empty, stale} and busy.exists()
    assert _runs_in(out) == {"A"}  # the linked version is never touched


def test_disk_full_keeps_the_old_report(tmp_path, monkeypatch):
    out = tmp_path / "report"
    place_report(_run_files("A"), out)

    def full(path, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(placement, "_write", full)
    with pytest.raises(PlacementError) as error:
        place_report(_run_files("B"), out)
    assert "disk is full" in str(error.value) and "kept" in str(error.value)
    monkeypatch.undo()
    assert _runs_in(out) == {"A"}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report.v-")] == [
        os.readlink(out)
    ]  # the half-written version is gone


def test_a_read_only_output_folder_is_a_clear_error(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from insats.cli import app

    out = tmp_path / "report"
    place_report(_run_files("A"), out)

    def read_only(path, content):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(placement, "_write", read_only)
    result = CliRunner().invoke(
        app, ["run", str(REPO / "parameters" / "forsta_steget.yaml"), "--out", str(out)]
    )
    assert result.exit_code == 1
    assert "read-only" in result.output and "Traceback" not in result.output
    monkeypatch.undo()
    assert _runs_in(out) == {"A"}


def _entry(status: str, **kwargs) -> BatchEntry:
    return BatchEntry(
        project="Alfa",
        period="2021-T2",
        params_file="alfa.yaml",
        status=status,
        out_dir="alfa/2021-t2",
        **kwargs,
    )


def test_after_a_failed_rerun_the_index_links_the_last_good_report(tmp_path):
    from insats.run.batch import BatchOptions, _write_error_page

    out = tmp_path / "alfa" / "2021-t2"
    place_report(_run_files("A"), out)
    write_index([_entry("ok", report="alfa/2021-t2/report.html")], tmp_path)
    failed = _entry("failed", message="the report notebook failed: step 3 stopped (KeyError)")
    failed.error_page = _write_error_page(failed, BatchOptions(out_root=str(tmp_path)), out)
    html_path, json_path = write_index([failed], tmp_path)
    row = json.loads(json_path.read_text(encoding="utf-8"))["reports"][0]
    assert row["status"] == "failed"
    assert row["error_page"] == "alfa/2021-t2/error.html"
    assert row["report"] == "alfa/2021-t2/report.html"  # still linked
    html = html_path.read_text(encoding="utf-8")
    assert 'href="alfa/2021-t2/report.html"' in html and 'href="alfa/2021-t2/error.html"' in html
    assert _runs_in(out) == {"A"} and (out / "error.html").exists()


def test_the_index_is_rebuilt_from_what_is_on_disk(tmp_path):
    out = tmp_path / "alfa" / "2021-t2"
    place_report(_run_files("A"), out)  # enrolled 40 on disk
    stale = _entry(
        "ok", report="alfa/2021-t2/report.html", figures={"participants": {"enrolled": 7}}
    )
    _, json_path = write_index([stale], tmp_path)
    row = json.loads(json_path.read_text(encoding="utf-8"))["reports"][0]
    assert row["key_figures"]["enrolled"] == 40


def test_messages_in_the_index_mask_personnummer(tmp_path):
    entry = _entry("failed", message='deltagare.csv, row 3, column "Kön": "19121212-1212"')
    html_path, json_path = write_index([entry], tmp_path)  # fictitious number
    for path in (html_path, json_path):
        assert "1212-1212" not in path.read_text(encoding="utf-8")


SLEEPY = f"""
import os, time
open(os.environ["INSATS_TEST_PIDS"] + "/" + str(os.getpid()), "w").close()
time.sleep(120)
from IPython.display import display
display({{"{FIGURES_MIMETYPE}": {{"project": project}}}}, raw=True)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                children = (task / "children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


@pytest.mark.e2e
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
def test_batch_workers_and_kernels_die_with_a_killed_batch(tmp_path):
    params = tmp_path / "p"
    params.mkdir()
    for project in ("Alfa", "Beta"):
        data = params / f"{project.lower()}.csv"
        data.write_text(
            SAMPLE.read_text(encoding="cp1252").replace(";Första steget;", f";{project};"),
            encoding="cp1252",
        )
        (params / f"{project.lower()}.yaml").write_text(
            f"project: {project}\nperiod: 2021-T1\nparticipants_path: {data.name}\n", "utf-8"
        )
    cells = [nbformat.v4.new_code_cell("project = None\nperiod = None"), None]
    cells[0].metadata["tags"] = ["parameters"]
    cells[1] = nbformat.v4.new_code_cell(SLEEPY)
    notebook = tmp_path / "sleepy.ipynb"
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Py"}
    nbformat.write(nb, notebook)
    pids = tmp_path / "pids"
    pids.mkdir()
    batch = subprocess.Popen(
        [sys.executable, "-m", "insats", "batch", str(params), "--period", "2021-T1",
         "--jobs", "2", "--no-progress", "--notebook", str(notebook), "--out", str(tmp_path / "o")],
        env={**os.environ, "INSATS_TEST_PIDS": str(pids)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    tree: set[int] = set()
    try:
        deadline = time.monotonic() + 240
        while len(list(pids.iterdir())) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert len(list(pids.iterdir())) == 2, "the kernels did not start"
        tree = _descendants(batch.pid) | {int(p.name) for p in pids.iterdir()}
        assert tree
        os.kill(batch.pid, signal.SIGKILL)
        batch.wait()
        deadline = time.monotonic() + 20
        while any(_alive(p) for p in tree) and time.monotonic() < deadline:
            time.sleep(0.5)
        survivors = [p for p in tree if _alive(p)]
        assert not survivors, f"{len(survivors)} processes outlived the killed batch"
    finally:
        batch.kill()
        for p in tree | {int(p.name) for p in pids.iterdir()}:
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass


def test_a_folder_of_other_files_is_never_replaced(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(PlacementError, match="other files"):
        place_report(_run_files("A"), out)
    assert (out / "notes.txt").read_text() == "mine"
    legacy = tmp_path / "old"
    legacy.mkdir()
    (legacy / "report.html").write_text("<p>old</p>")
    place_report(_run_files("A"), legacy)  # a report folder of an older insats
    assert legacy.is_symlink() and _runs_in(legacy) == {"A"}
