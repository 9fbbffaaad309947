"""The report sections of the programme view, mixed into :class:`insats.report.build.ReportModel`.

Activities, the timeline of phases, product goals (next to the effect goals) and the
grant over several years. Each section is left out when it has no data; a report
without participants speaks of activities, attendance and goals in its summary.
"""

from __future__ import annotations

from typing import Any

from insats.report.context import Html, escape, section


class ProgrammeSections:
    """Computation and sections for activities, phases, product goals and the grant.

    Expects ``self.params``, ``self.inputs`` (with ``activities`` and ``product_goals``),
    ``self.period`` and ``self.ctx`` as :class:`~insats.report.build.ReportModel` sets them.
    """

    activity_summary: Any = None
    product_goals_result: Any = None
    timeline_result: Any = None
    grant_result: Any = None

    @property
    def has_participants(self) -> bool:
        """Whether the report has a participant register (``participants_path``)."""
        return bool(self.params.participants_path)

    def _build_programme(self) -> None:
        from insats.programme.activities import summarise_activities
        from insats.programme.grant import summarise_grant
        from insats.programme.product_goals import collect_product_goals
        from insats.programme.timeline import build_timeline

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
            self.timeline_result.render(self.ctx),
        )

    def activities(self) -> Html:
        if self.activity_summary is None or self.activity_summary.count == 0:
            return Html("")
        return section(
            "activities",
            self.ctx.t("programme.section.activities"),
            self.activity_summary.render(self.ctx),
            self._narrative("period") if not self.has_participants else "",
        )

    def product_goals_html(self) -> Html:
        """The product goals for the goals section (empty without any)."""
        if self.product_goals_result is None:
            return Html("")
        return self.product_goals_result.render(self.ctx)

    def grant_html(self) -> Html:
        """The multi-year grant for the budget section (empty without one)."""
        if self.grant_result is None:
            return Html("")
        return self.grant_result.render(self.ctx)

    # --- summary, method, figures -------------------------------------------------------
    def programme_summary_items(self) -> list[str]:
        """Sentences on activities, attendance and goal status for the summary."""
        ctx, items = self.ctx, []
        a = self.activity_summary
        if a is not None and a.count:
            kinds = a.by_kind()
            biggest = ", ".join(
                f"{a._kind(ctx, k).lower()}: {ctx.number(r['count'])}"
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
        return [self.grant_result.summary_text(self.ctx)] if self.grant_result is not None else []

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
