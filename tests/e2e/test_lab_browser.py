"""An evaluator in JupyterLab: open the notebooks, Run → Run All Cells, see the results.

Starts JupyterLab exactly as `make lab` does (the command is read from the Makefile) on
a free port of 127.0.0.1, with the project kernel, on a copy of notebooks/ (the lab
saves notebooks, and the committed ones must stay without outputs). Debian's chromium is
driven through Debian's chromedriver by selenium: its path is given, so selenium-manager
never looks for (or downloads) a driver or a browser. Screenshots go to
reports/screenshots/ for a person to look at.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from browser import require_chromium

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "reports" / "screenshots"
KERNEL_NAME = "insats"
KERNEL_DISPLAY_NAME = "insats (project environment)"
NOTEBOOK_SECONDS = 240  # report.ipynb computes the whole sample report
STATUS_BAR = "#jp-main-statusbar"
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook on show


def require_chromedriver() -> str:
    """Debian's chromedriver (``$CHROMEDRIVER`` overrides); fail in CI, skip elsewhere."""
    path = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    if not path:
        message = "chromedriver not found (install it with `make chromium`: chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def make_lab_command() -> list[str]:
    """The command `make lab` runs, from ``make -n`` (the Makefile is the source)."""
    done = subprocess.run(
        ["make", "-n", "-s", "lab"], cwd=REPO, capture_output=True, text=True, check=True
    )
    lines = [line for line in done.stdout.splitlines() if "jupyter lab" in line]
    assert len(lines) == 1, f"`make -n lab` printed no single jupyter lab line:\n{done.stdout}"
    command = shlex.split(lines[0])
    if not Path(command[0]).is_absolute():
        command[0] = str(REPO / command[0])
    return command


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server of this test: started in its own process group, ended by it."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        state = workdir / "jupyter-state"
        self.env = {
            **os.environ,
            # the lab's own settings, workspaces and runtime files: fresh, not the user's
            "JUPYTER_CONFIG_DIR": str(state / "config"),
            "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(state / "settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"),
        }
        # The evaluator's own answer to the lab's "notified about Jupyter news?" question.
        news = state / "settings" / "@jupyterlab" / "apputils-extension"
        news.mkdir(parents=True)
        (news / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
        command = make_lab_command() + [
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
        ]
        self.log = (workdir / "lab.log").open("w")
        self.process = subprocess.Popen(
            command,
            cwd=workdir,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def api(self, path: str):
        request = urllib.request.Request(
            f"{self.url}{path}", headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:  # 127.0.0.1 only
            return json.loads(answer.read())

    def wait_ready(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                self.api("/api/status")
                return
            except OSError:
                time.sleep(0.5)
        raise AssertionError(f"JupyterLab did not start:\n{self.read_log()[-3000:]}")

    def read_log(self) -> str:
        self.log.flush()
        return (self.workdir / "lab.log").read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the server ends its kernels
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def lab_dir(tmp_path_factory) -> Path:
    """A copy of notebooks/ beside links to data/ and parameters/ (the notebooks' ../)."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    for name in ("data", "parameters"):
        (root / name).symlink_to(REPO / name, target_is_directory=True)
    return root


@pytest.fixture(scope="module")
def lab(lab_dir):
    server = Lab(lab_dir)
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def driver(lab_dir):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium = require_chromium()
    chromedriver = require_chromedriver()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless",
        "--no-sandbox",  # CI runs as root, where the sandbox cannot start
        "--disable-gpu",
        "--window-size=1400,1000",
        "--force-device-scale-factor=1",
        "--lang=sv-SE",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate",
        # no host name resolves: only the lab on 127.0.0.1 can be reached
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        f"--user-data-dir={lab_dir / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    # With the driver's path given, selenium skips selenium-manager (no lookup, no download).
    service = Service(executable_path=chromedriver, log_output=str(lab_dir / "chromedriver.log"))
    browser = webdriver.Chrome(service=service, options=options)
    browser.set_page_load_timeout(60)
    try:
        yield browser
    finally:
        browser.quit()


def click_menu(driver, menu: str, label: str) -> None:
    """Click a menu of the lab's menu bar, then its item ``label``, as a person would."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    items = driver.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-item")
    [item] = [i for i in items if i.text.strip() == menu]
    item.click()

    def entry(d):
        for e in d.find_elements(By.CSS_SELECTOR, ".lm-Menu .lm-Menu-item:not(.lm-mod-disabled)"):
            labels = e.find_elements(By.CSS_SELECTOR, ".lm-Menu-itemLabel")
            if labels and labels[0].text.strip() == label and e.is_displayed():
                return e
        return False

    WebDriverWait(driver, 20).until(entry).click()


def run_all_and_save(driver, lab: Lab, name: str) -> nbformat.NotebookNode:
    """Open ``name``, Run → Run All Cells, wait, File → Save; return the saved file."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    # `make lab` serves notebooks/ itself: the notebook is at the root of the lab
    # `reset`: a fresh workspace, so no notebook of an earlier test is reopened beside it
    driver.get(f"{lab.url}/lab/tree/{name}?reset&token={lab.token}")
    wait = WebDriverWait(driver, 90)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f"{PANEL} .jp-CodeCell"))
    # This notebook is the active document, on the project kernel (as the lab's status
    # bar names it), idle and ready.
    wait.until(
        lambda d: all(
            word in d.find_element(By.CSS_SELECTOR, STATUS_BAR).text
            for word in (name, KERNEL_DISPLAY_NAME, "Idle")
        )
    )

    def session(_):
        found = [s for s in lab.api("/api/sessions") if s["path"].endswith(name)]
        return found[0] if found else False

    assert wait.until(session)["kernel"]["name"] == KERNEL_NAME

    click_menu(driver, "Run", "Run All Cells")
    code_cells = len(driver.find_elements(By.CSS_SELECTOR, f"{PANEL} .jp-CodeCell"))

    def finished(d) -> bool:
        prompts = [
            p.get_attribute("textContent").strip()
            for p in d.find_elements(By.CSS_SELECTOR, f"{PANEL} .jp-CodeCell .jp-InputPrompt")
        ]
        numbered = [p for p in prompts if p.startswith("[") and p[1:-2].isdigit()]
        return (
            len(numbered) == code_cells
            and "Idle" in d.find_element(By.CSS_SELECTOR, STATUS_BAR).text
        )

    WebDriverWait(driver, NOTEBOOK_SECONDS, poll_frequency=1).until(finished)
    path = lab.workdir / "notebooks" / name
    before = path.stat().st_mtime_ns
    click_menu(driver, "File", "Save Notebook")
    WebDriverWait(driver, 30).until(lambda d: path.stat().st_mtime_ns != before)
    return nbformat.read(path, as_version=4)


def errors_in(notebook: nbformat.NotebookNode) -> list[str]:
    found = []
    for number, cell in enumerate(notebook.cells, start=1):
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                found.append(f"cell {number}: {output.ename}: {output.evalue}")
            elif output.output_type == "stream" and output.name == "stderr":
                found.append(f"cell {number} wrote to stderr: {output.text[:300]}")
    return found


def screenshot(driver, name: str, *, check: bool = True) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    driver.save_screenshot(str(path))
    if check:
        assert path.stat().st_size > 20_000, f"{path} looks empty"
    return path


def status_text(driver) -> str:
    from selenium.webdriver.common.by import By

    bars = driver.find_elements(By.CSS_SELECTOR, STATUS_BAR)
    return bars[0].text if bars else "(no status bar)"


def test_the_lab_command_is_make_labs_with_the_project_kernel():
    command = make_lab_command()
    assert Path(command[0]).name == "jupyter" and command[1] == "lab"
    assert command[-1] == "notebooks/"
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    assert spec.display_name == KERNEL_DISPLAY_NAME
    # the project kernel runs in the project environment: the Python of this test
    assert Path(spec.argv[0]).resolve() == Path(sys.executable).resolve()


@pytest.mark.parametrize(
    ("name", "expect_html_tables", "expect_images"),
    [("report.ipynb", 20, 3), ("explore_cohort.ipynb", 2, 1)],
)
def test_notebook_runs_in_jupyterlab(lab, driver, name, expect_html_tables, expect_images):
    from selenium.webdriver.common.by import By

    try:
        notebook = run_all_and_save(driver, lab, name)
    except Exception as exc:  # keep what the browser showed, for the person reading CI
        shot = screenshot(driver, f"lab-{Path(name).stem}-failed.png", check=False)
        raise AssertionError(
            f"{name} in JupyterLab: {type(exc).__name__} {exc}; screenshot {shot}; "
            f"status bar {status_text(driver)!r}; lab log:\n{lab.read_log()[-2000:]}"
        ) from exc
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code), "a cell did not run"
    assert errors_in(notebook) == []
    assert sum(len(c.outputs) for c in code) >= len(code) - 1  # the parameters cell is quiet
    # What the evaluator sees: rendered tables and figures in the output areas, no error.
    outputs = driver.find_elements(By.CSS_SELECTOR, f"{PANEL} .jp-OutputArea-output")
    assert outputs, "no output appeared"
    assert not driver.find_elements(
        By.CSS_SELECTOR,
        f'{PANEL} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]',
    )
    tables = driver.find_elements(By.CSS_SELECTOR, f"{PANEL} .jp-OutputArea-output table")
    images = driver.find_elements(By.CSS_SELECTOR, f"{PANEL} .jp-OutputArea-output img")
    assert len(tables) >= expect_html_tables, len(tables)
    assert len(images) >= expect_images, len(images)
    screenshot(driver, f"lab-{Path(name).stem}.png")
    # the committed notebook is untouched: still without outputs
    committed = nbformat.read(REPO / "notebooks" / name, as_version=4)
    assert all(not c.get("outputs") for c in committed.cells if c.cell_type == "code")
