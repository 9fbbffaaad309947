"""Known answers: a report for a period uses only what was known at its end (item 8).

Period 2021-T2 ends 2021-08-31. A follow-up status "after 6 months" of an exit on
2021-04-30 is dated 2021-10-30, and "after 12 months" of an exit on 2021-01-29 is dated
2022-01-29: neither was known on 31 August 2021. A file exported later holds them; the
2021-T2 report must be the same as from a file exported on 31 August.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


def cohort(make_person, later_statuses: bool):
    rows = [
        # exit 2021-01-29: 6 months = 2021-07-29 (known), 12 months = 2022-01-29 (not)
        make_person(
            "A",
            start_date="2020-09-07",
            end_date="2021-01-29",
            exit_reason="completed",
            outcome_at_exit="job_seeking",
            support_at_exit="försörjningsstöd",
            outcome_6m="employment",
            support_6m="lön",
        ),
        # exit 2021-02-26: 6 months = 2021-08-26 (known)
        make_person(
            "B",
            start_date="2020-11-02",
            end_date="2021-02-26",
            exit_reason="completed",
            outcome_at_exit="job_seeking",
            support_at_exit="försörjningsstöd",
            outcome_6m="studies",
            support_6m="studiemedel",
        ),
        # exit 2021-04-30: 6 months = 2021-10-30 (not known)
        make_person(
            "C",
            start_date="2021-01-11",
            end_date="2021-04-30",
            exit_reason="completed",
            outcome_at_exit="job_seeking",
            support_at_exit="försörjningsstöd",
        ),
        # exit 2020-05-29: 6 months 2020-11-29 and 12 months 2021-05-29 (both known)
        make_person(
            "D",
            start_date="2020-01-13",
            end_date="2020-05-29",
            exit_reason="completed",
            outcome_at_exit="job_seeking",
            support_at_exit="försörjningsstöd",
            outcome_6m="job_seeking",
            support_6m="försörjningsstöd",
            outcome_12m="employment",
            support_12m="lön",
        ),
        make_person(
            "E",
            start_date="2021-01-11",
            end_date="2021-04-30",
            exit_reason="completed",
            outcome_at_exit="studies",
            support_at_exit="studiemedel",
        ),
    ]
    if later_statuses:
        rows[0].update(outcome_12m="employment", support_12m="lön")  # dated 2022-01-29
        rows[2].update(outcome_6m="employment", support_6m="lön")  # dated 2021-10-30
        rows[2].update(outcome_12m="employment", support_12m="lön")  # dated 2022-04-30
    return rows


@pytest.fixture(scope="module")
def runs(tmp_path_factory, cohort_runner, make_person):
    out = {}
    for later in (False, True):
        folder = tmp_path_factory.mktemp(f"look_ahead_{later}")
        out[later] = cohort_runner(
            folder, cohort(make_person, later), period="2021-T2", investment_sek=300_000
        )
    return out


def test_follow_up_counts(runs):
    f = runs[True]["follow_up"]
    # due at 6 months by 2021-08-31: A, B, D (C's and E's 6 months end 2021-10-30).
    # A employment, B studies, D job seeking: 2 of 3 in work or studies.
    assert (f["6m"]["due"], f["6m"]["followed_up"]) == (3, 3)
    assert (f["6m"]["work_or_studies"]["count"], f["6m"]["work_or_studies"]["n"]) == (2, 3)
    # due at 12 months: only D (2021-05-29), in employment.
    assert (f["12m"]["due"], f["12m"]["followed_up"]) == (1, 1)
    assert f["12m"]["work_or_studies"]["count"] == 1


def test_statuses_known_later_change_nothing(runs):
    # Everything but the run's own provenance is the same with and without the statuses
    # that were recorded after 31 August 2021, the socio-economic account included
    # (before the fix it took C's 12-month wage as C's outcome).
    early, late = dict(runs[False]), dict(runs[True])
    assert late["socioeconomic"] == early["socioeconomic"]
    assert late["follow_up"] == early["follow_up"]
    assert late == early
