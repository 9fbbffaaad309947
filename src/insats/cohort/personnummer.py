"""Personnummer: the one place that knows what they look like.

A personnummer is ``YYYYMMDD-NNNN`` or ``YYMMDD-NNNN`` (``+`` instead of ``-`` for people
aged 100 or more; the separator may be left out). The last digit is a Luhn check digit
over the ten digits ``YYMMDDNNN``; a *samordningsnummer* adds 60 to the day.

Ingestion (:func:`check_personnummer`, vectorised), the validation messages
(:func:`redact_personnummer`) and the guard over every published artefact
(:func:`find_personnummer`) all use this module, so a form ingestion accepts is a form
the guard finds. The finder also sees the forms people write by hand or that survive
copy and paste: a space instead of the dash (``19790315 1079``), typographic dashes
(``–``, ``—``, ``−``), no-break and thin spaces, HTML entities (``&nbsp;``, ``&#8211;``),
invisible characters (soft hyphen, zero-width space) and inline tags between the digits,
full-width digits, and digits glued to text (``SFI198202281211``). All numbers in this
module's examples are fictitious (Skatteverket's test number 19121212-1212 and the like).
"""

from __future__ import annotations

import calendar
import html
import re
import unicodedata
from datetime import date
from typing import overload

import numpy as np
import pandas as pd

from insats.cohort.read import _arrow, _ints, extract, without_spaces

__all__ = [
    "PNR_PATTERN",
    "check_personnummer",
    "clean_separators",
    "find_personnummer",
    "luhn_digit",
    "luhn_ok",
    "mask_personnummer",
    "mask_strict",
    "redact_personnummer",
    "valid_birth_date",
]

#: A whole value that is a personnummer after :func:`clean_separators` (RE2 and Python).
PNR_PATTERN = r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$"

# Dash-like characters people (and word processors) put in a personnummer.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
# Space-like characters: no-break, figure, thin, narrow no-break, ideographic.
_SPACES = "\u00a0\u2007\u2009\u200a\u202f\u3000"
# Characters that show nothing: soft hyphen, zero-width space/joiners, word joiner, BOM.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_INLINE_TAGS = (
    "a|abbr|b|bdi|bdo|code|del|em|font|i|ins|kbd|mark|q|s|samp|small|span|strong|sub|sup|u|var|wbr"
)
# Between two digits of a candidate: separators, invisible characters, entities, inline tags.
_GLUE = (
    rf"(?:[ \t{_SPACES}{_DASHES}{_INVISIBLE}+./\\-]"
    r"|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]{2,10});"
    rf"|</?(?:{_INLINE_TAGS})\b[^<>]{{0,200}}>)"
)
# A run of digits joined by at most a few glue elements; candidates are checked strictly.
_RUN = re.compile(rf"\d(?:{_GLUE}{{0,4}}\d)*")
_TAG = re.compile(r"<[^<>]*>")
# After cleaning: a date (YYYYMMDD, YYMMDD or YYYY-MM-DD), a separator and four digits.
_STRICT = re.compile(
    r"(?<!\d)(?<!\d[.,])"
    r"(?P<date>(?:\d{2})?\d{6}|\d{4}(?P<dsep>[-./ ])\d{2}(?P=dsep)\d{2})"
    r"(?P<sep> ?[-+] ?|[ ./]?)"
    r"(?P<tail>\d{4})(?!\d)"
)
# Anything shaped like one, whatever the date or check digit (for masking messages).
_LOOSE = re.compile(r"(?<!\d)(?:\d{2})?\d{6} ?[-+]? ?\d{4}(?!\d)")
_HEX_TOKEN = re.compile(r"[0-9A-Za-z]+")


# --- check digit and dates -------------------------------------------------------------


def _luhn_totals(digits: np.ndarray) -> np.ndarray:
    """Luhn sums of rows of digits, weights 2, 1, 2, ... from the left."""
    weights = np.where(np.arange(digits.shape[1]) % 2 == 0, 2, 1)
    products = digits * weights
    return (products // 10 + products % 10).sum(axis=1)


def luhn_digit(digits: str) -> int:
    """Check digit of the Luhn algorithm as Skatteverket uses it (weights 2,1,2,...).

    >>> luhn_digit("811218987")  # Skatteverket's example 811218-9876
    6
    """
    row = np.array([[int(c) for c in digits]], dtype="int64")
    return int((10 - _luhn_totals(row)[0] % 10) % 10)


def luhn_ok(digits: str) -> bool:
    """The personnummer check digit (Luhn over the ten digits YYMMDDNNNC).

    >>> luhn_ok("1212121212"), luhn_ok("1212121213")  # fictitious test number
    (True, False)
    """
    return luhn_digit(digits[:-1]) == int(digits[-1])


def valid_birth_date(text: str) -> bool:
    """YYYYMMDD or YYMMDD is a date (day + 60 is a samordningsnummer).

    >>> valid_birth_date("19121272"), valid_birth_date("19210229"), valid_birth_date("121212")
    (True, False, True)
    """
    if len(text) == 8:
        years = [int(text[:4])]
        month, day = int(text[4:6]), int(text[6:8])
    else:
        years = [1900 + int(text[:2]), 2000 + int(text[:2])]
        month, day = int(text[2:4]), int(text[4:6])
    if day > 60:
        day -= 60
    if not 1 <= month <= 12 or day < 1:
        return False
    return any(day <= calendar.monthrange(y, month)[1] for y in years)


# --- normalising and masking ---------------------------------------------------------


def clean_separators(text: str) -> str:
    """Typographic dashes to ``-``; spaces, invisible characters out; digits to ASCII.

    >>> clean_separators("19900612\u20131140"), clean_separators("19790315 1079")
    ('19900612-1140', '197903151079')
    """
    out = []
    for ch in str(text):
        if ch in _DASHES:
            out.append("-")
        elif ch.isspace() or ch in _SPACES or ch in _INVISIBLE:
            continue
        elif ch.isdigit() and not ch.isascii():
            out.append(str(unicodedata.digit(ch, 0)))
        else:
            out.append(ch)
    return "".join(out)


def mask_personnummer(value: str) -> str:
    """Hide the last four digits so a message never shows a whole personnummer.

    The numbers below are fictitious examples.

    >>> mask_personnummer("19851231-1234"), mask_personnummer("8512311234"), mask_personnummer("12")
    ('19851231-****', '851231****', '****')
    """
    text = str(value).strip()
    return text[:-4] + "****" if len(text) > 4 else "****"


def mask_strict(text: str) -> str:
    """Keep the first four characters; star every other digit (for the guard's listing).

    >>> mask_strict("19121212-1212")  # fictitious (Skatteverket's test number)
    '1912****-****'
    """
    return text[:4] + re.sub(r"\d", "*", text[4:])


@overload
def redact_personnummer(text: str, *, strict: bool = False) -> str: ...
@overload
def redact_personnummer(text: None, *, strict: bool = False) -> None: ...
@overload
def redact_personnummer(text: str | None, *, strict: bool = False) -> str | None: ...
def redact_personnummer(text: str | None, *, strict: bool = False) -> str | None:
    """Mask everything in a message that looks like a personnummer.

    Shape is enough here (a wrong check digit or date is masked too: a mistyped
    personnummer is still one), plus every form :func:`find_personnummer` finds.
    ``strict`` hides the birth date as well (for pages shared beyond the evaluator).

    >>> redact_personnummer('column "Kön": "19930505-1428"')  # fictitious
    'column "Kön": "19930505-****"'
    >>> redact_personnummer("SFI198202281211 och 19790315\u20131079")  # fictitious
    'SFI19820228**** och 19790315-****'
    """
    if text is None or not text:
        return text
    text = str(text)
    mask = mask_strict if strict else mask_personnummer
    spans = [(s, e, m) for s, e, m in _find(text)]
    out, last = [], 0
    for start, end, match in spans:
        out.append(text[last:start])
        out.append(mask(match))
        last = end
    out.append(text[last:])
    return _LOOSE.sub(lambda m: mask(m.group(0)), "".join(out))


# --- finding -------------------------------------------------------------------------


def _clean_run(run: str) -> str:
    text = _TAG.sub("", run)
    text = html.unescape(text) if "&" in text else text
    out = []
    for ch in text:
        if ch in _DASHES:
            out.append("-")
        elif ch in _SPACES or ch == "\t":
            out.append(" ")
        elif ch in _INVISIBLE:
            continue
        elif ch.isdigit() and not ch.isascii():
            out.append(str(unicodedata.digit(ch, 0)))
        else:
            out.append(ch)
    return re.sub(r" +", " ", "".join(out))


def _hex_context(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] sits inside a long hexadecimal token (a hash)."""
    left = start
    while left > 0 and text[left - 1].isascii() and text[left - 1].isalnum():
        left -= 1
    right = end
    while right < len(text) and text[right].isascii() and text[right].isalnum():
        right += 1
    token = text[left:right]
    return len(token) >= 16 and bool(re.fullmatch(r"[0-9a-fA-F]+", token))


def _find(text: str) -> list[tuple[int, int, str]]:
    found = []
    for run in _RUN.finditer(text):
        raw = run.group(0)
        if len(raw) < 10:
            continue
        cleaned = _clean_run(raw)
        before = text[run.start() - 2 : run.start()]
        # The decimals of a number ("0.198501011234") are not a personnummer.
        if re.fullmatch(r"\d[.,]", before or ""):
            continue
        for m in _STRICT.finditer(cleaned):
            date_text = re.sub(r"\D", "", m.group("date"))
            if m.group("dsep") and "-" not in m.group("sep") and "+" not in m.group("sep"):
                continue  # "2021-08-31 1234" is a date and a number
            if not valid_birth_date(date_text):
                continue
            signed = "-" in m.group("sep") or "+" in m.group("sep")
            if not signed and not luhn_ok(date_text[-6:] + m.group("tail")):
                continue
            at_start, at_end = m.start() == 0, m.end() == len(cleaned)
            if (at_start or at_end) and _hex_context(text, run.start(), run.end()):
                continue
            found.append((run.start(), run.end(), m.group(0)))
    return found


def find_personnummer(text: str) -> list[tuple[int, str]]:
    """Offsets and (cleaned) text of every personnummer-like string in a text.

    With a sign (``-``/``+`` or a typographic dash) a valid date is enough; digits
    joined by a space, a dot or nothing must also pass the Luhn check (bare digits are
    too often something else). Digits inside a long hexadecimal token (a hash) and the
    decimals of a number are not personnummer; digits glued to other text are.

    >>> [m for _, m in find_personnummer("Ny: 19790315 1079, SFI198202281211.")]
    ['19790315 1079', '198202281211']
    """
    return [(start, match) for start, _, match in _find(text)]


# --- ingestion (vectorised) ------------------------------------------------------------


def check_personnummer(values: pd.Series, today: date | None = None) -> tuple[pd.Series, pd.Series]:
    """Validate and normalise personnummer, vectorised.

    Accepts ``YYYYMMDD-NNNN``, ``YYYYMMDDNNNN``, ``YYMMDD-NNNN``, ``YYMMDDNNNN`` and
    ``YYMMDD+NNNN`` (aged 100 or more); spaces are ignored and typographic dashes read
    as ``-`` (the forms :func:`find_personnummer` finds). The day may be 61–91
    (samordningsnummer). For ten-digit forms the century is the one that makes the
    person younger than 100 (``+``: 100 or older) on ``today``.

    Args:
        values: Personnummer as text; blank strings are treated as absent.
        today: Reference day for the century of ten-digit forms (default: today).

    Returns:
        ``(normalised, valid)``: the twelve-digit ``YYYYMMDDNNNN`` (NaN when invalid or
        blank) and a boolean Series that is False for non-blank invalid values.

    >>> norm, ok = check_personnummer(pd.Series(["19121212-1212", "121212-1213", ""]),
    ...                               today=date(2024, 1, 1))  # fictitious test numbers
    >>> list(norm.fillna("-")), list(ok)
    (['191212121212', '-', '-'], [True, False, True])
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    today = today or date.today()
    text = without_spaces(values)
    if len(text):
        arr = _arrow(text)
        arr = pc.replace_substring_regex(arr, pattern=f"[{_DASHES}]", replacement="-")
        arr = pc.replace_substring_regex(arr, pattern=f"[{_INVISIBLE}]", replacement="")
        text = pd.Series(
            arr.cast(pa.large_string()).to_numpy(zero_copy_only=False), index=values.index,
            dtype="str",
        )  # fmt: skip
    blank = text == ""
    parts = extract(text, PNR_PATTERN)
    matched = parts[1].notna().to_numpy()
    n = len(text)

    def num(col: int) -> np.ndarray:
        return _ints(parts[col])

    cc, yy, mm, dd, serial, check = num(0), num(1), num(2), num(3), num(5), num(6)
    sep = parts[4].fillna("").to_numpy(dtype=object)
    day = np.where(dd > 60, dd - 60, dd)  # samordningsnummer

    # Century for ten-digit forms: the latest century with the birth day not after today,
    # minus one for "+" (100 years or older).
    has_cc = cc >= 0
    cur_cc, cur_yy = divmod(today.year, 100)
    md = mm * 100 + day
    born_later_this_century = (yy > cur_yy) | (
        (yy == cur_yy) & (md > today.month * 100 + today.day)
    )
    inferred = np.where(born_later_this_century, cur_cc - 1, cur_cc) - (sep == "+").astype("int64")
    century = np.where(has_cc, cc, inferred)
    year = century * 100 + yy

    dates = pd.to_datetime(pd.DataFrame({"year": year, "month": mm, "day": day}), errors="coerce")
    date_ok = matched & (dates <= pd.Timestamp(today)).fillna(False).to_numpy()

    ten = np.zeros((n, 10), dtype="int64")
    for i, v in enumerate((yy // 10, yy % 10, mm // 10, mm % 10, dd // 10, dd % 10)):
        ten[:, i] = v
    ten[:, 6], ten[:, 7], ten[:, 8] = serial // 100, serial // 10 % 10, serial % 10
    ten[:, 9] = check
    luhn = (_luhn_totals(ten) % 10 == 0) if n else np.zeros(0, dtype=bool)

    ok = matched & date_ok & luhn
    number = year * 10**8 + mm * 10**6 + dd * 10**4 + serial * 10 + check
    normalised = pd.Series(number, index=values.index).astype("str").where(ok)
    valid = pd.Series(ok | blank.to_numpy(), index=values.index)
    return normalised, valid
