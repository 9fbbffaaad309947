"""Benchmark: the socio-economic status assignment at 100 000 participants.

Prints the time of ``assign_statuses`` (column-wise, with the staged after statuses of
issue 10 item 8) against the per-row ``DataFrame.iterrows`` implementation it replaced
(issue 14), both measured in this run on the same synthetic cohort, and the ratio. The
baseline is the previous implementation copied below verbatim (commit b1f8fdf) rather
than imported from git history, so the bench runs from any checkout; the run also checks
that both give the same counterfactual, latest after status, effect and success for
every participant (the baseline has no stages), so the ratio compares equal work.

A script, not a test: ``.venv/bin/python bench/bench_engine.py [--persons N]``.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import pandas as pd

from insats.cohort.schema import SELF_SUFFICIENT_SUPPORT
from insats.socioeconomic.engine import (
    ACTIVITY_OUTCOME,
    MISSING_CODES,
    PRODUCING_OUTCOMES,
    START_OUTCOME,
    assign_statuses,
)

COMPARED = [
    "start_outcome",
    "start_support",
    "after_outcome",
    "after_support",
    "after_source",
    "has_effect",
    "effect_month",
    "start_month",
    "is_success",
]


def synthetic_cohort(n: int, seed: int = 1) -> pd.DataFrame:
    """A fictitious cohort: mixed supports, outcomes, early exits, ongoing persons, and
    6- and 12-month follow-ups that are partly missing."""
    rng = np.random.default_rng(seed)
    supports = np.array(
        ["social_assistance", "establishment_allowance", "activity_support", "none", "unknown"]
    )
    outcomes = np.array(
        ["employment", "subsidised_employment", "studies", "work_practice", "job_seeking", ""]
    )
    start = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    end = start + pd.to_timedelta(rng.integers(60, 400, n), unit="D")
    end = end.where(rng.random(n) > 0.1)  # 10 % still enrolled

    def point(p_missing: float) -> tuple[np.ndarray, np.ndarray]:
        outcome = outcomes[rng.integers(0, len(outcomes), n)].astype(object)
        support = np.where(
            np.isin(outcome, ["employment", "subsidised_employment"]),
            "wage",
            supports[rng.integers(0, 4, n)],
        ).astype(object)
        support[rng.random(n) < 0.2] = None
        gone = rng.random(n) < p_missing
        outcome[gone], support[gone] = None, None
        return outcome, support

    o0, s0 = point(0.1)
    o6, s6 = point(0.4)
    o12, s12 = point(0.6)
    return pd.DataFrame(
        {
            "participant_id": [f"B{i:06d}" for i in range(n)],
            "support_at_start": supports[rng.integers(0, len(supports), n)],
            "activity_before": np.where(rng.random(n) < 0.3, "studies", None),
            "start_date": start,
            "end_date": end,
            "exit_reason": np.where(rng.random(n) < 0.8, "completed", "moved"),
            "outcome_at_exit": o0,
            "support_at_exit": s0,
            "outcome_6m": o6,
            "support_6m": s6,
            "outcome_12m": o12,
            "support_12m": s12,
            "work_extent": np.where(rng.random(n) < 0.5, 0.75, np.nan),
        }
    )


def _known(value: object) -> bool:
    return value is not None and not pd.isna(value) and str(value) not in MISSING_CODES


def _code(value: object, default: str = "unknown") -> str:
    return str(value) if _known(value) else default


def legacy_assign_statuses(df: pd.DataFrame) -> pd.DataFrame:
    """The per-row implementation before the stages (commit b1f8fdf), kept as baseline.

    Args:
        df: canonical participants (support_at_start, end_date, exit_reason,
            outcome_at_exit, support_at_exit, outcome/support_6m, outcome/support_12m,
            start_date).

    Returns:
        One row per participant (same index) with ``start_outcome``, ``start_support``,
        ``after_outcome``, ``after_support``, ``after_source`` (12m, 6m, exit, none),
        ``has_effect`` (bool), ``effect_month`` (months from the account's first month
        to the month of exit; -1 without effect), ``start_month`` (months from the
        account's first month to the person's start), ``work_extent`` (share of full
        time after the insats; NaN = unknown) and ``is_success`` (counterfactual not
        self-sufficient, after status self-sufficient). A participant whose support at
        start is unknown has no counterfactual and so no effect (``after_source``
        ``unknown_start``).
    """
    if df.empty:
        return pd.DataFrame(
            columns=[
                "start_outcome",
                "start_support",
                "after_outcome",
                "after_support",
                "after_source",
                "has_effect",
                "effect_month",
                "start_month",
                "work_extent",
                "is_success",
            ]
        )
    start = pd.to_datetime(df["start_date"])
    first = start.min()
    end = pd.to_datetime(df["end_date"])
    records = []
    for idx, row in df.iterrows():
        start_support = _code(row.get("support_at_start"))
        start_outcome = START_OUTCOME.get(start_support, "job_seeking")
        activity = row.get("activity_before")
        if _known(activity) and str(activity) in ACTIVITY_OUTCOME:
            start_outcome = ACTIVITY_OUTCOME[str(activity)]
        after_outcome, after_support, source = start_outcome, start_support, "none"
        has_effect = False
        is_ongoing = pd.isna(end.loc[idx])
        is_early = _known(row.get("exit_reason")) and row.get("exit_reason") != "completed"
        if not is_ongoing:
            for label, o_col, s_col in (
                ("12m", "outcome_12m", "support_12m"),
                ("6m", "outcome_6m", "support_6m"),
                ("exit", "outcome_at_exit", "support_at_exit"),
            ):
                outcome, support = row.get(o_col), row.get(s_col)
                if not (_known(outcome) or _known(support)):
                    continue
                if is_early and not _known(outcome):
                    break  # an early exit with unknown outcome is never an improvement
                if _known(outcome):
                    after_outcome = str(outcome)
                else:
                    after_outcome = {"wage": "employment", "student_aid": "studies"}.get(
                        str(support), "job_seeking"
                    )
                if _known(support):
                    after_support = str(support)
                elif after_outcome in PRODUCING_OUTCOMES:
                    after_support = "wage"
                elif after_outcome == "studies":
                    after_support = "student_aid"
                else:
                    after_support = start_support
                source, has_effect = label, True
                break
        if not has_effect:
            after_outcome, after_support = start_outcome, start_support
        elif start_support == "unknown":
            # no counterfactual to compare with: the after status is kept for the
            # transitions table, but no effect and no success are booked
            source, has_effect = "unknown_start", False
        month = -1
        if has_effect:
            month = (end.loc[idx].year - first.year) * 12 + (end.loc[idx].month - first.month)
            month = max(int(month), 0)
        extent = row.get("work_extent")
        extent = float(extent) if _known(extent) else float("nan")
        begin = start.loc[idx]
        start_month = (begin.year - first.year) * 12 + (begin.month - first.month)
        records.append(
            {
                "start_outcome": start_outcome,
                "start_support": start_support,
                "after_outcome": after_outcome,
                "after_support": after_support,
                "after_source": source,
                "has_effect": has_effect,
                "effect_month": month,
                "start_month": int(start_month),
                "work_extent": extent,
                "is_success": bool(
                    has_effect
                    and after_support in SELF_SUFFICIENT_SUPPORT
                    and start_support not in SELF_SUFFICIENT_SUPPORT
                ),
            }
        )
    return pd.DataFrame.from_records(records, index=df.index)


def best_of(fn, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    df = synthetic_cohort(args.persons)
    t_new, new = best_of(lambda: assign_statuses(df), args.repeats)
    t_old, old = best_of(lambda: legacy_assign_statuses(df), 1)
    same = new[COMPARED].astype(object).equals(old[COMPARED].astype(object))
    extent_same = np.allclose(
        new["work_extent"].to_numpy(float), old["work_extent"].to_numpy(float), equal_nan=True
    )
    print(f"assign_statuses on {args.persons} participants")
    print(f"  per row (iterrows, baseline, 1 run):   {t_old:8.3f} s")
    print(f"  column-wise (best of {args.repeats}):             {t_new:8.3f} s")
    print(f"  ratio baseline / column-wise:          {t_old / t_new:8.1f} x")
    print(f"  same statuses as the baseline:         {same and extent_same}")
    return 0 if (same and extent_same) else 1


if __name__ == "__main__":
    sys.exit(main())
