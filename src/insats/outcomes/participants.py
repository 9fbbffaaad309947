"""Who took part and how many: participant counts per period and participant profiles.

:func:`count_participants` counts enrolled, new (started), exited and early exits in a
report period and the year to date, overall, per group and per municipality.
:func:`describe_participants` describes the participants by gender, age band,
education, region of birth, level of Swedish, referral and means of support at start,
per group or municipality (seed 003's Bilaga 1, from data).

The small helpers at the top (group keys, category order, Wilson intervals) are shared
with :mod:`insats.outcomes.exits`, :mod:`insats.programme.budget` and :mod:`insats.programme.recruitment`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from insats.cohort import schema
from insats.cohort.categories import UNKNOWN, group_keys, natural_key
from insats.disclosure import SUPPRESSED, count_key
from insats.disclosure.control import CountSpec
from insats.outcomes.proportions import age_band, estimate_proportion
from insats.periods import (
    Period,
    enrolled_mask,
    exited_mask,
    previous_period,
    started_mask,
    year_to_date,
)

__all__ = [
    "AGE_BANDS",
    "MEASURES",
    "PROFILE_VARIABLES",
    "ParticipantCounts",
    "ParticipantProfile",
    "age_band_at_group_start",
    "count_participants",
    "count_persons",
    "describe_participants",
    "is_early_exit",
    "wilson_interval",
]


# Code vocabularies of the contract, by column, in the order tables show them.
VOCABULARIES: dict[str, dict[str, tuple[str, ...]]] = {
    "gender": schema.GENDER,
    "education": schema.EDUCATION,
    "referral": schema.REFERRAL,
    "support": schema.SUPPORT,
    "support_at_start": schema.SUPPORT,
    "support_at_exit": schema.SUPPORT,
    "support_6m": schema.SUPPORT,
    "support_12m": schema.SUPPORT,
    "outcome": schema.OUTCOME,
    "outcome_at_exit": schema.OUTCOME,
    "outcome_6m": schema.OUTCOME,
    "outcome_12m": schema.OUTCOME,
    "exit_reason": schema.EXIT_REASON,
}
# The label vocabulary (codes.yaml: code.<vocabulary>.<code>) of each column.
LABEL_VOCABULARY = {
    "gender": "gender",
    "education": "education",
    "referral": "referral",
    "exit_reason": "exit_reason",
    **{c: "support" for c in ("support", "support_at_start", "support_at_exit")},
    **{c: "support" for c in ("support_6m", "support_12m")},
    **{c: "outcome" for c in ("outcome", "outcome_at_exit", "outcome_6m", "outcome_12m")},
}

MEASURES = ("enrolled", "started", "exited", "early_exits")
# The bands of insats.outcomes (same codes in every table of a report).
AGE_BANDS = ("16–24", "25–34", "35–44", "45–54", "55–64", "65+", UNKNOWN)
PROFILE_VARIABLES = (
    "gender",
    "age_band",
    "education",
    "birth_region",
    "swedish_level",
    "referral",
    "support_at_start",
)


# --- shared helpers ----------------------------------------------------------------
def fill_unknown(values: pd.Series) -> pd.Series:
    """Missing or blank values as the code ``unknown`` (object dtype, never dropped)."""
    out = values.astype(object).where(values.notna(), UNKNOWN)
    if not len(out):
        return out
    # Blank check on the distinct values only, spread back by position.
    codes, uniques = pd.factorize(out, use_na_sentinel=True)
    fixed = np.array(
        [UNKNOWN if isinstance(v, str) and not v.strip() else v for v in uniques] + [UNKNOWN],
        dtype=object,
    )
    return pd.Series(fixed[codes], index=out.index, dtype=object, name=out.name)


def order_categories(variable: str, present: Iterable[object]) -> list[str]:
    """Categories in table order: the vocabulary's order for codes (only those present),
    else by natural order; ``unknown`` always last.
    """
    names = [str(p) for p in dict.fromkeys(present)]
    vocabulary = VOCABULARIES.get(variable)
    if variable == "age_band":
        known = [b for b in AGE_BANDS if b in names]
    elif vocabulary is not None:
        known = [c for c in vocabulary if c in names]
    else:
        known = []
    rest = sorted((p for p in names if p not in known and p != UNKNOWN), key=natural_key)
    ordered = [c for c in known if c != UNKNOWN] + rest
    return ordered + ([UNKNOWN] if UNKNOWN in names else [])


def category_label(ctx, variable: str, code: object) -> str:
    """The reader's word for a category of a variable (codes, age bands, free text)."""
    if code is None or (not isinstance(code, str) and pd.isna(code)) or code == UNKNOWN:
        return ctx.t("participants.unknown_category")
    if variable == "age_band":
        return ctx.t(f"participants.age_band.{code}")
    vocabulary = LABEL_VOCABULARY.get(variable)
    return ctx.code(vocabulary, code) if vocabulary else str(code)


def group_label(ctx, key: str, names: Mapping[str, tuple[str | None, str]]) -> str:
    """The group's name: "Grupp 5", "Perstorp, grupp 5", or its own name if not a number."""
    municipality, group = names.get(key, (None, key))
    if group == UNKNOWN:
        group = ctx.t("participants.unknown_category")
    if municipality is not None:
        if municipality == UNKNOWN:
            municipality = ctx.t("participants.unknown_category")
        return ctx.t("participants.group_in_municipality", municipality=municipality, group=group)
    if str(group).isdigit():
        return ctx.t("participants.group_name", group=group)
    return str(group)


def municipality_keys(df: pd.DataFrame) -> pd.Series:
    """Municipality per row, ``unknown`` when missing or the column is absent."""
    if "municipality" not in df.columns:
        return pd.Series(UNKNOWN, index=df.index, dtype=object)
    return fill_unknown(df["municipality"])


def wilson_interval(k: int, n: int) -> tuple[float | None, float | None]:
    """95 % Wilson score interval of k successes in n (None, None when n = 0).

    >>> lo, hi = wilson_interval(8, 12)
    >>> round(lo, 3), round(hi, 3)
    (0.391, 0.862)
    """
    p = estimate_proportion(int(k), int(n))
    return p.ci_low, p.ci_high


def proportion_suppressed(ctx, k: int, n: int) -> bool:
    """Whether a share k/n must be hidden: as :meth:`RenderContext.proportion`, when the
    count, the denominator or the rest is small (any one gives away the others).
    """
    return ctx.is_suppressed(n) or ctx.is_suppressed(k) or ctx.is_suppressed(n - k)


def proportion_data(ctx, k: int, n: int) -> dict[str, float | int | None]:
    """{count, n, share, ci_low, ci_high} for figures.json, None where suppressed."""
    lo, hi = wilson_interval(k, n)
    hidden = n > 0 and proportion_suppressed(ctx, k, n)
    share = k / n if n > 0 else None
    return {
        "count": None if hidden else ctx.count_value(k),
        "n": ctx.count_value(n),
        "share": None if hidden or share is None else float(share),
        "ci_low": None if hidden or lo is None else lo,
        "ci_high": None if hidden or hi is None else hi,
    }


def share_text(ctx, k: int, n: int) -> str:
    """A share k/n as text, hidden ('..') when the count or the denominator is small."""
    if n <= 0:
        return ctx.t("stat.no_one")
    if ctx.is_shared and proportion_suppressed(ctx, k, n):
        return ".."
    return ctx.pct(k / n)


def is_early_exit(df: pd.DataFrame) -> pd.Series:
    """Exited rows whose exit reason is not ``completed``.

    An exit with no recorded reason counts as early (reason ``unknown``): only an
    explicit "completed" counts as completing.
    """
    exited = df["end_date"].notna()
    reason = fill_unknown(df["exit_reason"]) if "exit_reason" in df.columns else UNKNOWN
    return (exited & (reason != "completed")).astype(bool)


def count_table_frame(
    ctx,
    counts: pd.DataFrame,
    *,
    row_variable: str,
    column_names: Mapping[str, str] | None = None,
    row_names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Counts with reader's labels on rows (categories of ``row_variable``) and columns."""
    shown = counts.copy()
    shown.index = [
        row_names[r] if row_names and r in row_names else category_label(ctx, row_variable, r)
        for r in shown.index
    ]
    if column_names:
        shown.columns = [column_names.get(c, str(c)) for c in shown.columns]
    return shown


def protected_count_table(
    ctx,
    counts: pd.DataFrame,
    caption: str,
    *,
    table_id: str,
    dimensions: list[str],
    filters: Mapping[str, object] | None = None,
    add_totals: bool = True,
    index_name: str | None = None,
):
    """As :meth:`RenderContext.count_table`, with ``filters`` naming the population.

    The report's disclosure control keys cells by dimensions and filters, so two tables
    of different populations (all participants, those who exited) broken down by the
    same variable must say how they differ, or their cells would be taken as the same.
    """
    protected = ctx.protect(
        counts,
        table_id=table_id,
        dimensions=dimensions,
        add_totals=add_totals,
        filters=dict(filters) if filters else None,
    )
    shown = protected.map(lambda v: SUPPRESSED if v is None or pd.isna(v) else ctx.count(v))
    shown.index.name = index_name if index_name is not None else counts.index.name
    return ctx.table(shown, caption)


def plan_count_tables(ctx, tables: Mapping[str, tuple[pd.DataFrame, dict]]) -> None:
    """Protect several count tables jointly before rendering them (shared reports only).

    Goes through :meth:`RenderContext.plan_count_tables`: in a report's dry run the
    tables are only recorded (the report plans all its tables at once), and tables the
    report has planned already are not planned again.

    Args:
        tables: {table_id: (counts, {"dimensions": [...], "filters": {...}})}, with the
            same counts and labels that :func:`protected_count_table` will be given.
    """
    ctx.plan_count_tables(
        {
            table_id: CountSpec(
                counts,
                list(spec["dimensions"]) if spec.get("dimensions") else None,
                spec.get("add_totals", True),
                ctx.t("table.total"),
                dict(spec["filters"]) if spec.get("filters") else None,
            )
            for table_id, (counts, spec) in tables.items()
        }
    )


def measures_table(
    ctx,
    wide: pd.DataFrame,
    caption: str,
    *,
    table_id: str,
    dimension: str,
    filters: Mapping[str, object],
    column_names: Mapping[str, str],
    index_name: str,
):
    """Categories (rows, display labels) x measures whose counts are each a distribution
    over the categories (enrolled, new, exited; or funnel steps) but do not add up across
    measures. Each measure is protected as its own one-way table with a total row, so no
    meaningless total column is made.
    """
    specs = {
        f"{table_id}.{m}": (
            wide[[m]],
            {"dimensions": [dimension], "filters": {**filters, "measure": m}},
        )
        for m in wide.columns
    }
    plan_count_tables(ctx, specs)  # one joint protection instead of one per measure
    columns = []
    for measure in wide.columns:
        protected = ctx.protect(
            wide[[measure]],
            table_id=f"{table_id}.{measure}",
            dimensions=[dimension],
            add_totals=True,
            filters={**filters, "measure": measure},
        )
        columns.append(protected.iloc[:, 0].rename(column_names.get(measure, str(measure))))
    shown = pd.concat(columns, axis=1)
    shown = shown.map(lambda v: SUPPRESSED if v is None or pd.isna(v) else ctx.count(v))
    shown.index.name = index_name
    return ctx.table(shown, caption)


# --- counts per period ----------------------------------------------------------------
def _measure_masks(df: pd.DataFrame, period: Period) -> dict[str, pd.Series]:
    exited = exited_mask(df, period)
    return {
        "enrolled": enrolled_mask(df, period),
        "started": started_mask(df, period),
        "exited": exited,
        "early_exits": exited & is_early_exit(df),
    }


@dataclass(frozen=True)
class ParticipantCounts:
    """Enrolled, new, exited and early exits in a period and the year to date.

    Attributes:
        period: The report period.
        year_to_date: 1 January of the period's (end) year to the period's end.
        counts: Tidy counts: ``scope`` (period | year_to_date | previous: the period
            before, its enrolled and exited only, shown nowhere), ``dimension``
            (total | group | municipality), ``category`` (group key, municipality or
            "all"; missing municipality = "unknown"), ``measure`` (enrolled, started,
            exited, early_exits) and ``count`` (persons).
        group_names: {group key: (municipality or None, group)} for display.
    """

    period: Period
    year_to_date: Period
    counts: pd.DataFrame
    group_names: dict[str, tuple[str | None, str]] = field(default_factory=dict)
    # Distinct persons enrolled per scope (a re-enrolled person counts once here, once per
    # participation in ``counts``; each anonymous participation counts as one person).
    persons: dict[str, int] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        return self.counts.copy()

    def total(self, scope: str = "period") -> dict[str, int]:
        rows = self.counts[(self.counts["scope"] == scope) & (self.counts["dimension"] == "total")]
        return {m: int(rows.loc[rows["measure"] == m, "count"].sum()) for m in MEASURES}

    def wide(self, dimension: str, scope: str = "period") -> pd.DataFrame:
        """Categories x measures for one dimension and scope (categories with any count)."""
        rows = self.counts[
            (self.counts["scope"] == scope) & (self.counts["dimension"] == dimension)
        ]
        wide = rows.pivot_table(
            index="category", columns="measure", values="count", aggfunc="sum", fill_value=0
        )
        wide = wide.reindex(columns=list(MEASURES), fill_value=0).astype(int)
        wide = wide[wide.sum(axis=1) > 0]
        order = order_categories(dimension, wide.index)
        return wide.loc[order]

    def _key(self, ctx, scope: str, measure: str, dimension=None, category=None):
        """The key of a count: the cell of the measures table it appears in (issue 15)."""
        period = self.period if scope == "period" else self.year_to_date
        filters = {"period": period.label, "measure": measure}
        if dimension is None:
            return count_key(filters)
        if dimension == "group":
            label = group_label(ctx, category, self.group_names)
        else:
            label = category_label(ctx, "municipality", category)
        return count_key(filters, **{dimension: label})

    def _publish_year(self, ctx) -> None:
        """Year to date = earlier periods of the year + this period, for the counts of
        events (new, exited, early): with the earlier reports in the publication
        register, T2's year to date minus T1's report would give T2's own counts.

        The earlier part of the year (year to date minus this period) is a count too,
        shown nowhere in this report but worked out by any reader: it is a cell of the
        model (T1's own count when one period came before), fixed when an earlier report
        released it, else protected when it is a small count.
        """
        earlier, p = [], previous_period(self.period)
        while p.start >= self.year_to_date.start and p.end < self.period.start:
            earlier.append(p)
            p = previous_period(p)
        if not earlier:
            return
        earlier.reverse()
        before = (
            earlier[0].label
            if len(earlier) == 1
            else f"{earlier[0].start.isoformat()}/{earlier[-1].end.isoformat()}"
        )
        lines: list[tuple] = []
        rests: dict = {}
        for dimension, category, name, period, to_date in self._period_and_year(ctx):
            extra = {} if dimension is None else {dimension: name}
            for m in ("started", "exited", "early_exits", "enrolled"):
                # Enrolled in the year but not in the period: those who left before it,
                # the same people as the year's earlier exits, so the same cell (attack
                # round 10: Klippan's 14 so far this year minus its 7 of the period
                # were its 10 exits so far minus the period's hidden 3). Kept apart
                # only if the data say otherwise (an end before the start).
                rest = count_key({"period": before, "measure": m}, **extra)
                value = to_date.get(m, 0) - period.get(m, 0)
                if m == "enrolled":
                    same = count_key({"period": before, "measure": "exited"}, **extra)
                    if value == to_date.get("exited", 0) - period.get("exited", 0):
                        rest = same
                    else:
                        rest = count_key(
                            {"period": f"{self.year_to_date.label}−{self.period.label}",
                             "measure": m},
                            **extra,
                        )  # fmt: skip
                rests[rest] = value
                lines.append(
                    (
                        self._key(ctx, "year_to_date", m, dimension, category),
                        (self._key(ctx, "period", m, dimension, category), rest),
                    )
                )
                if len(earlier) > 1 and m != "enrolled":
                    members = tuple(
                        count_key({"period": e.label, "measure": m}, **extra) for e in earlier
                    )
                    lines.append((rest, members))
        ctx.publish({}, lines, unpublished=rests)

    def _publish_carried_over(self, ctx) -> None:
        """Publish those still enrolled at the end and those carried over into it.

        Attack round 10; in every row of the period's table and the total:

        - still enrolled at the end = the period's enrolled minus its exits: the next
          report's enrolled minus its new, so a count of its own here, protected when
          small (``remaining``);
        - carried over = the period's enrolled minus its new = the period before's
          enrolled minus its exits, the same cell as that report's ``remaining``
          (2020-T3's Klippan grupp 1 showed 10 enrolled with its 3 exits hidden, and
          2021-T1's 7 enrolled and 0 new gave 10 − 7 = 3; T3's hidden new came back as
          its enrolled minus T2's enrolled minus T2's exits). Where the report before is
          in the register it joins through it; the period before's enrolled and exited
          are slack parts here (not this report's to protect).
        """
        if not ctx.disclosure.active:
            return
        before = previous_period(self.period)
        adjacent = (self.period.start - before.end).days == 1
        lines: list[tuple] = []
        rests: dict = {}
        slack: dict = {}
        rows: list[tuple[str | None, str | None, dict, dict]] = [
            (None, None, self.total("period"), self.total("previous"))
        ]
        for dimension in ("group", "municipality"):
            wide, earlier = self.wide(dimension, "period"), self.wide(dimension, "previous")
            for category in wide.index:
                prev = earlier.loc[category].to_dict() if category in earlier.index else {}
                rows.append((dimension, str(category), wide.loc[category].to_dict(), prev))
        for dim, cat, now, prev in rows:
            extra = {}
            if dim == "group" and cat is not None:
                extra = {dim: group_label(ctx, cat, self.group_names)}
            elif dim is not None:
                extra = {dim: category_label(ctx, "municipality", cat)}

            def key(measure: str, *, own: bool = True, extra=extra):
                return count_key(
                    {"period": (self.period if own else before).label, "measure": measure},
                    **extra,
                )

            enrolled, exited = (
                self._key(ctx, "period", m, dim, cat) for m in ("enrolled", "exited")
            )
            remaining = int(now.get("enrolled", 0)) - int(now.get("exited", 0))
            rests[key("remaining")] = remaining
            lines.append((enrolled, (exited, key("remaining"))))
            carried = int(now.get("enrolled", 0)) - int(now.get("started", 0))
            if not adjacent or carried != int(prev.get("enrolled", 0)) - int(prev.get("exited", 0)):
                continue  # no period just before, or the data do not follow the identity
            started = self._key(ctx, "period", "started", dim, cat)
            rests[key("remaining", own=False)] = carried
            lines.append((enrolled, (started, key("remaining", own=False))))
            slack[key("enrolled", own=False)] = int(prev.get("enrolled", 0))
            # within the year, the year's earlier exits are a cell of _publish_year
            # already (registered first, so it stays that cell)
            slack[key("exited", own=False)] = int(prev.get("exited", 0))
            lines.append(
                (
                    key("enrolled", own=False),
                    (key("exited", own=False), key("remaining", own=False)),
                )
            )
        ctx.publish({}, lines, unpublished=rests, slack=slack)

    def subsets(self, ctx) -> list[tuple]:
        """The inequalities of the measures a reader knows, for :meth:`RenderContext.at_most`:
        in every row (the total, each group and municipality) of the period and of the
        year to date, the new and the exited participants are among the enrolled, and
        the early exits among the exits.
        """
        pairs = []
        for dimension, category, _, period, to_date in self._period_and_year(ctx):
            for scope, counts in (("period", period), ("year_to_date", to_date)):
                for small, big in (
                    ("started", "enrolled"),
                    ("exited", "enrolled"),
                    ("early_exits", "exited"),
                ):
                    pairs.append(
                        (
                            self._key(ctx, scope, small, dimension, category),
                            int(counts.get(small, 0)),
                            self._key(ctx, scope, big, dimension, category),
                            int(counts.get(big, 0)),
                        )
                    )
        return pairs

    def _period_and_year(self, ctx):
        """(dimension, category, its label, period counts, year-to-date counts): the
        total (dimension None) and every group and municipality.
        """
        yield None, None, None, self.total("period"), self.total("year_to_date")
        for dimension in ("group", "municipality"):
            period = self.wide(dimension, "period")
            to_date = self.wide(dimension, "year_to_date")
            for category in to_date.index:
                label = (
                    group_label(ctx, category, self.group_names)
                    if dimension == "group"
                    else category_label(ctx, "municipality", category)
                )
                own = period.loc[category].to_dict() if category in period.index else {}
                yield dimension, category, label, own, to_date.loc[category].to_dict()

    def _persons_shown(self, ctx, scope: str) -> int | None:
        """Distinct persons, unless participations − persons (the re-enrolments) is a
        count the disclosure rule hides (the difference would single them out), or the
        participations are hidden (persons usually equal them).
        """
        persons = self.persons.get(scope)
        if persons is None:
            return None
        enrolled = self.total(scope)["enrolled"]
        if ctx.is_suppressed(enrolled - persons):
            return None
        # Persons are the participations unless someone re-enrolled: with the
        # participations hidden, the persons would give them back.
        if ctx.hidden(self._key(ctx, scope, "enrolled"), enrolled):
            return None
        return ctx.count_value(persons)

    def figure_data(self, ctx) -> dict:
        self._publish_year(ctx)
        self._publish_carried_over(ctx)

        def block(scope: str) -> dict:
            return {
                m: ctx.cell_value(self._key(ctx, scope, m), v) for m, v in self.total(scope).items()
            }

        data = block("period")
        data["year_to_date"] = block("year_to_date")
        if self.persons:
            data["persons_enrolled"] = {
                scope: self._persons_shown(ctx, scope) for scope in self.persons
            }
        for dimension in ("group", "municipality"):
            wide = self.wide(dimension, "period")
            data[f"by_{dimension}"] = {
                str(cat): {
                    m: ctx.cell_value(
                        self._key(ctx, "period", m, dimension, cat), int(wide.at[cat, m])
                    )
                    for m in MEASURES
                }
                for cat in wide.index
            }
        return data

    def _repr_html_(self) -> str:
        # lazy hook: presentation lives in report/sections
        from insats.report.sections import participants as section

        return section.repr_html(self)


def count_participants(df: pd.DataFrame, period: Period) -> ParticipantCounts:
    """Count enrolled, new, exited and early-exited participants.

    Args:
        df: Canonical participants frame (one row per participant and insats).
        period: The report period; the year to date runs from 1 January of the year the
            period ends in (:func:`insats.periods.year_to_date`).

    Returns:
        :class:`ParticipantCounts`. Enrolled = enrolment overlaps the period; started /
        exited = the start / end date falls in it; early exit = exited with a reason
        other than ``completed`` (a missing reason counts as early).
    """
    ytd = year_to_date(period)
    groups, names = group_keys(df)
    municipality = municipality_keys(df)
    records = []
    # The period before: its enrolled and exited give those carried over into this one
    # (ParticipantCounts._publish_carried_over); not shown.
    before = previous_period(period)
    for scope, p in (("period", period), ("year_to_date", ytd), ("previous", before)):
        for measure, mask in _measure_masks(df, p).items():
            if scope == "previous" and measure not in ("enrolled", "exited"):
                continue
            records.append((scope, "total", "all", measure, int(mask.sum())))
            for dimension, keys in (("group", groups), ("municipality", municipality)):
                counts = mask.groupby(keys).sum()
                for category in sorted(keys.unique(), key=natural_key):
                    records.append(
                        (scope, dimension, category, measure, int(counts.get(category, 0)))
                    )
    counts = pd.DataFrame(records, columns=["scope", "dimension", "category", "measure", "count"])
    counts["count"] = counts["count"].astype("int64")
    persons = {}
    if "person" in df.columns:
        for scope, p in (("period", period), ("year_to_date", ytd)):
            persons[scope] = count_persons(df.loc[enrolled_mask(df, p)])
    return ParticipantCounts(
        period=period, year_to_date=ytd, counts=counts, group_names=names, persons=persons
    )


def count_persons(df: pd.DataFrame) -> int:
    """Distinct persons among participations (SUS counts every participation).

    A person is the pseudonym (from the personnummer), else the deltagar-id; each
    anonymous participation counts as one person, since nothing links them.

    >>> count_persons(pd.DataFrame({"person": ["a", "a", "b", None],
    ...                             "is_anonymous": [False, False, False, True]}))
    3
    """
    anonymous = df["is_anonymous"].fillna(False).astype(bool) if "is_anonymous" in df else None
    people = df["person"] if anonymous is None else df.loc[~anonymous, "person"]
    unlinked = int(people.isna().sum()) + (int(anonymous.sum()) if anonymous is not None else 0)
    return int(people.nunique(dropna=True)) + unlinked


# --- profile ------------------------------------------------------------------------
def age_band_at_group_start(df: pd.DataFrame) -> pd.Series:
    """Age band of each participant when their group started.

    Age is the group's start year minus the birth year (only the year of birth is in the
    contract), the same rule as :func:`insats.outcomes.add_age_band`, whose bands are
    used; the group's start is its earliest start date. A missing birth year is
    ``unknown``.

    Returns:
        A Series of band codes (``insats.outcomes.AGE_BANDS``) aligned with ``df``.

    >>> frame = pd.DataFrame({"group": ["1", "1"], "birth_year": [1996, 1955],
    ...     "start_date": pd.to_datetime(["2021-02-01", "2022-03-01"])})
    >>> age_band_at_group_start(frame).tolist()  # 2021 - 1996 = 25; 2021 - 1955 = 66
    ['25–34', '65+']
    """
    if df.empty:
        return pd.Series(dtype=object)
    keys, _ = group_keys(df)
    starts = pd.to_datetime(df["start_date"]).groupby(keys).transform("min")
    ages = starts.dt.year - pd.to_numeric(df["birth_year"], errors="coerce")
    return pd.Series(
        [age_band(None if pd.isna(a) else float(a)) for a in ages], index=df.index, dtype=object
    )


@dataclass(frozen=True)
class ParticipantProfile:
    """Who took part: counts of each category of the background variables per group.

    Attributes:
        by: ``"group"`` or ``"municipality"``.
        counts: Tidy: ``variable``, ``by`` (the group key or municipality), ``category``
            (canonical code, age band, or free text; ``unknown`` when missing), ``count``.
        sizes: Number of participants per ``by`` category.
        group_names: {group key: (municipality or None, group)} for display.
    """

    by: str
    counts: pd.DataFrame
    sizes: pd.Series
    group_names: dict[str, tuple[str | None, str]] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        frame = self.counts.copy()
        frame["share"] = frame["count"] / frame["by"].map(self.sizes).astype(float)
        return frame.rename(columns={"by": self.by})

    def table(self, variable: str) -> pd.DataFrame:
        """Categories x groups for one variable (int counts, no totals)."""
        rows = self.counts[self.counts["variable"] == variable]
        wide = rows.pivot_table(
            index="category", columns="by", values="count", aggfunc="sum", fill_value=0
        ).astype(int)
        wide = wide.reindex(columns=list(self.sizes.index), fill_value=0)
        return wide.loc[order_categories(variable, wide.index)]

    def figure_data(self, ctx) -> dict:
        data: dict = {"n": {str(k): ctx.count_value(int(v)) for k, v in self.sizes.items()}}
        for variable in PROFILE_VARIABLES:
            wide = self.table(variable)
            data[variable] = {
                str(cat): {str(g): ctx.count_value(int(wide.at[cat, g])) for g in wide.columns}
                for cat in wide.index
            }
        return data

    def _repr_html_(self) -> str:
        # lazy hook: presentation lives in report/sections
        from insats.report.sections import participants as section

        return section.repr_html(self)


def describe_participants(df: pd.DataFrame, by: str = "group") -> ParticipantProfile:
    """Describe who took part, per group or municipality.

    Args:
        df: Canonical participants frame; every row is described (filter first, e.g. to
            the participants enrolled in the period).
        by: ``"group"`` (intake group; split by municipality where group numbers repeat)
            or ``"municipality"``.

    Returns:
        :class:`ParticipantProfile` with counts of gender, age band (at the group's
        start), education, region of birth, level of Swedish, referral and means of
        support at start. Missing values are counted as ``unknown``, never dropped.
    """
    if by not in ("group", "municipality"):
        raise ValueError(f"by must be 'group' or 'municipality', got {by!r}")
    groups, names = group_keys(df) if len(df) else (pd.Series(dtype=object), {})
    keys = groups if by == "group" else municipality_keys(df)
    values = {
        "age_band": age_band_at_group_start(df),
        **{
            v: fill_unknown(df[v]) if v in df.columns else pd.Series(UNKNOWN, index=df.index)
            for v in PROFILE_VARIABLES
            if v != "age_band"
        },
    }
    records = []
    order = (
        sorted(keys.unique(), key=natural_key)
        if by == "group"
        else order_categories("municipality", keys.unique())
    )
    for variable in PROFILE_VARIABLES:
        series = values[variable].astype(str)
        table = pd.crosstab(series, keys)
        for category in table.index:
            for key in table.columns:
                n = int(table.at[category, key])
                if n:
                    records.append((variable, key, category, n))
    counts = pd.DataFrame(records, columns=["variable", "by", "category", "count"])
    sizes = keys.value_counts().reindex(order).astype(int) if len(df) else pd.Series(dtype=int)
    return ParticipantProfile(by=by, counts=counts, sizes=sizes, group_names=names)
