"""Named regression test of attack F9 (attack round 10): the batch index compared a
nämnd report with an internal report of the previous period.

The attacker's cohort (FICTITIOUS, participant_id only), everyone in group 1 starting
2021-01-11: Perstorp 3 leave on 2021-03-31, 6 on 2021-06-30 and 4 stay; Klippan and Bjuv
6 each leave on 2021-06-30 and 4 stay. 2021-T1 has 3 exits (Perstorp's), which the nämnd
report of T1 hides (fewer than 5). The evaluator ran an internal T1 into
``reports/<project>/2021-t1`` and then a nämnd batch of 2021-T2 into ``reports/``: the
index showed "Avslutade 18 (+15)", so T1's exits 18 - 15 = 3, index.json had
``previous.key_figures.exited: 3``, and the index linked the internal report. Now the
change is computed only against a report of the same audience, and an index of nämnd
reports lists, links and quotes no internal report.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
import yaml
from tests.e2e.known_answers.conftest import PROJECT, REPO, person, write_rows

pytestmark = pytest.mark.e2e

# (municipality, exits in T1, exits in T2, still in the programme)
PLAN = (("Perstorp", 3, 6, 4), ("Klippan", 0, 6, 4), ("Bjuv", 0, 6, 4))


def _cohort() -> list[dict]:
    rows = []
    for municipality, *counts in PLAN:
        n = 0
        for k, end in zip(counts, ("2021-03-31", "2021-06-30", None), strict=True):
            for _ in range(k):
                row = person(f"{municipality[0]}{n}", municipality=municipality)
                if end:
                    outcome = "employment" if n % 2 else "job_seeking"
                    row.update(end_date=end, exit_reason="completed", outcome_at_exit=outcome)
                rows.append(row)
                n += 1
    return rows


@pytest.fixture(scope="module")
def index(tmp_path_factory, parameters_runner):
    folder = tmp_path_factory.mktemp("batch_index_audience")
    data = write_rows(folder / "deltagare.csv", [{"project": PROJECT, **r} for r in _cohort()])
    params = folder / "testinsatsen.yaml"
    raw = {
        "project": PROJECT,
        "period": "2021-T2",
        "audience": "namnd",
        "monte_carlo_draws": 200,
        "participants_path": str(data),
    }
    params.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    reports = folder / "reports"
    internal_t1 = reports / "testinsatsen" / "2021-t1"
    internal = parameters_runner(
        params, internal_t1, "--period", "2021-T1", "--audience", "internal"
    )
    done = subprocess.run(
        [sys.executable, "-m", "insats", "batch", str(params), "-p", "2021-T2"]
        + ["--jobs", "1", "--no-progress", "--out", str(reports)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=900,
    )
    assert done.returncode == 0, f"insats batch failed:\n{done.stdout}\n{done.stderr}"
    return {
        "internal_t1": internal,
        "json": json.loads((reports / "index.json").read_text(encoding="utf-8")),
        "html": (reports / "index.html").read_text(encoding="utf-8"),
    }


def test_f9_the_nämnd_index_gives_no_change_against_an_internal_report(index):
    # The internal T1 shows the 3 exits of Perstorp (3 + 0 + 0), the nämnd's T1 hides.
    assert index["internal_t1"]["participants"]["exited"] == 3
    data = index["json"]
    rows = {r["period"]: r for r in data["reports"]}
    # The T2 row of the nämnd batch: 10 + 10 + 10 = 30 enrolled, shown; its 18 exits are
    # not, as with the 21 since the start (no one left before 2021: everyone started on
    # 2021-01-11, as the report shows) they would give T1's hidden 3.
    t2 = rows["2021-T2"]
    assert t2["key_figures"]["enrolled"] == 30
    assert t2["key_figures"]["exited"] is None
    # Before: previous.key_figures.exited 3 and change.exited 18 - 3 = 15.
    assert t2["previous"] is None and t2["change"] == {}
    assert "2021-T1" not in rows  # the internal report is not listed either
    assert data["audience"] == "namnd"  # the index of a nämnd batch may be shared


def test_f9_the_nämnd_index_page_neither_quotes_nor_links_the_internal_report(index):
    html = index["html"]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.split("<body", 1)[1]))
    assert "(+15)" not in text  # 18 (+15): 18 - 15 = 3
    assert "2021-t1" not in html and "2021-T1" not in text
    assert "30" in text
