"""Corrections a person made after review, applied on top of extraction.

An office checks the review page (``review/<plan>.html``) and writes what
the extractor got wrong into a CSV file, one correction a row::

    doc,task_id,unit,role,action
    000_544df5f8ded5f63a.txt,三/(一)/1,市科技局,,set-lead
    000_544df5f8ded5f63a.txt,三/(一)/1,市国资委,,remove
    000_544df5f8ded5f63a.txt,三/(一)/2,市教育局,support,add

``action`` is ``add`` (the unit with ``role``, lead or support), ``remove``
(the unit, in ``role`` if given, else in any role) or ``set-lead`` (the unit
leads; the task's other leads become supporting units). Chinese headers and
words are read too (文件, 任务编号, 单位, 角色 牵头/配合, 操作 增加/删除/设为牵头).
``doc`` may be left empty when one plan is read. Every command takes
``--corrections FILE``; :func:`taskgraph.load` takes ``corrections=``.

Edges a correction made or changed have ``how`` = ``corrected`` in every
output. A correction that matches nothing — the plan was revised, the task
renumbered, the unit already gone — is kept in the file (taskgraph never
writes it) and reported as a warning naming its row, so that a re-run on a
revised plan says which corrections to look at again.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import UsageError
from .model import Assignment, Diagnostic, Plan
from .text import normalise_line

__all__ = ["Correction", "Corrections", "read_corrections"]

_HEADERS = {
    "doc": ("doc", "文件", "文档", "方案"),
    "task_id": ("task_id", "task", "任务编号", "任务", "编号"),
    "unit": ("unit", "单位", "单位名称"),
    "role": ("role", "角色"),
    "action": ("action", "操作", "更正"),
}
_ROLES = {"lead": "lead", "牵头": "lead", "support": "support", "配合": "support", "": ""}
_ACTIONS = {"add": "add", "增加": "add", "添加": "add", "remove": "remove", "删除": "remove", "去掉": "remove",
            "set-lead": "set-lead", "set lead": "set-lead", "设为牵头": "set-lead", "改为牵头": "set-lead"}


@dataclass(frozen=True)
class Correction:
    row: int  # line of the file, for messages
    doc: str
    task_id: str
    unit: str
    role: str  # lead | support | "" (remove: any role)
    action: str  # add | remove | set-lead


@dataclass
class Corrections:
    source: str
    rows: list[Correction]
    used: set[int] = field(default_factory=set)

    def apply(self, plan: Plan) -> Plan:
        """``plan`` with the corrections that name it applied (a correction
        with an empty ``doc`` names every plan)."""
        mine = [c for c in self.rows if c.doc in ("", plan.info.doc)]
        if not mine:
            return plan
        tasks = {t.task_id for t in plan.tasks}
        edges = list(plan.assignments)
        for c in mine:
            if c.task_id not in tasks:
                continue  # said once at the end, if no plan has it
            before = list(edges)
            edges = _applied(edges, c, plan.info.doc)
            if edges != before:
                self.used.add(c.row)
            elif c.action == "add":
                self.used.add(c.row)  # already there as asked: nothing to change, nothing stale
        if edges == plan.assignments:
            return plan
        order: dict[str, int] = {}
        renumbered = []
        for a in edges:
            k = order.get(a.task_id, 0)
            order[a.task_id] = k + 1
            renumbered.append(a if a.order == k else replace(a, order=k))
        return replace(plan, assignments=renumbered)

    def stale(self) -> list[Diagnostic]:
        """A warning for every correction that matched nothing."""
        out = []
        for c in self.rows:
            if c.row not in self.used:
                what = {"add": "增加", "remove": "删除", "set-lead": "设为牵头"}[c.action]
                out.append(Diagnostic(self.source, f"更正未能应用（方案已修改？）：{c.doc or '（任一方案）'} "
                                      f"任务 {c.task_id} {what} {c.unit}", c.row, "warning", "stale-correction"))
        return out


def _applied(edges: list[Assignment], c: Correction, doc: str) -> list[Assignment]:
    here = [a for a in edges if a.task_id == c.task_id]
    line = here[0].line if here else 0
    if c.action == "remove":
        return [a for a in edges if not (a.task_id == c.task_id and a.unit == c.unit
                                         and (not c.role or a.role == c.role))]
    if c.action == "add":
        role = c.role or "support"
        if any(a.unit == c.unit and a.role == role for a in here):
            return edges
        out = [a for a in edges if not (a.task_id == c.task_id and a.unit == c.unit)]  # one role per unit
        last = max((i for i, a in enumerate(out) if a.task_id == c.task_id), default=len(out) - 1)
        out.insert(last + 1, Assignment(doc, c.task_id, c.unit, role, line, how="corrected"))  # type: ignore[arg-type]
        return out
    # set-lead: the unit leads, the task's other leads support
    if any(a.unit == c.unit and a.role == "lead" for a in here) and sum(a.role == "lead" for a in here) == 1:
        return edges
    out, placed = [], False
    for a in edges:
        if a.task_id != c.task_id:
            out.append(a)
        elif a.unit == c.unit:
            if not placed:
                out.append(replace(a, role="lead", how="corrected"))
                placed = True
        elif a.role == "lead":
            out.append(replace(a, role="support", how="corrected"))
        else:
            out.append(a)
    if not placed:
        first = next((i for i, a in enumerate(out) if a.task_id == c.task_id), len(out))
        out.insert(first, Assignment(doc, c.task_id, c.unit, "lead", line, how="corrected"))
    return out


def read_corrections(path: str | Path) -> Corrections:
    """Read a corrections CSV (UTF-8 with or without BOM, or GB18030, as
    Excel writes it on Chinese Windows). A file that cannot be read, or a
    row that says something impossible, is a :class:`UsageError` naming the
    file and row: corrections are never half applied."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise UsageError(f"{path}：无法读取更正文件（{e.strerror or e}）") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UsageError(f"{path}：更正文件不是 UTF-8 或 GB18030 编码的文本")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        return Corrections(str(path), [])
    names = [h.strip().lower() for h in header]
    where: dict[str, int] = {}
    for key, words in _HEADERS.items():
        for i, h in enumerate(names):
            if h in words:
                where[key] = i
                break
    missing = [k for k in ("task_id", "unit", "action") if k not in where]
    if missing:
        raise UsageError(f"{path}：更正文件需要 task_id、unit、action 三列（缺少 {'、'.join(missing)}），"
                         f"见 README“复核与更正”")
    rows = []
    for n, raw in enumerate(reader, start=2):
        if not any(c.strip() for c in raw):
            continue

        def cell(key: str) -> str:
            i = where.get(key)
            return raw[i].strip() if i is not None and i < len(raw) else ""
        action = _ACTIONS.get(cell("action").lower())
        role = _ROLES.get(cell("role").lower())
        if action is None:
            raise UsageError(f"{path}:{n}：不认识的操作“{cell('action')}”（应为 add / remove / set-lead，或 增加 / 删除 / 设为牵头）")
        if role is None:
            raise UsageError(f"{path}:{n}：不认识的角色“{cell('role')}”（应为 lead / support，或 牵头 / 配合）")
        if not cell("task_id") or not cell("unit"):
            raise UsageError(f"{path}:{n}：每条更正都要写任务编号（task_id）和单位（unit）")
        unit = cell("unit")
        if unit[:1] in "=+-@":  # the tool never makes a unit of a formula
            raise UsageError(f"{path}:{n}：单位名称不能以 {unit[0]} 开头")
        rows.append(Correction(n, cell("doc"), cell("task_id"), normalise_line(unit), role, action))
    return Corrections(str(path), rows)
