"""Cluster words as whole words; the Pajek and UCINET files, read back by
readers other than ours."""
from __future__ import annotations

import csv
import io

import pytest

from taskgraph.graph import build_graph, write_graph

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_clusters_helpers", Path(__file__).with_name("test_clusters.py"))
_helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_helpers)
corpus_of, team = _helpers.corpus_of, _helpers.team

rjieba = pytest.importorskip("rjieba", reason="the word segmenter rjieba is not installed")


def test_words_are_whole_words_and_set_groups_apart():
    from taskgraph.analyse.words import characteristic_words, segment

    assert segment("落实研发费用加计扣除政策") == ["研发", "费用", "加计扣除"]  # 落实, 政策: stop words
    texts = ["支持高新技术企业研发投入", "培育高新技术企业梯队", "高新技术企业认定奖励",
             "引进高层次人才住房保障", "高层次人才子女就学", "人才公寓建设"]
    words = characteristic_words(texts, [[0, 1, 2], [3, 4, 5]], 3)
    assert words[0][0] == "高新技术企业"
    assert words[1][0] == "人才" and "高层次" in words[1]
    assert not set(words[0]) & set(words[1])
    # a word of every text characterises no group
    assert characteristic_words(["科技创新甲", "科技创新乙"], [[0]], 3) == [[]]


def test_word_matrix_is_segment_of_each_text():
    import taskgraph
    from taskgraph.analyse.words import _word_matrix, segment

    texts = [t.title + "。" + t.text for p in taskgraph.load().plans for t in p.tasks]
    texts += ["", "2024年", "锦州市科技局ABC创新2号平台\n创新"]
    X, vocab = _word_matrix(texts, exclude="锦州市")
    got = [sorted(vocab[j] for j in X[i].indices) for i in range(X.shape[0])]
    want = [sorted({w for w in segment(t) if w not in "锦州市"}) for t in texts]
    assert got == want
    assert set(X.data) <= {1.0}


def test_cluster_words_of_the_seeds_are_no_fragments():
    import taskgraph
    from taskgraph.analyse.clusters import unit_clusters
    from taskgraph.analyse.words import segment

    c = unit_clusters(build_graph(taskgraph.load()))
    for words in c["words"]:
        for w in filter(None, words.split("、")):
            assert segment(w) == [w], w  # each word is one word to the segmenter


TWO = {"甲市": [("科技金融", team("市科技局", "市财政局")), ("人才住房", team("市人社局", "市科技局", "市财政局"))]}


def test_pajek_read_by_igraph(tmp_path):
    igraph = pytest.importorskip("igraph", reason="igraph is not installed")
    G = build_graph(corpus_of(TWO))
    write_graph(G, tmp_path)
    g = igraph.Graph.Read_Pajek(str(tmp_path / "graph.net"))
    assert g.vcount() == 5 and g.ecount() == 5
    # two-mode: the tasks first, then the units; labels in Chinese
    assert g.vs["type"] == [False, False, True, True, True]
    assert g.vs["name"][2:] == ["市人社局", "市科技局", "市财政局"]
    leads = sorted((g.vs[e.source]["name"], g.vs[e.target]["name"]) for e in g.es if e["weight"] == 2)
    assert leads == [("甲市 一/1 科技金融", "市科技局"), ("甲市 一/2 人才住房", "市人社局")]


def test_ucinet_dl_by_its_specification(tmp_path):
    """UCINET's DL edgelist2 format read as its manual describes it: a
    header ``DL NR= NC=``, the format, row and column labels, then
    ``row column value`` lines; ASCII only. The labels file says which key is
    which task or unit."""
    G = build_graph(corpus_of(TWO))
    write_graph(G, tmp_path)
    raw = (tmp_path / "graph.dl").read_bytes()
    raw.decode("ascii")
    lines = raw.decode("ascii").split()
    text = " ".join(lines)
    assert text.startswith("DL NR=2 NC=3 FORMAT = EDGELIST2 ROW LABELS:")
    rows = lines[lines.index("LABELS:") + 1:lines.index("COLUMN")]
    cols = lines[lines.index("COLUMN") + 2:lines.index("DATA:")]
    data = lines[lines.index("DATA:") + 1:]
    triples = [tuple(data[i:i + 3]) for i in range(0, len(data), 3)]
    assert rows == ["T1", "T2"] and cols == ["U1", "U2", "U3"]
    labels = {r["key"]: r["label"] for r in csv.DictReader(io.StringIO(
        (tmp_path / "graph-labels.csv").read_text(encoding="utf-8-sig")))}
    named = sorted((labels[r], labels[c], v) for r, c, v in triples)
    assert named == [("甲市 一/1 科技金融", "市科技局", "2"), ("甲市 一/1 科技金融", "市财政局", "1"),
                     ("甲市 一/2 人才住房", "市人社局", "2"), ("甲市 一/2 人才住房", "市科技局", "1"),
                     ("甲市 一/2 人才住房", "市财政局", "1")]


def test_words_of_a_one_word_vocabulary():
    """Every text one word, the group all texts: no odds to compare, no
    warning, no word (it does not set the group apart)."""
    import warnings

    from taskgraph.analyse.words import characteristic_words

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert characteristic_words(["创新", "创新"], [[0, 1]], 3) == [[]]
