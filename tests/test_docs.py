"""The README and .ci/run agree, and every command is documented."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_quick_start_has_two_commands():
    assert len(quick_start_commands()) == 2


def test_ci_runs_exactly_the_quick_start():
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line.strip() and not line.lstrip().startswith("#")]
    commands = quick_start_commands()
    # the last lines of .ci/run are the README's commands, in order, verbatim
    assert ci[-len(commands):] == commands
    assert any("python3 -m venv" in line for line in ci), ".ci/run must make a fresh virtual environment"


def _commands() -> list[str]:
    from taskgraph.cli import app
    import typer.main

    return sorted(typer.main.get_command(app).commands)


@pytest.mark.parametrize("name", _commands())
def test_every_command_is_in_the_readme(name):
    assert f"taskgraph {name}" in README


@pytest.mark.parametrize("name", _commands())
def test_every_command_has_help(name, capsys):
    from taskgraph.cli import main

    assert main([name, "--help"]) == 0
    out = capsys.readouterr().out
    assert "Example:" in out or "Usage" in out
