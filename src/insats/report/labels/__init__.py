"""One label catalogue for every text a report reader sees (Swedish, English option).

Texts live in ``src/insats/report/labels/<topic>.yaml`` as ``key: {sv: ..., en: ...}``; topics
are merged and a key defined twice is an error. Texts may hold ``str.format`` fields.
Code labels (``gender.woman`` …) live under the key ``code.<column-or-vocabulary>.<code>``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

from insats.errors import InsatsError

LANGUAGES = ("sv", "en")


class LabelError(InsatsError, KeyError):
    """A label key that is missing from the catalogue, or missing a language."""


@lru_cache(maxsize=1)
def load_catalogue() -> dict[str, dict[str, str]]:
    """Read and merge every ``labels/*.yaml`` topic file of the package."""
    catalogue: dict[str, dict[str, str]] = {}
    owner: dict[str, str] = {}
    folder = resources.files("insats.report.labels")
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.safe_load(entry.read_text(encoding="utf-8")) or {}
        for key, texts in _flatten(data).items():
            if key in catalogue:
                raise LabelError(f"label {key!r} defined in both {owner[key]} and {entry.name}")
            missing = [lang for lang in LANGUAGES if lang not in texts]
            if missing:
                raise LabelError(f"label {key!r} in {entry.name} lacks language(s) {missing}")
            catalogue[key] = {lang: str(texts[lang]) for lang in LANGUAGES}
            owner[key] = entry.name
    return catalogue


def _flatten(data: dict, prefix: str = "") -> dict[str, dict]:
    """Nested mappings become dotted keys; a mapping with 'sv' is a leaf."""
    flat: dict[str, dict] = {}
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict) and "sv" in value:
            flat[full] = value
        elif isinstance(value, dict):
            flat.update(_flatten(value, prefix=f"{full}."))
        else:
            raise LabelError(f"label {full!r}: expected a mapping with sv and en")
    return flat


class Labels:
    """Look up texts in one language: ``labels("outcomes.heading")``."""

    def __init__(self, language: str = "sv") -> None:
        if language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
        self.language = language
        self._catalogue = load_catalogue()

    def __call__(self, key: str, **fields: object) -> str:
        try:
            text = self._catalogue[key][self.language]
        except KeyError:
            raise LabelError(
                f"no label {key!r} in the catalogue (src/insats/report/labels/*.yaml)"
            ) from None
        return text.format(**fields) if fields else text

    def has(self, key: str) -> bool:
        return key in self._catalogue

    def code(self, vocabulary: str, code: object) -> str:
        """The reader's word for a code, e.g. ``code("outcome", "studies") -> 'Studier'``.

        Missing values read as the label of ``unknown``; a code without a label is shown
        as it is (never dropped).
        """
        if code is None or (isinstance(code, float) and code != code):
            code = "unknown"
        key = f"code.{vocabulary}.{code}"
        return self(key) if key in self._catalogue else str(code)
