"""Known answers: a re-run of a period after a data correction shows no cell the first
run hid (issue 15, attack round 10 of stop 26, F8; FICTITIOUS data).

The nämnd received both runs. Without the register's memory of the first run, the re-run
planned afresh: one late exit row made it hide another secondary cell and show the first
one's unchanged count, and with the first run's total the small cell came back.

Everyone starts 2021-01-11 in one group per municipality; exits are completed on
31 March 2021; the late row is one more Klippan exit on 31 March.
"""

from __future__ import annotations

import pytest
from tests.e2e.known_answers.conftest import person
from tests.e2e.known_answers.test_ka_across_periods import _cell
from tests.e2e.known_answers.test_ka_stock_and_flow import PERIOD, _cohort, _run

pytestmark = pytest.mark.e2e

COLUMNS = ("Inskrivna", "Nya", "Avslutade", "varav i förtid")
LATE = person(
    "K99",
    municipality="Klippan",
    start_date="2021-01-11",
    end_date="2021-03-31",
    exit_reason="completed",
    outcome_at_exit="job_seeking",
)


@pytest.mark.parametrize(
    "plan",
    [
        # T1 exits / still enrolled: the first run hides Bjuv's 3 exits and a secondary
        # cell; planned afresh, the re-run showed Perstorp's 10 enrolled it had hidden.
        {"Perstorp": (6, 0, 4), "Klippan": (4, 0, 5), "Bjuv": (3, 0, 4)},
        # planned afresh, the re-run showed Perstorp's 6 exits the first run hid: the
        # first run's total 15 − Klippan's 6 − 6 = Bjuv's 3
        {"Perstorp": (6, 0, 4), "Klippan": (6, 0, 8), "Bjuv": (3, 0, 4)},
    ],
    ids=["enrolled", "exits"],
)
def test_a_rerun_after_a_late_row_hides_what_the_first_run_hid(tmp_path, plan):
    rows = _cohort(plan)
    register = tmp_path / "register.sqlite"
    internal = _run(tmp_path / "internal", rows, "2021-T1", None, audience="internal")
    assert _cell(internal[PERIOD][0], "Bjuv", "Avslutade") == 3
    first = _run(tmp_path / "first", rows, "2021-T1", register)
    second = _run(tmp_path / "second", [*rows, LATE], "2021-T1", register)
    assert _cell(first[PERIOD][0], "Bjuv", "Avslutade") is None
    assert _cell(second[PERIOD][0], "Bjuv", "Avslutade") is None
    # Perstorp and Bjuv count the same people in both runs: what one run hid, both hide
    for municipality in ("Perstorp", "Bjuv"):
        for column in COLUMNS:
            if _cell(first[PERIOD][0], municipality, column) is None:
                assert _cell(second[PERIOD][0], municipality, column) is None, (
                    municipality,
                    column,
                )
    # the attack: the first run's total − Klippan − Perstorp (either run) = Bjuv's exits
    total = _cell(first[PERIOD][0], "Totalt", "Avslutade")
    klippan = [_cell(p[PERIOD][0], "Klippan", "Avslutade") for p in (first, second)]
    perstorp = [_cell(p[PERIOD][0], "Perstorp", "Avslutade") for p in (first, second)]
    derivable = total is not None and (
        klippan[0] is not None and any(v is not None for v in perstorp)
    )
    assert not derivable, (total, klippan, perstorp)
