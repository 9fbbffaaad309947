"""Shared pieces of the outcome estimators: disclosure rules, level labels, vocabularies."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from insats.cohort.categories import group_keys
from insats.cohort.schema import EDUCATION, EXIT_REASON, GENDER, OUTCOME, REFERRAL, SUPPORT

# Below this many persons the report says plainly that the group is small. Thirty is the
# usual rule of thumb for "large enough for a normal approximation"; the Wilson interval
# is still valid below it, but it is wide, and the reader should be told so.
SMALL_GROUP_N = 30

# The background variables a share may be broken down by (issue 3).
BREAKDOWNS = ("group", "municipality", "gender", "age_band", "education", "referral")

AGE_BANDS = ("16–24", "25–34", "35–44", "45–54", "55–64", "65+", "unknown")

# Column -> (vocabulary name in the label catalogue, codes in report order).
_VOCABULARIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "gender": ("gender", tuple(GENDER)),
    "education": ("education", tuple(EDUCATION)),
    "referral": ("referral", tuple(REFERRAL)),
    "exit_reason": ("exit_reason", tuple(EXIT_REASON)),
    "age_band": ("age_band", AGE_BANDS),
}


def vocabulary_of(column: str) -> tuple[str, tuple[str, ...]] | None:
    """The label vocabulary and ordered codes of a coded column, or None for free text."""
    if column.startswith("outcome"):
        return "outcome", tuple(OUTCOME)
    if column.startswith("support"):
        return "support", tuple(SUPPORT)
    return _VOCABULARIES.get(column)


def is_hidden(ctx, count: int | None, n: int | None) -> bool:
    """True when a share k/n must not be shown: the same rule as ``ctx.proportion``.

    Either the count, the denominator or the complement (n - k) is a small non-zero
    number of persons, any of which lets a reader single someone out.
    """
    if n is None or count is None:
        return False
    return ctx.is_suppressed(n) or ctx.is_suppressed(count) or ctx.is_suppressed(n - count)


def level_label(ctx, column: str, level: object) -> str:
    """The reader's word for one level of a breakdown variable."""
    if level is None or (isinstance(level, float) and pd.isna(level)) or level == "unknown":
        return ctx.t("outcomes.level_unknown")
    vocab = vocabulary_of(column)
    if vocab is not None and column != "age_band":
        return ctx.code(vocab[0], level)
    if column == "group" and ": " in str(level):
        municipality, group = str(level).split(": ", 1)
        unknown = ctx.t("outcomes.level_unknown")
        return ctx.t(
            "participants.group_in_municipality",
            municipality=unknown if municipality == "unknown" else municipality,
            group=unknown if group == "unknown" else group,
        )
    return str(level)


def ordered_levels(df: pd.DataFrame, column: str) -> list[str]:
    """Levels of a breakdown column in report order.

    Coded columns follow their vocabulary; intake groups follow their first start date
    (so a trend reads left to right); free text (municipality) is alphabetical; the
    unknown level comes last.
    """
    values = level_series(df, column) if column == "group" else None
    if values is None:
        values = df[column].astype("object").where(df[column].notna(), "unknown")
    present = list(dict.fromkeys(values.tolist()))
    vocab = vocabulary_of(column)
    if vocab is not None:
        order = [c for c in vocab[1] if c in present]
        return order + sorted(str(v) for v in present if v not in order)
    if column == "group" and "start_date" in df.columns:
        first = (
            pd.DataFrame({"level": values, "start": df["start_date"]})
            .groupby("level", sort=False)["start"]
            .min()
        )
        known = [lv for lv in present if lv != "unknown"]
        known.sort(key=lambda lv: (pd.isna(first.get(lv)), first.get(lv), str(lv)))
        return known + (["unknown"] if "unknown" in present else [])
    known = sorted(str(v) for v in present if v != "unknown")
    return known + (["unknown"] if "unknown" in present else [])


def level_series(df: pd.DataFrame, column: str) -> pd.Series:
    """A breakdown column as plain strings with missing values as 'unknown'.

    Intake groups are keyed by (municipality, group), as in the participants section
    (:func:`insats.outcomes.participants.group_keys`): when a group label occurs in several
    municipalities ("grupp 5" in Perstorp and in Klippan) every group is keyed
    "Municipality: group", so two different groups are never merged.
    """
    if column == "group" and len(df):
        return group_keys(df)[0].astype(str)
    return df[column].astype("object").where(df[column].notna(), "unknown").astype(str)


def require_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise one error naming every missing column."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        hint = ""
        if "age_band" in missing:
            hint = " (call insats.outcomes.add_age_band(df, at=...) first)"
        raise KeyError(
            f"{what} needs column(s) {missing} in the participants frame{hint}; "
            f"it has {list(df.columns)}"
        )


def check_breakdown(by: str | None) -> None:
    if by is not None and by not in BREAKDOWNS:
        raise ValueError(f"by must be one of {BREAKDOWNS} or None, got {by!r}")


def fmt_p(ctx, p: float | None) -> str:
    """A p-value as readers expect it: 'p = 0,03', 'p < 0,001'."""
    if p is None or pd.isna(p):
        return "–"
    if p < 0.001:
        return "p < " + ctx.number(0.001, 3)
    return "p = " + ctx.number(p, 3 if p < 0.01 else 2)
