"""Disclosure control and privacy for shared reports (issue 6).

For ``audience="namnd"`` counts from 1 to ``min_cell_count - 1`` are shown as ``..``
everywhere; count tables get secondary suppression, consistent across the report;
breakdowns that would mostly be hidden are collapsed; an appendix tells the reader the
rule; and a guard scans every artefact before it is written.
"""

from insats.disclosure.appendix import DisclosureSummary, summary
from insats.disclosure.collapse import collapse_categories, plan_collapse, should_collapse
from insats.disclosure.control import (
    AUDIENCES,
    SUPPRESSED,
    CountSpec,
    DisclosureControl,
    DisclosureError,
    InconsistentSuppressionError,
    TableStats,
    cell_keys,
    count_key,
)
from insats.disclosure.figures import (
    COUNT_KEYS,
    is_count_key,
    protect_figures,
    scan_figures,
    table_to_records,
)
from insats.disclosure.guard import (
    GuardHit,
    find_personnummer,
    guard_outputs,
    is_distinctive_id,
    luhn_ok,
    mask_personnummer,
    scan_artifact,
)

__all__ = [
    "AUDIENCES",
    "COUNT_KEYS",
    "SUPPRESSED",
    "CountSpec",
    "DisclosureControl",
    "DisclosureError",
    "DisclosureSummary",
    "GuardHit",
    "InconsistentSuppressionError",
    "TableStats",
    "cell_keys",
    "count_key",
    "collapse_categories",
    "find_personnummer",
    "guard_outputs",
    "is_count_key",
    "is_distinctive_id",
    "luhn_ok",
    "mask_personnummer",
    "plan_collapse",
    "protect_figures",
    "scan_artifact",
    "scan_figures",
    "should_collapse",
    "summary",
    "table_to_records",
]
