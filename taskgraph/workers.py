"""Worker processes that die with the process that started them.

taskgraph reads plans and draws figures in pools of forked processes. When
the main process goes away without closing its pool (``kill -9``, an
out-of-memory kill), a worker must not go on, nor wait for ever for work
that will never come. :func:`die_with_parent` is the initializer of every
pool: on Linux it asks the kernel to kill the worker when its parent dies
(``prctl(PR_SET_PDEATHSIG, SIGKILL)``); elsewhere, or where that call is
refused, a thread of the worker watches its parent and ends the worker once
the parent is gone. Workers never write into the output folder themselves
(they hand their results back), so nothing is written after the main
process is gone.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
import time

__all__ = ["die_with_parent", "WATCH_SECONDS"]

#: How often a worker without ``PR_SET_PDEATHSIG`` looks at its parent.
WATCH_SECONDS = 0.5

_PR_SET_PDEATHSIG = 1


def _death_signal() -> bool:
    """Ask Linux to send SIGKILL to this process when its parent dies."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int) -> None:
    while True:
        time.sleep(WATCH_SECONDS)
        if os.getppid() != parent:
            os._exit(1)


def die_with_parent(parent: int | None = None) -> None:
    """End this (worker) process as soon as its parent is gone.

    :param parent: the parent's pid (default: the current parent). Pass the
        pid the pool was made in where a worker could already have lost it.
    """
    parent = os.getppid() if parent is None else parent
    armed = _death_signal()
    if os.getppid() != parent:  # the parent died before the kernel was asked
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch, args=(parent,), name="taskgraph-parent-watch", daemon=True).start()
