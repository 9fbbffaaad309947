"""Known answers on a cohort rebuilt from seed 002 (Första steget, tertial 210501-210831).

/work/shared/seeds/002_*.txt, "RESULTAT FÖR PERSTORPS KOMMUN – GRUPP 5" and "RESULTAT FÖR
KLIPPANS KOMMUN GRUPP 5": two different groups both called 5.

Perstorp grupp 5, started 1 February 2021, 10 participants: 5 extratjänst, 2 studies
(Munka folkhögskola; one keeps aktivitetsstöd), 1 pregnant (parental leave), 1 looking
for cleaning work (job seeking), 1 moved to Ängelholm in the middle of the process.
Klippan grupp 5, 22 February – 17 June 2021, 12 at start: after a couple of weeks 2 left
for social reasons, 1 moved, 1 got a job; of the 8 who stayed, 4 got an extratjänst and 4
are job seeking. Work or studies: 5 + 2 + 1 + 4 = 12 of 22.

The seed gives no support at start (blank here: "uppgift saknas"), and no exit dates
beyond the groups' ends; the dates below are chosen inside what the seed says.
"""

from __future__ import annotations

import math

import pytest

pytestmark = pytest.mark.e2e

Z = 1.959963984540054  # standard normal 97.5 % quantile


def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson score interval by hand (Wilson 1927)."""
    p = k / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / (1 + Z**2 / n)
    return centre - half, centre + half


def seed_002(make_person):
    per = {"group": "5", "municipality": "Perstorp", "start_date": "2021-02-01"}
    kli = {"group": "5", "municipality": "Klippan", "start_date": "2021-02-22"}
    done_p = {**per, "end_date": "2021-05-28", "exit_reason": "completed"}
    done_k = {**kli, "end_date": "2021-06-17", "exit_reason": "completed"}
    early_k = {**kli, "end_date": "2021-03-08"}
    rows = []
    for _ in range(5):  # extratjänst (subsidised employment) on a wage
        rows.append({**done_p, "outcome_at_exit": "extratjänst", "support_at_exit": "lön"})
    rows.append({**done_p, "outcome_at_exit": "studier", "support_at_exit": "studiemedel"})
    rows.append({**done_p, "outcome_at_exit": "studier", "support_at_exit": "aktivitetsstöd"})
    rows.append({**done_p, "outcome_at_exit": "föräldraledig"})
    rows.append(
        {**done_p, "outcome_at_exit": "arbetssökande", "support_at_exit": "försörjningsstöd"}
    )
    rows.append({**per, "end_date": "2021-03-26", "exit_reason": "flytt"})
    for _ in range(4):
        rows.append({**done_k, "outcome_at_exit": "extratjänst", "support_at_exit": "lön"})
    for _ in range(4):
        rows.append(
            {**done_k, "outcome_at_exit": "arbetssökande", "support_at_exit": "försörjningsstöd"}
        )
    rows.append({**early_k, "exit_reason": "sociala skäl"})
    rows.append({**early_k, "exit_reason": "sociala skäl"})
    rows.append({**early_k, "exit_reason": "flytt"})
    rows.append(
        {
            **early_k,
            "exit_reason": "fick arbete",
            "outcome_at_exit": "arbete",
            "support_at_exit": "lön",
        }
    )
    people = []
    for i, row in enumerate(rows, start=1):
        p = make_person(f"S{i:02d}", **row)
        p["support_at_start"] = ""  # the seed does not say: unknown, not "no"
        people.append(p)
    return people


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory, cohort_runner, make_person):
    folder = tmp_path_factory.mktemp("seed002")
    figures = cohort_runner(
        folder,
        seed_002(make_person),
        project="Första steget",
        period="210501-210831",
        goal_self_sufficiency_share=0.5,
        goal_work_or_studies_share=0.5,
        investment_sek=1_161_039,  # seed 002's invoiced 2021-T2 (639 778 + 521 261)
    )
    html = (folder / "out" / "report.html").read_text(encoding="utf-8")
    return figures, html.replace("\xa0", " ").replace("\u202f", " ")


def test_work_or_studies_12_of_22(seed_run):
    figures, html = seed_run
    w = figures["work_or_studies_to_date"]
    assert (w["count"], w["n"]) == (12, 22)
    low, high = wilson(12, 22)
    assert w["ci_low"] == pytest.approx(low) and w["ci_high"] == pytest.approx(high)
    # 12/22 = 54.545… -> "55 %"; Wilson 34.7–73.1 % -> "35–73 %"
    assert "12 av 22 (55 %, 95 % konfidensintervall 35–73 %)" in html


def test_cumulative_incidence_ends_at_12_of_22(seed_run):
    figures, html = seed_run
    t = figures["time_to_work_or_studies"]
    assert t["method"] == "aalen_johansen"
    # Everyone has left by 2021-08-31: 12 to work or studies, 10 competing exits, none
    # censored, so the incidence ends at the plain share 12/22 = 54.5 % (1 − KM with the
    # ten censored would end at 100 %).
    assert (t["n"], t["events"], t["competing"], t["censored"]) == (22, 12, 10, 0)
    assert t["cumulative_share_at_end"] == pytest.approx(12 / 22)
    # Days from start: Klippan's job 14 (1/22), Klippan's completers 115 (2021-02-22 ->
    # 06-17: +4/22 = 5/22), Perstorp's completers 116 (2021-02-01 -> 05-28: +7/22 =
    # 12/22). One half is first reached on day 116 = 116 / 30.4375 = 3.81 months.
    assert t["median_months"] == pytest.approx(116 / 30.4375)
    # at 4 months (121.75 days) everyone has left: 12/22
    assert t["by_month"]["4"]["cumulative_share"] == pytest.approx(12 / 22)
    assert t["by_month"]["3"]["cumulative_share"] == pytest.approx(1 / 22)
    assert "Aalen–Johansen" in html
    assert "3,8–3,8" not in html


def test_two_groups_called_5_stay_two(seed_run):
    figures, html = seed_run
    trend = figures["trend"]
    assert set(trend) == {"Perstorp: 5", "Klippan: 5"}
    # Perstorp 5 + 2 = 7 of 10; Klippan 4 + 1 = 5 of 12.
    assert (trend["Perstorp: 5"]["count"], trend["Perstorp: 5"]["n"]) == (7, 10)
    assert (trend["Klippan: 5"]["count"], trend["Klippan: 5"]["n"]) == (5, 12)
    by_group = figures["work_or_studies_by_group"]
    assert (by_group["Klippan: 5"]["count"], by_group["Klippan: 5"]["n"]) == (5, 12)
    assert "Perstorp, grupp 5" in html and "Klippan, grupp 5" in html


def test_unknown_support_at_start_is_not_no(seed_run):
    figures, html = seed_run
    t = figures["support_before_after"]
    # 17 have a support at exit (5 + 4 + 1 wage, 1 studiemedel, 1 aktivitetsstöd, 1 + 4
    # försörjningsstöd); none has a known support at start.
    assert t["n"] == 17 and t["before_unknown"] == 17
    assert t["before"]["n"] == 0
    # after: wage 10 + studiemedel 1 = 11 of 17 self-sufficient
    assert (t["after"]["count"], t["after"]["n"]) == (11, 17)
    assert "0 av 17" not in html and "0 av 11" not in html
    assert "saknas för alla" in html


def test_both_goals(seed_run):
    figures, html = seed_run
    goals = figures["goals"]
    assert [g["kind"] for g in goals] == ["self_sufficient", "work_or_studies"]
    assert figures["goal"] == goals[0]
    # self-sufficient at exit: 11 of 17 with a known support (64.7 %) >= 50 %: met;
    # Wilson low 41.3 % < 50 %, so not clearly.
    ss = goals[0]
    assert (ss["n"], ss["observed_share"], ss["status"]) == (17, pytest.approx(11 / 17), "met")
    assert ss["ci_low"] == pytest.approx(wilson(11, 17)[0])
    assert ss["is_clear"] is False
    # work or studies 12 of 22 = 54.5 % >= 50 %: met, Wilson low 34.7 %: not clearly.
    ws = goals[1]
    assert (ws["n"], ws["observed_share"], ws["status"]) == (22, pytest.approx(12 / 22), "met")
    assert "Målet för egen försörjning (50 %) är uppnått" in html
    assert "Målet för arbete eller studier (50 %) är uppnått" in html


def test_period_figures(seed_run):
    figures, _ = seed_run
    p = figures["participants"]
    # exited 1 May – 31 August 2021: Perstorp's 9 completers (28 May) and Klippan's 8
    # (17 June) = 17; the five early exits were in March.
    assert (p["exited"], p["early_exits"]) == (17, 0)
    w = figures["work_or_studies_at_exit"]
    assert (w["count"], w["n"]) == (7 + 4, 17)
