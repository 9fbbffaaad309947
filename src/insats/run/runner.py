"""Run a report: validate inputs, execute the notebook with papermill, export, place.

Outputs of a run in ``out_dir``: ``report.html`` (nbconvert, no code), ``figures.json``
(the machine-readable key figures), ``manifest.json`` (provenance) and, for the
``internal`` audience only, the executed ``report.ipynb``. Everything is first written to
a temporary folder beside ``out_dir`` and then moved into place file by file with
``os.replace``, so a failed run never leaves a half-written report where a good one was.
A failed run writes ``error.html`` (the notebook up to the failing cell) for the
evaluator instead, keeps any previous report, and raises :class:`RunFailed`.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat

from insats.disclosure import DisclosureError
from insats.errors import InsatsError
from insats.params import ReportParameters
from insats.paths import notebooks_dir, repository_root  # noqa: F401 (re-exported)
from insats.periods import parse_period
from insats.report import FIGURES_MIMETYPE  # noqa: E402
from insats.report.manifest import build_manifest
from insats.report.register import (
    NOTES_KEY,
    RELEASED_KEY,
    PublicationRegister,
    default_register_path,
    scope_text,
)
from insats.run.faults import log_failure, shared_error_page
from insats.run.kernel import KERNEL_NAME, ProjectKernelManager
from insats.run.placement import check_writable, clean_leftovers, place_report
from insats.run.snapshot import is_snapshot, restore_original_paths, snapshot_inputs
from insats.run.template import single_run_kernels

REPORT_NOTEBOOK = "report.ipynb"


class RunFailed(InsatsError, RuntimeError):
    """The report notebook failed; ``error_page`` shows where and why."""

    def __init__(self, message: str, *, error_page: Path | None = None) -> None:
        super().__init__(message)
        self.error_page = error_page


@dataclass
class RunResult:
    """What a successful run wrote, and its key figures."""

    out_dir: Path
    html_path: Path
    figures_path: Path
    manifest_path: Path
    figures: dict[str, Any]
    seconds: float
    notebook_path: Path | None = None
    warnings: list[str] = field(default_factory=list)


def execute_notebook(
    notebook: Path,
    output_path: Path,
    parameters: dict[str, Any],
    *,
    execution_timeout: int | None = None,
    start_timeout: int = 60,
    cwd: Path | None = None,
    kernel_manager_class: type | None = None,
) -> nbformat.NotebookNode:
    """Execute a notebook with papermill, in this process, on the project kernel.

    ``kernel_manager_class`` replaces :class:`ProjectKernelManager` (the batch runner
    passes one that forks kernels from a pre-imported template process).

    Raises:
        papermill.PapermillExecutionError: when a cell fails (the partial notebook is
            at ``output_path``).
    """
    import papermill

    return papermill.execute_notebook(
        str(notebook),
        str(output_path),
        parameters=parameters,
        kernel_name=KERNEL_NAME,
        kernel_manager_class=kernel_manager_class or ProjectKernelManager,
        progress_bar=False,
        log_output=False,
        request_save_on_cell_execute=False,
        execution_timeout=execution_timeout,
        start_timeout=start_timeout,
        cwd=str(cwd or notebook.parent),
    )


def extract_figures(nb: nbformat.NotebookNode) -> dict[str, Any] | None:
    """Take the figures the notebook emitted (and remove them from the notebook)."""
    found = None
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if FIGURES_MIMETYPE in data:
                found = data[FIGURES_MIMETYPE]
                if isinstance(found, str):
                    found = json.loads(found)
                continue
            kept.append(output)
        cell["outputs"] = kept
    return found


def _error_text(nb: nbformat.NotebookNode, exc: BaseException) -> str:
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return f"{output.get('ename')}: {output.get('evalue')}"
    return f"{type(exc).__name__}: {exc}"


def place_files(files: dict[str, bytes], out_dir: Path, remove: tuple[str, ...] = ()) -> None:
    """Write files to a temporary folder beside ``out_dir``, then move each into place.

    ``os.replace`` is atomic per file on POSIX: readers see the old or the new file,
    never a partial one.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = out_dir.parent / f".{out_dir.name}.tmp-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    try:
        for name, content in files.items():
            (staging / name).write_bytes(content)
        for name in files:
            os.replace(staging / name, out_dir / name)
        for name in remove:
            (out_dir / name).unlink(missing_ok=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def json_bytes(data: Any) -> bytes:
    """Deterministic JSON: sorted keys, UTF-8, two-space indent, trailing newline."""
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _import_exporter() -> None:
    try:
        import insats.report.export  # noqa: F401  # lazy: nbconvert only when exporting
    except Exception:  # the main thread's own import reports any problem  # noqa: BLE001
        pass


def run_report(
    params: ReportParameters,
    out_dir: str | Path,
    *,
    notebook: str | Path | None = None,
    base_dir: str | Path | None = None,
    kernel_manager_class: type | None = None,
) -> RunResult:
    """Run one report end to end and place its outputs in ``out_dir``.

    Args:
        params: validated parameters (paths absolute, see :func:`load_parameters`).
        out_dir: folder for report.html, figures.json, manifest.json.
        notebook: the report notebook; default ``notebooks/report.ipynb``.
        base_dir: paths in the manifest are written relative to this folder
            (default: the repository root), so shared outputs hold no absolute paths.
        kernel_manager_class: a jupyter_client kernel manager class; default: kernels
            forked from a template that imports the report's modules while this process
            checks the inputs (see :func:`insats.run.template.single_run_kernels`).

    Raises:
        insats.cohort.ValidationFailed: input data are invalid (nothing is run).
        RunFailed: the notebook failed; an error page was written.
        insats.disclosure.DisclosureError: a shared output would disclose personal data.
    """
    if kernel_manager_class is None:
        with single_run_kernels() as kernel_manager_class:
            return run_report(
                params,
                out_dir,
                notebook=notebook,
                base_dir=base_dir,
                kernel_manager_class=kernel_manager_class,
            )

    if not is_snapshot(params):
        # Each input is read once, into private copies that are validated, computed from
        # and hashed: a file swapped during the run cannot make those three differ.
        with snapshot_inputs(params) as snapshot:
            return run_report(
                snapshot.params,
                out_dir,
                notebook=notebook,
                base_dir=base_dir,
                kernel_manager_class=kernel_manager_class,
            )

    # nbconvert takes ~2 s to import: do it in a thread while the kernel works (the
    # import lock makes the later import wait for it). papermill first, in this thread:
    # the two share most dependencies, and one importer at a time avoids lock cycles.
    import papermill  # noqa: F401

    threading.Thread(target=_import_exporter, daemon=True).start()

    started = time.perf_counter()
    started_at = datetime.now(UTC)
    out_dir = Path(out_dir)
    notebook = Path(notebook) if notebook else notebooks_dir() / REPORT_NOTEBOOK
    base_dir = Path(base_dir) if base_dir else repository_root()

    if params.audience == "namnd":
        register_path = params.publication_register_path or default_register_path(
            out_dir, params.project
        )
        params = params.model_copy(update={"publication_register_path": str(register_path)})

    # Refuse invalid data before any kernel starts, with the full listing.
    from insats.report.build import check_inputs  # lazy: statsmodels, matplotlib (~1 s)

    inputs = check_inputs(params)

    clean_leftovers(out_dir)
    check_writable(out_dir.parent)  # read-only or full: a clear error, before any work
    work = out_dir.parent / f".{out_dir.name}.run-{uuid.uuid4().hex[:8]}"
    work.mkdir(parents=True)
    executed_path = work / "report.ipynb"
    title = params.title or " – ".join([params.project, *(params.subset_municipalities or [])])
    try:
        try:
            nb = execute_notebook(
                notebook,
                executed_path,
                params.notebook_parameters(),
                execution_timeout=params.execution_timeout_seconds,
                start_timeout=params.kernel_start_timeout_seconds,
                kernel_manager_class=kernel_manager_class,
            )
        except Exception as exc:  # papermill raises several types; all end the same way
            from insats.report.export import (
                export_error_html,  # lazy: nbconvert only when exporting
            )

            partial = (
                nbformat.read(executed_path, as_version=4)
                if executed_path.exists()
                else nbformat.read(notebook, as_version=4)
            )

            message = _error_text(partial, exc)
            extract_figures(partial)
            log_failure(params, partial, exc)  # the whole traceback: the evaluator's log only
            if params.audience == "internal":
                page = export_error_html(
                    partial, title=title, error=message, language=params.language
                )
                files = {"error.html": page.encode()}
                files["error.ipynb"] = nbformat.writes(partial).encode()

                try:
                    inputs.guard_personnummer(files)
                except DisclosureError:  # a personnummer in the traceback: show no detail
                    page, message = shared_error_page(
                        partial, exc, title=title, inputs=None, language=params.language
                    )
                    files = {"error.html": page.encode()}
            else:
                # Shared audiences: no data, no traceback, and through the guard.
                page, message = shared_error_page(
                    partial, exc, title=title, inputs=inputs, language=params.language
                )
                files = {"error.html": page.encode()}
            place_report(files, out_dir, keep=True)
            raise RunFailed(
                f"the report notebook failed: {message}", error_page=out_dir / "error.html"
            ) from exc

        from insats.report.export import export_html  # lazy: nbconvert only when exporting

        figures = extract_figures(nb)
        if figures is None:
            raise RunFailed("the report notebook did not emit its figures (last cell missing?)")

        released = figures.pop(RELEASED_KEY, None)
        register_notes = figures.pop(NOTES_KEY, None) or []
        html = export_html(nb, title=title, language=params.language)
        manifest = build_manifest(
            params,
            inputs.files,
            catalogue_info=inputs.catalogue_info,
            started_at=started_at,
            finished_at=datetime.now(UTC),
            base_dir=base_dir,
            rows_used=inputs.rows_for_manifest(),
            withheld=inputs.withheld_in_manifest(),
        )
        restore_original_paths(manifest, inputs.files, base_dir)
        files = {
            "report.html": html.encode(),
            "figures.json": json_bytes(figures),
            "manifest.json": json_bytes(manifest),
        }
        if params.audience == "internal":
            files["report.ipynb"] = nbformat.writes(nb).encode()
            inputs.guard_personnummer(files)  # internal reports hold no personnummer either
        else:
            inputs.guard(files)
        place_report(files, out_dir)  # one unit: all files of this run, or none
        if params.audience == "namnd" and released is not None:
            PublicationRegister(params.publication_register_path).record(  # type: ignore[arg-type]  # set once the template started / by the plan; stubs too narrow
                params.project,
                parse_period(params.period).label,
                dict(released),
                scope=scope_text(params.subset_municipalities),
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
        clean_leftovers(out_dir)

    return RunResult(
        out_dir=out_dir,
        html_path=out_dir / "report.html",
        figures_path=out_dir / "figures.json",
        manifest_path=out_dir / "manifest.json",
        notebook_path=(out_dir / "report.ipynb") if params.audience == "internal" else None,
        figures=figures,
        seconds=time.perf_counter() - started,
        warnings=[*inputs.warnings, *register_notes],
    )
