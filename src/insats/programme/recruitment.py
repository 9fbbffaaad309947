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

from insats.cohort.categories import group_keys, natural_key
from insats.cohort.schema import FUNNEL_STEPS

__all__ = ["TOTAL", "FunnelSummary", "conversion_share", "summarise_funnel"]

TOTAL = "total"


def conversion_share(count: float | None, previous: float | None) -> float | None:
    """Count / previous, None when either is missing or previous is 0 (may exceed 1).

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

    def with_total(self) -> pd.DataFrame:
        """The counts with the ``total`` row appended."""
        frame = self.counts.copy()
        frame.loc[TOTAL] = self.total
        return frame

    @property
    def conversions(self) -> pd.DataFrame:
        """Rows as :attr:`counts` plus ``total``; columns: each step after the first (share
        of the step before) and ``overall`` (started / invited). NaN where not computable.
        """
        frame = self.with_total()
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
        started / invited in ``share_of_previous``.
        """
        frame = self.with_total()
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

    def count_tables(self) -> dict[str, pd.DataFrame]:
        """The count tables for disclosure control, keyed by code: per step
        ``recruitment.funnel.<step>``, the groups with a recorded figure (index: group
        key) x the step, as integers.
        """
        out = {}
        for step in FUNNEL_STEPS:
            known = self.counts[step].dropna()
            out[f"recruitment.funnel.{step}"] = pd.DataFrame(
                {step: known.astype("int64").to_numpy()}, index=known.index
            )
        return out

    def subsets(self) -> list[tuple[str, str, int, int]]:
        """``(group or "total", step, its count, the step before's count)`` wherever the
        step's count is at most the count of the step before: a reader who sees no
        share over 100 % takes every step to be among the step before (see
        :meth:`insats.disclosure.DisclosureControl.at_most`).
        """
        frame = self.with_total() if len(self.counts) > 1 else self.counts
        out = []
        for group in frame.index:
            for previous, step in zip(FUNNEL_STEPS, FUNNEL_STEPS[1:], strict=False):
                n, before = frame.at[group, step], frame.at[group, previous]
                if not (pd.isna(n) or pd.isna(before)) and int(n) <= int(before):
                    out.append((str(group), step, int(n), int(before)))
        return out

    def _repr_html_(self) -> str:
        # lazy hook: presentation lives in report/sections
        from insats.report.sections.recruitment import repr_html

        return repr_html(self)


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
