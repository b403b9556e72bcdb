"""Load, concentration and lint, against figures counted by hand.

The small corpora are written out in each test; the seed figures are
recounted from the hand-checked gold (../shared/gold/seeds.json), never from
the code under test, with two hand-counted facts kept inline for a checkout
without the gold.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from taskgraph.analyse.lint import CHECKS, lint_graph
from taskgraph.analyse.load import gini, load_tables, place_concentration, unit_load
from taskgraph.corpus import Corpus
from taskgraph.graph import build_graph
from taskgraph.model import Assignment, DocumentInfo, Plan, Task, Unit

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "gold" / "seeds.json"


def corpus_of(spec: dict, functions: dict | None = None) -> Corpus:
    """``{place: [(title, [(unit, role), …]), …]}`` → Corpus; a unit's id is
    its name, its function ``functions[name]`` or the name without 市/区."""
    functions = functions or {}
    c = Corpus()
    for k, (place, tasks) in enumerate(spec.items()):
        doc = f"{k}.txt"
        plan = Plan(DocumentInfo(doc=doc, place=place))
        for n, (title, units) in enumerate(tasks, start=1):
            tid = f"一/{n}"
            plan.tasks.append(Task(doc, tid, tid, str(n), title, title + "。", n))
            for o, (name, role) in enumerate(units):
                plan.assignments.append(Assignment(doc, tid, name, role, n, o))
                c.units[(doc, name)] = Unit(f"{place}:{name}", place, name, functions.get(name, name.lstrip("市区")),
                                            names=(name,), collective=name.startswith("各"))
        c.plans.append(plan)
    return c


SPEC = {
    "甲市": [("一", [("市科技局", "lead"), ("市财政局", "support"), ("市经信局", "support")]),
            ("二", [("市科技局", "lead"), ("市财政局", "support")]),
            ("三", [("市财政局", "lead"), ("市科技局", "support")]),
            ("四", [])],
    "乙市": [("一", [("市科技局", "lead")]),
            ("二", [("市发改委", "lead"), ("市科技局", "support")])],
}


@pytest.fixture()
def G():
    return build_graph(corpus_of(SPEC))


def rows(df, key="unit"):
    return {(r["place"], r[key]): r for r in df.to_dict("records")}


def test_unit_load_by_hand(G):
    load = rows(unit_load(G))
    kj = load[("甲市", "市科技局")]
    assert (kj["lead"], kj["support"], kj["total"], kj["weighted"]) == (2, 1, 3, 2.5)
    assert kj["share"] == pytest.approx(3 / 4)  # the unassigned task 四 counts in the place's tasks
    assert (kj["rank"], kj["partners"]) == (1, 2)  # partners: 财政局, 经信局
    cz = load[("甲市", "市财政局")]
    assert (cz["lead"], cz["support"], cz["weighted"], cz["rank"], cz["partners"]) == (1, 2, 2.0, 2, 2)
    jx = load[("甲市", "市经信局")]
    assert (jx["lead"], jx["support"], jx["weighted"], jx["share"], jx["rank"]) == (0, 1, 0.5, 0.25, 3)
    yi = load[("乙市", "市科技局")]
    assert (yi["lead"], yi["support"], yi["share"], yi["partners"]) == (1, 1, 1.0, 1)
    assert list(unit_load(G)["place"]) == ["乙市", "乙市", "甲市", "甲市", "甲市"]  # place, then rank


def test_weights_are_settable(G):
    load = rows(unit_load(G, lead_weight=1, support_weight=1))
    assert load[("甲市", "市科技局")]["weighted"] == load[("甲市", "市财政局")]["weighted"] == 3
    assert load[("甲市", "市科技局")]["rank"] == load[("甲市", "市财政局")]["rank"] == 1  # ties share a rank
    assert rows(unit_load(G, support_weight=0))[("甲市", "市经信局")]["weighted"] == 0


def test_load_by_function_counts_a_task_once_per_function():
    G = build_graph(corpus_of({"甲市": [("一", [("市科技局", "lead"), ("市科技服务中心", "support")]),
                                        ("二", [("市科技服务中心", "support")])]},
                              functions={"市科技服务中心": "科技局"}))
    load = rows(unit_load(G, by="function"), key="function")
    f = load[("甲市", "科技局")]
    assert (f["lead"], f["support"], f["total"], f["n_units"], f["partners"]) == (1, 1, 2, 2, 0)
    assert f["units"] == "市科技局、市科技服务中心"


def test_place_concentration_by_hand(G):
    c = place_concentration(G).set_index("place").to_dict("index")
    a = c["甲市"]
    assert (a["tasks"], a["assigned"], a["units"], a["top_unit"], a["top_lead"], a["top_total"]) == (
        4, 3, 3, "市科技局", 2, 3)
    assert a["top_share"] == pytest.approx(0.75)
    assert a["top_load_share"] == pytest.approx(2.5 / 5)
    # weighted loads 0.5, 2, 2.5: 2·(1·0.5 + 2·2 + 3·2.5)/(3·5) − 4/3
    assert a["gini"] == pytest.approx(2 * 12 / 15 - 4 / 3)


def test_gini():
    assert gini([3, 3, 3]) == 0
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)
    assert gini([]) != gini([])  # NaN


LINT = {
    "甲市": [
        ("无人", []),
        ("只有配合", [("市财政局", "support")]),
        ("两个牵头", [("市科技局", "lead"), ("市人社局", "lead")]),
        ("又牵头又配合", [("市科技局", "lead"), ("市科技局", "support")]),
        ("县区牵头", [("各县(市)区政府", "lead"), ("市科技局", "support")]),
        ("很多单位", [("市科技局", "lead")] + [(f"市{c}局", "support") for c in "甲乙丙丁戊己"]),
        ("泛指", [("市科技局", "lead"), ("各有关部门", "support")]),
    ],
}


def test_lint_by_hand():
    out = lint_graph(build_graph(corpus_of(LINT)))
    found = {(r["check"], r["path"] or r["unit"]) for r in out.to_dict("records")}
    assert {x for x in found if x[0] != "only_supports"} == {
        ("no_lead", "一/1"), ("no_lead", "一/2"),
        ("several_leads", "一/3"),
        ("lead_and_support", "一/4"),
        ("collective_lead", "一/5"),
        ("many_units", "一/6"),  # seven units, more than six
        ("catch_all", "各有关部门"),
    }
    assert {u for c, u in found if c == "only_supports"} == {"市财政局", "各有关部门"} | {f"市{c}局" for c in "甲乙丙丁戊己"}
    assert list(dict.fromkeys(out["check"])) == [c for c in CHECKS if c in set(out["check"])]  # listed in order
    assert out.loc[out["check"] == "no_lead", "detail"].tolist() == ["no unit named", "supported by 市财政局"]
    assert lint_graph(build_graph(corpus_of(LINT)), max_units=7)["check"].eq("many_units").sum() == 0


def test_tables_at_once_are_the_functions(G):
    t = load_tables(G, support_weight=0.25)
    assert t["load"].equals(unit_load(G, support_weight=0.25))
    assert t["load_places"].equals(place_concentration(G, support_weight=0.25))
    assert t["lint"].equals(lint_graph(G))


def test_no_edges_at_all():
    t = load_tables(build_graph(corpus_of({"许昌市": [("一", []), ("二", [])]})))
    assert t["load"].empty
    assert t["load_places"].to_dict("records")[0]["units"] == 0
    assert list(t["lint"]["check"]) == ["no_lead", "no_lead"]


# ------------------------------------------------------------------ seeds
#: Hand-counted from the seeds' annotations (used when the gold is absent).
SEED_FACTS = {("锦州市", "市科技局"): (29, 16), ("宁波市镇海区", "区经信局"): (0, 12)}


def seed_counts() -> dict[tuple[str, str], tuple[int, int]]:
    """(place, name as written) → (tasks led, tasks supported), from the gold."""
    if not GOLD.is_file():
        return SEED_FACTS
    counts: dict = {}
    for g in json.loads(GOLD.read_text(encoding="utf-8")):
        lead = Counter(u for t in g["tasks"] for u in set(t["lead"]))
        support = Counter(u for t in g["tasks"] for u in set(t["support"]) - set(t["lead"]))
        for u in lead.keys() | support.keys():
            counts[(g["city"], u)] = (lead[u], support[u])
    return counts


@pytest.fixture(scope="module")
def seed_load():
    import taskgraph

    return rows(unit_load(build_graph(taskgraph.load([ROOT / "seeds"]))))


def test_seed_facts(seed_load):
    for key, (lead, support) in SEED_FACTS.items():
        r = seed_load[key]
        assert (r["lead"], r["support"]) == (lead, support), key


def test_seed_load_matches_the_gold(seed_load):
    expected = seed_counts()
    got = {k: (r["lead"], r["support"]) for k, r in seed_load.items()}
    if GOLD.is_file():
        assert got == expected  # every unit of every place
    else:
        assert all(got[k] == v for k, v in expected.items())
