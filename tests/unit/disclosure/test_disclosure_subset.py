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
