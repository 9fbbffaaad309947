"""Disclosure control for shared reports (minimal first version; issue 6 extends it).

For ``audience="namnd"`` counts from 1 to ``min_cell_count - 1`` are shown as ``..``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

SUPPRESSED = ".."


class DisclosureControl:
    """Decides what may be shown to an audience, and remembers what it hid."""

    def __init__(self, audience: str = "internal", min_cell_count: int = 5) -> None:
        self.audience = audience
        self.min_cell_count = min_cell_count
        self.suppressed_cells = 0

    @property
    def active(self) -> bool:
        return self.audience == "namnd"

    def is_suppressed_count(self, n) -> bool:
        if not self.active or n is None or pd.isna(n):
            return False
        return 0 < n < self.min_cell_count

    def protect_table(
        self,
        counts: pd.DataFrame,
        *,
        table_id: str,
        dimensions: Sequence[str] | None = None,
        add_totals: bool = True,
        total_label: str = "Totalt",
    ) -> pd.DataFrame:
        table = counts.copy()
        if add_totals:
            table[total_label] = table.sum(axis=1)
            table.loc[total_label] = table.sum(axis=0)
        out = table.astype(object)
        for r in range(out.shape[0]):
            for c in range(out.shape[1]):
                if self.is_suppressed_count(out.iat[r, c]):
                    out.iat[r, c] = None
                    self.suppressed_cells += 1
        return out
