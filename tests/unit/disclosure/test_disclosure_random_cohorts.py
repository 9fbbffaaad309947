"""Hypothesis: whole nämnd reports of random cohorts give no hidden count away (issue 15).

Each example writes a random participant file (8–60 persons; random intake group,
municipality, gender, start and exit dates, exit reason and status at exit; the other
columns taken from rows of the bundled sample), builds the nämnd report in-process
(``insats.report.build.build_report``, as the notebook does), renders every section and
the figures.json data, and attacks the whole publication two ways:

- the LP attacker over the report's publication model (every table cell, sentence number,
  share base and figures.json number, with their relations): no hidden cell may have a
  feasible interval narrower than one whole person;
- the LP attacker over the final HTML of all sections read back as a reader would
  (``audit_html``: every count table with a total, ".." as an unknown of at least 1);
- the runner's guard over that HTML and the figures.json data (no count 1..min-1
  anywhere in figures.json, no identifier).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insats.disclosure.attack import (
    PROTECTION_WIDTH,
    audit_html,
    audit_publication,
    feasible_intervals,
)
from insats.report.register import RELEASED_KEY
from insats.run.runner import json_bytes

REPO = Path(__file__).resolve().parents[3]
SAMPLE_PARAMS = REPO / "parameters" / "forsta_steget.yaml"
SAMPLE_PARTICIPANTS = REPO / "data" / "sample" / "forsta_steget_deltagare.csv"

SECTIONS = (
    "header",
    "summary",
    "about",
    "timeline",
    "activities",
    "participants",
    "outcomes",
    "follow_up",
    "goals",
    "recruitment",
    "budget",
    "socioeconomic",
    "other",
    "method",
    "disclosure",
    "provenance",
)
# Report period 2021-T2 (May–August 2021), year to date January–August 2021.
STARTS = ["2020-08-31", "2021-02-01", "2021-02-22", "2021-05-03"]
ENDS = ["", "", "2021-03-19", "2021-05-28", "2021-06-17", "2021-08-20"]
REASONS = ["Fullföljt", "Fullföljt", "Sociala skäl", "Flytt", "Sjukdom", "Fick arbete"]
STATUSES = [
    "Öppet arbetssökande",
    "Extratjänst",
    "Arbete",
    "Praktik",
    "Studier",
    "Annan insats",
    "Okänt",
]
FOLLOW_UP = [
    "Status efter 6 mån",
    "Status efter 12 mån",
    "Försörjning efter 6 mån",
    "Försörjning efter 12 mån",
    "Försörjning vid avslut",
    "Självskattning avslut",
]


def _template() -> tuple[list[str], list[dict[str, str]]]:
    text = SAMPLE_PARTICIPANTS.read_bytes().decode("cp1252")
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    return list(reader.fieldnames or []), list(reader)


FIELDS, ROWS = _template()


@st.composite
def cohorts(draw) -> list[dict[str, str]]:
    n = draw(st.integers(8, 60))
    groups = draw(st.lists(st.sampled_from("123456"), min_size=1, max_size=4, unique=True))
    people = []
    for i in range(n):
        row = dict(draw(st.sampled_from(ROWS)))
        row["Deltagar-ID"] = f"R{i:03d}"
        row["Grupp"] = draw(st.sampled_from(groups))
        row["Kommun"] = draw(st.sampled_from(["Perstorp", "Klippan"]))
        row["Kön"] = draw(st.sampled_from(["Kvinna", "Man"]))
        row["Startdatum"] = draw(st.sampled_from(STARTS))
        end = draw(st.sampled_from(ENDS))
        if end and end <= row["Startdatum"]:
            end = ""
        row["Slutdatum"] = end
        if end:
            row["Avslutsorsak"] = draw(st.sampled_from(REASONS))
            row["Status vid avslut"] = draw(st.sampled_from(STATUSES))
        else:
            row["Avslutsorsak"] = ""
            row["Status vid avslut"] = ""
            for column in FOLLOW_UP:
                row[column] = ""
        people.append(row)
    return people


def write_cohort(people: list[dict[str, str]], path: Path) -> Path:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows(people)
    path.write_bytes(out.getvalue().encode("cp1252"))
    return path


def publish(people: list[dict[str, str]], folder: Path):
    """The report model, the HTML of every section and the figures.json data."""
    from insats.params import load_parameters
    from insats.report.build import build_report

    path = write_cohort(people, folder / "deltagare.csv")
    params = load_parameters(SAMPLE_PARAMS).model_copy(update={"participants_path": str(path)})
    report = build_report(params)
    page = "".join(str(getattr(report, name)()) for name in SECTIONS)
    # The notebook's last cell: the attacker over the publication model, then the data
    # the runner writes to figures.json (the register's part taken out, as it does).
    figures = dict(report.emit_figures().data)
    figures.pop(RELEASED_KEY, None)
    files = {"report.html": page.encode(), "figures.json": json_bytes(figures)}
    # The runner's guard: no count 1..min-1 in figures.json, the HTML's count tables
    # attacked on their margins (audit_html), no identifiers.
    report.inputs.guard(files)
    return report, page, figures


def narrow_hidden_cells(control) -> list[tuple[object, float, float]]:
    """Hidden cells a reader of every published number pins to less than one person."""
    values, hidden, lines = control.published()
    shown = {k: v for k, v in values.items() if k not in hidden}
    pairs = [(line.total, line.members) for line in lines]
    # Cells no report shows (the earlier part of the year, year to date minus period):
    # a reader knows only that they are not negative, and they are counts of persons
    # to protect only when small (a large one she may know, like any shown count).
    rests = control.unpublished
    # The differences of inequalities (enrolled = exited + slack): at least 0, and no
    # count to protect themselves.
    slack = control.slack
    floors = dict.fromkeys([*rests, *slack], 0.0)
    return [
        (k, lo, hi)
        for k, (lo, hi) in feasible_intervals(shown, hidden, pairs, floors=floors).items()
        if hi - lo < PROTECTION_WIDTH and k not in slack and (k not in rests or 0 < values[k] < 5)
    ]


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(people=cohorts())
def test_no_hidden_count_of_a_random_cohort_can_be_narrowed(people, tmp_path_factory):
    report, page, _ = publish(people, tmp_path_factory.mktemp("cohort"))
    control = report.ctx.disclosure
    assert control.active
    values, hidden, _ = control.published()
    # The attack must have something to attack for the property to mean anything.
    assert values, "the publication model holds no cells"
    # one joint plan: no table protected on its own, no cell planned twice
    assert control.inconsistencies == []
    assert narrow_hidden_cells(control) == []
    assert audit_publication(control) == []
    assert audit_html(page) == []


def test_attack_on_the_model_can_fail():
    """The check above is not vacuous: a margin with one hidden member is pinned."""
    shown = {"total": 9, "b": 6}
    (lo, hi) = feasible_intervals(shown, ["a"], [("total", ("a", "b"))])["a"]
    assert hi - lo < PROTECTION_WIDTH and lo == 3


@pytest.mark.parametrize("n", [8])
def test_random_cohort_writer_round_trips(tmp_path, n):
    people = [dict(ROWS[i], **{"Deltagar-ID": f"R{i:03d}"}) for i in range(n)]
    path = write_cohort(people, tmp_path / "d.csv")
    back = list(csv.DictReader(io.StringIO(path.read_bytes().decode("cp1252")), delimiter=";"))
    assert [r["Deltagar-ID"] for r in back] == [f"R{i:03d}" for i in range(n)]
