"""Known answers: no hidden count comes back from what a reader knows without a sum
(issue 15, attack of stop 23): a row's new and exited participants are among its
enrolled, its early exits among its exits.

Cohort (hand-made, FICTITIOUS), 2021-T2 (May–August), everyone started 2021-01-11:

- Perstorp, grupp 1: 7 people, all completed on 2021-06-15 (for work);
- Klippan, grupp 2: 1 person, still taking part;
- Åstorp, grupp 3: 8 people, still taking part.

So 16 are enrolled in the period and in the year so far, 16 started in the year (none in
the period), 7 left. Klippan's 1 is hidden for the nämnd (min_cell_count 5), and its
column needs a second hidden cell. The plan of 0116789 hid Åstorp's 8 enrolled of the
year to date and showed its 8 new: a reader knows Åstorp's enrolled are at least its 8
new, so Klippan = 16 − 7 − 8 = 1 exactly (Perstorp's 7 enrolled shown). Checked against
the internal report of the same data (Klippan 1).
"""

from __future__ import annotations

import itertools

import pytest
from tests.e2e.known_answers.conftest import person
from tests.e2e.known_answers.test_ka_across_periods import _cell, _tables

pytestmark = pytest.mark.e2e

MUNICIPALITIES = ("Klippan", "Perstorp", "Åstorp")
MEASURES = ("Inskrivna", "Nya", "Avslutade", "varav i förtid")
# (small, big): the people of the one are among those of the other, in every row
SUBSETS = (("Nya", "Inskrivna"), ("Avslutade", "Inskrivna"), ("varav i förtid", "Avslutade"))
TABLES = ("Deltagare under perioden per kommun", "Deltagare hittills under året per kommun")


def _cohort() -> list[dict]:
    done = {"end_date": "2021-06-15", "exit_reason": "completed", "outcome_at_exit": "employment"}
    rows = [person(f"P{i}", municipality="Perstorp", group="1", **done) for i in range(7)]
    rows.append(person("K0", municipality="Klippan", group="2"))
    rows += [person(f"A{i}", municipality="Åstorp", group="3") for i in range(8)]
    return rows


@pytest.fixture(scope="module")
def reports(tmp_path_factory, cohort_runner):
    folder = tmp_path_factory.mktemp("inequalities")
    out = {}
    for audience in ("internal", "namnd"):
        cohort_runner(folder / audience, _cohort(), audience=audience)
        html = (folder / audience / "out" / "report.html").read_text(encoding="utf-8")
        out[audience] = _tables(html)
    return out


def _attack(tables: dict) -> list:
    """LP bounds of every hidden cell of the two tables per municipality: each column adds
    up to its "Totalt"; in each row "Nya" and "Avslutade" are at most "Inskrivna" and
    "varav i förtid" at most "Avslutade" (a slack of at least 0 each); the period's
    counts are at most the year's. A hidden cell is at least 1 (zeros are shown).
    """
    from insats.disclosure.attack import exposures

    shown, hidden, lines, floors = {}, set(), [], {}
    for caption in TABLES:
        rows = tables[caption][0]
        for column, row in itertools.product(MEASURES, (*MUNICIPALITIES, "Totalt")):
            value = _cell(rows, row, column)
            if value is None:
                hidden.add((caption, row, column))
            else:
                shown[(caption, row, column)] = float(value)
        for column in MEASURES:
            members = tuple((caption, m, column) for m in MUNICIPALITIES)
            lines.append(((caption, "Totalt", column), members))
        for row, (small, big) in itertools.product((*MUNICIPALITIES, "Totalt"), SUBSETS):
            slack = ("slack", caption, row, small, big)
            lines.append(((caption, row, big), ((caption, row, small), slack)))
            hidden.add(slack)
            floors[slack] = 0.0
    period, year = TABLES
    for row, column in itertools.product((*MUNICIPALITIES, "Totalt"), MEASURES):
        slack = ("slack", row, column)
        lines.append(((year, row, column), ((period, row, column), slack)))
        hidden.add(slack)
        floors[slack] = 0.0
    slacks = [k for k in hidden if k[0] == "slack"]
    return exposures(shown, hidden, lines, floors=floors, quiet=slacks)


def test_the_internal_report_has_the_counts_the_attack_is_about(reports):
    year = reports["internal"][TABLES[1]][0]
    assert [_cell(year, m, "Inskrivna") for m in MUNICIPALITIES] == [1, 7, 8]
    assert [_cell(year, m, "Nya") for m in MUNICIPALITIES] == [1, 7, 8]
    assert _cell(year, "Totalt", "Inskrivna") == 16


def test_inequalities_give_no_hidden_count_back(reports):
    tables = reports["namnd"]
    for caption in TABLES:
        assert _cell(tables[caption][0], "Klippan", "Inskrivna") is None  # 1: hidden
    found = _attack(tables)
    assert found == [], [str(e) for e in found]


def test_the_plan_keeps_the_period_s_participants(reports):
    # The headline count (16 enrolled in the period) is protected by hiding other cells,
    # not by hiding it.
    assert _cell(reports["namnd"][TABLES[0]][0], "Totalt", "Inskrivna") == 16
