"""Overlap between places: n-grams, the pair search, the three tables."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from taskgraph.analyse.overlap import (_similar_pairs, char_ngrams, common_cut, decode, function_matrix,
                                       matching_tasks, overlap_tables, place_similarity, task_vectors, tfidf)
from taskgraph.corpus import Corpus
from taskgraph.graph import build_graph
from taskgraph.model import Assignment, DocumentInfo, Plan, Task, Unit

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "gold" / "seeds.json"


def corpus_of(spec: dict, functions: dict | None = None) -> Corpus:
    """``{place: [(title, text, [(unit, role), …]), …]}`` → Corpus; a unit's
    function is ``functions[name]`` or the name without 市/区."""
    functions = functions or {}
    c = Corpus()
    for k, (place, tasks) in enumerate(spec.items()):
        doc = f"{k}.txt"
        plan = Plan(DocumentInfo(doc=doc, place=place))
        for n, (title, text, units) in enumerate(tasks, start=1):
            tid = f"一/{n}"
            plan.tasks.append(Task(doc, tid, tid, str(n), title, text, n))
            for o, (name, role) in enumerate(units):
                plan.assignments.append(Assignment(doc, tid, name, role, n, o))
                c.units[(doc, name)] = Unit(f"{place}:{name}", place, name, functions.get(name, name.lstrip("市区")),
                                            names=(name,))
        c.plans.append(plan)
    return c


def test_char_ngrams_stay_inside_runs_of_letters():
    counts, vocab = char_ngrams(["科技,创新2022年AI", "创新创新"], sizes=(2, 3))
    words = [decode(v) for v in vocab]
    assert "技创" not in words and "2年" not in words and "22" not in words  # punctuation and digits break runs
    assert {"科技", "创新", "ai", "年a", "年ai"} <= set(words)  # Han and Latin letters (lower-cased) run on
    row = dict(zip(words, counts.toarray()[1]))
    assert {w: n for w, n in row.items() if n} == {"创新": 2, "新创": 1, "创新创": 1, "新创新": 1}
    assert [decode(v) for v in char_ngrams(["高新技术"], sizes=(4,))[1]] == ["高新技术"]


def test_char_ngrams_in_blocks_are_the_same():
    texts = ["科技型中小企业", "高新技术企业", "", "人才引进", "科技人才"] * 3
    a, va = char_ngrams(texts)
    b, vb = char_ngrams(texts, chunk=2)
    assert (va == vb).all() and (a != b).nnz == 0


def test_tfidf_rows_are_unit_length():
    X = tfidf(char_ngrams(["科技创新", "科技金融", ""])[0])
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    assert norms == pytest.approx([1, 1, 0])


def test_common_cut():
    df = np.array([1, 1, 2, 5, 50])
    assert common_cut(df, 10, budget=1000) == 50  # 1+1+4+25+2500 = 2531 <= 10·1000: nothing left out
    assert common_cut(df, 10, budget=100) == 5  # without the 50: 31 <= 1000


def brute_force(X, group, threshold, top_k):
    S = (X @ X.T).toarray()
    n = S.shape[0]
    keep = set()
    for i in range(n):
        js = [j for j in range(n) if j != i and group[i] != group[j] and S[i, j] >= threshold - 1e-12]
        js.sort(key=lambda j: (-S[i, j], j))
        keep |= {(min(i, j), max(i, j)) for j in (js if top_k is None else js[:top_k])}
    return keep


@pytest.mark.parametrize("top_k", [None, 1, 3])
def test_similar_pairs_is_the_brute_force(top_k):
    rng = np.random.default_rng(0)
    X = sparse.random(60, 40, density=0.15, random_state=rng, format="csr")
    X = sparse.csr_matrix(X / np.maximum(np.sqrt(X.multiply(X).sum(axis=1)), 1e-12))
    group = rng.integers(0, 4, 60)
    i, j, s = _similar_pairs(X, group, 0.3, top_k, block=50)  # many small blocks
    assert set(zip(i.tolist(), j.tolist())) == brute_force(X, group, 0.3, top_k)
    assert s == pytest.approx(np.asarray(X[i].multiply(X[j]).sum(axis=1)).ravel())


SAME_AIM = {
    "甲市": [("培育科技型中小企业", "培育科技型中小企业。实施科技型中小企业评价,建立梯次培育库。",
             [("市科技局", "lead"), ("市财政局", "support")]),
            ("建设人才公寓", "建设人才公寓。为高层次人才提供住房保障。", [("市住建局", "lead")])],
    "乙市": [("壮大科技型中小企业", "壮大科技型中小企业队伍。开展科技型中小企业评价,建立培育库。",
             [("市工信局", "lead")]),
            ("培育科技型中小企业", "培育科技型中小企业。同一地区的重复任务。", [("市科技局", "lead")])],
    "丙市": [("科技型中小企业", "推动科技型中小企业梯次培育。", [])],
}


def test_matching_tasks_with_their_leads():
    m = matching_tasks(build_graph(corpus_of(SAME_AIM)))
    assert not m.empty
    assert (m["place_a"] < m["place_b"]).all()  # sides in place order, never one place twice
    by = {(r["place_a"], r["path_a"], r["place_b"], r["path_b"]): r for r in m.to_dict("records")}
    assert "人才公寓" not in " ".join(m["title_a"]) + " ".join(m["title_b"])
    r = by[("乙市", "一/1", "甲市", "一/1")]
    assert (r["lead_a"], r["lead_function_a"], r["lead_b"], r["lead_function_b"]) == (
        "市工信局", "工信局", "市科技局", "科技局")
    assert r["lead_match"] == "different"  # same task, different lead function
    assert by[("乙市", "一/2", "甲市", "一/1")]["lead_match"] == "same"
    assert {x["lead_match"] for x in by.values() if x["place_a"] == "丙市"} == {"n/a"}  # no annotation: still in
    assert m["similarity"].is_monotonic_decreasing


def test_threshold_and_top_k():
    G = build_graph(corpus_of(SAME_AIM))
    assert matching_tasks(G, threshold=0.99).empty
    def pairs(m):
        return set(zip(m["place_a"], m["path_a"], m["place_b"], m["path_b"]))

    everything = pairs(matching_tasks(G, threshold=0.0, top_k=None))
    assert len(everything) <= 2 * 2 + 2 * 1 + 2 * 1  # pairs of tasks in different places
    best = pairs(matching_tasks(G, threshold=0.0, top_k=1))
    assert best <= everything and len(best) <= 5  # at most one per task


def test_function_matrix_and_similarity_by_hand():
    spec = {
        "甲市": [("一", "培育企业", [("市科技局", "lead"), ("市财政局", "support")])],
        "乙市": [("一", "培育企业", [("市科技局", "lead"), ("市税务局", "support")])],
        "丙市": [("一", "培育企业", [("市科技局", "support")])],
        "丁市": [("一", "培育企业", [])],
    }
    G = build_graph(corpus_of(spec))
    f = function_matrix(G).set_index("function")
    assert list(f.columns) == ["n_places", "scope", "places", "丙市", "乙市", "甲市"]  # 丁市 names no unit
    assert f.loc["科技局", "scope"] == "all" and f.loc["财政局", "scope"] == f.loc["税务局", "scope"] == "unique"
    assert (f.loc["科技局", "甲市"], f.loc["科技局", "丙市"], f.loc["财政局", "乙市"]) == (1.0, 0.5, 0.0)
    s = {(r["place_a"], r["place_b"]): r for r in place_similarity(G).to_dict("records")}
    assert s[("乙市", "甲市")]["shared_functions"] == 1
    assert s[("乙市", "甲市")]["jaccard"] == pytest.approx(1 / 3)  # 科技 of 科技, 财政, 税务
    assert s[("乙市", "甲市")]["load_cosine"] == pytest.approx(1 / 1.25)  # (1, .5, 0)·(1, 0, .5) / 1.25
    assert s[("丙市", "甲市")]["load_cosine"] == pytest.approx(1 / 1.25 ** 0.5)
    assert np.isnan(s[("丁市", "甲市")]["jaccard"]) and not np.isnan(s[("丁市", "甲市")]["text_cosine"])


def test_tables_at_once_are_the_functions():
    G = build_graph(corpus_of(SAME_AIM))
    t = overlap_tables(G, threshold=0.1)
    assert t["overlap_tasks"].equals(matching_tasks(G, threshold=0.1))
    assert t["overlap_functions"].equals(function_matrix(G))
    assert t["overlap_places"].equals(place_similarity(G))


def test_budget_leaves_out_only_the_commonest_ngrams():
    texts = ["加强科技", "加强人才", "加强园区", "加强金融"]
    vocab = [decode(v) for v in char_ngrams(texts)[1]]  # titles are empty: the columns are the texts' n-grams
    common = vocab.index("加强")  # in all four texts; the 16 other n-grams are in one each
    # work: 16 n-grams of df 1, and 加强 of df 4 (16): 32 in all, for 4 texts
    assert task_vectors([""] * 4, texts, budget=8)[:, common].nnz == 4  # 32 <= 8·4: everything kept
    X = task_vectors([""] * 4, texts, budget=4)  # 16 <= 4·4 < 32: 加强 left out
    assert X[:, common].nnz == 0 and X.nnz == 16
    G = build_graph(corpus_of(SAME_AIM))
    assert matching_tasks(G, budget=10**9).equals(matching_tasks(G))  # a small corpus keeps everything anyway


def test_task_vectors_are_unit_rows():
    X = task_vectors(["标题", ""], ["正文内容", ""])
    assert np.asarray(X.multiply(X).sum(axis=1)).ravel() == pytest.approx([1, 0])


# ------------------------------------------------------------------ seeds
@pytest.fixture(scope="module")
def seed_graph():
    import taskgraph

    return build_graph(taskgraph.load([ROOT / "seeds"]))


def test_seed_matches(seed_graph):
    m = matching_tasks(seed_graph)
    titles = {(r["title_a"], r["title_b"]) for r in m.to_dict("records")}
    # the three plans that nurture 科技型中小企业 are matched, Xuchang's (no annotation) among them
    assert ("壮大科技型中小企业队伍", "实施“微成长”计划发展万家科技型中小企业") in titles
    assert ("壮大科技型中小企业队伍", "促进科技型中小企业蓬勃发展") in titles
    assert (m["lead_match"] == "n/a").sum() > 0


@pytest.mark.skipif(not GOLD.is_file(), reason="no ../shared/gold beside the checkout")
def test_seed_functions_common_to_all(seed_graph):
    """Functions named by all three annotated places, recounted from the gold
    with the shared function table (gold/functions.json)."""
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    functions = json.loads((GOLD.parent / "functions.json").read_text(encoding="utf-8"))
    function_of = {name: f for f, names in functions.items() for name in names}
    places: dict[str, set] = {}
    for g in gold:
        for t in g["tasks"]:
            for u in t["lead"] + t["support"]:
                places.setdefault(function_of[u], set()).add(g["city"])
    annotated = {g["city"] for g in gold if any(t["lead"] or t["support"] for t in g["tasks"])}
    expected_all = sum(1 for p in places.values() if p == annotated)
    expected_unique = sum(1 for p in places.values() if len(p) == 1)
    f = function_matrix(seed_graph)
    assert (f["scope"] == "all").sum() == expected_all
    assert (f["scope"] == "unique").sum() == expected_unique
    assert "许昌市" not in f.columns
