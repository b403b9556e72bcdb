"""Co-responsibility: which units work together, and which coordinate which.

Units named on the same tasks form working groups. The bipartite task–unit
graph is projected onto units (within each place: a unit node belongs to
one place), communities are found in the projection, and each is described
by its units, the tasks that bind it, its lead unit(s) and the words that
set its tasks apart. The directed view — lead unit → supporting unit, per
task — shows who coordinates whom.
"""
from __future__ import annotations

from collections import Counter
from typing import Literal

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse

from ..graph import graph_frames
from ._pool import MIN_WORK, fork_map
from .overlap import CHAR_BITS, char_ngrams, decode

__all__ = ["cluster_tables", "unit_pairs", "unit_clusters", "cluster_members", "cluster_places", "coordination",
           "coordinators", "WEIGHTING", "RESOLUTION", "RUNS", "SEED", "EDGES", "NULL_RUNS", "Z_CLEAR",
           "STABILITY_CLEAR"]

Weighting = Literal["newman", "shared"]
Edges = Literal["all", "significant"]
#: Default projection weighting (see :func:`unit_pairs`).
WEIGHTING: Weighting = "newman"
#: Louvain resolution: 1 is plain modularity.
RESOLUTION = 1.0
#: Louvain runs in the ensemble, seeds ``SEED`` … ``SEED + RUNS - 1``.
RUNS = 10
SEED = 0
#: Which pairs the communities are found on by default (see :func:`cluster_members`).
EDGES: Edges = "all"
#: Randomised graphs (drawn from the BiCM) against which modularity is judged.
NULL_RUNS = 20
#: A grouping is clear when its modularity is this many standard deviations
#: above that of the randomised graphs and its groups are this stable.
Z_CLEAR = 2.0
STABILITY_CLEAR = 0.8
#: Words and binding tasks listed per cluster; PageRank damping (the usual 0.85).
N_WORDS = 8
N_TASKS = 5
ALPHA = 0.85

PAIR_COLUMNS = ["place", "unit_a", "unit_b", "unit_id_a", "unit_id_b", "function_a", "function_b", "shared",
                "newman", "weight", "expected", "p_value", "q_value", "significant"]
MEMBER_COLUMNS = ["place", "cluster", "unit", "unit_id", "function", "lead", "support", "strength", "stability",
                  "within_z", "participation", "role"]
PLACE_COLUMNS = ["place", "units", "clusters", "edges", "modularity", "null_modularity", "null_sd", "z",
                 "agreement", "stability", "pairs", "significant_pairs", "verdict"]
CLUSTER_COLUMNS = ["place", "cluster", "n_units", "units", "lead_units", "n_tasks", "tasks", "words", "stability",
                   "agreement", "modularity"]
COORDINATION_COLUMNS = ["place", "lead", "support", "lead_id", "support_id", "lead_function", "support_function",
                        "tasks"]
COORDINATOR_COLUMNS = ["place", "unit", "unit_id", "function", "coordinates", "coordinated_by", "lead_edges",
                       "support_edges", "out_centrality", "in_centrality", "pagerank"]


# ---------------------------------------------------------------- projection
def _incidence(frames):
    """The task × unit incidence matrices (lead and support separately) of
    the graph's frames, rows and columns in graph order."""
    tasks, units, edges = frames
    t_index = pd.Index(tasks["node"])
    u_index = pd.Index(units["node"])
    r = t_index.get_indexer(edges["task"])
    c = u_index.get_indexer(edges["unit"])
    lead = edges["role"].eq("lead").to_numpy()
    shape = (len(tasks), len(units))
    L = sparse.csr_matrix((np.ones(lead.sum()), (r[lead], c[lead])), shape=shape)
    S = sparse.csr_matrix((np.ones((~lead).sum()), (r[~lead], c[~lead])), shape=shape)
    return L, S


def _pair_matrices(B: sparse.csr_matrix) -> tuple[sparse.coo_matrix, sparse.coo_matrix]:
    """Upper-triangle unit × unit matrices: shared tasks, Newman weight."""
    n_t = np.asarray(B.sum(axis=1)).ravel()
    w = np.where(n_t > 1, 1.0 / np.maximum(n_t - 1, 1), 0.0)
    shared = sparse.triu(B.T @ B, k=1).tocoo()
    newman = sparse.triu(B.T @ sparse.diags(w) @ B, k=1).tocsr()
    return shared, newman


def _projection(frames):
    """Units frame and the pairs ``a < b`` (unit row numbers, graph order)
    with their shared tasks and Newman weight, sorted by ``(a, b)``."""
    units = frames[1]
    L, S = _incidence(frames)
    B = ((L + S) > 0).astype(np.float64).tocsr()
    shared, newman = _pair_matrices(B)
    order = np.lexsort((shared.col, shared.row))
    a, b = shared.row[order].astype(np.int64), shared.col[order].astype(np.int64)
    nw = np.asarray(newman[a, b]).ravel() if len(a) else np.zeros(0)
    return units.reset_index(drop=True), a, b, shared.data[order].astype(int), nw


def _place_models(frames):
    """Per place, what its BiCM needs: the place's task rows (tasks naming
    a unit), unit rows, and their degrees, from the incidence matrix."""
    tasks, units = frames[0], frames[1]
    L, S = _incidence(frames)
    B = ((L + S) > 0).astype(np.int64).tocsr()
    h = np.asarray(B.sum(axis=1)).ravel()
    k = np.asarray(B.sum(axis=0)).ravel()
    t_place = tasks["place"].to_numpy()
    u_place = units["place"].to_numpy()
    t_of = pd.Series(np.arange(len(tasks))).groupby(t_place, sort=True).indices if len(tasks) else {}
    u_of = pd.Series(np.arange(len(units))).groupby(u_place, sort=True).indices if len(units) else {}
    models = {}
    for place, urows in u_of.items():
        trows = np.asarray(t_of.get(place, []), dtype=np.int64)
        trows = trows[h[trows] > 0]
        urows = np.asarray(urows, dtype=np.int64)
        urows = urows[k[urows] > 0]
        if not len(trows) or not len(urows):
            continue
        sub = B[trows][:, urows].tocoo()
        models[place] = {"tasks": trows, "units": urows, "h": h[trows], "k": k[urows],
                         "edges": (sub.row.astype(np.int64), sub.col.astype(np.int64))}
    return models


def _significance(frames, u, a, b, shared, models=None):
    """Expected shared tasks, p-value, BH q-value and significance of each
    pair ``a < b`` under its place's BiCM (see :mod:`.backbone`); and per
    place the number of tests (all pairs of its units) and of significant
    pairs."""
    from .backbone import ALPHA, bh_adjust

    models = _place_models(frames) if models is None else models
    expected = np.zeros(len(a))
    pvalue = np.ones(len(a))
    qvalue = np.ones(len(a))
    place = u["place"].to_numpy()[a] if len(a) else np.zeros(0, dtype=object)
    by_place = pd.Series(np.arange(len(a))).groupby(place, sort=True).indices if len(a) else {}
    tests, pieces, sels = {}, [], []
    for p, model in models.items():
        n = len(model["units"])
        tests[p] = {"pairs": n * (n - 1) // 2, "significant_pairs": 0}
        sel = by_place.get(p)
        if sel is None or not len(sel):
            sel = np.zeros(0, dtype=np.int64)
        local = pd.Index(model["units"])
        pieces.append((model["h"], model["k"], model.get("fit"), local.get_indexer(a[sel]),
                       local.get_indexer(b[sel]), shared[sel]))
        sels.append((p, sel))
    # each place's fit and tests are independent: in forked processes when there is much to do
    found = fork_map(_place_significance, pieces, workers=None if len(a) >= MIN_WORK else 1)
    for (p, sel), (fit, e, pv) in zip(sels, found):
        models[p]["fit"] = fit
        if not len(sel):
            continue
        expected[sel], pvalue[sel] = e, pv
        qvalue[sel] = bh_adjust(pv, tests[p]["pairs"])
        tests[p]["significant_pairs"] = int((qvalue[sel] <= ALPHA).sum())
    return expected, pvalue, qvalue, qvalue <= ALPHA, tests


def _place_significance(piece):
    """One place's BiCM fit (unless given) and its pairs' expected shared
    tasks and p-values."""
    from .backbone import fit_bicm, pair_pvalues

    h, k, fit, la, lb, shared = piece
    fit = fit_bicm(h, k) if fit is None else fit
    if not len(la):
        return fit, np.zeros(0), np.ones(0)
    e, pv = pair_pvalues(h, k, la, lb, shared, fit)
    return fit, e, pv


def unit_pairs(G: nx.Graph, *, weighting: Weighting = WEIGHTING) -> pd.DataFrame:
    """The projection onto units: every pair of units named on a common task.

    Parameters
    ----------
    G : networkx.Graph
        The task–unit graph of :func:`taskgraph.graph.build_graph`.
    weighting : {"newman", "shared"}
        Which measure ``weight`` holds (both are always given). ``shared``
        counts the tasks the two units share. ``newman`` (default) is
        Newman's collaboration weighting (Phys. Rev. E 64, 016132, 2001):
        a task naming *n* units adds ``1/(n-1)`` to each of its pairs, so
        each unit's ties from one task sum to 1 whatever the list's length.
        A task naming ten units (``三/(六)/16`` in Jinzhou's plan: every
        body with money or land) says little about who actually works with
        whom, a task naming two says a lot; counting both alike lets the
        long lists decide the clusters.

    Returns
    -------
    pandas.DataFrame
        ``place``, ``unit_a``, ``unit_b`` (display names), their
        ``unit_id`` and ``function``, ``shared``, ``newman``, ``weight``;
        then the test of chance (:mod:`taskgraph.analyse.backbone`):
        ``expected`` (tasks the two would share under the bipartite
        configuration model of their place, which keeps every unit's and
        every task's degree), ``p_value`` (probability of sharing
        ``shared`` tasks or more under it), ``q_value`` (Benjamini–Hochberg
        adjusted over every pair of units of the place) and ``significant``
        (``q_value`` ≤ 0.05). ``a`` before ``b`` in graph order (unit id).
        Sorted by place, weight descending, then names.
    """
    if weighting not in ("newman", "shared"):
        raise ValueError(f"weighting must be 'newman' or 'shared', not {weighting!r}")
    return _unit_pairs(graph_frames(G), weighting)


def _unit_pairs(frames, weighting: Weighting, significance=None) -> pd.DataFrame:
    u, a, b, shared, nw = _projection(frames)
    expected, pvalue, qvalue, significant, _ = significance or _significance(frames, u, a, b, shared)
    out = pd.DataFrame({
        "place": u["place"].to_numpy()[a], "unit_a": u["name"].to_numpy()[a], "unit_b": u["name"].to_numpy()[b],
        "unit_id_a": u["unit_id"].to_numpy()[a], "unit_id_b": u["unit_id"].to_numpy()[b],
        "function_a": u["function"].to_numpy()[a], "function_b": u["function"].to_numpy()[b],
        "shared": shared, "newman": nw,
    })
    out["weight"] = out["newman"] if weighting == "newman" else out["shared"].astype(float)
    out["expected"], out["p_value"], out["q_value"] = expected, pvalue, qvalue
    out["significant"] = significant.astype(bool)
    out = out.sort_values(["place", "weight", "unit_a", "unit_b"], ascending=[True, False, True, True],
                          kind="stable")
    return out[PAIR_COLUMNS].reset_index(drop=True)


# ---------------------------------------------------------------- communities
def _modularity(n: int, x: np.ndarray, y: np.ndarray, w: np.ndarray, part: list, resolution: float) -> float:
    """Newman–Girvan modularity of ``part`` on the undirected graph with
    edges ``x–y`` of weight ``w`` (no self-loops): the same quantity as
    ``networkx.community.modularity``, with numpy."""
    label = np.empty(n, dtype=np.int64)
    for k, c in enumerate(part):
        label[list(c)] = k
    m = w.sum()
    if m == 0:
        return 0.0
    inside = np.bincount(label[x][label[x] == label[y]], weights=w[label[x] == label[y]], minlength=len(part))
    degree = np.bincount(label[x], weights=w, minlength=len(part)) + np.bincount(label[y], weights=w,
                                                                                minlength=len(part))
    return float((inside / m - resolution * (degree / (2 * m)) ** 2).sum())


def _louvain_graph(n: int, x: np.ndarray, y: np.ndarray, w: np.ndarray):
    """The undirected weighted graph of ``n`` nodes and edges ``x–y`` for
    igraph's Louvain (imported here: the command line does not load it at
    start-up)."""
    import igraph as ig

    # the weights go with the graph as a list, not as an edge attribute (which costs more than the graph);
    # the edges as pairs of Python ints zipped from two lists (half the time of an array's rows as lists)
    edges = list(zip(np.asarray(x).tolist(), np.asarray(y).tolist()))
    return ig.Graph(n=n, edges=edges), np.asarray(w, dtype=float).tolist()


def _louvain(graph, resolution: float, seed: int) -> np.ndarray:
    """Community label of each node of ``graph`` (:func:`_louvain_graph`) found by one Louvain run
    (Blondel et al. 2008, igraph's ``community_multilevel``, in C), seeded.

    igraph draws the order in which nodes are visited from the random
    generator it is given: a ``random.Random(seed)`` of its own for this
    run, so the result depends on the seed alone (and Python's global
    ``random`` is left as it was)."""
    import random

    import igraph as ig

    g, weights = graph
    ig.set_random_number_generator(random.Random(seed))
    try:
        labels = g.community_multilevel(weights=weights, resolution=resolution).membership
    finally:
        ig.set_random_number_generator(random)
    return np.asarray(labels, dtype=np.int64)


def _as_partition(labels: np.ndarray) -> list[tuple[int, ...]]:
    """Communities of a label array as sorted tuples of nodes, sorted."""
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    return sorted(tuple(c.tolist()) for c in np.split(order, cuts)) if len(labels) else []


def _louvain_ensemble(n: int, x: np.ndarray, y: np.ndarray, w: np.ndarray, resolution: float, runs: int,
                      seed: int):
    """Best-modularity partition over ``runs`` seeded Louvain runs on the
    graph of ``n`` nodes and edges ``x–y`` (weights ``w``), with the
    fraction of runs that found it and per-community stability."""
    g = _louvain_graph(n, x, y, w)
    partitions, labels = [], []
    for s in range(seed, seed + runs):
        lab = _louvain(g, resolution, s)
        part = _as_partition(lab)
        q = _modularity(n, x, y, w, part, resolution)
        partitions.append((round(q, 12), part))
        labels.append(lab)
    keys = [tuple(p) for _, p in partitions]
    best_q = max(q for q, _ in partitions)
    # best modularity; among equals, the partition found most often, then the first found
    best = max(range(runs), key=lambda k: (partitions[k][0] == best_q, keys.count(keys[k]), -k))
    q, part = partitions[best]
    agreement = keys.count(keys[best]) / runs
    # stability: for each community, its Jaccard similarity with the best-matching
    # community of each run (a contingency table per run), averaged over the runs
    mine = np.empty(n, dtype=np.int64)
    for c, members in enumerate(part):
        mine[list(members)] = c
    size = np.bincount(mine, minlength=len(part))
    score = np.zeros(len(part))
    for lab in labels:
        n_other = int(lab.max()) + 1 if n else 0
        both = np.bincount(mine * n_other + lab, minlength=len(part) * n_other).reshape(len(part), n_other)
        other = np.bincount(lab, minlength=n_other)
        score += (both / (size[:, None] + other[None, :] - both)).max(axis=1)
    return part, q, agreement, (score / runs).tolist()


def cluster_members(G: nx.Graph, *, weighting: Weighting = WEIGHTING, resolution: float = RESOLUTION,
                    runs: int = RUNS, seed: int = SEED, edges: Edges = EDGES,
                    null_runs: int = NULL_RUNS) -> pd.DataFrame:
    """Which working group (community of the unit projection) each unit is in.

    Parameters
    ----------
    G : networkx.Graph
        The task–unit graph.
    weighting : {"newman", "shared"}
        Edge weight of the projection (see :func:`unit_pairs`).
    resolution : float
        Louvain resolution; default 1 (plain modularity). Higher gives
        more, smaller groups.
    runs, seed : int
        Louvain is run ``runs`` times (default 10) per place, with seeds
        ``seed`` … ``seed + runs - 1``, on a graph whose nodes are numbered
        in a fixed order; the partition with the highest modularity is kept
        (ties: the one found most often, then the first). Louvain is
        igraph's (in C; each run visits the nodes in an order drawn from its
        own seed), deterministic for a given seed and node order, and a
        single run can land in a poorer local optimum; the ensemble makes
        the result both reproducible and checkable: ``stability`` says how
        far the runs agree.
    edges : {"all", "significant"}
        Which pairs the communities are found on: every pair sharing a task
        (default), or only the backbone, the pairs that share more tasks
        than chance (``significant`` in :func:`unit_pairs`). The default is
        ``all`` because a plan of a few dozen tasks rarely has a pair that
        survives the correction for many tests (none of the seeds' pairs
        does), so the backbone would leave most units ungrouped; whether a
        grouping found on all pairs is more than chance is what the
        modularity test (``null_runs``) and the verdict of
        :func:`cluster_places` say. On plans of hundreds of tasks the
        backbone is worth trying.
    null_runs : int
        Randomised graphs drawn, per place, from the same null model (the
        bipartite configuration model, every unit and task keeping its
        degree on average), each projected and clustered as the real one
        (one Louvain run); their modularity gives the ``z`` of
        :func:`cluster_places`. Seeded by ``seed`` and the place's rank:
        the same input gives the same numbers. 0 skips the test.

    Returns
    -------
    pandas.DataFrame
        One row per unit that shares at least one task with another unit
        (with ``edges="significant"``: one significant pair): ``place``,
        ``cluster`` (1 = largest group of the place), ``unit``,
        ``unit_id``, ``function``, ``lead`` and ``support`` (tasks of the
        place), ``strength`` (sum of its projection weights inside the
        cluster), ``stability`` (mean Jaccard similarity of its cluster
        to the best-matching community of each run: 1 = every run found
        exactly this group), and its role after Guimerà and Amaral (Nature
        433, 895, 2005), computed on the weights the clusters were found
        on: ``within_z`` (its strength inside its cluster as a z-score
        among the cluster's members; 0 in a cluster of two or of equal
        members), ``participation`` (``1 - sum_s (k_is / k_i)^2``: 0 when
        all its ties are inside its cluster, towards 1 when spread evenly
        over all clusters) and ``role`` (``hub`` roles for ``within_z`` ≥
        2.5: ``provincial hub``, ``connector hub``, ``kinless hub``;
        otherwise ``ultra-peripheral``, ``peripheral``, ``connector``,
        ``kinless``, at the paper's thresholds of ``participation``).
        Units that only ever appear alone on their tasks have no
        co-responsibility and are left out.
        ``DataFrame.attrs["places"]`` maps each place to its partition's
        ``modularity`` and ``agreement`` (fraction of runs that found it),
        and what :func:`cluster_places` shows.
    """
    out, places = _members(graph_frames(G), weighting, resolution, runs, seed, edges, null_runs)
    out = out[MEMBER_COLUMNS]
    out.attrs["places"] = places
    return out


def cluster_places(G: nx.Graph, *, weighting: Weighting = WEIGHTING, resolution: float = RESOLUTION,
                   runs: int = RUNS, seed: int = SEED, edges: Edges = EDGES,
                   null_runs: int = NULL_RUNS) -> pd.DataFrame:
    """How good each place's grouping is, and a plain verdict.

    Parameters are those of :func:`cluster_members`.

    Returns
    -------
    pandas.DataFrame
        One row per place whose units share tasks: ``units`` (in a
        cluster), ``clusters`` (groups of two or more), ``edges`` (pairs
        the clusters were found on), ``modularity`` (of the partition, on
        the projection of every pair), ``null_modularity`` and ``null_sd``
        (mean and standard deviation of the modularity Louvain finds in
        ``null_runs`` graphs drawn from the bipartite configuration model
        of the place), ``z`` (``(modularity - null_modularity) /
        null_sd``), ``agreement``, ``stability`` (mean over the clustered
        units of their cluster's stability), ``pairs`` (tests: every pair
        of the place's units), ``significant_pairs`` (see
        :func:`unit_pairs`) and ``verdict``:

        * ``clear``: ``z`` ≥ :data:`Z_CLEAR` (2: modularity beyond what
          random graphs of the same degrees reach) and ``stability`` ≥
          :data:`STABILITY_CLEAR` (0.8: the Louvain runs find the same
          groups);
        * ``weak``: ``z`` ≥ 2 but the groups change from run to run;
        * ``none``: ``z`` below 2 (random assignments with the same
          degrees group as well), or fewer than two groups.
    """
    return _cluster_places(*_members(graph_frames(G), weighting, resolution, runs, seed, edges, null_runs))


def _cluster_places(members: pd.DataFrame, places: dict) -> pd.DataFrame:
    rows = []
    for place in sorted(places):
        info = places[place]
        row = {"place": place, **{c: info.get(c) for c in PLACE_COLUMNS[1:]}}
        row["modularity"] = info.get("modularity_all", info.get("modularity"))
        rows.append(row)
    return pd.DataFrame(rows, columns=PLACE_COLUMNS)


def _verdict(z: float, stability: float, clusters: int) -> str:
    if clusters < 2 or not np.isfinite(z) or z < Z_CLEAR:
        return "none"
    return "clear" if stability >= STABILITY_CLEAR else "weak"


def _project_sample(Bs: sparse.csr_matrix, weighting: Weighting):
    """Pairs ``x < y`` and weights of the projection of a sampled incidence
    matrix (tasks × units)."""
    if weighting == "newman":
        shared, newman = _pair_matrices(Bs)
        W = newman.tocoo()
    else:
        W = sparse.triu(Bs.T @ Bs, k=1).tocoo()
    keep = W.data > 0
    return W.row[keep].astype(np.int64), W.col[keep].astype(np.int64), W.data[keep]


def _null_modularity(null, resolution: float, seed: int) -> np.ndarray:
    """Modularity Louvain finds in graphs drawn from the place's BiCM.

    ``null``: (the place's :func:`~.backbone.fit_bicm`, weighting, runs,
    place rank). Each
    graph links task ``t`` and unit ``u`` with probability
    ``P[task_class[t], unit_class[u]]``, independently (numpy, in blocks of
    rows); the graphs of all runs are projected like the real one in one
    sparse product (side by side), and each is clustered by one Louvain
    run."""
    (task_class, unit_class, P), weighting, n_runs, rank = null
    n_t, n_u = len(task_class), len(unit_class)
    rng = np.random.default_rng([seed, rank])
    block = max(1, 4_000_000 // max(n_u, 1))
    starts = range(0, n_t, block)
    probs = [P[task_class[start:start + block]][:, unit_class] for start in starts]  # the same for every run
    draws = {prob.shape: np.empty(prob.shape) for prob in probs}  # (buffers drawn into again and again)
    rows, cols = [], []
    for r in range(n_runs):  # run after run, block after block: one random stream
        for start, prob in zip(starts, probs):
            draw = draws[prob.shape]
            rng.random(out=draw)
            hit = np.flatnonzero(draw < prob)  # row-major, as np.nonzero: row hit // n_u, column hit % n_u
            rows.append(hit // n_u + (r * n_t + start))
            cols.append(hit % n_u + r * n_u)
    # the runs' graphs side by side (block diagonal), projected at once: a pair never spans two runs
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    Bs = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n_runs * n_t, n_runs * n_u))
    x, y, w = _project_sample(Bs, weighting)
    order = np.argsort(x, kind="stable")
    x, y, w = x[order], y[order], w[order]
    bounds = np.searchsorted(x, np.arange(n_runs + 1) * n_u)
    out = []
    for r in range(n_runs):
        lo, hi = bounds[r], bounds[r + 1]
        if lo == hi:
            out.append(0.0)
            continue
        xr, yr, wr = x[lo:hi] - r * n_u, y[lo:hi] - r * n_u, w[lo:hi]
        part = _as_partition(_louvain(_louvain_graph(n_u, xr, yr, wr), resolution, seed + r))
        out.append(_modularity(n_u, xr, yr, wr, part, resolution))
    return np.array(out)


def _roles(n: int, x: np.ndarray, y: np.ndarray, w: np.ndarray, label: np.ndarray):
    """Within-cluster strength z-score and participation coefficient of each
    of ``n`` nodes (Guimerà & Amaral 2005), on edges ``x–y`` of weight
    ``w`` and the cluster ``label`` of each node."""
    n_c = int(label.max()) + 1 if n else 0
    K = np.zeros((n, n_c))  # node × cluster: strength towards it
    np.add.at(K, (x, label[y]), w)
    np.add.at(K, (y, label[x]), w)
    k = K.sum(1)
    inside = K[np.arange(n), label]
    participation = np.where(k > 0, 1 - ((K / np.where(k > 0, k, 1)[:, None]) ** 2).sum(1), 0.0)
    z = np.zeros(n)
    for c in range(n_c):
        sel = label == c
        sd = inside[sel].std()
        z[sel] = (inside[sel] - inside[sel].mean()) / sd if sd > 1e-12 else 0.0
    return np.round(z, 9), np.round(participation, 9)


def _role(z: float, p: float) -> str:
    """Guimerà–Amaral role (R1–R7) of a node."""
    if z >= 2.5:
        return "provincial hub" if p < 0.30 else "connector hub" if p < 0.75 else "kinless hub"
    return ("ultra-peripheral" if p < 0.05 else "peripheral" if p < 0.62 else "connector" if p < 0.80
            else "kinless")


def _place_partition(piece):
    """The Louvain ensemble of one place's projection (its pairs ``pa``,
    ``pb`` of unit rows and their weights): partition, modularity,
    agreement, stability, each member's strength in its community, roles,
    and the modularity of the randomised graphs."""
    pa, pb, pw, resolution, runs, seed, full, null = piece
    ids = np.unique(np.r_[pa, pb])  # unit rows, graph order
    x, y = np.searchsorted(ids, pa), np.searchsorted(ids, pb)
    w = np.asarray(pw, dtype=float)
    part, q, agreement, stability = _louvain_ensemble(len(ids), x, y, w, resolution, runs, seed)
    label = np.empty(len(ids), dtype=np.int64)
    for c, members in enumerate(part):
        label[list(members)] = c
    inner = label[x] == label[y]  # each member's strength: its weights inside its community
    inside = np.bincount(x[inner], weights=w[inner], minlength=len(ids)) + np.bincount(
        y[inner], weights=w[inner], minlength=len(ids))
    strength = [{v: float(inside[v]) for v in c} for c in part]
    z, participation = _roles(len(ids), x, y, w, label)
    # modularity on every pair of the place (the partition's units; any other unit alone)
    fa, fb, fw = full
    every = np.unique(np.r_[fa, fb])
    at = pd.Index(every)
    full_label = np.arange(len(ids), len(ids) + len(every))
    inside = at.get_indexer(ids)
    full_label[inside] = label
    groups = pd.Series(np.arange(len(every))).groupby(full_label).indices
    q_full = _modularity(len(every), at.get_indexer(fa), at.get_indexer(fb), np.asarray(fw, dtype=float),
                         [tuple(v) for v in groups.values()], resolution)
    null_q = _null_modularity(null, resolution, seed) if null is not None and null[2] > 0 else np.zeros(0)
    return part, q, agreement, stability, strength, z, participation, q_full, null_q


def _members(frames, weighting: Weighting, resolution: float, runs: int, seed: int, edges: Edges = EDGES,
             null_runs: int = NULL_RUNS, models=None, significance=None, projection=None):
    """Members frame (with the unit ``node``) and, per place, the partition's
    modularity, agreement and the rest of :func:`cluster_places`
    (``models``, ``significance``, ``projection``: as computed already, if
    they were)."""
    if weighting not in ("newman", "shared"):
        raise ValueError(f"weighting must be 'newman' or 'shared', not {weighting!r}")
    if edges not in ("all", "significant"):
        raise ValueError(f"edges must be 'all' or 'significant', not {edges!r}")
    u, a, b, shared, nw = _projection(frames) if projection is None else projection
    models = _place_models(frames) if models is None else models
    if significance is None:
        significance = _significance(frames, u, a, b, shared, models)
    significant, tests = significance[3], significance[4]
    weight = nw if weighting == "newman" else shared.astype(float)
    edge_frame = frames[2]
    lead_n = edge_frame["role"].eq("lead").groupby(edge_frame["unit"]).sum()
    total_n = edge_frame.groupby("unit").size()
    node, name, unit_id, function = (u[c].to_numpy() for c in ("node", "name", "unit_id", "function"))
    rows, places = [], {}
    by_place = pd.DataFrame({"place": u["place"].to_numpy()[a]}).groupby("place", sort=True).indices
    pieces, names = [], []
    for rank, place in enumerate(sorted(by_place)):
        sel = by_place[place]
        full = (a[sel], b[sel], weight[sel])
        if edges == "significant":
            sel = sel[significant[sel]]
            if not len(sel):
                places[place] = _empty_place(tests.get(place, {}), len(full[0]))
                continue
        model = models.get(place)
        null = (model["fit"], weighting, null_runs, rank) if model is not None else None
        pieces.append((a[sel], b[sel], weight[sel], resolution, runs, seed, full, null))
        names.append(place)
    # each place's ensemble is independent: in forked processes when there is much to do; igraph
    # (which imports matplotlib, some 0.6 s) is imported here first, so that the workers inherit it
    # rather than each importing it anew on every call
    import igraph  # noqa: F401

    found_all = fork_map(_place_partition, pieces, workers=None if len(a) >= MIN_WORK else 1)
    for place, piece, found in zip(names, pieces, found_all):
        ids = np.unique(np.r_[piece[0], piece[1]])  # unit rows, graph order
        part, q, agreement, stability, strength, z, participation, q_full, null_q = found
        order = sorted(range(len(part)), key=lambda k: (-len(part[k]), -round(sum(strength[k].values()), 9),
                                                         min(ids[v] for v in part[k])))
        for rank, k in enumerate(order, start=1):
            for v in part[k]:
                r = int(ids[v])
                lead, total = int(lead_n[node[r]]), int(total_n[node[r]])
                rows.append({"place": place, "cluster": rank, "unit": name[r], "unit_id": unit_id[r],
                             "function": function[r], "lead": lead, "support": total - lead,
                             "strength": strength[k][v], "stability": stability[k],
                             "within_z": float(z[v]), "participation": float(participation[v]),
                             "role": _role(float(z[v]), float(participation[v])), "node": node[r]})
        n_groups = sum(len(c) >= 2 for c in part)
        mean_stability = float(sum(len(c) * s for c, s in zip(part, stability)) / max(len(ids), 1))
        if len(null_q) >= 2:
            null_mean, null_sd = float(null_q.mean()), float(null_q.std(ddof=1))
            z_q = (q_full - null_mean) / null_sd if null_sd > 1e-12 else float("nan")
        else:
            null_mean = null_sd = z_q = float("nan")
        info = tests.get(place, {})
        places[place] = {
            "modularity": q, "agreement": agreement, "units": len(ids), "clusters": n_groups,
            "edges": len(piece[0]), "modularity_all": round(q_full, 12), "null_modularity": round(null_mean, 12),
            "null_sd": round(null_sd, 12), "z": round(z_q, 9), "stability": round(mean_stability, 12),
            "pairs": info.get("pairs", 0), "significant_pairs": info.get("significant_pairs", 0),
            "verdict": _verdict(z_q, mean_stability, n_groups),
        }
    for place, info in places.items():  # the table shows the modularity the test compares
        info.setdefault("modularity_all", info.get("modularity", float("nan")))
    out = pd.DataFrame(rows, columns=MEMBER_COLUMNS + ["node"])
    out = out.sort_values(["place", "cluster", "strength", "unit"], ascending=[True, True, False, True],
                          kind="stable").reset_index(drop=True)
    return out, places


def _empty_place(info: dict, n_pairs: int) -> dict:
    """A place with no pair to cluster on (no significant pair)."""
    return {"modularity": float("nan"), "agreement": float("nan"), "units": 0, "clusters": 0, "edges": 0,
            "null_modularity": float("nan"), "null_sd": float("nan"), "z": float("nan"),
            "stability": float("nan"), "pairs": info.get("pairs", 0),
            "significant_pairs": info.get("significant_pairs", 0), "verdict": "none"}


def _sorted_search(vocab: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """``np.searchsorted(vocab, keys)``, the keys looked up in sorted order:
    numpy starts each search where the last ended, five times faster on a
    large vocabulary than keys in random order."""
    order = np.argsort(keys)  # equal keys find the same place: no need for a stable sort
    at = np.empty(len(keys), dtype=np.intp)
    at[order] = np.searchsorted(vocab, keys[order])
    return at


def _characteristic_words(texts: list[str], groups: list[list[int]], k: int,
                          dominance: float = 0.75) -> list[list[str]]:
    """For each group of texts (indices into ``texts``: one place's tasks),
    the ``k`` character n-grams (2 to 4 characters) most particular to it.

    Score: the number of the group's texts containing the n-gram times its
    IDF over all ``texts`` (``log((1 + N) / (1 + df))``), so a word every
    task of the plan uses (科技, 企业) scores near nothing, and one found
    in a few tasks, all of this group, scores high. In a group of two or
    more texts a word must occur in two of them. Fragments are dropped: an
    n-gram that occurs, in ``dominance`` (75 %) of its occurrences or more,
    inside one longer n-gram (``技企业`` inside ``科技企业``). Ties go to the
    longer n-gram, and an n-gram inside (or containing) one already chosen
    is skipped, so ``高新技术`` is not followed by ``新技术``.
    """
    counts, vocab = char_ngrams(texts, sizes=(2, 3, 4))
    if not len(vocab):
        return [[] for _ in groups]
    occ = np.asarray(counts.sum(axis=0)).ravel()
    present = (counts > 0).astype(np.int64).tocsr()
    n = present.shape[0]
    df = np.bincount(present.indices, minlength=present.shape[1])
    idf = np.log((1.0 + n) / (1.0 + df))
    shift = np.uint64(CHAR_BITS)
    length = np.ones(len(vocab), dtype=np.int64)
    for m in (1, 2, 3):
        length += (vocab >> (shift * np.uint64(m))) > 0
    # a fragment: one n-gram a character longer holds most of its occurrences
    fragment = np.zeros(len(vocab), dtype=bool)
    longer = np.flatnonzero(length >= 3)
    heads = vocab[longer] >> shift  # all but the last character
    tails = vocab[longer] & ((np.uint64(1) << (shift * (length[longer] - 1).astype(np.uint64))) - np.uint64(1))
    for part in (heads, tails):
        at = np.minimum(_sorted_search(vocab, part), len(vocab) - 1)
        dominated = (vocab[at] == part) & (occ[longer] >= dominance * occ[at])
        fragment[at[dominated]] = True
    out = []
    for rows in groups:
        tf = np.asarray(present[rows].sum(axis=0)).ravel()
        score = np.round(tf * idf, 9)
        cand = np.flatnonzero((tf >= min(2, len(rows))) & (score > 0) & ~fragment)
        cand = cand[np.lexsort((vocab[cand], -length[cand], -score[cand]))]
        words: list[str] = []
        for c in cand:
            w = decode(vocab[c])
            # skip overlaps with a chosen word, including shifted windows (最高不超 / 高不超过)
            if any(w in x or x in w or w[1:] in x or w[:-1] in x for x in words):
                continue
            words.append(w)
            if len(words) == k:
                break
        out.append(words)
    return out


def unit_clusters(G: nx.Graph, *, weighting: Weighting = WEIGHTING, resolution: float = RESOLUTION,
                  runs: int = RUNS, seed: int = SEED, n_words: int = N_WORDS, n_tasks: int = N_TASKS,
                  edges: Edges = EDGES, null_runs: int = NULL_RUNS) -> pd.DataFrame:
    """Working groups of units, each described.

    Parameters
    ----------
    G : networkx.Graph
        The task–unit graph.
    weighting, resolution, runs, seed, edges, null_runs
        As for :func:`cluster_members`.
    n_words : int
        Characteristic words listed per cluster (default 8).
    n_tasks : int
        Binding tasks listed per cluster (default 5; ``n_tasks`` counts all).

    Returns
    -------
    pandas.DataFrame
        One row per cluster of two or more units: ``place``, ``cluster``,
        ``n_units``, ``units`` (display names, strongest tie first),
        ``lead_units`` (the unit(s) leading most of the binding tasks, with
        that count, marked ``outside`` when not a member: a group of
        supporting units is often led from outside it), ``n_tasks`` (binding tasks: tasks naming at
        least two members), ``tasks`` (the binding tasks naming most
        members, as ``path title``), ``words`` (character n-grams of two to
        four characters found in many binding tasks and few other tasks of
        the place: binding tasks containing it × IDF over the place's tasks;
        without word segmentation, expect some fragments), ``stability`` (see
        :func:`cluster_members`), ``agreement`` and ``modularity`` (of the
        place's partition).
    """
    frames = graph_frames(G)
    return _unit_clusters(frames, *_members(frames, weighting, resolution, runs, seed, edges, null_runs),
                          n_words, n_tasks)


def _unit_clusters(frames, members: pd.DataFrame, places: dict, n_words: int, n_tasks: int) -> pd.DataFrame:
    tasks, units, edges = frames
    text = (tasks["title"].fillna("") + "。" + tasks["text"].fillna("")).tolist()
    path, title = tasks["path"].tolist(), tasks["title"].tolist()
    task_pos = pd.Index(tasks["node"]).get_indexer(edges["task"])
    unit_rows = edges.groupby("unit", sort=False).indices  # unit node → edge rows
    is_lead = edges["role"].eq("lead").to_numpy()
    lead_of: dict[int, list[str]] = {}
    for k, u in zip(task_pos[is_lead], edges["unit"].to_numpy()[is_lead]):
        lead_of.setdefault(int(k), []).append(u)
    names = dict(zip(units["node"].tolist(), units["name"].tolist()))  # (an edge's name is its unit's)
    rows, binds = [], []
    for (place, cluster), grp in members.groupby(["place", "cluster"], sort=True):
        if len(grp) < 2:
            continue
        per_task = Counter(int(k) for n in grp["node"] for k in task_pos[unit_rows[n]])
        binding = sorted((k for k, c in per_task.items() if c >= 2), key=lambda k: (-per_task[k], k))
        # who leads the binding tasks, member or not (a group of supporters is often led from outside)
        leads = Counter(u for k in binding for u in lead_of.get(k, ()))
        most = max(leads.values(), default=0)
        top = sorted((u for u, c in leads.items() if c == most), key=lambda u: (names[u], u))
        inside = set(grp["node"])
        info = places[place]
        binds.append(binding)
        rows.append({
            "place": place, "cluster": int(cluster), "n_units": len(grp), "units": "、".join(grp["unit"]),
            "lead_units": "、".join(f"{names[u]} ({leads[u]}{'' if u in inside else ', outside'})" for u in top),
            "n_tasks": len(binding),
            "tasks": "；".join(f"{path[k]} {title[k]}" for k in binding[:n_tasks]),
            "words": "", "stability": grp["stability"].iloc[0],
            "agreement": info["agreement"], "modularity": info["modularity"],
        })
    # characteristic words, against the other tasks of the same place
    of_place = tasks.groupby("place", sort=True).indices  # place → task rows, graph order
    pieces, owners = [], []
    for place in sorted({r["place"] for r in rows}):
        mine = [k for k, r in enumerate(rows) if r["place"] == place]
        local = {int(k): i for i, k in enumerate(of_place[place])}
        pieces.append(([text[k] for k in of_place[place]], [[local[k] for k in binds[m]] for m in mine], n_words,
                       place))
        owners.append(mine)
    from .words import segmenter_available

    segmenter_available()  # (the segmenter and its dictionary loaded once, here, for the workers to inherit)
    for mine, words in zip(owners, fork_map(_words_of_place, pieces,
                                            workers=None if len(tasks) >= MIN_WORK else 1)):
        for m, w in zip(mine, words):
            rows[m]["words"] = "、".join(w)
    return pd.DataFrame(rows, columns=CLUSTER_COLUMNS)


def _words_of_place(piece) -> list[list[str]]:
    from .words import characteristic_words, segmenter_available

    texts, groups, k, place = piece
    if segmenter_available():
        return characteristic_words(texts, groups, k, exclude=place)
    return _characteristic_words(texts, groups, k)


# ---------------------------------------------------------------- coordination
def coordination(G: nx.Graph) -> pd.DataFrame:
    """Who coordinates whom: lead unit → supporting unit, counted over tasks.

    Returns
    -------
    pandas.DataFrame
        One row per ordered pair with at least one task that the first unit
        leads and the second supports: ``place``, ``lead``, ``support``
        (display names), their ids and functions, ``tasks``. Sorted by
        place, tasks descending, then names. A unit both leading and
        supporting one task does not coordinate itself.
    """
    return _coordination(graph_frames(G))


def _coordination(frames) -> pd.DataFrame:
    units = frames[1]
    L, S = _incidence(frames)
    C = (L.T @ S).tocoo()
    keep = C.row != C.col
    a, b, n = C.row[keep], C.col[keep], C.data[keep]
    u = units.reset_index(drop=True)
    out = pd.DataFrame({
        "place": u["place"].to_numpy()[a], "lead": u["name"].to_numpy()[a], "support": u["name"].to_numpy()[b],
        "lead_id": u["unit_id"].to_numpy()[a], "support_id": u["unit_id"].to_numpy()[b],
        "lead_function": u["function"].to_numpy()[a], "support_function": u["function"].to_numpy()[b],
        "tasks": n.astype(int),
    })
    out = out.sort_values(["place", "tasks", "lead", "support"], ascending=[True, False, True, True], kind="stable")
    return out[COORDINATION_COLUMNS].reset_index(drop=True)


def coordinators(G: nx.Graph, *, alpha: float = ALPHA) -> pd.DataFrame:
    """Centrality of each unit in its place's lead → support graph.

    Parameters
    ----------
    G : networkx.Graph
        The task–unit graph.
    alpha : float
        PageRank damping factor (default 0.85, the usual choice).

    Returns
    -------
    pandas.DataFrame
        One row per unit: ``coordinates`` (distinct units it leads as
        supporters), ``coordinated_by`` (distinct units leading it),
        ``lead_edges`` and ``support_edges`` (the same counted over tasks),
        ``out_centrality`` and ``in_centrality`` (the two degrees over the
        place's other units, networkx's degree centrality), and ``pagerank``
        of the reversed graph (support → lead, weighted by tasks): high for
        units that lead units which themselves lead, the coordinators at
        the top of the chain. Sorted by place, pagerank descending.
    """
    frames = graph_frames(G)
    return _coordinators(frames, _coordination(frames), alpha)


def _coordinators(frames, coord: pd.DataFrame, alpha: float) -> pd.DataFrame:
    units = frames[1]
    coord_of = {p: grp for p, grp in coord.groupby("place", sort=False)}
    rows = []
    for place, grp in units.groupby("place", sort=True):
        D = nx.DiGraph()
        D.add_nodes_from(sorted(grp["unit_id"].tolist()))
        sub = coord_of.get(place, coord.iloc[0:0])  # (plain lists: zipping Series is slow)
        D.add_weighted_edges_from(sorted(zip(sub["support_id"].tolist(), sub["lead_id"].tolist(),
                                             sub["tasks"].tolist())))  # reversed
        pr = nx.pagerank(D, alpha=alpha, weight="weight") if len(D) else {}
        n_other = max(len(D) - 1, 1)
        d_in, d_out = dict(D.in_degree()), dict(D.out_degree())
        w_in, w_out = dict(D.in_degree(weight="weight")), dict(D.out_degree(weight="weight"))
        for uid, name, function in zip(grp["unit_id"].tolist(), grp["name"].tolist(), grp["function"].tolist()):
            rows.append({
                "place": place, "unit": name, "unit_id": uid, "function": function,
                "coordinates": d_in[uid], "coordinated_by": d_out[uid],
                "lead_edges": int(w_in[uid]), "support_edges": int(w_out[uid]),
                "out_centrality": d_in[uid] / n_other, "in_centrality": d_out[uid] / n_other,
                "pagerank": round(pr.get(uid, 0.0), 10),
            })
    out = pd.DataFrame(rows, columns=COORDINATOR_COLUMNS)
    out = out.sort_values(["place", "pagerank", "unit"], ascending=[True, False, True], kind="stable")
    return out.reset_index(drop=True)


def cluster_tables(G: nx.Graph, *, weighting: Weighting = WEIGHTING, resolution: float = RESOLUTION,
                   runs: int = RUNS, seed: int = SEED, edges: Edges = EDGES,
                   null_runs: int = NULL_RUNS) -> dict[str, pd.DataFrame]:
    """The tables of ``taskgraph clusters`` at once, sharing the graph's
    frames, projection, null model and communities: ``clusters``
    (:func:`unit_clusters`), ``cluster_units`` (:func:`cluster_members`),
    ``cluster_places`` (:func:`cluster_places`), ``unit_pairs``,
    ``coordination`` and ``coordinators``."""
    frames = graph_frames(G)
    projection = _projection(frames)
    u, a, b, shared, _ = projection
    models = _place_models(frames)
    significance = _significance(frames, u, a, b, shared, models)
    members, places = _members(frames, weighting, resolution, runs, seed, edges, null_runs, models, significance,
                               projection)
    coord = _coordination(frames)
    return {
        "clusters": _unit_clusters(frames, members, places, N_WORDS, N_TASKS),
        "cluster_units": members[MEMBER_COLUMNS],
        "cluster_places": _cluster_places(members, places),
        "unit_pairs": _unit_pairs(frames, weighting, significance),
        "coordination": coord,
        "coordinators": _coordinators(frames, coord, ALPHA),
    }
