"""The programme view's sections: activities, the timeline of phases, product goals and
the grant over several years, mixed into :class:`insats.report.build.ReportModel`.

Each section is left out when it has no data; a report without participants speaks of
activities, attendance and goals in its summary. The results themselves are pure data in
:mod:`insats.programme`; everything here turns them into the reader's words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from insats.programme.activities import ActivitySummary, sum_attendance, summarise_activities
from insats.programme.budget import deviation_share
from insats.programme.grant import GrantSummary, summarise_grant
from insats.programme.product_goals import (
    ProductGoals,
    collect_product_goals,
    goal_text,
    indicator_met,
)
from insats.programme.timeline import Timeline, build_timeline
from insats.report.context import Html, RenderContext, escape, section
from insats.report.figures.programme import plot_grant_use, plot_timeline

if TYPE_CHECKING:
    from insats.params import ReportParameters
    from insats.periods import Period

__all__ = [
    "ProgrammeSections",
    "grant_summary_text",
    "render_activities",
    "render_grant",
    "render_product_goals",
    "render_timeline",
    "repr_html",
]


def _activity_kind(ctx: RenderContext, code: object) -> str:
    key = f"programme.activity_kind.{code}"
    return ctx.t(key) if ctx.labels.has(key) else str(code)


def render_activities(summary: ActivitySummary, ctx: RenderContext) -> Html:
    """Activities per kind and phase, the list of the period's (or all) activities, attendance by gender."""
    t = ctx.t
    period_n = int(len(summary.in_period))
    parts = [
        ctx.paragraph(
            t(
                "programme.activities.lead",
                count=ctx.number(summary.count),
                attendees=ctx.number(summary.attendees),
                period_count=ctx.number(period_n),
                period_attendees=ctx.number(sum_attendance(summary.in_period["attendees"])),
            )
        )
    ]
    uncounted = int(summary.to_date["attendees"].isna().sum())
    if uncounted:
        parts.append(ctx.note(t("programme.activities.uncounted", n=uncounted)))
    parts.append(_activities_kind_table(summary, ctx))
    if summary.to_date["phase"].notna().any():
        parts.append(_activities_phase_table(summary, ctx))
    parts.append(
        _activities_list(ctx, summary.in_period if period_n else summary.to_date, bool(period_n))
    )
    gender = _activities_gender_table(summary, ctx)
    if gender:
        parts.append(gender)
    return Html("".join(str(p) for p in parts))


def _activities_kind_table(summary: ActivitySummary, ctx: RenderContext) -> Html:
    t = ctx.t
    to_date, in_period = summary.by_kind("to_date"), summary.by_kind("in_period")
    rows = []
    for kind in to_date.index:
        p = in_period.loc[kind] if kind in in_period.index else None
        rows.append(
            {
                t("programme.activities.column.kind"): _activity_kind(ctx, kind),
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
        frame.columns[1]: ctx.number(len(summary.in_period)),
        frame.columns[2]: ctx.number(sum_attendance(summary.in_period["attendees"])),
        frame.columns[3]: ctx.number(summary.count),
        frame.columns[4]: ctx.number(summary.attendees),
    }
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    return ctx.table(frame, t("programme.activities.kind_caption"), index=False)


def _activities_phase_table(summary: ActivitySummary, ctx: RenderContext) -> Html:
    t = ctx.t
    phases = summary.by_phase()
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


def _activities_list(ctx: RenderContext, frame: pd.DataFrame, in_period: bool) -> Html:
    t = ctx.t

    def n(value: float | None) -> str:
        return "–" if value is None or pd.isna(value) else ctx.number(value)

    shown = pd.DataFrame(
        {
            t("programme.activities.column.date"): [
                ctx.date(d.date(), "short") for d in frame["date"]
            ],
            t("programme.activities.column.activity"): frame["activity"].tolist(),
            t("programme.activities.column.kind"): [_activity_kind(ctx, k) for k in frame["kind"]],
            t("programme.activities.column.phase"): frame["phase"].fillna("–").tolist(),
            t("programme.activities.column.attendees_one"): [n(v) for v in frame["attendees"]],
            t("programme.activities.column.organisations"): [n(v) for v in frame["organisations"]],
            t("programme.activities.column.note"): frame["note"].fillna("").tolist(),
        }
    )
    caption = t(
        "programme.activities.list_caption_period"
        if in_period
        else "programme.activities.list_caption_to_date"
    )
    return ctx.table(shown, caption, index=False, css_class="table text")


def _activities_gender_table(summary: ActivitySummary, ctx: RenderContext) -> Html | None:
    """Attendees by gender per activity, under the report's disclosure control."""
    frame = summary.to_date.loc[summary.to_date["women"].notna() | summary.to_date["men"].notna()]
    if frame.empty:
        return None
    labels = [
        f"{d.date().isoformat()} {a}" for d, a in zip(frame["date"], frame["activity"], strict=True)
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


def render_timeline(timeline: Timeline, ctx: RenderContext) -> Html:
    """The phases as a figure and a table, with the report period marked."""
    t = ctx.t
    fig = plot_timeline(timeline, language=ctx.language, period_label=t(
        "programme.timeline.period_marker", label=timeline.period.label
    ))  # fmt: skip
    alt = t(
        "programme.timeline.alt",
        n=len(timeline.phases),
        start=ctx.date(timeline.start),
        end=ctx.date(timeline.end),
        label=timeline.period.label,
    )
    figure = ctx.figure(fig, alt, t("programme.timeline.caption", label=timeline.period.label))
    rows = []
    for r in timeline.phases.itertuples(index=False):
        rows.append(
            "<tr>"
            f"<td>{escape(r.name)}</td>"
            f"<td>{escape(ctx.date(r.start_date, 'short'))}</td>"
            f"<td>{escape(ctx.date(r.end_date, 'short'))}</td>"
            f"<td>{escape(t('programme.timeline.status.' + timeline.status(r)))}</td>"
            f"<td>{escape(r.description or '')}</td>"
            "</tr>"
        )
    head = "".join(
        f'<th scope="col">{escape(t("programme.timeline.column." + c))}</th>'
        for c in ("phase", "start", "end", "status", "description")
    )
    table = (
        '<div class="table-wrap"><table class="table text phases">'
        f"<caption>{escape(t('programme.timeline.table_caption'))}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
    source = timeline.phases["source"].iloc[0] if len(timeline.phases) else "parameters"
    note = ctx.note(t(f"programme.timeline.source.{source}"))
    return Html(str(figure) + table + str(note))


def grant_summary_text(grant: GrantSummary, ctx: RenderContext) -> str:
    """One paragraph: granted, used to date, forecast, time elapsed, years over the rule."""
    t = ctx.t
    text = t(
        "programme.grant.summary",
        total=ctx.sek(grant.total_sek),
        used=ctx.sek(grant.used_to_date_sek),
        share=ctx.pct(grant.share_used),
        forecast=ctx.sek(grant.forecast_to_end_sek),
    )
    if grant.share_of_time is not None:
        text += " " + t("programme.grant.summary_time", time=ctx.pct(grant.share_of_time))
    if grant.flagged_years:
        text += " " + t(
            "programme.grant.summary_flagged",
            years=", ".join(str(y) for y in grant.flagged_years),
        )
    return text


def render_grant(grant: GrantSummary, ctx: RenderContext) -> Html:
    """The grant year by year, used against time elapsed, the > 10 % rule."""
    t = ctx.t

    def amount(v: float | None) -> str:
        return "–" if v is None or pd.isna(v) else ctx.sek(v)

    def signed(v: float | None) -> str:
        if v is None or pd.isna(v):
            return "–"
        return ("+" if v > 0 else "\u2212" if v < 0 else "") + ctx.pct(abs(v), 1)

    parts = [ctx.heading(t("programme.grant.heading"), 3)]
    parts.append(ctx.paragraph(grant_summary_text(grant, ctx)))
    rows = []
    for r in grant.years.itertuples(index=False):
        flag = t("programme.grant.flag.yes" if r.needs_explanation else "programme.grant.flag.no")
        if r.state == "current" and pd.isna(r.forecast_sek):
            flag = t("programme.grant.flag.unknown")
        rows.append(
            "<tr>"
            f'<th scope="row">{int(r.year)}</th>'
            f"<td>{escape(amount(r.granted_sek))}</td>"
            f"<td>{escape(amount(r.used_sek))}</td>"
            f"<td>{escape(amount(r.forecast_sek) if r.state == 'current' else t('programme.grant.closed'))}</td>"
            f"<td>{escape(signed(r.deviation_share))}</td>"
            f"<td>{escape(flag)}</td>"
            "</tr>"
        )
    rows.append(
        "<tr>"
        f'<th scope="row">{escape(t("programme.grant.whole_project"))}</th>'
        f"<td>{escape(ctx.sek(grant.total_sek))}</td>"
        f"<td>{escape(ctx.sek(grant.used_to_date_sek))}</td>"
        f"<td>{escape(ctx.sek(grant.forecast_to_end_sek))}</td>"
        f"<td>{escape(signed(deviation_share(grant.forecast_to_end_sek, grant.total_sek)))}</td>"
        "<td></td></tr>"
    )
    head = "".join(
        f'<th scope="col">{escape(t("programme.grant.column." + c))}</th>'
        for c in ("year", "granted", "used", "forecast", "deviation", "rule")
    )
    parts.append(
        Html(
            '<div class="table-wrap"><table class="table grant">'
            f"<caption>{escape(t('programme.grant.caption'))}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        )
    )
    if grant.share_of_time is not None and grant.share_used is not None:
        parts.append(
            ctx.figure(
                plot_grant_use(
                    grant.share_used,
                    grant.share_of_time,
                    labels=(t("programme.grant.bar.used"), t("programme.grant.bar.time")),
                    language=ctx.language,
                ),
                t(
                    "programme.grant.figure_alt",
                    used=ctx.pct(grant.share_used),
                    time=ctx.pct(grant.share_of_time),
                ),
                t("programme.grant.figure_caption"),
            )
        )
    if grant.flagged_years:
        parts.append(
            ctx.paragraph(
                t("programme.grant.reason", reason=grant.reason)
                if grant.reason
                else t("programme.grant.reason_missing")
            )
        )
    parts.append(ctx.note(t("programme.grant.method")))
    return Html("".join(str(p) for p in parts))


def _indicator_text(ctx: RenderContext, row) -> str:
    if not goal_text(row.indicator):
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


def render_product_goals(goals: ProductGoals, ctx: RenderContext) -> Html:
    """A table of the goals with kind, target date, status, indicator and evidence."""
    counts = goals.status_counts()
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
    for row in goals.frame.itertuples(index=False):
        status = ctx.t(f"programme.goal_status.{row.status}")
        rows.append(
            "<tr>"
            f"<td>{escape(row.goal)}</td>"
            f"<td>{escape(ctx.t(f'programme.goal_kind.{row.kind}'))}</td>"
            f"<td>{escape(ctx.date(row.target_date.date(), 'short') if pd.notna(row.target_date) else '–')}</td>"
            f'<td class="goal-status goal-{escape(row.status)}">{escape(status)}</td>'
            f"<td>{escape(_indicator_text(ctx, row))}</td>"
            f"<td>{escape(goal_text(row.evidence))}</td>"
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


class ProgrammeSections:
    """Computation and sections for activities, phases, product goals and the grant.

    Expects ``self.params``, ``self.inputs`` (with ``activities`` and ``product_goals``),
    ``self.period`` and ``self.ctx`` as :class:`~insats.report.build.ReportModel` sets them.
    """

    activity_summary: Any = None
    product_goals_result: Any = None
    timeline_result: Any = None
    grant_result: Any = None

    if TYPE_CHECKING:
        # set by ReportModel.__init__ (the host class); declared here for the type checker
        params: ReportParameters
        inputs: Any
        period: Period
        ctx: RenderContext

        def _narrative(self, key: str) -> str: ...

    @property
    def has_participants(self) -> bool:
        """Whether the report has a participant register (``participants_path``)."""
        return bool(self.params.participants_path)

    def _build_programme(self) -> None:
        p, inputs = self.params, self.inputs
        activities = getattr(inputs, "activities", None)
        self.activity_summary = (
            summarise_activities(activities, self.period) if activities is not None else None
        )
        self.product_goals_result = collect_product_goals(
            p.product_goals, getattr(inputs, "product_goals", None)
        )
        self.timeline_result = build_timeline(
            self.period,
            phases=p.phases,
            # only what had happened by the period's end is drawn
            activities=self.activity_summary.to_date if self.activity_summary else None,
            start=p.project_start_date,
            end=p.project_end_date,
        )
        finance = inputs.finance
        multi_year = (
            finance is not None
            and len(finance)
            and (
                p.grant_total_sek is not None
                or (p.project_start_date is not None and p.project_end_date is not None)
            )
        )
        self.grant_result = (
            summarise_grant(
                finance,
                self.period,
                total_sek=p.grant_total_sek,
                start=p.project_start_date,
                end=p.project_end_date,
                reason=p.budget_deviation_reason,
            )
            if multi_year
            else None
        )

    # --- sections --------------------------------------------------------------------
    def timeline(self) -> Html:
        if self.timeline_result is None:
            return Html("")
        return section(
            "timeline",
            self.ctx.t("programme.section.timeline"),
            render_timeline(self.timeline_result, self.ctx),
        )

    def activities(self) -> Html:
        if self.activity_summary is None or self.activity_summary.count == 0:
            return Html("")
        return section(
            "activities",
            self.ctx.t("programme.section.activities"),
            render_activities(self.activity_summary, self.ctx),
            self._narrative("period") if not self.has_participants else "",
        )

    def product_goals_html(self) -> Html:
        """The product goals for the goals section (empty without any)."""
        if self.product_goals_result is None:
            return Html("")
        return render_product_goals(self.product_goals_result, self.ctx)

    def grant_html(self) -> Html:
        """The multi-year grant for the budget section (empty without one)."""
        if self.grant_result is None:
            return Html("")
        return render_grant(self.grant_result, self.ctx)

    # --- summary, method, figures -------------------------------------------------------
    def programme_summary_items(self) -> list[str]:
        """Sentences on activities, attendance and goal status for the summary."""
        ctx, items = self.ctx, []
        a = self.activity_summary
        if a is not None and a.count:
            kinds = a.by_kind()
            biggest = ", ".join(
                f"{_activity_kind(ctx, k).lower()}: {ctx.number(r['count'])}"
                for k, r in kinds.sort_values("count", ascending=False, kind="stable")
                .head(3)
                .iterrows()
            )
            items.append(
                ctx.t(
                    "programme.summary.activities",
                    count=ctx.number(a.count),
                    attendees=ctx.number(a.attendees),
                    kinds=biggest,
                    period_count=ctx.number(len(a.in_period)),
                    period_attendees=ctx.number(int(a.in_period["attendees"].dropna().sum())),
                )
            )
        g = self.product_goals_result
        if g is not None:
            c = g.status_counts()
            items.append(
                ctx.t(
                    "programme.summary.goals",
                    total=c["total"],
                    achieved=c["achieved"],
                    in_progress=c["in_progress"],
                    not_started=c["not_started"],
                    not_achieved=c["not_achieved"],
                )
            )
        if self.timeline_result is not None:
            end = self.period.end
            current = [
                r.name
                for r in self.timeline_result.phases.itertuples(index=False)
                if r.start_date <= end <= r.end_date
            ]
            if current:
                items.append(
                    ctx.t("programme.summary.phase", phases=", ".join(current), end=ctx.date(end))
                )
        return items

    def grant_summary_item(self) -> list[str]:
        return (
            [grant_summary_text(self.grant_result, self.ctx)]
            if self.grant_result is not None
            else []
        )

    def programme_method_items(self) -> list[str]:
        items = []
        if self.activity_summary is not None:
            items.append(self.ctx.t("programme.method.activities"))
        if self.product_goals_result is not None:
            items.append(self.ctx.t("programme.method.goals"))
        if self.grant_result is not None:
            items.append(self.ctx.t("programme.method.grant"))
        return items

    def programme_figures(self) -> dict[str, Any]:
        """figures.json keys of the programme view (only those with data)."""
        data: dict[str, Any] = {}
        if self.activity_summary is not None:
            data["activities"] = self.activity_summary.figure_data(self.ctx)
        if self.product_goals_result is not None:
            data["product_goals"] = self.product_goals_result.figure_data(self.ctx)
            data["product_goal_status"] = self.product_goals_result.status_counts()
        if self.timeline_result is not None:
            data["phases"] = self.timeline_result.figure_data(self.ctx)
        if self.grant_result is not None:
            data["grant"] = self.grant_result.figure_data(self.ctx)
        return data

    def no_participants_note(self) -> Html:
        """Said once, in the summary, when the insats has no participant register."""
        return Html(f'<p class="note">{escape(self.ctx.t("programme.summary.no_register"))}</p>')


_RENDERERS: dict[type, Callable[[Any, RenderContext], Html]] = {
    ActivitySummary: render_activities,
    GrantSummary: render_grant,
    ProductGoals: render_product_goals,
    Timeline: render_timeline,
}


def repr_html(result: Any) -> str:
    """A programme result in the internal Swedish view (the ``_repr_html_`` of JupyterLab)."""
    return str(_RENDERERS[type(result)](result, RenderContext(language="sv", audience="internal")))
