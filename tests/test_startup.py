"""`taskgraph --help` must not pay for pandas, networkx or matplotlib."""
from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "networkx", "matplotlib", "scipy", "sklearn", "openpyxl", "docx", "lxml")


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
