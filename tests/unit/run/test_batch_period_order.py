"""``insats batch`` over several periods of one project plans them in period order
(issue 15): T1 is released and registered before T2 is planned, so T2's year to date
cannot give T2's own counts by difference with the T1 report."""

from __future__ import annotations

import json
import sqlite3

import pytest
from tests.conftest import SAMPLE_PARAMS
from typer.testing import CliRunner

from insats.cli import app
from insats.disclosure.attack import exposures
from insats.run.batch import BatchJob, period_waves


def test_waves_put_each_projects_periods_in_period_order():
    plan = [
        BatchJob("a.yaml", "2021-T3", "o/a3", "A"),
        BatchJob("a.yaml", "2021-T1", "o/a1", "A"),
        BatchJob("b.yaml", "2021-T3", "o/b3", "B"),
        BatchJob("a.yaml", "2021-T2", "o/a2", "A"),
    ]
    # A: T1 (1), then T2 (3), then T3 (0); B's only period runs in the first wave.
    assert period_waves(plan, [0, 1, 2, 3]) == [[1, 2], [3], [0]]
    assert period_waves(plan, [0, 2]) == [[0, 2]]
    assert period_waves(plan, []) == []


@pytest.mark.e2e
def test_batch_of_two_periods_registers_t1_before_planning_t2(tmp_path):
    out = tmp_path / "reports"
    # T2 named first on purpose: the batch must still run T1 first.
    args = ["batch", str(SAMPLE_PARAMS), "--period", "2021-T2", "--period", "2021-T1"]
    result = CliRunner().invoke(app, [*args, "--out", str(out), "--no-progress", "--jobs", "2"])
    assert result.exit_code == 0, result.output
    project_dir = out / "forsta-steget"
    register = project_dir / "publication_register.sqlite"
    assert register.is_file(), sorted(p.name for p in project_dir.iterdir())
    with sqlite3.connect(register) as connection:
        rows = connection.execute(
            "SELECT period, COUNT(*), MIN(released_at) FROM released GROUP BY period"
        ).fetchall()
    periods = {period: (n, at) for period, n, at in rows}
    assert set(periods) == {"2021-T1", "2021-T2"}, rows
    assert periods["2021-T1"][1] <= periods["2021-T2"][1]  # T1 released no later than T2

    figures = {
        p: json.loads((project_dir / p.lower() / "figures.json").read_text(encoding="utf-8"))
        for p in ("2021-T1", "2021-T2")
    }
    # The attacker over both reports' published participant counts together: T2's year
    # to date (Jan–Aug) = T1 (Jan–Apr) + T2 (May–Aug), for every additive count.
    shown, hidden, lines = {}, [], []
    for m in ("started", "exited", "early_exits", "completed"):
        cells = {
            ("T1", m): figures["2021-T1"]["participants"].get(m),
            ("T2", m): figures["2021-T2"]["participants"].get(m),
            ("YTD", m): figures["2021-T2"]["participants"]["year_to_date"].get(m),
        }
        for key, value in cells.items():
            if value is None:
                hidden.append(key)
            else:
                shown[key] = value
        lines.append((("YTD", m), (("T1", m), ("T2", m))))
    # The sample: T1 shows 5 early exits, T2's own are 1 (hidden): the year to date (6)
    # must be hidden too, else 6 - 5 = 1.
    assert ("T2", "early_exits") in hidden
    assert exposures(shown, hidden, lines) == []


def test_waves_put_the_whole_project_before_its_municipalities_in_one_period():
    plan = [
        BatchJob("k.yaml", "2021-T2", "o/a2k", "A", None, ("Klippan",)),
        BatchJob("a.yaml", "2021-T2", "o/a2", "A"),
        BatchJob("k.yaml", "2021-T1", "o/a1k", "A", None, ("Klippan",)),
    ]
    # T1 Klippan (2), then T2 whole (1), then T2 Klippan (0): one at a time per project.
    assert period_waves(plan, [0, 1, 2]) == [[2], [1], [0]]


def test_a_subset_report_gets_its_own_folder_beside_the_whole_projects(tmp_path):
    from insats.run.batch import plan_jobs

    whole = tmp_path / "whole.yaml"
    klippan = tmp_path / "klippan.yaml"
    text = SAMPLE_PARAMS.read_text(encoding="utf-8").replace("data_root: ..", "data_root: /")
    whole.write_text(text, encoding="utf-8")
    klippan.write_text(text + "\nsubset_municipalities: [Klippan]\n", encoding="utf-8")
    jobs = plan_jobs([whole, klippan], ["2021-T2"], tmp_path / "out")
    assert [j.problem for j in jobs] == [None, None]
    assert sorted(j.out_dir for j in jobs) == [
        str(tmp_path / "out" / "forsta-steget" / "2021-t2"),
        str(tmp_path / "out" / "forsta-steget" / "2021-t2-klippan"),
    ]


@pytest.mark.e2e
def test_batch_of_the_project_and_one_municipality_protects_each_against_the_other(tmp_path):
    # The sample (Perstorp and Klippan) and Klippan alone, T2, in one batch: one register,
    # the whole project's report first, and no count of Perstorp's people by difference.
    params = tmp_path / "parameters"
    params.mkdir()
    text = SAMPLE_PARAMS.read_text(encoding="utf-8")
    text = text.replace("data_root: ..", f"data_root: {SAMPLE_PARAMS.parents[1]}")
    text = text.replace("../data/", f"{SAMPLE_PARAMS.parents[1]}/data/")
    (params / "whole.yaml").write_text(text, encoding="utf-8")
    (params / "klippan.yaml").write_text(
        text + "\nsubset_municipalities: [Klippan]\n", encoding="utf-8"
    )
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        app, ["batch", str(params), "--out", str(out), "--no-progress", "--jobs", "2"]
    )
    assert result.exit_code == 0, result.output
    project_dir = out / "forsta-steget"
    with sqlite3.connect(project_dir / "publication_register.sqlite") as connection:
        scopes = dict(
            connection.execute("SELECT scope, MIN(released_at) FROM released GROUP BY scope")
        )
    assert set(scopes) == {"", "municipality=Klippan"}
    assert scopes[""] <= scopes["municipality=Klippan"]
    whole, klippan = (
        json.loads((project_dir / d / "figures.json").read_text(encoding="utf-8"))
        for d in ("2021-t2", "2021-t2-klippan")
    )
    # Klippan's report counts Klippan's people: its figures equal the whole report's
    # Klippan row where both are shown, and whole - Klippan (Perstorp) is never 1..4.
    for m in ("enrolled", "started", "exited", "early_exits"):
        total, part = whole["participants"][m], klippan["participants"][m]
        own = whole["participants"]["by_municipality"]["Klippan"][m]
        if part is not None and own is not None:
            assert part == own, m
        if total is not None and part is not None:
            assert not 0 < total - part < 5, (m, total, part)
        for scope in ("year_to_date",):
            total = whole["participants"][scope][m]
            part = klippan["participants"][scope][m]
            if total is not None and part is not None:
                assert not 0 < total - part < 5, (scope, m, total, part)


def test_a_year_runs_after_its_tertials():
    # attack round 10: sorted by start, 2021 ran right after 2021-T1, before the
    # tertials it is the sum of, so it was planned without them
    from insats.run.batch import _period_sort_key

    labels = ["2021", "2021-T3", "2021-T1", "2020-T3", "2021-H1", "2021-T2"]
    assert sorted(labels, key=_period_sort_key) == [
        "2020-T3", "2021-T1", "2021-H1", "2021-T2", "2021-T3", "2021",
    ]  # fmt: skip
