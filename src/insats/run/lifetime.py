"""Processes that end with their parent: :func:`die_with_parent` (standard library only).

Its own module so that the kernel template process, which imports it before it binds its
socket, and the fork server's preload import nothing heavy.
"""

from __future__ import annotations

import os
import signal
import sys

__all__ = ["die_with_parent"]

_PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGTERM) -> bool:
    """End this process with ``sig`` when its parent process dies (Linux; else no-op).

    Returns:
        Whether the request was made. When the parent is already gone (the process
        was adopted by init before the call), the process ends at once.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        parent = os.getppid()
        if libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if parent == 1 or os.getppid() != parent:  # the parent died before the request
        os.kill(os.getpid(), sig)
    return True
