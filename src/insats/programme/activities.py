"""Activities and attendance: what an insats did, per kind and phase, in the period and
since the start.

Which activities count: those dated on or before the report period's last day ("since
the start"), and of them those dated within the period ("in the period"). Attendance is
the sum of the attendee counts given (an activity without a count adds nothing and is
said so). The number of attendees of one activity is not personal data and is shown as
given; a breakdown of an activity's attendees by gender is, when the activity is small:
it goes through the report's disclosure control like every other count table (a gender
cell of 1 to ``min_cell_count − 1`` is hidden, and so is what would let it be
recomputed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from insats.periods import Period
from insats.report.context import Html, RenderContext

__all__ = ["ActivitySummary", "summarise_activities"]


def _sum(values: pd.Series) -> int:
    return int(values.dropna().sum())


def _by(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Activities, attendees and organisations per value of ``column`` (first-seen order)."""
    if frame.empty:
        return pd.DataFrame(columns=["count", "attendees", "organisations"])
    keys = frame[column].fillna("")
    grouped = frame.groupby(keys, sort=False)
    return pd.DataFrame(
        {
            "count": grouped.size(),
            "attendees": grouped["attendees"].apply(_sum),
            "organisations": grouped["organisations"].apply(_sum),
        }
    )


@dataclass
class ActivitySummary:
    """Activities of one report: since the start and in the period.

    Attributes:
        period: the report period.
        to_date: activities dated on or before the period's last day (sorted by date).
        in_period: those of them dated within the period.
    """

    period: Period
    to_date: pd.DataFrame
    in_period: pd.DataFrame

    # --- numbers -----------------------------------------------------------------
    @property
    def count(self) -> int:
        return int(len(self.to_date))

    @property
    def attendees(self) -> int:
        return _sum(self.to_date["attendees"])

    def by_kind(self, scope: str = "to_date") -> pd.DataFrame:
        return _by(getattr(self, scope), "kind")

    def by_phase(self) -> pd.DataFrame:
        return _by(self.to_date, "phase")

    def figure_data(self, ctx: RenderContext | None = None) -> dict[str, Any]:
        """``{count, attendees, by_kind: {kind: {count, attendees}}, in_period: {...}}``.

        Counts of activities and sums of attendance, since the start; not suppressed (an
        activity's attendance is not personal). Gender breakdowns are not part of it.
        """
        kinds = self.by_kind()
        return {
            "count": self.count,
            "attendees": self.attendees,
            "by_kind": {
                str(k): {"count": int(r["count"]), "attendees": int(r["attendees"])}
                for k, r in kinds.iterrows()
            },
            "in_period": {
                "count": int(len(self.in_period)),
                "attendees": _sum(self.in_period["attendees"]),
            },
        }

    # --- rendering -----------------------------------------------------------------
    def _kind(self, ctx: RenderContext, code: object) -> str:
        key = f"programme.activity_kind.{code}"
        return ctx.t(key) if ctx.labels.has(key) else str(code)

    def render(self, ctx: RenderContext) -> Html:
        t = ctx.t
        period_n = int(len(self.in_period))
        parts = [
            ctx.paragraph(
                t(
                    "programme.activities.lead",
                    count=ctx.number(self.count),
                    attendees=ctx.number(self.attendees),
                    period_count=ctx.number(period_n),
                    period_attendees=ctx.number(_sum(self.in_period["attendees"])),
                )
            )
        ]
        uncounted = int(self.to_date["attendees"].isna().sum())
        if uncounted:
            parts.append(ctx.note(t("programme.activities.uncounted", n=uncounted)))
        parts.append(self._kind_table(ctx))
        if self.to_date["phase"].notna().any():
            parts.append(self._phase_table(ctx))
        parts.append(self._list(ctx, self.in_period if period_n else self.to_date, bool(period_n)))
        gender = self._gender_table(ctx)
        if gender:
            parts.append(gender)
        return Html("".join(str(p) for p in parts))

    def _kind_table(self, ctx: RenderContext) -> Html:
        t = ctx.t
        to_date, in_period = self.by_kind("to_date"), self.by_kind("in_period")
        rows = []
        for kind in to_date.index:
            p = in_period.loc[kind] if kind in in_period.index else None
            rows.append(
                {
                    t("programme.activities.column.kind"): self._kind(ctx, kind),
                    t("programme.activities.column.period_count"): ctx.number(
                        0 if p is None else p["count"]
                    ),
                    t("programme.activities.column.period_attendees"): ctx.number(
                        0 if p is None else p["attendees"]
                    ),
                    t("programme.activities.column.count"): ctx.number(to_date.loc[kind, "count"]),
                    t("programme.activities.column.attendees"): ctx.number(
                        to_date.loc[kind, "attendees"]
                    ),
                }
            )
        frame = pd.DataFrame(rows)
        total = {
            frame.columns[0]: t("table.total"),
            frame.columns[1]: ctx.number(len(self.in_period)),
            frame.columns[2]: ctx.number(_sum(self.in_period["attendees"])),
            frame.columns[3]: ctx.number(self.count),
            frame.columns[4]: ctx.number(self.attendees),
        }
        frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
        return ctx.table(frame, t("programme.activities.kind_caption"), index=False)

    def _phase_table(self, ctx: RenderContext) -> Html:
        t = ctx.t
        phases = self.by_phase()
        frame = pd.DataFrame(
            {
                t("programme.activities.column.phase"): [p or "–" for p in phases.index],
                t("programme.activities.column.count"): [ctx.number(v) for v in phases["count"]],
                t("programme.activities.column.attendees"): [
                    ctx.number(v) for v in phases["attendees"]
                ],
                t("programme.activities.column.organisations"): [
                    ctx.number(v) for v in phases["organisations"]
                ],
            }
        )
        return ctx.table(frame, t("programme.activities.phase_caption"), index=False)

    def _list(self, ctx: RenderContext, frame: pd.DataFrame, in_period: bool) -> Html:
        t = ctx.t

        def n(value: object) -> str:
            return "–" if value is None or pd.isna(value) else ctx.number(value)

        shown = pd.DataFrame(
            {
                t("programme.activities.column.date"): [
                    ctx.date(d.date(), "short") for d in frame["date"]
                ],
                t("programme.activities.column.activity"): frame["activity"].tolist(),
                t("programme.activities.column.kind"): [self._kind(ctx, k) for k in frame["kind"]],
                t("programme.activities.column.phase"): frame["phase"].fillna("–").tolist(),
                t("programme.activities.column.attendees_one"): [n(v) for v in frame["attendees"]],
                t("programme.activities.column.organisations"): [
                    n(v) for v in frame["organisations"]
                ],
                t("programme.activities.column.note"): frame["note"].fillna("").tolist(),
            }
        )
        caption = t(
            "programme.activities.list_caption_period"
            if in_period
            else "programme.activities.list_caption_to_date"
        )
        return ctx.table(shown, caption, index=False, css_class="table text")

    def _gender_table(self, ctx: RenderContext) -> Html | None:
        """Attendees by gender per activity, under the report's disclosure control."""
        frame = self.to_date.loc[self.to_date["women"].notna() | self.to_date["men"].notna()]
        if frame.empty:
            return None
        labels = [
            f"{d.date().isoformat()} {a}"
            for d, a in zip(frame["date"], frame["activity"], strict=True)
        ]
        counts = pd.DataFrame(
            {
                ctx.code("gender", "woman"): frame["women"].fillna(0).astype(int).to_numpy(),
                ctx.code("gender", "man"): frame["men"].fillna(0).astype(int).to_numpy(),
            },
            index=pd.Index(labels, name=ctx.t("programme.activities.column.activity")),
        )
        table = ctx.count_table(
            counts,
            ctx.t("programme.activities.gender_caption"),
            table_id="activities_by_gender",
            dimensions=["activity", "gender"],
        )
        note = ctx.note(ctx.t("programme.activities.gender_note", n=ctx.min_cell_count))
        return Html(str(table) + str(note))

    def to_frame(self) -> pd.DataFrame:
        return self.to_date.copy()

    def _repr_html_(self) -> str:
        return str(self.render(RenderContext(language="sv", audience="internal")))


def summarise_activities(activities: pd.DataFrame, period: Period) -> ActivitySummary:
    """Split a project's activities into "since the start" and "in the period".

    Args:
        activities: rows of :func:`insats.cohort.activities.load_activities` for one project.
        period: the report period.
    """
    end, start = pd.Timestamp(period.end), pd.Timestamp(period.start)
    frame = activities.sort_values(["date", "source_row"], kind="stable")
    to_date = frame.loc[frame["date"] <= end].reset_index(drop=True)
    in_period = to_date.loc[to_date["date"] >= start].reset_index(drop=True)
    return ActivitySummary(period=period, to_date=to_date, in_period=in_period)
