"""What a failure may show, and to whom; processes that die with their parent.

* A failed shared report (audience ``namnd``) gets an error page that holds no data
  and no traceback: which step stopped and the kind of error, checked by the guard.
  The whole traceback goes to the evaluator's log (the ``insats`` logger on stderr,
  personnummer masked) and nowhere else.
* Internal reports and their error pages are scanned for personnummer too.
* :func:`die_with_parent` asks Linux to end a process when its parent dies
  (``PR_SET_PDEATHSIG``), so a ``kill -9`` of ``insats batch`` leaves no workers or
  kernels behind that later replace reports.
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

from insats.cohort.personnummer import redact_personnummer
from insats.disclosure.personnummer_guard import guard_personnummer
from insats.report.context import escape
from insats.report.labels import Labels
from insats.report.page import standalone_page
from insats.run.lifetime import die_with_parent  # noqa: F401 (re-exported)

logger = logging.getLogger("insats")


def _failing_cell(nb: Any) -> tuple[int | None, str | None]:
    """Position (1-based, code cells only) and error name of the failing cell."""
    position = 0
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        position += 1
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return position, str(output.get("ename") or "Error")
    return None, None


def log_failure(params: Any, nb: Any, exc: BaseException) -> None:
    """Write the whole failure (cell traceback and the runner's) to the evaluator's log."""
    parts = [f"report {getattr(params, 'project', '?')} {getattr(params, 'period', '?')} failed"]
    for cell in getattr(nb, "cells", []):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                parts.append("\n".join(output.get("traceback", [])))
    parts.append("".join(traceback.format_exception(exc)))
    logger.error(redact_personnummer("\n".join(parts)))


def shared_error_page(
    nb: Any, exc: BaseException, *, title: str, inputs: Any = None, language: str = "sv"
) -> tuple[str, str]:
    """An error page for a shared audience, and the message for the catalogue.

    The page names the step that stopped and the kind of error (the exception's
    class), nothing of the data; it goes through the guard, and if even that finds
    something (a title with a personnummer), a page without the title is used.
    """
    t = Labels(language)
    cell, kind = _failing_cell(nb)
    kind = kind or type(exc).__name__
    where = t("faults.shared_error.where", cell=cell if cell is not None else "?", kind=kind)

    def render(shown_title: str) -> str:
        body = (
            f'<div class="error-banner" role="alert"><h1>{escape(t("batch.error.banner"))}</h1>'
            f"<p>{escape(shown_title)}</p></div>"
            f"<p>{escape(t('faults.shared_error.explanation'))}</p><p>{escape(where)}</p>"
        )
        return standalone_page(
            title=f"{t('batch.error.banner')}: {shown_title}", language=language, body=body
        )

    page = render(title)
    try:
        if inputs is not None:
            inputs.guard({"error.html": page.encode()})
        else:
            guard_personnummer({"error.html": page.encode()})
    except Exception:  # noqa: BLE001 - the guard said no: show nothing but the fact
        page = render("")
    message = f"step {cell} stopped ({kind}); the whole error is in the evaluator's log"
    return page, message
