"""What-if scenarios: the same cohort under other assumptions, side by side."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from insats.params import ReportParameters, validate_parameters
from insats.socioeconomic.account import build_account


@dataclass
class ScenarioComparison:
    """Net present value, payback and break-even per scenario and actor.

    Attributes:
        frame: one row per scenario and actor: ``scenario``, ``actor``, ``npv_sek``,
            ``payback_years`` (NaN = not within the horizon), ``break_even_participants``,
            ``probability_positive``.
        changes: scenario name -> the parameters changed from the base.
    """

    frame: pd.DataFrame
    changes: dict[str, dict[str, Any]]

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def _repr_html_(self) -> str:
        # lazy hook: presentation lives in report/sections
        from insats.report.sections.socioeconomic import repr_scenarios_html

        return repr_scenarios_html(self)


def compare_scenarios(
    df: pd.DataFrame,
    params: ReportParameters,
    scenarios: Mapping[str, Mapping[str, Any]],
    *,
    investment_sek: float,
) -> ScenarioComparison:
    """Build the account once per scenario: the base parameters with some keys changed.

    Args:
        df: the canonical participants frame (exited participants).
        params: the base parameters.
        scenarios: scenario name -> parameter changes, e.g. ``{"Dödvikt 30 %":
            {"deadweight": 0.3}}``; every change is validated like a parameters file.
        investment_sek: the investment in kronor.

    Returns:
        A :class:`ScenarioComparison` (the base is the first row, named "base").
    """
    rows = []
    changes: dict[str, dict[str, Any]] = {"base": {}} | {
        name: dict(change) for name, change in scenarios.items()
    }
    for name, change in changes.items():
        variant = validate_parameters(
            {**params.model_dump(), **change}, source=f"scenario {name!r}"
        )
        account = build_account(df, variant, investment_sek=investment_sek)
        data = account.key_figures()  # money, not person counts: nothing hidden
        for actor, npv in data["npv_sek"].items():
            rows.append(
                {
                    "scenario": name,
                    "actor": actor,
                    "npv_sek": npv,
                    "payback_years": data["payback_years"].get(actor),
                    "break_even_participants": data["break_even_participants"].get(actor),
                    "probability_positive": data["probability_positive"].get(actor),
                }
            )
    return ScenarioComparison(
        frame=pd.DataFrame(rows).astype({"payback_years": float}), changes=changes
    )
