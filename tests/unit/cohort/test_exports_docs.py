"""Issue 11: the README documents the contract as generated from the schema, and every
SUS word maps to the code the README says."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from insats.cohort.docs import contract_tables
from insats.cohort.read import map_codes
from insats.cohort.schema import ACTIVITY, EXIT_REASON, SUPPORT, SUS_EXIT_REASON, SUS_SUPPORT

README = Path(__file__).resolve().parents[3] / "README.md"


@pytest.mark.parametrize("table", contract_tables(), ids=lambda t: t.splitlines()[0])
def test_readme_holds_the_generated_table(table):
    assert table in README.read_text(encoding="utf-8"), (
        "README's data contract differs from the schema: run python -m insats.cohort.docs"
    )


CASES = [
    *[(EXIT_REASON, code, w) for code, words in SUS_EXIT_REASON.items() for w in words],
    *[(SUPPORT, code, w) for code, words in SUS_SUPPORT.items() for w in words],
    *[(ACTIVITY, code, w) for code, words in ACTIVITY.items() for w in (code, *words) if w],
]


@pytest.mark.parametrize(("vocabulary", "code", "word"), CASES, ids=lambda v: str(v)[:30])
def test_every_sus_word_maps_to_its_code(vocabulary, code, word):
    codes, bad = map_codes(pd.Series([word, word.upper(), f" {word} "]), vocabulary)
    assert not bad.any() and codes.tolist() == [code] * 3
