"""The batch starts the longest jobs first (issue 14): the estimate is the participant
file's size, doubled for a shared (nämnd) report, which also plans disclosure."""

from __future__ import annotations

from pathlib import Path

from insats.run.batch import BatchJob, BatchOptions, _estimated_cost

REPO = Path(__file__).resolve().parents[3]
PARAMS = REPO / "parameters" / "forsta_steget.yaml"  # audience: namnd
PARTICIPANTS = REPO / "data" / "sample" / "forsta_steget_deltagare.csv"


def test_cost_is_participant_file_size_doubled_for_the_namnd() -> None:
    job = BatchJob(str(PARAMS), "2021-T2", "/tmp/unused")
    size = PARTICIPANTS.stat().st_size
    assert _estimated_cost(job, BatchOptions(out_root="/tmp")) == 2 * size
    assert _estimated_cost(job, BatchOptions(out_root="/tmp", audience="internal")) == size


def test_unreadable_parameters_cost_nothing() -> None:
    job = BatchJob("/no/such/params.yaml", "2021-T2", "/tmp/unused")
    assert _estimated_cost(job, BatchOptions(out_root="/tmp")) == 0.0
