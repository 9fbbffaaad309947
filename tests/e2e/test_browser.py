"""The report in a real browser: no network requests, every section rendered, screenshots.

Uses Debian's chromium headless (``make chromium`` installs it). In CI (``$CI`` set) a
missing chromium fails the test; elsewhere it is skipped. Screenshots and the printed
PDF stay in pytest's tmp folder for a human to look at.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from browser import pdf_media_boxes, pdf_page_count, require_chromium, run_chromium
from factories import SECTION_IDS, build_notebook, failed_notebook
from insats.report.export import export_error_html, export_html

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture(scope="module")
def chromium() -> str:
    return require_chromium()


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    path = folder / "report.html"
    path.write_text(export_html(build_notebook(), title="Första steget – 2021-T2"), "utf-8")
    return path


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_no_network_requests_and_all_sections_in_dom(
    chromium: str, report: Path, tmp_path: Path
) -> None:
    result = run_chromium(report, out_dir=tmp_path, dump_dom=True, chromium=chromium)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.requests == [], result.requests
    dom = BeautifulSoup(result.dom, "html.parser")
    assert dom.find("section", id="summary") is not None
    for ident in SECTION_IDS:
        assert dom.find("section", id=ident) is not None, ident
    assert dom.find("script") is None
    toc = dom.find("nav", class_="toc")
    for link in toc.find_all("a"):
        assert dom.find(id=link["href"][1:]) is not None, link["href"]


def test_screenshots_desktop_phone_and_full_page(
    chromium: str, report: Path, tmp_path: Path
) -> None:
    shots = {
        "top": ((1280, 2000), None),
        "phone": ((390, 1600), None),
        # The whole page in one tall shot: a fragment (#outcomes) scroll leaves the top of
        # a headless screenshot blank in chromium 156, so no fragments here.
        "full": ((1280, 4000), None),
    }
    for name, (size, fragment) in shots.items():
        png = tmp_path / f"{name}.png"
        result = run_chromium(
            report,
            out_dir=tmp_path,
            screenshot=png,
            window_size=size,
            fragment=fragment,
            chromium=chromium,
        )
        assert result.requests == [], (name, result.requests)
        assert png_size(png) == size, name
        assert png.stat().st_size > 10_000, f"{name}: screenshot looks blank"


def test_print_to_a4_pdf(chromium: str, report: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "report.pdf"
    result = run_chromium(report, out_dir=tmp_path, print_to_pdf=pdf, chromium=chromium)
    assert result.requests == []
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5_000
    assert pdf_page_count(pdf) >= 2  # summary and contents, then a page break (print CSS)
    # A4 from the stylesheet's @page rule: 595.28 x 841.89 points (210 x 297 mm).
    boxes = pdf_media_boxes(pdf)
    assert boxes and all(abs(w - 595.3) < 2 and abs(h - 841.9) < 2 for w, h in boxes), boxes


def test_error_page_is_offline_too(chromium: str, tmp_path: Path) -> None:
    page = tmp_path / "error.html"
    page.write_text(
        export_error_html(failed_notebook(), title="Första steget", error="KeyError"), "utf-8"
    )
    result = run_chromium(page, out_dir=tmp_path, dump_dom=True, chromium=chromium)
    assert result.requests == []
    assert BeautifulSoup(result.dom, "html.parser").find(id="error") is not None


def test_the_network_check_can_fail(chromium: str, tmp_path: Path) -> None:
    # A page like nbconvert's default template (CDN script, fonts, an image) must be caught.
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><html><head>"
        '<script src="https://cdnjs.example.com/require.min.js"></script>'
        '<link rel="stylesheet" href="https://fonts.example.org/css">'
        '</head><body><img src="http://img.example.net/a.png" alt="x"></body></html>',
        "utf-8",
    )
    result = run_chromium(page, out_dir=tmp_path, chromium=chromium)
    assert set(result.requests) >= {
        "https://cdnjs.example.com/require.min.js",
        "https://fonts.example.org/css",
        "http://img.example.net/a.png",
    }
