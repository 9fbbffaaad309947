"""A report of one municipality (``subset_municipalities``) is protected against the
released report of the whole project, and the other way round (issue 15), through the
real command line.

Hand-made cohort: Klippan has 10 participants, Perstorp 2, all starting in 2021-T2 and
none leaving. The whole project's nämnd report shows the total, 12, and hides both
municipalities (Perstorp's 2 by the rule, Klippan's 10 because 12 - 10 = 2). Klippan's
own report, showing its 10, would give Perstorp's 2 as 12 - 10.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def rows(make_person):
    def start(i: int) -> str:
        return f"2021-05-{10 + i:02d}"

    klippan = [make_person(f"K{i}", municipality="Klippan", start_date=start(i)) for i in range(10)]
    perstorp = [
        make_person(f"P{i}", municipality="Perstorp", start_date=start(i)) for i in range(2)
    ]
    return klippan + perstorp


def _run(cohort_runner, folder, rows, register, **params):
    return cohort_runner(
        folder, rows, audience="namnd", publication_register_path=str(register), **params
    )


def test_the_subset_report_after_the_whole_hides_its_total(tmp_path, cohort_runner, rows):
    register = tmp_path / "register.sqlite"
    whole = _run(cohort_runner, tmp_path / "whole", rows, register)
    assert whole["participants"]["enrolled"] == 12  # 10 + 2, shown
    klippan = _run(
        cohort_runner, tmp_path / "klippan", rows, register, subset_municipalities=["Klippan"]
    )
    # 12 - 10 would be Perstorp's 2: Klippan's total is hidden.
    assert klippan["participants"]["enrolled"] is None
    assert klippan["participants"]["persons_enrolled"]["period"] is None
    # Its groups are named as in the whole project's report (one cell in both).
    assert list(klippan["participants"]["by_group"]) == ["Klippan: 1"]
    # The same subset report with an empty register shows 10: the register is what hides it.
    alone = _run(
        cohort_runner,
        tmp_path / "alone",
        rows,
        tmp_path / "other.sqlite",
        subset_municipalities=["Klippan"],
    )
    assert alone["participants"]["enrolled"] == 10
    # And the whole project's release was not replaced by the subset's (same period).
    again = _run(
        cohort_runner, tmp_path / "klippan2", rows, register, subset_municipalities=["Klippan"]
    )
    assert again["participants"]["enrolled"] is None


def test_the_whole_report_after_the_subset_hides_its_total(tmp_path, cohort_runner, rows):
    register = tmp_path / "register.sqlite"
    klippan = _run(
        cohort_runner, tmp_path / "klippan", rows, register, subset_municipalities=["Klippan"]
    )
    assert klippan["participants"]["enrolled"] == 10
    whole = _run(cohort_runner, tmp_path / "whole", rows, register)
    # 12 - 10 would be Perstorp's 2.
    assert whole["participants"]["enrolled"] is None
    assert whole["participants"]["by_municipality"]["Perstorp"]["enrolled"] is None
    # Persons are the participations here (no one re-enrolled): hidden with them.
    assert whole["participants"]["persons_enrolled"]["period"] is None


def test_an_unknown_municipality_is_a_clear_error(tmp_path, cohort_runner, rows):
    # One typo: the run stops before any kernel, naming the key and what the data hold.
    with pytest.raises(AssertionError) as failed:
        cohort_runner(tmp_path, rows, subset_municipalities=["Klipan"])
    message = str(failed.value)
    assert "subset_municipalities: 'Klipan' is in none of the inputs" in message
    assert "Klippan, Perstorp" in message
    assert "Traceback" not in message


def test_the_subset_report_of_t2_is_protected_against_the_whole_projects_t1(
    tmp_path, cohort_runner, make_person
):
    # T1: Klippan 10 and Perstorp 2 start; T2: 5 more start in Klippan. The whole
    # project's T1 report shows 12 started. Klippan's T2 report with 5 started this
    # period and 15 in the year to date gives Klippan's T1 as 15 - 5 = 10, and
    # Perstorp's as 12 - 10 = 2.
    rows = [
        *(
            make_person(f"K{i}", municipality="Klippan", start_date=f"2021-02-{i + 1:02d}")
            for i in range(10)
        ),
        *(
            make_person(f"P{i}", municipality="Perstorp", start_date=f"2021-02-{i + 1:02d}")
            for i in range(2)
        ),
        *(
            make_person(f"N{i}", municipality="Klippan", start_date=f"2021-05-{i + 3:02d}")
            for i in range(5)
        ),
    ]
    register = tmp_path / "register.sqlite"
    t1 = _run(cohort_runner, tmp_path / "t1", rows, register, period="2021-T1")
    assert t1["participants"]["started"] == 12
    assert t1["participants"]["by_municipality"]["Perstorp"]["started"] is None

    def shown(figures):
        p = figures["participants"]
        return p["started"], p["year_to_date"]["started"]

    t2 = _run(cohort_runner, tmp_path / "t2", rows, register, subset_municipalities=["Klippan"])
    period, to_date = shown(t2)
    assert period is None or to_date is None, (period, to_date)
    # With an empty register the same report shows both (5 and 15): the leak closed.
    alone = _run(
        cohort_runner,
        tmp_path / "alone",
        rows,
        tmp_path / "empty.sqlite",
        subset_municipalities=["Klippan"],
    )
    assert shown(alone) == (5, 15)
