"""Drive Debian's headless chromium to check a report page: network, DOM, screenshots.

Every run writes a NetLog (``--log-net-log``), Chromium's own record of every request
the page made, so "zero network requests" is checked from the browser's side rather than
by reading the HTML. Used by tests/e2e/test_browser.py and by the end-to-end test of the
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


# --- print layout, measured through the DevTools protocol ---------------------------
# Chromium speaks the DevTools protocol over a pipe (--remote-debugging-pipe: commands in
# on fd 3, answers out on fd 4, each message JSON ended by a NUL byte), so measuring a
# page needs no driver and no extra package.
CSS_PX_PER_MM = 96 / 25.4
PAPER_MM = {"A4": (210.0, 297.0), "A3": (297.0, 420.0), "A5": (148.0, 210.0)}

# For every table: its caption, its box and the widest overflowing cell, so a failure
# says which table and by how much.
MEASURE_TABLES_JS = """
(() => {
  const limit = document.documentElement.clientWidth;
  return Array.from(document.querySelectorAll('table')).map((t) => {
    const box = t.getBoundingClientRect();
    let cell = null;
    for (const c of t.querySelectorAll('th, td')) {
      const over = c.scrollWidth - c.clientWidth;
      if (over > 1 && (cell === null || over > cell.over)) {
        cell = {text: c.textContent.trim().slice(0, 60), over: over};
      }
    }
    return {
      caption: t.caption ? t.caption.textContent.trim() : '(no caption)',
      left: box.left, right: box.right, width: box.width, limit: limit,
      overflowing_cell: cell,
    };
  });
})()
"""


def page_content_width_px(css: str) -> float:
    """The width of the printed page's content box in CSS px, from a stylesheet's ``@page``.

    Reads ``size`` (a paper name, optionally ``landscape``) and ``margin`` (1 to 4 lengths
    in mm) of the first ``@page`` rule: A4 with margins 18 mm left and 16 mm right is
    (210 − 34) mm = 665.2 px.
    """
    rule = re.search(r"@page\s*\{([^}]*)\}", css)
    if rule is None:
        raise ValueError("no @page rule in the stylesheet")
    body = rule.group(1)
    size = re.search(r"size\s*:\s*([^;]+)", body)
    words = (size.group(1) if size else "A4").split()
    width, height = PAPER_MM[words[0]]
    if "landscape" in words:
        width = height
    margin = re.search(r"margin\s*:\s*([^;]+)", body)
    values = [float(v.removesuffix("mm")) for v in (margin.group(1).split() if margin else ["0"])]
    # CSS shorthand: 1 value all sides; 2 vertical, horizontal; 3 top, horizontal, bottom;
    # 4 top, right, bottom, left.
    right = values[1] if len(values) >= 2 else values[0]
    left = values[3] if len(values) == 4 else right
    return (width - left - right) * CSS_PX_PER_MM


class DevToolsPipe:
    """One headless chromium driven over ``--remote-debugging-pipe``; use as a context."""

    def __init__(self, chromium: str, profile: Path, timeout_seconds: float = 60) -> None:
        self.timeout_seconds = timeout_seconds
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_fds() -> None:  # in the child, before exec: fd 3 reads, fd 4 writes
            os.dup2(to_browser_r, 3)
            os.dup2(from_browser_w, 4)

        args = [
            chromium,
            *BASE_FLAGS,
            BLOCK_NETWORK_FLAG,
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        self.process = subprocess.Popen(
            args,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=wire_fds,  # only two dup2 calls before exec
            start_new_session=True,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.session: str | None = None

    def __enter__(self) -> DevToolsPipe:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.send("Browser.close", session=False)
        except Exception:  # already gone: killed below anyway
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass

    def _read_message(self, deadline: float) -> dict:
        import select
        import time

        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("chromium did not answer over the DevTools pipe")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    raise ConnectionError("chromium closed the DevTools pipe")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, *, session: bool = True) -> dict:
        """Send one command and return its result (raise on a protocol error)."""
        import time

        self._next_id += 1
        message: dict = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout_seconds
        while True:
            answer = self._read_message(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})

    def wait_for(self, event: str) -> dict:
        """Wait for an event of the attached page."""
        import time

        deadline = time.monotonic() + self.timeout_seconds
        while True:
            message = self._read_message(deadline)
            if message.get("method") == event and message.get("sessionId") == self.session:
                return message.get("params", {})

    def open(self, url: str) -> None:
        """Open ``url`` in a new tab, attach to it and wait for its load event."""
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self.send(
            "Target.attachToTarget",
            {"targetId": target["targetId"], "flatten": True},
            session=False,
        )
        self.session = attached["sessionId"]
        self.send("Page.enable")
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page."""
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"JavaScript failed: {result['exceptionDetails']}")
        return result["result"].get("value")


def measure_print_layout(
    page: Path | str,
    *,
    content_width_px: float,
    out_dir: Path,
    pdf: Path | None = None,
    chromium: str | None = None,
) -> list[dict]:
    """Every table of ``page`` laid out as printed: print media, page-content width.

    The page is shown with ``@media print`` in force in a viewport as wide as the printed
    page's content box, then each table is measured (see ``MEASURE_TABLES_JS``). With
    ``pdf``, the same tab is also printed there (paper size from the page's ``@page``).
    """
    import base64

    exe = chromium or find_chromium()
    if exe is None:
        raise FileNotFoundError("chromium not found")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    url = Path(page).resolve().as_uri() if not str(page).startswith(("file:", "http")) else page
    with DevToolsPipe(exe, out_dir / "profile-devtools") as browser:
        browser.open(str(url))
        browser.send("Emulation.setEmulatedMedia", {"media": "print"})
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": int(content_width_px),
                "height": 1100,
                "deviceScaleFactor": 1,
                "mobile": False,
            },
        )
        tables = browser.evaluate(MEASURE_TABLES_JS)
        if pdf is not None:
            browser.send("Emulation.clearDeviceMetricsOverride")
            printed = browser.send(
                "Page.printToPDF",
                {"preferCSSPageSize": True, "printBackground": True, "displayHeaderFooter": False},
            )
            Path(pdf).write_bytes(base64.b64decode(printed["data"]))
    return tables


def tables_wider_than(tables: list[dict], tolerance_px: float = 0.5) -> list[str]:
    """Readable lines for every table that sticks out of the page or has a cell overflowing."""
    problems = []
    for t in tables:
        if t["right"] > t["limit"] + tolerance_px or t["left"] < -tolerance_px:
            problems.append(
                f"{t['caption']!r}: {t['width']:.0f} px wide, ends at {t['right']:.0f} px "
                f"of {t['limit']} px"
            )
        elif t["overflowing_cell"]:
            cell = t["overflowing_cell"]
            problems.append(
                f"{t['caption']!r}: cell {cell['text']!r} overflows by {cell['over']} px"
            )
    return problems
