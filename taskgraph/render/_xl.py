"""Small helpers the workbooks of plans over time share (督办台账, diff.xlsx).

Every cell is written as a value (:func:`taskgraph.safe.xlsx_text`: a text
that looks like a formula stays text); no formula anywhere. The zip is
rewritten with fixed times, so the same content gives the same bytes.
"""
from __future__ import annotations

import functools
import io
import re
import zipfile
from typing import Sequence

from ..safe import xlsx_text
from . import style

__all__ = ["workbook", "put", "styles", "header_row", "print_setup", "xlsx_bytes", "fit_width", "fit_height", "display_width"]


def workbook():
    """A new openpyxl Workbook whose style lists find a style object they
    hold already by identity, before hashing it. openpyxl hashes a font,
    fill, border or alignment, field by field, twice each time one is set on
    a cell: most of the time of a large workbook (a 4,000-task 督办台账 took
    7 s). The workbooks here set the same few objects (:func:`styles`) on
    every cell and never change one once made; the file is the same."""
    from openpyxl import Workbook

    wb = Workbook()
    for name in _STYLE_LISTS:
        setattr(wb, name, _identity_first()(getattr(wb, name)))
    return wb


_STYLE_LISTS = ("_fonts", "_fills", "_borders", "_alignments", "_protections")


@functools.cache
def _identity_first():
    """openpyxl's IndexedList, with the index of each object added kept by
    its identity (the object is kept alive with it, so the id is never
    reused). Made on first use: openpyxl is not imported at start-up."""
    from openpyxl.utils.indexed_list import IndexedList

    class IdentityFirst(IndexedList):
        def __init__(self, iterable=None):
            super().__init__(iterable)
            self._by_id: dict[int, tuple[object, int]] = {}

        def add(self, value):
            known = self._by_id.get(id(value))
            if known is not None and known[0] is value:
                return known[1]
            index = super().add(value)
            self._by_id[id(value)] = (value, index)
            return index

    return IdentityFirst


def put(ws, row: int, column: int, value: object):
    """One cell, a string stored as text (never a formula)."""
    cell = ws.cell(row, column, value)
    xlsx_text(cell)
    return cell


def display_width(text: str) -> int:
    """Width of a text in Excel units (a CJK character counts 2)."""
    return sum(2 if ord(c) > 0x2E7F else 1 for c in str(text))


def fit_width(header: str, values: Sequence[str], cap: int = 50) -> float:
    widest = max([display_width(header)] + [max((display_width(p) for p in str(v).split("\n")), default=0)
                                            for v in values])
    return min(widest + 2, cap)


def fit_height(ws, row: int, values: Sequence[object], widths: Sequence[float], line: float = 14.0) -> None:
    """Set a row's height to hold its wrapped text (a spreadsheet does not
    always grow a row whose cells wrap, LibreOffice printing for one)."""
    import math

    lines = 1
    for v, w in zip(values, widths):
        if v in (None, ""):
            continue
        usable = max(w - 1, 1)
        n = sum(max(1, math.ceil(display_width(part) / usable)) for part in str(v).split("\n"))
        lines = max(lines, n)
    ws.row_dimensions[row].height = min(line * lines + 4, 409)


def styles() -> dict:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    return {
        "font": Font(name=style.OFFICE_FONT, size=10.5, charset=134),
        "bold": Font(name=style.OFFICE_HEADING_FONT, size=10.5, charset=134),
        "title": Font(name=style.OFFICE_HEADING_FONT, size=16, charset=134),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "centre": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "header_fill": PatternFill("solid", fgColor="DDE6F0"),
        "input_fill": PatternFill("solid", fgColor="FFF9E0"),  # columns the office fills in
        "fill": functools.lru_cache(maxsize=None)(lambda colour: PatternFill("solid", fgColor=colour)),
    }


def header_row(ws, row: int, headers: Sequence[str], s: dict) -> None:
    for c, h in enumerate(headers, start=1):
        cell = put(ws, row, c, h)
        cell.font, cell.fill, cell.alignment, cell.border = s["bold"], s["header_fill"], s["centre"], s["border"]


def print_setup(ws, title_row: int) -> None:
    """A4 landscape, fit to the page width, the header row on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{title_row}:{title_row}"
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


_FIXED_DATE = "2000-01-01T00:00:00Z"
_DATE_RE = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


class StableZip:
    """A zip of Office parts (.xlsx, .docx) with fixed entry times and
    document dates, so the same content gives the same bytes;
    ``write(name, data)`` takes a member name or a python-docx part name."""

    def __init__(self, buf) -> None:
        self._zip = zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED)

    def write(self, name, body: bytes) -> None:
        name = getattr(name, "membername", name)
        if name == "docProps/core.xml":
            body = _DATE_RE.sub(rb"\g<1>" + _FIXED_DATE.encode() + rb"\g<2>", body)
        entry = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = 0o644 << 16
        self._zip.writestr(entry, body)

    def close(self) -> None:
        self._zip.close()


def stable_zip(data: bytes) -> bytes:
    """Rewrite an Office zip with fixed entry times and document dates."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    dst = StableZip(buf)
    for info in src.infolist():
        dst.write(info.filename, src.read(info.filename))
    dst.close()
    return buf.getvalue()


def xlsx_bytes(wb) -> bytes:
    """The workbook's bytes, with fixed entry times and document dates."""
    buf = io.BytesIO()
    wb.save(buf)
    return stable_zip(buf.getvalue())
