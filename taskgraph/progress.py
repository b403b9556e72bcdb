"""Progress of the tasks, read back from a filled-in 督办台账.

:func:`progress_tables` counts, per lead unit and per plan, the tasks done
(已完成), in progress (推进中), not started (未启动), behind (滞后, as the
office marked them), not reported (完成状态 empty) and **overdue**: the
deadline has passed (截止日期 before ``today``) and the task is not done. A
deadline as written is read into a date (:mod:`taskgraph.deadlines`); an
open-ended one (长期坚持) or a recurring one (每年) is never overdue.

Given the plans too, the deadlines come from the plans (not from the
ledger's 截止日期 column), tasks the ledger lacks count as not reported,
and ledger rows whose task the plans no longer have are listed.

Standard library only; the tables are lists of dicts (``*_COLUMNS``).
"""
from __future__ import annotations

import datetime as _dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from .deadlines import parse_date, read_deadline, task_deadline

__all__ = ["Entry", "entries_from_ledger", "progress_tables", "UNIT_COLUMNS", "PLAN_COLUMNS", "OVERDUE_COLUMNS",
           "STATUS_KEYS", "read_progress"]

#: Status as typed → column key. Anything else typed counts as ``other``.
STATUS_KEYS = {"已完成": "done", "推进中": "in_progress", "未启动": "not_started", "滞后": "behind"}
COUNTS = ["tasks", "done", "in_progress", "not_started", "behind", "unreported", "other", "overdue", "done_share"]
UNIT_COLUMNS = ["place", "unit", *COUNTS]
PLAN_COLUMNS = ["doc", "plan", *COUNTS]
OVERDUE_COLUMNS = ["doc", "task_id", "title", "lead", "deadline", "due", "status", "updated", "days_overdue"]
#: Chinese headers for people (workbooks, the terminal, the report).
HEADERS = {"place": "地区", "unit": "牵头单位", "doc": "文件", "plan": "方案", "tasks": "任务数", "done": "已完成", "in_progress": "推进中",
           "not_started": "未启动", "behind": "滞后", "unreported": "未填报", "other": "其他状态", "overdue": "逾期",
           "done_share": "完成率", "task_id": "任务编号", "title": "重点任务", "lead": "牵头单位", "deadline": "完成时限",
           "due": "截止日期", "status": "完成状态", "updated": "更新日期", "days_overdue": "逾期天数"}


@dataclass
class Entry:
    """One task with its progress: ``due`` is a date, or None (open-ended,
    recurring, unknown); ``due_kind`` says which (see
    :class:`taskgraph.deadlines.Deadline`)."""

    doc: str
    plan: str
    task_id: str
    title: str
    lead: tuple[str, ...]
    deadline: str
    due: _dt.date | None
    due_kind: str
    status: str
    updated: _dt.date | None = None
    person: str = ""
    progress: str = ""
    in_ledger: bool = True
    in_plans: bool = True
    place: str = ""


def _due(value: object, deadline: str) -> tuple[_dt.date | None, str]:
    d = parse_date(value)
    if d is not None:
        return d, "date"
    text = str(value or "").strip()
    if text in ("长期",):
        return None, "open"
    if text in ("定期",):
        return None, "recurring"
    r = read_deadline(deadline)
    return r.due, r.kind


def entries_from_ledger(ledger, plans: Sequence = (), units: Mapping | None = None) -> tuple[list[Entry], list[str]]:
    """The ledger's rows as :class:`Entry` (with ``plans``, checked against
    them; with ``units``, a corpus's :class:`~taskgraph.model.Unit` of each
    ``(doc, name)``, two spellings of one unit count as one: its canonical
    name). Returns the entries and notes for the user (in Chinese)."""

    def names(doc: str, lead: str) -> tuple[str, ...]:
        out = []
        for u in (lead.split("、") if lead else ()):
            if not u:
                continue
            unit = units.get((doc, u)) if units else None
            name = unit.name if unit is not None and unit.known else u
            if name not in out:
                out.append(name)
        return tuple(out)

    notes: list[str] = []
    rows = [r for r in ledger.rows if r.task_id]
    entries = []
    plan_tasks: dict[tuple[str, str], tuple] = {}
    for plan in plans:
        for t in plan.tasks:
            plan_tasks[(plan.info.doc, t.task_id)] = (plan, t)
    seen = set()
    for r in rows:
        lead = names(r.doc, r.lead)
        due, kind = _due(r.due, r.deadline)
        in_plans = True
        if plans:
            hit = plan_tasks.get((r.doc, r.task_id))
            if hit is None:
                in_plans = False
            else:
                plan, t = hit
                d = task_deadline(t.deadline, plan.info)
                due, kind = d.due, d.kind
                r.place = r.place or plan.info.place
        key = (r.doc, r.task_id)
        if key in seen:
            continue  # a second row of one task (the office's own) counts once
        seen.add(key)
        typed = r.typed
        entries.append(Entry(r.doc, r.plan, r.task_id, r.title, lead, r.deadline, due, kind,
                             str(typed.get("完成状态") or "").strip(), parse_date(typed.get("更新日期")),
                             str(typed.get("责任人") or ""), str(typed.get("进展情况") or ""), True, in_plans,
                             r.place))
    if plans:
        gone = [e for e in entries if not e.in_plans]
        if gone:
            notes.append(f"台账中有 {len(gone)} 项任务在所给方案中找不到：" + "、".join(f"{e.doc} {e.task_id}" for e in gone[:5])
                         + ("…" if len(gone) > 5 else ""))
        from .render.ledger import ledger_rows

        missing = [r for r in ledger_rows(plans) if (r.doc, r.task_id) not in seen]
        for r in missing:
            due, kind = _due(r.due, r.deadline)
            entries.append(Entry(r.doc, r.plan, r.task_id, r.title, names(r.doc, r.lead),
                                 r.deadline, due, kind, "", None, in_ledger=False, place=r.place))
        if missing:
            notes.append(f"方案中有 {len(missing)} 项任务不在台账中，按“未填报”统计")
    other = Counter(e.status for e in entries if e.status and e.status not in STATUS_KEYS)
    if other:
        notes.append("完成状态不在下拉列表中的记录，按“其他状态”统计：" + "、".join(f"{k}（{v}）" for k, v in other.items()))
    return entries, notes


def _count(entries: Sequence[Entry], today: _dt.date) -> dict:
    c = Counter()
    for e in entries:
        c["tasks"] += 1
        c[STATUS_KEYS.get(e.status, "other" if e.status else "unreported")] += 1
        if _overdue(e, today):
            c["overdue"] += 1
    out = {k: c.get(k, 0) for k in COUNTS if k != "done_share"}
    out["done_share"] = round(c["done"] / c["tasks"], 4) if c["tasks"] else 0.0
    return out


def _overdue(e: Entry, today: _dt.date) -> bool:
    return e.due is not None and e.due < today and e.status != "已完成"


def progress_tables(entries: Sequence[Entry], today: _dt.date | None = None) -> dict[str, list[dict]]:
    """``progress_units`` (per place and lead unit: a task led by two
    units counts for each), ``progress_plans`` (per plan) and ``overdue`` (every overdue
    task, most overdue first)."""
    today = today or _dt.date.today()
    by_unit: dict[tuple[str, str], list[Entry]] = {}
    by_plan: dict[tuple[str, str], list[Entry]] = {}
    for e in entries:
        for u in e.lead or ("未明确责任单位",):
            by_unit.setdefault((e.place, u), []).append(e)
        by_plan.setdefault((e.doc, e.plan), []).append(e)
    units = [{"place": p, "unit": u, **_count(es, today)} for (p, u), es in by_unit.items()]
    units.sort(key=lambda r: (-r["tasks"], -r["overdue"], r["place"], r["unit"]))
    plans = [{"doc": d, "plan": p, **_count(es, today)} for (d, p), es in by_plan.items()]
    overdue = [{"doc": e.doc, "task_id": e.task_id, "title": e.title, "lead": "、".join(e.lead), "deadline": e.deadline,
                "due": e.due.isoformat() if e.due else "", "status": e.status or "未填报",
                "updated": e.updated.isoformat() if e.updated else "", "days_overdue": (today - e.due).days}
               for e in entries if _overdue(e, today)]
    overdue.sort(key=lambda r: (-r["days_overdue"], r["doc"], r["task_id"]))
    return {"progress_units": units, "progress_plans": plans, "overdue": overdue}


@dataclass
class Progress:
    """What :func:`read_progress` returns."""

    tables: dict[str, list[dict]]
    entries: list[Entry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    today: _dt.date | None = None


def read_progress(ledger_path: str | Path, plans: Sequence = (), today: _dt.date | None = None,
                  units: Mapping | None = None) -> Progress:
    """Read a filled-in ledger and count its progress (see the module's docstring).

    :raises taskgraph.render.ledger.LedgerError: the ledger cannot be read.
    """
    from .render.ledger import read_ledger

    ledger = read_ledger(ledger_path)
    entries, notes = entries_from_ledger(ledger, plans, units)
    today = today or _dt.date.today()
    return Progress(progress_tables(entries, today), entries, notes, today)
