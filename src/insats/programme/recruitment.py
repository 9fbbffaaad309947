"""The recruitment funnel per group: invited → came to information → booked an interview
→ came to the interview → started (seed 003, Bilaga 1).

Conversion shares are each step over the step before, and overall started / invited.
People can join between steps (seed 003: "4 personer har efter informationerna
tillkommit för intervju"), so a step can exceed the one before: such shares are shown as
they are, above 100 %, with a footnote, never clipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from insats.cohort.schema import FUNNEL_STEPS
from insats.disclosure import SUPPRESSED
from insats.outcomes.participants import group_keys, group_label, natural_key
from insats.report.context import Html, RenderContext, join

__all__ = ["FunnelSummary", "conversion_share", "plot_funnel", "summarise_funnel"]

TOTAL = "total"


def conversion_share(count: object, previous: object) -> float | None:
    """count / previous, None when either is missing or previous is 0 (may exceed 1).

    >>> conversion_share(6, 12), conversion_share(10, 8), conversion_share(3, 0)
    (0.5, 1.25, None)
    """
    if count is None or previous is None or pd.isna(count) or pd.isna(previous):
        return None
    if previous == 0:
        return None
    return float(count) / float(previous)


@dataclass(frozen=True)
class FunnelSummary:
    """Recruitment counts and conversion shares per group.

    Attributes:
        counts: Group keys (rows, natural order) x steps (``FUNNEL_STEPS``), nullable
            integer counts of people (NA = not recorded).
        group_names: {group key: (municipality or None, group)} for display.
    """

    counts: pd.DataFrame
    group_names: dict = field(default_factory=dict)

    @property
    def total(self) -> pd.Series:
        """Sum over groups per step; NA when any group lacks the step."""
        return pd.Series(
            {
                s: self.counts[s].sum() if self.counts[s].notna().all() else pd.NA
                for s in FUNNEL_STEPS
            },
            dtype="Int64",
        )

    def _with_total(self) -> pd.DataFrame:
        frame = self.counts.copy()
        frame.loc[TOTAL] = self.total
        return frame

    @property
    def conversions(self) -> pd.DataFrame:
        """Rows as :attr:`counts` plus ``total``; columns: each step after the first (share
        of the step before) and ``overall`` (started / invited). NaN where not computable."""
        frame = self._with_total()
        out = {}
        for previous, step in zip(FUNNEL_STEPS, FUNNEL_STEPS[1:], strict=False):
            out[step] = [
                conversion_share(c, p) for c, p in zip(frame[step], frame[previous], strict=True)
            ]
        out["overall"] = [
            conversion_share(c, p) for c, p in zip(frame["started"], frame["invited"], strict=True)
        ]
        return pd.DataFrame(out, index=frame.index, dtype=float)

    @property
    def has_over_100(self) -> bool:
        return bool((self.conversions > 1).to_numpy().any())

    def to_frame(self) -> pd.DataFrame:
        """Tidy: ``group`` (key, or "total"), ``step``, ``count`` and
        ``share_of_previous`` (NaN for the first step), plus ``overall`` rows holding
        started / invited in ``share_of_previous``."""
        frame = self._with_total()
        conv = self.conversions
        records = []
        for group in frame.index:
            for step in FUNNEL_STEPS:
                share = conv.at[group, step] if step in conv.columns else float("nan")
                records.append((group, step, frame.at[group, step], share))
            records.append((group, "overall", pd.NA, conv.at[group, "overall"]))
        out = pd.DataFrame(records, columns=["group", "step", "count", "share_of_previous"])
        out["count"] = out["count"].astype("Int64")
        out["share_of_previous"] = out["share_of_previous"].astype(float)
        return out

    def _protected(self, ctx: RenderContext) -> pd.DataFrame:
        """Counts with the total row after the report's joint plan: None where hidden,
        NaN where the figure is missing (issue 15).

        Each step is its own distribution over the groups, protected as a one-way table
        with its total; a step with a missing figure is protected over the groups that
        have one (its total is their sum), so one blank cell does not switch secondary
        suppression off for the funnel.
        """
        from insats.outcomes.participants import plan_count_tables

        labels = self._column_labels(ctx)
        frame = self._with_total() if len(self.counts) > 1 else self.counts.copy()
        out = frame.astype(object)
        if len(self.counts) == 1:
            for step in FUNNEL_STEPS:
                for g in out.index:
                    v = frame.at[g, step]
                    out.at[g, step] = None if not pd.isna(v) and ctx.is_suppressed(v) else v
            return out
        specs = {}
        for step in FUNNEL_STEPS:
            known = self.counts[step].dropna()
            counts = pd.DataFrame({step: known.astype("int64").to_numpy()})
            counts.index = [labels[g] for g in known.index]
            filters = {"population": "recruitment", "measure": step}
            specs[f"recruitment.funnel.{step}"] = (
                counts,
                {"dimensions": ["group"], "filters": filters},
            )
        plan_count_tables(ctx, specs)
        for step in FUNNEL_STEPS:
            counts, spec = specs[f"recruitment.funnel.{step}"]
            protected = ctx.protect(
                counts, table_id=f"recruitment.funnel.{step}", add_totals=True, **spec
            ).iloc[:, 0]
            by_label = dict(zip(protected.index, protected.to_numpy(), strict=True))
            for g in out.index:
                if pd.isna(frame.at[g, step]):
                    continue
                label = ctx.t("table.total") if g == TOTAL else labels[g]
                out.at[g, step] = by_label.get(label)
        return out

    def _shown(self, ctx: RenderContext, count: object, previous: object, share: float) -> bool:
        """A share may be shown when neither of its counts is hidden (None: hidden by the
        plan; a number: shown)."""
        if pd.isna(share) or count is None or previous is None:
            return False
        return not (ctx.is_suppressed(count) or ctx.is_suppressed(previous))

    def figure_data(self, ctx: RenderContext) -> dict:
        frame = self._protected(ctx)
        conv = self.conversions

        def block(group: str) -> dict:
            counts = {
                s: None if frame.at[group, s] is None else ctx.count_value(frame.at[group, s])
                for s in FUNNEL_STEPS
            }
            shares = {}
            for previous, step in zip(FUNNEL_STEPS, FUNNEL_STEPS[1:], strict=False):
                value = conv.at[group, step]
                ok = self._shown(ctx, frame.at[group, step], frame.at[group, previous], value)
                shares[step] = float(value) if ok else None
            overall = conv.at[group, "overall"]
            ok = self._shown(ctx, frame.at[group, "started"], frame.at[group, "invited"], overall)
            return {**counts, "conversion": shares, "overall": float(overall) if ok else None}

        return {
            "by_group": {str(g): block(g) for g in self.counts.index},
            "total": block(TOTAL),
        }

    def _column_labels(self, ctx: RenderContext) -> dict[str, str]:
        labels = {g: group_label(ctx, g, self.group_names) for g in self.counts.index}
        labels[TOTAL] = ctx.t("table.total")
        return labels

    def _count_table(self, ctx: RenderContext) -> Html:
        labels = self._column_labels(ctx)
        caption = ctx.t("recruitment.caption_counts")
        frame = self._protected(ctx)
        # A missing figure reads as missing ("–"), a hidden one as "..".
        shown = frame.map(
            lambda v: SUPPRESSED if v is None else ctx.count(None if pd.isna(v) else int(v))
        )
        shown.index = [labels[g] for g in frame.index]
        shown.columns = [ctx.t(f"recruitment.step.{s}") for s in FUNNEL_STEPS]
        shown.index.name = ctx.t("participants.dimension.group")
        return ctx.table(shown, caption)

    def _conversion_table(self, ctx: RenderContext) -> Html:
        frame = self._protected(ctx)
        conv = self.conversions.loc[frame.index]
        rows = {}
        for previous, step in zip(FUNNEL_STEPS, FUNNEL_STEPS[1:], strict=False):
            rows[ctx.t(f"recruitment.conversion.{step}")] = [
                self._share_text(ctx, frame.at[g, step], frame.at[g, previous], conv.at[g, step])
                for g in frame.index
            ]
        rows[ctx.t("recruitment.conversion.overall")] = [
            self._share_text(
                ctx, frame.at[g, "started"], frame.at[g, "invited"], conv.at[g, "overall"]
            )
            for g in frame.index
        ]
        labels = self._column_labels(ctx)
        shown = pd.DataFrame(rows, index=[labels[g] for g in frame.index])
        shown.index.name = ctx.t("participants.dimension.group")
        return ctx.table(shown, ctx.t("recruitment.caption_conversion"))

    def _share_text(self, ctx: RenderContext, count, previous, share) -> str:
        if pd.isna(share):
            return ctx.pct(None)
        # A share of a shown count gives back a hidden one (38 % of 13 -> 5): shown only
        # when both its counts are shown by the plan.
        if not self._shown(ctx, count, previous, share):
            return SUPPRESSED
        return ctx.pct(share)

    def render(self, ctx: RenderContext) -> Html:
        if self.counts.empty:
            return ctx.paragraph(ctx.t("recruitment.none"))
        total = self.total if len(self.counts) > 1 else self.counts.iloc[0]
        protected = self._protected(ctx)
        shown_total = protected.iloc[-1]
        overall = conversion_share(total["started"], total["invited"])

        def total_text(step: str) -> str:
            v = shown_total[step]
            return SUPPRESSED if v is None else ctx.count(None if pd.isna(v) else int(v))

        fields = {
            "groups": ctx.number(len(self.counts)),  # groups, not persons: never hidden
            "invited": total_text("invited"),
            "started": total_text("started"),
            "overall": self._share_text(
                ctx,
                shown_total["started"],
                shown_total["invited"],
                float("nan") if overall is None else overall,
            ),
        }
        key = "recruitment.sentence" if len(self.counts) > 1 else "recruitment.sentence_one"
        parts: list[str] = [ctx.paragraph(ctx.t(key, **fields))]
        parts.append(self._count_table(ctx))
        parts.append(self._conversion_table(ctx))
        if self.has_over_100:
            parts.append(ctx.note(ctx.t("recruitment.over_100_note")))
        if self.counts.isna().to_numpy().any():
            parts.append(ctx.note(ctx.t("recruitment.missing_note")))
        values = self.counts.astype("Float64").astype(float)
        # The figure is drawn from the protected counts: a bar of a hidden count is not drawn.
        groups = protected.loc[self.counts.index]
        texts = groups.map(
            lambda v: SUPPRESSED if v is None else ctx.count(None if pd.isna(v) else int(v))
        )
        hidden = groups.map(lambda v: v is None or pd.isna(v))
        values = values.mask(hidden.astype(bool))
        labels = self._column_labels(ctx)
        parts.append(
            ctx.figure(
                plot_funnel(
                    values.rename(index=labels),
                    texts.rename(index=labels),
                    step_labels={s: ctx.t(f"recruitment.step_short.{s}") for s in FUNNEL_STEPS},
                    axis_label=ctx.t("recruitment.axis_count"),
                ),
                alt=ctx.t("recruitment.figure_alt"),
                caption=ctx.t("recruitment.figure_caption"),
            )
        )
        return join(parts)

    def _repr_html_(self) -> str:
        return self.render(RenderContext())._repr_html_()


def summarise_funnel(funnel_df: pd.DataFrame) -> FunnelSummary:
    """Recruitment funnel per group.

    Args:
        funnel_df: Canonical funnel frame: ``group``, ``municipality`` (optional),
            ``invited``, ``attended_info``, ``booked_interview``, ``attended_interview``,
            ``started`` (nullable integers); one row per group. Groups numbered per
            municipality (two "group 5") are told apart by municipality.

    Returns:
        :class:`FunnelSummary`.

    Raises:
        ValueError: When a group appears on more than one row (listing the rows).
    """
    if funnel_df.empty:
        return FunnelSummary(counts=pd.DataFrame(columns=list(FUNNEL_STEPS), dtype="Int64"))
    keys, names = group_keys(funnel_df)
    duplicated = keys[keys.duplicated(keep=False)]
    if not duplicated.empty:
        rows = funnel_df["source_row"] if "source_row" in funnel_df.columns else funnel_df.index
        listing = "; ".join(f"group {k!r} on row {rows.loc[i]}" for i, k in duplicated.items())
        raise ValueError(f"funnel table: a group appears more than once: {listing}")
    counts = pd.DataFrame(
        {
            s: pd.to_numeric(funnel_df[s], errors="coerce").astype("Int64")
            if s in funnel_df.columns
            else pd.array([pd.NA] * len(funnel_df), dtype="Int64")
            for s in FUNNEL_STEPS
        }
    )
    counts.index = keys.to_numpy()
    counts = counts.loc[sorted(counts.index, key=natural_key)]
    return FunnelSummary(counts=counts, group_names=names)


def plot_funnel(
    values: pd.DataFrame,
    texts: pd.DataFrame,
    *,
    step_labels: dict[str, str] | None = None,
    axis_label: str = "",
    ax=None,
):
    """Grouped bars: one cluster per funnel step, one bar per group, labelled with counts.

    Args:
        values: Groups (rows, display names) x steps: bar heights; NaN = not drawn
            (missing, or hidden by disclosure control).
        texts: Same shape: the label above each bar (".." for hidden, "–" for missing).
        step_labels: Display name per step column.
        axis_label: Label of the count axis.
        ax: Matplotlib axes to draw on; a new figure when None.

    Returns:
        The matplotlib Figure.
    """
    import matplotlib
    from matplotlib.figure import Figure

    matplotlib.rcParams["text.parse_math"] = False  # group names are plain text

    if ax is None:
        fig = Figure(figsize=(7.5, 3.8))
        ax = fig.subplots()
    else:
        fig = ax.figure
    step_labels = step_labels or {}
    steps = list(values.columns)
    groups = list(values.index)
    width = 0.8 / max(len(groups), 1)
    cmap = matplotlib.colormaps["Blues"]
    top = float(pd.Series(values.to_numpy().ravel()).max(skipna=True) or 1)
    for i, group in enumerate(groups):
        colour = cmap(0.35 + 0.6 * (i + 1) / (len(groups) + 1))
        for j, step in enumerate(steps):
            x = j + (i - (len(groups) - 1) / 2) * width
            height = values.at[group, step]
            drawn = 0.0 if pd.isna(height) else float(height)
            ax.bar(x, drawn, width=width, color=colour, label=group if j == 0 else None)
            ax.text(
                x,
                drawn + top * 0.02,
                str(texts.at[group, step]),
                ha="center",
                va="bottom",
                fontsize="x-small",
            )
    ax.set_xticks(range(len(steps)))
    ax.set_xticklabels([step_labels.get(s, s) for s in steps], fontsize="small")
    ax.set_ylabel(axis_label)
    ax.set_ylim(0, top * 1.15)
    ax.legend(
        frameon=False,
        fontsize="x-small",
        ncols=min(len(groups), 6),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
    )
    ax.spines[["top", "right"]].set_visible(False)
    return fig
