"""Workers die with their parent: after ``kill -9`` of a running
``taskgraph report``, no figure worker goes on, hangs, or writes into the
output folder."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from taskgraph import workers

ROOT = Path(__file__).resolve().parents[1]

linux = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def files(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in folder.rglob("*") if p.is_file()}


def wait_for(condition, seconds: float) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` pass (a deadline for
    a hang, not a speed check)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@linux
def test_kill_9_of_a_report_leaves_no_worker_and_nothing_written_after(tmp_path):
    out = tmp_path / "out"
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))  # a cold font cut: the figures take a while
    report = subprocess.Popen([sys.executable, "-m", "taskgraph", "report", "-o", str(out), "-j", "2", "-q"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pool: list[int] = []
    try:
        assert wait_for(lambda: (out / "figures").is_dir() and any((out / "figures").iterdir()), 120), \
            "the report drew no figure"
        pool = children(report.pid)
        assert pool, "the figures are drawn by workers"
        report.send_signal(signal.SIGKILL)
        report.wait()
        at_kill = files(out)
        assert wait_for(lambda: not any(alive(pid) for pid in pool), 30), "a worker outlived its parent"
        assert files(out) == at_kill  # nothing written after the main process was gone
    finally:
        for pid in [report.pid, *pool]:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)  # this test's own processes, if the check failed
        report.wait()


def _orphan(ready: int) -> None:
    """A worker whose parent the test kills: it asks to die with it, then
    waits as a pool worker waits for work."""
    workers.die_with_parent()
    os.write(ready, b"x")
    time.sleep(600)


@linux
@pytest.mark.parametrize("death_signal", [True, False], ids=["prctl", "watching thread"])
def test_a_worker_ends_when_its_parent_dies(monkeypatch, death_signal):
    if not death_signal:
        monkeypatch.setattr(workers, "_death_signal", lambda: False)
    ready_r, ready_w = os.pipe()
    pid_r, pid_w = os.pipe()
    middle = os.fork()
    if middle == 0:  # the parent of the worker, killed below
        worker = os.fork()
        if worker == 0:
            _orphan(ready_w)
            os._exit(0)
        os.write(pid_w, str(worker).encode() + b"\n")
        time.sleep(600)
        os._exit(0)
    worker = int(os.read(pid_r, 64))
    try:
        assert os.read(ready_r, 1) == b"x"
        os.kill(middle, signal.SIGKILL)
        os.waitpid(middle, 0)
        assert wait_for(lambda: not alive(worker), 30), "the worker outlived its parent"
    finally:
        if alive(worker):
            os.kill(worker, signal.SIGKILL)
        for fd in (ready_r, ready_w, pid_r, pid_w):
            os.close(fd)
