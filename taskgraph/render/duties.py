"""一单位一清单: for every unit, the tasks it leads and the tasks it supports.

A coordination office sends each department the list of its own duties.
:func:`duty_lists` gathers them per place, across every plan of the place
(a unit is one unit under all its spellings: its canonical id); collective
units (各县(市)区政府) get theirs too. :func:`write_duty_workbook` writes one
workbook per place, a contents sheet then one sheet per unit;
:func:`write_duty_docx` one Word file per unit, ready to send. Every name,
title and heading is as the plan writes it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

from .. import messages
from ..export import atomic_write
from ..safe import output_stems
from . import _xl, tables
from .tables import UNIT_SEP, TaskRow, division_rows, plan_title

if TYPE_CHECKING:  # pragma: no cover
    from ..corpus import Corpus

__all__ = ["Duty", "UnitDuties", "duty_lists", "write_duty_workbook", "write_duty_docx", "duty_files"]


@dataclass(frozen=True)
class Duty:
    """One task on a unit's list: where it stands and who else is on it
    (the lead units for a task the unit supports, the supporting units for
    one it leads; the other leads too when it leads with others)."""

    plan: str  # the plan's title as written
    doc: str
    number: int  # 序号 in the plan's 分工表
    task_id: str
    section: str  # the top heading above the task
    title: str
    content: str
    deadline: str
    others: str


@dataclass
class UnitDuties:
    """A unit's list: its name as the plans write it (the first spelling),
    every spelling, and its duties in document order."""

    place: str
    unit_id: str
    name: str
    collective: bool = False
    names: list[str] = field(default_factory=list)
    lead: list[Duty] = field(default_factory=list)
    support: list[Duty] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.lead) + len(self.support)


def duty_lists(corpus: "Corpus") -> dict[str, list[UnitDuties]]:
    """``{place: [UnitDuties]}``, places sorted, units from the one with most
    tasks (then most led) down; within a list, tasks in the plans' order."""
    from ..graph import place_of

    out: dict[str, dict[str, UnitDuties]] = {}
    for plan in corpus.plans:
        if not plan.assignments:
            continue
        place = place_of(plan.info)
        units = out.setdefault(place, {})
        title = plan_title(plan)
        written: dict[tuple[str, str], str] = {}
        for a in plan.assignments:
            written.setdefault((a.task_id, a.unit), a.written or a.unit)
        by_task: dict[str, dict[str, list[str]]] = {}
        for a in sorted(plan.assignments, key=lambda a: (a.line, a.order)):
            roles = by_task.setdefault(a.task_id, {"lead": [], "support": []})
            if a.unit not in roles[a.role]:
                roles[a.role].append(a.unit)
        for row in division_rows(plan):
            if not isinstance(row, TaskRow) or row.task_id not in by_task:
                continue
            roles = by_task[row.task_id]
            seen: set[str] = set()
            for role in ("lead", "support"):
                for unit in roles[role]:
                    u = corpus.units.get((plan.info.doc, unit))
                    uid = u.unit_id if u is not None else unit
                    if uid in seen:  # two spellings of one unit on one task: listed once, as lead
                        continue
                    seen.add(uid)
                    entry = units.get(uid)
                    if entry is None:
                        entry = units[uid] = UnitDuties(place, uid, written[(row.task_id, unit)],
                                                        bool(u and u.collective))
                    shown = written[(row.task_id, unit)]
                    if shown not in entry.names:
                        entry.names.append(shown)
                    if role == "lead":
                        others = [n for n in row.lead if n != shown]
                        others_text = UNIT_SEP.join(others + list(row.support))
                    else:
                        others_text = UNIT_SEP.join(row.lead)
                    duty = Duty(title, plan.info.doc, row.number, row.task_id, row.section[0] if row.section else "",
                                row.title, row.content, row.deadline, others_text)
                    getattr(entry, role).append(duty)
    return {place: sorted(units.values(), key=lambda u: (-u.total, -len(u.lead), u.name))
            for place, units in sorted(out.items())}


def _columns(several_plans: bool, role: str) -> list[str]:
    t = messages.text
    cols = [t("division.number")]
    if several_plans:
        cols.append(t("duty.plan"))
    cols += [t("duty.section"), t("division.title"), t("division.content"),
             t("division.support") if role == "lead" else t("division.lead"), t("division.deadline")]
    return cols


def _cells(d: Duty, several_plans: bool) -> list[str]:
    cells = [str(d.number)]
    if several_plans:
        cells.append(d.plan)
    return cells + [d.section, d.title, d.content, d.others, d.deadline]


def _several_plans(units: Sequence[UnitDuties]) -> bool:
    return len({d.doc for u in units for d in (*u.lead, *u.support)}) > 1


def duty_title(unit: UnitDuties) -> str:
    return f"{unit.name}{messages.text('duty.suffix')}"


def write_duty_workbook(place: str, units: Sequence[UnitDuties], path: str | Path) -> Path:
    """One workbook for a place: a 目录 sheet (each unit, its counts, its
    sheet), then one sheet per unit with its lead tasks and its supported
    tasks, print-ready like the 分工表 (title, header repeated, page
    numbers, rows tall enough for their text)."""
    from openpyxl.utils import get_column_letter

    t = messages.text
    s = tables._xl_styles()
    several = _several_plans(units)
    wb = _xl.workbook()
    index = wb.active
    used: set[str] = set()
    index.title = tables._sheet_name(t("duty.index_sheet"), used)
    sheets = [tables._sheet_name(u.name, used) for u in units]
    head = [t("division.number"), t("duty.unit"), t("matrix.lead"), t("matrix.support"), t("matrix.total"),
            t("duty.sheet_name")]
    tables._put_row(index, 2, head)
    for c in range(1, len(head) + 1):
        cell = index.cell(2, c)
        cell.font, cell.fill, cell.alignment, cell.border = s["bold"], s["header_fill"], s["centre"], s["border"]
    for i, (u, sheet) in enumerate(zip(units, sheets), start=1):
        values = [i, u.name, len(u.lead), len(u.support), u.total, sheet]
        for c, v in enumerate(values, start=1):
            cell = tables._put(index, 2 + i, c, v)
            cell.font, cell.border = s["font"], s["border"]
            cell.alignment = s["wrap"] if c in (2, 6) else s["centre"]
    widths = {1: 6.0, 2: float(tables._fit_width(head[1], [u.name for u in units], 40)), 3: 8.0, 4: 8.0, 5: 8.0,
              6: float(tables._fit_width(head[5], sheets, 40))}
    for c, w in widths.items():
        index.column_dimensions[get_column_letter(c)].width = w
    tables._xl_title(index, t("duty.index_title", place=place), len(head), s, widths)
    index.freeze_panes = "A3"
    tables._print_setup(index, 2)

    for u, sheet in zip(units, sheets):
        ws = wb.create_sheet(sheet)
        lead_cols, support_cols = _columns(several, "lead"), _columns(several, "support")
        n = len(lead_cols)
        texts: dict[int, list[tuple[int, str]]] = {}
        columns: list[list[str]] = [[] for _ in range(n)]
        r = 2
        tables._put(ws, r, 1, t("duty.summary", lead=len(u.lead), support=len(u.support), total=u.total)
                    + (t("duty.collective") if u.collective else ""))
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=n)
        ws.cell(r, 1).font, ws.cell(r, 1).alignment = s["font"], s["wrap"]
        texts[r] = [(0, str(ws.cell(r, 1).value))]
        for role, duties, cols in (("lead", u.lead, lead_cols), ("support", u.support, support_cols)):
            r += 1
            tables._put(ws, r, 1, t(f"duty.{role}_heading", n=len(duties)))
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=n)
            for c in range(1, n + 1):
                cell = ws.cell(r, c)
                cell.font, cell.fill, cell.border = s["bold"], s["fill"](tables._GROUP_FILLS[0]), s["border"]
            texts[r] = [(0, str(ws.cell(r, 1).value))]
            r += 1
            tables._put_row(ws, r, cols)
            for c in range(1, n + 1):
                cell = ws.cell(r, c)
                cell.font, cell.fill, cell.alignment, cell.border = s["bold"], s["header_fill"], s["centre"], s["border"]
            texts[r] = list(enumerate(cols, start=1))
            if not duties:
                r += 1
                tables._put(ws, r, 1, t("duty.none"))
                ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=n)
                ws.cell(r, 1).font = s["font"]
                continue
            for d in duties:
                r += 1
                cells = _cells(d, several)
                for c, v in enumerate(cells, start=1):
                    cell = tables._put(ws, r, c, int(v) if c == 1 else v)
                    cell.font, cell.border = s["font"], s["border"]
                    cell.alignment = s["centre"] if c in (1, n) else s["wrap"]
                    columns[c - 1].append(v)
                texts[r] = list(enumerate(cells, start=1))
        caps = [6, 24, 22, 30, 60, 30, 12] if several else [6, 22, 30, 60, 30, 12]
        widths = {c: float(tables._fit_width(lead_cols[c - 1], columns[c - 1], caps[c - 1])) for c in range(1, n + 1)}
        for c, w in widths.items():
            ws.column_dimensions[get_column_letter(c)].width = w
        tables._xl_title(ws, duty_title(u), n, s, widths)
        tables._fit_rows(ws, texts, widths)
        tables._print_setup(ws, 1)
    return atomic_write(path, _xl.xlsx_bytes(wb))


_DOCX_WIDTHS = {False: (12, 40, 50, 85, 45, 25), True: (12, 36, 34, 40, 70, 40, 25)}


def write_duty_docx(place: str, unit: UnitDuties, several_plans: bool, path: str | Path) -> Path:
    """One unit's list as a Word document to send to it: its name as the
    title, its counts, then its lead tasks and its supported tasks, each a
    table (header repeated, rows never split, page numbers). Made from the
    Word skeleton (:func:`tables._docx_file`): the bytes python-docx makes
    (:func:`_duty_document`), which makes it where the skeleton cannot."""
    data = tables._docx_file(duty_title(unit), place, _duty_xml(unit, several_plans))
    if data is None:
        data = tables._docx_bytes(_duty_document(place, unit, several_plans))
    return atomic_write(path, data)


def _summary(unit: UnitDuties) -> str:
    t = messages.text
    return (t("duty.summary", lead=len(unit.lead), support=len(unit.support), total=unit.total)
            + (t("duty.collective") if unit.collective else ""))


def _duty_xml(unit: UnitDuties, several_plans: bool) -> str:
    """The body of :func:`_duty_document` after its title, as Word XML text."""
    t = messages.text
    body, heading = tables.style.OFFICE_BODY_FONT, tables.style.OFFICE_HEADING_FONT
    out = [f"<w:p>{tables._run_xml(_summary(unit), body, size=24)}</w:p>"]
    widths = _DOCX_WIDTHS[several_plans]
    for role, duties in (("lead", unit.lead), ("support", unit.support)):
        out.append('<w:p><w:pPr><w:keepNext/><w:spacing w:before="160"/></w:pPr>'
                   f'{tables._run_xml(t(f"duty.{role}_heading", n=len(duties)), heading, size=28)}</w:p>')
        if not duties:
            out.append(f'<w:p>{tables._run_xml(t("duty.none"), body, size=21)}</w:p>')
            continue
        cols = _columns(several_plans, role)
        out.append(tables._table_xml(cols, widths, ((_cells(d, several_plans), False) for d in duties),
                                     centred=(0, len(cols) - 1)))
    return "".join(out)


def _duty_document(place: str, unit: UnitDuties, several_plans: bool):
    """The 责任清单 built through python-docx: the reference the skeleton's
    files are held to (tests/test_duties.py), and what writes a file the
    skeleton cannot."""
    from docx.shared import Pt

    t = messages.text
    doc = tables._docx_document(duty_title(unit), place)
    tables._run(doc.add_paragraph(), _summary(unit), tables.style.OFFICE_BODY_FONT, Pt(12))
    widths = _DOCX_WIDTHS[several_plans]
    for role, duties in (("lead", unit.lead), ("support", unit.support)):
        h = doc.add_paragraph()
        h.paragraph_format.keep_with_next = True
        h.paragraph_format.space_before = Pt(8)
        tables._run(h, t(f"duty.{role}_heading", n=len(duties)), tables.style.OFFICE_HEADING_FONT, Pt(14))
        if not duties:
            tables._run(doc.add_paragraph(), t("duty.none"), tables.style.OFFICE_BODY_FONT, Pt(10.5))
            continue
        cols = _columns(several_plans, role)
        tables._docx_table(doc, cols, widths, ((_cells(d, several_plans), False) for d in duties),
                           centred=(0, len(cols) - 1))
    return doc


def duty_files(lists: Mapping[str, Sequence[UnitDuties]], place_stems: Mapping[str, str]) -> list[tuple[str, str]]:
    """``(place, path relative to tables/)`` of every file the lists make:
    ``<place>-责任清单.xlsx``, then ``责任清单/<place>/<unit>.docx``."""
    out = []
    for place, units in lists.items():
        stem = place_stems[place]
        out.append((place, f"{stem}-责任清单.xlsx"))
        for name in output_stems([u.name for u in units]):
            out.append((place, f"责任清单/{stem}/{name}.docx"))
    return out


def write_duties(corpus: "Corpus", table_dir: str | Path, place_stems: Mapping[str, str],
                 lists: Mapping[str, Sequence[UnitDuties]] | None = None) -> list[Path]:
    """Every 责任清单 of the corpus under ``table_dir``: one workbook per
    place and one Word file per unit (:func:`duty_files` names them)."""
    out = Path(table_dir)
    lists = duty_lists(corpus) if lists is None else lists
    written = []
    for place, units in lists.items():
        stem = place_stems[place]
        written.append(write_duty_workbook(place, units, out / f"{stem}-责任清单.xlsx"))
        several = _several_plans(units)
        for unit, name in zip(units, output_stems([u.name for u in units])):
            written.append(write_duty_docx(place, unit, several, out / "责任清单" / stem / f"{name}.docx"))
    return written
