"""A small, messy synthetic cohort shared by the outcome tests (fictitious data only)."""

from __future__ import annotations

from factories import make_cohort
from insats.cohort.schema import PARTICIPANTS


def test_cohort_follows_the_data_contract():
    df = make_cohort()
    canonical = [c for c in PARTICIPANTS.names if c != "personnummer"]
    assert set(canonical) <= set(df.columns)
    assert df["participant_id"].is_unique
