"""Known answers: a goal whose outcome the nämnd report hides is not assessed there
either (issue 15): "met" or "missed" bounds the hidden count, and a hidden share must
not read "– (95 % konfidensintervall –)".

Cohort (hand-made, FICTITIOUS): 10 people in Perstorp grupp 1, all completed in 2021-T2
(end 2021-06-15); 3 left for work, 7 as job seekers. Goal: 50 % work or studies.

Internally: 3 of 10, Wilson 95 % interval (statsmodels ``proportion_confint(3, 10,
method="wilson")``) 10.8 %–60.3 %; 50 % lies inside it, above the share, so the status
is ``plausibly_met``. For the nämnd (min_cell_count 5) the 3 are hidden: the share, its
interval and the status are withheld.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.e2e.known_answers.conftest import person

pytestmark = pytest.mark.e2e


def _cohort() -> list[dict]:
    done = {"end_date": "2021-06-15", "exit_reason": "completed"}
    return [
        person(f"G{i:02d}", **done, outcome_at_exit="employment" if i < 3 else "job_seeking")
        for i in range(10)
    ]


def test_a_hidden_goal_outcome_is_not_assessed(tmp_path, cohort_runner):
    internal = cohort_runner(tmp_path / "internal", _cohort(), goal_work_or_studies_share=0.5)
    goal = internal["goals"][0]
    assert (goal["n"], goal["status"]) == (10, "plausibly_met")
    assert goal["observed_share"] == pytest.approx(0.3)
    assert (goal["ci_low"], goal["ci_high"]) == (
        pytest.approx(0.1078, abs=1e-4),
        pytest.approx(0.6032, abs=1e-4),
    )

    namnd = cohort_runner(
        tmp_path / "namnd", _cohort(), goal_work_or_studies_share=0.5, audience="namnd"
    )
    goal = namnd["goals"][0]
    assert goal["status"] == "withheld"
    assert (goal["observed_share"], goal["ci_low"], goal["ci_high"]) == (None, None, None)
    assert goal["is_clear"] is None
    html = Path(tmp_path / "namnd" / "out" / "report.html").read_text(encoding="utf-8")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Måluppfyllelsen för arbete eller studier (50 %) redovisas inte" in text
    assert "Om målet är nått redovisas inte" in text
    for told in ("Möjligen nått", "ligger inom felmarginalen", "konfidensintervall –"):
        assert told not in text
