"""Product goals: effekt-, produkt- and leveransmål with status, target date and evidence.

Seed 003 lists Ny i Västerås's goals as deliverables ("Genomföra kartläggning …",
"Skriven slutrapport") and Etableringsspåret's *produktmål* beside its effect goals;
seed 000's tertial report has "Måluppfyllelse leveransmål". A goal comes from the
``product_goals`` list of the parameters or from a ``product_goals_path`` table; both may
be given (the list first). A goal's status is what the evaluator states; when it has a
measurable indicator with a target and a value, the report also says whether the value
reaches the target. Goals are not counts of persons: nothing here is suppressed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from insats.cohort.activities import PRODUCT_GOAL_COLUMNS, parse_indicator_target, split_indicator
from insats.cohort.activity_schema import GOAL_STATUS

__all__ = ["STATUSES", "ProductGoals", "collect_product_goals", "goal_text", "indicator_met"]

STATUSES = tuple(GOAL_STATUS)  # not_started, in_progress, achieved, not_achieved


def goal_text(value: object) -> str:
    """A text cell as a string, empty for None or NaN."""
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def indicator_met(comparator: str | None, target: float | None, value: float | None) -> bool | None:
    """Whether an indicator's value reaches its target; None when either is missing.

    >>> indicator_met(">=", 100, 112), indicator_met(">=", 100, 99), indicator_met("<", 5, None)
    (True, False, None)
    """
    if comparator is None or target is None or value is None or pd.isna(target) or pd.isna(value):
        return None
    value, target = float(value), float(target)
    return {
        ">=": value >= target,
        ">": value > target,
        "<=": value <= target,
        "<": value < target,
        "=": value == target,
    }[comparator]


def _from_parameters(goals: list[Any] | None) -> pd.DataFrame:
    rows = []
    for goal in goals or []:
        data = goal if isinstance(goal, dict) else goal.model_dump()
        indicator, inline = (
            split_indicator(data["indicator"]) if data.get("indicator") else (None, None)
        )
        target = data.get("indicator_target") or inline
        parsed = parse_indicator_target(target) if target else None
        rows.append(
            {
                "project": None,
                "goal": data["goal"],
                "kind": data["kind"],
                "status": data["status"],
                "target_date": pd.Timestamp(data["target_date"])
                if data.get("target_date")
                else pd.NaT,
                "evidence": data.get("evidence"),
                "indicator": indicator,
                "indicator_comparator": parsed[0] if parsed else None,
                "indicator_target": parsed[1] if parsed else None,
                "indicator_value": data.get("indicator_value"),
                "source_row": None,
            }
        )
    return pd.DataFrame(rows, columns=list(PRODUCT_GOAL_COLUMNS))


def collect_product_goals(
    goals: list[Any] | None, table: pd.DataFrame | None
) -> ProductGoals | None:
    """The goals of a report: the parameters' list, then the table's rows (of the project).

    Returns:
        :class:`ProductGoals`, or None when there are none.
    """
    frames = [_from_parameters(goals)]
    if table is not None and len(table):
        frames.append(table.loc[:, list(PRODUCT_GOAL_COLUMNS)])
    frames = [f for f in frames if len(f)]
    if not frames:
        return None
    frame = (
        pd.concat(frames, ignore_index=True)
        if len(frames) > 1
        else frames[0].reset_index(drop=True)
    )
    frame["target_date"] = pd.to_datetime(frame["target_date"])
    return ProductGoals(frame)


@dataclass
class ProductGoals:
    """The product goals of one report, in the order given."""

    frame: pd.DataFrame

    def status_counts(self) -> dict[str, int]:
        """Goals per status code, every status present (0 when none), and the total."""
        counts = {s: int((self.frame["status"] == s).sum()) for s in STATUSES}
        counts["total"] = int(len(self.frame))
        return counts

    def figure_data(self, ctx: object = None) -> list[dict[str, Any]]:
        """``[{goal, kind, status, target_date, indicator …}]`` for figures.json."""
        out = []
        for row in self.frame.itertuples(index=False):
            item: dict[str, Any] = {
                "goal": row.goal,
                "kind": row.kind,
                "status": row.status,
                "target_date": row.target_date.date().isoformat()
                if pd.notna(row.target_date)
                else None,
            }
            if goal_text(row.indicator):
                item["indicator"] = {
                    "text": row.indicator,
                    "comparator": row.indicator_comparator,
                    "target": None if pd.isna(row.indicator_target) else float(row.indicator_target),
                    "value": None if row.indicator_value is None or pd.isna(row.indicator_value)
                    else float(row.indicator_value),
                    "met": indicator_met(row.indicator_comparator, row.indicator_target, row.indicator_value),
                }  # fmt: skip
            out.append(item)
        return out

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def _repr_html_(self) -> str:
        # lazy hook: presentation lives in report/sections
        from insats.report.sections.programme import repr_html

        return repr_html(self)
