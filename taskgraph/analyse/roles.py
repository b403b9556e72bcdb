"""Unit roles beyond the clusters: core and periphery, brokerage.

* **Core–periphery** (Borgatti & Everett, Social Networks 21, 375, 1999),
  on each place's unit projection (two units tied when they share a task).
  The discrete model: a core whose members are tied to each other and to the
  periphery, a periphery not tied among itself. The ideal pattern is 1 for
  every pair with a core member, 0 for pairs of two periphery units; the
  core is chosen to maximise the Pearson correlation between the observed
  ties and that pattern. Units are ranked by degree (ties by strength, then
  graph order) and every core size along that ranking is tried, which the
  cumulative counts make one numpy pass; the correlation is the fit.
* **Betweenness** of each unit in its place's lead → support graph (a
  directed edge from the lead of a task to each of its supporters):
  Brandes' algorithm, normalised as networkx's ``betweenness_centrality``
  (the same numbers), unweighted, computed for all sources at once with
  numpy up to :data:`EXACT_BETWEENNESS` units. A larger place uses
  networkx with ``k`` = that many sampled sources and a fixed seed (Brandes
  & Pich 2007).
"""
from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

__all__ = ["core_periphery", "lead_betweenness", "analysis_labels", "EXACT_BETWEENNESS"]

#: Places up to this many units get exact betweenness; larger ones a sample
#: of this many sources.
EXACT_BETWEENNESS = 500


def core_periphery(n: int, x: np.ndarray, y: np.ndarray, w: np.ndarray | None = None):
    """Borgatti–Everett discrete core of ``n`` nodes tied by ``x–y``.

    Returns ``(core, fit)``: a boolean array (True = core) and the
    correlation of the ties with the ideal core–periphery pattern (NaN when
    there are fewer than three nodes or no tie).

    A star: its centre is the core, fit 1.

    >>> core, fit = core_periphery(4, np.array([0, 0, 0]), np.array([1, 2, 3]))
    >>> core.tolist(), round(fit, 6)
    ([True, False, False, False], 1.0)
    """
    x = np.asarray(x, dtype=np.int64)
    y = np.asarray(y, dtype=np.int64)
    core = np.zeros(n, dtype=bool)
    pairs = n * (n - 1) // 2
    if n < 3 or not len(x):
        return core, float("nan")
    w = np.ones(len(x)) if w is None else np.asarray(w, dtype=float)
    degree = np.bincount(x, minlength=n) + np.bincount(y, minlength=n)
    strength = np.bincount(x, weights=w, minlength=n) + np.bincount(y, weights=w, minlength=n)
    order = np.lexsort((np.arange(n), -strength, -degree))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n)
    m = len(x)
    # core of size c (the first c by rank): pattern 1 on pairs with min rank < c
    c = np.arange(1, n)
    ones = pairs - (n - c) * (n - c - 1) // 2  # pattern-1 pairs
    low = np.minimum(rank[x], rank[y])
    periphery_ties = m - np.cumsum(np.bincount(low, minlength=n))[:-1]  # ties with min rank >= c
    ties_on_ones = m - periphery_ties
    # Pearson correlation of two 0/1 vectors over all pairs
    mean_a, mean_p = m / pairs, ones / pairs
    cov = ties_on_ones / pairs - mean_a * mean_p
    sd = np.sqrt(mean_a * (1 - mean_a) * mean_p * (1 - mean_p))
    r = np.where(sd > 0, cov / np.where(sd > 0, sd, 1), -np.inf)
    best = int(np.argmax(r))
    if not np.isfinite(r[best]):
        return core, float("nan")
    core[order[:c[best]]] = True
    return core, float(round(r[best], 12))


def _dense_betweenness(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Brandes' betweenness of a small directed graph (unweighted,
    normalised by ``(n-1)(n-2)`` as networkx does), for every source at once
    with dense numpy matrices: path counts level by level forwards, the
    dependencies backwards."""
    from scipy import sparse
    from scipy.sparse.csgraph import shortest_path

    out = np.zeros(n)
    if n < 3 or not len(src):
        return out
    A = sparse.csr_matrix((np.ones(len(src)), (src, dst)), shape=(n, n))
    A.data[:] = 1.0
    D = shortest_path(A, method="D", unweighted=True)
    D[~np.isfinite(D)] = -1
    Ad = A.toarray()
    depth = int(D.max())
    sigma = np.zeros((n, n))
    sigma[np.arange(n), np.arange(n)] = 1.0
    for d in range(1, depth + 1):
        sigma += ((sigma * (D == d - 1)) @ Ad) * (D == d)
    delta = np.zeros((n, n))
    safe = np.where(sigma > 0, sigma, 1.0)
    for d in range(depth - 1, 0, -1):
        nxt = ((1.0 + delta) / safe) * (D == d + 1)
        delta += sigma * (D == d) * (nxt @ Ad.T)
    out = delta.sum(0)
    return out / ((n - 1) * (n - 2))


def lead_betweenness(units: pd.DataFrame, coord: pd.DataFrame) -> dict:
    """Normalised betweenness of each unit node (``units``: ``node``,
    ``place``, ``unit_id``) in its place's lead → support graph (``coord``:
    :func:`taskgraph.analyse.clusters.coordination`)."""
    out = {}
    coord_of = {p: g for p, g in coord.groupby("place", sort=False)}
    for place, grp in units.groupby("place", sort=True):
        ids = sorted(set(grp["unit_id"].tolist()))
        sub = coord_of.get(place, coord.iloc[0:0])  # (distinct ordered pairs, none a unit with itself)
        if len(ids) > EXACT_BETWEENNESS:
            D = nx.DiGraph()
            D.add_nodes_from(ids)
            D.add_edges_from(sorted(zip(sub["lead_id"].tolist(), sub["support_id"].tolist())))
            bc = nx.betweenness_centrality(D, k=EXACT_BETWEENNESS, normalized=True, seed=0)
        else:  # exact, all sources at once in numpy
            at = pd.Index(ids)
            bc = dict(zip(ids, _dense_betweenness(len(ids), at.get_indexer(sub["lead_id"]),
                                                  at.get_indexer(sub["support_id"])).tolist()))
        for node, uid in zip(grp["node"].tolist(), grp["unit_id"].tolist()):
            out[node] = round(bc.get(uid, 0.0), 12)
    return out


def analysis_labels() -> dict:
    """The words people are shown for the analyses' machine values
    (``data/analysis.toml``: verdicts, roles, core)."""
    from pathlib import Path

    try:  # Python >= 3.11
        import tomllib as toml
    except ModuleNotFoundError:  # pragma: no cover - Python 3.10
        import tomli as toml  # type: ignore[no-redef]
    with open(Path(__file__).resolve().parent.parent / "data" / "analysis.toml", "rb") as fh:
        return toml.load(fh)
