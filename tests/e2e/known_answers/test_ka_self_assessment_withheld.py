"""Known answers: the self-assessment gives no hidden part back (issue 15, attack round 7
of stop 24).

Cohorts (hand-made, FICTITIOUS), 2021-T2, Perstorp, everyone started 2021-01-11 and
completed on 2021-06-15 (for work), so 13 left since the start:

- A (the attack): 5 rated themselves at start and at exit, with changes −1, 0, +1, +2, +3
  (3 higher, 1 the same, 1 lower); 6 rated themselves at start only; 2 not at all. The
  nämnd report of ee9edf1 left the parts out but wrote "median förändring 1,0" and
  "p = 0,38". A median of +1 over 5 pairs means at least 3 higher; of every multiset of
  5 changes in −9..9 with that median and p, only 3/1/1 and 4/0/1 remain: "1 lägre"
  exactly. It also wrote "6 deltagare har bara en av de två skattningarna" beside the 5
  pairs and the 13 who left: 13 − 5 − 6 = 2 without any rating.
- B: all 13 rated twice: 9 higher (+2), 3 the same, 1 lower (−1). The pairs (13) can be
  shown, the parts cannot (3 and 1 are small, 9 then by difference).

Checked against the internal reports of the same data (3/1/1 and 9/3/1).
"""

from __future__ import annotations

import re

import pytest
from tests.e2e.known_answers.conftest import person

pytestmark = pytest.mark.e2e

DONE = {"end_date": "2021-06-15", "exit_reason": "completed", "outcome_at_exit": "employment"}
COHORTS = {
    "A": [(4, 3), (4, 4), (4, 5), (4, 6), (4, 7)] + [(5, None)] * 6 + [(None, None)] * 2,
    "B": [(4, 6)] * 9 + [(5, 5)] * 3 + [(6, 5)],
}


def _rows(ratings) -> list[dict]:
    return [
        person(f"P{i}", self_assessment_start=s, self_assessment_end=e, **DONE)
        for i, (s, e) in enumerate(ratings)
    ]


@pytest.fixture(scope="module")
def reports(tmp_path_factory, cohort_runner):
    folder = tmp_path_factory.mktemp("self_assessment")
    out = {}
    for name, ratings in COHORTS.items():
        for audience in ("internal", "namnd"):
            where = folder / f"{name}_{audience}"
            cohort_runner(where, _rows(ratings), audience=audience)
            out[name, audience] = _section(
                (where / "out" / "report.html").read_text(encoding="utf-8")
            )
    return out


def _section(html: str) -> str:
    """The self-assessment section as plain text (sentence and table)."""
    text = re.sub(r"<[^>]+>", " ", html.split("Självskattning före och efter", 1)[1])
    return re.sub(r"\s+", " ", text.split("Uppföljning", 1)[0])


def test_the_internal_reports_hold_the_parts(reports):
    assert "3 skattade sig högre, 1 lika och 1 lägre" in reports["A", "internal"]
    assert "9 skattade sig högre, 3 lika och 1 lägre" in reports["B", "internal"]
    assert "6 deltagare har bara en av de två skattningarna" in reports["A", "internal"]


@pytest.mark.parametrize("name", COHORTS)
def test_no_median_change_or_test_beside_hidden_parts(reports, name):
    text = reports[name, "namnd"]
    assert "median förändring" not in text, text
    assert "teckenrangtest" not in text, text
    # the table: start, exit, change, n, p; the change and p are withheld
    row = re.search(r"Median ((?:\S+ ){5})", text)
    assert row is not None, text
    start, end, change, n, p = row.group(1).split()
    assert change == ".." and p == "..", row.group(0)


def test_the_pairs_are_shown_when_nothing_comes_back(reports):
    # Cohort B: everyone rated twice, so the 13 pairs tell nothing but the 13 who left.
    text = reports["B", "namnd"]
    assert text.lstrip().startswith("13 deltagare skattade sig både vid start och avslut"), text
    assert "Medianen gick från 4,0 till 6,0" in text, text


def test_those_without_a_rating_do_not_come_back(reports):
    # Cohort A: 13 left since the start (shown in the summary); the pairs and those with
    # one rating must not both be shown, or 13 − 5 − 6 = 2 had no rating at all.
    text = reports["A", "namnd"]
    pairs = re.match(r"\s*(\d+) deltagare skattade sig både", text)
    unpaired = re.search(r"(\d+) deltagare har bara en av de två skattningarna", text)
    assert pairs is None or unpaired is None, text
