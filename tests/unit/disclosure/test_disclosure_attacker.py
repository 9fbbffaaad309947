"""The attacker of insats.disclosure.attack: it must find what a reader can work out, and
it runs on every shared report (issue 15)."""

from __future__ import annotations

import pytest

from insats.disclosure import DisclosureError
from insats.disclosure.attack import (
    audit_html,
    audit_publication,
    exposures,
    feasible_intervals,
    raise_if_exposed,
)


def test_attacker_works_out_the_men_from_the_gender_sentence():
    # "Kön: 20 kvinnor och .. män av 23" (issue 15): 23 - 20 = 3 men.
    found = exposures({"total": 23, "women": 20}, ["men"], [("total", ("women", "men"))])
    assert [e.where for e in found] == ["men"]
    assert (found[0].low, found[0].high) == (3.0, 3.0)


def test_attacker_uses_that_hidden_cells_are_at_least_one():
    # a + b = 2 with both hidden: each is 1 because zeros are always shown.
    intervals = feasible_intervals({"t": 2}, ["a", "b"], [("t", ("a", "b"))])
    assert intervals == {"a": (1.0, 1.0), "b": (1.0, 1.0)}
    # a + b = 9: a is anything from 1 to 8, protected.
    assert exposures({"t": 9}, ["a", "b"], [("t", ("a", "b"))]) == []


def test_attacker_combines_a_composite_with_its_parts():
    # "11 av 17 gick till arbete eller studier", Arbete 0, Subventionerad 9, Studier ..
    shown = {"composite": 11, "work": 0, "subsidised": 9}
    found = exposures(shown, ["studies"], [("composite", ("work", "subsidised", "studies"))])
    assert [(e.where, e.low) for e in found] == [("studies", 2.0)]


def test_raise_if_exposed_names_the_cell_never_its_value():
    found = exposures({"total": 23, "women": 20}, ["men"], [("total", ("women", "men"))])
    with pytest.raises(DisclosureError) as info:
        raise_if_exposed(found, "report.html")
    assert "men" in str(info.value) and "3" not in str(info.value)


def _page(rows, caption="Kön per kommun"):
    head = "".join(f"<th>{c}</th>" for c in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows[1:])
    return f"<table><caption>{caption}</caption><tr>{head}</tr>{body}</table>"


def test_audit_html_attacks_a_table_read_back_from_the_page():
    # Primary suppression only: Perstorp's men (3) = 22 - 19.
    naive = _page(
        [
            ["Kön", "Klippan", "Perstorp", "Totalt"],
            ["Kvinnor", "22", "19", "41"],
            ["Män", "19", "..", "22"],
            ["Totalt", "41", "22", "63"],
        ]
    )
    found = audit_html(naive)
    assert [e.where for e in found] == ["'Kön per kommun', row 'Män', column 'Perstorp'"]
    protected = _page(
        [
            ["Kön", "Klippan", "Perstorp", "Totalt"],
            ["Kvinnor", "22", "..", ".."],
            ["Män", "19", "..", ".."],
            ["Totalt", "41", "22", "63"],
        ]
    )
    assert audit_html(protected) == []


def test_audit_html_attacks_a_results_table_with_everyone_first():
    # The shape of "Andel med arbete eller studier" per group: everyone first, then the
    # groups; Antal and Antal deltagare add up, shares and intervals do not. Group 2's
    # 'Antal deltagare' is 20 - 8 - 9 = 3; its hidden Antal may be 0 (hidden with the
    # share of a small group), so 'Antal' 7 - 3 - .. stays protected in [0, 4].
    leaking = _page(
        [
            ["Grupp", "Antal", "Antal deltagare", "Andel", "95 % konfidensintervall"],
            ["Alla", "7", "20", "35 %", "18–57 %"],
            ["Grupp 1", "3", "8", "38 %", "14–69 %"],
            ["Grupp 2", "..", "..", "..", ".."],
            ["Grupp 3", "..", "9", "..", ".."],
        ]
    )
    found = audit_html(leaking)
    assert [e.where for e in found] == ["'Kön per kommun', row 'Grupp 2', column 'Antal deltagare'"]
    protected = _page(
        [
            ["Grupp", "Antal", "Antal deltagare", "Andel", "95 % konfidensintervall"],
            ["Alla", "7", "20", "35 %", "18–57 %"],
            ["Grupp 1", "3", "8", "38 %", "14–69 %"],
            ["Grupp 2", "..", "..", "..", ".."],
            ["Grupp 3", "..", "..", "..", ".."],
        ]
    )
    assert audit_html(protected) == []
    # Two hidden group sizes adding up to 2 are 1 each (a listed group has someone).
    small = _page(
        [
            ["Grupp", "Antal", "Antal deltagare", "Andel", "95 % konfidensintervall"],
            ["Alla", "7", "20", "35 %", "18–57 %"],
            ["Grupp 1", "3", "18", "17 %", "6–39 %"],
            ["Grupp 2", "..", "..", "..", ".."],
            ["Grupp 3", "..", "..", "..", ".."],
        ]
    )
    assert len(audit_html(small)) == 2
    # In English the first row is "All" and the size "Participants".
    english = leaking.replace(">Alla<", ">All<").replace("Antal deltagare", "Participants")
    assert len(audit_html(english, all_label="All", base_label="Participants")) == 1


def test_audit_publication_over_a_report_model_is_clean_after_planning():
    # Two tables and a sentence of the same people, planned jointly: nothing exposed.
    import pandas as pd

    from insats.disclosure import CountSpec, DisclosureControl, count_key

    control = DisclosureControl("namnd", 5)
    counts = pd.DataFrame({"n": [20, 3]}, index=["Kvinnor", "Män"])
    control.register_cells({count_key({"p": "x"}, gender="Kvinnor"): 20, count_key({"p": "x"}): 23})
    control.plan_tables({"gender": CountSpec(counts, ["gender"], filters={"p": "x"})})
    assert audit_publication(control) == []
    assert control.is_hidden(count_key({"p": "x"}, gender="Män"))
    # the women are hidden too, or the total is: 23 - 20 would give the men back
    assert control.is_hidden(count_key({"p": "x"}, gender="Kvinnor")) or control.is_hidden(
        count_key({"p": "x"})
    )


def test_sample_report_passes_the_attack_on_its_final_page(sample_report):
    # The run itself attacked the whole publication model in the kernel (emit_figures)
    # and the page in the guard; read the page back once more here.
    html = sample_report.html_path.read_text(encoding="utf-8")
    assert audit_html(html) == []


def _enrolled_and_new():
    """A column "Inskrivna" (Klippan 1, Perstorp 7, Åstorp 8, total 16) and a column "Nya"
    of the same rows (1, 7, 6): the new are among the enrolled (stop 23's attack). Each
    column alone hides its smallest other cell: Perstorp's 7 enrolled, Åstorp's 6 new;
    then Perstorp's enrolled are at least its 7 new, so Klippan = 16 - 8 - 7 = 1.
    """
    import pandas as pd

    from insats.disclosure import CountSpec, count_key

    rows = ["Klippan", "Perstorp", "Åstorp"]
    enrolled = pd.DataFrame({"n": [1, 7, 8]}, index=rows)
    started = pd.DataFrame({"n": [1, 7, 6]}, index=rows)
    specs = {
        "enrolled": CountSpec(enrolled, ["m"], filters={"measure": "enrolled"}),
        "started": CountSpec(started, ["m"], filters={"measure": "started"}),
    }
    pairs = [
        (count_key({"measure": "started"}, m=m), s, count_key({"measure": "enrolled"}, m=m), e)
        for m, s, e in zip(rows, started["n"], enrolled["n"], strict=True)
    ]
    return specs, pairs, count_key


def test_an_inequality_bounds_a_hidden_cell_for_the_attacker():
    # Åstorp's enrolled hidden but at least its 8 new: Klippan = 16 - 7 - 8 = 1.
    found = exposures(
        {"total": 16, "perstorp": 7, "new_astorp": 8},
        ["klippan", "astorp", "slack"],
        [("total", ("klippan", "perstorp", "astorp")), ("astorp", ("new_astorp", "slack"))],
        floors={"slack": 0.0},
        quiet=["slack"],
    )
    assert [(e.where, e.low, e.high) for e in found] == [
        ("astorp", 8.0, 8.0),
        ("klippan", 1.0, 1.0),
    ]


def test_the_plan_protects_against_inequalities():
    from insats.disclosure import DisclosureControl

    specs, pairs, count_key = _enrolled_and_new()
    control = DisclosureControl("namnd", 5)
    control.at_most(pairs)
    control.plan_tables(specs)
    assert control.is_hidden(count_key({"measure": "enrolled"}, m="Klippan"))
    assert audit_publication(control) == []
    assert control.inconsistencies == []
    # the slacks are no cells of any table and never shown
    assert control.slack and all(control.is_hidden(k) for k in control.slack)
    # without the inequalities the same plan is one a reader who knows them can attack
    naive = DisclosureControl("namnd", 5)
    naive.plan_tables(specs)
    values, hidden, lines = naive.published()
    shown = {k: v for k, v in values.items() if k not in hidden}
    slack_lines = [(big, (small, ("slack", big))) for small, _, big, _ in pairs]
    found = exposures(
        shown,
        [*hidden, *(("slack", big) for _, _, big, _ in pairs)],
        [*((line.total, line.members) for line in lines), *slack_lines],
        floors={("slack", big): 0.0 for _, _, big, _ in pairs},
        quiet=[("slack", big) for _, _, big, _ in pairs],
    )
    assert found, "the naive plan is expected to leak through the inequality"


def test_at_most_adds_only_inequalities_the_counts_satisfy():
    from insats.disclosure import DisclosureControl, count_key

    control = DisclosureControl("namnd", 5)
    a, b = count_key(x="a"), count_key(x="b")
    control.at_most([(a, 5, b, 4), (a, 0, b, 4), (a, 3, a, 3)])  # false, empty, itself
    assert control.slack == frozenset()
    control.at_most([(a, 3, b, 4)])
    assert len(control.slack) == 1


def test_audit_html_does_not_stop_for_a_hidden_cell_that_can_only_be_zero():
    # Attack round 10 (stop 26): "Alla 0 av 15" to work or studies, two groups' rows
    # hidden for their small n. Their "Antal" can only be 0, which gives no one away
    # (the total row says it); the run stopped on it before. A hidden n stays attacked.
    page = _page(
        [
            ["Grupp", "Antal", "Antal deltagare"],
            ["Alla", "0", "15"],
            ["Bjuv, grupp 1", "..", ".."],
            ["Klippan, grupp 1", "..", ".."],
            ["Perstorp, grupp 1", "0", "6"],
        ],
        caption="Andel med arbete eller studier, med 95 % konfidensintervall",
    )
    assert audit_html(page) == []
    intervals = feasible_intervals(
        {"t": 0, "p": 0}, ["a", "b"], [("t", ("a", "b", "p"))], floors={"a": 0, "b": 0}
    )
    assert intervals["a"] == pytest.approx((0.0, 0.0))
    assert (
        exposures({"t": 0, "p": 0}, ["a", "b"], [("t", ("a", "b", "p"))], floors={"a": 0, "b": 0})
        == []
    )
    # a count of 3 narrowed exactly is still found
    assert [e.where for e in exposures({"t": 9, "p": 6}, ["a"], [("t", ("a", "p"))])] == ["a"]


def test_audit_publication_leaves_out_what_earlier_reports_gave_already():
    # Attack round 10: 2020-T3 released a group's 10 enrolled and 6 exits; 2021-T1 has
    # 0 new (a zero, never hidden), so its hidden 4 enrolled = 0 + (10 − 6) was given to
    # the nämnd before: no choice of 2021-T1's cells protects it. It is noted, not a
    # stop; a hidden count this report itself gives away still is.
    from insats.disclosure import DisclosureControl, count_key

    def control(new: int):
        c = DisclosureControl("namnd")
        before = {k: count_key({"period": "2020-T3", "measure": k}) for k in ("enrolled", "exited")}
        c.load_released({before["enrolled"]: 10, before["exited"]: 6})
        enrolled, started = (
            count_key({"period": "2021-T1", "measure": m}) for m in ("enrolled", "started")
        )
        carried = count_key({"period": "2020-T3", "measure": "carried_over"})
        c.register_cells(
            {enrolled: 4 + new, started: new},
            [(enrolled, (started, carried)), (before["enrolled"], (before["exited"], carried))],
            slack={carried: 4},
        )
        c.plan_tables({})
        return c, enrolled

    c, enrolled = control(0)
    assert c.is_hidden(enrolled, 4)
    assert audit_publication(c) == []
    assert any("given already by reports released earlier" in n for n in c.overlap_notes)
