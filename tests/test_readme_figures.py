"""The figures and the 分工表 cut shown in the README are those of the current seeds.

When this fails, extraction or analysis changed what they show: run
``python docs/readme_figures.py``, look at the new figures, commit them.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIG = ROOT / "docs" / "figures"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("readme_figures", ROOT / "docs" / "readme_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def data(script):
    import taskgraph

    return json.loads(json.dumps(script.figure_data(taskgraph.load([ROOT / "seeds"])), ensure_ascii=False))


def test_figure_data_is_current(data):
    committed = json.loads((FIG / "source.json").read_text(encoding="utf-8"))
    for key in ("load-锦州市", "matrix", "network-锦州市", "division"):
        assert data[key] == committed[key], f"{key} changed: run python docs/readme_figures.py"


def test_readme_shows_the_current_division_table(data):
    assert data["division"] in (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_figures_exist_and_are_pngs(script):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in script.FIGURES:
        assert (FIG / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert f"docs/figures/{name}" in readme
