"""Rich Text Format ``.rtf`` (what WordPad, Word and WPS save as "RTF"):
text through striprtf, pure Python, no program needed. ``\\uN`` characters
and ``\\'xx`` bytes in the document's code page (``\\ansicpg936`` is GBK) are
decoded; table rows come out as cells (a row that is one merged cell, such
as a 分工表's group heading, holds it in its first cell)."""
from __future__ import annotations

import re

from ..errors import ReadError
from ..model import Diagnostic, Line, LineSource
from ..text import normalise_line
from .plain import _NEWLINE, decode_text

__all__ = ["read"]

_CODEPAGE = re.compile(rb"\\ansicpg(\d{3,5})")
_CODECS = {"936": "gb18030", "950": "cp950", "54936": "gb18030", "65001": "utf-8"}


def read(source: str, data: bytes) -> tuple[list[Line], str, list[Diagnostic]]:
    """Lines of an RTF document: paragraphs, and table rows with their cells."""
    from striprtf.striprtf import rtf_to_text

    match = _CODEPAGE.search(data[:4096])
    codepage = match.group(1).decode("ascii") if match else "1252"
    encoding = _CODECS.get(codepage, f"cp{codepage}")
    try:
        "".encode(encoding)
    except LookupError:
        encoding = "cp1252"
    try:
        rtf = data.decode("ascii")
        diagnostics: list[Diagnostic] = []
    except UnicodeDecodeError:  # raw 8-bit text in the file (some writers): decoded as plain text is
        rtf, _, diagnostics = decode_text(source, data)
    try:
        text = rtf_to_text(rtf, encoding=encoding, errors="replace")
    except Exception as e:  # striprtf on a damaged file
        raise ReadError(source, f"damaged RTF file ({type(e).__name__}: {' '.join(str(e).split())[:200]})") from None
    return _lines(text), encoding, diagnostics


def _lines(text: str) -> list[Line]:
    """striprtf ends every table cell with ``|``: such lines are rows."""
    lines: list[Line] = []
    table = 0
    rows: list[tuple[int, list[str]]] = []

    def flush() -> None:
        if not rows:
            return
        width = max(len(cells) for _, cells in rows)
        for no, cells in rows:
            cells = cells + [""] * (width - len(cells))
            lines.append(Line(no, " | ".join(cells), tuple(cells), table))
        rows.clear()

    for no, raw in enumerate(_NEWLINE.split(text), start=1):
        if raw.rstrip().endswith("|"):
            if not rows:
                table += 1
            rows.append((no, [normalise_line(c) for c in raw.rstrip()[:-1].split("|")]))
            continue
        line = normalise_line(raw)
        if not line:
            continue
        flush()
        lines.append(Line(no, line, src=LineSource(raw, line)))
    flush()
    return lines
