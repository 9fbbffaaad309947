"""Named regression test of attack F6 (attack round 10): intake groups numbered uniquely
across municipalities, in a single nämnd report.

Perstorp has only grupp 1, Bjuv only grupp 2, Klippan only grupp 5, so the groups keep
their plain names ("Grupp 1") and the plan was told of no municipality = sum of its
groups; yet the data nest each group in one municipality, and the report prints it (the
per-group table's Kommun column). The old plan hid Grupp 1 and Grupp 5 in the group
table and showed Grupp 2 = 6, and hid Bjuv and Klippan in the municipality table and
showed Perstorp = 6 (= Grupp 1): 15 − 6 − 6 gave Grupp 5's hidden 3 exits (T1, the
project's first period: everyone left in it).

The test reads every count of a group's exits the nämnd report publishes (the group and
municipality tables of the participants, figures.json, the to-date outcome table by
Kommun and the per-group n, the same people here) and asserts that no group's hidden
count is the total minus the others.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

# (municipality, group): (exits in T1, still enrolled)
PLAN = {("Perstorp", "1"): (6, 4), ("Klippan", "5"): (3, 4), ("Bjuv", "2"): (6, 4)}


def _cohort(make_person) -> list[dict]:
    rows = []
    for (municipality, group), (exits, staying) in PLAN.items():
        for n in range(exits + staying):
            row = make_person(f"{municipality[0]}{n}", municipality=municipality, group=group)
            if n < exits:
                outcome = "employment" if n % 2 else "job_seeking"
                row.update(end_date="2021-03-31", exit_reason="completed", outcome_at_exit=outcome)
            rows.append(row)
    return rows


class _Tables(HTMLParser):
    """Every table of a report.html: {caption: [rows of cell texts]}."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._rows: list[list[str]] | None = None
        self._cell: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows:
            self._cell = ""
        elif tag == "caption" and self._rows is not None:
            self._caption = ""

    def handle_endtag(self, tag):
        if tag == "table" and self._rows is not None:
            self.tables.setdefault(self._caption or "", self._rows)
            self._rows = None
        elif tag in ("td", "th") and self._cell is not None and self._rows:
            self._rows[-1].append(self._cell.strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        elif self._rows is not None and self._caption is not None and not self._rows:
            self._caption += data


def _row_totals(html: str, caption: str) -> dict[str, str]:
    parser = _Tables()
    parser.feed(html)
    rows = next((r for c, r in parser.tables.items() if c.strip().startswith(caption)), None)
    return {row[0]: row[-1] for row in (rows or [])[1:] if row}


@pytest.fixture(scope="module")
def reports(tmp_path_factory, cohort_runner, make_person):
    rows = _cohort(make_person)
    out = {}
    for audience in ("internal", "namnd"):
        folder = tmp_path_factory.mktemp(f"f6_{audience}")
        figures = cohort_runner(folder, rows, period="2021-T1", audience=audience)
        html = (Path(folder) / "out" / "report.html").read_text(encoding="utf-8")
        out[audience] = (figures, html)
    return out


def test_f6_internal_report_has_the_answer(reports):
    figures, _ = reports["internal"]
    by_group = figures["participants"]["by_group"]
    assert {g: by_group[g]["exited"] for g in ("1", "2", "5")} == {"1": 6, "2": 6, "5": 3}
    assert figures["participants"]["exited"] == 15


def test_f6_unique_group_numbers_do_not_give_a_hidden_group_back(reports):
    figures, html = reports["namnd"]
    participants = figures["participants"]
    total = participants["exited"]
    assert total == 15  # the attack's starting point: the total is shown
    by_group = participants["by_group"]
    by_municipality = participants["by_municipality"]
    per_group_n = figures.get("work_or_studies_by_group", {})
    by_kommun = _row_totals(html, "Deltagare efter status vid avslut och Kommun: antal")
    assert by_kommun, "the outcome table by Kommun is in the report"
    # Everything a reader can read of each group's exits (Grupp 1 is Perstorp's only
    # group, and so on; no one left before T1 and everyone who left has a status).
    known: dict[str, int | None] = {}
    for (municipality, group), _ in PLAN.items():
        seen = [
            by_group[group]["exited"],
            by_municipality[municipality]["exited"],
            (per_group_n.get(group) or {}).get("n"),
            int(by_kommun[municipality]) if by_kommun.get(municipality, "..").isdigit() else None,
        ]
        values = {v for v in seen if v is not None}
        assert len(values) <= 1, (group, seen)  # no two sources disagree
        known[group] = values.pop() if values else None
    hidden = [g for g, v in known.items() if v is None]
    assert by_group["5"]["exited"] is None  # Grupp 5's 3 is a primary cell: hidden
    # The attack: all groups but one known and the total shown gives the last one.
    assert len(hidden) != 1, (
        f"Grupp {hidden[0]} = {total} − {sum(v for v in known.values() if v)}: the "
        f"hidden count is derived (known: {known})"
    )
    # And the municipality table's own cells, each its only group's, agree with it.
    for (municipality, group), _ in PLAN.items():
        shown = by_municipality[municipality]["exited"]
        assert shown is None or by_group[group]["exited"] in (None, shown)
