"""Benchmark: the account's Monte Carlo, 10 000 draws on a cohort of 10 000 persons.

Prints the time of the Monte Carlo and the ratio against merely drawing the same random
numbers (both measured in this run), and the end-to-end time of ``build_account``.
A script, not a test: ``.venv/bin/python bench/bench_montecarlo.py``.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from insats.params import ReportParameters
from insats.socioeconomic import build_account, load_catalogue
from insats.socioeconomic.engine import Engine, Rates, Timing, assign_statuses
from insats.socioeconomic.uncertainty import Evaluator, ShareModel, run_monte_carlo

PERSONS = 10_000
DRAWS = 10_000
REPEATS = 5


def synthetic_cohort(n: int, seed: int = 1) -> pd.DataFrame:
    """A fictitious cohort with a mix of supports, outcomes and exit months."""
    rng = np.random.default_rng(seed)
    supports = np.array(
        ["social_assistance", "establishment_allowance", "activity_support", "none", "unknown"]
    )
    outcomes = np.array(
        [
            "employment",
            "subsidised_employment",
            "studies",
            "work_practice",
            "job_seeking",
            "unknown",
        ]
    )
    start = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    end = start + pd.to_timedelta(rng.integers(60, 400, n), unit="D")
    outcome = outcomes[rng.integers(0, len(outcomes), n)]
    support_after = np.where(
        np.isin(outcome, ["employment", "subsidised_employment"]),
        "wage",
        supports[rng.integers(0, 3, n)],
    )
    return pd.DataFrame(
        {
            "participant_id": [f"B{i:05d}" for i in range(n)],
            "support_at_start": supports[rng.integers(0, len(supports), n)],
            "start_date": start,
            "end_date": end,
            "exit_reason": np.where(rng.random(n) < 0.8, "completed", "moved"),
            "outcome_at_exit": outcome,
            "support_at_exit": support_after,
            "outcome_6m": pd.NA,
            "support_6m": pd.NA,
            "outcome_12m": pd.NA,
            "support_12m": pd.NA,
        }
    )


def best_of(fn, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    params = ReportParameters(
        project="Bench",
        period="2024",
        participants_path="x.csv",
        horizon_years=5,
        monte_carlo_draws=DRAWS,
        seed=42,
    )
    df = synthetic_cohort(PERSONS)
    catalogue = load_catalogue(params)
    items = catalogue.items
    rates = Rates(
        params.employer_contribution_rate, params.municipal_tax_rate, params.regional_tax_rate
    )
    t0 = time.perf_counter()
    statuses = assign_statuses(df)
    timing = Timing(params.horizon_years, catalogue.durations())
    engine = Engine.from_statuses(statuses, items, rates, params.split_state, timing=timing)
    prepare = time.perf_counter() - t0
    evaluator = Evaluator(
        engine=engine,
        horizon_years=params.horizon_years,
        discount_rate=params.discount_rate,
        deadweight=0.0,
        attribution=params.attribution,
        displacement=params.displacement,
        drop_off_rate=params.drop_off_rate,
        investment=np.full(len(engine.actors), 1e6),
        amounts=items["amount_sek_per_year"].to_numpy(dtype=float),
    )
    low = items["low_sek_per_year"].to_numpy(dtype=float)
    high = items["high_sek_per_year"].to_numpy(dtype=float)
    shares = ShareModel(successes=3_000, n=PERSONS, deadweight=(0.0, 0.0, 0.1))

    def monte_carlo():
        evaluator._cache.clear()  # include the cohort's exposures in every run
        return run_monte_carlo(
            evaluator,
            low=low,
            high=high,
            shares=shares,
            draws=DRAWS,
            seed=params.seed,
        )

    def draw_only():
        return np.random.default_rng(params.seed).random((DRAWS, len(items) + 2))

    t_mc = best_of(monte_carlo)
    t_draw = best_of(draw_only)
    t0 = time.perf_counter()
    build_account(df, params, investment_sek=5e6, catalogue=catalogue)
    t_full = time.perf_counter() - t0
    print(
        f"cohort {PERSONS} persons, {DRAWS} draws, {len(items)} unit-cost items, "
        f"{len(engine.groups)} status groups, {engine.months} account months"
    )
    print(f"status assignment + grouping (once):  {prepare:8.3f} s")
    print(f"Monte Carlo (best of {REPEATS}):           {t_mc:8.4f} s")
    print(f"drawing the random numbers only:      {t_draw:8.4f} s")
    print(f"ratio Monte Carlo / drawing:          {t_mc / t_draw:8.1f}")
    print(f"build_account end to end:             {t_full:8.3f} s")


if __name__ == "__main__":
    main()
