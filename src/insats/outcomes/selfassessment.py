"""Before/after self-assessment (1–10): paired median change and Wilcoxon signed-rank test.

Zero differences: on a 1–10 scale many participants answer the same at start and end.
We use Pratt's treatment (``zero_method="pratt"``): zeros are ranked with the others and
then dropped, which keeps the ranks of the non-zero differences as they are in the full
sample. Wilcoxon's original rule drops the zeros first; with many zeros that can make a
test significant on a handful of changes and is inconsistent when zeros are frequent
(Pratt 1959, JASA 54:655–667; Conover 1973, JASA 68:985–988, recommends Pratt's version
for data with many ties at zero).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import wilcoxon

from insats.disclosure import count_key
from insats.outcomes._common import require_columns

ZERO_METHOD = "pratt"


@dataclass(frozen=True)
class SelfAssessmentResult:
    """Paired before/after self-assessment.

    Attributes:
        n_pairs: Persons with both a start and an end value.
        n_unpaired: Persons with only one of the two (left out; shown to the reader).
        median_start, median_end, median_change: Medians over the pairs (end − start).
        improved, unchanged, worsened: Persons whose value went up, stayed, went down.
        statistic: Wilcoxon signed-rank statistic (the smaller rank sum, scipy's
            two-sided convention), None when not assessable.
        p_value: Two-sided p-value, None when not assessable.
        is_assessable: At least one pair with a non-zero change.
        reason: None, ``no_pairs`` or ``no_change``.
    """

    n_pairs: int
    n_unpaired: int
    median_start: float | None
    median_end: float | None
    median_change: float | None
    improved: int
    unchanged: int
    worsened: int
    statistic: float | None
    p_value: float | None
    is_assessable: bool
    reason: str | None
    zero_method: str = ZERO_METHOD

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{k: getattr(self, k) for k in self.__dataclass_fields__}])

    def cell_keys(self) -> dict[str, frozenset]:
        """The keys of its counts in the report's publication model: the pairs (``n``),
        its parts (higher, same, lower) and those with one rating only (``unpaired``).
        """
        population = {"population": "self_assessment pairs"}
        return {
            "n": count_key(population),
            **{
                part: count_key(population, self_assessment_change=part)
                for part in ("improved", "unchanged", "worsened")
            },
            "unpaired": count_key({"population": "self_assessment unpaired"}),
        }

    def parts_withheld(self, ctx) -> bool:
        """Whether the plan hides the pairs or any of higher, same and lower. The median
        change and the test are then withheld too: with the number of pairs they bound
        the parts (median 1,0 of 5 pairs and p = 0,38 leave only 3/1/1 and 4/0/1 higher,
        same, lower: the hidden "1 lägre" back; attack round 7).
        """
        keys = self.cell_keys()
        counts = {"n": self.n_pairs, "improved": self.improved}
        counts |= {"unchanged": self.unchanged, "worsened": self.worsened}
        return any(ctx.hidden(keys[k], v) for k, v in counts.items())

    def figure_data(self, ctx) -> dict:
        n = self.n_pairs
        keys = self.cell_keys()
        withheld = self.parts_withheld(ctx)
        return {
            "n_pairs": ctx.cell_value(keys["n"], n),
            "median_start": ctx.statistic_value(self.median_start, n),
            "median_end": ctx.statistic_value(self.median_end, n),
            "median_change": None if withheld else ctx.statistic_value(self.median_change, n),
            "improved": ctx.cell_value(keys["improved"], self.improved),
            "unchanged": ctx.cell_value(keys["unchanged"], self.unchanged),
            "worsened": ctx.cell_value(keys["worsened"], self.worsened),
            "p_value": None if withheld else ctx.statistic_value(self.p_value, n),
        }

    def _repr_html_(self) -> str:
        # lazy hook: presentation lives in report/sections
        from insats.report.sections import self_assessment as section

        return section.repr_html(self)


def test_self_assessment(df: pd.DataFrame) -> SelfAssessmentResult:
    """Test the paired change in self-assessment with the Wilcoxon signed-rank test.

    Args:
        df: Participants frame with ``self_assessment_start`` and ``self_assessment_end``
            (integers 1–10 or NA).

    Returns:
        A :class:`SelfAssessmentResult` (scipy ``wilcoxon(zero_method="pratt")``,
        two-sided, ``method="auto"``: the exact null distribution when there are no
        zeros or ties and n <= 50; with zeros or ties an exact sign-flip permutation test
        up to 13 pairs; otherwise the normal approximation with Cureton's adjustment for
        zeros and the tie correction).
    """
    require_columns(df, ["self_assessment_start", "self_assessment_end"], "test_self_assessment")
    start = pd.to_numeric(df["self_assessment_start"], errors="coerce").astype(float)
    end = pd.to_numeric(df["self_assessment_end"], errors="coerce").astype(float)
    paired = start.notna() & end.notna()
    unpaired = int((start.notna() ^ end.notna()).sum())
    s = start[paired].to_numpy()
    e = end[paired].to_numpy()
    d = e - s
    n = len(d)
    if n == 0:
        return SelfAssessmentResult(
            0, unpaired, None, None, None, 0, 0, 0, None, None, False, "no_pairs"
        )
    improved, worsened = int((d > 0).sum()), int((d < 0).sum())
    unchanged = n - improved - worsened
    statistic = p_value = None
    reason = None
    if improved + worsened == 0:
        reason = "no_change"
    else:
        res = wilcoxon(e, s, zero_method=ZERO_METHOD, alternative="two-sided")
        statistic, p_value = float(res.statistic), float(res.pvalue)
    return SelfAssessmentResult(
        n_pairs=n,
        n_unpaired=unpaired,
        median_start=float(np.median(s)),
        median_end=float(np.median(e)),
        median_change=float(np.median(d)),
        improved=improved,
        unchanged=unchanged,
        worsened=worsened,
        statistic=statistic,
        p_value=p_value,
        is_assessable=reason is None,
        reason=reason,
    )


# pytest would otherwise collect the public name ``test_self_assessment`` wherever it
# is imported into a test module
test_self_assessment.__test__ = False  # type: ignore[attr-defined]
