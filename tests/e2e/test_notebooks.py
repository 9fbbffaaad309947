"""Notebook hygiene: committed without outputs, parameters match the model, all run."""

import ast
import json
from pathlib import Path

import nbformat
import pytest

from insats.params import ReportParameters

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def parameters_cell(nb):
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, "exactly one cell must be tagged 'parameters'"
    return cells[0]


def assigned_names(source: str) -> dict[str, object]:
    names = {}
    for node in ast.parse(source).body:
        assert isinstance(node, ast.Assign), "the parameters cell holds only assignments"
        for target in node.targets:
            names[target.id] = ast.literal_eval(node.value)
    return names


def test_there_are_notebooks():
    assert any(p.name == "report.ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    for cell in raw["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name}: a cell has outputs"
            assert cell.get("execution_count") is None, f"{path.name}: execution count set"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_cell_matches_model(path):
    nb = nbformat.read(path, as_version=4)
    names = assigned_names(parameters_cell(nb).source)
    fields = set(ReportParameters.model_fields)
    unknown = set(names) - fields
    assert not unknown, f"{path.name}: parameters not in the model: {sorted(unknown)}"
    if path.name == "report.ipynb":
        assert set(names) == fields, f"missing from the cell: {sorted(fields - set(names))}"
        # the defaults must themselves be valid parameters
        ReportParameters(**names)


@pytest.mark.e2e
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_with_papermill_on_sample_data(path, tmp_path):
    from insats.run.runner import execute_notebook

    executed = execute_notebook(path, tmp_path / path.name, {}, execution_timeout=600)
    errors = [
        o for c in executed.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert not errors
    shown = [o for c in executed.cells for o in c.get("outputs", [])]
    assert shown, "the notebook showed nothing"


def test_report_notebook_reads_as_a_story_one_markdown_cell_per_section():
    """Issue 13: an evaluator opening report.ipynb sees what each section shows and where
    to add their own analysis; the markdown cells stay out of the nämnd's HTML."""
    raw = json.loads((REPO / "notebooks" / "report.ipynb").read_text(encoding="utf-8"))
    cells = raw["cells"]
    sections = [
        i
        for i, cell in enumerate(cells)
        if cell["cell_type"] == "code"
        and "".join(cell["source"]).strip().startswith("#")
        and "report." in "".join(cell["source"])
    ]
    assert len(sections) >= 15
    for i in sections:
        before = cells[i - 1]
        assert before["cell_type"] == "markdown", f"cell {i} has no markdown cell before it"
        assert "remove-cell" in before["metadata"].get("tags", []), f"cell {i - 1} is exported"
        assert "".join(before["source"]).strip(), f"cell {i - 1} is empty"
