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
from insats.report.context import Html, RenderContext, escape

__all__ = ["STATUSES", "ProductGoals", "collect_product_goals", "indicator_met"]

STATUSES = tuple(GOAL_STATUS)  # not_started, in_progress, achieved, not_achieved


def _text(value: object) -> str:
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

    def figure_data(self, ctx: RenderContext | None = None) -> list[dict[str, Any]]:
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
            if _text(row.indicator):
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

    def _indicator_text(self, ctx: RenderContext, row) -> str:
        if not _text(row.indicator):
            return ""
        symbols = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}
        text = row.indicator
        if row.indicator_comparator and pd.notna(row.indicator_target):
            text += f" {symbols[row.indicator_comparator]} {ctx.number(row.indicator_target)}"
        if row.indicator_value is not None and pd.notna(row.indicator_value):
            met = indicator_met(row.indicator_comparator, row.indicator_target, row.indicator_value)
            text += "; " + ctx.t(
                "programme.goals.indicator_value", value=ctx.number(row.indicator_value)
            )
            if met is not None:
                text += " (" + ctx.t(f"programme.goals.indicator_met.{str(met).lower()}") + ")"
        return text

    def render(self, ctx: RenderContext) -> Html:
        """A table of the goals with kind, target date, status, indicator and evidence."""
        counts = self.status_counts()
        lead = ctx.paragraph(
            ctx.t(
                "programme.goals.lead",
                total=counts["total"],
                achieved=counts["achieved"],
                in_progress=counts["in_progress"],
                not_started=counts["not_started"],
                not_achieved=counts["not_achieved"],
            )
        )
        rows = []
        for row in self.frame.itertuples(index=False):
            status = ctx.t(f"programme.goal_status.{row.status}")
            rows.append(
                "<tr>"
                f"<td>{escape(row.goal)}</td>"
                f"<td>{escape(ctx.t(f'programme.goal_kind.{row.kind}'))}</td>"
                f"<td>{escape(ctx.date(row.target_date.date(), 'short') if pd.notna(row.target_date) else '–')}</td>"
                f'<td class="goal-status goal-{escape(row.status)}">{escape(status)}</td>'
                f"<td>{escape(self._indicator_text(ctx, row))}</td>"
                f"<td>{escape(_text(row.evidence))}</td>"
                "</tr>"
            )
        head = "".join(
            f'<th scope="col">{escape(ctx.t(f"programme.goals.column.{c}"))}</th>'
            for c in ("goal", "kind", "target_date", "status", "indicator", "evidence")
        )
        table = Html(
            '<div class="table-wrap"><table class="table text product-goals">'
            f"<caption>{escape(ctx.t('programme.goals.caption'))}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )
        return Html(ctx.heading(ctx.t("programme.goals.heading"), 3) + lead + table)

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def _repr_html_(self) -> str:
        return str(self.render(RenderContext(language="sv", audience="internal")))
