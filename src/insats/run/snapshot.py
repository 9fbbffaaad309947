"""Read each input once: a private copy that the runner hashes, validates and hands on.

A file replaced while a report runs (a new export saved over the old one, or an
attacker's swap) could otherwise be validated as A, reported as B and hashed as C.
:func:`snapshot_inputs` reads every input file of the parameters exactly once into a
private folder (mode 0700, files 0400, in the system's temporary folder, never in the
reports folder) and returns parameters pointing at the copies. The runner validates the
copies, the kernel computes from them, and the manifest hashes them, so all three see the
same bytes. The manifest and the report's provenance still name the original paths
(:func:`restore_original_paths`). The pseudonymisation key is not copied: a secret is
never written anywhere.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from insats.params import ReportParameters

#: The path keys whose files are copied (the key file is a secret and is not).
SNAPSHOT_KEYS = (
    "participants_path",
    "finance_path",
    "funnel_path",
    "narrative_path",
    "unit_costs_path",
    "price_index_path",
    "activities_path",
    "product_goals_path",
)
SIDECAR = "snapshot.json"


@dataclass
class Snapshot:
    """The private copies of one run's inputs."""

    folder: Path | None
    params: ReportParameters
    originals: dict[str, str] = field(default_factory=dict)  # copy path -> original path

    def close(self) -> None:
        """Remove the copies (personal data must not outlive the run)."""
        if self.folder is not None:
            for root, dirs, files in os.walk(self.folder):
                for name in dirs + files:
                    try:
                        os.chmod(os.path.join(root, name), 0o700)
                    except OSError:
                        pass
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def snapshot_inputs(params: ReportParameters) -> Snapshot:
    """Copy every input file once into a private folder; parameters pointing at the copies.

    A file that does not exist is left as it is (validation names it).
    """
    folder = Path(tempfile.mkdtemp(prefix="insats-inputs-"))
    os.chmod(folder, 0o700)
    update: dict[str, str] = {}
    originals: dict[str, str] = {}
    try:
        for key in SNAPSHOT_KEYS:
            value = getattr(params, key, None)
            if not value or not Path(value).is_file():
                continue
            from insats.cohort import limits

            original = Path(value)
            with open(original, "rb") as source:
                limits.check_file_size(os.fstat(source.fileno()).st_size)
                data = source.read()  # the one read of this input
            target = folder / key / original.name
            target.parent.mkdir(mode=0o700)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(target, 0o400)
            update[key] = str(target)
            originals[str(target)] = str(original)
        (folder / SIDECAR).write_text(json.dumps(originals), encoding="utf-8")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Snapshot(folder, params.model_copy(update=update), originals)


def is_snapshot(params: ReportParameters) -> bool:
    """Whether the parameters already point at snapshot copies (or at no existing file)."""
    values = [getattr(params, key, None) for key in SNAPSHOT_KEYS]
    existing = [v for v in values if v and Path(v).is_file()]
    return not existing or all(original_of(v) is not None for v in existing)


def original_of(path: str | Path) -> str | None:
    """The original path of a snapshot copy (from the folder's sidecar), else ``None``."""
    path = Path(path)
    sidecar = path.parent.parent / SIDECAR
    if not path.parent.parent.name.startswith("insats-inputs-") or not sidecar.is_file():
        return None
    try:
        return json.loads(sidecar.read_text(encoding="utf-8")).get(str(path))
    except (OSError, ValueError):
        return None


def restore_original_paths(
    manifest: dict[str, Any], files: Mapping[str, Path | str], base_dir: Path | str
) -> dict[str, Any]:
    """Name the original files in a manifest built from snapshot copies (in place).

    Args:
        manifest: from :func:`insats.report.manifest.build_manifest`.
        files: role -> the path the manifest was built from (copies or originals).
        base_dir: the folder paths are written relative to.
    """
    from insats.report.manifest import relative_path

    base = Path(base_dir).resolve()
    for role, path in files.items():
        original = original_of(path)
        entry = manifest.get("inputs", {}).get(role)
        if original is None or entry is None:
            continue
        entry.pop("outside_base_dir", None)
        entry.update(relative_path(original, base))
    parameters = manifest.get("parameters", {})
    for key in SNAPSHOT_KEYS:
        value = parameters.get(key)
        if not value:
            continue
        for copy, original in _sidecar_entries(files).items():
            if Path(copy).name == value and Path(copy).parent.name == key:
                parameters[key] = relative_path(original, base)["path"]
    return manifest


def _sidecar_entries(files: Mapping[str, Path | str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in files.values():
        sidecar = Path(path).parent.parent / SIDECAR
        if Path(path).parent.parent.name.startswith("insats-inputs-") and sidecar.is_file():
            try:
                found.update(json.loads(sidecar.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                pass
    return found
