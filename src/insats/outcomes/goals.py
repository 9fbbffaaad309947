"""Goal attainment and comparison with a reference rate (the deadweight estimate)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import confint_proportions_2indep

from insats.outcomes._common import is_hidden
from insats.outcomes.proportions import Proportion, estimate_proportion


def planned(ctx, keys, count: int, n: int) -> tuple[bool, bool]:
    """(share hidden, n hidden) of a goal's or a reference comparison's share.

    ``keys`` are the (n, count) cells of the composite it repeats (the
    composite-by-background table's total and "yes" total): a share is hidden wherever
    the report's plan hides either, not only when they are small, since share × n gives
    the count back.
    """
    share = is_hidden(ctx, count, n)
    n_hidden = ctx.is_suppressed(n)
    if keys is not None and ctx.disclosure.active and n:
        n_hidden = n_hidden or ctx.hidden(keys[0], n)
        share = share or n_hidden or ctx.hidden(keys[1], count)
    return share, n_hidden


GOAL_STATUSES = ("met", "plausibly_met", "missed", "not_assessable")


# --- goal attainment ---------------------------------------------------------------------
@dataclass(frozen=True)
class GoalAssessment:
    """An observed share against a target share.

    Attributes:
        target_share: The goal, 0–1 (e.g. 0.75 for "75 % egen försörjning").
        observed: The observed :class:`Proportion` with its Wilson interval.
        status: ``met`` (observed >= target), ``plausibly_met`` (observed < target but the
            target lies inside the interval), ``missed`` (the whole interval lies below the
            target) or ``not_assessable`` (n == 0).
        is_clear: The interval lies entirely on one side of the target.
        label_key: Label of what the goal measures (for the sentence).
    """

    target_share: float
    observed: Proportion
    status: str
    is_clear: bool
    label_key: str
    keys: tuple | None = None  # (n, count) cells of the composite (see planned)

    @property
    def observed_share(self) -> float | None:
        return self.observed.share

    def to_frame(self) -> pd.DataFrame:
        o = self.observed
        return pd.DataFrame(
            [
                {
                    "target_share": self.target_share,
                    "count": o.count,
                    "n": o.n,
                    "observed_share": o.share,
                    "ci_low": o.ci_low,
                    "ci_high": o.ci_high,
                    "status": self.status,
                    "is_clear": self.is_clear,
                }
            ]
        )

    def figure_data(self, ctx) -> dict:
        """{kind, target_share, observed_share, status, ci_low, ci_high, n}."""
        o = self.observed.figure_data(ctx)
        share_hidden, n_hidden = planned(ctx, self.keys, self.observed.count, self.observed.n)
        return {
            "kind": self.label_key.rsplit(".", 1)[-1],
            "target_share": self.target_share,
            "observed_share": None if share_hidden else o["share"],
            # whether a hidden share reaches the goal bounds it: withheld with it
            "status": "withheld" if share_hidden and self.observed.n else self.status,
            "is_clear": None if share_hidden else self.is_clear,
            "ci_low": None if share_hidden else o["ci_low"],
            "ci_high": None if share_hidden else o["ci_high"],
            "n": None if n_hidden else o["n"],
        }

    def _repr_html_(self) -> str:
        # lazy hook: presentation lives in report/sections
        from insats.report.sections import goals as section

        return section.repr_html(self)


def assess_goal(
    count: int,
    n: int,
    target_share: float,
    label_key: str = "outcomes.composite.self_sufficient",
    *,
    kind: str | None = None,
) -> GoalAssessment:
    """Compare an observed share with a target share, through its Wilson interval.

    Args:
        count: Persons who reached the outcome.
        n: Persons in the denominator.
        target_share: The goal as a share 0–1.
        label_key: Label key naming what the goal measures.
        kind: Shortcut for ``label_key``: ``work_or_studies`` or ``self_sufficient``.

    Returns:
        A :class:`GoalAssessment`.

    >>> assess_goal(8, 12, 0.75).status   # 67 %, interval 39–86 %: 75 % inside
    'plausibly_met'
    >>> assess_goal(2, 12, 0.75).status   # 17 %, interval 5–45 %
    'missed'
    """
    if not 0.0 <= target_share <= 1.0:
        raise ValueError(f"target_share must be a share between 0 and 1, got {target_share!r}")
    if kind is not None:
        if kind not in ("work_or_studies", "self_sufficient"):
            raise ValueError(f"kind must be work_or_studies or self_sufficient, got {kind!r}")
        label_key = f"outcomes.composite.{kind}"
    observed = estimate_proportion(count, n)
    if observed.share is None or observed.ci_low is None or observed.ci_high is None:  # n == 0
        status, clear = "not_assessable", False
    elif observed.share >= target_share:
        status, clear = "met", observed.ci_low >= target_share
    elif target_share <= observed.ci_high:
        status, clear = "plausibly_met", False
    else:
        status, clear = "missed", True
    return GoalAssessment(
        target_share=float(target_share),
        observed=observed,
        status=status,
        is_clear=bool(clear),
        label_key=label_key,
    )


# --- comparison with a reference rate ------------------------------------------------------
@dataclass(frozen=True)
class ReferenceComparison:
    """The observed share minus a reference share, with a 95 % interval.

    Attributes:
        observed: The observed :class:`Proportion`.
        reference_share: The reference rate (e.g. a comparable national group).
        reference_n: Size of the reference group, if known.
        difference: observed − reference (None when n == 0).
        ci_low, ci_high: 95 % interval of the difference.
        method: ``newcomb`` (two samples: Newcombe's hybrid score interval, 1998 method
            10) or ``wilson_one_sample`` (the reference treated as a fixed number: the
            Wilson interval of the observed share minus the reference).
        source: Where the reference comes from (shown to the reader).
        label_key: Label naming the outcome.
    """

    observed: Proportion
    reference_share: float
    reference_n: int | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    method: str
    source: str | None = None
    label_key: str = "outcomes.composite.work_or_studies"
    keys: tuple | None = None  # (n, count) cells of the composite (see planned)

    @property
    def deadweight_share(self) -> float | None:
        """Share of the observed positive outcomes that would have happened anyway.

        Deadweight in the SROI / Green Book sense: if the reference group shows what
        participants would have achieved without the insats, then of the observed share
        ``p`` the part ``r`` would have happened anyway, so the deadweight share is
        ``r / p``, capped to [0, 1] (a reference above the observed share means that all of
        the outcome would have happened anyway). Equivalently ``1 - difference / p``. None
        when the observed share is zero or unknown (nothing to attribute).

        >>> from insats.outcomes.proportions import estimate_proportion
        >>> round(compare_with_reference(8, 12, 0.5).deadweight_share, 3)
        0.75
        """
        p = self.observed.share
        if p is None or p == 0:
            return None
        return float(min(max(self.reference_share / p, 0.0), 1.0))

    @property
    def deadweight_interval(self) -> tuple[float | None, float | None]:
        """The deadweight share over the observed share's Wilson interval (r/high, r/low)."""
        o = self.observed
        if o.share is None or o.share == 0:
            return None, None
        low = min(self.reference_share / o.ci_high, 1.0) if o.ci_high else 1.0
        high = min(self.reference_share / o.ci_low, 1.0) if o.ci_low else 1.0
        return float(low), float(high)

    @property
    def is_clear(self) -> bool:
        """The interval of the difference excludes zero."""
        if self.ci_low is None or self.ci_high is None:
            return False
        return self.ci_low > 0 or self.ci_high < 0

    def to_frame(self) -> pd.DataFrame:
        dw_low, dw_high = self.deadweight_interval
        return pd.DataFrame(
            [
                {
                    "count": self.observed.count,
                    "n": self.observed.n,
                    "observed_share": self.observed.share,
                    "reference_share": self.reference_share,
                    "reference_n": self.reference_n,
                    "difference": self.difference,
                    "ci_low": self.ci_low,
                    "ci_high": self.ci_high,
                    "method": self.method,
                    "deadweight_share": self.deadweight_share,
                    "deadweight_low": dw_low,
                    "deadweight_high": dw_high,
                }
            ]
        )

    def figure_data(self, ctx) -> dict:
        n = self.observed.n
        share_hidden, n_hidden = planned(ctx, self.keys, self.observed.count, n)
        hidden = share_hidden or n == 0

        def value(v):
            return None if hidden else ctx.statistic_value(v, n)

        return {
            "observed_share": value(self.observed.share),
            "reference_share": self.reference_share,
            "reference_n": self.reference_n,
            "difference": value(self.difference),
            "ci_low": value(self.ci_low),
            "ci_high": value(self.ci_high),
            "method": self.method,
            "deadweight_share": value(self.deadweight_share),
            "n": None if n_hidden else ctx.count_value(n),
        }

    def _repr_html_(self) -> str:
        # lazy hook: presentation lives in report/sections
        from insats.report.sections import goals as section

        return section.repr_html(self)


def compare_with_reference(
    count: int,
    n: int,
    reference_share: float,
    reference_n: int | None = None,
    *,
    source: str | None = None,
    label_key: str = "outcomes.composite.work_or_studies",
    alpha: float = 0.05,
) -> ReferenceComparison:
    """Compare an observed share with a reference share: difference and 95 % interval.

    With ``reference_n`` the reference is a sample too, and the interval is Newcombe's
    hybrid score interval (statsmodels ``confint_proportions_2indep(method="newcomb")``,
    Newcombe 1998 Stat Med 17:873–890, method 10). It combines the two Wilson intervals,
    so it behaves well at small n and at 0 % / 100 % where the Wald interval collapses or
    overshoots [-1, 1], needs no iteration and reproduces the published worked example.
    Without ``reference_n`` the reference is a fixed number and the interval is the
    observed share's Wilson interval minus the reference.

    Args:
        count: Persons with the outcome.
        n: Persons in the denominator.
        reference_share: The reference rate, 0–1.
        reference_n: Size of the reference group, if known.
        source: Where the reference comes from.
        label_key: Label naming the outcome.
        alpha: 1 - confidence level.

    Returns:
        A :class:`ReferenceComparison`.
    """
    if not 0.0 <= reference_share <= 1.0:
        raise ValueError(f"reference_share must be between 0 and 1, got {reference_share!r}")
    if reference_n is not None and reference_n < 1:
        raise ValueError(f"reference_n must be at least 1, got {reference_n!r}")
    observed = estimate_proportion(count, n, alpha=alpha)
    method = "newcomb" if reference_n is not None else "wilson_one_sample"
    if observed.share is None or observed.ci_low is None or observed.ci_high is None:  # n == 0
        diff = low = high = None
    elif reference_n is not None:
        diff = observed.share - reference_share
        # the reference count may be fractional (a published rounded share times n):
        # the Wilson intervals inside Newcombe's method are defined for it as well
        low, high = confint_proportions_2indep(
            count,
            n,
            reference_share * reference_n,
            reference_n,
            method="newcomb",
            compare="diff",
            alpha=alpha,
        )
        low, high = float(np.clip(low, -1, 1)), float(np.clip(high, -1, 1))
    else:
        diff = observed.share - reference_share
        low, high = observed.ci_low - reference_share, observed.ci_high - reference_share
    return ReferenceComparison(
        observed=observed,
        reference_share=float(reference_share),
        reference_n=reference_n,
        difference=diff,
        ci_low=low,
        ci_high=high,
        method=method,
        source=source,
        label_key=label_key,
    )
