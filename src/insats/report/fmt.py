"""Number and date formats for report readers, through babel's CLDR locale data.

Swedish: "1 460 000 kr", "24,5 %", "23 november 2026"; English: "SEK 1,460,000", "24.5%".
"""

from __future__ import annotations

import math
from datetime import date

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal, format_percent

LOCALES = {"sv": "sv_SE", "en": "en_GB"}
MISSING = "–"


def _locale(language: str) -> str:
    return LOCALES[language]


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(math.isnan(value))  # type: ignore[arg-type]
    except TypeError:
        return False


def format_number(value: float | None, language: str = "sv", digits: int = 0) -> str:
    """Format a number with the locale's grouping and decimal signs.

    >>> format_number(1460000).replace("\\xa0", " ")
    '1 460 000'
    >>> format_number(2.25, "en", digits=1)
    '2.2'
    """
    if _is_missing(value):
        return MISSING
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_locale(language))


def format_count(value: int | None, language: str = "sv") -> str:
    """Format a count of persons (no decimals)."""
    return format_number(value, language, 0)


def format_share(value: float | None, language: str = "sv", digits: int = 0) -> str:
    """Format a share 0–1 as a percentage.

    >>> format_share(0.245, digits=1).replace("\\xa0", " ")
    '24,5 %'
    >>> format_share(0.6667, "en")
    '67%'
    """
    if _is_missing(value):
        return MISSING
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + " %"
    text = format_percent(value, format=pattern, locale=_locale(language))
    return text.replace(" %", "%").replace("\xa0%", "%") if language == "en" else text


def format_share_range(low: float | None, high: float | None, language: str = "sv") -> str:
    """Format an interval of shares: "39–86 %".

    >>> format_share_range(0.39, 0.86).replace("\\xa0", " ")
    '39–86 %'
    """
    if _is_missing(low) or _is_missing(high):
        return MISSING
    lo = format_number(100 * low, language, 0)
    hi = format_share(high, language)
    return f"{lo}–{hi}"


def format_sek(value: float | None, language: str = "sv", digits: int = 0) -> str:
    """Format an amount in kronor.

    >>> format_sek(1460000).replace("\\xa0", " ")
    '1 460 000 kr'
    >>> format_sek(-405842, "en")
    'SEK -405,842'
    """
    if _is_missing(value):
        return MISSING
    number = format_number(value, language, digits)
    return f"{number}\xa0kr" if language == "sv" else f"SEK {number}"


def format_date(value: date | None, language: str = "sv", style: str = "long") -> str:
    """Format a date: "1 maj 2021" (sv, long) or "2021-05-01" (style="iso")."""
    if value is None:
        return MISSING
    if style == "iso":
        return value.isoformat()
    return _babel_date(value, format=style, locale=_locale(language))


def format_years(value: float | None, language: str = "sv") -> str:
    """Format a duration in years as years and months: "2 år 3 mån" / "2 yr 3 mo"."""
    if _is_missing(value):
        return MISSING
    total_months = int(round(float(value) * 12))
    years, months = divmod(total_months, 12)
    if language == "sv":
        parts = ([f"{years} år"] if years else []) + ([f"{months} mån"] if months else [])
        return " ".join(parts) or "0 mån"
    parts = ([f"{years} yr"] if years else []) + ([f"{months} mo"] if months else [])
    return " ".join(parts) or "0 mo"
