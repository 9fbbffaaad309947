"""Outcome shares across intake groups, in the order the groups started."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from insats.outcomes._common import (
    is_hidden,
    level_label,
    level_series,
    ordered_levels,
    require_columns,
)
from insats.outcomes.proportions import (
    COMPOSITES,
    SHARE_COLUMNS,
    _population,
    _proportion_row,
    _table_id,
    composite_flags,
)


@dataclass(frozen=True)
class TrendResult:
    """A composite share per intake group (and per municipality when there are several).

    Attributes:
        kind: ``work_or_studies`` or ``self_sufficient``.
        column: The outcome column used.
        frame: Per group, ordered by the group's first start date: ``group,
            group_start_date, municipality, count, n, share, ci_low, ci_high``
            (``municipality`` is the group's only municipality, or None if it spans several).
        by_municipality: The same per (municipality, group) when the cohort has several
            municipalities, else None.
    """

    kind: str
    column: str
    frame: pd.DataFrame
    by_municipality: pd.DataFrame | None
    window: str = ""  # who left when: "period" or "to_date" (proportions._population)

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def protected_rows(self, ctx) -> list[tuple[bool, bool]] | None:
        """Per group (share hidden, n hidden) after the report's joint plan, or None.

        The groups' counts (yes / no) are the cells of the composite-by-group table (same
        population, same groups): a group's base hidden there is hidden here too, and
        the groups add up to everyone, so they are protected as a table with totals.
        """
        if not ctx.disclosure.active or len(self.frame) == 0:
            return None
        frame = self.frame
        labels = [level_label(ctx, "group", g) for g in frame["group"]]
        counts = pd.DataFrame(
            {
                "yes": frame["count"].astype(int).to_numpy(),
                "no": (frame["n"] - frame["count"]).astype(int).to_numpy(),
            },
            index=labels,
        )
        protected = ctx.protect(
            counts,
            table_id=_table_id(f"outcomes.trend.{self.kind}.{self.column}", self.window),
            dimensions=["group", self.kind],
            filters=_population(self.column, int(frame["n"].sum()), self.window),
        )
        return [
            (row.iloc[0] is None or row.iloc[1] is None, row.iloc[-1] is None)
            for _, row in protected.iloc[: len(frame)].iterrows()
        ]

    def figure_data(self, ctx) -> dict:
        out = {}
        planned = self.protected_rows(ctx)
        for i, r in enumerate(self.frame.itertuples()):
            share_hidden, n_hidden = planned[i] if planned else (False, False)
            hidden = is_hidden(ctx, int(r.count), int(r.n)) or share_hidden
            out[str(r.group)] = {
                "count": None if hidden else ctx.count_value(r.count),
                "n": None if n_hidden else ctx.count_value(r.n),
                "share": None if hidden else ctx.share_value(r.share, r.n),
                "ci_low": None if hidden else ctx.statistic_value(r.ci_low, r.n),
                "ci_high": None if hidden else ctx.statistic_value(r.ci_high, r.n),
            }
        return out

    def _repr_html_(self) -> str:
        # lazy hook: presentation lives in report/sections
        from insats.report.sections import trend as section

        return section.repr_html(self)


def estimate_trend(
    df: pd.DataFrame, column: str | None = None, kind: str = "work_or_studies"
) -> TrendResult:
    """Estimate a composite share with Wilson intervals per intake group, in start order.

    Args:
        df: Participants frame with ``group`` and ``start_date``.
        column: The outcome column; None means the composite's default
            (``outcome_at_exit`` for work_or_studies, ``support_at_exit`` for
            self_sufficient).
        kind: ``work_or_studies`` or ``self_sufficient``.

    Returns:
        A :class:`TrendResult`.
    """
    require_columns(df, ["group", "start_date"], "estimate_trend")
    flags = composite_flags(df, kind, column)

    column = column or COMPOSITES[kind][0]
    groups = level_series(df, "group")
    has_municipality = "municipality" in df.columns
    municipalities = level_series(df, "municipality") if has_municipality else None
    several = has_municipality and df["municipality"].dropna().nunique() > 1  # noqa: PD101 - more than one, not "is constant"

    def summarise(mask: pd.Series) -> dict:
        known = flags[mask].dropna()
        return _proportion_row(int(known.sum()), len(known))

    rows = []
    for g in ordered_levels(df, "group"):
        mask = groups == g
        munis = df.loc[mask, "municipality"].dropna().unique().tolist() if has_municipality else []
        rows.append(
            {
                "group": g,
                "group_start_date": df.loc[mask, "start_date"].min(),
                "municipality": munis[0] if len(munis) == 1 else None,
                **summarise(mask),
            }
        )
    frame = pd.DataFrame(
        rows, columns=["group", "group_start_date", "municipality", *SHARE_COLUMNS]
    )
    by_municipality = None
    if several:
        pieces = []
        for m in ordered_levels(df, "municipality"):
            for g in ordered_levels(df, "group"):
                mask = (municipalities == m) & (groups == g)
                if not mask.any():
                    continue
                pieces.append(
                    {
                        "municipality": m,
                        "group": g,
                        "group_start_date": df.loc[mask, "start_date"].min(),
                        **summarise(mask),
                    }
                )
        by_municipality = pd.DataFrame(pieces)
    return TrendResult(kind=kind, column=column, frame=frame, by_municipality=by_municipality)
