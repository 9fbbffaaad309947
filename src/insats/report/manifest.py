"""The run's manifest: what went in, with which software, so every figure can be traced.

``manifest.json`` sits beside the report and the report's provenance appendix shows the
same facts: the parameters, the SHA-256 and row count of every input file, the unit-cost
catalogue's version and price year, package versions, the git commit and the run time.

Shared outputs hold no absolute paths of the machine that made them: paths are made
relative to a base folder (the repository or the parameters folder); a file outside it
is recorded by its name only, with ``outside_base_dir: true``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import platform
import subprocess
from collections.abc import Collection, Mapping
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import insats
from insats.params import PATH_KEYS, SNAPSHOT_KEYS, ReportParameters
from insats.report.context import Html, RenderContext, escape

MANIFEST_VERSION = 1
PACKAGES = (
    "insats",
    "pandas",
    "numpy",
    "statsmodels",
    "scipy",
    "matplotlib",
    "papermill",
    "nbconvert",
)
#: Parameters never hashed or listed as inputs: a key file's checksum is a fingerprint of
#: a secret, and nothing in the report depends on its content beyond pseudonyms.
SECRET_KEYS = ("pseudonym_key_path",)
DELIMITED_SUFFIXES = (".csv", ".tsv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def build_manifest(
    params: ReportParameters,
    inputs: Mapping[str, Path | str],
    *,
    catalogue_info: Mapping[str, Any] | None,
    started_at: datetime,
    finished_at: datetime,
    base_dir: Path | str,
    repo_dir: Path | str | None = None,
    rows_used: Mapping[str, int | None] | None = None,
    withheld: Collection[str] = (),
) -> dict[str, Any]:
    """Collect the manifest of one report run.

    Args:
        params: the run's parameters (paths may be absolute; they are made relative).
        inputs: name -> file for every input read, e.g. ``{"participants": path}``.
        catalogue_info: the unit-cost catalogue's facts, e.g. ``{"version": "2024.1",
            "price_year": 2024, "path": ...}``; path-like values are made relative.
        started_at, finished_at: when the run started and ended.
        base_dir: the folder paths are made relative to.
        repo_dir: where to ask git for the commit; default the insats package's folder.
        rows_used: rows of each table input that the report used (its project's rows):
            the row count listed instead of the whole file's, which with rows of other
            projects would count their people too (issue 15). None: hidden.
        withheld: inputs whose row count and byte size are not published (a shared
            report's person-level inputs): ``rows`` and ``bytes`` null and
            ``rows_withheld`` true; the path and SHA-256 stay.

    Returns:
        A JSON-able dict (see :func:`write_json`).

    Raises:
        FileNotFoundError: naming an input that does not exist.
    """
    base = Path(base_dir).resolve()
    parameters = params.model_dump(mode="json")
    for key in PATH_KEYS:
        if parameters.get(key):
            parameters[key] = relative_path(parameters[key], base)["path"]

    files: dict[str, Any] = {}
    missing = [f"{name}: {path}" for name, path in inputs.items() if not Path(path).is_file()]
    if missing:
        raise FileNotFoundError("input file(s) not found: " + "; ".join(missing))
    for name, path in sorted(inputs.items()):
        if name in SECRET_KEYS or name.startswith("pseudonym_key"):
            continue
        entry = relative_path(path, base)
        entry["sha256"] = sha256_file(path)
        if name in withheld:
            # A count of people outside the publication model (attack F5); the size of
            # the file is one too, roughly.
            entry["bytes"] = None
            entry["rows"] = None
            entry["rows_withheld"] = True
        else:
            entry["bytes"] = Path(path).stat().st_size
            entry["rows"] = (
                rows_used[name]
                if rows_used is not None and name in rows_used
                else count_data_rows(path)
            )
        files[name] = entry

    catalogue = None
    if catalogue_info is not None:
        catalogue = {
            key: (relative_path(value, base)["path"] if _is_path_key(key) and value else value)
            for key, value in catalogue_info.items()
        }

    return {
        "manifest_version": MANIFEST_VERSION,
        "project": params.project,
        "period": params.period,
        "language": params.language,
        "audience": params.audience,
        "parameters": parameters,
        "inputs": files,
        "unit_costs": catalogue,
        "packages": package_versions(),
        "python": platform.python_version(),
        "platform": {
            "system": platform.system(),
            "python_implementation": platform.python_implementation(),
        },
        "git": git_state(Path(repo_dir) if repo_dir else _package_dir()),
        "run": {
            "started_at": started_at.isoformat(timespec="seconds"),
            "finished_at": finished_at.isoformat(timespec="seconds"),
            "duration_seconds": round((finished_at - started_at).total_seconds(), 1),
        },
    }


def write_json(path: Path | str, data: Any) -> None:
    """Write JSON deterministically: sorted keys, UTF-8 as is, 2-space indent, newline."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, indent=2) + "\n"
    Path(path).write_text(text, encoding="utf-8")


# --- pieces ---------------------------------------------------------------------------
def relative_path(path: Path | str, base: Path) -> dict[str, Any]:
    """``{"path": "data/sample/x.csv"}`` relative to ``base`` (POSIX separators), or
    ``{"path": "x.csv", "outside_base_dir": True}`` for a file elsewhere.

    >>> relative_path("/srv/repo/data/a.csv", Path("/srv/repo"))
    {'path': 'data/a.csv'}
    >>> relative_path("/home/anna/Desktop/a.csv", Path("/srv/repo"))
    {'path': 'a.csv', 'outside_base_dir': True}
    """
    resolved = Path(os.path.abspath(path))
    try:
        return {"path": resolved.relative_to(base).as_posix()}
    except ValueError:
        # A relative path climbing out of the base (../../Users/anna/...) would reveal the
        # folders, and with them often a person's name: keep the file name only.
        return {"path": resolved.name, "outside_base_dir": True}


def sha256_file(path: Path | str) -> str:
    """The SHA-256 of a file's bytes, as 64 hex digits."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def count_data_rows(path: Path | str) -> int | None:
    """Data rows of a table file: records after the header, blank records not counted.

    CSV-like files are read as the ingestion reads them (UTF-8 with or without BOM, else
    cp1252; separator ``,`` ``;`` or tab), so quoted line breaks do not count as rows.
    For ``.xlsx`` the first sheet's rows with any value, minus the header. Other files
    (Markdown, YAML) have no rows: None.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _count_excel_rows(path)
    if suffix not in DELIMITED_SUFFIXES:
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    filled = sum(1 for record in records if any(cell.strip() for cell in record))
    return max(filled - 1, 0)


def _count_excel_rows(path: Path) -> int:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        filled = sum(
            1
            for row in sheet.iter_rows(values_only=True)
            if any(v is not None and str(v).strip() != "" for v in row)
        )
    finally:
        workbook.close()
    return max(filled - 1, 0)


def package_versions() -> dict[str, str | None]:
    """Installed versions of the packages that shape the numbers (None if absent)."""
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_state(folder: Path) -> dict[str, Any] | None:
    """``{"commit": sha, "dirty": bool}`` of the repository holding ``folder``, or None
    when there is no git or no repository (an installed package, a zip download).
    """
    try:
        commit = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        if commit.returncode != 0:
            return None
        status = subprocess.run(
            ["git", "-C", str(folder), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    dirty = None if status.returncode != 0 else bool(status.stdout.strip())
    return {"commit": commit.stdout.strip(), "dirty": dirty}


def _package_dir() -> Path:

    return Path(insats.__file__).resolve().parent


def _is_path_key(key: str) -> bool:
    return key == "path" or key.endswith("_path") or key.endswith("_file")


# --- the report's appendix ----------------------------------------------------------------
def provenance_html(manifest: Mapping[str, Any], ctx: RenderContext) -> Html:
    """The provenance appendix: inputs with checksums, catalogue, parameters, software.

    No heading (the notebook adds it). Every value is escaped.
    """
    t = ctx.t
    parts: list[str] = [ctx.paragraph(t("report.provenance.intro"))]

    inputs = manifest.get("inputs") or {}
    if inputs:
        rows = []
        for name, entry in inputs.items():
            where = escape(entry.get("path", ""))
            if entry.get("outside_base_dir"):
                where += f" <small>{escape(t('report.provenance.outside_base'))}</small>"
            rows.append(
                [
                    escape(name),
                    f"<code>{where}</code>" if not entry.get("outside_base_dir") else where,
                    escape(ctx.number(entry["rows"]) if entry.get("rows") is not None else "–"),
                    f'<code class="hash">{escape(entry.get("sha256", ""))}</code>',
                ]
            )
        parts.append(
            _table(
                t("report.provenance.inputs_caption"),
                [
                    t("report.provenance.input"),
                    t("report.provenance.file"),
                    t("report.provenance.rows"),
                    t("report.provenance.sha256"),
                ],
                rows,
            )
        )
        if any(entry.get("rows_withheld") for entry in inputs.values()):
            parts.append(ctx.paragraph(t("report.provenance.rows_withheld")))
    else:
        parts.append(ctx.paragraph(t("report.provenance.no_inputs")))

    catalogue = manifest.get("unit_costs")
    if catalogue:
        rows = [
            [
                escape(t("report.provenance.catalogue_version")),
                escape(catalogue.get("version", "–")),
            ],
            [escape(t("report.provenance.price_year")), escape(catalogue.get("price_year", "–"))],
        ]
        rows += [
            [escape(key), escape(value)]
            for key, value in sorted(catalogue.items())
            if key not in ("version", "price_year")
        ]
        parts.append(_table(t("report.provenance.catalogue_caption"), None, rows))

    parameters = manifest.get("parameters") or {}
    if parameters:
        not_set = t("report.provenance.not_set")
        rows = [
            [f"<code>{escape(key)}</code>", escape(_parameter_text(value, not_set))]
            for key, value in sorted(parameters.items())
        ]
        parts.append(
            _table(
                t("report.provenance.parameters_caption"),
                [t("report.provenance.parameter"), t("report.provenance.value")],
                rows,
            )
        )

    software = {"python": manifest.get("python"), **(manifest.get("packages") or {})}
    rows = [[escape(name), escape(version or "–")] for name, version in software.items()]
    parts.append(
        _table(
            t("report.provenance.software_caption"),
            [t("report.provenance.package"), t("report.provenance.version")],
            rows,
        )
    )

    git = manifest.get("git")
    if git and git.get("commit"):
        parts.append(ctx.paragraph(t("report.provenance.git_commit", commit=git["commit"][:12])))
        if git.get("dirty"):
            parts.append(ctx.note(t("report.provenance.git_dirty")))
    else:
        parts.append(ctx.note(t("report.provenance.git_unknown")))

    run = manifest.get("run") or {}
    if run.get("finished_at"):
        finished = datetime.fromisoformat(run["finished_at"])
        key = (
            "report.provenance.run_time"
            if "duration_seconds" in run
            else "report.provenance.created"
        )
        parts.append(
            ctx.paragraph(
                t(
                    key,
                    date=ctx.date(finished.date()),
                    time=finished.strftime("%H.%M" if ctx.language == "sv" else "%H:%M"),
                    seconds=ctx.number(run.get("duration_seconds", 0)),
                )
            )
        )
    return Html('<div class="provenance">' + "".join(str(p) for p in parts) + "</div>")


def _parameter_text(value: Any, not_set: str) -> str:
    if value is None:
        return not_set
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in sorted(value.items()))
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _table(caption: str, head: list[str] | None, rows: list[list[str]]) -> Html:
    """A text table whose cells are already escaped HTML."""
    thead = ""
    if head:
        cells = "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
        thead = f"<thead><tr>{cells}</tr></thead>"
    body = "".join(
        "<tr>"
        + f'<th scope="row">{row[0]}</th>'
        + "".join(f"<td>{c}</td>" for c in row[1:])
        + "</tr>"
        for row in rows
    )
    return Html(
        f'<div class="table-wrap"><table class="table text"><caption>{escape(caption)}</caption>'
        f"{thead}<tbody>{body}</tbody></table></div>"
    )


# Snapshot copies (insats.run.snapshot) sit in ``insats-inputs-*/<role>/`` beside a sidecar
# that names each copy's original; the manifest names the originals, never the copies.
SIDECAR = "snapshot.json"


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
