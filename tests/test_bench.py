"""The benchmark measures real work: its synthetic corpora read like plans.

(Speed is measured by ``benchmarks/bench.py`` itself, never here.)
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import taskgraph

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench.py"


def bench():
    spec = importlib.util.spec_from_file_location("bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_synthetic_plans_are_extracted_like_plans(tmp_path):
    b = bench()
    files = b.make_corpus(tmp_path, 6)
    assert len(files) == 6
    corpus = taskgraph.load([tmp_path])
    assert len(corpus.plans) == 6 and not corpus.unreadable
    assert all(p.tasks and p.assignments for p in corpus.plans)  # every plan keeps annotated sections
    assert len({p.info.place for p in corpus.plans}) > 1  # places renamed
    assert not {"锦州", "许昌", "廊坊", "宁波"} & {p.info.place[:2] for p in corpus.plans}
    floor = b.floor_scan([str(f) for f in files])
    assert floor["markers"] >= sum(len(p.assignments) > 0 for p in corpus.plans)


def test_scale_corpus_has_the_size_asked():
    corpus = bench().scale_corpus(2_000, 200)
    assert sum(len(p.tasks) for p in corpus.plans) == 2_000
    assert len({u.unit_id for u in corpus.units.values()}) == 200
    assert all(any(a.role == "lead" for a in p.assignments) for p in corpus.plans)
