"""The cohort data contract: schema, reading exports, validation and pseudonymisation.

Typical use::

    from insats.cohort import load_participants, resolve_pseudonym_key

    cohort = load_participants("deltagare.csv", key=resolve_pseudonym_key(None))
    cohort.data  # canonical frame, personnummer replaced by pseudonyms
"""

from insats.cohort.check import validate_file
from insats.cohort.pseudonymise import (
    KEY_ENV_VAR,
    PseudonymKeyError,
    PseudonymKeyMissing,
    check_personnummer,
    mask_personnummer,
    pseudonymise,
    resolve_pseudonym_key,
)
from insats.cohort.read import RawTable, ReadError, detect_kind, read_table
from insats.cohort.validate import (
    PARTICIPANT_COLUMNS,
    Cohort,
    Problem,
    ValidationFailed,
    ValidationReport,
    load_finance,
    load_funnel,
    load_participants,
)

__all__ = [
    "KEY_ENV_VAR",
    "PARTICIPANT_COLUMNS",
    "Cohort",
    "Problem",
    "PseudonymKeyError",
    "PseudonymKeyMissing",
    "RawTable",
    "ReadError",
    "ValidationFailed",
    "ValidationReport",
    "check_personnummer",
    "detect_kind",
    "load_finance",
    "load_funnel",
    "load_participants",
    "mask_personnummer",
    "pseudonymise",
    "read_table",
    "resolve_pseudonym_key",
    "validate_file",
]
