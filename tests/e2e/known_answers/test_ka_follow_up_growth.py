"""Known answers: the follow-up of two reports in a row gives no hidden count back (issue
15, attack round 7 of stop 24).

The bundled FICTITIOUS sample (``parameters/forsta_steget.yaml``), nämnd reports of two
periods in order, one publication register:

- 2021-T2 then 2021-T3. Before (ee9edf1): "12 månader efter avslut: … 18 följdes upp"
  (T2) and "… 19 följdes upp" (T3). The follow-up of someone who left is never undone,
  so each group's count grows or stays; T3's table has a new column, Perstorp, grupp 4,
  with 0 everywhere but "Ej i arbetskraften" and its total hidden: at most 19 − 18 = 1,
  hidden so at least 1, so 1 (the internal T3 report: 1).
- 2020-T3 then 2021-T2 (a report of the year before). Before: 6 months after exit, "13 av
  24" (2020-T3) and "14 av 29" (2021-T2) in work or studies; 2021-T2's new columns
  (Klippan and Perstorp, grupp 4) are 0 in Arbete, Subventionerad anställning and Studier
  but Klippan, grupp 4 × Subventionerad anställning hidden: at most 14 − 13 = 1, so 1
  (internal: 1).

And a hand-made FICTITIOUS cohort, reports two years apart (attack of stop 25): 10 in
grupp 1 (all in work 6 months after exit) and 8 in grupp 2 (all studying) left in March
2019; 1 in grupp 3 left in November 2020 and was in work 6 months later. 2019-T3: "18
följdes upp", Arbete 10 (grupp 1) and Studier 8 (grupp 2). 2021-T2 (no report of 2020,
so 2019-T3 is known by what it released only): Arbete 11, Studier 8, 19 followed up,
with grupp 1 and grupp 3 hidden. Grupp 1 had 10 in work in 2019 and still has, so
grupp 3 has at most 11 − 10 = 1, hidden so at least 1: 1 (internal: 1).

The attacker is independent of the tool: a linear programme (scipy) over both reports'
per-group follow-up tables of each horizon and their sentences, with what a reader
knows: every row and column adds up to its total; the sentence's "följdes upp" is the
table's total, its "x av n … i arbete eller studier" the sum of Arbete, Subventionerad
anställning and Studier; each cell of the later report is at least the earlier one's
(a group the earlier table lacks had 0); hidden cells are at least 1.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
import yaml
from scipy.optimize import linprog
from tests.e2e.known_answers.conftest import SAMPLE_PARAMS, person
from tests.e2e.known_answers.test_ka_across_periods import _tables

pytestmark = pytest.mark.e2e

PAIRS = {"adjacent tertials": ("2021-T2", "2021-T3"), "across a year": ("2020-T3", "2021-T2")}
HORIZONS = (6, 12)
WORK_OR_STUDIES = ("Arbete", "Subventionerad anställning", "Studier")


@pytest.fixture(scope="module", params=list(PAIRS))
def pair(request, tmp_path_factory):
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("follow_up")
    base = yaml.safe_load(SAMPLE_PARAMS.read_text(encoding="utf-8"))
    pages = []
    for period in PAIRS[request.param]:
        params = {
            **base,
            "period": period,
            "audience": "namnd",
            "data_root": str(SAMPLE_PARAMS.parents[1]),
            "publication_register_path": str(folder / "register.sqlite"),
        }
        for key in ("participants_path", "finance_path", "funnel_path", "narrative_path"):
            if key in params:
                params[key] = str((SAMPLE_PARAMS.parent / params[key]).resolve())
        path = folder / f"{period}.yaml"
        path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
        out = folder / period
        done = subprocess.run(
            [sys.executable, "-m", "insats", "run", str(path), "--out", str(out)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        pages.append((out / "report.html").read_text(encoding="utf-8"))
    return pages


def _leaver(pid: str, group: str, start: str, end: str, status: str) -> dict:
    return person(
        pid,
        group=group,
        start_date=start,
        end_date=end,
        exit_reason="completed",
        outcome_at_exit=status,
        outcome_6m=status,
    )


GAP_COHORT = (
    [_leaver(f"A{i}", "1", "2019-01-07", "2019-03-29", "Arbete") for i in range(10)]
    + [_leaver(f"B{i}", "2", "2019-01-07", "2019-03-29", "Studier") for i in range(8)]
    + [_leaver("C0", "3", "2020-09-07", "2020-11-27", "Arbete")]
)


@pytest.fixture(scope="module")
def two_years_apart(tmp_path_factory, cohort_runner):
    folder = tmp_path_factory.mktemp("follow_up_gap")
    pages = {}
    for audience in ("internal", "namnd"):
        register = folder / audience / "register.sqlite"
        for period in ("2019-T3", "2021-T2"):
            where = folder / audience / period
            cohort_runner(
                where,
                GAP_COHORT,
                period=period,
                audience=audience,
                publication_register_path=str(register),
            )
            pages[audience, period] = (where / "out" / "report.html").read_text(encoding="utf-8")
    return pages


def test_the_internal_report_two_years_later_has_the_new_group(two_years_apart):
    later = _published(two_years_apart["internal", "2021-T2"], 6)["cells"]
    assert later["Arbete", "Grupp 3"] == 1 and later["Arbete", "Grupp 1"] == 10
    assert later["Totalt", "Totalt"] == 19


def test_no_follow_up_count_comes_back_from_a_report_two_years_before(two_years_apart):
    first, second = (_published(two_years_apart["namnd", p], 6) for p in ("2019-T3", "2021-T2"))
    assert first["followed"] == 18 and first["cells"]["Arbete", "Grupp 1"] == 10
    assert second["cells"]["Arbete", "Grupp 3"] is None
    exposed = [(n, lo, hi) for n, lo, hi in _attack(first, second) if hi - lo < 1 - 1e-6]
    assert not exposed, exposed


def _number(text: str) -> int | None:
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    return None if text == ".." else int(text)


def _published(html: str, months: int) -> dict:
    """The per-group table {(row, column): count or None} and the sentence's counts."""
    tables = _tables(html)
    caption = f"Status {months} månader efter avslut, per grupp (bland dem som följdes upp)"
    rows = tables[caption][0] if caption in tables else []
    cells = {}
    if rows:
        header = rows[0]
        for row in rows[1:]:
            for column, value in zip(header[1:], row[1:], strict=True):
                cells[row[0], column] = _number(value)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    m = re.search(rf"{months} månader efter avslut: [^.]*?(\d+|\.\.) följdes upp", text)
    followed = None if m is None or m.group(1) == ".." else _number(m.group(1))
    m = re.search(
        rf"{months} månader efter avslut:[^:]*?Av dem som följdes upp var (\d+|\.\.) av ", text
    )
    work = None if m is None or m.group(1) == ".." else _number(m.group(1))
    return {"cells": cells, "followed": followed, "work_or_studies": work}


def _attack(first: dict, second: dict) -> list[tuple[str, float, float]]:
    names = [(i, r, c) for i, rep in enumerate((first, second)) for (r, c) in rep["cells"]]
    index = {n: k for k, n in enumerate(names)}
    reports = (first, second)
    a_eq, b_eq, a_ub, b_ub, bounds = [], [], [], [], []
    for i, r, c in names:
        v = reports[i]["cells"][r, c]
        bounds.append((v, v) if v is not None else (1, None))

    def row(terms: dict) -> np.ndarray:
        x = np.zeros(len(names))
        for n, coefficient in terms.items():
            x[index[n]] += coefficient
        return x

    for i, rep in enumerate(reports):
        cells = rep["cells"]
        if not cells:
            continue
        rows = sorted({r for r, _ in cells} - {"Totalt"})
        columns = sorted({c for _, c in cells} - {"Totalt"})
        for r in [*rows, "Totalt"]:
            a_eq.append(row({(i, r, "Totalt"): 1, **{(i, r, c): -1 for c in columns}}))
            b_eq.append(0)
        for c in [*columns, "Totalt"]:
            a_eq.append(row({(i, "Totalt", c): 1, **{(i, r, c): -1 for r in rows}}))
            b_eq.append(0)
        if rep["followed"] is not None:
            a_eq.append(row({(i, "Totalt", "Totalt"): 1}))
            b_eq.append(rep["followed"])
        if rep["work_or_studies"] is not None:
            a_eq.append(
                row({(i, r, "Totalt"): 1 for r in WORK_OR_STUDIES if (r, "Totalt") in cells})
            )
            b_eq.append(rep["work_or_studies"])
    # the later report's cells are at least the earlier one's (a group it lacks had 0)
    for r, c in second["cells"]:
        if (r, c) in first["cells"]:
            a_ub.append(row({(0, r, c): 1, (1, r, c): -1}))
            b_ub.append(0)
    found = []
    for n in names:
        if reports[n[0]]["cells"][n[1], n[2]] is not None:
            continue
        c = row({n: 1})
        kwargs = dict(A_eq=np.array(a_eq), b_eq=b_eq, bounds=bounds)
        if a_ub:
            kwargs.update(A_ub=np.array(a_ub), b_ub=b_ub)
        low, high = linprog(c, **kwargs), linprog(-c, **kwargs)
        assert low.status == 0 and high.status in (0, 3), (n, low.message, high.message)
        found.append((str(n), low.fun, np.inf if high.status == 3 else -high.fun))
    return found


@pytest.mark.parametrize("months", HORIZONS)
def test_no_follow_up_count_comes_back_from_two_reports(pair, months):
    first, second = (_published(html, months) for html in pair)
    assert first["cells"] and second["cells"], "the sample follows up at both horizons"
    exposed = [(n, lo, hi) for n, lo, hi in _attack(first, second) if hi - lo < 1 - 1e-6]
    assert not exposed, exposed
