"""Disclosure control of one report: primary and secondary suppression of count tables,
consistent across every table of the report.

For ``audience="namnd"`` every count from 1 to ``min_cell_count - 1`` is hidden (shown
as ``..``); zero is shown. In a table with totals, further cells are hidden until no
hidden cell can be recomputed from the totals, the other cells, or other tables of the
same report. Cells are keyed by the population they count, so that the count of women in
programme A is one cell wherever it appears: it is hidden everywhere or nowhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from insats.disclosure import _solver
from insats.disclosure.collapse import collapse_categories, should_collapse
from insats.errors import InsatsError

SUPPRESSED = ".."
AUDIENCES = ("namnd", "internal")

Key = frozenset

#: Marks the cell of an overlap: another report's count minus this report's (see
#: :meth:`DisclosureControl.load_overlapping`).
REST = ("overlap", "rest")
#: A value of a key pattern of :class:`Overlap`: any value of that dimension (a table's
#: base ``n`` differs between the whole project and a subset of it).
ANY = "*"

#: The dimension that marks a cell of another scope's report in this report's model
#: (:func:`insats.report.register.mark_scope`).
SCOPE_DIMENSION = "scope"


@dataclass(frozen=True)
class Overlap:
    """How a count released in a report of another scope (the whole project, or a
    subset of it) relates to the cells of this report.

    Args:
        equal: keys of this report that count the very same people.
        part: the key of this report that counts the same measure in the other scope:
            the whole's count = the subset's count + a rest nobody publishes.
        parts: keys of this report whose sum the released count holds, plus a rest (two
            subsets that share several municipalities: the released whole = this
            report's cells of the shared municipalities + the others). Related only
            where every part is found in one population (the same key but for its
            ``municipality``).
        within: the key of a cell of this report that holds the released count and
            more: this report's cell = the sum of every released count with the same
            ``within`` from the same report + a rest (this report's whole holds the
            other report's cells of the municipalities both count).
        rest: whether ``parts`` and ``within`` leave a rest; False when the sum is the
            whole count (a subset report's whole is the sum of its municipalities).
        rest_is: patterns of this report's cells that count the rest of ``part`` (an
            earlier report's count since the start grows by this report's exits of the
            period): the first that agrees in value stands for the rest.
        changed: whether counts that disagree mean the data changed since (a note);
            False where they may differ (an earlier period's profile has fewer people).

    A key may hold :data:`ANY` as a value: it then stands for every key of this report
    that agrees in every other pair (see ``DisclosureControl._relate_overlaps``).
    """

    equal: tuple[Key, ...] = ()
    part: Key | None = None
    parts: tuple[Key, ...] = ()
    within: Key | None = None
    rest: bool = True
    rest_is: tuple[Key, ...] = ()
    changed: bool = True


class DisclosureError(InsatsError, RuntimeError):
    """Something in a shared report could single out a participant."""


class InconsistentSuppressionError(DisclosureError):
    """Tables of one report disagree (same population, different counts), or a hidden
    cell could not be protected without hiding a cell already shown elsewhere.
    """


@dataclass(frozen=True)
class CountSpec:
    """A count table to protect, as handed to :meth:`DisclosureControl.plan_tables`.

    Args:
        counts: non-negative whole counts, rows x columns (labels are category labels).
        dimensions: names of the row and column variables (``["gender", "outcome"]``),
            or one name for a one-way table with a single column of counts, or None for
            a table that shares no cell with any other table.
        add_totals: append a total row and column (a single row or column gets none:
            it would repeat itself).
        total_label: the label of the total row and column.
        filters: what else the table is restricted to, e.g. ``{"period": "2024-H1",
            "measure": "started"}``: two tables count the same population only if their
            filters are equal.
    """

    counts: pd.DataFrame
    dimensions: Sequence[str] | None = None
    add_totals: bool = True
    total_label: str = "Totalt"
    filters: Mapping[str, object] | None = None


@dataclass
class TableStats:
    """What one rendered table hid (counts only, never which cells)."""

    cells: int
    primary: int
    secondary: int


@dataclass
class _Table:
    """A count table with totals, its keys and its line equations."""

    table_id: str
    spec: CountSpec
    frame: pd.DataFrame  # int64 values with totals
    keys: list[list[Key]]
    lines: list[_solver.Line]
    totals: set[Key] = field(default_factory=set)
    # A single row (column) is its total: equal to the total's cell wherever that is
    # published (the margin the table does not repeat).
    equalities: list[_solver.Line] = field(default_factory=list)

    @property
    def values(self) -> dict[Key, int]:
        out: dict[Key, int] = {}
        for r, row in enumerate(self.keys):
            for c, key in enumerate(row):
                out[key] = int(self.frame.iat[r, c])
        return out


def _label(value: object) -> str:
    return str(value)


def _plain(value: object) -> object:
    """Numpy scalars as plain Python numbers, for readable messages."""
    item = getattr(value, "item", None)
    value = item() if callable(item) else value
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _validate_counts(counts: pd.DataFrame, table_id: str, total_label: str) -> pd.DataFrame:
    """Whole non-negative counts with unique labels, or one error listing every problem."""
    if isinstance(counts, pd.Series):
        counts = counts.to_frame()
    if not isinstance(counts, pd.DataFrame):
        raise TypeError(f"table {table_id!r}: counts must be a DataFrame, got {type(counts)}")
    problems: list[str] = []
    for axis_name, labels in (("row", counts.index), ("column", counts.columns)):
        seen: set[str] = set()
        for label in labels:
            text = _label(label)
            if text in seen:
                problems.append(f"{axis_name} label {text!r} appears twice")
            if text == total_label:
                problems.append(f"{axis_name} label {text!r} is the total label")
            seen.add(text)
    for row in counts.index:
        for col in counts.columns:
            value = counts.at[row, col]
            ok = value is not None and not pd.isna(value)
            if ok:
                try:
                    number = float(value)
                    ok = number >= 0 and number == int(number)
                except (TypeError, ValueError):
                    ok = False
            if not ok:
                shown = "a blank" if value is None or pd.isna(value) else repr(_plain(value))
                problems.append(
                    f"row {row!r}, column {col!r}: {shown} where a whole count >= 0 is expected"
                )
    if problems:
        raise ValueError(
            f"count table {table_id!r} cannot be protected:\n  " + "\n  ".join(problems)
        )
    return counts.astype("int64")


def _build_table(table_id: str, spec: CountSpec, scoped: bool = False) -> _Table:
    counts = _validate_counts(spec.counts, table_id, spec.total_label)
    dims = list(spec.dimensions) if spec.dimensions is not None else None
    if dims is not None and len(dims) not in (1, 2):
        raise ValueError(f"table {table_id!r}: give one or two dimensions, got {dims!r}")
    if dims is not None and len(dims) == 1 and counts.shape[1] != 1:
        raise ValueError(
            f"table {table_id!r}: one dimension ({dims[0]!r}) needs a single column of "
            f"counts, got columns {list(counts.columns)!r}"
        )
    base = {(f"filter:{k}", _label(v)) for k, v in (spec.filters or {}).items()}
    if dims is None or scoped:
        # Cells of this table count populations nobody else can name: scope them.
        base.add(("table", table_id))
        dims = [f"{table_id}:rows", f"{table_id}:columns"][: len(dims or [0, 0])]
    one_way = len(dims) == 1

    n_rows, n_cols = counts.shape
    add_row = spec.add_totals and n_rows > 1
    add_col = spec.add_totals and n_cols > 1 and not one_way
    frame = counts.copy()
    if add_col:
        frame[spec.total_label] = frame.sum(axis=1)
    if add_row:
        frame.loc[spec.total_label] = frame.sum(axis=0)
    frame = frame.astype("int64")

    def key(row: object | None, col: object | None) -> Key:
        parts = set(base)
        if row is not None:
            parts.add((dims[0], _label(row)))
        if col is not None and not one_way:
            parts.add((dims[1], _label(col)))
        return frozenset(parts)

    row_labels: list[object | None] = list(counts.index) + ([None] if add_row else [])
    col_labels: list[object | None] = list(counts.columns) + ([None] if add_col else [])
    keys = [[key(r, c) for c in col_labels] for r in row_labels]
    lines: list[_solver.Line] = []
    last_r, last_c = len(row_labels) - 1, len(col_labels) - 1
    if add_col:
        for r in range(len(row_labels)):
            lines.append(_solver.Line(keys[r][last_c], tuple(keys[r][:last_c])))
    if add_row:
        for c in range(len(col_labels)):
            lines.append(_solver.Line(keys[last_r][c], tuple(row[c] for row in keys[:last_r])))
    totals = set()
    if add_col:
        totals |= {row[last_c] for row in keys}
    if add_row:
        totals |= set(keys[last_r])
    equalities = _single_margins(spec, keys, row_labels, col_labels, key) if not scoped else []
    return _Table(table_id, spec, frame, keys, lines, totals, equalities)


def _single_margins(spec: CountSpec, keys, row_labels, col_labels, key) -> list[_solver.Line]:
    """A table of one row (or, two-way, one column) gets no total row: that row is the
    total, so it equals the total's cell wherever the report publishes that.
    """
    if not spec.add_totals or spec.dimensions is None:
        return []
    out: list[_solver.Line] = []
    if len(row_labels) == 1:
        out += [_solver.Line(key(None, c), (keys[0][j],)) for j, c in enumerate(col_labels)]
    if len(col_labels) == 1 and len(spec.dimensions) == 2:
        out += [
            _solver.Line(key(r, None), (row[0],)) for r, row in zip(row_labels, keys, strict=True)
        ]
    return out


def count_key(filters: Mapping[str, object] | None = None, **dimensions: object) -> Key:
    """The key of a count cell: what population it counts, as tables key their cells.

    A count named in a sentence or in figures.json is the same unknown as the table cell
    with the same filters and the same dimension labels (display labels, as in tables),
    so it is hidden wherever the table hides it.

    >>> count_key({"population": "exited"}, exit_type="Fullföljde") == frozenset(
    ...     {("filter:population", "exited"), ("exit_type", "Fullföljde")})
    True
    """
    parts = {(f"filter:{k}", _label(v)) for k, v in (filters or {}).items()}
    parts |= {(d, _label(v)) for d, v in dimensions.items()}
    return frozenset(parts)


def _family(key: Key) -> tuple[frozenset, frozenset]:
    """The cells ``key`` belongs with: the same filters and the same dimensions (any
    values): the cells of one table or breakdown. A report that released some cells of a
    family and not ``key`` hid it (the register holds the shown counts only).
    """
    filters = frozenset((d, v) for d, v in key if d.startswith("filter:"))
    return filters, frozenset(d for d, _ in key if not d.startswith("filter:"))


def _without_base(key: Key) -> Key:
    """``key`` without its table's base n (``filter:n``)."""
    return frozenset(pair for pair in key if pair[0] != "filter:n")


def _describe(key: Key) -> str:
    parts = sorted(f"{d}={v}" for d, v in key if d != "table")
    return ", ".join(parts) or "the whole population"


class DisclosureControl:
    """Decides what may be shown to an audience, and remembers what it hid.

    Args:
        audience: ``"namnd"`` (shared report: suppression applies) or ``"internal"``.
        min_cell_count: smallest count shown; 1 to this minus one is hidden.
        strict: raise :class:`InconsistentSuppressionError` instead of only recording an
            inconsistency (tests and CI use this).
    """

    def __init__(
        self, audience: str = "internal", min_cell_count: int = 5, *, strict: bool = False
    ) -> None:
        if audience not in AUDIENCES:
            raise ValueError(f"audience must be one of {AUDIENCES}, got {audience!r}")
        if int(min_cell_count) != min_cell_count or min_cell_count < 1:
            raise ValueError(f"min_cell_count must be a whole number >= 1, got {min_cell_count!r}")
        self.audience = audience
        self.min_cell_count = int(min_cell_count)
        self.strict = strict
        self.inconsistencies: list[str] = []
        self.suppressed_values = 0
        self.collapsed_breakdowns = 0
        self._tables: dict[str, _Table] = {}
        self._values: dict[Key, int] = {}
        self._hidden: set[Key] = set()
        self._shown: set[Key] = set()
        self._order: dict[Key, int] = {}
        self._results: dict[str, pd.DataFrame] = {}  # planned or rendered, by table id
        self._reported: set[Key] = set()
        self._rendered: dict[str, TableStats] = {}
        # Audits of components of hidden cells, shared by every solve of this report.
        self._audits: dict = {}
        # Numbers outside count tables (sentences, shares' bases, figures.json) and their
        # relations, waiting for the next joint plan; then kept with the planned cells.
        self._pending_values: dict[Key, int] = {}
        self._pending_lines: list[_solver.Line] = []
        self._free_lines: list[_solver.Line] = []
        self._released: set[Key] = set()
        # Counts of reports of another scope (whole project / subset), their relations to
        # this report's cells, and the rests no report shows (whole minus subset).
        self._overlaps: dict[Key, tuple[Overlap, bool]] = {}
        # cells of another scope's report that it hid (load_overlapping_model)
        self._hidden_elsewhere: set[Key] = set()
        # the counts the report leads with (prefer_shown)
        self._preferred: set[Key] = set()
        self._imported: set[Key] = set()  # every cell of another scope's report
        self._related: set[tuple] = set()
        self._unpublished: set[Key] = set()
        # differences of inequalities a reader knows (register_cells' slack)
        self._slack: set[Key] = set()
        self._locked_equal: set[Key] = set()
        # Earlier runs of this very report released to the nämnd (a re-run after a data
        # correction): {key: count} each; the cells they hid stay hidden.
        self._earlier_runs: list[dict[Key, set[int]]] = []
        self._earlier_families: list[frozenset[tuple[frozenset, frozenset]]] = []
        self._hidden_before: set[Key] = set()
        self._checked_against_runs: set[Key] = set()
        # Single rows/columns and the total cell they repeat, until both are known.
        self._pending_equal: list[_solver.Line] = []
        # Intake groups of a municipality ("Klippan, grupp 5"): its cells add up to the
        # municipality's, which the reader sees in the groups' names.
        self._group_parent: dict[str, str] = {}
        self._nested: set[_solver.Line] = set()
        #: Overlaps not used because this report's data disagree with the release.
        self.overlap_notes: list[str] = []

    # --- single values -------------------------------------------------------------
    @property
    def active(self) -> bool:
        return self.audience == "namnd"

    def is_suppressed_count(self, n: object) -> bool:
        """True when a count (or a statistic's denominator) must not be shown.

        >>> DisclosureControl("namnd").is_suppressed_count(3)
        True
        >>> [DisclosureControl("namnd").is_suppressed_count(n) for n in (0, 5, None)]
        [False, False, False]
        """
        if not self.active or n is None:
            return False
        try:
            if pd.isna(n):
                return False
        except (TypeError, ValueError):
            return False
        return 0 < float(n) < self.min_cell_count  # type: ignore[arg-type]

    def is_suppressed_share(self, value: float | None, denominator: object) -> bool:
        """True when a share of persons must not be shown.

        Hidden when the denominator is small, and also when the share times the
        denominator gives back a small count of persons on either side (20 % of 10 is
        2 persons; 90 % of 10 leaves 1).

        >>> control = DisclosureControl("namnd")
        >>> control.is_suppressed_share(0.2, 10), control.is_suppressed_share(0.5, 10)
        (True, False)
        """
        if self.is_suppressed_count(denominator):
            return True
        if not self.active or value is None or denominator is None or pd.isna(value):
            return False
        k = float(value) * float(denominator)  # type: ignore[arg-type]
        if abs(k - round(k)) > 1e-6:
            return False  # not a count share (weighted, or a mean): the denominator rule
        k = round(k)
        return self.is_suppressed_count(k) or self.is_suppressed_count(
            round(float(denominator)) - k  # type: ignore[arg-type]
        )

    def note_suppressed(self, n: int = 1) -> None:
        """Count a value hidden outside tables (prose, figure labels) for the appendix."""
        self.suppressed_values += n

    # --- tables --------------------------------------------------------------------
    def plan_tables(self, tables: Mapping[str, CountSpec]) -> None:
        """Protect a set of count tables jointly, before any of them is rendered.

        After this, :meth:`protect_table` for a planned ``table_id`` returns the planned
        result. Tables planned or protected earlier keep what they showed and hid; a table
        planned again with the same counts, dimensions and filters keeps its plan.
        """
        new = [
            _build_table(table_id, spec)
            for table_id, spec in tables.items()
            if not (
                self.active
                and table_id in self._results
                and _same_spec(self._tables[table_id].spec, spec)
            )
        ]
        if not new and not self._pending_values and not self._pending_lines:
            return
        for table in self._register(new):
            self._results[table.table_id] = self._result(table)

    # --- numbers outside tables ----------------------------------------------------
    def register_cells(
        self,
        values: Mapping[Key, int],
        lines: Sequence[tuple[Key, Sequence[Key]]] = (),
        unpublished: Mapping[Key, int] | None = None,
        slack: Mapping[Key, int] | None = None,
    ) -> None:
        """Publish counts outside count tables, with what a reader knows links them.

        Args:
            values: {key: count} (keys from :func:`count_key`); the same key as a table
                cell is that cell.
            lines: ``(total, members)``: the total is the sum of the members (a margin,
                a composite outcome as the sum of its outcomes, a period within the year
                to date with the rest of the year as another member).
            unpublished: {key: count} of cells the lines hold that this report does not
                show but a reader can work out from them (the earlier periods of the
                year: year to date minus this period). Unless an earlier report released
                them (then they are fixed), they are hidden cells, at least 0 to a
                reader, protected when they are a small count.
            slack: {key: count} of the differences of inequalities a reader knows (a
                period's enrolled are at least its exits: the line enrolled = exited +
                slack). Never shown, at least 0 to a reader and never protected
                themselves: they bound other cells (:meth:`at_most`).

        Cells registered before :meth:`plan_tables` are planned jointly with the tables;
        cells registered after it (and not planned) are planned at once, consistently
        with everything already shown or hidden.
        """
        if not self.active:
            return
        fresh = False
        for key, value in values.items():
            value = int(value)
            known = self._values.get(key, self._pending_values.get(key))
            if known is not None and known != value:
                self._inconsistent(
                    f"a published count ({_describe(key)}) is {value} here and {known} "
                    "elsewhere; pass filters to say how the populations differ"
                )
                continue
            if key not in self._values and key not in self._pending_values:
                self._pending_values[key] = value
                fresh = True
            elif key not in self._values:
                self._unpublished.discard(key)  # not yet planned: published after all
        for key, value in (unpublished or {}).items():
            if key in self._values or key in self._pending_values:
                continue  # released earlier, or shown by this report: known
            self._pending_values[key] = int(value)
            self._unpublished.add(key)
            fresh = True
        for key, value in (slack or {}).items():
            if key in self._values or key in self._pending_values or int(value) < 0:
                continue
            self._pending_values[key] = int(value)
            self._slack.add(key)
            fresh = True
        for total, members in lines:
            line = _solver.Line(total, tuple(members))
            if line not in self._free_lines and line not in self._pending_lines:
                self._pending_lines.append(line)
                fresh = True
        if fresh and self._planned:
            self._register([])

    @property
    def earlier_releases(self) -> frozenset[Key]:
        """Keys of the counts released earlier to the same nämnd (the register, and
        other scopes' reports), as loaded into this plan.
        """
        return frozenset(self._released)

    def load_released(self, values: Mapping[Key, int]) -> None:
        """Counts released earlier to the same nämnd (the publication register): fixed
        and known to the reader, so they are shown cells every plan protects against.
        """
        if not self.active:
            return
        for key, value in values.items():
            if key not in self._values:
                self._values[key] = int(value)
                self._shown.add(key)
                self._released.add(key)
                self._order.setdefault(key, len(self._order))

    def load_earlier_runs(self, runs: Sequence[Mapping[Key, int]]) -> None:
        """Earlier runs of this very report (same project, period and scope) that the
        nämnd received: a re-run after a data correction (one late row) must not show a
        cell they hid (attack round 10, F8: the re-run hid another secondary cell and
        showed the first one's unchanged count, and with the first run's total the small
        cell came back).

        Each of this report's cells is then kept as the earlier runs had it: one they
        showed with the same count is shown (it is public), one they hid (a cell of a
        table or sentence they showed other cells of) is hidden. A cell whose count
        changed since is a difference a reader of both sees: noted, not protected.

        Args:
            runs: {cell key: count} of each earlier run, as the register holds it (the
                shown counts only).
        """
        if not self.active:
            return
        for run in runs:
            if not run:
                continue
            counts: dict[Key, set[int]] = {}
            for key, value in run.items():
                counts.setdefault(_without_base(key), set()).add(int(value))
            self._earlier_runs.append(counts)
            self._earlier_families.append(frozenset(map(_family, counts)))

    def _keep_earlier_runs(self, known: Mapping[Key, int]) -> None:
        """This report's newly known cells against the earlier runs of it (see
        :meth:`load_earlier_runs`).
        """
        if not self._earlier_runs:
            return
        other = self._released | self._imported | self._slack | self._unpublished
        changed: list[Key] = []
        for key, value in known.items():
            if key in other or key in self._checked_against_runs:
                continue
            self._checked_against_runs.add(key)
            # a table's base n is part of its cells' keys: the correction may change it
            bare = _without_base(key)
            if any(value in run.get(bare, ()) for run in self._earlier_runs):
                self._locked_equal.add(key)
                continue
            if any(bare in run for run in self._earlier_runs):
                changed.append(key)
            if any(
                bare not in run and _family(bare) in families
                for run, families in zip(self._earlier_runs, self._earlier_families, strict=True)
            ):
                self._hidden_before.add(key)
        if changed:
            self.overlap_notes.append(
                f"{len(changed)} count(s) differ from an earlier run of this report released "
                f"to the nämnd (the data were corrected since; e.g. {_describe(changed[0])}): "
                "a reader of both sees each difference"
            )

    def load_overlapping(
        self,
        values: Mapping[Key, int],
        relate: Callable[[Key], Overlap],
        *,
        released_is_whole: bool,
    ) -> None:
        """Counts released to the same nämnd in reports of another scope: the whole
        project's when this report is of a subset (one municipality), a subset's when
        this report is of the whole project.

        Each is fixed and shown, like :meth:`load_released`. Its relations to this
        report's cells are added as those cells are planned: equal to a cell counting
        the same people (that cell is then shown too), or whole = subset + rest, where
        the rest (the other municipalities) is published nowhere. A rest that is a small
        count is protected like any hidden cell.

        Args:
            values: {key: count}; keys must not collide with this report's own keys (the
                caller marks them with the other report's scope).
            relate: the relations of one released key to this report's keys.
            released_is_whole: the released counts are of the whole project (this
                report is of a subset), else of a subset (this report is the whole).
        """
        if not self.active:
            return
        self.load_released(values)
        for key in values:
            self._overlaps[key] = (relate(key), released_is_whole)

    def load_overlapping_model(
        self,
        hidden: Mapping[Key, int],
        lines: Sequence[tuple[Key, Sequence[Key]]],
        relate: Callable[[Key], Overlap],
        *,
        released_is_whole: bool,
        unpublished: Mapping[Key, int] | None = None,
        slack: Mapping[Key, int] | None = None,
    ) -> list[Key]:
        """The rest of another scope's report: the cells it hid, and the relations of
        its tables (call after :meth:`load_overlapping` with its released cells).

        The released cells alone are not enough: a subset report showing a cell that
        the whole project's report hid (Klippan's 7 of 45–54 år) gives the whole's other
        cell of that row (14 − 7), and the whole's column then its small cells (a
        reader knows its margins, and that a hidden cell is at least 1). With the other
        report's hidden cells (true counts, recomputed from the same data) and its
        lines in the model, the plan protects them as its own.

        Args:
            hidden: {marked key: count} of the other report's cells not released; at
                least 1 to a reader (zeros are shown), and kept hidden.
            lines: the other report's relations over marked keys, ``(total, members)``.
            relate: the relations of one of its keys to this report's (as for the
                released cells; a hidden one locks nothing here).
            released_is_whole: as for :meth:`load_overlapping`.
            unpublished: its cells no report shows (rests: at least 0 to a reader).
            slack: the differences of its inequalities (see :meth:`at_most`).

        Returns:
            The hidden cells a reader can already work out from the released cells and
            the lines alone (the register lacks a release, or the data changed since):
            taken as shown, since nothing this report hides can protect them.
        """
        if not self.active:
            return []
        fresh = {k: int(v) for k, v in hidden.items() if k not in self._values}
        rests = {k: int(v) for k, v in (unpublished or {}).items() if k not in self._values}
        slacks = {k: int(v) for k, v in (slack or {}).items() if k not in self._values}
        values = {**self._values, **fresh, **rests, **slacks}
        own = [
            line
            for line in (_solver.Line(total, tuple(members)) for total, members in lines)
            if all(c in values for c in line.cells)
        ]
        order = {k: i for i, k in enumerate(sorted(values, key=lambda k: sorted(map(str, k))))}
        small = frozenset(k for k, v in rests.items() if 0 < v < self.min_cell_count)
        exposed = set(
            _solver.find_exposed(
                values,
                own,
                {*fresh, *rests, *slacks},
                order,
                unpublished=frozenset(rests) | frozenset(slacks),
                quiet=(frozenset(rests) - small) | frozenset(slacks),
            )
        )
        for key, value in slacks.items():
            self._values[key] = value
            self._imported.add(key)
            self._order.setdefault(key, len(self._order))
            self._slack.add(key)
        for key, value in {**fresh, **rests}.items():
            self._values[key] = value
            self._imported.add(key)
            self._order.setdefault(key, len(self._order))
            if key in exposed:
                self._shown.add(key)
                continue
            if key in rests:
                self._unpublished.add(key)
                continue
            self._hidden.add(key)
            self._hidden_elsewhere.add(key)
            self._overlaps[key] = (relate(key), released_is_whole)
        self._pending_lines.extend(line for line in own if line not in self._pending_lines)
        return sorted(exposed, key=order.__getitem__)

    def at_most(self, pairs: Iterable[tuple[Key, int, Key, int]]) -> None:
        """Inequalities a reader knows: ``(small, its count, big, its count)`` says the
        people of ``small`` are among those of ``big`` (a period's exits among its
        enrolled; those who came to the interview among those who booked one).

        Each is the line big = small + slack, with a slack cell no report shows, at
        least 0 to a reader (attack of stop 23: a group whose enrolled all left in the
        period, with its exits shown, pins its enrolled, and the margin then another
        group's small count). Only inequalities the counts satisfy are added (a funnel's
        step may exceed the one before: then the reader knows no such thing), and none
        whose small side is zero (it says nothing).
        """
        lines, slack = [], {}
        for small, n_small, big, n_big in pairs:
            if small == big or int(n_small) <= 0 or int(n_small) > int(n_big):
                continue
            key = frozenset({("table", "inequality"), ("at_most", big), ("counted", small)})
            lines.append((big, (small, key)))
            slack[key] = int(n_big) - int(n_small)
        if lines:
            self.register_cells({}, lines, slack=slack)

    @property
    def slack(self) -> frozenset[Key]:
        """The slack cells of :meth:`at_most`'s inequalities: hidden cells no report shows."""
        return frozenset(self._slack)

    @property
    def hidden_elsewhere(self) -> frozenset[Key]:
        """Cells another scope's report hid (:meth:`load_overlapping_model`)."""
        return frozenset(self._hidden_elsewhere)

    @property
    def unpublished(self) -> frozenset[Key]:
        """The rests of overlaps (whole minus subset): hidden cells no report shows."""
        return frozenset(self._unpublished)

    def _relate_overlaps(self, known: Mapping[Key, int]) -> tuple[dict[Key, int], list]:
        """The rests and lines of overlaps whose cells of this report are now known
        (each relation once, when its cell of this report is first known).

        A pattern with :data:`ANY` may match several cells (a table's base ``n`` tells
        the period's table from the since-start one only by its value): each is related
        where the counts allow it (equal counts; a whole at least its part). A relation
        with a cell of another population is still true of the counts, so it only makes
        the plan more careful; a missing one could let a rest through.
        """
        rests: dict[Key, int] = {}
        lines: list[_solver.Line] = []
        resolve = _Patterns(k for k in known if k not in self._overlaps and REST not in k)
        containers: dict[tuple[Key, str, bool], list[Key]] = {}
        for key, (overlap, released_is_whole) in self._overlaps.items():
            value = self._values[key]
            self._relate_equal(key, value, overlap, known, resolve, lines)
            if overlap.parts:
                self._relate_sum(key, value, overlap, known, resolve, rests, lines)
            if overlap.within is not None:
                scope = next((v for d, v in key if d == SCOPE_DIMENSION), "")
                for within in resolve(overlap.within):
                    containers.setdefault((within, scope, overlap.rest), []).append(key)
            if overlap.part is None:
                continue
            exact = not _Patterns.wild(overlap.part)
            for part in resolve(overlap.part):
                if (key, part) in self._related:
                    continue
                self._related.add((key, part))
                whole, subset = (value, known[part]) if released_is_whole else (known[part], value)
                if whole < subset:
                    if exact:
                        self._note_changed(key)
                    continue
                same = next(
                    (
                        c
                        for pattern in overlap.rest_is
                        for c in resolve(pattern)
                        if known[c] == whole - subset
                    ),
                    None,
                )
                if same is not None:
                    rest = same
                else:
                    rest = frozenset({*key, *part, REST}) if not exact else frozenset({*key, REST})
                    rests[rest] = whole - subset
                    self._unpublished.add(rest)
                lines.append(
                    _solver.Line(key, (part, rest))
                    if released_is_whole
                    else _solver.Line(part, (key, rest))
                )
        self._relate_within(containers, known, rests, lines)
        return rests, lines

    def _relate_equal(self, key, value, overlap, known, resolve, lines) -> None:
        """The released ``key`` and this report's cells of the same people: one count.
        A released one is public, so this report shows its cell too (locked); one the
        other report hid locks nothing.
        """
        for pattern in overlap.equal:
            exact = not _Patterns.wild(pattern)
            for equal in resolve(pattern):
                if (key, equal) in self._related:
                    continue
                self._related.add((key, equal))
                if known[equal] != value:
                    if exact and overlap.changed:
                        self._note_changed(key)
                    continue
                lines.append(_solver.Line(key, (equal,)))
                if key not in self._hidden_elsewhere:
                    self._locked_equal.add(equal)

    def _relate_within(self, containers, known, rests, lines) -> None:
        """This report's cell = the released cells it holds (of one other report) + a
        rest, or their exact sum (``Overlap.within``).
        """
        for (within, _, with_rest), members in containers.items():
            members = sorted(members, key=sorted)
            if (within, tuple(members)) in self._related:
                continue
            self._related.add((within, tuple(members)))
            total = sum(self._values[m] for m in members)
            if known[within] < total:
                continue  # another population after all
            if not with_rest and known[within] == total:
                lines.append(_solver.Line(within, tuple(members)))
                continue
            # a rest: the others (with ``rest`` False, the cells the other report hid)
            rest = frozenset({*within, *(("within", str(sorted(m))) for m in members), REST})
            rests[rest] = known[within] - total
            self._unpublished.add(rest)
            lines.append(_solver.Line(within, (*members, rest)))

    def _relate_sum(self, key, value, overlap, known, resolve, rests, lines) -> None:
        """The released ``key`` = the sum of this report's cells matching
        ``overlap.parts`` (one population: the same key but for the municipality) + a
        rest: the others, or with ``overlap.rest`` False the parts this report does not
        show (none: no rest).
        """
        populations: dict[frozenset, list[Key]] = {}
        for pattern in overlap.parts:
            for cell in resolve(pattern):
                base = frozenset(p for p in cell if p[0] != "municipality")
                populations.setdefault(base, []).append(cell)
        for base, cells in populations.items():
            # once per set of parts found (a table found later adds the fuller sum)
            members = tuple(sorted(cells, key=sorted))
            if (key, members) in self._related:
                continue
            self._related.add((key, members))
            total = sum(known[c] for c in cells)
            if value < total:
                continue
            if not overlap.rest and value == total:
                lines.append(_solver.Line(key, members))
                continue
            # a rest: the others (with ``rest`` False, the parts this report does not show)
            rest = frozenset({*key, *base, *(("part", str(sorted(c))) for c in members), REST})
            rests[rest] = value - total
            self._unpublished.add(rest)
            lines.append(_solver.Line(key, (*members, rest)))

    def prefer_shown(self, keys: Iterable[Key]) -> None:
        """Name the counts the report leads with (its summary): the plan hides one of
        them to protect another cell only when no other cell does (the greedy plan would
        otherwise take a headline total as readily as any other total, and T2 after T1
        lost its "27 av 62").
        """
        self._preferred.update(keys)

    def declare_groups(self, parents: Mapping[str, str]) -> None:
        """Name the municipality of each intake group (by their labels in cell keys): a
        municipality's count is then the sum of its groups' counts wherever both are
        published with the same filters, a relation every reader of the names knows.
        """
        self._group_parent.update({str(g): str(m) for g, m in parents.items()})

    def _nest_groups(self, known: Mapping[Key, int]) -> None:
        """Lines municipality = sum of its groups, for the cells known now (only where
        the counts add up: a table may list only some groups of a population).
        """
        if not self._group_parent:
            return
        children: dict[Key, list[Key]] = {}
        for key in known:
            group = next((v for d, v in key if d == "group"), None)
            parent = self._group_parent.get(group) if group is not None else None
            if parent is None or any(d == "municipality" for d, _ in key):
                continue
            whole = frozenset({*(p for p in key if p[0] != "group"), ("municipality", parent)})
            children.setdefault(whole, []).append(key)
        for whole, members in children.items():
            if whole not in known or sum(known[m] for m in members) != known[whole]:
                continue
            line = _solver.Line(whole, tuple(sorted(members, key=sorted)))
            if line not in self._nested:
                self._nested.add(line)
                self._pending_lines.append(line)

    def _settle_single_margins(self, known: Mapping[Key, int]) -> None:
        """A single row equal to a published total's cell is that total (a table of one
        municipality is the subset's whole); with another count it is a slice of it (the
        one column shown of several outcomes) and no relation.
        """
        waiting = []
        for line in self._pending_equal:
            (member,) = line.members
            if line.total not in known or member not in known:
                waiting.append(line)
            elif known[line.total] == known[member]:
                self._pending_lines.append(line)
        self._pending_equal = waiting

    def _note_changed(self, key: Key) -> None:
        self.overlap_notes.append(
            f"{_describe(key)}: this report's data disagree with the count released "
            "before in a report of another scope (the data changed since); not related"
        )

    def released_cells(self) -> dict[Key, int]:
        """The counts this report shows (for the publication register), earlier
        releases left out.
        """
        return {
            k: v for k, v in self._values.items() if k in self._shown and k not in self._released
        }

    @property
    def _planned(self) -> bool:
        return bool(self._results) or bool(set(self._values) - self._released - self._imported)

    def is_hidden(self, key: Key, value: object = None) -> bool:
        """Whether the planned publication hides this cell (primary rule when unplanned)."""
        if not self.active:
            return False
        if key in self._hidden:
            return True
        if key in self._shown:
            return False
        return self.is_suppressed_count(value)

    def hidden_cells(self) -> dict[Key, int]:
        """This report's cells the plan hides, with their counts: the hidden cells of its
        tables and sentences, and the cells no report shows (a difference a reader works
        out) where they are protected (1 to ``min_cell_count − 1``). Not the cells of
        other reports (released or recomputed) nor the slack of inequalities. Empty
        before the plan and in an internal report.
        """
        if not self.active:
            return {}
        out: dict[Key, int] = {}
        candidates = self._hidden | self._unpublished
        for key in candidates - self._imported - self._released - self._slack:
            value = self._values.get(key)
            if value is None:
                continue
            if key in self._unpublished and not 0 < value < self.min_cell_count:
                continue
            out[key] = int(value)
        return out

    def published(self) -> tuple[dict[Key, int], set[Key], list[_solver.Line]]:
        """Every planned cell's value, the hidden keys and every relation a reader knows."""
        lines = [line for t in self._tables.values() for line in t.lines]
        return dict(self._values), set(self._hidden), [*lines, *self._free_lines]

    def protect_table(
        self,
        counts: pd.DataFrame,
        *,
        table_id: str,
        dimensions: Sequence[str] | None = None,
        add_totals: bool = True,
        total_label: str = "Totalt",
        filters: Mapping[str, object] | None = None,
    ) -> pd.DataFrame:
        """A count table with totals, after primary and secondary suppression.

        Args:
            counts: whole counts >= 0, rows x columns.
            table_id: stable name of the table.
            dimensions: see :class:`CountSpec`.
            add_totals: append a total row and column.
            total_label: label of the totals.
            filters: see :class:`CountSpec`.

        Returns:
            The table with totals, object dtype: ints, and None for hidden cells.
        """
        spec = CountSpec(counts, dimensions, add_totals, total_label, filters)
        if not self.active:
            table = _build_table(table_id, spec)
            return table.frame.astype(object)
        if table_id in self._results:
            known = self._tables[table_id]
            if not _same_spec(known.spec, spec):
                # another table recorded under the same id (see record_spec)
                table_id = next(
                    (
                        other
                        for other in self._results
                        if other.startswith(f"{table_id}~")
                        and _same_spec(self._tables[other].spec, spec)
                    ),
                    table_id,
                )
                known = self._tables[table_id]
            if _same_spec(known.spec, spec):
                # Planned, or the same table rendered again (render and _repr_html_).
                result = self._results[table_id]
                self._count(known, result)
                rename = {known.spec.total_label: total_label}
                return result.rename(index=rename, columns=rename)
            self._inconsistent(
                f"table {table_id!r} is rendered with other counts or labels than planned "
                "or rendered before; it is protected on its own"
            )
            table_id = f"{table_id}#{len(self._tables)}"
        (table,) = self._register([_build_table(table_id, spec)])
        result = self._result(table)
        self._results[table.table_id] = result
        self._count(table, result)
        return result.copy()

    def with_totals(self, spec: CountSpec, *, table_id: str) -> pd.DataFrame:
        """The table with its totals and nothing hidden, shaped as :meth:`protect_table`
        would return it (for a dry run that only records the tables).
        """
        return _build_table(table_id, spec).frame.astype(object)

    @property
    def suppressed_cells(self) -> int:
        """Hidden cells in the tables rendered so far (each table counted once)."""
        return sum(s.primary + s.secondary for s in self._rendered.values())

    @property
    def table_stats(self) -> dict[str, TableStats]:
        return dict(self._rendered)

    def collapse(
        self,
        counts: pd.Series | pd.DataFrame,
        order: Sequence[object] | None = None,
        other_label: str = "Övriga",
    ) -> pd.Series | pd.DataFrame:
        """Collapse a breakdown that would mostly be hidden (shared reports only)."""
        if not self.active or not should_collapse(counts, self.min_cell_count):
            return counts
        self.collapsed_breakdowns += 1
        return collapse_categories(counts, order, self.min_cell_count, other_label)

    # --- internals -----------------------------------------------------------------
    def _inconsistent(self, message: str) -> None:
        self.inconsistencies.append(message)
        if self.strict:
            raise InconsistentSuppressionError(message)

    def _register(self, new: list[_Table]) -> list[_Table]:  # noqa: C901 - consistency of a table against every table registered before it
        """Add tables to the report's registry, deciding their hidden cells jointly with
        (and consistently with) every table registered before.
        """
        if not self.active:
            for table in new:
                self._tables[table.table_id] = table
            return new
        known = dict(self._values)
        free = {k: v for k, v in self._pending_values.items() if k not in known}
        accepted: list[_Table] = []
        for table in new:
            clash = [k for k, v in table.values.items() if k in known and known[k] != v]  # noqa: PD011 - a dict of ours
            if clash:
                self._inconsistent(
                    f"table {table.table_id!r} counts {_describe(clash[0])} differently from "
                    "another table with the same dimensions and filters (pass filters= to "
                    "say how the populations differ); its cells are kept apart"
                )
                table = _build_table(table.table_id, table.spec, scoped=True)
            known.update(table.values)
            accepted.append(table)
            self._pending_equal.extend(
                line for line in table.equalities if line.total != line.members[0]
            )
            # A cell registered as unpublished that a table shows is published after all.
            self._unpublished -= {k for k in table.values if k not in self._values}  # noqa: PD011 - a dict of ours
        for key, value in free.items():
            if key in known and known[key] != value:
                self._inconsistent(
                    f"a published count ({_describe(key)}) is {value}, a table says "
                    f"{known[key]}; pass filters to say how the populations differ"
                )
        free = {k: v for k, v in free.items() if k not in known}
        known.update(free)
        self._settle_single_margins(known)
        self._nest_groups(known)
        rests, overlap_lines = self._relate_overlaps(known)
        free.update(rests)
        known.update(rests)
        self._keep_earlier_runs(known)
        self._pending_lines.extend(overlap_lines)
        for table in accepted:
            for row in table.keys:
                for key in row:
                    self._order.setdefault(key, len(self._order))
        for key in free:
            self._order.setdefault(key, len(self._order))
        # A relation between cells nobody published is no relation a reader knows.
        free_lines = [
            line
            for line in [*self._free_lines, *self._pending_lines]
            if all(c in known for c in line.cells)
        ]
        self._free_lines = list(dict.fromkeys(free_lines))
        self._pending_lines = [
            line for line in self._pending_lines if not all(c in known for c in line.cells)
        ]
        self._pending_values = {}
        everything = [*self._tables.values(), *accepted]
        lines = list(dict.fromkeys(line for t in everything for line in t.lines))
        lines = list(dict.fromkeys([*lines, *self._free_lines]))
        is_total = set().union(*(t.totals for t in everything))
        solution = _solver.solve(
            known,
            lines,
            min_cell_count=self.min_cell_count,
            is_total=is_total,
            order=self._order,
            locked_shown=self._shown | self._locked_equal,
            forced_hidden=self._hidden | (self._hidden_before - self._shown - self._locked_equal),
            cache=self._audits,
            unpublished=self._unpublished,
            quiet_hidden=self._hidden_elsewhere,
            preferred=self._preferred,
            slack=self._slack,
        )
        for key in solution.unprotectable:
            if key in self._reported:
                continue  # an earlier table's problem, reported then
            self._reported.add(key)
            self._inconsistent(
                f"a hidden cell ({_describe(key)}) can be recomputed from cells already shown "
                "in other tables; plan all tables of the report together with plan_tables()"
            )
        for table in accepted:
            self._tables[table.table_id] = table
            for key, value in table.values.items():  # noqa: PD011 - a dict of ours
                self._values[key] = value
                (self._hidden if key in solution.hidden else self._shown).add(key)
        for key, value in free.items():
            self._values[key] = value
            (self._hidden if key in solution.hidden else self._shown).add(key)
        # Cells shown before may only stay shown; secondary cells hidden now are hidden
        # wherever they appear.
        for key in solution.hidden:
            if key in self._values and key not in self._hidden and key not in self._shown:
                self._hidden.add(key)
        return accepted

    def _result(self, table: _Table) -> pd.DataFrame:
        out = table.frame.astype(object)
        for r, row in enumerate(table.keys):
            for c, key in enumerate(row):
                out.iat[r, c] = None if key in self._hidden else int(table.frame.iat[r, c])
        return out

    def _count(self, table: _Table, result: pd.DataFrame) -> None:
        hidden = result.isna().to_numpy()
        values = table.frame.to_numpy()
        primary = int(np.sum(hidden & (values > 0) & (values < self.min_cell_count)))
        self._rendered[table.table_id] = TableStats(
            cells=int(values.size), primary=primary, secondary=int(hidden.sum()) - primary
        )


class _Patterns:
    """Resolve a key pattern (:class:`Overlap`) to the matching keys among ``keys``."""

    def __init__(self, keys) -> None:
        self.keys = set(keys)
        self._index: dict[frozenset, dict[frozenset, list[Key]]] = {}

    @staticmethod
    def wild(pattern: Key) -> frozenset:
        return frozenset(d for d, v in pattern if v == ANY)

    def __call__(self, pattern: Key) -> list[Key]:
        wild = self.wild(pattern)
        if not wild:
            return [pattern] if pattern in self.keys else []
        if wild not in self._index:
            index: dict[frozenset, list[Key]] = {}
            for key in self.keys:
                index.setdefault(frozenset(p for p in key if p[0] not in wild), []).append(key)
            self._index[wild] = index
        rest = frozenset(p for p in pattern if p[0] not in wild)
        return sorted(
            (k for k in self._index[wild].get(rest, []) if {d for d, _ in k if d in wild} == wild),
            key=sorted,
        )


def record_spec(recording: dict[str, CountSpec], table_id: str, spec: CountSpec) -> None:
    """Record ``spec`` for the joint plan under ``table_id``, or under ``table_id~k`` when
    a table of other counts or filters holds that id already, so that both are planned
    (a first period's tables of the period and since the start once had one id, and the
    plan held only the later one); :meth:`DisclosureControl.protect_table` finds each
    by its counts.
    """
    k = 0
    while True:
        key = table_id if k == 0 else f"{table_id}~{k}"
        if key not in recording or _same_spec(recording[key], spec):
            recording[key] = spec
            return
        k += 1


def _same_spec(a: CountSpec, b: CountSpec) -> bool:
    def norm(spec: CountSpec) -> tuple:
        dims = tuple(spec.dimensions) if spec.dimensions is not None else None
        return (
            dims,
            spec.add_totals,
            tuple(sorted((str(k), str(v)) for k, v in (spec.filters or {}).items())),
        )

    if norm(a) != norm(b):
        return False
    x, y = pd.DataFrame(a.counts), pd.DataFrame(b.counts)
    try:
        return (
            x.shape == y.shape
            and list(map(str, x.index)) == list(map(str, y.index))
            and list(map(str, x.columns)) == list(map(str, y.columns))
            and bool((x.to_numpy(dtype="int64") == y.to_numpy(dtype="int64")).all())
        )
    except (TypeError, ValueError):
        return False


def cell_keys(table_id: str, spec: CountSpec) -> pd.DataFrame:
    """The key of every cell of a table (with totals) as the registry sees it.

    Useful to check consistency across tables: equal keys count the same population.
    """
    table = _build_table(table_id, spec)
    return pd.DataFrame(table.keys, index=table.frame.index, columns=table.frame.columns)


__all__ = [
    "AUDIENCES",
    "SUPPRESSED",
    "CountSpec",
    "DisclosureControl",
    "DisclosureError",
    "InconsistentSuppressionError",
    "ANY",
    "Overlap",
    "REST",
    "TableStats",
    "cell_keys",
    "count_key",
]
