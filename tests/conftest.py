"""Shared fixtures: one real run of the sample report, reused by the end-to-end tests."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE_PARAMS = REPO / "parameters" / "forsta_steget.yaml"


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory):
    """`insats run parameters/forsta_steget.yaml` (audience namnd) into a temp folder."""
    from insats.params import load_parameters
    from insats.run.runner import run_report

    out = tmp_path_factory.mktemp("sample") / "report"
    return run_report(load_parameters(SAMPLE_PARAMS), out)
