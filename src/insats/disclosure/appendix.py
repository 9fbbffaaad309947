"""The appendix that tells the reader which rule was applied and how much it hid."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from insats.disclosure.control import SUPPRESSED, DisclosureControl


@dataclass(frozen=True)
class DisclosureSummary:
    """What disclosure control did in one report (counts only, never which cells)."""

    audience: str
    min_cell_count: int
    tables: int
    cells: int
    primary: int
    secondary: int
    values: int
    collapsed: int

    @property
    def suppressed(self) -> int:
        return self.primary + self.secondary

    def to_frame(self) -> pd.DataFrame:
        """One row per quantity: ``measure``, ``value``."""
        return pd.DataFrame(
            {
                "measure": [
                    "tables",
                    "cells",
                    "suppressed_primary",
                    "suppressed_secondary",
                    "suppressed_values",
                    "collapsed_breakdowns",
                ],
                "value": [
                    self.tables,
                    self.cells,
                    self.primary,
                    self.secondary,
                    self.values,
                    self.collapsed,
                ],
            }
        )

    def _repr_html_(self) -> str:
        return self.to_frame().to_html(index=False)


def summary(ctx_or_control) -> DisclosureSummary:
    """Summarise a report's disclosure control (a RenderContext or a DisclosureControl)."""
    control: DisclosureControl = getattr(ctx_or_control, "disclosure", ctx_or_control)
    stats = control.table_stats.values()
    return DisclosureSummary(
        audience=control.audience,
        min_cell_count=control.min_cell_count,
        tables=len(stats),
        cells=sum(s.cells for s in stats),
        primary=sum(s.primary for s in stats),
        secondary=sum(s.secondary for s in stats),
        values=control.suppressed_values,
        collapsed=control.collapsed_breakdowns,
    )


def render_appendix(ctx):
    """The reader's account of the disclosure rules and how many cells they hid.

    Args:
        ctx: the report's RenderContext (language, audience, disclosure control).

    Returns:
        Html, without a heading (the notebook adds it).
    """
    from insats.report.context import Html

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
    if result.suppressed == 0 and result.values == 0:
        parts.append(ctx.paragraph(ctx.t("disclosure.appendix.nothing", **fields)))
    rows = [
        ("tables", result.tables),
        ("cells", result.cells),
        ("primary", result.primary),
        ("secondary", result.secondary),
        ("values", result.values),
    ]
    frame = pd.DataFrame(
        {ctx.t("disclosure.appendix.column"): [ctx.number(v) for _, v in rows]},
        index=pd.Index([ctx.t(f"disclosure.appendix.row_{k}", **fields) for k, _ in rows]),
    )
    parts.append(ctx.table(frame, ctx.t("disclosure.appendix.caption")))
    return Html("".join(str(p) for p in parts))
