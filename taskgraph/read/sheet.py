"""分工表 workbooks: Excel ``.xlsx`` / ``.xls``, WPS ``.et`` (an Excel 97
workbook by another name, or an .xlsx), OpenDocument ``.ods``.

Read with python-calamine (Rust's calamine: one reader for all four, fast,
and it does not trust a workbook's declared dimensions, which WPS writes
wrong). Every sheet is one table: its rows become lines with cells, so the
extract stage reads the 分工表 by its header words (序号, 重点任务, 牵头单位,
配合单位…), whatever the order of the columns. Rows above the header that
hold one text (the title, 附件 lines) are plain lines, so the plan's title
and place are read from them. A cell merged down rows stands in each row
it spans; one merged across columns is in the first of them.
"""
from __future__ import annotations

import datetime as _dt
import io
import math
import os

from ..errors import ReadError
from ..model import Diagnostic, Line, LineSource
from ..text import normalise_line

__all__ = ["read", "sheet_rows"]

_MAX_ROWS = 200_000
_MAX_COLUMNS = 256


def read(source: str, data: bytes) -> tuple[list[Line], None, list[Diagnostic]]:
    """Lines of a workbook: every non-empty row of every sheet."""
    lines: list[Line] = []
    diagnostics: list[Diagnostic] = []
    no = 0
    for table, (name, rows) in enumerate(_sheets(source, data), start=1):
        rows = [r for r in rows if any(r)]
        if not rows:
            continue
        header = _header_index(rows)
        for k, cells in enumerate(rows):
            no += 1
            texts = [c for c in cells if c]
            if k < header and len(texts) == 1:  # a title or 附件 line above the table
                lines.append(Line(no, texts[0], src=LineSource(texts[0], texts[0])))
            else:
                lines.append(Line(no, " | ".join(cells), tuple(cells), table))
    return lines, None, diagnostics


def _header_index(rows: list[list[str]]) -> int:
    """The first row with several cells filled: the table's header."""
    for k, cells in enumerate(rows):
        if sum(1 for c in cells if c) >= 2:
            return k
    return len(rows)


def _sheets(source: str, data: bytes):
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - a dependency
        raise ReadError(source, "reading a workbook needs python-calamine: pip install python-calamine") from None
    if data.startswith(b"PK"):  # an .xlsx / .ods: a damaged zip said as such
        from ._zip import open_zip

        suffix = os.path.splitext(source)[1].lower()
        open_zip(source, data, suffix if suffix in (".xlsx", ".xlsm", ".ods", ".et") else ".xlsx").close()
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as e:  # calamine's errors: CalamineError, XmlError, PasswordError, ZipError…
        raise ReadError(source, _book_error(e)) from None
    try:
        for name in book.sheet_names:
            try:
                sheet = book.get_sheet_by_name(name)
                yield name, sheet_rows(sheet)
            except ReadError:
                raise
            except Exception as e:
                raise ReadError(source, f"sheet {name}: {_book_error(e)}") from None
    finally:
        book.close()


def _book_error(error: Exception) -> str:
    said = " ".join(str(error).split())
    kind = type(error).__name__
    if "password" in (said + kind).lower() or "encrypt" in said.lower():
        return "the workbook is encrypted with a password: save a copy without the password"
    return f"damaged workbook ({kind}: {said[:200]})"


def sheet_rows(sheet) -> list[list[str]]:
    """A calamine sheet as rows of text cells; merged cells filled as in a
    Word table (down: in each row; across: in the first column)."""
    values = sheet.to_python(skip_empty_area=False)
    if len(values) > _MAX_ROWS:
        values = values[:_MAX_ROWS]
    rows = [[_text(v) for v in row[:_MAX_COLUMNS]] for row in values]
    try:
        merged = sheet.merged_cell_ranges or []
    except Exception:  # not every format records them
        merged = []
    for (r0, c0), (r1, c1) in merged:
        if not (0 <= r0 < len(rows)) or c0 >= _MAX_COLUMNS:
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else ""
        for r in range(r0 + 1, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if c0 < len(row) and not row[c0]:
                row[c0] = value
    width = max((len(r) for r in rows), default=0)
    for row in rows:  # every row as wide as the widest, as in a Word table
        row.extend([""] * (width - len(row)))
    return rows


def _text(value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value):
            return str(int(value))  # 序号 1, not 1.0
        return repr(value)
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return normalise_line(str(value))
