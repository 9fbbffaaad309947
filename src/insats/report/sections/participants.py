"""Deltagarna (counts and profile): the report section built from :mod:`insats.outcomes.participants` results."""

from __future__ import annotations

from typing import Any

import pandas as pd

from insats.disclosure import count_key
from insats.outcomes.participants import (
    MEASURES,
    PROFILE_VARIABLES,
    UNKNOWN,
    ParticipantCounts,
    ParticipantProfile,
    category_label,
    count_table_frame,
    group_label,
    measures_table,
    plan_count_tables,
    protected_count_table,
)
from insats.report.context import Html, RenderContext, join


def _table(result, ctx: RenderContext, dimension: str, scope: str) -> Html:
    wide = result.wide(dimension, scope)
    if wide.empty:
        return Html("")
    if dimension == "group":
        labels = [group_label(ctx, k, result.group_names) for k in wide.index]
    else:
        labels = [category_label(ctx, "municipality", k) for k in wide.index]
    wide.index = labels
    key = "caption_period" if scope == "period" else "caption_ytd"
    caption = ctx.t(
        f"participants.counts.{key}",
        dimension=ctx.t(f"participants.counts.dimension_word.{dimension}"),
    )
    period = result.period if scope == "period" else result.year_to_date
    return measures_table(
        ctx,
        wide,
        caption,
        table_id=f"participants.{scope}.{dimension}",
        dimension=dimension,
        filters={"period": period.label},
        column_names={m: ctx.t(f"participants.measure.{m}") for m in MEASURES},
        index_name=ctx.t(f"participants.dimension.{dimension}"),
    )


def counts_sentence(result, ctx: RenderContext, scope: str, lead: str) -> str:
    """The participants sentence of ``scope`` (``period`` or ``year_to_date``): enrolled,
    new, left and left early, each a cell of the participants table. A clause whose
    number the plan hides is left out, never shown as ".." (issue 15).
    """
    tense = "past" if scope == "period" else "perfect"
    totals = result.total(scope)
    shown = {
        m: None
        if ctx.hidden(result._key(ctx, scope, m), v)
        else ctx.cell(result._key(ctx, scope, m), v)
        for m, v in totals.items()
    }
    if any(v is None for v in shown.values()):
        ctx.disclosure.note_suppressed(sum(v is None for v in shown.values()))
    fields = {
        "lead": lead,
        "enrolled": shown["enrolled"],
        "started": shown["started"],
        "exited": shown["exited"],
        "early": shown["early_exits"],
    }
    clauses = []
    for pair in (("enrolled", "started"), ("exited", "early")):
        present = [name for name in pair if fields[name] is not None]
        if present:
            key = f"publication.counts.{tense}.{'_'.join(present)}"
            clauses.append(ctx.t(key, **{k: v for k, v in fields.items() if v is not None}))
    if not clauses:
        return ctx.t("publication.counts.hidden", lead=lead)
    if fields["enrolled"] is None and fields["started"] is None:
        # The second clause leads the sentence then.
        clauses[0] = f"{lead}: {clauses[0][:1].lower()}{clauses[0][1:]}"
    return " ".join(clauses)


def render_participant_counts(result, ctx: RenderContext) -> Html:
    """Render a :class:`~insats.outcomes.participants.ParticipantCounts` as report HTML."""
    parts: list[str] = []
    totals = result.total("period")
    dates = {"start": ctx.date(result.period.start), "end": ctx.date(result.period.end)}
    if totals["enrolled"] == 0:
        parts.append(ctx.paragraph(ctx.t("participants.counts.none_in_period", **dates)))
    else:
        lead = ctx.t("publication.counts.lead_period_dates", **dates)
        parts.append(ctx.paragraph(counts_sentence(result, ctx, "period", lead)))
        persons = result._persons_shown(ctx, "period")
        if persons is not None and persons != totals["enrolled"]:
            parts.append(
                ctx.paragraph(
                    ctx.t(
                        "participants.counts.persons_sentence",
                        participations=ctx.count(totals["enrolled"]),
                        persons=ctx.count(persons),
                    )
                )
            )
    if (
        result.year_to_date.start != result.period.start
        or result.year_to_date.end != result.period.end
    ):
        ytd_dates = {
            "start": ctx.date(result.year_to_date.start),
            "end": ctx.date(result.year_to_date.end),
        }
        lead = ctx.t("publication.counts.lead_year", **ytd_dates)
        parts.append(ctx.paragraph(counts_sentence(result, ctx, "year_to_date", lead)))
    municipalities = result.counts.loc[
        result.counts["dimension"] == "municipality", "category"
    ].nunique()
    scopes: tuple[str, ...] = ("period", "year_to_date")
    if result.year_to_date == result.period or (
        result.year_to_date.start == result.period.start
        and result.year_to_date.end == result.period.end
    ):
        scopes = ("period",)
    for scope in scopes:
        parts.append(_table(result, ctx, "group", scope))
        if municipalities > 1:
            parts.append(_table(result, ctx, "municipality", scope))
    return join(parts)


def _column_label(result, ctx: RenderContext, key: str) -> str:
    if result.by == "group":
        return group_label(ctx, key, result.group_names)
    return category_label(ctx, "municipality", key)


def _sentence(result, ctx: RenderContext, variable: str, wide: pd.DataFrame) -> str:

    totals = wide.sum(axis=1)
    total = int(totals.sum())
    name = ctx.t(f"participants.profile.variable.{variable}")
    # The numbers are the row totals and the grand total of the profile table: shown
    # only where the table shows them; a sentence with a hidden one is rewritten.
    population = {"population": "profile"}
    total_key = count_key(population)

    def key(code: object):
        return count_key(population, **{variable: category_label(ctx, variable, code)})

    if variable == "gender":
        women, men = int(totals.get("woman", 0)), int(totals.get("man", 0))
        if ctx.hidden(key("woman"), women) or ctx.hidden(key("man"), men):
            return ctx.t("publication.gender_sentence", total=ctx.cell(total_key, total))
        return ctx.t(
            "participants.profile.gender_sentence",
            women=ctx.cell(key("woman"), women),
            men=ctx.cell(key("man"), men),
            total=ctx.cell(total_key, total),
        )
    known = totals.drop(UNKNOWN, errors="ignore")
    if known.empty or known.max() == 0:
        return ctx.t(
            "participants.profile.most_common_unknown",
            variable=name,
            count=ctx.cell(key(UNKNOWN), int(totals.get(UNKNOWN, 0))),
            total=ctx.cell(total_key, total),
        )
    # Naming the most common bounds every other category by its count (and those before
    # it in the table by one less, as ties go to the first): beside a hidden category
    # the sentence would give it back, so it names none (issue 15).
    if any(ctx.hidden(key(code), int(n)) for code, n in known.items()):
        return ctx.t("publication.most_common_withheld", variable=name)
    # Ties: the first in table order, which is the vocabulary's order.
    top = known.idxmax()
    # Common nouns in lower case mid-sentence; names (Arbetsförmedlingen) as they are.
    category = (
        category_label(ctx, variable, top).lower()
        if variable in ("education", "support_at_start")
        else category_label(ctx, variable, top)
    )
    if ctx.hidden(total_key, total):
        return ctx.t("publication.most_common", variable=name, category=category)
    return ctx.t(
        "participants.profile.most_common",
        variable=name,
        category=category,
        count=ctx.cell(key(top), int(known[top])),
        total=ctx.cell(total_key, total),
    )


def render_participant_profile(result, ctx: RenderContext) -> Html:
    """Render a :class:`~insats.outcomes.participants.ParticipantProfile` as report HTML."""
    total = int(result.sizes.sum())
    if total == 0:
        return ctx.paragraph(ctx.t("participants.profile.empty"))
    dimension = ctx.t(f"participants.counts.dimension_word.{result.by}")
    parts: list[str] = [
        ctx.paragraph(
            ctx.t(
                "participants.profile.intro",
                # the profile tables' grand total: hidden wherever they hide it
                n=ctx.cell(count_key({"population": "profile"}), total),
                dimension=dimension,
            )
        )
    ]
    frames = {}
    for variable in PROFILE_VARIABLES:
        wide = result.table(variable)
        frames[variable] = count_table_frame(
            ctx,
            wide,
            row_variable=variable,
            column_names={k: _column_label(result, ctx, k) for k in wide.columns},
        )
    specs: dict[str, dict[str, Any]] = {
        f"profile.{v}": dict(dimensions=[v, result.by], filters={"population": "profile"})
        for v in PROFILE_VARIABLES
    }
    # The seven tables share their column totals (the group sizes): protect them
    # jointly, once, rather than one after the other.
    plan_count_tables(ctx, {k: (frames[k.split(".", 1)[1]], spec) for k, spec in specs.items()})
    for variable in PROFILE_VARIABLES:
        parts.append(ctx.paragraph(_sentence(result, ctx, variable, result.table(variable))))
        name = ctx.t(f"participants.profile.variable.{variable}")
        caption = ctx.t("participants.profile.caption", variable=name, dimension=dimension)
        parts.append(
            protected_count_table(
                ctx,
                frames[variable],
                caption,
                table_id=f"profile.{variable}",
                index_name=name,
                **specs[f"profile.{variable}"],
            )
        )
    return join(parts)


RENDERERS = {
    ParticipantCounts: render_participant_counts,
    ParticipantProfile: render_participant_profile,
}


def render(result, ctx: RenderContext) -> Html:
    """Render any result of this section with its renderer."""
    return RENDERERS[type(result)](result, ctx)


def repr_html(result) -> str:
    """HTML for JupyterLab: the result rendered with the internal Swedish context."""
    return render(result, RenderContext())._repr_html_()
