"""Two versions of a plan, shown: ``diff.xlsx``, ``diff.csv``, a terminal
table and a section of the report (see :mod:`taskgraph.analyse.diff`).

The workbook has a summary sheet (what changed, in counts) and one row per
task: the change (新增, 删除, 表述修改, 拆分, 合并, 未变), whether it moved in
the outline, the old and new task, the leads and supporters added or
removed and the deadline before and after; rows are coloured by change.
"""
from __future__ import annotations

import html
from pathlib import Path
from typing import Sequence

from ..analyse.diff import CHANGES, DIFF_COLUMNS, PlanDiff
from ..export import atomic_write, csv_bytes
from . import _xl

__all__ = ["HEADERS", "write_diff_xlsx", "write_diff_csv", "diff_summary_rows", "diff_html", "print_diff",
           "assignment_change"]

#: Chinese column names for people (the CSV keeps the English ones).
HEADERS = {
    "change": "变化", "moved": "位置变化", "similarity": "文本相似度", "old_task_id": "原编号", "new_task_id": "新编号",
    "old_title": "原任务", "new_title": "新任务", "old_lead": "原牵头单位", "new_lead": "新牵头单位",
    "lead_added": "增加的牵头单位", "lead_removed": "去掉的牵头单位", "old_support": "原配合单位",
    "new_support": "新配合单位", "support_added": "增加的配合单位", "support_removed": "去掉的配合单位",
    "old_deadline": "原完成时限", "new_deadline": "新完成时限", "deadline_changed": "时限变化",
    "assignment_changed": "分工变化", "related": "关联", "old_text": "原文", "new_text": "新文",
    "old_doc": "原文件", "new_doc": "新文件",
}
#: Columns of the workbook's task sheet, in order (the full texts last).
SHEET_COLUMNS = ["change", "moved", "old_task_id", "new_task_id", "old_title", "new_title", "similarity",
                 "old_lead", "new_lead", "lead_added", "lead_removed", "support_added", "support_removed",
                 "old_deadline", "new_deadline", "related"]
#: Columns of the sheet of texts (rows whose text changed).
TEXT_COLUMNS = ["change", "old_task_id", "new_task_id", "similarity", "old_text", "new_text"]
_FILLS = {"added": "E2F0D9", "dropped": "FCE4D6", "reworded": "FFF2CC", "split": "DDEBF7", "merged": "EDE1F5"}
_CAPS = {"old_title": 30, "new_title": 30, "old_text": 70, "new_text": 70, "related": 16}
_SUMMARY = [("unchanged", "文本未变的任务"), ("reworded", "表述修改的任务"), ("added", "新增的任务"),
            ("dropped", "删除的任务"), ("split", "拆分出的任务"), ("merged", "并入其他任务的任务"),
            ("moved", "位置（编号）变化的任务"), ("assignment_changed", "牵头或配合单位变化的任务"),
            ("deadline_changed", "完成时限变化的任务")]


def _shown(row: dict, column: str) -> object:
    v = row.get(column, "")
    if column == "change":
        return CHANGES.get(v, v)
    if isinstance(v, bool):
        return "是" if v else ""
    return v


def diff_summary_rows(diffs: Sequence[PlanDiff]) -> list[dict]:
    """One row per kind of change and pair of versions (Chinese labels)."""
    rows = []
    for d in diffs:
        counts = d.counts
        for key, label in _SUMMARY:
            rows.append({"原版本": d.old.info.doc, "新版本": d.new.info.doc, "变化": label, "任务数": counts[key]})
    return rows


def write_diff_csv(diffs: Sequence[PlanDiff], path: str | Path) -> Path:
    """``diff.csv``: every row of every pair, English column names."""
    return atomic_write(path, csv_bytes([r for d in diffs for r in d.rows], DIFF_COLUMNS))


def write_diff_xlsx(diffs: Sequence[PlanDiff], path: str | Path) -> Path:
    """``diff.xlsx``: a 概况 sheet (counts and the threshold used) and one
    sheet of tasks per pair of versions, coloured by change, with a frozen
    and filtered header and A4 landscape print setup."""
    from openpyxl.utils import get_column_letter

    s = _xl.styles()
    wb = _xl.workbook()
    ws = wb.active
    ws.title = "概况"
    _xl.put(ws, 1, 1, "版本比较").font = s["title"]
    r = 2
    for d in diffs:
        r += 1
        _xl.put(ws, r, 1, f"原版本：{d.old.info.title or d.old.info.doc}（{d.old.info.doc}）").font = s["bold"]
        r += 1
        _xl.put(ws, r, 1, f"新版本：{d.new.info.title or d.new.info.doc}（{d.new.info.doc}）").font = s["bold"]
        r += 1
        _xl.put(ws, r, 1, f"两项任务文本相似度（字符二元组 Dice 系数）不低于 {d.threshold:g} 视为同一任务；"
                          "编号位置只在相近的候选之间起作用。").font = s["font"]
        counts = d.counts
        for key, label in _SUMMARY:
            r += 1
            _xl.put(ws, r, 1, label).font = s["font"]
            _xl.put(ws, r, 2, counts[key]).font = s["font"]
        r += 1
    ws.column_dimensions["A"].width = 90
    ws.column_dimensions["B"].width = 10
    for row in ws.iter_rows(min_row=3):
        row[0].alignment = s["wrap"]
    _xl.print_setup(ws, 1)
    for n, d in enumerate(diffs, start=1):
        suffix = "" if len(diffs) == 1 else str(n)
        _task_sheet(wb.create_sheet(f"任务对照{suffix}"), d.rows, SHEET_COLUMNS, s, "C2")
        changed = [r for r in d.rows if r["change"] != "unchanged"]
        _task_sheet(wb.create_sheet(f"原文对照{suffix}"), changed, TEXT_COLUMNS, s, "D2")
    return atomic_write(path, _xl.xlsx_bytes(wb))


def _task_sheet(ws, rows: Sequence[dict], columns: Sequence[str], s: dict, freeze: str) -> None:
    from openpyxl.utils import get_column_letter

    headers = [HEADERS[c] for c in columns]
    _xl.header_row(ws, 1, headers, s)
    texts: list[list[str]] = [[] for _ in columns]
    shown = []
    for i, row in enumerate(rows, start=2):
        fill = _FILLS.get(row["change"])
        values = [_shown(row, col) for col in columns]
        shown.append((i, values))
        for c, (col, v) in enumerate(zip(columns, values), start=1):
            cell = _xl.put(ws, i, c, v)
            cell.font, cell.alignment, cell.border = s["font"], s["wrap"], s["border"]
            if fill:
                cell.fill = s["fill"](fill)
            if col in ("lead_added", "lead_removed", "support_added", "support_removed") and v:
                cell.font = s["bold"]
            texts[c - 1].append(str(v))
    widths = []
    for c, col in enumerate(columns, start=1):
        widths.append(_xl.fit_width(headers[c - 1], texts[c - 1], _CAPS.get(col, 24)))
        ws.column_dimensions[get_column_letter(c)].width = widths[-1]
    for i, values in shown:
        _xl.fit_height(ws, i, values, widths)
    ws.freeze_panes = freeze
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    _xl.print_setup(ws, 1)


def _e(v: object) -> str:
    return html.escape("" if v is None else str(v), quote=True)


def diff_html(diffs: Sequence[PlanDiff]) -> str:
    """The report's section body: per pair, the counts and the rows that changed."""
    out = []
    for d in diffs:
        counts = d.counts
        out.append(f"<h3>{_e(d.old.info.title or d.old.info.doc)} → {_e(d.new.info.title or d.new.info.doc)}</h3>")
        out.append(f'<p class="note">原版本 {_e(d.old.info.doc)}，新版本 {_e(d.new.info.doc)}；文本相似度不低于 '
                   f"{d.threshold:g} 视为同一任务。</p>")
        out.append("<ul>" + "".join(f"<li>{_e(label)}：{counts[key]}</li>" for key, label in _SUMMARY) + "</ul>")
        changed = [r for r in d.rows if r["change"] != "unchanged" or r["assignment_changed"] or r["deadline_changed"]]
        if not changed:
            out.append('<p class="none">（两个版本的任务和分工相同）</p>')
            continue
        cols = ["change", "old_task_id", "new_task_id", "new_title", "lead_added", "lead_removed", "support_added",
                "support_removed", "old_deadline", "new_deadline", "related"]
        head = "".join(f"<th>{_e(HEADERS[c])}</th>" for c in cols)
        body = []
        for r in changed:
            row = dict(r)
            row["new_title"] = r["new_title"] or r["old_title"]
            body.append(f'<tr class="diff-{_e(r["change"])}">' + "".join(f"<td>{_e(_shown(row, c))}</td>" for c in cols)
                        + "</tr>")
        out.append(f'<div class="scroll"><table class="sortable"><thead><tr>{head}</tr></thead><tbody>'
                   + "".join(body) + "</tbody></table></div>")
    return "\n".join(out)


def assignment_change(row: dict) -> str:
    """The assignment changes of a row in one line: 牵头 +甲 −乙；配合 +丙."""
    parts = []
    for role, label in (("lead", "牵头"), ("support", "配合")):
        added, removed = row[f"{role}_added"], row[f"{role}_removed"]
        bits = ([f"+{u}" for u in added.split("、")] if added else []) + \
               ([f"−{u}" for u in removed.split("、")] if removed else [])
        if bits:
            parts.append(f"{label} " + " ".join(bits))
    return "；".join(parts)


def print_diff(d: PlanDiff, console, all_rows: bool = False) -> None:
    """The comparison as a table on the terminal: the rows that changed
    (every row with ``all_rows``), then the counts."""
    from rich.table import Table

    from ..safe import printable

    table = Table(title=printable(f"{d.old.info.doc} → {d.new.info.doc}"), header_style="bold")
    table.add_column("变化", no_wrap=True)
    table.add_column("编号（原→新）", no_wrap=True)
    table.add_column("任务", overflow="fold", ratio=3)
    table.add_column("分工变化", overflow="fold", ratio=2)
    table.add_column("完成时限（原→新）", overflow="fold", ratio=1)
    for r in d.rows:
        if not (all_rows or r["change"] != "unchanged" or r["assignment_changed"] or r["deadline_changed"]
                or r["moved"]):
            continue
        change = CHANGES.get(r["change"], r["change"])
        if r["change"] == "unchanged" and r["moved"]:
            change = "编号变化"
        ids = f"{r['old_task_id'] or '—'} → {r['new_task_id'] or '—'}"
        deadline = f"{r['old_deadline'] or '—'} → {r['new_deadline'] or '—'}" if r["deadline_changed"] else ""
        table.add_row(*[printable(v) for v in (change, ids, r["new_title"] or r["old_title"], assignment_change(r),
                                                deadline)])
    console.print(table)
    counts = d.counts
    console.print(printable("；".join(f"{label} {counts[key]}" for key, label in _SUMMARY)
                            + f"（文本相似度 ≥ {d.threshold:g} 视为同一任务）"), markup=False, highlight=False)
