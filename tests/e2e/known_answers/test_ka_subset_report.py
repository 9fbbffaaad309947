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


def test_the_sample_report_of_klippan_has_klippans_numbers(tmp_path, parameters_runner):
    # The bundled sample (parameters/forsta_steget.yaml) for Klippan alone, internal
    # (nothing hidden). Expected values from data/sample/*.csv by hand:
    # - enrolled in 2021-T2: Klippan's 18 of the 38 (by_municipality in the whole report);
    # - investment: Klippan's latest cumulative invoiced row of each year,
    #   644 253 (2019-T3) + 812 700 (2020-T3) + 521 261 (2021-T2) = 1 978 214 kr,
    #   split by funder_shares 0.5 / 0.25 / 0.25;
    # - budget 2021: granted 1 030 000, invoiced 521 261, forecast 910 000.
    from tests.conftest import REPO, SAMPLE_PARAMS

    text = SAMPLE_PARAMS.read_text(encoding="utf-8")
    text = text.replace("data_root: ..", f"data_root: {REPO}").replace("../data/", f"{REPO}/data/")
    params = tmp_path / "klippan.yaml"
    params.write_text(text + "\nsubset_municipalities: [Klippan]\n", encoding="utf-8")
    figures = parameters_runner(params, tmp_path / "out", "--audience", "internal")
    assert figures["participants"]["enrolled"] == 18
    assert list(figures["participants"]["by_municipality"]) == ["Klippan"]
    investment = figures["socioeconomic"]["investment_sek"]
    assert sum(investment.values()) == pytest.approx(644_253 + 812_700 + 521_261)
    assert investment["state"] == pytest.approx(0.5 * 1_978_214)
    budget = figures["budget"]
    assert (budget["granted_sek"], budget["invoiced_sek"], budget["forecast_sek"]) == (
        1_030_000,
        521_261,
        910_000,
    )
    assert (tmp_path / "out" / "report.html").read_text(encoding="utf-8").count(
        "Rapporten gäller endast Klippan"
    ) == 1


def test_nested_subsets_protect_each_other_without_a_whole_report(
    tmp_path, cohort_runner, make_person
):
    # Klippan 10, Perstorp 2 and Bjuv 6 start in 2021-T2; no report of the whole project.
    # The report of Klippan and Perstorp shows its 12 (Perstorp's 2 hidden, and Klippan's
    # 10 with it); Klippan's own report, showing 10, would give Perstorp's 2 as 12 - 10.
    rows = [
        *(make_person(f"K{i}", municipality="Klippan", start_date="2021-05-10") for i in range(10)),
        *(make_person(f"P{i}", municipality="Perstorp", start_date="2021-05-10") for i in range(2)),
        *(make_person(f"B{i}", municipality="Bjuv", start_date="2021-05-10") for i in range(6)),
    ]
    register = tmp_path / "register.sqlite"
    both = _run(
        cohort_runner,
        tmp_path / "both",
        rows,
        register,
        subset_municipalities=["Klippan", "Perstorp"],
    )
    assert both["participants"]["enrolled"] == 12
    klippan = _run(
        cohort_runner, tmp_path / "klippan", rows, register, subset_municipalities=["Klippan"]
    )
    assert klippan["participants"]["enrolled"] is None  # 12 - 10 = Perstorp's 2
    # Bjuv and Klippan share Klippan with the first report: its Klippan, 10, would give
    # Perstorp's 2 as 12 - 10, so it is hidden (and with it Bjuv's 6 or the total 16).
    other = _run(
        cohort_runner,
        tmp_path / "other",
        rows,
        register,
        subset_municipalities=["Bjuv", "Klippan"],
    )
    by = other["participants"]["by_municipality"]
    assert by["Klippan"]["enrolled"] is None
    assert None in (by["Bjuv"]["enrolled"], other["participants"]["enrolled"])
    # The reverse order: Klippan first (10 shown), then Klippan and Perstorp hide 12.
    register2 = tmp_path / "register2.sqlite"
    first = _run(cohort_runner, tmp_path / "k2", rows, register2, subset_municipalities=["Klippan"])
    assert first["participants"]["enrolled"] == 10
    larger = _run(
        cohort_runner,
        tmp_path / "both2",
        rows,
        register2,
        subset_municipalities=["Klippan", "Perstorp"],
    )
    assert larger["participants"]["enrolled"] is None
