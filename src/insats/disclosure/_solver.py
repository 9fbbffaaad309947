"""Secondary suppression: hide further cells until no hidden cell can be recomputed.

Cells are identified by *keys* (what population they count), so one cell shared by
several tables is one unknown. A *line* is a row or column of a table with totals: the
sum of its member cells equals its total cell. A reader knows every shown value, every
line equation, and that every hidden cell is at least 1 (zeros are always shown, so a
hidden cell is never zero). A hidden cell is *exposed* when these facts pin it down to a
single whole number.

The search is greedy: close every line that has exactly one hidden cell (the classic
rule), then audit the whole system exactly (null space for the equations, linear
programming when the lower bound of 1 binds) and hide one more cell near each exposed
cell, until nothing is exposed.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.linalg import null_space
from scipy.optimize import linprog

Key = Hashable

# A hidden cell whose value can still vary by less than one whole person is exposed.
_MIN_WIDTH = 1.0 - 1e-6


@dataclass(frozen=True)
class Line:
    """``sum(members) == total`` for one row or column of a table."""

    total: Key
    members: tuple[Key, ...]

    @property
    def cells(self) -> tuple[Key, ...]:
        return (*self.members, self.total)


@dataclass
class Solution:
    hidden: set[Key]
    unprotectable: list[Key]


def _components(hidden: Iterable[Key], lines: Sequence[Line]) -> list[list[Key]]:
    """Groups of hidden cells linked by shared lines (independent sub-systems)."""
    parent: dict[Key, Key] = {k: k for k in hidden}

    def find(k: Key) -> Key:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for line in lines:
        inside = [c for c in line.cells if c in parent]
        for other in inside[1:]:
            parent[find(other)] = find(inside[0])
    groups: dict[Key, list[Key]] = defaultdict(list)
    for k in parent:
        groups[find(k)].append(k)
    return list(groups.values())


def find_exposed(
    values: Mapping[Key, int],
    lines: Sequence[Line],
    hidden: set[Key],
    order: Mapping[Key, int],
    lower: int = 1,
    only: Key | None = None,
) -> list[Key]:
    """Hidden cells that a reader can recompute exactly.

    Args:
        values: the true count of every cell.
        lines: the row/column equations the reader knows.
        hidden: the cells not shown.
        order: a stable sort order of keys.
        lower: what the reader knows of a hidden cell's lower bound (1: zeros are shown).
        only: audit just this key (the others are still unknowns of the system).

    Returns:
        The exposed keys, in ``order``.
    """
    if not hidden:
        return []
    cols = sorted(hidden, key=order.__getitem__)
    index = {k: i for i, k in enumerate(cols)}
    rows: list[np.ndarray] = []
    rhs: list[float] = []
    for line in lines:
        if not any(c in index for c in line.cells):
            continue
        row = np.zeros(len(cols))
        const = 0.0
        for cell, coef in [*((m, 1.0) for m in line.members), (line.total, -1.0)]:
            if cell in index:
                row[index[cell]] += coef
            else:
                const -= coef * values[cell]
        rows.append(row)
        rhs.append(const)
    a_eq = np.array(rows) if rows else np.zeros((0, len(cols)))
    b_eq = np.array(rhs)
    # Without bounds, a hidden cell can move iff some null-space direction moves it.
    basis = null_space(a_eq) if rows else np.eye(len(cols))
    moving = np.linalg.norm(basis, axis=1) > 1e-9 if basis.size else np.zeros(len(cols), bool)
    tested = cols if only is None else [only]
    exposed = {k for k in tested if not moving[index[k]]}
    # Away from its bound every direction is feasible for a small step; only components
    # holding a cell at the lower bound need the exact linear programme.
    for group in _components(hidden, lines):
        if not any(values[k] <= lower for k in group):
            continue
        for k in group:
            if k in exposed or (only is not None and k != only):
                continue
            c = np.zeros(len(cols))
            c[index[k]] = 1.0
            low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=(lower, None), method="highs")
            high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=(lower, None), method="highs")
            if low.status == 0 and high.status == 0 and (-high.fun - low.fun) < _MIN_WIDTH:
                exposed.add(k)
    return sorted(exposed, key=order.__getitem__)


def solve(
    values: Mapping[Key, int],
    lines: Sequence[Line],
    *,
    min_cell_count: int,
    is_total: set[Key],
    order: Mapping[Key, int],
    locked_shown: Iterable[Key] = (),
    forced_hidden: Iterable[Key] = (),
) -> Solution:
    """Choose the cells to hide: primary (1..min-1), forced, then secondary.

    Args:
        values: true count per key.
        lines: row and column equations of every table in the problem.
        min_cell_count: counts from 1 to this minus one are hidden.
        is_total: keys shown as a total somewhere (hidden only when nothing else helps).
        order: stable order of keys (ties are broken by it, so results are reproducible).
        locked_shown: keys already shown elsewhere: never hidden.
        forced_hidden: keys already hidden elsewhere: always hidden.

    Returns:
        The hidden keys and the keys that could not be protected.
    """
    locked = set(locked_shown)
    hidden = {k for k, v in values.items() if 0 < v < min_cell_count}
    hidden |= {k for k in forced_hidden if k in values}
    lines_of: dict[Key, list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        for cell in line.cells:
            lines_of[cell].append(i)

    def hideable(k: Key) -> bool:
        return k not in hidden and k not in locked and values[k] > 0

    def n_hidden(line: Line) -> int:
        return sum(c in hidden for c in line.cells)

    def cost(k: Key, line_index: int | None) -> tuple:
        """Prefer, in turn: not a dead end (a line left with k as its only hidden cell
        and nothing else to hide), not a total, closing lines rather than opening them,
        the smallest value."""
        new, fixed, dead = 0, 0, False
        for i in lines_of[k]:
            if i == line_index:
                continue
            h = n_hidden(lines[i])
            new += h == 0
            fixed += h == 1
            if h == 0 and not any(hideable(c) for c in lines[i].cells if c != k):
                dead = True
        return (dead, k in is_total, new - fixed, values[k], order[k])

    def close_lines() -> None:
        changed = True
        while changed:
            changed = False
            for i, line in enumerate(lines):
                if n_hidden(line) != 1:
                    continue
                candidates = [c for c in line.cells if hideable(c)]
                if candidates:
                    hidden.add(min(candidates, key=lambda c, i=i: cost(c, i)))
                    changed = True

    def nearby(k: Key) -> list[Key]:
        """Hideable cells by distance from k along lines (nearest layer that has any)."""
        seen_lines: set[int] = set()
        seen_cells = {k}
        frontier = deque([k])
        while frontier:
            layer: list[Key] = []
            next_frontier: deque[Key] = deque()
            for cell in frontier:
                for i in lines_of[cell]:
                    if i in seen_lines:
                        continue
                    seen_lines.add(i)
                    for other in lines[i].cells:
                        if other not in seen_cells:
                            seen_cells.add(other)
                            next_frontier.append(other)
                            if hideable(other):
                                layer.append(other)
            if layer:
                return layer
            frontier = next_frontier
        return []

    given_up: set[Key] = set()
    fixable: dict[Key, bool] = {}
    for _ in range(2 * len(values) + 2):
        close_lines()
        exposed = [k for k in find_exposed(values, lines, hidden, order) if k not in given_up]
        if not exposed:
            break
        target = exposed[0]
        candidates = nearby(target)
        if candidates and target not in fixable:
            # Hidden plus hideable cells is the same set all along, so ask only once.
            everything = hidden | {k for k in values if hideable(k)}
            fixable[target] = not find_exposed(values, lines, everything, order, only=target)
        if not fixable.get(target, False):
            candidates = []
        if not candidates:
            given_up.add(target)
            continue
        hidden.add(min(candidates, key=lambda c: cost(c, None)))
    return Solution(hidden=hidden, unprotectable=sorted(given_up, key=order.__getitem__))
