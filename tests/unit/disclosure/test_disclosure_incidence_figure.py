"""The time-to-work-or-studies figure of a nämnd report is drawn from suppressed data.

Issue 15: the Kaplan–Meier PNG was drawn in full while its table hid steps (a 6.7 % step
of 30 at risk gives back 2 events, read from the pixels). These tests read the drawn
figure's data (the matplotlib step line and interval band that ``plot_survival``
returns to insats.report.sections.survival, the very Figure the report embeds), not pixels.

Sample (parameters/forsta_steget.yaml, 2021-T2): 83 persons, Aalen–Johansen (other
exits compete), table rows at 1, 2, 3, 4, 6 months with events by then 0, 1, 2, 27, 27.
Rows 2 and 3 (1 and 2 events, below 5) are hidden; 4 months is shown: cumulative
share 27/62 = 0.4355 (report.survival.table; the first step, 1 event, is 1/62 = 0.0161).
The full curve has a step at every event time.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[3]
SAMPLE_PARAMS = REPO / "parameters" / "forsta_steget.yaml"


def _drawn(audience: str, monkeypatch):
    """(report, [figures drawn by plot_survival]) for the sample in this audience."""
    import insats.report.sections.survival as figures_mod
    from insats.params import load_parameters
    from insats.report.build import build_report

    real = figures_mod.plot_survival
    drawn = []

    def recording(*args, **kwargs):
        fig = real(*args, **kwargs)
        drawn.append(fig)
        return fig

    monkeypatch.setattr(figures_mod, "plot_survival", recording)
    params = load_parameters(SAMPLE_PARAMS).model_copy(update={"audience": audience})
    report = build_report(params)
    report.outcomes()
    return report, drawn


def _step_and_band(fig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ax = fig.axes[0]
    (line,) = ax.lines
    band = np.concatenate([p.vertices[:, 1] for c in ax.collections for p in c.get_paths()])
    return np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float), band


def _hidden_rows(report):
    from insats.outcomes._common import is_hidden

    s = report.survival
    return [r for r in s.table.itertuples() if is_hidden(report.ctx, int(r.events_by), s.n)]


def test_the_sample_hides_steps_of_the_incidence_table(monkeypatch):
    report, _ = _drawn("namnd", monkeypatch)
    hidden = _hidden_rows(report)
    assert [(r.months, int(r.events_by)) for r in hidden] == [(2.0, 1), (3.0, 2)]


def test_a_hidden_step_is_not_drawn(monkeypatch):
    report, drawn = _drawn("namnd", monkeypatch)
    assert drawn, "the shared report draws the curve (it is not hidden as a whole)"
    for fig in drawn:
        _check_drawn_from_table(report, fig)


def _check_drawn_from_table(report, fig):
    x, y, band = _step_and_band(fig)
    s = report.survival
    shown = [
        r
        for r in s.table.itertuples()
        if not np.isnan(r.cumulative_share) and r not in _hidden_rows(report)
    ]
    # Every drawn level is 0 or the share of a shown table row; the hidden 1/62, 2/62 not.
    allowed = {0.0, *(round(float(r.cumulative_share), 9) for r in shown)}
    assert {round(float(v), 9) for v in y} <= allowed
    for r in _hidden_rows(report):
        assert not np.isclose(y, r.cumulative_share).any()
        # the band is the published intervals only: no hidden row's bounds
        assert not np.isclose(band, r.cumulative_low).any()
        assert not np.isclose(band, r.cumulative_high).any()
    # Steps change only at 0 and at shown months (the end point repeats the last level).
    rises = x[1:][np.diff(y) != 0]
    assert set(rises.tolist()) <= {float(r.months) for r in shown}
    # The full curve's own event times (other than the table's months) are not drawn.
    full_times = set(s.curve["months"].round(9).tolist()) - {0.0}
    assert not full_times & {round(float(v), 9) for v in x[1:-1]} - {float(r.months) for r in shown}


def test_the_internal_report_draws_the_full_curve(monkeypatch):
    """The check above can fail: with nothing hidden, the small steps are drawn."""
    report, drawn = _drawn("internal", monkeypatch)
    assert drawn
    curve = report.survival.curve
    levels = (1 - curve["survival"]).to_numpy(float)
    smallest_step = float(levels[levels > 0].min())
    assert 0 < smallest_step < 0.05  # 1 event among 62 exits: 1/62 = 0.016
    for fig in drawn:
        _, y, _ = _step_and_band(fig)
        assert len(y) >= len(curve)
        assert np.isclose(y, smallest_step).any()


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
