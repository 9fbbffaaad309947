"""Time from start to work or studies: cumulative incidence with competing exits.

The event is an exit to work or studies (``outcome_at_exit`` in employment,
subsidised_employment, studies), at the exit date. A person who left for anything else
(job seeking, moving, dropping out, an unknown status) can no longer reach the event
from the insats: that exit *competes* with it. Treating such exits as censored, as
``1 − Kaplan–Meier`` does, assumes they could still get there and overstates the share.
The report therefore uses the Aalen–Johansen cumulative incidence
(:func:`estimate_cumulative_incidence`, statsmodels ``CumIncidenceRight``); only persons
still enrolled at ``as_of`` are censored. :func:`estimate_time_to_work` (Kaplan–Meier with
other exits censored) is kept for comparison. Time is counted in days and shown in months
of 30.4375 days (365.25 / 12).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from scipy.stats import norm

from insats.cohort.schema import WORK_OR_STUDIES
from insats.disclosure import count_key
from insats.outcomes._common import is_hidden, require_columns

DAYS_PER_MONTH = 365.25 / 12
DEFAULT_MONTHS = (1, 2, 3, 4, 6)


def loglog_interval(
    surv: np.ndarray, se: np.ndarray, alpha: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise interval of a survival estimate on the log(-log) scale.

    ``S ** exp(±z · se / (S · log S))`` with the Greenwood standard error ``se`` of S
    (Kalbfleisch & Prentice 1980; the default of R's ``survfit`` with
    ``conf.type="log-log"``). It stays within [0, 1], unlike the plain interval. Where S is
    1 (before the first event) or 0 the interval is the point itself.

    >>> lo, hi = loglog_interval(np.array([0.5]), np.array([0.1]))
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (0.2952, 0.6745)
    """
    surv = np.asarray(surv, dtype=float)
    se = np.asarray(se, dtype=float)
    z = norm.ppf(1 - alpha / 2)
    low, high = surv.copy(), surv.copy()
    inner = (surv > 0) & (surv < 1) & np.isfinite(se)
    s = surv[inner]
    theta_se = se[inner] / (s * np.abs(np.log(s)))
    low[inner] = s ** np.exp(z * theta_se)
    high[inner] = s ** np.exp(-z * theta_se)
    return low, high


@dataclass(frozen=True)
class SurvivalResult:
    """Kaplan–Meier estimate of the time to work or studies.

    Attributes:
        durations: Per person: ``days``, ``event`` (bool) and ``source_row`` if present.
        curve: The step function: ``days, months, survival, ci_low, ci_high, at_risk, events``
            (one row at time 0 and one per distinct event time).
        table: At the requested months: ``months, days, at_risk, events_by, survival,
            survival_low, survival_high, cumulative_share, cumulative_low, cumulative_high``
            (estimates NaN beyond the longest follow-up).
        median_days, median_low_days, median_high_days: Median time to the event with
            its 95 % interval (None when not reached / not bounded).
        as_of: The censoring date for ongoing participants.
    """

    durations: pd.DataFrame
    curve: pd.DataFrame
    table: pd.DataFrame
    median_days: float | None
    median_low_days: float | None
    median_high_days: float | None
    as_of: date
    method: str = "kaplan_meier"  # or "aalen_johansen" (other exits compete)
    competing: int = 0  # exits to something else (aalen_johansen only)

    @property
    def n(self) -> int:
        return len(self.durations)

    @property
    def events(self) -> int:
        return int(self.durations["event"].sum()) if self.n else 0

    @property
    def censored(self) -> int:
        return self.n - self.events - self.competing

    @property
    def final_share(self) -> float | None:
        """The estimated share at the end of the curve (None without persons)."""
        if self.n == 0:
            return None
        return float(1 - self.curve["survival"].iloc[-1])

    @property
    def median_interval_days(self) -> tuple[float | None, float | None] | None:
        """The median's interval, None when it is a single point (many left the same day)."""
        low, high = self.median_low_days, self.median_high_days
        if low is not None and high is not None and low == high:
            return None
        return low, high

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def at_risk_cells(self, ctx) -> tuple[dict[float, frozenset], frozenset]:
        """Keys of the numbers at risk (by day threshold: the table's months and every
        whole month of the figure's axis) and of n, published with their relations: the
        number at one time is the number at the next plus those who left in between, a
        count no table shows but any reader can work out, protected when small (issue 15).
        """
        days = self.durations["days"]
        end = float(days.max()) if len(days) else 0.0
        whole_months = [m * DAYS_PER_MONTH for m in range(int(np.floor(end / DAYS_PER_MONTH)) + 1)]
        points = sorted({round(float(d), 6) for d in [*self.table["days"], *whole_months]})
        keys = {d: count_key({"population": "survival at risk", "day": f"{d:g}"}) for d in points}
        n_key = count_key({"population": "survival"})
        values = {keys[d]: int((days >= d).sum()) for d in points}
        values[n_key] = int(self.n)
        lines, rests = [], {}
        previous, before = n_key, "start"
        intervals = []
        for d in points:
            rest = count_key({"population": "survival left", "from": before, "to": f"{d:g}"})
            rests[rest] = values[previous] - values[keys[d]]
            lines.append((previous, (keys[d], rest)))
            intervals.append((before, f"{d:g}", rest))
            previous, before = keys[d], f"{d:g}"
        ctx.publish(values, lines, unpublished=rests)
        if len(days) and ctx.disclosure.active:
            self._publish_events_by(ctx, keys, n_key, points, intervals)
        return keys, n_key

    def events_by_key(self, day: float):
        """Key of the events up to a table day: the count a row's share stands for."""
        return count_key({"population": "survival events by", "day": f"{round(float(day), 6):g}"})

    def _publish_events_by(self, ctx, keys, n_key, points, intervals) -> None:
        """Publish the count each shown share stands for, with how it ties to the
        numbers at risk (issue 15, attack on the cumulative incidence: with no one
        censored, "57 %" of 30 at 3 months is 17 events and "70 %" at 4 months 21; with
        the 7 at risk at 3 months the 6 other exits had all left before it, so the
        hidden number at risk at 4 months was 30 − 21 − 6 = 3).

        A row's share is read as its events so far (``events_by``, exact without
        censoring, so taken as exact): a published cell, the sum of the events of the
        intervals between the numbers at risk. Each interval's leavers (the hidden
        "survival left" cell, and after the last point its number at risk) are its
        events plus its other exits, parts no report shows and a reader knows only to
        be at least 0 (slack: they bound cells, they are not protected themselves), and
        the events of all intervals are the section's events. The plan then hides a
        share, or another count, wherever a share with the published counts would give
        a hidden count back, and the attacker checks it. Only the rows whose share can
        be shown are published (not beyond the follow-up, not a small count or
        complement, not a small number at risk).
        """
        days = self.durations["days"].to_numpy(dtype=float)
        event = self.durations["event"].to_numpy(dtype=bool)
        if ctx.is_suppressed(self.n) or ctx.is_suppressed(self.events):
            return
        bounds = [*intervals, (intervals[-1][1], "end", keys[points[-1]])]
        edges = [-np.inf, *points, np.inf]
        lines: list[tuple[frozenset, tuple[frozenset, ...]]] = []
        slack: dict[frozenset, int] = {}
        event_parts: list[tuple[float, frozenset]] = []  # (upper day, key of its events)
        for i, (before, after, total) in enumerate(bounds):
            low, high = edges[i], edges[i + 1]
            inside = (days >= low) & (days < high)
            ev = count_key(
                {"population": "survival left", "from": before, "to": after, "measure": "events"}
            )
            other = count_key(
                {"population": "survival left", "from": before, "to": after, "measure": "other"}
            )
            n_ev = int((inside & event).sum())
            slack[ev] = n_ev
            slack[other] = int((inside & ~event).sum())
            lines.append((total, (ev, other)))
            if np.isfinite(low) and float(low).is_integer():
                # events_by counts days <= t: on a whole day t those who left on t itself
                # are at risk at t and among its events, a part of their own
                at = count_key(
                    {"population": "survival left", "from": before, "to": after, "measure": "at"}
                )
                rest = count_key(
                    {"population": "survival left", "from": before, "to": after, "measure": "after"}
                )
                n_at = int(((days == low) & event).sum())
                slack[at], slack[rest] = n_at, n_ev - n_at
                lines.append((ev, (at, rest)))
                event_parts.append((low, at))
                event_parts.append((high, rest))
            else:
                event_parts.append((high, ev))
        # the key outcome_cells gives the events (it calls this method's caller)
        events_key = count_key({"population": "survival", "measure": "events"})
        lines.append((events_key, tuple(k for _, k in event_parts)))
        values = {}
        for r in self.table.itertuples():
            if (
                pd.isna(r.cumulative_share)
                or is_hidden(ctx, int(r.events_by), self.n)
                or ctx.is_suppressed(int(r.at_risk))
            ):
                # no share shown: beyond the follow-up, a small count or complement, or
                # a small number at risk (row_hidden withholds the share of a row whose
                # number at risk the plan hides)
                continue
            d = round(float(r.days), 6)
            key = self.events_by_key(d)
            values[key] = int(r.events_by)
            lines.append((key, tuple(k for upper, k in event_parts if upper <= d)))
        ctx.publish(values, lines, slack=slack)

    def outcome_cells(self, ctx) -> dict[str, frozenset]:
        """Keys of n's parts, published with n = their sum (issue 15: with n, events and
        competing exits shown, a small number still enrolled was n minus the two):
        ``events`` (to work or studies), ``competing`` (to something else; Aalen–Johansen
        only) and ``censored`` (still enrolled).
        """
        _, n_key = self.at_risk_cells(ctx)
        keys = {
            m: count_key({"population": "survival", "measure": m})
            for m in ("events", "competing", "censored")
        }
        parts = self.parts()
        ctx.publish(
            {keys[m]: int(getattr(self, m)) for m in parts},
            [(n_key, tuple(keys[m] for m in parts))],
        )
        return keys

    def parts(self) -> tuple[str, ...]:
        """The measures n is the sum of."""
        if self.method == "aalen_johansen":
            return ("events", "competing", "censored")
        return ("events", "censored")

    def parts_hidden(self, ctx) -> bool:
        """Whether the plan hides any of n's parts (or n)."""
        keys = self.outcome_cells(ctx)
        _, n_key = self.at_risk_cells(ctx)
        return ctx.hidden(n_key, self.n) or any(
            ctx.hidden(keys[m], getattr(self, m)) for m in self.parts()
        )

    def at_risk_key(self, keys: dict, day: float):
        return keys[round(float(day), 6)]

    def row_hidden(self, ctx, row) -> bool:
        """Whether a table row's share and interval are withheld (and left out of the
        curve): the curve is hidden, the events so far are a small count (or n minus
        them), or the plan hides a count of the row, its number at risk or the events
        its share stands for (issue 15, attack on the cumulative incidence: "70 %" at
        4 months with the 7 at risk at 3 months gave the hidden 3 at risk at 4 months).
        Rows beyond the follow-up have no share.
        """
        if pd.isna(row.cumulative_share):
            return True
        if self._curve_hidden(ctx) or is_hidden(ctx, int(row.events_by), self.n):
            return True
        if not ctx.disclosure.active:
            return False
        keys, _ = self.at_risk_cells(ctx)
        return ctx.hidden(self.at_risk_key(keys, row.days), int(row.at_risk)) or ctx.hidden(
            self.events_by_key(row.days), int(row.events_by)
        )

    def figure_data(self, ctx) -> dict:
        hidden = self._curve_hidden(ctx)
        points = {}
        keys, n_key = self.at_risk_cells(ctx)
        for r in self.table.itertuples():
            row_hidden = self.row_hidden(ctx, r)
            points[f"{r.months:g}"] = {
                "at_risk": ctx.cell_value(self.at_risk_key(keys, r.days), r.at_risk),
                "cumulative_share": None if row_hidden else _value(r.cumulative_share),
                "ci_low": None if row_hidden else _value(r.cumulative_low),
                "ci_high": None if row_hidden else _value(r.cumulative_high),
            }
        # no interval for a median that does not exist, nor a point "interval"
        interval = None if self.median_days is None else self.median_interval_days
        parts = self.outcome_cells(ctx)
        return {
            "method": self.method,
            "n": ctx.cell_value(n_key, self.n),
            "events": ctx.cell_value(parts["events"], self.events),
            "competing": ctx.cell_value(parts["competing"], self.competing)
            if "competing" in self.parts()
            else ctx.count_value(self.competing),
            "censored": ctx.cell_value(parts["censored"], self.censored),
            "cumulative_share_at_end": None if hidden else self.final_share,
            "median_months": None if hidden else _months(self.median_days),
            "median_low_months": None if hidden or interval is None else _months(interval[0]),
            "median_high_months": None if hidden or interval is None else _months(interval[1]),
            "by_month": points,
        }

    def _curve_hidden(self, ctx) -> bool:
        """Whether the curve and its shares are hidden: n or the events are small, or the
        plan hides one of them (the final share is about events / n, so it would give a
        hidden n back, and n the small count it protects).
        """
        if ctx.is_suppressed(self.n) or ctx.is_suppressed(self.events):
            return True
        if not ctx.disclosure.active or self.n == 0:
            return False
        _, n_key = self.at_risk_cells(ctx)
        events = self.outcome_cells(ctx)["events"]
        return ctx.hidden(n_key, self.n) or ctx.hidden(events, self.events)

    def _repr_html_(self) -> str:
        # lazy hook: presentation lives in report/sections
        from insats.report.sections import survival as section

        return section.repr_html(self)


def _value(v) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def _months(days: float | None) -> float | None:
    return None if days is None else float(days) / DAYS_PER_MONTH


def survival_durations(df: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Days from start to exit or ``as_of``, and whether the exit was to work or studies.

    Persons who start after ``as_of`` are left out; an exit after ``as_of`` counts as
    ongoing at ``as_of`` (so a report for an earlier period is reproducible).

    Raises:
        ValueError: naming the rows where the end date lies before the start date.
    """
    require_columns(df, ["start_date", "end_date", "outcome_at_exit"], "estimate_time_to_work")
    cutoff = pd.Timestamp(as_of)
    start = pd.to_datetime(df["start_date"])
    end = pd.to_datetime(df["end_date"])
    started = start.notna() & (start <= cutoff)
    ended = end.notna() & (end <= cutoff)
    stop = end.where(ended, cutoff)
    days = (stop - start).dt.days
    bad = started & (days < 0)
    if bad.any():
        rows = (
            df.loc[bad, "source_row"].tolist()
            if "source_row" in df.columns
            else list(df.index[bad])
        )
        raise ValueError(
            f"end_date before start_date in row(s) {rows}: expected end_date >= start_date"
        )
    event = ended & df["outcome_at_exit"].astype("object").isin(WORK_OR_STUDIES)
    out = pd.DataFrame(
        {
            "days": days[started].astype(float),
            "event": event[started].astype(bool),
            "exited": ended[started].astype(bool),
        }
    )
    if "source_row" in df.columns:
        out["source_row"] = df.loc[started, "source_row"]
    return out.reset_index(drop=True)


def estimate_time_to_work(
    df: pd.DataFrame,
    as_of: date,
    months: Sequence[float] = DEFAULT_MONTHS,
    alpha: float = 0.05,
) -> SurvivalResult:
    """Estimate the time from start to work or studies with Kaplan–Meier.

    Uses statsmodels ``SurvfuncRight`` (product-limit estimate, Greenwood standard
    errors); pointwise intervals on the log(-log) scale (:func:`loglog_interval`); the
    median and its interval from ``SurvfuncRight.quantile`` / ``quantile_ci``.

    Args:
        df: Participants frame with start_date, end_date, outcome_at_exit.
        as_of: Censoring date for participants still enrolled (e.g. the period end).
        months: Time points for the table, in months.
        alpha: 1 - confidence level.

    Returns:
        A :class:`SurvivalResult`; with no persons or no events the curve stays at 1.
    """
    from statsmodels.duration.survfunc import SurvfuncRight

    durations = survival_durations(df, as_of)
    days = durations["days"].to_numpy(dtype=float)
    event = durations["event"].to_numpy(dtype=bool)
    event_times = np.array([])
    surv = se = np.array([])
    median = med_low = med_high = None
    if event.any():
        sf = SurvfuncRight(days, event.astype(int))
        event_times = np.asarray(sf.surv_times, dtype=float)
        surv = np.asarray(sf.surv_prob, dtype=float)
        se = np.asarray(sf.surv_prob_se, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            q = sf.quantile(0.5)
            q_low, q_high = sf.quantile_ci(0.5, alpha=alpha)
        median = None if q is None or not np.isfinite(q) else float(q)
        med_low = None if q_low is None or not np.isfinite(q_low) else float(q_low)
        med_high = None if q_high is None or not np.isfinite(q_high) else float(q_high)
    low, high = loglog_interval(surv, se, alpha)
    curve = pd.DataFrame(
        {
            "days": np.concatenate([[0.0], event_times]),
            "survival": np.concatenate([[1.0], surv]),
            "ci_low": np.concatenate([[1.0], low]),
            "ci_high": np.concatenate([[1.0], high]),
        }
    )
    curve["months"] = curve["days"] / DAYS_PER_MONTH
    curve["at_risk"] = [int((days >= t).sum()) for t in curve["days"]]
    curve["events"] = [int(((days == t) & event).sum()) for t in curve["days"]]
    if len(curve) > 1 and curve["days"].iloc[1] == 0:
        # an event on the start day: the step at 0 replaces the initial row
        curve = curve.iloc[1:].reset_index(drop=True)

    rows = []
    longest = days.max() if len(days) else 0.0
    for m in months:
        t = m * DAYS_PER_MONTH
        at_risk = int((days >= t).sum())
        events_by = int(((days <= t) & event).sum())
        if len(days) == 0 or t > longest:
            s = s_lo = s_hi = np.nan
        else:
            idx = np.searchsorted(event_times, t, side="right") - 1
            s, s_lo, s_hi = (1.0, 1.0, 1.0) if idx < 0 else (surv[idx], low[idx], high[idx])
        rows.append(
            {
                "months": float(m),
                "days": t,
                "at_risk": at_risk,
                "events_by": events_by,
                "survival": s,
                "survival_low": s_lo,
                "survival_high": s_hi,
                "cumulative_share": 1 - s,
                "cumulative_low": 1 - s_hi,
                "cumulative_high": 1 - s_lo,
            }
        )
    table = pd.DataFrame(rows)
    return SurvivalResult(
        durations=durations,
        curve=curve,
        table=table,
        median_days=median,
        median_low_days=med_low,
        median_high_days=med_high,
        as_of=as_of,
    )


def aalen_johansen_se(days: np.ndarray, status: np.ndarray, cause: int = 1) -> np.ndarray:
    """Standard error of the cumulative incidence of ``cause`` at each distinct time.

    The delta-method variance of statsmodels' ``CumIncidenceRight`` (Marubini & Valsecchi
    1995; Stata ``stcompet``), with one repair: at a time when everyone still at risk
    leaves (n = d, common when a whole group ends the same day) the all-cause term
    d / (n (n − d)) is infinite but enters with the weight (F − F)² = 0; it is set to 0
    instead of producing ∞ − ∞ = NaN.

    Args:
        days: Time of exit or censoring per person.
        status: 0 censored, 1, 2, … the cause of the exit.
        cause: The cause whose incidence is wanted.

    Returns:
        One standard error per distinct time in ``np.unique(days)``.
    """
    days = np.asarray(days, dtype=float)
    status = np.asarray(status, dtype=int)
    times = np.unique(days)
    n = np.array([(days >= t).sum() for t in times], dtype=float)
    d_all = np.array([((days == t) & (status > 0)).sum() for t in times], dtype=float)
    d_k = np.array([((days == t) & (status == cause)).sum() for t in times], dtype=float)
    surv = np.cumprod(1 - d_all / n)
    sp0 = np.r_[1.0, surv[:-1]] / n
    ip = np.cumsum(sp0 * d_k)
    with np.errstate(divide="ignore", invalid="ignore"):
        ra = np.where(n > d_all, d_all / (n * (n - d_all)), 0.0)
    v = ip**2 * np.cumsum(ra)
    v -= 2 * ip * np.cumsum(ip * ra)
    v += np.cumsum(ip**2 * ra)
    v += np.cumsum(sp0**2 * (n - d_k) * d_k / n)
    rb = sp0 * d_k / n
    v -= 2 * ip * np.cumsum(rb)
    v += 2 * np.cumsum(ip * rb)
    return np.sqrt(np.clip(v, 0.0, None))


def _first_time_at_least(times: np.ndarray, values: np.ndarray, level: float) -> float | None:
    reached = np.flatnonzero(values >= level - 1e-12)
    return float(times[reached[0]]) if len(reached) else None


def estimate_cumulative_incidence(
    df: pd.DataFrame,
    as_of: date,
    months: Sequence[float] = DEFAULT_MONTHS,
    alpha: float = 0.05,
) -> SurvivalResult:
    """Estimate the share who reached work or studies by time from start, other exits competing.

    Aalen–Johansen cumulative incidence (statsmodels ``CumIncidenceRight``): status 1 =
    exit to work or studies, 2 = exit to anything else (a competing exit, no longer able
    to reach the event), 0 = still enrolled at ``as_of`` (censored). With everyone exited
    the curve ends at the plain share: 12 of 22 gives 54.5 %. Pointwise intervals on the
    log(−log) scale of the incidence (:func:`loglog_interval` applied to F, standard error
    :func:`aalen_johansen_se`). The median is the first time the incidence reaches 50 %
    (None when it never does), its interval the first times the upper and the lower
    bound reach 50 %.

    Args:
        df: Participants frame with start_date, end_date, outcome_at_exit.
        as_of: Censoring date for participants still enrolled (e.g. the period end).
        months: Time points for the table, in months.
        alpha: 1 - confidence level.

    Returns:
        A :class:`SurvivalResult` with ``method="aalen_johansen"``; its ``survival``
        columns hold 1 − incidence, so ``cumulative_share`` is the incidence.
    """
    from statsmodels.duration.survfunc import CumIncidenceRight

    durations = survival_durations(df, as_of)
    days = durations["days"].to_numpy(dtype=float)
    event = durations["event"].to_numpy(dtype=bool)
    exited = durations["exited"].to_numpy(dtype=bool)
    status = np.where(event, 1, np.where(exited, 2, 0))
    competing = int((status == 2).sum())
    times = np.unique(days)
    incidence = np.zeros(len(times))
    if event.any():
        with np.errstate(divide="ignore", invalid="ignore"):
            # its standard error is NaN where everyone at risk leaves; ours is repaired
            ci = CumIncidenceRight(days, status)
        incidence = np.asarray(ci.cinc[0], dtype=float)
        times = np.asarray(ci.times, dtype=float)
    se = aalen_johansen_se(days, status) if len(days) else np.array([])
    low, high = loglog_interval(incidence, se, alpha)
    # loglog_interval treats its input as a survival-like quantity: for F it gives the
    # bounds in the same order (F ** exp(+z·θ) is the lower one).
    exits_at = np.array([((days == t) & (status > 0)).sum() for t in times])
    steps = exits_at > 0
    curve = pd.DataFrame(
        {
            "days": np.concatenate([[0.0], times[steps]]),
            "survival": np.concatenate([[1.0], 1 - incidence[steps]]),
            "ci_low": np.concatenate([[1.0], 1 - high[steps]]),
            "ci_high": np.concatenate([[1.0], 1 - low[steps]]),
        }
    )
    curve["months"] = curve["days"] / DAYS_PER_MONTH
    curve["at_risk"] = [int((days >= t).sum()) for t in curve["days"]]
    curve["events"] = [int(((days == t) & event).sum()) for t in curve["days"]]
    if len(curve) > 1 and curve["days"].iloc[1] == 0:
        curve = curve.iloc[1:].reset_index(drop=True)

    step_times = times[steps]
    median = med_low = med_high = None
    if event.any():
        median = _first_time_at_least(step_times, incidence[steps], 0.5)
        med_low = _first_time_at_least(step_times, high[steps], 0.5)
        med_high = _first_time_at_least(step_times, low[steps], 0.5)

    rows = []
    longest = days.max() if len(days) else 0.0
    # When everyone has left (no one censored at the end), the incidence is final: it
    # stays at its last value after the longest time instead of becoming unknown.
    settled = bool(len(days)) and not (status[days == longest] == 0).any()
    for m in months:
        t = m * DAYS_PER_MONTH
        if len(days) == 0 or (t > longest and not settled):
            f = f_lo = f_hi = np.nan
        else:
            idx = np.searchsorted(step_times, t, side="right") - 1
            f, f_lo, f_hi = (
                (0.0, 0.0, 0.0)
                if idx < 0
                else (incidence[steps][idx], low[steps][idx], high[steps][idx])
            )
        rows.append(
            {
                "months": float(m),
                "days": t,
                "at_risk": int((days >= t).sum()),
                "events_by": int(((days <= t) & event).sum()),
                "survival": 1 - f,
                "survival_low": 1 - f_hi,
                "survival_high": 1 - f_lo,
                "cumulative_share": f,
                "cumulative_low": f_lo,
                "cumulative_high": f_hi,
            }
        )
    return SurvivalResult(
        durations=durations,
        curve=curve,
        table=pd.DataFrame(rows),
        median_days=median,
        median_low_days=med_low,
        median_high_days=med_high,
        as_of=as_of,
        method="aalen_johansen",
        competing=competing,
    )
