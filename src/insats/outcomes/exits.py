"""How participants left, what changed, and how they fared afterwards.

- :func:`summarise_exits`: completed versus early exits (avbrott), the completion rate
  with a Wilson interval, the reasons for early exits, status at exit for each.
- :func:`tabulate_transitions`: before × after cross-tables, the SUS "försörjning
  före/efter" view (support at start → at exit), or activity at exit → at follow-up.
- :func:`summarise_follow_up`: follow-up 6 and 12 months after exit, with how many were
  due, how many were reached, and the attrition, which is always reported.

Every function takes the canonical participants frame and uses all of its rows: filter
first (e.g. to a project, or to those who exited by the period's end).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from insats.cohort.schema import SELF_SUFFICIENT_SUPPORT, WORK_OR_STUDIES
from insats.disclosure import count_key
from insats.outcomes.participants import (
    category_label,
    fill_unknown,
    group_keys,
    natural_key,
    order_categories,
    proportion_data,
    proportion_suppressed,
    wilson_interval,
)
from insats.outcomes.proportions import _population

__all__ = [
    "ExitSummary",
    "FollowUp",
    "FollowUpHorizon",
    "TransitionTable",
    "summarise_exits",
    "summarise_follow_up",
    "tabulate_transitions",
]

EXIT_TYPES = ("completed", "early")
HORIZONS = (6, 12)


def _crosstab(rows: pd.Series, columns: pd.Series, row_var: str, col_order: list[str]):
    table = pd.crosstab(rows, columns) if len(rows) else pd.DataFrame(dtype=int)
    table = table.reindex(index=order_categories(row_var, table.index), columns=col_order)
    return table.fillna(0).astype(int)


# --- exits ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExitSummary:
    """Completed and early exits among the participants who have left.

    Attributes:
        exited: Number who have an end date.
        completed: Number whose exit reason is ``completed``.
        completion_ci: 95 % Wilson interval of the completion rate (None when exited = 0).
        reasons: Exit reason (code; missing = ``unknown``) x group key: counts of everyone
            who exited, ``completed`` included.
        outcome_by_type: Status at exit (code; missing = ``unknown``) x exit type
            (completed | early): counts.
        missing_outcome: Exited without a recorded status at exit.
        group_names: {group key: (municipality or None, group)} for display.
    """

    exited: int
    completed: int
    completion_ci: tuple[float | None, float | None]
    reasons: pd.DataFrame
    outcome_by_type: pd.DataFrame
    missing_outcome: int
    group_names: dict = field(default_factory=dict)
    window: str = ""  # who left when: "period" or "to_date" (proportions._population)

    @property
    def early_exits(self) -> int:
        return self.exited - self.completed

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.exited if self.exited else None

    @property
    def early_exit_reasons(self) -> pd.Series:
        """Counts per reason among early exits, in vocabulary order (zeros dropped)."""
        totals = self.reasons.sum(axis=1)
        totals = totals.drop("completed", errors="ignore")
        return totals[totals > 0].astype(int)

    def to_frame(self) -> pd.DataFrame:
        """One row per exit reason: ``exit_type``, ``exit_reason``, ``count``,
        ``share_of_exited`` and ``share_of_type`` (share of completers / early leavers).
        """
        totals = self.reasons.sum(axis=1).astype(int)
        frame = pd.DataFrame({"exit_reason": totals.index, "count": totals.to_numpy()})
        frame.insert(
            0, "exit_type", ["completed" if r == "completed" else "early" for r in totals.index]
        )
        frame = frame[frame["count"] > 0].reset_index(drop=True)
        type_totals = frame.groupby("exit_type")["count"].transform("sum")
        frame["share_of_exited"] = frame["count"] / self.exited if self.exited else float("nan")
        frame["share_of_type"] = frame["count"] / type_totals
        return frame

    def filters(self, population: str) -> dict:
        """The filters of the tables of ``population`` (``exited`` or ``early_exits``):
        who left when (period / since the start), two summaries, two populations.
        """
        return {"population": population, **({"window": self.window} if self.window else {})}

    def _keys(self, ctx) -> dict:
        """Keys of the published counts: cells of the status-by-exit-type table (and of
        the reasons table), so a number in a sentence or figures.json is hidden wherever
        the tables hide it (issue 15).
        """
        exited, early = self.filters("exited"), self.filters("early_exits")
        labels = {t: ctx.t(f"participants.exits.exit_type.{t}") for t in EXIT_TYPES}
        return {
            "exited": count_key(exited),
            "completed": count_key(exited, exit_type=labels["completed"]),
            "early_exits": count_key(exited, exit_type=labels["early"]),
            "reasons_total": count_key(early),
            "type": lambda t: labels[t],
            "outcome": lambda code, t: count_key(
                exited,
                outcome_at_exit=category_label(ctx, "outcome_at_exit", code),
                exit_type=labels[t],
            ),
            "reason": lambda code: count_key(
                early, exit_reason=category_label(ctx, "exit_reason", code)
            ),
        }

    def _publish(self, ctx) -> dict:

        keys = self._keys(ctx)
        # The same people by status at exit are counted by the outcome shares table
        # (population: status known, n of them): the same numbers, said once.
        n_known = self.exited - self.missing_outcome
        shares = _population("outcome_at_exit", n_known, self.window)
        by_status = self.outcome_by_type.sum(axis=1)
        same = [
            (
                count_key(shares, outcome_at_exit=category_label(ctx, "outcome_at_exit", code)),
                (
                    count_key(
                        self.filters("exited"),
                        outcome_at_exit=category_label(ctx, "outcome_at_exit", code),
                    ),
                ),
            )
            for code, n in by_status.items()
            if n > 0 and code != "unknown"
        ]
        if not self.missing_outcome:
            same.append((count_key(shares), (keys["exited"],)))
        ctx.publish({}, same)
        ctx.publish(
            {
                keys["exited"]: self.exited,
                keys["completed"]: self.completed,
                keys["early_exits"]: self.early_exits,
            },
            # exited = completed + early, and the reasons table counts the early exits
            [
                (keys["exited"], (keys["completed"], keys["early_exits"])),
                (keys["early_exits"], (keys["reasons_total"],)),
            ],
        )
        return keys

    def _reasons_shown(self, ctx, keys: dict) -> bool:
        return not self.early_exit_reasons.empty and not ctx.hidden(
            keys["early_exits"], self.early_exits
        )

    def figure_data(self, ctx) -> dict:
        keys = self._publish(ctx)
        hidden_rate = ctx.hidden(keys["completed"], self.completed) or ctx.hidden(
            keys["exited"], self.exited
        )
        rate = proportion_data(ctx, self.completed, self.exited)
        if hidden_rate:
            rate = {k: None for k in rate}
        reasons = {}
        if self._reasons_shown(ctx, keys):
            reasons = {
                str(code): ctx.cell_value(keys["reason"](code), int(n))
                for code, n in self.early_exit_reasons.items()
            }
        return {
            "exited": ctx.cell_value(keys["exited"], self.exited),
            "completed": ctx.cell_value(keys["completed"], self.completed),
            "early_exits": ctx.cell_value(keys["early_exits"], self.early_exits),
            "completion_rate": rate["share"],
            "completion_ci_low": rate["ci_low"],
            "completion_ci_high": rate["ci_high"],
            "early_exit_reasons": reasons,
            "outcome_at_exit": {
                t: {
                    str(code): 0
                    if int(n) == 0
                    else ctx.cell_value(keys["outcome"](code, t), int(n))
                    for code, n in self.outcome_by_type[t].items()
                }
                for t in EXIT_TYPES
            },
        }

    def _repr_html_(self) -> str:
        # lazy hook: presentation lives in report/sections
        from insats.report.sections import exits as section

        return section.repr_html(self)


def summarise_exits(df: pd.DataFrame) -> ExitSummary:
    """Summarise how the participants who have left (an end date) left.

    Args:
        df: Canonical participants frame (ongoing rows are ignored).

    Returns:
        :class:`ExitSummary`. An exit is *completed* when its reason is ``completed``; any
        other reason, or none recorded (counted as ``unknown``), is an early exit.
    """
    all_groups, names = group_keys(df) if len(df) else (pd.Series(dtype=object), {})
    exited = df[df["end_date"].notna()]
    # Group keys from the whole frame, so a group is named the same in every table.
    groups = all_groups.loc[exited.index]
    reason = fill_unknown(exited["exit_reason"]) if len(exited) else pd.Series(dtype=object)
    outcome = fill_unknown(exited["outcome_at_exit"]) if len(exited) else pd.Series(dtype=object)
    exit_type = reason.map(lambda r: "completed" if r == "completed" else "early")
    group_order = sorted(groups.unique(), key=natural_key)
    completed = int((reason == "completed").sum())
    return ExitSummary(
        exited=len(exited),
        completed=completed,
        completion_ci=wilson_interval(completed, len(exited)),
        reasons=_crosstab(reason, groups, "exit_reason", group_order),
        outcome_by_type=_crosstab(outcome, exit_type, "outcome_at_exit", list(EXIT_TYPES)),
        missing_outcome=int(exited["outcome_at_exit"].isna().sum()) if len(exited) else 0,
        group_names=names,
    )


# --- transitions ----------------------------------------------------------------------
@dataclass(frozen=True)
class TransitionTable:
    """A before × after cross-table of one vocabulary (support or outcome).

    Attributes:
        before, after: The column names compared.
        vocabulary: ``support`` (positive = self-sufficient: wage or student aid) or
            ``outcome`` (positive = work or studies).
        table: Counts, before codes (rows) x after codes (columns), vocabulary order.
        excluded: Rows without an ``after`` value (not measured yet, or not reached).
    """

    before: str
    after: str
    vocabulary: str
    table: pd.DataFrame
    excluded: int
    window: str = ""  # who left when: "period" or "to_date" (proportions._population)

    @property
    def positive(self) -> tuple[str, ...]:
        return SELF_SUFFICIENT_SUPPORT if self.vocabulary == "support" else WORK_OR_STUDIES

    @property
    def n(self) -> int:
        return int(self.table.to_numpy().sum())

    @property
    def positive_before(self) -> int:
        return int(self.table.loc[self.table.index.isin(self.positive)].to_numpy().sum())

    @property
    def unknown_before(self) -> int:
        """Rows whose before value is missing or unknown: not "not self-sufficient"."""
        return int(self.table.loc[self.table.index == "unknown"].to_numpy().sum())

    @property
    def n_before(self) -> int:
        """Rows with a known before value: the denominator of the before share."""
        return self.n - self.unknown_before

    @property
    def positive_after(self) -> int:
        return int(self.table.loc[:, self.table.columns.isin(self.positive)].to_numpy().sum())

    def to_frame(self) -> pd.DataFrame:
        """Tidy: one row per (before, after) pair with ``count`` (zeros included)."""
        frame = self.table.stack().rename("count").reset_index()
        frame.columns = [self.before, self.after, "count"]
        frame["count"] = frame["count"].astype("int64")
        return frame

    def _publish(self, ctx) -> dict:
        """Keys of the published counts, cells of the cross-table; the sentence's counts
        of self-sufficient (or in work or studies) before and after are sums of its row
        and column totals, and the same count as the composite outcome (issue 15).
        """
        population = {"population": f"recorded:{self.after}"}

        def label(column: str, code: object) -> str:
            return category_label(ctx, column, code)

        keys = {
            "n": count_key(population),
            "before": count_key(population, **{f"{self.before}:positive": "yes"}),
            "after": count_key(population, **{f"{self.after}:positive": "yes"}),
            "cell": lambda b, a: count_key(
                population, **{self.before: label(self.before, b), self.after: label(self.after, a)}
            ),
        }
        rows = {
            b: count_key(population, **{self.before: label(self.before, b)}) for b in self.positive
        }
        cols = {
            a: count_key(population, **{self.after: label(self.after, a)}) for a in self.positive
        }
        # n = known before + unknown before (the table's "unknown" row); who has no
        # "after" yet is a count too (those who left = n + excluded, related in build).
        keys["unknown_before"] = count_key(
            population, **{self.before: label(self.before, "unknown")}
        )
        keys["known_before"] = count_key({**population, "measure": "known_before"})
        keys["excluded"] = count_key({"population": f"unrecorded:{self.after}"})
        row_sums, col_sums = self.table.sum(axis=1), self.table.sum(axis=0)
        values = {keys["n"]: self.n, keys["before"]: self.positive_before}
        values[keys["known_before"]] = self.n_before
        values[keys["unknown_before"]] = self.unknown_before
        values[keys["excluded"]] = self.excluded
        values[keys["after"]] = self.positive_after
        values.update({k: int(row_sums.get(b, 0)) for b, k in rows.items()})
        values.update({k: int(col_sums.get(a, 0)) for a, k in cols.items()})
        kind = "self_sufficient" if self.vocabulary == "support" else "work_or_studies"
        composite = count_key(_population(self.after, self.n, self.window), **{kind: "yes"})
        ctx.publish(
            values,
            [
                (keys["before"], tuple(rows.values())),
                (keys["after"], tuple(cols.values())),
                (composite, (keys["after"],)),
                (keys["n"], (keys["known_before"], keys["unknown_before"])),
            ],
        )
        return keys

    def _proportion(self, ctx, key, k: int, base: int) -> dict:
        data = proportion_data(ctx, k, base)
        keys = self._publish(ctx)
        base_key = keys["known_before"] if base == self.n_before != self.n else keys["n"]
        if ctx.hidden(key, k) or ctx.hidden(keys["n"], self.n) or ctx.hidden(base_key, base):
            data = {name: None for name in data}
        return data

    def figure_data(self, ctx) -> dict:
        keys = self._publish(ctx)
        return {
            "n": ctx.cell_value(keys["n"], self.n),
            "excluded": ctx.cell_value(keys["excluded"], self.excluded),
            "positive_codes": list(self.positive),
            # unknown before is left out of the before share and counted beside it
            "before": self._proportion(ctx, keys["before"], self.positive_before, self.n_before),
            "before_unknown": ctx.cell_value(keys["unknown_before"], self.unknown_before),
            "after": self._proportion(ctx, keys["after"], self.positive_after, self.n),
            "table": {
                str(b): {
                    str(a): 0
                    if int(self.table.at[b, a]) == 0
                    else ctx.cell_value(keys["cell"](b, a), int(self.table.at[b, a]))
                    for a in self.table
                }
                for b in self.table.index
            },
        }

    def _repr_html_(self) -> str:
        # lazy hook: presentation lives in report/sections
        from insats.report.sections import exits as section

        return section.repr_html(self)


def tabulate_transitions(
    df: pd.DataFrame,
    before: str = "support_at_start",
    after: str = "support_at_exit",
    vocabulary: str = "support",
) -> TransitionTable:
    """Cross-tabulate a before and an after variable of the same vocabulary.

    The contract has no activity at start, so the activity view is status at exit →
    status at follow-up: ``tabulate_transitions(df, "outcome_at_exit", "outcome_12m",
    vocabulary="outcome")``.

    Args:
        df: Canonical participants frame.
        before: Column measured first (a missing value counts as ``unknown``).
        after: Column measured later; rows without it are left out and counted as
            ``excluded`` (ongoing, or not followed up).
        vocabulary: ``support`` or ``outcome``: which share is compared (self-sufficient
            or work-or-studies).

    Returns:
        :class:`TransitionTable`.
    """
    if vocabulary not in ("support", "outcome"):
        raise ValueError(f"vocabulary must be 'support' or 'outcome', got {vocabulary!r}")
    missing = [c for c in (before, after) if c not in df.columns]
    if missing:
        raise KeyError(f"tabulate_transitions: columns {missing} are not in the frame")
    measured = df[df[after].notna()]
    rows = fill_unknown(measured[before]) if len(measured) else pd.Series(dtype=object)
    cols = fill_unknown(measured[after]) if len(measured) else pd.Series(dtype=object)
    table = pd.crosstab(rows, cols) if len(measured) else pd.DataFrame(dtype=int)
    table = table.reindex(
        index=order_categories(vocabulary, table.index),
        columns=order_categories(vocabulary, table.columns),
    )
    table = table.fillna(0).astype(int)
    table.index.name, table.columns.name = before, after
    return TransitionTable(
        before=before,
        after=after,
        vocabulary=vocabulary,
        table=table,
        excluded=int(len(df) - len(measured)),
    )


# --- follow-up --------------------------------------------------------------------------
@dataclass(frozen=True)
class FollowUpHorizon:
    """Follow-up at one horizon (6 or 12 months after exit).

    Attributes:
        months: 6 or 12.
        due: Exited at least ``months`` before ``as_of``.
        followed_up: Of those due, how many have a recorded status (outcome_<h>m).
        outcomes: Status (code) x group key among those followed up: counts.
        support_n: Of those due, how many have a recorded means of support (support_<h>m).
        self_sufficient: Of those, how many live on wage or student aid.
    """

    months: int
    due: int
    followed_up: int
    outcomes: pd.DataFrame
    support_n: int
    self_sufficient: int

    @property
    def attrition(self) -> int:
        return self.due - self.followed_up

    @property
    def attrition_share(self) -> float | None:
        return self.attrition / self.due if self.due else None

    @property
    def work_or_studies(self) -> int:
        return int(self.outcomes.loc[self.outcomes.index.isin(WORK_OR_STUDIES)].to_numpy().sum())


@dataclass(frozen=True)
class FollowUp:
    """Follow-up 6 and 12 months after exit, attrition included.

    Attributes:
        as_of: The day the follow-up status is judged at.
        horizons: {6: FollowUpHorizon, 12: FollowUpHorizon}.
        group_names: {group key: (municipality or None, group)} for display.
    """

    as_of: date
    horizons: dict[int, FollowUpHorizon]
    group_names: dict = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """Tidy: ``months``, ``measure`` (due, followed_up, attrition, work_or_studies,
        support_n, self_sufficient, or ``outcome:<code>``) and ``count``.
        """
        records = []
        for months, h in self.horizons.items():
            for measure in ("due", "followed_up", "attrition", "work_or_studies"):
                records.append((months, measure, int(getattr(h, measure))))
            records.append((months, "support_n", h.support_n))
            records.append((months, "self_sufficient", h.self_sufficient))
            for code, n in h.outcomes.sum(axis=1).items():
                records.append((months, f"outcome:{code}", int(n)))
        frame = pd.DataFrame(records, columns=["months", "measure", "count"])
        frame["count"] = frame["count"].astype("int64")
        return frame

    def publish(self, ctx, months: int) -> dict:
        """Keys of one horizon's published counts, cells of its outcome-by-group table:
        followed up (the table's total), each outcome (a row total), in work or studies
        (the sum of those rows), and due = followed up + attrition (issue 15).
        """
        h = self.horizons[months]
        column = f"outcome_{months}m"
        filters = {"population": f"followed_up:{months}m", "as_of": self.as_of}
        rows = h.outcomes.sum(axis=1)
        outcome = {
            code: count_key(filters, **{column: category_label(ctx, column, code)})
            for code in rows.index
        }
        keys = {
            "followed_up": count_key(filters),
            "due": count_key({**filters, "measure": "due"}),
            "attrition": count_key({**filters, "measure": "attrition"}),
            "work_or_studies": count_key(filters, work_or_studies="yes"),
            "outcome": outcome,
        }
        # Those due with a recorded support, and of them the self-sufficient: the rest
        # of each (due without one; with one but not self-sufficient) is a count too.
        support = {"population": f"support:{months}m", "as_of": self.as_of}
        keys["support_n"] = count_key(support)
        keys["self_sufficient"] = count_key(support, self_sufficient="yes")
        rests = {
            count_key(support, measure="missing"): h.due - h.support_n,
            count_key(support, self_sufficient="no"): h.support_n - h.self_sufficient,
        }
        missing, not_self = rests
        parts = tuple(outcome[c] for c in rows.index if c in WORK_OR_STUDIES and rows[c] > 0)
        ctx.publish(
            {
                keys["followed_up"]: h.followed_up,
                keys["due"]: h.due,
                keys["attrition"]: h.attrition,
                keys["work_or_studies"]: h.work_or_studies,
                keys["support_n"]: h.support_n,
                keys["self_sufficient"]: h.self_sufficient,
            },
            [
                (keys["due"], (keys["followed_up"], keys["attrition"])),
                (keys["work_or_studies"], parts),
                (keys["due"], (keys["support_n"], missing)),
                (keys["support_n"], (keys["self_sufficient"], not_self)),
            ],
            unpublished=rests,
        )
        return keys

    def self_sufficient_hidden(self, ctx, months: int) -> bool:
        """Whether the share self-sufficient must not be shown (its count or base is
        hidden by the plan, or the share rule applies).
        """
        h, keys = self.horizons[months], self.publish(ctx, months)
        return (
            proportion_suppressed(ctx, h.self_sufficient, h.support_n)
            or ctx.hidden(keys["self_sufficient"], h.self_sufficient)
            or ctx.hidden(keys["support_n"], h.support_n)
        )

    def work_or_studies_hidden(self, ctx, months: int) -> bool:
        """Whether the share in work or studies must not be shown (its count or base is
        hidden by the plan, or the share rule applies).
        """
        h, keys = self.horizons[months], self.publish(ctx, months)
        return (
            proportion_suppressed(ctx, h.work_or_studies, h.followed_up)
            or ctx.hidden(keys["work_or_studies"], h.work_or_studies)
            or ctx.hidden(keys["followed_up"], h.followed_up)
        )

    def figure_data(self, ctx) -> dict:
        data: dict[str, object] = {}
        for months, h in self.horizons.items():
            keys = self.publish(ctx, months)
            hidden = h.due > 0 and (
                proportion_suppressed(ctx, h.attrition, h.due)
                or ctx.hidden(keys["attrition"], h.attrition)
                or ctx.hidden(keys["due"], h.due)
            )
            work = proportion_data(ctx, h.work_or_studies, h.followed_up)
            self_sufficient = proportion_data(ctx, h.self_sufficient, h.support_n)
            if self.work_or_studies_hidden(ctx, months):
                work = dict.fromkeys(work)
            data[f"{months}m"] = {
                "due": ctx.cell_value(keys["due"], h.due),
                "followed_up": ctx.cell_value(keys["followed_up"], h.followed_up),
                "attrition": ctx.cell_value(keys["attrition"], h.attrition),
                "attrition_share": None
                if hidden or h.attrition_share is None
                else float(h.attrition_share),
                "work_or_studies": work,
                "self_sufficient": dict.fromkeys(self_sufficient)
                if self.self_sufficient_hidden(ctx, months)
                else self_sufficient,
                "outcomes": {
                    str(code): ctx.cell_value(keys["outcome"][code], int(n))
                    for code, n in h.outcomes.sum(axis=1).items()
                },
            }
        data["as_of"] = self.as_of.isoformat()
        return data

    def _repr_html_(self) -> str:
        # lazy hook: presentation lives in report/sections
        from insats.report.sections import exits as section

        return section.repr_html(self)


def _default_as_of(df: pd.DataFrame) -> date:
    dates = pd.concat([pd.to_datetime(df["start_date"]), pd.to_datetime(df["end_date"])])
    latest = dates.max()
    if pd.isna(latest):
        raise ValueError("summarise_follow_up: no dates in the frame; give as_of")
    return latest.date()


def summarise_follow_up(df: pd.DataFrame, as_of: date | None = None) -> FollowUp:
    """Follow-up status 6 and 12 months after exit, with attrition.

    Args:
        df: Canonical participants frame.
        as_of: The day at which follow-up is judged: a participant is *due* at h months
            when ``end_date + h months <= as_of``. Reports pass the period's end. Default:
            the latest start or end date in the data (a reproducible stand-in for the
            export date, never today's date).

    Returns:
        :class:`FollowUp`. Followed up = a recorded ``outcome_<h>m`` among those due;
        attrition = due − followed up. Values recorded for participants not yet due are
        not counted.
    """
    if as_of is None:
        as_of = _default_as_of(df)
    as_of_ts = pd.Timestamp(as_of)
    end = pd.to_datetime(df["end_date"])
    groups, names = group_keys(df) if len(df) else (pd.Series(dtype=object), {})
    horizons = {}
    for months in HORIZONS:
        due_mask = (end + pd.DateOffset(months=months) <= as_of_ts).fillna(False).astype(bool)
        outcome_col, support_col = f"outcome_{months}m", f"support_{months}m"
        outcome = df[outcome_col] if outcome_col in df.columns else pd.Series(pd.NA, index=df.index)
        support = df[support_col] if support_col in df.columns else pd.Series(pd.NA, index=df.index)
        followed = due_mask & outcome.notna()
        supported = due_mask & support.notna()
        codes = fill_unknown(outcome[followed])
        order = sorted(groups[followed].unique(), key=natural_key)
        horizons[months] = FollowUpHorizon(
            months=months,
            due=int(due_mask.sum()),
            followed_up=int(followed.sum()),
            outcomes=_crosstab(codes, groups[followed], "outcome", order),
            support_n=int(supported.sum()),
            self_sufficient=int(support[supported].isin(SELF_SUFFICIENT_SUPPORT).sum()),
        )
    return FollowUp(as_of=as_of, horizons=horizons, group_names=names)
