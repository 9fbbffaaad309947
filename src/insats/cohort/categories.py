"""Category helpers shared by the computation packages: the ``unknown`` code, the natural
sort order of labels and the keys of intake groups.

Lives below :mod:`insats.outcomes` and :mod:`insats.programme` so that both can use it
without importing each other.
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["UNKNOWN", "group_keys", "natural_key"]

UNKNOWN = "unknown"


def natural_key(value: object) -> tuple:
    """Sort key that puts "Grupp 2" before "Grupp 10".

    >>> sorted(["10", "2", "b", "1"], key=natural_key)
    ['1', '2', '10', 'b']
    """
    parts = re.split(r"(\d+)", str(value))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in parts if p)


def group_keys(df: pd.DataFrame) -> tuple[pd.Series, dict[str, tuple[str | None, str]]]:
    """One key per intake group, and the (municipality, group) behind each key.

    Groups are numbered per municipality in some projects (Perstorp and Klippan both have
    a group 5). When any group label is found in more than one municipality, every group
    is named with its municipality ("Klippan: 5"), so that the names read alike; a group
    whose rows name one municipality keeps it for rows where it is missing.

    Returns:
        (keys aligned with ``df``, {key: (municipality or None, group)}).
    """
    group = df["group"].astype(object).map(lambda v: UNKNOWN if pd.isna(v) else str(v).strip())
    if "municipality" in df.columns:
        municipality = df["municipality"].astype(object)
    else:
        municipality = pd.Series(pd.NA, index=df.index, dtype=object)
    known = pd.DataFrame({"g": group, "m": municipality}).dropna()
    per_group = known.groupby("g")["m"].unique().to_dict() if len(known) else {}
    split = any(len(ms) > 1 for ms in per_group.values())
    keys, names = [], {}
    for g, m in zip(group, municipality, strict=True):
        if not split:
            key, name = g, (None, g)
        else:
            ms = per_group.get(g, [])
            if pd.isna(m):
                m = ms[0] if len(ms) == 1 else UNKNOWN
            key, name = f"{m}: {g}", (str(m), g)
        keys.append(key)
        names[key] = name
    return pd.Series(keys, index=df.index, dtype=object), names
