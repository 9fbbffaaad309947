"""The socio-economic account of an insats, per actor and for society, in the style of
Nilsson & Wadeskog ("Fyra räknesätt och ett bokslut"): investment against the change in
each actor's flows, with payback, break-even and uncertainty.

The status model and the booking rules are described in
:mod:`insats.socioeconomic.engine`; the unit costs in
:mod:`insats.socioeconomic.catalogue`; the Monte Carlo and tornado in
:mod:`insats.socioeconomic.uncertainty`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from insats.errors import InsatsError
from insats.outcomes import estimate_proportion
from insats.params import ReportParameters
from insats.socioeconomic.catalogue import (
    CatalogueError,
    UnitCostCatalogue,
    income_tax_rules,
    load_catalogue,
)
from insats.socioeconomic.engine import (
    FLOW_KINDS,
    PRODUCING_OUTCOMES,
    STATE_PARTS,
    Engine,
    Rates,
    Timing,
    assign_statuses,
    discount_factors,
    monthly_discount_factors,
    payback_years,
    standard_success_statuses,
)
from insats.socioeconomic.uncertainty import (
    Evaluator,
    MonteCarloResult,
    ShareModel,
    mover_pairs,
    one_way_sensitivity,
    run_monte_carlo,
)

MANDATE_PERIOD_YEARS = 4  # Swedish municipal and regional councils sit four years
INTERVAL_LEVEL = 0.90
NO_AFTER_STATUS = "no_after_status"  # column of the transitions table (not a support code)


class AccountError(InsatsError, ValueError):
    """Inputs the account cannot use (the message says which and why)."""


def _wilson(k: int, n: int) -> tuple[float, float]:
    if n == 0:
        return (0.0, 0.0)
    p = estimate_proportion(k, n)
    assert p.ci_low is not None and p.ci_high is not None  # n > 0: an interval
    return float(p.ci_low), float(p.ci_high)


def funder_actor(name: str, split_state: bool) -> str:
    """The actor a funder of the investment is booked on (the state's parts unless split)."""
    if not split_state and name in STATE_PARTS:
        return "state"
    if split_state and name == "state":
        return "other_state"
    return name


@dataclass
class SocioeconomicAccount:
    """The account: per actor and society, per year; payback, break-even, uncertainty.

    Attributes:
        actors: displayed actors (``society`` is their sum, not listed here).
        flows: tidy frame, one row per year (1 … horizon), actor and kind
            (``investment``, ``production``, ``service``, ``transfer``, ``tax``) with
            ``amount_sek`` and ``discounted_sek``.
        summary: per actor and ``society``: ``investment_sek``, ``effect_sek``,
            ``effect_pv_sek``, ``net_sek``, ``npv_sek``, ``return_per_krona``,
            ``payback_years``, ``payback_years_discounted`` (None = not within horizon).
        break_even: ``actor``, ``within_years``, ``value_per_success_sek``,
            ``participants`` (None = never), ``share_of_cohort``.
        standard_break_even: the same in standard successes, which do not depend on the
            cohort (:func:`_standard_break_even`).
        monte_carlo, sensitivity: see :mod:`insats.socioeconomic.uncertainty`.
        transitions: person counts, start support (rows) × after support (columns).
    """

    params: ReportParameters
    catalogue: UnitCostCatalogue
    actors: tuple[str, ...]
    funders: dict[str, float]
    investment_sek: dict[str, float]
    flows: pd.DataFrame
    summary: pd.DataFrame
    break_even: pd.DataFrame
    monte_carlo: MonteCarloResult
    sensitivity: pd.DataFrame
    transitions: pd.DataFrame
    n_participants: int
    n_with_effect: int
    n_successes: int
    outcome_share: float
    outcome_share_interval: tuple[float, float]
    account_start: pd.Timestamp | None
    investment_source: str = "parameter"
    deadweight: float = 0.0
    deadweight_source: str = "default"  # parameter | reference | default
    deadweight_range: tuple[float, float] = (0.0, 0.0)
    account_years: int = 0
    n_unknown_start: int = 0
    n_extent_unknown: int = 0
    n_in_work: int = 0
    n_share: int = 0  # denominator of the outcome share (see build_account)
    #: the break-even counted in standard successes (:func:`_standard_break_even`):
    #: ``actor``, ``within_years``, ``value_per_success_sek``, ``participants``
    #: (None = never); empty where the catalogue has no försörjningsstöd
    standard_break_even: pd.DataFrame = field(default_factory=pd.DataFrame)
    _mc_summary: pd.DataFrame | None = field(default=None, repr=False)

    # --- tidy views ------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """Yearly flows per actor and kind (tidy; society = sum over actors)."""
        return self.flows.copy()

    def yearly(self) -> pd.DataFrame:
        """Per year and actor (and society): investment, effect, net, cumulated,
        undiscounted and discounted.
        """
        f = self.flows
        effect = f[f["kind"] != "investment"]
        invest = f[f["kind"] == "investment"]
        keys = ["year", "actor"]
        out = (
            effect.groupby(keys, sort=False)[["amount_sek", "discounted_sek"]]
            .sum()
            .rename(columns={"amount_sek": "effect_sek", "discounted_sek": "effect_pv_sek"})
            .join(
                invest.groupby(keys, sort=False)["amount_sek"].sum().rename("investment_sek"),
                how="left",
            )
            .fillna({"investment_sek": 0.0})
            .reset_index()
        )
        soc = out.groupby("year", as_index=False)[
            ["effect_sek", "effect_pv_sek", "investment_sek"]
        ].sum()
        soc["actor"] = "society"
        out = pd.concat([out, soc[out.columns]], ignore_index=True)
        out["net_sek"] = out["effect_sek"] - out["investment_sek"]
        out["net_pv_sek"] = out["effect_pv_sek"] - out["investment_sek"]
        out = out.sort_values(["actor", "year"], kind="stable")
        out["cumulative_net_sek"] = out.groupby("actor")["net_sek"].cumsum()
        out["cumulative_net_pv_sek"] = out.groupby("actor")["net_pv_sek"].cumsum()
        order = {a: i for i, a in enumerate((*self.actors, "society"))}
        return out.sort_values(
            ["year", "actor"], key=lambda s: s.map(order) if s.name == "actor" else s
        ).reset_index(drop=True)

    def uncertainty(self) -> pd.DataFrame:
        if self._mc_summary is None:
            self._mc_summary = self.monte_carlo.summary(INTERVAL_LEVEL)
        return self._mc_summary

    def shown_actors(self) -> tuple[str, ...]:
        """Actors with any flow or investment (the employer only appears with subsidies)."""
        keep = []
        for actor in self.actors:
            rows = self.flows[self.flows["actor"] == actor]
            if actor != "employer" or rows["amount_sek"].abs().sum() > 0:
                keep.append(actor)
        return tuple(keep)

    def assumptions(self) -> pd.DataFrame:
        """Every assumption with its value and source (``key``, ``value``, ``unit``,
        ``source``: a key of ``socioeconomic.source.*`` in the label catalogue).
        """
        p = self.params
        rows = [
            ("horizon_years", p.horizon_years, "years", "parameter"),
            ("discount_rate", p.discount_rate, "rate", "green_book"),
            ("deadweight", self.deadweight, "share", f"deadweight_{self.deadweight_source}"),
            *(
                [("deadweight_range", p.deadweight_range, "share", "parameter")]
                if self.deadweight_source != "reference"
                else []
            ),
            ("attribution", p.attribution, "share", "parameter"),
            ("displacement", p.displacement, "share", "parameter"),
            ("drop_off_rate", p.drop_off_rate, "rate", "parameter"),
            ("employer_contribution_rate", p.employer_contribution_rate, "rate", "ekonomifakta"),
            ("municipal_tax_rate", p.municipal_tax_rate, "rate", "tax_split"),
            ("regional_tax_rate", p.regional_tax_rate, "rate", "tax_split"),
            ("price_year", p.price_year, "year", "kpi"),
            ("investment_sek", sum(self.investment_sek.values()), "sek", self.investment_source),
            ("funder_shares", self.funders, "shares", "parameter"),
            ("relative_cost_range", p.relative_cost_range, "share", "parameter"),
            ("monte_carlo_draws", p.monte_carlo_draws, "count", "seed"),
            ("subsidised_employer_actor", p.subsidised_employer_actor, "actor", "parameter"),
            ("support_after_time_limit", p.support_after_time_limit, "code", "parameter"),
        ]
        return pd.DataFrame(rows, columns=["key", "value", "unit", "source"])

    def actor_row(self, actor: str) -> pd.Series:
        """The summary row of one actor (or ``society``)."""
        return self.summary.set_index("actor").loc[actor]

    def _repr_html_(self) -> str:
        # lazy hook: presentation lives in report/sections
        from insats.report.sections.socioeconomic import repr_html

        return repr_html(self)

    def key_figures(self) -> dict[str, dict]:
        """Per actor (and society), keyed by code: ``npv_sek``, ``payback_years``
        (discounted; None = not within the account), ``break_even_participants`` (within
        the account's years; society and the investing actors) and
        ``probability_positive`` (Monte Carlo). Money only: nothing here is suppressed.
        """
        s = self.summary.set_index("actor")
        mc = self.uncertainty().set_index("actor")
        actors = (*self.shown_actors(), "society")
        horizon = self.break_even[self.break_even["within_years"] == self.account_years]
        be = horizon.set_index("actor")["participants"]

        def num(value) -> float | None:
            if value is None or (isinstance(value, float) and math.isnan(value)):
                return None
            return float(value)

        return {
            "npv_sek": {a: float(s.loc[a, "npv_sek"]) for a in actors},
            "payback_years": {a: num(s.loc[a, "payback_years_discounted"]) for a in actors},
            "break_even_participants": {
                a: (None if be.get(a) is None or pd.isna(be.get(a)) else int(be.get(a)))
                for a in ("society", *self.investment_sek)
            },
            "probability_positive": {a: num(mc.loc[a, "probability_positive"]) for a in actors},
        }

    def standard_figures(self) -> dict | None:
        """The break-even in standard successes for figures.json (None where the
        catalogue cannot value one): per actor (society and the investing actors) the
        value of one standard success and the successes needed, within the horizon
        (``value_sek``, ``break_even_participants``) and within each of 1 year, a mandate
        period and the horizon (``by_years``, keyed by the number of years). Parameters
        and unit costs only: shown in every report.
        """
        frame = self.standard_break_even
        if frame.empty:
            return None

        def needed(value) -> int | None:
            return None if value is None or pd.isna(value) else int(value)

        by_years = {
            str(int(years)): {
                "value_sek": {r.actor: float(r.value_per_success_sek) for r in g.itertuples()},
                "break_even_participants": {
                    r.actor: needed(r.participants) for r in g.itertuples()
                },
            }
            for years, g in frame.groupby("within_years", sort=True)
        }
        horizon = by_years[str(int(self.params.horizon_years))]
        return {
            "start_support": "social_assistance",
            "outcome": "employment",
            "work_extent": 1.0,
            "horizon_years": int(self.params.horizon_years),
            **horizon,
            "by_years": by_years,
        }

    def who_gains(self) -> list[str]:
        """Actors (not society) with a positive net present value, largest first."""
        s = self.summary.set_index("actor")
        gainers = [a for a in self.shown_actors() if s.loc[a, "npv_sek"] > 0]
        return sorted(gainers, key=lambda a: float(s.loc[a, "npv_sek"]), reverse=True)


def _needed(invest: float, value: float) -> int | None:
    """Successes worth ``value`` each needed to repay ``invest`` (None = never)."""
    if invest <= 0:
        return 0
    if value > invest * 1e-12:  # a vanishing value per success: never
        return int(math.ceil(invest / value - 1e-9))
    return None


def _standard_break_even(
    items: pd.DataFrame,
    rates: Rates,
    params: ReportParameters,
    timing: Timing,
    amounts: np.ndarray,
    actors: tuple[str, ...],
    invest_by_actor: dict[str, float],
    investment: np.ndarray,
) -> pd.DataFrame:
    """The break-even in standard successes: how many more people than would have
    anyway must move from försörjningsstöd (job seeking) to unsubsidised full-time work
    on the lowest wage, in the account's first month, for the investment to pay back,
    within one year, a mandate period and the horizon (issue 15).

    The value of one standard success uses the parameters (attribution, drop-off,
    discount rate, horizon, tax rates) and the unit costs only: not the cohort's
    supports, exit months or successes, nor a deadweight (the successes counted are
    the extra ones). So it gives no count of the cohort back and every shared report
    can show it; the cohort's own break-even (:attr:`SocioeconomicAccount.break_even`)
    averages over who left and when, and is withheld where that split is hidden.
    Empty where the catalogue has no row for försörjningsstöd.
    """
    known = set(items["status"]) if "status" in items else set()
    if "social_assistance" not in known:
        return pd.DataFrame(
            columns=["actor", "within_years", "value_per_success_sek", "participants"]
        )
    engine = Engine.from_statuses(
        standard_success_statuses(),
        items,
        rates,
        params.split_state,
        timing=timing,
        employer_actor=params.subsidised_employer_actor,
    )
    rows = []
    for years in sorted({1, MANDATE_PERIOD_YEARS, params.horizon_years}):
        per_success = amounts @ engine.success_exposure(
            years,
            attribution=params.attribution,
            drop_off_rate=params.drop_off_rate,
            discount_rate=params.discount_rate,
        )
        for actor in ("society", *invest_by_actor):
            value = per_success.sum() if actor == "society" else per_success[actors.index(actor)]
            invest = investment.sum() if actor == "society" else invest_by_actor[actor]
            rows.append(
                {
                    "actor": actor,
                    "within_years": years,
                    "value_per_success_sek": float(value),
                    "participants": _needed(invest, value),
                }
            )
    return pd.DataFrame(rows)


def resolve_deadweight(params: ReportParameters, successes: int, n: int) -> tuple[float, str]:
    """The deadweight the account uses and where it comes from.

    ``parameter`` when ``deadweight`` is set; else ``reference`` when a reference rate
    is given: the counterfactual successes are reference share × n, so the deadweight
    is min(1, r × n / k) of the k observed successes (1 when there are none and r > 0);
    else ``default`` (0).

    >>> from insats.params import ReportParameters
    >>> p = ReportParameters(project="x", period="2024", participants_path="x.csv",
    ...                      reference_work_or_studies_share=0.2)
    >>> resolve_deadweight(p, 8, 20)   # 0.2 × 20 = 4 of the 8 would have happened anyway
    (0.5, 'reference')
    """
    if params.deadweight is not None:
        return float(params.deadweight), "parameter"
    r = params.reference_work_or_studies_share
    if r is not None:
        if successes <= 0:
            return (1.0 if r > 0 else 0.0), "reference"
        return float(min(1.0, r * n / successes)), "reference"
    return 0.0, "default"


def build_account(  # noqa: C901 - the account composed in the order the method text describes
    df: pd.DataFrame,
    params: ReportParameters,
    *,
    investment_sek: float | None,
    catalogue: UnitCostCatalogue | None = None,
    outcome_share_interval: tuple[float, float] | None = None,
) -> SocioeconomicAccount:
    """Build the socio-economic account of one cohort.

    Args:
        df: canonical participants of the insats (see the data contract).
        params: the report parameters (rates, horizon, deadweight, funder shares …).
        investment_sek: the insats' cost in kronor, e.g. the invoiced costs to date;
            ``None`` falls back to ``params.investment_sek``.
        catalogue: unit costs; default :func:`load_catalogue` (params' files or the
            shipped ones).
        outcome_share_interval: the interval shown (and used by the tornado) for the
            account's self-sufficiency share; default the 95 % Wilson interval of the
            successes among the participants with an effect. The Monte Carlo always
            draws the share from Beta(k + ½, n − k + ½).

    Raises:
        AccountError: no investment given, funder shares naming unknown actors, or a
            support code in the data without a unit cost in the catalogue.
    """
    source = "finance"
    if investment_sek is None:
        investment_sek, source = params.investment_sek, "parameter"
    if investment_sek is None:
        raise AccountError(
            "no investment: pass investment_sek (e.g. the invoiced costs) or set the "
            "parameter investment_sek"
        )
    if investment_sek < 0 or not math.isfinite(investment_sek):
        raise AccountError(f"investment_sek must be a non-negative amount, got {investment_sek!r}")
    catalogue = catalogue or load_catalogue(params)
    items = catalogue.items
    if "item" not in items:
        items = items.assign(item=items["status"] + ":" + items["actor"] + ":" + items["kind"])
    rates = Rates(
        params.employer_contribution_rate,
        params.municipal_tax_rate,
        params.regional_tax_rate,
        income_tax_rules(params.price_year),  # grundavdrag, jobbskatteavdrag (issue 10, 15)
    )
    statuses = assign_statuses(df)
    effective = statuses[statuses["has_effect"]] if len(statuses) else statuses
    used = set(effective.get("start_support", []))
    for column in ("exit_stage_support", "m6_stage_support", "after_support"):
        used |= set(effective.get(column, []))
    if params.fallback_support:
        used.add(params.fallback_support)
    durations = catalogue.durations() if hasattr(catalogue, "durations") else {}
    if any(s in durations for s in used):
        used.add(params.support_after_time_limit)
    try:
        UnitCostCatalogue.check_supports(catalogue, used)
    except CatalogueError as exc:
        raise AccountError(str(exc)) from None
    timing = Timing(
        horizon_years=params.horizon_years,
        durations=durations,
        fallback_support=params.fallback_support,
        support_after_time_limit=params.support_after_time_limit,
    )
    engine = Engine.from_statuses(
        statuses,
        items,
        rates,
        params.split_state,
        timing=timing,
        employer_actor=params.subsidised_employer_actor,
    )
    actors = engine.actors

    problems = []
    investment = np.zeros(len(actors))
    invest_by_actor: dict[str, float] = {}
    for name, share in params.funder_shares.items():
        actor = funder_actor(name, params.split_state)
        if actor not in actors or actor in ("individual", "employer"):
            problems.append(
                f"funder_shares: {name!r} is not a funding actor "
                f"(expected one of municipality, region, state, {STATE_PARTS})"
            )
            continue
        investment[actors.index(actor)] += share * investment_sek
        invest_by_actor[actor] = invest_by_actor.get(actor, 0.0) + share * investment_sek
    if problems:
        raise AccountError("\n".join(problems))

    n = int(len(df))
    n_effect = int(statuses["has_effect"].sum()) if n else 0
    # The share's denominator: everyone who left with a known support at start (an early
    # exit without a known outcome stays in it as no success; without a known start
    # there is no counterfactual). Sample Första steget 2021-T2: 24 of 62.
    n_share = n - int((statuses["after_source"] == "unknown_start").sum()) if n else 0
    n_success = int(statuses["is_success"].sum()) if n else 0
    deadweight, dw_source = resolve_deadweight(params, n_success, n_share)

    evaluator = Evaluator(
        engine=engine,
        horizon_years=params.horizon_years,
        discount_rate=params.discount_rate,
        deadweight=deadweight,
        attribution=params.attribution,
        displacement=params.displacement,
        drop_off_rate=params.drop_off_rate,
        investment=investment,
        amounts=items["amount_sek_per_year"].to_numpy(dtype=float),
    )
    Y = engine.years
    monthly = evaluator.monthly_flows()  # [m, a, j]
    flows = evaluator.flows()  # [t, a, j]
    df_t = discount_factors(Y, params.discount_rate)
    df_m = monthly_discount_factors(engine.months, params.discount_rate)

    # tidy flows
    t_idx, a_idx, j_idx = np.meshgrid(
        np.arange(Y), np.arange(len(actors)), np.arange(len(FLOW_KINDS)), indexing="ij"
    )
    tidy = pd.DataFrame(
        {
            "year": t_idx.ravel() + 1,
            "actor": np.array(actors)[a_idx.ravel()],
            "kind": np.array(FLOW_KINDS)[j_idx.ravel()],
            "amount_sek": flows.ravel(),
            "discounted_sek": (flows * df_t[:, None, None]).ravel(),
        }
    )
    inv = pd.DataFrame(
        {
            "year": 1,
            "actor": list(actors),
            "kind": "investment",
            "amount_sek": investment,
            "discounted_sek": investment,
        }
    )
    tidy = pd.concat([inv, tidy], ignore_index=True)

    # per-actor summary; payback from the monthly flows in the months they happen
    effect_by_year = flows.sum(axis=2)  # [t, a]
    effect_by_month = monthly.sum(axis=2)  # [m, a]
    rows = []
    for a, actor in enumerate((*actors, "society")):
        is_society = actor == "society"
        yearly = effect_by_year.sum(axis=1) if is_society else effect_by_year[:, a]
        month_flow = effect_by_month.sum(axis=1) if is_society else effect_by_month[:, a]
        invest = investment.sum() if is_society else investment[a]
        pv = float((month_flow * df_m).sum())
        rows.append(
            {
                "actor": actor,
                "investment_sek": float(invest),
                "effect_sek": float(yearly.sum()),
                "effect_pv_sek": pv,
                "net_sek": float(yearly.sum() - invest),
                "npv_sek": pv - float(invest),
                "return_per_krona": pv / invest if invest > 0 else None,
                "payback_years": payback_years(invest, month_flow),
                "payback_years_discounted": payback_years(invest, month_flow * df_m),
            }
        )
    summary = pd.DataFrame(rows)
    for column in ("return_per_krona", "payback_years", "payback_years_discounted"):
        # None (not NaN) means "not within the account" / "no investment"
        summary[column] = pd.Series([r[column] for r in rows], dtype=object, index=summary.index)

    # break-even, on the same monthly timing and discounting as the NPV
    be_rows = []
    for years in sorted({1, MANDATE_PERIOD_YEARS, Y}):
        per_success = (1.0 - deadweight) * (
            evaluator.amounts
            @ engine.success_exposure(
                years,
                attribution=params.attribution,
                drop_off_rate=params.drop_off_rate,
                discount_rate=params.discount_rate,
            )
        )  # [actor]
        for actor in ("society", *invest_by_actor):
            value = per_success.sum() if actor == "society" else per_success[actors.index(actor)]
            invest = investment.sum() if actor == "society" else invest_by_actor[actor]
            needed = _needed(invest, value)
            be_rows.append(
                {
                    "actor": actor,
                    "within_years": years,
                    "value_per_success_sek": float(value),
                    "participants": needed,
                    "share_of_cohort": (needed / n) if (needed is not None and n) else None,
                }
            )
    break_even = pd.DataFrame(be_rows)
    standard_break_even = _standard_break_even(
        items, rates, params, timing, evaluator.amounts, actors, invest_by_actor, investment
    )

    # uncertainty: the account's own share, Jeffreys draws; deadweight from its source
    share0 = n_success / n_share if n_share else 0.0
    interval = outcome_share_interval or _wilson(n_success, n_share)
    lo = min(interval[0], share0)
    hi = max(interval[1], share0)
    if dw_source == "reference":
        dw_triple = (deadweight, deadweight, deadweight)  # replaced by the draws' interval
    else:
        dw_triple = (
            max(0.0, deadweight - params.deadweight_range),
            deadweight,
            min(1.0, deadweight + params.deadweight_range),
        )
    share_model = ShareModel(
        successes=n_success,
        n=n_share,
        deadweight=dw_triple,
        reference_share=params.reference_work_or_studies_share
        if dw_source == "reference"
        else None,
        reference_n=params.reference_n if dw_source == "reference" else None,
    )
    low = items["low_sek_per_year"].to_numpy(dtype=float)
    high = items["high_sek_per_year"].to_numpy(dtype=float)
    mc = run_monte_carlo(
        evaluator,
        low=low,
        high=high,
        shares=share_model,
        draws=params.monte_carlo_draws,
        seed=params.seed,
        movers=mover_pairs(items),
    )
    dw_interval = mc.deadweight_interval(INTERVAL_LEVEL)
    if dw_source == "reference" and dw_interval is not None:
        dw_triple = (min(dw_interval[0], deadweight), deadweight, max(dw_interval[1], deadweight))
    sensitivity = one_way_sensitivity(
        evaluator, items=items, low=low, high=high, share=(lo, share0, hi), deadweight=dw_triple
    )

    # transitions (person counts)
    if n:
        after = statuses["after_support"].where(statuses["has_effect"], NO_AFTER_STATUS)
        transitions = pd.crosstab(statuses["start_support"], after)
    else:
        transitions = pd.DataFrame()

    start = pd.to_datetime(df["start_date"]).min() if n else None
    if start is not None and pd.isna(start):
        start = None
    extent = statuses["work_extent"] if n and "work_extent" in statuses else pd.Series(dtype=float)
    producing = (
        statuses["has_effect"] & statuses["after_outcome"].isin(PRODUCING_OUTCOMES)
        if n
        else pd.Series(dtype=bool)
    )
    return SocioeconomicAccount(
        params=params,
        catalogue=catalogue,
        actors=actors,
        funders=dict(params.funder_shares),
        investment_sek=invest_by_actor,
        flows=tidy,
        summary=summary,
        break_even=break_even,
        standard_break_even=standard_break_even,
        monte_carlo=mc,
        sensitivity=sensitivity,
        transitions=transitions,
        n_participants=n,
        n_with_effect=n_effect,
        n_share=n_share,
        n_successes=n_success,
        outcome_share=share0,
        outcome_share_interval=(float(interval[0]), float(interval[1])),
        account_start=start,
        investment_source=source,
        deadweight=deadweight,
        deadweight_source=dw_source,
        deadweight_range=(dw_triple[0], dw_triple[2]),
        account_years=Y,
        n_unknown_start=int((statuses["after_source"] == "unknown_start").sum()) if n else 0,
        n_extent_unknown=int((producing & extent.isna()).sum()) if n else 0,
        n_in_work=int(producing.sum()) if n else 0,
    )
