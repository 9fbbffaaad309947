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


@pytest.fixture(scope="session")
def sample_report_internal(tmp_path_factory):
    """The same sample for ``audience: internal``: every table, the socio-economic
    account's among them (a nämnd report leaves the account's amounts out where they
    would give a hidden count back, as the sample's does)."""
    from insats.params import load_parameters
    from insats.run.runner import run_report

    params = load_parameters(SAMPLE_PARAMS).model_copy(update={"audience": "internal"})
    out = tmp_path_factory.mktemp("sample_internal") / "report"
    return run_report(params, out)
