"""Markdown ``.md``: a plan or a 分工表 written as Markdown (taskgraph writes
its 分工表 so). Pipe-table rows become lines with cells (the ``---`` rule
dropped, ``\\|`` and HTML entities unescaped, ``<br>`` a space); heading
marks (``#``), emphasis (``**…**``) and list bullets are taken off; every
other line is read as plain text."""
from __future__ import annotations

import html
import re

from ..model import Diagnostic, Line, LineSource
from ..text import fold_spaces, normalise_text
from .plain import _NEWLINE, decode_text

__all__ = ["read"]

_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_BULLET = re.compile(r"^\s*[-*+]\s+(?=\S)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_BR = re.compile(r"<br\s*/?>", re.I)


def read(source: str, data: bytes) -> tuple[list[Line], str, list[Diagnostic]]:
    """Lines of a Markdown file: table rows with cells, other lines as text."""
    text, encoding, diagnostics = decode_text(source, data)
    lines: list[Line] = []
    table = 0
    in_table = False
    for no, raw in enumerate(_NEWLINE.split(text.lstrip("\ufeff")), start=1):
        stripped = raw.strip()
        if stripped.startswith("|") and stripped.count("|") >= 2:
            if _RULE.match(stripped):
                continue
            if not in_table:
                table += 1
                in_table = True
            inner = stripped[1:-1] if stripped.endswith("|") and not stripped.endswith("\\|") else stripped[1:]
            raw_cells = [c.strip() for c in _CELL_SPLIT.split(inner)]
            filled = [c for c in raw_cells if c]
            if len(filled) == 1 and _EMPHASIS.fullmatch(filled[0]) and len(raw_cells) > 1:
                # a row holding one bold cell is a group heading (a merged row
                # in Word): its text goes first, as in a Word or HTML table
                raw_cells = filled + [""] * (len(raw_cells) - 1)
            cells = tuple(_clean(c) for c in raw_cells)
            if any(cells):
                lines.append(Line(no, " | ".join(cells), cells, table))
            continue
        if not stripped:
            continue  # a blank line between rows: the table goes on (plans are not strict Markdown)
        in_table = False
        plain = _clean(_BULLET.sub("", _HEADING.sub("", raw)))
        if plain:
            lines.append(Line(no, plain, src=LineSource(raw, plain)))
    return lines, encoding, diagnostics


def _clean(cell: str) -> str:
    cell = _BR.sub(" ", cell.replace("\\|", "|"))
    cell = _EMPHASIS.sub(r"\2", cell)
    return fold_spaces(normalise_text(html.unescape(cell)))
