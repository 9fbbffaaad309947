"""Count tables of a shared report are recorded in a dry run, planned in one joint
solve, and then rendered from the plan (fictitious data only)."""

from __future__ import annotations

import pandas as pd
import pytest

from factories import T2, recomputable
from factories import make_participants_cohort as make_cohort
from insats.disclosure import CountSpec
from insats.outcomes.participants import MEASURES, count_participants, describe_participants
from insats.report.context import RenderContext
from insats.report.sections import render


def _cohort() -> pd.DataFrame:
    # make_cohort's nine, plus eight more women in group 1 so that some cells show.
    df = make_cohort()
    extra = pd.concat([df.iloc[[0]]] * 8, ignore_index=True)
    extra["participant_id"] = [f"x{i}" for i in range(8)]
    return pd.concat([df, extra], ignore_index=True)


def _results():
    df = _cohort()
    return [describe_participants(df), count_participants(df, T2)]


def _dry_run(ctx: RenderContext, results) -> dict:
    ctx.start_recording()
    for result in results:
        render(result, ctx)
    return ctx.stop_recording()


def test_dry_run_records_every_table_and_solves_nothing(monkeypatch):
    ctx = RenderContext(audience="namnd")

    def no_solve(*args, **kwargs):
        raise AssertionError("a table was protected during the dry run")

    monkeypatch.setattr(ctx.disclosure, "_register", no_solve)
    specs = _dry_run(ctx, _results())
    # The profile's seven tables (planned by the profile itself) and the counts'
    # measure tables (protected one measure at a time) are all recorded.
    assert {k for k in specs if k.startswith("profile.")} == {
        "profile.gender",
        "profile.age_band",
        "profile.education",
        "profile.birth_region",
        "profile.swedish_level",
        "profile.referral",
        "profile.support_at_start",
    }
    assert {k for k in specs if not k.startswith("profile.")} == {
        f"participants.{scope}.{by}.{measure}"
        for scope in ("period", "year_to_date")
        for by in ("group", "municipality")
        for measure in MEASURES
    }
    assert all(isinstance(s, CountSpec) and s.total_label == "Totalt" for s in specs.values())
    assert ctx.disclosure.table_stats == {}  # nothing counted as rendered


def test_render_after_the_plan_uses_it_and_solves_nothing_more(monkeypatch):
    results = _results()
    ctx = RenderContext(audience="namnd", strict=True)
    specs = _dry_run(ctx, results)
    ctx.plan_count_tables(specs)
    planned = set(ctx.disclosure._results)
    assert set(specs) <= planned

    def no_solve(*args, **kwargs):
        raise AssertionError("a planned table was protected again")

    monkeypatch.setattr(ctx.disclosure, "_register", no_solve)
    html = [render(result, ctx) for result in results]
    # Every recorded table was rendered from the plan, and counted once.
    assert set(ctx.disclosure.table_stats) == set(specs)
    assert ctx.disclosure.suppressed_cells > 0
    # Rendering again gives the same HTML (the plan, not a new solve).
    assert [render(result, ctx) for result in results] == html


def test_the_joint_plan_shows_no_small_count_and_nothing_recomputable():
    results = _results()
    ctx = RenderContext(audience="namnd", strict=True)
    ctx.plan_count_tables(_dry_run(ctx, results))
    for result in results:
        render(result, ctx)
    control = ctx.disclosure
    assert control.inconsistencies == []
    shown = []
    for table_id, table in control._tables.items():
        result = control._results[table_id]
        values = table.frame.to_numpy()
        assert not ((values > 0) & (values < 5) & result.notna().to_numpy()).any(), table_id
        # The profile tables share their group margin (same population): the attacker
        # links them; the measure tables count other populations, each on its own.
        dims = list(table.spec.dimensions) if table_id.startswith("profile.") else None
        shown.append((result, dims, table_id))
    assert recomputable(shown, lower=1) == []


def test_protect_while_recording_has_the_shape_of_the_protected_table():
    counts = pd.DataFrame({"n": [3, 7, 9]}, index=["a", "b", "c"])
    recording = RenderContext(audience="namnd")
    recording.start_recording()
    dry = recording.protect(counts, table_id="one_way", dimensions=["gender"])
    real = RenderContext(audience="namnd").protect(
        counts, table_id="one_way", dimensions=["gender"]
    )
    # One column of counts: a total row, no total column, in both.
    assert list(dry.index) == list(real.index) == ["a", "b", "c", "Totalt"]
    assert list(dry.columns) == list(real.columns) == ["n"]
    assert dry["n"].tolist() == [3, 7, 9, 19]  # nothing hidden in the dry run
    assert real["n"].tolist()[0] is None  # 3 is hidden for real


def test_planning_twice_solves_once(monkeypatch):
    counts = pd.DataFrame({"x": [3, 7], "y": [8, 9]}, index=["a", "b"])
    ctx = RenderContext(audience="namnd")
    ctx.plan_count_tables({"t": CountSpec(counts, ["r", "c"])})
    first = ctx.protect(counts, table_id="t", dimensions=["r", "c"])

    def no_solve(*args, **kwargs):
        raise AssertionError("solved again")

    monkeypatch.setattr(ctx.disclosure, "_register", no_solve)
    ctx.plan_count_tables({"t": CountSpec(counts, ["r", "c"])})
    assert ctx.protect(counts, table_id="t", dimensions=["r", "c"]).equals(first)
    # a-x = 3 is primary; row a and column x then have one hidden cell each, so a-y and
    # b-x follow, and then b-y (rows b and column y); the totals stay shown.
    assert first.iloc[:2, :2].isna().all().all() and first.iloc[2].notna().all()


@pytest.mark.parametrize("language", ["sv", "en"])
def test_internal_context_plans_nothing_and_shows_everything(language):
    counts = pd.DataFrame({"x": [3, 7], "y": [8, 9]}, index=["a", "b"])
    ctx = RenderContext(language=language)
    ctx.plan_count_tables({"t": CountSpec(counts, ["r", "c"])})
    assert ctx.disclosure._tables == {}
    table = ctx.protect(counts, table_id="t", dimensions=["r", "c"])
    assert table.to_numpy().tolist() == [[3, 8, 11], [7, 9, 16], [10, 17, 27]]


def test_two_tables_recorded_under_one_id_are_both_planned(monkeypatch):
    # A first period's shares tables of the period and since the start once had one id
    # (their n is the same): the dry run kept only the later one, and the earlier,
    # protected on its own after the plan, could not be protected (issue 15, stop 30).
    period = pd.DataFrame({"n": [3, 7, 9]}, index=["a", "b", "c"])
    to_date = pd.DataFrame({"n": [4, 7, 9]}, index=["a", "b", "c"])
    ctx = RenderContext(audience="namnd", strict=True)
    ctx.start_recording()
    for counts, window in ((period, "period"), (to_date, "to_date"), (period, "period")):
        ctx.protect(counts, table_id="shares", dimensions=["code"], filters={"window": window})
    specs = ctx.stop_recording()
    assert sorted(specs) == ["shares", "shares~1"]  # each once
    ctx.plan_count_tables(specs)

    def no_solve(*args, **kwargs):
        raise AssertionError("a planned table was protected again")

    monkeypatch.setattr(ctx.disclosure, "_register", no_solve)
    shown = {
        window: ctx.protect(
            counts, table_id="shares", dimensions=["code"], filters={"window": window}
        )
        for counts, window in ((period, "period"), (to_date, "to_date"))
    }
    assert ctx.disclosure.inconsistencies == []
    assert shown["period"]["n"].tolist()[0] is None  # the 3 and the 4 hidden
    assert shown["to_date"]["n"].tolist()[0] is None
