"""Secondary suppression: hide further cells until no hidden cell can be recomputed.

Cells are identified by *keys* (what population they count), so one cell shared by
several tables is one unknown. A *line* is a row or column of a table with totals: the
sum of its member cells equals its total cell. A reader knows every shown value, every
line equation, and that every hidden cell is at least 1 (zeros are always shown, so a
hidden cell is never zero). A hidden cell is *exposed* when these facts pin it down to a
single whole number.

The search is greedy: close every line that has exactly one hidden cell (the classic
rule), then audit the whole system exactly and hide one more cell near each exposed
cell, until nothing is exposed.

The audit splits the system into components (hidden cells linked by lines they share:
no equation connects two components) and proves cells safe by exhibiting feasible
points that differ in them by a whole person; only the cells left over get their own
minimum and maximum by linear programming (one HiGHS model per component, only its
objective changing). Exact elimination settles the cells the equations alone pin down
when a programme fails. Components already audited are cached.

The greedy search audits incrementally: a cell once proven safe is never audited again
in the same search (see :func:`solve` for why that is exact), so each step solves linear
programmes only for the cells hidden since and the cells still exposed.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from typing import Any

import numpy as np

# A cell's key: any hashable value (frozensets in control, (row, column) in attack). Any,
# not Hashable: Mapping is invariant in its key, and callers pass their own key types.
Key = Any

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


def _components(hidden: Iterable[Key], lines: Sequence[Line]) -> list[tuple[list[Key], list[Line]]]:
    """Groups of hidden cells linked by shared lines (independent sub-systems), each with
    the lines that hold any of its cells.
    """
    parent: dict[Key, Key] = {k: k for k in hidden}

    def find(k: Key) -> Key:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    touching: list[tuple[Line, Key]] = []
    for line in lines:
        inside = [c for c in line.cells if c in parent]
        if not inside:
            continue
        touching.append((line, inside[0]))
        for other in inside[1:]:
            parent[find(other)] = find(inside[0])
    groups: dict[Key, list[Key]] = defaultdict(list)
    for k in parent:
        groups[find(k)].append(k)
    group_lines: dict[Key, list[Line]] = defaultdict(list)
    for line, cell in touching:
        group_lines[find(cell)].append(line)
    return [(cells, group_lines[root]) for root, cells in groups.items()]


def _system(
    cols: Sequence[Key], lines: Sequence[Line], values: Mapping[Key, int]
) -> tuple[np.ndarray, np.ndarray]:
    """The reader's equations ``A x = b`` in the hidden cells ``cols`` of one component."""
    index = {k: i for i, k in enumerate(cols)}
    a_eq = np.zeros((len(lines), len(cols)))
    b_eq = np.zeros(len(lines))
    for r, line in enumerate(lines):
        for cell, coef in [*((m, 1.0) for m in line.members), (line.total, -1.0)]:
            if cell in index:
                a_eq[r, index[cell]] += coef
            else:
                b_eq[r] -= coef * values[cell]
    return a_eq, b_eq


def _pinned_by_equations(cols: Sequence[Key], lines: Sequence[Line]) -> set[Key]:
    """Hidden cells no solution of the homogeneous equations can move.

    Exact sparse Gauss-Jordan elimination over the rationals (coefficients are small
    integers, and no rounding tolerance can then call a moving cell pinned or the other
    way round). A cell is pinned iff its unit vector lies in the row space, that is iff
    its column holds a pivot whose reduced row has no other entry.

    >>> a, b, c = "a", "b", "c"
    >>> sorted(_pinned_by_equations([a, b], [Line(c, (a, b))]))  # a + b = shown total
    []
    >>> sorted(_pinned_by_equations([a, b], [Line(c, (a, b)), Line(c, (a,))]))
    ['a', 'b']
    """
    index = {k: i for i, k in enumerate(cols)}
    pivots: dict[int, dict[int, Fraction]] = {}  # pivot column -> its reduced row
    holders: dict[int, set[int]] = defaultdict(set)  # column -> pivot rows holding it
    for line in lines:
        row: dict[int, Fraction] = defaultdict(Fraction)
        for cell, coef in [*((m, 1) for m in line.members), (line.total, -1)]:
            if cell in index:
                row[index[cell]] += coef
        row = {j: v for j, v in row.items() if v}
        for j in [j for j in row if j in pivots]:
            factor = row.get(j)
            if not factor:
                continue
            for col, v in pivots[j].items():
                new = row.get(col, 0) - factor * v
                if new:
                    row[col] = new
                else:
                    row.pop(col, None)
        if not row:
            continue
        # Pivot on the column held by the fewest reduced rows: least fill-in.
        p = min(row, key=lambda j: (len(holders[j]), j))
        scale = row[p]
        row = {j: Fraction(v) / scale for j, v in row.items()}
        for q in list(holders[p]):
            target = pivots[q]
            factor = target[p]
            for col, v in row.items():
                new = target.get(col, 0) - factor * v
                if new:
                    if col not in target:
                        holders[col].add(q)
                    target[col] = new
                else:
                    target.pop(col, None)
                    holders[col].discard(q)
        pivots[p] = row
        for col in row:
            holders[col].add(p)
    return {cols[p] for p, row in pivots.items() if len(row) == 1}


def _audit(  # noqa: C901 - the exact audit of one component; split, its invariant would be harder to see
    cols: list[Key],
    lines: Sequence[Line],
    values: Mapping[Key, int],
    lower: int,
    targets: Iterable[Key],
    safe: set[Key] | None = None,
    unpublished: frozenset[Key] = frozenset(),
) -> set[Key]:
    """The exposed cells among ``targets`` of one component, exactly.

    When ``safe`` is given, every target proven safe is added to it.

    A cell is safe once two points a reader cannot rule out (every cell at least
    ``lower``, every equation holding) differ in it by a whole person. The true counts are
    one such point; every linear programme solved adds another, and a single vertex
    usually settles many cells at once. Only cells no point has settled get their own
    pair of programmes (minimum and maximum), as in a textbook audit.
    """
    index = {k: i for i, k in enumerate(cols)}
    need = [index[k] for k in dict.fromkeys(targets)]
    if not need:
        return set()
    asked = list(need)
    exposed: set[Key] = set()
    truth = np.array([float(values[k]) for k in cols])
    low_seen, high_seen = truth.copy(), truth.copy()
    unbounded = np.zeros(len(cols), bool)
    run = _Model(cols, lines, values, lower, unpublished).solve

    def seen(x: np.ndarray) -> None:
        np.minimum(low_seen, x, out=low_seen)
        np.maximum(high_seen, x, out=high_seen)

    def settled(j: int) -> bool:
        return bool(unbounded[j] or high_seen[j] - low_seen[j] >= _MIN_WIDTH)

    # Cheap certificates first: vertices for random objectives over the unsettled cells.
    # Seeded by the component's size, so the same problem takes the same path.
    rng = np.random.default_rng(len(cols))
    stale = 0
    while need and stale < 2:
        c = np.zeros(len(cols))
        c[need] = rng.choice([-1.0, 1.0], size=len(need)) * rng.uniform(0.5, 1.5, len(need))
        before = len(need)
        status, x = run(c)
        if status == 0 and x is not None:
            seen(x)
        need = [j for j in need if not settled(j)]
        stale = stale + 1 if len(need) == before else 0
    # What is left: the exact minimum and maximum of each cell (each vertex found on the
    # way may settle other cells too). A cell the equations pin is exposed whatever the
    # programmes say; exact elimination decides that, but only when a programme failed
    # (it costs more than the programmes, and they find every pinned cell narrow).
    pinned: set[Key] | None = None
    for j in need:
        if settled(j):
            continue
        c = np.zeros(len(cols))
        c[j] = -1.0
        high, x = run(c)
        if high == 3:
            unbounded[j] = True
            continue
        if high == 0 and x is not None:
            seen(x)
        if settled(j):
            continue
        c[j] = 1.0
        low, x = run(c)
        if low == 0 and x is not None:
            seen(x)
        if settled(j):
            continue
        if low == 0 and high == 0:
            exposed.add(cols[j])
            continue
        if pinned is None:
            pinned = _pinned_by_equations(cols, lines)
        if cols[j] in pinned:
            exposed.add(cols[j])
    if safe is not None:
        safe.update(cols[j] for j in asked if cols[j] not in exposed)
    return exposed


class _Model:
    """One HiGHS model of a component's system (``A x = b``, every cell at least
    ``lower``): each :meth:`solve` changes only the objective, so HiGHS starts from the
    last basis instead of building and presolving the programme again.

    Falls back to :func:`scipy.optimize.linprog` (a fresh programme each time) when
    scipy's bundled HiGHS binding is missing.
    """

    def __init__(
        self,
        cols: Sequence[Key],
        lines: Sequence[Line],
        values: Mapping[Key, int],
        lower: int,
        unpublished: frozenset[Key] = frozenset(),
    ) -> None:
        # A cell never published (a complement: another report's total minus this one's)
        # may be zero: the reader knows only that it is not negative.
        floors = np.array([0.0 if k in unpublished else float(lower) for k in cols])
        index = {k: i for i, k in enumerate(cols)}
        entries: list[dict[int, float]] = [defaultdict(float) for _ in cols]
        b_eq = np.zeros(len(lines))
        for r, line in enumerate(lines):
            for cell, coef in [*((m, 1.0) for m in line.members), (line.total, -1.0)]:
                if cell in index:
                    entries[index[cell]][r] += coef
                else:
                    b_eq[r] -= coef * values[cell]
        self.n = len(cols)
        try:
            from scipy.optimize._highspy import _core as highs
        except ImportError:  # pragma: no cover - another scipy layout
            self.highs = None
            a_eq, self.b_eq = _system(cols, lines, values)
            self.a_eq, self.bounds = a_eq, [(f, None) for f in floors]
            return
        self.highs = highs
        lp = highs.HighsLp()
        lp.num_col_, lp.num_row_ = len(cols), len(lines)
        lp.col_cost_ = np.zeros(len(cols))
        lp.col_lower_ = floors
        lp.col_upper_ = np.full(len(cols), highs.kHighsInf)
        lp.row_lower_ = lp.row_upper_ = b_eq
        start, rows, coefs = [0], [], []
        for column in entries:
            for r, v in sorted(column.items()):
                if v:
                    rows.append(r)
                    coefs.append(v)
            start.append(len(rows))
        lp.a_matrix_.format_ = highs.MatrixFormat.kColwise
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = len(cols), len(lines)
        lp.a_matrix_.start_ = np.array(start, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(rows, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(coefs, dtype=float)
        self.model = highs._Highs()
        self.model.setOptionValue("output_flag", False)
        # Presolve would rebuild the programme on every call; the basis is worth more.
        self.model.setOptionValue("presolve", "off")
        self.model.passModel(lp)
        self.all_cols = np.arange(len(cols), dtype=np.int32)

    def solve(self, c: np.ndarray) -> tuple[int, np.ndarray | None]:  # noqa: C901 - the greedy loop and its incremental audit, with the invariant written beside it
        """Minimise ``c @ x``: (0, a vertex) when solved, (3, None) when unbounded, (2,
        None) when it failed (as :func:`scipy.optimize.linprog` numbers its statuses).
        """
        if self.highs is None:  # pragma: no cover
            from scipy.optimize import linprog

            result = linprog(c, A_eq=self.a_eq, b_eq=self.b_eq, bounds=self.bounds, method="highs")
            return result.status, (result.x if result.status == 0 else None)
        status = self.highs.HighsModelStatus
        self.model.changeColsCost(self.n, self.all_cols, np.asarray(c, dtype=float))
        self.model.run()
        model_status = self.model.getModelStatus()
        if model_status == status.kOptimal:
            return 0, np.array(self.model.getSolution().col_value)
        if model_status in (status.kUnbounded, status.kUnboundedOrInfeasible):
            # The true counts are feasible, so "unbounded or infeasible" is unbounded.
            return 3, None
        return 2, None


def find_exposed(
    values: Mapping[Key, int],
    lines: Sequence[Line],
    hidden: set[Key],
    order: Mapping[Key, int],
    lower: int = 1,
    only: Key | None = None,
    cache: dict | None = None,
    safe: set[Key] | None = None,
    unpublished: frozenset[Key] = frozenset(),
    quiet: frozenset[Key] = frozenset(),
) -> list[Key]:
    """Hidden cells that a reader can recompute exactly.

    Args:
        values: the true count of every cell.
        lines: the row/column equations the reader knows.
        hidden: the cells not shown.
        order: a stable sort order of keys.
        lower: what the reader knows of a hidden cell's lower bound (1: zeros are shown).
        only: audit just this key (the others are still unknowns of the system).
        cache: results per component from earlier calls (a component's answer depends
            only on its hidden cells, its lines and their values), filled in as it goes.
        safe: hidden cells already proven safe for a subset of ``hidden`` (with the same
            values and lines): not audited again, since hiding more cells never exposes
            a safe one (see :func:`solve`). Cells proven safe now are added to it.
        unpublished: hidden cells no report shows (complements across reports): the
            reader knows only that they are at least 0.
        quiet: hidden cells not audited (unpublished cells that are no small count: a
            reader may work them out, as she may any shown count).

    Returns:
        The exposed keys, in ``order``.
    """
    if not hidden:
        return []
    exposed: set[Key] = set()
    for group, group_lines in _components(hidden, lines):
        if only is not None and only not in group:
            continue
        cols = sorted(group, key=order.__getitem__)
        if only is not None:
            exposed |= _audit(cols, group_lines, values, lower, [only], None, unpublished)
            continue
        key = None
        if cache is not None:
            known = frozenset((c, values[c]) for line in group_lines for c in line.cells)
            key = (
                frozenset(group),
                frozenset(group_lines),
                known,
                lower,
                unpublished.intersection(group),
                quiet.intersection(group),
            )
            if key in cache:
                exposed |= cache[key]
                continue
        targets = [k for k in cols if k not in quiet and (safe is None or k not in safe)]
        found = (
            _audit(cols, group_lines, values, lower, targets, safe, unpublished)
            if targets
            else set()
        )
        if cache is not None and key is not None:
            cache[key] = found
        exposed |= found
    return sorted(exposed, key=order.__getitem__)


def _merged(a: Mapping[Key, list[int]], b: Mapping[Key, list[int]]) -> dict[Key, list[int]]:
    out = {k: list(v) for k, v in a.items()}
    for k, v in b.items():
        out.setdefault(k, []).extend(v)
    return out


def _tied_to(
    keys: Iterable[Key], lines: Sequence[Line], values: Mapping[Key, int], fixed: set[Key]
) -> frozenset[Key]:
    """``keys`` and every cell tied to one of them: two cells are tied when a line holds
    them and otherwise only cells a reader knows (shown elsewhere, or zero), so hiding
    one means hiding the other (T2's exits of the period and its exits since the start,
    given T1's released count).
    """
    parent: dict[Key, Key] = {}

    def find(k: Key) -> Key:
        parent.setdefault(k, k)
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for line in lines:
        free = [c for c in line.cells if c not in fixed and values.get(c, 0) > 0]
        if len(free) == 2:
            parent[find(free[0])] = find(free[1])
    roots = {find(k) for k in keys}
    return frozenset(keys) | frozenset(k for k in parent if find(k) in roots)


def solve(  # noqa: C901 - the greedy loop and its incremental audit, invariant beside it
    values: Mapping[Key, int],
    lines: Sequence[Line],
    *,
    min_cell_count: int,
    is_total: set[Key],
    order: Mapping[Key, int],
    locked_shown: Iterable[Key] = (),
    forced_hidden: Iterable[Key] = (),
    cache: dict | None = None,
    unpublished: Iterable[Key] = (),
    quiet_hidden: Iterable[Key] = (),
    preferred: Iterable[Key] = (),
    show_worked_out: bool = True,
    slack: Iterable[Key] = (),
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
        cache: audit results of components seen before (see :func:`find_exposed`); a
            fresh one when not given.
        unpublished: cells of the relations no report shows (another report's total
            minus this report's count): always hidden, at least 0 to a reader, and
            protected only when they are a small count.
        quiet_hidden: cells another report hid (always hidden, at least 1 to a reader),
            protected only when they are a small count: a reader who works out the
            other report's secondary cell learns what any shown count would tell her.
        preferred: keys the report leads with (its summary's counts): chosen as a
            secondary cell only when no other cell closes the line, before totals.
        show_worked_out: show a secondary cell the audit finds a reader can work out,
            rather than hide more cells to protect it (the greedy plan otherwise
            cascades: T2 after T1 hid its "27 av 62"). A cell shown is never hidden
            again, so this can leave a small cell unprotectable; the plan is then made
            again without it, and the one with fewer such cells is kept.
        slack: the differences of an inequality a reader knows (a period's enrolled
            are at least its exits: enrolled = exited + slack): always hidden, at least
            0 to a reader, never protected (a difference of two shown counts is no more
            than the two counts tell), so they bound the cells without closing lines.

    Returns:
        The hidden keys and the keys that could not be protected.
    """
    locked = set(locked_shown)
    slacks = frozenset(k for k in slack if k in values)
    # An inequality ties nothing: its slack is unknown to the reader even when zero.
    preferred = _tied_to(
        preferred, [line for line in lines if slacks.isdisjoint(line.cells)], values, locked
    )
    hidden = {k for k, v in values.items() if 0 < v < min_cell_count}
    hidden |= {k for k in forced_hidden if k in values}
    never_shown = frozenset(k for k in unpublished if k in values) | slacks
    hidden |= never_shown
    hidden |= {k for k in quiet_hidden if k in values}
    quiet = slacks | frozenset(
        k
        for k in never_shown | {k for k in quiet_hidden if k in values}
        if not 0 < values[k] < min_cell_count
    )
    # cells this search hid to protect others (it may show them again, see below)
    secondary: set[Key] = set()
    # The lines of each cell, sums only: the search for cells to hide walks sums, and
    # an inequality's line (its slack always hidden) only when no sum leads anywhere.
    lines_of: dict[Key, list[int]] = defaultdict(list)
    bounds_of: dict[Key, list[int]] = defaultdict(list)
    for i, line in enumerate(lines):
        for cell in line.cells:
            (lines_of if slacks.isdisjoint(line.cells) else bounds_of)[cell].append(i)

    def hideable(k: Key) -> bool:
        return k not in hidden and k not in locked and values[k] > 0

    def n_hidden(line: Line) -> int:
        return sum(c in hidden for c in line.cells)

    def cost(k: Key, line_index: int | None) -> tuple:
        """Prefer, in turn: not a dead end (a line left with k as its only hidden cell
        and nothing else to hide), not a count the report leads with, not a total,
        closing lines rather than opening them, the smallest value.
        """
        new, fixed, dead = 0, 0, False
        for i in lines_of[k]:
            if i == line_index:
                continue
            h = n_hidden(lines[i])
            new += h == 0
            fixed += h == 1
            if h == 0 and not any(hideable(c) for c in lines[i].cells if c != k):
                dead = True
        return (dead, k in preferred, k in is_total, new - fixed, values[k], order[k])

    def close_lines() -> None:
        changed = True
        while changed:
            changed = False
            for i, line in enumerate(lines):
                if n_hidden(line) != 1 or any(c in quiet for c in line.cells):
                    continue
                candidates = [c for c in line.cells if hideable(c)]
                if candidates:
                    chosen = min(candidates, key=partial(cost, line_index=i))
                    hidden.add(chosen)
                    secondary.add(chosen)
                    changed = True

    def nearby(k: Key) -> list[Key]:
        """Hideable cells by distance from k along sums: the nearest layer that has any
        but a count the report leads with (else the nearest layer that has any); along
        inequalities too when no sum leads to one.
        """
        layer, free = _nearby(k, lines_of)
        if free or not bounds_of:
            return layer
        wider, free = _nearby(k, _merged(lines_of, bounds_of))
        return wider if free or not layer else layer

    def _nearby(k: Key, lines_of: Mapping[Key, list[int]]) -> tuple[list[Key], bool]:
        """The layer, and whether it has a cell that is no count the report leads with."""
        first: list[Key] = []
        seen_lines: set[int] = set()
        seen_cells = {k}
        frontier = deque([k])
        while frontier:
            layer: list[Key] = []
            next_frontier: deque[Key] = deque()
            for cell in frontier:
                for i in lines_of.get(cell, ()):
                    if i in seen_lines:
                        continue
                    seen_lines.add(i)
                    for other in lines[i].cells:
                        if other not in seen_cells:
                            seen_cells.add(other)
                            next_frontier.append(other)
                            if hideable(other):
                                layer.append(other)
            if any(c not in preferred for c in layer):
                return layer, True
            first = first or layer
            frontier = next_frontier
        return first, False

    def show_again(k: Key) -> None:
        """Show a secondary cell a reader can work out from what is shown: it tells her
        nothing new. The lines it was to close get other cells where a cell they hold
        still needs it; fewer hidden cells may expose a cell proven safe before, so the
        audit starts over.
        """
        hidden.discard(k)
        locked.add(k)
        secondary.discard(k)
        safe.clear()
        fixable.clear()

    def release() -> None:
        """Show again each secondary cell that no longer protects anything. The greedy
        search hides a cell for the first exposure it meets; cells hidden later may
        protect that exposure too, so the first becomes needless (the sample hid the
        account's support table's column totals). Tried in turn, counts the report
        leads with and totals first, then larger counts: a cell stays shown only when
        the audit finds no hidden cell a reader could then work out. Until a round shows
        none: a cell needed only to protect one shown later is needless too.
        """
        shown_any = True
        while shown_any:
            shown_any = False
            for k in sorted(
                secondary,
                key=lambda c: (c not in preferred, c not in is_total, -values[c], order[c]),
            ):
                hidden.discard(k)
                exposed = find_exposed(
                    values, lines, hidden, order, cache=cache, unpublished=never_shown, quiet=quiet
                )
                if any(c not in given_up for c in exposed):
                    hidden.add(k)
                else:
                    secondary.discard(k)
                    locked.add(k)
                    shown_any = True

    cache = {} if cache is None else cache
    # Cells proven safe at an earlier step. ``hidden`` only grows in this loop (but for
    # a secondary cell shown again, which clears this set), and a cell proven safe stays
    # safe when more cells are hidden: hiding a cell only widens
    # the feasible intervals. Every point a reader could not rule out before (the hidden
    # cells at those values, every other cell at its shown value) is still one she cannot
    # rule out now, with the newly hidden cells at their true (formerly shown) values,
    # which satisfy every equation and the lower bound (shown cells are at least 1, or
    # zero and then never hidden). So the set of points grows, and two points that
    # differed by a whole person in a cell still do. Only cells hidden since, and cells
    # still exposed, need an audit.
    safe: set[Key] = set()
    given_up: set[Key] = set()
    fixable: dict[Key, bool] = {}
    for _ in range(2 * len(values) + 2):
        close_lines()
        exposed = [
            k
            for k in find_exposed(
                values,
                lines,
                hidden,
                order,
                cache=cache,
                safe=safe,
                unpublished=never_shown,
                quiet=quiet,
            )
            if k not in given_up
        ]
        if not exposed:
            break
        target = exposed[0]
        if show_worked_out and target in secondary:
            show_again(target)
            continue
        candidates = nearby(target)
        if candidates and target not in fixable:
            # Hidden plus hideable cells is the same set all along, so ask only once.
            everything = hidden | {k for k in values if hideable(k)}
            fixable[target] = not find_exposed(
                values, lines, everything, order, only=target, unpublished=never_shown
            )
        if not fixable.get(target, False):
            candidates = []
        if not candidates:
            if target in secondary:  # no cell protects it: hiding it protects nothing
                show_again(target)
                continue
            given_up.add(target)
            continue
        chosen = min(candidates, key=lambda c: cost(c, None))
        hidden.add(chosen)
        secondary.add(chosen)
    release()
    solution = Solution(hidden=hidden, unprotectable=sorted(given_up, key=order.__getitem__))
    if show_worked_out and given_up:
        again = solve(
            values,
            lines,
            min_cell_count=min_cell_count,
            is_total=is_total,
            order=order,
            locked_shown=locked_shown,
            forced_hidden=forced_hidden,
            cache=cache,
            unpublished=unpublished,
            quiet_hidden=quiet_hidden,
            preferred=preferred,
            show_worked_out=False,
            slack=slack,
        )
        if len(again.unprotectable) <= len(solution.unprotectable):
            return again
    return solution
