"""'N deltagare (M personer)' must not single out re-enrolled persons (issues 11 and 15).

Fictitious cohort built in code: 12 participations of 11 persons (one person enrolled
twice). 12 − 11 = 1 re-enrolment, a count the nämnd's rule (min_cell_count 5) hides, so a
shared report must not publish the 11 beside the 12; an internal report may.
"""

import pandas as pd

from insats.outcomes.participants import count_participants
from insats.periods import parse_period
from insats.report.context import RenderContext
from insats.report.sections import render


def _cohort(n_persons: int, re_enrolled: int) -> pd.DataFrame:
    persons = [f"p{i}" for i in range(n_persons)] + [f"p{i}" for i in range(re_enrolled)]
    n = len(persons)
    return pd.DataFrame(
        {
            "participant_id": [f"r{i}" for i in range(n)],
            "person": persons,
            "project": ["Alfa"] * n,
            "group": ["1"] * n_persons + ["2"] * re_enrolled,
            "municipality": ["Klippan"] * n,
            "start_date": pd.to_datetime(["2021-01-11"] * n_persons + ["2021-03-01"] * re_enrolled),
            "end_date": pd.to_datetime(["2021-02-26"] * re_enrolled + [pd.NaT] * (n - re_enrolled)),
            "exit_reason": ["completed"] * re_enrolled + [pd.NA] * (n - re_enrolled),
        }
    )


def _persons(audience: str, cohort: pd.DataFrame):
    ctx = RenderContext(language="sv", audience=audience, min_cell_count=5)
    counts = count_participants(cohort, parse_period("2021-T1"))
    return counts.figure_data(ctx)["persons_enrolled"]["period"], render(counts, ctx)


def test_one_re_enrolment_is_not_published_to_the_namnd():
    persons, html = _persons("namnd", _cohort(11, 1))
    assert persons is None
    assert "11 personer" not in html


def test_internal_reports_show_the_persons():
    persons, html = _persons("internal", _cohort(11, 1))
    assert persons == 11  # 12 participations of 11 persons, counted by hand above
    assert "11 personer" in html


def test_five_re_enrolments_may_be_published():
    persons, _ = _persons("namnd", _cohort(11, 5))
    assert persons == 11  # 16 participations, 16 − 11 = 5 re-enrolments: not below 5
