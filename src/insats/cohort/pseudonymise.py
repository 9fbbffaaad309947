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
from pathlib import Path

import numpy as np
import pandas as pd

from insats.cohort.personnummer import check_personnummer, mask_personnummer

# The one personnummer module; re-exported here for the callers of this module.
from insats.errors import InsatsError

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


class PseudonymKeyError(InsatsError, ValueError):
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
        check_key_file(path)
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
    check_key_strength(key, source)
    return key


#: How to make a good key, said by every refusal.
HOW_TO_MAKE_A_KEY = (
    'make one with `umask 077; python -c "import secrets; print(secrets.token_hex(32))" '
    "> ~/.config/insats/pseudonym.key` (outside any repository, readable by you only: "
    "chmod 600), or set INSATS_PSEUDONYM_KEY to such a value"
)
#: Estimated bits of the key's characters (Shannon over its own bytes, times length).
MIN_KEY_BITS = 40
MIN_DISTINCT_BYTES = 6


def check_key_file(path: Path) -> None:
    """Refuse a key file others can read, that is not a regular file, or in a repository.

    Raises:
        PseudonymKeyError: saying why and how to make a good key file.
    """
    import stat

    info = path.stat()
    name = path.name
    if not stat.S_ISREG(info.st_mode):
        raise PseudonymKeyError(
            f"pseudonym key file {name!r} is not a regular file; {HOW_TO_MAKE_A_KEY}"
        )
    if info.st_mode & 0o077:
        raise PseudonymKeyError(
            f"pseudonym key file {name!r} can be read or changed by others (mode "
            f"{stat.S_IMODE(info.st_mode):04o}); run `chmod 600` on it, or {HOW_TO_MAKE_A_KEY}"
        )
    folder = path.resolve().parent
    for parent in (folder, *folder.parents):
        if (parent / ".git").exists():
            raise PseudonymKeyError(
                f"pseudonym key file {name!r} is inside a git working tree ({parent.name!r}), "
                f"where it can be committed by mistake; move it out: {HOW_TO_MAKE_A_KEY}"
            )


def check_key_strength(key: bytes, source: str = "the key") -> None:
    """Refuse a key with too little entropy (repeats, few distinct characters).

    >>> try:
    ...     check_key_strength(b"abcdabcdabcdabcd")
    ... except PseudonymKeyError as exc:
    ...     print(str(exc)[:51])
    the pseudonym key in the key has too little entropy
    """
    import math
    from collections import Counter

    counts = Counter(key)
    n = len(key)
    bits = -sum(c * math.log2(c / n) for c in counts.values())
    # A pattern repeated ("abcdabcd…", also cut off mid-way) is as strong as its period.
    repeated = any(key[size:] == key[:-size] for size in range(1, n // 2 + 1))
    if repeated or len(counts) < MIN_DISTINCT_BYTES or bits < MIN_KEY_BITS:
        raise PseudonymKeyError(
            f"the pseudonym key in {source} has too little entropy ({len(counts)} distinct "
            f"characters, about {bits:.0f} bits; at least {MIN_KEY_BITS} needed, no repeated "
            f"pattern): {HOW_TO_MAKE_A_KEY}"
        )


def missing_key_message(file: str) -> str:
    """The error text for a file with personnummer but no key."""
    return (
        f"{file} contains personnummer, which are replaced by keyed pseudonyms at ingestion, "
        f"but no key was given: set the environment variable {KEY_ENV_VAR} or name a key "
        "file in the parameters (pseudonym_key_path). Keep the key outside the repository."
    )


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
