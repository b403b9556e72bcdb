"""分工表 as CSV or TSV (what Excel and WPS save, and what taskgraph writes):
decoded like plain text (UTF-8 with or without BOM, GB18030, Big5,
UTF-16), the delimiter sniffed (``,`` ``\\t`` ``;`` ``|``), quoted cells with
line breaks kept whole. Each row is a line with cells, so the extract stage
reads the table by its header words; a row above the header with one text
(a title) is a plain line. A cell taskgraph escaped against formula
injection (``'=…``) is read as the value it escaped.
"""
from __future__ import annotations

import csv
import io

from ..model import Diagnostic, Line, LineSource
from ..safe import uncsv_cell
from ..text import normalise_line
from .plain import decode_text

__all__ = ["read"]

_DELIMITERS = ",\t;|"


def read(source: str, data: bytes) -> tuple[list[Line], str, list[Diagnostic]]:
    """Lines of a CSV table: one a row, with its cells."""
    text, encoding, diagnostics = decode_text(source, data)
    text = text.lstrip("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=_DELIMITERS)
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = "\t" if source.lower().endswith(".tsv") else ","
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    rows = [[normalise_line(uncsv_cell(c)) for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    rows = [r for r in rows if any(r)]
    width = max((len(r) for r in rows), default=0)
    header = next((k for k, r in enumerate(rows) if sum(1 for c in r if c) >= 2), len(rows))
    lines: list[Line] = []
    for no, cells in enumerate(rows, start=1):
        texts = [c for c in cells if c]
        if no - 1 < header and len(texts) == 1:
            lines.append(Line(no, texts[0], src=LineSource(texts[0], texts[0])))
        else:
            cells = cells + [""] * (width - len(cells))
            lines.append(Line(no, " | ".join(cells), tuple(cells), 1))
    return lines, encoding, diagnostics
