"""The report notebook's markdown cells (for evaluators) never reach the nämnd's HTML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.e2e


def test_markdown_cells_of_the_notebook_are_not_in_the_exported_report(sample_figures):
    html = (Path(sample_figures["_out"]) / "report.html").read_text(encoding="utf-8")
    raw = json.loads((REPO / "notebooks" / "report.ipynb").read_text(encoding="utf-8"))
    markdown = ["".join(c["source"]) for c in raw["cells"] if c["cell_type"] == "markdown"]
    assert markdown
    for text in markdown:
        longest = max(text.splitlines(), key=len)
        assert len(longest) >= 30 and longest[:40] not in html, longest
