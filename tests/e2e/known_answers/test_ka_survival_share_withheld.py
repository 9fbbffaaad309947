"""Known answers: a share of the time-to-event table gives no hidden number at risk back
(issue 15, attack on the cumulative incidence).

Cohort (hand-made, FICTITIOUS), 2021-T2, Perstorp, grupp 4: 30 participants, all started
2020-09-07 and completed, none still enrolled at 2021-08-31. Exits, in months from start:
6 to job seeking and 10 to work at 1.5 months, 7 to work at 2.5, 4 at 3.5 and 3 at 4.5
(24 to work or studies, 6 to something else).

The nämnd report of fc99b8c wrote "Av 30 deltagare gick 24 till arbete eller studier …,
6 avslutade till något annat … och 0 var fortfarande inskrivna", the rows
``3 mån | 7 | 57 %`` and ``4 mån | .. | 70 % | 50–83 %`` (figures.json 0.7 at "4"). With
no one censored the Aalen–Johansen share is events / n: 57 % of 30 is 17 events by
3 months and 70 % is 21 by 4 months. The 30 − 7 − 17 = 6 who had left before 3 months
without an event are all 6 other exits, so none left otherwise between 3 and 4 months,
and the hidden number at risk at 4 months was 30 − 21 − 6 = 3. The internal report of
the same data shows ``4 mån | 3 | 70 % | 50–83 %``.

With the fix a row whose number at risk the plan hides has no share, no interval and no
point on the curve (HTML and figures.json), and the other shares give it no way back.
"""

from __future__ import annotations

import html
import re

import pytest
from tests.e2e.known_answers.conftest import person

pytestmark = pytest.mark.e2e

EXITS = (  # end date, persons, outcome at exit
    ("2020-10-22", 6, "job_seeking"),
    ("2020-10-22", 10, "employment"),
    ("2020-11-22", 7, "employment"),
    ("2020-12-22", 4, "employment"),
    ("2021-01-22", 3, "employment"),
)


def _rows() -> list[dict]:
    rows = []
    for end, persons, outcome in EXITS:
        for _ in range(persons):
            rows.append(
                person(
                    f"S{len(rows) + 1}",
                    group="4",
                    start_date="2020-09-07",
                    end_date=end,
                    exit_reason="completed",
                    outcome_at_exit=outcome,
                    support_at_exit="Lön" if outcome == "employment" else "Aktivitetsstöd",
                )
            )
    return rows


@pytest.fixture(scope="module")
def reports(tmp_path_factory, cohort_runner):
    folder = tmp_path_factory.mktemp("survival_share")
    out = {}
    for audience in ("internal", "namnd"):
        where = folder / audience
        figures = cohort_runner(where, _rows(), audience=audience)
        text = (where / "out" / "report.html").read_text(encoding="utf-8")
        out[audience] = (_section(text), figures["time_to_work_or_studies"])
    return out


def _section(page: str) -> str:
    """The time-to-event section as plain text (sentence and table)."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", page)).replace("\u00a0", " ")
    text = re.sub(r"\s+", " ", text)
    start = text.index("Tid till arbete eller studier Av ")
    return text[start : text.index("Samband med bakgrundsfaktorer", start)]


def _row(text: str, month: int) -> list[str]:
    row = re.search(rf"{month} mån (\S+) (\S+(?: %)?) (\S+(?: %)?)", text)
    assert row is not None, text
    return [row.group(1), row.group(2), row.group(3)]


def test_the_internal_report_holds_the_number_at_risk(reports):
    text, figures = reports["internal"]
    assert _row(text, 4) == ["3", "70 %", "50–83 %"], text
    assert figures["by_month"]["4"]["at_risk"] == 3


def test_no_share_beside_a_hidden_number_at_risk(reports):
    text, figures = reports["namnd"]
    for month, point in figures["by_month"].items():
        if point["at_risk"] is None:
            assert point["cumulative_share"] is None, (month, point)
            assert point["ci_low"] is None and point["ci_high"] is None, (month, point)
    at_risk, share, interval = _row(text, 4)
    if at_risk == "..":
        assert share == ".." and interval == "..", text


def test_the_shares_give_the_number_at_risk_at_4_months_no_way_back(reports):
    # The attack: with no one censored, share × n is the events so far, and n minus
    # those at risk minus the events the other exits so far, which never decrease. If
    # an earlier month's other exits are all of them, a share at 4 months pins its
    # number at risk: n − events(4) − other exits.
    text, figures = reports["namnd"]
    points = figures["by_month"]
    if points["4"]["at_risk"] is not None:
        return  # shown: nothing to recover
    sentence = re.search(
        r"Av (\d+) deltagare gick \d+ till arbete eller studier direkt från insatsen, "
        r"(\d+) avslutade till något annat .* och 0 var fortfarande inskrivna",
        text,
    )
    if sentence is None:
        return  # n or the other exits not shown: the attack has no start
    n, competing = map(int, sentence.groups())
    pinned = [
        month
        for month, point in points.items()
        if float(month) < 4
        and point["at_risk"] is not None
        and point["cumulative_share"] is not None
        and n - point["at_risk"] - round(point["cumulative_share"] * n) == competing
    ]
    assert not (pinned and points["4"]["cumulative_share"] is not None), (pinned, points)
    assert "4 mån .. .. .." in text, text
