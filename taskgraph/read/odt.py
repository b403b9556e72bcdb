"""OpenDocument text ``.odt``: ``content.xml`` read with the same safe
settings as a ``.docx`` (zip bombs and DOCTYPEs refused, no entity ever
resolved); paragraphs, headings and list items in document order, tables as
rows of cells (a cell merged down rows stands in each of them)."""
from __future__ import annotations

from collections.abc import Iterator

from ..errors import ReadError
from ..model import Diagnostic, Line, LineSource
from ..text import normalise_line
from ._zip import open_zip, parse_xml, zip_member

__all__ = ["read"]

_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_PARAGRAPHS = (_TEXT + "p", _TEXT + "h")
# what holds no text of the document: notes' citations are kept, their bodies not
_SKIP = {_TEXT + "note-body", _TEXT + "tracked-changes", _OFFICE + "annotation", _TEXT + "bookmark-ref"}
_MAX_REPEAT = 64  # a row or cell "repeated" 1,048,576 times (to the sheet's end) is read once or a few times


def read(source: str, data: bytes) -> tuple[list[Line], None, list[Diagnostic]]:
    """Lines of an .odt: paragraphs, and table rows with their cells."""
    with open_zip(source, data, ".odt") as archive:
        if any(info.flag_bits & 0x1 for info in archive.infolist()) or "META-INF/manifest.xml" in archive.namelist() \
                and b"encryption-data" in zip_member(source, archive, "META-INF/manifest.xml", ".odt"):
            raise ReadError(source, "the .odt file is encrypted with a password: save a copy without the password")
        root = parse_xml(source, zip_member(source, archive, "content.xml", ".odt"), "content.xml", ".odt")
    body = root.find(f"{_OFFICE}body/{_OFFICE}text")
    if body is None:
        raise ReadError(source, "not an OpenDocument text: content.xml has no office:text")
    lines: list[Line] = []
    state = {"no": 0, "table": 0}
    _blocks(body, lines, state)
    return lines, None, []


def _blocks(parent, lines: list[Line], state: dict) -> None:
    for child in parent:
        tag = child.tag
        if not isinstance(tag, str) or tag in _SKIP:
            continue
        if tag in _PARAGRAPHS:
            state["no"] += 1
            for part in paragraph_text(child).split("\n"):
                text = normalise_line(part)
                if text:
                    lines.append(Line(state["no"], text, src=LineSource(part, text)))
        elif tag == _TABLE + "table":
            state["table"] += 1
            table = state["table"]
            for cells in table_rows(child):
                state["no"] += 1
                if any(cells):
                    lines.append(Line(state["no"], " | ".join(cells), tuple(cells), table))
        else:  # sections, lists, list items, frames: look inside
            _blocks(child, lines, state)


def paragraph_text(paragraph) -> str:
    """Text of a text:p / text:h: spans joined, text:s as spaces, text:tab
    as a tab, text:line-break as a line break; notes' bodies left out."""
    parts: list[str] = [paragraph.text or ""]
    for child in paragraph:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == _TEXT + "s":
            parts.append(" " * min(_int(child.get(_TEXT + "c")), 100))
        elif tag == _TEXT + "tab":
            parts.append("\t")
        elif tag == _TEXT + "line-break":
            parts.append("\n")
        elif tag and tag not in _SKIP:
            parts.append(paragraph_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _cell_text(cell) -> str:
    texts = [paragraph_text(p) for p in cell.iter(*_PARAGRAPHS)
             if not any(a.tag in _SKIP for a in p.iterancestors())]
    return normalise_line(" ".join(texts).replace("\n", " "))


def _rows(table) -> Iterator:
    for child in table:
        if child.tag == _TABLE + "table-row":
            yield child
        elif child.tag in (_TABLE + "table-header-rows", _TABLE + "table-rows", _TABLE + "table-row-group"):
            yield from _rows(child)


def table_rows(table) -> Iterator[list[str]]:
    """Rows of a table:table as lists of cells. A cell spanning columns
    holds its text in the first of them; one spanning rows stands in each
    row it spans (the covered cells below it)."""
    above: dict[int, str] = {}  # column -> text of a cell spanning down
    for row in _rows(table):
        cells: list[str] = []
        for cell in row:
            if cell.tag not in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
                continue
            repeat = min(_int(cell.get(_TABLE + "number-columns-repeated")), _MAX_REPEAT)
            for _ in range(repeat):
                column = len(cells)
                if cell.tag == _TABLE + "covered-table-cell":
                    cells.append(above.get(column, ""))
                    continue
                text = _cell_text(cell)
                cells.append(text)
                if _int(cell.get(_TABLE + "number-rows-spanned")) > 1:
                    above[column] = text
                else:
                    above.pop(column, None)
        for _ in range(min(_int(row.get(_TABLE + "number-rows-repeated")), _MAX_REPEAT if any(cells) else 1)):
            yield list(cells)


def _int(value: str | None) -> int:
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1
