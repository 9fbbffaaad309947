"""Number and date formats for report readers, through babel's CLDR locale data.

Swedish: "1 460 000 kr", "24,5 %", "23 november 2026"; English: "SEK 1,460,000", "24.5%".

Rounding is half up (away from zero), as a reader rounds by hand: 5 of 8 is 62.5 % and
reads "63 %". (babel quantises in the current decimal context, whose default is
banker's rounding, half to even, which would print "62 %".)
"""

from __future__ import annotations

import contextlib
import decimal
import math
from datetime import date

from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal, format_percent

LOCALES = {"sv": "sv_SE", "en": "en_GB"}
MISSING = "–"


def _locale(language: str) -> str:
    return LOCALES[language]


def _half_up() -> contextlib.AbstractContextManager[decimal.Context]:
    """A decimal context rounding half up (away from zero) for babel's quantisation."""
    return decimal.localcontext(rounding=decimal.ROUND_HALF_UP)


def round_half_up(value: float, digits: int = 0) -> float:
    """Round half up (away from zero) on the decimal value as printed.

    >>> round_half_up(62.5), round(62.5), round_half_up(0.125, 2), round_half_up(-2.5)
    (63.0, 62, 0.13, -3.0)
    """
    quantum = decimal.Decimal(1).scaleb(-digits)
    return float(decimal.Decimal(str(value)).quantize(quantum, rounding=decimal.ROUND_HALF_UP))


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(math.isnan(value))  # type: ignore[arg-type]
    except TypeError:
        return False


def format_number(
    value: float | decimal.Decimal | None, language: str = "sv", digits: int = 0
) -> str:
    r"""Format a number with the locale's grouping and decimal signs.

    >>> format_number(1460000).replace("\xa0", " ")
    '1 460 000'
    >>> format_number(2.25, "en", digits=1)
    '2.3'
    """
    if value is None or _is_missing(value):
        return MISSING
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    with _half_up():
        return format_decimal(value, format=pattern, locale=_locale(language))


def format_count(value: int | None, language: str = "sv") -> str:
    """Format a count of persons (no decimals)."""
    return format_number(value, language, 0)


def format_share(value: float | None, language: str = "sv", digits: int = 0) -> str:
    r"""Format a share 0–1 as a percentage.

    >>> format_share(0.245, digits=1).replace("\xa0", " ")
    '24,5 %'
    >>> format_share(0.6667, "en")
    '67%'
    >>> format_share(5 / 8).replace("\xa0", " ")  # 62.5 % rounds half up
    '63 %'
    """
    if value is None or _is_missing(value):
        return MISSING
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + " %"
    with _half_up():
        text = format_percent(value, format=pattern, locale=_locale(language))
    return text.replace(" %", "%").replace("\xa0%", "%") if language == "en" else text


def format_share_range(low: float | None, high: float | None, language: str = "sv") -> str:
    r"""Format an interval of shares: "39–86 %".

    >>> format_share_range(0.39, 0.86).replace("\xa0", " ")
    '39–86 %'
    >>> format_share_range(1.0, 1.0).replace("\xa0", " ")
    '100 %'
    """
    if low is None or high is None or _is_missing(low) or _is_missing(high):
        return MISSING
    # 100 · low in decimal, so that e.g. 0.145 is 14.5 (not 14.4999…) before rounding
    lo = format_number(decimal.Decimal(str(float(low))) * 100, language, 0)
    hi = format_share(high, language)
    if format_number(decimal.Decimal(str(float(high))) * 100, language, 0) == lo:
        return hi  # both ends round alike: a point, not a degenerate "63–63 %"
    return f"{lo}–{hi}"


def format_sek(value: float | None, language: str = "sv", digits: int = 0) -> str:
    r"""Format an amount in kronor.

    >>> format_sek(1460000).replace("\xa0", " ")
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
    if value is None or _is_missing(value):
        return MISSING
    total_months = int(round_half_up(float(value) * 12))
    years, months = divmod(total_months, 12)
    if language == "sv":
        parts = ([f"{years} år"] if years else []) + ([f"{months} mån"] if months else [])
        return " ".join(parts) or "0 mån"
    parts = ([f"{years} yr"] if years else []) + ([f"{months} mo"] if months else [])
    return " ".join(parts) or "0 mo"
