"""Where the checkout is: notebooks, sample data and the unit-cost catalogue."""

from __future__ import annotations

import os
import re
import unicodedata
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
    """The notebooks folder of the checkout (``report.ipynb`` and the exploration notebooks)."""
    return repository_root() / "notebooks"


def slugify(text: str) -> str:
    """A folder-safe name: 'Första steget' -> 'forsta-steget'.

    >>> slugify("Första steget")
    'forsta-steget'
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-") or "report"
