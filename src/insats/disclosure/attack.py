"""An independent attacker: what a careful reader can work out from everything published.

The planner (:mod:`insats.disclosure._solver`) decides what to hide greedily, with its own
exact audit. This module checks its result another way, as a reader would attack it:
it takes every published number and every relation a reader knows, and asks linear
programming (scipy's HiGHS) for the smallest and largest value of every hidden cell.
A hidden cell whose feasible interval is narrower than the protection interval (one
whole person: a reader who can narrow a hidden count to a single whole number has it)
is *exposed*, and the shared report must not be written.

Two attacks run in every run for a nämnd:

- :func:`audit_publication`, in the report's kernel, over the report's one publication
  model: every count table cell, every number of a sentence or of figures.json and
  every relation between them (margins, composites as sums, period and year to date,
  and the inequalities a reader knows: a period's exits are among its enrolled),
  including the numbers released earlier to the same nämnd (the publication register).
- :func:`audit_html`, in the runner, over the final ``report.html`` alone: every table
  with a total row or column is read back from the HTML (shown numbers, ".." as
  unknowns of at least 1) and attacked on its own margins, so a table that reached the
  page other than as planned is caught too.

Neither prints a hidden value: messages name the cell, never its count.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

import numpy as np

from insats.disclosure.control import DisclosureError

#: A hidden count is protected when a reader cannot narrow it to less than this width.
PROTECTION_WIDTH = 1.0 - 1e-6


@dataclass(frozen=True)
class Exposure:
    """A hidden cell a reader can narrow too far (its value is never kept here)."""

    where: str
    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.where}: a reader can narrow it to less than one whole person"


def _components(hidden: Iterable[Hashable], lines: Sequence[tuple]) -> list[tuple[list, list]]:
    parent = {k: k for k in hidden}

    def find(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    touching = []
    for total, members in lines:
        inside = [c for c in (total, *members) if c in parent]
        if not inside:
            continue
        touching.append(((total, members), inside[0]))
        for other in inside[1:]:
            parent[find(other)] = find(inside[0])
    cells, rows = defaultdict(list), defaultdict(list)
    for k in parent:
        cells[find(k)].append(k)
    for line, cell in touching:
        rows[find(cell)].append(line)
    return [(cells[root], rows[root]) for root in cells]


def feasible_intervals(
    shown: Mapping[Hashable, float],
    hidden: Iterable[Hashable],
    lines: Sequence[tuple[Hashable, Sequence[Hashable]]],
    lower: float = 1.0,
    floors: Mapping[Hashable, float] | None = None,
) -> dict[Hashable, tuple[float, float]]:
    """The smallest and largest value of every hidden cell that a reader cannot rule out.

    Args:
        shown: the published value of every shown cell.
        hidden: the hidden cells (zeros are always shown, so each is at least ``lower``).
        lines: ``(total, members)``: total = sum of members, as the reader knows.
        lower: the reader's lower bound of a hidden cell.
        floors: other lower bounds of some hidden cells (a cell no report shows, such as
            the whole project's count minus a subset's, may be zero).

    Returns:
        {hidden cell: (min, max)}; max is ``inf`` when nothing bounds it.

    >>> feasible_intervals({"t": 9, "b": 6}, ["a"], [("t", ("a", "b"))])
    {'a': (3.0, 3.0)}
    """
    from scipy.optimize import linprog

    hidden = [k for k in dict.fromkeys(hidden) if k not in shown]
    out: dict[Hashable, tuple[float, float]] = {}
    for cells, rows in _components(hidden, lines):
        index = {k: i for i, k in enumerate(cells)}
        a_eq = np.zeros((len(rows), len(cells)))
        b_eq = np.zeros(len(rows))
        for r, (total, members) in enumerate(rows):
            for cell, sign in [*((m, 1.0) for m in members), (total, -1.0)]:
                if cell in index:
                    a_eq[r, index[cell]] += sign
                elif cell in shown:
                    b_eq[r] -= sign * float(shown[cell])
                else:  # a cell nobody published: the line tells the reader nothing
                    a_eq[r, :] = 0
                    b_eq[r] = 0
                    break
        keep = np.any(a_eq != 0, axis=1)
        a, b = (a_eq[keep], b_eq[keep]) if keep.any() else (None, None)
        bounds = [((floors or {}).get(k, lower), None) for k in cells]
        for k, i in index.items():
            floor = bounds[i][0]
            if a is None:
                out[k] = (floor, np.inf)
                continue
            c = np.zeros(len(cells))
            c[i] = 1.0
            low = linprog(c, A_eq=a, b_eq=b, bounds=bounds, method="highs")
            high = linprog(-c, A_eq=a, b_eq=b, bounds=bounds, method="highs")
            lo = float(low.fun) if low.status == 0 else floor
            hi = np.inf if high.status == 3 else (float(-high.fun) if high.status == 0 else np.inf)
            out[k] = (lo, hi)
    return out


def exposures(
    shown: Mapping[Hashable, float],
    hidden: Iterable[Hashable],
    lines: Sequence[tuple[Hashable, Sequence[Hashable]]],
    describe=str,
    floors: Mapping[Hashable, float] | None = None,
    quiet: Iterable[Hashable] = (),
) -> list[Exposure]:
    """Hidden cells whose feasible interval is narrower than :data:`PROTECTION_WIDTH`.

    ``quiet`` cells are unknowns of the system but not attacked (a rest that is no small
    count: a reader may know it, as she may any shown count).
    """
    found = []
    quiet = set(quiet)
    for key, (lo, hi) in feasible_intervals(shown, hidden, lines, floors=floors).items():
        # A hidden cell that can only be 0 gives no one away: zeros are never hidden
        # for their own sake, and it is hidden only beside a small count of its row
        # (the "Antal" 0 of a group whose n is hidden, when the total is 0 of 15).
        if key not in quiet and hi - lo < PROTECTION_WIDTH and hi >= 1 - 1e-6:
            found.append(Exposure(describe(key), lo, hi))
    return sorted(found, key=lambda e: e.where)


def _describe_key(key) -> str:
    try:
        parts = sorted(f"{d}={v}" for d, v in key if d != "table")
    except (TypeError, ValueError):
        return str(key)
    return ", ".join(parts) or "the whole population"


def audit_publication(control, *, released: Mapping | None = None) -> list[Exposure]:
    """Attack everything a report publishes, by its one publication model.

    Args:
        control: the report's :class:`~insats.disclosure.DisclosureControl` after the
            report is rendered.
        released: {key: count} released earlier to the same nämnd (publication
            register): known to the reader, so they count as shown.

    Returns:
        The exposed hidden cells (empty: every hidden cell is protected).
    """
    if not control.active:
        return []
    values, hidden, lines = control.published()
    shown = {k: v for k, v in values.items() if k not in hidden}
    shown.update(dict(released or {}))
    pairs = [(line.total, line.members) for line in lines]
    # The rests of overlapping reports (whole minus subset) are shown nowhere: at least
    # zero to a reader, and attacked only when they are a small count.
    rests = control.unpublished
    # Cells another scope's report hid: at least 1 to a reader, attacked only when small.
    quiet = [
        k
        for k in (*rests, *control.hidden_elsewhere)
        if not control.is_suppressed_count(values.get(k))
    ]
    # The differences of inequalities (enrolled = exited + slack): at least 0, never
    # attacked themselves (a difference of two shown counts tells what they tell).
    slack = control.slack
    attacked = [k for k in hidden if k not in shown]
    floors = dict.fromkeys([*rests, *slack], 0.0)
    found = exposures(shown, attacked, pairs, _describe_key, floors=floors, quiet=[*quiet, *slack])
    earlier = control.earlier_releases
    if not found or not earlier:
        return found
    # A hidden cell the earlier reports already give, with this report's zeros (never
    # hidden) and its relations, was given to the nämnd before this report: no choice
    # of this report's cells protects it, and hiding it again adds nothing (attack round
    # 10: 2020-T3's 10 enrolled and 6 exits in a group are the 4 enrolled in 2021-T1
    # when none is new). It stays hidden here, and is noted, not a stop.
    known = {k: v for k, v in shown.items() if k in earlier or v == 0}
    before = exposures(known, attacked, pairs, _describe_key, floors=floors, quiet=[*quiet, *slack])
    given = {e.where for e in before}
    if given & {e.where for e in found}:
        control.overlap_notes.append(
            f"{len(given & {e.where for e in found})} hidden count(s) were given already by "
            "reports released earlier (with this report's zeros): hidden here too"
        )
    return [e for e in found if e.where not in given]


# --- the final HTML, read back --------------------------------------------------------
class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self._stack: list[dict] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._stack.append({"caption": "", "rows": []})
            self.tables.append(self._stack[-1])
        elif not self._stack:
            return
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._stack[-1]["rows"].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if not self._stack:
            return
        if tag == "caption" and self._caption is not None:
            self._stack[-1]["caption"] = "".join(self._caption).strip()
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None:
            rows = self._stack[-1]["rows"]
            if not rows:
                rows.append([])
            rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._stack.pop()

    def handle_data(self, data):
        for buffer in (self._caption, self._cell):
            if buffer is not None:
                buffer.append(data)


_COUNT = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f]\d{3})*$|^\d+$")


def _value(text: str, mark: str) -> float | str | None:
    text = text.strip()
    if text == mark:
        return mark
    if _COUNT.match(text):
        return float(re.sub(r"\D", "", text))
    return None


def audit_html(
    html: str,
    *,
    total_label: str = "Totalt",
    mark: str = "..",
    all_label: str = "Alla",
    base_label: str = "Antal deltagare",
) -> list[Exposure]:
    """Attack every count table of a final report page on its own margins.

    A table qualifies when its last row or last column is labelled ``total_label`` and
    its cells are counts or ``mark``; each row (column) with a total is an equation. A
    table of results whose first row is labelled ``all_label`` (everyone, then each
    group) qualifies too: each of its count columns ("Antal", and ``base_label``, the
    group's size) is the first row's count = the sum of the rows below; its other
    columns (shares, intervals, text) are left out.

    Returns:
        The exposed hidden cells, named by table caption, row and column.
    """
    parser = _Tables()
    parser.feed(re.sub(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+", "", html))
    parser.close()
    found: list[Exposure] = []
    for t, table in enumerate(parser.tables):
        rows = table["rows"]
        if len(rows) < 2 or not rows[0]:
            continue
        header, body = rows[0], rows[1:]
        width = len(header)
        if any(len(r) != width for r in body):
            continue
        name = table["caption"] or f"table {t + 1}"

        def describe(key, name=name, body=body, header=header):
            return f"{name!r}, row {body[key[0]][0]!r}, column {header[key[1]]!r}"

        if body[0][0] == all_label and len(body) > 2:
            found += _attack_all_first(body, header, mark, base_label, describe)
            continue
        has_total_col = header[-1] == total_label
        has_total_row = body[-1][0] == total_label
        if not (has_total_col or has_total_row):
            continue
        cells = {
            (i, j): _value(row[j], mark) for i, row in enumerate(body) for j in range(1, width)
        }
        if any(v is None for v in cells.values()):
            continue  # not a table of counts (shares, amounts, text)
        hidden = [k for k, v in cells.items() if v == mark]
        if not hidden:
            continue
        # every other cell is a count (no None above): a float
        shown: dict[Hashable, float] = {k: v for k, v in cells.items() if isinstance(v, float)}
        lines = []
        last_i, last_j = len(body) - 1, width - 1
        if has_total_col:
            for i in range(len(body)):
                lines.append(((i, last_j), tuple((i, j) for j in range(1, last_j))))
        if has_total_row:
            for j in range(1, width):
                lines.append(((last_i, j), tuple((i, j) for i in range(last_i))))

        found += exposures(shown, hidden, lines, describe)
    return found


def _attack_all_first(
    body: list[list[str]], header: list[str], mark: str, base_label: str, describe
) -> list[Exposure]:
    """A results table with everyone first: every count column adds up to its first row.

    A column qualifies when every cell is a count or ``mark`` (a column of shares or
    intervals does not). A hidden group size (``base_label``) is at least 1, since a
    group without anyone is not listed; a hidden count may be zero (it is hidden with
    its share when the group is small), so a reader knows only that it is at least 0.
    """
    shown: dict[Hashable, float] = {}
    floors: dict[Hashable, float] = {}
    lines = []
    for j in range(1, len(header)):
        column = [_value(row[j], mark) for row in body]
        if any(v is None for v in column):
            continue
        for i, v in enumerate(column):
            if v == mark:
                floors[(i, j)] = 1.0 if header[j] == base_label else 0.0
            else:
                shown[(i, j)] = float(v)  # type: ignore[arg-type]  # a count (not None, not mark)
        lines.append(((0, j), tuple((i, j) for i in range(1, len(body)))))
    if not floors:
        return []
    return exposures(shown, list(floors), lines, describe, floors=floors)


def raise_if_exposed(found: Sequence[Exposure], where: str) -> None:
    """Stop the run when a hidden cell is exposed (the message holds no hidden value)."""
    if found:
        raise DisclosureError(
            f"the shared report was not written: {len(found)} hidden count(s) in {where} "
            "could be worked out from what the report publishes:\n  "
            + "\n  ".join(str(e) for e in found[:20])
            + ("\n  ..." if len(found) > 20 else "")
        )


__all__ = [
    "PROTECTION_WIDTH",
    "Exposure",
    "audit_html",
    "audit_publication",
    "exposures",
    "feasible_intervals",
    "raise_if_exposed",
]
