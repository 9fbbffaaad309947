"""SUS's sysselsättning före (``activity_before``) sets the counterfactual (issue 11).

Fictitious rows built in code. A person who already worked at start (SUS: "arbete")
and works after the insats gained no work from it: the counterfactual is work too, so
the account books no production for them.
"""

import pandas as pd

from insats.socioeconomic.engine import assign_statuses


def _people(activity_before):
    n = len(activity_before)
    return pd.DataFrame(
        {
            "participant_id": [f"p{i}" for i in range(n)],
            "start_date": pd.to_datetime(["2021-01-04"] * n),
            "end_date": pd.to_datetime(["2021-05-28"] * n),
            "exit_reason": ["completed"] * n,
            "support_at_start": ["social_assistance"] * n,
            "outcome_at_exit": ["employment"] * n,
            "support_at_exit": ["wage"] * n,
            "activity_before": activity_before,
        }
    )


def test_activity_before_sets_the_counterfactual_outcome():
    statuses = assign_statuses(_people(["work", "job_seeking", pd.NA, "other"]))
    # work -> employment; job seeking and unknown/other -> the default from the support
    assert statuses["start_outcome"].tolist() == [
        "employment",
        "job_seeking",
        "job_seeking",
        "job_seeking",
    ]


def test_without_the_column_the_support_decides():
    frame = _people(["work"]).drop(columns="activity_before")
    assert assign_statuses(frame)["start_outcome"].tolist() == ["job_seeking"]
