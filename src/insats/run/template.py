"""The kernel template: one process that imports the report's modules once and forks a kernel per report.

Moved out of :mod:`insats.run.batch` so that :mod:`insats.run.runner` (one ``insats run``)
and the batch share it without importing each other. The template process imports this
module first, before it binds its socket: keep its module-level imports cheap.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from contextlib import contextmanager
from typing import Any

from insats.run.lifetime import die_with_parent

__all__ = [
    "KernelTemplate",
    "TEMPLATE_PRELOAD",
    "batch_kernel_manager",
    "single_run_kernels",
]

# Modules the kernel template imports once (missing ones are skipped): what the report
# notebook and its analysis modules import, so a forked kernel starts with them loaded.
TEMPLATE_PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "matplotlib_inline.backend_inline",
    "numpy",
    "pandas",
    "pyarrow",
    "scipy.stats",
    "scipy.optimize",
    "statsmodels.api",
    "statsmodels.stats.proportion",
    "matplotlib",
    "matplotlib.pyplot",
    "babel.numbers",
    "babel.dates",
    "insats",
    "insats.cohort",
    "insats.report.build",
    "insats.report.context",
    "insats.report.narrative",
    "insats.report.manifest",
    "insats.outcomes",
    "insats.outcomes.participants",
    "insats.outcomes.exits",
    "insats.programme.budget",
    "insats.programme.recruitment",
    "insats.socioeconomic",
    "insats.disclosure",
)


# --- the kernel template -----------------------------------------------------------------
# The kernel command: a tiny stdlib-only client (python -I -S, ~10 ms) that asks the
# template to fork a kernel, hands over its stdin/stdout/stderr, forwards signals
# (interrupt, terminate) and exits with the kernel's exit code, so that jupyter_client
# sees it as the kernel process. If the template is gone it becomes a normal kernel.
_CLIENT_SOURCE = r"""
import json, os, signal, socket, sys
if sys.platform.startswith("linux"):  # end with the worker that started us (PR_SET_PDEATHSIG)
    try:
        import ctypes
        ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)
    except Exception:
        pass
path, connection_file = sys.argv[1], sys.argv[2]
try:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
except OSError:
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", "-f", connection_file])
request = {"connection_file": os.path.abspath(connection_file), "cwd": os.getcwd(),
           "env": dict(os.environ)}
socket.send_fds(s, [json.dumps(request).encode() + b"\n"], [0, 1, 2])
reader = s.makefile("rb")
line = reader.readline()
if not line.strip().isdigit():
    sys.stderr.write("insats kernel template: no kernel (%r)\n" % line)
    os._exit(1)
pid = int(line)
def forward(signum, frame):
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass
for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1):
    signal.signal(sig, forward)
line = reader.readline()
os._exit(int(line.split()[1]) if line.startswith(b"exit ") else 1)
"""


class KernelTemplate:
    """A process that imports the report's modules once and forks a kernel per request.

    Start it before the worker pool; it stops when :meth:`close` is called or when the
    process that started it ends (its stdin pipe closes).
    """

    def __init__(self, preload: Sequence[str] = TEMPLATE_PRELOAD) -> None:
        self.preload = tuple(preload)
        self.socket_path: str = ""
        self._proc = None
        self._dir: str | None = None

    def start(self) -> KernelTemplate:

        self._dir = tempfile.mkdtemp(prefix="insats-kt-")
        self.socket_path = os.path.join(self._dir, "kernels.sock")
        code = "import sys; from insats.run.template import _template_main; _template_main(sys.argv[1:])"
        self._proc = subprocess.Popen(  # type: ignore[assignment]  # set once the template started / by the plan; stubs too narrow
            [sys.executable, "-c", code, self.socket_path, *self.preload],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C at the terminal reaches the batch, not this
        )
        # The socket is bound before the imports start, so clients may connect at once.
        deadline = time.monotonic() + 30
        while not os.path.exists(self.socket_path):
            if self._proc.poll() is not None or time.monotonic() > deadline:  # type: ignore[attr-defined]  # set once the template started / by the plan; stubs too narrow
                raise RuntimeError("the kernel template process did not start")
            time.sleep(0.01)
        return self

    def close(self) -> None:

        if self._proc is not None:
            try:
                self._proc.stdin.close()
                self._proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self._proc.kill()
                self._proc.wait()
            self._proc = None
        if self._dir:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def __enter__(self) -> KernelTemplate:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def batch_kernel_manager(socket_path: str | None = None) -> type:
    """A :class:`insats.run.kernel.ProjectKernelManager` that is safe to run in parallel.

    Every kernel gets its own absolute IPC socket names. With ``socket_path`` (a running
    :class:`KernelTemplate`) the kernels are forked from the template.
    """
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel
    from traitlets import default

    from insats.run.kernel import (  # lazy: jupyter_client stays out of the template process
        DISPLAY_NAME,
        KERNEL_NAME,
        ProjectKernelManager,
    )

    # ProjectKernelManager gives every kernel its own absolute IPC socket names.
    UniqueIpcKernelManager = ProjectKernelManager

    if socket_path is None:
        return UniqueIpcKernelManager

    argv = [sys.executable, "-I", "-S", "-c", _CLIENT_SOURCE, socket_path, "{connection_file}"]

    class TemplateKernelSpecManager(KernelSpecManager):
        def find_kernel_specs(self) -> dict[str, str]:
            return {KERNEL_NAME: ""}

        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            if not kernel_name:
                raise NoSuchKernel(kernel_name)
            return KernelSpec(
                argv=list(argv),
                display_name=DISPLAY_NAME,
                language="python",
                metadata={"debugger": False},
            )

    class TemplateKernelManager(UniqueIpcKernelManager):  # type: ignore[valid-type,misc]  # set once the template started / by the plan; stubs too narrow
        @default("kernel_spec_manager")
        def _default_template_spec_manager(self) -> KernelSpecManager:
            return TemplateKernelSpecManager(parent=self)

    return TemplateKernelManager


@contextmanager
def single_run_kernels():
    """Kernels for one ``insats run``: a template whose imports overlap the runner's work.

    The template imports pandas, statsmodels, matplotlib and insats in its own process
    while the runner checks the inputs and imports papermill, so on two or more cores the
    kernel is ready sooner than a fresh one. Set ``INSATS_KERNEL_TEMPLATE=0`` to start
    kernels the ordinary way (still with unique IPC socket names).

    Yields:
        A kernel manager class for :func:`insats.run.runner.run_report`.
    """
    usable = hasattr(os, "fork") and sys.platform != "win32"
    template = None
    if usable and os.environ.get("INSATS_KERNEL_TEMPLATE", "1") != "0":
        try:
            template = KernelTemplate().start()
        except Exception:  # ordinary kernels then: slower, same results  # noqa: BLE001
            template = None
    try:
        yield batch_kernel_manager(template.socket_path if template else None)
    finally:
        if template is not None:
            template.close()


def _template_main(argv: list[str]) -> None:  # pragma: no cover - runs in its own process  # noqa: C901
    """The template process: bind, import, then fork one kernel per client request."""
    die_with_parent()
    socket_path, preload = argv[0], argv[1:]
    # What ipykernel does before matplotlib is imported, so the forked kernel sees the
    # same backend as a fresh one.
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(socket_path)
    server.listen(128)
    for name in preload:
        try:
            importlib.import_module(name)
        except Exception:  # an optional module; the kernel imports what it needs  # noqa: BLE001
            pass
    sys.stdout.flush()
    sys.stderr.flush()

    sel = selectors.DefaultSelector()
    sel.register(server, selectors.EVENT_READ, "accept")
    sel.register(sys.stdin.fileno(), selectors.EVENT_READ, "parent")
    children: dict[int, socket.socket | None] = {}

    def reap() -> None:
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = children.pop(pid, None)
            code = os.waitstatus_to_exitcode(status)
            if code < 0:
                code = 128 - code
            if conn is not None:
                try:
                    conn.sendall(f"exit {code}\n".encode())
                except OSError:
                    pass
                sel.unregister(conn)
                conn.close()

    while True:
        for key, _ in sel.select(timeout=0.05):
            if key.data == "accept":
                conn, _ = server.accept()
                try:
                    request, fds = _read_request(conn)
                except (OSError, ValueError):
                    conn.close()
                    continue
                pid = os.fork()
                if pid == 0:
                    sel.close()
                    server.close()
                    for other in children.values():
                        if other is not None:
                            other.close()
                    _become_kernel(conn, request, fds)  # never returns
                for fd in fds:
                    os.close(fd)
                children[pid] = conn
                conn.sendall(f"{pid}\n".encode())
                sel.register(conn, selectors.EVENT_READ, pid)
            elif key.data == "parent":
                if not os.read(sys.stdin.fileno(), 4096):
                    for pid in list(children):
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except ProcessLookupError:
                            pass
                    # Exit at once: tearing down the preloaded pandas/matplotlib/statsmodels
                    # took 0.68 s that every `insats run` waited for (issue 14). The
                    # template holds no files to flush and its kernels are gone.
                    sys.stdout.flush()
                    sys.stderr.flush()
                    os._exit(0)
            else:
                # The client went away (killed by jupyter_client): end its kernel too.
                conn = key.fileobj  # type: ignore[assignment]  # set once the template started / by the plan; stubs too narrow
                try:
                    data = conn.recv(4096)
                except OSError:
                    data = b""
                if not data:
                    sel.unregister(conn)
                    conn.close()
                    children[key.data] = None
                    try:
                        os.kill(key.data, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        reap()


def _read_request(conn) -> tuple[dict[str, Any], list[int]]:  # pragma: no cover

    conn.settimeout(10)
    data, fds, _flags, _addr = socket.recv_fds(conn, 1 << 16, 3)
    while not data.endswith(b"\n"):
        more = conn.recv(1 << 16)
        if not more:
            raise ValueError("incomplete request")
        data += more
    conn.settimeout(None)
    if len(fds) != 3:
        raise ValueError("expected stdin, stdout and stderr")
    return json.loads(data), list(fds)


def _become_kernel(conn, request: dict[str, Any], fds: list[int]) -> None:  # pragma: no cover
    """In the forked child: take the client's stdio, cwd and environment; run ipykernel."""
    code = 1
    try:
        conn.close()
        os.setsid()

        die_with_parent(signal.SIGKILL)  # the template is gone: so is this kernel
        for target, fd in zip((0, 1, 2), fds, strict=True):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        if "numpy" in sys.modules:
            # A fresh process seeds numpy's global generator from the OS; so does this one.
            sys.modules["numpy"].random.seed()
        if sys.path and sys.path[0] == "":
            del sys.path[0]  # as ipykernel_launcher does; IPython adds the cwd back
        # The kernel watches its parent, the template: it ends when the template ends.
        sys.argv = [
            "ipykernel_launcher",
            "-f",
            request["connection_file"],
            f"--IPKernelApp.parent_handle={os.getppid()}",
        ]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # noqa: BLE001
        traceback.print_exc()
    finally:
        try:
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
