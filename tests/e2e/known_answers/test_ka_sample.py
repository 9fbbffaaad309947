"""Known answers: the summary of the bundled sample report (Första steget, 2021-T2).

Every number is recounted here from the raw files with the csv module (not with insats):
data/sample/forsta_steget_deltagare.csv (; separated, cp1252) and
data/sample/forsta_steget_ekonomi.csv. Period 2021-T2 = 2021-05-01 .. 2021-08-31.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

SAMPLE = Path(__file__).resolve().parents[3] / "data" / "sample"
START, END = "2021-05-01", "2021-08-31"  # ISO dates compare as strings
WORK_OR_STUDIES = {"Arbete", "Extratjänst", "Nystartsjobb", "Studier"}
Z = 1.959963984540054


def wilson(k: int, n: int) -> tuple[float, float]:
    p = k / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / (1 + Z**2 / n)
    return centre - half, centre + half


def rows(name: str) -> list[dict[str, str]]:
    with (SAMPLE / name).open(encoding="cp1252", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


def iso(text: str) -> str:
    """The file writes dates as 2021-05-28 and as 20210528 (data/sample/README.md)."""
    text = text.strip()
    return f"{text[:4]}-{text[4:6]}-{text[6:]}" if len(text) == 8 and text.isdigit() else text


def participants() -> list[dict[str, str]]:
    out = []
    for r in rows("forsta_steget_deltagare.csv"):
        r = {**r, "Startdatum": iso(r["Startdatum"]), "Slutdatum": iso(r["Slutdatum"])}
        if r["Startdatum"] > END:
            continue
        if r["Slutdatum"] > END:  # left after the period: still enrolled on 31 August
            r["Slutdatum"], r["Status vid avslut"], r["Avslutsorsak"] = "", "", ""
        out.append(r)
    return out


def test_participants_in_the_period(sample_figures):
    people = participants()
    enrolled = [r for r in people if not r["Slutdatum"] or r["Slutdatum"] >= START]
    new = [r for r in people if START <= r["Startdatum"] <= END]
    exited = [r for r in people if START <= r["Slutdatum"] <= END if r["Slutdatum"]]
    assert (len(enrolled), len(new), len(exited)) == (38, 21, 17)
    p = sample_figures["participants"]
    assert (p["enrolled"], p["started"], p["exited"]) == (38, 21, 17)
    # one early exit (Föräldraledighet) in the period: fewer than 5, so not published
    assert sum(r["Avslutsorsak"] != "Fullföljt" for r in exited) == 1
    assert p["early_exits"] is None


def test_work_or_studies_since_start_and_goal(sample_figures):
    left = [r for r in participants() if r["Slutdatum"]]
    k = sum(r["Status vid avslut"] in WORK_OR_STUDIES for r in left)
    # 62 have left by 31 August 2021: Arbete 9 + Extratjänst 12 + Nystartsjobb 2 +
    # Studier 4 = 27 to work or studies.
    assert (k, len(left)) == (27, 62)
    w = sample_figures["work_or_studies_to_date"]
    assert (w["count"], w["n"]) == (27, 62)
    low, high = wilson(27, 62)  # 0.3194, 0.5591: "32–56 %", share 43.5 % -> "44 %"
    assert (w["ci_low"], w["ci_high"]) == (pytest.approx(low), pytest.approx(high))
    # goal 50 % (parameters/forsta_steget.yaml): 43.5 % < 50 % <= 55.9 %: plausibly met
    assert [g["status"] for g in sample_figures["goals"]] == ["plausibly_met"]
    assert sample_figures["goal"]["target_share"] == 0.5
    # time to work or studies: the 21 still enrolled are censored (the last of them,
    # grupp 6, started 23 August); the 35 other exits compete. Everyone who could
    # reach the event has left, so the incidence ends at 27/62 = 43.5 %, under one
    # half: no median (1 − KM printed "Hälften … 3,8 månader (3,8–3,8)").
    t = sample_figures["time_to_work_or_studies"]
    assert (t["events"], t["competing"], t["censored"]) == (27, 62 - 27, 21)
    assert t["cumulative_share_at_end"] == pytest.approx(27 / 62)
    assert t["median_months"] is None


def test_budget_and_investment(sample_figures):
    finance = rows("forsta_steget_ekonomi.csv")

    def amount(text: str) -> int:
        return int(text.replace(" ", "").replace("\xa0", ""))

    latest: dict[tuple[str, str], dict[str, str]] = {}
    for r in finance:  # rows are in period order within a Kommun
        if r["Period"] <= "2021-T2":
            latest[(r["Kommun"], r["Period"][:4])] = r
    investment = sum(amount(r["Fakturerade kostnader"]) for r in latest.values())
    assert investment == 4_123_746
    assert sample_figures["investment"]["total_sek"] == investment
    y2021 = [r for (_, year), r in latest.items() if year == "2021"]
    granted = sum(amount(r["Beviljade medel"]) for r in y2021)
    invoiced = sum(amount(r["Fakturerade kostnader"]) for r in y2021)
    forecast = sum(amount(r["Prognos"]) for r in y2021)
    assert (granted, invoiced, forecast) == (2_060_000, 1_161_039, 1_940_000)
    b = sample_figures["budget"]
    assert (b["granted_sek"], b["invoiced_sek"], b["forecast_sek"]) == (
        granted,
        invoiced,
        forecast,
    )
    # (1 940 000 − 2 060 000) / 2 060 000 = −5.8 %; Klippan (910 000 − 1 030 000) /
    # 1 030 000 = −11.65 % > 10 %: must be explained (the parameters give the reason).
    assert b["deviation_share"] == pytest.approx(-120_000 / 2_060_000)
    assert b["by_funder"]["Klippan"]["deviation_share"] == pytest.approx(-120_000 / 1_030_000)
    assert b["needs_explanation"] is True and b["explanation_given"] is True


def test_groups_of_both_municipalities_stay_apart(sample_figures):
    keys = {
        (r["Kommun"], r["Grupp"]) for r in participants() if r["Slutdatum"]
    }  # groups 1–5 in each of Perstorp and Klippan have people who left
    assert len(keys) == 10
    assert set(sample_figures["trend"]) == {f"{m}: {g}" for m, g in keys}


def test_summary_says_the_accounts_length_and_each_persons_effect_years(sample_figures):
    """Issue 10 item 3: effects last horizon_years after each person's own exit; the
    account runs until the last one ends. Sample: horizon 5 (parameters/forsta_steget.yaml
    default), first start 2019-02-11, last exits in 2021 → the account runs 8 years
    (figures.json account_years). The summary must not say "över 5 år" for the NPV."""
    socio = sample_figures["socioeconomic"]
    assert socio["account_years"] == 8 and socio["horizon_years"] == 5
    html = (Path(sample_figures["_out"]) / "report.html").read_text(encoding="utf-8")
    assert "effekter i 5 år efter varje deltagares avslut, kalkylen löper 8 år" in html
    assert "över 5 år;" not in html
