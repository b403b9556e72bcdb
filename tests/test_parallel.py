"""Extraction in several processes (``--jobs``): the same corpus, the same
bytes, and no document kept once its plan is extracted."""
from __future__ import annotations

import hashlib
import io
import shutil
import sys
import weakref
from pathlib import Path

import pytest

import taskgraph.read as read
from taskgraph.cli import main
from taskgraph.corpus import load, worker_count

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture
def plans(tmp_path) -> Path:
    """Three versions of the seeds in three folders (so names repeat and are
    told apart by folder), an unreadable file and an empty one in between.
    The versions differ in a word of their tasks: the same plan given twice
    would be counted once."""
    root = tmp_path / "plans"
    for folder, word in (("a", "加快"), ("b", "加速"), ("c", "加紧")):
        shutil.copytree(SEEDS, root / folder)
        for path in (root / folder).glob("*.txt"):
            path.write_text(path.read_text(encoding="utf-8").replace("加快", word), encoding="utf-8")
    (root / "b" / "broken.txt").write_bytes(bytes(range(256)) * 40)
    (root / "b" / "empty.txt").write_bytes(b"")
    return root


def checksums(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_jobs_write_the_same_bytes(plans, tmp_path, capsys):
    one, three = tmp_path / "one", tmp_path / "three"
    status_one = main(["extract", str(plans), "-o", str(one), "-j", "1"])
    err_one = capsys.readouterr().err
    status_three = main(["extract", str(plans), "-o", str(three), "-j", "3"])
    err_three = capsys.readouterr().err
    assert status_one == status_three == 1  # two files could not be read; the rest was written
    assert err_one.replace(str(one), "OUT") == err_three.replace(str(three), "OUT")
    assert checksums(one) == checksums(three)
    assert len(checksums(one)) == 7  # six tables and the manifest


def test_jobs_give_the_same_corpus(plans):
    a, b = load([plans], jobs=1), load([plans], jobs=2)
    assert a.records() == b.records()
    assert list(a.units.items()) == list(b.units.items())
    assert a.unreadable == b.unreadable == 2
    assert [p.info.doc for p in b.plans] == [f"{f}/{p.name}" for f in "abc" for p in sorted(SEEDS.glob("*.txt"))]


def test_standard_input_with_jobs(monkeypatch, plans):
    first = sorted(SEEDS.glob("*.txt"))[0]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(first.read_bytes())))  # read here, not in a worker
    corpus = load(["-", plans / "b"], jobs=2)
    assert [p.info.doc for p in corpus.plans][:2] == ["stdin.txt", first.name]
    alone = load([first]).plans[0]
    assert corpus.plans[0].tasks == [t.__class__(**{**t.__dict__, "doc": "stdin.txt"}) for t in alone.tasks]


def test_worker_count(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 4)
    assert worker_count(1, 10_000) == 1
    assert worker_count(3, 2) == 2  # never more processes than plans
    assert worker_count(None, 10) == 1  # too few plans to pay for starting processes
    assert worker_count(None, 100) == 2
    assert worker_count(None, 10_000) == 4
    assert worker_count(None, 0) == 1
    with pytest.raises(ValueError):
        worker_count(0, 10)


def test_documents_are_not_kept(monkeypatch, plans):
    """The corpus holds plans, not the documents they were read from: each
    document's lines are freed once its plan is extracted."""
    alive: list[weakref.ref] = []
    real = read.read_document

    def spy(*args, **kwargs):
        doc = real(*args, **kwargs)
        alive.append(weakref.ref(doc))
        return doc

    monkeypatch.setattr(read, "read_document", spy)
    corpus = load([plans], jobs=1)
    assert len(alive) == 12 and len(corpus.plans) == 12
    assert [ref for ref in alive if ref() is not None] == []


def test_the_readme_cluster_recipe_makes_the_same_corpus(plans):
    """README, Performance: extract_document over plan_sources in partitions
    (as Dask or Spark would run it), the results added in input order."""
    from taskgraph.corpus import Corpus, extract_document
    from taskgraph.normalise import Gazetteer
    from taskgraph.read import plan_sources, read_or_diagnose

    def extract_partition(sources):
        gazetteer = Gazetteer.load()
        return [extract_document(read_or_diagnose(path, name), gazetteer) for path, name in sources]

    sources, problems = plan_sources([str(plans), str(plans / "missing")])
    partitions = [sources[k:k + 5] for k in range(0, len(sources), 5)]
    corpus = Corpus()
    for result in [*problems, *(r for part in partitions for r in extract_partition(part))]:
        corpus.add(result)
    expected = load([plans, plans / "missing"], jobs=1)
    assert corpus.records() == expected.records() and corpus.unreadable == expected.unreadable == 3
