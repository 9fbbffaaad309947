"""No artefact of any audience holds a personnummer: the last scan before writing."""

from __future__ import annotations

from insats.cohort.personnummer import find_personnummer, mask_strict
from insats.disclosure.control import DisclosureError


def guard_personnummer(files: dict[str, bytes]) -> None:
    """Stop when any artefact holds a personnummer (any audience, any file).

    Raises:
        insats.disclosure.DisclosureError: listing each hit, masked.
    """
    hits = []
    for name, content in files.items():
        text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
        for offset, match in find_personnummer(text):
            hits.append(f"{name}, line {text.count(chr(10), 0, offset) + 1}: {mask_strict(match)}")
    if hits:
        raise DisclosureError(
            f"the report was not written: {len(hits)} personnummer found:\n  " + "\n  ".join(hits)
        )
