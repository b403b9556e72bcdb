"""Lint: the assignments a careful office would query before a plan is issued.

Every check reads the task–unit graph and yields rows naming the place, the
task (document and heading path) or the unit concerned.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..graph import graph_frames

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

__all__ = ["lint_graph", "CHECKS", "MAX_UNITS", "CATCH_ALL"]

#: The checks, in the order rows are listed, with what each means.
CHECKS = {
    "no_lead": "task without a lead unit (unassigned, or supporting units only)",
    "several_leads": "task with more than one lead unit",
    "lead_and_support": "unit named both as lead and as support of one task",
    "collective_lead": "task led by a collective unit (各县(市)区政府…), not by one accountable body",
    "many_units": "task naming more units than max_units",
    "catch_all": "catch-all unit (各有关部门, 相关单位…) that names nobody in particular",
    "only_supports": "unit that supports tasks but leads none in its place",
}

#: Tasks naming more units than this are reported (``many_units``).
MAX_UNITS = 6

#: Names that stand for "whoever is concerned" rather than for a body.
CATCH_ALL = re.compile(r"(?:有关|相关|其他|其它)(?:各)?(?:部门|单位|机构|方面)|^各(?:级|级各)?(?:部门|单位)")

COLUMNS = ["place", "check", "doc", "task_id", "path", "unit", "count", "detail"]


def lint_graph(G: "nx.Graph", *, max_units: int = MAX_UNITS) -> pd.DataFrame:
    """Questionable assignments, one row per finding.

    Parameters
    ----------
    G : networkx.Graph
        The task–unit graph of :func:`taskgraph.graph.build_graph`.
    max_units : int
        A task naming more units than this is reported as ``many_units``.
        Default 6: a lead can convene and follow up five partners; beyond
        that the task is usually a policy area rather than a piece of work,
        and nobody's share of it can be checked. In the seeds most tasks
        name two to four units.

    Returns
    -------
    pandas.DataFrame
        Columns ``place``, ``check`` (a key of :data:`CHECKS`), ``doc``,
        ``task_id``, ``path`` (empty for unit checks), ``unit`` (display
        name; empty for task checks without one unit), ``count`` (units
        on the task, or tasks of the unit) and ``detail`` (the names
        involved). Sorted by place, check (in :data:`CHECKS` order), then
        document order or unit name.

    Notes
    -----
    Catch-all units are found by name (:data:`CATCH_ALL`), on every spelling
    the plans use. Collective units that name a definite set
    (``各县(市)区政府(管委会)``, ``成员单位``) are not catch-alls; they are
    reported only where they lead (``collective_lead``).
    """
    return _lint(graph_frames(G), max_units)


def _joined(keys: pd.Series, names: pd.Series) -> pd.Series:
    """The names of each key joined by 、 in row order: ``groupby(keys).agg("、".join)``
    in one pass over plain lists (pandas calls join once per group, slowly)."""
    groups: dict[str, list[str]] = {}
    for key, name in zip(keys.tolist(), names.tolist()):
        groups.setdefault(key, []).append(name)
    return pd.Series({key: "、".join(group) for key, group in groups.items()}, dtype=object)


def _lint(frames, max_units: int) -> pd.DataFrame:
    tasks, units, edges = frames
    tasks = tasks.assign(pos=range(len(tasks)))
    edges = edges.assign(is_lead=edges["role"].eq("lead"))
    leads = edges[edges["is_lead"]]
    per_task = tasks.set_index("node")
    per_task["n_units"] = edges.groupby("task").size()
    per_task["n_leads"] = leads.groupby("task").size()
    per_task[["n_units", "n_leads"]] = per_task[["n_units", "n_leads"]].fillna(0).astype(int)
    # the joined names only of the tasks whose rows show them (a handful; joining every task's
    # names cost a second at 100,000 tasks): names where no unit leads or too many are named,
    # lead names where several lead or a collective body does
    coll = leads[leads["collective"].astype(bool)]
    show = per_task.index[(per_task["n_leads"] == 0) | (per_task["n_units"] > max_units)]
    some = edges[edges["task"].isin(show)]
    per_task["names"] = _joined(some["task"], some["name"])
    show = per_task.index[per_task["n_leads"] > 1].union(pd.Index(coll["task"].unique()))
    some = leads[leads["task"].isin(show)]
    per_task["lead_names"] = _joined(some["task"], some["name"])
    per_task[["names", "lead_names"]] = per_task[["names", "lead_names"]].fillna("")
    per_task = per_task.reset_index()
    found = []

    def task_rows(check, rows, count, detail, unit=""):
        found.append(pd.DataFrame({
            "place": rows["place"], "check": check, "doc": rows["doc"], "task_id": rows["task_id"],
            "path": rows["path"], "unit": unit, "count": count, "detail": detail, "_pos": rows["pos"],
        }))

    no_lead = per_task[per_task["n_leads"] == 0]
    task_rows("no_lead", no_lead, no_lead["n_units"],
              ["no unit named" if n == 0 else "supported by " + names
               for n, names in zip(no_lead["n_units"], no_lead["names"])])
    several = per_task[per_task["n_leads"] > 1]
    task_rows("several_leads", several, several["n_leads"], several["lead_names"])
    at = per_task.set_index("node")
    both = edges[edges["roles"].str.contains(";", regex=False)]
    both_tasks = at.loc[both["task"]].reset_index()
    task_rows("lead_and_support", both_tasks, 1,
              [f"named as lead and support ({w})" for w in both["written"]], unit=list(both["name"]))
    coll_tasks = at.loc[coll["task"]].reset_index()
    task_rows("collective_lead", coll_tasks, list(coll_tasks["n_leads"]),
              ["lead: " + n for n in coll_tasks["lead_names"]], unit=list(coll["name"]))
    many = per_task[per_task["n_units"] > max_units]
    task_rows("many_units", many, many["n_units"], many["names"])

    u = units.assign(lead=units["node"].map(edges.groupby("unit")["is_lead"].sum()).fillna(0).astype(int),
                     total=units["node"].map(edges.groupby("unit").size()).fillna(0).astype(int))
    u = u.sort_values(["place", "name", "unit_id"], kind="stable")
    u["_pos"] = range(len(u))
    catch = u[np.array([any(CATCH_ALL.search(n) for n in (name, canonical, *names.split("、")) if n)
                        for name, canonical, names in zip(u["name"], u["canonical"], u["names"])], dtype=bool)]
    only = u[u["lead"] == 0]
    for check, rows, detail in (
        ("catch_all", catch, [f"named on {t} task{'s' if t != 1 else ''}, leads {l} ({n})"
                              for t, l, n in zip(catch["total"], catch["lead"], catch["names"])]),
        ("only_supports", only, [f"supports {t} task{'s' if t != 1 else ''}, leads none" for t in only["total"]]),
    ):
        found.append(pd.DataFrame({"place": rows["place"], "check": check, "doc": "", "task_id": "", "path": "",
                                    "unit": rows["name"], "count": rows["total"], "detail": detail,
                                    "_pos": rows["_pos"]}))

    out = pd.concat([f for f in found if len(f)] or [pd.DataFrame(columns=COLUMNS + ["_pos"])],
                    ignore_index=True)
    out["count"] = out["count"].astype(int)
    out["_check"] = out["check"].map({c: i for i, c in enumerate(CHECKS)})
    out = out.sort_values(["place", "_check", "_pos", "unit"], kind="stable")
    return out[COLUMNS].reset_index(drop=True)
