"""Known answers for what the reader sees: half-up rounding, singular, no point intervals."""

from __future__ import annotations

import math

import pytest

pytestmark = pytest.mark.e2e

Z = 1.959963984540054


def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson score interval by hand (Wilson 1927)."""
    p = k / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2)) / (1 + Z**2 / n)
    return centre - half, centre + half


def test_five_of_eight_reads_63_percent_in_one_group(run_insats, make_person, tmp_path):
    outcomes = ["employment"] * 3 + ["studies"] * 2 + ["job_seeking"] * 3
    people = [
        make_person(
            f"R{i}",
            group="3",
            end_date="2021-06-11",
            exit_reason="completed",
            outcome_at_exit=o,
            support_at_exit="lön" if o == "employment" else "försörjningsstöd",
        )
        for i, o in enumerate(outcomes, start=1)
    ]
    figures = run_insats(people, investment_sek=400_000)
    w = figures["work_or_studies_at_exit"]
    # 5 of 8 = 62.5 %: half up gives 63 % (half to even would print 62 %).
    assert (w["count"], w["n"], w["share"]) == (5, 8, 0.625)
    low, high = wilson(5, 8)  # 0.3057, 0.8632 -> "31–86 %"
    assert w["ci_low"] == pytest.approx(low) and w["ci_high"] == pytest.approx(high)
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    html = html.replace("\xa0", " ").replace("\u202f", " ")
    assert "5 av 8 (63 %, 95 % konfidensintervall 31–86 %)" in html
    assert "62 %" not in html
    # one intake group: the trend sentence is in the singular
    assert "1 grupper" not in html
    assert "i den enda gruppen" in html
    # all eight left on the same day: the incidence jumps from 0 to 5/8 at day 151
    # (2021-01-11 -> 06-11, 4.96 months), which is the median; the upper bound reaches
    # one half there too, the lower bound (log-log, se = sqrt(5/8 · 3/8 / 8) = 0.171)
    # never does: the interval is open, "5,0 eller mer", never the point "5,0–5,0".
    t = figures["time_to_work_or_studies"]
    assert t["cumulative_share_at_end"] == pytest.approx(5 / 8)
    assert t["median_months"] == pytest.approx(151 / 30.4375)
    assert t["median_low_months"] == pytest.approx(151 / 30.4375)
    assert t["median_high_months"] is None
    assert "5,0–5,0" not in html
    assert "5,0 eller mer" in html
