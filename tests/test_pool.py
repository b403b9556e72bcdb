"""fork_ahead: a step worked out in a forked child while the caller goes on.

Each test can fail: the child's answer is told apart from the caller's by
the process it ran in, and a child that died, raised or gave an answer that
does not pickle must still give the caller the step's result.
"""
from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from taskgraph.analyse._pool import fork_ahead, fork_map, fork_workers

PARENT = os.getpid()

needs_fork = pytest.mark.skipif(fork_workers(2) < 2, reason="one CPU, or forking unsafe here")


def _where(x):
    return (x * 2, os.getpid(), os.getpriority(os.PRIO_PROCESS, 0))


def _fail(x):
    raise ValueError(f"bad {x}")


def _die_in_child(x):
    if os.getpid() != PARENT:
        os.kill(os.getpid(), signal.SIGKILL)
    return x + 1


def _unpicklable_in_child(x):
    return (lambda: x) if os.getpid() != PARENT else ("here", x)


def _sleep(x):
    time.sleep(x)
    return x


def _square(x):
    return x * x


@needs_fork
def test_the_step_runs_in_a_child_at_the_lowest_priority():
    with fork_ahead(_where, 21) as ahead:
        value, pid, nice = ahead.result()
    assert value == 42
    assert pid != os.getpid()
    assert nice == 19


def test_without_forking_the_step_runs_here_when_asked():
    with fork_ahead(_where, 21, fork=False) as ahead:
        value, pid, _ = ahead.result()
    assert (value, pid) == (42, os.getpid())


@needs_fork
def test_an_exception_in_the_child_is_raised_in_the_caller():
    with fork_ahead(_fail, 3) as ahead:
        with pytest.raises(ValueError, match="bad 3"):
            ahead.result()


@needs_fork
def test_a_child_that_dies_leaves_the_work_to_the_caller():
    with fork_ahead(_die_in_child, 1) as ahead:
        assert ahead.result() == 2


@needs_fork
def test_an_answer_that_does_not_pickle_is_worked_out_here():
    with fork_ahead(_unpicklable_in_child, 5) as ahead:
        assert ahead.result() == ("here", 5)


@needs_fork
def test_leaving_early_stops_the_child():
    with fork_ahead(_sleep, 60) as ahead:
        pid = ahead._child.pid
        os.kill(pid, 0)  # running
    with pytest.raises(ProcessLookupError):  # stopped and reaped, not left running
        os.kill(pid, 0)


@needs_fork
def test_workers_can_still_fork_while_the_child_works():
    with fork_ahead(_sleep, 0.5) as ahead:
        assert threading.active_count() == 1  # no thread was started for the child
        assert fork_workers(2) >= 2
        assert fork_map(_square, [1, 2, 3], workers=2) == [1, 4, 9]
        assert ahead.result() == 0.5


@needs_fork
def test_overlap_tables_are_the_same_with_the_place_similarity_ahead(monkeypatch):
    import taskgraph
    from taskgraph.analyse import overlap
    from taskgraph.graph import build_graph

    G = build_graph(taskgraph.load())
    monkeypatch.setattr(overlap, "MIN_WORK", 10 ** 12)  # all in this process
    here = overlap.overlap_tables(G)
    monkeypatch.setattr(overlap, "MIN_WORK", 0)  # the place similarity in a child (and workers)
    children = []
    real = overlap.fork_ahead

    def spy(func, arg, fork=True):
        ahead = real(func, arg, fork)
        children.append(ahead._child is not None)
        return ahead

    monkeypatch.setattr(overlap, "fork_ahead", spy)
    ahead = overlap.overlap_tables(G)
    assert children == [True]
    for name, table in here.items():
        assert table.equals(ahead[name]), name
