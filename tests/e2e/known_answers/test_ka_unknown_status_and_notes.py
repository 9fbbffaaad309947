"""Known answers: "uppgift saknas", the small-group note and the disclosure appendix give
no hidden count back (issue 15, attack round 9 of stop 25).

Cohorts (hand-made, FICTITIOUS), 2021-T2, Perstorp:

- UNKNOWN: 1 in grupp 4 (started 2020-09-07, left 2021-02-15, so in the year so far but
  not in the period) and 29 in grupp 5 (started 2021-02-01, completed 2021-06-15; 14 to
  work, 15 job seeking), no support at exit recorded for anyone. The period's 29 exits
  are hidden (the year's 30 are shown, and 30 − 29 is grupp 4's 1). Before: "Ingen
  deltagare har ännu en känd uppgift om egen försörjning; andelen kan inte skattas.
  Uppgift saknas för 29 deltagare": with no one known, the line exits = known (0) +
  missing was left out of the plan, so 29 was printed, and 30 − 29 = 1 (internal: grupp
  4 had 1 exit, in January–April). And the share in work or studies of the period, its n
  (29) hidden, carried "Gruppen är liten: intervallet är brett …", a note shown only for
  n < 30: with it the hidden n is below 30, without it at least 30 (the attack's 30
  exits: so grupp 4's at most 1, hidden so 1).
- APPENDIX: 26 who left on 2020-12-22: praktik 20, ej i arbetskraften 1, arbetssökande
  5. "Perstorp | 20 | .. | .. | 26": the two hidden cells sum to 6, 1–5 each. Before,
  the appendix counted "Dolda celler: färre än 5 personer" (2: the small one, in the
  count and the share table) apart from "sekundärt röjandeskydd" (2): one below 5 and one
  of 5 or more, so {1, 5} (internal: 1 and 5).
"""

from __future__ import annotations

import re

import pytest
from tests.e2e.known_answers.conftest import person, report_text, run_both_audiences

pytestmark = pytest.mark.e2e

UNKNOWN = [
    person(
        "T1",
        group="4",
        start_date="2020-09-07",
        end_date="2021-02-15",
        exit_reason="completed",
        outcome_at_exit="Arbetssökande",
    )
] + [
    person(
        f"Q{j}",
        group="5",
        start_date="2021-02-01",
        end_date="2021-06-15",
        exit_reason="completed",
        outcome_at_exit="Arbete" if j % 2 else "Arbetssökande",
    )
    for j in range(29)
]
APPENDIX = [
    person(
        f"K{i}",
        group="4",
        start_date="2020-09-07",
        end_date="2020-12-22",
        exit_reason="completed",
        outcome_at_exit=status,
    )
    for i, status in enumerate(["Praktik"] * 20 + ["Ej i arbetskraften"] + ["Arbetssökande"] * 5)
]
COHORTS = {"UNKNOWN": UNKNOWN, "APPENDIX": APPENDIX}


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("unknown_and_notes")
    pages = run_both_audiences(folder, COHORTS)
    return {key: (html, report_text(html)) for key, html in pages.items()}


def _period_results(text: str) -> str:
    return text.split("Avslutade under perioden", 1)[1].split("Sedan start", 1)[0]


def test_the_internal_report_holds_the_counts(reports):
    _, text = reports["UNKNOWN", "internal"]
    assert "Uppgift saknas för 29 deltagare" in text
    assert re.search(r"Grupp 4 1 0 1 0", text), text  # enrolled, new, exited, early
    _, text = reports["APPENDIX", "internal"]
    assert "Perstorp 20 5 1 26" in text  # praktik, arbetssökande, ej i arbetskraften


def test_no_missing_count_beside_a_hidden_number_of_exits(reports):
    _, text = reports["UNKNOWN", "namnd"]
    assert "30 har avslutat" in text  # the year so far, shown
    period = _period_results(text)
    assert "andelen kan inte skattas" in period
    assert "Uppgift saknas för 29" not in text, period


def test_no_small_group_note_beside_a_hidden_n(reports):
    _, text = reports["UNKNOWN", "namnd"]
    period = _period_results(text)
    assert re.search(r"Alla \.\. \.\.", period), period  # the share's count and n hidden
    assert "Gruppen är liten" not in period, period


def test_the_appendix_counts_hidden_cells_as_one(reports):
    html, text = reports["APPENDIX", "namnd"]
    assert re.search(r"Perstorp 20 \.\. \.\. 26", text), text
    assert "Dolda celler: färre än" not in text and "Dolda celler: sekundärt" not in text
    assert re.search(
        r"Dolda celler \(färre än 5 personer, eller sekundärt röjandeskydd\) \d+", text
    ), text
