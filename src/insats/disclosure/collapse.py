"""Collapse breakdowns that would mostly be hidden, instead of showing rows of "..".

Ordered categories (age bands, years in Sweden) merge with their neighbours; unordered
ones (countries, referral routes) that are too small go to "Övriga"/"Other".
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence

import pandas as pd

_RANGE = re.compile(r"^\s*(\d+)\s*(?:[-–]\s*(\d+)|(\+)|\s*[-–]\s*)?\s*$")


def _suppressed(value: float, min_cell_count: int) -> bool:
    return 0 < value < min_cell_count


def should_collapse(counts: pd.Series | pd.DataFrame, min_cell_count: int = 5) -> bool:
    """True when more than half of the non-zero cells would be hidden.

    >>> should_collapse(pd.Series([2, 3, 12, 0]))
    True
    >>> should_collapse(pd.Series([2, 8, 12]))
    False
    """
    values = pd.DataFrame(counts).to_numpy(dtype=float).ravel()
    nonzero = values[values > 0]
    if nonzero.size == 0:
        return False
    return int(sum(_suppressed(v, min_cell_count) for v in nonzero)) * 2 > nonzero.size


def _merged_label(first: Hashable, last: Hashable) -> str:
    """'18–24' and '30–34' give '18–34'; '55+' as the last gives '18+'."""
    if first == last:
        return str(first)
    a, b = _RANGE.match(str(first)), _RANGE.match(str(last))
    if a and b:
        if b.group(3) or (b.group(2) is None and str(last).strip().endswith(("-", "–"))):
            return f"{a.group(1)}+"
        upper = b.group(2) or b.group(1)
        return f"{a.group(1)}–{upper}"
    return f"{first} – {last}"


def plan_collapse(
    totals: pd.Series,
    order: Sequence[Hashable] | None = None,
    min_cell_count: int = 5,
    other_label: str = "Övriga",
) -> dict[Hashable, str]:
    """Which new category each old category goes to.

    Args:
        totals: persons per category (the row sums of the breakdown).
        order: the categories' natural order when they have one (age bands): neighbours
            are merged until each group reaches ``min_cell_count``; a small last group
            joins the one before it. None: categories below the threshold go to
            ``other_label`` (and the smallest others join them until it is large
            enough). Zero categories are kept as they are.
        min_cell_count: the threshold.
        other_label: label of the merged group of unordered categories.

    Returns:
        Mapping old category -> new label.

    >>> plan_collapse(pd.Series({"18–24": 2, "25–29": 4, "30–39": 7, "40+": 1}),
    ...               order=["18–24", "25–29", "30–39", "40+"])
    {'18–24': '18–29', '25–29': '18–29', '30–39': '30+', '40+': '30+'}
    >>> plan_collapse(pd.Series({"Syrien": 9, "Eritrea": 3, "Somalia": 2}))
    {'Syrien': 'Syrien', 'Eritrea': 'Övriga', 'Somalia': 'Övriga'}
    """
    totals = totals.astype(float)
    if order is not None:
        missing = [c for c in totals.index if c not in list(order)]
        if missing:
            raise ValueError(f"categories {missing!r} are not in the given order {list(order)!r}")
        groups: list[list[Hashable]] = []
        current: list[Hashable] = []
        for category in [c for c in order if c in totals.index]:
            value = totals[category]
            if not current and value == 0:
                groups.append([category])
                continue
            current.append(category)
            if totals[current].sum() >= min_cell_count:
                groups.append(current)
                current = []
        if current:
            # A small remainder joins the last group that holds persons.
            for group in reversed(groups):
                if totals[group].sum() > 0:
                    group.extend(current)
                    break
            else:
                groups.append(current)
            ordered = [c for c in order if c in totals.index]
            groups = sorted(groups, key=lambda g: ordered.index(g[0]))
            groups = [sorted(g, key=ordered.index) for g in groups]
        # A remainder may have joined a group across zero-only groups: keep groups contiguous.
        mapping: dict[Hashable, str] = {}
        for group in _contiguous(groups, [c for c in order if c in totals.index]):
            label = _merged_label(group[0], group[-1])
            mapping.update({c: label for c in group})
        return mapping

    small = [c for c in totals.index if _suppressed(totals[c], min_cell_count)]
    if str(other_label) in map(str, totals.index):
        small.append(next(c for c in totals.index if str(c) == str(other_label)))
    rest = sorted(
        (c for c in totals.index if c not in small and totals[c] > 0), key=lambda c: totals[c]
    )
    while small and _suppressed(totals[small].sum(), min_cell_count) and rest:
        small.append(rest.pop(0))
    return {c: (other_label if c in small else str(c)) for c in totals.index}


def _contiguous(groups: list[list[Hashable]], ordered: list[Hashable]) -> list[list[Hashable]]:
    """Merge groups so that each covers a contiguous run of the order."""
    spans = sorted(([ordered.index(c) for c in g] for g in groups), key=lambda idx: min(idx))
    merged: list[list[int]] = []
    for idx in spans:
        if merged and min(idx) <= max(merged[-1]):
            merged[-1] = sorted(set(merged[-1]) | set(idx))
        else:
            merged.append(sorted(idx))
    return [[ordered[i] for i in range(min(m), max(m) + 1)] for m in merged]


def collapse_categories(
    counts: pd.Series | pd.DataFrame,
    order: Sequence[Hashable] | None = None,
    min_cell_count: int = 5,
    other_label: str = "Övriga",
) -> pd.Series | pd.DataFrame:
    """Merge small categories of a breakdown (the index) so fewer cells must be hidden.

    Args:
        counts: persons per category (Series), or categories x columns (DataFrame; the
            rows are merged by their totals).
        order: natural order of the categories, or None for unordered categories.
        min_cell_count: the threshold.
        other_label: label of the merged group of unordered categories.

    Returns:
        The same kind of object with merged rows, in order (merged "others" last).

    >>> collapse_categories(pd.Series({"Syrien": 9, "Eritrea": 3, "Somalia": 2})).to_dict()
    {'Syrien': 9, 'Övriga': 5}
    """
    totals = counts if isinstance(counts, pd.Series) else counts.sum(axis=1)
    mapping = plan_collapse(totals, order, min_cell_count, other_label)
    labels = list(dict.fromkeys(mapping[c] for c in counts.index))
    if order is None and other_label in labels:
        labels = [x for x in labels if x != other_label] + [other_label]
    grouped = counts.groupby(counts.index.map(mapping), sort=False).sum()
    grouped = grouped.reindex(labels)
    grouped.index.name = counts.index.name
    return grouped
