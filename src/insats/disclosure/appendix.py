"""The appendix that tells the reader which rule was applied and how much it hid."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from insats.disclosure.control import DisclosureControl


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
