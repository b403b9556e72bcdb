"""Two versions of one plan: tasks matched, added, dropped, reworded, split,
merged, and the assignments that moved.

Versions are a draft and the final text (征求意见稿 → 印发稿), or two years of
a place's plan. A task of the old version and one of the new are the *same
task* when their texts are alike: the Dice coefficient of their character
bigrams (punctuation and white space left out) is at least
:data:`THRESHOLD` (0.5). Among several candidates the pairs are taken best
first, the score being the text similarity plus a small bonus for standing
at the same place in the outline (:data:`POSITION_WEIGHT` × how close the
two tasks' relative positions are), so a reordered outline still matches by
text and a rewording at the same place wins a tie. A task left over that is
mostly contained in a matched task of the other version (at least
:data:`THRESHOLD` of its bigrams) was split out of it (new side) or merged
into it (old side).

For every matched (or split / merged) pair the assignments are compared by
unit identity (the canonical unit id, so 市发改委 and 市发展和改革委员会 are
one unit): leads added or removed, supporters added or removed, and the
deadline as written.

Standard library only: the rows are plain dicts (``DIFF_COLUMNS``).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from ..model import Plan, Task, Unit

__all__ = ["THRESHOLD", "POSITION_WEIGHT", "DIFF_COLUMNS", "CHANGES", "PlanDiff", "diff_plans", "task_similarity",
           "version_pairs"]

#: Text similarity (Dice over character bigrams) from which two tasks are one.
THRESHOLD = 0.5
#: Weight of the outline position in choosing among candidates.
POSITION_WEIGHT = 0.1

#: Kinds of change, and their Chinese names for people.
CHANGES = {"unchanged": "文本未变", "reworded": "表述修改", "added": "新增", "dropped": "删除", "split": "拆分",
           "merged": "合并"}

DIFF_COLUMNS = ["change", "moved", "similarity", "old_task_id", "new_task_id", "old_title", "new_title",
                "old_lead", "new_lead", "lead_added", "lead_removed", "old_support", "new_support",
                "support_added", "support_removed", "old_deadline", "new_deadline", "deadline_changed",
                "assignment_changed", "related", "old_text", "new_text", "old_doc", "new_doc"]

_NOT_TEXT = re.compile(r"[\W_]+", re.UNICODE)


def _bigrams(text: str) -> Counter:
    t = _NOT_TEXT.sub("", text)
    if len(t) < 2:
        return Counter([t]) if t else Counter()
    return Counter(t[i:i + 2] for i in range(len(t) - 1))


def _dice(a: Counter, b: Counter) -> float:
    n = sum(a.values()) + sum(b.values())
    return 2 * sum((a & b).values()) / n if n else 0.0


#: Up to this many task pairs every pair is compared; beyond, each task only
#: with the tasks of the other version that share most of its rarer bigrams.
ALL_PAIRS = 1_000_000
CANDIDATES = 30


def _pairs(ob: list[Counter], nb: list[Counter]):
    """The pairs (old, new) to score: all of them for plans of ordinary size;
    for very large ones, each new task with the :data:`CANDIDATES` old tasks
    sharing most of its bigrams (a bigram found in more than a hundred old
    tasks is left out of the count), so that the work grows with the plans,
    not with their product. Every score is still exact; a pair can only be
    missed, never scored wrong."""
    if len(ob) * len(nb) <= ALL_PAIRS:
        return ((i, j) for i in range(len(ob)) for j in range(len(nb)))
    index: dict[str, list[int]] = {}
    same: dict[frozenset, list[int]] = {}
    for i, a in enumerate(ob):
        same.setdefault(frozenset(a.items()), []).append(i)
        for g in a:
            index.setdefault(g, []).append(i)
    out = []
    for j, b in enumerate(nb):
        out += [(i, j) for i in same.get(frozenset(b.items()), [])[:CANDIDATES]]  # the same text, always
        votes: Counter = Counter()
        for g in b:
            hits = index.get(g)
            if hits and len(hits) <= 100:
                votes.update(hits)
        out += [(i, j) for i, _ in votes.most_common(CANDIDATES)]
    return out


def _contained(part: Counter, whole: Counter) -> float:
    n = sum(part.values())
    return sum((part & whole).values()) / n if n else 0.0


def task_similarity(a: str, b: str) -> float:
    """The text similarity of two task texts, 0–1 (Dice over character
    bigrams, punctuation and white space left out).

    >>> task_similarity("加强科技人才引进。", "加强科技人才引进和培养。") > 0.7
    True
    """
    return _dice(_bigrams(a), _bigrams(b))


@dataclass
class PlanDiff:
    """The comparison of two versions: ``rows`` (``DIFF_COLUMNS``, in the
    new version's order, dropped tasks where they stood) and ``counts`` per
    change."""

    old: Plan
    new: Plan
    rows: list[dict] = field(default_factory=list)
    threshold: float = THRESHOLD

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(r["change"] for r in self.rows)
        out = {k: c.get(k, 0) for k in CHANGES}
        out["moved"] = sum(1 for r in self.rows if r["moved"])
        out["assignment_changed"] = sum(1 for r in self.rows if r["assignment_changed"])
        out["deadline_changed"] = sum(1 for r in self.rows if r["deadline_changed"])
        return out


def _roles(plan: Plan, units: Mapping[tuple[str, str], Unit] | None) -> dict[str, dict[str, dict[str, str]]]:
    """task id → role → {unit identity: name as written}, in the plan's order."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for a in sorted(plan.assignments, key=lambda a: (a.line, a.order)):
        u = units.get((a.doc, a.unit)) if units else None
        ident = u.function + "|" + u.name if u is not None and u.known else a.unit
        roles = out.setdefault(a.task_id, {"lead": {}, "support": {}})
        roles[a.role].setdefault(ident, a.unit)
    for roles in out.values():  # a unit both lead and support leads
        for k in list(roles["support"]):
            if k in roles["lead"]:
                del roles["support"][k]
    return out


def _names(d: Mapping[str, str]) -> str:
    return "、".join(d.values())


def diff_plans(old: Plan, new: Plan, units: Mapping[tuple[str, str], Unit] | None = None,
               threshold: float = THRESHOLD) -> PlanDiff:
    """Compare two versions of a plan (see the module's docstring).

    :param units: the :class:`Unit` of each ``(doc, name)`` (a corpus's
        ``units``), so that two spellings of one unit are not a change; the
        names as written are compared without it.
    :param threshold: text similarity from which two tasks are one.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    ot, nt = list(old.tasks), list(new.tasks)
    ob, nb = [_bigrams(t.text or t.title) for t in ot], [_bigrams(t.text or t.title) for t in nt]
    pos = lambda i, n: i / (n - 1) if n > 1 else 0.5  # noqa: E731
    candidates = []
    for i, j in _pairs(ob, nb):
        s = _dice(ob[i], nb[j])
        if s >= threshold:
            closeness = 1 - abs(pos(i, len(ot)) - pos(j, len(nt)))
            candidates.append((s + POSITION_WEIGHT * closeness, s, i, j))
    candidates.sort(key=lambda c: (-c[0], c[2], c[3]))
    o2n: dict[int, int] = {}
    n2o: dict[int, int] = {}
    sim: dict[tuple[int, int], float] = {}
    for _, s, i, j in candidates:
        if i not in o2n and j not in n2o:
            o2n[i], n2o[j] = j, i
            sim[(i, j)] = s
    # tasks left over: split out of a matched task, merged into one, or new / gone
    split: dict[int, tuple[int, float]] = {}
    near_old: dict[int, list[int]] = {}
    near_new: dict[int, list[int]] = {}
    if len(ot) * len(nt) > ALL_PAIRS:
        for i, j in _pairs(ob, nb):
            near_old.setdefault(j, []).append(i)
            near_new.setdefault(i, []).append(j)
    for j in range(len(nt)):
        if j in n2o:
            continue
        olds = near_old.get(j, []) if near_old or near_new else range(len(ot))
        best = max(((_contained(nb[j], ob[i]), i) for i in olds), default=(0.0, -1))
        if best[0] >= threshold:
            split[j] = (best[1], best[0])
    merged: dict[int, tuple[int, float]] = {}
    for i in range(len(ot)):
        if i in o2n:
            continue
        news = near_new.get(i, []) if near_old or near_new else range(len(nt))
        best = max(((_contained(ob[i], nb[j]), j) for j in news), default=(0.0, -1))
        if best[0] >= threshold:
            merged[i] = (best[1], best[0])
    oroles, nroles = _roles(old, units), _roles(new, units)
    empty = {"lead": {}, "support": {}}

    def row(change: str, a: Task | None, b: Task | None, s: float | None, related: str = "") -> dict:
        ra = oroles.get(a.task_id, empty) if a else empty
        rb = nroles.get(b.task_id, empty) if b else empty
        both = a is not None and b is not None
        la, lr = ({k: v for k, v in rb["lead"].items() if k not in ra["lead"]},
                  {k: v for k, v in ra["lead"].items() if k not in rb["lead"]}) if both else ({}, {})
        sa, sr = ({k: v for k, v in rb["support"].items() if k not in ra["support"]},
                  {k: v for k, v in ra["support"].items() if k not in rb["support"]}) if both else ({}, {})
        od, nd = (a.deadline if a else ""), (b.deadline if b else "")
        return {
            "change": change, "moved": bool(both and a.path != b.path and change in ("unchanged", "reworded")),
            "similarity": round(s, 3) if s is not None else "",
            "old_task_id": a.task_id if a else "", "new_task_id": b.task_id if b else "",
            "old_title": a.title if a else "", "new_title": b.title if b else "",
            "old_lead": _names(ra["lead"]), "new_lead": _names(rb["lead"]),
            "lead_added": _names(la), "lead_removed": _names(lr),
            "old_support": _names(ra["support"]), "new_support": _names(rb["support"]),
            "support_added": _names(sa), "support_removed": _names(sr),
            "old_deadline": od, "new_deadline": nd, "deadline_changed": bool(both and od != nd),
            "assignment_changed": bool(la or lr or sa or sr), "related": related,
            "old_text": a.text if a else "", "new_text": b.text if b else "",
            "old_doc": old.info.doc, "new_doc": new.info.doc,
        }

    rows: list[dict] = []
    placed_old: set[int] = set()

    def drop_before(limit: int) -> None:
        """Old tasks not in the new version, where they stood (before old task ``limit``)."""
        for i in range(limit):
            if i in o2n or i in placed_old:
                continue
            placed_old.add(i)
            if i in merged:
                j, s = merged[i]
                rows.append(row("merged", ot[i], nt[j], s, f"并入 {nt[j].task_id}"))
            else:
                rows.append(row("dropped", ot[i], None, None))

    for j, b in enumerate(nt):
        if j in n2o:
            i = n2o[j]
            drop_before(i)
            a = ot[i]
            same = _NOT_TEXT.sub("", a.text) == _NOT_TEXT.sub("", b.text)
            rows.append(row("unchanged" if same else "reworded", a, b, sim[(i, j)]))
        elif j in split:
            i, s = split[j]
            rows.append(row("split", ot[i], b, s, f"拆分自 {ot[i].task_id}"))
        else:
            rows.append(row("added", None, b, None))
    drop_before(len(ot))
    return PlanDiff(old, new, rows, threshold)


_DRAFT = re.compile(r"[(（]?\s*(?:征求意见稿|征求意见|草案|送审稿|修订稿|讨论稿|试行|代拟稿|初稿)\s*[)）]?")
_YEARS = re.compile(r"[(（]?\s*(?:19|20)\d{2}\s*(?:年)?\s*(?:[-—–~至到]+\s*(?:19|20)\d{2}\s*年?)?\s*[)）]?")


def _title_key(title: str) -> str:
    t = _DRAFT.sub("", title)
    t = _YEARS.sub("", t)
    return _NOT_TEXT.sub("", t)


def version_pairs(plans: Sequence[Plan]) -> list[tuple[Plan, Plan]]:
    """Plans of a corpus that are versions of one plan: the same place and
    the same title once draft marks (征求意见稿, 草案…) and years are left
    out. Each pair is (older, newer): by date of issue, then a draft before
    the final text, then input order."""
    groups: dict[tuple[str, str], list[tuple[int, Plan]]] = {}
    for k, p in enumerate(plans):
        key = _title_key(p.info.title)
        if p.info.title and key:
            groups.setdefault((p.info.place, key), []).append((k, p))
    pairs = []
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda kp: (kp[1].info.date, 0 if _DRAFT.search(kp[1].info.title) else 1, kp[0]))
        pairs += [(members[n][1], members[n + 1][1]) for n in range(len(members) - 1)]
    return pairs
