"""Known answers: figures.json's ``regression`` is the section "Samband med
bakgrundsfaktorer", with the HTML's disclosure (issue 15, attack on the odds ratio).

Cohorts (hand-made, FICTITIOUS), 2021-T2, Perstorp, grupp 4: everyone started 2020-09-07
and completed on 2020-12-22, alike (born 1985, förgymnasial, Perstorp) but for their
gender and whether they went to work (the rest to job seeking):

- HIDDEN: 24 women of whom 12 went to work, 16 men of whom 3 did (15 of 40).
- SHOWN: 30 women of whom 18 went to work, 20 men of whom 6 did (24 of 50).

With gender the only covariate that varies, the model (a binomial GLM with the logit
link, an intercept and one indicator per level that is not the reference, the most
frequent level: the women) is the plain logit of work or studies on "man". Its
maximum-likelihood odds ratio is the crude one of the 2×2 table, its Wald interval
Woolf's and its p-value the Wald test's (Agresti, Categorical Data Analysis, 3rd ed.,
§3.1 and §5.1). Women a in work, b not; men c in work, d not:

    HIDDEN  a, b, c, d = 12, 12, 3, 13
            OR(män mot kvinnor) = (c·b) / (d·a) = (3·12) / (13·12) = 3/13 ≈ 0.2308
            SE(log OR) = sqrt(1/12 + 1/12 + 1/3 + 1/13) ≈ 0.7596
            95 % interval = exp(log OR ± 1.96·SE) ≈ 0.0521–1.0226 (table: 0,05–1,02)
            z = log OR / SE ≈ −1.930, p = 2·(1 − Φ(|z|)) ≈ 0.054
    SHOWN   a, b, c, d = 18, 12, 6, 14
            OR = (6·12) / (14·18) = 72/252 = 2/7 ≈ 0.2857
            SE = sqrt(1/18 + 1/12 + 1/6 + 1/14) ≈ 0.6140
            95 % interval ≈ 0.0858–0.9518 (table: 0,09–0,95), p ≈ 0.041

The internal reports' figures.json carry these. The nämnd report of HIDDEN hides the
men's 3 in work (and, secondarily, another count of the gender table): beside 15 of 40,
24 women and 16 men, the odds ratio would give the 3 back (3/13 holds only for k = 3), so
the HTML withholds the estimates with a sentence and figures.json has ``withheld:
true``, no terms, and no estimate, level n or reference level. The nämnd report of SHOWN
hides none of the model's counts and shows the table: figures.json the same numbers.
"""

from __future__ import annotations

import json
import math
import re

import pytest
from tests.e2e.known_answers.conftest import gender_cohort, report_text, run_both_audiences

pytestmark = pytest.mark.e2e

# women in work / not, men in work / not (see the tables above)
COUNTS = {"HIDDEN": (12, 12, 3, 13), "SHOWN": (18, 12, 6, 14)}
Z975 = 1.959963984540054  # the normal quantile statsmodels' Wald interval uses ("1.96")


def known_answers(a: int, b: int, c: int, d: int) -> dict[str, float]:
    """The crude odds ratio of men against women, Woolf's interval, the Wald p-value."""
    odds_ratio = (c * b) / (d * a)
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return {
        "odds_ratio": odds_ratio,
        "ci_low": math.exp(math.log(odds_ratio) - Z975 * se),
        "ci_high": math.exp(math.log(odds_ratio) + Z975 * se),
        # 2·(1 − Φ(|z|)) with z = log OR / SE
        "p_value": math.erfc(abs(math.log(odds_ratio) / se) / math.sqrt(2)),
    }


def _rows(a: int, b: int, c: int, d: int) -> list[dict]:
    return gender_cohort((("Kvinna", a + b, a), ("Man", c + d, c)), prefix="R")


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """{(cohort, audience): (the report's text, figures.json's ``regression``)}."""
    folder = tmp_path_factory.mktemp("regression_figures")
    pages = run_both_audiences(folder, {name: _rows(*n) for name, n in COUNTS.items()})
    out = {}
    for (name, audience), page in pages.items():
        figures = json.loads(
            (folder / f"{name}_{audience}" / "out" / "figures.json").read_text(encoding="utf-8")
        )
        assert "regression" in figures, sorted(figures)
        out[name, audience] = (report_text(page), figures["regression"])
    return out


def _section(text: str) -> str:
    start = text.index("Samband med bakgrundsfaktorer ")
    return text[start : text.index("Självskattning före och efter", start)]


TABLE_ROWS = {
    "HIDDEN": "Kön: Män (jämfört med Kvinnor) 16 0,23 0,05–1,02 p = 0,05",
    "SHOWN": "Kön: Män (jämfört med Kvinnor) 20 0,29 0,09–0,95 p = 0,04",
}


@pytest.mark.parametrize("name", COUNTS)
def test_the_internal_figures_hold_the_crude_odds_ratio(reports, name):
    a, b, c, d = COUNTS[name]
    text, regression = reports[name, "internal"]
    assert {k: regression[k] for k in ("outcome", "is_fitted", "reason", "withheld")} == {
        "outcome": "work_or_studies",
        "is_fitted": True,
        "reason": None,
        "withheld": False,
    }
    # everyone has a known outcome; events: the rarer outcome, those in work or studies
    assert (regression["n"], regression["events"]) == (a + b + c + d, a + c)
    # one parameter besides the intercept: 10 events needed
    assert (regression["min_events_per_parameter"], regression["required_events"]) == (10, 10)
    (term,) = regression["terms"]
    assert {k: term[k] for k in ("term", "covariate", "level", "reference", "n_level")} == {
        "term": "gender[man]",
        "covariate": "gender",
        "level": "man",
        "reference": "woman",  # more women than men
        "n_level": c + d,
    }
    expected = known_answers(a, b, c, d)
    assert term["odds_ratio"] == pytest.approx(expected["odds_ratio"], rel=1e-8)
    assert term["ci_low"] == pytest.approx(expected["ci_low"], rel=1e-6)
    assert term["ci_high"] == pytest.approx(expected["ci_high"], rel=1e-6)
    # the GLM's standard error comes from its last IRLS step's weights (SHOWN: 3e-7 off
    # Woolf's, 1.5e-6 in p; statsmodels Logit's agrees to 1e-15)
    assert term["p_value"] == pytest.approx(expected["p_value"], rel=1e-5)
    # ... and they are the numbers of the report's table
    assert TABLE_ROWS[name] in _section(text), _section(text)


def test_the_namnd_figures_show_what_the_html_shows(reports):
    text, regression = reports["SHOWN", "namnd"]
    assert TABLE_ROWS["SHOWN"] in _section(text), _section(text)
    assert regression == reports["SHOWN", "internal"][1]


def test_the_namnd_figures_withhold_what_the_html_withholds(reports):
    text, regression = reports["HIDDEN", "namnd"]
    # the premise: the plan hides the men's 3 in the composite table by gender
    assert "Män .. 16" in text, text
    section = _section(text)
    assert "Oddskvoterna redovisas inte" in section, section
    assert "0,23" not in section and "Oddskvoter med 95 %" not in section, section
    assert regression["withheld"] is True and regression["is_fitted"] is True
    # no estimates, no level n, no levels or reference level: the HTML shows no table
    assert regression["terms"] is None
    assert regression["required_events"] is None
    # n and events only as the sentence shows them ("på 40 deltagare (15 i den minsta …")
    shown = re.search(r"på (\S+) deltagare \((\S+) i den minsta utfallsgruppen\)", section)
    assert shown is not None, section
    for key, value in zip(("n", "events"), shown.groups(), strict=True):
        assert regression[key] == (None if value == ".." else int(value)), (key, section)
    # nothing else in the entry is a number
    numbers = {
        k for k, v in regression.items() if isinstance(v, (int, float)) and not isinstance(v, bool)
    }
    assert numbers <= {"n", "events", "min_events_per_parameter"}, regression
