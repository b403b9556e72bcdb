"""taskgraph: read Chinese local-government action plans into a task–unit graph.

The pipeline, one module per stage: ``read`` (file → normalised lines),
``parse`` (outline, metadata), ``extract`` (tasks, lead/support edges),
``normalise`` (canonical unit ids and functions), then ``graph``,
``analyse`` and ``render``. ``load`` runs read → normalise in one call::

    >>> import taskgraph
    >>> corpus = taskgraph.load()              # doctest: +SKIP
    >>> corpus.assignments.head()               # doctest: +SKIP

This module imports only the standard library; the rest loads on first use.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import ReadError, TaskgraphError, UsageError
from .model import Assignment, Diagnostic, Document, DocumentInfo, Line, Plan, Task, Unit

__all__ = [
    "load", "Corpus", "read_document", "extract_plan", "Gazetteer",
    "Assignment", "Diagnostic", "Document", "DocumentInfo", "Line", "Plan", "Task", "Unit",
    "TaskgraphError", "ReadError", "UsageError",
]
__version__ = "0.1.0"

_LAZY = {
    "load": ("corpus", "load"),
    "Corpus": ("corpus", "Corpus"),
    "read_document": ("read", "read_document"),
    "extract_plan": ("extract", "extract_plan"),
    "Gazetteer": ("normalise", "Gazetteer"),
}

if TYPE_CHECKING:  # pragma: no cover
    from .corpus import Corpus, load
    from .extract import extract_plan
    from .normalise import Gazetteer
    from .read import read_document


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(f".{module}", __name__), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
