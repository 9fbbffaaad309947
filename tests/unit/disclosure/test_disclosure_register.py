"""The publication register (issue 15): counts released to a nämnd, remembered across
reports, and later plans protect against them."""

from __future__ import annotations

from insats.disclosure import DisclosureControl, count_key
from insats.disclosure.attack import audit_publication
from insats.report.register import PublicationRegister, decode_key, encode_key


def test_register_round_trip_holds_counts_only(tmp_path):
    register = PublicationRegister(tmp_path / "publication_register.sqlite")
    t1 = count_key({"period": "2021-T1", "measure": "early_exits"})
    so_far = count_key({"population": "profile"})  # not a named period: not carried over
    assert register.record("Första steget", "2021-T1", {t1: 5, so_far: 60}) == 2
    assert register.released("Första steget") == {t1: 5}
    assert register.released("Första steget", except_period="2021-T1") == {}
    assert register.released("Annat projekt") == {}
    assert decode_key(encode_key(t1)) == t1
    import sqlite3

    with sqlite3.connect(register.path) as connection:
        columns = [r[1] for r in connection.execute("PRAGMA table_info(released)")]
    assert columns == ["project", "period", "cell", "count", "released_at", "scope"]


def test_year_to_date_minus_the_released_t1_report_hides_t2s_early_exits():
    # The sample: T1's report showed 5 early exits; T2's year to date is 6, so T2's own
    # early exits are 6 - 5 = 1. With T1 released, T2's plan hides the year to date too.
    t1 = count_key({"period": "2021-T1", "measure": "early_exits"})
    t2 = count_key({"period": "2021-T2", "measure": "early_exits"})
    ytd = count_key({"period": "2021-01-01/2021-08-31", "measure": "early_exits"})
    control = DisclosureControl("namnd", 5)
    control.load_released({t1: 5})
    control.register_cells({t2: 1, ytd: 6}, [(ytd, (t1, t2))])
    control.plan_tables({})
    assert control.is_hidden(t2) and control.is_hidden(ytd)
    assert audit_publication(control) == []
    assert t1 not in control.released_cells()
    # Without the register the year to date is shown: the leak the register closes.
    alone = DisclosureControl("namnd", 5)
    alone.register_cells({t2: 1, ytd: 6}, [(ytd, (t1, t2))])
    alone.plan_tables({})
    assert alone.is_hidden(t2) and not alone.is_hidden(ytd)


def test_t2_report_is_protected_against_the_released_t1_report(tmp_path):
    # insats run 2021-T1 then 2021-T2 into the same reports folder (one register): T2's
    # year-to-date early exits minus T1's early exits must not give T2's own (1 in the
    # sample, hidden in T2's report).
    import json
    import sqlite3

    from tests.conftest import SAMPLE_PARAMS

    from insats.params import load_parameters
    from insats.run.runner import run_report

    figures = {}
    for period in ("2021-T1", "2021-T2"):
        params = load_parameters(SAMPLE_PARAMS).model_copy(update={"period": period})
        result = run_report(params, tmp_path / period)
        figures[period] = json.loads(result.figures_path.read_text(encoding="utf-8"))
    register_path = tmp_path / "forsta-steget" / "publication_register.sqlite"
    assert register_path.is_file()  # the project's folder (default_register_path)
    for m in ("started", "exited", "early_exits"):
        t1 = figures["2021-T1"]["participants"][m]
        ytd = figures["2021-T2"]["participants"]["year_to_date"][m]
        if t1 is not None and ytd is not None:
            assert not 0 < ytd - t1 < 5, (m, t1, ytd)
    # Attack T: a count "since the start" in T2 minus the same count in T1 is T2's exits
    # of that kind (Praktik 8 - 7 = 1 in the sample): never a small count.
    with sqlite3.connect(register_path) as connection:
        rows = connection.execute("SELECT period, cell, count FROM released").fetchall()
    since: dict = {}
    for period, cell, count in rows:
        pairs = dict(json.loads(cell))
        if pairs.pop("filter:window", None) == "to_date":
            pairs.pop("filter:n", None)
            since.setdefault(json.dumps(sorted(pairs.items())), {})[period] = count
    both = [c for c in since.values() if len(c) == 2]
    assert both, "no count since the start released in both reports"
    for counts in both:
        assert not 0 < counts["2021-T2"] - counts["2021-T1"] < 5, counts


def test_register_keys_are_codes_so_swedish_and_english_reports_share_releases(tmp_path):
    register = PublicationRegister(tmp_path / "publication_register.sqlite")
    sv = count_key({"period": "2021-T1", "measure": "profile"}, gender="Kvinnor")
    en = count_key({"period": "2021-T1", "measure": "profile"}, gender="Women")
    assert encode_key(sv, "sv") == encode_key(en, "en")
    assert "@code.gender.woman" in encode_key(sv, "sv")
    register.record("Första steget", "2021-T1", {sv: 20}, language="sv")
    # The English T2 report sees the Swedish T1 release under its own labels.
    assert register.released("Första steget", language="en") == {en: 20}
    assert register.released("Första steget", language="sv") == {sv: 20}
    # Values that are not labels (municipalities, groups, periods) stay as they are.
    klippan = count_key({"period": "2021-T1"}, municipality="Klippan")
    assert decode_key(encode_key(klippan, "en"), "sv") == klippan


# The table as formats 0 and 1 wrote it (no scope column).
_OLD_SCHEMA = """
CREATE TABLE released (
    project TEXT NOT NULL, period TEXT NOT NULL, cell TEXT NOT NULL,
    count INTEGER NOT NULL CHECK (count >= 0), released_at TEXT NOT NULL,
    PRIMARY KEY (project, period, cell)
)
"""


def test_a_register_of_format_1_gains_a_scope_and_keeps_its_rows(tmp_path):
    import sqlite3

    from insats.report.register import SCHEMA_VERSION

    path = tmp_path / "publication_register.sqlite"
    cell = '[["filter:period", "2021-T1"], ["gender", "@code.gender.woman"]]'
    with sqlite3.connect(path) as connection:
        connection.execute(_OLD_SCHEMA)
        connection.execute("INSERT INTO released VALUES ('P', '2021-T1', ?, 20, 'x')", (cell,))
        connection.execute("PRAGMA user_version = 1")
    register = PublicationRegister(path)
    assert register.released("P") == {count_key({"period": "2021-T1"}, gender="Kvinnor"): 20}
    # The old rows are the whole project's: a subset report sees them as overlapping.
    assert register.released("P", scope="municipality=Klippan") == {}
    assert register.overlapping("P", period="2021-T2", scope="municipality=Klippan") == {
        "": {count_key({"period": "2021-T1"}, gender="Kvinnor"): 20}
    }
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        assert connection.execute("SELECT scope FROM released").fetchall() == [("",)]


def test_a_subset_report_does_not_replace_the_whole_projects_release(tmp_path):
    register = PublicationRegister(tmp_path / "r.sqlite")
    whole = count_key({"period": "2021-T2", "measure": "enrolled"})
    register.record("P", "2021-T2", {whole: 38})
    register.record("P", "2021-T2", {whole: 20}, scope="municipality=Klippan")
    # Same period, other scope: neither replaced the other.
    assert register.overlapping("P", period="2021-T2", scope="municipality=Klippan") == {
        "": {whole: 38}
    }
    assert register.overlapping("P", period="2021-T2") == {"municipality=Klippan": {whole: 20}}
    # A whole report's own-scope earlier periods do not include the subset's.
    assert register.released("P", except_period="2021-T3") == {whole: 38}


def test_a_register_keyed_by_labels_is_migrated_to_codes(tmp_path):
    import sqlite3

    from insats.report.register import SCHEMA_VERSION

    path = tmp_path / "publication_register.sqlite"
    with sqlite3.connect(path) as connection:  # the format before codes (user_version 0)
        connection.execute(_OLD_SCHEMA)
        rows = [
            ("P", "2021-T1", '[["filter:period", "2021-T1"], ["gender", "Kvinnor"]]', 20),
            ("P", "2021-T1", '[["filter:period", "2021-T1"], ["gender", "Men"]]', 9),
            ("P", "2021-T1", '[["filter:period", "2021-T1"], ["municipality", "Klippan"]]', 29),
        ]
        connection.executemany("INSERT INTO released VALUES (?, ?, ?, ?, 'x')", rows)
    register = PublicationRegister(path)
    assert register.released("P", language="en") == {
        count_key({"period": "2021-T1"}, gender="Women"): 20,
        count_key({"period": "2021-T1"}, gender="Men"): 9,
        count_key({"period": "2021-T1"}, municipality="Klippan"): 29,
    }
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        cells = sorted(r[0] for r in connection.execute("SELECT cell FROM released"))
    assert cells == [
        '[["filter:period", "2021-T1"], ["gender", "@code.gender.man"]]',
        '[["filter:period", "2021-T1"], ["gender", "@code.gender.woman"]]',
        '[["filter:period", "2021-T1"], ["municipality", "Klippan"]]',
    ]


def test_a_register_of_a_newer_format_is_a_clear_error(tmp_path):
    import sqlite3

    import pytest

    from insats.report.register import RegisterError

    path = tmp_path / "publication_register.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 99")
    with pytest.raises(RegisterError, match="format 99 is newer.*publication_register_path"):
        PublicationRegister(path).released("P")


def test_an_earlier_period_no_report_showed_is_protected_as_year_to_date_minus_period():
    # T1's report hid its 2 early exits (they are not in the register). T2's report with
    # 5 this period and 7 in the year to date would give T1's 2 back: 7 - 5.
    t1 = count_key({"period": "2021-T1", "measure": "early_exits"})
    t2 = count_key({"period": "2021-T2", "measure": "early_exits"})
    ytd = count_key({"period": "2021-01-01/2021-08-31", "measure": "early_exits"})
    control = DisclosureControl("namnd", 5)
    control.register_cells({t2: 5, ytd: 7}, [(ytd, (t2, t1))], unpublished={t1: 2})
    control.plan_tables({})
    # One of the two hidden is enough: 7 - T2 (at least 1) leaves T1 anywhere in 0..6.
    assert control.is_hidden(t2) != control.is_hidden(ytd)
    assert t1 in control.unpublished and t1 not in control.released_cells()
    assert audit_publication(control) == []
    # Before: a relation with a cell no report showed was dropped, and both were shown.
    before = DisclosureControl("namnd", 5)
    before.register_cells({t2: 5, ytd: 7}, [(ytd, (t2, t1))])
    before.plan_tables({})
    assert not before.is_hidden(t2) and not before.is_hidden(ytd)
    # A large earlier part (T1 = 12) hides nothing, and a released T1 is fixed instead.
    large = DisclosureControl("namnd", 5)
    large.register_cells({t2: 5, ytd: 17}, [(ytd, (t2, t1))], unpublished={t1: 12})
    large.plan_tables({})
    assert not large.is_hidden(t2) and not large.is_hidden(ytd)
    assert audit_publication(large) == []
    fixed = DisclosureControl("namnd", 5)
    fixed.load_released({t1: 12})
    fixed.register_cells({t2: 5, ytd: 17}, [(ytd, (t2, t1))], unpublished={t1: 12})
    fixed.plan_tables({})
    assert fixed.unpublished == frozenset()


def test_earlier_reports_give_their_counts_since_the_start_and_growing_follow_up(tmp_path):
    # What a later report relates to an earlier one it does not recompute (attack of
    # stop 25: 2019-T3's follow-up against 2021-T2's): counts since the start, and the
    # follow-up counts that only grow; not the attrition nor a period's own counts.
    from datetime import date

    register = PublicationRegister(tmp_path / "publication_register.sqlite")
    since_start = count_key({"window": "to_date", "measure": "exited"})
    followed = count_key({"population": "followed_up:6m", "as_of": "2019-12-31"}, group="1")
    attrition = count_key(
        {"population": "followed_up:6m", "as_of": "2019-12-31", "measure": "attrition"}
    )
    own = count_key({"period": "2019-T3", "measure": "exited"})
    register.record("P", "2019-T3", {since_start: 18, followed: 10, attrition: 0, own: 0})
    register.record("P", "2021-T2", {since_start: 19})
    earlier = register.earlier_to_date("P", before=date(2021, 5, 1))
    assert earlier == {"2019-T3": {since_start: 18, followed: 10}}
    assert register.earlier_to_date("P", before=date(2019, 9, 1)) == {}


def test_hidden_cells_are_this_reports_own_and_protected_rests():
    # What the socio-economic rule reads (DisclosureControl.hidden_cells): this
    # report's hidden cells with their counts, a rest no report shows only where it is
    # protected (1 to min_cell_count − 1), never a released cell of an earlier report.
    t1 = count_key({"period": "2021-T1", "measure": "early_exits"})
    t2 = count_key({"period": "2021-T2", "measure": "early_exits"})
    ytd = count_key({"period": "2021-01-01/2021-08-31", "measure": "early_exits"})
    control = DisclosureControl("namnd", 5)
    assert control.hidden_cells() == {}  # before the plan
    control.load_released({t1: 5})
    control.register_cells({t2: 1, ytd: 6}, [(ytd, (t1, t2))])
    control.plan_tables({})
    assert control.hidden_cells() == {t2: 1, ytd: 6}
    rest = count_key({"period": "−2021-01-01", "measure": "exited"})
    big_rest = count_key({"period": "−2020-01-01", "measure": "exited"})
    total = count_key({"measure": "exited"})
    control = DisclosureControl("namnd", 5)
    control.register_cells(
        {total: 40}, [(total, (rest, big_rest))], unpublished={rest: 2, big_rest: 38}
    )
    control.plan_tables({})
    hidden = control.hidden_cells()
    assert hidden.get(rest) == 2 and big_rest not in hidden
    assert DisclosureControl("internal", 5).hidden_cells() == {}


def test_a_rerun_keeps_the_run_it_replaced(tmp_path):
    # Attack round 10, F8: the nämnd received both runs of 2021-T1; the register keeps
    # the first when the second replaces it, and gives both back (the latest first).
    register = PublicationRegister(tmp_path / "r.sqlite")
    exits = count_key({"period": "2021-T1", "measure": "exited"}, municipality="Klippan")
    enrolled = count_key({"period": "2021-T1", "measure": "enrolled"})
    assert register.earlier_runs("P", period="2021-T1") == []
    register.record("P", "2021-T1", {exits: 6, enrolled: 31})
    register.record("P", "2021-T1", {enrolled: 32})
    register.record("P", "2021-T2", {enrolled: 40})
    register.record("P", "2021-T1", {enrolled: 32}, scope="municipality=Klippan")
    assert register.released_in("P", period="2021-T1") == {enrolled: 32}
    assert register.earlier_runs("P", period="2021-T1") == [
        {enrolled: 32},
        {exits: 6, enrolled: 31},
    ]
    assert register.earlier_runs("P", period="2021-T2") == [{enrolled: 40}]
    assert register.earlier_runs("P", period="2021-T1", scope="municipality=Klippan") == [
        {enrolled: 32}
    ]
    # the other scope's run replaced nothing of the whole project's
    assert len(register.earlier_runs("P", period="2021-T1")) == 2
    # a re-run that releases the very same counts (a scheduled run) adds no version
    register.record("P", "2021-T1", {enrolled: 32})
    assert len(register.earlier_runs("P", period="2021-T1")) == 2


def test_a_register_of_format_2_gains_the_superseded_runs(tmp_path):
    import sqlite3

    from insats.report.register import SCHEMA_VERSION

    path = tmp_path / "r.sqlite"
    cell = '[["filter:period", "2021-T1"], ["municipality", "Bjuv"]]'
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE released (project TEXT NOT NULL, period TEXT NOT NULL, cell TEXT "
            "NOT NULL, count INTEGER NOT NULL, released_at TEXT NOT NULL, scope TEXT NOT NULL "
            "DEFAULT '', PRIMARY KEY (project, period, scope, cell))"
        )
        connection.execute("INSERT INTO released VALUES ('P', '2021-T1', ?, 7, 'x', '')", (cell,))
        connection.execute("PRAGMA user_version = 2")
    register = PublicationRegister(path)
    key = count_key({"period": "2021-T1"}, municipality="Bjuv")
    register.record("P", "2021-T1", {key: 8})
    assert register.earlier_runs("P", period="2021-T1") == [{key: 8}, {key: 7}]
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_rerun_hides_what_the_earlier_run_hid_and_shows_what_it_showed():
    # One table, exits per municipality: Bjuv 3 + Perstorp 6 + Klippan 5 = 14. The first
    # run hides Bjuv's 3 and Klippan's 5 (the smallest other cell). A correction makes
    # Klippan 7 (total 16); planned afresh the re-run hides Perstorp's 6 instead and
    # shows Klippan's 7: the first run's Perstorp 6 and the re-run's 16 − 7 − 6 = Bjuv's 3.
    # The table's base n is part of its cells' keys (14, then 16): the same cells still.
    def run(counts, earlier=()):
        where = {"period": "2021-T1", "measure": "exited", "n": sum(counts.values())}
        cells = {count_key(where, municipality=m): n for m, n in counts.items()}
        total = count_key(where)
        cells[total] = sum(counts.values())
        control = DisclosureControl("namnd", 5)
        control.load_earlier_runs(earlier)
        control.register_cells(cells, [(total, tuple(k for k in cells if k != total))])
        control.plan_tables({})
        return control, {dict(k).get("municipality", "total"): k for k in cells}

    first, keys = run({"Bjuv": 3, "Perstorp": 6, "Klippan": 5})
    assert [m for m, k in keys.items() if first.is_hidden(k)] == ["Bjuv", "Klippan"]
    fresh, new = run({"Bjuv": 3, "Perstorp": 6, "Klippan": 7})
    assert fresh.is_hidden(new["Perstorp"]) and not fresh.is_hidden(new["Klippan"])  # leak
    second, new = run({"Bjuv": 3, "Perstorp": 6, "Klippan": 7}, [first.released_cells()])
    assert second.is_hidden(new["Bjuv"]) and second.is_hidden(new["Klippan"])
    assert not second.is_hidden(new["Perstorp"]) and not second.is_hidden(new["total"])
    assert any("differ from an earlier run" in note for note in second.overlap_notes)
    assert audit_publication(second) == []


def test_every_way_to_name_the_report_folder_shares_the_projects_register(tmp_path):
    # Attack round 10, F7c: `insats run --out reports/x` kept its register in reports/,
    # `insats batch --out reports` and `insats run` without --out in reports/<project>/,
    # so a T2 made one way knew nothing of a T1 made the other way.
    import pytest

    from insats.report.register import RegisterError, default_register_path

    reports = tmp_path / "reports"
    here = reports / "forsta-steget" / "publication_register.sqlite"
    assert default_register_path(reports / "forsta-steget" / "2021-t2", "Första steget") == here
    assert default_register_path(reports / "x", "Första steget") == here
    assert default_register_path(reports / "example", "Första steget") == here
    # A register an earlier version kept in reports/: used while it alone holds releases
    # of the project (another project's releases there do not count).
    legacy = reports / "publication_register.sqlite"
    key = count_key({"period": "2021-T1", "measure": "exited"})
    PublicationRegister(legacy).record("Annat projekt", "2021-T1", {key: 9})
    assert default_register_path(reports / "x", "Första steget") == here
    PublicationRegister(legacy).record("Första steget", "2021-T1", {key: 15})
    assert default_register_path(reports / "x", "Första steget") == legacy
    assert default_register_path(reports / "forsta-steget" / "2021-t2", "Första steget") == legacy
    # Both hold releases of the project: the evaluator decides which one, by name.
    PublicationRegister(here).record("Första steget", "2021-T2", {key: 20})
    with pytest.raises(RegisterError) as caught:
        default_register_path(reports / "x", "Första steget")
    message = str(caught.value)
    assert str(here) in message and str(legacy) in message
    assert "publication_register_path" in message
    # A file there that is no register: a clear error, not a traceback.
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "publication_register.sqlite").write_text("not sqlite")
    with pytest.raises(RegisterError, match="not a publication register"):
        default_register_path(tmp_path / "other" / "p" / "x", "P")
