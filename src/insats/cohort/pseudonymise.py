"""Personnummer: validation, masking and replacement by a keyed pseudonym.

A personnummer is ``YYYYMMDD-NNNN`` or ``YYMMDD-NNNN`` (``+`` instead of ``-`` for people
aged 100 or more, the separator may be left out). The last digit is a Luhn check digit
over the ten digits ``YYMMDDNNN``; a *samordningsnummer* adds 60 to the day.

At ingestion every personnummer is replaced by ``HMAC-SHA256(key, YYYYMMDDNNNN)``
(hex, first 16 characters): stable for the same person and key, so the same person can
be followed across exports, but useless without the key. The key never lives in the
repository: it comes from a key file named in the parameters or from the environment
variable ``INSATS_PSEUDONYM_KEY`` (see :func:`resolve_pseudonym_key`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "KEY_ENV_VAR",
    "MIN_KEY_BYTES",
    "PSEUDONYM_LENGTH",
    "PseudonymKeyError",
    "PseudonymKeyMissing",
    "check_personnummer",
    "mask_personnummer",
    "pseudonymise",
    "resolve_pseudonym_key",
]

KEY_ENV_VAR = "INSATS_PSEUDONYM_KEY"
MIN_KEY_BYTES = 16
PSEUDONYM_LENGTH = 16  # 64 bits of HMAC: collisions need ~4 billion people

_PNR_RE = r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$"


class PseudonymKeyError(ValueError):
    """The pseudonymisation key cannot be used (missing file, empty, too short)."""


class PseudonymKeyMissing(PseudonymKeyError):
    """Personnummer were found but no key was given."""


def resolve_pseudonym_key(key_path: str | os.PathLike[str] | None = None) -> bytes | None:
    """Find the pseudonymisation key.

    Args:
        key_path: A file holding the key (surrounding whitespace is stripped). When
            ``None``, the environment variable ``INSATS_PSEUDONYM_KEY`` is used.

    Returns:
        The key bytes, or ``None`` when neither a file nor the variable is given.

    Raises:
        PseudonymKeyError: The file is missing, empty, or the key is shorter than 16 bytes.
    """
    if key_path is not None:
        path = Path(key_path)
        if not path.is_file():
            raise PseudonymKeyError(f"pseudonym key file {path.name!r} does not exist")
        key = path.read_bytes().strip()
        source = f"key file {path.name!r}"
    else:
        value = os.environ.get(KEY_ENV_VAR)
        if value is None:
            return None
        key = value.strip().encode("utf-8")
        source = f"environment variable {KEY_ENV_VAR}"
    if not key:
        raise PseudonymKeyError(f"the pseudonym key in {source} is empty")
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymKeyError(
            f"the pseudonym key in {source} is {len(key)} bytes; at least {MIN_KEY_BYTES} are "
            'needed (e.g. `python -c "import secrets; print(secrets.token_hex(32))"`)'
        )
    return key


def missing_key_message(file: str) -> str:
    """The error text for a file with personnummer but no key."""
    return (
        f"{file} contains personnummer, which are replaced by keyed pseudonyms at ingestion, "
        f"but no key was given: set the environment variable {KEY_ENV_VAR} or name a key "
        "file in the parameters (pseudonym_key_path). Keep the key outside the repository."
    )


def check_personnummer(values: pd.Series, today: date | None = None) -> tuple[pd.Series, pd.Series]:
    """Validate and normalise personnummer, vectorised.

    Accepts ``YYYYMMDD-NNNN``, ``YYYYMMDDNNNN``, ``YYMMDD-NNNN``, ``YYMMDDNNNN`` and
    ``YYMMDD+NNNN`` (aged 100 or more); spaces are ignored. The day may be 61–91
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
    from insats.cohort.read import _ints, extract, without_spaces

    today = today or date.today()
    text = without_spaces(values)
    blank = text == ""
    parts = extract(text, _PNR_RE)
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

    # Luhn over the ten digits YYMMDDNNNC: double every other digit from the left.
    ten = np.zeros((n, 10), dtype="int64")
    for i, v in enumerate((yy // 10, yy % 10, mm // 10, mm % 10, dd // 10, dd % 10)):
        ten[:, i] = v
    ten[:, 6], ten[:, 7], ten[:, 8] = serial // 100, serial // 10 % 10, serial % 10
    ten[:, 9] = check
    doubled = ten[:, 0:10:2] * 2
    total = (doubled // 10 + doubled % 10).sum(axis=1) + ten[:, 1:10:2].sum(axis=1)
    luhn_ok = total % 10 == 0

    ok = matched & date_ok & luhn_ok
    number = year * 10**8 + mm * 10**6 + dd * 10**4 + serial * 10 + check
    normalised = pd.Series(number, index=values.index).astype("str").where(ok)
    valid = pd.Series(ok | blank.to_numpy(), index=values.index)
    return normalised, valid


def mask_personnummer(value: str) -> str:
    """Hide the last four digits so a message never shows a whole personnummer.

    The numbers below are fictitious examples.

    >>> mask_personnummer("19851231-1234"), mask_personnummer("8512311234"), mask_personnummer("12")
    ('19851231-****', '851231****', '****')
    """
    text = str(value).strip()
    return text[:-4] + "****" if len(text) > 4 else "****"


def pseudonymise(normalised: pd.Series, key: bytes) -> pd.Series:
    """Keyed pseudonyms for normalised twelve-digit personnummer.

    Args:
        normalised: ``YYYYMMDDNNNN`` strings (NaN stays NaN), as from
            :func:`check_personnummer`.
        key: The secret key (at least 16 bytes).

    Returns:
        Hex HMAC-SHA256 truncated to 16 characters, aligned with ``normalised``.
    """
    if not key:
        raise PseudonymKeyMissing("a non-empty key is needed to pseudonymise personnummer")
    codes, uniques = pd.factorize(normalised, use_na_sentinel=True)
    digest = hmac.digest
    hashed = np.array(
        [digest(key, u.encode("ascii"), hashlib.sha256).hex()[:PSEUDONYM_LENGTH] for u in uniques]
        + [None],
        dtype=object,
    )
    # codes == -1 (missing) picks the trailing None.
    return pd.Series(hashed[codes], index=normalised.index, dtype="str")
