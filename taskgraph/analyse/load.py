"""Load: who carries the work of each place's plans.

A unit's load is counted per place (a unit node is one canonical unit of one
place), from the edges of the task–unit graph: tasks it leads, tasks it
supports, and a weighted sum of the two.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from ..graph import graph_frames

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = ["load_tables", "unit_load", "place_concentration", "memberships", "gini", "LEAD_WEIGHT", "SUPPORT_WEIGHT"]

#: Weight of a task a unit leads. See :func:`unit_load` for the argument.
LEAD_WEIGHT = 1.0
#: Weight of a task a unit supports.
SUPPORT_WEIGHT = 0.5

By = Literal["unit", "function"]
UNIT_COLUMNS = ["place", "unit", "unit_id", "function", "collective", "lead", "support", "total", "weighted",
                "share", "rank", "partners", "core", "betweenness"]
FUNCTION_COLUMNS = ["place", "function", "units", "n_units", "lead", "support", "total", "weighted", "share",
                    "rank", "partners"]
PLACE_COLUMNS = ["place", "tasks", "assigned", "units", "top_unit", "top_lead", "top_total", "top_share",
                 "top_load_share", "gini", "core_units", "core_fit"]


def memberships(G: "nx.Graph", by: By = "unit") -> pd.DataFrame:
    """One row per task and unit (or function) named on it, with its role.

    Columns ``place``, ``key`` (the unit node, or the function), ``task``
    (the task node) and ``role``. Grouped by function, a task counts once
    per function, as ``lead`` if any unit of that function leads it.
    """
    return _memberships(graph_frames(G)[2], by)


def _memberships(edges: pd.DataFrame, by: By) -> pd.DataFrame:
    if by == "unit":
        return edges[["place", "unit", "task", "role"]].rename(columns={"unit": "key"})
    if by == "function":
        e = edges.assign(key=edges["function"], is_lead=edges["role"].eq("lead"))
        m = e.groupby(["place", "key", "task"], sort=True)["is_lead"].any().reset_index()
        m["role"] = np.where(m["is_lead"], "lead", "support")
        return m[["place", "key", "task", "role"]]
    raise ValueError(f"by must be 'unit' or 'function', not {by!r}")


def unit_load(G: "nx.Graph", *, by: By = "unit", lead_weight: float = LEAD_WEIGHT,
              support_weight: float = SUPPORT_WEIGHT) -> pd.DataFrame:
    """Tasks led, supported and in total, per unit (or function) and place.

    Parameters
    ----------
    G : networkx.Graph
        The task–unit graph of :func:`taskgraph.graph.build_graph`.
    by : {"unit", "function"}
        ``unit``: one row per canonical unit of a place. ``function``: one
        row per function of a place (all its units together; a task counts
        once per function, as led if any unit of the function leads it).
    lead_weight, support_weight : float
        Weights of a led and of a supported task in ``weighted``. Default
        1 and 0.5. A lead unit answers for the whole task: it drafts the
        work plan, convenes the others and reports progress to the 督查
        office, while a supporting unit answers for its own part. Counting a
        supported task as half a led one keeps the two commensurable (a
        unit supporting twelve tasks weighs as much as one leading six)
        without letting long support lists swamp the leads; ``1, 1``
        gives plain involvement, ``1, 0`` counts leads only.

    Returns
    -------
    pandas.DataFrame
        By unit: ``place``, ``unit`` (display name, the spelling the plans
        use most), ``unit_id``, ``function``, ``collective``, ``lead``,
        ``support``, ``total`` (tasks the unit is named on; a unit named as
        both lead and support of one task counts once, as lead), ``weighted``,
        ``share`` (``total`` over all tasks of the place, unassigned
        ones included), ``rank`` (by ``weighted``, descending; ties share
        the better rank) and ``partners`` (distinct other units named on
        at least one of its tasks); by unit also ``core`` (in the
        Borgatti–Everett core of the place's unit projection, see
        :mod:`taskgraph.analyse.roles`) and ``betweenness`` (normalised
        betweenness in the place's lead → support graph: how often the
        unit lies on the shortest chains of coordination between two
        others). By function, ``unit``/``unit_id`` are replaced by
        ``units`` (display names) and ``n_units``, without ``core`` and
        ``betweenness``. Rows sorted by place, rank, then name.

    Examples
    --------
    >>> load = unit_load(G)                                        # doctest: +SKIP
    >>> load[load.place == "锦州市"].head(3)                        # doctest: +SKIP
    """
    return _unit_load(*graph_frames(G), by=by, lead_weight=lead_weight, support_weight=support_weight)


def _unit_load(tasks: pd.DataFrame, units: pd.DataFrame, edges: pd.DataFrame, *, by: By, lead_weight: float,
               support_weight: float) -> pd.DataFrame:
    m = _memberships(edges, by)
    m = m.assign(is_lead=m["role"].eq("lead"))
    g = m.groupby(["place", "key"], sort=True)
    out = pd.DataFrame({"lead": g["is_lead"].sum(), "total": g.size()}).reset_index()
    out["lead"] = out["lead"].astype(int)
    out["support"] = out["total"] - out["lead"]
    out["weighted"] = lead_weight * out["lead"] + support_weight * out["support"]
    n_tasks = tasks.groupby("place").size()
    out["share"] = out["total"] / out["place"].map(n_tasks)
    out["rank"] = out.groupby("place")["weighted"].rank(method="min", ascending=False).astype(int)
    pairs = m[["place", "task", "key"]].merge(m[["task", "key"]], on="task", suffixes=("", "_other"))
    pairs = pairs[pairs["key"] != pairs["key_other"]]
    partners = pairs.groupby(["place", "key"])["key_other"].nunique()
    at = pd.MultiIndex.from_arrays([out["place"], out["key"]])
    out["partners"] = partners.reindex(at, fill_value=0).to_numpy().astype(int)
    if by == "unit":
        info = units.set_index("node")
        out["unit"] = out["key"].map(info["name"])
        out["unit_id"] = out["key"].map(info["unit_id"])
        out["function"] = out["key"].map(info["function"])
        out["collective"] = out["key"].map(info["collective"]).astype(bool)
        core, core_fit, between = _unit_roles((tasks, units, edges))
        out["core"] = out["key"].map(core).fillna(False).astype(bool)
        out["betweenness"] = out["key"].map(between).fillna(0.0).astype(float)
        out = out.sort_values(["place", "rank", "unit", "unit_id"], kind="stable")
        columns = UNIT_COLUMNS
    else:
        names = (units.sort_values(["place", "function", "name"], kind="stable")
                 .groupby(["place", "function"])["name"].agg(list))
        out["function"] = out["key"]
        out["units"] = ["、".join(names.get((p, f), [])) for p, f in zip(out["place"], out["function"])]
        out["n_units"] = [len(names.get((p, f), [])) for p, f in zip(out["place"], out["function"])]
        out = out.sort_values(["place", "rank", "function"], kind="stable")
        columns = FUNCTION_COLUMNS
        core_fit = None
    out = out[columns].reset_index(drop=True)
    if core_fit is not None:
        out.attrs["core_fit"] = core_fit
    return out


def _unit_roles(frames):
    """Per unit node: in the core of its place's projection, and its
    betweenness in the lead → support graph; per place: the core fit."""
    from .clusters import _coordination, _projection
    from .roles import core_periphery, lead_betweenness

    u, a, b, _, _ = _projection(frames)
    core: dict = {}
    fit: dict = {}
    place = u["place"].to_numpy()
    node = u["node"].to_numpy()
    rows_of = pd.Series(np.arange(len(u))).groupby(place, sort=True).indices if len(u) else {}
    pair_place = place[a] if len(a) else np.zeros(0, dtype=object)
    pairs_of = pd.Series(np.arange(len(a))).groupby(pair_place, sort=True).indices if len(a) else {}
    for p, rows in rows_of.items():
        sel = pairs_of.get(p, np.zeros(0, dtype=np.int64))
        local = pd.Index(rows)
        is_core, f = core_periphery(len(rows), local.get_indexer(a[sel]), local.get_indexer(b[sel]))
        core.update(zip(node[rows], is_core.tolist()))
        fit[p] = f
    between = lead_betweenness(u, _coordination(frames)) if len(u) else {}
    return core, fit, between


def gini(values) -> float:
    """Gini coefficient of non-negative values: 0 when all are equal, near 1
    when one value holds everything. NaN for no values or a zero sum.

    >>> gini([1, 1, 1, 1])
    0.0
    >>> gini([0, 0, 0, 4])
    0.75
    """
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    if n == 0 or x.sum() == 0:
        return float("nan")
    i = np.arange(1, n + 1)
    return float(round(2 * (i * x).sum() / (n * x.sum()) - (n + 1) / n, 12))


def place_concentration(G: "nx.Graph", *, by: By = "unit", lead_weight: float = LEAD_WEIGHT,
                        support_weight: float = SUPPORT_WEIGHT) -> pd.DataFrame:
    """How concentrated each place's work is on a few units.

    Parameters
    ----------
    G : networkx.Graph
        The task–unit graph.
    by, lead_weight, support_weight
        As for :func:`unit_load`.

    Returns
    -------
    pandas.DataFrame
        One row per place: ``tasks`` (all), ``assigned`` (with at least one
        unit), ``units`` (distinct units, or functions, named), the top unit
        by weighted load (``top_unit``, its ``top_lead`` and ``top_total``
        tasks), ``top_share`` (the top unit's tasks over the place's tasks),
        ``top_load_share`` (its weighted load over the place's total),
        ``gini`` (Gini coefficient of the weighted load over the units
        named: 0 all equal, towards 1 one unit carries everything), and by
        unit ``core_units`` (units in the core) and ``core_fit`` (the
        correlation of the projection with the ideal core–periphery
        pattern, see :mod:`taskgraph.analyse.roles`: near 1, one core
        does the coordinating; near 0, no core–periphery structure). A place
        whose plans name no unit (Xuchang's) has zero units and empty
        shares.
    """
    return _place_concentration(graph_frames(G), by, lead_weight, support_weight)


def _place_concentration(frames, by: By, lead_weight: float, support_weight: float,
                         load: pd.DataFrame | None = None) -> pd.DataFrame:
    tasks, units, edges = frames
    if load is None:
        load = _unit_load(tasks, units, edges, by=by, lead_weight=lead_weight, support_weight=support_weight)
    label = "unit" if by == "unit" else "function"
    assigned = edges.groupby("place")["task"].nunique()
    if by == "unit":
        core_of = load.groupby("place")["core"].sum() if len(load) else {}
        fit = load.attrs.get("core_fit")
        if fit is None:
            fit = _unit_roles(frames)[1] if len(load) else {}
    rows = []
    for place, n in tasks.groupby("place", sort=True).size().items():
        sub = load[load["place"] == place]
        row = {"place": place, "tasks": int(n), "assigned": int(assigned.get(place, 0)), "units": len(sub)}
        if len(sub):
            top = sub.iloc[0]
            row.update(top_unit=top[label], top_lead=int(top["lead"]), top_total=int(top["total"]),
                       top_share=top["total"] / n, top_load_share=top["weighted"] / sub["weighted"].sum(),
                       gini=gini(sub["weighted"]))
            if by == "unit":
                row.update(core_units=int(core_of.get(place, 0)), core_fit=fit.get(place, float("nan")))
        else:
            row.update(top_unit="", top_lead=0, top_total=0, top_share=float("nan"),
                       top_load_share=float("nan"), gini=float("nan"))
            if by == "unit":
                row.update(core_units=0, core_fit=float("nan"))
        rows.append(row)
    columns = PLACE_COLUMNS if by == "unit" else PLACE_COLUMNS[:-2]
    return pd.DataFrame(rows, columns=columns)


def load_tables(G: "nx.Graph", *, by: By = "unit", lead_weight: float = LEAD_WEIGHT,
                support_weight: float = SUPPORT_WEIGHT, max_units: int | None = None) -> dict[str, pd.DataFrame]:
    """The tables of ``taskgraph load`` at once, sharing the graph's frames:
    ``load`` (:func:`unit_load`), ``load_places``
    (:func:`place_concentration`) and ``lint``
    (:func:`taskgraph.analyse.lint.lint_graph`; ``max_units`` defaults to
    its :data:`~taskgraph.analyse.lint.MAX_UNITS`)."""
    from .lint import MAX_UNITS, _lint

    frames = graph_frames(G)
    load = _unit_load(*frames, by=by, lead_weight=lead_weight, support_weight=support_weight)
    return {
        "load": load,
        "load_places": _place_concentration(frames, by, lead_weight, support_weight, load),
        "lint": _lint(frames, MAX_UNITS if max_units is None else max_units),
    }
