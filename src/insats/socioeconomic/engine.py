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
  in the entry status: support = ``support_at_start`` and outcome = ``employment`` if
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

with e, m, r the employer contribution, municipal and regional tax rates. The
individual's production is the value of the work at its labour cost; in a subsidised
job the employer gets that work paid by the state, which shows as the employer's gain.
Summed over all actors transfers and taxes cancel, so society = production − services.

Effect = after − counterfactual, per person-year, scaled by attribution, by
(1 − displacement) for subsidised jobs, by (1 − deadweight), by (1 − drop-off)^k in
the k-th year after the first effect year, and pro-rated by whole months in the first
year: the account starts in the month of the cohort's first start date and a person's
effect starts in the month they leave (a person leaving 7 months in gets 5/12 of a year).
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
        to the month of exit; -1 without effect) and ``is_success`` (counterfactual not
        self-sufficient, after status self-sufficient).
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
        month = -1
        if has_effect:
            month = (end.loc[idx].year - first.year) * 12 + (end.loc[idx].month - first.month)
            month = max(int(month), 0)
        records.append(
            {
                "start_outcome": start_outcome,
                "start_support": start_support,
                "after_outcome": after_outcome,
                "after_support": after_support,
                "after_source": source,
                "has_effect": has_effect,
                "effect_month": month,
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


def status_coefficients(
    statuses: list[tuple[str, str]], items: pd.DataFrame, rates: Rates
) -> np.ndarray:
    """Flows per krona of each catalogue item, for each status.

    Returns:
        Array [status, item, full actor, flow kind]: the flow booked to the actor per
        krona of the item's annual amount, for one person-year in that status.
    """
    a = {name: i for i, name in enumerate(FULL_ACTORS)}
    j = {name: i for i, name in enumerate(FLOW_KINDS)}
    coef = np.zeros((len(statuses), len(items), len(FULL_ACTORS), len(FLOW_KINDS)))
    e, m, r = rates.employer_contribution, rates.municipal_tax, rates.regional_tax
    for s, (outcome, support) in enumerate(statuses):
        for k, item in enumerate(items.itertuples(index=False)):
            if item.status not in (outcome, support):
                continue
            payer = "other_state" if item.actor == "state" else item.actor
            if item.kind == "wage":
                if outcome not in PRODUCING_OUTCOMES:
                    continue
                coef[s, k, a["individual"], j["production"]] += 1 + e
                coef[s, k, a["individual"], j["tax"]] -= e + m + r
                coef[s, k, a["other_state"], j["tax"]] += e
                coef[s, k, a["municipality"], j["tax"]] += m
                coef[s, k, a["region"], j["tax"]] += r
            elif item.kind == "transfer":
                coef[s, k, a[payer], j["transfer"]] -= 1
                coef[s, k, a["individual"], j["transfer"]] += 1
            elif item.kind == "subsidy":
                coef[s, k, a[payer], j["transfer"]] -= 1
                coef[s, k, a["employer"], j["transfer"]] += 1
            elif item.kind == "service":
                coef[s, k, a[payer], j["service"]] -= 1
    return coef


def year_fractions(effect_month: np.ndarray, horizon_years: int) -> np.ndarray:
    """Share of each account year a person's effect covers (whole months).

    >>> year_fractions(np.array([0, 7, 15]), 2).round(4).tolist()
    [[1.0, 1.0], [0.4167, 1.0], [0.0, 0.75]]
    """
    t = np.arange(horizon_years)[None, :]
    months = np.clip(12 * (t + 1) - effect_month[:, None], 0, 12)
    return months / 12.0


def drop_off_factors(effect_month: np.ndarray, horizon_years: int, drop_off_rate: float):
    """(1 − drop-off)^k, k = years since the person's first effect year (0 before it).

    >>> drop_off_factors(np.array([0, 12]), 3, 0.5).tolist()
    [[1.0, 0.5, 0.25], [1.0, 1.0, 0.5]]
    """
    t = np.arange(horizon_years)[None, :]
    k = np.maximum(t - (effect_month[:, None] // 12), 0)
    return (1.0 - drop_off_rate) ** k


@dataclass
class Engine:
    """The account as a linear function of unit costs, deadweight and the outcome scale.

    Persons are grouped by (after status, counterfactual status, first effect month), so
    the cost of an evaluation depends on the number of distinct groups, not on persons.
    """

    items: pd.DataFrame
    statuses: list[tuple[str, str]]
    coef: np.ndarray  # [status, item, full actor, kind]
    group_after: np.ndarray  # [group] status index
    group_cf: np.ndarray  # [group] status index
    group_month: np.ndarray  # [group] first effect month
    group_count: np.ndarray  # [group] persons
    group_subsidised: np.ndarray  # [group] bool: after outcome subsidised_employment
    split_state: bool

    @classmethod
    def from_statuses(
        cls, statuses: pd.DataFrame, items: pd.DataFrame, rates: Rates, split_state: bool
    ) -> Engine:
        effective = statuses[statuses["has_effect"]]
        after = list(zip(effective["after_outcome"], effective["after_support"], strict=True))
        cf = list(zip(effective["start_outcome"], effective["start_support"], strict=True))
        codes = sorted(set(after) | set(cf) | {SUCCESS_STATUS})
        index = {s: i for i, s in enumerate(codes)}
        frame = pd.DataFrame(
            {
                "after": [index[s] for s in after],
                "cf": [index[s] for s in cf],
                "month": effective["effect_month"].astype(int).to_numpy(),
            }
        )
        groups = frame.groupby(["after", "cf", "month"]).size().reset_index(name="count")
        subsidised = np.array(
            [codes[g][0] == "subsidised_employment" for g in groups["after"]], dtype=bool
        )
        return cls(
            items=items.reset_index(drop=True),
            statuses=codes,
            coef=status_coefficients(codes, items, rates),
            group_after=groups["after"].to_numpy(dtype=int),
            group_cf=groups["cf"].to_numpy(dtype=int),
            group_month=groups["month"].to_numpy(dtype=int),
            group_count=groups["count"].to_numpy(dtype=float),
            group_subsidised=subsidised,
            split_state=split_state,
        )

    @property
    def actors(self) -> tuple[str, ...]:
        return display_actors(self.split_state)

    def exposures(
        self, horizon_years: int, *, attribution: float, displacement: float, drop_off_rate: float
    ) -> np.ndarray:
        """Effect per krona of each item, before deadweight.

        Returns:
            Array [year, item, displayed actor, kind].
        """
        n_items = len(self.items)
        shape = (horizon_years, n_items, len(self.actors), len(FLOW_KINDS))
        if len(self.group_count) == 0:
            return np.zeros(shape)
        weights = (
            self.group_count[:, None]
            * year_fractions(self.group_month, horizon_years)
            * drop_off_factors(self.group_month, horizon_years, drop_off_rate)
            * attribution
            * np.where(self.group_subsidised, 1.0 - displacement, 1.0)[:, None]
        )  # [group, year]
        delta = self.coef[self.group_after] - self.coef[self.group_cf]  # [g, k, A, J]
        full = np.einsum("gt,gkaj->tkaj", weights, delta)
        return np.einsum("tkaj,ab->tkbj", full, aggregation_matrix(self.split_state))

    def success_exposure(
        self, years: int, *, attribution: float, drop_off_rate: float, discount_rate: float
    ) -> np.ndarray:
        """Discounted effect per krona of each item of one extra success over ``years``.

        A success moves one person from the cohort's average counterfactual status to
        unsubsidised work on a wage, from the start of the first year (no pro-rating).

        Returns:
            Array [item, displayed actor] (kinds summed).
        """
        counts = np.bincount(self.group_cf, weights=self.group_count, minlength=len(self.statuses))
        if counts.sum() == 0:
            return np.zeros((len(self.items), len(self.actors)))
        mean_cf = np.einsum("s,skaj->kaj", counts / counts.sum(), self.coef)
        delta = self.coef[self.statuses.index(SUCCESS_STATUS)] - mean_cf
        t = np.arange(years)
        factor = float(np.sum((1.0 - drop_off_rate) ** t / (1.0 + discount_rate) ** t))
        per_item = delta.sum(axis=2) @ aggregation_matrix(self.split_state)
        return per_item * attribution * factor


def discount_factors(horizon_years: int, discount_rate: float) -> np.ndarray:
    """1/(1+r)^t for account years t = 0 … H−1: the first year is not discounted
    (HM Treasury Green Book convention: year 0 is the present).

    >>> discount_factors(3, 0.1).round(6).tolist()
    [1.0, 0.909091, 0.826446]
    """
    return 1.0 / (1.0 + discount_rate) ** np.arange(horizon_years)


def payback_years(investment: float, flows: np.ndarray) -> float | None:
    """Years until cumulative flows repay the investment made at time 0.

    Flows of a year are spread evenly over it, so the crossing is interpolated.
    None when not repaid within the flows given.

    >>> payback_years(1_000_000, np.array([400_000.0, 400_000.0, 400_000.0]))
    2.5
    >>> payback_years(100, np.array([10.0, 10.0])) is None
    True
    >>> payback_years(0, np.array([-5.0, 10.0]))
    1.5
    """
    cumulative = -float(investment)
    if cumulative >= 0 and (len(flows) == 0 or flows[0] >= 0):
        return 0.0
    for t, flow in enumerate(np.asarray(flows, dtype=float)):
        if flow > 0 and cumulative + flow >= 0:
            return float(t + (-cumulative) / flow)
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
