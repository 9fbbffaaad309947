"""The reader's account of the disclosure rules (the report's appendix section)."""

from __future__ import annotations

import pandas as pd

from insats.disclosure import SUPPRESSED, summary
from insats.report.context import Html


def render_appendix(ctx):
    """The reader's account of the disclosure rules and how many cells they hid.

    Args:
        ctx: the report's RenderContext (language, audience, disclosure control).

    Returns:
        Html, without a heading (the notebook adds it).
    """
    result = summary(ctx)
    if result.audience != "namnd":
        return Html(ctx.paragraph(ctx.t("disclosure.appendix.internal")))
    fields = {"min": result.min_cell_count, "mark": SUPPRESSED}
    parts = [
        ctx.paragraph(ctx.t("disclosure.appendix.rule", **fields)),
        ctx.paragraph(ctx.t("disclosure.appendix.derived", **fields)),
        ctx.paragraph(ctx.t("disclosure.appendix.secondary", **fields)),
    ]
    if result.collapsed:
        parts.append(ctx.paragraph(ctx.t("disclosure.appendix.collapsed", **fields)))
    if result.suppressed == 0 and result.values == 0:  # noqa: PD011 - a count of ours, not a pandas .values
        parts.append(ctx.paragraph(ctx.t("disclosure.appendix.nothing", **fields)))
    rows = [
        ("tables", result.tables),
        ("cells", result.cells),
        # one count of hidden cells: split into small and secondary, it told which of
        # two hidden cells summing to 6 was small, so {1, 5} (issue 15, attack round 9)
        ("hidden", result.suppressed),
        ("values", result.values),  # noqa: PD011 - a count of ours, not a pandas .values
    ]
    frame = pd.DataFrame(
        {ctx.t("disclosure.appendix.column"): [ctx.number(v) for _, v in rows]},
        index=pd.Index([ctx.t(f"disclosure.appendix.row_{k}", **fields) for k, _ in rows]),
    )
    parts.append(ctx.table(frame, ctx.t("disclosure.appendix.caption")))
    return Html("".join(str(p) for p in parts))
