"""Tables people file: the 任务分工表 and the responsibility matrix.

A 任务分工表 (task division table) lists a plan's tasks in document order
under the plan's own section headings (group rows), with the columns offices
use: 序号, 重点任务, 牵头单位, 配合单位, 完成时限. Unit names are kept as the
document wrote them. A task that names no unit is marked 未明确责任单位.
Written as ``.xlsx`` (openpyxl), ``.docx`` (python-docx), CSV (flat: the
section becomes a column), Markdown and HTML.

The responsibility matrix has one row per task and one column per unit:
● the unit leads the task, ○ it supports; totals per row and column.

:func:`division_rows` and :func:`responsibility_matrix` build the content as
plain data; the ``write_*`` functions lay it out. openpyxl and python-docx are
imported inside the writers. Every file is written atomically and, for the
same input, byte for byte the same (zip entries and document properties carry
a fixed date).
"""
from __future__ import annotations

import functools
import html
import io
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence, Union

from .. import messages
from ..export import atomic_write, csv_text
from ..model import Plan, Unit
from ..safe import output_stems, xlsx_text
from . import _xl, style

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "GroupRow", "TaskRow", "Matrix", "MatrixRow", "DIVISION_HEADERS", "UNASSIGNED", "LEAD_MARK", "SUPPORT_MARK",
    "division_rows", "division_title", "responsibility_matrix", "display_width",
    "write_division_xlsx", "write_division_docx", "write_division_csv", "write_division_markdown",
    "write_division_html", "division_markdown", "division_html", "write_division",
    "write_matrix_xlsx", "write_matrix_csv", "write_workbook", "html_table", "PLAN_FILES", "MATRIX_UNITS",
]

#: The columns of a 分工表 (the words come from the catalogue: taskgraph/data/messages.toml).
DIVISION_COLUMNS = ("number", "title", "content", "lead", "support", "deadline")
DIVISION_HEADERS = ("序号", "重点任务", "牵头单位", "配合单位", "完成时限")  # without 具体内容, in Chinese
FULL_TEXT_HEADER = "具体内容"
UNASSIGNED = "未明确责任单位"
#: The default of every 分工表 writer: the full text of each task in a 具体内容 column
#: of its own. An office files the table to check the work against it, and 重点任务
#: (a heading phrase) alone does not say what is to be done.
FULL_TEXT = True
LEAD_MARK = "●"
SUPPORT_MARK = "○"
UNIT_SEP = "、"


# --------------------------------------------------------------- content

@dataclass(frozen=True)
class GroupRow:
    """A section heading of the plan, shown as a row across the table (as
    the plan writes it, where known)."""

    level: int  # 0 for a top heading (三、重点任务), 1 below it, …
    heading: str


@dataclass(frozen=True)
class TaskRow:
    """One task of a 分工表, every text as the plan writes it where known:
    ``title`` its heading phrase or first sentence (重点任务), ``content``
    its full text (具体内容; for a heading-style item the paragraph under
    the heading), ``lead``/``support`` unit names."""

    number: int  # 序号, counted through the plan
    task_id: str
    title: str
    text: str
    lead: tuple[str, ...]
    support: tuple[str, ...]
    deadline: str
    section: tuple[str, ...] = ()
    content: str = ""

    @property
    def unassigned(self) -> bool:
        return not self.lead and not self.support


Row = Union[GroupRow, TaskRow]


def written_prefix(prefix: str, text: str, written: str) -> str:
    """The part of ``written`` (a text as the file writes it) that
    normalises to ``prefix``, a start of ``text`` (``written`` normalised):
    the title of a task with its own punctuation. ``prefix`` itself when the
    two cannot be aligned.

    >>> written_prefix("实施“锦兴工程”,支持人才", "实施“锦兴工程”,支持人才。创新", "实施“锦兴工程”，支持人才。创新")
    '实施“锦兴工程”，支持人才'
    """
    if not written or not prefix or not text.startswith(prefix):
        return prefix
    if written == text:
        return prefix
    from ..text import align

    offsets = align(written, text)
    if offsets is None or len(offsets) < len(prefix):
        return prefix
    return written[offsets[0]:offsets[len(prefix) - 1] + 1].strip() or prefix


def task_texts(task) -> tuple[str, str]:
    """(重点任务, 具体内容) of a task as the plan writes them: the heading
    phrase or first sentence, and the full text (for a heading-style item,
    whose text is its heading, a line break, then its paragraph: the
    paragraph, so that 具体内容 does not repeat 重点任务)."""
    title = task.title or task.text
    shown_title = written_prefix(title, task.text, task.written)
    full = task.written or task.text
    if task.title and task.text.startswith(task.title + "\n") and "\n" in full:
        full = full[full.index("\n") + 1:]
    return shown_title, full.strip()


def plan_title(plan: Plan) -> str:
    """The plan's title as written (its file name if it has none)."""
    return plan.info.title_written or plan.info.title or plan.info.doc


def division_title(plan: Plan) -> str:
    """``<plan title>任务分工表`` (the file name if the plan has no title)."""
    return f"{plan_title(plan)}{messages.text('division.suffix')}"


def division_rows(plan: Plan) -> list[Row]:
    """The rows of a plan's 任务分工表: a :class:`GroupRow` wherever the
    section changes (one per heading level that changes), then the task.

    A unit named twice in one role is listed once; the order is the
    document's; names, titles and headings are as the plan writes them.
    """
    roles: dict[str, dict[str, dict[str, str]]] = {}  # task -> role -> unit -> as written (document order)
    for a in sorted(plan.assignments, key=lambda a: (a.line, a.order)):
        roles.setdefault(a.task_id, {"lead": {}, "support": {}})[a.role].setdefault(a.unit, a.written or a.unit)
    rows: list[Row] = []
    current: tuple[str, ...] = ()
    for number, task in enumerate(plan.tasks, start=1):
        section = tuple(task.section)
        written = tuple(task.section_written) + ("",) * len(section)
        shown_section = tuple(w or h for h, w in zip(section, written))
        if section != current:
            same = 0
            while same < min(len(section), len(current)) and section[same] == current[same]:
                same += 1
            rows.extend(GroupRow(level, heading) for level, heading in enumerate(shown_section) if level >= same)
            current = section
        r = roles.get(task.task_id, {"lead": {}, "support": {}})
        support = tuple(shown for unit, shown in r["support"].items() if unit not in r["lead"])
        title, content = task_texts(task)
        rows.append(TaskRow(number, task.task_id, title, task.text, tuple(r["lead"].values()), support,
                            task.deadline, shown_section, content))
    return rows


def _task_cells(row: TaskRow, full_text: bool) -> list[str]:
    lead = UNIT_SEP.join(row.lead) if row.lead else (messages.text("division.unassigned") if row.unassigned else "")
    cells = [str(row.number), row.title]
    if full_text:
        cells.append(row.content)
    return cells + [lead, UNIT_SEP.join(row.support), row.deadline]


def _columns(full_text: bool) -> list[str]:
    return [c for c in DIVISION_COLUMNS if full_text or c != "content"]


def _headers(full_text: bool) -> list[str]:
    """The column names of a 分工表, in the current language."""
    return [messages.text(f"division.{c}") for c in _columns(full_text)]


@dataclass(frozen=True)
class MatrixRow:
    """One task of the responsibility matrix: its marks, kept sparse (a plan
    of 20,000 tasks and 5,000 units has 40,000 marks, not 100 million)."""

    number: int
    task_id: str
    title: str
    cells: tuple[tuple[int, str], ...]  # (unit column, LEAD_MARK or SUPPORT_MARK), by column
    width: int  # unit columns of the matrix

    @property
    def marks(self) -> tuple[str, ...]:
        """A mark per unit column: LEAD_MARK, SUPPORT_MARK or ""."""
        marks = [""] * self.width
        for j, mark in self.cells:
            marks[j] = mark
        return tuple(marks)

    @property
    def n_lead(self) -> int:
        return sum(mark == LEAD_MARK for _, mark in self.cells)

    @property
    def n_support(self) -> int:
        return sum(mark == SUPPORT_MARK for _, mark in self.cells)


@dataclass(frozen=True)
class Matrix:
    """Tasks × units of one plan. ``rows`` mixes :class:`GroupRow` (the
    sections) and :class:`MatrixRow`; ``units`` are the column labels (the
    first spelling the plan used), ``unit_ids`` their canonical ids."""

    doc: str
    title: str
    units: tuple[str, ...]
    unit_ids: tuple[str, ...]
    rows: tuple[Row | MatrixRow, ...]

    @property
    def tasks(self) -> list[MatrixRow]:
        return [r for r in self.rows if isinstance(r, MatrixRow)]

    def column_totals(self) -> tuple[list[int], list[int]]:
        """(lead counts, support counts), one per unit column."""
        lead, support = [0] * len(self.units), [0] * len(self.units)
        for row in self.tasks:
            for j, mark in row.cells:
                (lead if mark == LEAD_MARK else support)[j] += 1
        return lead, support

    def limited(self, max_rows: int | None = None, max_units: int | None = None) -> "Matrix":
        """The first ``max_rows`` rows (section rows count) and the first
        ``max_units`` unit columns (those with most tasks): what a figure of
        a very large plan shows."""
        k = len(self.units) if max_units is None else min(max_units, len(self.units))
        rows = self.rows if max_rows is None else self.rows[:max_rows]
        if k == len(self.units) and len(rows) == len(self.rows):
            return self
        cut = tuple(r if isinstance(r, GroupRow) else
                    MatrixRow(r.number, r.task_id, r.title, tuple(c for c in r.cells if c[0] < k), k) for r in rows)
        return Matrix(self.doc, self.title, self.units[:k], self.unit_ids[:k], cut)


def responsibility_matrix(plan: Plan, units: Mapping[tuple[str, str], Unit] | None = None) -> Matrix:
    """The plan's tasks × units. With ``units`` (``Corpus.units``), two
    spellings of one unit share a column; a unit that both leads and supports
    a task (under two spellings) counts as lead. Columns run from the unit
    with most tasks (leads first) to the least."""
    units = units or {}
    label: dict[str, str] = {}
    first: dict[str, int] = {}
    marks: dict[tuple[str, str], str] = {}
    for a in sorted(plan.assignments, key=lambda a: (a.line, a.order)):
        u = units.get((a.doc, a.unit))
        uid = u.unit_id if u is not None else a.unit
        label.setdefault(uid, a.written or a.unit)  # the first spelling, as the plan writes it
        first.setdefault(uid, len(first))
        key = (a.task_id, uid)
        if marks.get(key) != LEAD_MARK:
            marks[key] = LEAD_MARK if a.role == "lead" else SUPPORT_MARK
    n_lead = {uid: 0 for uid in label}
    n_all = {uid: 0 for uid in label}
    for (_, uid), mark in marks.items():
        n_all[uid] += 1
        n_lead[uid] += mark == LEAD_MARK
    ids = sorted(label, key=lambda uid: (-n_all[uid], -n_lead[uid], first[uid]))
    column = {uid: j for j, uid in enumerate(ids)}
    by_task: dict[str, list[tuple[int, str]]] = {}
    for (task_id, uid), mark in marks.items():
        by_task.setdefault(task_id, []).append((column[uid], mark))
    rows: list[Row | MatrixRow] = []
    for row in division_rows(plan):
        if isinstance(row, GroupRow):
            rows.append(row)
        else:
            rows.append(MatrixRow(row.number, row.task_id, row.title, tuple(sorted(by_task.get(row.task_id, ()))),
                                  len(ids)))
    return Matrix(plan.info.doc, plan_title(plan), tuple(label[uid] for uid in ids), tuple(ids), tuple(rows))


def display_width(text: str) -> int:
    """Width of ``text`` in Latin character cells: CJK characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# ------------------------------------------------------------ plain text

def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    return csv_text(header, rows).encode("utf-8-sig")  # BOM: Excel reads Chinese right


def write_division_csv(plan: Plan, path: str | Path, full_text: bool = FULL_TEXT) -> Path:
    """The 分工表 as flat CSV: one row per task, the section as a column
    (分组, headings joined by `` / ``), then the task id (任务编号)."""
    header = _headers(full_text)
    header.insert(1, messages.text("division.section"))
    header.append(messages.text("division.task_id"))
    rows = []
    for row in division_rows(plan):
        if isinstance(row, TaskRow):
            cells = _task_cells(row, full_text)
            cells.insert(1, " / ".join(row.section))
            rows.append(cells + [row.task_id])
    return atomic_write(path, _csv_bytes(header, rows))


def _md_cell(text: str) -> str:
    text = html.escape(text, quote=False).replace("|", "\\|")
    return re.sub(r"\s*\n\s*", "<br>", text)


def division_markdown(plan: Plan, full_text: bool = FULL_TEXT) -> str:
    """The 分工表 as a Markdown pipe table under a heading; group rows carry
    the heading in bold in the 重点任务 column."""
    header = _headers(full_text)
    out = [f"# {_md_cell(division_title(plan))}", ""]
    out.append("| " + " | ".join(header) + " |")
    out.append("|" + "|".join(["---:"] + ["---"] * (len(header) - 1)) + "|")
    for row in division_rows(plan):
        if isinstance(row, GroupRow):
            cells = [""] * len(header)
            cells[1] = f"**{_md_cell(row.heading)}**"
        else:
            cells = [_md_cell(c) for c in _task_cells(row, full_text)]
            if row.unassigned:
                cells[_columns(full_text).index("lead")] = f"**{messages.text('division.unassigned')}**"
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def write_division_markdown(plan: Plan, path: str | Path, full_text: bool = FULL_TEXT) -> Path:
    return atomic_write(path, division_markdown(plan, full_text).encode("utf-8"))


def division_html(plan: Plan, full_text: bool = FULL_TEXT, table_id: str = "") -> str:
    """The 分工表 as an HTML ``<table>`` (a fragment; every text escaped).
    Group rows have class ``group level-N``, unassigned tasks ``unassigned``."""
    e = html.escape
    header = _headers(full_text)
    ident = f' id="{e(table_id)}"' if table_id else ""
    out = [f'<table class="division sortable"{ident}>', "<thead><tr>"]
    out += [f"<th>{e(h)}</th>" for h in header]
    out.append("</tr></thead><tbody>")
    for row in division_rows(plan):
        if isinstance(row, GroupRow):
            out.append(f'<tr class="group level-{row.level}"><td colspan="{len(header)}">{e(row.heading)}</td></tr>')
            continue
        cells = _task_cells(row, full_text)
        cls = ' class="unassigned"' if row.unassigned else ""
        tds = "".join(f"<td>{e(c)}</td>" for c in cells)
        out.append(f'<tr{cls} title="{e(row.task_id)}">{tds}</tr>')
    out.append("</tbody></table>")
    return "".join(out)


_PAGE_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",SimSun,sans-serif;
margin:2em;color:#222}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:4px 6px;vertical-align:top}
thead th{background:#dde6f0;position:sticky;top:0}tr.group td{background:#eee;font-weight:bold}
tr.group.level-0 td{background:#d9d9d9}tr.unassigned td{background:#fce4d6}
td:first-child{text-align:right;white-space:nowrap}
"""


def write_division_html(plan: Plan, path: str | Path, full_text: bool = FULL_TEXT) -> Path:
    """The 分工表 as a small standalone HTML page (inline CSS only)."""
    title = html.escape(division_title(plan))
    page = (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{_PAGE_CSS}</style></head><body><h1>{title}</h1>\n{division_html(plan, full_text)}\n"
            "</body></html>\n")
    return atomic_write(path, page.encode("utf-8"))


def html_table(rows: Sequence[Mapping[str, object]], columns: Sequence[str] | None = None,
               headers: Mapping[str, str] | None = None, css_class: str = "sortable") -> str:
    """Records as an escaped HTML ``<table>``; numbers right-aligned."""
    e = html.escape
    columns = list(columns if columns is not None else (rows[0].keys() if rows else []))
    headers = headers or {}
    out = [f'<table class="{e(css_class)}"><thead><tr>']
    out += [f"<th>{e(str(headers.get(c, c)))}</th>" for c in columns]
    out.append("</tr></thead><tbody>")
    for r in rows:
        out.append("<tr>")
        for c in columns:
            v = _plain(r.get(c))
            num = isinstance(v, (int, float)) and not isinstance(v, bool)
            out.append(f'<td class="num">{e(_fmt(v))}</td>' if num else f"<td>{e(_fmt(v))}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _fmt(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return messages.text("workbook.yes" if v else "workbook.no")
    if isinstance(v, float):
        return f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}"
    if isinstance(v, (list, tuple, set, frozenset)):
        return UNIT_SEP.join(str(x) for x in v)
    return str(v)


def _plain(v: object) -> object:
    """numpy scalars and NaN as plain Python values."""
    if hasattr(v, "item") and not isinstance(v, (list, tuple, str, bytes)):
        try:
            v = v.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


#: The files of one plan in a report, ``<stem>-<kind>.<suffix>``, as (kind, suffix).
PLAN_FILES = (("分工表", "xlsx"), ("分工表", "docx"), ("分工表", "csv"), ("分工表", "md"), ("分工表", "html"),
              ("责任矩阵", "xlsx"), ("责任矩阵", "csv"))


def write_division(plan: Plan, out_dir: str | Path, stem: str | None = None,
                   formats: Sequence[str] = ("xlsx", "docx", "csv", "md", "html"),
                   full_text: bool = FULL_TEXT) -> list[Path]:
    """Write the plan's 分工表 as ``<stem>-分工表.<fmt>`` for each format
    (default stem: the document's name, see :func:`taskgraph.safe.output_stems`)."""
    out = Path(out_dir)
    stem = stem or output_stems([plan.info.doc], drop_suffix=True)[0]
    writers = {"xlsx": write_division_xlsx, "docx": write_division_docx, "csv": write_division_csv,
               "md": write_division_markdown, "html": write_division_html}
    return [writers[f](plan, out / f"{stem}-分工表.{f}", full_text=full_text) for f in formats]


# ------------------------------------------------------------------ xlsx

_HEADER_FILL = "DDE6F0"
_GROUP_FILLS = ("D9D9D9", "EDEDED", "F5F5F5")
_UNASSIGNED_FILL = "FCE4D6"
_LEAD_FILL = "D6E6F4"
_SUPPORT_FILL = "FBEBD0"
_COLUMN_CAPS = {"number": 6, "title": 34, "content": 64, "lead": 22, "support": 30, "deadline": 12, "section": 30}
_COLUMN_CAPS_SHORT = {"title": 48, "lead": 26, "support": 40, "deadline": 14}  # without 具体内容

#: Points of one line of wrapped 10.5 pt text: Chinese fonts draw about 1.4 em a line
#: (LibreOffice's Noto CJK a little more), so a row fits its text in Excel, WPS and LibreOffice.
LINE_POINTS = 15.5
#: Points a 10.5 pt row needs above and below its text.
ROW_PADDING = 4.0


def _xl_styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    return {
        "font": Font(name=style.OFFICE_FONT, size=10.5, charset=134),
        "bold": Font(name=style.OFFICE_HEADING_FONT, size=10.5, charset=134),
        "title": Font(name=style.OFFICE_TITLE_FONT, size=16, bold=True, charset=134),
        "unassigned": Font(name=style.OFFICE_FONT, size=10.5, charset=134, color="C00000"),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "wrap": Alignment(wrap_text=True, vertical="top"),
        "centre": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "vertical": Alignment(horizontal="center", vertical="bottom", text_rotation=255, wrap_text=False),
        "header_fill": PatternFill("solid", fgColor=_HEADER_FILL),
        "fill": functools.lru_cache(maxsize=None)(lambda colour: PatternFill("solid", fgColor=colour)),
    }


def _fit_width(header: str, values: Iterable[str], cap: int | None = None) -> float:
    """Column width in Excel units that fits the longest value (CJK = 2)."""
    widest = max([display_width(header)] + [max((display_width(p) for p in v.split("\n")), default=0)
                                            for v in values])
    return min(widest + 2, cap or 60)


def wrapped_lines(text: str, width: float) -> int:
    """Lines ``text`` takes in a wrapped cell ``width`` Excel units wide
    (a CJK character is two units; a line break starts a line)."""
    room = max(2.0, width - 1.5)  # the cell's own padding
    lines = 0
    for part in str(text).split("\n"):
        lines += max(1, math.ceil(display_width(part) / room))
    return lines


def row_height(cells: Iterable[tuple[str, float]], size: float = 10.5) -> float:
    """Points a row needs so that each ``(text, column width)`` shows
    whole: spreadsheet programs other than Excel do not fit row heights
    when they open a file, so every wrapped row carries its height."""
    lines = max((wrapped_lines(t, w) for t, w in cells if t), default=1)
    return round(lines * LINE_POINTS * size / 10.5 + ROW_PADDING, 1)


def _fit_rows(ws, texts: Mapping[int, Sequence[tuple[int, str]]], widths: Mapping[int, float]) -> None:
    """Set the height of every row in ``texts`` ({row: [(column, text)]});
    a column of ``0`` stands for a text merged across the whole row."""
    whole = sum(widths.values())
    for r, cells in texts.items():
        ws.row_dimensions[r].height = row_height((t, whole if c == 0 else widths[c]) for c, t in cells)


def _print_setup(ws, title_row: int) -> None:
    """A4 landscape, fit to the page width, the header row on every page,
    ``第 N 页 共 M 页`` in the footer, inside the bottom margin."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{title_row}:{title_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.8  # inches: room for the footer below the table
    ws.page_margins.header = 0.3
    ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = messages.text("division.footer")
    ws.oddFooter.center.size = 9
    ws.oddFooter.center.font = style.OFFICE_FONT


def _put(ws, row: int, column: int, value: object):
    """Write one cell of a workbook; a string is stored as text, never as a
    formula (:func:`taskgraph.safe.xlsx_text`). The only way a value gets
    into any workbook taskgraph writes. (Rows are counted by the writers:
    openpyxl's ``max_row`` looks at every cell, so asking it per row is
    quadratic.)"""
    cell = ws.cell(row, column, value)
    xlsx_text(cell)
    return cell


def _put_row(ws, row: int, values: Sequence[object]) -> None:
    for c, value in enumerate(values, start=1):
        _put(ws, row, c, value)


def _xl_title(ws, text: str, n: int, s: dict, widths: Mapping[int, float] | None = None) -> None:
    """Row 1: the title, merged across ``n`` columns."""
    _put(ws, 1, 1, text)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(1, n))
    ws.cell(1, 1).font = s["title"]
    ws.cell(1, 1).alignment = s["centre"]
    whole = sum(widths.values()) if widths else 120
    ws.row_dimensions[1].height = max(30, wrapped_lines(text, whole * 10.5 / 16) * 22 + 8)


def write_division_xlsx(plan: Plan, path: str | Path, full_text: bool = FULL_TEXT) -> Path:
    """The 分工表 as an Excel workbook: a title row, a styled header row
    (frozen, filtered, repeated on every printed page), group rows merged
    across, wrapped text in rows tall enough to show it, column widths
    fitted to Chinese text, A4 landscape with ``第 N 页 共 M 页`` below.
    """
    from openpyxl.utils import get_column_letter

    s = _xl_styles()
    keys = _columns(full_text)
    header = _headers(full_text)
    n = len(header)
    rows = division_rows(plan)
    wb = _xl.workbook()
    ws = wb.active
    ws.title = _sheet_name(messages.text("division.sheet"), set())
    _put_row(ws, 2, header)
    for c in range(1, n + 1):
        cell = ws.cell(2, c)
        cell.font, cell.fill, cell.alignment, cell.border = s["bold"], s["header_fill"], s["centre"], s["border"]
    columns: list[list[str]] = [[] for _ in header]
    texts: dict[int, list[tuple[int, str]]] = {2: list(enumerate(header, start=1))}
    lead_col = keys.index("lead") + 1
    r = 2
    for row in rows:
        r += 1
        if isinstance(row, GroupRow):
            _xl_group_row(ws, r, row, n, s)
            texts[r] = [(0, row.heading)]
            continue
        cells = _task_cells(row, full_text)
        for c, value in enumerate(cells, start=1):
            cell = _put(ws, r, c, int(value) if c == 1 else value)
            cell.font, cell.alignment, cell.border = s["font"], s["wrap"], s["border"]
            columns[c - 1].append(value)
        texts[r] = list(enumerate(cells, start=1))
        if row.unassigned:
            for c in range(1, n + 1):
                ws.cell(r, c).fill = s["fill"](_UNASSIGNED_FILL)
            ws.cell(r, lead_col).font = s["unassigned"]
        ws.cell(r, 1).alignment = s["centre"]
        ws.cell(r, n).alignment = s["centre"]
    caps = {**_COLUMN_CAPS, **({} if full_text else _COLUMN_CAPS_SHORT)}
    widths = {}
    for c, (key, h) in enumerate(zip(keys, header), start=1):
        widths[c] = _fit_width(h, columns[c - 1], caps.get(key))
        ws.column_dimensions[get_column_letter(c)].width = widths[c]
    _xl_title(ws, division_title(plan), n, s, widths)
    _fit_rows(ws, texts, widths)
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{get_column_letter(n)}{r}"
    _print_setup(ws, 2)
    return atomic_write(path, _xl.xlsx_bytes(wb))


def _xl_group_row(ws, r: int, row: "GroupRow", n: int, s: dict) -> None:
    """A section heading merged across the row, shaded by its depth."""
    _put(ws, r, 1, row.heading)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=n)
    fill = s["fill"](_GROUP_FILLS[min(row.level, len(_GROUP_FILLS) - 1)])
    for c in range(1, n + 1):
        cell = ws.cell(r, c)
        cell.font, cell.fill, cell.border, cell.alignment = s["bold"], fill, s["border"], s["wrap"]


#: Unit columns of a 责任矩阵 (xlsx and CSV): those with most tasks. The
#: marks of the other units of a larger plan are written in one column,
#: 其余单位, as text (甲局●、乙局○), so nothing is lost.
MATRIX_UNITS = 200
#: Up to this many cells a 责任矩阵 sheet is a full grid (every cell framed);
#: beyond it only marks are written, so the workbook stays small and opens fast.
DENSE_CELLS = 200_000
OTHER_UNITS = "其余单位"


def _matrix_shape(matrix: Matrix) -> tuple[int, bool]:
    """Unit columns written, and whether the other units need their column."""
    k = min(len(matrix.units), MATRIX_UNITS)
    return k, k < len(matrix.units)


def _other_marks(matrix: Matrix, row: MatrixRow, k: int) -> str:
    return UNIT_SEP.join(f"{matrix.units[j]}{mark}" for j, mark in row.cells if j >= k)


def matrix_title(matrix: Matrix) -> str:
    """``<plan title>责任矩阵``."""
    return f"{matrix.title}{messages.text('matrix.suffix')}"


def write_matrix_xlsx(matrix: Matrix, path: str | Path) -> Path:
    """The responsibility matrix as a workbook: the plan's title and a
    legend, a row per task (group rows for sections), a column per unit
    with ● lead / ○ support, and totals per row (牵头, 配合, 合计) and per
    column (the last three rows); rows tall enough for their text, the
    header repeated on every printed page, page numbers in the footer.

    At most :data:`MATRIX_UNITS` unit columns (the units with most tasks);
    the marks of the others, in a plan naming more, go into the 其余单位
    column as text. A large matrix is written sparsely (:data:`DENSE_CELLS`):
    the marks, not a framed empty cell for every task and unit."""
    from openpyxl.utils import get_column_letter

    t = messages.text
    s = _xl_styles()
    k, wide = _matrix_shape(matrix)
    units = list(matrix.units[:k])
    header = [t("division.number"), t("division.title"), *units, *([t("matrix.other_units")] if wide else []),
              t("matrix.lead"), t("matrix.support"), t("matrix.total")]
    n = len(header)
    dense = len(matrix.rows) * n <= DENSE_CELLS
    wb = _xl.workbook()
    ws = wb.active
    ws.title = _sheet_name(t("matrix.sheet"), set())
    H = 2  # the header row, under the title
    _put_row(ws, H, header)
    for c in range(1, n + 1):
        cell = ws.cell(H, c)
        cell.font, cell.fill, cell.border = s["bold"], s["header_fill"], s["border"]
        cell.alignment = s["vertical"] if 3 <= c <= 2 + k else s["centre"]
    ws.row_dimensions[H].height = min(400, 14 * max([len(u) for u in units] + [2]) + 10)
    titles, others = [], []
    texts: dict[int, list[tuple[int, str]]] = {}
    fills = {LEAD_MARK: s["fill"](_LEAD_FILL), SUPPORT_MARK: s["fill"](_SUPPORT_FILL)}
    r = H
    for row in matrix.rows:
        r += 1
        if isinstance(row, GroupRow):
            _xl_group_row(ws, r, row, n, s)
            texts[r] = [(0, row.heading)]
            continue
        titles.append(row.title)
        values: dict[int, object] = {1: row.number, 2: row.title}
        values.update((3 + j, mark) for j, mark in row.cells if j < k)
        if wide:
            others.append(_other_marks(matrix, row, k))
            values[3 + k] = others[-1] or None
        values.update({n - 2: row.n_lead, n - 1: row.n_support, n: row.n_lead + row.n_support})
        texts[r] = [(2, row.title)] + ([(3 + k, others[-1])] if wide else [])
        for c in (range(1, n + 1) if dense else sorted(values)):
            value = values.get(c)
            cell = _put(ws, r, c, value)
            cell.font, cell.border = s["font"], s["border"]
            cell.alignment = s["wrap"] if c == 2 or (wide and c == 3 + k) else s["centre"]
            if value in fills:
                cell.fill = fills[value]
        if not row.n_lead and not row.n_support:
            ws.cell(r, 2).fill = s["fill"](_UNASSIGNED_FILL)
    last_task_row = r
    lead, support = matrix.column_totals()
    for label, counts in ((f"{t('matrix.lead')} {LEAD_MARK}", lead), (f"{t('matrix.support')} {SUPPORT_MARK}", support),
                          (t("matrix.total"), [a + b for a, b in zip(lead, support)])):
        r += 1
        _put(ws, r, 2, label)
        for j, v in enumerate(counts[:k]):
            _put(ws, r, 3 + j, v)
        for c in range(1, n + 1):
            cell = ws.cell(r, c)
            cell.font, cell.border, cell.fill = s["bold"], s["border"], s["header_fill"]
            cell.alignment = s["centre"]
    widths = {1: 6.0, 2: float(_fit_width(t("division.title"), titles, 40))}
    for c in range(3, n + 1):
        widths[c] = 4.5 if c <= 2 + k else 6.0
    if wide:
        widths[3 + k] = float(_fit_width(t("matrix.other_units"), others, 60))
    for c, w in widths.items():
        ws.column_dimensions[get_column_letter(c)].width = w
    _xl_title(ws, f"{matrix_title(matrix)}（{t('matrix.legend')}）", n, s, widths)
    _fit_rows(ws, texts, widths)
    ws.freeze_panes = f"C{H + 1}"
    ws.auto_filter.ref = f"A{H}:{get_column_letter(n)}{last_task_row}"
    _print_setup(ws, H)
    return atomic_write(path, _xl.xlsx_bytes(wb))


def write_matrix_csv(matrix: Matrix, path: str | Path) -> Path:
    """The responsibility matrix as CSV: a row per task (分组 and 任务编号
    columns instead of group rows), then three rows of column totals; the
    same columns as :func:`write_matrix_xlsx` (其余单位 for a plan naming
    more than :data:`MATRIX_UNITS` units)."""
    k, wide = _matrix_shape(matrix)
    extra = [OTHER_UNITS] if wide else []
    header = ["序号", "分组", "任务编号", "重点任务", *matrix.units[:k], *extra, "牵头", "配合", "合计"]
    rows: list[list[object]] = []
    section: list[str] = []
    for row in matrix.rows:
        if isinstance(row, GroupRow):
            section = section[:row.level] + [row.heading]
            continue
        marks = [""] * k
        for j, mark in row.cells:
            if j < k:
                marks[j] = mark
        rows.append([row.number, " / ".join(section), row.task_id, row.title, *marks,
                     *([_other_marks(matrix, row, k)] if wide else []),
                     row.n_lead, row.n_support, row.n_lead + row.n_support])
    lead, support = matrix.column_totals()
    blank = [""] * len(extra)
    rows.append(["", "", "", f"牵头 {LEAD_MARK}", *lead[:k], *blank, sum(lead), "", sum(lead)])
    rows.append(["", "", "", f"配合 {SUPPORT_MARK}", *support[:k], *blank, "", sum(support), sum(support)])
    rows.append(["", "", "", "合计", *[a + b for a, b in zip(lead[:k], support[:k])], *blank, sum(lead),
                 sum(support), sum(lead) + sum(support)])
    return atomic_write(path, _csv_bytes(header, rows))


Sheet = Union["pd.DataFrame", Sequence[Mapping[str, object]]]


def write_workbook(path: str | Path, sheets: Mapping[str, Sheet],
                   headers: Mapping[str, str] | None = None, percent: Iterable[str] = ()) -> Path:
    """Several tables as the sheets of one workbook, each with a styled,
    frozen and filtered header row, fitted column widths and A4 landscape
    print setup. A sheet is a DataFrame or a list of dicts; an empty one
    gets a note. ``headers`` renames columns (e.g. ``{"lead": "牵头"}``);
    a second column that would show the same name is numbered (``任务数（2）``). Columns in ``percent`` hold shares (0–1) and
    show as percentages; true/false shows as 是/否."""
    from openpyxl.utils import get_column_letter

    s = _xl_styles()
    headers = headers or {}
    percent = set(percent)
    yes, no = messages.text("workbook.yes"), messages.text("workbook.no")
    wb = _xl.workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for name, data in sheets.items():
        columns, records = _records(data)
        ws = wb.create_sheet(_sheet_name(name, used))
        if not columns:
            _put(ws, 1, 1, messages.text("workbook.empty"))
            continue
        shown = _unique_headers(columns, headers)
        _put_row(ws, 1, shown)
        for c in range(1, len(columns) + 1):
            cell = ws.cell(1, c)
            cell.font, cell.fill, cell.alignment, cell.border = s["bold"], s["header_fill"], s["centre"], s["border"]
        texts: list[list[str]] = [[] for _ in columns]
        r = 1
        for rec in records:
            r += 1
            values = [_plain(rec.get(c)) for c in columns]
            values = [_fmt(v) if isinstance(v, (list, tuple, set, frozenset)) else
                      (yes if v else no) if isinstance(v, bool) else v for v in values]
            for c, v in enumerate(values, start=1):
                cell = _put(ws, r, c, v)
                cell.font, cell.alignment = s["font"], s["wrap"]
                if columns[c - 1] in percent and isinstance(v, (int, float)):
                    cell.number_format = "0.0%"
                    texts[c - 1].append(f"{v:.1%}")
                elif isinstance(v, float):
                    cell.number_format = "0.000" if abs(v) < 1000 else "0"
                    texts[c - 1].append(f"{v:.3f}")
                else:
                    texts[c - 1].append(_fmt(v))
        for c in range(1, len(columns) + 1):
            ws.column_dimensions[get_column_letter(c)].width = _fit_width(shown[c - 1], texts[c - 1], 50)
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{r}"
        _print_setup(ws, 1)
    if not wb.sheetnames:
        wb.create_sheet(messages.text("workbook.empty").strip("（）()"))
    return atomic_write(path, _xl.xlsx_bytes(wb))


def _unique_headers(columns: Sequence[str], headers: Mapping[str, str]) -> list[str]:
    shown = [str(headers.get(c, c)) for c in columns]
    seen: dict[str, int] = {}
    for h in shown:
        seen[h] = seen.get(h, 0) + 1
    out, n = [], {}
    for h in shown:
        n[h] = n.get(h, 0) + 1
        out.append(f"{h}（{n[h]}）" if seen[h] > 1 and n[h] > 1 else h)
    return out


def _records(data: Sheet) -> tuple[list[str], list[Mapping[str, object]]]:
    if hasattr(data, "to_dict") and hasattr(data, "columns"):  # a DataFrame
        frame = data.reset_index() if _has_named_index(data) else data
        return [str(c) for c in frame.columns], frame.rename(columns=str).to_dict("records")
    records = list(data)
    columns: dict[str, None] = {}
    for rec in records:
        columns.update(dict.fromkeys(rec))
    return list(columns), records


def _has_named_index(frame) -> bool:
    return any(name is not None for name in getattr(frame.index, "names", [None]))


def _sheet_name(name: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of ``[]:*?/\\``, unique."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name).strip("'") or "Sheet"
    base = base[:31]
    candidate, i = base, 2
    while candidate.lower() in used:
        suffix = f"~{i}"
        candidate, i = base[:31 - len(suffix)] + suffix, i + 1
    used.add(candidate.lower())
    return candidate


# ------------------------------------------------------------------ docx

_DOCX_WIDTHS_MM = {False: (12, 97, 50, 73, 25), True: (12, 50, 97, 35, 43, 20)}


def _docx_document(title: str, subtitle: str = ""):
    """A Word document for a table: A4 landscape, GB/T 9704 fonts set as the
    East-Asian fonts (``w:eastAsia``, with fallbacks in the font table), the
    title (宋体 bold, 小二), ``第 N 页 共 M 页`` in the footer."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    props = doc.core_properties
    # the document property holds at most 255 characters (python-docx refuses more: a unit
    # named at such length from a units file); the title on the page is whole
    props.title, props.author, props.last_modified_by = title[:_TITLE_LIMIT], "taskgraph", "taskgraph"
    props.comments = ""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = Mm(18)
    section.bottom_margin = Mm(20)
    section.footer_distance = Mm(8)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    _set_fonts(normal.element, style.OFFICE_BODY_FONT)
    _set_lang(normal.element)
    _font_table(doc)

    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.paragraph_format.space_after = Pt(6)
    _run(head, title, style.OFFICE_TITLE_FONT, Pt(18)).bold = True
    if subtitle:
        sub = doc.add_paragraph()
        sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(sub, subtitle, style.OFFICE_BODY_FONT, Pt(12))
    _page_numbers(section.footer.paragraphs[0])
    return doc


def _docx_table(doc, header: Sequence[str], widths_mm: Sequence[float], rows: Iterable,
                centred: Sequence[int] = (), emphasis: int | None = None):
    """A real Word table: the header row repeated on every page, no row
    split across pages (``w:cantSplit``), a section row kept with the row
    after it (keep with next). ``rows`` yields :class:`GroupRow` or
    ``(cells, unassigned)``; ``centred`` are the columns centred,
    ``emphasis`` the column set bold in an unassigned row."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Mm(w) for w in widths_mm]
    for col, width in zip(table._tbl.tblGrid.gridCol_lst, widths):  # LibreOffice reads the grid,
        col.w = width                                                   # Word the cell widths
    head = table.rows[0]
    _repeat_header(head)
    _cant_split(head._tr)
    for cell, text, width in zip(head.cells, header, widths):
        cell.width = width
        _shade(cell, _HEADER_FILL)
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = True
        _run(p, text, style.OFFICE_HEADING_FONT, Pt(10.5))
    # the rows as Word XML text, parsed in one go: through python-docx's
    # objects a cell cost about a millisecond (a 4,000-task 分工表 took
    # 30 s, 883 责任清单 70 s); the XML is the same, element for element
    # (tests/test_render_tables.py holds it against python-docx's own)
    chunks = _rows_xml(rows, [width.twips for width in widths], centred, emphasis)
    if chunks:
        from docx.oxml import parse_xml
        from docx.oxml.ns import nsdecls

        parsed = parse_xml(f"<w:tbl {nsdecls('w')}>{''.join(chunks)}</w:tbl>")
        table._tbl.extend(list(parsed))
    return table


def _rows_xml(rows: Iterable, twips: Sequence[int], centred: Sequence[int] = (),
              emphasis: int | None = None) -> list[str]:
    """The body rows of :func:`_docx_table` as Word XML text, one ``w:tr`` each."""
    chunks: list[str] = []
    for row in rows:
        if isinstance(row, GroupRow):
            fill = _GROUP_FILLS[min(row.level, len(_GROUP_FILLS) - 1)]
            chunks.append(f'<w:tr>{_CANT_SPLIT}<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{sum(twips)}"/>'
                          f'<w:gridSpan w:val="{len(twips)}"/>{_shade_xml(fill)}</w:tcPr>'
                          f'<w:p><w:pPr><w:keepNext/></w:pPr>'
                          f'{_run_xml(row.heading, style.OFFICE_HEADING_FONT, size=21)}</w:p></w:tc></w:tr>')
            continue
        values, unassigned = row
        cells = []
        for j, (w, text) in enumerate(zip(twips, values)):
            shade = _shade_xml(_UNASSIGNED_FILL) if unassigned else ""
            jc = '<w:pPr><w:jc w:val="center"/></w:pPr>' if j in centred else ""
            run = _run_xml(text, style.OFFICE_BODY_FONT, bold=bool(unassigned and j == emphasis))
            cells.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{w}"/>{shade}</w:tcPr><w:p>{jc}{run}</w:p></w:tc>')
        chunks.append(f"<w:tr>{_CANT_SPLIT}{''.join(cells)}</w:tr>")
    return chunks


_CANT_SPLIT = '<w:trPr><w:cantSplit w:val="true"/></w:trPr>'


def _shade_xml(colour: str) -> str:
    return f'<w:shd w:val="clear" w:color="auto" w:fill="{colour}"/>'


def _run_xml(text: str, east_asian: str, *, bold: bool = False, size: int | None = None) -> str:
    """A run as :func:`_run` makes it through python-docx: the fonts, bold,
    the size in half points, then the text, a tab as ``w:tab``, a line
    break as ``w:br``, ``xml:space="preserve"`` where the text has space at
    either end (as python-docx decides it)."""
    latin = html.escape(style.OFFICE_LATIN_FONT, quote=True)
    ea = html.escape(east_asian, quote=True)
    props = (f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:cs="{latin}" w:eastAsia="{ea}" '
             f'w:hint="eastAsia"/>' + ("<w:b/>" if bold else "") + (f'<w:sz w:val="{size}"/>' if size else ""))
    body = []
    for k, part in enumerate(_RUN_BREAKS.split(text or "")):
        if k % 2:
            body.append("<w:tab/>" if part == "\t" else "<w:br/>")
        elif part:
            preserve = ' xml:space="preserve"' if len(part.strip()) < len(part) else ""
            body.append(f"<w:t{preserve}>{html.escape(part, quote=False)}</w:t>")
    return f"<w:r><w:rPr>{props}</w:rPr>{''.join(body)}</w:r>"


_RUN_BREAKS = re.compile(r"([\t\r\n])")


def _docx_bytes(doc) -> bytes:
    """The document as a zip with fixed times (:class:`._xl.StableZip`), written
    once: what ``Document.save`` does, into it (saving,
    then rewriting the zip, compressed every part twice: a third of the
    time of a 责任清单). Another python-docx falls back to save + rewrite."""
    buf = io.BytesIO()
    try:
        from docx.opc.pkgwriter import PackageWriter

        package = doc.part.package
        parts = list(package.parts)
        for part in parts:
            part.before_marshal()
        writer = _xl.StableZip(buf)
        PackageWriter._write_content_types_stream(writer, parts)
        PackageWriter._write_pkg_rels(writer, package.rels)
        PackageWriter._write_parts(writer, parts)
        writer.close()
    except AttributeError:  # pragma: no cover - python-docx changed its writer
        buf = io.BytesIO()
        doc.save(buf)
        return _xl.stable_zip(buf.getvalue())
    return buf.getvalue()


# The Word skeleton. Every Word file here is python-docx's Document() set up
# by _docx_document: but for word/document.xml and the title in
# docProps/core.xml, each holds the same parts (styles, font table, footer,
# settings, theme, …). Making them cost ~15 ms a file (Document() alone
# 11 ms) and compressing them ~12 ms more (the styles are 800 kB of XML): a
# 责任清单 took ~40 ms, the 4,174 of a large plan about two minutes. So they are made
# and compressed once a process (per language: the footer holds words), and a
# file is its document.xml written as text and the zip joined.
# python-docx stays the reference: a skeleton checks itself against it when
# made (none is used otherwise), a file it cannot write as python-docx would
# is left to python-docx, and tests/test_duties.py holds whole files to it.

_MARK = "\ue000taskgraph\ue000"  # a title no plan writes (private use area), found again in the parts
# what lxml refuses in a text (python-docx then raises): such a file is left to it
_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_TITLE_LIMIT = 255  # python-docx's for a document property


@dataclass(frozen=True)
class _Skeleton:
    members: tuple  # packed zip members in python-docx's order, a name where a file has its own
    document: tuple[str, str]  # word/document.xml up to the body's first paragraph, and from its w:sectPr on
    core: tuple[str, str]  # docProps/core.xml before and after the title

    def docx(self, title: str, body: str) -> bytes | None:
        if _XML_INVALID.search(body):
            return None
        own = {"word/document.xml": (self.document[0] + body + self.document[1]).encode("utf-8"),
               "docProps/core.xml": (self.core[0] + _xml_text(title[:_TITLE_LIMIT]) + self.core[1]).encode("utf-8")}
        return _xl.packed_zip([m if isinstance(m, tuple) else _xl.packed_member(m, own[m]) for m in self.members])


def _xml_text(text: str) -> str:
    """A text as lxml writes it in an element (``\\r`` as a character reference)."""
    return html.escape(text, quote=False).replace("\r", "&#13;")


def _heading_xml(title: str, subtitle: str = "") -> str:
    """The title and subtitle paragraphs of :func:`_docx_document`, as XML text."""
    out = ('<w:p><w:pPr><w:spacing w:after="120"/><w:jc w:val="center"/></w:pPr>'
           f'{_run_xml(title, style.OFFICE_TITLE_FONT, bold=True, size=36)}</w:p>')
    if subtitle:
        out += f'<w:p><w:pPr><w:jc w:val="center"/></w:pPr>{_run_xml(subtitle, style.OFFICE_BODY_FONT, size=24)}</w:p>'
    return out


def _table_xml(header: Sequence[str], widths_mm: Sequence[float], rows: Iterable,
               centred: Sequence[int] = (), emphasis: int | None = None) -> str:
    """The table :func:`_docx_table` makes, as XML text."""
    from docx.shared import Mm

    twips = [Mm(w).twips for w in widths_mm]
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
    head = "".join(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{w}"/>{_shade_xml(_HEADER_FILL)}</w:tcPr>'
                   f'<w:p><w:pPr><w:keepNext/><w:jc w:val="center"/></w:pPr>'
                   f'{_run_xml(text, style.OFFICE_HEADING_FONT, size=21)}</w:p></w:tc>'
                   for w, text in zip(twips, header))
    return ('<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/><w:jc w:val="center"/>'
            '<w:tblLayout w:type="fixed"/><w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" '
            'w:lastRow="0" w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr>'
            f'<w:tblGrid>{grid}</w:tblGrid>'
            f'<w:tr><w:trPr><w:cantSplit w:val="true"/><w:tblHeader w:val="true"/></w:trPr>{head}</w:tr>'
            f"{''.join(_rows_xml(rows, twips, centred, emphasis))}</w:tbl>")


def _skeleton_key() -> tuple:
    """What the shared parts hold that can change within a process."""
    t = messages.text
    return (t("division.page_before"), t("division.page_middle"), t("division.page_after"),
            style.OFFICE_BODY_FONT, style.OFFICE_HEADING_FONT, style.OFFICE_TITLE_FONT, style.OFFICE_LATIN_FONT,
            tuple((k, tuple(v)) for k, v in style.OFFICE_FALLBACKS.items()))


@functools.lru_cache(maxsize=4)
def _skeleton(key: tuple) -> _Skeleton | None:
    """The skeleton for the words and fonts in force (``key``), or None when
    python-docx's files cannot be made from it (another python-docx, lxml or
    zipfile writing otherwise): every file is then made by python-docx."""
    import zipfile

    try:
        members: list = []
        parts: dict[str, str] = {}
        with zipfile.ZipFile(io.BytesIO(_docx_bytes(_docx_document(_MARK)))) as z:
            for info in z.infolist():
                if info.filename in ("word/document.xml", "docProps/core.xml"):
                    parts[info.filename] = z.read(info).decode("utf-8")
                    members.append(info.filename)
                else:
                    members.append(_xl.packed_member(info.filename, z.read(info)))
        document = parts["word/document.xml"]
        start = document.index("<w:body>") + len("<w:body>")
        end = document.rindex("<w:sectPr")
        if document[start:end] != _heading_xml(_MARK):
            return None
        before, mark, after = parts["docProps/core.xml"].partition(f"<dc:title>{_MARK}</dc:title>")
        if not mark or _MARK in after:
            return None
        skeleton = _Skeleton(tuple(members), (document[:start], document[end:]),
                             (before + "<dc:title>", "</dc:title>" + after))
        # the check: a file with a title, a subtitle and a table of each kind of row
        title, subtitle = "自检 &<>\"' a\tb\r\nc", "副标题 &amp;"
        header, widths = ["序号", "任务", "单位"], (12, 97, 50)
        rows = [GroupRow(0, "一、总体要求"), GroupRow(3, "（一）&"), (("1", " 甲<任务> ", "市发展改革委"), False),
                (("2", "乙\n任务", ""), True)]
        doc = _docx_document(title, subtitle)
        _docx_table(doc, header, widths, rows, centred=(0, 2), emphasis=2)
        made = skeleton.docx(title, _heading_xml(title, subtitle) + _table_xml(header, widths, rows, (0, 2), 2))
        return skeleton if made == _docx_bytes(doc) else None
    except (AttributeError, KeyError, ValueError, UnicodeError, zipfile.BadZipFile):  # pragma: no cover
        return None


def _docx_file(title: str, subtitle: str, content: str) -> bytes | None:
    """The bytes :func:`_docx_bytes` gives for ``_docx_document(title,
    subtitle)`` followed by ``content`` (Word XML text), made from the
    skeleton; None where python-docx must make it (no skeleton, a title too
    long for it, a character it refuses)."""
    skeleton = _skeleton(_skeleton_key())
    return None if skeleton is None else skeleton.docx(title, _heading_xml(title, subtitle) + content)


def write_division_docx(plan: Plan, path: str | Path, full_text: bool = FULL_TEXT) -> Path:
    """The 分工表 as a Word document: A4 landscape, a real table whose header
    row repeats on every page, rows never split across pages, section rows
    merged across and kept with the next row, page numbers in the footer,
    GB/T 9704 fonts (:func:`_docx_document`). Made from the Word skeleton
    (:func:`_docx_file`): the bytes python-docx makes
    (:func:`_division_document`), which makes it where the skeleton cannot."""
    header = _headers(full_text)
    data = _docx_file(division_title(plan), "", _table_xml(header, _DOCX_WIDTHS_MM[full_text],
                                                           _division_docx_rows(plan, full_text),
                                                           centred=(0, len(header) - 1),
                                                           emphasis=_columns(full_text).index("lead")))
    if data is None:
        data = _docx_bytes(_division_document(plan, full_text))
    return atomic_write(path, data)


def _division_docx_rows(plan: Plan, full_text: bool) -> Iterable:
    return ((row if isinstance(row, GroupRow) else (_task_cells(row, full_text), row.unassigned))
            for row in division_rows(plan))


def _division_document(plan: Plan, full_text: bool = FULL_TEXT):
    """The 分工表 built through python-docx: the reference the skeleton's
    files are held to (tests/test_render_tables.py), and what writes a file
    the skeleton cannot."""
    header = _headers(full_text)
    doc = _docx_document(division_title(plan))
    _docx_table(doc, header, _DOCX_WIDTHS_MM[full_text], _division_docx_rows(plan, full_text),
                centred=(0, len(header) - 1), emphasis=_columns(full_text).index("lead"))
    return doc


def _cant_split(tr) -> None:
    """A table row that is never split across two pages (``w:cantSplit``)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    tr_pr.insert(0, el)


def _page_numbers(paragraph) -> None:
    """``第 N 页 共 M 页`` as PAGE and NUMPAGES fields, centred."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def field(instr: str) -> None:
        run = _run(paragraph, "", style.OFFICE_BODY_FONT, Pt(10.5))
        for kind in ("begin", None, "separate", "end"):
            if kind is None:
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = f" {instr} "
            else:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
            if kind == "separate":
                t = OxmlElement("w:t")
                t.text = "1"
                run._r.append(t)

    t = messages.text
    _run(paragraph, t("division.page_before"), style.OFFICE_BODY_FONT, Pt(10.5))
    field("PAGE")
    _run(paragraph, t("division.page_middle"), style.OFFICE_BODY_FONT, Pt(10.5))
    field("NUMPAGES")
    if t("division.page_after"):
        _run(paragraph, t("division.page_after"), style.OFFICE_BODY_FONT, Pt(10.5))


def _font_table(doc) -> None:
    """Name the fallbacks of each Chinese font in the document's font table
    (``w:font/w:altName``, and the GB 2312 charset), so that Word, WPS and
    LibreOffice pick a font of the same kind where one is missing."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    part = doc.part
    fonts = None
    for rel in part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            fonts = rel.target_part
    if fonts is None:  # pragma: no cover - python-docx's template has one
        return
    from docx.opc.part import XmlPart
    from docx.oxml import parse_xml

    root = fonts.element if isinstance(fonts, XmlPart) else parse_xml(fonts.blob)
    for name, alts in style.OFFICE_FALLBACKS.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        alt = OxmlElement("w:altName")
        alt.set(qn("w:val"), ",".join(alts))
        font.append(alt)
        charset = OxmlElement("w:charset")
        charset.set(qn("w:val"), "86")  # GB 2312
        font.append(charset)
        family = OxmlElement("w:family")
        family.set(qn("w:val"), "modern" if name == "黑体" else "roman")
        font.append(family)
        root.append(font)
    if not isinstance(fonts, XmlPart):
        from lxml import etree

        fonts._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _run(paragraph, text: str, east_asian: str, size):
    run = paragraph.add_run(text)
    if size is not None:
        run.font.size = size
    _set_fonts(run._element, east_asian)
    return run


def _set_fonts(element, east_asian: str) -> None:
    """Latin and East-Asian fonts on a run or a style (``w:rFonts``)."""
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), style.OFFICE_LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


def _set_lang(element) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _repeat_header(row) -> None:
    """Mark a table row as the header repeated on every page (w:tblHeader)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _shade(cell, colour: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), colour)
    tc_pr.append(shd)
