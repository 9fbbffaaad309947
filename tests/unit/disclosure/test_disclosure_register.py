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
    assert (tmp_path / "publication_register.sqlite").is_file()
    for m in ("started", "exited", "early_exits"):
        t1 = figures["2021-T1"]["participants"][m]
        ytd = figures["2021-T2"]["participants"]["year_to_date"][m]
        if t1 is not None and ytd is not None:
            assert not 0 < ytd - t1 < 5, (m, t1, ytd)
    # Attack T: a count "since the start" in T2 minus the same count in T1 is T2's exits
    # of that kind (Praktik 8 - 7 = 1 in the sample): never a small count.
    with sqlite3.connect(tmp_path / "publication_register.sqlite") as connection:
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
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
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
