"""Placing a report folder as one unit, and the faults around it.

A report folder ``reports/<project>/<period>`` is a symbolic link to a complete version
folder beside it (``.<period>.v-<id>/``). A run writes every file of its version first
(flushed to disk), then swaps the link with one ``rename``: a reader, a crash or a
``kill -9`` only ever sees the old version or the new one, so ``report.html``,
``figures.json`` and ``manifest.json`` are always of the same run. A failed re-run
makes a new version holding the last good report (hard links, no copies) plus its
``error.html``. Disk full, a read-only or unwritable folder end in
:class:`PlacementError` with a clear message, and the old version stays linked.

Leftovers of killed runs (``.<name>.run-*``, ``.<name>.tmp-*`` work folders and version
folders no link points to) are removed when a run starts and ends.
"""

from __future__ import annotations

import errno
import os
import shutil
import time
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path

from insats.errors import InsatsError

#: The files a report folder may hold (a plain folder of other files is never replaced).
REPORT_FILES = frozenset(
    {"report.html", "figures.json", "manifest.json", "report.ipynb", "error.html", "error.ipynb"}
)
#: Work folders older than this are leftovers of a killed run, even when not empty.
STALE_SECONDS = 6 * 3600


class PlacementError(InsatsError, OSError):
    """The report could not be written; the previous report (if any) is kept."""

    def __str__(self) -> str:
        return str(self.strerror)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return "the disk is full (no space left on the device)"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return exc.strerror or type(exc).__name__


def placement_error(exc: OSError, out_dir: Path, what: str = "the report") -> PlacementError:
    """A clear message for an OSError while writing into ``out_dir``."""
    return PlacementError(
        exc.errno,
        f"{what} could not be written to {out_dir.name!r}: {_reason(exc)}; "
        "the previous report, if any, is kept unchanged",
    )


def _write(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(content)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)


def _version_name(out_dir: Path) -> str:
    return f".{out_dir.name}.v-{uuid.uuid4().hex[:12]}"


def current_version(out_dir: Path) -> Path | None:
    """The folder ``out_dir`` shows now (itself when it is a plain folder), or ``None``."""
    if out_dir.is_symlink():
        target = out_dir.parent / os.readlink(out_dir)
        return target if target.is_dir() else None
    return out_dir if out_dir.is_dir() else None


def place_report(
    files: Mapping[str, bytes],
    out_dir: Path,
    *,
    keep: bool = False,
    remove: Iterable[str] = (),
) -> None:
    """Make ``files`` the content of ``out_dir`` in one atomic step.

    Args:
        files: name -> bytes of every file of the new version.
        out_dir: the report folder (becomes a symbolic link to the version).
        keep: keep the files of the current version that ``files`` does not replace
            (an error page placed beside the last good report).
        remove: with ``keep``, files of the current version not to keep.

    Raises:
        PlacementError: the folder cannot be written (disk full, read-only, permission);
            nothing of the current version changed.
    """
    out_dir = Path(out_dir)
    parent = out_dir.parent
    version = parent / _version_name(out_dir)
    link = parent / f".{out_dir.name}.link-{uuid.uuid4().hex[:12]}"
    old = current_version(out_dir)
    try:
        parent.mkdir(parents=True, exist_ok=True)
        version.mkdir()
        if keep and old is not None:
            skip = set(files) | set(remove)
            for entry in old.iterdir():
                if entry.name in skip or not entry.is_file():
                    continue
                try:
                    os.link(entry, version / entry.name)
                except OSError:
                    shutil.copy2(entry, version / entry.name)
        for name, content in files.items():
            _write(version / name, content)
        _fsync_dir(version)
        if out_dir.exists() and not out_dir.is_symlink():
            # A plain folder from an older insats: move it aside as a version first, but
            # only when it holds nothing but report files (never lose anything else).
            other = [p.name for p in out_dir.iterdir() if p.name not in REPORT_FILES]
            if other or not out_dir.is_dir():
                raise PlacementError(
                    errno.EEXIST,
                    f"the output folder {out_dir.name!r} holds other files than a report "
                    f"({', '.join(sorted(other)[:3]) or 'not a folder'}); choose a new folder",
                )
            legacy = parent / _version_name(out_dir)
            os.rename(out_dir, legacy)
            old = legacy
        os.symlink(version.name, link)
        os.replace(link, out_dir)  # the one atomic step
        _fsync_dir(parent)
    except OSError as exc:
        shutil.rmtree(version, ignore_errors=True)
        try:
            link.unlink(missing_ok=True)
        except OSError:
            pass
        if isinstance(exc, PlacementError):
            raise
        raise placement_error(exc, out_dir) from None
    if old is not None and old != version and old.name.startswith(f".{out_dir.name}.v-"):
        shutil.rmtree(old, ignore_errors=True)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def check_writable(folder: Path) -> None:
    """Fail early, with a clear message, when ``folder`` cannot be written.

    Raises:
        PlacementError: naming the folder and the reason.
    """
    probe = folder / f".insats-write-test-{uuid.uuid4().hex[:8]}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write(probe, b"")
    except OSError as exc:
        raise placement_error(exc, folder, "the output folder") from None
    finally:
        try:
            probe.unlink(missing_ok=True)
        except OSError:
            pass


def clean_leftovers(out_dir: Path, *, now: float | None = None) -> list[Path]:
    """Remove what killed runs left beside ``out_dir``; return what was removed.

    Empty work folders (``.<name>.run-*``, ``.<name>.tmp-*``) always go; non-empty ones
    and version folders no link points to once they are older than :data:`STALE_SECONDS`
    (a run still writing keeps its folders fresh).
    """
    out_dir = Path(out_dir)
    parent = out_dir.parent
    if not parent.is_dir():
        return []
    now = time.time() if now is None else now
    linked = current_version(out_dir)
    removed = []
    prefixes = (f".{out_dir.name}.run-", f".{out_dir.name}.tmp-")
    for entry in parent.iterdir():
        name = entry.name
        try:
            if name.startswith(prefixes) and entry.is_dir() and not entry.is_symlink():
                empty = not any(entry.iterdir())
                if empty or now - entry.stat().st_mtime > STALE_SECONDS:
                    shutil.rmtree(entry, ignore_errors=True)
                    removed.append(entry)
            elif name.startswith(f".{out_dir.name}.v-") and entry != linked:
                if now - entry.stat().st_mtime > STALE_SECONDS:
                    shutil.rmtree(entry, ignore_errors=True)
                    removed.append(entry)
            elif name.startswith(f".{out_dir.name}.link-") and entry.is_symlink():
                entry.unlink(missing_ok=True)
                removed.append(entry)
        except OSError:
            continue
    return removed
