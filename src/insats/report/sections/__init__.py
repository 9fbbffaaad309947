"""The report's sections: each module renders one section from pure results.

One module per report section: the presentation of the pure results of :mod:`insats.outcomes`,
:mod:`insats.programme` and :mod:`insats.socioeconomic`.

Each module turns results into report HTML with a :class:`~insats.report.context.RenderContext`
(``render_<result>(result, ctx)``, ``render(result, ctx)`` for any result of the section) and
offers ``repr_html(result)``, which a result's ``_repr_html_`` reaches through one lazy import
(the way statsmodels results reach ``iolib.summary``). Computation stays in
the computation packages; nothing here estimates anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from insats.report.context import Html, RenderContext
from insats.report.sections import (
    exits,
    goals,
    participants,
    regression,
    results,
    self_assessment,
    survival,
    trend,
)

# result class -> renderer (Any: dict keys are invariant, and each module has its own classes)
RENDERERS: dict[Any, Callable[[Any, RenderContext], Any]] = {
    **participants.RENDERERS,
    **exits.RENDERERS,
    **results.RENDERERS,
    **goals.RENDERERS,
    **trend.RENDERERS,
    **survival.RENDERERS,
    **regression.RENDERERS,
    **self_assessment.RENDERERS,
}


def render(result, ctx: RenderContext) -> Html:
    """Render any result of :mod:`insats.outcomes` with its section's renderer."""
    try:
        renderer = RENDERERS[type(result)]
    except KeyError:
        raise TypeError(f"no report section renders a {type(result).__name__}") from None
    return renderer(result, ctx)
