"""The publication register: every count released to a nämnd, per project and period.

A hidden count is only hidden if no number published *before* lets someone compute it:
the T2 report's year to date minus the T1 report gives T2's own numbers. The register
remembers what each shared report released, so that a later report of the same project
treats those numbers as fixed (shown) and protects its hidden cells against them.

It is one SQLite file (the standard library's :mod:`sqlite3`), by default
``publication_register.sqlite`` in the reports folder (beside the report folders), or
the parameter ``publication_register_path``. It holds counts only, never persons: a
row is (project, period, cell, count), where the cell names the population counted
(e.g. ``period=2021-T1, measure=exited, municipality=Klippan``), as the report shows it.

Only cells of a named period (a ``period`` filter) are taken over by later reports: they
count the same people in every report. A count of "everyone so far" is a different
population in each report and is not carried over.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

REGISTER_NAME = "publication_register.sqlite"
#: Where the report notebook hands the released cells to the runner (never written).
RELEASED_KEY = "_released_cells"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS released (
    project TEXT NOT NULL,
    period TEXT NOT NULL,
    cell TEXT NOT NULL,
    count INTEGER NOT NULL CHECK (count >= 0),
    released_at TEXT NOT NULL,
    PRIMARY KEY (project, period, cell)
)
"""


def encode_key(key) -> str:
    """A cell key as stable text: sorted [dimension, label] pairs as JSON.

    >>> encode_key(frozenset({("filter:period", "2021-T1"), ("measure", "x")}))
    '[["filter:period", "2021-T1"], ["measure", "x"]]'
    """
    return json.dumps(sorted([str(d), str(v)] for d, v in key), ensure_ascii=False)


def decode_key(text: str) -> frozenset:
    return frozenset((d, v) for d, v in json.loads(text))


def _period_scoped(key) -> bool:
    return any(d == "filter:period" for d, _ in key)


def default_register_path(out_dir: str | Path) -> Path:
    """Where the register lives when no path is configured: the reports folder."""
    return Path(out_dir).resolve().parent / REGISTER_NAME


class PublicationRegister:
    """Read and record the counts released to a nämnd (see the module docstring)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute(_SCHEMA)
        return connection

    def released(self, project: str, *, except_period: str | None = None) -> dict:
        """{cell key: count} released for ``project`` in other reports (period cells).

        Args:
            project: the project's name as in the parameters.
            except_period: the report's own period (a re-run replaces its own release).
        """
        if not self.path.is_file():
            return {}
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT period, cell, count FROM released WHERE project = ? ORDER BY period",
                (project,),
            ).fetchall()
        out: dict = {}
        for period, cell, count in rows:
            if period == except_period:
                continue
            key = decode_key(cell)
            if _period_scoped(key):
                out[key] = int(count)
        return out

    def record(self, project: str, period: str, cells: Mapping) -> int:
        """Record what one report released (replacing an earlier run of the same period).

        Args:
            cells: {cell key or its encoded text: count}: the shown counts only.

        Returns:
            The number of cells recorded.
        """
        now = datetime.now(UTC).isoformat(timespec="seconds")
        rows = [
            (project, period, c if isinstance(c, str) else encode_key(c), int(n), now)
            for c, n in cells.items()
            if n is not None and int(n) >= 0
        ]
        with self._connect() as connection:
            connection.execute(
                "DELETE FROM released WHERE project = ? AND period = ?", (project, period)
            )
            connection.executemany("INSERT OR REPLACE INTO released VALUES (?, ?, ?, ?, ?)", rows)
        return len(rows)


__all__ = [
    "REGISTER_NAME",
    "RELEASED_KEY",
    "PublicationRegister",
    "decode_key",
    "default_register_path",
    "encode_key",
]
