"""figures.json under the same rules as the HTML: no count 1..min-1 readable from it."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from typing import Any

import pandas as pd

# Keys whose numbers are counts of persons (also any key ending in _count or _n, or
# starting with n_).
COUNT_KEYS = frozenset(
    {
        "count",
        "counts",
        "n",
        "k",
        "persons",
        "participants",
        "enrolled",
        "started",
        "exited",
        "early_exits",
        "completed",
        "ongoing",
        "followed_up",
        "denominator",
        "numerator",
        "events",
        "at_risk",
        "censored",
        "invited",
        "attended_info",
        "booked_interview",
        "attended_interview",
        "in_work_or_studies",
        "self_sufficient",
    }
)


# Inside a block of counts, keys like these still hold statistics, not counts.
_STATISTIC_PARTS = (
    "share",
    "rate",
    "ci_",
    "_ci",
    "low",
    "high",
    "mean",
    "median",
    "month",
    "day",
    "week",
    "year",
    "age",
    "sek",
    "cost",
    "score",
    "p_value",
    "percent",
    "pct",
    "conversion",
    "overall",
    "target",
    "ratio",
    "odds",
    "estimate",
    "interval",
    "code",
)


def is_statistic_key(key: object) -> bool:
    """Whether a key names a statistic (share, median, ...) rather than a count.

    >>> [is_statistic_key(k) for k in ("cumulative_share", "median_months", "woman")]
    [True, True, False]
    """
    name = str(key).lower()
    return any(part in name for part in _STATISTIC_PARTS)


def is_count_key(key: object) -> bool:
    """Whether numbers under this key are counts of persons.

    >>> [is_count_key(k) for k in ("n", "women_count", "n_started", "share", "year")]
    [True, True, True, False, False]
    """
    name = str(key).lower()
    return (
        name in COUNT_KEYS
        or name.endswith(("_count", "_counts", "_n", "_reasons"))
        or name.startswith("n_")
    )


def _whole(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and (math.isnan(value) or not value.is_integer()):
        return None
    return float(value)


# How far below a count key its numbers still count persons: {"outcome_at_exit":
# {"early": {"studies": 3}}} is two levels; deeper structures are something else.
_INHERIT_LEVELS = 2


_UNDER_STATISTIC = -2

# Blocks whose numbers are not counts of persons: activities and their attendance (the
# number of people at one event is not personal data; gender splits are not in
# figures.json), goals, phases and the grant.
NOT_PERSON_BLOCKS = frozenset(
    {"activities", "product_goals", "product_goal_status", "phases", "grant"}
)


def _child(key: object, depth: int) -> int:
    """Levels below the nearest count key (0: this is one; -1: not under one; -2: under
    a statistic, e.g. ``conversion: {started: 1.0}`` holds shares however it is keyed).
    """
    # "year_to_date" names a scope of counts, not a statistic, despite "year" in it.
    scope = isinstance(key, str) and key.endswith("to_date")
    if depth == -1 and key in NOT_PERSON_BLOCKS:
        return _UNDER_STATISTIC
    if depth == _UNDER_STATISTIC or (is_statistic_key(key) and not scope):
        return _UNDER_STATISTIC
    if is_count_key(key):
        return 0
    if depth < 0 or depth >= _INHERIT_LEVELS or is_statistic_key(key):
        return -1
    return depth + 1


def _walk(data: Any, path: str, depth: int) -> Iterator[tuple[str, Any, bool]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _walk(value, f"{path}.{key}", _child(key, depth))
    elif isinstance(data, (list, tuple)):
        for i, value in enumerate(data):
            yield from _walk(value, f"{path}[{i}]", _child(i, depth))
    else:
        yield path, data, depth >= 0


def scan_figures(data: Any, min_cell_count: int = 5) -> list[str]:
    """JSON paths of every count from 1 to ``min_cell_count - 1`` under a count key.

    >>> scan_figures({"outcomes": [{"code": "studies", "count": 3, "share": 0.25}]})
    ['$.outcomes[0].count']
    """
    hits = []
    for path, value, in_count in _walk(data, "$", -1):
        number = _whole(value)
        if in_count and number is not None and 0 < number < min_cell_count:
            hits.append(path)
    return hits


def protect_figures(data: Any, min_cell_count: int = 5) -> Any:
    """A copy of the figure data with every small count under a count key set to None.

    A safety net: figure_data should already use ``ctx.count_value``.
    """
    out = copy.deepcopy(data)

    def fix(node: Any, depth: int) -> Any:
        if isinstance(node, dict):
            return {k: fix(v, _child(k, depth)) for k, v in node.items()}
        if isinstance(node, list):
            return [fix(v, _child(i, depth)) for i, v in enumerate(node)]
        number = _whole(node)
        if depth >= 0 and number is not None and 0 < number < min_cell_count:
            return None
        return node

    return fix(out, -1)


def table_to_records(protected: pd.DataFrame) -> dict[str, Any]:
    """A protected count table for figures.json: labels and values, None where hidden.

    >>> table_to_records(pd.DataFrame({"a": [None, 7]}, index=["x", "y"], dtype=object))
    {'index': ['x', 'y'], 'columns': ['a'], 'counts': [[None], [7]]}
    """
    return {
        "index": [str(i) for i in protected.index],
        "columns": [str(c) for c in protected.columns],
        "counts": [
            [None if v is None or pd.isna(v) else int(v) for v in row]
            for row in protected.itertuples(index=False)
        ],
    }
