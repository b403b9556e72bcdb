"""Same input → byte-identical files, whatever the process's hash seed."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def run(command: str, out: Path, hashseed: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    subprocess.run([sys.executable, "-m", "taskgraph", command, str(SEEDS), "-o", str(out), "-q"],
                   check=True, env=env, capture_output=True)
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("command", ["extract", "graph"])
def test_two_runs_write_the_same_bytes(tmp_path, command):
    first = run(command, tmp_path / "a", "1")
    second = run(command, tmp_path / "b", "2")
    assert len(first) >= 3
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], f"{name} differs between two runs"
