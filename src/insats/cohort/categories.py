"""Category helpers shared by the computation packages: the ``unknown`` code, the natural
sort order of labels and the keys of intake groups.

Lives below :mod:`insats.outcomes` and :mod:`insats.programme` so that both can use it
without importing each other.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

__all__ = [
    "GROUPS_BY_MUNICIPALITY",
    "UNKNOWN",
    "group_keys",
    "group_municipalities",
    "natural_key",
]

#: A column of a subset's rows: true when the whole project names its groups with their
#: municipality (see :func:`group_keys`).
GROUPS_BY_MUNICIPALITY = "groups_by_municipality"

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

    A report of a subset of the project's municipalities names its groups as the whole
    project's report does: the rows then carry :data:`GROUPS_BY_MUNICIPALITY` (true), so
    that "Klippan, grupp 5" is one cell in both reports (the publication register relates
    them).

    Returns:
        (keys aligned with ``df``, {key: (municipality or None, group)}).
    """
    # Per-value work on the distinct (group, municipality) pairs only, spread back.
    raw_group = df["group"].astype(object)
    g_codes, g_uniques = pd.factorize(raw_group, use_na_sentinel=True)
    g_names = np.array([str(v).strip() for v in g_uniques] + [UNKNOWN], dtype=object)
    group = pd.Series(g_names[g_codes], index=df.index, dtype=object)  # -1: the last, unknown
    if "municipality" in df.columns:
        municipality = df["municipality"].astype(object)
    else:
        municipality = pd.Series(pd.NA, index=df.index, dtype=object)
    pairs = pd.DataFrame({"g": group, "m": municipality})
    known = pairs.dropna()
    per_group = known.groupby("g")["m"].unique().to_dict() if len(known) else {}
    split = any(len(ms) > 1 for ms in per_group.values()) or bool(
        GROUPS_BY_MUNICIPALITY in df.columns and df[GROUPS_BY_MUNICIPALITY].any()
    )
    p_codes, distinct = _factorize_pairs(pairs)
    keys: list[str] = []
    names: dict[str, tuple[str | None, str]] = {}
    for g, m in distinct:
        name: tuple[str | None, str]
        if not split:
            key, name = g, (None, g)
        else:
            ms = per_group.get(g, [])
            if pd.isna(m):
                m = ms[0] if len(ms) == 1 else UNKNOWN
            key, name = f"{m}: {g}", (str(m), g)
        keys.append(key)
        names[key] = name
    per_row = np.array(keys, dtype=object)[p_codes] if keys else np.array([], dtype=object)
    return pd.Series(per_row, index=df.index, dtype=object), names


def group_municipalities(df: pd.DataFrame) -> dict[str, str]:
    """The municipality of each intake group (by its :func:`group_keys` key), where the
    data nest the group in one.

    A group named with its municipality ("Klippan: 5") belongs to it. A group whose
    number is unique across the project ("1" only in Perstorp) keeps its plain name, but
    its rows name one municipality all the same, and the report shows it (the trend
    table's Kommun column): its municipality is then that one. A group whose rows name no
    municipality, or several, is left out.

    The disclosure plan relates a municipality's count to the sum of its groups' counts
    with these (attack round 10, F6: Perstorp only "Grupp 1", so Perstorp's shown exits
    were Grupp 1's hidden ones, and the total minus them and Grupp 2 gave Grupp 5's).

    >>> frame = pd.DataFrame({"group": ["1", "1", "2", "5"],
    ...                       "municipality": ["Perstorp", None, "Bjuv", None]})
    >>> group_municipalities(frame)
    {'1': 'Perstorp', '2': 'Bjuv'}
    >>> frame = pd.DataFrame({"group": ["5", "5", "2"],
    ...                       "municipality": ["Perstorp", "Klippan", "Bjuv"]})
    >>> group_municipalities(frame)
    {'Perstorp: 5': 'Perstorp', 'Klippan: 5': 'Klippan', 'Bjuv: 2': 'Bjuv'}
    """
    if not len(df):
        return {}
    keys, names = group_keys(df)
    out = {key: m for key, (m, _) in names.items() if m is not None}
    if "municipality" not in df.columns:
        return out
    known = pd.DataFrame({"key": keys, "m": df["municipality"].astype(object)}).dropna()
    for key, ms in known.groupby("key")["m"].unique().items():
        if str(key) not in out and len(ms) == 1:
            out[str(key)] = str(ms[0])
    return out


def _factorize_pairs(pairs: pd.DataFrame) -> tuple[np.ndarray, list[tuple[str, object]]]:
    """Per row the index of its (g, m) pair, and the distinct pairs in order of appearance
    (missing municipalities kept as missing).
    """
    m_codes, m_uniques = pd.factorize(pairs["m"], use_na_sentinel=True)
    g_codes, g_uniques = pd.factorize(pairs["g"], use_na_sentinel=True)
    combined = g_codes.astype(np.int64) * (len(m_uniques) + 1) + (m_codes + 1)
    p_codes, p_uniques = pd.factorize(combined)
    distinct = []
    for c in p_uniques:
        gi, mi = divmod(int(c), len(m_uniques) + 1)
        m = m_uniques[mi - 1] if mi > 0 else pd.NA
        distinct.append((g_uniques[gi], m))
    return p_codes, distinct
