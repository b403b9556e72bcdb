"""Independent pieces of an analysis (a place's Louvain ensemble, a block
of candidate pairs) in forked worker processes.

Only where forking is safe: POSIX but macOS, and this process runs a single
thread (a fork with a second thread alive can deadlock). Workers inherit
the parent's memory (large read-only arrays are set in a module global
before the pool starts, not pickled); only the pieces' arguments and results
are pickled, and results come back in input order, so the outcome is the
same as one piece after the other.

:func:`fork_ahead` starts one independent step (the places' similarity)
in a forked child while the caller goes on (the task matching), in the CPU
time the caller's steps in one process leave idle. Its result is the one the
step gives in the caller.
"""
from __future__ import annotations

import os
import sys
import threading
from typing import Callable, Iterable, TypeVar

__all__ = ["fork_map", "fork_workers", "fork_ahead", "Ahead", "MIN_WORK"]

T = TypeVar("T")
R = TypeVar("R")

#: CPU priority (nice) of a :func:`fork_ahead` child: the lowest, so that it
#: takes the CPU time the caller leaves idle rather than the caller's.
AHEAD_NICE = 19

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


class Ahead:
    """The result of ``func(arg)``, worked out by :func:`fork_ahead` in a
    forked child while the caller goes on, or here when :meth:`result` is
    asked for. Use it as a context manager, so that a child whose result is
    not needed (the caller failed) is stopped, not left running."""

    def __init__(self, func: Callable[[T], R], arg: T, fork: bool):
        self._func, self._arg = func, arg
        self._child = self._conn = None
        if fork:
            import multiprocessing

            ctx = multiprocessing.get_context("fork")
            self._conn, send = ctx.Pipe(duplex=False)
            # (a plain forked process: no thread is started here, so fork_map can still fork meanwhile)
            self._child = ctx.Process(target=_ahead, args=(send, func, arg), daemon=True)
            self._child.start()
            send.close()

    def result(self) -> R:
        """``func(arg)``: the child's answer, or worked out here if there is
        no child or it died without answering (killed, out of memory). An
        exception raised by ``func`` in the child is raised here."""
        answer = None
        if self._child is not None:
            try:
                answer = self._conn.recv()
            except (EOFError, OSError):  # the child died without answering
                pass
            self.close()
        if answer is None:
            return self._func(self._arg)
        ok, value = answer
        if not ok:
            raise value
        return value

    def close(self) -> None:
        """Stop the child (if any) and release it."""
        if self._child is not None:
            if self._child.is_alive():
                self._child.terminate()
            self._child.join()
            self._child.close()
            self._conn.close()
            self._child = self._conn = None

    def __enter__(self) -> "Ahead":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def fork_ahead(func: Callable[[T], R], arg: T, fork: bool = True) -> Ahead:
    """Start ``func(arg)`` in a forked child and return at once;
    :meth:`Ahead.result` gives its result. For a step that does not depend
    on what the caller does meanwhile in one process: the child runs at the
    lowest CPU priority, so that it takes the CPU time the caller leaves idle
    rather than the caller's, and it has the CPUs to itself once the caller
    waits for it. The argument is inherited, not pickled; the result is
    pickled back.

    The child is forked only if ``fork`` (the caller's judgement that the
    step is worth a process), forking is safe and there are two CPUs or
    more; otherwise ``func(arg)`` runs here when its result is asked for.
    ``func`` must be a module-level function."""
    return Ahead(func, arg, fork=fork and fork_workers(2) >= 2)


def _ahead(conn, func, arg) -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's: it stops this child
    try:
        os.nice(AHEAD_NICE)  # the idle CPU time only, while the caller works
    except OSError:
        pass
    try:
        answer = (True, func(arg))
    except Exception as exc:  # (pickled back and raised in the caller)
        answer = (False, exc)
    try:
        try:
            conn.send(answer)
        except Exception:  # the answer would not pickle: the caller works it out itself
            conn.send(None)
    except Exception:  # the caller is gone
        pass
    finally:
        conn.close()
