"""Where the checkout is: notebooks, sample data and the unit-cost catalogue."""

from __future__ import annotations

import os
from pathlib import Path


def repository_root() -> Path:
    """The checkout holding ``notebooks/`` (src layout: two levels above the package).

    ``INSATS_HOME`` overrides it, e.g. for an installed package run from elsewhere.
    """
    env = os.environ.get("INSATS_HOME")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parents[2]


def notebooks_dir() -> Path:
    return repository_root() / "notebooks"
