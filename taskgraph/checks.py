"""Why a reading is worth a person's look: the codes of the ``check``
columns and what they mean.

Extraction (:mod:`taskgraph.extract`) gives a task or an edge a code where
its reading may be wrong (a list cut short by 等, an annotation written after
a task's sub-items, table rows guessed from text with no separators, a lead
decided by the first-listed rule); the corpus adds ``unknown-unit`` for a
name the gazetteer does not know. The codes and the words shown to people
for them live in ``data/checks.toml``.

>>> reason("truncated")
'单位名单以“等”结尾，只列出部分单位'
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

__all__ = ["EDGE_CHECKS", "TASK_CHECKS", "reason", "short", "joined"]


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, str]]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    with resources.files("taskgraph.data").joinpath("checks.toml").open("rb") as f:
        return tomllib.load(f)


def _codes(kind: str) -> tuple[str, ...]:
    return tuple(_table()[kind])


EDGE_CHECKS = _codes("edge")
TASK_CHECKS = _codes("task")


def reason(code: str) -> str:
    """What a check code means, in the words shown to people."""
    table = _table()
    return table["edge"].get(code) or table["task"].get(code) or code


def short(code: str) -> str:
    """A few characters for a table column (``表格行推断``)."""
    return _table().get("short", {}).get(code) or reason(code)


def joined(codes) -> str:
    """Codes as one CSV cell: ``truncated;unknown-unit`` (empty when none)."""
    return ";".join(dict.fromkeys(codes))
