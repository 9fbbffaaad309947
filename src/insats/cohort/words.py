"""The evaluator's own words: mappings of export headers and codes onto the data contract.

Exports use other headers and other words than the contract. A parameters file may map
them (``columns:`` export header -> contract column; ``codes:`` per contract column,
export word -> contract code)::

    columns:
      Pnr: personnummer
      Startdat: start_date
    codes:
      outcome_at_exit:
        Jobb: employment
        Eget företag: employment

:func:`check_words` validates a mapping (an unknown contract column or code is an error
naming it); :func:`suggest_words` proposes, for every unknown header and code word of a
file, the closest contract name or word (difflib), as a ready block to paste.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field

from insats.cohort.schema import TableSchema, normalise_token

__all__ = ["ExportWords", "check_words", "suggest_header", "suggest_code", "format_block"]


@dataclass(frozen=True)
class ExportWords:
    """The ``columns:`` and ``codes:`` mappings of a parameters file.

    Attributes:
        columns: Export header -> contract column name.
        codes: Contract column -> {export word: contract code}.
        allow_anonymous: Rows with blank personnummer and blank id are anonymous
            participants (SUS registers people without consent so).
    """

    columns: Mapping[str, str] = field(default_factory=dict)
    codes: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    allow_anonymous: bool = False

    def code_lookup(self, column: str) -> dict[str, str]:
        """Normalised export word -> code, for one contract column."""
        return {normalise_token(w): c for w, c in (self.codes.get(column) or {}).items()}

    @property
    def empty(self) -> bool:
        return not self.columns and not self.codes and not self.allow_anonymous


def check_words(words: ExportWords, schemas: Mapping[str, TableSchema]) -> list[str]:
    """Every problem of a mapping, as messages naming the key (empty when it is fine).

    A contract column must exist in one of the tables; a code must be a code of that
    column's vocabulary; a ``codes:`` column must be a coded column.
    """
    names = {c.name: c for s in schemas.values() for c in s.columns}
    problems: list[str] = []
    for header, target in words.columns.items():
        if target not in names:
            close = difflib.get_close_matches(str(target), list(names), n=1, cutoff=0.5)
            hint = f" (did you mean {close[0]}?)" if close else ""
            problems.append(
                f'columns: "{header}": {target!r} is not a column of the data contract{hint}; '
                f"expected one of {', '.join(sorted(names))}"
            )
    for column, mapping in words.codes.items():
        col = names.get(column)
        if col is None or col.codes is None:
            coded = sorted(n for n, c in names.items() if c.codes)
            problems.append(
                f"codes: {column!r} is not a coded column of the data contract; "
                f"expected one of {', '.join(coded)}"
            )
            continue
        if not isinstance(mapping, Mapping):
            problems.append(f"codes: {column}: expected a mapping of export words to codes")
            continue
        for word, code in mapping.items():
            if code not in col.codes:
                close = difflib.get_close_matches(str(code), list(col.codes), n=1, cutoff=0.5)
                hint = f" (did you mean {close[0]}?)" if close else ""
                problems.append(
                    f'codes: {column}: "{word}": {code!r} is not a code of {column}{hint}; '
                    f"expected one of {', '.join(col.codes)}"
                )
    return problems


def _closest(word: str, choices: Mapping[str, str]) -> str | None:
    """The value of the choice whose (normalised) key is closest to ``word``.

    A word that is the start or the end of a known spelling (``Startdat`` of
    ``startdatum``, ``Orsak`` of ``avslutsorsak``) is taken first; else difflib's closest
    spelling with a similarity of at least 0.6; else nothing.
    """
    key = normalise_token(word)
    if not key:
        return None
    if len(key) >= 4:
        for spelling, value in choices.items():
            if spelling.startswith(key) or spelling.endswith(key):
                return value
    found = difflib.get_close_matches(key, list(choices), n=1, cutoff=0.6)
    return choices[found[0]] if found else None


def suggest_header(header: str, schema: TableSchema) -> str | None:
    """The contract column whose name or alias is closest to an unknown header."""
    choices: dict[str, str] = {}
    for col in schema.columns:
        for spelling in col.matches():
            choices.setdefault(spelling, col.name)
    return _closest(header, choices)


def suggest_code(word: str, vocabulary: Mapping[str, tuple[str, ...]]) -> str | None:
    """The code whose name or word is closest to an unknown code word."""
    choices: dict[str, str] = {}
    for code, aliases in vocabulary.items():
        for spelling in (code, *aliases):
            if normalise_token(spelling):
                choices.setdefault(normalise_token(spelling), code)
    return _closest(word, choices)


def _yaml_key(text: str) -> str:
    plain = text.replace('"', '\\"')
    needs_quotes = (
        not text or any(ch in text for ch in ":#{}[],&*!|>'\"%@`") or text != text.strip()
    )
    return f'"{plain}"' if needs_quotes else text


def format_block(columns: Mapping[str, str], codes: Mapping[str, Mapping[str, str]]) -> str:
    """A ``columns:`` / ``codes:`` block to paste into a parameters file."""
    lines: list[str] = []
    if columns:
        lines.append("columns:            # export header -> contract column")
        lines += [f"  {_yaml_key(h)}: {c}" for h, c in columns.items()]
    if codes:
        lines.append("codes:              # per column: export word -> contract code")
        for column, mapping in codes.items():
            lines.append(f"  {column}:")
            lines += [f"    {_yaml_key(w)}: {c}" for w, c in mapping.items()]
    return "\n".join(lines)
