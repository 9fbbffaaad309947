"""Shared factory of the report-level known-answer suite.

Every test in ``tests/e2e/known_answers/`` builds a small hand-made cohort, runs the real
command line (``python -m insats run``: real papermill, real kernel, real nbconvert) on
it and reads ``figures.json``. The expected numbers are computed by hand in the test.

Usage::

    def test_something(run_insats):
        figures = run_insats(
            [{"participant_id": "A1", "group": "5", "municipality": "Klippan",
              "start_date": "2021-01-11", "end_date": "2021-04-30",
              "exit_reason": "completed", "outcome_at_exit": "employment"}],
            finance=[{"funder": "Klippan", "period": "2021-T1",
                      "granted_sek": 100, "invoiced_sek": 40}],
            goal_work_or_studies_share=0.5,
        )
        figures["work_or_studies_at_exit"]["count"]

Rows use the canonical column names of ``insats.cohort.schema`` (they are accepted as
headers) and canonical codes or Swedish words as values. ``project`` is filled in.
Keyword arguments become keys of the parameters YAML (``period`` defaults to 2021-T2,
``audience`` to ``internal`` so small counts are not suppressed; pass
``audience="namnd"`` to test the public report). The run's folder is
``tmp_path / "out"`` (``report.html``, ``figures.json``, ``manifest.json``); the
returned dict is the parsed ``figures.json``.

Test module names must be unique across ``tests/`` (no ``__init__.py`` here): name them
``test_ka_<topic>.py``.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

PROJECT = "Testinsatsen"
REPO = Path(__file__).resolve().parents[3]
SAMPLE_PARAMS = REPO / "parameters" / "forsta_steget.yaml"

# The defaults of one participant row; every test overrides what it is about.
PERSON_DEFAULTS: dict[str, Any] = {
    "group": "1",
    "municipality": "Perstorp",
    "gender": "Kvinna",
    "birth_year": 1985,
    "education": "Förgymnasial",
    "referral": "Arbetsförmedlingen",
    "support_at_start": "Försörjningsstöd",
    "start_date": "2021-01-11",
}


def person(participant_id: str, **fields: Any) -> dict[str, Any]:
    """One participant row: :data:`PERSON_DEFAULTS` overridden by ``fields``."""
    return {"participant_id": participant_id, **PERSON_DEFAULTS, **fields}


def gender_cohort(spec, prefix: str = "G") -> list[dict[str, Any]]:
    """One intake group (grupp 4, 7 Sep – 22 Dec 2020, all completed): for each
    ``(gender, persons, to work)`` of ``spec``, ``to work`` leave for a job and the
    others to job seeking (the 2×2 cohorts of the odds-ratio tests).
    """
    rows: list[dict[str, Any]] = []
    for gender, persons, to_work in spec:
        for j in range(persons):
            rows.append(
                person(
                    f"{prefix}{len(rows) + 1}",
                    group="4",
                    gender=gender,
                    start_date="2020-09-07",
                    end_date="2020-12-22",
                    exit_reason="completed",
                    outcome_at_exit="employment" if j < to_work else "job_seeking",
                )
            )
    return rows


def write_rows(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Write dict rows as a ``;`` separated UTF-8 CSV; blanks for missing keys."""
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, delimiter=";", restval="")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return path


def run_cohort(
    folder: Path,
    participants: list[dict[str, Any]],
    *,
    finance: list[dict[str, Any]] | None = None,
    funnel: list[dict[str, Any]] | None = None,
    **params: Any,
) -> dict[str, Any]:
    """Write the inputs and a parameters YAML into ``folder``, run ``insats run``.

    Returns:
        The parsed ``figures.json`` of the run (written to ``folder / "out"``).
    """
    folder.mkdir(parents=True, exist_ok=True)
    project = params.pop("project", PROJECT)
    raw: dict[str, Any] = {
        "project": project,
        "period": "2021-T2",
        "audience": "internal",
        "monte_carlo_draws": 200,
    }
    rows = [{"project": project, **row} for row in participants]
    raw["participants_path"] = str(write_rows(folder / "deltagare.csv", rows))
    if finance is not None:
        rows = [{"project": project, **row} for row in finance]
        raw["finance_path"] = str(write_rows(folder / "ekonomi.csv", rows))
    if funnel is not None:
        rows = [{"project": project, **row} for row in funnel]
        raw["funnel_path"] = str(write_rows(folder / "rekrytering.csv", rows))
    raw.update(params)
    yaml_path = folder / "parameters.yaml"
    yaml_path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return run_parameters(yaml_path, folder / "out")


def run_parameters(yaml_path: Path, out: Path, *args: str) -> dict[str, Any]:
    """``python -m insats run yaml_path --out out [args]``; the parsed figures.json."""
    done = subprocess.run(
        [sys.executable, "-m", "insats", "run", str(yaml_path), "--out", str(out), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=900,
    )
    assert done.returncode == 0, f"insats run failed:\n{done.stdout}\n{done.stderr}"
    return json.loads((out / "figures.json").read_text(encoding="utf-8"))


def report_text(html: str) -> str:
    """The body of a report.html as plain text: tags as spaces, runs of space as one."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.split("<body", 1)[1]))


def run_both_audiences(
    folder: Path, cohorts: dict[str, list[dict[str, Any]]], **params: Any
) -> dict[tuple[str, str], str]:
    """Run each cohort as an internal and a nämnd report (``folder/NAME_AUDIENCE``).

    Returns:
        {(cohort name, audience): the report.html}.
    """
    out = {}
    for name, rows in cohorts.items():
        for audience in ("internal", "namnd"):
            where = folder / f"{name}_{audience}"
            run_cohort(where, rows, audience=audience, **params)
            out[name, audience] = (where / "out" / "report.html").read_text(encoding="utf-8")
    return out


@pytest.fixture(scope="session")
def sample_figures(tmp_path_factory) -> dict[str, Any]:
    """``insats run parameters/forsta_steget.yaml`` (the bundled sample, as shipped) once
    per session; its figures.json. The folder is ``sample_figures["_out"]``."""
    out = tmp_path_factory.mktemp("ka_sample") / "out"
    figures = run_parameters(SAMPLE_PARAMS, out)
    figures["_out"] = str(out)
    return figures


@pytest.fixture(scope="session")
def make_person() -> Callable[..., dict[str, Any]]:
    """``make_person("A1", outcome_at_exit="studies", ...)`` -> a participant row."""
    return person


@pytest.fixture(scope="session")
def parameters_runner() -> Callable[..., dict[str, Any]]:
    """:func:`run_parameters` itself: ``parameters_runner(yaml_path, out, *args)`` for
    tests that write their own parameters file (a variant of the sample)."""
    return run_parameters


@pytest.fixture(scope="session")
def cohort_runner() -> Callable[..., dict[str, Any]]:
    """:func:`run_cohort` itself, for module-scoped fixtures that run once per module:
    ``cohort_runner(tmp_path_factory.mktemp("x"), rows, **params)``."""
    return run_cohort


@pytest.fixture
def run_insats(tmp_path: Path) -> Callable[..., dict[str, Any]]:
    """``run_insats(participants, finance=..., funnel=..., **params)`` -> figures.json."""

    def run(participants: list[dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
        return run_cohort(tmp_path, participants, **kwargs)

    return run


def lp_intervals(
    relations: list[dict[str, float]], shown: dict[str, int | None], derived=()
) -> dict[str, tuple[float, float]]:
    """An attacker independent of the tool: {unknown: (least, most)} a reader cannot rule
    out, by linear programming (scipy) over ``relations`` ({variable: coefficient} = 0)
    with the ``shown`` counts fixed. A hidden count (None) is at least 1 (zeros are
    shown); a ``derived`` count no table shows is at least 0.
    """
    import numpy as np
    from scipy.optimize import linprog

    hidden = sorted(k for k, v in shown.items() if v is None) + sorted(derived)
    index = {k: i for i, k in enumerate(hidden)}
    a, b = np.zeros((len(relations), len(hidden))), np.zeros(len(relations))
    for r, row in enumerate(relations):
        for name, coefficient in row.items():
            if name in index:
                a[r, index[name]] += coefficient
            else:
                b[r] -= coefficient * shown[name]
    bounds = [(0, None) if k in derived else (1, None) for k in hidden]
    out = {}
    for name, i in index.items():
        c = np.zeros(len(hidden))
        c[i] = 1.0
        low = linprog(c, A_eq=a, b_eq=b, bounds=bounds, method="highs")
        high = linprog(-c, A_eq=a, b_eq=b, bounds=bounds, method="highs")
        assert low.status == 0, (name, low.message)  # the true counts are feasible
        out[name] = (low.fun, np.inf if high.status == 3 else -high.fun)
    return out
