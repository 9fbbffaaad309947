"""Outcome shares across intake groups, in the order the groups started."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from insats.outcomes._common import (
    SMALL_GROUP_N,
    is_hidden,
    level_label,
    level_series,
    ordered_levels,
    repr_html,
    require_columns,
)
from insats.outcomes.proportions import (
    SHARE_COLUMNS,
    _proportion_row,
    _share_table,
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

    def to_frame(self) -> pd.DataFrame:
        return self.frame.copy()

    def figure_data(self, ctx) -> dict:
        out = {}
        for r in self.frame.itertuples():
            hidden = is_hidden(ctx, int(r.count), int(r.n))
            out[str(r.group)] = {
                "count": None if hidden else ctx.count_value(r.count),
                "n": ctx.count_value(r.n),
                "share": None if hidden else ctx.share_value(r.share, r.n),
                "ci_low": None if hidden else ctx.statistic_value(r.ci_low, r.n),
                "ci_high": None if hidden else ctx.statistic_value(r.ci_high, r.n),
            }
        return out

    def render(self, ctx):
        from insats.report.context import join
        from insats.report.figures import plot_trend

        what = ctx.t(f"outcomes.composite.{self.kind}")
        known = self.frame[self.frame["n"] > 0]
        if known.empty:
            return ctx.paragraph(ctx.t("outcomes.trend.none", what=what))
        key = "outcomes.trend.sentence" if len(known) > 1 else "outcomes.trend.sentence_one"
        text = ctx.t(key, what=what, groups=ctx.number(len(known)))
        parts = [ctx.paragraph(text)]
        if (known["n"] < SMALL_GROUP_N).any():
            parts.append(ctx.note(ctx.t("outcomes.trend.small")))
        labels = [level_label(ctx, "group", g) for g in self.frame["group"]]
        table = _share_table(ctx, self.frame, labels)
        table.insert(
            0,
            ctx.t("outcomes.trend.col_start"),
            [
                ctx.date(d.date() if pd.notna(d) else None, "iso")
                for d in self.frame["group_start_date"]
            ],
        )
        if self.by_municipality is not None:
            table.insert(
                1,
                ctx.t("outcomes.by.municipality"),
                [
                    level_label(ctx, "municipality", m) if m is not None else "–"
                    for m in self.frame["municipality"]
                ],
            )
        table.index.name = ctx.t("outcomes.by.group")
        parts.append(ctx.table(table, ctx.t("outcomes.trend.caption", what=what)))
        plot_frame = pd.DataFrame(
            {
                "label": labels,
                "share": self.frame["share"].to_numpy(dtype=float),
                "ci_low": self.frame["ci_low"].to_numpy(dtype=float),
                "ci_high": self.frame["ci_high"].to_numpy(dtype=float),
                "series": [
                    level_label(ctx, "municipality", m) if m is not None else ctx.t("outcomes.all")
                    for m in self.frame["municipality"]
                ]
                if self.by_municipality is not None
                else ctx.t("outcomes.all"),
                "suppressed": [
                    is_hidden(ctx, int(r.count), int(r.n)) for r in self.frame.itertuples()
                ],
            }
        )
        fig = plot_trend(
            plot_frame,
            language=ctx.language,
            ylabel=_capitalise(what),
            xlabel=ctx.t("outcomes.by.group"),
        )
        parts.append(
            ctx.figure(
                fig,
                alt=ctx.t("outcomes.trend.alt", what=what),
                caption=ctx.t("outcomes.figure_caption"),
            )
        )
        return join(parts)

    def _repr_html_(self) -> str:
        return repr_html(self)


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
    from insats.outcomes.proportions import COMPOSITES

    column = column or COMPOSITES[kind][0]
    groups = level_series(df, "group")
    has_municipality = "municipality" in df.columns
    municipalities = level_series(df, "municipality") if has_municipality else None
    several = has_municipality and df["municipality"].dropna().nunique() > 1

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


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
