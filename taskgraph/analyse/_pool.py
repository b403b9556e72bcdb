"""Independent pieces of an analysis (a place's Louvain ensemble, a block
of candidate pairs) in forked worker processes.

Only where forking is safe: POSIX but macOS, and this process runs a single
thread (a fork with a second thread alive can deadlock). Workers inherit
the parent's memory (large read-only arrays are set in a module global
before the pool starts, not pickled); only the pieces' arguments and results
are pickled, and results come back in input order, so the outcome is the
same as one piece after the other.
"""
from __future__ import annotations

import os
import sys
import threading
from typing import Callable, Iterable, TypeVar

__all__ = ["fork_map", "fork_workers", "MIN_WORK"]

T = TypeVar("T")
R = TypeVar("R")

#: Work (projection edges, tasks) below which an analysis stays in one process:
#: starting workers costs more than it saves.
MIN_WORK = 20_000


def fork_workers(n_items: int, workers: int | None = None) -> int:
    """Processes for ``n_items`` pieces: ``workers`` (default one per CPU,
    at most 8), never more than the pieces; 1 where forking is unsafe."""
    if not (hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1):
        return 1
    import multiprocessing

    if multiprocessing.parent_process() is not None:  # already a worker: no pool inside a pool
        return 1
    if workers is None:
        workers = min(os.cpu_count() or 1, 8)
    return max(1, min(workers, n_items))


def fork_map(func: Callable[[T], R], items: Iterable[T], workers: int | None = None) -> list[R]:
    """``[func(x) for x in items]``, in forked processes when safe and
    there is more than one piece; ``func`` must be a module-level function."""
    items = list(items)
    n = fork_workers(len(items), workers)
    if n <= 1:
        return [func(x) for x in items]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(func, items))
