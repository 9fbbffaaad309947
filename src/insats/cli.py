"""The ``insats`` console command: validate exports, run reports, make sample data."""

from __future__ import annotations

from pathlib import Path

import typer

from insats.cohort import ValidationFailed, validate_file
from insats.disclosure import DisclosureError
from insats.errors import InsatsError
from insats.params import ParameterError, load_parameters
from insats.paths import slugify
from insats.periods import PeriodError, parse_period
from insats.run.batch import run_batch
from insats.run.runner import RunFailed, run_report
from insats.sample import generate_sample

app = typer.Typer(
    name="insats",
    help="Evaluation workbench for labour-market and integration programmes (insatser).",
    no_args_is_help=True,
    add_completion=False,
)


def default_out_dir(project: str, period_label: str) -> Path:
    """Where ``insats run`` writes without ``--out``: ``reports/<project>/<period>``."""
    return Path("reports") / slugify(project) / slugify(period_label)


@app.command()
def validate(
    files: list[Path] = typer.Argument(
        None, help="Export files (CSV or .xlsx) to check (default with --params: its inputs)."
    ),
    kind: str | None = typer.Option(
        None,
        help="participants, finance, funnel, activities or product_goals "
        "(default: detected from the headers).",
    ),
    params: Path | None = typer.Option(
        None,
        "--params",
        help="A parameters YAML: validate with its columns:/codes: mappings (and its files).",
    ),
) -> None:
    """Check export files against the data contract; list every problem at once.

    For every header and code word the contract does not know, the closest contract
    name or word is suggested as a ready ``columns:`` / ``codes:`` block.
    Exits 0 when all files are clean, 1 otherwise, 2 for a broken parameters file.
    """
    words, project = None, None
    todo: list[tuple[Path, str | None]] = [(f, kind) for f in files or []]
    if params is not None:
        try:
            p = load_parameters(params)
        except ParameterError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(code=2) from None
        words, project = p.export_words(), p.project
        if not todo:
            todo = [
                (Path(path), role)
                for role, path in (
                    ("participants", p.participants_path),
                    ("finance", p.finance_path),
                    ("funnel", p.funnel_path),
                )
                if path
            ]
    if not todo:
        typer.echo("insats validate: name a file, or --params with a parameters file", err=True)
        raise typer.Exit(code=2)
    failed = False
    for path, what in todo:
        report = validate_file(path, kind=what, words=words, project=project)
        typer.echo(report.format())
        block = report.suggestion_block()
        if block:
            typer.echo(
                "Closest contract names for the headers and words not known (check them, "
                "then paste into the parameters file):"
            )
            typer.echo(block)
        failed = failed or not report.ok
    raise typer.Exit(code=1 if failed else 0)


@app.command()
def run(
    params_file: Path = typer.Argument(
        ..., help="A parameters YAML, e.g. parameters/forsta_steget.yaml."
    ),
    period: str | None = typer.Option(
        None, help="Period label; overrides the file (e.g. 2021-T2, previous)."
    ),
    out: Path | None = typer.Option(
        None, help="Output folder (default reports/<project>/<period>)."
    ),
    language: str | None = typer.Option(None, help="sv (default) or en."),
    audience: str | None = typer.Option(None, help="namnd (shared, default) or internal."),
) -> None:
    """Run one report and print the path of the HTML it wrote."""
    try:
        params = load_parameters(params_file, period=period, language=language, audience=audience)
    except ParameterError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(code=2) from None
    out_dir = out or default_out_dir(params.project, parse_period(params.period).label)
    try:
        result = run_report(params, out_dir)
    except ValidationFailed as exc:
        typer.echo(exc.report.format(), err=True)
        typer.echo("insats run: refused to run on invalid data (nothing was written).", err=True)
        raise typer.Exit(code=1) from None
    except RunFailed as exc:
        typer.echo(f"insats run: {exc}", err=True)
        if exc.error_page:
            typer.echo(f"error page: {exc.error_page}", err=True)
        raise typer.Exit(code=1) from None
    except DisclosureError as exc:
        typer.echo(f"insats run: stopped before writing anything: {exc}", err=True)
        raise typer.Exit(code=1) from None
    except InsatsError as exc:  # every other error insats raises for a user to read
        typer.echo(f"insats run: {exc.user_message()}", err=True)
        raise typer.Exit(code=exc.exit_code) from None
    except Exception as exc:  # a clear line instead of a traceback for known input errors
        if isinstance(exc, (ValueError, OSError)):  # OSError: disk full, read-only (issue 15)
            typer.echo(f"insats run: {exc}", err=True)
            raise typer.Exit(code=1) from None
        raise
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(str(result.html_path))


@app.command()
def batch(
    sources: list[Path] = typer.Argument(
        None, help="Parameters files and/or folders of them (default: parameters/)."
    ),
    period: list[str] = typer.Option(
        None,
        "--period",
        "-p",
        help="Period label; repeat for several (2021-T2, 2021, previous). "
        "Default: each file's own period. Given, it overrides every file's.",
    ),
    jobs: int | None = typer.Option(
        None, "--jobs", "-j", min=1, help="Parallel workers (default: the number of CPUs)."
    ),
    out: Path = typer.Option(
        Path("reports"), help="Output folder: <out>/<project>/<period>/, index.html, index.json."
    ),
    dask_scheduler: str | None = typer.Option(
        None, help="Address of a Dask scheduler, e.g. tcp://10.0.0.5:8786 (optional extra: dask)."
    ),
    language: str | None = typer.Option(None, help="sv (default) or en; overrides the files."),
    audience: str | None = typer.Option(None, help="namnd or internal; overrides the files."),
    execution_timeout: int | None = typer.Option(
        None, min=1, help="Seconds a notebook cell may run; overrides the files."
    ),
    kernel_start_timeout: int | None = typer.Option(
        None, min=1, help="Seconds a kernel may take to start; overrides the files."
    ),
    notebook: Path | None = typer.Option(None, help="Another report notebook (default: report)."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar on stderr."),
) -> None:
    """Run every project for the period(s) in parallel and write a catalogue (index.html).

    Without --period each parameters file runs for the period it names itself; with
    --period (once or more) every file runs for those periods instead.

    Exits 0 when every report was made, 1 when any failed (each failure has an error
    page and a line below), 2 when the command itself is wrong.
    """
    try:
        result = run_batch(
            sources or [Path("parameters")],
            period or [],
            out,
            jobs=jobs,
            dask_scheduler=dask_scheduler,
            progress=progress,
            notebook=notebook,
            language=language,
            audience=audience,
            execution_timeout_seconds=execution_timeout,
            kernel_start_timeout_seconds=kernel_start_timeout,
        )
    except (PeriodError, FileNotFoundError) as exc:
        typer.echo(f"insats batch: {exc}", err=True)
        raise typer.Exit(code=2) from None
    for entry in result.failed:
        first = (entry.message or "").strip().splitlines() or ["(no message)"]
        typer.echo(f"failed: {entry.project} {entry.period}: {first[0]}", err=True)
        for line in first[1:8]:
            typer.echo(f"    {line}", err=True)
        if entry.error_page:
            typer.echo(f"    error page: {out / entry.error_page}", err=True)
    ok = len(result.entries) - len(result.failed)
    typer.echo(
        f"insats batch: {len(result.entries)} reports, {ok} ok, {len(result.failed)} failed "
        f"in {result.seconds:.1f} s",
        err=True,
    )
    typer.echo(str(result.index_html))
    raise typer.Exit(code=1 if result.failed else 0)


@app.command()
def sample(
    out_dir: Path = typer.Argument(Path("data/sample"), help="Folder for the sample files."),
    seed: int = typer.Option(2021, help="Random seed (same seed, same bytes)."),
) -> None:
    """Write the fictitious sample data (Första steget, Etableringsspåret)."""
    for path in generate_sample(out_dir, seed=seed):
        typer.echo(str(path))


@app.command()
def period(
    label: str = typer.Argument(..., help="e.g. 2021-T2, 2021, previous, 210501-210831."),
) -> None:
    """Show the dates a period label stands for."""
    try:
        p = parse_period(label)
    except PeriodError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(code=2) from None
    typer.echo(f"{p.label}\t{p.start.isoformat()}\t{p.end.isoformat()}")


def main() -> None:  # pragma: no cover - console entry for `python -m insats`
    """Run the console command (``insats`` and ``python -m insats``)."""
    app(prog_name="insats")


if __name__ == "__main__":  # pragma: no cover
    main()
