"""Budget: granted, invoiced, forecast and the 10 % rule (seed values and fictitious rows)."""

from __future__ import annotations

import pandas as pd
import pytest

from insats.periods import parse_period
from insats.programme.budget import (
    BudgetError,
    deviation_share,
    needs_explanation,
    summarise_budget,
)
from insats.report.context import RenderContext
from insats.report.sections.budget import render_budget


def plain(html: str) -> str:
    """Non-breaking spaces (babel's grouping, "kr", "%") as plain spaces for matching."""
    return html.replace("\xa0", " ").replace("\u202f", " ")


CONTEXTS = [RenderContext(), RenderContext(language="en"), RenderContext(audience="namnd")]
IDS = ["sv", "en", "namnd"]


def finance(rows) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["funder", "period", "granted_sek", "invoiced_sek", "forecast_sek"]
    )
    frame.insert(0, "project", "Första steget")
    for column in ("granted_sek", "invoiced_sek", "forecast_sek"):
        frame[column] = frame[column].astype(float)
    frame["source_row"] = range(2, len(frame) + 2)
    return frame


def test_seed_000_deviation():
    # Seed 000 (tertial 200901-201231): "Beviljade medel 246 tkr, Fakturerade kostnader
    # 216 tkr, Prognos för året 740 tkr". (740 - 246) / 246 = 494 / 246 = 2.00813.
    summary = summarise_budget(
        finance([("Samordningsförbundet", "200901-201231", 246_000, 216_000, 740_000)]),
        parse_period("200901-201231"),
    )
    data = summary.figure_data(RenderContext())
    assert data["granted_sek"] == 246_000 and data["forecast_sek"] == 740_000
    assert data["deviation_share"] == pytest.approx(494 / 246)
    assert round(100 * data["deviation_share"], 1) == 200.8
    assert data["needs_explanation"] is True
    html = plain(render_budget(summary, RenderContext()))
    assert "200,8 % över beviljade medel" in html
    assert "någon förklaring har inte lämnats" in html


def test_seed_001_invoiced_share():
    # Seed 001 (2019): "Beviljade medel 1 460 000, Fakturerade kostnader 1 288 507", no
    # forecast. 1 288 507 / 1 460 000 = 0.882539...
    summary = summarise_budget(
        finance([("NNV Skåne", "2019", 1_460_000, 1_288_507, None)]), parse_period("2019-T3")
    )
    assert summary.invoiced_share == pytest.approx(0.882539, abs=1e-6)
    assert round(100 * summary.invoiced_share, 2) == 88.25
    data = summary.figure_data(RenderContext())
    # No forecast: the deviation cannot be judged, so no explanation is demanded.
    assert data["forecast_sek"] is None and data["deviation_share"] is None
    assert data["needs_explanation"] is False
    assert "1 460 000 kr" in plain(render_budget(summary, RenderContext()))
    assert "Det finns ingen prognos" in render_budget(summary, RenderContext())


def test_ten_percent_is_not_more_than_ten_percent():
    assert not needs_explanation(1_100_000, 1_000_000)  # exactly +10 %
    assert not needs_explanation(900_000, 1_000_000)  # exactly -10 %
    assert needs_explanation(899_999, 1_000_000)
    assert deviation_share(900_000, 1_000_000) == pytest.approx(-0.1)
    assert deviation_share(5, 0) is None and deviation_share(None, 5) is None


def cumulative_rows():
    # Each row: the position at the end of its tertial (seed 002's style; 2021-T2 is
    # seed 002's table: Perstorp 639 778 and Klippan 521 261 invoiced of 1 030 000 each).
    return finance(
        [
            ("Perstorp", "2020-T3", 900_000, 861_500, 861_500),
            ("Perstorp", "2021-T1", 1_030_000, 318_900, 1_030_000),
            ("Perstorp", "2021-T2", 1_030_000, 639_778, 1_030_000),
            ("Perstorp", "2021-T3", 1_030_000, 990_000, 1_000_000),
            ("Klippan", "2021-T1", 1_030_000, 251_600, 1_000_000),
            ("Klippan", "2021-T2", 1_030_000, 521_261, 910_000),
        ]
    )


def test_rows_of_the_report_year_up_to_the_period_end():
    summary = summarise_budget(cumulative_rows(), parse_period("2021-T2"))
    # 2020-T3 is another year, 2021-T3 lies after the period: 4 rows used.
    assert sorted(summary.rows["period"]) == ["2021-T1", "2021-T1", "2021-T2", "2021-T2"]
    # The year's figures are the latest row per funder, summed: seed 002's "Summa".
    t = summary.totals
    assert (t["granted_sek"], t["invoiced_sek"]) == (2_060_000, 1_161_039)
    assert t["forecast_sek"] == 1_940_000
    # Total deviation (1 940 000 - 2 060 000) / 2 060 000 = -5.8 %: within 10 % ...
    assert summary.deviation_share == pytest.approx(-120_000 / 2_060_000)
    # ... but Klippan's own forecast is (910 000 - 1 030 000) / 1 030 000 = -11.65 %.
    klippan = summary.by_funder.set_index("funder").loc["Klippan"]
    assert klippan["deviation_share"] == pytest.approx(-0.116505, abs=1e-6)
    assert bool(klippan["needs_explanation"]) is True
    assert summary.needs_explanation is True
    data = summary.figure_data(RenderContext())
    assert set(data) >= {
        "granted_sek",
        "invoiced_sek",
        "forecast_sek",
        "deviation_share",
        "needs_explanation",
        "by_funder",
    }
    assert data["by_funder"]["Perstorp"]["needs_explanation"] is False
    frame = summary.to_frame()
    assert list(frame["funder"]) == ["Klippan", "Perstorp", "total"]


def test_earlier_period_uses_the_earlier_rows():
    summary = summarise_budget(cumulative_rows(), parse_period("2021-T1"))
    assert summary.totals["invoiced_sek"] == 318_900 + 251_600
    assert summary.needs_explanation is False  # 2 030 000 vs 2 060 000: -1.5 %


def test_no_rows_for_the_year():
    summary = summarise_budget(cumulative_rows(), parse_period("2019-T1"))
    assert summary.by_funder.empty
    assert summary.figure_data(RenderContext())["granted_sek"] is None
    assert "inga ekonomiuppgifter" in render_budget(summary, RenderContext())


def test_reason_is_shown_escaped():
    reason = "Rekryteringen i Klippan <script>alert(1)</script> gick trögt"
    summary = summarise_budget(cumulative_rows(), parse_period("2021-T2"), reason=reason)
    html = render_budget(summary, RenderContext())
    assert "<script>" not in html
    assert "Orsak till avvikelsen: Rekryteringen i Klippan &lt;script&gt;" in html
    assert "förklaring har inte lämnats" not in html
    assert summary.figure_data(RenderContext())["explanation_given"] is True


def test_bad_period_labels_are_all_listed():
    rows = finance(
        [
            ("Perstorp", "2021-T4", 1, 1, 1),
            ("Perstorp", "våren", 1, 1, 1),
            ("Klippan", "2021-T1", 1, 1, 1),
        ]
    )
    with pytest.raises(BudgetError) as error:
        summarise_budget(rows, parse_period("2021-T2"))
    message = str(error.value)
    assert "row 2" in message and "'2021-T4'" in message
    assert "row 3" in message and "'våren'" in message and "row 4" not in message


@pytest.mark.parametrize("ctx", CONTEXTS, ids=IDS)
def test_budget_render(ctx):
    html = plain(render_budget(summarise_budget(cumulative_rows(), parse_period("2021-T2")), ctx))
    assert html.count("<table") == 2 and "<img" in html and 'alt="' in html
    # Amounts are not person counts: never hidden, not even for the nämnd.
    if ctx.language == "sv":
        assert "521 261 kr" in html and "<td>−11,7 %</td>" in html
        assert "Klippan (−11,7 %)" in html
        assert "någon förklaring har inte lämnats" in html
    else:
        assert "SEK 521,261" in html and "explanation" in html
