"""The project's own Jupyter kernel: the Python running insats, whatever the machine has.

papermill's classic failures — "No such kernel named python3", or a kernel that runs
another Python without insats installed — cannot happen: the kernel spec is made here,
from ``sys.executable``, and never looked up among the machine's kernels. Kernels talk
over IPC sockets by default, so parallel runs cannot race for TCP ports (papermill
issue 511).
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel
from jupyter_client.manager import AsyncKernelManager
from traitlets import default

KERNEL_NAME = "insats"
DISPLAY_NAME = "insats (project environment)"


def project_kernel_spec() -> KernelSpec:
    """A kernel spec that runs ipykernel in this very Python environment."""
    return KernelSpec(
        argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        display_name=DISPLAY_NAME,
        language="python",
        metadata={"debugger": False},
    )


class ProjectKernelSpecManager(KernelSpecManager):
    """Knows exactly one kernel: the project's."""

    def find_kernel_specs(self) -> dict[str, str]:
        return {KERNEL_NAME: ""}

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        # Any name maps to the project kernel: a notebook saved on another machine with
        # "python3" in its metadata still runs in the project environment.
        if not kernel_name:
            raise NoSuchKernel(kernel_name)
        return project_kernel_spec()


class ProjectKernelManager(AsyncKernelManager):
    """An async kernel manager that starts the project kernel, over IPC on POSIX."""

    @default("kernel_spec_manager")
    def _default_project_spec_manager(self) -> KernelSpecManager:
        return ProjectKernelSpecManager(parent=self)

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc" if sys.platform != "win32" else "tcp"

    @default("ip")
    def _default_unique_ip(self) -> str:
        # jupyter_client's default IPC name is the relative "kernel-ipc": kernels of
        # notebooks run from the same folder would bind the same socket files
        # "kernel-ipc-1" … "-5". An absolute, unique name per kernel cannot collide.
        if self.transport == "ipc":
            return os.path.join(tempfile.gettempdir(), f"insats-kernel-{uuid.uuid4().hex[:16]}")
        return "127.0.0.1"

    async def _async_interrupt_kernel(self) -> None:
        # jupyter_client interrupts (SIGINT) every kernel before it asks it to shut down;
        # an idle ipykernel then logs "KeyboardInterrupt caught in kernel" on the
        # evaluator's terminal, which reads like a failure. A kernel that is shutting
        # down has nothing to interrupt: a busy one (a cell past its timeout) is still
        # asked to shut down and killed when it does not.
        if self.shutting_down:
            return
        await super()._async_interrupt_kernel()

    interrupt_kernel = _async_interrupt_kernel
