"""Which pairs of units work together more than chance: the backbone of the
unit projection under the bipartite configuration model (BiCM).

Two units named on the same tasks are not, by that alone, a working group:
a bureau named on most tasks of a plan shares tasks with everyone. The
question a reviewer asks is whether two units share *more* tasks than they
would if each unit kept the number of tasks it is named on, each task kept
the number of units it names, and the pairing were otherwise random.

The null model is the bipartite configuration model of Saracco et al.
(Sci. Rep. 5, 10595, 2015): the maximum-entropy ensemble of bipartite
graphs whose *expected* degrees are the observed ones, every task–unit link
independent with probability ``p(t, u) = x_u y_t / (1 + x_u y_t)``. Under it
the number of tasks two units share, ``V(a, b) = sum_t p(t, a) p(t, b)``
Bernoulli trials, follows a Poisson–binomial law, and the p-value of an
observed count ``v`` is ``P(V >= v)`` (Saracco et al., New J. Phys. 19,
053022, 2017, who call the shared tasks V-motifs). It is computed exactly
here: nodes of equal degree have equal ``x`` or ``y``, so ``V`` is a sum of
a few binomials (one per task degree), convolved up to ``v``.

The model is fitted per place (a unit belongs to one place, and only tasks
of its own place can name it), on the tasks naming at least one unit. A
unit named on every task of its place (``p = 1`` on each: a catch-all, such
as 各县(市)区政府 in many plans) shares with every other unit exactly the
tasks that unit has, whatever happens: none of its pairs can be
significant, and the test says so (p-value 1 or close to it).

Many tests: every pair of units of a place is a test (pairs that share no
task have p-value 1), and the p-values are corrected for the false
discovery rate with the Benjamini–Hochberg procedure (J. R. Stat. Soc. B
57, 289, 1995) within the place, at ``ALPHA`` = 0.05: ``significant``
means a BH-adjusted p-value (``q_value``) of 0.05 or less.
"""
from __future__ import annotations

import numpy as np

__all__ = ["fit_bicm", "pair_pvalues", "bh_adjust", "ALPHA"]

#: False discovery rate at which a pair is called significant.
ALPHA = 0.05
_TOL = 1e-9


def _solve_classes(hv, hn, kv, kn, n_iter: int = 300):
    """Fitted ``y`` per task degree class and ``x`` per unit degree class.

    ``hv``/``hn``: distinct task degrees and how many tasks have each;
    ``kv``/``kn``: the same for units. None is 0 or full (see
    :func:`fit_bicm`). Solves ``sum_t p(t, u) = k_u`` and ``sum_u p(t, u) =
    h_t`` by the fixed-point iteration of the BiCM (a few hundred steps),
    finished with ``scipy.optimize.root`` (Powell's hybrid method, then
    Levenberg–Marquardt) where it has not converged: slow cases are nodes
    linked to nearly everything, whose ``x`` grows without bound."""
    E = float((hv * hn).sum())
    y = hv / np.sqrt(E)
    x = kv / np.sqrt(E)

    def residual(x, y):
        xy = np.outer(y, x)
        p = xy / (1 + xy)
        return (hn[:, None] * p).sum(0) - kv, (kn[None, :] * p).sum(1) - hv

    for _ in range(n_iter):
        d = 1 + np.outer(y, x)  # task class × unit class
        x = kv / ((hn * y)[:, None] / d).sum(0)
        d = 1 + np.outer(y, x)
        y = hv / ((kn * x)[None, :] / d).sum(1)
        ru, rt = residual(x, y)
        if max(np.abs(ru).max(), np.abs(rt).max()) < _TOL:
            return x, y
    nx_, ny_ = len(kv), len(hv)

    def f(z):
        ru, rt = residual(np.exp(z[:nx_]), np.exp(z[nx_:]))
        return np.r_[ru, rt]

    from scipy import optimize  # (imported only when needed: half a second where the iteration converges)

    z = np.log(np.r_[x, y])
    for method in ("hybr", "lm"):
        z = optimize.root(f, z, method=method).x
        if np.abs(f(z)).max() < _TOL:
            break
    return np.exp(z[:nx_]), np.exp(z[nx_:])


def fit_bicm(task_degree: np.ndarray, unit_degree: np.ndarray):
    """Link probabilities of the BiCM with these degrees, by degree class.

    Parameters
    ----------
    task_degree, unit_degree : array of int
        Degrees of the tasks and units of one place (each at least 1).

    Returns
    -------
    (task_class, unit_class, P)
        ``task_class[i]`` and ``unit_class[j]`` index the rows and columns
        of ``P``: ``P[task_class[i], unit_class[j]]`` is the probability
        that task ``i`` names unit ``j``. Nodes of equal degree share a
        class. A node linked to every node of the other side has ``p = 1``
        on each (it is taken out, and the other side's degrees lowered,
        before the rest is fitted); a node left with no degree has ``p = 0``.
    """
    h = np.asarray(task_degree, dtype=np.int64)
    k = np.asarray(unit_degree, dtype=np.int64)
    n_t, n_u = len(h), len(k)
    full_t = np.zeros(n_t, dtype=bool)
    full_u = np.zeros(n_u, dtype=bool)
    # peel off nodes linked to everything on the other side (p = 1), repeatedly
    while True:
        rest_t, rest_u = ~full_t, ~full_u
        hh = h - full_u.sum()
        kk = k - full_t.sum()
        new_u = rest_u & (kk >= rest_t.sum()) & (kk > 0)
        new_t = rest_t & (hh >= rest_u.sum()) & (hh > 0)
        if not new_u.any() and not new_t.any():
            break
        full_u |= new_u
        full_t |= new_t
    hh = np.where(full_t, -1, h - full_u.sum())
    kk = np.where(full_u, -1, k - full_t.sum())
    # classes: -1 = full, 0 = nothing left, else one class per degree
    t_vals, task_class = np.unique(hh, return_inverse=True)
    u_vals, unit_class = np.unique(kk, return_inverse=True)
    P = np.zeros((len(t_vals), len(u_vals)))
    P[t_vals == -1, :] = 1.0
    P[:, u_vals == -1] = 1.0
    ti = np.flatnonzero(t_vals > 0)
    ui = np.flatnonzero(u_vals > 0)
    if len(ti) and len(ui):
        hn = np.bincount(task_class, minlength=len(t_vals))[ti].astype(float)
        kn = np.bincount(unit_class, minlength=len(u_vals))[ui].astype(float)
        x, y = _solve_classes(t_vals[ti].astype(float), hn, u_vals[ui].astype(float), kn)
        xy = np.outer(y, x)
        P[np.ix_(ti, ui)] = xy / (1 + xy)
    return task_class, unit_class, P


def _binom_pmf(j: np.ndarray, n: int, p: np.ndarray) -> np.ndarray:
    """``scipy.stats.binom.pmf(j, n, p)`` for whole ``j >= 0`` and ``p`` in
    [0, 1]: the same Boost function, called without importing
    :mod:`scipy.stats`, which alone takes a second (its documentation is
    built at import) on every ``taskgraph clusters`` and ``report``.
    Falls back to :mod:`scipy.stats` where SciPy keeps it elsewhere."""
    try:
        from scipy.special._ufuncs import _binom_pmf as pmf
    except ImportError:  # pragma: no cover - another SciPy layout
        from scipy import stats

        return stats.binom.pmf(j, n, p)
    return np.where(j <= n, pmf(np.minimum(j, n).astype(float), float(n), p), 0.0)


def _poisson_binomial_sf(counts: np.ndarray, rates: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``P(V >= v)`` for ``V = sum_k Binomial(counts[k], rates[i, k])``, one
    row ``i`` per query, exactly (the pmf convolved up to ``v - 1``), as
    ``1 - P(V <= v - 1)``: in double precision, so a p-value below about
    1e-15 comes out as 0 (it is significant at any level either way).
    Queries are handled in groups of similar ``v``, all numpy."""
    out = np.ones(len(v))
    order = np.argsort(v, kind="stable")
    start = 0
    while start < len(order):
        vmin = v[order[start]]
        stop = np.searchsorted(v[order], max(2 * vmin, vmin + 8), side="left")
        stop = max(stop, start + 1)
        sel = order[start:stop]
        start = stop
        vmax = int(v[sel].max())
        if vmax <= 0:
            continue
        j = np.arange(vmax)
        pmf = np.zeros((len(sel), vmax))
        pmf[:, 0] = 1.0
        for c, r in zip(counts, rates[sel].T):
            if c == 0:
                continue
            b = _binom_pmf(j[None, :], c, r[:, None])  # query × j
            new = np.zeros_like(pmf)
            for i in range(vmax):
                new[:, i:] += pmf[:, i:i + 1] * b[:, :vmax - i]
            pmf = new
        cdf = np.cumsum(pmf, axis=1)
        tail = np.clip(1.0 - cdf[np.arange(len(sel)), np.maximum(v[sel], 1) - 1], 0.0, 1.0)
        out[sel] = np.where(v[sel] > 0, tail, 1.0)
    return out


def pair_pvalues(task_degree, unit_degree, a, b, shared, fit=None):
    """Expected shared tasks and p-value ``P(V >= shared)`` of unit pairs.

    Parameters
    ----------
    task_degree, unit_degree : array of int
        Degrees in one place (see :func:`fit_bicm`).
    a, b : array of int
        The pairs, as indices into ``unit_degree``.
    shared : array of int
        Tasks each pair shares.
    fit : tuple, optional
        :func:`fit_bicm` of these degrees, if already made.

    Returns
    -------
    (expected, pvalue) : arrays, one value per pair.
    """
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    shared = np.asarray(shared, dtype=np.int64)
    task_class, unit_class, P = fit if fit is not None else fit_bicm(task_degree, unit_degree)
    counts = np.bincount(task_class, minlength=P.shape[0])
    ca, cb = unit_class[a], unit_class[b]
    expected = (counts[None, :] * P[:, ca].T * P[:, cb].T).sum(1) if len(a) else np.zeros(0)
    # one computation per distinct (class a, class b, shared): many pairs share them
    key = np.stack([np.minimum(ca, cb), np.maximum(ca, cb), shared], axis=1) if len(a) else np.zeros((0, 3), int)
    uniq, back = np.unique(key, axis=0, return_inverse=True)
    back = np.asarray(back).ravel()
    rates = P[:, uniq[:, 0]].T * P[:, uniq[:, 1]].T if len(uniq) else np.zeros((0, P.shape[0]))
    sf = _poisson_binomial_sf(counts, rates, uniq[:, 2]) if len(uniq) else np.zeros(0)
    return expected, sf[back]


def bh_adjust(pvalues: np.ndarray, m: int | None = None) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values) of ``pvalues``, as
    if ``m`` tests had been made (default: as many as given; the tests not
    given have p-value 1).

    >>> bh_adjust(np.array([0.01, 0.04, 0.03, 0.5])).round(3).tolist()
    [0.04, 0.053, 0.053, 0.5]
    """
    p = np.asarray(pvalues, dtype=float)
    n = len(p)
    m = n if m is None else max(m, n)
    if n == 0:
        return p
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, n + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(n)
    q[order] = np.minimum(ranked, 1.0)
    return q
