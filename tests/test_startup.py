"""`taskgraph --help`, and `taskgraph extract` on one plan, must not pay for
pandas, networkx or matplotlib (nor the other libraries only analyses and
reports need). Each check runs in a fresh interpreter."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY = ("pandas", "networkx", "matplotlib", "scipy", "sklearn", "openpyxl", "docx", "lxml")
SEED = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))[0]


def test_help_imports_no_heavy_module():
    code = (
        "import sys\n"
        "from taskgraph.cli import main\n"
        "rc = main(['--help'])\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
        "sys.exit(rc)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out, out


def test_import_taskgraph_is_light():
    code = (
        "import sys, taskgraph\n"
        f"print([m for m in {HEAVY + ('typer', 'rich', 'opencc')!r} if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", out


def test_extract_one_plan_imports_no_heavy_module(tmp_path):
    """End to end: read, extract, normalise and write the six files of one
    plan, as an office would, then look at what was imported."""
    code = (
        "import sys\n"
        "from taskgraph.cli import main\n"
        f"rc = main(['extract', {str(SEED)!r}, '-o', {str(tmp_path / 'out')!r}, '-q'])\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
        "sys.exit(rc)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "HEAVY []" in run.stdout, run.stdout
    assert (tmp_path / "out" / "tasks.csv").stat().st_size > 1000  # it did the work
