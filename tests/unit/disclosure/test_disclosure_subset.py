"""A report of one municipality against the released report of the whole project, and
the other way round (issue 15: "a report for a subset (one municipality) of a project
already released in total is protected against the total")."""

from __future__ import annotations

from functools import partial

import pandas as pd

from insats.disclosure import CountSpec, DisclosureControl, count_key
from insats.disclosure.attack import audit_publication
from insats.report.register import mark_scope, overlap_of

ENROLLED = {"period": "2021-T2", "measure": "enrolled"}


def _subset_report(whole_released: dict | None) -> DisclosureControl:
    """Klippan's report: 6 women and 4 men enrolled (10), by gender with a total."""
    control = DisclosureControl("namnd", 5, strict=True)
    if whole_released is not None:
        control.load_overlapping(
            {mark_scope(k, ""): v for k, v in whole_released.items()},
            partial(overlap_of, subset=("Klippan",), released_is_whole=True),
            released_is_whole=True,
        )
    counts = pd.DataFrame({"n": [6, 4]}, index=["Kvinnor", "Män"])
    control.plan_tables({"gender": CountSpec(counts, ["gender"], filters=ENROLLED)})
    return control


def test_the_whole_projects_total_minus_the_subsets_is_protected():
    # The whole project's report showed 12 enrolled (Perstorp's 2 hidden there). Klippan's
    # report showing its 10 would give Perstorp = 12 - 10 = 2.
    total = count_key(ENROLLED)
    alone = _subset_report(None)
    assert not alone.is_hidden(total)  # without the register: 10 shown, the leak
    control = _subset_report({total: 12})
    assert control.is_hidden(total)
    # Its margin would give the total back: a member is hidden too (men, 4: primary).
    assert control.is_hidden(count_key(ENROLLED, gender="Män"))
    assert audit_publication(control) == []
    # The rest is in the model (unpublished), never among the released cells.
    assert len(control.unpublished) == 1
    assert not control.unpublished & set(control.released_cells())


def test_a_large_rest_hides_nothing():
    # Whole 30, Klippan 10: the rest is 20 people; Klippan's report hides what it hides
    # alone (men 4, and women 6 by the margin), nothing more.
    total = count_key(ENROLLED)
    control = _subset_report({total: 30})
    alone = _subset_report(None)
    keys = [total, count_key(ENROLLED, gender="Kvinnor"), count_key(ENROLLED, gender="Män")]
    assert [control.is_hidden(k) for k in keys] == [alone.is_hidden(k) for k in keys]
    assert [control.is_hidden(k) for k in keys] == [False, True, True]
    assert audit_publication(control) == []


def test_the_whole_projects_cell_of_the_municipality_is_the_subsets_whole():
    # The whole report showed Klippan's 10: Klippan's own report may show it too, and the
    # relation is equality (no rest).
    control = _subset_report({count_key(ENROLLED, municipality="Klippan"): 10})
    assert not control.is_hidden(count_key(ENROLLED))
    assert control.unpublished == frozenset()
    assert audit_publication(control) == []


def test_another_municipalitys_cell_is_not_related():
    control = _subset_report({count_key(ENROLLED, municipality="Perstorp"): 2})
    assert control.unpublished == frozenset()
    assert not control.is_hidden(count_key(ENROLLED))


def test_data_changed_since_the_release_is_said_not_used():
    # The whole project released 8, fewer than Klippan's 10 now: the data changed.
    control = _subset_report({count_key(ENROLLED): 8})
    assert control.overlap_notes and "disagree" in control.overlap_notes[0]
    assert control.unpublished == frozenset()


def test_the_whole_report_after_a_released_subset_is_protected():
    # Klippan's report showed its 10; the whole project's report would show 12: the
    # rest, Perstorp's 2, must not follow (12 - 10).
    klippan_total = mark_scope(count_key(ENROLLED), "municipality=Klippan")
    control = DisclosureControl("namnd", 5, strict=True)
    control.load_overlapping(
        {klippan_total: 10},
        partial(overlap_of, subset=("Klippan",), released_is_whole=False),
        released_is_whole=False,
    )
    counts = pd.DataFrame({"n": [10, 2]}, index=["Klippan", "Perstorp"])
    control.plan_tables({"m": CountSpec(counts, ["municipality"], filters=ENROLLED)})
    assert control.is_hidden(count_key(ENROLLED, municipality="Perstorp"))
    # Klippan's row equals the released 10: shown (locked), so the total must go.
    assert not control.is_hidden(count_key(ENROLLED, municipality="Klippan"))
    assert control.is_hidden(count_key(ENROLLED))
    assert audit_publication(control) == []


def _two_municipality_subset(
    released: dict, *, scope: str, whole: int, partial_overlap: bool = False
) -> DisclosureControl:
    """A report of Bjuv and Klippan (and maybe others) that shows only its whole, the
    number enrolled (a sentence).
    """
    control = DisclosureControl("namnd", 5, strict=True)
    control.load_overlapping(
        {mark_scope(k, scope): v for k, v in released.items()},
        partial(
            overlap_of,
            subset=("Bjuv", "Klippan"),
            released_is_whole=True,
            partial=partial_overlap,
        ),
        released_is_whole=True,
    )
    control.register_cells({count_key(ENROLLED): whole})
    control.plan_tables({})
    return control


def test_a_subset_of_two_municipalities_against_the_whole_projects_cells_of_them():
    # The whole project (Bjuv, Klippan, Perstorp) showed Bjuv's 9 and hid Klippan's 3.
    # A report of Bjuv and Klippan showing its 12 would give Klippan = 12 − 9 = 3: its
    # whole is the sum of the whole project's cells of its municipalities, and the one
    # the whole project hid is a rest the plan protects.
    released = {count_key(ENROLLED, municipality="Bjuv"): 9}
    control = _two_municipality_subset(released, scope="", whole=12)
    assert control.is_hidden(count_key(ENROLLED))
    assert audit_publication(control) == []
    # with both shown there (Bjuv 9, Klippan 5), the whole is their sum: nothing hidden
    both = {**released, count_key(ENROLLED, municipality="Klippan"): 5}
    control = _two_municipality_subset(both, scope="", whole=14)
    assert not control.is_hidden(count_key(ENROLLED)) and control.unpublished == frozenset()


def test_two_subsets_that_share_two_municipalities():
    # A report of Bjuv, Klippan and Höör released Bjuv's 6 and Klippan's 5. The report
    # of Bjuv, Klippan and Perstorp shares Bjuv and Klippan: its whole, 13, minus the
    # released 6 and 5 would give Perstorp's 2.
    released = {
        count_key(ENROLLED, municipality="Bjuv"): 6,
        count_key(ENROLLED, municipality="Klippan"): 5,
    }
    control = _two_municipality_subset(
        released, scope="municipality=Bjuv,Höör,Klippan", whole=13, partial_overlap=True
    )
    assert control.is_hidden(count_key(ENROLLED))
    assert audit_publication(control) == []


def test_two_subsets_that_share_two_municipalities_the_other_way():
    # The released report (Bjuv, Klippan, Höör) showed its whole, 16; this one (Bjuv,
    # Klippan, Perstorp) would show Bjuv 9 and Klippan 5: 16 − 9 − 5 = Höör's 2.
    control = DisclosureControl("namnd", 5, strict=True)
    control.load_overlapping(
        {mark_scope(count_key(ENROLLED), "municipality=Bjuv,Höör,Klippan"): 16},
        partial(overlap_of, subset=("Bjuv", "Klippan"), released_is_whole=True, partial=True),
        released_is_whole=True,
    )
    counts = pd.DataFrame({"n": [9, 5, 8]}, index=["Bjuv", "Klippan", "Perstorp"])
    control.plan_tables({"m": CountSpec(counts, ["municipality"], filters=ENROLLED)})
    shown = [
        m for m in ("Bjuv", "Klippan") if not control.is_hidden(count_key(ENROLLED, municipality=m))
    ]
    assert len(shown) < 2, "14 − Bjuv − Klippan would give Höör's 2"
    assert audit_publication(control) == []


def test_the_whole_report_after_a_released_subset_of_two_municipalities():
    # The subset of Bjuv and Klippan showed its 12; the whole project's report would
    # show Bjuv 9, Klippan 3 (hidden, primary) and Perstorp 8: 12 − 9 = 3.
    control = DisclosureControl("namnd", 5, strict=True)
    control.load_overlapping(
        {mark_scope(count_key(ENROLLED), "municipality=Bjuv,Klippan"): 12},
        partial(overlap_of, subset=("Bjuv", "Klippan"), released_is_whole=False),
        released_is_whole=False,
    )
    counts = pd.DataFrame({"n": [9, 3, 8]}, index=["Bjuv", "Klippan", "Perstorp"])
    control.plan_tables({"m": CountSpec(counts, ["municipality"], filters=ENROLLED)})
    assert control.is_hidden(count_key(ENROLLED, municipality="Klippan"))
    assert control.is_hidden(count_key(ENROLLED, municipality="Bjuv"))
    assert audit_publication(control) == []


AGES = ["16–24", "25–34", "35–44", "45–54", "55–64"]
ENROLLED_AGE = {"period": "2021-T2", "measure": "enrolled by age"}


def _whole_age_table() -> DisclosureControl:
    """The sample's ages by municipality (2021-T2): Klippan 2, 13, 15, 7, 4 (41) and
    Perstorp 1, 11, 22, 7, 1 (42).
    """
    control = DisclosureControl("namnd", 5, strict=True)
    counts = pd.DataFrame({"Klippan": [2, 13, 15, 7, 4], "Perstorp": [1, 11, 22, 7, 1]}, index=AGES)
    control.plan_tables({"age": CountSpec(counts, ["age", "municipality"], filters=ENROLLED_AGE)})
    return control


def _klippan_age_report(whole: DisclosureControl, *, with_model: bool) -> DisclosureControl:
    values, hidden, lines = whole.published()
    released = {k: v for k, v in values.items() if k not in hidden}
    relate = partial(overlap_of, subset=("Klippan",), released_is_whole=True)
    control = DisclosureControl("namnd", 5, strict=True)
    control.load_overlapping(
        {mark_scope(k, ""): v for k, v in released.items()}, relate, released_is_whole=True
    )
    if with_model:
        control.load_overlapping_model(
            {mark_scope(k, ""): values[k] for k in hidden},
            [(mark_scope(ln.total, ""), [mark_scope(m, "") for m in ln.members]) for ln in lines],
            relate,
            released_is_whole=True,
        )
    counts = pd.DataFrame({"Klippan": [2, 13, 15, 7, 4]}, index=AGES)
    control.plan_tables({"age": CountSpec(counts, ["age"], filters=ENROLLED_AGE)})
    return control


def test_a_subset_protects_the_cells_the_whole_project_hid():
    # Issue 15, attack of stop 21 on the sample: the whole project's table hid both
    # 45–54 cells (7 and 7) and showed their total 14, to protect the small cells of
    # its columns. Klippan's report, knowing only what the whole released, showed its
    # 7: Perstorp's 45–54 = 14 − 7 = 7, and Perstorp's column 42 − 11 − 22 − 7 = 2 over
    # 16–24 and 55–64, each hidden so at least 1: 1 and 1. With the whole's hidden
    # cells and lines in the model, Klippan's 7 is hidden and nothing is exposed.
    whole = _whole_age_table()
    values, hidden, lines = whole.published()
    assert hidden, "the whole project's table hides its small cells"

    def attack(subset: DisclosureControl) -> list:
        # the reader's system: both reports' shown cells, the whole's margins, and
        # Klippan's cells as the whole's Klippan cells
        shown = {k: v for k, v in values.items() if k not in hidden}
        for age in AGES:
            own = count_key(ENROLLED_AGE, age=age)
            if not subset.is_hidden(own):
                shown[count_key(ENROLLED_AGE, age=age, municipality="Klippan")] = values[
                    count_key(ENROLLED_AGE, age=age, municipality="Klippan")
                ]
        from insats.disclosure.attack import exposures

        return exposures(
            shown,
            [k for k in hidden if k not in shown],
            [(ln.total, ln.members) for ln in lines],
        )

    assert attack(_klippan_age_report(whole, with_model=False)), "the leak without the model"
    subset = _klippan_age_report(whole, with_model=True)
    assert attack(subset) == []
    assert audit_publication(subset) == []
