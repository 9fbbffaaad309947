"""The last check before a shared report is written: nothing that identifies a person.

Every artefact (HTML, figures.json, manifest) is scanned for personnummer, the cohort's
pseudonyms and participant ids, participant-level tables and small counts in JSON. Any
hit stops the run; the error lists every hit, masked, so the message itself leaks
nothing.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser

# The one personnummer module: the same forms ingestion reads, and the evasive ones.
from insats.cohort.personnummer import find_personnummer, luhn_ok, mask_strict  # noqa: F401
from insats.disclosure.control import DisclosureError
from insats.disclosure.figures import scan_figures

# Embedded images are base64: their letters and digits are noise, not text.
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+")
# Column headers of participant-level data (normalised: lower case, letters and digits).
PARTICIPANT_HEADERS = frozenset(
    {
        "pseudonym",
        "pseudonymid",
        "participantid",
        "participant",
        "deltagarid",
        "deltagarnummer",
        "deltagarnr",
        "personnummer",
        "pnr",
        "personnr",
        "personid",
        "samordningsnummer",
        "sourcerow",
        "lopnummer",
        "lopnr",
        "fornamn",
        "efternamn",
        "firstname",
        "lastname",
        "surname",
    }
)
_JSON_FIELD = re.compile(r'"([^"\\]{1,40})"\s*:')


@dataclass(frozen=True)
class GuardHit:
    """One thing in one artefact that must not be published (masked)."""

    artifact: str
    kind: str  # personnummer, pseudonym, participant_id, participant_table, small_count
    line: int
    detail: str

    def __str__(self) -> str:
        return f"{self.artifact}, line {self.line}: {self.kind} {self.detail}"


#: The guard's listing hides the birth date too.
mask_personnummer = mask_strict


def _mask(token: str) -> str:
    return token[:3] + "…" if len(token) > 4 else "…"


def is_distinctive_id(token: str) -> bool:
    """Whether an id is specific enough to look for in a report without false alarms.

    Letters and digits (``P-0012``, ``AB123``) from four characters, digits only from
    seven, letters only from six; digits with punctuation (``2021-015``) from eight.
    Short pure numbers (``12``, ``1043``) collide with counts, years and amounts.

    >>> [is_distinctive_id(t) for t in ("P-0012", "1043", "12345678", "2021-01")]
    [True, False, True, False]
    """
    token = token.strip()
    letters = any(c.isalpha() for c in token)
    digits = any(c.isdigit() for c in token)
    if letters and digits:
        return len(token) >= 4
    if token.isdigit():
        return len(token) >= 7
    if letters:
        return len(token) >= 6
    return digits and len(token) >= 8


_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_RUN = re.compile(r"[A-Za-z0-9]+")


class _TokenFinder:
    """Finds whole tokens in a text exactly as one regex
    ``(?<![A-Za-z0-9])(?:t1|t2|...)(?![A-Za-z0-9])`` of all of them would, in time
    linear in the text and the tokens.

    Such a regex of 100 000 ids takes seconds to compile and match. A token that begins
    and ends with an ASCII letter or digit can only match where a maximal run of them
    begins, and its own first run must then be that whole run. So the text is split into
    runs once, the runs looked up in a set of first runs, and the regex built of only the
    few tokens whose first run occurs (tokens that cannot match anywhere change nothing
    of what the full regex finds). Tokens that begin or end otherwise (``-x1``,
    ``Åsa12``) are always kept.
    """

    def __init__(self, tokens: Iterable[str]) -> None:
        self._by_run: dict[str, list[str]] = defaultdict(list)
        self._odd: list[str] = []
        for t in {t.strip() for t in tokens if t and t.strip()}:
            if t[0] in _ALNUM and t[-1] in _ALNUM:
                self._by_run[_RUN.match(t).group(0)].append(t)  # type: ignore[union-attr]
            else:
                self._odd.append(t)

    def __bool__(self) -> bool:
        return bool(self._by_run) or bool(self._odd)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        runs = set(_RUN.findall(text)).intersection(self._by_run)
        candidates = [*self._odd, *(t for run in runs for t in self._by_run[run])]
        if not candidates:
            return iter(())
        body = "|".join(re.escape(t) for t in sorted(candidates, key=len, reverse=True))
        return re.finditer(rf"(?<![A-Za-z0-9])(?:{body})(?![A-Za-z0-9])", text)


class _Tables(HTMLParser):
    """Collect every HTML table as rows of (cell text, is header)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[tuple[int, list[list[tuple[str, bool]]]]] = []
        self._stack: list[list[list[tuple[str, bool]]]] = []
        self._cell: list[str] | None = None
        self._is_header = False

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "table":
            self._stack.append([])
            self.tables.append((self.getpos()[0], self._stack[-1]))
        elif tag == "tr" and self._stack:
            self._stack[-1].append([])
        elif tag in ("td", "th") and self._stack:
            self._cell, self._is_header = [], tag == "th"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._stack:
            if not self._stack[-1]:
                self._stack[-1].append([])
            self._stack[-1][-1].append(("".join(self._cell).strip(), self._is_header))
            self._cell = None
        elif tag == "table" and self._stack:
            self._stack.pop()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _normalise_header(text: str) -> str:
    table = str.maketrans("åäöéü", "aaoeu")
    return re.sub(r"[^a-z0-9]", "", text.lower().translate(table))


def _id_like(text: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z0-9_-]{4,}", text)) and is_distinctive_id(text)


def _participant_tables(text: str, cohort_size: int | None) -> list[tuple[int, str]]:
    parser = _Tables()
    try:
        parser.feed(text)
        parser.close()
    except Exception:  # noqa: BLE001 - a malformed page is scanned by the other rules
        return []
    found = []
    for line, rows in parser.tables:
        if not rows:
            continue
        header = [t for t, is_th in rows[0] if is_th] if rows else []
        bad = [h for h in header if _normalise_header(h) in PARTICIPANT_HEADERS]
        if bad:
            found.append((line, f"column header {bad[0]!r}"))
            continue
        body = rows[1:] if header else rows
        if cohort_size and len(body) >= max(cohort_size, 5):
            width = max(len(r) for r in body)
            for c in range(width):
                cells = [r[c][0] for r in body if len(r) > c]
                if len(set(cells)) == len(cells) and all(_id_like(x) for x in cells):
                    found.append((line, f"{len(body)} rows with an id-like column"))
                    break
    return found


def scan_artifact(
    text: str,
    *,
    pseudonyms: Iterable[str] = (),
    participant_ids: Iterable[str] = (),
    min_cell_count: int = 5,
    cohort_size: int | None = None,
    name: str = "artifact",
) -> list[GuardHit]:
    """Everything in one artefact that could identify a participant.

    Args:
        text: the artefact's text (HTML, JSON, ...).
        pseudonyms: the cohort's pseudonyms (all are looked for, if at least 6 long or
            distinctive).
        participant_ids: the cohort's ids (looked for when :func:`is_distinctive_id`).
        min_cell_count: small counts under count keys are hits in JSON artefacts.
        cohort_size: persons in the cohort; a table with at least as many rows and a
            column of distinct id-like values is a participant-level table.
        name: the artefact's name, for the messages.

    Returns:
        The hits, masked, in order of line.
    """
    clean = _DATA_URI.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)

    def line_of(offset: int) -> int:
        return clean.count("\n", 0, offset) + 1

    hits: list[GuardHit] = []
    for offset, match in find_personnummer(clean):
        hits.append(GuardHit(name, "personnummer", line_of(offset), mask_personnummer(match)))
    for kind, tokens in (
        ("pseudonym", [p for p in pseudonyms if p and (len(p) >= 6 or is_distinctive_id(p))]),
        ("participant_id", [i for i in participant_ids if i and is_distinctive_id(str(i))]),
    ):
        finder = _TokenFinder(map(str, tokens))
        if not finder:
            continue
        for m in finder.finditer(clean):
            hits.append(GuardHit(name, kind, line_of(m.start()), _mask(m.group(0))))
    if "<table" in clean.lower():
        for line, detail in _participant_tables(clean, cohort_size):
            hits.append(GuardHit(name, "participant_table", line, detail))
    stripped = clean.lstrip()
    if stripped.startswith(("{", "[")):
        for m in _JSON_FIELD.finditer(clean):
            if _normalise_header(m.group(1)) in PARTICIPANT_HEADERS:
                hits.append(
                    GuardHit(name, "participant_table", line_of(m.start()), f"field {m.group(1)!r}")
                )
        try:
            data = json.loads(clean)
        except ValueError:
            data = None
        if data is not None:
            for path in scan_figures(data, min_cell_count):
                key = re.findall(r"\.([^.\[\]]+)", path)[-1]
                where = clean.find(f'"{key}"')
                hits.append(GuardHit(name, "small_count", line_of(max(where, 0)), path))
    return sorted(hits, key=lambda h: (h.line, h.kind))


def guard_outputs(
    artifacts: Mapping[str, str | bytes],
    *,
    pseudonyms: Iterable[str] = (),
    participant_ids: Iterable[str] = (),
    min_cell_count: int = 5,
    cohort_size: int | None = None,
) -> None:
    """Scan every artefact of a shared report; raise if anything could identify a person.

    Call before writing anything: on an error, write nothing.

    Raises:
        DisclosureError: listing every hit of every artefact (masked).
    """
    pseudonyms, participant_ids = list(pseudonyms), [str(i) for i in participant_ids]
    hits: list[GuardHit] = []
    for name, content in artifacts.items():
        text = content.decode("utf-8", errors="replace") if isinstance(content, bytes) else content
        hits += scan_artifact(
            text,
            pseudonyms=pseudonyms,
            participant_ids=participant_ids,
            min_cell_count=min_cell_count,
            cohort_size=cohort_size,
            name=name,
        )
    if hits:
        raise DisclosureError(
            f"the shared report was not written: {len(hits)} thing(s) could identify a "
            "participant:\n  " + "\n  ".join(str(h) for h in hits)
        )
