"""Export an executed report notebook to the HTML page the nämnd reads.

In-process nbconvert with the package's own template (``templates/insats``): no code,
no prompts, no papermill parameter cells, no streams or tracebacks, and nothing that
makes a network request when the file is opened (no require.js, MathJax, widget
scripts, web fonts or CDN stylesheets). The page is one file: figures are data URIs and
the stylesheet is inline. A small post-processor gives every ``<h2>`` an id and builds
the table of contents from them.

The notebook shows its content with ``display(Html(...))``; sections are
``<section id="...">`` blocks that start with an ``<h2>`` (see :func:`section`), and
the summary is the section with id ``summary``. The table of contents follows it.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from insats.errors import InsatsError
from insats.report.context import Html, escape, join, section  # noqa: F401 (re-exported)
from insats.report.labels import Labels

TEMPLATE_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "insats"

#: Cells never shown: papermill's parameter cells, its error marker cells, and cells the
#: notebook author hides on purpose.
HIDDEN_CELL_TAGS = frozenset(
    {"parameters", "injected-parameters", "papermill-error-cell-tag", "remove-cell", "remove"}
)
SUMMARY_ID = "summary"
TOC_MARKER = "<!--insats:toc-->"


class ExportError(InsatsError, RuntimeError):
    """The notebook cannot be exported (e.g. a malformed notebook)."""


def export_html(nb: nbformat.NotebookNode, *, title: str, language: str = "sv") -> str:
    """Render an executed report notebook as the self-contained page for readers.

    Args:
        nb: the executed notebook (papermill's output); it is not modified.
        title: the page title (``<title>`` and, unless the notebook shows its own
            ``<h1>``, the heading at the top).
        language: ``"sv"`` or ``"en"``: the page's ``lang`` and the frame's texts.

    Returns:
        The HTML document as a string.
    """
    labels = Labels(language)
    shown = _visible_cells(nb)
    page = _convert(shown, title=title, language=language, mode="report", labels=labels)
    return _postprocess(page, labels=labels, is_error_page=False)


def export_error_html(
    nb: nbformat.NotebookNode, *, title: str, error: str, language: str = "sv"
) -> str:
    """Render a failed run for the evaluator: a banner, the error, the outputs before it.

    Cells after the failing one (papermill never ran them) are left out; the failing
    cell's source, streams and traceback are shown, since the evaluator needs them.

    Args:
        nb: the partly executed notebook; it is not modified.
        title: the title of the report that could not be made.
        error: the error text (escaped here, shown in full).
        language: ``"sv"`` or ``"en"``.
    """
    labels = Labels(language)
    shown = _visible_cells(nb)
    failing = _failing_cell_index(shown)
    failing_source = ""
    if failing is not None:
        failing_source = shown.cells[failing].get("source", "")
        shown.cells = shown.cells[: failing + 1]
    page = _convert(
        shown,
        title=title,
        language=language,
        mode="error",
        labels=labels,
        error=error,
        failing_source=failing_source,
    )
    return _postprocess(page, labels=labels, is_error_page=True)


# --- helpers -------------------------------------------------------------------------
def _visible_cells(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of the notebook without hidden cells (parameters, papermill markers)."""
    copied = nbformat.from_dict(copy.deepcopy(dict(nb)))
    copied.cells = [
        cell
        for cell in copied.get("cells", [])
        if not HIDDEN_CELL_TAGS.intersection(cell.get("metadata", {}).get("tags", []))
    ]
    # A cell's last expression (execute_result) is shown like any displayed output; the
    # template renders display_data, and a bare text result is dropped there as noise.
    for cell in copied.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "execute_result" and set(output.get("data", {})) != {
                "text/plain"
            }:
                output["output_type"] = "display_data"
                output.pop("execution_count", None)
    return copied


def _failing_cell_index(nb: nbformat.NotebookNode) -> int | None:
    """The first code cell with an error output, or that papermill marked as failed."""
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("metadata", {}).get("papermill", {}).get("exception"):
            return index
        if any(out.get("output_type") == "error" for out in cell.get("outputs", [])):
            return index
    return None


def _convert(
    nb: nbformat.NotebookNode,
    *,
    title: str,
    language: str,
    mode: str,
    labels: Labels,
    error: str = "",
    failing_source: str = "",
) -> str:
    exporter = HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code=language,
    )
    frame_labels = {
        "banner": labels("report.error.banner"),
        "explanation": labels("report.error.explanation"),
        "message": labels("report.error.message"),
        "failing_cell": labels("report.error.failing_cell"),
        "partial_output": labels("report.error.partial_output"),
        "traceback": labels("report.error.traceback"),
        "figure_without_alt": labels("report.figure_without_alt"),
    }
    resources = {
        "metadata": {"name": title},
        "insats": {
            "title": title,
            "language": language,
            "mode": mode,
            "error": error,
            "failing_source": failing_source,
            "labels": frame_labels,
        },
    }
    try:
        body, _ = exporter.from_notebook_node(nb, resources=resources)
    except Exception as exc:  # nbconvert raises many kinds; name the cause once
        raise ExportError(f"could not export the notebook to HTML: {exc}") from exc
    return body


def _postprocess(page: str, *, labels: Labels, is_error_page: bool) -> str:
    """Give h2 headings ids, drop the frame's h1 if the notebook has one, add the TOC."""
    soup = BeautifulSoup(page, "html.parser")
    main = soup.find("main")
    if main is None:  # the template always writes <main>; guard against edits
        raise ExportError("the export template produced no <main> element")

    frame_header = main.find("header", attrs={"data-insats": "title"})
    own_h1 = [
        h for h in main.find_all("h1") if frame_header is None or frame_header not in h.parents
    ]
    # The notebook's own title block wins; an error page keeps the frame's title, as the
    # run may have failed before the notebook showed one.
    if frame_header is not None and own_h1 and not is_error_page:
        frame_header.decompose()

    used: set[str] = {str(tag["id"]) for tag in soup.find_all(id=True)}  # id: one value
    for heading in main.find_all("h2"):
        if not heading.get("id"):
            heading["id"] = _unique_slug(heading.get_text(" ", strip=True), used)

    marker = _find_marker(soup)
    if not is_error_page:
        _insert_toc(soup, main, marker, labels)
    if marker is not None:
        marker.extract()
    return "<!DOCTYPE html>\n" + str(soup.html) + "\n"


def _find_marker(soup: BeautifulSoup):
    from bs4 import Comment

    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        if f"<!--{comment}-->" == TOC_MARKER:
            return comment
    return None


def _insert_toc(soup: BeautifulSoup, main, marker, labels: Labels) -> None:
    summary = main.find(id=SUMMARY_ID)
    if summary is not None and summary.name != "section":
        summary = summary.find_parent("section") or summary
    entries = []
    for heading in main.find_all("h2"):
        if summary is not None and (heading is summary or summary in heading.parents):
            continue  # the summary comes before the contents; listing it is noise
        if heading.find_parent(class_="no-toc") is not None:
            continue
        # The section's id is the stable anchor (tests, links); else the heading's own.
        parent = heading.parent
        is_first = parent is not None and parent.name == "section" and parent.get("id")
        is_first = is_first and parent.find("h2") is heading
        target = parent["id"] if is_first else heading["id"]
        text = _heading_text(heading)
        if text:
            entries.append((target, text))
    if len(entries) < 2:
        return
    toc_title = labels("report.toc")
    items = "".join(f'<li><a href="#{escape(t)}">{escape(x)}</a></li>' for t, x in entries)
    nav_html = (
        f'<nav class="toc" aria-labelledby="toc-heading">'
        f'<h2 id="toc-heading">{escape(toc_title)}</h2><ol>{items}</ol></nav>'
    )
    nav = BeautifulSoup(nav_html, "html.parser").nav
    if summary is not None:
        summary.insert_after(nav)
    elif marker is not None:
        marker.insert_after(nav)
    else:
        main.insert(0, nav)


def _heading_text(heading) -> str:
    clone = copy.copy(heading)
    for anchor in clone.find_all("a", class_="anchor-link"):
        anchor.decompose()
    return clone.get_text(" ", strip=True)


def _unique_slug(text: str, used: set[str]) -> str:
    """An ASCII id from heading text, unique in the page.

    >>> _unique_slug("Måluppfyllelse 2021", set())
    'maluppfyllelse-2021'
    >>> _unique_slug("Ekonomi", {"ekonomi"})
    'ekonomi-2'
    """
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    base = re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "section"
    slug, n = base, 1
    while slug in used:
        n += 1
        slug = f"{base}-{n}"
    used.add(slug)
    return slug
