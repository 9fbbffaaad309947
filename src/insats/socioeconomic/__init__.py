"""Socio-economic accounting of an insats in the style of Nilsson & Wadeskog.

Entry point: :func:`build_account` returns a :class:`SocioeconomicAccount`.
"""

from insats.socioeconomic.account import AccountError, SocioeconomicAccount, build_account
from insats.socioeconomic.catalogue import (
    CatalogueError,
    UnitCostCatalogue,
    build_catalogue,
    default_unit_costs_dir,
    load_catalogue,
    read_price_index,
    read_unit_costs,
    rebase,
)
from insats.socioeconomic.engine import assign_statuses, payback_years, years_and_months
from insats.socioeconomic.uncertainty import MonteCarloResult

__all__ = [
    "AccountError",
    "CatalogueError",
    "MonteCarloResult",
    "SocioeconomicAccount",
    "UnitCostCatalogue",
    "assign_statuses",
    "build_account",
    "build_catalogue",
    "default_unit_costs_dir",
    "load_catalogue",
    "payback_years",
    "read_price_index",
    "read_unit_costs",
    "rebase",
    "years_and_months",
]
