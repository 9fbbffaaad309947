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
from dataclasses import dataclass, field
from pathlib import Path

from insats.cohort import limits
from insats.params import SNAPSHOT_KEYS, ReportParameters  # noqa: F401
from insats.report.manifest import SIDECAR, original_of, restore_original_paths  # noqa: F401


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
