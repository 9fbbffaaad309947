"""The socio-economic section: finding, tables per actor, cash flow, break-even,
uncertainty, tornado, transitions, method and assumptions, the scenarios table, and
figures.json's ``socioeconomic`` entry (the numbers are
:class:`insats.socioeconomic.account.SocioeconomicAccount`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from insats.cohort.schema import SELF_SUFFICIENT_SUPPORT
from insats.disclosure import SUPPRESSED, count_key
from insats.report.context import Html, RenderContext, join
from insats.report.figures import socioeconomic as plots
from insats.socioeconomic.account import (
    INTERVAL_LEVEL,
    NO_AFTER_STATUS,
    SocioeconomicAccount,
    funder_actor,
)
from insats.socioeconomic.scenarios import ScenarioComparison

__all__ = [
    "render_scenarios",
    "render_socioeconomic",
    "repr_html",
    "repr_scenarios_html",
    "socioeconomic_figure_data",
]


def _actor(account: SocioeconomicAccount, ctx: RenderContext, actor: str) -> str:
    return ctx.t(f"socioeconomic.actor.{actor}")


def _within(ctx: RenderContext, years: int) -> str:
    """A column heading "Inom 1 år" / "Within 1 year", "Inom 4 år" / "Within 4 years"."""
    if years == 1:
        return ctx.t("socioeconomic.within_one_year")
    return ctx.t("socioeconomic.within_years", n=years)


def _money(
    account: SocioeconomicAccount, ctx: RenderContext, values
) -> tuple[Callable[[float], str], str]:
    """Tick formatter and axis label: millions when amounts reach millions."""
    largest = (
        float(np.nanmax(np.abs(np.asarray(values, dtype=float))))
        if len(np.asarray(values))
        else 0.0
    )
    if largest >= 2e6:
        return (
            lambda v: ctx.t("socioeconomic.mkr", value=ctx.number(v / 1e6, 0)),
            ctx.t("socioeconomic.plot.mkr_axis"),
        )
    return (
        lambda v: ctx.t("socioeconomic.tkr", value=ctx.number(v / 1e3, 0)),
        ctx.t("socioeconomic.plot.tkr_axis"),
    )


def _payback_text(account: SocioeconomicAccount, ctx: RenderContext, years: float | None) -> str:
    if years is None or (isinstance(years, float) and math.isnan(years)):
        return ctx.t("socioeconomic.not_within_horizon")
    return ctx.years(years)


def _payback_cell(
    account: SocioeconomicAccount, ctx: RenderContext, investment: float, years
) -> str:
    if investment <= 0:
        return ctx.t("socioeconomic.no_investment")
    return _payback_text(account, ctx, years)


#: Dimensions of a count that do not set a person's value in the account: its amounts
#: cannot tell the people of one such category from another's (the intake group can:
#: it sets when they left; see :func:`value_split_hidden`).
VALUE_NEUTRAL_DIMENSIONS = frozenset(
    {
        "gender",
        "age_band",
        "education",
        "birth_region",
        "swedish_level",
        "referral",
        "municipality",
        "activity",
        "self_assessment_change",
    }
)
#: Populations (``filter:population`` prefixes) and measures (``filter:measure``) of
#: counts that are not the account's people (who left) split by what sets their value:
#: the profile (everyone enrolled), the recruitment and the self-assessment.
VALUE_NEUTRAL_POPULATIONS = ("profile", "recruitment", "self_assessment")
VALUE_NEUTRAL_MEASURES = frozenset({"enrolled", "started", "invited"})


#: Dimensions of the statuses after the insats: they set an amount, but not the
#: break-even, which puts one success in the place of each person's own status after.
AFTER_STATUS_DIMENSIONS = frozenset(
    {
        "support_after",
        "support_at_exit",
        "support_at_exit:positive",
        "support_6m",
        "support_12m",
        "outcome_at_exit",
        "outcome_6m",
        "outcome_12m",
        "work_or_studies",
        "self_sufficient",
        "measure",
    }
)


def _sets_value(key) -> bool:
    """Whether a count splits those who left by nothing but what sets a person's value
    in the account: support at start, support and outcome at exit, 6 and 12 months
    after, the period or group of the exit (its date), or the whole (no dimension).
    Conservative: any dimension not known to be neutral counts.
    """
    filters = {d[len("filter:") :]: v for d, v in key if d.startswith("filter:")}
    if str(filters.get("population", "")).startswith(VALUE_NEUTRAL_POPULATIONS):
        return False
    if filters.get("measure") in VALUE_NEUTRAL_MEASURES:
        return False
    dims = {d for d, _ in key if not d.startswith("filter:")}
    return not dims & VALUE_NEUTRAL_DIMENSIONS


def value_split_cells(ctx: RenderContext) -> list:
    """The cells of a split the account's amounts depend on that the plan hides
    (see :func:`value_split_hidden`), in a stable order.
    """
    if not ctx.disclosure.active:
        return []
    cells = [k for k in ctx.disclosure.hidden_cells() if _sets_value(k)]
    return sorted(cells, key=lambda k: sorted(map(str, k)))


def value_split_hidden(account: SocioeconomicAccount, ctx: RenderContext) -> bool:
    """Whether the plan hides a count of a split that the account's amounts depend on
    (issue 15, attacks of stop 27).

    Every amount (effects per actor, net present values, payback, the yearly table,
    the simulations) is a sum over the people with an effect of a value set by their
    support at start, their staged statuses after (support and outcome at exit, 6 and
    12 months after) and when they left; the break-even is the investment over the
    average value of one success over the same people (their support at start and
    exit months). So the amounts are linear in the counts of those splits: with the
    published unit costs, Kommunen's effect of 20 successes gave back how many of them
    started on försörjningsstöd (6 005 565 = x · 695 720 + (20 − x) · 230 494: x = 3,
    hidden in the transitions table), the break-even how many of the 30 who left did,
    and the yearly table how many of the period's exits went to work (a hidden cell of
    the period's outcome table, the one since the start shown). Where the plan hides
    any count that splits those who left by such a variable (a cell of the transitions
    table, of the follow-up's support or outcome tables, of the outcome tables of the
    period or since the start, of those who left by group or period), the amounts and
    the break-even are withheld. Counts split by something that does not set a value
    (gender, age, education, birth region, Swedish, referral, municipality) or of other
    people (everyone enrolled, the recruitment) do not count: the amounts cannot tell
    those categories apart, and their margins by the value's variables are cells of
    this rule wherever they are hidden.
    """
    if not ctx.disclosure.active or account.n_participants == 0:
        return False
    return bool(value_split_cells(ctx))


def withheld(account: SocioeconomicAccount, ctx: RenderContext) -> bool:
    """Whether a shared report leaves out the account's amounts (issue 15).

    Every amount (effects, net present values, payback, the simulations) is a sum over
    the successes, each worth about the same: with 1 to min_cell_count − 1 successes,
    an amount divided by the value of one success gives their count back, and with 1
    to min_cell_count − 1 others among the base (who had a known support at start),
    the base the report shows minus that count gives the others back. A deadweight
    derived from the reference share is r × n / successes, exact: with the successes
    hidden by the plan for any reason, it and every amount it scales are withheld.
    And each person's value depends on their support at start, their statuses after
    and when they left: where the plan hides a count of such a split, the amounts give
    it back (:func:`value_split_hidden`), and they are withheld with the break-even.
    Else the investment and the unit costs stay, and the break-even unless its
    deadweight is withheld.
    """
    return _successes_withheld(account, ctx) or value_split_hidden(account, ctx)


def _successes_withheld(account: SocioeconomicAccount, ctx: RenderContext) -> bool:
    """The first rules of :func:`withheld`: the amounts would give the successes, or
    the others of the base, back (or a deadweight derived from hidden successes).
    """
    if not ctx.disclosure.active or account.n_participants == 0:
        return False
    if ctx.is_suppressed(account.n_successes) or ctx.is_suppressed(
        account.n_share - account.n_successes
    ):
        return True
    return account.deadweight_source == "reference" and bool(_success_cells(account, ctx)["hidden"])


def _deadweight_hidden(account: SocioeconomicAccount, ctx: RenderContext) -> bool:
    """A deadweight derived from the reference share is r × n / successes: it gives the
    successes back when their count is withheld.
    """
    return account.deadweight_source == "reference" and withheld(account, ctx)


def _share_shown_when_withheld(account: SocioeconomicAccount, ctx: RenderContext) -> bool:
    """Withheld for a hidden split only, the successes and their base are counts the
    report may show (the plan shows them): the share stays, in the text and figures.json.
    """
    return (
        value_split_hidden(account, ctx)
        and not _successes_withheld(account, ctx)
        and not _success_cells(account, ctx)["hidden"]
    )


def _break_even_hidden(account: SocioeconomicAccount, ctx: RenderContext) -> bool:
    """The break-even is the investment over the average value of one success over the
    people with an effect: withheld with a deadweight derived from the successes, and
    where the plan hides a count of a split that sets that average: who has an effect
    (those without a known status after are not among them), their support at start
    and when they left. Not their statuses after: a success takes their place (ten on
    försörjningsstöd, 3 of them to a job hidden, keep their break-even).
    """
    if _deadweight_hidden(account, ctx):
        return True
    if not ctx.disclosure.active or account.n_participants == 0:
        return False
    no_after = ("support_after", ctx.t("socioeconomic.no_after_status"))
    return any(
        no_after in key or not _splits_by_status_after(key) for key in value_split_cells(ctx)
    )


def _splits_by_status_after(key) -> bool:
    """Whether a count splits by the status after the insats: a dimension of it, the
    successes, or those who reached work or studies (or something else) in the
    time-to-event table.
    """
    dims = {d for d, _ in key if not d.startswith("filter:")}
    filters = dict(key)
    return (
        bool(dims & AFTER_STATUS_DIMENSIONS)
        or filters.get("filter:population") == "socioeconomic successes"
        or filters.get("filter:measure") in ("events", "competing")
    )


def render_socioeconomic(account: SocioeconomicAccount, ctx: RenderContext) -> Html:
    """The reader's view: finding, tables, charts, method and assumptions."""
    parts: list[str]
    if withheld(account, ctx):
        # too few successes (or others) first: the more specific reason
        reason = "withheld" if _successes_withheld(account, ctx) else "withheld_split"
        text = ctx.t(f"socioeconomic.{reason}", min=ctx.disclosure.min_cell_count)
        if _share_shown_when_withheld(account, ctx):
            cells = _success_cells(account, ctx)
            successes = ctx.t(
                "socioeconomic.lead_successes",
                successes=cells["successes"],
                n=cells["n"],
                total=ctx.count(account.n_participants),
            )
            text = f"{text} {successes}"
        if _break_even_hidden(account, ctx) and not _deadweight_hidden(account, ctx):
            text = f"{text} {ctx.t('socioeconomic.break_even_withheld_split')}"
        parts = [ctx.paragraph(text)]
        if not _break_even_hidden(account, ctx):
            parts.append(_render_break_even(account, ctx))
        parts.append(_render_standard_break_even(account, ctx))
        parts.append(_render_transitions(account, ctx))
        parts.append(_render_method(account, ctx))
        return join(parts)
    parts = [_render_lead(account, ctx)]
    parts.append(_render_summary(account, ctx))
    parts.append(_render_who_pays(account, ctx))
    parts.append(_render_yearly(account, ctx))
    parts.append(_render_break_even(account, ctx))
    parts.append(_render_standard_break_even(account, ctx))
    parts.append(_render_uncertainty(account, ctx))
    parts.append(_render_tornado(account, ctx))
    parts.append(_render_transitions(account, ctx))
    parts.append(_render_method(account, ctx))
    return join(parts)


def _render_lead(account: SocioeconomicAccount, ctx: RenderContext) -> Html:
    soc = account.actor_row("society")
    mc = account.uncertainty().set_index("actor")
    text = ctx.t(
        "socioeconomic.lead",
        horizon=account.params.horizon_years,
        investment=ctx.sek(soc["investment_sek"]),
        npv=ctx.sek(soc["npv_sek"]),
        low=ctx.sek(mc.loc["society", "low_sek"]),
        high=ctx.sek(mc.loc["society", "high_sek"]),
        probability=ctx.pct(mc.loc["society", "probability_positive"]),
        payback=_payback_text(account, ctx, soc["payback_years_discounted"]),
    )
    funders = [a for a, v in account.investment_sek.items() if v > 0]
    pockets = []
    for actor in funders:
        row = account.actor_row(actor)
        pockets.append(
            ctx.t(
                "socioeconomic.lead_funder"
                if row["effect_pv_sek"] >= 0
                else "socioeconomic.lead_funder_loss",
                actor=_actor(account, ctx, actor),
                investment=ctx.sek(row["investment_sek"]),
                effect=ctx.sek(abs(row["effect_pv_sek"])),
                npv=ctx.sek(row["npv_sek"]),
            )
        )
    successes = ctx.t(
        "socioeconomic.lead_successes",
        successes=_success_cells(account, ctx)["successes"],
        n=_success_cells(account, ctx)["n"],
        total=ctx.count(account.n_participants),
    )
    return ctx.paragraph(" ".join([text, *pockets, successes]))


def _render_summary(account: SocioeconomicAccount, ctx: RenderContext) -> Html:
    t = ctx.t
    rows = []
    for actor in (*account.shown_actors(), "society"):
        r = account.actor_row(actor)
        rows.append(
            {
                t("socioeconomic.col.actor"): _actor(account, ctx, actor),
                t("socioeconomic.col.investment"): ctx.sek(r["investment_sek"]),
                t("socioeconomic.col.effect"): ctx.sek(r["effect_sek"]),
                t("socioeconomic.col.effect_pv"): ctx.sek(r["effect_pv_sek"]),
                t("socioeconomic.col.net"): ctx.sek(r["net_sek"]),
                t("socioeconomic.col.npv"): ctx.sek(r["npv_sek"]),
                t("socioeconomic.col.return"): (
                    ctx.number(r["return_per_krona"], 2)
                    if r["return_per_krona"] is not None and not pd.isna(r["return_per_krona"])
                    else "–"
                ),
                t("socioeconomic.col.payback"): _payback_cell(
                    account, ctx, r["investment_sek"], r["payback_years"]
                ),
                t("socioeconomic.col.payback_pv"): _payback_cell(
                    account, ctx, r["investment_sek"], r["payback_years_discounted"]
                ),
            }
        )
    frame = pd.DataFrame(rows).set_index(t("socioeconomic.col.actor"))
    return ctx.table(
        frame,
        t(
            "socioeconomic.caption.summary",
            horizon=account.params.horizon_years,
            rate=ctx.pct(account.params.discount_rate, 1),
            year=account.params.price_year,
        ),
    )


def _render_who_pays(account: SocioeconomicAccount, ctx: RenderContext) -> Html:
    t = ctx.t
    s = account.summary.set_index("actor").loc[list(account.shown_actors())]
    s.index = [_actor(account, ctx, a) for a in s.index]
    money, unit = _money(account, ctx, s[["investment_sek", "effect_pv_sek", "npv_sek"]].values)
    fig = plots.plot_who_pays_who_gains(
        s,
        pays_label=t("socioeconomic.plot.pays"),
        gains_label=t("socioeconomic.plot.gains"),
        net_label=t("socioeconomic.plot.net"),
        xlabel=unit,
        money_format=money,
    )
    return ctx.figure(
        fig, alt=t("socioeconomic.alt.who_pays"), caption=t("socioeconomic.caption.who_pays")
    )


def _render_yearly(account: SocioeconomicAccount, ctx: RenderContext) -> Html:
    t = ctx.t
    y = account.yearly()
    actors = (*account.shown_actors(), "society")
    pivot = y.pivot(index="year", columns="actor", values="cumulative_net_pv_sek")[list(actors)]
    start = pd.DataFrame(
        [
            [
                -account.investment_sek.get(a, 0.0)
                if a != "society"
                else -sum(account.investment_sek.values())
                for a in actors
            ]
        ],
        index=[0],
        columns=list(actors),
    )
    series = pd.concat([start, pivot])
    series.columns = [_actor(account, ctx, a) for a in actors]
    money, unit = _money(account, ctx, series.values)
    fig = plots.plot_cumulative_cash_flow(
        series,
        xlabel=t("socioeconomic.plot.years_axis"),
        ylabel=t("socioeconomic.plot.cumulative_axis", unit=unit),
        highlight=_actor(account, ctx, "society"),
        money_format=money,
    )
    table = pivot.copy()
    table.index = [t("socioeconomic.year_n", n=int(i)) for i in table.index]
    table.index.name = t("socioeconomic.col.year")
    table.columns = [_actor(account, ctx, a) for a in actors]
    table = table.map(ctx.sek)
    return join(
        [
            ctx.figure(
                fig,
                alt=t("socioeconomic.alt.cumulative"),
                caption=t("socioeconomic.caption.cumulative"),
            ),
            ctx.table(table, t("socioeconomic.caption.yearly")),
        ]
    )


def _render_break_even(account: SocioeconomicAccount, ctx: RenderContext) -> Html:
    t = ctx.t
    frame = account.break_even.copy()
    rows = {}
    for actor, group in frame.groupby("actor", sort=False):
        cells = {}
        for r in group.itertuples(index=False):
            key = _within(ctx, int(r.within_years))
            if r.participants is None or pd.isna(r.participants):
                cells[key] = t("socioeconomic.never")
            else:
                cells[key] = t(
                    "socioeconomic.break_even_cell",
                    n=ctx.number(r.participants),
                    share=ctx.pct(r.share_of_cohort),
                )
        rows[_actor(account, ctx, actor)] = cells
    table = pd.DataFrame(rows).T
    table.index.name = t("socioeconomic.col.actor")
    return join(
        [
            ctx.paragraph(
                t(
                    "socioeconomic.break_even_text_withheld",
                    n=ctx.count(account.n_participants),
                )
                if withheld(account, ctx)
                else t(
                    "socioeconomic.break_even_text",
                    n=ctx.count(account.n_participants),
                    successes=_success_cells(account, ctx)["successes"],
                )
            ),
            ctx.table(table, t("socioeconomic.caption.break_even")),
        ]
    )


def _render_standard_break_even(account: SocioeconomicAccount, ctx: RenderContext) -> Html:
    """The break-even in standard successes (one person from försörjningsstöd to
    full-time work): parameters and unit costs only, so shown in every report, also
    where the cohort's amounts are withheld (issue 15).
    """
    frame = account.standard_break_even
    if frame.empty:
        return Html("")
    t = ctx.t
    horizon = int(account.params.horizon_years)
    rows = {}
    for actor, group in frame.groupby("actor", sort=False):
        cells = {}
        for r in group.itertuples(index=False):
            cells[_within(ctx, int(r.within_years))] = (
                t("socioeconomic.never")
                if r.participants is None or pd.isna(r.participants)
                else ctx.number(r.participants)
            )
            if int(r.within_years) == horizon:
                value = ctx.sek(r.value_per_success_sek)
        cells[t("socioeconomic.col.standard_value", n=horizon)] = value
        rows[_actor(account, ctx, actor)] = cells
    table = pd.DataFrame(rows).T
    table.index.name = t("socioeconomic.col.actor")
    return join(
        [
            ctx.paragraph(t("socioeconomic.standard_break_even_text")),
            ctx.table(table, t("socioeconomic.caption.standard_break_even")),
        ]
    )


def _render_uncertainty(account: SocioeconomicAccount, ctx: RenderContext) -> Html:
    t = ctx.t
    mc = account.uncertainty().set_index("actor")
    rows = []
    for actor in (*account.shown_actors(), "society"):
        r = mc.loc[actor]
        rows.append(
            {
                t("socioeconomic.col.actor"): _actor(account, ctx, actor),
                t("socioeconomic.col.npv"): ctx.sek(account.actor_row(actor)["npv_sek"]),
                t("socioeconomic.col.median"): ctx.sek(r["median_sek"]),
                t("socioeconomic.col.interval"): t(
                    "socioeconomic.range",
                    low=ctx.sek(r["low_sek"]),
                    high=ctx.sek(r["high_sek"]),
                ),
                t("socioeconomic.col.probability"): ctx.pct(r["probability_positive"]),
            }
        )
    frame = pd.DataFrame(rows).set_index(t("socioeconomic.col.actor"))
    lo, hi = account.outcome_share_interval
    hidden_share = _success_cells(account, ctx)["hidden"]
    return join(
        [
            ctx.paragraph(
                t(
                    "socioeconomic.uncertainty_text",
                    draws=ctx.number(account.monte_carlo.draws),
                    seed=account.monte_carlo.seed,
                    share=SUPPRESSED if hidden_share else ctx.pct(account.outcome_share),
                    low=SUPPRESSED if hidden_share else ctx.pct(lo),
                    high=SUPPRESSED if hidden_share else ctx.pct(hi),
                    dw_low=ctx.pct(account.deadweight_range[0]),
                    dw_high=ctx.pct(account.deadweight_range[1]),
                    dw=ctx.pct(account.deadweight),
                    deadweight_draw=ctx.t(
                        f"socioeconomic.deadweight_draw.{account.deadweight_source}",
                        dw=ctx.pct(account.deadweight),
                        dw_low=ctx.pct(account.deadweight_range[0]),
                        dw_high=ctx.pct(account.deadweight_range[1]),
                        reference=ctx.pct(account.params.reference_work_or_studies_share),
                    ),
                    level=ctx.pct(INTERVAL_LEVEL),
                )
            ),
            ctx.table(frame, t("socioeconomic.caption.uncertainty")),
        ]
    )


def _parameter_label(account: SocioeconomicAccount, ctx: RenderContext, parameter: str) -> str:
    if parameter.startswith("item:"):
        status, actor, kind = parameter[5:].split(":")
        return ctx.t(
            "socioeconomic.item_label",
            kind=ctx.t(f"socioeconomic.item_kind.{kind}"),
            status=_status_word(account, ctx, status),
            actor=_actor(account, ctx, "state" if actor == "state" else actor),
        )
    return ctx.t(f"socioeconomic.parameter.{parameter}")


def _status_word(account: SocioeconomicAccount, ctx: RenderContext, status: str) -> str:
    key = "support" if ctx.labels.has(f"code.support.{status}") else "outcome"
    return ctx.code(key, status)


def _format_value(account: SocioeconomicAccount, ctx: RenderContext, parameter: str, value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ctx.t("socioeconomic.no_switch")
    if parameter.startswith("item:"):
        return ctx.t("socioeconomic.per_year", amount=ctx.sek(value))
    return ctx.pct(value, 1)


def _render_tornado(account: SocioeconomicAccount, ctx: RenderContext) -> Html:
    t = ctx.t
    sens = account.sensitivity.copy()
    if _success_cells(account, ctx)["hidden"]:
        # The share's row (its value, its interval and the net present values at its
        # ends) would give the hidden successes back: left out.
        sens = sens[sens["parameter"] != "outcome_share"]
    shown = sens[sens["swing_sek"] > 0].head(10)
    base = account.actor_row("society")["npv_sek"]
    labels = [_parameter_label(account, ctx, p) for p in shown["parameter"]]
    html = []
    if not shown.empty:
        money, unit = _money(account, ctx, shown[["npv_low_sek", "npv_high_sek"]].values)
        fig = plots.plot_tornado(
            shown.set_index(pd.Index(labels))[["npv_low_sek", "npv_high_sek"]],
            base_sek=base,
            low_label=t("socioeconomic.plot.low"),
            high_label=t("socioeconomic.plot.high"),
            xlabel=t("socioeconomic.plot.npv_axis", unit=unit),
            money_format=money,
        )
        html.append(
            ctx.figure(
                fig,
                alt=t("socioeconomic.alt.tornado"),
                caption=t("socioeconomic.caption.tornado"),
            )
        )
    rows = []
    for label, r in zip(labels, shown.itertuples(index=False), strict=True):
        rows.append(
            {
                t("socioeconomic.col.assumption"): label,
                t("socioeconomic.col.base"): _format_value(account, ctx, r.parameter, r.base_value),
                t("socioeconomic.col.range"): t(
                    "socioeconomic.range",
                    low=_format_value(account, ctx, r.parameter, r.low_value),
                    high=_format_value(account, ctx, r.parameter, r.high_value),
                ),
                t("socioeconomic.col.npv_range"): t(
                    "socioeconomic.range",
                    low=ctx.sek(r.npv_low_sek),
                    high=ctx.sek(r.npv_high_sek),
                ),
                t("socioeconomic.col.switching"): _format_value(
                    account, ctx, r.parameter, r.switching_value
                ),
            }
        )
    if rows:
        frame = pd.DataFrame(rows).set_index(t("socioeconomic.col.assumption"))
        html.append(ctx.table(frame, t("socioeconomic.caption.switching")))
    return join(html)


#: The cells of the account's successes and their base (see :func:`_success_cells`):
#: counts the report leads with, which its plan hides only when nothing else will do.
SUCCESS_KEYS = (
    count_key({"population": "socioeconomic successes"}),
    count_key({"population": "socioeconomic base"}),
)


def _success_cells(account: SocioeconomicAccount, ctx: RenderContext) -> dict:
    """The account's successes and their base as cells of the transitions table (issue
    15): a success is a person who left a support that is not self-sufficiency for wage
    or student aid, so the successes are the sum of those cells, and the base the rows
    with a known support at start. Text of each (".." where the plan hides it) and
    whether the share must be hidden.
    """
    successes_key, base_key = SUCCESS_KEYS
    table = account.transitions
    if ctx.disclosure.active and not table.empty:
        after = [c for c in table.columns if c in SELF_SUFFICIENT_SUPPORT]
        start = [r for r in table.index if r not in SELF_SUFFICIENT_SUPPORT]
        known = [r for r in table.index if r != "unknown"]

        def cell(row, column) -> object:
            label = (
                ctx.t("socioeconomic.no_after_status")
                if column == NO_AFTER_STATUS
                else ctx.code("support", column)
            )
            return count_key(support_at_start=ctx.code("support", row), support_after=label)

        rows = tuple(count_key(support_at_start=ctx.code("support", r)) for r in known)
        parts = tuple(cell(r, c) for r in start for c in after if table.at[r, c] > 0)
        ctx.publish(
            {successes_key: account.n_successes, base_key: account.n_share},
            [(successes_key, parts), (base_key, rows)],
        )
    hidden = (
        ctx.hidden(successes_key, account.n_successes)
        or ctx.hidden(base_key, account.n_share)
        or ctx.is_suppressed(account.n_share - account.n_successes)
    )
    return {
        "successes": ctx.cell(successes_key, account.n_successes),
        "n": ctx.cell(base_key, account.n_share),
        "hidden": hidden,
    }


def _render_transitions(account: SocioeconomicAccount, ctx: RenderContext) -> Html:
    t = ctx.t
    if account.transitions.empty:
        return Html("")
    counts = account.transitions.copy()
    counts.index = [ctx.code("support", c) for c in counts.index]
    counts.columns = [
        t("socioeconomic.no_after_status") if c == NO_AFTER_STATUS else ctx.code("support", c)
        for c in counts.columns
    ]
    return ctx.count_table(
        counts,
        t("socioeconomic.caption.transitions"),
        table_id="socioeconomic_transitions",
        dimensions=["support_at_start", "support_after"],
    )


def _render_method(account: SocioeconomicAccount, ctx: RenderContext) -> Html:
    t = ctx.t
    paragraphs = [
        ctx.paragraph(t("socioeconomic.method.model")),
        ctx.paragraph(t("socioeconomic.method.status")),
        ctx.paragraph(
            t(
                "socioeconomic.method.effect",
                start=ctx.date(account.account_start.date())
                if account.account_start is not None
                else "–",
                horizon=account.params.horizon_years,
                years=account.account_years,
            )
        ),
        ctx.paragraph(_time_limits_text(account, ctx)),
        ctx.paragraph(_deadweight_text(account, ctx)),
        ctx.paragraph(
            t(
                "socioeconomic.method.employer",
                actor=_actor(account, ctx, account.params.subsidised_employer_actor),
            )
        ),
        ctx.paragraph(_simplifications_text(account, ctx)),
        ctx.paragraph(t("socioeconomic.method.break_even")),
    ]
    assumptions = account.assumptions()
    rows = []
    dw_hidden = _deadweight_hidden(account, ctx)
    for r in assumptions.itertuples(index=False):
        if dw_hidden and r.key.startswith("deadweight"):
            value = SUPPRESSED
        elif r.unit in ("rate", "share"):
            value = ctx.pct(r.value, 2)
        elif r.unit == "shares":
            value = ", ".join(
                f"{_actor(account, ctx, funder_actor(k, account.params.split_state))} {ctx.pct(v)}"
                for k, v in r.value.items()
            )
        elif r.unit == "sek":
            value = ctx.sek(r.value)
        elif r.unit in ("count",):
            value = ctx.number(r.value)
        elif r.unit == "actor":
            value = _actor(account, ctx, r.value)
        elif r.unit == "code":
            value = ctx.code("support", r.value)
        else:
            value = str(r.value)
        rows.append(
            {
                t("socioeconomic.col.assumption"): t(f"socioeconomic.parameter.{r.key}"),
                t("socioeconomic.col.value"): value,
                t("socioeconomic.col.source"): t(
                    "socioeconomic.source.deadweight_reference_withheld"
                    if dw_hidden and r.source == "deadweight_reference"
                    else f"socioeconomic.source.{r.source}",
                    seed=account.params.seed,
                    path=Path(account.catalogue.price_index_path).name,
                    reference=ctx.pct(account.params.reference_work_or_studies_share),
                    successes=_success_cells(account, ctx)["successes"],
                    n=_success_cells(account, ctx)["n"],
                    low=SUPPRESSED if dw_hidden else ctx.pct(account.deadweight_range[0]),
                    high=SUPPRESSED if dw_hidden else ctx.pct(account.deadweight_range[1]),
                ),
            }
        )
    frame = pd.DataFrame(rows).set_index(t("socioeconomic.col.assumption"))
    items = account.catalogue.items
    cost_rows = []
    for r in items.itertuples(index=False):
        cost_rows.append(
            {
                t("socioeconomic.col.item"): _parameter_label(account, ctx, f"item:{r.item}"),
                t("socioeconomic.col.amount"): ctx.sek(r.amount_sek_per_year),
                t("socioeconomic.col.range"): t(
                    "socioeconomic.range",
                    low=ctx.sek(r.low_sek_per_year),
                    high=ctx.sek(r.high_sek_per_year),
                ),
                t("socioeconomic.col.original"): t(
                    "socioeconomic.original",
                    amount=ctx.number(r.original_amount_sek, 2),
                    per=t(f"socioeconomic.per.{r.per}"),
                    year=r.original_price_year,
                ),
                t("socioeconomic.col.source"): r.source
                + (f" ({t('socioeconomic.estimate')})" if r.is_estimate else ""),
                t("socioeconomic.col.note"): r.note,
            }
        )
    costs = pd.DataFrame(cost_rows).set_index(t("socioeconomic.col.item"))
    return join(
        [
            *paragraphs,
            # text tables: they wrap (and, printed, fit the page) rather than scroll
            ctx.table(frame, t("socioeconomic.caption.assumptions"), css_class="table text"),
            ctx.table(
                costs,
                t("socioeconomic.caption.unit_costs", year=account.params.price_year),
                css_class="table text",
            ),
        ]
    )


def _time_limits_text(account: SocioeconomicAccount, ctx: RenderContext) -> str:
    durations = account.catalogue.durations() if hasattr(account.catalogue, "durations") else {}
    if not durations:
        return ctx.t("socioeconomic.method.no_time_limits")
    limits = ", ".join(
        ctx.t(
            "socioeconomic.method.time_limit",
            status=_status_word(account, ctx, status),
            months=ctx.number(months),
        )
        for status, months in sorted(durations.items())
    )
    fallback = (
        ctx.t("socioeconomic.method.fallback_counterfactual")
        if account.params.fallback_support is None
        else ctx.t(
            "socioeconomic.method.fallback_support",
            support=ctx.code("support", account.params.fallback_support),
        )
    )
    return ctx.t(
        "socioeconomic.method.time_limits",
        limits=limits,
        fallback=fallback,
        after_limit=ctx.code("support", account.params.support_after_time_limit),
    )


def _deadweight_text(account: SocioeconomicAccount, ctx: RenderContext) -> str:
    p = account.params
    if _deadweight_hidden(account, ctx):
        return ctx.t(
            "socioeconomic.method.deadweight_reference_withheld",
            reference=ctx.pct(p.reference_work_or_studies_share),
        )
    return ctx.t(
        f"socioeconomic.method.deadweight_{account.deadweight_source}",
        deadweight=ctx.pct(account.deadweight),
        low=ctx.pct(account.deadweight_range[0]),
        high=ctx.pct(account.deadweight_range[1]),
        reference=ctx.pct(p.reference_work_or_studies_share),
        reference_n=ctx.number(p.reference_n) if p.reference_n else "–",
        successes=_success_cells(account, ctx)["successes"],
        n=_success_cells(account, ctx)["n"],
        level=ctx.pct(INTERVAL_LEVEL),
        size=ctx.t(
            "socioeconomic.method.reference_size_known"
            if p.reference_n
            else "socioeconomic.method.reference_size_unknown",
            reference_n=ctx.number(p.reference_n) if p.reference_n else "–",
        ),
    )


def _simplifications_text(account: SocioeconomicAccount, ctx: RenderContext) -> str:
    # In a shared report these counts are not cells of the plan (who is in work, whose
    # extent or start is unknown): the sentence says the same without them (issue 15).
    shared = ctx.disclosure.active
    if account.n_in_work == 0:
        extent = ctx.t("socioeconomic.method.extent_none")
    elif account.n_extent_unknown and shared:
        extent = ctx.t("socioeconomic.method.extent_unknown_shared")
    elif account.n_extent_unknown:
        extent = ctx.t(
            "socioeconomic.method.extent_unknown",
            unknown=ctx.count(account.n_extent_unknown),
            n=ctx.count(account.n_in_work),
        )
    else:
        extent = ctx.t("socioeconomic.method.extent_known")
    return ctx.t(
        "socioeconomic.method.simplifications",
        extent=extent,
        unknown_start=""
        if shared
        else ctx.t("socioeconomic.method.count_in_brackets", n=ctx.count(account.n_unknown_start)),
    )


def socioeconomic_figure_data(account: SocioeconomicAccount, ctx: RenderContext) -> dict:
    """The ``socioeconomic`` entry of figures.json (money is not suppressed)."""
    lo, hi = account.outcome_share_interval
    hidden_share = _success_cells(account, ctx)["hidden"]
    if withheld(account, ctx):
        return _withheld_figure_data(account, ctx)
    return {
        "withheld": False,
        "withheld_because": None,
        "horizon_years": int(account.params.horizon_years),
        "account_years": int(account.account_years),
        "discount_rate": float(account.params.discount_rate),
        "deadweight": float(account.deadweight),
        "deadweight_source": account.deadweight_source,
        "deadweight_interval": [
            float(account.deadweight_range[0]),
            float(account.deadweight_range[1]),
        ],
        "outcome_share": None
        if hidden_share
        else ctx.share_value(account.outcome_share, account.n_share),
        "outcome_share_interval": [
            None if hidden_share else ctx.statistic_value(lo, account.n_share),
            None if hidden_share else ctx.statistic_value(hi, account.n_share),
        ],
        "subsidised_employer_actor": account.params.subsidised_employer_actor,
        "who_gains": account.who_gains(),
        "investment_sek": {a: float(v) for a, v in account.investment_sek.items()},
        **account.key_figures(),
        "standard_success": account.standard_figures(),
    }


def _withheld_figure_data(account: SocioeconomicAccount, ctx: RenderContext) -> dict:
    """figures.json's ``socioeconomic`` when the amounts are withheld: the same keys,
    None for every amount that depends on the successes, and ``withheld`` true.
    """
    key = account.key_figures()
    dw_hidden = _deadweight_hidden(account, ctx)
    share, interval = None, [None, None]
    if _share_shown_when_withheld(account, ctx):
        lo, hi = account.outcome_share_interval
        share = ctx.share_value(account.outcome_share, account.n_share)
        interval = [
            ctx.statistic_value(lo, account.n_share),
            ctx.statistic_value(hi, account.n_share),
        ]
    return {
        "withheld": True,
        "withheld_because": "successes" if _successes_withheld(account, ctx) else "split",
        "horizon_years": int(account.params.horizon_years),
        "account_years": int(account.account_years),
        "discount_rate": float(account.params.discount_rate),
        "deadweight": None if dw_hidden else float(account.deadweight),
        "deadweight_source": account.deadweight_source,
        "deadweight_interval": [None, None]
        if dw_hidden
        else [float(account.deadweight_range[0]), float(account.deadweight_range[1])],
        # the share is a count over a count, not an amount: shown where its cells are
        # (withheld for the successes, it would give them back)
        "outcome_share": share,
        "outcome_share_interval": interval,
        "subsidised_employer_actor": account.params.subsidised_employer_actor,
        "who_gains": [],
        "investment_sek": {a: float(v) for a, v in account.investment_sek.items()},
        "npv_sek": dict.fromkeys(key["npv_sek"]),
        "payback_years": dict.fromkeys(key["payback_years"]),
        "break_even_participants": dict.fromkeys(key["break_even_participants"])
        if _break_even_hidden(account, ctx)
        else key["break_even_participants"],
        "probability_positive": dict.fromkeys(key["probability_positive"]),
        # parameters and unit costs only: it gives no count back (issue 15)
        "standard_success": account.standard_figures(),
    }


def repr_html(account: SocioeconomicAccount) -> str:
    """The account in the default (internal Swedish) view, for JupyterLab."""
    return render_socioeconomic(account, RenderContext())._repr_html_()


def render_scenarios(comparison: ScenarioComparison, ctx: RenderContext) -> Html:
    """Net present value per scenario and actor, and society's payback, as one table."""
    wide = comparison.frame.pivot(index="scenario", columns="actor", values="npv_sek")
    wide = wide.reindex(list(comparison.changes))
    shown = wide.map(ctx.sek)
    shown.index.name = ctx.t("socioeconomic.scenarios.scenario")
    shown.columns = [
        ctx.t(f"socioeconomic.actor.{a}") if ctx.labels.has(f"socioeconomic.actor.{a}") else a
        for a in shown.columns
    ]
    payback = comparison.frame.loc[comparison.frame["actor"] == "society"].set_index("scenario")[
        "payback_years"
    ]
    shown[ctx.t("socioeconomic.scenarios.payback")] = [
        ctx.years(payback.get(name))
        if pd.notna(payback.get(name))
        else ctx.t("build.summary.not_within_horizon")
        for name in shown.index
    ]
    return ctx.table(shown, ctx.t("socioeconomic.scenarios.caption"))


def repr_scenarios_html(comparison: ScenarioComparison) -> str:
    """The scenarios in the default (internal Swedish) view, for JupyterLab."""
    return render_scenarios(comparison, RenderContext())._repr_html_()
