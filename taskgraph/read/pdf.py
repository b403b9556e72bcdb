"""PDF with a text layer: page by page, page numbers dropped, wrapped lines
joined again."""
from __future__ import annotations

import io
import re

from ..errors import ReadError
from ..model import Diagnostic, Line
from ..text import normalise_line
from ._zip import one_line as _one_line
from .plain import _NEWLINE

__all__ = ["read"]


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
    """Text layer of a PDF, page by page, wrapped lines joined again."""
    pages = _pdf_pages(source, data)
    extracted: list[tuple[int, str, int]] = []  # (line number, text, full width of its page)
    no = 0
    for page in pages:
        page_lines = []
        for raw in _NEWLINE.split(page):
            no += 1
            text = _SPACE_IN_CJK.sub("", normalise_line(raw))
            if text and not _PAGE_NUMBER.match(text):
                page_lines.append((no, text))
        width = max((len(text) for _, text in page_lines), default=0)
        extracted.extend((n, text, width) for n, text in page_lines)
    if not extracted:
        raise ReadError(source, "PDF has no text layer (scanned?): it needs OCR")
    return _join_wrapped(extracted)


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
