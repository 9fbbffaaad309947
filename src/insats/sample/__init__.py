"""Seeded fictitious sample data in the shape of real municipal exports.

Writes the files in ``data/sample/``: "Första steget" in Perstorp and Klippan
(groups 1–6, 2019–2021, Swedish headers, ``;``, cp1252) and "Etableringsspåret" in
Västerås (five groups, ``.xlsx`` with fictitious personnummer). The people, numbers and
events are invented; only the frame (group dates, sizes, funnel counts) follows the
published reports in the seeds. The same seed always gives byte-identical files, so the
committed sample can be checked against a fresh generation.

Deliberate mess, as in real exports: ISO and ``YYYYMMDD`` dates in one file, alias
words ("AF", "SFI", "Ekonomiskt bistånd"), blank codes, ongoing participants, follow-ups
missing through attrition, a UTF-8 file with BOM and comma separator, personnummer
with and without hyphen and one samordningsnummer.
"""

from __future__ import annotations

import csv
import io
import math
import random
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TypedDict

from insats.cohort.personnummer import luhn_digit

FORSTA_STEGET = "Första steget"
ETABLERINGSSPARET = "Etableringsspåret"

# The day each fictitious export was "taken": nothing in a file happens after it.
FORSTA_STEGET_AS_OF = date(2021, 12, 1)
ETABLERINGSSPARET_AS_OF = date(2016, 11, 30)

# Fixed document timestamp for the xlsx, so that the file is byte-identical each run.
XLSX_TIMESTAMP = datetime(2016, 11, 30, 12, 0, 0)
# The earliest date a zip entry can carry; any fixed value would do.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)

FICTITIOUS_NOTE = "Fiktiva data, genererade av insats.sample"

# --- Swedish words written for each canonical code (all are aliases in cohort.schema) ---
SV_GENDER = {"woman": "Kvinna", "man": "Man"}
SV_EDUCATION = {
    "primary": "Förgymnasial",
    "secondary": "Gymnasial",
    "tertiary_short": "Eftergymnasial mindre än 3 år",
    "tertiary": "Eftergymnasial 3 år eller mer",
    "unknown": "",
}
SV_REFERRAL = {
    "employment_service": "Arbetsförmedlingen",
    "municipality": "Kommunen",
    "social_services": "Socialtjänsten",
}
SV_SUPPORT = {
    "social_assistance": "Försörjningsstöd",
    "establishment_allowance": "Etableringsersättning",
    "activity_support": "Aktivitetsstöd",
    "unemployment_benefit": "A-kassa",
    "sickness_benefit": "Sjukpenning",
    "wage": "Lön",
    "student_aid": "Studiemedel",
    "none": "Ingen",
    "unknown": "Okänt",
}
SV_OUTCOME = {
    "employment": "Arbete",
    "subsidised_employment": "Extratjänst",
    "studies": "Studier",
    "work_practice": "Praktik",
    "job_seeking": "Öppet arbetssökande",
    "other_programme": "Annan insats",
    "inactive": "Föräldraledig",
    "unknown": "Okänt",
}
SV_EXIT_REASON = {
    "completed": "Fullföljt",
    "employment": "Fick arbete",
    "studies": "Studier",
    "moved": "Flytt",
    "social_reasons": "Sociala skäl",
    "health": "Sjukdom",
    "parental_leave": "Föräldraledighet",
    "other": "Annat",
}
# "inactive" is written as what the person is doing, which follows the exit reason.
_INACTIVE_WORDS = {"health": "Sjukskriven", "parental_leave": "Föräldraledig"}
# Alias words some rows use instead, as different administrators type them.
SV_ALIASES = {
    ("referral", "employment_service"): "AF",
    ("referral", "municipality"): "SFI",
    ("support", "social_assistance"): "Ekonomiskt bistånd",
    ("outcome", "subsidised_employment"): "Nystartsjobb",
}

PARTICIPANT_HEADERS = (
    "Deltagar-ID",
    "Insats",
    "Grupp",
    "Kommun",
    "Kön",
    "Födelseår",
    "Födelseregion",
    "Utbildningsnivå",
    "SFI-nivå",
    "Remittent",
    "Försörjning vid start",
    "Startdatum",
    "Slutdatum",
    "Avslutsorsak",
    "Status vid avslut",
    "Försörjning vid avslut",
    "Status efter 6 mån",
    "Status efter 12 mån",
    "Försörjning efter 6 mån",
    "Försörjning efter 12 mån",
    "Självskattning start",
    "Självskattning avslut",
)
# The xlsx uses other accepted spellings of a few headers, as another system would.
XLSX_HEADERS = (
    "Deltagar-ID",
    "Personnummer",
    "Insats",
    "Grupp",
    "Kommun",
    "Kön",
    "Födelseår",
    "Födelseregion",
    "Utbildningsnivå",
    "SFI-nivå",
    "Remittent",
    "Försörjning vid start",
    "Startdatum",
    "Slutdatum",
    "Avslutsanledning",
    "Status vid avslut",
    "Försörjning vid avslut",
    "Status efter 6 månader",
    "Status efter 12 månader",
    "Försörjning efter 6 månader",
    "Försörjning efter 12 månader",
    "Självskattning start",
    "Självskattning avslut",
)
FINANCE_HEADERS = (
    "Insats",
    "Kommun",
    "Period",
    "Beviljade medel",
    "Fakturerade kostnader",
    "Prognos",
)
ES_FINANCE_HEADERS = (
    "Insats",
    "Finansiär",
    "Period",
    "Beviljade medel",
    "Fakturerade kostnader",
    "Prognos",
)
FUNNEL_HEADERS = (
    "Insats",
    "Grupp",
    "Kommun",
    "Kallade till information",
    "Kom till information",
    "Bokar intervjutid",
    "Kom till intervju",
    "Började",
)
ES_FUNNEL_HEADERS = (
    "Insats",
    "Grupp",
    "Kommun",
    "Kallade till information på AF",
    "Kom till information på AF",
    "Bokar intervjutid",
    "Kom till intervju",
    "Började",
)

FILE_NAMES = {
    "fs_participants": "forsta_steget_deltagare.csv",
    "fs_finance": "forsta_steget_ekonomi.csv",
    "fs_funnel": "forsta_steget_rekrytering.csv",
    "es_participants": "etableringssparet_deltagare.xlsx",
    "es_finance": "etableringssparet_ekonomi.csv",
    "es_funnel": "etableringssparet_rekrytering.csv",
    "readme": "README.md",
}


@dataclass(frozen=True)
class _Group:
    """One intake: municipality, number, dates, size and fixed outcomes if any."""

    municipality: str
    number: int
    start: date
    end: date
    size: int
    # Optional script: (exit_reason, outcome_at_exit) per participant, best first.
    script: tuple[tuple[str, str], ...] = ()
    ongoing: bool = False


@dataclass
class _Person:
    """One fictitious participant with canonical codes (words are chosen on writing)."""

    participant_id: str
    project: str
    group: int
    municipality: str
    gender: str
    birth_year: int
    birth_region: str
    education: str
    swedish_level: str
    referral: str
    support_at_start: str
    start_date: date
    end_date: date | None = None
    exit_reason: str | None = None
    outcome_at_exit: str | None = None
    support_at_exit: str | None = None
    outcome_6m: str | None = None
    outcome_12m: str | None = None
    support_6m: str | None = None
    support_12m: str | None = None
    self_assessment_start: int | None = None
    self_assessment_end: int | None = None
    score: float = 0.0
    personnummer: str | None = None
    words: dict[str, str] = field(default_factory=dict)


# --- the intakes -----------------------------------------------------------------------
# Two intakes a year per municipality. Early groups are small (seed 001: staff were not
# in place until June 2019 and Arbetsförmedlingen's reorganisation made recruitment
# hard). Group 5 follows seed 002 exactly; group 6 is still running on the export date.
_KLIPPAN_5 = (
    # seed 002: 12 at start, 2 left for social reasons, 1 moved, 1 got a job;
    # of the 8 who stayed 4 got an extratjänst and 4 are openly job seeking.
    ("completed", "subsidised_employment"),
    ("completed", "subsidised_employment"),
    ("employment", "employment"),
    ("completed", "subsidised_employment"),
    ("completed", "subsidised_employment"),
    ("completed", "job_seeking"),
    ("completed", "job_seeking"),
    ("completed", "job_seeking"),
    ("completed", "job_seeking"),
    ("moved", "unknown"),
    ("social_reasons", "job_seeking"),
    ("social_reasons", "inactive"),
)
_PERSTORP_5 = (
    # seed 002: 10 recruited; five extratjänster, two started studies (one keeps
    # aktivitetsstöd), one practice towards cleaning work, one became a mother at the
    # end of the course, one moved to Ängelholm half-way.
    ("completed", "subsidised_employment"),
    ("completed", "subsidised_employment"),
    ("completed", "subsidised_employment"),
    ("completed", "studies"),
    ("completed", "subsidised_employment"),
    ("completed", "subsidised_employment"),
    ("completed", "studies"),
    ("completed", "work_practice"),
    ("parental_leave", "inactive"),
    ("moved", "unknown"),
)
_PERSTORP_6 = (
    # seed 002: 11 language-weak participants, one will move to Helsingborg (over-intake).
    ("moved", "unknown"),
)

FORSTA_STEGET_GROUPS = (
    _Group("Perstorp", 1, date(2019, 2, 11), date(2019, 5, 24), 5),
    _Group("Perstorp", 2, date(2019, 9, 2), date(2019, 12, 13), 6),
    _Group("Perstorp", 3, date(2020, 2, 3), date(2020, 5, 15), 5),
    _Group("Perstorp", 4, date(2020, 8, 31), date(2020, 12, 11), 5),
    _Group("Perstorp", 5, date(2021, 2, 1), date(2021, 5, 28), 10, _PERSTORP_5),
    _Group("Perstorp", 6, date(2021, 8, 30), date(2021, 12, 17), 11, _PERSTORP_6, ongoing=True),
    _Group("Klippan", 1, date(2019, 3, 4), date(2019, 6, 14), 4),
    _Group("Klippan", 2, date(2019, 9, 9), date(2019, 12, 20), 5),
    _Group("Klippan", 3, date(2020, 2, 17), date(2020, 5, 29), 5),
    _Group("Klippan", 4, date(2020, 9, 7), date(2020, 12, 18), 5),
    _Group("Klippan", 5, date(2021, 2, 22), date(2021, 6, 17), 12, _KLIPPAN_5),
    _Group("Klippan", 6, date(2021, 8, 23), date(2021, 12, 16), 10, ongoing=True),
)

# Seed 003: work started 150112, 150302, 150504 (six months' employment); groups 4 and
# 5 are invented for the autumn. Group 3: seven started, one left for a summer job and
# one moved to Stockholm.
ETABLERINGSSPARET_GROUPS = (
    _Group("Västerås", 1, date(2015, 1, 12), date(2015, 7, 10), 6),
    _Group("Västerås", 2, date(2015, 3, 2), date(2015, 8, 28), 5),
    _Group("Västerås", 3, date(2015, 5, 4), date(2015, 10, 30), 7),
    _Group("Västerås", 4, date(2015, 9, 7), date(2016, 3, 4), 6),
    _Group("Västerås", 5, date(2015, 11, 2), date(2016, 4, 29), 6),
)
# Outcomes at the end of the six months, 28 who completed, best first (handed out by a
# latent score so that the better prepared get the better outcomes). With the summer
# job in group 3 this gives 17 of 30 (57 %) on wage or study allowance at exit, short of
# the goal of 75 % (seed 003).
_ES_COMPLETED_OUTCOMES = (
    ["employment"] * 8
    + ["subsidised_employment"] * 4
    + ["studies"] * 5
    + ["work_practice"] * 3
    + ["job_seeking"] * 7
    + ["other_programme"] * 1
)

# Seed 003, Bilaga 1 (groups 1–3); groups 4–5 invented.
ES_FUNNEL = (
    (1, 12, 8, 10, 8, 6),
    (2, 6, 6, 7, 6, 5),
    (3, 9, 9, 10, 9, 7),
    (4, 11, 9, 8, 8, 6),
    (5, 14, 10, 9, 7, 6),
)

# Första steget finance per municipality and tertial: (period, granted, invoiced to the
# end of the tertial, forecast for the year). Granted is the year's grant. 2019: the
# combined grant of 1 460 000 and 1 288 507 invoiced are seed 001's; staff came in June,
# so the year ended more than 10 % under the grant. 2021-T2 Perstorp is seed 002's;
# Klippan's forecast is invented to deviate by more than 10 % (recruitment problems).
FORSTA_STEGET_FINANCE = {
    "Perstorp": (
        ("2019-T1", 730_000, 48_200, 730_000),
        ("2019-T2", 730_000, 301_400, 700_000),
        ("2019-T3", 730_000, 644_254, 644_254),
        ("2020-T1", 900_000, 281_300, 900_000),
        ("2020-T2", 900_000, 566_800, 880_000),
        ("2020-T3", 900_000, 861_500, 861_500),
        ("2021-T1", 1_030_000, 318_900, 1_030_000),
        ("2021-T2", 1_030_000, 639_778, 1_030_000),
    ),
    "Klippan": (
        ("2019-T1", 730_000, 52_900, 730_000),
        ("2019-T2", 730_000, 288_700, 690_000),
        ("2019-T3", 730_000, 644_253, 644_253),
        ("2020-T1", 900_000, 262_100, 900_000),
        ("2020-T2", 900_000, 519_400, 850_000),
        ("2020-T3", 900_000, 812_700, 812_700),
        ("2021-T1", 1_030_000, 251_600, 1_000_000),
        ("2021-T2", 1_030_000, 521_261, 910_000),
    ),
}
# Etableringsspåret per year, seed 003: 4 048 000 kr a year for a project running June
# 2014 – June 2016 (half a year's grant in 2014 and 2016). 2014 had no forecast.
ETABLERINGSSPARET_FINANCE = (
    ("2014", 2_024_000, 1_090_000, None),
    ("2015", 4_048_000, 3_655_000, 3_790_000),
    ("2016", 2_024_000, 1_961_500, 1_961_500),
)
ES_FUNDER = "Västerås stad"


def generate_sample(out_dir: Path, seed: int = 2021) -> list[Path]:
    """Write the fictitious sample data set to ``out_dir``.

    Args:
        out_dir: Folder to write into (created if missing). Existing files with the
            same names are overwritten; nothing else is touched.
        seed: Seed of the random draws; the same seed gives byte-identical files.

    Returns:
        The paths written, in a fixed order: the Första steget participants, finance
        and funnel CSVs, the Etableringsspåret xlsx, finance and funnel CSVs, README.md.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    fs_people = build_forsta_steget(seed)
    es_people = build_etableringssparet(seed)
    fs_funnel = _forsta_steget_funnel(seed)

    contents: dict[str, bytes] = {
        "fs_participants": _csv_bytes(
            PARTICIPANT_HEADERS, [_participant_row(p) for p in fs_people], ";", "cp1252"
        ),
        "fs_finance": _csv_bytes(FINANCE_HEADERS, _forsta_steget_finance_rows(), ";", "cp1252"),
        "fs_funnel": _csv_bytes(FUNNEL_HEADERS, fs_funnel, ";", "cp1252"),
        "es_participants": _xlsx_bytes(es_people),
        "es_finance": _csv_bytes(
            ES_FINANCE_HEADERS, _etableringssparet_finance_rows(), ",", "utf-8-sig"
        ),
        "es_funnel": _csv_bytes(
            ES_FUNNEL_HEADERS,
            [[ETABLERINGSSPARET, str(g), "Västerås", *map(str, rest)] for g, *rest in ES_FUNNEL],
            ",",
            "utf-8-sig",
        ),
    }
    contents["readme"] = (_readme(seed, fs_people, es_people) + _ny_i_vasteras_readme()).encode(
        "utf-8"
    )
    written = []
    for key, data in contents.items():
        path = out_dir / FILE_NAMES[key]
        path.write_bytes(data)
        written.append(path)
    written += generate_ny_i_vasteras(out_dir)
    return written


# --- Första steget ---------------------------------------------------------------------
def build_forsta_steget(seed: int = 2021) -> list[_Person]:
    """Draw the Första steget participants (canonical codes, not yet written)."""
    rng = random.Random(f"{seed}/forsta_steget")
    people: list[_Person] = []
    for group in FORSTA_STEGET_GROUPS:
        members = [_draw_fs_person(rng, group, i + 1) for i in range(group.size)]
        _assign_fs_exits(rng, group, members)
        for person in members:
            _fill_follow_up(rng, person, FORSTA_STEGET_AS_OF)
            _fill_self_assessment(rng, person)
            _choose_fs_words(rng, person)
        people.extend(members)
    return people


def _draw_fs_person(rng: random.Random, group: _Group, index: int) -> _Person:
    prefix = "PER" if group.municipality == "Perstorp" else "KLI"
    gender = "woman" if rng.random() < 0.55 else "man"
    age = _clamp(round(rng.triangular(20, 60, 34)), 20, 60)
    region = _weighted(rng, {"Asien": 50, "Afrika": 35, "Europa utom Norden": 10, "Sydamerika": 5})
    education = _weighted(
        rng, {"primary": 40, "secondary": 28, "tertiary_short": 10, "tertiary": 15, "unknown": 7}
    )
    # Perstorp's group 6 is language-weak: not past SFI A or without progression (seed 002).
    if group.municipality == "Perstorp" and group.number == 6:
        level = _weighted(rng, {"A": 70, "B": 30})
        region = "Asien"  # all eleven have Arabic as mother tongue
    else:
        level = _weighted(rng, {"A": 20, "B": 35, "C": 30, "D": 15})
    # Seed 001: Arbetsförmedlingen 80 % of referrals, the municipalities 20 %.
    referral = "employment_service" if rng.random() < 0.8 else "municipality"
    support = _weighted(
        rng,
        {"social_assistance": 42, "activity_support": 30, "establishment_allowance": 23, "none": 5},
    )
    # Latent readiness: better Swedish and more schooling help, age hurts a little.
    level_index = "ABCD".index(level)
    schooling = {"primary": 0, "secondary": 1, "tertiary_short": 1.5, "tertiary": 2}.get(
        education, 0.5
    )
    score = (
        -1.1
        + 0.55 * level_index
        + 0.35 * schooling
        - 0.03 * (age - 35)
        + (0.2 if gender == "man" else 0.0)
        + rng.gauss(0, 0.6)
    )
    return _Person(
        participant_id=f"{prefix}{group.number}{index:02d}",
        project=FORSTA_STEGET,
        group=group.number,
        municipality=group.municipality,
        gender=gender,
        birth_year=group.start.year - age,
        birth_region=region,
        education=education,
        swedish_level=level,
        referral=referral,
        support_at_start=support,
        start_date=group.start,
        score=score,
    )


def _assign_fs_exits(rng: random.Random, group: _Group, members: list[_Person]) -> None:
    """Set exit dates, reasons, outcomes and support at exit for one group."""
    if group.script:
        # Scripted outcomes go to the members in order of readiness (best first); in a
        # running group only the scripted early exits happen, the rest are ongoing.
        ranked = sorted(members, key=lambda p: p.score, reverse=True)
        if group.ongoing:
            ranked = sorted(members, key=lambda p: p.score)  # the leaver is drawn low
        for person, (reason, outcome) in zip(ranked, group.script, strict=False):
            _set_exit(rng, group, person, reason, outcome)
        return
    if group.ongoing:
        return
    for person in members:
        if rng.random() < 0.2:
            reason = _weighted(
                rng,
                {
                    "social_reasons": 30,
                    "moved": 20,
                    "employment": 20,
                    "health": 15,
                    "parental_leave": 10,
                    "other": 5,
                },
            )
            outcome = {
                "moved": "unknown",
                "employment": "employment",
                "health": "inactive",
                "parental_leave": "inactive",
            }.get(reason, "job_seeking")
            if reason == "other":
                outcome = "other_programme"
        else:
            reason = "completed"
            p = 1 / (1 + math.exp(-person.score))
            if rng.random() < p:
                # Extratjänster started in the autumn of 2020 (seed 000); before that
                # subsidised jobs were rarer and came as nystartsjobb.
                weights = (
                    {"employment": 35, "subsidised_employment": 40, "studies": 25}
                    if group.start >= date(2020, 8, 1)
                    else {"employment": 45, "subsidised_employment": 20, "studies": 35}
                )
                outcome = _weighted(rng, weights)
            else:
                outcome = _weighted(
                    rng, {"work_practice": 40, "job_seeking": 50, "other_programme": 10}
                )
        _set_exit(rng, group, person, reason, outcome)


def _set_exit(
    rng: random.Random, group: _Group, person: _Person, reason: str, outcome: str
) -> None:
    person.exit_reason = reason
    person.outcome_at_exit = outcome
    if reason == "completed":
        person.end_date = group.end
    else:
        weeks = rng.randint(2, 10)
        person.end_date = min(
            group.start + timedelta(weeks=weeks, days=rng.randint(0, 4)), group.end
        )
        if reason == "parental_leave":
            person.end_date = group.end - timedelta(days=rng.randint(7, 20))  # near the end
        if group.ongoing:
            person.end_date = group.start + timedelta(days=24)  # moved in September
    person.support_at_exit = _support_after(rng, outcome, person.support_at_start)


def _support_after(rng: random.Random, outcome: str, before: str) -> str:
    """Means of support that goes with an activity (transfers follow the status)."""
    if outcome in ("employment", "subsidised_employment"):
        return "wage"
    if outcome == "studies":
        # Some keep aktivitetsstöd while studying (seed 002), most move to CSN.
        return "student_aid" if rng.random() < 0.7 else "activity_support"
    if outcome == "work_practice":
        return "activity_support" if before != "social_assistance" else before
    if outcome == "inactive":
        return _weighted(rng, {"sickness_benefit": 40, "unknown": 40, "social_assistance": 20})
    if outcome == "unknown":
        return "unknown"
    if outcome == "other_programme":
        return "activity_support"
    return before if before != "none" else "social_assistance"


# Transitions of activity status from one follow-up to the next (rough, invented).
_TRANSITIONS = {
    "employment": {"employment": 85, "job_seeking": 15},
    "subsidised_employment": {"subsidised_employment": 75, "employment": 15, "job_seeking": 10},
    "studies": {"studies": 80, "employment": 10, "job_seeking": 10},
    "work_practice": {
        "employment": 20,
        "subsidised_employment": 25,
        "work_practice": 15,
        "job_seeking": 40,
    },
    "job_seeking": {
        "job_seeking": 55,
        "work_practice": 15,
        "subsidised_employment": 12,
        "employment": 12,
        "studies": 6,
    },
    "other_programme": {"other_programme": 50, "job_seeking": 50},
    "inactive": {"inactive": 60, "job_seeking": 40},
}


# Etableringsspåret's participants were closer to the labour market (seed 003: chosen as
# "närmast arbetsmarknaden", with employers wanting to keep them): jobs last longer.
_ES_TRANSITIONS = {
    "employment": {"employment": 92, "job_seeking": 8},
    "subsidised_employment": {"subsidised_employment": 40, "employment": 45, "job_seeking": 15},
    "studies": {"studies": 75, "employment": 20, "job_seeking": 5},
    "work_practice": {"employment": 30, "subsidised_employment": 30, "job_seeking": 40},
    "job_seeking": {
        "job_seeking": 45,
        "employment": 20,
        "subsidised_employment": 15,
        "studies": 10,
        "work_practice": 10,
    },
    "other_programme": {"other_programme": 50, "job_seeking": 50},
    "inactive": {"inactive": 60, "job_seeking": 40},
}


def _fill_follow_up(
    rng: random.Random,
    person: _Person,
    as_of: date,
    transitions: dict[str, dict[str, int]] = _TRANSITIONS,
) -> None:
    """Follow-ups at 6 and 12 months where due by the export date, with attrition."""
    if person.end_date is None or person.outcome_at_exit in (None, "unknown"):
        return  # ongoing, or moved away: nobody to follow up
    if _add_months(person.end_date, 6) <= as_of and rng.random() < 0.8:
        person.outcome_6m = _weighted(rng, transitions[person.outcome_at_exit])
        person.support_6m = _support_after(rng, person.outcome_6m, person.support_at_start)
    if _add_months(person.end_date, 12) <= as_of:
        base = person.outcome_6m or person.outcome_at_exit
        if rng.random() < (0.75 if person.outcome_6m else 0.3):
            person.outcome_12m = _weighted(rng, transitions[base])
            person.support_12m = _support_after(rng, person.outcome_12m, person.support_at_start)


def _fill_self_assessment(rng: random.Random, person: _Person) -> None:
    """Self-assessed distance to the labour market, 1–10, at start and at the end."""
    if rng.random() < 0.9:
        person.self_assessment_start = rng.randint(2, 6)
    if person.end_date is None or person.self_assessment_start is None:
        return
    answered = rng.random() < (0.88 if person.exit_reason == "completed" else 0.2)
    if answered:
        change = rng.choice((-1, 0, 0, 1, 1, 2, 2, 3))
        person.self_assessment_end = _clamp(person.self_assessment_start + change, 1, 10)


def _choose_fs_words(rng: random.Random, person: _Person) -> None:
    """Pick the export's words; Klippan's administrator writes some aliases and YYYYMMDD."""
    klippan = person.municipality == "Klippan"
    # Most rows follow the municipality's habit, a few were typed by someone else.
    compact = klippan != (rng.random() < 0.08)
    person.words["date_style"] = "compact" if compact else "iso"
    person.words["referral_alias"] = "yes" if klippan and rng.random() < 0.3 else ""
    person.words["support_alias"] = "yes" if klippan and rng.random() < 0.4 else ""


def _participant_row(person: _Person) -> list[str]:
    def date_text(value: date | None) -> str:
        if value is None:
            return ""
        if person.words.get("date_style") == "compact":
            return value.strftime("%Y%m%d")
        return value.isoformat()

    def support(code: str | None) -> str:
        if code is None:
            return ""
        if code == "social_assistance" and person.words.get("support_alias"):
            return SV_ALIASES[("support", code)]
        return SV_SUPPORT[code]

    def outcome(code: str | None) -> str:
        if code is None:
            return ""
        if code == "subsidised_employment" and person.start_date < date(2020, 8, 1):
            return SV_ALIASES[("outcome", code)]
        if code == "inactive":
            return _INACTIVE_WORDS.get(person.exit_reason or "", "Ej i arbetskraften")
        return SV_OUTCOME[code]

    referral = SV_REFERRAL[person.referral]
    if person.words.get("referral_alias"):
        referral = SV_ALIASES[("referral", person.referral)]
    return [
        person.participant_id,
        person.project,
        str(person.group),
        person.municipality,
        SV_GENDER[person.gender],
        str(person.birth_year),
        person.birth_region,
        SV_EDUCATION[person.education],
        person.swedish_level,
        referral,
        support(person.support_at_start),
        date_text(person.start_date),
        date_text(person.end_date),
        SV_EXIT_REASON[person.exit_reason] if person.exit_reason else "",
        outcome(person.outcome_at_exit),
        support(person.support_at_exit),
        outcome(person.outcome_6m),
        outcome(person.outcome_12m),
        support(person.support_6m),
        support(person.support_12m),
        _int_text(person.self_assessment_start),
        _int_text(person.self_assessment_end),
    ]


def _forsta_steget_funnel(seed: int) -> list[list[str]]:
    """Recruitment funnel per group, counted backwards from the number who started."""
    rng = random.Random(f"{seed}/forsta_steget_funnel")
    rows = []
    for group in FORSTA_STEGET_GROUPS:
        started = group.size
        interviewed = started + rng.randint(0, 3)
        booked = interviewed + rng.randint(0, 2)
        info = booked + rng.randint(0, 3)
        invited = info + rng.randint(2, 6)
        if group.municipality == "Klippan" and group.number == 5:
            # Seed 002: in Klippan many who said yes were then placed elsewhere by AF.
            invited, info, booked, interviewed = 31, 24, 20, 18
        rows.append(
            [
                FORSTA_STEGET,
                str(group.number),
                group.municipality,
                *(str(n) for n in (invited, info, booked, interviewed, started)),
            ]
        )
    return rows


def _forsta_steget_finance_rows() -> list[list[str]]:
    rows = []
    for municipality, periods in FORSTA_STEGET_FINANCE.items():
        for period, granted, invoiced, forecast in periods:
            rows.append(
                [
                    FORSTA_STEGET,
                    municipality,
                    period,
                    format_sek(granted),
                    format_sek(invoiced),
                    format_sek(forecast),
                ]
            )
    return rows


def _etableringssparet_finance_rows() -> list[list[str]]:
    # Another system: plain integers, blank where there is no forecast.
    return [
        [ETABLERINGSSPARET, ES_FUNDER, period, str(g), str(i), "" if f is None else str(f)]
        for period, g, i, f in ETABLERINGSSPARET_FINANCE
    ]


# --- Etableringsspåret -----------------------------------------------------------------
# Seed 003, Bilaga 1: gender split and age range of groups 1–3 (group 3 with the two
# women who left); groups 4–5 invented.
class _GroupFrame(TypedDict):
    men: int  # how many of the group are men
    age: tuple[int, int]  # youngest and oldest
    regions: tuple[str, ...]  # one region of birth per person, shuffled


_ES_GROUP_FRAME: dict[int, _GroupFrame] = {
    1: {"men": 3, "age": (25, 51), "regions": ("Afrika",) * 4 + ("Asien",) * 2},
    2: {"men": 2, "age": (23, 33), "regions": ("Afrika",) * 3 + ("Asien",) * 2},
    3: {"men": 3, "age": (21, 52), "regions": ("Asien",) * 4 + ("Afrika",) * 3},
    4: {"men": 3, "age": (22, 48), "regions": ("Asien",) * 3 + ("Afrika",) * 3},
    5: {
        "men": 2,
        "age": (24, 45),
        "regions": ("Afrika",) * 3 + ("Asien",) * 2 + ("Europa utom Norden",),
    },
}


def build_etableringssparet(seed: int = 2021) -> list[_Person]:
    """Draw the Etableringsspåret participants, with fictitious personnummer."""
    rng = random.Random(f"{seed}/etableringssparet")
    people: list[_Person] = []
    for group in ETABLERINGSSPARET_GROUPS:
        frame = _ES_GROUP_FRAME[group.number]
        genders = ["man"] * frame["men"] + ["woman"] * (group.size - frame["men"])
        regions = list(frame["regions"])
        rng.shuffle(regions)
        low, high = frame["age"]
        ages = [low, high] + [rng.randint(low, high) for _ in range(group.size - 2)]
        rng.shuffle(ages)
        for i in range(group.size):
            level = _weighted(rng, {"B": 20, "C": 50, "D": 30})
            education = _weighted(
                rng, {"primary": 30, "secondary": 35, "tertiary_short": 10, "tertiary": 25}
            )
            score = "BCD".index(level) * 0.6 + rng.gauss(0, 0.8)
            people.append(
                _Person(
                    participant_id=f"ES-{group.number}{i + 1:02d}",
                    project=ETABLERINGSSPARET,
                    group=group.number,
                    municipality=group.municipality,
                    gender=genders[i],
                    birth_year=group.start.year - ages[i],
                    birth_region=regions[i],
                    education=education,
                    swedish_level=level,
                    referral="employment_service",
                    # In etableringen; the wage was paid on top of kept ersättning.
                    support_at_start="establishment_allowance",
                    start_date=group.start,
                    score=score,
                )
            )
    # Group 3's two early leavers (seed 003): two women, a summer job and a move.
    leavers = [p for p in people if p.group == 3 and p.gender == "woman"][:2]
    group3 = ETABLERINGSSPARET_GROUPS[2]
    for person, reason, outcome, weeks in zip(
        leavers, ("employment", "moved"), ("employment", "unknown"), (6, 9), strict=True
    ):
        person.exit_reason, person.outcome_at_exit = reason, outcome
        person.end_date = group3.start + timedelta(weeks=weeks)
        person.support_at_exit = "wage" if outcome == "employment" else "unknown"
    stayers = sorted(
        (p for p in people if p.exit_reason is None), key=lambda p: p.score, reverse=True
    )
    for person, outcome in zip(stayers, _ES_COMPLETED_OUTCOMES, strict=True):
        group = ETABLERINGSSPARET_GROUPS[person.group - 1]
        person.exit_reason, person.outcome_at_exit, person.end_date = (
            "completed",
            outcome,
            group.end,
        )
        before = _weighted(
            rng, {"establishment_allowance": 60, "activity_support": 25, "social_assistance": 15}
        )
        person.support_at_exit = _support_after(rng, outcome, before)
    used: set[str] = set()
    for n, person in enumerate(people):
        _fill_follow_up(rng, person, ETABLERINGSSPARET_AS_OF, _ES_TRANSITIONS)
        _fill_self_assessment(rng, person)
        person.personnummer = _fictitious_personnummer(
            rng, person, used, coordination=(n == 11), hyphen=(n not in (4, 19))
        )
    return people


def _fictitious_personnummer(
    rng: random.Random, person: _Person, used: set[str], coordination: bool, hyphen: bool
) -> str:
    """A made-up personnummer with a valid date and Luhn digit (never a real record)."""
    while True:
        birth = date(person.birth_year, 1, 1) + timedelta(days=rng.randint(0, 364))
        day = birth.day + (60 if coordination else 0)  # samordningsnummer: day + 60
        serial = rng.randint(10, 99) * 10
        # The ninth digit is odd for men and even for women.
        serial += rng.choice((1, 3, 5, 7, 9) if person.gender == "man" else (0, 2, 4, 6, 8))
        nine = f"{birth:%y%m}{day:02d}{serial:03d}"
        number = f"{birth.year}{nine[2:]}"
        text = f"{number[:8]}-{number[8:]}{luhn_digit(nine)}"
        if text not in used:
            used.add(text)
            return text if hyphen else text.replace("-", "")


def _xlsx_bytes(people: Sequence[_Person]) -> bytes:
    """The Etableringsspåret export as a deterministic xlsx (fixed times, stored zip)."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    ws = wb.active
    ws.title = "Deltagare"
    ws.append(list(XLSX_HEADERS))
    for p in people:
        ws.append(
            [
                p.participant_id,
                p.personnummer,
                p.project,
                p.group,
                p.municipality,
                SV_GENDER[p.gender],
                p.birth_year,
                p.birth_region,
                SV_EDUCATION[p.education] or None,
                p.swedish_level,
                SV_REFERRAL[p.referral],
                SV_SUPPORT[p.support_at_start],
                p.start_date,
                p.end_date,
                SV_EXIT_REASON[p.exit_reason] if p.exit_reason else None,
                _xlsx_outcome(p.outcome_at_exit),
                SV_SUPPORT[p.support_at_exit] if p.support_at_exit else None,
                _xlsx_outcome(p.outcome_6m),
                _xlsx_outcome(p.outcome_12m),
                SV_SUPPORT[p.support_6m] if p.support_6m else None,
                SV_SUPPORT[p.support_12m] if p.support_12m else None,
                p.self_assessment_start,
                p.self_assessment_end,
            ]
        )
    for row in ws.iter_rows(min_row=2, min_col=13, max_col=14):
        for cell in row:
            cell.number_format = "yyyy-mm-dd"
    notes = wb.create_sheet("LÄS MIG")
    for line in (
        FICTITIOUS_NOTE,
        "Alla personer, personnummer och utfall är påhittade.",
        "Personnumren är fiktiva: de genereras från födelseåret med giltigt datum och "
        "kontrollsiffra (Luhn) och tillhör inte verkliga personer.",
        "Ramen (gruppernas startdatum och storlek, rekryteringen för grupp 1–3) följer "
        "delrapporten för Etableringsspåret, Västerås, maj 2015.",
    ):
        notes.append([line])
    wb.properties.creator = "insats.sample"
    wb.properties.title = FICTITIOUS_NOTE
    wb.properties.created = XLSX_TIMESTAMP
    wb.properties.modified = XLSX_TIMESTAMP

    raw = io.BytesIO()
    # ExcelWriter directly: save_workbook() would stamp the current time as "modified".
    ExcelWriter(wb, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    # Re-pack with fixed entry times and no compression, so that the bytes depend on
    # neither the clock nor the zlib build (Excel and openpyxl read stored entries).
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst,
    ):
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIMESTAMP)
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def _xlsx_outcome(code: str | None) -> str | None:
    if code is None:
        return None
    # Etableringsspåret's jobs are nystartsjobb (seed 003), not extratjänster.
    if code == "subsidised_employment":
        return SV_ALIASES[("outcome", code)]
    return SV_OUTCOME[code]


# --- README ----------------------------------------------------------------------------
def _readme(seed: int, fs: Sequence[_Person], es: Sequence[_Person]) -> str:
    fs_ongoing = sum(p.end_date is None for p in fs)
    fs_early = sum(p.exit_reason not in (None, "completed") for p in fs)
    es_early = sum(p.exit_reason not in (None, "completed") for p in es)
    es_self = sum(p.support_at_exit in ("wage", "student_aid") for p in es)
    return f"""# Exempeldata — FIKTIVA DATA

**Allt i den här mappen är fiktivt.** Personerna, personnumren, utfallen och beloppen är
påhittade och genererade av `insats.sample.generate_sample` (seed {seed}). Ramen — insatsernas
namn, kommuner, gruppernas startdatum och storlek, rekryteringen i Etableringsspåret grupp
1–3 och några belopp — följer de publicerade rapporterna i projektets seeds, men ingen rad
beskriver en verklig person. Filerna skrivs om exakt likadant med

    insats sample data/sample

(eller `python -c "from insats.sample import generate_sample; generate_sample('data/sample')"`),
och ett test kontrollerar att de incheckade filerna är identiska med en ny generering.
CSV-filerna har ingen kommentarsrad (läsaren väntar rubrikerna på rad 1); den här filen
är deras markering som fiktiva. Xlsx-filen har ett blad "LÄS MIG" med samma besked.

## Första steget (Perstorp och Klippan, 2019–2021)

Exporten är tagen {FORSTA_STEGET_AS_OF.isoformat()}: grupp 6 pågår (tomt slutdatum), och
uppföljning efter 6 och 12 månader finns bara där den hunnit göras, med bortfall.

| Fil | Innehåll | Format |
|---|---|---|
| `{FILE_NAMES["fs_participants"]}` | {len(fs)} deltagare i grupp 1–6 i båda kommunerna, varav {fs_early} avbrott och {fs_ongoing} pågående; ingen personnummerkolumn | `;`, cp1252, svenska rubriker och kodord, datum både `ÅÅÅÅ-MM-DD` och `ÅÅÅÅMMDD` |
| `{FILE_NAMES["fs_finance"]}` | beviljade medel, fakturerade kostnader (ackumulerat) och prognos för året per kommun och tertial 2019-T1–2021-T2; 2019-T3 och Klippan 2021-T2 avviker mer än 10 % | `;`, cp1252, belopp som `1 030 000` |
| `{FILE_NAMES["fs_funnel"]}` | rekryteringstrappan per grupp och kommun | `;`, cp1252 |

Grupp 5 följer tertialrapporten 210501–210831: Klippan 12 vid start, 4 avbrott
(2 sociala skäl, 1 flytt, 1 fick arbete), 4 extratjänster och 4 öppet arbetssökande;
Perstorp 10 deltagare med 5 extratjänster och 2 till studier. Avsiktlig oreda som i
verkliga exporter: alias som "AF", "SFI", "Ekonomiskt bistånd" och "Nystartsjobb",
tomma utbildningsfält, två datumformat i samma fil.

## Etableringsspåret (Västerås, 2015–2016)

Exporten är tagen {ETABLERINGSSPARET_AS_OF.isoformat()}.

| Fil | Innehåll | Format |
|---|---|---|
| `{FILE_NAMES["es_participants"]}` | {len(es)} deltagare i fem grupper (start 2015-01-12, 2015-03-02, 2015-05-04, 2015-09-07, 2015-11-02), {es_early} avbrott; {es_self} av {len(es)} har lön eller studiemedel vid avslut (målet är 75 %) | xlsx, bladet "Deltagare" med riktiga datumceller, bladet "LÄS MIG"; kolumnen **Personnummer** |
| `{FILE_NAMES["es_finance"]}` | beviljat, fakturerat och prognos per år 2014–2016 | `,`, UTF-8 med BOM, heltal |
| `{FILE_NAMES["es_funnel"]}` | rekryteringstrappan; grupp 1–3 enligt delrapportens bilaga 1, grupp 4–5 påhittade | `,`, UTF-8 med BOM |

**Personnumren är fiktiva.** De genereras från födelseåret med ett giltigt datum och en
giltig kontrollsiffra (Luhn) så att inläsningens kontroller prövas på riktigt; de hör inte
till några verkliga personer. Två står utan bindestreck och ett är ett samordningsnummer
(dag + 60). Inläsningen ersätter dem med en nyckelad pseudonym, så rapporten för
Etableringsspåret kräver nyckeln i miljövariabeln `INSATS_PSEUDONYM_KEY`.

## Berättande texter

`narrative/*.md` är utvärderarens egna (fiktiva) texter till rapporterna, skrivna för hand
och inte genererade.
"""


# --- small helpers ---------------------------------------------------------------------
def format_sek(amount: int | None) -> str:
    """Write an amount the Swedish way, with spaces between thousands.

    >>> format_sek(1030000)
    '1 030 000'
    >>> format_sek(None)
    ''
    """
    if amount is None:
        return ""
    return f"{amount:,}".replace(",", " ")


def _csv_bytes(
    headers: Sequence[str], rows: Sequence[Sequence[str]], sep: str, encoding: str
) -> bytes:
    buffer = io.StringIO(newline="")
    # Excel on Windows writes CRLF line ends; quoting only where a field needs it.
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def _weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _int_text(value: int | None) -> str:
    return "" if value is None else str(value)


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clipped to the month's end.

    >>> _add_months(date(2021, 8, 31), 6)
    datetime.date(2022, 2, 28)
    """
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for day_of_month in range(day.day, 27, -1):
        try:
            return date(year, month, day_of_month)
        except ValueError:
            continue
    return date(year, month, min(day.day, 28))


# --- Ny i Västerås (an insats without a participant register) ---------------------------
# Seed 003: mapping of actors, workshops ("ett 50-tal personer från en rad olika
# aktörer"), working groups and pilots in six phases from 1 June 2014; 1 930 000 kr a
# year for two years (3 860 000 kr), 302 000 kr used in 2014 and 171 000 kr of 2015's
# 1 930 000 kr by April 2015. Every activity, date and count below is invented.
NY_I_VASTERAS = "Ny i Västerås"
NY_I_VASTERAS_AS_OF = date(2015, 6, 30)
NIV_FILE_NAMES = {
    "niv_activities": "ny_i_vasteras_aktiviteter.csv",
    "niv_goals": "ny_i_vasteras_mal.csv",
    "niv_finance": "ny_i_vasteras_ekonomi.csv",
}
NIV_ACTIVITY_HEADERS = (
    "Insats", "Aktivitet", "Typ", "Datum", "Fas", "Antal deltagare", "Kvinnor", "Män",
    "Antal aktörer", "Kommentar",
)  # fmt: skip
# (activity, kind word, date, phase, attendees, women, men, organisations, note)
NIV_ACTIVITIES: tuple[tuple, ...] = (
    ("Styrgruppsmöte, uppstart", "Styrgrupp", "2014-06-05", "Fas 1", 9, None, None, 6, ""),
    (
        "Utbildning i projektmetoden PEJL",
        "Utbildning",
        "2014-06-24",
        "Fas 1",
        12,
        None,
        None,
        4,
        "",
    ),
    ("Studiebesök Uppsala kommun", "Studiebesök", "2014-08-14", "Fas 1", 4, 3, 1, 1, ""),
    ("Styrgruppsmöte, mål och syfte", "Styrgrupp", "2014-08-28", "Fas 1", 9, None, None, 6, ""),
    (
        "Kartläggning: myndigheter",
        "Kartläggning",
        "2014-09-16",
        "Fas 2",
        11,
        None,
        None,
        5,
        "FK, Migrationsverket, AF, landstinget",
    ),
    (
        "Kartläggning: kommunens verksamheter",
        "Kartläggning",
        "2014-09-30",
        "Fas 2",
        14,
        None,
        None,
        9,
        "",
    ),
    (
        "Kartläggning: studieförbund och folkhögskolor",
        "Kartläggning",
        "2014-10-14",
        "Fas 2",
        10,
        None,
        None,
        8,
        "",
    ),
    ("Kartläggning: trossamfund", "Kartläggning", "2014-10-28", "Fas 2", 9, None, None, 7, ""),
    (
        "Kartläggning: politiska föreningar",
        "Kartläggning",
        "2014-11-11",
        "Fas 2",
        8,
        None,
        None,
        6,
        "",
    ),
    ("Styrgruppsmöte, lägesrapport", "Styrgrupp", "2014-11-20", "Fas 2", 9, None, None, 6, ""),
    (
        "Kartläggning: andra kommuner",
        "Kartläggning",
        "2014-12-02",
        "Fas 2",
        6,
        None,
        None,
        6,
        "Telefon- och videomöten",
    ),
    (
        "Kartläggning: föreningar, del 1",
        "Kartläggning",
        "2015-01-20",
        "Fas 2",
        17,
        None,
        None,
        12,
        "",
    ),
    (
        "Kartläggning: föreningar, del 2",
        "Kartläggning",
        "2015-02-03",
        "Fas 2",
        15,
        None,
        None,
        11,
        "",
    ),
    (
        "Styrgruppsmöte, beslut om mötesplatser",
        "Styrgrupp",
        "2015-02-12",
        "Fas 2",
        9,
        None,
        None,
        6,
        "Bäckbyhuset och Hjärtpunkt Skiljebo",
    ),
    (
        "Informationsträff Hjärtpunkt Skiljebo",
        "Informationsträff",
        "2015-03-24",
        "Fas 3",
        16,
        9,
        7,
        6,
        "",
    ),
    ("Arbetsgrupp Bäckby, start", "Arbetsgrupp", "2015-04-09", "Fas 3", 7, 4, 3, 5, ""),
    (
        "Workshop Bäckby",
        "Workshop",
        "2015-04-28",
        "Fas 3",
        52,
        31,
        21,
        23,
        "Utvärdering efter workshopen",
    ),
    ("Workshop Hjärtpunkt Skiljebo", "Workshop", "2015-05-26", "Fas 3", 47, 26, 21, 19, ""),
    ("Arbetsgrupp Skiljebo, start", "Arbetsgrupp", "2015-06-11", "Fas 3", 8, 5, 3, 6, ""),
)
NIV_GOAL_HEADERS = (
    "Insats", "Mål", "Måltyp", "Måldatum", "Status", "Indikator", "Utfall", "Belägg",
)  # fmt: skip
# The goals of seed 003 ("Projektets mål"), with invented status, dates and evidence.
NIV_GOALS: tuple[tuple, ...] = (
    ("Fler invandrare har större kunskap och förståelse om hur det är att leva i Västerås",
     "Effektmål", "2016-05-31", "Pågår", "", "", "Följs upp i fas 5"),
    ("Genomföra kartläggning av pågående verksamhet kring integration bland myndigheter, "
     "intresseorganisationer och föreningar", "Produktmål", "2015-02-28", "Uppnått",
     "antal aktörer kartlagda ≥ 100", "112", "Redovisad för styrgruppen 12 februari 2015; "
     "kartläggningen hålls aktuell under hela projekttiden"),
    ("Ta fram planer och förslag för individuell vägledning på olika språk, med tidsplan och "
     "genomförda pilotprojekt", "Leveransmål", "2016-01-31", "Pågår", "", "",
     "Arbetsgrupper bildas på Bäckby och Skiljebo; pilotprojekten startar i fas 4"),
    ("Ta fram information om aktörer som arbetar med integrationsfrågor i Västerås, på "
     "olika språk", "Produktmål", "2015-12-31", "Pågår", "antal språk ≥ 5", "2", ""),
    ("Stötta och utveckla stadens informations- och kommunikationskanaler för att nå "
     "målgruppen", "Leveransmål", "2016-03-31", "Ej påbörjat", "", "", ""),
    ("Skriven slutrapport med projektets resultat och planer för hur insatser ska utvecklas "
     "och samordnas", "Leveransmål", "2016-05-31", "Ej påbörjat", "", "", ""),
)  # fmt: skip
NIV_FINANCE_HEADERS = ES_FINANCE_HEADERS
NIV_FUNDER = "Social resursfond"
# (period, granted, invoiced so far, forecast for the year) — seed 003's amounts.
NIV_FINANCE = (
    ("2014", 1_930_000, 302_000, 302_000),
    ("2015-T1", 1_930_000, 171_000, 1_930_000),
)


def generate_ny_i_vasteras(out_dir: Path) -> list[Path]:
    """Write the fictitious Ny i Västerås files (activities, goals, finance) to ``out_dir``.

    Returns:
        The paths written: activities, goals and finance CSVs (``;``, UTF-8 with BOM).
    """

    def n(value: int | None) -> str:
        return "" if value is None else str(value)

    activities = [
        [NY_I_VASTERAS, a, kind, day, phase, n(att), n(w), n(m), n(org), note]
        for a, kind, day, phase, att, w, m, org, note in NIV_ACTIVITIES
    ]
    goals = [[NY_I_VASTERAS, *row] for row in NIV_GOALS]
    finance = [
        [NY_I_VASTERAS, NIV_FUNDER, period, format_sek(g), format_sek(i), format_sek(f)]
        for period, g, i, f in NIV_FINANCE
    ]
    contents = {
        "niv_activities": _csv_bytes(NIV_ACTIVITY_HEADERS, activities, ";", "utf-8-sig"),
        "niv_goals": _csv_bytes(NIV_GOAL_HEADERS, goals, ";", "utf-8-sig"),
        "niv_finance": _csv_bytes(NIV_FINANCE_HEADERS, finance, ";", "utf-8-sig"),
    }
    written = []
    for key, data in contents.items():
        path = Path(out_dir) / NIV_FILE_NAMES[key]
        path.write_bytes(data)
        written.append(path)
    return written


def _ny_i_vasteras_readme() -> str:
    attendees = sum(row[4] or 0 for row in NIV_ACTIVITIES)
    return f"""
## Ny i Västerås (Västerås, 2014–2016) — utan deltagarregister

Exporten är tagen {NY_I_VASTERAS_AS_OF.isoformat()}. Insatsen har inget deltagarregister
(en "strukturövergripande" insats): den redovisar aktiviteter, deltagande och mål. Ramen —
sex faser från 1 juni 2014, kartläggningen av aktörer, workshopen på Bäckby med ett
50-tal deltagare, målen och beloppen — följer delrapporten i seed 003; varje aktivitet,
datum och antal är påhittat.

| Fil | Innehåll | Format |
|---|---|---|
| `{NIV_FILE_NAMES["niv_activities"]}` | {len(NIV_ACTIVITIES)} aktiviteter i fas 1–3 med sammanlagt {attendees} deltagare; kön bara för några aktiviteter (en med 4 deltagare, som röjandeskyddet döljer) | `;`, UTF-8 med BOM |
| `{NIV_FILE_NAMES["niv_goals"]}` | projektets {len(NIV_GOALS)} mål (effekt-, produkt- och leveransmål) med status, måldatum, indikator och belägg | `;`, UTF-8 med BOM |
| `{NIV_FILE_NAMES["niv_finance"]}` | beviljat 1 930 000 kr per år, använt 302 000 kr 2014 och 171 000 kr till och med april 2015 | `;`, UTF-8 med BOM |
"""
