"""The publication register: every count released to a nämnd, per project and period.

A hidden count is only hidden if no number published *before* lets someone compute it:
the T2 report's year to date minus the T1 report gives T2's own numbers. The register
remembers what each shared report released, so that a later report of the same project
treats those numbers as fixed (shown) and protects its hidden cells against them.

It is one SQLite file (the standard library's :mod:`sqlite3`), by default
``publication_register.sqlite`` in the reports folder (beside the report folders), or
the parameter ``publication_register_path``. It holds counts only, never persons: a
row is (project, period, cell, count), where the cell names the population counted
(e.g. ``period=2021-T1, measure=exited, municipality=Klippan``). A value that is a
reader-facing label of the label catalogue is stored as its code (``@code.gender.woman``,
not ``Kvinnor``/``Women``), so a Swedish and an English report of the same project see
each other's releases. A register written before codes (labels, ``user_version`` 0) is
migrated in place when opened.

Only cells of a named period (a ``period`` filter) are taken over by later reports: they
count the same people in every report. A count of "everyone so far" is a different
population in each report and is not carried over.

A report may cover a *subset* of the project (``subset_municipalities``: one municipality
of several). Its rows carry that scope (``municipality=Klippan``; the whole project's
scope is empty). Each scope keeps its own releases; a subset report is protected against
what the whole project's reports released and the other way round (see
:meth:`PublicationRegister.overlapping`): the whole's count minus the subset's is the
other municipalities' count, and it must not be a small one.

A re-run of a report already released (the same project, period and scope, after a data
correction) replaces its rows; the rows it replaced are kept (table ``superseded``), and
the re-run shows no cell an earlier run hid (:meth:`PublicationRegister.earlier_runs`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from contextlib import closing
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from insats.disclosure.control import ANY, SCOPE_DIMENSION, Overlap, count_key
from insats.errors import InsatsError
from insats.paths import slugify
from insats.periods import parse_period
from insats.report.labels import LANGUAGES, load_catalogue

REGISTER_NAME = "publication_register.sqlite"
#: Where the report notebook hands the released cells to the runner (never written).
RELEASED_KEY = "_released_cells"
#: Where the notebook hands the runner the register's notes (overlaps not related).
NOTES_KEY = "_register_notes"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS released (
    project TEXT NOT NULL,
    period TEXT NOT NULL,
    cell TEXT NOT NULL,
    count INTEGER NOT NULL CHECK (count >= 0),
    released_at TEXT NOT NULL,
    scope TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (project, period, scope, cell)
)
"""
#: Earlier runs of a report (same project, period and scope) that a re-run replaced: the
#: nämnd received them too, so the re-run keeps what they hid hidden.
_SUPERSEDED = """
CREATE TABLE IF NOT EXISTS superseded (
    project TEXT NOT NULL,
    period TEXT NOT NULL,
    scope TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL,
    cell TEXT NOT NULL,
    count INTEGER NOT NULL CHECK (count >= 0),
    released_at TEXT NOT NULL,
    PRIMARY KEY (project, period, scope, version, cell)
)
"""


#: The register's format: 1 = label values stored as catalogue codes (0: display labels);
#: 2 = a scope per row (the whole project, or a subset of its municipalities);
#: 3 = the runs a re-run replaced are kept (table ``superseded``).
SCHEMA_VERSION = 3
_CODE = "@"  # marks a value stored as a label catalogue code


@lru_cache(maxsize=2)
def _label_codes(language: str) -> dict[str, list[str]]:
    """{display label in ``language``: catalogue keys with that text} (sorted)."""
    out: dict[str, list[str]] = {}
    for key, texts in sorted(load_catalogue().items()):
        out.setdefault(texts[language], []).append(key)
    return out


def _fitting(dimension: str, value: str, language: str) -> list[str]:
    candidates = _label_codes(language).get(value, [])
    name = dimension.removeprefix("filter:")
    return [k for k in candidates if f".{name}." in f".{k}"] or candidates


def _code_of(dimension: str, value: str, language: str) -> str:
    """A display label as its catalogue code; any other value (a municipality, a group,
    a period, a number) as it is.

    The code must be the same from either language: among the catalogue keys with this
    text, those of the dimension's vocabulary are preferred; they must all mean one
    (sv, en) pair, and so must the other language's text of that pair; the first key is
    the code. A label that is ambiguous in either language is kept as text.
    """
    fitting = _fitting(dimension, value, language)
    if not fitting:
        return value
    catalogue = load_catalogue()
    pairs = {tuple(catalogue[k][lang] for lang in LANGUAGES) for k in fitting}
    if len(pairs) != 1:
        return value
    (pair,) = pairs
    for lang, text in zip(LANGUAGES, pair, strict=True):
        other = _fitting(dimension, text, lang)
        if sorted(other) != sorted(fitting):
            return value
    return _CODE + min(fitting)


def _label_of(value: str, language: str) -> str:
    if not value.startswith(_CODE):
        return value

    texts = load_catalogue().get(value[len(_CODE) :])
    return texts[language] if texts else value


def encode_key(key, language: str = "sv") -> str:
    """A cell key as stable, language-free text: sorted [dimension, value] pairs as JSON,
    display labels of ``language`` replaced by their catalogue codes.

    >>> encode_key(frozenset({("filter:period", "2021-T1"), ("gender", "Kvinnor")}))
    '[["filter:period", "2021-T1"], ["gender", "@code.gender.woman"]]'
    >>> encode_key(frozenset({("gender", "Women")}), "en")
    '[["gender", "@code.gender.woman"]]'
    """
    pairs = sorted([str(d), _code_of(str(d), str(v), language)] for d, v in key)
    return json.dumps(pairs, ensure_ascii=False)


def decode_key(text: str, language: str = "sv") -> frozenset:
    """The cell key of :func:`encode_key`'s text, with the labels of ``language``."""
    return frozenset((d, _label_of(v, language)) for d, v in json.loads(text))


def _period_scoped(key) -> bool:
    return any(d == "filter:period" for d, _ in key)


def default_register_path(out_dir: str | Path, project: str) -> Path:
    """Where the register lives when no path is configured: the project's folder of the
    reports folder, ``reports/<project>/publication_register.sqlite``, however the report
    folder was named: ``insats run`` without ``--out`` (``reports/<project>/<period>``),
    ``insats batch --out reports`` (the same) and ``insats run --out reports/x`` share it
    (attack round 10, F7c: ``reports/x`` used ``reports/`` and batch
    ``reports/<project>/``, so neither run knew what the other had released).

    A register written by an earlier version at ``reports/publication_register.sqlite``
    is used while it holds releases of the project and the project's folder holds none;
    if both hold some, :class:`RegisterError` says so (which one is right is the
    evaluator's decision: set ``publication_register_path``).
    """
    parent = Path(out_dir).resolve().parent
    slug = slugify(project)
    project_dir = parent if parent.name == slug else parent / slug
    path = project_dir / REGISTER_NAME
    legacy = project_dir.parent / REGISTER_NAME
    if not _holds(legacy, project):
        return path
    if not _holds(path, project):
        return legacy
    raise RegisterError(
        f"two publication registers hold releases of project {project!r}: {path} and "
        f"{legacy} (an earlier insats kept it there); set publication_register_path in "
        "the parameters to the one the nämnd's reports were planned against"
    )


def _holds(path: Path, project: str) -> bool:
    """Whether the register file at ``path`` holds a release of ``project``."""
    if not path.is_file():
        return False
    try:
        with closing(sqlite3.connect(path.as_uri() + "?mode=ro", uri=True, timeout=30)) as c:
            row = c.execute(
                "SELECT 1 FROM released WHERE project = ? LIMIT 1", (project,)
            ).fetchone()
    except sqlite3.Error as exc:
        raise RegisterError(f"{path}: not a publication register insats can read ({exc})") from exc
    return row is not None


class PublicationRegister:
    """Read and record the counts released to a nämnd (see the module docstring)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute(_SCHEMA)
        connection.execute(_SUPERSEDED)
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version < SCHEMA_VERSION:
            _add_scope(connection)
            if version < 1:
                _migrate_labels_to_codes(connection)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            connection.commit()
        elif version > SCHEMA_VERSION:
            connection.close()
            raise RegisterError(
                f"{self.path}: publication register format {version} is newer than this "
                f"insats understands ({SCHEMA_VERSION}); update insats or configure another "
                "publication_register_path"
            )
        return connection

    def _rows(self, sql: str, parameters: tuple) -> list[tuple]:
        """The rows of one read (none while the register does not exist); the connection
        is closed after it.
        """
        if not self.path.is_file():
            return []
        with closing(self._connect()) as connection, connection:
            return connection.execute(sql, parameters).fetchall()

    def released(
        self,
        project: str,
        *,
        except_period: str | None = None,
        language: str = "sv",
        scope: str = "",
    ) -> dict:
        """{cell key: count} released for ``project`` in other reports (period cells) of
        the same scope.

        Args:
            project: the project's name as in the parameters.
            except_period: the report's own period (a re-run replaces its own release).
            language: the report's language: keys come back with its labels.
            scope: the report's scope (:func:`scope_text`; empty: the whole project).
        """
        rows = self._rows(
            "SELECT period, cell, count FROM released WHERE project = ? AND scope = ? "
            "ORDER BY period",
            (project, scope),
        )
        out: dict = {}
        for period, cell, count in rows:
            if period == except_period:
                continue
            key = decode_key(cell, language)
            if _period_scoped(key):
                out[key] = int(count)
        return out

    def released_in(
        self, project: str, *, period: str, scope: str = "", language: str = "sv"
    ) -> dict:
        """{cell key: count} the report of ``project``, ``period`` and ``scope`` released
        (every cell of it, not only its period cells).
        """
        rows = self._rows(
            "SELECT cell, count FROM released WHERE project = ? AND period = ? AND scope = ?",
            (project, period, scope),
        )
        return {decode_key(cell, language): int(count) for cell, count in rows}

    def periods(self, project: str, *, scope: str = "") -> list[str]:
        """The periods of ``project`` (this scope) whose reports the register holds."""
        rows = self._rows(
            "SELECT DISTINCT period FROM released WHERE project = ? AND scope = ? ORDER BY period",
            (project, scope),
        )
        return [period for (period,) in rows]

    def earlier_runs(
        self, project: str, *, period: str, scope: str = "", language: str = "sv"
    ) -> list[dict]:
        """Every earlier run of the report of ``project``, ``period`` and ``scope`` that
        the nämnd received: the one the register holds now and each one it replaced
        (a re-run after a data correction; attack round 10, F8).

        Returns:
            [{cell key: count}], the latest first; empty when the report is new.
        """
        if not self.path.is_file():
            return []
        with closing(self._connect()) as connection, connection:
            current = connection.execute(
                "SELECT cell, count FROM released WHERE project = ? AND period = ? AND scope = ?",
                (project, period, scope),
            ).fetchall()
            older = connection.execute(
                "SELECT version, cell, count FROM superseded WHERE project = ? AND period = ? "
                "AND scope = ? ORDER BY version DESC",
                (project, period, scope),
            ).fetchall()
        runs: dict[int, dict] = {}
        for version, cell, count in older:
            runs.setdefault(int(version), {})[decode_key(cell, language)] = int(count)
        out = [{decode_key(cell, language): int(count) for cell, count in current}]
        out += [runs[v] for v in sorted(runs, reverse=True)]
        return [run for run in out if run]

    def overlapping(
        self, project: str, *, period: str, scope: str = "", language: str = "sv"
    ) -> dict[str, dict]:
        """Counts released in reports of ``project`` of a nested scope (:func:`nesting`):
        for a subset report, the whole project's and every larger subset's; for any
        report, every smaller subset's; and subsets that share some municipalities.

        Taken over: every cell of a report of the same period (it counts the same people
        at the same date), and the period cells of other periods.

        Returns:
            {scope: {cell key: count}}, keys with the labels of ``language``.
        """
        rows = self._rows(
            "SELECT scope, period, cell, count FROM released WHERE project = ? AND "
            "scope != ? ORDER BY scope, period",
            (project, scope),
        )
        out: dict[str, dict] = {}
        for other, row_period, cell, count in rows:
            if nesting(scope, other) is None:
                continue
            key = decode_key(cell, language)
            if row_period == period or _period_scoped(key):
                out.setdefault(other, {})[key] = int(count)
        return out

    def earlier_to_date(
        self, project: str, *, before, scope: str = "", language: str = "sv"
    ) -> dict[str, dict]:
        """Counts "since the start" (``window=to_date``) and the follow-up counts that only
        grow (:func:`grows`) that reports of earlier periods of ``project`` (same scope)
        released: since the start grows only by the exits since, and the follow-up by
        those followed up since, so this report's count minus an earlier one is a count
        of people, protected when small (attack of stop 25: 2019-T3's released 10 and 8
        followed up, against 2021-T2's 11 and 8 with a new group's 1 hidden, gave the 1).

        Args:
            before: the first day of this report's period; earlier periods end before it.

        Returns:
            {period label: {cell key: count}}.
        """
        rows = self._rows(
            "SELECT period, cell, count FROM released WHERE project = ? AND scope = ? "
            'AND (cell LIKE \'%"filter:window", "to_date"%\' '
            "OR cell LIKE '%\"filter:as_of\"%') ORDER BY period",
            (project, scope),
        )
        out: dict[str, dict] = {}
        for label, cell, count in rows:
            try:
                ends = parse_period(label).end
            except ValueError:
                continue
            key = decode_key(cell, language)
            if ends < before and (("filter:window", "to_date") in key or grows(key)):
                out.setdefault(label, {})[key] = int(count)
        return out

    def record(
        self,
        project: str,
        period: str,
        cells: Mapping,
        language: str = "sv",
        scope: str = "",
    ) -> int:
        """Record what one report released. An earlier run of the same period and scope
        is replaced, and kept in the table ``superseded`` (:meth:`earlier_runs`): the
        nämnd received it too.

        Args:
            cells: {cell key or its :func:`encode_key` text: count}: the shown counts only.
            language: the language of the keys' labels (encoded text is language-free).
            scope: the report's scope (:func:`scope_text`; empty: the whole project).

        Returns:
            The number of cells recorded.
        """
        now = datetime.now(UTC).isoformat(timespec="seconds")
        rows = [
            (
                project,
                period,
                c if isinstance(c, str) else encode_key(c, language),
                int(n),
                now,
                scope,
            )
            for c, n in cells.items()
            if n is not None and int(n) >= 0
        ]
        where = "project = ? AND period = ? AND scope = ?"
        with closing(self._connect()) as connection, connection:
            current = connection.execute(
                f"SELECT cell, count FROM released WHERE {where}", (project, period, scope)
            ).fetchall()
            # A run that released the very same counts (a scheduled re-run) adds nothing.
            if current and dict(current) != {cell: n for _, _, cell, n, _, _ in rows}:
                (version,) = connection.execute(
                    f"SELECT COALESCE(MAX(version), 0) + 1 FROM superseded WHERE {where}",
                    (project, period, scope),
                ).fetchone()
                connection.execute(
                    "INSERT INTO superseded (project, period, scope, version, cell, count, "
                    "released_at) SELECT project, period, scope, ?, cell, count, released_at "
                    f"FROM released WHERE {where}",
                    (version, project, period, scope),
                )
            connection.execute(f"DELETE FROM released WHERE {where}", (project, period, scope))
            connection.executemany(
                "INSERT OR REPLACE INTO released (project, period, cell, count, released_at, "
                "scope) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
        return len(rows)


def scope_text(municipalities) -> str:
    """A report's scope as the register stores it: empty for the whole project.

    >>> scope_text(None), scope_text(["Perstorp", "Klippan"])
    ('', 'municipality=Klippan,Perstorp')
    """
    if not municipalities:
        return ""
    return "municipality=" + ",".join(sorted(str(m) for m in municipalities))


def scope_municipalities(scope: str) -> tuple[str, ...]:
    """The municipalities of a :func:`scope_text` (empty: the whole project).

    >>> scope_municipalities("municipality=Klippan,Perstorp")
    ('Klippan', 'Perstorp')
    """
    if not scope:
        return ()
    return tuple(scope.removeprefix("municipality=").split(","))


def nesting(scope: str, other: str) -> str | None:
    """How the report of scope ``other`` relates to a report of ``scope``: ``"whole"``
    when it counts everyone this one counts and more (the whole project, or a larger
    subset), ``"subset"`` when this one counts everyone it counts and more,
    ``"partial"`` when they share some municipalities and each has others, None when
    the two are the same or share no municipality (no relation then).

    >>> nesting("municipality=Klippan", ""), nesting("", "municipality=Klippan")
    ('whole', 'subset')
    >>> nesting("municipality=Klippan", "municipality=Bjuv,Klippan")
    'whole'
    >>> nesting("municipality=Bjuv,Perstorp", "municipality=Bjuv,Klippan")
    'partial'
    >>> nesting("municipality=Bjuv", "municipality=Klippan") is None
    True
    """
    if scope == other:
        return None
    mine, theirs = set(scope_municipalities(scope)), set(scope_municipalities(other))
    if not theirs or (mine and mine < theirs):
        return "whole"
    if not mine or theirs < mine:
        return "subset"
    return "partial" if mine & theirs else None


def shared_municipalities(scope: str, other: str) -> tuple[str, ...]:
    """The municipalities both reports count (a subset's own, when one holds the other).

    >>> shared_municipalities("municipality=Bjuv,Klippan", "municipality=Klippan,Perstorp")
    ('Klippan',)
    """
    mine, theirs = scope_municipalities(scope), scope_municipalities(other)
    if not mine or not theirs:
        return mine or theirs
    return tuple(sorted(set(mine) & set(theirs)))


def mark_scope(key, scope: str) -> frozenset:
    """A released cell of another scope's report, kept apart from this report's cells.

    >>> sorted(mark_scope(frozenset({("filter:measure", "enrolled")}), ""))
    [('filter:measure', 'enrolled'), ('scope', 'whole project')]
    """
    return frozenset({*key, (SCOPE_DIMENSION, scope or "whole project")})


def grown_since(marked, period: str | None = None) -> Overlap:
    """An earlier report's count since the start, against this report's: this one is
    the earlier one plus the exits since (a rest), matched whatever its base n.

    ``period``: this report's period, when the earlier report is of the period just
    before it: the exits since are then this report's exits of the period, the same
    people (attack of stop 21: Klippan's 31 since the start in T2 minus T1's 23 gave
    T2's hidden 8 exits), where a cell of them agrees in value.
    """
    key = frozenset(p for p in marked if p[0] != RELEASED_IN)
    part = frozenset((d, ANY) if d == "filter:n" else (d, v) for d, v in key)
    if period is None:
        return Overlap(part=part)
    dims = {d: v for d, v in key if not d.startswith("filter:")}
    same = [
        frozenset(
            (d, "period") if d == "filter:window" else (d, ANY) if d == "filter:n" else (d, v)
            for d, v in key
        )
    ]
    if set(dims) <= {"municipality", "group"}:
        same.append(count_key({"period": period, "measure": "exited"}, **dims))
    return Overlap(part=part, rest_is=tuple(same))


def grows(key) -> bool:
    """Whether a count only grows from one report to the next: the follow-up's counts as
    of a date (those due, those followed up, by group and status, and those with a
    recorded support), as the follow-up of someone who left is never undone. Not the
    attrition nor those due without a recorded support: a late follow-up lowers them.
    """
    d = dict(key)
    population = str(d.get("filter:population", ""))
    if "filter:as_of" not in d or not population.startswith(("followed_up:", "support:")):
        return False
    return d.get("filter:measure") != "attrition" and d.get("measure") != "missing"


def without(key, *dimensions: str) -> frozenset:
    """The key without the pairs of ``dimensions`` (to match a cell across reports)."""
    return frozenset(p for p in key if p[0] not in dimensions)


def holds_since(marked, own_year_to_date: str, later_year_to_date: str | None) -> Overlap:
    """How a count of a *later* period's report, released before this one, holds this
    report's count of the same people (attack round 10, F7e: T2 released first, its 10
    exits in Klippan so far this year, then T1's 8 exits gave T2's hidden 2).

    The later report's count so far this year (when its year is this report's:
    ``later_year_to_date``, its year to date's label) is this report's so far this year
    plus those who came since, and its count since the start is this one's plus the
    exits since: the later count = this report's cell + a rest, protected when small.
    Any other count relates to nothing here.

    Args:
        marked: the later report's key, marked with its period (``RELEASED_IN``).
        own_year_to_date: the label of this report's year to date (its period's label
            when the year starts with it: ``2021-T1``).
    """
    key = without(marked, RELEASED_IN)
    if ("filter:window", "to_date") in key:
        return Overlap(part=frozenset((d, ANY) if d == "filter:n" else (d, v) for d, v in key))
    if later_year_to_date is not None and ("filter:period", later_year_to_date) in key:
        part = {
            (d, own_year_to_date if d == "filter:period" else ANY if d == "filter:n" else v)
            for d, v in key
        }
        return Overlap(part=frozenset(part))
    return Overlap()


def grown_follow_up(marked) -> Overlap:
    """An earlier report's follow-up count (:func:`grows`) against this report's: this
    one is the earlier one plus those followed up since, at least 0 (attack round 7: the
    sample's "19 följdes upp" in T3 against T2's 18 left a new group's hidden 1 at most
    1). Matched whatever the date or base n.
    """
    key = without(marked, RELEASED_IN)
    return Overlap(
        part=frozenset((d, ANY) if d in ("filter:as_of", "filter:n") else (d, v) for d, v in key)
    )


#: Marks a cell an earlier period's report released, in this report's model.
RELEASED_IN = "released_in"


def overlap_of(
    marked, *, subset: tuple[str, ...], released_is_whole: bool, partial: bool = False
) -> Overlap:
    """How a marked released cell relates to this report's cells (see
    :class:`insats.disclosure.control.Overlap`).

    ``subset`` is the subset report's municipalities (this report's when
    ``released_is_whole``, else the released report's). A cell of a named municipality of
    the subset, or of a group (its groups are named with their municipality in both
    reports), counts the same people in both reports; a cell of another municipality
    has no counterpart; any other cell of the whole is the subset's plus the rest. A
    table's base ``n`` differs between the two and is matched as any value.

    >>> from insats.disclosure import count_key
    >>> whole = mark_scope(count_key({"measure": "enrolled"}), "")
    >>> o = overlap_of(whole, subset=("Klippan",), released_is_whole=True)
    >>> o.part == count_key({"measure": "enrolled"}), o.equal
    (True, ())
    """
    key = frozenset(p for p in marked if p[0] != SCOPE_DIMENSION)
    key = frozenset((d, ANY) if d == "filter:n" else (d, v) for d, v in key)
    municipality = next((v for d, v in key if d == "municipality"), None)
    without = frozenset(p for p in key if p[0] != "municipality")
    by_municipality = tuple(frozenset({*key, ("municipality", m)}) for m in subset)
    if partial:
        # Two subsets that share ``subset`` and each count others: the shared
        # municipalities' (and their groups') cells are the same people; the released
        # report's whole is this report's cells of the shared municipalities plus a
        # rest, and this report's whole is the released cells of them plus a rest.
        if municipality is not None:
            return Overlap(equal=(key,), within=without) if municipality in subset else Overlap()
        if any(d == "group" for d, _ in key):
            return Overlap(equal=(key,))
        if len(subset) == 1:
            return Overlap(part=by_municipality[0])
        return Overlap(parts=by_municipality)
    if municipality is not None:
        if municipality not in subset:
            return Overlap()  # other people altogether
        if released_is_whole and len(subset) == 1:
            # The subset report's own cell of it, and its whole, are these people.
            return Overlap(equal=(key, without))
        if released_is_whole:
            # The subset report's whole is the sum of its municipalities' cells here.
            return Overlap(equal=(key,), within=without, rest=False)
        return Overlap(equal=(key,))
    if any(d == "group" for d, _ in key):
        return Overlap(equal=(key,))
    if not released_is_whole and len(subset) == 1:
        # The subset report's whole is the whole report's cell of that municipality.
        return Overlap(equal=(by_municipality[0],), part=key)
    if not released_is_whole:
        # ... or the sum of the whole report's cells of its municipalities.
        return Overlap(part=key, parts=by_municipality, rest=False)
    return Overlap(part=key)


class RegisterError(InsatsError, RuntimeError):
    """A publication register file this version cannot use."""


def _add_scope(connection: sqlite3.Connection) -> None:
    """Give a register of format 0 or 1 its scope column (every old row: the whole
    project); the primary key gains the scope, so the table is rebuilt.
    """
    columns = [row[1] for row in connection.execute("PRAGMA table_info(released)")]
    if "scope" in columns:
        return
    connection.execute("ALTER TABLE released RENAME TO released_old")
    connection.execute(_SCHEMA)
    connection.execute(
        "INSERT INTO released (project, period, cell, count, released_at, scope) "
        "SELECT project, period, cell, count, released_at, '' FROM released_old"
    )
    connection.execute("DROP TABLE released_old")


def _migrate_labels_to_codes(connection: sqlite3.Connection) -> None:
    """Re-key rows written with display labels (format 0) by their codes, in place.

    An old row's labels are Swedish or English: a row is read as Swedish unless one of its
    values is an English label and none a Swedish one.
    """
    rows = connection.execute("SELECT rowid, cell FROM released").fetchall()
    for rowid, cell in rows:
        pairs = json.loads(cell)
        if any(str(v).startswith(_CODE) for _, v in pairs):
            continue
        sv = sum(v in _label_codes("sv") for _, v in pairs)
        en = sum(v in _label_codes("en") for _, v in pairs)
        language = "en" if en > sv else "sv"
        new = encode_key(frozenset((d, v) for d, v in pairs), language)
        connection.execute("UPDATE OR REPLACE released SET cell = ? WHERE rowid = ?", (new, rowid))


__all__ = [
    "REGISTER_NAME",
    "NOTES_KEY",
    "RELEASED_KEY",
    "SCHEMA_VERSION",
    "PublicationRegister",
    "RegisterError",
    "decode_key",
    "default_register_path",
    "encode_key",
    "RELEASED_IN",
    "grown_since",
    "holds_since",
    "mark_scope",
    "nesting",
    "shared_municipalities",
    "overlap_of",
    "scope_municipalities",
    "scope_text",
]
