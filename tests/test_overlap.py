"""Overlap between places: n-grams, the pair search, the three tables."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

import taskgraph.analyse.overlap as overlap
from taskgraph.analyse.overlap import (_row_cutoffs, _similar_pairs, candidate_pairs, char_ngrams, comparison_work,
                                       decode, function_matrix, match_pairs, matching_tasks, overlap_tables,
                                       pair_similarity, place_similarity, task_vectors, tfidf)
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


@pytest.mark.parametrize("sizes", [(2, 3), (2, 3, 4), (1, 4), (3, 2)])
def test_char_ngrams_count_the_same_whichever_way(sizes):
    """Short n-grams are counted by sorting (n-gram, text) packed in 64 bits,
    long ones (or a block too large to pack) through an argsort: the same counts."""
    rng = np.random.default_rng(3)
    texts = ["".join(rng.choice(list("科技创新企业人才ab ,\n"), rng.integers(0, 40))) for _ in range(300)]
    packed, v1 = char_ngrams(texts, sizes=sizes, chunk=50)  # 50 texts: 6 bits a text, 3-grams pack
    sorted_, v2 = char_ngrams(texts, sizes=sizes, chunk=1 << 17)  # 17 bits a text: only 1-grams and 2-grams pack
    assert (v1 == v2).all() and (packed != sorted_).nnz == 0 and packed.dtype == sorted_.dtype


def test_comparison_work():
    X = sparse.csr_matrix(np.array([[1, 1, 0], [1, 0, 0], [1, 0, 1], [0, 0, 1]]))
    assert comparison_work(X) == (3 ** 2 + 1 ** 2 + 2 ** 2) / 4  # df 3, 1, 2 over 4 rows


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


def test_several_leads_joined_in_order():
    """A task's lead names in the order its edges give them, its lead
    functions sorted and distinct; a shared function makes ``partly``."""
    spec = {
        "甲市": [("培育科技型中小企业", "培育科技型中小企业。实施科技型中小企业评价。",
                 [("市科技局", "lead"), ("市财政局", "lead"), ("区科技局", "lead"), ("市税务局", "support")])],
        "乙市": [("培育科技型中小企业", "培育科技型中小企业。开展科技型中小企业评价。",
                 [("市工信局", "lead"), ("市科技局", "lead")])],
    }
    G = build_graph(corpus_of(spec, {"区科技局": "科技局"}))
    r = matching_tasks(G).iloc[0]
    assert (r["lead_a"], r["lead_function_a"]) == ("市工信局、市科技局", "工信局、科技局")
    assert (r["lead_b"], r["lead_function_b"]) == ("市科技局、市财政局、区科技局", "科技局、财政局")
    assert r["lead_match"] == "partly"


def test_threshold_and_top_k():
    G = build_graph(corpus_of(SAME_AIM))
    assert matching_tasks(G, threshold=0.99).empty
    assert matching_tasks(G).attrs["exhaustive"]  # a small corpus: every pair compared
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


def test_vectors_keep_every_ngram():
    """However common: similarities are exact at any size."""
    texts = ["加强科技", "加强人才", "加强园区", "加强金融"]
    vocab = [decode(v) for v in char_ngrams(texts)[1]]
    X = task_vectors([""] * 4, texts)
    assert X[:, vocab.index("加强")].nnz == 4 and X.nnz == 4 * 5  # 加强 and each text's own four


def test_row_cutoffs():
    rng = np.random.default_rng(0)
    M = sparse.random(400, 3000, density=0.05, format="csr", random_state=rng)
    for k in (1, 3, 16, 200):
        expected = [np.sort(M.data[a:b])[::-1][k - 1] if b - a > k else 0 for a, b in zip(M.indptr, M.indptr[1:])]
        assert _row_cutoffs(M.indptr, M.data, k).tolist() == expected


@pytest.mark.parametrize("values", ["ascending", "ties", "float32"])
def test_row_cutoffs_of_long_rows(values):
    """Rows longer than the sample the lower bound is taken from: the
    largest values last, many equal values and zeros, single precision."""
    rng = np.random.default_rng(1)
    lengths = rng.integers(0, 2000, 60)
    ptr = np.r_[0, np.cumsum(lengths)]
    v = {"ascending": np.sort(rng.random(ptr[-1])), "ties": rng.integers(0, 4, ptr[-1]).astype(float),
         "float32": rng.random(ptr[-1]).astype(np.float32)}[values]
    for k in (1, 12, 127, 129, 1500):
        expected = [np.sort(v[a:b])[::-1][k - 1] if b - a > k else 0 for a, b in zip(ptr, ptr[1:])]
        assert _row_cutoffs(ptr, v, k).tolist() == expected
        assert _row_cutoffs(ptr, v, k, sample=8).tolist() == expected


def random_unit_rows(n=80, m=60, seed=0):
    rng = np.random.default_rng(seed)
    X = sparse.random(n, m, density=0.12, random_state=rng, format="csr")
    return sparse.csr_matrix(X / np.maximum(np.sqrt(X.multiply(X).sum(axis=1)), 1e-12)), rng.integers(0, 4, n)


def test_candidates_with_every_ngram_and_partner_are_every_pair():
    X, group = random_unit_rows()
    i, j = candidate_pairs(X, group, heavy=10**6, candidates=10**6)
    S = (X @ X.T).toarray()
    expected = {(a, b) for a in range(len(group)) for b in range(a + 1, len(group))
                if group[a] != group[b] and S[a, b] > 0}
    assert set(zip(i.tolist(), j.tolist())) == expected
    assert pair_similarity(X, i, j) == pytest.approx(S[i, j])


def test_candidates_are_a_rows_best_on_its_heaviest_ngrams():
    X, group = random_unit_rows(seed=1)
    i, j = candidate_pairs(X, group, heavy=3, candidates=2)
    pairs = set(zip(i.tolist(), j.tolist()))
    assert all(group[a] != group[b] and a < b for a, b in pairs)
    partners = {}
    for a, b in pairs:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    heavy = overlap._heaviest(X, 3)
    A = (heavy @ heavy.T).toarray()
    for a in range(X.shape[0]):  # each row's two best partners (on its heaviest n-grams) are candidates
        best = [b for b in np.argsort(-A[a], kind="stable") if group[b] != group[a] and A[a, b] > 0][:2]
        assert set(best) <= partners.get(a, set())


@pytest.mark.parametrize("top_k", [None, 1, 3])
def test_candidate_matching_is_exact_with_every_candidate(top_k):
    """Above the budget, with every n-gram and partner a candidate, the
    matching is the exhaustive one: same pairs, same similarities."""
    X, group = random_unit_rows(seed=2)
    i, j, s, everything = match_pairs(X, group, 0.2, top_k)
    a, b, t, candidates = match_pairs(X, group, 0.2, top_k, budget=0, heavy=10**6, candidates=10**6)
    assert everything and not candidates
    assert (i == a).all() and (j == b).all() and t == pytest.approx(s)
    assert set(zip(i.tolist(), j.tolist())) == brute_force(X, group, 0.2, top_k)


@pytest.mark.parametrize("chunk", [3, 10_000])
def test_task_vectors_are_the_two_sides_tfidf_side_by_side(monkeypatch, chunk):
    """Built in one piece, the vectors are, to the last bit, the titles'
    TF-IDF and the texts' (each side to unit length) side by side, each
    row then to unit length."""
    monkeypatch.setattr(overlap, "_CHUNK", chunk)
    rng = np.random.default_rng(3)
    chars = list("科技创新企业平台人才金融园区加强推进") + ["ab", "2024", "，", "\n"]
    titles = ["".join(rng.choice(chars, rng.integers(0, 6))) for _ in range(40)]
    texts = ["".join(rng.choice(chars, rng.integers(0, 30))) for _ in range(40)]
    X = task_vectors(titles, texts)
    expected = overlap._unit_rows(sparse.hstack([tfidf(char_ngrams(titles)[0]), tfidf(char_ngrams(texts)[0])],
                                                format="csr"))
    assert X.shape == expected.shape
    assert (X.indptr == expected.indptr).all() and (X.indices == expected.indices).all()
    assert (X.data == expected.data).all()


def test_forked_task_vectors_are_the_same_to_the_last_bit(monkeypatch):
    """For a large corpus the blocks are mapped, weighted and scaled by
    forked workers writing into memory shared with the caller: the same
    matrix, bit for bit, as in one process, and in the caller's own memory
    afterwards (a later fork must not share writes with it)."""
    from taskgraph.analyse._pool import fork_workers

    if fork_workers(4) < 2:
        pytest.skip("one CPU, or forking unsafe here: nothing runs in another process")
    monkeypatch.setattr(overlap, "_CHUNK", 7)
    rng = np.random.default_rng(5)
    chars = list("科技创新企业平台人才金融园区加强推进") + ["ab", "2024", "，", "\n"]
    titles = ["".join(rng.choice(chars, rng.integers(0, 6))) for _ in range(60)]
    texts = ["".join(rng.choice(chars, rng.integers(0, 30))) for _ in range(60)]
    one = task_vectors(titles, texts)
    monkeypatch.setattr(overlap, "MIN_WORK", 0)
    forked = task_vectors(titles, texts)
    assert one.shape == forked.shape
    assert (one.indptr == forked.indptr).all() and (one.indices == forked.indices).all()
    assert (one.data == forked.data).all()
    import os

    pid = os.fork()  # a child writing into the matrix does not change the caller's
    if pid == 0:
        forked.data[:] = -1.0
        forked.indices[:] = 0
        os._exit(0)
    os.waitpid(pid, 0)
    assert (one.data == forked.data).all() and (one.indices == forked.indices).all()


@pytest.mark.parametrize("chunk", [4, 10_000])
def test_task_vectors_document_frequencies_are_the_columns_rows(monkeypatch, chunk):
    """The document frequencies task_vectors sums from its blocks (and the
    matching takes instead of counting again) are the rows using each column."""
    monkeypatch.setattr(overlap, "_CHUNK", chunk)
    titles = ["科技创新", "", "人才 引进", "金融", "科技金融"] * 3
    texts = ["加强科技创新平台建设", "人才", "", "金融风险补偿", "科技金融 ab"] * 3
    X, df = overlap._task_vectors(titles, texts)
    assert (df == np.bincount(X.indices, minlength=X.shape[1])).all()
    assert comparison_work(X, df) == comparison_work(X)


def test_task_vectors_are_unit_rows():
    X = task_vectors(["标题", ""], ["正文内容", ""])
    assert np.asarray(X.multiply(X).sum(axis=1)).ravel() == pytest.approx([1, 0])


# ------------------------------------------------------------------ seeds
@pytest.fixture(scope="module")
def seed_graph():
    import taskgraph

    return build_graph(taskgraph.load([ROOT / "seeds"]))


def test_seed_candidates_find_what_every_pair_finds(seed_graph):
    """The seeds compared through candidates, with every n-gram and partner
    a candidate: the exhaustive table; with the defaults: most of it."""
    exhaustive = matching_tasks(seed_graph, threshold=0.0, top_k=None)
    assert exhaustive.attrs["exhaustive"]
    everything = matching_tasks(seed_graph, threshold=0.0, top_k=None, budget=0, heavy_ngrams=10**6,
                                candidates=10**6)
    assert not everything.attrs["exhaustive"]
    pd.testing.assert_frame_equal(everything, exhaustive, check_exact=False, rtol=1e-12)
    top = matching_tasks(seed_graph)
    found = matching_tasks(seed_graph, budget=0)
    key = ["place_a", "path_a", "place_b", "path_b"]
    assert len(found.merge(top, on=key)) >= 0.8 * len(top)


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


def test_place_similarity_the_same_for_many_ngrams(seed_graph, monkeypatch):
    """Past a size the places' summed vectors are multiplied another way
    (dense blocks of the shared n-grams): the same similarities."""
    small = place_similarity(seed_graph)
    monkeypatch.setattr(overlap, "_LARGE", 0)
    pd.testing.assert_frame_equal(place_similarity(seed_graph), small, check_exact=False, rtol=1e-10)


def test_forked_blocks_give_the_same_pairs(monkeypatch):
    """Candidate blocks, cutoffs and re-scoring run in forked processes for a
    large corpus: the same pairs and similarities as in one process."""
    from taskgraph.analyse._pool import fork_workers

    if fork_workers(4) < 2:
        pytest.skip("one CPU, or forking unsafe here: nothing runs in another process")
    X, group = random_unit_rows(n=300, m=120, seed=4)
    one = match_pairs(X, group, 0.1, 3, budget=0, heavy=8, candidates=5)
    monkeypatch.setattr(overlap, "MIN_WORK", 0)
    forked = match_pairs(X, group, 0.1, 3, budget=0, heavy=8, candidates=5)
    assert all((a == b).all() for a, b in zip(one[:3], forked[:3]))


def test_forked_ngram_blocks_give_the_same_counts(monkeypatch):
    """The n-grams are counted block by block, in forked processes for a
    large corpus: the same counts and vocabulary as in one process."""
    from taskgraph.analyse._pool import fork_workers

    if fork_workers(4) < 2:
        pytest.skip("one CPU, or forking unsafe here: nothing runs in another process")
    texts = ["科技创新平台建设", "人才引进 AI 计划", "", "科技金融风险补偿资金", "创新创业"] * 9
    one, vocab = char_ngrams(texts, chunk=7)
    monkeypatch.setattr(overlap, "MIN_WORK", 0)
    forked, vocab2 = char_ngrams(texts, chunk=7)
    assert (vocab == vocab2).all() and (one != forked).nnz == 0 and one.dtype == forked.dtype


def test_no_pool_inside_a_worker():
    """A piece run in a forked worker that itself maps pieces runs them in
    its own process: no pool is started inside a pool."""
    from taskgraph.analyse._pool import fork_map, fork_workers

    if fork_workers(4) < 2:
        pytest.skip("one CPU, or forking unsafe here")
    assert fork_map(_workers_seen, [4, 4], workers=2) == [1, 1]


def _workers_seen(n):
    from taskgraph.analyse._pool import fork_workers

    return fork_workers(n)


def test_function_load_is_unit_load_by_function(seed_graph):
    """The function × place load is counted from the edges directly: the
    same numbers as unit_load's ``weighted`` by function, to the bit."""
    from taskgraph.analyse.load import unit_load
    from taskgraph.graph import graph_frames

    for lw, sw in ((1.0, 0.5), (1.0, 1.0), (1.0, 0.0)):
        load = unit_load(seed_graph, by="function", lead_weight=lw, support_weight=sw)
        wide = load.pivot_table(index="function", columns="place", values="weighted", aggfunc="sum", fill_value=0.0)
        expected = wide.reindex(columns=sorted(wide.columns), fill_value=0.0).sort_index()
        got = overlap._function_load(graph_frames(seed_graph), lw, sw)
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
