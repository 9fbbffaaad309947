"""Shares of outcomes with Wilson intervals, overall and by subgroup.

Groups in these programmes are small (8–30 persons), so every share carries its 95 %
Wilson score interval (statsmodels ``proportion_confint(method="wilson")``). The Wald
("normal") interval that is statsmodels' default collapses to zero width at 0 % and
100 % and undercovers badly below n = 30 (Newcombe 1998, Stat Med 17:857–872).

Denominators: a missing value (NA: still enrolled, or not followed up) is left out of
the denominator and counted in ``n_missing``; the code ``unknown`` (the export said
"okänt") stays in the denominator and is shown as its own category, which keeps the
"work or studies" share conservative.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from insats.cohort.schema import SELF_SUFFICIENT_SUPPORT, WORK_OR_STUDIES
from insats.disclosure import SUPPRESSED, count_key
from insats.outcomes._common import (
    AGE_BANDS,
    check_breakdown,
    is_hidden,
    level_label,
    level_series,
    ordered_levels,
    require_columns,
    vocabulary_of,
)

COMPOSITES: dict[str, tuple[str, tuple[str, ...]]] = {
    # kind -> (default column, codes that count as a success)
    "work_or_studies": ("outcome_at_exit", WORK_OR_STUDIES),
    "self_sufficient": ("support_at_exit", SELF_SUFFICIENT_SUPPORT),
}
SHARE_COLUMNS = ["count", "n", "share", "ci_low", "ci_high"]


# --- one proportion ------------------------------------------------------------------
@dataclass(frozen=True)
class Proportion:
    """A count out of n with its share and 95 % Wilson interval (None when n == 0)."""

    count: int
    n: int
    share: float | None
    ci_low: float | None
    ci_high: float | None
    alpha: float = 0.05

    def as_dict(self) -> dict[str, float | int | None]:
        return {k: getattr(self, k) for k in SHARE_COLUMNS}

    def figure_data(self, ctx) -> dict[str, float | int | None]:
        """{count, n, share, ci_low, ci_high}; suppressed parts are None."""
        hidden = is_hidden(ctx, self.count, self.n)
        return {
            "count": None if hidden else ctx.count_value(self.count),
            "n": ctx.count_value(self.n),
            "share": None if hidden else ctx.share_value(self.share, self.n),
            "ci_low": None if hidden else ctx.statistic_value(self.ci_low, self.n),
            "ci_high": None if hidden else ctx.statistic_value(self.ci_high, self.n),
        }

    def text(self, ctx) -> str:
        """'8 av 12 (67 %, 95 % konfidensintervall 39–86 %)' through the context."""
        return ctx.proportion(self.count, self.n, self.ci_low, self.ci_high)

    def is_hidden(self, ctx) -> bool:
        return is_hidden(ctx, self.count, self.n)


def estimate_proportion(count: int, n: int, alpha: float = 0.05) -> Proportion:
    """Estimate a share with its Wilson score interval.

    Args:
        count: Persons with the outcome.
        n: Persons in the denominator (0 allowed: then share and interval are None).
        alpha: 1 - confidence level.

    Returns:
        A :class:`Proportion`.

    >>> p = estimate_proportion(8, 12)
    >>> round(p.share, 4), round(p.ci_low, 4), round(p.ci_high, 4)
    (0.6667, 0.3906, 0.8619)
    >>> estimate_proportion(0, 0).share is None
    True
    """
    count, n = int(count), int(n)
    if n < 0 or count < 0 or count > n:
        raise ValueError(f"need 0 <= count <= n, got count={count}, n={n}")
    if n == 0:
        return Proportion(count=0, n=0, share=None, ci_low=None, ci_high=None, alpha=alpha)
    low, high = proportion_confint(count, n, alpha=alpha, method="wilson")
    # the score interval touches 0 or 1 exactly at the edges; clip rounding noise
    return Proportion(
        count=count,
        n=n,
        share=count / n,
        ci_low=float(np.clip(low, 0.0, 1.0)),
        ci_high=float(np.clip(high, 0.0, 1.0)),
        alpha=alpha,
    )


def _proportion_row(count: int, n: int) -> dict[str, float | int | None]:
    return estimate_proportion(count, n).as_dict()


# --- age bands -----------------------------------------------------------------------
def age_band(age: float | None) -> str:
    """The age band of an age in whole years.

    Ages under 16 fall in the first band (programmes start at 16; a younger age is a
    data error the validation reports, not a reason to hide the person here).

    >>> [age_band(a) for a in (17, 25, 44, 64, 65, None)]
    ['16–24', '25–34', '35–44', '55–64', '65+', 'unknown']
    """
    if age is None or pd.isna(age):
        return "unknown"
    for upper, band in zip((25, 35, 45, 55, 65), AGE_BANDS, strict=False):
        if age < upper:
            return band
    return "65+"


def add_age_band(df: pd.DataFrame, at: date) -> pd.DataFrame:
    """Return a copy of the frame with a column ``age_band``.

    Only the birth year is known, so age is ``at.year - birth_year``: the age the person
    reaches during that calendar year. Before their birthday a person is counted one
    year older than they are, which moves at most those born in the same year across a
    band edge. A missing birth year gives ``"unknown"``.

    Args:
        df: Participants frame with ``birth_year``.
        at: The date at which age is measured (e.g. the end of the report period).

    Returns:
        The frame with ``age_band`` (one of ``AGE_BANDS``).
    """
    require_columns(df, ["birth_year"], "add_age_band")
    ages = at.year - pd.to_numeric(df["birth_year"], errors="coerce")
    out = df.copy()
    out["age_band"] = pd.Series(
        [age_band(None if pd.isna(a) else float(a)) for a in ages], index=df.index, dtype=object
    )
    return out


# --- shares of every outcome code ----------------------------------------------------------
def _column_label(ctx, column: str) -> str:
    key = f"outcomes.column.{column}"
    return ctx.t(key) if ctx.labels.has(key) else column


def _ongoing(df: pd.DataFrame) -> pd.Series:
    if "end_date" in df.columns:
        return df["end_date"].isna()
    return pd.Series(False, index=df.index)


def _population(column: str, n: int, window: str = "") -> dict:
    """Filters of the population a share table counts: who has a known ``column``, n of
    them (the same keys in the shares tables, the composite tables and figures.json),
    and who left when (``window``: ``period`` or ``to_date`` in a report; a report of one
    municipality tells its tables from the whole project's by it, since their n differ).
    """
    out: dict = {"population": f"{column} known", "n": int(n)}
    if window:
        out["window"] = window
    return out


def _table_id(stem: str, window: str) -> str:
    """A count table's id, told apart by ``window``: a report's tables of the period and
    since the start may count as many people (a project's first period), and the joint
    plan records its tables by id (one id for both planned only one of them, and the
    other, protected on its own, could not be protected: attack search of stop 30).
    """
    return f"{stem}.{window}" if window else stem


@dataclass(frozen=True)
class OutcomeShares:
    """Count, share and Wilson interval of every code of a coded column.

    Attributes:
        column: The column summarised (e.g. ``outcome_at_exit``).
        by: The breakdown variable, or None.
        frame: One row per (level, code): ``[by,] code, count, n, share, ci_low, ci_high,
            n_missing, n_ongoing``; every code of the vocabulary is listed, zeros included.
    """

    column: str
    by: str | None
    frame: pd.DataFrame
    overall: pd.DataFrame = field(repr=False)
    window: str = ""  # who left when: "period" or "to_date" (see _population)

    @property
    def n(self) -> int:
        return int(self.overall["n"].iloc[0]) if len(self.overall) else 0

    def missing_keys(self) -> tuple:
        """(n, missing) cells: those with a known status and those without."""
        return count_key(_population(self.column, self.n, self.window)), count_key(
            {"population": f"{self.column} missing", "window": self.window}
        )

    @property
    def n_missing(self) -> int:
        return int(self.overall["n_missing"].iloc[0]) if len(self.overall) else 0

    @property
    def n_ongoing(self) -> int:
        return int(self.overall["n_ongoing"].iloc[0]) if len(self.overall) else 0

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def _vocabulary(self) -> str:
        vocab = vocabulary_of(self.column)
        return vocab[0] if vocab else self.column

    def _protect_overall(self, ctx) -> pd.DataFrame | None:
        """The overall counts per code as a one-way count table with its total n,
        planned with the report (a composite outcome is the sum of some of them).
        """
        if self.n == 0:
            return None
        vocab = self._vocabulary()
        counts = pd.DataFrame(
            {"count": self.overall["count"].astype(int).to_numpy()},
            index=[ctx.code(vocab, c) for c in self.overall["code"]],
        )
        return ctx.protect(
            counts,
            table_id=_table_id(f"outcomes.shares.{self.column}.n{self.n}", self.window),
            dimensions=[self.column],
            filters=_population(self.column, self.n, self.window),
        )

    def _overall_hidden(self, ctx) -> list[tuple[bool, bool]] | None:
        protected = self._protect_overall(ctx)
        if protected is None or not ctx.disclosure.active:
            return None
        n_hidden = protected.iloc[-1, 0] is None
        return [(v is None, n_hidden) for v in protected.iloc[:-1, 0]]

    def figure_data(self, ctx) -> dict:
        """{code: {count, n, share, ci_low, ci_high}} (overall), and ``by`` per level."""
        data = {str(r.code): _row_figure(ctx, r) for r in self.overall.itertuples()}
        hidden = self._overall_hidden(ctx)
        for (code, row), (count_hidden, n_hidden) in zip(data.items(), hidden or [], strict=False):
            if count_hidden:
                data[code] = {**row, "count": None, "share": None, "ci_low": None, "ci_high": None}
            if n_hidden:
                # a shown count over its share, or a 0's Wilson bound, gives n back
                data[code] = {
                    **data[code],
                    "n": None,
                    "share": None,
                    "ci_low": None,
                    "ci_high": None,
                }
        if self.by is not None:
            data = {"overall": data, "by": {}}
            for level, part in self.frame.groupby(self.by, sort=False):
                data["by"][str(level)] = {
                    str(r.code): _row_figure(ctx, r) for r in part.itertuples()
                }
        return data

    def _repr_html_(self) -> str:
        # lazy hook: presentation lives in report/sections
        from insats.report.sections import results as section

        return section.repr_html(self)


def _row_figure(ctx, r) -> dict:
    hidden = is_hidden(ctx, int(r.count), int(r.n))
    return {
        "count": None if hidden else ctx.count_value(r.count),
        "n": ctx.count_value(r.n),
        "share": None if hidden else ctx.share_value(r.share, r.n),
        "ci_low": None if hidden else ctx.statistic_value(r.ci_low, r.n),
        "ci_high": None if hidden else ctx.statistic_value(r.ci_high, r.n),
    }


def _share_table(ctx, frame: pd.DataFrame, labels: list[str], hidden=None) -> pd.DataFrame:
    """Display table: count, n, share and interval, with the disclosure rule applied.

    Count, share and interval are hidden together when ``is_hidden`` (k, n or n − k is a
    small non-zero number); n is shown unless it is small itself. Where the plan hides n,
    every share and interval goes with it: a shown count over its share, or the Wilson
    bound of a shown 0 (0–32 % is 0 of 8), gives n back.
    """
    rows = []
    for i, r in enumerate(frame.itertuples()):
        secondary = hidden[i] if hidden else (False, False)
        hide = is_hidden(ctx, int(r.count), int(r.n)) or secondary[0]
        hide_share = hide or secondary[1]
        rows.append(
            {
                # the count goes with the share: with n shown, a count would give away
                # the small complement n − k that the share rule protects
                ctx.t("outcomes.table.count"): SUPPRESSED if hide else ctx.count(int(r.count)),
                ctx.t("outcomes.table.n"): SUPPRESSED if secondary[1] else ctx.count(int(r.n)),
                ctx.t("outcomes.table.share"): SUPPRESSED if hide_share else ctx.pct(r.share),
                ctx.t("outcomes.table.interval"): SUPPRESSED
                if hide_share
                else ctx.share_range(r.ci_low, r.ci_high, int(r.n)),
            }
        )
    return pd.DataFrame(rows, index=labels)


def _shares_of(values: pd.Series, codes: list[str]) -> pd.DataFrame:
    known = values.dropna().astype(str)
    n = len(known)
    counts = known.value_counts()
    rows = []
    for code in codes:
        k = int(counts.get(code, 0))
        rows.append({"code": code, **_proportion_row(k, n)})
    return pd.DataFrame(rows)


def estimate_outcome_shares(
    df: pd.DataFrame, column: str = "outcome_at_exit", by: str | None = None
) -> OutcomeShares:
    """Estimate the share of every code of a column, with Wilson 95 % intervals.

    Args:
        df: Participants frame (canonical columns), already restricted to the persons
            the report is about (e.g. those who exited in the period).
        column: A coded column: ``outcome_at_exit``, ``outcome_6m``, ``support_at_exit``,
            ``exit_reason`` ….
        by: Optional breakdown: group, municipality, gender, age_band, education, referral.

    Returns:
        An :class:`OutcomeShares`; NA values are left out of n and counted in
        ``n_missing`` (``n_ongoing`` of them are still enrolled).
    """
    check_breakdown(by)
    require_columns(df, [column] + ([by] if by else []), "estimate_outcome_shares")
    vocab = vocabulary_of(column)
    present = sorted(str(v) for v in df[column].dropna().unique())
    codes = list(vocab[1]) if vocab else []
    codes += [c for c in present if c not in codes]
    ongoing = _ongoing(df)

    def summarise(part: pd.DataFrame) -> pd.DataFrame:
        table = _shares_of(part[column], codes)
        missing = part[column].isna()
        table["n_missing"] = int(missing.sum())
        table["n_ongoing"] = int((missing & ongoing.loc[part.index]).sum())
        return table

    overall = summarise(df)
    if by is None:
        frame = overall.copy()
    else:
        levels = level_series(df, by)
        pieces = []
        for level in ordered_levels(df, by):
            table = summarise(df[levels == level])
            table.insert(0, by, level)
            pieces.append(table)
        frame = pd.concat(pieces, ignore_index=True) if pieces else overall.iloc[0:0]
    for col in ("count", "n", "n_missing", "n_ongoing"):
        frame[col] = frame[col].astype(int)
    return OutcomeShares(column=column, by=by, frame=frame, overall=overall)


# --- composite shares ----------------------------------------------------------------------
@dataclass(frozen=True)
class CompositeShares:
    """The share with a composite outcome (work or studies, self-sufficiency).

    Attributes:
        kind: ``work_or_studies`` or ``self_sufficient``.
        column: The column the composite is computed from.
        overall: The :class:`Proportion` for everyone.
        by: The breakdown variable, or None.
        frame: ``[by,] count, n, share, ci_low, ci_high, n_missing`` per level (one row
            with level ``all`` when ``by`` is None).
        n_missing: Persons with NA in the column (not in n).
    """

    kind: str
    column: str
    overall: Proportion
    by: str | None
    frame: pd.DataFrame
    n_missing: int = 0
    window: str = ""  # who left when: "period" or "to_date" (see _population)

    # the overall proportion's fields, for callers that read the composite directly
    @property
    def count(self) -> int:
        return self.overall.count

    @property
    def n(self) -> int:
        return self.overall.n

    @property
    def share(self) -> float | None:
        return self.overall.share

    @property
    def ci_low(self) -> float | None:
        return self.overall.ci_low

    @property
    def ci_high(self) -> float | None:
        return self.overall.ci_high

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def _keys(self, ctx) -> dict:
        """Keys of the composite's counts: the "yes" and "no" totals of its breakdown
        table, n, and the outcomes it adds up (cells of the outcome shares tables).
        """
        population = _population(self.column, self.overall.n, self.window)
        vocabulary = vocabulary_of(self.column)
        vocab = vocabulary[0] if vocabulary else self.column
        return {
            "n": count_key(population),
            "yes": count_key(population, **{self.kind: "yes"}),
            "no": count_key(population, **{self.kind: "no"}),
            "parts": tuple(
                count_key(population, **{self.column: ctx.code(vocab, code)})
                for code in COMPOSITES[self.kind][1]
            ),
        }

    def missing_keys(self) -> tuple:
        """(n, missing) cells: those with a known status and those without."""
        population = _population(self.column, self.overall.n, self.window)
        return count_key(population), count_key(
            {"population": f"{self.column} missing", "window": self.window}
        )

    def base_keys(self) -> tuple:
        """(n, "yes" count) cells of the composite (no labels needed)."""
        population = _population(self.column, self.overall.n, self.window)
        return count_key(population), count_key(population, **{self.kind: "yes"})

    def overall_hidden(self, ctx) -> bool:
        """Whether the overall count is hidden: by the share rule, or by the report's
        plan (the composite is the sum of outcomes shown elsewhere, issue 15).
        """
        o = self.overall
        if o.n == 0:
            return False
        keys = self._keys(ctx)
        ctx.publish(
            {keys["n"]: o.n, keys["yes"]: o.count, keys["no"]: o.n - o.count},
            [(keys["n"], (keys["yes"], keys["no"])), (keys["yes"], keys["parts"])],
        )
        return (
            o.is_hidden(ctx)
            or ctx.hidden(keys["yes"], o.count)
            or ctx.hidden(keys["no"], o.n - o.count)
            or ctx.hidden(keys["n"], o.n)
        )

    def protected_rows(self, ctx) -> list[tuple[bool, bool]] | None:
        """Per row, the overall first and then each level of ``by``: (share hidden, n
        hidden) after the report's joint plan, or None (no breakdown, or not shared).

        The levels' counts (yes / no) add up to the overall ones, so a count hidden in
        one level could be worked out from the others: they are protected as a count
        table with totals, and the HTML table and figures.json both read this plan.
        """
        if self.by is None or not ctx.disclosure.active or len(self.frame) == 0:
            return None
        labels = [level_label(ctx, self.by, lv) for lv in self.frame[self.by]]
        counts = pd.DataFrame(
            {
                "yes": self.frame["count"].astype(int).to_numpy(),
                "no": (self.frame["n"] - self.frame["count"]).astype(int).to_numpy(),
            },
            index=labels,
        )
        protected = ctx.protect(
            counts,
            table_id=_table_id(
                f"outcomes.composite.{self.kind}.{self.column}.by.{self.by}", self.window
            ),
            dimensions=[self.by, self.kind],
            # the population: who has a known status in this column (same n, same people)
            filters=_population(self.column, self.overall.n, self.window),
        )
        rows = []
        for position in range(len(self.frame) + 1):
            row = protected.iloc[-1] if position == 0 else protected.iloc[position - 1]
            rows.append((row.iloc[0] is None or row.iloc[1] is None, row.iloc[2] is None))
        return rows

    def level_part_lines(self, ctx) -> list[tuple]:
        """Per level of ``by``: its "yes" = the sum of the outcomes the composite adds up,
        cells of the outcome table by the same background (Klippan's "i arbete eller
        studier" 11 = its Arbete + Subventionerad anställning + Studier). A reader who has
        both tables knows it (attack of stop 21: with Perstorp's Arbete shown, the
        whole's 27 − 14 gave Perstorp's Studier).
        """
        if self.by is None:
            return []
        population = _population(self.column, self.overall.n, self.window)
        vocabulary = vocabulary_of(self.column)
        vocab = vocabulary[0] if vocabulary else self.column
        lines = []
        for lv in self.frame[self.by]:
            level = {self.by: level_label(ctx, self.by, lv)}
            lines.append(
                (
                    count_key(population, **level, **{self.kind: "yes"}),
                    tuple(
                        count_key(population, **level, **{self.column: ctx.code(vocab, code)})
                        for code in COMPOSITES[self.kind][1]
                    ),
                )
            )
        return lines

    def level_keys(self, ctx) -> dict:
        """{level: key of its n} (the row totals of the breakdown table)."""
        if self.by is None:
            return {}
        population = _population(self.column, self.overall.n, self.window)
        return {
            lv: count_key(population, **{self.by: level_label(ctx, self.by, lv)})
            for lv in self.frame[self.by]
        }

    def figure_data(self, ctx) -> dict:
        data: dict[str, object] = {**self.overall.figure_data(ctx)}
        if self.overall_hidden(ctx):
            data = {**data, "count": None, "share": None, "ci_low": None, "ci_high": None}
            if ctx.hidden(self._keys(ctx)["n"], self.overall.n):
                data["n"] = None
        if self.by is not None:
            # The breakdown follows the same plan as the HTML table (issue 15: a level's
            # n shown here but hidden there gave a hidden level back by subtraction).
            planned = self.protected_rows(ctx)
            by: dict[str, dict] = {}
            for i, (_, r) in enumerate(self.frame.iterrows()):
                row = _row_figure(ctx, _Row(r))
                share_hidden, n_hidden = planned[i + 1] if planned else (False, False)
                if share_hidden:
                    row = {**row, "count": None, "share": None, "ci_low": None, "ci_high": None}
                if n_hidden:
                    row["n"] = None
                by[str(r[self.by])] = row
            data["by"] = by
        return data

    def sentence(self, ctx) -> str:
        what = ctx.t(f"outcomes.composite.{self.kind}")
        if self.overall.n == 0:
            return ctx.t("outcomes.composite.none", what=what)
        if self.overall_hidden(ctx):
            return ctx.t(
                "outcomes.composite.suppressed",
                what=what,
                n=ctx.cell(self._keys(ctx)["n"], self.overall.n),
            )
        return ctx.t(f"outcomes.composite.sentence.{self.kind}", proportion=self.overall.text(ctx))

    def _repr_html_(self) -> str:
        # lazy hook: presentation lives in report/sections
        from insats.report.sections import results as section

        return section.repr_html(self)


class _Row:
    """Attribute access to a Series row (for the shared figure helper)."""

    def __init__(self, row: pd.Series) -> None:
        self.count, self.n = int(row["count"]), int(row["n"])
        self.share, self.ci_low, self.ci_high = row["share"], row["ci_low"], row["ci_high"]


def composite_flags(df: pd.DataFrame, kind: str, column: str | None = None) -> pd.Series:
    """Per person: True/False for the composite outcome, NA where the column is NA."""
    if kind not in COMPOSITES:
        raise ValueError(f"kind must be one of {tuple(COMPOSITES)}, got {kind!r}")
    default_column, codes = COMPOSITES[kind]
    column = column or default_column
    require_columns(df, [column], f"composite {kind!r}")
    values = df[column]
    flags = values.astype("object").isin(codes).astype("boolean")
    return flags.mask(values.isna())


def estimate_composite(
    df: pd.DataFrame,
    kind: str = "work_or_studies",
    column: str | None = None,
    by: str | None = None,
) -> CompositeShares:
    """Estimate the share in work or studies, or self-sufficient, with Wilson intervals.

    Args:
        df: Participants frame.
        kind: ``work_or_studies`` (outcome in employment, subsidised_employment, studies)
            or ``self_sufficient`` (support in wage, student_aid).
        column: The column to read; default ``outcome_at_exit`` for work_or_studies and
            ``support_at_exit`` for self_sufficient (``outcome_6m``, ``support_12m`` … for
            follow-up).
        by: Optional breakdown variable.

    Returns:
        A :class:`CompositeShares`.
    """
    check_breakdown(by)
    flags = composite_flags(df, kind, column)
    column = column or COMPOSITES[kind][0]
    if by is not None:
        require_columns(df, [by], "estimate_composite")

    def summarise(mask: pd.Series) -> dict:
        f = flags[mask]
        known = f.dropna()
        return {**_proportion_row(int(known.sum()), len(known)), "n_missing": int(f.isna().sum())}

    everyone = pd.Series(True, index=df.index)
    overall_row = summarise(everyone)
    overall = estimate_proportion(overall_row["count"], overall_row["n"])
    if by is None:
        frame = pd.DataFrame([{"level": "all", **overall_row}])
    else:
        levels = level_series(df, by)
        frame = pd.DataFrame(
            [{by: lv, **summarise(levels == lv)} for lv in ordered_levels(df, by)],
            columns=[by, *SHARE_COLUMNS, "n_missing"],
        )
    for col in ("count", "n", "n_missing"):
        frame[col] = frame[col].astype(int)
    return CompositeShares(
        kind=kind,
        column=column,
        overall=overall,
        by=by,
        frame=frame,
        n_missing=overall_row["n_missing"],
    )
