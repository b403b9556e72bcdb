"""The progress ledger (督办台账): written for the office to fill in, read back.

``督办台账.xlsx`` holds one row per task of every plan: the 分工表's columns
(方案, 任务编号, 重点任务, 牵头单位, 配合单位, 完成时限), the deadline read
into a date (截止日期: ``2022年底`` → 2022-12-31, ``长期坚持`` → 长期), then
the columns the office fills in, shaded: 责任人, 进展情况, 完成状态 (a
drop-down: 未启动 / 推进中 / 已完成 / 滞后) and 更新日期. No formula anywhere:
every cell is a value, a text that looks like a formula stays text; the
drop-down is data validation.

A ledger written again — for a revised plan, or after a new run — carries
over everything the office typed, by plan and task id (文件 + 任务编号; a
task whose file was renamed is found by its id and text). Nothing typed is
ever overwritten or dropped: what no longer matches a task is kept on the
sheet 未匹配记录, columns the office added are kept, and a 分工 cell the
office corrected by hand that the plan now says otherwise is noted in
变更说明.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from ..deadlines import Deadline, parse_date, task_deadline
from ..export import atomic_write
from . import _xl

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Plan

__all__ = ["STATUSES", "LEDGER_NAME", "LedgerRow", "Ledger", "ledger_rows", "read_ledger", "write_ledger",
           "LedgerError", "INPUT_COLUMNS"]

LEDGER_NAME = "督办台账.xlsx"
SHEET = "督办台账"
ORPHANS = "未匹配记录"
GUIDE = "填写说明"
#: The statuses of the drop-down.
STATUSES = ("未启动", "推进中", "已完成", "滞后")
#: Columns taskgraph fills from the plans.
PLAN_COLUMNS = ("序号", "方案", "地区", "文件", "任务编号", "重点任务", "牵头单位", "配合单位", "完成时限", "截止日期")
#: Columns the office fills in.
INPUT_COLUMNS = ("责任人", "进展情况", "完成状态", "更新日期")
NOTE_COLUMN = "变更说明"
#: Plan columns whose hand-corrected value is noted when the plan now says otherwise.
_WATCHED = ("重点任务", "牵头单位", "配合单位", "完成时限")
_WIDTHS = {"序号": 6, "方案": 18, "地区": 10, "文件": 14, "任务编号": 12, "重点任务": 36, "牵头单位": 18, "配合单位": 24,
           "完成时限": 12, "截止日期": 12, "责任人": 10, "进展情况": 36, "完成状态": 10, "更新日期": 12,
           NOTE_COLUMN: 24}
_STATUS_FILLS = {"已完成": "E2F0D9", "推进中": "DDEBF7", "滞后": "FCE4D6"}


class LedgerError(Exception):
    """A ledger that cannot be read (not a workbook, no 督办台账 header)."""


@dataclass
class LedgerRow:
    """One row of a ledger: the plan's values and what the office typed
    (``typed``: column → value, the input columns and any the office added)."""

    doc: str
    task_id: str
    plan: str = ""
    title: str = ""
    place: str = ""
    lead: str = ""
    support: str = ""
    deadline: str = ""
    due: object = None  # a date, or a word (长期 / 定期) as the ledger shows it
    typed: dict = field(default_factory=dict)
    note: str = ""
    reason: str = ""  # on 未匹配记录: why the row matches no task

    @property
    def status(self) -> str:
        return str(self.typed.get("完成状态") or "").strip()

    @property
    def has_typing(self) -> bool:
        return any(v not in (None, "") for v in self.typed.values())


def _due_cell(d: Deadline) -> object:
    return d.due if d.due is not None else {"open": "长期", "recurring": "定期", "unread": "", "none": ""}.get(d.kind, "")


def ledger_rows(plans: Sequence["Plan"]) -> list[LedgerRow]:
    """The rows of a fresh ledger: every task of every plan, in order."""
    rows = []
    for plan in plans:
        roles: dict[str, dict[str, list[str]]] = {}
        for a in sorted(plan.assignments, key=lambda a: (a.line, a.order)):
            names = roles.setdefault(a.task_id, {"lead": [], "support": []})[a.role]
            if a.unit not in names:
                names.append(a.unit)
        for t in plan.tasks:
            r = roles.get(t.task_id, {"lead": [], "support": []})
            support = [u for u in r["support"] if u not in r["lead"]]
            rows.append(LedgerRow(plan.info.doc, t.task_id, plan.info.title or plan.info.doc, t.title or t.text,
                                  plan.info.place, "、".join(r["lead"]) or "未明确责任单位", "、".join(support),
                                  t.deadline, _due_cell(task_deadline(t.deadline, plan.info))))
    return rows


@dataclass
class Ledger:
    """A ledger as read: its rows (with what was typed), the rows of its
    未匹配记录 sheet, and the columns the office added."""

    rows: list[LedgerRow]
    orphans: list[LedgerRow]
    extra_columns: list[str]


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _read_sheet(ws, formulas=None) -> tuple[list[LedgerRow], list[str]]:
    header_at, header = None, []
    for r, values in enumerate(ws.iter_rows(min_row=1, max_row=min(ws.max_row or 1, 20), values_only=True), start=1):
        names = [_text(v) for v in values]
        if "任务编号" in names and "完成状态" in names:
            header_at, header = r, names
            break
    if header_at is None:
        raise LedgerError(f"sheet {ws.title}: no header row with 任务编号 and 完成状态")
    known = set(PLAN_COLUMNS) | {NOTE_COLUMN, "原因"}
    typed_cols = [h for h in header if h and h not in known]
    rows = []
    written = formulas.iter_rows(min_row=header_at + 1, values_only=True) if formulas is not None else None
    for values in ws.iter_rows(min_row=header_at + 1, values_only=True):
        as_typed = next(written, None) if written is not None else None
        if as_typed is not None:  # a formula the office typed, never computed: kept as its text
            values = tuple(v if v is not None or k >= len(as_typed) else as_typed[k] for k, v in enumerate(values))
        cells = dict(zip(header, values))
        if all(v in (None, "") for v in values):
            continue
        typed = {h: cells.get(h) for h in typed_cols if cells.get(h) not in (None, "")}
        rows.append(LedgerRow(_text(cells.get("文件")), _text(cells.get("任务编号")), _text(cells.get("方案")),
                              _text(cells.get("重点任务")), _text(cells.get("地区")), _text(cells.get("牵头单位")),
                              _text(cells.get("配合单位")),
                              _text(cells.get("完成时限")), cells.get("截止日期"), typed, _text(cells.get(NOTE_COLUMN)),
                              _text(cells.get("原因"))))
    extra = [h for h in typed_cols if h not in INPUT_COLUMNS]
    return rows, extra


def read_ledger(path: str | Path) -> Ledger:
    """Read a ledger back (one taskgraph wrote, filled in by the office).

    Columns are found by their header, so an office that moved, added or
    hid columns is read right; a typed date may be a date cell or a text
    (2022-03-01, 2022/3/1, 2022年3月1日).

    :raises LedgerError: the file is not a workbook, or has no ledger sheet.
    """
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, data_only=True)  # a formula the office typed: its value
        typed = load_workbook(path)  # … or, never computed, its text
    except (BadZipFile, KeyError, ValueError, OSError) as e:
        raise LedgerError(f"{path}: not an Excel workbook ({type(e).__name__})") from None
    except Exception as e:  # openpyxl raises many kinds on a damaged file
        raise LedgerError(f"{path}: cannot be read as a workbook ({type(e).__name__}: {e})") from None
    sheet = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    try:
        rows, extra = _read_sheet(sheet, typed[sheet.title])
    except LedgerError as e:
        raise LedgerError(f"{path}: {e}") from None
    orphans: list[LedgerRow] = []
    if ORPHANS in wb.sheetnames:
        try:
            orphans, more = _read_sheet(wb[ORPHANS], typed[ORPHANS])
            extra += [c for c in more if c not in extra]
        except LedgerError:
            orphans = []
    return Ledger(rows, orphans, extra)


def carry_over(fresh: list[LedgerRow], old: Ledger | None) -> tuple[list[LedgerRow], list[LedgerRow]]:
    """What the office typed in ``old``, put on the rows of ``fresh``: by
    file and task id, else (a renamed file) by task id and task text, else
    by task text alone when one task has it. Returns the rows and the
    orphans (old rows with typing that match no task, and the old
    未匹配记录 rows, none of them dropped)."""
    if old is None:
        return fresh, []
    by_key = {(r.doc, r.task_id): r for r in fresh}
    docs = {r.doc for r in fresh}
    by_id_text: dict[tuple[str, str], list[LedgerRow]] = {}
    by_text: dict[str, list[LedgerRow]] = {}
    for r in fresh:
        by_id_text.setdefault((r.task_id, r.title), []).append(r)
        by_text.setdefault(r.title, []).append(r)
    taken: set[int] = set()
    orphans: list[LedgerRow] = []
    for o in [*old.rows, *old.orphans]:  # an orphan whose task is back finds it again
        if not o.has_typing:
            continue
        target = by_key.get((o.doc, o.task_id))
        if target is None and o.doc not in docs:
            cands = [r for r in by_id_text.get((o.task_id, o.title), []) if id(r) not in taken]
            if len(cands) != 1:
                cands = [r for r in by_text.get(o.title, []) if id(r) not in taken] if o.title else []
            target = cands[0] if len(cands) == 1 else None
        if target is None or id(target) in taken:
            why = "方案中已无此任务" if target is None else "同一任务有多行记录"
            if o.reason and target is None:
                why = o.reason
            orphans.append(LedgerRow(o.doc, o.task_id, o.plan, o.title, o.place, o.lead, o.support, o.deadline,
                                     o.due, dict(o.typed), o.note, why))
            continue
        taken.add(id(target))
        target.typed = dict(o.typed)
        notes = [o.note] if o.note else []
        for col, old_v, new_v in (("重点任务", o.title, target.title), ("牵头单位", o.lead, target.lead),
                                  ("配合单位", o.support, target.support), ("完成时限", o.deadline, target.deadline)):
            if old_v and old_v != new_v:
                notes.append(f"{col}原为：{old_v}")
        if o.task_id != target.task_id:  # renumbered in the revised plan
            notes.append(f"原编号：{o.task_id}")
        target.note = "；".join(dict.fromkeys(notes))
    return fresh, orphans


def write_ledger(plans: Sequence["Plan"], path: str | Path, previous: Ledger | None = None) -> Path:
    """Write ``督办台账.xlsx`` for ``plans``, carrying over what the office
    typed in ``previous`` (see :func:`carry_over`)."""
    rows, orphans = carry_over(ledger_rows(plans), previous)
    extra = list(previous.extra_columns) if previous else []
    return atomic_write(path, _xl.xlsx_bytes(_workbook(plans, rows, orphans, extra)))


def _workbook(plans, rows: list[LedgerRow], orphans: list[LedgerRow], extra: list[str]):
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    s = _xl.styles()
    wb = _xl.workbook()
    ws = wb.active
    ws.title = SHEET
    columns = [*PLAN_COLUMNS, *INPUT_COLUMNS, *extra, NOTE_COLUMN]
    n = len(columns)
    title = (plans[0].info.title or plans[0].info.doc) + "督办台账" if len(plans) == 1 else "重点任务督办台账"
    _xl.put(ws, 1, 1, title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws.cell(1, 1).font, ws.cell(1, 1).alignment = s["title"], s["centre"]
    ws.row_dimensions[1].height = 30
    _xl.header_row(ws, 2, columns, s)
    for c, name in enumerate(columns, start=1):
        if name in INPUT_COLUMNS or name in extra:
            ws.cell(2, c).fill = s["fill"]("F4D58D")
    status_col = columns.index("完成状态") + 1
    _put_rows(ws, 3, rows, columns, extra, s)
    last = 2 + len(rows)
    dv = DataValidation(type="list", formula1='"' + ",".join(STATUSES) + '"', allow_blank=True,
                        showErrorMessage=True, errorTitle="完成状态", error="请从下拉列表中选择：" + "、".join(STATUSES),
                        promptTitle="完成状态", prompt="、".join(STATUSES), showInputMessage=True)
    letter = get_column_letter(status_col)
    dv.add(f"{letter}3:{letter}{max(last, 3) + 200}")  # room for rows the office adds
    ws.add_data_validation(dv)
    date_col = get_column_letter(columns.index("更新日期") + 1)
    dates = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True,
                           showErrorMessage=True, errorStyle="warning", errorTitle="更新日期",
                           error="请填写日期，如 2022-03-01")
    dates.add(f"{date_col}3:{date_col}{max(last, 3) + 200}")
    ws.add_data_validation(dates)
    for c, name in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(c)].width = _WIDTHS.get(name, 16)
    ws.freeze_panes = "G3"
    ws.auto_filter.ref = f"A2:{get_column_letter(n)}{max(last, 2)}"
    _xl.print_setup(ws, 2)
    if orphans:
        wo = wb.create_sheet(ORPHANS)
        ocols = [*PLAN_COLUMNS[1:], *INPUT_COLUMNS, *extra, NOTE_COLUMN, "原因"]
        _xl.put(wo, 1, 1, "以下记录在新的方案中找不到对应任务，原样保留，请核对后处理。").font = s["bold"]
        _xl.header_row(wo, 2, ocols, s)
        _put_rows(wo, 3, orphans, ocols, extra, s)
        for c, name in enumerate(ocols, start=1):
            wo.column_dimensions[get_column_letter(c)].width = _WIDTHS.get(name, 16)
        wo.freeze_panes = "A3"
        _xl.print_setup(wo, 2)
    _guide(wb.create_sheet(GUIDE), s)
    return wb


def _put_rows(ws, start: int, rows: Iterable[LedgerRow], columns: Sequence[str], extra: Sequence[str], s) -> None:
    widths = [_WIDTHS.get(name, 16) for name in columns]
    for k, row in enumerate(rows):
        r = start + k
        values = {"序号": k + 1, "方案": row.plan, "地区": row.place, "文件": row.doc, "任务编号": row.task_id, "重点任务": row.title,
                  "牵头单位": row.lead, "配合单位": row.support, "完成时限": row.deadline, "截止日期": row.due,
                  NOTE_COLUMN: row.note, "原因": row.reason}
        for c, name in enumerate(columns, start=1):
            v = row.typed.get(name) if (name in INPUT_COLUMNS or name in extra) else values.get(name, "")
            cell = _xl.put(ws, r, c, "" if v is None else v)
            cell.font, cell.alignment, cell.border = s["font"], s["wrap"], s["border"]
            if isinstance(v, (_dt.date, _dt.datetime)):
                cell.number_format = "yyyy-mm-dd"
            if name in INPUT_COLUMNS or name in extra:
                cell.fill = s["input_fill"]
            if name == "完成状态" and str(v or "") in _STATUS_FILLS:
                cell.fill = s["fill"](_STATUS_FILLS[str(v)])
        ws.cell(r, 1).alignment = s["centre"]
        _xl.fit_height(ws, r, [ws.cell(r, c).value if not isinstance(ws.cell(r, c).value, (_dt.date, _dt.datetime))
                               else "2000-01-01" for c in range(1, len(columns) + 1)], widths)


_GUIDE = [
    ("填写说明", ""),
    ("填写哪些列", "黄色各列由承办单位或督办部门填写：责任人、进展情况、完成状态、更新日期。其余各列来自方案原文，请勿修改；"
               "如确需更正，可直接修改，重新生成台账时原值会记在“变更说明”中。"),
    ("完成状态", "从下拉列表中选择：" + "、".join(STATUSES) + "。"),
    ("截止日期", "由“完成时限”推算：如“2022年底”为 2022-12-31，“6月底前”为方案发布当年 6 月 30 日；未写时限的，"
             "以方案实施期末为截止日期；“长期坚持”“持续推进”等为长期，“每年”等为定期，均不计逾期。"),
    ("逾期", "截止日期已过而完成状态不是“已完成”的任务，由 taskgraph progress 统计。"),
    ("重新生成", "方案修订后重新运行 taskgraph report，新的台账按文件和任务编号保留已填写的内容；"
             "新方案中找不到的记录移到“未匹配记录”表，不会丢失。可以增加自己的列，重新生成时原样保留。"),
    ("统计进展", "taskgraph progress 督办台账.xlsx [方案文件…]：按单位、按方案统计已完成、推进中、未启动、滞后和逾期任务。"),
]


def _guide(ws, s) -> None:
    for r, (k, v) in enumerate(_GUIDE, start=1):
        head = _xl.put(ws, r, 1, k)
        head.font, head.alignment = (s["title"] if r == 1 else s["bold"]), s["wrap"]
        cell = _xl.put(ws, r, 2, v)
        cell.font, cell.alignment = s["font"], s["wrap"]
        if r > 1:
            _xl.fit_height(ws, r, [k, v], [14, 90])
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 90
    _xl.print_setup(ws, 1)


def typed_date(value: object) -> _dt.date | None:
    """An 更新日期 as typed (a date cell or a text), or None."""
    return parse_date(value)
