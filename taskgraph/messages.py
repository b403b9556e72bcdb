"""The words taskgraph shows to people, from one catalogue.

Every heading, column name, label and sentence a person reads in a table,
workbook, page or terminal table comes from ``taskgraph/data/messages.toml``,
where each entry holds its Chinese (``zh``, the default) and English
(``en``) wording. CSV and JSON files keep their English column names: they
are for machines, and the catalogue does not touch them.

>>> text("division.lead")
'牵头单位'
>>> with language("en"):
...     text("division.lead")
'Lead unit'
>>> text("report.shown_rows", shown=5, total=9)
'显示前 5 行，共 9 行；全部见 tables/analysis.xlsx。'
"""
from __future__ import annotations

import contextlib
import functools
import sys
from pathlib import Path
from typing import Iterator

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["LANGUAGES", "text", "table", "language", "set_language", "current_language", "catalogue",
           "diagnostic"]

LANGUAGES = ("zh", "en")
_current = ["zh"]


@functools.lru_cache(maxsize=1)
def _data() -> dict:
    path = Path(__file__).with_name("data") / "messages.toml"
    with path.open("rb") as f:
        return tomllib.load(f)


@functools.lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """``{"section.key": {"zh": …, "en": …}}`` from the bundled data file."""
    data = _data()
    out: dict[str, dict[str, str]] = {}

    def walk(prefix: str, node: dict) -> None:
        for key, value in node.items():
            name = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict) and set(value) <= set(LANGUAGES) and value:
                out[name] = value
            elif isinstance(value, dict):
                walk(name, value)
    walk("", data)
    return out


def current_language() -> str:
    return _current[0]


def set_language(lang: str) -> None:
    """Choose the language of every word shown from now on (``zh`` or ``en``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    _current[0] = lang


@contextlib.contextmanager
def language(lang: str) -> Iterator[None]:
    """Show words in ``lang`` inside a ``with`` block."""
    before = _current[0]
    set_language(lang)
    try:
        yield
    finally:
        _current[0] = before


def text(key: str, **values: object) -> str:
    """The words of ``key`` in the current language, ``{name}`` fields
    filled from ``values``. A key missing from the catalogue is an error:
    every word shown lives there."""
    entry = catalogue()[key]
    words = entry.get(_current[0]) or entry["zh"]
    return words.format(**values) if values else words


def table(section: str) -> dict[str, str]:
    """Every key under ``section`` (``report.columns``), without the prefix,
    in the current language: a column-name map."""
    prefix = section + "."
    return {k[len(prefix):]: text(k) for k in catalogue() if k.startswith(prefix)}


@functools.lru_cache(maxsize=1)
def _diagnostics():
    import re

    return [(re.compile(d["pattern"]), d) for d in _data().get("diagnostic", [])]


def diagnostic(message: str) -> str:
    """A warning's message (as the reader wrote it, in English, for
    machines) in the words of the current language: the first
    ``[[diagnostic]]`` pattern of the catalogue that matches the whole
    message, its groups filling the wording; the message itself otherwise.

    >>> diagnostic("task number jumps from 3 to 5")
    '任务编号从 3 跳到 5'
    """
    for pattern, entry in _diagnostics():
        m = pattern.fullmatch(message)
        if m:
            words = entry.get(_current[0]) or entry["zh"]
            return words.format(**m.groupdict())
    return message
