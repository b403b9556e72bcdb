"""The plans with hand-checked answers, laid out as real plans come: the four
seeds with every line break lost (a crawled page; joined with nothing and with
spaces), and seeds and dev set in full-width and half-width punctuation. The
tasks and edges must not change: the answers are the team's gold files.
"""
from __future__ import annotations

import importlib.util
import io
from contextlib import redirect_stdout
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FULL = str.maketrans({"(": "（", ")": "）", ",": "，", ":": "：", ";": "；"})
HALF = str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":", "；": ";"})

VARIANTS = {
    "one line": lambda t: "".join(line.strip() for line in t.splitlines()),
    "one line, spaces": lambda t: " ".join(line.strip() for line in t.splitlines()),
    "full width": lambda t: t.translate(FULL),
    "half width": lambda t: t.translate(HALF),
}

pytestmark = pytest.mark.skipif(not (SHARED / "score.py").is_file(), reason="no ../shared beside the checkout")


def score(out: Path, gold: Path) -> tuple[float, int]:
    spec = importlib.util.spec_from_file_location("score", SHARED / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    printed = io.StringIO()
    with redirect_stdout(printed):
        module.score(str(out), [str(gold)], 20)
    lines = printed.getvalue().splitlines()
    return float(lines[-1].split("=")[1]), int(lines[-2].split()[2].split("/")[0])


def extract(texts: Path, variant: str, tmp: Path) -> Path:
    from taskgraph.cli import main

    folder = tmp / "in"
    folder.mkdir()
    for path in sorted(texts.glob("*.txt")):
        (folder / path.name).write_text(VARIANTS[variant](path.read_text(encoding="utf-8")), encoding="utf-8")
    out = tmp / "out"
    assert main(["extract", str(folder), "-o", str(out), "--quiet"]) in (0, 1)
    return out


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_seeds_in_every_layout(tmp_path, variant):
    f1, found = score(extract(ROOT / "seeds", variant, tmp_path), SHARED / "gold" / "seeds.json")
    assert (f1, found) == (1.0, 107)


@pytest.mark.parametrize("variant", ["full width", "half width"])
def test_devset_in_either_width(tmp_path, variant):
    f1, found = score(extract(SHARED / "devset" / "texts", variant, tmp_path), SHARED / "devset" / "gold.json")
    assert (f1, found) == (1.0, 119)
