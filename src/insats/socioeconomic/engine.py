"""The status model and the linear engine of the socio-economic account.

Status model
------------
A person's status is a pair (outcome, support) of data-contract codes:

- the **support** code decides who pays: transfers (försörjningsstöd from the
  municipality; etableringsersättning and aktivitetsstöd from the state via
  Försäkringskassan) and caseworker time (socialtjänsten for försörjningsstöd,
  Arbetsförmedlingen for etableringsersättning and aktivitetsstöd);
- the **outcome** code decides what is produced: ``employment`` and
  ``subsidised_employment`` produce (wage × (1 + employer contribution rate)), and for
  ``subsidised_employment`` the state pays the employer a subsidy. Studies, praktik,
  job seeking and the rest produce nothing in the account.

Catalogue rows attach to a status when their ``status`` equals its support or its
outcome code.

- **Counterfactual** (what would have happened without the insats): the person stays
  in the entry status: support = ``support_at_start`` and outcome = SUS's sysselsättning
  före (``activity_before``) when registered, else ``employment`` if
  that support is ``wage``, ``studies`` if ``student_aid``, else ``job_seeking``.
- **After** status: the latest known of the 12-month follow-up, else the 6-month one,
  else the status at exit. A point is known when its outcome or support is. A missing
  support is inferred from the outcome (work → ``wage``, studies → ``student_aid``,
  otherwise unchanged from the start); a missing outcome from the support (``wage`` →
  ``employment``, ``student_aid`` → ``studies``, otherwise ``job_seeking``).
- **No effect** is booked for participants who are still enrolled, for those with no
  known after status, and for early exits (exit reason other than ``completed``) whose
  outcome is unknown: such exits never count as improvements.

Booking per person-year (kinds: production and service are real resources; transfer
and tax are financial and cancel in the society total)::

    wage W (outcome employment / subsidised_employment):
        individual  production +W(1+e)   tax −W(e + m + r)
        state       tax +W·e       municipality tax +W·m      region tax +W·r
    transfer A of a support:  payer transfer −A,  individual transfer +A
    subsidy S of an outcome:  payer transfer −S,  employer transfer +S
    service C of a status:    producer service −C
    displacement d (subsidised job):  employer production −d·W(1+e)

with e, m, r the employer contribution, municipal and regional tax rates. The
individual's production is the value of the work at its labour cost; in a subsidised
job the employer (``subsidised_employer_actor``: by default the municipality) gets that
work paid by the state, which shows as the employer's gain; displacement scales the
production (booked against the employer), never the state's subsidy payment. Summed
over all actors transfers and taxes cancel, so society = production − services.
A wage and the subsidy derived from it scale with the person's extent of work
(``work_extent``; unknown = full time).

Timing (each person's own clock, month by month): a person's effect starts in the month
they leave and lasts ``horizon_years`` × 12 months; the account starts in the month of
the cohort's first start date (when the investment is made) and runs until the last
effect ends. Effect = after − counterfactual in each month, scaled by attribution, by
(1 − deadweight) and by (1 − drop-off)^k in the k-th year since the person's exit.
Time-limited statuses (catalogue ``duration_months``) end: a time-limited outcome
(extratjänst, 12 months from the exit) falls back to the counterfactual status (or
job seeking on ``fallback_support``); a time-limited support (etableringsersättning,
24 months from the start in the insats) becomes ``support_after_time_limit``, in the
counterfactual and after the insats alike. Flows are discounted by the account year
they fall in (year 0 undiscounted).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from insats.cohort.schema import SELF_SUFFICIENT_SUPPORT

FULL_ACTORS = (
    "municipality",
    "region",
    "employment_service",
    "social_insurance",
    "other_state",
    "individual",
    "employer",
)
STATE_PARTS = ("employment_service", "social_insurance", "other_state")
FLOW_KINDS = ("production", "service", "transfer", "tax")
PRODUCING_OUTCOMES = ("employment", "subsidised_employment")
SUCCESS_STATUS = ("employment", "wage")  # what break-even counts as one success
START_OUTCOME = {"wage": "employment", "student_aid": "studies"}
#: SUS's sysselsättning före (``activity_before``), when registered, says what the person
#: did at start better than the support does: the counterfactual keeps that activity.
ACTIVITY_OUTCOME = {
    "work": "employment",
    "subsidised_work": "subsidised_employment",
    "studies": "studies",
    "job_seeking": "job_seeking",
}
MISSING_CODES = ("", "unknown")


def display_actors(split_state: bool) -> tuple[str, ...]:
    """The actors shown in the account, in their display order."""
    if split_state:
        return FULL_ACTORS
    return ("municipality", "region", "state", "individual", "employer")


def aggregation_matrix(split_state: bool) -> np.ndarray:
    """Map the full actor axis to the displayed one (state parts summed unless split)."""
    shown = display_actors(split_state)
    matrix = np.zeros((len(FULL_ACTORS), len(shown)))
    for i, actor in enumerate(FULL_ACTORS):
        target = "state" if (not split_state and actor in STATE_PARTS) else actor
        matrix[i, shown.index(target)] = 1.0
    return matrix


def _known(value: object) -> bool:
    return value is not None and not pd.isna(value) and str(value) not in MISSING_CODES


def _code(value: object, default: str = "unknown") -> str:
    return str(value) if _known(value) else default


def assign_statuses(df: pd.DataFrame) -> pd.DataFrame:
    """Give every participant a counterfactual and an after status (module docstring).

    Args:
        df: canonical participants (support_at_start, end_date, exit_reason,
            outcome_at_exit, support_at_exit, outcome/support_6m, outcome/support_12m,
            start_date).

    Returns:
        One row per participant (same index) with ``start_outcome``, ``start_support``,
        ``after_outcome``, ``after_support``, ``after_source`` (12m, 6m, exit, none),
        ``has_effect`` (bool), ``effect_month`` (months from the account's first month
        to the month of exit; -1 without effect), ``start_month`` (months from the
        account's first month to the person's start), ``work_extent`` (share of full
        time after the insats; NaN = unknown) and ``is_success`` (counterfactual not
        self-sufficient, after status self-sufficient). A participant whose support at
        start is unknown has no counterfactual and so no effect (``after_source``
        ``unknown_start``).
    """
    if df.empty:
        return pd.DataFrame(
            columns=[
                "start_outcome",
                "start_support",
                "after_outcome",
                "after_support",
                "after_source",
                "has_effect",
                "effect_month",
                "start_month",
                "work_extent",
                "is_success",
            ]
        )
    start = pd.to_datetime(df["start_date"])
    first = start.min()
    end = pd.to_datetime(df["end_date"])
    records = []
    for idx, row in df.iterrows():
        start_support = _code(row.get("support_at_start"))
        start_outcome = START_OUTCOME.get(start_support, "job_seeking")
        activity = row.get("activity_before")
        if _known(activity) and str(activity) in ACTIVITY_OUTCOME:
            start_outcome = ACTIVITY_OUTCOME[str(activity)]
        after_outcome, after_support, source = start_outcome, start_support, "none"
        has_effect = False
        is_ongoing = pd.isna(end.loc[idx])
        is_early = _known(row.get("exit_reason")) and row.get("exit_reason") != "completed"
        if not is_ongoing:
            for label, o_col, s_col in (
                ("12m", "outcome_12m", "support_12m"),
                ("6m", "outcome_6m", "support_6m"),
                ("exit", "outcome_at_exit", "support_at_exit"),
            ):
                outcome, support = row.get(o_col), row.get(s_col)
                if not (_known(outcome) or _known(support)):
                    continue
                if is_early and not _known(outcome):
                    break  # an early exit with unknown outcome is never an improvement
                if _known(outcome):
                    after_outcome = str(outcome)
                else:
                    after_outcome = {"wage": "employment", "student_aid": "studies"}.get(
                        str(support), "job_seeking"
                    )
                if _known(support):
                    after_support = str(support)
                elif after_outcome in PRODUCING_OUTCOMES:
                    after_support = "wage"
                elif after_outcome == "studies":
                    after_support = "student_aid"
                else:
                    after_support = start_support
                source, has_effect = label, True
                break
        if not has_effect:
            after_outcome, after_support = start_outcome, start_support
        elif start_support == "unknown":
            # no counterfactual to compare with: the after status is kept for the
            # transitions table, but no effect and no success are booked
            source, has_effect = "unknown_start", False
        month = -1
        if has_effect:
            month = (end.loc[idx].year - first.year) * 12 + (end.loc[idx].month - first.month)
            month = max(int(month), 0)
        extent = row.get("work_extent")
        extent = float(extent) if _known(extent) else float("nan")
        begin = start.loc[idx]
        start_month = (begin.year - first.year) * 12 + (begin.month - first.month)
        records.append(
            {
                "start_outcome": start_outcome,
                "start_support": start_support,
                "after_outcome": after_outcome,
                "after_support": after_support,
                "after_source": source,
                "has_effect": has_effect,
                "effect_month": month,
                "start_month": int(start_month),
                "work_extent": extent,
                "is_success": bool(
                    has_effect
                    and after_support in SELF_SUFFICIENT_SUPPORT
                    and start_support not in SELF_SUFFICIENT_SUPPORT
                ),
            }
        )
    return pd.DataFrame.from_records(records, index=df.index)


@dataclass(frozen=True)
class Rates:
    """Tax and contribution rates (shares of the gross wage)."""

    employer_contribution: float
    municipal_tax: float
    regional_tax: float


EMPLOYER_TARGET = {
    "municipality": "municipality",
    "region": "region",
    "state": "other_state",
    "employer": "employer",
}


def status_coefficients(
    statuses: list[tuple[str, str]],
    items: pd.DataFrame,
    rates: Rates,
    employer_actor: str = "employer",
) -> tuple[np.ndarray, np.ndarray]:
    """Flows per krona of each catalogue item, for each status.

    Args:
        employer_actor: who receives a wage subsidy (``subsidised_employer_actor``:
            municipality, region, state or employer).

    Returns:
        ``(coef, displaceable)``, arrays [status, item, full actor, flow kind]: the flow
        booked to the actor per krona of the item's annual amount for one person-year in
        that status, and the part of it that displacement scales (the production of a
        subsidised job: displacement never scales the state's subsidy payment).
    """
    a = {name: i for i, name in enumerate(FULL_ACTORS)}
    j = {name: i for i, name in enumerate(FLOW_KINDS)}
    shape = (len(statuses), len(items), len(FULL_ACTORS), len(FLOW_KINDS))
    coef = np.zeros(shape)
    displaceable = np.zeros(shape)
    e, m, r = rates.employer_contribution, rates.municipal_tax, rates.regional_tax
    receiver = a[EMPLOYER_TARGET.get(employer_actor, "employer")]
    for s, (outcome, support) in enumerate(statuses):
        for k, item in enumerate(items.itertuples(index=False)):
            if item.status not in (outcome, support):
                continue
            payer = "other_state" if item.actor == "state" else item.actor
            if item.kind == "wage":
                if outcome not in PRODUCING_OUTCOMES:
                    continue
                coef[s, k, a["individual"], j["production"]] += 1 + e
                if outcome == "subsidised_employment":
                    # displacement: part of this work would have been done by someone else
                    # anyway; the loss is booked against the subsidised employer
                    displaceable[s, k, receiver, j["production"]] += 1 + e
                coef[s, k, a["individual"], j["tax"]] -= e + m + r
                coef[s, k, a["other_state"], j["tax"]] += e
                coef[s, k, a["municipality"], j["tax"]] += m
                coef[s, k, a["region"], j["tax"]] += r
            elif item.kind == "transfer":
                coef[s, k, a[payer], j["transfer"]] -= 1
                coef[s, k, a["individual"], j["transfer"]] += 1
            elif item.kind == "subsidy":
                coef[s, k, a[payer], j["transfer"]] -= 1
                coef[s, k, receiver, j["transfer"]] += 1
            elif item.kind == "service":
                coef[s, k, a[payer], j["service"]] -= 1
    return coef, displaceable


@dataclass(frozen=True)
class Timing:
    """The rules of time in the account (see :func:`person_path`).

    Attributes:
        horizon_years: years each person's effect lasts from their own exit.
        durations: months a time-limited status lasts (catalogue ``duration_months``).
        fallback_support: support after a time-limited outcome ends; None = the
            counterfactual status at that time.
        support_after_time_limit: support after a time-limited support ends.
    """

    horizon_years: int
    durations: dict[str, int]
    fallback_support: str | None = None
    support_after_time_limit: str = "social_assistance"


def counterfactual_status(
    month: int, start_month: int, start: tuple[str, str], timing: Timing
) -> tuple[str, str]:
    """The counterfactual status in an account month: the entry status, until a
    time-limited support (etableringsersättning, 24 months from the start in the
    insats) ends and the person moves to ``support_after_time_limit``.

    >>> t = Timing(5, {"establishment_allowance": 24})
    >>> counterfactual_status(23, 0, ("job_seeking", "establishment_allowance"), t)
    ('job_seeking', 'establishment_allowance')
    >>> counterfactual_status(24, 0, ("job_seeking", "establishment_allowance"), t)
    ('job_seeking', 'social_assistance')
    """
    outcome, support = start
    limit = timing.durations.get(support)
    if limit is not None and month - start_month >= limit:
        return outcome, timing.support_after_time_limit
    return outcome, support


def after_status(
    month: int,
    exit_month: int,
    start_month: int,
    after: tuple[str, str],
    start: tuple[str, str],
    timing: Timing,
) -> tuple[str, str]:
    """The actual status in an account month after the exit: the after status until a
    time-limited outcome ends (extratjänst: 12 months from the exit), then the fallback
    (the counterfactual status, or job seeking on ``fallback_support``); a time-limited
    support ends as in :func:`counterfactual_status`.

    >>> t = Timing(5, {"subsidised_employment": 12})
    >>> after_status(11, 0, 0, ("subsidised_employment", "wage"), ("job_seeking", "social_assistance"), t)
    ('subsidised_employment', 'wage')
    >>> after_status(12, 0, 0, ("subsidised_employment", "wage"), ("job_seeking", "social_assistance"), t)
    ('job_seeking', 'social_assistance')
    """
    outcome, support = after
    limit = timing.durations.get(outcome)
    if limit is not None and month - exit_month >= limit:
        if timing.fallback_support is None:
            return counterfactual_status(month, start_month, start, timing)
        outcome, support = "job_seeking", timing.fallback_support
    limit = timing.durations.get(support)
    if limit is not None and month - start_month >= limit:
        support = timing.support_after_time_limit
    return outcome, support


def person_path(
    exit_month: int,
    start_month: int,
    after: tuple[str, str],
    start: tuple[str, str],
    timing: Timing,
) -> list[tuple[int, int, tuple[str, str], tuple[str, str]]]:
    """A person's effect as segments ``(first month, end month, after, counterfactual)``
    in account months, from the month of exit for ``horizon_years`` × 12 months.

    >>> t = Timing(2, {"subsidised_employment": 12})
    >>> person_path(3, 0, ("subsidised_employment", "wage"), ("job_seeking", "none"), t)
    [(3, 15, ('subsidised_employment', 'wage'), ('job_seeking', 'none')), (15, 27, ('job_seeking', 'none'), ('job_seeking', 'none'))]
    """
    end = exit_month + 12 * timing.horizon_years
    cuts = {exit_month, end}
    for limit_of in (after[0], after[1], start[1], timing.fallback_support):
        limit = timing.durations.get(limit_of) if limit_of else None
        if limit is None:
            continue
        for base in (exit_month, start_month):
            if exit_month < base + limit < end:
                cuts.add(base + limit)
    bounds = sorted(cuts)
    segments = []
    for m0, m1 in zip(bounds[:-1], bounds[1:], strict=True):
        seg = (
            after_status(m0, exit_month, start_month, after, start, timing),
            counterfactual_status(m0, start_month, start, timing),
        )
        if segments and segments[-1][2:] == seg:
            segments[-1] = (segments[-1][0], m1, *seg)
        else:
            segments.append((m0, m1, *seg))
    return segments


@dataclass
class Engine:
    """The account as a linear function of unit costs, deadweight and the outcome scale,
    month by month on each person's own clock.

    Every person with an effect gets ``horizon_years`` × 12 months from the month they
    leave, pro-rated by whole months, with drop-off counted in years since their own
    exit; the account runs until the last effect ends (:attr:`months`). Persons are
    grouped by (after status, counterfactual status, exit month, start month, extent of
    work), so the cost depends on the number of distinct groups, not on persons.
    """

    items: pd.DataFrame
    statuses: list[tuple[str, str]]
    coef: np.ndarray  # [status, item, full actor, kind]
    displaceable: np.ndarray  # [status, item, full actor, kind]
    groups: pd.DataFrame  # after, cf (status tuples), exit, start, extent, count
    timing: Timing
    split_state: bool
    extent_items: np.ndarray  # [item] bool: scaled by the extent of work
    months: int  # length of the account in months

    @classmethod
    def from_statuses(
        cls,
        statuses: pd.DataFrame,
        items: pd.DataFrame,
        rates: Rates,
        split_state: bool,
        *,
        timing: Timing,
        employer_actor: str = "employer",
    ) -> Engine:
        effective = statuses[statuses["has_effect"]]
        extent = (
            effective["work_extent"].astype(float).fillna(1.0)
            if "work_extent" in effective
            else pd.Series(1.0, index=effective.index)
        )
        start_month = (
            effective["start_month"].astype(int)
            if "start_month" in effective
            else pd.Series(0, index=effective.index)
        )
        # the start month only matters for a time-limited support (it is that support's
        # clock); elsewhere it is set to 0 so that persons share groups
        limited = effective["start_support"].isin(list(timing.durations)) | effective[
            "after_support"
        ].isin(list(timing.durations))
        if timing.fallback_support not in timing.durations:
            start_month = start_month.where(limited.to_numpy(), 0)
        frame = pd.DataFrame(
            {
                "after": list(
                    zip(effective["after_outcome"], effective["after_support"], strict=True)
                ),
                "cf": list(
                    zip(effective["start_outcome"], effective["start_support"], strict=True)
                ),
                "exit": effective["effect_month"].astype(int).to_numpy(),
                "start": start_month.to_numpy(),
                "extent": extent.to_numpy(),
            }
        )
        groups = (
            frame.groupby(["after", "cf", "exit", "start", "extent"], sort=True)
            .size()
            .reset_index(name="count")
        )
        codes = {SUCCESS_STATUS}
        for g in groups.itertuples(index=False):
            for path in (
                person_path(g.exit, g.start, g.after, g.cf, timing),
                person_path(g.exit, g.start, SUCCESS_STATUS, g.cf, timing),
            ):
                for _m0, _m1, after, cf in path:
                    codes.update((after, cf))
        codes_list = sorted(codes)
        items = items.reset_index(drop=True)
        coef, displaceable = status_coefficients(codes_list, items, rates, employer_actor)
        names = set(items.loc[items["kind"] == "wage", "item"]) if "item" in items else set()
        moves = items["moves_with"] if "moves_with" in items else pd.Series("", index=items.index)
        extent_items = (items["kind"] == "wage").to_numpy() | moves.isin(names).to_numpy()
        months = int(groups["exit"].max()) + 12 * timing.horizon_years if len(groups) else 0
        return cls(
            items=items,
            statuses=codes_list,
            coef=coef,
            displaceable=displaceable,
            groups=groups,
            timing=timing,
            split_state=split_state,
            extent_items=extent_items,
            months=max(months, 12 * timing.horizon_years),
        )

    @property
    def actors(self) -> tuple[str, ...]:
        return display_actors(self.split_state)

    @property
    def years(self) -> int:
        """Account years (the last effect ends in the last one)."""
        return -(-self.months // 12)

    def _status(self, status: tuple[str, str]) -> int:
        return self.statuses.index(status)

    def _accumulate(
        self,
        out: np.ndarray,
        *,
        success: bool,
        attribution: float,
        displacement: float,
        drop_off_rate: float,
        weight_per_group: np.ndarray,
    ) -> None:
        months = np.arange(out.shape[0])
        for g, w in zip(self.groups.itertuples(index=False), weight_per_group, strict=True):
            after = SUCCESS_STATUS if success else g.after
            extent = 1.0 if success else float(g.extent)
            scale = np.where(self.extent_items, extent, 1.0)[:, None, None]
            for m0, m1, a_status, cf_status in person_path(
                g.exit, g.start, after, g.cf, self.timing
            ):
                ia, ic = self._status(a_status), self._status(cf_status)
                delta = (self.coef[ia] - displacement * self.displaceable[ia]) * scale - self.coef[
                    ic
                ]
                m = months[m0:m1]
                weights = w * attribution * (1.0 - drop_off_rate) ** ((m - g.exit) // 12) / 12.0
                out[m0:m1] += weights[:, None, None, None] * delta[None]

    def exposures(
        self, *, attribution: float, displacement: float, drop_off_rate: float
    ) -> np.ndarray:
        """Effect per krona of each item in each account month, before deadweight.

        Returns:
            Array [month, item, displayed actor, kind].
        """
        full = np.zeros((self.months, len(self.items), len(FULL_ACTORS), len(FLOW_KINDS)))
        self._accumulate(
            full,
            success=False,
            attribution=attribution,
            displacement=displacement,
            drop_off_rate=drop_off_rate,
            weight_per_group=self.groups["count"].to_numpy(dtype=float),
        )
        return np.einsum("tkaj,ab->tkbj", full, aggregation_matrix(self.split_state))

    def success_exposure(
        self, years: int, *, attribution: float, drop_off_rate: float, discount_rate: float
    ) -> np.ndarray:
        """Discounted effect per krona of each item of one extra success within ``years``
        account years, on the same timing as the account's net present value.

        A success moves one person from their counterfactual to unsubsidised full-time
        work on a wage from the month they leave, for ``horizon_years``: the average over
        the participants with an effect (their exit months and counterfactuals).

        Returns:
            Array [item, displayed actor] (kinds summed).
        """
        n = float(self.groups["count"].sum()) if len(self.groups) else 0.0
        if n == 0:
            return np.zeros((len(self.items), len(self.actors)))
        full = np.zeros((self.months, len(self.items), len(FULL_ACTORS), len(FLOW_KINDS)))
        self._accumulate(
            full,
            success=True,
            attribution=attribution,
            displacement=0.0,
            drop_off_rate=drop_off_rate,
            weight_per_group=self.groups["count"].to_numpy(dtype=float) / n,
        )
        weights = monthly_discount_factors(self.months, discount_rate)
        weights[12 * years :] = 0.0
        per_item = np.einsum("t,tkaj->ka", weights, full)
        return per_item @ aggregation_matrix(self.split_state)


def discount_factors(horizon_years: int, discount_rate: float) -> np.ndarray:
    """1/(1+r)^t for account years t = 0 … H−1: the first year is not discounted
    (HM Treasury Green Book convention: year 0 is the present).

    >>> discount_factors(3, 0.1).round(6).tolist()
    [1.0, 0.909091, 0.826446]
    """
    return 1.0 / (1.0 + discount_rate) ** np.arange(horizon_years)


def monthly_discount_factors(months: int, discount_rate: float) -> np.ndarray:
    """The discount factor of each account month: that of its account year.

    >>> monthly_discount_factors(14, 0.1).round(4).tolist()[10:]
    [1.0, 1.0, 0.9091, 0.9091]
    """
    return 1.0 / (1.0 + discount_rate) ** (np.arange(months) // 12)


def payback_years(investment: float, flows: np.ndarray, *, per_year: int = 12) -> float | None:
    """Years until cumulative flows repay an investment made at time 0.

    Flows are given per period (months by default, ``per_year`` periods a year), each
    placed in the period it happens and spread evenly over it, so the crossing is
    interpolated within the period. None when there is no investment or it is not
    repaid within the flows given.

    >>> payback_years(1_000_000, np.array([400_000.0, 400_000.0, 400_000.0]), per_year=1)
    2.5
    >>> payback_years(120, np.array([0.0, 0.0] + [20.0] * 12))  # flows start in month 3
    0.6666666666666666
    >>> payback_years(100, np.array([10.0, 10.0]), per_year=1) is None
    True
    >>> payback_years(0, np.array([5.0])) is None
    True
    """
    if investment <= 0:
        return None
    cumulative = -float(investment)
    for t, flow in enumerate(np.asarray(flows, dtype=float)):
        if flow > 0 and cumulative + flow >= 0:
            return float(t + (-cumulative) / flow) / per_year
        cumulative += flow
    return None


def years_and_months(years: float | None) -> tuple[int, int] | None:
    """Split a duration in years into whole years and months (rounded to a month).

    >>> years_and_months(2.5)
    (2, 6)
    >>> years_and_months(3.53)
    (3, 6)
    """
    if years is None:
        return None
    return divmod(int(round(years * 12)), 12)  # type: ignore[return-value]
