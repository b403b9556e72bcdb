"""The test of chance for unit pairs, the modularity test and unit roles.

Answers come from the definitions worked by hand on small graphs (a star, two
cliques joined by one task, a catch-all unit on every task), or from an
independent Monte Carlo of the same model.
"""
from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest

from taskgraph.analyse.backbone import bh_adjust, fit_bicm, pair_pvalues
from taskgraph.analyse.clusters import cluster_members, cluster_places, cluster_tables, unit_pairs
from taskgraph.analyse.roles import core_periphery
from taskgraph.graph import build_graph

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_clusters_helpers", Path(__file__).with_name("test_clusters.py"))
_helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_helpers)
corpus_of, team = _helpers.corpus_of, _helpers.team


def test_bicm_reproduces_the_degrees():
    rng = np.random.default_rng(3)
    B = (rng.random((40, 15)) < rng.random(15) * 0.6).astype(int)
    B = B[B.sum(1) > 0][:, B[B.sum(1) > 0].sum(0) > 0]
    tc, uc, P = fit_bicm(B.sum(1), B.sum(0))
    full = P[tc][:, uc]
    assert np.allclose(full.sum(0), B.sum(0), atol=1e-6)
    assert np.allclose(full.sum(1), B.sum(1), atol=1e-6)
    # equal degrees, equal probabilities (the degree classes)
    assert len(set(tc.tolist())) == len(set(B.sum(1).tolist()))


def test_bicm_finished_by_root_finding_reproduces_the_degrees():
    """Where the fixed-point iteration has not converged, scipy.optimize
    finishes the fit (imported only then): the degrees still come out."""
    from taskgraph.analyse import backbone

    rng = np.random.default_rng(4)
    B = (rng.random((40, 15)) < rng.random(15) * 0.6).astype(int)
    B = B[B.sum(1) > 0][:, B[B.sum(1) > 0].sum(0) > 0]
    h, k = B.sum(1), B.sum(0)
    hv, hn = np.unique(h, return_counts=True)
    kv, kn = np.unique(k, return_counts=True)
    x, y = backbone._solve_classes(hv.astype(float), hn.astype(float), kv.astype(float), kn.astype(float),
                                   n_iter=1)  # one step: far from converged
    p = np.outer(y, x) / (1 + np.outer(y, x))
    assert np.allclose((hn[:, None] * p).sum(0), kv, atol=1e-6)
    assert np.allclose((kn[None, :] * p).sum(1), hv, atol=1e-6)


def test_pvalues_match_a_monte_carlo_of_the_model():
    """P(V >= v) computed exactly against 40,000 graphs drawn from the
    fitted BiCM (independent links): within sampling error."""
    rng = np.random.default_rng(7)
    B = (rng.random((25, 8)) < np.linspace(0.1, 0.7, 8)).astype(int)
    B = B[B.sum(1) > 0]
    h, k = B.sum(1), B.sum(0)
    tc, uc, P = fit_bicm(h, k)
    full = P[tc][:, uc]
    a, b = np.triu_indices(len(k), 1)
    V = B.T @ B
    expected, p = pair_pvalues(h, k, a, b, V[a, b])
    draws = (rng.random((40_000,) + full.shape) < full).astype(np.int32)
    Vs = np.einsum("sti,stj->sij", draws, draws)[:, a, b]
    assert np.abs(Vs.mean(0) - expected).max() < 0.05
    assert np.abs((Vs >= V[a, b]).mean(0) - p).max() < 0.015


def test_pvalue_of_one_binomial_by_hand():
    """Four tasks of two units each among four units, every unit on two
    tasks: by symmetry p = 1/2 on every link... of a task with its units;
    the BiCM solution is p(t, u) = 1/2, so two units share Binomial(4, 1/4)
    tasks: P(V >= 2) = 1 - (3/4)^4 - 4 (1/4)(3/4)^3."""
    h = np.array([2, 2, 2, 2])
    k = np.array([2, 2, 2, 2])
    tc, uc, P = fit_bicm(h, k)
    assert np.allclose(P, 0.5)
    e, p = pair_pvalues(h, k, np.array([0]), np.array([1]), np.array([2]))
    assert e[0] == pytest.approx(1.0)
    assert p[0] == pytest.approx(1 - 0.75 ** 4 - 4 * 0.25 * 0.75 ** 3)


def test_bh_by_hand():
    # p sorted 0.01, 0.03, 0.04, 0.5 with m = 4: 0.04, 0.04·4/3 → min with later, …
    q = bh_adjust(np.array([0.01, 0.04, 0.03, 0.5]))
    assert q.tolist() == pytest.approx([0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.5])
    # more tests than given (pairs sharing nothing have p = 1)
    assert bh_adjust(np.array([0.01]), m=10).tolist() == pytest.approx([0.1])


# a catch-all unit named on every task, beside two pairs of units that work
# together and ten units on two tasks each (with the catch-all only)
OTHERS = [f"市{c}局" for c in "丙丁戊己庚辛壬癸子丑"]
CATCH_ALL = {"甲市": [(f"任务{i}", team("市政府办", *s)) for i, s in enumerate(
    [("市A局", "市B局")] * 6 + [("市C局", "市D局")] * 6 + [(o,) for o in OTHERS for _ in range(2)])]}


def test_catch_all_pairs_are_not_significant():
    pairs = unit_pairs(build_graph(corpus_of(CATCH_ALL)))
    catch = pairs[(pairs["unit_a"] == "市政府办") | (pairs["unit_b"] == "市政府办")]
    assert len(catch) == 14
    # it is on every task: it shares with each unit exactly that unit's tasks, whatever the draw
    assert (catch["p_value"] > 0.3).all() and not catch["significant"].any()
    assert catch["expected"].tolist() == pytest.approx(catch["shared"].tolist())
    # the pairs that really work together are far less likely by chance
    ab = pairs[(pairs["unit_a"] == "市A局") & (pairs["unit_b"] == "市B局")].iloc[0]
    assert ab["shared"] == 6 and ab["p_value"] < 0.01 and ab["p_value"] < catch["p_value"].min()


def two_cliques(n_tasks: int = 6):
    """Two groups of four units, each group on ``n_tasks`` tasks of its own
    (every member on each), one task naming A1 and B1 together, and ten
    other units of the place on four tasks each, alone (a plan's density)."""
    a = [f"市A{i}局" for i in range(1, 5)]
    b = [f"市B{i}局" for i in range(1, 5)]
    tasks = [(f"甲组任务{i}", team(*a)) for i in range(n_tasks)]
    tasks += [(f"乙组任务{i}", team(*b)) for i in range(n_tasks)]
    tasks += [("联合任务", team("市A1局", "市B1局"))]
    tasks += [(f"单独任务{i}{j}", team(o)) for i, o in enumerate(OTHERS) for j in range(4)]
    return build_graph(corpus_of({"甲市": tasks}))


def test_two_cliques_are_significant_and_clear():
    G = two_cliques()
    pairs = unit_pairs(G)
    inside = pairs[pairs["unit_a"].str[1] == pairs["unit_b"].str[1]]
    across = pairs[pairs["unit_a"].str[1] != pairs["unit_b"].str[1]]
    assert len(inside) == 12 and len(across) == 1
    assert inside["significant"].all()
    assert not across["significant"].any()
    places = cluster_places(G).set_index("place")
    assert places.loc["甲市", "clusters"] == 2
    assert places.loc["甲市", "z"] > 2 and places.loc["甲市", "verdict"] == "clear"
    assert places.loc["甲市", "pairs"] == 153  # every pair of the 18 units is a test


def test_roles_in_two_cliques_by_hand():
    """Newman weights: a group task of four adds 1/3 to each of its pairs,
    six of them 2 per pair; A1–B1 share the joint task (weight 1). A1's
    strength: 3 pairs × 2 inside + 1 outside = 7, so P = 1 - (6/7)² - (1/7)²;
    the others have every tie inside, P = 0. Inside strengths 6, 6, 6, 6:
    equal, z = 0 for all."""
    m = cluster_members(two_cliques()).set_index("unit")
    assert m.loc["市A1局", "participation"] == pytest.approx(1 - (6 / 7) ** 2 - (1 / 7) ** 2)
    assert m.loc["市A2局", "participation"] == 0
    assert m.loc["市A2局", "role"] == "ultra-peripheral"
    assert m.loc["市A1局", "role"] == "peripheral"  # 0.245: between 0.05 and 0.62
    assert (m["within_z"] == 0).all()


def test_significant_edges_only():
    """On the backbone the joint task's pair is gone: two groups, and no
    unit has a tie outside its group."""
    G = two_cliques()
    m = cluster_members(G, edges="significant")
    assert m.groupby("cluster")["unit"].apply(lambda s: sorted(s.str[1].unique())).tolist() == [["A"], ["B"]]
    assert (m["participation"] == 0).all()
    with pytest.raises(ValueError):
        cluster_members(G, edges="some")


def test_random_assignments_are_not_called_clear():
    """Units drawn at random onto tasks (no groups in truth): the grouping
    Louvain finds is no better than in the randomised graphs."""
    rng = np.random.default_rng(11)
    units = [f"市{i}局" for i in range(12)]
    tasks = [(f"任务{t}", team(*rng.choice(units, size=rng.integers(2, 4), replace=False).tolist()))
             for t in range(40)]
    places = cluster_places(build_graph(corpus_of({"甲市": tasks}))).set_index("place")
    assert places.loc["甲市", "verdict"] == "none"
    assert places.loc["甲市", "z"] < 2


def test_null_runs_are_reproducible_and_optional():
    G = two_cliques()
    a, b = cluster_places(G), cluster_places(G)
    assert a.equals(b)
    off = cluster_places(G, null_runs=0).iloc[0]
    assert math.isnan(off["z"]) and off["verdict"] == "none"


def test_cluster_tables_agree_with_the_single_functions():
    G = two_cliques()
    t = cluster_tables(G)
    assert t["unit_pairs"].equals(unit_pairs(G))
    assert t["cluster_places"].equals(cluster_places(G))


# ------------------------------------------------------------------ core and periphery
def test_star_core_is_its_centre():
    core, fit = core_periphery(6, np.zeros(5, int), np.arange(1, 6))
    assert core.tolist() == [True] + [False] * 5 and fit == pytest.approx(1.0)


def test_clique_with_pendants():
    """A clique of 3 (0, 1, 2), each with one pendant unit: the ideal core
    is the clique. Ties: 3 + 3 = 6 of 15 pairs; core pattern 1 on 15 - 3 = 12
    pairs, all 6 ties among them: r = (6/15 - 6/15·12/15) / sqrt(6/15·9/15·
    12/15·3/15)."""
    x = np.array([0, 0, 1, 0, 1, 2])
    y = np.array([1, 2, 2, 3, 4, 5])
    core, fit = core_periphery(6, x, y)
    assert core.tolist() == [True, True, True, False, False, False]
    expected = (6 / 15 - 6 / 15 * 12 / 15) / math.sqrt(6 / 15 * 9 / 15 * 12 / 15 * 3 / 15)
    assert fit == pytest.approx(expected)


def test_betweenness_of_a_chain_of_coordination():
    """市A局 leads 市B局, which leads 市C局: 市B局 is on the only path
    A → C, betweenness 1 / ((n-1)(n-2)) = 1/2 normalised for n = 3."""
    from taskgraph.analyse.load import unit_load

    G = build_graph(corpus_of({"甲市": [("一", team("市A局", "市B局")), ("二", team("市B局", "市C局"))]}))
    load = unit_load(G).set_index("unit")
    assert load.loc["市B局", "betweenness"] == pytest.approx(0.5)
    assert load.loc["市A局", "betweenness"] == 0 and load.loc["市C局", "betweenness"] == 0


def test_network_figure_can_draw_the_backbone_only():
    """Two cliques: 13 pairs share a task, 12 are significant (the joint
    task's pair is not); the figure draws one line per pair shown."""
    import matplotlib

    matplotlib.use("Agg")
    from taskgraph.analyse.load import unit_load
    from taskgraph.render import figures

    G = two_cliques()
    pairs, load, members = unit_pairs(G), unit_load(G), cluster_members(G)
    every = figures.network_figure(pairs, load, "甲市", members)
    backbone = figures.network_figure(pairs, load, "甲市", members, significant_only=True)
    assert len(every.axes[0].lines) == 13
    assert len(backbone.axes[0].lines) == 12
    assert len(backbone.axes[0].collections[0].get_offsets()) == 18  # every unit still shown


def test_numpy_betweenness_is_networkx_betweenness():
    from taskgraph.analyse.roles import _dense_betweenness

    rng = np.random.default_rng(5)
    for trial in range(30):
        n = int(rng.integers(3, 25))
        D = nx.gnp_random_graph(n, float(rng.uniform(0.05, 0.4)), seed=trial, directed=True)
        e = np.array(list(D.edges()), dtype=np.int64).reshape(-1, 2)
        expected = nx.betweenness_centrality(D, normalized=True)
        got = _dense_betweenness(n, e[:, 0], e[:, 1])
        assert got == pytest.approx([expected[v] for v in range(n)], abs=1e-12)


def test_binomial_pmf_is_scipy_stats_own_bit_for_bit():
    """The pmf called without importing scipy.stats is the very function
    scipy.stats.binom.pmf evaluates: equal bit for bit, and 0 past n."""
    from scipy import stats

    from taskgraph.analyse.backbone import _binom_pmf

    rng = np.random.default_rng(7)
    j = np.arange(60)[None, :]
    for n in (1, 2, 3, 7, 40, 59, 500):
        p = np.concatenate([[0.0, 1.0, 1e-12, 1 - 1e-12], rng.random(40)])[:, None]
        ours, theirs = _binom_pmf(j, n, p), stats.binom.pmf(j, n, p)
        assert np.array_equal(ours, theirs), n
        assert (ours[:, n + 1:] == 0).all()


def test_the_significance_of_pairs_does_not_import_scipy_stats():
    """scipy.stats costs a second to import: clusters must not need it."""
    import subprocess
    import sys

    code = ("import sys, taskgraph; from taskgraph.graph import build_graph; "
            "from taskgraph.analyse.clusters import cluster_tables; "
            "cluster_tables(build_graph(taskgraph.load())); print('scipy.stats' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_fit_that_converges_does_not_import_scipy_optimize():
    """scipy.optimize (half a second) is imported only for a fit the
    fixed-point iteration leaves unfinished."""
    import subprocess
    import sys

    code = ("import sys; from taskgraph.analyse.backbone import fit_bicm; "
            "fit_bicm([1, 1, 2], [2, 1, 1]); print('scipy.optimize' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
