"""The bundled seeds against the hand-checked gold (../shared/gold/seeds.json).

Skipped when the shared folder is not beside the checkout. The matching
follows score.py: a gold task is found when a task of the same document has
a text starting with the gold text_start (NFKC, white space removed).
"""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

import taskgraph

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "gold" / "seeds.json"
pytestmark = pytest.mark.skipif(not GOLD.is_file(), reason="no ../shared/gold beside the checkout")


def norm(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s or "").split())


@pytest.fixture(scope="module")
def corpus():
    return taskgraph.load([ROOT / "seeds"])


@pytest.fixture(scope="module")
def gold():
    return json.loads(GOLD.read_text(encoding="utf-8"))


def test_every_gold_task_and_edge(corpus, gold):
    plans = {p.info.doc: p for p in corpus.plans}
    for g in gold:
        plan = plans[g["source"]]
        edges: dict[str, set] = {}
        for a in plan.assignments:
            edges.setdefault(a.task_id, set()).add((norm(a.unit), a.role))
        used: set[str] = set()
        for gt in g["tasks"]:
            start = norm(gt["text_start"])
            hit = next((t for t in plan.tasks if t.task_id not in used and norm(t.text).startswith(start)), None)
            assert hit is not None, f"{g['source']}: task not found: {gt['text_start']}"
            used.add(hit.task_id)
            want = {(norm(u), "lead") for u in gt["lead"]} | {(norm(u), "support") for u in gt["support"]}
            assert edges.get(hit.task_id, set()) == want, (g["source"], gt["text_start"])
            if gt.get("path"):
                assert hit.path == gt["path"]
        extra = [t.task_id for t in plan.tasks if t.task_id not in used and t.task_id in edges]
        assert extra == [], f"{g['source']}: tasks not in the gold: {extra}"


def test_place_and_title(corpus, gold):
    info = {p.info.doc: p.info for p in corpus.plans}
    for g in gold:
        assert info[g["source"]].place == g["city"]
        assert norm(info[g["source"]].title) == norm(g["title"])
