"""End to end: real papermill, real kernel, real nbconvert, on the sample data."""

import json
import os
import re
from pathlib import Path

import nbformat
import pytest

from insats.params import load_parameters
from insats.run.runner import RunFailed, run_report

REPO = Path(__file__).resolve().parents[3]
PARAMS = REPO / "parameters" / "forsta_steget.yaml"

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def sample_run(sample_report):
    return sample_report


def test_writes_report_figures_and_manifest(sample_run):
    out = sample_run.out_dir
    assert sorted(p.name for p in out.iterdir()) == ["figures.json", "manifest.json", "report.html"]
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<html" in html and 'lang="sv"' in html


def test_figures_json_contract(sample_run):
    figures = json.loads(sample_run.figures_path.read_text(encoding="utf-8"))
    assert figures["project"] == "Första steget"
    assert figures["period"] == {"label": "2021-T2", "start": "2021-05-01", "end": "2021-08-31"}
    assert set(figures["participants"]) >= {"enrolled", "started", "exited", "early_exits"}
    for code, entry in figures["outcomes_at_exit"].items():
        assert set(entry) >= {"count", "share", "ci_low", "ci_high"}, code
    for key in ("work_or_studies_at_exit", "self_sufficient_at_exit"):
        assert set(figures[key]) >= {"count", "n", "share", "ci_low", "ci_high"}
    assert set(figures["goal"]) >= {"target_share", "observed_share", "status"}
    assert set(figures["budget"]) >= {
        "granted_sek",
        "invoiced_sek",
        "forecast_sek",
        "deviation_share",
        "needs_explanation",
    }
    socio = figures["socioeconomic"]
    for key in (
        "horizon_years",
        "discount_rate",
        "deadweight",
        "investment_sek",
        "npv_sek",
        "payback_years",
        "break_even_participants",
        "probability_positive",
    ):
        assert key in socio


def test_no_code_and_no_absolute_paths_in_shared_outputs(sample_run):
    html = sample_run.html_path.read_text(encoding="utf-8")
    assert "report = build_report" not in html
    assert "collect_parameters" not in html
    for path in (sample_run.html_path, sample_run.figures_path, sample_run.manifest_path):
        text = path.read_text(encoding="utf-8")
        assert str(REPO) not in text, f"{path.name} holds an absolute path of this machine"
        assert "/tmp/" not in text


def test_namnd_report_has_no_small_counts_in_figures(sample_run):
    figures = json.loads(sample_run.figures_path.read_text(encoding="utf-8"))

    def walk(node, key=None):
        if isinstance(node, dict):
            for k, v in node.items():
                yield from walk(v, k)
        elif isinstance(node, list):
            for v in node:
                yield from walk(v, key)
        else:
            yield key, node

    count_keys = {"count", "n", "enrolled", "started", "exited", "early_exits", "completed"}
    for key, value in walk(figures):
        if key in count_keys and isinstance(value, int) and not isinstance(value, bool):
            assert value == 0 or value >= 5, f"{key}={value} would single someone out"


def test_rerun_gives_identical_figures(sample_run, tmp_path):
    again = run_report(load_parameters(PARAMS), tmp_path / "again")
    assert again.figures_path.read_bytes() == sample_run.figures_path.read_bytes()


def test_failed_run_keeps_previous_report_and_writes_error_page(sample_run, tmp_path, caplog):
    out = tmp_path / "kept"
    run_report(load_parameters(PARAMS), out)
    good = (out / "report.html").read_bytes()

    nb = nbformat.read(REPO / "notebooks" / "report.ipynb", as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("raise RuntimeError('deliberate failure 4711')"))
    broken = tmp_path / "broken.ipynb"
    nbformat.write(nb, broken)
    # Issue 15: a shared (namnd) error page names the step and the kind of error but
    # holds nothing of the data or the message; the whole error goes to the log.
    with pytest.raises(RunFailed, match=r"step \d+ stopped \(RuntimeError\)") as err:
        run_report(load_parameters(PARAMS), out, notebook=broken)
    assert (out / "report.html").read_bytes() == good
    page = (out / "error.html").read_text(encoding="utf-8")
    assert "RuntimeError" in page and "deliberate failure 4711" not in page
    assert "deliberate failure 4711" in caplog.text
    assert err.value.error_page == out / "error.html"
    linked = (tmp_path / os.readlink(out)).resolve() if out.is_symlink() else None
    left = [p for p in tmp_path.iterdir() if p.name.startswith(".kept") and p.resolve() != linked]
    assert not left, "temp folders left"


def test_runs_whatever_kernel_the_notebook_names(tmp_path):
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("import sys, insats\nprint(sys.executable)")]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3-that-does-not-exist",
        "language": "python",
        "display_name": "x",
    }
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    import sys

    from insats.run.runner import execute_notebook

    out = execute_notebook(path, tmp_path / "out.ipynb", {})
    printed = "".join(o.get("text", "") for o in out.cells[0].outputs)
    assert printed.strip() == sys.executable


def test_no_participant_ids_in_shared_html(sample_run):
    html = sample_run.html_path.read_text(encoding="utf-8")
    ids = [
        line.split(";")[0]
        for line in (REPO / "data/sample/forsta_steget_deltagare.csv")
        .read_text(encoding="cp1252")
        .splitlines()[1:]
    ]
    assert len(ids) > 50
    leaked = [i for i in ids if re.search(rf"\b{re.escape(i)}\b", html)]
    assert not leaked, f"participant ids in the shared report: {leaked[:5]}"
