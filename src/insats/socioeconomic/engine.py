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
- **After** statuses, staged on the person's clock (no look-ahead): the status at exit
  applies in months 0–5 after the exit, the 6-month follow-up status in months 6–11 and
  the 12-month status from month 12 on; a stage whose point is not known keeps the stage
  before it (the latest status known by then), and a stage before the first known point
  keeps the entry status. The *after status* of the transitions table and of the success
  share is the last stage (the latest known point). A point is known when its outcome or
  support is. A missing
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

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from insats.cohort.schema import SELF_SUFFICIENT_SUPPORT
from insats.socioeconomic.catalogue import IncomeTaxRules

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


#: The follow-up points in the order they become known, with the months after the exit
#: from which each one's status applies (item 8 of issue 10: the status at exit applies
#: in months 0–5 after the exit, the 6-month status in months 6–11, the 12-month status
#: from month 12 on).
FOLLOW_UPS = (
    ("exit", "outcome_at_exit", "support_at_exit", 0),
    ("6m", "outcome_6m", "support_6m", 6),
    ("12m", "outcome_12m", "support_12m", 12),
)
STAGE_STARTS = tuple(first for *_rest, first in FOLLOW_UPS)
#: The staged status columns of :func:`assign_statuses` (the last stage is ``after_*``).
STAGE_COLUMNS = (
    ("exit_stage_outcome", "exit_stage_support"),
    ("m6_stage_outcome", "m6_stage_support"),
    ("after_outcome", "after_support"),
)
STATUS_COLUMNS = [
    "start_outcome",
    "start_support",
    "exit_stage_outcome",
    "exit_stage_support",
    "m6_stage_outcome",
    "m6_stage_support",
    "after_outcome",
    "after_support",
    "after_source",
    "has_effect",
    "effect_month",
    "start_month",
    "work_extent",
    "is_success",
]


def _column(df: pd.DataFrame, name: str) -> pd.Series:
    """A column as strings with missing values (NA, blank, ``unknown``) as None."""
    if name not in df:
        return pd.Series(None, index=df.index, dtype=object)
    raw = df[name]
    text = raw.astype(str).astype(object).where(raw.notna(), None)
    return text.where(text.notna() & ~text.isin(MISSING_CODES), None)


def _months_between(later: pd.Series, first: pd.Timestamp) -> np.ndarray:
    return ((later.dt.year - first.year) * 12 + (later.dt.month - first.month)).to_numpy()


def assign_statuses(df: pd.DataFrame) -> pd.DataFrame:
    """Give every participant a counterfactual and staged after statuses (module
    docstring), column-wise (no per-row Python loop).

    Args:
        df: canonical participants (support_at_start, end_date, exit_reason,
            outcome_at_exit, support_at_exit, outcome/support_6m, outcome/support_12m,
            start_date).

    Returns:
        One row per participant (same index) with ``start_outcome``, ``start_support``;
        the staged after statuses ``exit_stage_outcome``/``exit_stage_support`` (months
        0–5 after the exit), ``m6_stage_outcome``/``m6_stage_support`` (months 6–11) and
        ``after_outcome``/``after_support`` (from month 12 on: the latest known status);
        ``after_source`` (12m, 6m, exit, none), ``has_effect`` (bool),
        ``effect_month`` (months from the account's first month to the month of exit;
        -1 without effect), ``start_month`` (months from the account's first month to
        the person's start), ``work_extent`` (share of full time after the insats; NaN =
        unknown) and ``is_success`` (counterfactual not self-sufficient, after status
        self-sufficient). A participant whose support at start is unknown has no
        counterfactual and so no effect (``after_source`` ``unknown_start``).

        A stage takes the status of its follow-up point when that point is known, else
        the stage before it (the latest status known by then); a stage before the first
        known point, and a point of an early exit whose outcome is unknown (never an
        improvement), take the entry status. Whether a person has an effect is decided by
        the latest known point, as before the stages: an early exit whose latest known
        point has no outcome has none.
    """
    if df.empty:
        return pd.DataFrame(columns=STATUS_COLUMNS)
    index = df.index
    start = pd.to_datetime(df["start_date"])
    first = start.min()
    end = pd.to_datetime(df["end_date"])

    start_support = _column(df, "support_at_start").fillna("unknown")
    start_outcome = start_support.map(START_OUTCOME).fillna("job_seeking")
    activity = _column(df, "activity_before").map(ACTIVITY_OUTCOME)
    start_outcome = activity.where(activity.notna(), start_outcome).astype(object)

    ongoing = end.isna().to_numpy()
    reason = _column(df, "exit_reason")
    early = (reason.notna() & (reason != "completed")).to_numpy()

    stage_outcome = start_outcome.to_numpy(dtype=object).copy()
    stage_support = start_support.to_numpy(dtype=object).copy()
    stages: list[tuple[np.ndarray, np.ndarray]] = []
    source = np.full(len(df), "none", dtype=object)
    latest_usable = np.zeros(len(df), dtype=bool)
    for label, o_col, s_col, _first in FOLLOW_UPS:
        outcome, support = _column(df, o_col), _column(df, s_col)
        ko = outcome.notna().to_numpy()
        ks = support.notna().to_numpy()
        point = (ko | ks) & ~ongoing
        usable = point & ~(early & ~ko)
        from_support = support.map(START_OUTCOME).fillna("job_seeking").to_numpy(dtype=object)
        resolved_outcome = np.where(ko, outcome.to_numpy(dtype=object), from_support)
        inferred = np.where(
            np.isin(resolved_outcome, PRODUCING_OUTCOMES),
            "wage",
            np.where(resolved_outcome == "studies", "student_aid", start_support.to_numpy()),
        )
        resolved_support = np.where(ks, support.to_numpy(dtype=object), inferred)
        unusable = point & ~usable
        stage_outcome = np.where(
            usable, resolved_outcome, np.where(unusable, start_outcome.to_numpy(), stage_outcome)
        )
        stage_support = np.where(
            usable, resolved_support, np.where(unusable, start_support.to_numpy(), stage_support)
        )
        stages.append((stage_outcome, stage_support))
        source = np.where(point, label, source)
        latest_usable = np.where(point, usable, latest_usable)

    has_effect = latest_usable & ~ongoing
    source = np.where(has_effect, source, "none")
    unknown_start = has_effect & (start_support.to_numpy() == "unknown")
    # no counterfactual to compare with: the after status is kept for the transitions
    # table, but no effect and no success are booked
    source = np.where(unknown_start, "unknown_start", source)
    has_effect = has_effect & ~unknown_start
    shown = latest_usable & ~ongoing  # the after status is kept (also for unknown_start)

    out = pd.DataFrame(
        {"start_outcome": start_outcome.to_numpy(), "start_support": start_support.to_numpy()},
        index=index,
    )
    for (o_name, s_name), (o_stage, s_stage) in zip(STAGE_COLUMNS, stages, strict=True):
        out[o_name] = np.where(shown, o_stage, out["start_outcome"].to_numpy())
        out[s_name] = np.where(shown, s_stage, out["start_support"].to_numpy())
    out["after_source"] = source
    out["has_effect"] = has_effect.astype(bool)
    exit_month = np.maximum(_months_between(end.fillna(first), first), 0)
    out["effect_month"] = np.where(has_effect, exit_month, -1).astype(int)
    out["start_month"] = _months_between(start, first).astype(int)
    if "work_extent" in df:
        out["work_extent"] = pd.to_numeric(df["work_extent"], errors="coerce").astype(float)
    else:
        out["work_extent"] = float("nan")
    out["is_success"] = (
        has_effect
        & out["after_support"].isin(SELF_SUFFICIENT_SUPPORT).to_numpy()
        & ~out["start_support"].isin(SELF_SUFFICIENT_SUPPORT).to_numpy()
    )
    return out[STATUS_COLUMNS]


@dataclass(frozen=True)
class Rates:
    """Tax and contribution rates (shares of the gross wage)."""

    employer_contribution: float
    municipal_tax: float
    regional_tax: float
    #: grundavdrag and jobbskatteavdrag of the price year; None = tax on the gross wage
    income_tax: IncomeTaxRules | None = None


def wage_tax_shares(wage: float, rates: Rates) -> tuple[float, float, float]:
    """Municipal tax, regional tax and jobbskatteavdrag per krona of an annual wage.

    The municipal and regional income tax are levied on the taxable income, the wage
    less the grundavdrag (inkomstskattelagen 63 kap.), so the deduction costs the
    municipality and the region; the jobbskatteavdrag (67 kap. 7 §) is credited against
    the local tax but financed by the state, which compensates the municipalities and
    regions (they lose nothing on it), so it is booked as less state tax. Without
    rules (``rates.income_tax`` None) the tax is the rates on the gross wage.

    >>> from insats.socioeconomic.catalogue import income_tax_rules
    >>> rates = Rates(0.3142, 0.2070, 0.1167, income_tax_rules(2024))
    >>> [round(x * 258_840, 2) for x in wage_tax_shares(258_840, rates)]
    [46098.9, 25989.09, 25832.0]
    """
    m, r = rates.municipal_tax, rates.regional_tax
    rules = rates.income_tax
    if rules is None or wage <= 0:
        return m, r, 0.0
    deduction = rules.grundavdrag(wage)
    taxable = max(float(int(wage // 100) * 100) - deduction, 0.0)
    credit = rules.jobbskatteavdrag(wage, m + r)
    return taxable * m / wage, taxable * r / wage, credit / wage


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
    extent: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Flows per krona of each catalogue item, for each status.

    Args:
        employer_actor: who receives a wage subsidy (``subsidised_employer_actor``:
            municipality, region, state or employer).
        extent: the extent of work the taxes of a wage are computed at (the wage is
            the item's ``amount_sek_per_year`` × extent; with ``rates.income_tax`` the
            tax per krona depends on it).

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
    e = rates.employer_contribution
    receiver = a[EMPLOYER_TARGET.get(employer_actor, "employer")]
    amounts = (
        items["amount_sek_per_year"].to_numpy(dtype=float)
        if "amount_sek_per_year" in items
        else np.zeros(len(items))
    )
    shares = [
        wage_tax_shares(amount * extent, rates) if kind == "wage" else (0.0, 0.0, 0.0)
        for amount, kind in zip(amounts, items["kind"], strict=True)
    ]
    for s, (outcome, support) in enumerate(statuses):
        for k, item in enumerate(items.itertuples(index=False)):
            if item.status not in (outcome, support):
                continue
            payer = "other_state" if item.actor == "state" else item.actor
            if item.kind == "wage":
                if outcome not in PRODUCING_OUTCOMES:
                    continue
                m, r, credit = shares[k]
                coef[s, k, a["individual"], j["production"]] += 1 + e
                if outcome == "subsidised_employment":
                    # displacement: part of this work would have been done by someone else
                    # anyway; the loss is booked against the subsidised employer
                    displaceable[s, k, receiver, j["production"]] += 1 + e
                coef[s, k, a["individual"], j["tax"]] -= e + m + r - credit
                coef[s, k, a["other_state"], j["tax"]] += e - credit
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


Status = tuple[str, str]
#: The staged after statuses of one person: months 0–5, 6–11 and 12 on after the exit.
Stages = tuple[Status, Status, Status]


def as_stages(after: Status | Stages) -> Stages:
    """A single after status applies in every stage; staged statuses are kept.

    >>> as_stages(("employment", "wage"))[2]
    ('employment', 'wage')
    """
    if isinstance(after[0], tuple):
        return after
    return (after, after, after)


def stage_index(months_since_exit: int) -> int:
    """The stage a month after the exit falls in (0: months 0–5, 1: 6–11, 2: 12 on).

    >>> [stage_index(m) for m in (0, 5, 6, 11, 12, 40)]
    [0, 0, 1, 1, 2, 2]
    """
    return sum(months_since_exit >= first for first in STAGE_STARTS[1:])


def after_status(
    month: int,
    exit_month: int,
    start_month: int,
    after: Status | Stages,
    start: Status,
    timing: Timing,
) -> Status:
    """The actual status in an account month after the exit: the stage's after status
    (the status at exit in months 0–5 after the exit, the 6-month one in months 6–11,
    the 12-month one from month 12 on) until a time-limited outcome ends (extratjänst:
    12 months from the first month of the stages it is held in), then the fallback (the
    counterfactual status, or job seeking on ``fallback_support``); a time-limited
    support ends as in :func:`counterfactual_status`.

    >>> t = Timing(5, {"subsidised_employment": 12})
    >>> after_status(11, 0, 0, ("subsidised_employment", "wage"), ("job_seeking", "social_assistance"), t)
    ('subsidised_employment', 'wage')
    >>> after_status(12, 0, 0, ("subsidised_employment", "wage"), ("job_seeking", "social_assistance"), t)
    ('job_seeking', 'social_assistance')
    >>> staged = (("job_seeking", "social_assistance"), ("subsidised_employment", "wage"), ("subsidised_employment", "wage"))
    >>> after_status(17, 0, 0, staged, ("job_seeking", "social_assistance"), t)
    ('subsidised_employment', 'wage')
    >>> after_status(18, 0, 0, staged, ("job_seeking", "social_assistance"), t)
    ('job_seeking', 'social_assistance')
    """
    stages = as_stages(after)
    k = stage_index(month - exit_month)
    outcome, support = stages[k]
    limit = timing.durations.get(outcome)
    if limit is not None:
        first = k
        while first > 0 and stages[first - 1][0] == outcome:
            first -= 1
        if month - exit_month - STAGE_STARTS[first] >= limit:
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
    after: Status | Stages,
    start: Status,
    timing: Timing,
) -> list[tuple[int, int, Status, Status]]:
    """A person's effect as segments ``(first month, end month, after, counterfactual)``
    in account months, from the month of exit for ``horizon_years`` × 12 months.

    >>> t = Timing(2, {"subsidised_employment": 12})
    >>> person_path(3, 0, ("subsidised_employment", "wage"), ("job_seeking", "none"), t)
    [(3, 15, ('subsidised_employment', 'wage'), ('job_seeking', 'none')), (15, 27, ('job_seeking', 'none'), ('job_seeking', 'none'))]
    >>> js, work = ("job_seeking", "none"), ("employment", "wage")
    >>> person_path(0, 0, (js, work, work), js, Timing(2, {}))
    [(0, 6, ('job_seeking', 'none'), ('job_seeking', 'none')), (6, 24, ('employment', 'wage'), ('job_seeking', 'none'))]
    """
    stages = as_stages(after)
    end = exit_month + 12 * timing.horizon_years
    cuts = {exit_month, end}
    bases = {start_month}
    for first in STAGE_STARTS:
        bases.add(exit_month + first)
        if exit_month < exit_month + first < end:
            cuts.add(exit_month + first)
    limited = {code for status in stages for code in status} | {start[1]}
    if timing.fallback_support:
        limited.add(timing.fallback_support)
    for code in limited:
        limit = timing.durations.get(code)
        if limit is None:
            continue
        for base in bases:
            if exit_month < base + limit < end:
                cuts.add(base + limit)
    bounds = sorted(cuts)
    segments: list[tuple[int, int, Status, Status]] = []
    for m0, m1 in zip(bounds[:-1], bounds[1:], strict=True):
        seg = (
            after_status(m0, exit_month, start_month, stages, start, timing),
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
    work), so the cost depends on the number of distinct groups, not on persons. The
    after status is staged (:data:`STAGE_COLUMNS`: exit, 6 and 12 months); a statuses
    frame without the stage columns uses its after status in every stage.
    """

    items: pd.DataFrame
    statuses: list[tuple[str, str]]
    coef: np.ndarray  # [status, item, full actor, kind]
    displaceable: np.ndarray  # [status, item, full actor, kind]
    groups: pd.DataFrame  # after (staged), cf (status tuples), exit, start, extent, count
    timing: Timing
    split_state: bool
    extent_items: np.ndarray  # [item] bool: scaled by the extent of work
    months: int  # length of the account in months
    rates: Rates | None = None  # for the taxes of part-time wages (grundavdrag, jobbskatteavdrag)
    employer_actor: str = "employer"
    _by_extent: dict = field(default_factory=dict, repr=False)

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
        stage_columns = [
            (o if o in effective else "after_outcome", s if s in effective else "after_support")
            for o, s in STAGE_COLUMNS
        ]
        limited_codes = list(timing.durations)
        limited = effective["start_support"].isin(limited_codes)
        for _o, s_col in stage_columns:
            limited = limited | effective[s_col].isin(limited_codes)
        if timing.fallback_support not in timing.durations:
            start_month = start_month.where(limited.to_numpy(), 0)
        staged = [list(zip(effective[o], effective[s], strict=True)) for o, s in stage_columns]
        frame = pd.DataFrame(
            {
                "after": list(zip(*staged, strict=True)) if len(effective) else [],
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
            rates=rates,
            employer_actor=employer_actor,
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

    def coefficients(self, extent: float) -> tuple[np.ndarray, np.ndarray]:
        """``(coef, displaceable)`` with the taxes of a wage at this extent of work (the
        grundavdrag and jobbskatteavdrag make the tax per krona depend on the wage).
        """
        if self.rates is None or self.rates.income_tax is None or extent == 1.0:
            return self.coef, self.displaceable
        if extent not in self._by_extent:
            self._by_extent[extent] = status_coefficients(
                self.statuses, self.items, self.rates, self.employer_actor, extent
            )
        return self._by_extent[extent]

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
            coef, displaceable = self.coefficients(extent)
            for m0, m1, a_status, cf_status in person_path(
                g.exit, g.start, after, g.cf, self.timing
            ):
                ia, ic = self._status(a_status), self._status(cf_status)
                delta = (coef[ia] - displacement * displaceable[ia]) * scale - self.coef[ic]
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


#: The documented standard success of :func:`standard_success_statuses`: a person on
#: försörjningsstöd (job seeking) who moves to unsubsidised full-time work on the lowest
#: wage in the account's first month. Its value depends on the parameters and unit costs
#: only, never on the cohort (issue 15: a break-even that every shared report can show).
STANDARD_SUCCESS_START = ("job_seeking", "social_assistance")


def standard_success_statuses() -> pd.DataFrame:
    """One person in the statuses frame of :func:`assign_statuses`: the standard success
    (:data:`STANDARD_SUCCESS_START` → :data:`SUCCESS_STATUS` in every stage, leaving in
    month 0 at full time).

    >>> row = standard_success_statuses().iloc[0]
    >>> row["start_support"], row["after_support"], int(row["effect_month"]), float(row["work_extent"])
    ('social_assistance', 'wage', 0, 1.0)
    """
    start_outcome, start_support = STANDARD_SUCCESS_START
    row: dict = {"start_outcome": start_outcome, "start_support": start_support}
    for o_name, s_name in STAGE_COLUMNS:
        row[o_name], row[s_name] = SUCCESS_STATUS
    row.update(
        after_source="exit",
        has_effect=True,
        effect_month=0,
        start_month=0,
        work_extent=1.0,
        is_success=True,
    )
    return pd.DataFrame([row], columns=STATUS_COLUMNS)


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
    return divmod(int(round(years * 12)), 12)
