"""The README's data-contract tables, generated from :mod:`insats.cohort.schema`.

``python -m insats.cohort.docs`` prints them; a test checks that the README holds each
table exactly as generated, so the schema stays the source of truth.
"""

from __future__ import annotations

import os

from insats.cohort.schema import (
    FINANCE,
    FUNNEL,
    PARTICIPANTS,
    SUPPORT_PRIORITY,
    SUS_EXIT_REASON,
    SUS_SUPPORT,
    Column,
    TableSchema,
)

__all__ = ["column_table", "contract_tables", "sus_table", "vocabulary_tables"]


def _type(col: Column) -> str:
    if col.name == "birth_year":
        return "int (1900 – this year)"
    if col.min_value is not None and col.max_value is not None:
        return f"{col.kind} ({col.min_value:g}–{col.max_value:g})"
    if col.min_value is not None:
        return f"{col.kind} ({col.min_value:g}–)"
    return col.kind


def _required(col: Column) -> str:
    if not col.required:
        return ""
    return f"yes, unless there is a {col.required_unless} column" if col.required_unless else "yes"


def column_table(schema: TableSchema) -> str:
    """One table's columns: name, Swedish headers, type, required."""
    lines = [
        f"#### {schema.name}",
        "",
        "| column | Swedish headers accepted | type | required |",
        "|---|---|---|---|",
    ]
    for col in schema.columns:
        aliases = ", ".join(col.aliases)
        lines.append(f"| `{col.name}` | {aliases} | {_type(col)} | {_required(col)} |")
    return "\n".join(lines)


def _vocabulary_title(columns: list[str]) -> str:
    if len(columns) == 1:
        return columns[0]
    prefix = os.path.commonprefix(columns)
    return f"{prefix}* ({', '.join(columns)})"


def vocabulary_tables() -> list[str]:
    """One table per code vocabulary: code and every accepted word."""
    seen: dict[int, list[str]] = {}
    vocabularies: dict[int, dict[str, tuple[str, ...]]] = {}
    for col in PARTICIPANTS.columns:
        if col.codes is not None:
            seen.setdefault(id(col.codes), []).append(col.name)
            vocabularies[id(col.codes)] = col.codes
    # README order: background codes, support, outcomes, exit reasons, then the rest.
    first = ["gender", "education", "referral", "support_at_start", "outcome_at_exit"]
    order = sorted(
        seen, key=lambda k: first.index(seen[k][0]) if seen[k][0] in first else len(first)
    )
    tables = []
    for key in order:
        columns = seen[key]
        lines = [f"#### {_vocabulary_title(columns)}", "", "| code | accepted words |", "|---|---|"]
        for code, words in vocabularies[key].items():
            shown = ", ".join(w if w.strip() else "(blank)" for w in words)
            lines.append(f"| `{code}` | {shown} |")
        tables.append("\n".join(lines))
    return tables


def sus_table() -> str:
    """SUS's own words and the codes they map to (also in the tables above)."""
    lines = [
        "#### SUS words",
        "",
        "| SUS register | SUS word | code |",
        "|---|---|---|",
    ]
    for register, table in (
        ("avslutsanledning", SUS_EXIT_REASON),
        ("försörjningskälla", SUS_SUPPORT),
    ):
        for code, words in table.items():
            for word in words:
                lines.append(f"| {register} | {word} | `{code}` |")
    lines.append("")
    lines.append(
        "Main support when several försörjningskällor are given (first wins): "
        + " > ".join(f"`{c}`" for c in SUPPORT_PRIORITY)
        + "."
    )
    return "\n".join(lines)


def contract_tables() -> list[str]:
    """Every generated table of the README's data contract, in README order."""
    return [column_table(s) for s in (PARTICIPANTS, FINANCE, FUNNEL)] + [
        *vocabulary_tables(),
        sus_table(),
    ]


if __name__ == "__main__":  # pragma: no cover
    print("\n\n".join(contract_tables()))
