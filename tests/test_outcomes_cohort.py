"""A small, messy synthetic cohort shared by the outcome tests (fictitious data only)."""

from __future__ import annotations

import pandas as pd

from insats.cohort.schema import PARTICIPANTS


def make_cohort() -> pd.DataFrame:
    """Twelve fictitious participants in three intake groups and two municipalities.

    Mess on purpose: a group of one (Åstorp 2), missing municipality, missing birth
    year, an ongoing participant, an outcome coded ``unknown``, missing self-assessment.
    No personnummer: the canonical frame holds only the export's own ids.
    """
    rows = [
        # id, group, municipality, gender, birth_year, education, referral, start, end,
        # exit_reason, outcome, support_exit, sa_start, sa_end
        (
            "p01",
            "Klippan 1",
            "Klippan",
            "woman",
            1990,
            "primary",
            "employment_service",
            "2021-01-11",
            "2021-02-20",
            "employment",
            "employment",
            "wage",
            3,
            6,
        ),
        (
            "p02",
            "Klippan 1",
            "Klippan",
            "man",
            1985,
            "secondary",
            "employment_service",
            "2021-01-11",
            "2021-04-30",
            "completed",
            "job_seeking",
            "social_assistance",
            4,
            4,
        ),
        (
            "p03",
            "Klippan 1",
            "Klippan",
            "woman",
            2001,
            "secondary",
            "municipality",
            "2021-01-11",
            "2021-03-15",
            "studies",
            "studies",
            "student_aid",
            5,
            7,
        ),
        (
            "p04",
            "Klippan 1",
            None,
            "man",
            None,
            "unknown",
            "employment_service",
            "2021-01-11",
            "2021-04-30",
            "completed",
            "work_practice",
            "social_assistance",
            2,
            5,
        ),
        (
            "p05",
            "Klippan 2",
            "Klippan",
            "woman",
            1978,
            "tertiary",
            "employment_service",
            "2021-05-03",
            "2021-06-10",
            "employment",
            "subsidised_employment",
            "wage",
            6,
            8,
        ),
        (
            "p06",
            "Klippan 2",
            "Klippan",
            "man",
            1969,
            "primary",
            "social_services",
            "2021-05-03",
            "2021-08-27",
            "completed",
            "inactive",
            "sickness_benefit",
            5,
            3,
        ),
        (
            "p07",
            "Klippan 2",
            "Klippan",
            "woman",
            1995,
            "primary",
            "employment_service",
            "2021-05-03",
            "2021-07-01",
            "moved",
            "unknown",
            "unknown",
            None,
            None,
        ),
        (
            "p08",
            "Klippan 2",
            "Klippan",
            "unknown",
            1999,
            "secondary",
            "self",
            "2021-05-03",
            None,
            None,
            None,
            None,
            4,
            None,
        ),
        (
            "p09",
            "Åstorp 1",
            "Åstorp",
            "woman",
            1988,
            "secondary",
            "employment_service",
            "2021-02-01",
            "2021-05-20",
            "completed",
            "employment",
            "wage",
            3,
            5,
        ),
        (
            "p10",
            "Åstorp 1",
            "Åstorp",
            "man",
            1960,
            "primary",
            "employment_service",
            "2021-02-01",
            "2021-05-28",
            "completed",
            "job_seeking",
            "social_assistance",
            6,
            6,
        ),
        (
            "p11",
            "Åstorp 1",
            "Åstorp",
            "woman",
            1993,
            "tertiary_short",
            "municipality",
            "2021-02-01",
            "2021-04-02",
            "health",
            "inactive",
            "sickness_benefit",
            7,
            5,
        ),
        (
            "p12",
            "Åstorp 2",
            "Åstorp",
            "man",
            2003,
            "secondary",
            "employment_service",
            "2021-09-06",
            None,
            None,
            None,
            None,
            5,
            None,
        ),
    ]
    columns = [
        "participant_id",
        "group",
        "municipality",
        "gender",
        "birth_year",
        "education",
        "referral",
        "start_date",
        "end_date",
        "exit_reason",
        "outcome_at_exit",
        "support_at_exit",
        "self_assessment_start",
        "self_assessment_end",
    ]
    df = pd.DataFrame(rows, columns=columns)
    df["project"] = "Första steget"
    df["pseudonym"] = pd.NA
    df["birth_year"] = df["birth_year"].astype("Int64")
    for col in ("self_assessment_start", "self_assessment_end"):
        df[col] = df[col].astype("Int64")
    df["start_date"] = pd.to_datetime(df["start_date"])
    df["end_date"] = pd.to_datetime(df["end_date"])
    for col in ("outcome_6m", "outcome_12m", "support_6m", "support_12m"):
        df[col] = pd.NA
    df["support_at_start"] = "social_assistance"
    df["birth_region"] = pd.NA
    df["swedish_level"] = pd.NA
    df["work_extent"] = float("nan")  # the contract's extent of work (issue 10): unknown
    df["activity_before"] = pd.NA  # SUS sysselsättning (issue 11), not given here
    df["activity_after"] = pd.NA
    df["source_row"] = range(2, len(df) + 2)
    return df


def test_cohort_follows_the_data_contract():
    df = make_cohort()
    canonical = [c for c in PARTICIPANTS.names if c != "personnummer"]
    assert set(canonical) <= set(df.columns)
    assert df["participant_id"].is_unique
