"""Drive Debian's headless chromium to check a report page: network, DOM, screenshots.

Every run writes a NetLog (``--log-net-log``), Chromium's own record of every request
the page made, so "zero network requests" is checked from the browser's side rather than
by reading the HTML. Used by tests/test_browser.py and by the end-to-end test of the
sample report.

Example::

    result = run_chromium(report, out_dir=tmp_path, dump_dom=True)
    assert external_requests(result.requests) == []
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BASE_FLAGS = (
    "--headless",
    "--no-sandbox",  # containers and CI run as root, where the sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--lang=sv-SE",
    # Chromium's own time and update queries: off, so the log shows the page alone.
    "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate",
    "--disable-client-side-phishing-detection",
    "--disable-default-apps",
    "--metrics-recording-only",
)
# Resolve no host at all: a request the page makes is logged, but nothing leaves the
# machine (and the test does not depend on the network being there or not).
BLOCK_NETWORK_FLAG = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost"
LOCAL_SCHEMES = ("file:", "data:", "about:", "chrome:", "chrome-error:", "blob:")


@dataclass
class ChromiumResult:
    """What one chromium run produced."""

    returncode: int
    stdout: str
    stderr: str
    netlog: Path
    requests: list[str] = field(default_factory=list)

    @property
    def dom(self) -> str:
        """The rendered DOM (only with ``dump_dom=True``)."""
        return self.stdout


def find_chromium() -> str | None:
    """The chromium executable, or None. ``$CHROMIUM`` overrides the search."""
    override = os.environ.get("CHROMIUM")
    if override:
        return override if Path(override).exists() or shutil.which(override) else None
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def require_chromium() -> str:
    """The chromium path; fail in CI (``$CI`` set) and skip elsewhere when it is missing."""
    path = find_chromium()
    if path is None:
        message = "chromium not found (install it with `make chromium` or apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def run_chromium(
    page: Path | str,
    *,
    out_dir: Path,
    screenshot: Path | None = None,
    window_size: tuple[int, int] = (1280, 2000),
    print_to_pdf: Path | None = None,
    dump_dom: bool = False,
    fragment: str | None = None,
    timeout_seconds: float = 90,
    block_network: bool = True,
    chromium: str | None = None,
) -> ChromiumResult:
    """Open ``page`` in headless chromium once, logging the network.

    Args:
        page: the HTML file (opened as file://) or a URL.
        out_dir: a scratch folder for the profile and the NetLog.
        screenshot: write a PNG of the viewport here.
        window_size: viewport width and height in CSS pixels (390 wide = a phone).
        print_to_pdf: print the page (print stylesheet, A4 from ``@page``) to this PDF.
        dump_dom: return the DOM after load in ``result.dom``.
        fragment: open ``page#fragment``. Note: with a fragment, chromium 156's headless
            screenshot may leave the part above the section blank; for a view of the
            middle of a report, take a tall window instead.
        timeout_seconds: kill chromium after this long.
        block_network: resolve no host names (requests are still attempted and logged).
        chromium: the executable; default :func:`find_chromium`.

    Returns:
        A :class:`ChromiumResult`; ``requests`` lists what the page requested (Chromium's
        own housekeeping left out: see :class:`NetRequest`).
    """
    exe = chromium or find_chromium()
    if exe is None:
        raise FileNotFoundError("chromium not found")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    runs = sorted(out_dir.glob("net-*.json"))
    netlog = out_dir / f"net-{len(runs) + 1}.json"
    profile = out_dir / f"profile-{len(runs) + 1}"
    url = Path(page).resolve().as_uri() if not str(page).startswith(("file:", "http")) else page
    if fragment:
        url = f"{url}#{fragment}"
    args = [
        exe,
        *BASE_FLAGS,
        f"--user-data-dir={profile}",
        f"--log-net-log={netlog}",
        "--net-log-capture-mode=Everything",
        f"--window-size={window_size[0]},{window_size[1]}",
    ]
    if block_network:
        args.append(BLOCK_NETWORK_FLAG)
    if screenshot is not None:
        args.append(f"--screenshot={Path(screenshot).resolve()}")
    if print_to_pdf is not None:
        args += [f"--print-to-pdf={Path(print_to_pdf).resolve()}", "--no-pdf-header-footer"]
    if dump_dom:
        args.append("--dump-dom")
    if screenshot is None and print_to_pdf is None and not dump_dom:
        args.append("--dump-dom")  # headless chromium needs a task, or it never exits
    args.append(str(url))
    # A session of its own, so a hung chromium is ended with all its helper processes
    # (and only those: the group id is the one this call started).
    process = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout_seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        stderr += f"\n[browser.py] chromium killed after {timeout_seconds} s"
    return ChromiumResult(
        returncode=process.returncode,
        stdout=stdout,
        stderr=stderr,
        netlog=netlog,
        requests=requests_from_netlog(netlog) if netlog.exists() else [],
    )


@dataclass(frozen=True)
class NetRequest:
    """One URL request in a NetLog, with what tells page requests from browser chores."""

    url: str
    initiator: str | None
    isolation_key: str | None

    @property
    def is_browser_internal(self) -> bool:
        """Chromium's own housekeeping (update checks, account lookups), not the page's.

        Such requests have no initiating origin ("not an origin") and are not isolated
        under the page's site; anything a file:// page loads has initiator "null" and a
        file:// isolation key, so it can never be mistaken for housekeeping.
        """
        return self.initiator == "not an origin" and "file://" not in (self.isolation_key or "")


def netlog_requests(path: Path | str) -> list[NetRequest]:
    """Every URL request (and redirect target) in a NetLog, in order of appearance.

    Tolerates a log that chromium did not close (it is then cut at the last event).
    """
    data = _parse_netlog(Path(path).read_text(encoding="utf-8", errors="replace"))
    by_source: dict[int, dict] = {}
    order: list[int] = []
    for event in data.get("events", []):
        params = event.get("params") or {}
        source = (event.get("source") or {}).get("id")
        if source is None:
            continue
        urls = [params[k] for k in ("url", "location") if isinstance(params.get(k), str)]
        entry = by_source.get(source)
        if urls and entry is None:
            kind = (event.get("source") or {}).get("type")
            entry = by_source[source] = {"urls": [], "initiator": None, "key": None, "type": kind}
            order.append(source)
        if entry is None:
            continue
        for url in urls:
            if url not in entry["urls"]:
                entry["urls"].append(url)
        if "initiator" in params:
            entry["initiator"] = params["initiator"]
        if "network_isolation_key" in params:
            entry["key"] = params["network_isolation_key"]
    url_request_type = (data.get("constants", {}).get("logSourceType") or {}).get("URL_REQUEST")
    found: list[NetRequest] = []
    requested: set[str] = set()
    # URL requests first: they carry the initiator that separates page from browser.
    for source in order:
        entry = by_source[source]
        if entry["type"] != url_request_type:
            continue
        for url in entry["urls"]:
            request = NetRequest(url, entry["initiator"], entry["key"])
            requested.add(url)
            if request not in found:
                found.append(request)
    # A URL seen only in other sources (stream jobs, sockets) counts as the page's: an
    # unexplained request must fail the check rather than pass it.
    for source in order:
        entry = by_source[source]
        for url in entry["urls"]:
            if url not in requested:
                requested.add(url)
                found.append(NetRequest(url, None, None))
    return found


def requests_from_netlog(path: Path | str, *, include_browser: bool = False) -> list[str]:
    """The URLs the page requested (or, with ``include_browser``, chromium too), once each."""
    urls: list[str] = []
    for request in netlog_requests(path):
        if (include_browser or not request.is_browser_internal) and request.url not in urls:
            urls.append(request.url)
    return urls


def external_requests(urls: list[str]) -> list[str]:
    """The entries that left the machine: anything not file:, data:, about: or internal."""
    return [u for u in urls if not u.startswith(LOCAL_SCHEMES)]


def _parse_netlog(text: str) -> dict:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    # An unterminated log: keep everything up to the last complete event.
    cut = text.rfind("},")
    while cut > 0:
        try:
            return json.loads(text[: cut + 1] + "]}")
        except json.JSONDecodeError:
            cut = text.rfind("},", 0, cut)
    raise ValueError("unreadable NetLog: no complete events")


def pdf_media_boxes(path: Path | str) -> list[tuple[float, float]]:
    """Page sizes (width, height) in points from a PDF's MediaBox entries."""
    data = Path(path).read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)", data)
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


def pdf_page_count(path: Path | str) -> int:
    """Pages in a PDF that chromium printed (counts page objects; enough for a check)."""
    data = Path(path).read_bytes()
    return len(re.findall(rb"/Type\s*/Page[^s]", data))


EXTERNAL_REF = re.compile(
    r"""(?:\bsrc|\bsrcset|\bposter|\bdata|\baction|\bformaction|\bbackground|xlink:href)\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|<link\b[^>]*\bhref\s*=\s*["']?\s*(?:https?:)?//"""
    r"""|url\(\s*["']?\s*(?:https?:)?//"""
    r"""|@import""",
    re.IGNORECASE,
)


def external_references(html: str) -> list[str]:
    """Places in an HTML text that would make the browser fetch something when opened.

    ``<a href="https://...">`` is allowed: a link is only followed on a click.
    """
    return [m.group(0) for m in EXTERNAL_REF.finditer(html)]
