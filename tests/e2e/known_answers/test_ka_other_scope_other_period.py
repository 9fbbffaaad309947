"""Known answers: a report of one municipality gives no hidden count back, alone or
after the whole project's report of the period before (issue 15, attack round 10, F7d;
FICTITIOUS data).

Everyone starts 2021-01-11 in one group per municipality (the report shows the group's
start); exits are completed on 31 March (T1) or 30 June (T2). A reader of the report
therefore knows that no one left before 2021 and that no one was enrolled before it.

Before, the plan did not know it. Klippan 2/6/6 (exits T1/T2/still enrolled): the
Klippan report of T2 showed its 6 exits of the period and its 8 since the start, so
8 − 6 = 2 left in T1, the count the whole project's T1 report hid (and, with that
report, its Perstorp exits). With the two facts in the plan it hid the 6; then its 14
new so far this year were its 14 enrolled, and its 12 enrolled of T2 gave the 2 again,
until the plan knew that too.

The attacker is independent of the tool: a linear programme (scipy) over the
participants and outcome tables of the reports, with what a reader knows: each
column's "Totalt" is the sum of its rows; so far this year = T1 + T2 for the new, the
exits and the early exits; the enrolled of T2 = T1's enrolled − T1's exits + T2's new;
enrolled so far this year = new so far this year (no one before 2021); left since the
start = exits so far this year (no one left before 2021) = Arbete + Arbetssökande; a
hidden count is at least 1 (zeros are shown). Derived counts no table shows (Klippan's
exits of T1 from its T2 report) are variables too, at least 0.
"""

from __future__ import annotations

import pytest
from tests.e2e.known_answers.conftest import lp_intervals, run_cohort
from tests.e2e.known_answers.test_ka_across_periods import _cell, _tables
from tests.e2e.known_answers.test_ka_stock_and_flow import MUNICIPALITIES, PERIOD, _cohort

pytestmark = pytest.mark.e2e

COLUMNS = {"Inskrivna": "E", "Nya": "N", "Avslutade": "X", "varav i förtid": "F"}
OUTCOMES = ("Arbete", "Arbetssökande", "Totalt")
BY_OUTCOME = "Deltagare efter status vid avslut och Kommun: antal"
K_PERIOD = "Deltagare under perioden per grupp"
K_YEAR = "Deltagare hittills under året per grupp"
K_ROW = "Klippan, grupp 1"
ROWS = (*MUNICIPALITIES, "Totalt")
KLIPPAN = {"subset_municipalities": ["Klippan"]}
# Klippan 2/6/6 gave 2 from the Klippan report alone (and with the whole project's T1
# its hidden 2 of Klippan); the others are plans of a random search (seeds 2 and 3) where
# the whole project's T1 and Klippan's T2 gave T1's hidden exits of Klippan and Perstorp
# (2 and 3), Klippan and Bjuv (4 and 3), Klippan and Perstorp (4 and 2).
PLAN = {"Perstorp": (9, 0, 9), "Klippan": (2, 6, 6), "Bjuv": (8, 5, 8)}
SEARCHED = (
    {"Perstorp": (3, 9, 8), "Klippan": (2, 5, 9), "Bjuv": (7, 9, 1)},
    {"Perstorp": (9, 0, 7), "Klippan": (4, 8, 3), "Bjuv": (3, 7, 8)},
    {"Perstorp": (2, 7, 3), "Klippan": (4, 6, 4), "Bjuv": (6, 8, 6)},
)


def _run(folder, rows, period: str, register=None, audience="namnd", **params):
    if register is not None:
        params["publication_register_path"] = str(register)
    run_cohort(folder, rows, period=period, audience=audience, **params)
    return _tables((folder / "out" / "report.html").read_text(encoding="utf-8"))


def _klippan(page) -> dict[str, int | None]:
    """The Klippan report's cells: its period (K2), so far this year (KY), by outcome."""
    out = {}
    for caption, prefix in ((K_PERIOD, "K2"), (K_YEAR, "KY")):
        for column, code in COLUMNS.items():
            out[f"{prefix}.{code}.Klippan"] = _cell(page[caption][0], K_ROW, column)
    for column in OUTCOMES:
        out[f"KO.{column}.Klippan"] = _cell(page[BY_OUTCOME][0], "Klippan", column)
    return out


def _whole(page) -> dict[str, int | None]:
    """The whole project's T1 cells: participants (T1) and by outcome (TO); a
    municipality no one left is not a row of the outcome table (0).
    """
    out = {
        f"T1.{code}.{row}": _cell(page[PERIOD][0], row, column)
        for column, code in COLUMNS.items()
        for row in ROWS
    }
    table = page[BY_OUTCOME][0]
    listed = {r[0] for r in table[1:]}
    for row in ROWS:
        for column in OUTCOMES:
            out[f"TO.{column}.{row}"] = _cell(table, row, column) if row in listed else 0
    return out


def _relations(whole: bool) -> list[dict[str, float]]:
    """What a reader knows, as {variable: coefficient} = 0 (``B.*``: derived counts)."""
    out = [
        {"KY.E.Klippan": -1.0, "KY.N.Klippan": 1.0},
        {"KO.Totalt.Klippan": -1.0, "KO.Arbete.Klippan": 1.0, "KO.Arbetssökande.Klippan": 1.0},
        {"KO.Totalt.Klippan": -1.0, "KY.X.Klippan": 1.0},
        # Klippan's T1, as its T2 report gives it: B = so far this year − T2
        {"B.N": -1.0, "KY.N.Klippan": 1.0, "K2.N.Klippan": -1.0},
        {"B.X": -1.0, "KY.X.Klippan": 1.0, "K2.X.Klippan": -1.0},
        {"B.F": -1.0, "KY.F.Klippan": 1.0, "K2.F.Klippan": -1.0},
        # carried over into T2 = T1's enrolled (its new) − T1's exits
        {"K2.E.Klippan": -1.0, "B.N": 1.0, "B.X": -1.0, "K2.N.Klippan": 1.0},
    ]
    if whole:
        for code in COLUMNS.values():
            row = {f"T1.{code}.Totalt": -1.0}
            row.update({f"T1.{code}.{m}": 1.0 for m in MUNICIPALITIES})
            out.append(row)
        for column in OUTCOMES:
            row = {f"TO.{column}.Totalt": -1.0}
            row.update({f"TO.{column}.{m}": 1.0 for m in MUNICIPALITIES})
            out.append(row)
        for m in ROWS:
            out.append(
                {f"TO.Totalt.{m}": -1.0, f"TO.Arbete.{m}": 1.0, f"TO.Arbetssökande.{m}": 1.0}
            )
            out.append({f"TO.Totalt.{m}": -1.0, f"T1.X.{m}": 1.0})  # everyone started in T1
            out.append({f"T1.E.{m}": -1.0, f"T1.N.{m}": 1.0})
        for code in ("N", "X", "F"):  # the same people in both reports
            out.append({f"B.{code}": -1.0, f"T1.{code}.Klippan": 1.0})
    return out


def _recovered(shown: dict[str, int | None], whole: bool) -> dict:
    """{variable: (least, most)} of the hidden and derived counts a reader pins to one
    value from 1 to 4.
    """
    relations = _relations(whole)
    derived = {k for row in relations for k in row if k.startswith("B.")}
    return {
        k: v
        for k, v in lp_intervals(relations, shown, derived).items()
        if v[1] - v[0] < 0.5 and 1 <= v[0] < 5
    }


def test_a_klippan_report_alone_gives_no_exits_before_its_period(tmp_path):
    rows = _cohort(PLAN)
    internal = _run(tmp_path / "internal", rows, "2021-T2", audience="internal", **KLIPPAN)
    # the counts the attacks recovered (internal report of the same data)
    assert _cell(internal[K_PERIOD][0], K_ROW, "Avslutade") == 6
    assert _cell(internal[K_YEAR][0], K_ROW, "Avslutade") == 8
    assert _cell(internal[K_YEAR][0], K_ROW, "Inskrivna") == 14
    assert _cell(internal[K_PERIOD][0], K_ROW, "Inskrivna") == 12
    shown = _klippan(_run(tmp_path / "namnd", rows, "2021-T2", **KLIPPAN))
    # since the start − the period: the 2 of T1
    assert shown["KO.Totalt.Klippan"] is None or shown["K2.X.Klippan"] is None, shown
    # new so far this year (= enrolled) − enrolled of T2: the 2 of T1
    assert shown["KY.N.Klippan"] is None or shown["K2.E.Klippan"] is None, shown
    assert not _recovered(shown, whole=False)


@pytest.mark.parametrize("plan", [PLAN, *SEARCHED], ids=["k2", "k2-p3", "k4-b3", "k4-p2"])
def test_whole_t1_then_a_klippan_t2_give_no_hidden_count_back(tmp_path, plan):
    rows, register = _cohort(plan), tmp_path / "register.sqlite"
    whole = _whole(_run(tmp_path / "t1", rows, "2021-T1", register))
    klippan = _klippan(_run(tmp_path / "k2", rows, "2021-T2", register, **KLIPPAN))
    assert not _recovered({**whole, **klippan}, whole=True)
