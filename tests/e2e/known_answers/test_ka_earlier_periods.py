"""Known answers: a report plans against the whole report of an earlier period of the
year (issue 15, memory across reports).

The register holds only what T1's report released. T2's year to date minus its period
is T1's count, so T2 recomputes T1's report from the same data and takes its hidden
cells (at least 1 to a reader) and its margins into its plan, as a subset report does
with the whole project's (test_ka_subset_attacks.py, K1). The bundled sample
(FICTITIOUS), 2021-T1 then 2021-T2, one register.
"""

from __future__ import annotations

import re
import warnings

import pytest
from tests.conftest import REPO, SAMPLE_PARAMS

pytestmark = pytest.mark.e2e


def _params(folder, register, period: str):
    text = SAMPLE_PARAMS.read_text(encoding="utf-8")
    text = text.replace("data_root: ..", f"data_root: {REPO}")
    text = text.replace("../data/", f"{REPO}/data/")
    text = re.sub(r"(?m)^period: .*$", f"period: {period}", text)
    text = re.sub(r"(?m)^narrative_path: .*$", "", text)
    text += f"\npublication_register_path: {register}\n"
    path = folder / f"{period}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_t2_plans_against_t1s_hidden_cells(tmp_path, parameters_runner):
    from insats.params import load_parameters
    from insats.report.build import build_report
    from insats.report.register import RELEASED_IN

    register = tmp_path / "register.sqlite"
    t1 = parameters_runner(_params(tmp_path, register, "2021-T1"), tmp_path / "t1")
    # T1's table of the period by group hid Klippan grupp 5's 4 exits and Perstorp's 1
    # (the total, 5, shown): the cells T2 must not give back.
    assert t1["participants"]["exited"] == 5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = build_report(load_parameters(_params(tmp_path, register, "2021-T2")))
    control = model.ctx.disclosure
    from_t1 = {k for k in control.hidden_elsewhere if (RELEASED_IN, "2021-T1") in k}
    exits = {
        dict(k).get("group")
        for k in from_t1
        if ("filter:measure", "exited") in k and ("filter:period", "2021-T1") in k
    }
    assert {"Klippan, grupp 5", "Perstorp, grupp 5"} <= exits
    assert control.overlap_notes == [] and control.inconsistencies == []
    # T2's own: year to date minus period is T1's count, hidden in both
    for group in ("Klippan, grupp 5", "Perstorp, grupp 5"):
        ytd, period = (figures_cell(model, group, scope) for scope in ("year_to_date", "period"))
        assert ytd is None or period is None or not 0 < ytd - period < 5, (group, ytd, period)


def figures_cell(model, group: str, scope: str):
    counts = model.counts
    key = counts._key(model.ctx, scope, "exited", "group", _group_code(model, group))
    value = int(counts.wide("group", scope).at[_group_code(model, group), "exited"])
    return None if model.ctx.hidden(key, value) else value


def _group_code(model, label: str):
    from insats.outcomes import participants as part_mod

    for code in model.counts.group_names:
        if part_mod.group_label(model.ctx, code, model.counts.group_names) == label:
            return code
    raise AssertionError(label)
