"""PDF with a text layer: page by page, page numbers dropped, wrapped lines
joined again (pypdf).

Tables (a 任务分工表 annex) are found with pdfplumber and read as rows of
cells: a table that goes on over the next page is one table, its header row
repeated there is dropped, a cell merged down rows stands in each of them,
one merged across a whole row (a group heading) is in its first cell, and
the lines of a cell are joined (a unit name wrapped in its cell is one
name). A page holding a table is read with pdfplumber, text and tables in
the order they stand; the other pages with pypdf.
"""
from __future__ import annotations

import io
import logging
import re

from ..errors import ReadError
from ..model import Diagnostic, Line
from ..text import normalise_line
from ._zip import one_line as _one_line
from .plain import _NEWLINE

__all__ = ["read"]

log = logging.getLogger(__name__)


def read(source: str, data: bytes) -> tuple[list[Line], None, list[Diagnostic]]:
    """Lines of a PDF's text layer."""
    return _read_pdf(source, data), None, []


_PAGE_NUMBER = re.compile(
    r"^[-—–\s]*(第\s*\d+\s*页(\s*[,/]?\s*共\s*\d+\s*页)?|\d+\s*(/\s*\d+)?|page\s*\d+(\s*of\s*\d+)?)[-—–\s]*$",
    re.I,
)
_PARAGRAPH_END = re.compile(r"[。;:!?;：！？)\]〕】]$")
_ITEM_START = re.compile(
    r"^([一二三四五六七八九十百]+、|\([一二三四五六七八九十]+\)|\d+[.、]|\(\d+\)|[①-⑳]|附件"
    r"|第[一二三四五六七八九十百]+[章节条部分])"
)
_CJK_OR_PUNCT = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
# 锦 州 市 -> 锦州市, 2024 年 -> 2024年: a PDF puts a space where the font changes
_SPACE_IN_CJK = re.compile(f"(?<={_CJK_OR_PUNCT}) (?={_CJK_OR_PUNCT})|(?<=[0-9]) (?=[\u3400-\u9fff])"
                           f"|(?<=[\u3400-\u9fff]) (?=[0-9])")


def _read_pdf(source: str, data: bytes) -> list[Line]:
    """Text layer of a PDF, page by page, wrapped lines joined again; table
    rows as lines with cells."""
    pages = _pdf_pages(source, data)
    tables = _pdf_tables(data, len(pages)) if any(p.strip() for p in pages) else {}
    lines: list[Line] = []
    extracted: list[tuple[int, str, int]] = []  # (line number, text, full width of its page)
    no = 0
    table_no = 0
    last_table: tuple[int, tuple[str, ...]] | None = None  # (width, header) of the table still open
    for k, page in enumerate(pages):
        items = tables.get(k)
        if items is None:
            items = [("text", raw) for raw in _NEWLINE.split(page)]
        page_lines: list[tuple[int, str]] = []
        for kind, value in items:
            if kind == "text":
                no += 1
                text = _SPACE_IN_CJK.sub("", normalise_line(value))
                if text and not _PAGE_NUMBER.match(text):
                    page_lines.append((no, text))
                    last_table = None  # text between: a table after it is another one
                continue
            width = max((len(t) for _, t in page_lines), default=0)
            extracted.extend((n, t, width) for n, t in page_lines)
            page_lines = []
            lines.extend(_join_wrapped(extracted))
            extracted = []
            rows = value
            if last_table is not None and len(rows[0]) == last_table[0]:
                if tuple(rows[0]) == last_table[1]:
                    rows = rows[1:]  # the header repeated on the next page
                if rows and not rows[0][0] and any(rows[0][1:]) and lines and lines[-1].cells \
                        and lines[-1].cells[0]:
                    # a row broken by the page: its rest (no 序号 of its own) goes on the row before
                    before = lines[-1]
                    cells = tuple(_cell_text(f"{a}\n{b}") if a and b else a or b
                                  for a, b in zip(before.cells, rows[0]))
                    lines[-1] = Line(before.no, " | ".join(cells), cells, before.table)
                    rows = rows[1:]
            else:
                table_no += 1
                last_table = (len(rows[0]), tuple(rows[0]))
            for cells in rows:
                no += 1
                lines.append(Line(no, " | ".join(cells), tuple(cells), table_no))
            if not rows:
                continue
        width = max((len(text) for _, text in page_lines), default=0)
        extracted.extend((n, text, width) for n, text in page_lines)
    lines.extend(_join_wrapped(extracted))
    if not lines:
        raise ReadError(source, "PDF has no text layer (scanned?): it needs OCR")
    return lines


_MAX_TABLE_PAGES = 500  # tables are looked for in the first pages of a longer PDF


def _pdf_tables(data: bytes, n_pages: int) -> dict[int, list[tuple[str, object]]]:
    """For each page that holds a table: its text lines outside the tables
    and its tables (rows of cells), in the order they stand on the page.
    Empty when pdfplumber cannot read the file (the text is read all the same)."""
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - a dependency
        return {}
    found: dict[int, list[tuple[str, object]]] = {}
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for k, page in enumerate(pdf.pages[:_MAX_TABLE_PAGES]):
                tables = [t for t in page.find_tables() if len(t.rows) >= 2 and len(t.columns) >= 2]
                if tables:
                    found[k] = _page_items(page, tables)
                page.close()  # frees the page's parsed objects
    except Exception:  # a file pdfplumber chokes on: its text is still read with pypdf
        log.debug("pdfplumber could not read the tables", exc_info=True)
        return {}
    return found


def _page_items(page, tables) -> list[tuple[str, object]]:
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        x = (obj.get("x0", 0) + obj.get("x1", 0)) / 2
        y = (obj.get("top", 0) + obj.get("bottom", 0)) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    items: list[tuple[float, str, object]] = []
    for line in page.filter(outside).extract_text_lines(return_chars=False):
        items.append((line["top"], "text", line["text"]))
    for table in tables:
        rows = _table_cells(table.extract())
        if rows:
            items.append((table.bbox[1], "table", rows))
    items.sort(key=lambda item: item[0])
    return [(kind, value) for _, kind, value in items]


def _table_cells(rows: list[list[str | None]]) -> list[list[str]]:
    """pdfplumber's rows as text cells: ``None`` is a cell merged into
    another; a row that is one cell followed by merged ones is a group
    heading (its text first, the rest empty), any other merged cell repeats
    the one above (merged down rows)."""
    out: list[list[str]] = []
    for row in rows:
        cells = [None if c is None else _cell_text(c) for c in row]
        if cells and cells[0] is not None and all(c is None for c in cells[1:]):
            out.append([cells[0]] + [""] * (len(cells) - 1))
            continue
        above = out[-1] if out else [""] * len(cells)
        out.append([above[i] if c is None and i < len(above) else (c or "") for i, c in enumerate(cells)])
    return [r for r in out if any(r)]


_CJK_END = re.compile(f"{_CJK_OR_PUNCT}$")
_CJK_START = re.compile(f"^{_CJK_OR_PUNCT}")


def _cell_text(text: str) -> str:
    """A cell's lines joined: without a space between Chinese characters
    (各县(市)区政府(管 / 委会) is one name), with one otherwise."""
    parts = [normalise_line(p) for p in _NEWLINE.split(text)]
    joined = ""
    for part in parts:
        if not part:
            continue
        if joined and not (_CJK_END.search(joined) or _CJK_START.search(part) or joined.endswith((")", "("))):
            joined += " "
        joined += part
    return _SPACE_IN_CJK.sub("", joined)


def _pdf_pages(source: str, data: bytes) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReadError(source, "PDF is encrypted with a password")
        return [page.extract_text() or "" for page in reader.pages]
    except ReadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as e:
        raise ReadError(source, f"damaged PDF ({_one_line(e)})") from None


def _join_wrapped(extracted: list[tuple[int, str, int]]) -> list[Line]:
    """Join a line to the one before unless that one ended a paragraph
    (sentence punctuation, a closing bracket, or a line much shorter than the
    page's width) or the line starts a new item (一、 (一) 1. (1) ① 附件).
    A line that leaves a bracket open (an annotation 〔责任单位:各县(市)
    wrapped before 区政府(管委会)〕) goes on in the next whatever it ends with."""
    lines: list[Line] = []
    previous_full = False  # did the previous line run to the page's width?
    for no, text, width in extracted:
        if lines:
            before = lines[-1].text
            wrapped = (previous_full and not _PARAGRAPH_END.search(before)) or _open_bracket(before)
        else:
            wrapped = False
        if wrapped and not _ITEM_START.match(text):
            lines[-1] = Line(lines[-1].no, lines[-1].text + text)
        else:
            lines.append(Line(no, text))
        previous_full = len(text) >= 0.8 * width
    return lines


_OPENERS = "(〔【[（"
_CLOSERS = ")〕】]）"


def _open_bracket(text: str) -> bool:
    """Whether ``text`` ends inside a bracket it opened (nesting counted)."""
    depth = 0
    for c in text:
        if c in _OPENERS:
            depth += 1
        elif c in _CLOSERS and depth:
            depth -= 1
    return depth > 0
