"""Co-responsibility clusters and the lead → support structure.

Expected values are counted by hand from the small corpora written here, or
recounted from the gold for the seeds.
"""
from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from taskgraph.analyse.clusters import (_characteristic_words, _modularity, cluster_members, cluster_tables,
                                        coordination, coordinators, unit_clusters, unit_pairs)
from taskgraph.corpus import Corpus
from taskgraph.graph import build_graph
from taskgraph.model import Assignment, DocumentInfo, Plan, Task, Unit

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "gold" / "seeds.json"


def corpus_of(spec: dict, reverse: bool = False) -> Corpus:
    """``{place: [(text, [(unit, role), …]), …]}`` → Corpus (a unit's id is
    its name, its function the name without 市)."""
    c = Corpus()
    for k, (place, tasks) in enumerate(spec.items()):
        doc = f"{k}.txt"
        plan = Plan(DocumentInfo(doc=doc, place=place))
        for n, (text, units) in enumerate(tasks, start=1):
            tid = f"一/{n}"
            plan.tasks.append(Task(doc, tid, tid, str(n), text[:4], text, n))
            for o, (name, role) in enumerate(units):
                plan.assignments.append(Assignment(doc, tid, name, role, n, o))
                c.units[(doc, name)] = Unit(f"{place}:{name}", place, name, name.lstrip("市"), names=(name,))
        c.plans.append(plan)
    if reverse:
        c.plans.reverse()
    return c


def team(lead: str, *support: str) -> list:
    return [(lead, "lead")] + [(s, "support") for s in support]


# two working groups (science: 科技/财政/税务; people: 人社/教育/卫健), one task across them
TWO_GROUPS = {"甲市": [
    ("科技金融风险补偿", team("市科技局", "市财政局", "市税务局")),
    ("科技金融贷款贴息", team("市科技局", "市财政局")),
    ("研发费用加计扣除", team("市税务局", "市科技局")),
    ("科技金融投资基金", team("市财政局", "市税务局")),
    ("人才住房子女就学", team("市人社局", "市教育局", "市卫健委")),
    ("人才就医绿色通道", team("市卫健委", "市人社局")),
    ("人才子女就学保障", team("市教育局", "市人社局")),
    ("人才公寓住房保障", team("市人社局", "市教育局", "市卫健委")),
    ("高层次人才创业资助", team("市人社局", "市科技局")),
    ("单独一项", team("市科协")),
]}


def test_unit_pairs_shared_and_newman_by_hand():
    G = build_graph(corpus_of({"甲市": [("一", team("市A局", "市B局", "市C局")), ("二", team("市A局", "市B局")),
                                        ("三", team("市D局"))]}))
    p = {(r["unit_a"], r["unit_b"]): r for r in unit_pairs(G).to_dict("records")}
    assert set(p) == {("市A局", "市B局"), ("市A局", "市C局"), ("市B局", "市C局")}  # 市D局 shares nothing
    assert (p[("市A局", "市B局")]["shared"], p[("市A局", "市B局")]["newman"]) == (2, pytest.approx(1 / 2 + 1))
    assert (p[("市A局", "市C局")]["shared"], p[("市A局", "市C局")]["newman"]) == (1, pytest.approx(1 / 2))
    assert p[("市A局", "市B局")]["weight"] == p[("市A局", "市B局")]["newman"]
    assert unit_pairs(G, weighting="shared")["weight"].tolist() == [2, 1, 1]
    with pytest.raises(ValueError):
        unit_pairs(G, weighting="jaccard")


def test_two_working_groups_are_found():
    G = build_graph(corpus_of(TWO_GROUPS))
    m = cluster_members(G)
    groups = {frozenset(g["unit"]) for _, g in m.groupby("cluster")}
    assert groups == {frozenset({"市科技局", "市财政局", "市税务局"}), frozenset({"市人社局", "市教育局", "市卫健委"})}
    assert "市科协" not in set(m["unit"])  # alone on its task: no co-responsibility
    assert m["stability"].eq(1).all() and m.attrs["places"]["甲市"]["agreement"] == 1
    c = unit_clusters(G).set_index("cluster")
    people = c.loc[c["units"].str.contains("市人社局")].iloc[0]
    assert people["n_tasks"] == 4  # 人才住房, 就医, 子女, 公寓 (高层次人才创业 names only one member)
    assert people["lead_units"] == "市人社局 (2)"
    assert "人才" in people["words"].split("、")
    science = c.loc[c["units"].str.contains("市科技局")].iloc[0]
    assert science["lead_units"] == "市科技局 (2)"
    assert "金融" in science["words"].split("、")  # whole words: 科技金融 is 科技 + 金融 to the segmenter


def test_same_clusters_whatever_the_input_order():
    a = cluster_tables(build_graph(corpus_of(TWO_GROUPS)))
    b = cluster_tables(build_graph(corpus_of(TWO_GROUPS, reverse=True)))
    for name in a:
        assert a[name].equals(b[name]), name


def test_same_clusters_whatever_the_hash_seed():
    code = ("import sys; sys.path.insert(0, %r)\n"
            "from test_clusters import *\n"
            "t = cluster_tables(build_graph(corpus_of(TWO_GROUPS)))\n"
            "print(t['cluster_units'].to_csv(), t['clusters'].to_csv())\n") % str(Path(__file__).parent)
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={"PYTHONHASHSEED": str(s), "PATH": ""}).stdout for s in (1, 2, 3)}
    assert len(outs) == 1


def test_modularity_is_networkx_modularity():
    rnd = random.Random(0)
    H = nx.gnm_random_graph(30, 80, seed=1)
    for u, v in H.edges:
        H.edges[u, v]["weight"] = rnd.random()
    x, y, w = (np.array(a) for a in zip(*H.edges(data="weight")))
    for _ in range(5):
        labels = [rnd.randrange(4) for _ in range(30)]
        part = [{n for n in H if labels[n] == k} for k in range(4) if k in labels]
        for gamma in (1.0, 0.5):
            assert _modularity(30, x, y, w, part, gamma) == pytest.approx(
                nx.community.modularity(H, part, weight="weight", resolution=gamma))


def test_louvain_is_seeded_and_leaves_global_random_alone():
    from taskgraph.analyse.clusters import _louvain, _louvain_graph

    H = nx.gnm_random_graph(60, 300, seed=2)
    x, y = (np.array(a) for a in zip(*H.edges))
    w = np.random.default_rng(0).random(len(x))
    g = _louvain_graph(60, x, y, w)
    random.seed(7)
    before = random.random()
    random.seed(7)
    runs = [_louvain(g, 1.0, s).tolist() for s in (0, 1, 0)]
    assert random.random() == before  # the global generator did not move
    assert runs[0] == runs[2]  # the same seed, the same communities
    assert runs[0] != runs[1]  # another seed visits the nodes in another order (on this graph, another result)


def test_ensemble_finds_two_cliques_and_stability_by_hand():
    from taskgraph.analyse.clusters import _louvain_ensemble

    # two 4-cliques joined by one weak edge: every run finds them
    H = nx.disjoint_union(nx.complete_graph(4), nx.complete_graph(4))
    H.add_edge(0, 4)
    H.edges[0, 4]["weight"] = 0.1
    x, y, w = (np.array(a) for a in zip(*H.edges(data="weight", default=1.0)))
    part, q, agreement, stability = _louvain_ensemble(8, x, y, w, 1.0, 5, 0)
    assert part == [(0, 1, 2, 3), (4, 5, 6, 7)]
    assert agreement == 1.0 and stability == [1.0, 1.0]
    assert q == pytest.approx(nx.community.modularity(H, [set(c) for c in part], weight="weight"))
    # a graph whose runs disagree: stability is the mean best Jaccard over the runs, computed by hand
    H = nx.gnm_random_graph(20, 40, seed=3)
    x, y = (np.array(a) for a in zip(*H.edges))
    w = np.ones(len(x))
    from taskgraph.analyse.clusters import _as_partition, _louvain, _louvain_graph

    part, _, _, stability = _louvain_ensemble(20, x, y, w, 1.0, 6, 0)
    g = _louvain_graph(20, x, y, w)
    runs = [_as_partition(_louvain(g, 1.0, s)) for s in range(6)]
    for c, st in zip(part, stability):
        expect = sum(max(len(set(c) & set(o)) / len(set(c) | set(o)) for o in run) for run in runs) / 6
        assert st == pytest.approx(expect, abs=1e-12)


def test_characteristic_words():
    texts = ["科技金融风险补偿", "科技金融贷款贴息", "人才住房", "人才就医"]
    assert _characteristic_words(texts, [[0, 1], [2, 3]], 2) == [["科技金融"], ["人才"]]


def test_coordination_by_hand():
    G = build_graph(corpus_of({"甲市": [("一", team("市A局", "市B局", "市C局")), ("二", team("市A局", "市B局")),
                                        ("三", team("市B局", "市C局"))]}))
    c = {(r["lead"], r["support"]): r["tasks"] for r in coordination(G).to_dict("records")}
    assert c == {("市A局", "市B局"): 2, ("市A局", "市C局"): 1, ("市B局", "市C局"): 1}
    k = {r["unit"]: r for r in coordinators(G).to_dict("records")}
    assert (k["市A局"]["coordinates"], k["市A局"]["coordinated_by"], k["市A局"]["lead_edges"]) == (2, 0, 3)
    assert (k["市B局"]["coordinates"], k["市B局"]["coordinated_by"], k["市B局"]["support_edges"]) == (1, 1, 2)
    assert k["市A局"]["out_centrality"] == 1.0  # coordinates both other units
    assert k["市A局"]["pagerank"] > k["市B局"]["pagerank"] > k["市C局"]["pagerank"]


def test_graph_without_edges():
    t = cluster_tables(build_graph(corpus_of({"许昌市": [("一", []), ("二", [])]})))
    assert all(df.empty for name, df in t.items() if name != "coordinators")


# ------------------------------------------------------------------ seeds
@pytest.mark.skipif(not GOLD.is_file(), reason="no ../shared/gold beside the checkout")
def test_seed_pairs_and_coordination_match_the_gold():
    """Shared tasks, Newman weights and lead → support counts, recounted from
    the gold's annotations (names as written: one spelling per unit in the
    seeds)."""
    import taskgraph

    G = build_graph(taskgraph.load([ROOT / "seeds"]))
    shared, newman, coord = Counter(), Counter(), Counter()
    for g in json.loads(GOLD.read_text(encoding="utf-8")):
        for t in g["tasks"]:
            named = sorted(set(t["lead"]) | set(t["support"]))
            for a, b in itertools.combinations(named, 2):
                shared[(g["city"], a, b)] += 1
                newman[(g["city"], a, b)] += 1 / (len(named) - 1)
            for a, b in itertools.product(t["lead"], t["support"]):
                coord[(g["city"], a, b)] += 1
    pairs = unit_pairs(G)
    got = {(r["place"], *sorted((r["unit_a"], r["unit_b"]))): r for r in pairs.to_dict("records")}
    assert set(got) == set(shared)
    for key, n in shared.items():
        assert got[key]["shared"] == n, key
        assert got[key]["newman"] == pytest.approx(newman[key]), key
    assert {(r["place"], r["lead"], r["support"]): r["tasks"] for r in coordination(G).to_dict("records")} == coord
    # e.g. Zhenhai: 区科技局 leads 9 tasks that 区经信局 supports
    assert coord[("宁波市镇海区", "区科技局", "区经信局")] == 9


def test_forked_places_give_the_same_clusters(monkeypatch):
    """Each place's Louvain ensemble and words run in forked processes for a
    large corpus: the same tables as in one process."""
    import taskgraph
    import taskgraph.analyse.clusters as clusters_module
    from taskgraph.analyse.clusters import cluster_tables
    from taskgraph.graph import build_graph

    from taskgraph.analyse._pool import fork_workers

    if fork_workers(4) < 2:
        pytest.skip("one CPU, or forking unsafe here: nothing runs in another process")
    G = build_graph(taskgraph.load())
    one = cluster_tables(G)
    monkeypatch.setattr(clusters_module, "MIN_WORK", 0)
    forked = cluster_tables(G)
    for name, table in one.items():
        assert table.equals(forked[name]), name
