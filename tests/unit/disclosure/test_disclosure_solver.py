"""The exposure audit of the secondary-suppression solver, against independent checks.

The audit takes shortcuts (components, exact elimination for cells the equations pin,
feasible points that prove a cell safe before any per-cell linear programme, a cache).
Each shortcut must give exactly what a textbook audit gives: the independent attacker of
test_disclosure_attack.py (a minimum and a maximum per hidden cell with scipy's linprog
on the whole system), and scipy's null space for the pinned cells.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.linalg import null_space

from factories import recomputable
from insats.disclosure import CountSpec, _solver
from insats.disclosure.control import _build_table

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
COUNT = st.one_of(st.integers(0, 4), st.integers(0, 20))


@st.composite
def linked_tables(draw):
    """One or two tables (rows x groups) sharing the group margin, and a random set of
    hidden cells (any non-zero cell, totals included)."""
    n_groups = draw(st.integers(1, 4))
    groups = [f"g{j}" for j in range(n_groups)]
    sizes = None
    tables = []
    for t, dim in enumerate(draw(st.sampled_from([["gender"], ["gender", "education"]]))):
        n_rows = draw(st.integers(1, 4))
        if sizes is None:
            values = draw(
                st.lists(
                    st.lists(COUNT, min_size=n_groups, max_size=n_groups),
                    min_size=n_rows,
                    max_size=n_rows,
                )
            )
            counts = pd.DataFrame(values, index=[f"{dim}{i}" for i in range(n_rows)])
            sizes = counts.sum(axis=0).tolist()
        else:
            # Split each group's size over the rows, so the shared margin agrees.
            columns = []
            for size in sizes:
                cuts = sorted(
                    draw(st.lists(st.integers(0, size), min_size=n_rows - 1, max_size=n_rows - 1))
                )
                columns.append(np.diff([0, *cuts, size]).tolist())
            counts = pd.DataFrame(np.array(columns).T, index=[f"{dim}{i}" for i in range(n_rows)])
        counts.columns = groups
        tables.append(_build_table(f"t{t}", CountSpec(counts, [dim, "group"])))
    values = {}
    for table in tables:
        values.update(table.values)
    candidates = sorted((k for k, v in values.items() if v > 0), key=sorted)
    hidden = set(draw(st.lists(st.sampled_from(candidates), unique=True)) if candidates else [])
    return tables, values, hidden


def _attacker_view(tables, hidden):
    """What the reader sees: each table with None where hidden, and where each key is."""
    shown, where = [], {}
    for table in tables:
        frame = table.frame.astype(object)
        for r, row in enumerate(table.keys):
            for c, key in enumerate(row):
                if key in hidden:
                    frame.iat[r, c] = None
                    where[(table.table_id, str(frame.index[r]), str(frame.columns[c]))] = key
        shown.append((frame, list(table.spec.dimensions), table.table_id))
    return shown, where


@SETTINGS
@given(linked_tables())
def test_audit_agrees_with_an_independent_attacker(problem):
    tables, values, hidden = problem
    lines = list(dict.fromkeys(line for t in tables for line in t.lines))
    order = {k: i for i, k in enumerate(values)}
    found = set(_solver.find_exposed(values, lines, hidden, order))
    shown, where = _attacker_view(tables, hidden)
    expected = {where[cell] for cell in recomputable(shown, lower=1)}
    assert found == expected
    # Asking about one cell gives the same answer as the full audit.
    for key in sorted(hidden, key=order.__getitem__)[:3]:
        assert bool(_solver.find_exposed(values, lines, hidden, order, only=key)) == (
            key in expected
        )


def test_audit_finds_a_cell_pinned_only_by_the_lower_bound():
    # x: [1, 1, 9 | 11], y: [6, 7, 8 | 21], z: [4, 6, 5 | 15] with x-a, x-b, z-a, z-b
    # hidden (the attacker test's example): x-a + x-b = 11 - 9 = 2, and neither is 0, so
    # both are 1; then z-a = 11 - 6 - 1 = 4 and z-b = 14 - 7 - 1 = 6. No equation alone
    # pins any of them: only the linear programme can tell.
    counts = pd.DataFrame({"a": [1, 6, 4], "b": [1, 7, 6], "c": [9, 8, 5]}, index=["x", "y", "z"])
    table = _build_table("t", CountSpec(counts, ["r", "c"]))
    order = {k: i for i, k in enumerate(table.values)}
    hidden = {table.keys[i][j] for i in (0, 2) for j in (0, 1)}  # x-a, x-b, z-a, z-b
    assert not _solver._pinned_by_equations(sorted(hidden, key=order.get), table.lines)
    assert set(_solver.find_exposed(table.values, table.lines, hidden, order)) == hidden
    # With x-c and z-c hidden too, x-a + z-a = 11 - 6 = 5 and x-a + x-b + x-c = 11 leave
    # x-a anywhere in 1..4 (z-a = 5 - x-a >= 1), and likewise for every other hidden
    # cell: nothing is exposed (the attacker agrees).
    hidden |= {table.keys[0][2], table.keys[2][2]}
    assert _solver.find_exposed(table.values, table.lines, hidden, order) == []
    shown, _ = _attacker_view([table], hidden)
    assert recomputable(shown, lower=1) == []


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 8), st.integers(1, 10), st.integers(0, 2**32 - 1))
def test_pinned_cells_match_scipys_null_space(n_lines, n_cells, seed):
    # Random lines over random cells; a cell is pinned iff every null-space direction
    # leaves it still (scipy's SVD null space as the second implementation).
    rng = np.random.default_rng(seed)
    cells = [f"c{i}" for i in range(n_cells)]
    lines = []
    for i in range(n_lines):
        members = tuple(c for c in cells if rng.random() < 0.4)
        total = cells[rng.integers(n_cells)] if rng.random() < 0.5 else f"shown{i}"
        lines.append(_solver.Line(total, members))
    index = {c: i for i, c in enumerate(cells)}
    a_eq = np.zeros((n_lines, n_cells))
    for r, line in enumerate(lines):
        for m in line.members:
            a_eq[r, index[m]] += 1
        if line.total in index:
            a_eq[r, index[line.total]] -= 1
    basis = null_space(a_eq)
    expected = {c for c in cells if np.linalg.norm(basis[index[c]]) < 1e-9}
    assert _solver._pinned_by_equations(cells, lines) == expected


def test_audits_are_cached_per_component(monkeypatch):
    counts = pd.DataFrame({"a": [3, 9], "b": [6, 7]}, index=["x", "y"])
    table = _build_table("t", CountSpec(counts, ["r", "c"]))
    order = {k: i for i, k in enumerate(table.values)}
    hidden = {table.keys[0][0], table.keys[0][1], table.keys[1][0], table.keys[1][1]}
    cache: dict = {}
    first = _solver.find_exposed(table.values, table.lines, hidden, order, cache=cache)
    assert len(cache) == 1

    def no_audit(*args, **kwargs):
        raise AssertionError("a cached component was audited again")

    monkeypatch.setattr(_solver, "_audit", no_audit)
    assert _solver.find_exposed(table.values, table.lines, hidden, order, cache=cache) == first
    # Other counts behind the same keys are another problem: not taken from the cache.
    other = {**table.values, table.keys[0][2]: 10}
    with pytest.raises(AssertionError, match="audited again"):
        _solver.find_exposed(other, table.lines, hidden, order, cache=cache)


@st.composite
def linked_report_tables(draw):
    """Intake group x outcome and intake group x municipality (margins on both), as a
    report's count tables are, sharing the group margin; small counts often."""
    n_groups = draw(st.integers(1, 7))
    groups = [f"g{j}" for j in range(n_groups)]
    tables = []
    sizes = draw(st.lists(st.integers(0, 25), min_size=n_groups, max_size=n_groups))
    for t, (dim, n_cols) in enumerate([("outcome", draw(st.integers(1, 4))), ("kommun", 3)]):
        rows = []
        for size in sizes:
            cuts = sorted(
                draw(st.lists(st.integers(0, size), min_size=n_cols - 1, max_size=n_cols - 1))
            )
            rows.append(np.diff([0, *cuts, size]).tolist())
        counts = pd.DataFrame(rows, index=groups, columns=[f"{dim}{c}" for c in range(n_cols)])
        tables.append(_build_table(f"t{t}", CountSpec(counts, ["group", dim])))
    return tables


def _problem(tables):
    """The solver's inputs of linked tables: values, a stable order, lines, totals."""
    values, order = {}, {}
    for table in tables:
        values.update(table.values)
        for row in table.keys:
            for key in row:
                order.setdefault(key, len(order))
    lines = list(dict.fromkeys(line for t in tables for line in t.lines))
    totals = set().union(*(t.totals for t in tables))
    return values, order, lines, totals


@SETTINGS
@given(linked_report_tables())
def test_incremental_solve_protects_and_matches_a_full_re_audit(tables):
    from insats.disclosure.attack import exposures

    values, order, lines, totals = _problem(tables)

    def run(**kwargs):
        return _solver.solve(
            values, lines, min_cell_count=5, is_total=totals, order=order, **kwargs
        )

    solution = run()
    assert {k for k, v in values.items() if 0 < v < 5} <= solution.hidden
    # The independent attacker (scipy linprog per cell, no shortcuts) pins nothing.
    shown = {k: v for k, v in values.items() if k not in solution.hidden}
    found = exposures(shown, solution.hidden, [(line.total, line.members) for line in lines])
    assert {e.where for e in found} <= set(map(str, solution.unprotectable))
    assert solution.unprotectable == []
    # The same pattern as when every step audits every hidden cell again.
    full = _solver.find_exposed

    def without_memory(*args, safe=None, **kwargs):
        return full(*args, **kwargs)

    _solver.find_exposed = without_memory
    try:
        again = run(cache={})
    finally:
        _solver.find_exposed = full
    assert again.hidden == solution.hidden


@SETTINGS
@given(linked_report_tables())
def test_no_secondary_cell_is_hidden_for_nothing(tables):
    """Every cell hidden to protect another is needed: shown again, some hidden cell
    could be worked out (the independent attacker says which). The greedy search alone
    left needless cells (the sample hid its account table's column totals)."""
    from insats.disclosure.attack import exposures

    values, order, lines, totals = _problem(tables)
    solution = _solver.solve(values, lines, min_cell_count=5, is_total=totals, order=order)
    pairs = [(line.total, line.members) for line in lines]
    for k in sorted(solution.hidden, key=order.__getitem__):
        if 0 < values[k] < 5:
            continue
        hidden = solution.hidden - {k}
        shown = {c: v for c, v in values.items() if c not in hidden}
        assert exposures(shown, hidden, pairs), f"{k} = {values[k]} is hidden for nothing"
