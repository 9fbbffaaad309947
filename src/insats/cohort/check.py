"""Check an export of any kind against the data contract: :func:`validate_file`.

Above :mod:`insats.cohort.validate` and :mod:`insats.cohort.activities` (which builds on
it), so that the one entry point of ``insats validate`` can reach both.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from insats.cohort import activities
from insats.cohort.read import SCHEMAS, ReadError, detect_kind
from insats.cohort.schema import normalise_token
from insats.cohort.shapes import read_export
from insats.cohort.validate import (
    Problem,
    ValidationReport,
    _finance,
    _funnel,
    _participants,
)
from insats.cohort.words import ExportWords

__all__ = ["validate_file"]


def validate_file(
    path: str | Path,
    kind: str | None = None,
    *,
    key: bytes | None = None,
    today: date | None = None,
    sheet: str | None = None,
    words: ExportWords | None = None,
    project: str | None = None,
) -> ValidationReport:
    """Check a file against the data contract without keeping any data.

    Args:
        path: The export.
        kind: ``participants``, ``finance`` or ``funnel``; detected from the headers
            when ``None``.
        key: Not needed: personnummer are checked (date, check digit) but not hashed.
        today: Reference day for "not in the future".
        sheet: Worksheet of a workbook.
        words: The evaluator's ``columns:`` / ``codes:`` (``insats validate --params``).
        project: The insats a funnel without an insats row belongs to.

    Returns:
        The report (``report.ok`` is False when the file cannot be used).
    """
    del key  # validation never needs the key; the parameter mirrors load_participants
    today = today or date.today()

    name = Path(path).name
    try:
        raw = read_export(path, table=kind, sheet=sheet, project=project)
    except ReadError as exc:
        return ValidationReport(
            name, kind, 0, [Problem(name, None, None, None, f"a readable table: {exc}")]
        )
    if kind is None:
        own = {normalise_token(h): c for h, c in (words.columns if words else {}).items()}
        kind = detect_kind([own.get(normalise_token(h), h) for h in raw.header])
        if kind is None:
            return ValidationReport(
                name,
                None,
                raw.n_rows,
                [
                    Problem(
                        name,
                        None,
                        None,
                        None,
                        "the headers of a participants, finance or funnel table (none of "
                        f"{', '.join(repr(h) for h in raw.header[:8])} matches)",
                    )
                ],
            )
        if raw.sheet is not None and sheet is None:
            raw = read_export(path, table=kind, project=project)
    if kind not in SCHEMAS:
        raise ValueError(f"kind must be one of {', '.join(SCHEMAS)}, not {kind!r}")
    try:
        if kind == "participants":
            _, report = _participants(raw, key=None, today=today, need_key=False, words=words)
        elif kind == "finance":
            _, report = _finance(raw, today=today, words=words)
        elif kind in ("activities", "product_goals"):
            convert = activities._activities if kind == "activities" else activities._product_goals
            _, report = convert(raw, today=today)
        else:
            _, report = _funnel(raw, today=today, words=words)
    finally:
        raw.data = raw.data.iloc[:0, :0]
    return report
