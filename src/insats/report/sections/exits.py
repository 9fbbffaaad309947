"""Avslut och uppföljning (exits, transitions, follow-up): the report section built from :mod:`insats.outcomes.exits` results."""

from __future__ import annotations

import pandas as pd

from insats.disclosure import SUPPRESSED
from insats.outcomes.exits import (
    EXIT_TYPES,
    ExitSummary,
    FollowUp,
    TransitionTable,
)
from insats.outcomes.participants import (
    category_label,
    count_table_frame,
    group_label,
    proportion_suppressed,
    protected_count_table,
    share_text,
    wilson_interval,
)
from insats.report.context import Html, RenderContext, join


def render_exit_summary(result, ctx: RenderContext) -> Html:
    """Render a :class:`~insats.outcomes.exits.ExitSummary` as report HTML."""
    if result.exited == 0:
        return ctx.paragraph(ctx.t("participants.exits.none"))
    lo, hi = result.completion_ci
    keys = result._publish(ctx)
    # Clause by clause: a number the plan hides is left out, never shown as "..".
    shown = {
        name: None if ctx.hidden(keys[key], value) else ctx.cell(keys[key], value)
        for name, key, value in (
            ("exited", "exited", result.exited),
            ("early", "early_exits", result.early_exits),
        )
    }
    present = [name for name, text in shown.items() if text is not None]
    sentence = (
        ctx.t(f"publication.exits.{'_'.join(present)}", **{k: shown[k] for k in present})
        if present
        else ctx.t("publication.exits.hidden")
    )
    if not (
        ctx.hidden(keys["completed"], result.completed)
        or ctx.hidden(keys["exited"], result.exited)
        or ctx.is_suppressed(result.completed)
        or ctx.is_suppressed(result.exited - result.completed)
    ):
        completion = ctx.proportion(result.completed, result.exited, lo, hi)
        sentence += " " + ctx.t("publication.exits.completion", completion=completion)
    parts: list[str] = [ctx.paragraph(sentence)]
    reasons = result.early_exit_reasons
    if reasons.empty:
        parts.append(ctx.paragraph(ctx.t("participants.exits.no_early")))
    elif not result._reasons_shown(ctx, keys):
        # With only a few early exits, naming their reasons would tell who left why.
        parts.append(ctx.paragraph(ctx.t("participants.exits.reasons_suppressed")))
    else:
        # Ties: the first in the vocabulary's order.
        top = reasons.idxmax()
        # Count and total are cells of the reasons table (its row total and grand
        # total): shown only where the table shows them, so their difference is the
        # sum of the other reasons' totals, which the table protects.
        # Naming the main reason bounds every other reason by its count (those before it
        # by one less, as ties go to the first): only where no reason is hidden.
        top_key, total_key = keys["reason"](top), keys["reasons_total"]
        any_hidden = any(ctx.hidden(keys["reason"](code), int(n)) for code, n in reasons.items())
        if not any_hidden and not ctx.hidden(total_key, result.early_exits):
            parts.append(
                ctx.paragraph(
                    ctx.t(
                        "participants.exits.main_reason",
                        reason=ctx.code("exit_reason", top).lower(),
                        count=ctx.cell(top_key, int(reasons[top])),
                        total=ctx.cell(total_key, result.early_exits),
                    )
                )
            )
        early = result.reasons.drop("completed", errors="ignore")
        early = early[early.sum(axis=1) > 0]
        early = early.loc[:, early.sum(axis=0) > 0]
        shown = count_table_frame(
            ctx,
            early,
            row_variable="exit_reason",
            column_names=_group_columns(ctx, early, result.group_names),
        )
        shown.index.name = ctx.t("participants.exits.reason")
        parts.append(
            protected_count_table(
                ctx,
                shown,
                ctx.t("participants.exits.caption_reasons"),
                table_id="exits.reasons",
                dimensions=["exit_reason", "group"],
                filters=result.filters("early_exits"),
            )
        )
    outcome = result.outcome_by_type[result.outcome_by_type.sum(axis=1) > 0]
    shown = count_table_frame(
        ctx,
        outcome,
        row_variable="outcome_at_exit",
        column_names={t: ctx.t(f"participants.exits.exit_type.{t}") for t in EXIT_TYPES},
    )
    parts.append(
        protected_count_table(
            ctx,
            shown,
            ctx.t("participants.exits.caption_outcome"),
            table_id="exits.outcome_by_type",
            dimensions=["outcome_at_exit", "exit_type"],
            filters=result.filters("exited"),
        )
    )
    if result.missing_outcome:
        parts.append(
            ctx.note(
                ctx.t("participants.exits.outcome_note", missing=ctx.count(result.missing_outcome))
            )
        )
    return join(parts)


def _follow_up_sentence(result, ctx: RenderContext, months: int, horizon: str, as_of: str) -> str:
    """Due, followed up and attrition, rewritten clause by clause where the plan hides
    a number (due = followed up + attrition: a hidden one hides at least two).
    """
    h, keys = result.horizons[months], result.publish(ctx, months)
    due_hidden = ctx.hidden(keys["due"], h.due)
    followed_hidden = ctx.hidden(keys["followed_up"], h.followed_up)
    attrition_hidden = (
        ctx.hidden(keys["attrition"], h.attrition)
        or due_hidden
        or proportion_suppressed(ctx, h.attrition, h.due)
    )
    values = {
        "horizon": horizon,
        "as_of": as_of,
        "due": ctx.cell(keys["due"], h.due),
        "followed": ctx.cell(keys["followed_up"], h.followed_up),
    }
    if not (due_hidden or followed_hidden or attrition_hidden):
        return ctx.t(
            "participants.follow_up.sentence",
            **values,
            attrition=ctx.cell(keys["attrition"], h.attrition),
            attrition_share=share_text(ctx, h.attrition, h.due),
        )
    if due_hidden and followed_hidden:
        return ctx.t("participants.follow_up.sentence_hidden", **values)
    if due_hidden:
        return ctx.t("participants.follow_up.sentence_followed_only", **values)
    if followed_hidden:
        return ctx.t("participants.follow_up.sentence_due_only", **values)
    return ctx.t("participants.follow_up.sentence_no_attrition", **values)


def render_follow_up(result, ctx: RenderContext) -> Html:
    """Render a :class:`~insats.outcomes.exits.FollowUp` as report HTML."""
    parts: list[str] = []
    for months, h in result.horizons.items():
        horizon = ctx.t(f"participants.follow_up.horizon.{months}m")
        as_of = ctx.date(result.as_of)
        if h.due == 0:
            parts.append(
                ctx.paragraph(
                    ctx.t("participants.follow_up.none_due", horizon=horizon, as_of=as_of)
                )
            )
            continue
        parts.append(ctx.paragraph(_follow_up_sentence(result, ctx, months, horizon, as_of)))
        if h.followed_up:
            k, n = h.work_or_studies, h.followed_up
            proportion = (
                ctx.t("stat.proportion_suppressed", mark=SUPPRESSED)
                if result.work_or_studies_hidden(ctx, months)
                else ctx.proportion(k, n, *wilson_interval(k, n))
            )
            parts.append(
                ctx.paragraph(
                    ctx.t("participants.follow_up.work_or_studies", proportion=proportion)
                )
            )
        if h.support_n:
            k, n = h.self_sufficient, h.support_n
            parts.append(
                ctx.paragraph(
                    ctx.t(
                        "participants.follow_up.self_sufficient",
                        proportion=ctx.t("stat.proportion_suppressed", mark=SUPPRESSED)
                        if result.self_sufficient_hidden(ctx, months)
                        else ctx.proportion(k, n, *wilson_interval(k, n)),
                    )
                )
            )
        if h.followed_up:
            table = h.outcomes[h.outcomes.sum(axis=1) > 0]
            table = table.loc[:, table.sum(axis=0) > 0]
            column = f"outcome_{months}m"
            shown = count_table_frame(
                ctx,
                table,
                row_variable=column,
                column_names=_group_columns(ctx, table, result.group_names),
            )
            parts.append(
                protected_count_table(
                    ctx,
                    shown,
                    ctx.t("participants.follow_up.caption", horizon=horizon),
                    table_id=f"follow_up.{months}m",
                    dimensions=[column, "group"],
                    filters={"population": f"followed_up:{months}m", "as_of": result.as_of},
                )
            )
    parts.append(ctx.note(ctx.t("participants.follow_up.attrition_note")))
    return join(parts)


def render_transition_table(result, ctx: RenderContext) -> Html:
    """Render a :class:`~insats.outcomes.exits.TransitionTable` as report HTML."""
    after_name = ctx.t(f"participants.transitions.column.{result.after}")
    before_name = ctx.t(f"participants.transitions.column.{result.before}")
    if result.n == 0:
        parts = [ctx.paragraph(ctx.t("participants.transitions.none", after=after_name.lower()))]
    else:
        key = "sentence_support" if result.vocabulary == "support" else "sentence_outcome"
        k0, k1, n0 = result.positive_before, result.positive_after, result.n_before
        keys = result._publish(ctx)
        if n0 == 0:
            key += "_after_only"  # nothing known before: no "0 of n before"
        # n = known before + unknown before (the table's "unknown" row): one relation.
        unknown_key, known_key = keys["unknown_before"], keys["known_before"]

        def share(cell, k: int, base: int) -> str:
            base_key = known_key if base == n0 and base != result.n else keys["n"]
            if ctx.hidden(cell, k) or ctx.hidden(keys["n"], result.n) or ctx.hidden(base_key, base):
                return ctx.t("stat.proportion_suppressed", mark="..")
            return ctx.proportion(k, base, *wilson_interval(k, base))

        text = ctx.t(
            f"participants.transitions.{key}",
            n=ctx.cell(keys["n"], result.n),
            after=after_name.lower(),
            before=before_name.lower(),
            before_share=share(keys["before"], k0, n0),
            after_share=share(keys["after"], k1, result.n),
        )
        if 0 < n0 < result.n:
            text += " " + ctx.t(
                "participants.transitions.before_unknown",
                count=ctx.cell(unknown_key, result.unknown_before),
                before=before_name.lower(),
                n_before=ctx.cell(known_key, n0),
            )
        parts = [ctx.paragraph(text)]
        table = result.table.loc[result.table.sum(axis=1) > 0, result.table.sum(axis=0) > 0]
        shown = count_table_frame(ctx, table, row_variable=result.before)
        shown.columns = [category_label(ctx, result.after, c) for c in table.columns]
        shown.index.name = f"{before_name} \u2193 / {after_name} \u2192"
        parts.append(
            protected_count_table(
                ctx,
                shown,
                ctx.t("participants.transitions.caption", before=before_name, after=after_name),
                table_id=f"transitions.{result.before}.{result.after}",
                dimensions=[result.before, result.after],
                filters={"population": f"recorded:{result.after}"},
            )
        )
    if result.excluded:
        count = ctx.cell(result._publish(ctx)["excluded"], result.excluded)
        parts.append(
            ctx.note(
                ctx.t(
                    "participants.transitions.excluded_unnumbered"
                    if count == SUPPRESSED
                    else "participants.transitions.excluded",
                    count=count,
                    after=after_name.lower(),
                )
            )
        )
    return join(parts)


def _group_columns(ctx: RenderContext, table: pd.DataFrame, names: dict) -> dict[str, str]:
    return {k: group_label(ctx, k, names) for k in table.columns}


RENDERERS = {
    ExitSummary: render_exit_summary,
    FollowUp: render_follow_up,
    TransitionTable: render_transition_table,
}


def render(result, ctx: RenderContext) -> Html:
    """Render any result of this section with its renderer."""
    return RENDERERS[type(result)](result, ctx)


def repr_html(result) -> str:
    """HTML for JupyterLab: the result rendered with the internal Swedish context."""
    return render(result, RenderContext())._repr_html_()
