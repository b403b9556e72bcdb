"""The task–unit graph: a networkx bipartite graph, and its files.

Following networkx's bipartite convention, task nodes carry ``bipartite=0``
and unit nodes ``bipartite=1``; each edge carries ``role`` (``lead`` or
``support``). ``networkx.algorithms.bipartite`` works on it unchanged, but
the graph is usually disconnected (one component per plan at least), so pass
the node sets explicitly rather than calling ``bipartite.sets``::

    >>> import taskgraph
    >>> from taskgraph.graph import build_graph, task_nodes, unit_nodes
    >>> G = build_graph(taskgraph.load())                          # doctest: +SKIP
    >>> bipartite.projected_graph(G, unit_nodes(G))               # doctest: +SKIP

Node keys are strings, so that every export keeps them as written:
``task:<doc>:<task_id>`` and ``unit:<unit_id>`` (the place is prefixed when
the id does not already start with it). A unit node is one
canonical unit of one place (two spellings of one bureau are one node; the
same bureau in two cities are two nodes, linked by their ``function``).

Task attributes: ``place``, ``doc``, ``task_id``, ``path``, ``number``,
``title``, ``text``, ``deadline``, ``line``, ``label``.
Unit attributes: ``place``, ``unit_id``, ``name`` (the display name: the
spelling the place's plans use most, ties broken alphabetically),
``canonical`` (the gazetteer's full name), ``names`` (every spelling as
written, joined by ``、``), ``function``, ``level``, ``known``,
``collective``, ``label``.
Edge attributes: ``role`` (``lead`` if the unit leads the task, else
``support``), ``roles`` (every role the annotation gave it, joined by ``;``:
``lead;support`` when a plan names a unit both ways), ``written`` (the
name(s) as written on this task), ``order`` (position in the annotation).

This is the only module that builds or writes networkx graphs; the
analyses in :mod:`taskgraph.analyse` read the graph through
:func:`graph_frames`.
"""
from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from .export import LABEL_COLUMNS, atomic_write, label_rows, pajek_bytes, ucinet_bytes, write_csv

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .corpus import Corpus

__all__ = ["build_graph", "write_graph", "graph_frames", "graph_summary", "task_nodes", "unit_nodes", "place_of",
           "GRAPH_FILES"]

GRAPH_FILES = ("graph.graphml", "graph.gexf", "graph.json", "graph.net", "graph.dl", "graph-labels.csv")
_ROLE_ORDER = {"lead": 0, "support": 1}


def place_of(info) -> str:
    """The place a plan speaks for: its issuing place, else its file name."""
    return info.place or info.doc


def task_key(doc: str, task_id: str) -> str:
    return f"task:{doc}:{task_id}"


def unit_key(place: str, unit_id: str) -> str:
    # unit ids are unique within a place; most already carry it (锦州市:市科学技术局)
    return f"unit:{unit_id}" if unit_id.startswith(f"{place}:") else f"unit:{place}:{unit_id}"


def build_graph(corpus: "Corpus") -> nx.Graph:
    """The bipartite task–unit graph of a corpus.

    Parameters
    ----------
    corpus : Corpus
        Plans as returned by :func:`taskgraph.load`.

    Returns
    -------
    networkx.Graph
        Tasks (``bipartite=0``) in document order, plans sorted by file
        name; units (``bipartite=1``) sorted by place and ``unit_id``;
        edges in task order, then annotation order. Same corpus → same
        graph, node for node and edge for edge, so every export is
        byte-identical.

    Notes
    -----
    A unit named twice on one task (as lead and as support, or under two
    spellings) gives one edge: ``role`` is ``lead`` if any mention leads,
    and ``roles`` keeps every mention, so :mod:`taskgraph.analyse.lint` can
    still report it. Tasks without any annotation (a plan such as Xuchang's)
    are nodes without edges.
    """
    G = nx.Graph()
    plans = sorted(corpus.plans, key=lambda p: p.info.doc)
    spellings: dict[str, Counter] = {}
    units: dict[str, object] = {}
    edges: dict[tuple[str, str], dict] = {}
    for plan in plans:
        place = place_of(plan.info)
        for t in plan.tasks:
            G.add_node(task_key(t.doc, t.task_id), bipartite=0, kind="task", place=place, doc=t.doc,
                       task_id=t.task_id, path=t.path, number=t.number, title=t.title, text=t.text,
                       deadline=t.deadline, line=t.line, label=f"{place} {t.path} {t.title}")
        for a in sorted(plan.assignments, key=lambda a: (a.task_id, a.order, a.line)):
            unit = corpus.units[(a.doc, a.unit)]
            u = unit_key(place, unit.unit_id)
            units.setdefault(u, (place, unit))
            spellings.setdefault(u, Counter())[a.unit] += 1
            e = edges.setdefault((task_key(a.doc, a.task_id), u),
                                 {"roles": [], "written": [], "order": a.order})
            if a.role not in e["roles"]:
                e["roles"].append(a.role)
            if a.unit not in e["written"]:
                e["written"].append(a.unit)
    for u in sorted(units, key=lambda k: (units[k][0], units[k][1].unit_id)):
        place, unit = units[u]
        counts = spellings[u]
        display = min(counts, key=lambda name: (-counts[name], name))
        G.add_node(u, bipartite=1, kind="unit", place=place, unit_id=unit.unit_id, name=display,
                   canonical=unit.name, names="、".join(sorted(counts)), function=unit.function,
                   level=unit.level, known=bool(unit.known), collective=bool(unit.collective), label=display)
    # edges: in task order (node insertion order), then annotation order
    position = {n: i for i, n in enumerate(G)}
    for (t, u), e in sorted(edges.items(), key=lambda kv: (position[kv[0][0]], kv[1]["order"], kv[0][1])):
        roles = sorted(e["roles"], key=_ROLE_ORDER.__getitem__)
        G.add_edge(t, u, role=roles[0], roles=";".join(roles), written="、".join(e["written"]),
                   order=e["order"])
    return G


def task_nodes(G: nx.Graph) -> list[str]:
    """Task nodes (``bipartite=0``) in graph order."""
    return [n for n, d in G.nodes(data="bipartite") if d == 0]


def unit_nodes(G: nx.Graph) -> list[str]:
    """Unit nodes (``bipartite=1``) in graph order."""
    return [n for n, d in G.nodes(data="bipartite") if d == 1]


def graph_frames(G: nx.Graph) -> tuple["pd.DataFrame", "pd.DataFrame", "pd.DataFrame"]:
    """The graph as three tables: ``(tasks, units, edges)``.

    ``tasks`` and ``units`` have a ``node`` column and the node attributes;
    ``edges`` has ``task``, ``unit`` (node keys), the edge attributes, and
    the task's ``place`` and ``doc`` and the unit's ``unit_id``, ``name``,
    ``function`` and ``collective`` for convenience. Rows follow graph order.
    """
    import numpy as np
    import pandas as pd

    task_cols = ["node", "place", "doc", "task_id", "path", "number", "title", "text", "deadline", "line"]
    unit_cols = ["node", "place", "unit_id", "name", "canonical", "names", "function", "level", "known",
                 "collective"]
    edge_cols = ["task", "unit", "place", "doc", "task_id", "unit_id", "name", "function", "collective",
                 "role", "roles", "written", "order"]
    task_nodes, task_data, unit_nodes, unit_data = [], [], [], []
    tasks_first = True  # every task node before every unit node (as build_graph adds them)
    for n, d in G.nodes(data=True):
        if d.get("bipartite") == 0:
            task_nodes.append(n)
            task_data.append(d)
            tasks_first = tasks_first and not unit_nodes
        else:
            unit_nodes.append(n)
            unit_data.append(d)

    def frame(nodes: list, data: list[dict], cols: list[str]) -> "pd.DataFrame":
        columns = {"node": nodes}
        for c in cols[1:]:
            columns[c] = [d.get(c) for d in data]
        return pd.DataFrame(columns, columns=cols, dtype=None if nodes else object)

    tasks = frame(task_nodes, task_data, task_cols)
    units = frame(unit_nodes, unit_data, unit_cols)
    # the edges in G.edges() order: with every task first, that is each task's neighbours in turn
    # (a unit's are all seen by then), read straight from the adjacency, if each edge has one task end
    adj = getattr(G, "_adj", None) or G.adj  # (networkx's own dict of dicts: its read-only views cost 3× the time)
    degree = [len(adj[t]) for t in task_nodes] if tasks_first else []
    if tasks_first and sum(degree) == G.number_of_edges():
        u_end, data = [], []
        for t in task_nodes:
            neighbours = adj[t]
            u_end.extend(neighbours)
            data.extend(neighbours.values())
        t_at = np.repeat(np.arange(len(task_nodes)), degree)
        t_end = np.array(task_nodes, dtype=object)[t_at].tolist()
    else:
        is_task = {n: True for n in task_nodes}
        ends, data = [], []
        for a, b, d in G.edges(data=True):
            ends.append((a, b) if a in is_task else (b, a))
            data.append(d)
        t_end = [t for t, _ in ends]
        u_end = [u for _, u in ends]
        t_at = pd.Index(task_nodes).get_indexer(t_end) if ends else []
    u_at = pd.Index(unit_nodes).get_indexer(u_end) if data else []
    columns = {"task": t_end, "unit": u_end}
    for c in ("place", "doc", "task_id"):
        columns[c] = tasks[c].to_numpy()[t_at] if data else []
    for c in ("unit_id", "name", "function", "collective"):
        columns[c] = units[c].to_numpy()[u_at] if data else []
    for c in ("role", "roles", "written", "order"):
        columns[c] = [d.get(c) for d in data]
    return tasks, units, pd.DataFrame(columns, columns=edge_cols, dtype=None if data else object)


def _graphml_bytes(G: nx.Graph) -> bytes:
    buf = io.BytesIO()
    nx.write_graphml(G, buf, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return buf.getvalue()


def _gexf_bytes(G: nx.Graph) -> bytes:
    from networkx.readwrite.gexf import GEXFWriter

    writer = GEXFWriter(encoding="utf-8", prettyprint=True)
    # networkx stamps today's date on the file; drop it so same input → same bytes
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)
    writer.add_graph(G)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _json_bytes(G: nx.Graph) -> bytes:
    data = nx.node_link_data(G, edges="edges")
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def write_graph(G: nx.Graph, out_dir: str | Path) -> list[Path]:
    """Write ``graph.graphml``, ``graph.gexf`` (Gephi), ``graph.json``
    (networkx node-link data), ``graph.net`` (Pajek, two-mode, UTF-8
    labels) and ``graph.dl`` (UCINET, two-mode, ASCII keys explained in
    ``graph-labels.csv``) into ``out_dir``, each atomically (see
    :func:`taskgraph.export.pajek_bytes`, :func:`~taskgraph.export.ucinet_bytes`).

    Every attribute is a string, number or boolean, as GraphML and GEXF
    require; node and edge order follow the graph, so the bytes depend on
    the input alone.
    """
    out = Path(out_dir)
    return [
        atomic_write(out / "graph.graphml", _graphml_bytes(G)),
        atomic_write(out / "graph.gexf", _gexf_bytes(G)),
        atomic_write(out / "graph.json", _json_bytes(G)),
        atomic_write(out / "graph.net", pajek_bytes(G)),
        atomic_write(out / "graph.dl", ucinet_bytes(G)),
        write_csv(out / "graph-labels.csv", label_rows(G), LABEL_COLUMNS),
    ]


def graph_summary(G: nx.Graph) -> "pd.DataFrame":
    """Nodes and edges per place: ``place``, ``documents``, ``tasks``,
    ``unassigned`` (tasks without an edge), ``units``, ``edges``, ``lead``,
    ``support``; sorted by place."""
    import pandas as pd

    tasks, units, edges = graph_frames(G)
    places = sorted(set(tasks["place"]) | set(units["place"]))
    linked = set(edges["task"])
    rows = []
    for p in places:
        t = tasks[tasks["place"] == p]
        e = edges[edges["place"] == p]
        rows.append({"place": p, "documents": t["doc"].nunique(), "tasks": len(t),
                     "unassigned": int((~t["node"].isin(linked)).sum()),
                     "units": int((units["place"] == p).sum()), "edges": len(e),
                     "lead": int((e["role"] == "lead").sum()), "support": int((e["role"] == "support").sum())})
    return pd.DataFrame(rows, columns=["place", "documents", "tasks", "unassigned", "units", "edges", "lead",
                                       "support"])
