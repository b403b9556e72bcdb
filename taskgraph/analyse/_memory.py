"""Freed memory kept for reuse while a command runs (Linux with glibc only).

glibc hands every block of 32 MB or more back to the system as soon as it
is freed (and the top of its heap beyond 128 kB), so each large temporary
array numpy makes is memory the process touches for the first time, and
pays for page by page. On a virtual machine whose host takes back what the
guest frees (free page reporting: this project's machines, where a
gigabyte touched afresh costs some 3 s against 0.15 s for memory the
process already holds) that cost is most of the overlap tables' system
time at 100,000 tasks. Within :func:`reuse_memory` glibc keeps what is
freed for the next allocations (no mapping of large blocks of their own,
no trimming of the heap); afterwards the default limits are set again and
what is free is given back (``malloc_trim``). Nothing computed changes:
only where the allocator takes memory from.

It is a setting of the whole process, and not quite undone: once
``mallopt`` has set a limit, glibc stops adjusting its mmap threshold to
the blocks freed. So the library's functions never use it on their own;
the program that owns the process does: ``taskgraph overlap`` and
``taskgraph report`` run under it (at 100,000 tasks the overlap tables
took some 13 % less wall time and 15 % less CPU), and so does
``benchmarks/bench.py``, which times the analyses as the commands run
them. A notebook may opt in the same way::

    from taskgraph.analyse import overlap_tables, reuse_memory
    with reuse_memory():
        tables = overlap_tables(G)

Not for the cluster tables: their large work is in forked workers, whose
writes into the free memory they inherit cost as much as fresh memory,
and measured runs showed no gain.

A no-op elsewhere than glibc, inside a block already under it, or when
the environment sets glibc's malloc tunables itself.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from typing import Iterator

__all__ = ["reuse_memory"]

# mallopt parameters (malloc.h) and glibc's defaults for them
_M_TRIM_THRESHOLD, _M_MMAP_MAX = -1, -4
_DEFAULT_TRIM_THRESHOLD, _DEFAULT_MMAP_MAX = 128 * 1024, 65536
_KEEP = 2**31 - 1  # trim only beyond this much free memory at the top of the heap (2 GB): never here

_lock = threading.Lock()
_depth = 0
_libc: object = None


def _glibc():
    """glibc's ``mallopt`` and ``malloc_trim``, or None (another C library, or told not to)."""
    global _libc
    if _libc is None:
        _libc = False
        env = os.environ
        if "malloc" not in env.get("GLIBC_TUNABLES", "") and not any(k.startswith("MALLOC_") for k in env):
            try:
                import ctypes

                libc = ctypes.CDLL(None)
                libc.gnu_get_libc_version  # noqa: B018 - glibc, not another C library
                libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
                libc.malloc_trim.argtypes = [ctypes.c_size_t]
                _libc = libc
            except (OSError, AttributeError):
                pass
    return _libc or None


def _set(libc, mmap_max: int, trim_threshold: int) -> None:
    libc.mallopt(_M_MMAP_MAX, mmap_max)
    libc.mallopt(_M_TRIM_THRESHOLD, trim_threshold)


@contextmanager
def reuse_memory() -> Iterator[None]:
    """Within: memory freed is kept for reuse; after: given back."""
    global _depth
    libc = _glibc()
    with _lock:
        _depth += 1
        outer = _depth == 1
        if outer and libc is not None:
            _set(libc, 0, _KEEP)
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if outer and libc is not None:
                _set(libc, _DEFAULT_MMAP_MAX, _DEFAULT_TRIM_THRESHOLD)
                libc.malloc_trim(0)
