"""Report-level known answers of the socio-economic account (issue 10, items 3, 4, 5, 7,
9, 10, 11, 12, 15, 16).

Every test writes a small hand-made cohort and a parameters YAML, runs the real command
line (``python -m insats run``: papermill, a real kernel, nbconvert) and reads
``figures.json``; the expected numbers are computed by hand below, step by step, with
their sources. The parameters keep the arithmetic short: all income tax to the
municipality (32.37 %), no caseworker estimates, few Monte Carlo draws.
"""

from __future__ import annotations

import csv
import json
import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from scipy import stats

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[3]
PROJECT = "Testinsatsen"

# --- the unit costs of data/unit_costs/unit_costs_2024.csv (price year 2024) ----------
W = 21_570 * 12  # Kommunal–SKR lowest wage 2024 (ka.se): 258 840 kr a year
E = 0.3142  # employer contributions 2024 (ekonomifakta.se)
M = 0.3237  # municipal + regional income tax 2024, all booked to the municipality here
P = W * (1 + E)  # production at labour cost: 258 840 × 1.3142 = 340 167.528
FBS = 75_045  # ekonomiskt bistånd per household and year 2024 (Socialstyrelsen)
ETABL = 308 * 260  # etableringsersättning 308 kr/day × 260 days = 80 080 (Arbetsförmedlingen)
SUBSIDY = 28_347.29 * 12  # extratjänst: 21 570 × 1.3142 a month × 12 = 340 167.48
SICK = 2.78 * 57_300  # garantinivå sjuk-/aktivitetsersättning 2024: 2.78 pbb = 159 294 (FK)
AKASSA = 510 * 260  # a-kassa grundbelopp 510 kr/day × 260 = 132 600 (IAF rules 2024)
CSN = 997 * 40  # studiemedel, bidrag 997 kr/week × 40 weeks = 39 880 (CSN 2024)
# Income tax with the 2024 rules (data/unit_costs/income_tax_rules.csv, prisbasbelopp
# pbb 57 300; the income is rounded down to hundreds). At full time, 258 800 = 4.517 pbb:
#   grundavdrag (IL 63:3) 0.77 pbb − 0.10 (258 800 − 3.11 pbb) = 36 061.3 → 36 100 (up);
#   jobbskatteavdrag (IL 67:7) (1.813 pbb + 0.1643 (258 800 − 3.24 pbb) − 36 100) × M
#   = 79 803.12 × 0.3237 = 25 832.27 → 25 832 (whole kronor).
# The municipality taxes the income after the grundavdrag; the state finances the
# jobbskatteavdrag (it compensates the municipalities), so it is less state tax.
T = (258_800 - 36_100) * M  # municipal tax at full time: 72 087.99
J = 25_832  # jobbskatteavdrag at full time
# 75 % (194 130 → 194 100 = 3.387 pbb): grundavdrag 0.77 pbb − 0.10 (194 100 − 3.11 pbb)
#   = 42 531.3 → 42 600; tax (194 100 − 42 600) × M = 49 040.55; jobbskatteavdrag
#   (1.813 pbb + 0.1643 (194 100 − 3.24 pbb) − 42 600) × M = 62 672.91 × M → 20 287.
T75, J75 = (194_100 - 42_600) * M, 20_287
# 50 % (129 420 → 129 400 = 2.258 pbb): grundavdrag 0.423 pbb + 0.20 (129 400 − 0.99 pbb)
#   = 38 772.5 → 38 800; tax (129 400 − 38 800) × M = 29 327.22; jobbskatteavdrag
#   (0.91 pbb + 0.3874 (129 400 − 0.91 pbb) − 38 800) × M = 43 272.36 × M → 14 007.
T50, J50 = (129_400 - 38_800) * M, 14_007

BASE_PARAMS: dict[str, Any] = {
    "project": PROJECT,
    "audience": "internal",
    "municipal_tax_rate": M,
    "regional_tax_rate": 0.0,
    "employer_contribution_rate": E,
    "caseworker_social_services_sek_per_year": 0,
    "caseworker_employment_service_sek_per_year": 0,
    "monte_carlo_draws": 400,
    "price_year": 2024,
}


def person(pid: str, **fields: Any) -> dict[str, Any]:
    row = {
        "participant_id": pid,
        "project": PROJECT,
        "group": "1",
        "municipality": "Perstorp",
        "gender": "Kvinna",
        "birth_year": 1985,
        "support_at_start": "Försörjningsstöd",
        "start_date": "2021-01-04",
        "end_date": "2021-01-29",
        "exit_reason": "Fullföljt",
    }
    row.update(fields)
    return row


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, delimiter=";", restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(tmp_path: Path, rows: list[dict[str, Any]], *, expect_ok: bool = True, **params):
    """Write the cohort and parameters, run ``insats run``; figures.json (or the process)."""
    raw = {**BASE_PARAMS, **params}
    raw["participants_path"] = str(write_csv(tmp_path / "deltagare.csv", rows))
    yaml_path = tmp_path / "parameters.yaml"
    yaml_path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "insats", "run", str(yaml_path), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=900,
    )
    if not expect_ok:
        return done, out
    assert done.returncode == 0, f"insats run failed:\n{done.stdout}\n{done.stderr}"
    figures = json.loads((out / "figures.json").read_text(encoding="utf-8"))
    html = (out / "report.html").read_text(encoding="utf-8")
    return figures["socioeconomic"], html


def assert_identity(socio: dict) -> None:
    """Society = the sum of the actors (the Nilsson & Wadeskog identity)."""
    actors = [a for a in socio["npv_sek"] if a != "society"]
    assert sum(socio["npv_sek"][a] for a in actors) == pytest.approx(
        socio["npv_sek"]["society"], abs=1e-3
    )


def test_own_clock_two_cohorts_two_years_apart_and_monthly_payback(tmp_path):
    # Items 3 and 11. Two identical one-person cohorts, both from social assistance to an
    # unsubsidised job; the first starts in January 2019 and leaves in April 2019
    # (account month 3), the second starts and leaves in January 2021 (month 24).
    # Horizon 2 years, no discounting. Each person's effect lasts 2 years from their
    # own exit, so the second cohort is not cut short: society's undiscounted effect is
    # exactly twice one cohort's, 2 × (2 × P) = 4 × 340 167.528 = 1 360 670.112 kr.
    rows = [
        person("A1", start_date="2019-01-07", end_date="2019-04-26",
               outcome_at_exit="Arbete", support_at_exit="Lön"),
        person("B1", group="2", start_date="2021-01-04", end_date="2021-01-29",
               outcome_at_exit="Arbete", support_at_exit="Lön"),
    ]  # fmt: skip
    investment = 0.5 * P  # 170 083.764 kr, paid by the municipality
    socio, html = run(
        tmp_path,
        rows,
        period="2021",
        horizon_years=2,
        discount_rate=0.0,
        investment_sek=investment,
        funder_shares={"municipality": 1.0},
    )
    assert socio["npv_sek"]["society"] == pytest.approx(4 * P - investment, abs=1e-3)
    # the account runs until the last effect ends: month 24 + 24 = 48 → 4 years
    assert socio["account_years"] == 4
    # payback from monthly flows in the months they happen: nothing in months 0–2, then
    # P/12 a month from month 3; 0.5 P is repaid after 6 more months → 9 months = 0.75
    # years (spreading year 1's 9/12 P evenly over the year would give 0.667)
    assert socio["payback_years"]["society"] == pytest.approx(0.75, abs=1e-9)
    # the municipality's own flow is T + FBS = 147 132.99 a year from month 3: its
    # 0.5 P = 170 083.764 is repaid 170 083.764 / (147 132.99 / 12) = 13.87 months later
    assert socio["payback_years"]["municipality"] == pytest.approx(
        (3 + investment / ((T + FBS) / 12)) / 12, abs=1e-9
    )
    # the individual invested nothing: no payback time (issue item 16), not 0.0
    assert socio["payback_years"]["individual"] is None
    assert_identity(socio)


def test_time_limits_displacement_and_the_municipality_as_employer(tmp_path):
    # Items 4, 10 and 12. Horizon 3 years, no discounting, displacement 50 %, the state
    # funds 100 000 kr. Both start and leave in January 2021 (account month 0).
    #
    # X: etableringsersättning → extratjänst (12 months, catalogue duration_months).
    #   months 0–11, per year: individual production +P, tax −(W·e + T − J)
    #     = −127 583.518, allowance −80 080; municipality (the employer) tax +T =
    #     72 087.99, subsidy +340 167.48, displacement −0.5 P = −170 083.764; state
    #     contributions less jobbskatteavdrag +W·e − J = 55 495.528, subsidy
    #     −340 167.48, allowance saved +80 080.
    #   months 12–35: back to the counterfactual → no effect.
    # Y: etableringsersättning → unsubsidised job, 3 years; the counterfactual
    #   allowance ends after 24 months and becomes försörjningsstöd.
    #   years 1–2: state +W·e − J + 80 080, municipality +T,
    #              individual +P − (W·e + T − J) − 80 080
    #   year 3:    state +W·e − J, municipality +T + 75 045,
    #              individual +P − (W·e + T − J) − 75 045
    rows = [
        person("X1", support_at_start="Etableringsersättning",
               outcome_at_exit="Extratjänst", support_at_exit="Lön"),
        person("Y1", support_at_start="Etableringsersättning",
               outcome_at_exit="Arbete", support_at_exit="Lön"),
    ]  # fmt: skip
    socio, html = run(
        tmp_path,
        rows,
        period="2021-T1",
        horizon_years=3,
        discount_rate=0.0,
        displacement=0.5,
        investment_sek=100_000,
        funder_shares={"state": 1.0},
    )
    x_state = W * E - J - SUBSIDY + ETABL  # −204 591.952
    x_municipality = T + SUBSIDY - 0.5 * P  # 242 171.706
    x_individual = P - (W * E + T - J) - ETABL  # 132 504.01
    y_state = 3 * (W * E - J) + 2 * ETABL  # 326 646.584
    y_municipality = 3 * T + FBS  # 291 308.97
    y_individual = 3 * (P - (W * E + T - J)) - 2 * ETABL - FBS  # 402 547.03
    npv = socio["npv_sek"]
    assert npv["state"] == pytest.approx(x_state + y_state - 100_000, abs=1e-3)
    assert npv["municipality"] == pytest.approx(x_municipality + y_municipality, abs=1e-3)
    assert npv["individual"] == pytest.approx(x_individual + y_individual, abs=1e-3)
    # society: displacement halves X's production only: 0.5 P + 3 P − 100 000
    assert npv["society"] == pytest.approx(3.5 * P - 100_000, abs=1e-3)
    assert "employer" not in npv  # booked to the municipality (subsidised_employer_actor)
    assert socio["subsidised_employer_actor"] == "municipality"
    # who gains, largest first: individual 535 051.04, municipality 533 480.68,
    # state 122 054.63 − 100 000 = 22 054.63 (with the jobbskatteavdrag the individual
    # keeps more of the wage than the municipality, the employer, gains)
    assert socio["who_gains"] == ["individual", "municipality", "state"]
    assert "störst vinst gör Individen" in html
    # actors without investment have no payback time (item 16)
    assert socio["payback_years"]["municipality"] is None
    assert_identity(socio)


def _jobs_and_seekers(jobs: int, seekers: int) -> list[dict[str, Any]]:
    """On social assistance at start: ``jobs`` leave for a job, ``seekers`` to job seeking."""
    return [
        person(f"S{i}", outcome_at_exit="Arbete", support_at_exit="Lön") for i in range(jobs)
    ] + [
        person(f"J{i}", outcome_at_exit="Arbetssökande", support_at_exit="Försörjningsstöd")
        for i in range(seekers)
    ]


# Horizon 1, no discounting, no deadweight, the municipality pays 500 000.
WITHHELD_PARAMS: dict[str, Any] = {
    "period": "2021-T1",
    "horizon_years": 1,
    "discount_rate": 0.0,
    "investment_sek": 500_000,
    "funder_shares": {"municipality": 1.0},
    "seed": 11,
}


def _reference_cohort() -> list[dict[str, Any]]:
    """Ten on social assistance; four leave for a job, six to job seeking."""
    return _jobs_and_seekers(4, 6)


# WITHHELD_PARAMS, and the reference: 20 % of a group of 50 reach work or studies (no
# deadweight given).
REFERENCE_PARAMS: dict[str, Any] = {
    **WITHHELD_PARAMS,
    "reference_work_or_studies_share": 0.2,
    "reference_n": 50,
    "reference_source": "Fiktiv jämförelsegrupp",
}


def test_deadweight_from_the_reference_and_the_jeffreys_share(tmp_path):
    # Items 5 and 7. Ten on social assistance; four leave for a job, six to job seeking.
    # Reference: 20 % of a group of 50 reach work or studies. No deadweight given, so
    # the deadweight follows from the reference: 0.2 × 10 = 2 of the 4 successes would
    # have happened anyway → 50 %. Horizon 1, no discounting, the municipality pays
    # 500 000: society = (1 − 0.5) × 4 × P − 500 000 = 180 335.056 kr.
    socio, html = run(tmp_path, _reference_cohort(), **REFERENCE_PARAMS)
    assert socio["deadweight"] == pytest.approx(0.5)
    assert socio["deadweight_source"] == "reference"
    assert socio["npv_sek"]["society"] == pytest.approx(0.5 * 4 * P - 500_000, abs=1e-3)
    # break-even on the NPV's timing and deadweight: one more success is worth
    # (1 − 0.5) × P = 170 083.764 to society → ⌈500 000 / 170 083.764⌉ = ⌈2.94⌉ = 3;
    # to the municipality (1 − 0.5) × (T + FBS) = 73 566.495 → ⌈6.80⌉ = 7
    assert socio["break_even_participants"]["society"] == 3
    assert socio["break_even_participants"]["municipality"] == 7
    # the account's own share 4/10 with its Wilson interval 16.8 %–68.7 %
    assert socio["outcome_share"] == pytest.approx(0.4)
    assert socio["outcome_share_interval"] == pytest.approx([0.1682, 0.6873], abs=1e-4)
    # the deadweight's interval comes from the draws: p ~ Beta(4.5, 6.5) (the account's
    # share, Jeffreys) and r ~ Beta(0.2 × 50 + ½, 50 − 10 + ½) (the reference), both by
    # inverse CDF of the run's uniforms (12 catalogue items, then share, then reference)
    u = np.random.default_rng(11).random((400, 14))
    p = stats.beta.ppf(u[:, 12], 4.5, 6.5)
    r = stats.beta.ppf(u[:, 13], 10.5, 40.5)
    dw = np.minimum(r / p, 1.0)
    low, high = np.quantile(dw, [0.05, 0.95])
    assert socio["deadweight_interval"] == pytest.approx([min(low, 0.5), max(high, 0.5)])
    assert "av simuleringarna, givet antagandena" in html
    assert "Beta(k + ½, n − k + ½)" in html
    assert "Dödviktsförlusten följer av referensandelen 20 %" in html
    assert_identity(socio)


def test_new_supports_work_extent_and_explicit_deadweight(tmp_path):
    # Items 7 (explicit deadweight wins over the reference), 9 (catalogue rows for
    # sjukersättning, a-kassa, studiemedel) and 15 (work_extent). Horizon 1, no
    # discounting, deadweight 25 % set explicitly, the state pays 200 000.
    #   A: sjuk-/aktivitetsersättning → job at 75 % ("75 %"): production 0.75 P;
    #      state +0.75 W e − J75 + 159 294; municipality +T75;
    #      individual +0.75 P − (0.75 W e + T75 − J75) − 159 294
    #   B: a-kassa → studies on studiemedel: state +132 600 − 39 880;
    #      individual −132 600 + 39 880; society 0
    #   C: försörjningsstöd → job "deltid" (an assumed 50 %): production 0.5 P;
    #      state +0.5 W e − J50; municipality +T50 + 75 045;
    #      individual +0.5 P − (0.5 W e + T50 − J50) − 75 045
    #   (the grundavdrag and jobbskatteavdrag at the part-time wages, see T75 and T50)
    rows = [
        person("A1", support_at_start="Sjukersättning", outcome_at_exit="Arbete",
               support_at_exit="Lön", omfattning="75 %"),
        person("B1", support_at_start="A-kassa", outcome_at_exit="Studier",
               support_at_exit="Studiemedel"),
        person("C1", outcome_at_exit="Arbete", support_at_exit="Lön", omfattning="deltid"),
    ]  # fmt: skip
    socio, html = run(
        tmp_path,
        rows,
        period="2021-T1",
        horizon_years=1,
        discount_rate=0.0,
        deadweight=0.25,
        reference_work_or_studies_share=0.2,
        investment_sek=200_000,
        funder_shares={"state": 1.0},
    )
    k = 0.75  # 1 − deadweight
    state = k * (0.75 * W * E - J75 + SICK + AKASSA - CSN + 0.5 * W * E - J50)
    municipality = k * (T75 + T50 + FBS)
    individual = k * (
        0.75 * P - (0.75 * W * E + T75 - J75) - SICK - AKASSA + CSN
        + 0.5 * P - (0.5 * W * E + T50 - J50) - FBS
    )  # fmt: skip
    npv = socio["npv_sek"]
    assert socio["deadweight"] == 0.25 and socio["deadweight_source"] == "parameter"
    assert npv["state"] == pytest.approx(state - 200_000, abs=1e-3)
    assert npv["municipality"] == pytest.approx(municipality, abs=1e-3)
    assert npv["individual"] == pytest.approx(individual, abs=1e-3)
    assert npv["society"] == pytest.approx(k * 1.25 * P - 200_000, abs=1e-3)  # 318 907.06 − 200 000
    assert "kommunal- och regionskatt på lönen efter grundavdrag" in html
    assert "per hushåll men bokförs per deltagare" in html
    assert "Dödviktsförlusten 25 % är angiven som parameter" in html
    assert_identity(socio)


def test_a_support_without_a_catalogue_row_is_an_error_naming_the_code(tmp_path):
    # Item 9: never a silent zero. A project catalogue without the sickness-benefit row
    # and a participant on sjukpenning: the run stops and says which code lacks a row.
    shipped = (REPO / "data" / "unit_costs" / "unit_costs_2024.csv").read_text(encoding="utf-8")
    lines = [line for line in shipped.splitlines() if not line.startswith("sickness_benefit,")]
    catalogue = tmp_path / "enhetskostnader.csv"
    catalogue.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = [
        person("A1", support_at_start="Sjukpenning", outcome_at_exit="Arbete",
               support_at_exit="Lön"),
    ]  # fmt: skip
    done, out = run(
        tmp_path,
        rows,
        expect_ok=False,
        period="2021-T1",
        investment_sek=100_000,
        unit_costs_path=str(catalogue),
    )
    # refused before the notebook runs: one clear line, exit 1, nothing written
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "no unit cost for support code(s) ['sickness_benefit']" in done.stderr
    assert "enhetskostnader.csv" in done.stderr
    assert not (out / "report.html").exists() and not (out / "error.html").exists()


def test_sample_account_uses_its_own_share(tmp_path):
    # Item 5 on the bundled sample (Första steget 2021-T2): 26 of the 62 who left went
    # to self-sufficiency by what was known on 31 August 2021 (item 8: 6- and 12-month
    # statuses dated later are not used; with them it would be 24: 10 by the 12-month,
    # 3 by the 6-month and 13 by the exit status, counted with assign_statuses on the
    # sample); the Monte Carlo share is that share, 41.9 %, with the Wilson interval
    # 30.5 %–54.3 % (not the work-or-studies interval 32–56 %).
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "insats", "run", "parameters/forsta_steget.yaml", "--out",
         str(out), "--audience", "internal"],
        capture_output=True, text=True, cwd=REPO, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    socio = json.loads((out / "figures.json").read_text(encoding="utf-8"))["socioeconomic"]
    z = stats.norm.ppf(0.975)
    centre = (26 + z**2 / 2) / (62 + z**2)
    half = z / (62 + z**2) * math.sqrt(26 * 36 / 62 + z**2 / 4)
    assert socio["outcome_share"] == pytest.approx(26 / 62)
    assert socio["outcome_share_interval"] == pytest.approx([centre - half, centre + half])
    assert round(centre - half, 3) == 0.305 and round(centre + half, 3) == 0.543
    assert socio["deadweight_source"] == "default"  # no reference in forsta_steget.yaml
    assert_identity(socio)


def test_sample_namnd_report_does_not_give_studiemedel_back_through_the_share(tmp_path):
    # Attack S1 (issue 15): the 26 successes are Lön + Studiemedel of the transitions
    # table, where Studiemedel (2) is hidden: with the share's 26 and Lön's column total
    # (24) both shown, 26 - 24 = 2. The nämnd report hides one of them: the share and the
    # sentence's numbers (the internal report: 26/62), or Lön's total. The plan now
    # prefers to keep the successes (the amounts are sums over them), so it hides Lön's.
    from tests.e2e.known_answers.test_ka_subset_attacks import _tables

    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "insats", "run", "parameters/forsta_steget.yaml", "--out",
         str(out)],
        capture_output=True, text=True, cwd=REPO, timeout=900,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    socio = json.loads((out / "figures.json").read_text(encoding="utf-8"))["socioeconomic"]
    html = (out / "report.html").read_text(encoding="utf-8")
    table = _tables(html)[
        "Försörjning vid start och efter insatsen (senast kända uppgift), antal deltagare"
    ]
    header, total = table[0], next(r for r in table if r[0] == "Totalt")
    lon, studiemedel = total[header.index("Lön")], total[header.index("Studiemedel")]
    assert studiemedel == ".."
    share_shown = socio["outcome_share"] is not None
    assert share_shown == ("26 av 62" in html)
    if share_shown:
        assert socio["outcome_share"] == pytest.approx(26 / 62)
        assert lon == "..", "26 − Lön would give Studiemedel back"
    else:
        assert socio["outcome_share_interval"] == [None, None] and "41,9" not in html


def test_namnd_report_withholds_the_amounts_of_three_successes(tmp_path):
    # Issue 15: every amount of the account is a sum over the successes. Ten on social
    # assistance, three leave for a job (a primary small count, hidden in a nämnd
    # report), seven to job seeking; horizon 1, no discounting, no deadweight, the
    # municipality pays 500 000. Internally, society = 3 × P − 500 000 = 520 502.584 kr
    # (P = 340 167.528, the production of one lowest-wage job, above), so the amount
    # divided by P gives the hidden 3 back: the nämnd report withholds the amounts.
    rows = _jobs_and_seekers(3, 7)
    common = WITHHELD_PARAMS
    (tmp_path / "internal").mkdir()
    internal, _ = run(tmp_path / "internal", rows, **common)
    assert internal["npv_sek"]["society"] == pytest.approx(3 * P - 500_000, abs=1e-3)
    assert not internal.get("withheld")

    (tmp_path / "namnd").mkdir()
    socio, html = run(tmp_path / "namnd", rows, audience="namnd", **common)
    assert socio["withheld"] is True
    assert set(socio["npv_sek"].values()) == {None}
    assert set(socio["payback_years"].values()) == {None}
    assert set(socio["probability_positive"].values()) == {None}
    assert socio["who_gains"] == [] and socio["outcome_share"] is None
    # the investment and the parameter deadweight do not depend on who succeeded
    assert socio["investment_sek"]["municipality"] == 500_000
    assert socio["deadweight"] == 0.0
    # break-even: one success is worth P to society → ⌈500 000 / 340 167.528⌉ = 2
    assert socio["break_even_participants"]["society"] == 2
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Kalkylens belopp redovisas inte i den här rapporten" in text
    assert "Samhällsekonomiskt: investeringen är 500 000 kr." in text
    assert "nettonuvärde på" not in text and "nuvärde för samhället" not in text
    text = text.replace("\xa0", " ")
    for amount in ("520 503", "520 502", "1 020 503"):
        assert amount not in text, amount
    # P itself is the value of one standard success (försörjningsstöd → a full-time job,
    # the unit costs only), shown once in its own table; the cohort's amounts are not
    assert text.count("340 168") == 1
    assert "Samhället totalt 2 2 340 168 kr" in text  # within 1 and 4 years (horizon 1)


def test_namnd_report_withholds_a_deadweight_derived_from_hidden_successes(tmp_path):
    # The cohort of test_deadweight_from_the_reference_and_the_jeffreys_share (4 of 10
    # to a job; internally deadweight 0.2 × 10 / 4 = 50 %). In a nämnd report the 4 are
    # hidden, and r × n / deadweight = 0.2 × 10 / 0.5 would give them back: the
    # deadweight, its interval and the break-even it scales are withheld with the amounts.
    socio, html = run(tmp_path, _reference_cohort(), audience="namnd", **REFERENCE_PARAMS)
    assert socio["withheld"] is True and socio["deadweight_source"] == "reference"
    assert socio["deadweight"] is None and socio["deadweight_interval"] == [None, None]
    assert set(socio["break_even_participants"].values()) == {None}
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")
    assert "Den redovisas inte här, eftersom den skulle visa det antalet." in text
    assert "dödviktsförlust på 50 %" not in text and "Brytpunkten" not in text


def test_namnd_report_withholds_the_amounts_when_the_others_are_few(tmp_path):
    # Issue 15, the "Known limits" case of stop 20: a parameter deadweight and successes
    # over the threshold, but their complement small. Ten on social assistance, seven
    # leave for a job, three to job seeking; horizon 1, no discounting, no deadweight,
    # the municipality pays 500 000. Internally society = 7 × P − 500 000
    # = 1 881 172.696 kr (P = 340 167.528, above): the amount over P gives the 7, and the
    # ten participants the report shows minus 7 give the 3 without a job that the plan
    # hides. The nämnd report withholds the amounts.
    rows = _jobs_and_seekers(7, 3)
    common = WITHHELD_PARAMS
    (tmp_path / "internal").mkdir()
    internal, _ = run(tmp_path / "internal", rows, **common)
    assert internal["npv_sek"]["society"] == pytest.approx(7 * P - 500_000, abs=1e-3)
    assert internal["withheld"] is False

    (tmp_path / "namnd").mkdir()
    socio, html = run(tmp_path / "namnd", rows, audience="namnd", **common)
    assert socio["withheld"] is True and socio["deadweight_source"] != "reference"
    assert set(socio["npv_sek"].values()) == {None}
    # the break-even does not depend on who succeeded: ⌈500 000 / P⌉ = 2
    assert socio["break_even_participants"]["society"] == 2
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")
    assert "Kalkylens belopp redovisas inte i den här rapporten" in text
    for amount in ("1 881 173", "1 881 172", "2 381 173"):
        assert amount not in text, amount


def test_standard_break_even_is_shown_where_the_amounts_are_withheld(tmp_path):
    # Issue 15 (stop 26): a break-even that every nämnd report can show, counted in
    # standard successes: one person from försörjningsstöd (job seeking) to an
    # unsubsidised full-time job at the lowest wage from the account's first month.
    # It uses the parameters and unit costs only. Cohort: seven on etableringsersättning
    # leave for a job and three to job seeking (the nämnd report hides the 3, so the
    # amounts are withheld, test_namnd_report_withholds_the_amounts_when_the_others_are_few).
    # Horizon 2 years, no discounting, no deadweight, attribution 1, no drop-off, the
    # municipality pays 2 000 000, caseworker time 0.
    #   one standard success, per year: society P = 340 167.528 (production; transfers
    #   and taxes cancel); the municipality T + FBS = 72 087.99 + 75 045 = 147 132.99.
    #   within 1 year:  society ⌈2 000 000 / 340 167.528⌉ = ⌈5.88⌉ = 6
    #                   municipality ⌈2 000 000 / 147 132.99⌉ = ⌈13.59⌉ = 14
    #   within 2 years: society ⌈2 000 000 / 680 335.056⌉ = ⌈2.94⌉ = 3
    #                   municipality ⌈2 000 000 / 294 265.98⌉ = ⌈6.80⌉ = 7
    #   within 4 years (the mandate period): the effect lasts the 2-year horizon, as 2.
    rows = [
        person(f"S{i}", support_at_start="Etableringsersättning",
               outcome_at_exit="Arbete", support_at_exit="Lön")
        for i in range(7)
    ] + [
        person(f"J{i}", support_at_start="Etableringsersättning",
               outcome_at_exit="Arbetssökande", support_at_exit="Etableringsersättning")
        for i in range(3)
    ]  # fmt: skip
    common = {**WITHHELD_PARAMS, "horizon_years": 2, "investment_sek": 2_000_000}
    expected_value = {"1": (P, T + FBS), "2": (2 * P, 2 * (T + FBS)), "4": (2 * P, 2 * (T + FBS))}
    expected_needed = {"1": (6, 14), "2": (3, 7), "4": (3, 7)}
    texts = {}
    for audience in ("internal", "namnd"):
        (tmp_path / audience).mkdir()
        socio, html = run(tmp_path / audience, rows, audience=audience, **common)
        assert socio["withheld"] is (audience == "namnd")
        standard = socio["standard_success"]
        assert standard["start_support"] == "social_assistance"
        assert standard["horizon_years"] == 2
        for years, (society, municipality) in expected_value.items():
            by = standard["by_years"][years]
            assert by["value_sek"]["society"] == pytest.approx(society, abs=1e-3)
            assert by["value_sek"]["municipality"] == pytest.approx(municipality, abs=1e-3)
            assert by["break_even_participants"] == dict(
                zip(("society", "municipality"), expected_needed[years], strict=True)
            )
        assert standard["break_even_participants"] == {"society": 3, "municipality": 7}
        assert standard["value_sek"]["society"] == pytest.approx(2 * P, abs=1e-3)
        texts[audience] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\xa0", " ")
    for audience, text in texts.items():
        # the summary's sentence and the section's table (Inom 1 / 2 / 4 år, the value)
        assert (
            "Investeringen betalar sig för samhället inom 2 år om 3 personer fler än annars "
            "går från försörjningsstöd till heltidsarbete" in text
        ), audience
        assert "Kommunen 14 7 7 294 266 kr" in text, audience
        assert "Samhället totalt 6 3 3 680 335 kr" in text, audience
    # the account's own amounts (of etableringsersättning, its exits) stay withheld
    assert "Kalkylens belopp redovisas inte i den här rapporten" in texts["namnd"]
