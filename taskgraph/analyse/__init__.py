"""Analyses of the task–unit graph, as plain functions returning DataFrames.

Each takes the graph of :func:`taskgraph.graph.build_graph` as its first
argument, in the manner of networkx, and returns a pandas DataFrame with a
stable row order (same input → same table):

* :mod:`~taskgraph.analyse.load` — who carries the work: :func:`unit_load`,
  :func:`place_concentration` (and :func:`load_tables`, every table of
  ``taskgraph load`` at once; likewise :func:`cluster_tables` and
  :func:`overlap_tables`);
* :mod:`~taskgraph.analyse.lint` — what a careful office would query:
  :func:`lint_graph`;
* :mod:`~taskgraph.analyse.clusters` — who works together:
  :func:`unit_pairs` (each pair tested against chance, see
  :mod:`~taskgraph.analyse.backbone`), :func:`unit_clusters`,
  :func:`cluster_members` (with roles), :func:`cluster_places` (modularity
  against randomised graphs, verdict), :func:`coordination`,
  :func:`coordinators`;
* :mod:`~taskgraph.analyse.overlap` — what places share:
  :func:`function_matrix`, :func:`place_similarity`, :func:`matching_tasks`.

This module imports nothing heavy; the functions load on first use::

    >>> from taskgraph import analyse
    >>> analyse.unit_load(G)                      # doctest: +SKIP
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__all__ = ["load_tables", "cluster_tables", "overlap_tables", "unit_load", "place_concentration", "lint_graph",
           "unit_pairs", "unit_clusters", "cluster_members", "cluster_places", "coordination", "coordinators",
           "function_matrix",
           "place_similarity", "matching_tasks", "reuse_memory"]

_LAZY = {
    "load_tables": "load", "cluster_tables": "clusters", "overlap_tables": "overlap",
    "unit_load": "load", "place_concentration": "load",
    "lint_graph": "lint",
    "unit_pairs": "clusters", "unit_clusters": "clusters", "cluster_members": "clusters", "cluster_places": "clusters",
    "coordination": "clusters", "coordinators": "clusters",
    "function_matrix": "overlap", "place_similarity": "overlap", "matching_tasks": "overlap",
    "reuse_memory": "_memory",
}

if TYPE_CHECKING:  # pragma: no cover
    from .clusters import (cluster_members, cluster_places, cluster_tables, coordination, coordinators, unit_clusters,
                           unit_pairs)
    from .lint import lint_graph
    from .load import load_tables, place_concentration, unit_load
    from ._memory import reuse_memory
    from .overlap import function_matrix, matching_tasks, overlap_tables, place_similarity


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
