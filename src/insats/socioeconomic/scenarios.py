"""What-if scenarios: the same cohort under other assumptions, side by side."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from insats.params import ReportParameters, validate_parameters
from insats.report.context import RenderContext
from insats.socioeconomic.model import build_account


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

    def render(self, ctx):
        wide = self.frame.pivot(index="scenario", columns="actor", values="npv_sek")
        wide = wide.reindex(list(self.changes))
        shown = wide.map(ctx.sek)
        shown.index.name = ctx.t("socioeconomic.scenarios.scenario")
        shown.columns = [
            ctx.t(f"socioeconomic.actor.{a}") if ctx.labels.has(f"socioeconomic.actor.{a}") else a
            for a in shown.columns
        ]
        payback = self.frame.loc[self.frame["actor"] == "society"].set_index("scenario")[
            "payback_years"
        ]
        shown[ctx.t("socioeconomic.scenarios.payback")] = [
            ctx.years(payback.get(name))
            if pd.notna(payback.get(name))
            else ctx.t("build.summary.not_within_horizon")
            for name in shown.index
        ]
        return ctx.table(shown, ctx.t("socioeconomic.scenarios.caption"))

    def _repr_html_(self) -> str:
        return self.render(RenderContext())._repr_html_()


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
    changes = {"base": {}} | {name: dict(change) for name, change in scenarios.items()}
    for name, change in changes.items():
        variant = validate_parameters(
            {**params.model_dump(), **change}, source=f"scenario {name!r}"
        )
        account = build_account(df, variant, investment_sek=investment_sek)
        # money, not person counts: an internal context hides nothing here
        data = account.figure_data(RenderContext())
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
