"""Word ``.docx``: ``word/document.xml`` (zip bombs and DOCTYPEs refused),
paragraphs and table rows in document order; a vertically merged cell
stands in each row it spans."""
from __future__ import annotations

from collections.abc import Iterator

from ..errors import ReadError
from ..model import Diagnostic, Line, LineSource
from ..text import normalise_line
from ._zip import open_zip, parse_xml, zip_member

__all__ = ["read"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# run properties and paragraph properties hold w:tab stops, not text
_SKIP_IN_PARAGRAPH = {_W + "pPr", _W + "rPr", _MC_FALLBACK, _W + "delText", _W + "instrText"}


def read(source: str, data: bytes) -> tuple[list[Line], None, list[Diagnostic]]:
    """Lines of a .docx: paragraphs, and table rows with their cells."""
    return _read_docx(source, data), None, []


def _read_docx(source: str, data: bytes) -> list[Line]:
    body = _docx_body(source, _docx_xml(source, data))
    lines: list[Line] = []
    no = table = 0  # ordinal of the paragraph or row; number of the table
    for block in _docx_blocks(body):
        if block.tag == _W + "p":
            no += 1
            for part in _docx_paragraph_text(block).split("\n"):
                text = normalise_line(part)
                if text:
                    lines.append(Line(no, text, src=LineSource(part, text)))
        else:
            table += 1
            for cells in _docx_table_rows(block):
                no += 1
                if any(cells):
                    lines.append(Line(no, " | ".join(cells), tuple(cells), table))
    return lines


def _docx_xml(source: str, data: bytes) -> bytes:
    """word/document.xml, read with a hard cap."""
    with open_zip(source, data, ".docx") as archive:
        return zip_member(source, archive, "word/document.xml", ".docx")


def _docx_body(source: str, xml: bytes):
    root = parse_xml(source, xml, "word/document.xml", ".docx")
    body = root.find(_W + "body")
    if body is None:
        raise ReadError(source, "not a Word .docx: word/document.xml has no body")
    return body


def _docx_blocks(parent):
    """Paragraphs and tables of ``parent`` in document order (content
    controls and custom XML wrappers looked through)."""
    for child in parent:
        if child.tag in (_W + "p", _W + "tbl"):
            yield child
        elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml"):
            yield from _docx_blocks(child)


def _docx_paragraph_text(paragraph) -> str:
    """Text of a w:p: w:t joined, w:tab as a tab, w:br/w:cr as a line break."""
    parts: list[str] = []

    def walk(element) -> None:
        for child in element:
            tag = child.tag
            if tag in _SKIP_IN_PARAGRAPH or not isinstance(tag, str):
                continue
            if tag == _W + "t":
                parts.append(child.text or "")
            elif tag == _W + "tab":
                parts.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                parts.append("\n")
            elif tag == _W + "noBreakHyphen":
                parts.append("-")
            elif tag == _W + "p":  # a text box inside a drawing
                parts.append("\n")
                walk(child)
                parts.append("\n")
            else:
                walk(child)

    walk(paragraph)
    return "".join(parts)


def _docx_cell_text(cell) -> str:
    """Text of a w:tc: its paragraphs (nested tables included) on one line."""
    texts = []
    for paragraph in cell.iter(_W + "p"):
        if any(a.tag == _MC_FALLBACK for a in paragraph.iterancestors()):
            continue
        texts.append(_docx_paragraph_text(paragraph))
    return normalise_line(" ".join(texts).replace("\n", " "))


def _docx_table_rows(table) -> Iterator[list[str]]:
    """Rows of a w:tbl as lists of cells. A horizontally merged cell is one
    cell; a vertically merged one repeats the value above, so every row is
    complete."""
    above: dict[int, str] = {}  # grid column -> text of the cell above
    for row in table.iterchildren(_W + "tr"):
        column = _docx_int(row.find(f"{_W}trPr/{_W}gridBefore"), 0)
        cells = []
        for cell in _docx_row_cells(row):
            span = min(max(_docx_int(cell.find(f"{_W}tcPr/{_W}gridSpan"), 1), 1), 64)
            merge = cell.find(f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge.get(_W + "val", "continue") != "restart":
                text = above.get(column, "")
            else:
                text = _docx_cell_text(cell)
            above[column] = text
            # merged across columns: the text in the first, the others empty,
            # so that every row keeps the columns of the header
            cells.append(text)
            cells.extend([""] * (span - 1))
            for k in range(1, span):
                above[column + k] = ""
            column += span
        yield cells


def _docx_row_cells(row):
    for child in row:
        if child.tag == _W + "tc":
            yield child
        elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml"):
            yield from _docx_row_cells(child)


def _docx_int(element, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(_W + "val", default))
    except ValueError:
        return default
