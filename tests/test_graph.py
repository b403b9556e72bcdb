"""The task–unit graph: networkx's bipartite convention, and its three files.

Small corpora are built by hand (model objects, no extraction), so every
expected value here is counted from the corpus written in the test.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from networkx.algorithms import bipartite

from taskgraph.corpus import Corpus
from taskgraph.graph import GRAPH_FILES, build_graph, graph_frames, graph_summary, task_nodes, unit_nodes, write_graph
from taskgraph.model import Assignment, DocumentInfo, Plan, Task, Unit

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "gold" / "seeds.json"


def corpus_of(spec: dict, ids: dict | None = None, reverse: bool = False) -> Corpus:
    """``{place: [(title, [(unit, role), …]), …]}`` → Corpus. A unit's id is
    its name (or ``ids[name]``, to give two spellings one id); its function
    is the id without the 市/区 prefix."""
    ids = ids or {}
    c = Corpus()
    for k, (place, tasks) in enumerate(spec.items()):
        doc = f"{k}.txt"
        plan = Plan(DocumentInfo(doc=doc, place=place))
        for n, (title, units) in enumerate(tasks, start=1):
            tid = f"一/{n}"
            plan.tasks.append(Task(doc, tid, tid, str(n), title, title + "。", n, deadline="2025年底"))
            for o, (name, role) in enumerate(units):
                plan.assignments.append(Assignment(doc, tid, name, role, n, o))
                uid = ids.get(name, name)
                c.units[(doc, name)] = Unit(f"{place}:{uid}", place, uid, uid.lstrip("市区"), names=(name,),
                                            collective=name.startswith("各"))
        c.plans.append(plan)
    if reverse:
        c.plans.reverse()
        for p in c.plans:
            p.assignments.reverse()
    return c


SPEC = {
    "甲市": [("培育企业", [("市科技局", "lead"), ("市财政局", "support")]),
            ("引进人才", [("市发改委", "lead"), ("市科技局", "support")]),
            ("建设平台", [("市发展改革委", "lead"), ("市科技局", "lead"), ("市科技局", "support")]),
            ("营造氛围", [])],
    "乙区": [("培育企业", [("区科技局", "lead")])],
}
IDS = {"市发改委": "市发展改革委"}


@pytest.fixture()
def G():
    return build_graph(corpus_of(SPEC, IDS))


def test_bipartite_convention(G):
    tasks, units = task_nodes(G), unit_nodes(G)
    assert len(tasks) == 5 and len(units) == 4  # 甲市: 科技局, 财政局, 发展改革委; 乙区: 科技局
    assert all(G.nodes[n]["bipartite"] == 0 for n in tasks)
    assert all(G.nodes[n]["bipartite"] == 1 for n in units)
    assert bipartite.is_bipartite_node_set(G, tasks)
    assert {d["role"] for _, _, d in G.edges(data=True)} == {"lead", "support"}
    # disconnected (two places, an unassigned task): bipartite.sets cannot tell the sides…
    assert not nx.is_connected(G)
    with pytest.raises(nx.AmbiguousSolution):
        bipartite.sets(G)
    # …so pass them: the projection onto units works unchanged
    P = bipartite.weighted_projected_graph(G, units)
    assert P.has_edge("unit:甲市:市科技局", "unit:甲市:市财政局")
    assert not P.has_edge("unit:甲市:市科技局", "unit:乙区:区科技局")  # one bureau, two places, two nodes


def test_node_attributes(G):
    t = G.nodes["task:0.txt:一/1"]
    assert (t["place"], t["doc"], t["path"], t["title"], t["deadline"]) == ("甲市", "0.txt", "一/1", "培育企业",
                                                                             "2025年底")
    u = G.nodes["unit:甲市:市科技局"]
    assert (u["unit_id"], u["name"], u["function"], u["collective"]) == ("甲市:市科技局", "市科技局", "科技局", False)


def test_two_spellings_are_one_node_named_as_the_plan_writes_most(G):
    u = G.nodes["unit:甲市:市发展改革委"]
    # 市发改委 once, 市发展改革委 once: a tie, broken by code point order (展 U+5C55 < 改 U+6539)
    assert u["names"] == "市发展改革委、市发改委"
    assert u["name"] == "市发展改革委"
    G2 = build_graph(corpus_of({"甲市": SPEC["甲市"] + [("再一项", [("市发改委", "lead")])]}, IDS))
    assert G2.nodes["unit:甲市:市发展改革委"]["name"] == "市发改委"  # now written twice


def test_lead_and_support_of_one_task_is_one_edge(G):
    e = G.edges["task:0.txt:一/3", "unit:甲市:市科技局"]
    assert (e["role"], e["roles"], e["written"]) == ("lead", "lead;support", "市科技局")
    assert G.degree("task:0.txt:一/3") == 2


def test_unassigned_task_is_an_isolated_node(G):
    assert G.degree("task:0.txt:一/4") == 0


def test_frames_follow_the_graph(G):
    tasks, units, edges = graph_frames(G)
    assert list(tasks["node"]) == task_nodes(G)
    assert list(units["node"]) == unit_nodes(G)
    # 甲市: 2 + 2 + 2 (科技局 named twice on 一/3 is one edge) + 0; 乙区: 1
    assert len(edges) == G.number_of_edges() == 7
    assert Counter(edges["role"]) == {"lead": 5, "support": 2}
    assert set(edges["task"]) <= set(tasks["node"]) and set(edges["unit"]) <= set(units["node"])


def _edges_in_graph_order(G):
    """The edges as G.edges() gives them, task end first, with their data."""
    is_task = set(task_nodes(G))
    return [((a, b) if a in is_task else (b, a)) + (d["role"], d["order"]) for a, b, d in G.edges(data=True)]


def test_frames_edges_are_in_graph_order_whichever_way_the_nodes_came(G):
    """Edges follow G.edges(): read from each task's neighbours when every
    task comes before every unit (as build_graph adds them), and from
    G.edges() itself otherwise (units first, or a task between units)."""
    import networkx as nx

    def rows(graph):
        e = graph_frames(graph)[2]
        return list(zip(e["task"], e["unit"], e["role"], e["order"]))

    assert rows(G) == _edges_in_graph_order(G)
    nodes = list(G.nodes(data=True))
    for order in (nodes[::-1], nodes[1:] + nodes[:1]):  # units first; a task after the units
        H = nx.Graph()
        H.add_nodes_from(order)
        H.add_edges_from(sorted(G.edges(data=True), key=lambda e: str(e[1])))  # another adjacency order
        assert rows(H) == _edges_in_graph_order(H)
        assert sorted(rows(H)) == sorted(rows(G))


def test_summary(G):
    rows = graph_summary(G).set_index("place").to_dict("index")
    assert rows["甲市"] == {"documents": 1, "tasks": 4, "unassigned": 1, "units": 3, "edges": 6, "lead": 4,
                           "support": 2}
    assert rows["乙区"]["edges"] == 1


def test_files_read_back(G, tmp_path):
    written = write_graph(G, tmp_path)
    assert [p.name for p in written] == list(GRAPH_FILES)
    H = nx.read_graphml(tmp_path / "graph.graphml")
    assert sorted(H.nodes) == sorted(G.nodes) and H.number_of_edges() == G.number_of_edges()
    assert H.nodes["unit:甲市:市科技局"]["function"] == "科技局"
    assert H.edges["task:0.txt:一/3", "unit:甲市:市科技局"]["roles"] == "lead;support"
    X = nx.read_gexf(tmp_path / "graph.gexf")
    assert X.number_of_nodes() == G.number_of_nodes() and X.number_of_edges() == G.number_of_edges()
    meta = ET.parse(tmp_path / "graph.gexf").getroot().find("{http://www.gexf.net/1.2draft}meta")
    assert "lastmodifieddate" not in meta.attrib  # no date: same input, same bytes
    J = nx.node_link_graph(json.loads((tmp_path / "graph.json").read_text(encoding="utf-8")), edges="edges")
    assert nx.utils.graphs_equal(J, G)


def test_same_input_same_bytes_whatever_the_order(tmp_path):
    write_graph(build_graph(corpus_of(SPEC, IDS)), tmp_path / "a")
    write_graph(build_graph(corpus_of(SPEC, IDS, reverse=True)), tmp_path / "b")
    for name in GRAPH_FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_empty_corpus(tmp_path):
    G = build_graph(Corpus())
    assert G.number_of_nodes() == 0
    assert len(write_graph(G, tmp_path)) == len(GRAPH_FILES)
    assert all(len(f) == 0 for f in graph_frames(G))


@pytest.mark.skipif(not GOLD.is_file(), reason="no ../shared/gold beside the checkout")
def test_seed_edges_are_the_gold_edges():
    """Per place, the (name as written, role) edges of the graph are the gold's."""
    import taskgraph

    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    G = build_graph(taskgraph.load([ROOT / "seeds"]))
    _, _, edges = graph_frames(G)
    for g in gold:
        expected = Counter((u, r) for t in g["tasks"] for r in ("lead", "support") for u in t[r])
        got = Counter(zip(edges.loc[edges["doc"] == g["source"], "written"],
                          edges.loc[edges["doc"] == g["source"], "role"]))
        assert got == expected, g["city"]
        assert sum(1 for n in task_nodes(G) if G.nodes[n]["doc"] == g["source"]) == len(g["tasks"])
