"""The exported report: no code or noise, offline-safe, sections and contents in place."""

from __future__ import annotations

import copy
import re

import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell

from browser import external_references
from factories import SECTION_IDS, build_notebook, failed_notebook, html_output
from insats.report.export import export_error_html, export_html, section

# Strings that must never reach the reader: code, parameters, streams, notebook noise.
HIDDEN = (
    "SECRET_PARAMETER",
    "INJECTED_PARAMETER",
    "display(summary)",
    "print('debug')",
    "debug line on stdout",
    "UserWarning: noisy warning",
    "Text(0.5, 1.0",
    "In&nbsp;[",
    "Out[",
    "alert(",
    "<script",
)


@pytest.fixture(scope="module")
def page() -> str:
    return export_html(build_notebook(), title="Första steget – 2021-T2 <&>")


def test_no_code_prompts_parameters_streams_or_scripts(page: str) -> None:
    for text in HIDDEN:
        assert text not in page, text


def test_page_is_offline_safe(page: str) -> None:
    assert external_references(page) == []
    assert not re.search(r"https?://", page), "no URL of any kind in a plain report"
    assert "require" not in page.lower() and "mathjax" not in page.lower()


def test_external_reference_check_catches_what_it_should() -> None:
    # The check above must be able to fail: these would each make a request.
    bad = [
        '<script src="https://cdnjs.cloudflare.com/require.js"></script>',
        '<link rel="stylesheet" href="//fonts.googleapis.com/css">',
        '<div style="background: url(https://x.org/a.png)"></div>',
        "<img src='http://x.org/a.png'>",
        "<style>@import 'x.css';</style>",
    ]
    for html in bad:
        assert external_references(html), html
    assert external_references('<a href="https://www.scb.se">SCB</a>') == []


def test_document_frame(page: str) -> None:
    soup = BeautifulSoup(page, "html.parser")
    assert page.startswith("<!DOCTYPE html>")
    assert soup.html["lang"] == "sv"
    assert soup.find("meta", attrs={"name": "viewport"}) is not None
    assert soup.title.string == "Första steget – 2021-T2 <&>"  # escaped in the source
    assert "<title>Första steget – 2021-T2 &lt;&amp;&gt;</title>" in page
    # The notebook shows its own h1, so the frame's title heading is dropped: one h1.
    assert [h.get_text() for h in soup.find_all("h1")] == ["Första steget"]


def test_frame_title_when_notebook_has_none() -> None:
    nb = build_notebook()
    nb.cells = [c for c in nb.cells if "display(header)" not in c.source]
    soup = BeautifulSoup(export_html(nb, title="Rapport <x>"), "html.parser")
    assert [h.get_text() for h in soup.find_all("h1")] == ["Rapport <x>"]


def test_sections_and_table_of_contents(page: str) -> None:
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("section", id="summary") is not None
    for ident in SECTION_IDS:
        assert soup.find("section", id=ident) is not None, ident
    toc = soup.find("nav", class_="toc")
    assert toc.h2.get_text() == "Innehåll"
    links = [(a["href"], a.get_text()) for a in toc.find_all("a")]
    assert links == [
        ("#participants", "Deltagarna"),
        ("#outcomes", "Resultat"),
        ("#budget", "Ekonomi"),
        ("#Metod-och-antaganden", "Metod och antaganden"),  # id from the Markdown heading
        ("#provenance", "Underlag och spårbarhet"),
    ]
    for href, _ in links:
        assert soup.find(id=href[1:]) is not None, href
    # The contents come right after the summary, and every id is unique.
    assert soup.find("section", id="summary").find_next_sibling() is toc
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))


def test_h2_without_id_gets_one() -> None:
    nb = build_notebook()
    nb.cells.append(new_code_cell("x", outputs=[html_output("<h2>Måluppfyllelse & mer</h2>")]))
    soup = BeautifulSoup(export_html(nb, title="t"), "html.parser")
    heading = soup.find("h2", string="Måluppfyllelse & mer")
    assert heading["id"] == "maluppfyllelse-mer"
    assert soup.find("nav", class_="toc").find("a", href="#maluppfyllelse-mer") is not None


def test_images_embedded_with_alt_text(page: str) -> None:
    soup = BeautifulSoup(page, "html.parser")
    images = soup.find_all("img")
    assert len(images) == 2  # the figure in a section and the bare plt.show() output
    for img in images:
        assert img["src"].startswith("data:image/png;base64,")
        assert img.get("alt")
    assert images[1]["alt"] == "Diagram"  # the label for an image without alt text


def test_compact_stylesheet_with_print_and_phone_rules(page: str) -> None:
    css = "".join(
        style.get_text() for style in BeautifulSoup(page, "html.parser").find_all("style")
    )
    assert "size: A4" in css and "@media print" in css and "max-width: 40rem" in css
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    # JupyterLab's stylesheet is hundreds of KB; the report's frame stays small.
    without_images = re.sub(r"base64,[A-Za-z0-9+/=]+", "", page)
    assert len(without_images) < 30_000, len(without_images)


def test_free_text_in_sections_stays_escaped(page: str) -> None:
    assert "Deltagarna &lt;per grupp&gt; &amp; kön." in page


def test_english_frame() -> None:
    soup = BeautifulSoup(export_html(build_notebook(), title="t", language="en"), "html.parser")
    assert soup.html["lang"] == "en"
    assert soup.find("nav", class_="toc").h2.get_text() == "Contents"


def test_input_notebook_is_not_modified() -> None:
    nb = build_notebook()
    before = copy.deepcopy(nb)
    export_html(nb, title="t")
    export_error_html(nb, title="t", error="e")
    assert nb == before


def test_section_helper_escapes_title() -> None:
    html = section("goals", "Mål <b>", "<p>x</p>", css_class="narrative")
    assert html == (
        '<section id="goals" class="narrative"><h2 id="goals-heading">Mål &lt;b&gt;</h2>'
        "<p>x</p></section>"
    )


def test_error_page() -> None:
    page = export_error_html(
        failed_notebook(), title="Första steget", error="KeyError: 'outcome_6m' <b>"
    )
    soup = BeautifulSoup(page, "html.parser")
    banner = soup.find(id="error")
    assert banner.h2.get_text() == "Rapporten kunde inte skapas"
    assert "KeyError: 'outcome_6m' <b>" in banner.find("pre", class_="error-text").get_text()
    assert "&lt;b&gt;" in page and "<b>" not in page
    assert banner.find("pre", class_="error-source").get_text() == "compute_outcomes(df)"
    # Outputs before the failure are there, later ones (never run) are not.
    assert soup.find("section", id="participants") is not None
    assert soup.find("section", id="outcomes") is None
    # The evaluator sees streams and the traceback, escaped and without ANSI codes.
    assert "warning before the error" in page and "debug line on stdout" in page
    traceback = soup.find("details", class_="traceback").pre.get_text()
    assert "KeyError: 'outcome_6m' <script>alert(2)</script>" in traceback
    assert "\x1b" not in page and "<script" not in page
    assert "An Exception was encountered" not in page
    assert soup.find("nav", class_="toc") is None
    # The frame's title stays on an error page, above the banner.
    assert soup.find("h1").get_text() == "Första steget"
    assert external_references(page) == []


def test_error_page_in_english_without_failing_cell() -> None:
    page = export_error_html(build_notebook(), title="t", error="timeout", language="en")
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find(id="error").h2.get_text() == "The report could not be produced"
    assert soup.find("pre", class_="error-source") is None
    assert soup.find("section", id="provenance") is not None  # nothing cut off
