"""Batch runs: every project for one or more periods, in parallel, with a catalogue.

:func:`run_batch` plans one job per parameters file and period, runs the jobs in worker
processes (or on a Dask cluster), and writes ``index.html`` and ``index.json`` beside
the reports. One failing job never stops the others: each failure gets an error page
and an entry in the catalogue.

Speed. A fresh Jupyter kernel spends ~3 s of CPU importing pandas, statsmodels,
matplotlib and insats before the first cell does any work. The batch therefore starts
one *kernel template* process per machine that imports those modules once and then
waits; every report gets its own kernel, forked from the template on request. Each
kernel is a new process whose memory is a copy of a template that never ran any user
code, so no state can pass from one report to the next (same isolation as a fresh
kernel), and it is ready in milliseconds. The worker processes import papermill and
nbconvert once and export HTML in-process. Workers are started with ``forkserver``
(``spawn`` where that does not exist), never by forking a process that holds zmq
sockets or threads; the template forks only itself, before any zmq context exists.
On platforms without ``fork`` (Windows) kernels are started the ordinary way.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from insats.cohort import ValidationFailed
from insats.cohort.personnummer import redact_personnummer
from insats.disclosure import DisclosureError
from insats.params import ParameterError, load_parameters
from insats.paths import slugify
from insats.periods import Period, parse_period, previous_period
from insats.report import fmt
from insats.report.context import escape
from insats.report.fmt import MISSING
from insats.report.labels import Labels
from insats.report.page import standalone_page
from insats.run.lifetime import die_with_parent
from insats.run.placement import place_report
from insats.run.runner import RunFailed, json_bytes, place_files, run_report
from insats.run.template import (  # noqa: F401 (re-exported)
    TEMPLATE_PRELOAD,
    KernelTemplate,
    batch_kernel_manager,
    single_run_kernels,
)

__all__ = [
    "BatchEntry",
    "BatchJob",
    "BatchOptions",
    "BatchResult",
    "KEY_FIGURES",
    "KernelTemplate",
    "batch_kernel_manager",
    "single_run_kernels",
    "collect_parameter_files",
    "plan_jobs",
    "run_batch",
    "run_job",
    "write_index",
]

INDEX_HTML = "index.html"
INDEX_JSON = "index.json"

# (key, path in figures.json, kind): the figures the catalogue shows for each report.
KEY_FIGURES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("enrolled", ("participants", "enrolled"), "count"),
    ("started", ("participants", "started"), "count"),
    ("exited", ("participants", "exited"), "count"),
    ("work_or_studies", ("work_or_studies_at_exit", "share"), "share"),
    ("self_sufficient", ("self_sufficient_at_exit", "share"), "share"),
    ("npv", ("socioeconomic", "npv_sek", "society"), "sek"),  # society's net present value
    ("activities", ("activities", "count"), "count"),
    ("attendees", ("activities", "attendees"), "count"),
    ("goals_met", ("product_goal_status", "achieved"), "count"),
)


# --- planning ------------------------------------------------------------------------
@dataclass(frozen=True)
class BatchJob:
    """One report to run: a parameters file for one period, into one folder."""

    params_path: str
    period: str  # canonical label, e.g. "2021-T2"
    out_dir: str
    project: str | None = None  # None when the parameters file could not be read
    problem: str | None = None  # why the job cannot run (set at planning time)
    subset: tuple[str, ...] = ()  # subset_municipalities: a report of only these


@dataclass(frozen=True)
class BatchOptions:
    """Settings shared by all jobs of a batch (picklable: sent to every worker)."""

    out_root: str
    notebook: str | None = None
    base_dir: str | None = None
    language: str | None = None
    audience: str | None = None
    execution_timeout_seconds: int | None = None
    kernel_start_timeout_seconds: int | None = None
    dead_kernel_retries: int = 1
    kernel_template: bool = True


@dataclass
class BatchEntry:
    """The outcome of one job, as the catalogue lists it."""

    project: str
    period: str
    params_file: str
    status: str  # "ok" or "failed"
    out_dir: str  # relative to the batch's out folder, POSIX separators
    report: str | None = None  # relative link to report.html
    error_page: str | None = None  # relative link to error.html
    message: str | None = None
    attempts: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    figures: dict[str, Any] | None = None
    audience: str | None = None  # the job's parameters' audience, once read

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class BatchResult:
    """Every entry of the batch and where the catalogue was written."""

    entries: list[BatchEntry]
    index_html: Path
    index_json: Path
    seconds: float

    @property
    def failed(self) -> list[BatchEntry]:
        return [e for e in self.entries if not e.ok]

    @property
    def ok(self) -> bool:
        return not self.failed


def collect_parameter_files(sources: Iterable[str | Path]) -> list[Path]:
    """Expand folders to their ``*.yaml``/``*.yml`` files (sorted); keep files as given.

    Raises:
        FileNotFoundError: a source that does not exist.
    """
    files: list[Path] = []
    for source in sources:
        path = Path(source)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise FileNotFoundError(f"{path}: no such parameters file or folder")
    seen: set[Path] = set()
    unique = []
    for path in files:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def plan_jobs(
    sources: Iterable[str | Path],
    periods: Sequence[str],
    out_root: str | Path,
    *,
    today: date | None = None,
) -> list[BatchJob]:
    """One job per parameters file and period, each with its own output folder.

    ``previous``/``current`` are resolved once here, so every job of a batch reports on
    the same period even when the batch runs past midnight. A file that cannot be read
    becomes a job with ``problem`` set (it fails without stopping the others).

    With no ``periods`` (empty), each file runs once for the ``period`` it names itself;
    given periods override every file's own.

    Raises:
        insats.periods.PeriodError: a period label that cannot be read.
        FileNotFoundError: a source that does not exist.
    """
    resolved: list[Period] = []
    for text in periods:
        period = parse_period(text, today=today)
        if period.label not in [p.label for p in resolved]:
            resolved.append(period)
    out_root = Path(out_root)
    jobs: list[BatchJob] = []
    taken: dict[str, str] = {}
    for path in collect_parameter_files(sources):
        project: str | None = None
        problem: str | None = None
        subset: tuple[str, ...] = ()
        labels = [p.label for p in resolved]
        try:
            if resolved:
                own = load_parameters(path, period=resolved[0].label)
            else:
                own = load_parameters(path)
                labels = [parse_period(own.period, today=today).label]
            project = own.project
            subset = tuple(own.subset_municipalities or ())
        except ParameterError as exc:
            problem = str(exc)
        except Exception as exc:  # any unreadable file is that entry's failure only  # noqa: BLE001
            problem = f"{path}: {type(exc).__name__}: {exc}"
        if not labels:  # no --period and the file's own could not be read
            labels = [_declared_period(path)]
        folder = slugify(project) if project else slugify(path.stem)
        for label in labels:
            # A report of some municipalities has a folder of its own beside the whole
            # project's (2021-t2-klippan), so both share the project's register.
            out_dir = out_root / folder / slugify(" ".join([label, *subset]))
            key = str(out_dir)
            job_problem = problem
            if job_problem is None and key in taken:
                job_problem = (
                    f"{path}: project {project!r}, period {label} is already "
                    f"reported by {taken[key]} (same output folder {out_dir})"
                )
            taken.setdefault(key, str(path))
            jobs.append(BatchJob(str(path), label, str(out_dir), project, job_problem, subset))
    return jobs


def _declared_period(path: Path) -> str:
    """The ``period`` a broken parameters file names, as text, for its failed entry."""
    import yaml

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except Exception:  # unreadable: the entry's problem already says why  # noqa: BLE001
        raw = None
    value = raw.get("period") if isinstance(raw, dict) else None
    return str(value) if isinstance(value, str | int) and str(value).strip() else "okänd period"


# --- one job, in a worker --------------------------------------------------------------
_WORKER: dict[str, Any] = {}
_WORKER_LOCK = threading.Lock()


def _worker_init(
    template_socket: str | None, use_template: bool, environ: dict[str, str] | None = None
) -> None:
    """Process-pool initializer: import the heavy modules once per worker.

    ``environ`` is the batch process's environment: a forkserver's children inherit the
    environment of the server, which may be older than the batch (a key set since).
    """
    die_with_parent()  # a killed batch leaves no worker behind to replace reports later
    if environ is not None:
        os.environ.clear()
        os.environ.update(environ)
    with _WORKER_LOCK:
        if _WORKER.get("ready"):
            return
        import nbconvert  # noqa: F401  - imported once here, reused by every export
        import papermill  # noqa: F401

        import insats.report.export  # noqa: F401  # lazy: nbconvert only when exporting

        if use_template and hasattr(os, "fork") and sys.platform != "win32":
            if template_socket is None:
                # Dask workers (or direct calls) start their own template, once.
                template = KernelTemplate()
                template.start()
                _WORKER["template"] = template
                template_socket = template.socket_path
        else:
            template_socket = None
        _WORKER["km_class"] = batch_kernel_manager(template_socket)
        _WORKER["ready"] = True


def _is_dead_kernel(exc: BaseException) -> bool:
    seen = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if type(current).__name__ == "DeadKernelError" or "kernel died" in str(current).lower():
            return True
        current = current.__cause__ or current.__context__
    return False


def run_job(job: BatchJob, options: BatchOptions) -> BatchEntry:
    """Run one job and return its entry; never raises for a failing report.

    A dead kernel (the kernel process exited mid-run) is retried
    ``options.dead_kernel_retries`` times; any other failure is final.
    """
    started = time.perf_counter()
    out_root = Path(options.out_root)
    out_dir = Path(job.out_dir)
    entry = BatchEntry(
        project=job.project or Path(job.params_path).stem,
        period=job.period,
        params_file=job.params_path,
        status="failed",
        out_dir=_relative(out_dir, out_root),
        audience=options.audience,  # the batch's --audience, until the parameters are read
    )
    if job.problem:
        entry.message = job.problem
        entry.error_page = _write_error_page(entry, options, out_dir)
        return entry

    _worker_init(None, options.kernel_template)

    try:
        params = load_parameters(
            job.params_path,
            period=job.period,
            language=options.language,
            audience=options.audience,
            execution_timeout_seconds=options.execution_timeout_seconds,
            kernel_start_timeout_seconds=options.kernel_start_timeout_seconds,
        )
    except ParameterError as exc:
        entry.message = str(exc)
        entry.error_page = _write_error_page(entry, options, out_dir)
        entry.seconds = time.perf_counter() - started
        return entry

    entry.audience = params.audience
    notes: list[str] = []
    while True:
        entry.attempts += 1
        try:
            result = run_report(
                params,
                out_dir,
                notebook=options.notebook,
                base_dir=options.base_dir,
                kernel_manager_class=_WORKER.get("km_class"),
            )
        except RunFailed as exc:
            if _is_dead_kernel(exc) and entry.attempts <= options.dead_kernel_retries:
                notes.append(f"attempt {entry.attempts}: the kernel died ({exc}); retried")
                continue
            entry.message = str(exc)
            if _is_dead_kernel(exc):
                entry.message = f"the kernel died in {entry.attempts} attempts: {exc}"
            if exc.error_page and Path(exc.error_page).exists():
                entry.error_page = _relative(Path(exc.error_page), out_root)
            else:
                entry.error_page = _write_error_page(entry, options, out_dir)
        except ValidationFailed as exc:
            entry.message = exc.report.format()
            entry.error_page = _write_error_page(entry, options, out_dir)
        except DisclosureError as exc:
            entry.message = f"stopped before writing the report: {exc}"
            entry.error_page = _write_error_page(entry, options, out_dir)
        except Exception as exc:  # one job's failure must never end the batch  # noqa: BLE001
            entry.message = f"{type(exc).__name__}: {exc}"
            entry.error_page = _write_error_page(entry, options, out_dir)
        else:
            entry.status = "ok"
            entry.project = params.project
            entry.report = _relative(result.html_path, out_root)
            entry.figures = result.figures
            entry.warnings = list(result.warnings)
        break
    entry.warnings = notes + entry.warnings
    entry.seconds = time.perf_counter() - started
    return entry


def _relative(path: Path, root: Path) -> str:
    # Without resolving links first: a report folder is a link to its current version.
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def _write_error_page(entry: BatchEntry, options: BatchOptions, out_dir: Path) -> str:
    """A small self-contained error page for failures before or outside the notebook."""
    language = options.language or "sv"
    t = Labels(language)
    title = f"{entry.project} {entry.period}"
    body = (
        f'<div class="error-banner" role="alert"><h1>{escape(t("batch.error.banner"))}</h1>'
        f"<p>{escape(title)}</p></div>"
        f"<p>{escape(t('batch.error.explanation'))}</p>"
        f"<h2>{escape(t('batch.error.message'))}</h2><pre>{escape(redact_personnummer(entry.message or '', strict=True))}</pre>"
        f"<p>{escape(t('batch.error.parameters'))}: <code>{escape(entry.params_file)}</code>"
        f" · {escape(t('batch.error.attempts', n=entry.attempts))}</p>"
    )
    page = standalone_page(
        title=f"{t('batch.error.banner')}: {title}", language=language, body=body
    )
    place_report({"error.html": page.encode()}, out_dir, keep=True)  # the last good report stays
    return _relative(out_dir / "error.html", Path(options.out_root))


# --- the batch -----------------------------------------------------------------------
def run_batch(
    sources: Iterable[str | Path],
    periods: Sequence[str],
    out_root: str | Path = "reports",
    *,
    jobs: int | None = None,
    dask_scheduler: str | None = None,
    progress: bool = True,
    notebook: str | Path | None = None,
    base_dir: str | Path | None = None,
    language: str | None = None,
    audience: str | None = None,
    execution_timeout_seconds: int | None = None,
    kernel_start_timeout_seconds: int | None = None,
    kernel_template: bool = True,
    today: date | None = None,
) -> BatchResult:
    """Run every parameters file for every period, in parallel; write the catalogue.

    Args:
        sources: parameters files and/or folders of them.
        periods: period labels (``previous`` resolves to the tertial before ``today``);
            empty: each file runs for its own ``period``.
        out_root: reports go to ``out_root/<project>/<period>/``; the catalogue to
            ``out_root/index.html`` and ``index.json``.
        jobs: worker processes (default: the number of CPUs). More jobs than CPUs is
            allowed; each kernel has its own IPC sockets, so kernels never collide.
        dask_scheduler: address of a ``dask.distributed`` scheduler: each report becomes
            one task there (``out_root`` must be on a filesystem the workers share).
        progress: show a progress bar on stderr.
        notebook: another report notebook (tests, special reports).
        kernel_template: fork kernels from a pre-imported template (POSIX only).
        execution_timeout_seconds, kernel_start_timeout_seconds: override the files.

    Returns:
        The entries in plan order (failed ones included) and the catalogue paths.
    """
    started = time.perf_counter()
    out_root = Path(out_root)
    out_root.mkdir(parents=True, exist_ok=True)
    plan = plan_jobs(sources, periods, out_root, today=today)
    options = BatchOptions(
        out_root=str(out_root.resolve()),
        notebook=str(Path(notebook).resolve()) if notebook else None,
        base_dir=str(Path(base_dir).resolve()) if base_dir else None,
        language=language,
        audience=audience,
        execution_timeout_seconds=execution_timeout_seconds,
        kernel_start_timeout_seconds=kernel_start_timeout_seconds,
        kernel_template=kernel_template,
    )
    entries: list[BatchEntry | None] = [None] * len(plan)
    runnable = []
    for i, job in enumerate(plan):
        if job.problem:
            entries[i] = run_job(job, options)  # writes the error page, runs nothing
        else:
            runnable.append(i)

    bar = _progress_bar(len(plan), progress)
    bar.update(len(plan) - len(runnable))
    for wave in period_waves(plan, runnable):  # T1 is released before T2 is planned
        if dask_scheduler:
            _run_on_dask(plan, wave, options, dask_scheduler, entries, bar)
        else:
            # Longest first: a long job started last would leave the other workers idle.
            wave = sorted(wave, key=lambda i: _estimated_cost(plan[i], options), reverse=True)
            _run_locally(plan, wave, options, jobs, entries, bar)
    bar.close()

    done = [e for e in entries if e is not None]
    html_path, json_path = write_index(done, out_root, language=language or "sv")
    return BatchResult(done, html_path, json_path, time.perf_counter() - started)


def _estimated_cost(job: BatchJob, options: BatchOptions) -> float:
    """A job's relative cost for scheduling: the size of its participant file, doubled
    for a shared (nämnd) report, which also plans disclosure. 0 when it cannot be told.
    """
    try:
        params = load_parameters(job.params_path, period=job.period)
        size = float(Path(params.participants_path).stat().st_size)  # type: ignore[arg-type]  # set once the template started / by the plan; stubs too narrow
        audience = options.audience or params.audience
    except Exception:  # scheduling only: the job itself reports any problem  # noqa: BLE001
        return 0.0
    return size * (2.0 if audience == "namnd" else 1.0)


def _progress_bar(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(
        total=total,
        file=sys.stderr,
        disable=not enabled,
        desc="insats batch",
        unit="rapport",
        dynamic_ncols=True,
    )


def _failed_entry(job: BatchJob, options: BatchOptions, message: str) -> BatchEntry:
    entry = BatchEntry(
        project=job.project or Path(job.params_path).stem,
        period=job.period,
        params_file=job.params_path,
        status="failed",
        out_dir=_relative(Path(job.out_dir), Path(options.out_root)),
        message=message,
        attempts=1,
        audience=options.audience,
    )
    try:
        entry.error_page = _write_error_page(entry, options, Path(job.out_dir))
    except Exception:  # the page is a courtesy; the entry carries the message anyway  # noqa: BLE001
        pass
    return entry


def _run_locally(plan, runnable, options, jobs, entries, bar) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    workers = max(1, min(jobs or os.cpu_count() or 1, len(runnable)))
    methods = multiprocessing.get_all_start_methods()
    # Never fork a process that may hold zmq sockets or threads: forkserver forks from
    # a clean server process, spawn starts a new interpreter.
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if context.get_start_method() == "forkserver":
        # The fork server is the workers' parent: it must die with the batch too.
        context.set_forkserver_preload(["__main__", "insats.run._die_with_parent"])
    template = None
    if options.kernel_template and hasattr(os, "fork") and sys.platform != "win32":
        try:
            template = KernelTemplate().start()
        except Exception:  # noqa: BLE001
            template = None  # ordinary kernels then; slower, same results
    socket_path = template.socket_path if template else None
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=context,
            initializer=_worker_init,
            initargs=(socket_path, template is not None, dict(os.environ)),
        ) as pool:
            futures = {pool.submit(run_job, plan[i], options): i for i in runnable}
            for future in as_completed(futures):
                i = futures[future]
                try:
                    entries[i] = future.result()
                except Exception as exc:  # the worker process itself died  # noqa: BLE001
                    entries[i] = _failed_entry(
                        plan[i], options, f"the worker process failed: {type(exc).__name__}: {exc}"
                    )
                _tick(bar, entries)
    finally:
        if template is not None:
            template.close()


def _run_on_dask(plan, runnable, options, address, entries, bar) -> None:
    from dask.distributed import Client, as_completed

    with Client(address) as client:
        futures = {}
        for i in runnable:
            key = f"insats-report-{i}-{uuid.uuid4().hex[:8]}"
            futures[client.submit(run_job, plan[i], options, key=key, pure=False)] = i
        for future in as_completed(list(futures)):
            i = futures[future]
            try:
                entries[i] = future.result()
            except Exception as exc:  # noqa: BLE001
                entries[i] = _failed_entry(
                    plan[i], options, f"the Dask task failed: {type(exc).__name__}: {exc}"
                )
            _tick(bar, entries)


def _tick(bar, entries) -> None:
    failed = sum(1 for e in entries if e is not None and not e.ok)
    if failed:
        bar.set_postfix(misslyckade=failed, refresh=False)
    bar.update(1)


# --- the catalogue ---------------------------------------------------------------------
def _dig(figures: dict[str, Any] | None, path: tuple[str, ...]) -> Any:
    node: Any = figures
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node if isinstance(node, int | float) and not isinstance(node, bool) else None


def key_figures(figures: dict[str, Any] | None) -> dict[str, float | int | None]:
    """The catalogue's figures from a figures.json mapping (None where absent/suppressed).

    >>> key_figures({"participants": {"enrolled": 57, "started": None}})["enrolled"]
    57
    """
    return {key: _dig(figures, path) for key, path, _ in KEY_FIGURES}


def _change(now: Any, before: Any) -> float | int | None:
    if now is None or before is None:
        return None
    return now - before


def _catalogue_rows(entries: Sequence[BatchEntry], out_root: Path) -> list[dict[str, Any]]:

    rows = []
    for entry in entries:
        # What is on disk is what the catalogue shows (a report replaced since, e.g. by a
        # worker of a killed batch, must not keep the figures of the entry).
        figures = _figures_on_disk(out_root / entry.out_dir) if entry.ok else None
        if figures is None and entry.ok:
            figures = entry.figures
        row = {
            "project": entry.project,
            "period": entry.period,
            "status": entry.status,
            "audience": entry.audience,
            "params_file": entry.params_file,
            "out_dir": entry.out_dir,
            "report": entry.report or _last_good_report(out_root, entry.out_dir),
            "error_page": entry.error_page,
            "message": redact_personnummer(entry.message),
            "attempts": entry.attempts,
            "seconds": round(entry.seconds, 2),
            "warnings": [redact_personnummer(w) for w in entry.warnings],
            "key_figures": key_figures(figures) if entry.ok else {},
            "previous": None,
            "change": {},
        }
        if entry.ok:
            row["audience"] = _audience_of(figures) or _audience_on_disk(out_root / entry.out_dir)
        rows.append(row)
    return rows


def _audience_of(data: Any) -> str | None:
    """The audience a figures.json or manifest.json mapping names (None: unknown)."""
    value = data.get("audience") if isinstance(data, dict) else None
    return value if value in ("namnd", "internal") else None


def _audience_on_disk(folder: Path) -> str | None:
    """The audience of the report in ``folder``: its figures.json's, else its
    manifest.json's; None when neither names one (treated as not comparable, and not
    shared).
    """
    for name in ("figures.json", "manifest.json"):
        try:
            found = _audience_of(json.loads((folder / name).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue
        if found is not None:
            return found
    return None


def _with_previous(row: dict[str, Any], out_root: Path) -> None:
    """The previous period's figures and the change against them, in place: only from a
    report of the same, known audience (attack F9: an internal T1 beside a nämnd T2 gave
    the exits the nämnd's T1 hides as the change).
    """
    row["previous"], row["change"] = None, {}
    if row.get("status") != "ok" or row.get("audience") is None:
        return
    try:
        prev = previous_period(parse_period(str(row["period"])))
    except ValueError:
        return
    prev_dir = Path(str(row["out_dir"])).parent / slugify(prev.label)
    before_figures = _figures_on_disk(out_root / prev_dir)
    if before_figures is None or _audience_on_disk(out_root / prev_dir) != row["audience"]:
        return
    before = key_figures(before_figures)
    now = row.get("key_figures") or {}
    row["previous"] = {
        "period": prev.label,
        "report": (prev_dir / "report.html").as_posix(),
        "key_figures": before,
    }
    row["change"] = {k: _change(now.get(k), before[k]) for k in now}


def _for_a_shared_index(rows: list[dict[str, Any]], out_root: Path) -> list[dict[str, Any]]:
    """An index that lists any report not known to be internal may reach the nämnd: it
    lists no internal report (no figures, link, message or change) and no report of
    unknown audience, and a failed entry links its last good report only if that is a
    nämnd report. Failed entries are listed with their error page.
    """
    kept = []
    for row in rows:
        ok = row.get("status") == "ok"
        if (ok and row.get("audience") != "namnd") or row.get("audience") == "internal":
            continue
        if not ok and row.get("report"):
            folder = out_root / Path(str(row["report"])).parent
            if _audience_on_disk(folder) != "namnd":
                row["report"] = None
        kept.append(row)
    return kept


def _figures_on_disk(folder: Path) -> dict[str, Any] | None:
    path = folder / "figures.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _last_good_report(out_root: Path, out_dir: str) -> str | None:
    """The report still in a folder whose latest run failed (the index keeps linking it)."""
    path = out_root / out_dir / "report.html"
    return (Path(out_dir) / "report.html").as_posix() if path.is_file() else None


def period_waves(plan: Sequence[BatchJob], runnable: Sequence[int]) -> list[list[int]]:
    """The runnable jobs in waves: wave k holds each project's k-th report (in period
    order; in one period the whole project's report before those of its municipalities).

    A later report of a project is planned against what the earlier ones released to the
    nämnd (the publication register, issue 15), so it runs only after they are done;
    different projects still run side by side.

    >>> jobs = [BatchJob("a.yaml", p, f"out/{p}", "A") for p in ("2021-T2", "2021-T1")]
    >>> period_waves(jobs + [BatchJob("b.yaml", "2021-T2", "o", "B")], [0, 1, 2])
    [[1, 2], [0]]
    """
    by_project: dict[str, list[int]] = {}
    for i in runnable:
        by_project.setdefault(plan[i].project or plan[i].params_path, []).append(i)
    waves: list[list[int]] = []
    for indices in by_project.values():
        indices.sort(key=lambda i: (*_period_sort_key(plan[i].period), plan[i].subset))
        for k, i in enumerate(indices):
            if k == len(waves):
                waves.append([])
            waves[k].append(i)
    return [sorted(w) for w in waves]


def _period_sort_key(label: str) -> tuple[str, str | int]:

    try:
        p = parse_period(label)
        # by end, then the shorter first: 2021-T1, T2, T3, then 2021 (attack round 10: by
        # start the year ran right after T1, before the tertials it is the sum of)
        return (p.end.isoformat(), (date.max - p.start).days)
    except ValueError:
        return (label, 0)


def write_index(
    entries: Sequence[BatchEntry], out_root: str | Path, *, language: str = "sv"
) -> tuple[Path, Path]:
    """Write ``index.json`` and ``index.html`` (self-contained) in ``out_root``.

    Entries of earlier batches in an existing ``index.json`` are kept unless this batch
    ran the same project and period again, so a scheduled run adds to the catalogue.

    Audiences (attack F9). Each entry shows the figures of its own report only, read
    from its folder, and the change against the previous period only when that report
    names the same audience (figures.json, else manifest.json; unknown: not compared).
    An index of internal reports only is the evaluator's (``audience: internal``); any
    other index may reach the nämnd (``audience: namnd``) and lists no internal report
    and no report of unknown audience (``left_out`` counts them): no figures, link,
    message or change of one, and a failed entry's last good report is linked only if it
    is a nämnd report.
    """
    out_root = Path(out_root)
    rows = _catalogue_rows(entries, out_root)
    fresh = {(r["out_dir"]) for r in rows}
    old_path = out_root / INDEX_JSON
    if old_path.exists():
        try:
            old = json.loads(old_path.read_text(encoding="utf-8")).get("reports", [])
        except (ValueError, AttributeError):
            old = []
        for row in old:
            if isinstance(row, dict) and row.get("out_dir") not in fresh:
                if (out_root / row.get("out_dir", "")).exists():
                    if row.get("status") == "ok":  # rebuilt from what is on disk now
                        on_disk = _figures_on_disk(out_root / row["out_dir"])
                        if on_disk is not None:
                            row["key_figures"] = key_figures(on_disk)
                        row["audience"] = _audience_on_disk(out_root / row["out_dir"])
                    rows.append(row)
    for row in rows:  # against what is on disk now, of the same audience only
        _with_previous(row, out_root)
    # A catalogue of internal reports only is the evaluator's; any other may be shared.
    # (A failed entry whose parameters could not be read has no audience: it does not
    # make an internal batch's index a shared one.)
    known = [r.get("audience") for r in rows if r.get("audience") is not None]
    unknown_ok = any(r.get("status") == "ok" and r.get("audience") is None for r in rows)
    internal = bool(known) and not unknown_ok and all(a == "internal" for a in known)
    audience = "internal" if internal else "namnd"
    listed = len(rows)
    if audience == "namnd":
        rows = _for_a_shared_index(rows, out_root)
    rows.sort(key=lambda r: (str(r["project"]).casefold(), _period_sort_key(str(r["period"]))))
    data = {
        "audience": audience,
        "left_out": listed - len(rows),
        "reports": rows,
        "total": len(rows),
        "ok": sum(1 for r in rows if r["status"] == "ok"),
        "failed": sum(1 for r in rows if r["status"] != "ok"),
    }
    html = render_index(rows, language=language)
    place_files({INDEX_JSON: json_bytes(data), INDEX_HTML: html.encode()}, out_root)
    return out_root / INDEX_HTML, out_root / INDEX_JSON


def render_index(rows: Sequence[dict[str, Any]], *, language: str = "sv") -> str:  # noqa: C901
    """The catalogue page: one row per report, key figures with the change in brackets."""
    t = Labels(language)
    suppressed = ".."

    def value_text(value: Any, kind: str, ok: bool) -> str:
        if not ok:
            return MISSING
        if value is None:
            return suppressed
        if kind == "count":
            return fmt.format_count(int(value), language)
        if kind == "share":
            return fmt.format_share(value, language)
        return fmt.format_sek(value, language)

    def change_text(value: Any, kind: str) -> str:
        if value is None:
            return ""
        sign = "+" if value > 0 else ("±" if value == 0 else "")
        if kind == "count":
            text = sign + fmt.format_count(int(value), language)
        elif kind == "share":
            text = t(
                "batch.percentage_points", value=sign + fmt.format_number(value * 100, language, 1)
            )
        else:
            text = sign + fmt.format_sek(value, language)
        return f' <span class="change">({escape(text)})</span>'

    head = [t("batch.column.project"), t("batch.column.period"), t("batch.column.status")]
    head += [t(f"batch.figure.{key}") for key, _, _ in KEY_FIGURES]
    head += [t("batch.column.previous"), t("batch.column.link")]
    body_rows = []
    for row in rows:
        ok = row["status"] == "ok"
        status = t("batch.status.ok") if ok else t("batch.status.failed")
        cells = [
            f'<th scope="row">{escape(row["project"])}</th>',
            f"<td>{escape(row['period'])}</td>",
            f'<td class="status-{"ok" if ok else "failed"}">{escape(status)}</td>',
        ]
        figures = row.get("key_figures") or {}
        change = row.get("change") or {}
        for key, _, kind in KEY_FIGURES:
            text = escape(value_text(figures.get(key), kind, ok))
            cells.append(f'<td class="num">{text}{change_text(change.get(key), kind)}</td>')
        prev = row.get("previous")
        if prev:
            cells.append(
                f'<td><a href="{escape(prev["report"])}">{escape(prev["period"])}</a></td>'
            )
        else:
            cells.append(f"<td>{escape(t('batch.no_previous'))}</td>")
        if ok and row.get("report"):
            link = f'<a href="{escape(row["report"])}">{escape(t("batch.link.report"))}</a>'
        elif row.get("error_page") and row.get("report"):
            # A failed re-run: the last good report stays linked, the failure beside it.
            link = (
                f'<a href="{escape(row["error_page"])}">{escape(t("batch.link.error"))}</a>'
                f' · <a href="{escape(row["report"])}">{escape(t("faults.last_good"))}</a>'
            )
        elif row.get("error_page"):
            link = f'<a href="{escape(row["error_page"])}">{escape(t("batch.link.error"))}</a>'
        else:
            link = escape(MISSING)
        cells.append(f"<td>{link}</td>")
        body_rows.append("<tr>" + "".join(cells) + "</tr>")
    failed = [r for r in rows if r["status"] != "ok"]
    table = (
        f'<div class="table-wrap"><table class="table catalogue">'
        f"<caption>{escape(t('batch.caption'))}</caption><thead><tr>"
        + "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
        + "</tr></thead><tbody>"
        + "".join(body_rows)
        + "</tbody></table></div>"
    )
    failures = ""
    if failed:
        items = "".join(
            f"<li><strong>{escape(r['project'])} {escape(r['period'])}</strong>: "
            f"<pre>{escape(r.get('message') or '')}</pre></li>"
            for r in failed
        )
        failures = f'<h2 id="failures">{escape(t("batch.failures"))}</h2><ul>{items}</ul>'
    body = (
        f"<h1>{escape(t('batch.title'))}</h1>"
        f"<p>{escape(t('batch.intro', total=len(rows), ok=len(rows) - len(failed), failed=len(failed)))}</p>"
        + table
        + f'<p class="note">{escape(t("batch.note.change"))}</p>'
        + f'<p class="note">{escape(t("batch.note.suppressed"))}</p>'
        + failures
    )
    return standalone_page(title=t("batch.title"), language=language, body=body)


def entry_to_dict(entry: BatchEntry) -> dict[str, Any]:
    """A JSON-able view of an entry (for logs and tests)."""
    return asdict(entry)
