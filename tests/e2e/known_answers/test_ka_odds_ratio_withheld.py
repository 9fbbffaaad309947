"""Known answers: the logistic model's odds ratio gives no hidden count back (issue 15,
attack on the odds ratio).

Cohort (hand-made, FICTITIOUS), 2021-T2, Perstorp, grupp 4: 40 participants, all started
2020-09-07 and completed on 2020-12-22, alike but for their gender: 30 women of whom 15
went to work, 10 men of whom 2 did (17 of 40; the rest to job seeking).

The nämnd report of fc99b8c hid the women's 15 and the men's 2 in "Arbete eller studier
efter bakgrund" (``Alla | 17 | 40``, ``Kvinnor | .. | 30``, ``Män | .. | 10``) but wrote
"Kön: Män (jämfört med Kvinnor) | 10 | 0,25 | 0,05–1,38 | p = 0,11". With gender the only
covariate that varies, the model's odds ratio is the crude one, and
(k/(10−k)) / ((17−k)/(13+k)) rounds to 0,25 only for k = 2: the men's hidden count. The
internal report of the same data shows ``Män | 2 | 10`` and the same odds ratio.

With the fix the odds ratios, their intervals and p-values are withheld (HTML and the
section's figure data) wherever the plan hides a level's count with or without the
outcome, and the report says so in a sentence instead of "..".
"""

from __future__ import annotations

import html
import re

import pytest
from tests.e2e.known_answers.conftest import gender_cohort

pytestmark = pytest.mark.e2e

COHORT = (("Kvinna", 30, 15), ("Man", 10, 2))  # gender, persons, to work


def _rows() -> list[dict]:
    return gender_cohort(COHORT, prefix="O")


@pytest.fixture(scope="module")
def reports(tmp_path_factory, cohort_runner):
    folder = tmp_path_factory.mktemp("odds_ratio")
    out = {}
    for audience in ("internal", "namnd"):
        where = folder / audience
        cohort_runner(where, _rows(), audience=audience)
        page = (where / "out" / "report.html").read_text(encoding="utf-8")
        text = html.unescape(re.sub(r"<[^>]+>", " | ", page)).replace("\u00a0", " ")
        out[audience] = re.sub(r"\s+", " ", text)
    return out


def _regression(text: str) -> str:
    start = text.index("Samband med bakgrundsfaktorer |")
    return text[start : text.index("Självskattning före och efter", start)]


def test_the_internal_report_holds_the_counts_and_the_odds_ratio(reports):
    text = reports["internal"]
    assert "| Män | | 2 | | 10 |" in text, text
    assert "Kön: Män (jämfört med Kvinnor) | | 10 | | 0,25 | | 0,05–1,38 |" in _regression(text)


def test_the_plan_hides_the_mens_count(reports):
    # the premise of the attack: the composite table by gender hides the 2 (and the 15)
    assert "| Män | | .. | | 10 |" in reports["namnd"], reports["namnd"]


def test_no_odds_ratio_beside_a_hidden_count(reports):
    section = _regression(reports["namnd"])
    assert "0,25" not in section, section
    assert "Oddskvoter med 95 % konfidensintervall" not in section, section
    assert "p = " not in section, section
    assert "Oddskvoterna redovisas inte" in section, section


def test_the_odds_ratio_gives_the_hidden_count_no_way_back(reports):
    # The attack: with 17 of 40, 30 women and 10 men, each odds ratio shown fits only
    # some k; none may be shown.
    section = _regression(reports["namnd"])
    shown = re.search(r"Kön: Män \(jämfört med Kvinnor\) \| \| \d+ \| \| ([\d,]+) \|", section)
    assert shown is None, section
