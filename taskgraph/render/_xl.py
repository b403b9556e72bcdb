"""Small helpers the workbooks of plans over time share (督办台账, diff.xlsx).

Every cell is written as a value (:func:`taskgraph.safe.xlsx_text`: a text
that looks like a formula stays text); no formula anywhere. The zip is
rewritten with fixed times, so the same content gives the same bytes.
"""
from __future__ import annotations

import functools
import io
import re
import struct
import zipfile
import zlib
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
        self._zip.writestr(_entry(name), _fixed_dates(name, body))

    def close(self) -> None:
        self._zip.close()


def _entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o644 << 16
    return entry


def _fixed_dates(name: str, body: bytes) -> bytes:
    if name == "docProps/core.xml":
        body = _DATE_RE.sub(rb"\g<1>" + _FIXED_DATE.encode() + rb"\g<2>", body)
    return body


# A member of a StableZip compressed on its own, to be put in many zips: the
# parts every Word file of a kind shares are compressed once per run, not once
# a file (the styles alone are 800 kB of XML). The bytes are those zipfile
# writes for StableZip into a seekable buffer (local header with the sizes,
# the data, then the central directory): tests/test_duties.py holds whole
# files made this way to StableZip's.
_CENTRAL_HEAD = zipfile.structCentralDir.removesuffix("2L") + "L"  # the record up to its header offset


def packed_member(name: str, body: bytes) -> tuple[bytes, bytes, bytes]:
    """``(local record, central record up to its offset, name)`` of one
    member, as :class:`StableZip` would write it; :func:`packed_zip` joins
    them."""
    body = _fixed_dates(name, body)
    entry = _entry(name)
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    data = compressor.compress(body) + compressor.flush()
    entry.CRC, entry.compress_size, entry.file_size = zlib.crc32(body), len(data), len(body)
    if max(entry.file_size, entry.compress_size) > zipfile.ZIP64_LIMIT:
        raise ValueError(f"{name}: too large for a zip without ZIP64")
    filename = name.encode("ascii")
    y, mo, d, h, mi, sec = entry.date_time
    central = struct.pack(_CENTRAL_HEAD, zipfile.stringCentralDir, entry.create_version, entry.create_system,
                          entry.extract_version, entry.reserved, entry.flag_bits, entry.compress_type,
                          h << 11 | mi << 5 | sec // 2, (y - 1980) << 9 | mo << 5 | d, entry.CRC,
                          entry.compress_size, entry.file_size, len(filename), 0, 0, 0, entry.internal_attr,
                          entry.external_attr)
    return entry.FileHeader(False) + data, central, filename


def packed_zip(members: Sequence[tuple[bytes, bytes, bytes]]) -> bytes:
    """The zip of :func:`packed_member` members, in their order: the bytes
    :class:`StableZip` writes for the same members."""
    records, central, offset = [], [], 0
    for local, head, filename in members:
        if offset > zipfile.ZIP64_LIMIT:
            raise ValueError("too large for a zip without ZIP64")
        central.append(head + struct.pack("<L", offset) + filename)
        records.append(local)
        offset += len(local)
    directory = b"".join(central)
    end = struct.pack(zipfile.structEndArchive, zipfile.stringEndArchive, 0, 0, len(members), len(members),
                      len(directory), offset, 0)
    return b"".join(records) + directory + end


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
