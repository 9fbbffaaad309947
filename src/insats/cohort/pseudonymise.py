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

# The one personnummer module; re-exported here for the callers of this module.
from insats.cohort.personnummer import check_personnummer, mask_personnummer

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
