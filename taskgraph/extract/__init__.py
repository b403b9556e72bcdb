"""Extract stage: outline items and tables → tasks and lead/support edges.

What counts (``docs/conventions.md``): every item that carries a
responsibility annotation is a task — in the key tasks, the 保障措施 or an
annex; a heading-style item is heading plus paragraph; a plan with no
annotation at all yields its numbered key tasks as *unassigned* tasks.

Annotations are recognised by their content (:mod:`.annotation`):
bracketed labels, role verbs, bare lists, label lines under a task or on
its heading line, labels nobody listed (read by their parts), notes,
deadlines and persons kept out of the units; tables (任务分工表) are read
column by column (:mod:`.tables`) after the layout stage has turned every
table-like input into rows of cells.

Where an annotation stands alone after a run of sub-items that carry none,
it belongs to their parent item (or, with no parent, to each of them); an
annotation cut off by the end of the text names no unit; a note such as
``以下各项工作均需甲落实,不再列出`` gives 甲 to the tasks after it.

Roles: 牵头 → lead, 配合/协办/参与 → support; a bare list → the first unit
leads, the others support; with an explicit lead, 责任单位 lists supporters.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from copy import copy
from typing import Callable

from ..layout import layout
from ..lexicon import lexicon
from ..model import Assignment, Diagnostic, Document, Line, Plan, Task
from ..parse import Item, Outline, parse_info, parse_outline
from .annotation import Annotation, Entry, Span, default_unit_like, find_annotations, parse_annotation, resolve_roles

__all__ = ["extract_plan", "parse_annotation", "find_annotations", "Annotation", "Entry"]

UnitLike = Callable[[str], bool]

_TITLE_END = re.compile(r"[。;!?]")


def _title(heading: str, has_body: bool) -> str:
    """The task's heading phrase, or its first sentence (never cut inside it)."""
    if has_body and heading and len(heading) <= 60 and not _TITLE_END.search(heading.rstrip("。;")):
        return heading.rstrip("。;:, ")
    m = _TITLE_END.search(heading)
    first = heading[: m.start()] if m else heading
    return first.rstrip(":, ")


class ItemText:
    """An item's lines joined by ``\\n``, with the way back from a position
    in that text to its line and to the text as shown and as written."""

    def __init__(self, parts: list[Line]):
        self.parts = parts
        self.starts: list[int] = []
        pos = 0
        for ln in parts:
            self.starts.append(pos)
            pos += len(ln.text) + 1
        self.text = "\n".join(ln.text for ln in parts) if len(parts) > 1 else parts[0].text
        self.glossed = any(ln.src is not None and ln.src.gaps for ln in parts)

    def locate(self, pos: int) -> int:
        """Index of the part holding ``pos``."""
        return bisect_right(self.starts, pos) - 1 if len(self.starts) > 1 else 0

    def line_no(self, pos: int) -> int:
        return self.parts[self.locate(pos)].no

    def shown(self, a: int, b: int) -> str:
        """``text[a:b]`` as shown (glosses kept), line breaks kept."""
        if not self.glossed:
            return self.text[a:b]
        out = []
        for k, ln in enumerate(self.parts):
            s, e = self.starts[k], self.starts[k] + len(ln.text)
            lo, hi = max(a, s), min(b, e)
            if lo < hi:
                out.append(ln.shown(lo - s, hi - s))
            if k + 1 < len(self.parts) and a <= e < b:
                out.append("\n")
        return "".join(out)

    def raw(self, a: int, b: int) -> str:
        """``text[a:b]`` as the source writes it (line breaks kept); the
        shown text where a line cannot be aligned with its source."""
        out = []
        for k, ln in enumerate(self.parts):
            s, e = self.starts[k], self.starts[k] + len(ln.text)
            lo, hi = max(a, s), min(b, e)
            if lo < hi:
                span = ln.raw_span(lo - s, hi - s)
                out.append(ln.src.raw[span[0]:span[1]] if span is not None and ln.src is not None
                           else ln.shown(lo - s, hi - s))
            if k + 1 < len(self.parts) and a <= e < b:
                out.append("\n")
        return "".join(out)

    def written(self, pieces: list[tuple[int, int]]) -> tuple[str, int, int, int, str]:
        """``(shown name, line, start, end, raw)`` of a unit's pieces: the
        name as shown, and where it stands in the line as written (start
        and end -1 when not known) and the characters there."""
        names, raws = [], []
        line = start = end = -1
        for a, b in pieces:
            k = self.locate(a)
            ln = self.parts[k]
            s = self.starts[k]
            names.append(ln.shown(a - s, b - s) if self.glossed else self.text[a:b])
            span = ln.raw_span(a - s, b - s)
            if line < 0:
                line = ln.no
            if span is not None and ln.src is not None:
                raws.append(ln.src.raw[span[0]:span[1]])
                if ln.no == line:
                    start = span[0] if start < 0 else start
                    end = span[1]
        return "".join(names), line, start, end, "".join(raws)


_SPACED_NEWLINE = re.compile(r"[ \t]*\n[ \t]*")
_NEWLINES = re.compile(r"\n{2,}")
_EMPTY_BRACKETS = re.compile(r"[((〔【\[]\s*[))〕】\]]")
_HAS_EMPTY_BRACKETS = re.compile(r"[((〔【\[][\s))〕】\]]")


def _clean_written(s: str) -> str:
    """:func:`_clean_text` for the text as written: full-width spaces and
    brackets too."""
    s = _EMPTY_WRITTEN.sub("", s)
    if "\n" in s:
        s = _SPACED_NEWLINE_WRITTEN.sub("\n", s)
        s = _PUNCT_LINES_WRITTEN.sub("\n", s)
        s = _NEWLINES.sub("\n", s)
    return s.strip(" \u3000\t\n")


_EMPTY_WRITTEN = re.compile(r"[((〔【\[［]\s*[))〕】\]］]")
_SPACED_NEWLINE_WRITTEN = re.compile(r"[ \u3000\t]*\n[ \u3000\t]*")
_PUNCT_LINES_WRITTEN = re.compile(r"\n[ \u3000。．.;；,，:：、]+(?=\n|$)")


def _clean_text(s: str) -> str:
    if "\n" in s:
        s = _SPACED_NEWLINE.sub("\n", s)
        s = _PUNCT_LINES.sub("\n", s)  # what an annotation line left behind (。)
        s = _NEWLINES.sub("\n", s)
    return s.strip(" \n")


_PUNCT_LINES = re.compile(r"\n[ 。.;,:、]+(?=\n|$)")


def _annotation_only(text: str, spans: list[Span]) -> bool:
    rest = text
    for sp in reversed(spans):
        rest = rest[: sp.start] + rest[sp.end:]
    return not rest.strip(" 。.;;,,()()[]【】〔〕")


def _paragraph_items(item: Item, unit_like: UnitLike) -> list[Item]:
    """Unnumbered paragraphs under one heading, each ending in its own
    annotation, are tasks of their own (``三/p1``, ``三/p2``…).

    Returns [] when the item is one task (or none), as usual. A line that is
    only an annotation (a label line) belongs to the paragraph above it.
    """
    if len(item.lines) < 2 or sum(1 for ln in item.lines if _may_hold(ln.text)) < 2:
        return []
    groups: list[list[Line]] = []
    current: list[Line] = []
    carriers = 0
    for ln in item.lines:
        spans = find_annotations(ln.text, unit_like)
        if spans and _annotation_only(ln.text, spans) and not current and groups:
            groups[-1].append(ln)  # a further label line of the paragraph above
        elif spans:
            carriers += 1
            groups.append(current + [ln])
            current = []
        else:
            current.append(ln)
    if carriers < 2:
        return []
    parts = []
    if find_annotations(item.heading, unit_like):
        parts.append(Item(item.kind, item.label, item.path, item.heading, item.line, [], item.section,
                          head=item.head))
    section = item.section + (item.marker_line,)
    for k, group in enumerate(groups, 1):
        label = f"p{k}"
        parts.append(Item("para", label, item.path + (label,), group[0].text, group[0].no, group[1:], section,
                          head=group[0]))
    return parts


class _Found:
    """An item with the annotations found in its text."""

    def __init__(self, item: Item, unit_like: UnitLike, index: int, cut: bool = False):
        self.item = item
        self.index = index
        self.cut = cut  # the item's line was cut out of a longer one (a page with no line breaks)
        self.text = ItemText([item.head_line] + list(item.lines))
        self.spans = find_annotations(self.text.text, unit_like) if _may_hold(self.text.text) else []
        self.extra: list[tuple[ItemText, list[Span]]] = []  # annotations moved here from a sub-item
        self.children_text: list[str] = []

    @property
    def standalone_last(self) -> bool:
        """Does the item end with its annotations on lines of their own
        (label lines, a bracket alone on its line), after text that carries
        none?"""
        if not self.spans:
            return False
        s = self.text.text
        first = self.spans[0]
        if not self.item.lines:
            # a page with no line breaks cut at its markers: an annotation
            # closing the item's text stands where a line of its own stood
            before = s[:first.start].rstrip()
            rest = s[first.start:]
            for sp in reversed(self.spans):
                rest = rest[: sp.start - first.start] + rest[sp.end - first.start:]
            return self.cut and before[-1:] in ("。", ";") and not rest.strip(" 。;")
        line_start = s.rfind("\n", 0, first.start) + 1
        if line_start == 0 or s[line_start:first.start].strip():
            return False  # on the heading line, or after text on its line
        rest = s[line_start:]
        for sp in reversed(self.spans):
            rest = rest[: sp.start - line_start] + rest[sp.end - line_start:]
        return not rest.strip(" 。;\n")


_NOTE_SPLIT = re.compile(r"[,，、;；和及]")
_MAY_HOLD = re.compile(r"[((〔【\[:]|牵头|配合|负责|参与|协办|落实")


def _may_hold(text: str) -> bool:
    return bool(_MAY_HOLD.search(text))


class _Builder:
    def __init__(self, doc: Document, unit_like: UnitLike, physical: list[Line] | None = None):
        self.doc = doc
        self.unit_like = unit_like
        self.tasks: list[Task] = []
        self.assignments: list[Assignment] = []
        self.diagnostics: list[Diagnostic] = []
        self._ids: dict[str, int] = {}
        self.standing: list[tuple[int, list[Entry]]] = []  # (task index from which on, units)
        self.headings: dict[str, str] = {}  # heading (as in a section) -> as written
        # the physical lines as read (before the layout stage), for spans of table rows flattened into text
        self._physical: dict[int, Line] = {}
        for ln in physical or ():
            if ln.src is not None:
                self._physical.setdefault(ln.no, ln)
        self._physical_nos = sorted(self._physical)
        self._taken: set[tuple[int, int]] = set()

    def warn(self, message: str, line: int | None = None, code: str = "") -> None:
        self.diagnostics.append(Diagnostic(self.doc.source, message, line, "warning", code))

    def task_id(self, path: str) -> str:
        n = self._ids.get(path, 0) + 1
        self._ids[path] = n
        return path if n == 1 else f"{path}#{n}"

    def add(self, *, path: str, number: str, title: str, text: str, line: int, section: tuple[str, ...],
            ann: Annotation | None, annotation: str, kind: str, edge_line: int,
            places: list[tuple[ItemText, int]] | None = None, cut_off: bool = False, written: str = "",
            checks: tuple[str, ...] = (), search: tuple[int, int | None] | None = None) -> str:
        """Add a task and its edges; ``places`` holds, for each entry of
        ``ann``, the item text it was read from and the offset of its
        annotation there (so that each edge points at the text as written).
        ``checks`` are reasons (:mod:`taskgraph.checks`) to look at the
        task's reading that the caller knows of. ``search``, for a table row
        flattened into text, is the range of physical lines ``[first, next
        row)`` where its units are looked for by name, for their spans."""
        tid = self.task_id(path or number or str(line))
        deadline = ann.deadline if ann else ""
        section_written = tuple(self.headings.get(h, "") for h in section) if self.headings else ()
        self.tasks.append(Task(self.doc.name, tid, path, number, title, text, line, section,
                               deadline, annotation, kind, written, self._task_checks(ann, checks),
                               section_written))
        if ann is None:
            return tid
        order = 0
        have: set[str] = set()
        doc = self.doc.name
        # a lead decided by the first-listed rule, where no note restates it
        default_lead = (len(ann.entries) > 1 and not ann.first_leads
                        and not any(e.how != "bare" for e in ann.entries))
        for k, e in enumerate(ann.entries):
            name, line_no, start, end, raw = e.name, edge_line, -1, -1, ""
            if places is not None and e.pieces:
                where, offset = places[k]
                shown, line_no, start, end, raw = where.written(
                    [(a + offset, b + offset) for a, b in e.pieces] if offset else e.pieces)
                name = shown or name
            if start < 0 and search is not None:
                line_no, start, end, raw = self._find(e.name, search, line_no)
            check = ("default-lead",) if default_lead and k == 0 and e.role == "lead" else ()
            self.assignments.append(Assignment(doc, tid, name, e.role, line_no, order,  # type: ignore[arg-type]
                                               start, end, raw, e.how, check))
            have.add(name)
            order += 1
        if ann.standing:
            self.standing.append((len(self.tasks) - 1, ann.standing))
        if ann.entries or ann.standing:
            for since, units in self.standing:  # 以下各项工作均需甲落实,不再列出 (this task and the later ones)
                if since <= len(self.tasks) - 1:
                    for e in units:
                        if e.name not in have:
                            have.add(e.name)
                            self.assignments.append(Assignment(doc, tid, e.name, "support", edge_line, order,
                                                               how="standing", check=("standing",)))
                            order += 1
        where_ = f"task {tid}"
        if ann.rejected:
            self.warn(f"{where_}: not read as a unit: {'、'.join(ann.rejected)}", edge_line, "unit-rejected")
        if ann.empty_items:
            self.warn(f"{where_}: empty item in the unit list", edge_line, "empty-item")
        if ann.truncated:
            self.warn(f"{where_}: the unit list names only some units (等…)", edge_line, "list-truncated")
        if not ann.entries:
            if not cut_off:  # (a cut-off annotation was said already)
                self.warn(f"{where_}: annotation names no unit: {annotation[:40]}", edge_line, "no-units")
        elif not any(e.role == "lead" for e in ann.entries):
            self.warn(f"{where_}: no lead unit", edge_line, "no-lead")
        return tid

    def _find(self, name: str, lines: tuple[int, int | None], line_no: int) -> tuple[int, int, int, str]:
        """Where ``name`` stands on the physical lines ``[first, next)`` of a
        table row flattened into text: ``(line, start, end, as written)``,
        the first place not taken by another unit of the row."""
        first, stop = lines
        if stop is not None and stop <= first:
            stop = first + 1  # rows run together on one line (序号工作任务责任单位21……22……)
        k = bisect_right(self._physical_nos, first - 1)
        for no in self._physical_nos[k:k + 64]:
            if stop is not None and no >= stop:
                break
            where = ItemText([self._physical[no]])
            at = where.text.find(name)
            while at >= 0:
                _, ln, a, b, raw = where.written([(at, at + len(name))])
                if a >= 0 and (ln, a) not in self._taken:
                    self._taken.add((ln, a))
                    return ln, a, b, raw
                at = where.text.find(name, at + 1)
        return line_no, -1, -1, ""

    def _task_checks(self, ann: Annotation | None, checks: tuple[str, ...]) -> tuple[str, ...]:
        out = list(checks)
        if ann is not None:
            if ann.truncated:
                out.append("truncated")
            if ann.rejected:
                out.append("dropped-token")
            if any(self._names_a_unit(n) for n in ann.notes):
                out.append("note-unit")
        return tuple(dict.fromkeys(out))

    def _names_a_unit(self, note: str) -> bool:
        """Does a note dropped from an annotation name a unit (含开发区管委会)?"""
        inner = note.strip("()（）〈〉〔〕<>[]【】 ")
        for opener in lexicon().note_openers:
            if inner.startswith(opener):
                inner = inner[len(opener):]
                break
        return any(self.unit_like(p.strip()) for p in _NOTE_SPLIT.split(inner) if len(p.strip()) >= 2)

    # ------------------------------------------------------------ items

    def items(self, outline: Outline) -> None:
        parts: list[Item] = []
        for item in outline.items:
            parts.extend(_paragraph_items(item, self.unit_like) or [item])
        counts = Counter(ln.no for ln in self.doc.lines if ln.cells is None)
        found = [_Found(item, self.unit_like, k, counts[item.line] > 1) for k, item in enumerate(parts)]
        self._closing_annotations(found, outline)
        last_line = max((ln.no for ln in self.doc.lines), default=0)
        for k, f in enumerate(found):
            if f.spans or f.extra:
                self.item(f, at_end=k == len(found) - 1 and not outline.tables and self._ends_document(f, last_line))

    def _ends_document(self, f: _Found, last_line: int) -> bool:
        return bool(f.spans) and f.text.line_no(f.spans[-1].start) >= last_line

    def _closing_annotations(self, found: list[_Found], outline: Outline) -> None:
        """An annotation on a line of its own after a run of sub-items that
        carry none belongs to their parent item (1.完善预案体系 / (1)… (4)…
        / (责任单位:…)), or, where they have no parent, to each of them."""
        by_item = {id(f.item): f for f in found}
        runs: dict[tuple, list[_Found]] = {}  # siblings since the last one with an annotation
        for f in found:
            item = f.item
            key = (item.parent, item.kind)
            if not f.standalone_last or item.kind == "para":
                if f.spans or f.extra:
                    runs[key] = []
                else:
                    runs.setdefault(key, []).append(f)
                continue
            run = runs.get(key, [])
            runs[key] = []
            if not run or any(g.item.children for g in run) or item.children:
                continue
            if item.parent is not None:
                parent_item = outline.items[item.parent]
                parent = by_item.get(id(parent_item))
                if parent is None or parent.spans or parent.extra:
                    continue
                if len(run) + 1 < parent_item.children:
                    continue  # the annotation closes only some of the sub-items
                parent.extra.append((f.text, f.spans))
                parent.children_text = [g.item.marker_line for g in run] + [item.marker_line]
                f.spans = []
            else:
                for g in run:
                    g.extra.append((f.text, f.spans))

    def item(self, f: _Found, at_end: bool = False) -> None:
        item = f.item
        s = f.text.text
        spans = f.spans
        if spans:
            last = spans[-1]
            cut = s.find("\n", last.end)
            heading_only = last.end <= len(item.heading) and "。" not in item.heading[: last.start]
            end = len(s) if cut < 0 or heading_only else cut
        else:
            end = len(s)
        keep: list[tuple[int, int]] = []
        pos = 0
        for sp in spans:
            if sp.start > pos:
                keep.append((pos, min(sp.start, end)))
            pos = max(pos, sp.end)
        if pos < end:
            keep.append((pos, end))
        text = "".join(f.text.shown(a, b) for a, b in keep if a < b)
        written = "".join(f.text.raw(a, b) for a, b in keep if a < b)
        if f.children_text:
            text = text.rstrip() + "\n" + "\n".join(f.children_text)
            written = written.rstrip() + "\n" + "\n".join(f.children_text)
        text = _clean_text(_EMPTY_BRACKETS.sub("", text) if _HAS_EMPTY_BRACKETS.search(text) else text)
        written = _clean_written(written)
        heading = item.heading
        for sp in reversed(spans):
            if sp.start < len(heading):
                heading = heading[: sp.start] + heading[min(sp.end, len(heading)):]
        heading = f.text.shown(0, len(item.heading)) if heading == item.heading else heading
        heading = heading.strip()

        sources: list[tuple[ItemText, list[Span]]] = [(f.text, spans)] + f.extra
        annotations = [(where, sp) for where, sps in sources for sp in sps]
        content = ";".join(sp.content for _, sp in annotations)
        cut_off = False
        for n, (where, sp) in enumerate(annotations):
            if sp.unbalanced:
                if at_end and n == len(annotations) - 1 and where is f.text and sp.end >= len(s.rstrip()):
                    cut_off = True
                    self.warn("the text ends inside this task's annotation (cut off?): its units are not read",
                              where.line_no(sp.start), "cut-off")
                    continue
                self.warn("annotation bracket is not closed", where.line_no(sp.start), "unbalanced")
        edge_line = annotations[0][0].line_no(annotations[0][1].start) if annotations else item.line
        parts = [(where, sp.content_start, sp.ann if sp.ann is not None
                  else parse_annotation(sp.content, self.unit_like, resolve=False))
                 for n, (where, sp) in enumerate(annotations) if not (cut_off and n == len(annotations) - 1)]
        merged = _merge(parts)
        has_body = "\n" in text and bool(heading)
        self.add(path=item.path_str, number=item.label, title=_title(heading or text, has_body),
                 text=text, line=item.line, section=item.section, ann=merged.ann, annotation=content,
                 kind="text", edge_line=edge_line, places=[(w, o) for w, o, _ in merged.places], cut_off=cut_off,
                 written=written, checks=("far",) if f.extra else ())

    # ----------------------------------------------------------- tables

    def tables(self, outline: Outline) -> None:
        from .tables import table_tasks

        for _, (path, section, rows) in sorted(outline.tables.items()):
            table_tasks(self, path, section, rows)

    # a plan with no annotation: the numbered key tasks, unassigned
    def unassigned(self, outline: Outline) -> None:
        items = outline.items
        key = [i for i in items if len(i.path) == 1 and _KEY_SECTION.search(i.heading)]
        if key:
            roots = {i.path for i in key}
        else:
            roots = {i.path for i in items if len(i.path) == 1 and not _NOT_TASK_SECTION.search(i.heading)}
        for item in items:
            if item.children or len(item.path) < 2 or item.path[:1] not in roots:
                continue
            where = ItemText([item.head_line] + list(item.lines))
            text = _clean_text(where.shown(0, len(where.text)))
            self.add(path=item.path_str, number=item.label, title=_title(item.heading, bool(item.lines)),
                     text=text, line=item.line, section=item.section, ann=None, annotation="",
                     kind="unannotated", edge_line=item.line, written=_clean_written(where.raw(0, len(where.text))))

    def numbering(self, outline: Outline) -> None:
        """Warn on a repeated or skipped task number in a run of numbered items."""
        prev: dict[tuple[str, ...], tuple[int, int]] = {}
        for item in outline.items:
            if item.kind != "num":
                continue
            top = item.path[:1]
            n = int(item.label)
            if top in prev:
                last, _ = prev[top]
                if n == last:
                    self.warn(f"task number {n} repeated", item.line, "number-repeated")
                elif n > last + 1:
                    self.warn(f"task number jumps from {last} to {n}", item.line, "number-skipped")
            prev[top] = (n, item.line)


class _Merged:
    def __init__(self, ann: Annotation | None = None) -> None:
        self.ann = ann if ann is not None else Annotation()
        self.places: list[tuple[ItemText, int, Entry]] = []


def _merge(parts: list[tuple[ItemText, int, Annotation]]) -> _Merged:
    """One annotation from a task's several (label lines 牵头单位:甲 then
    责任单位:乙; 甲牵头… then (乙、丙参与)): roles resolved over all of them,
    units in order, each once, with its place in the text."""
    if len(parts) == 1:  # the common case: one annotation, nothing to put together
        where, offset, one = parts[0]
        single = copy(one)  # (a shared reading: never changed)
        single.entries = resolve_roles(one.entries, one.groups)
        out = _Merged(single)
        out.places = [(where, offset, e) for e in single.entries]
        return out
    out = _Merged()
    ann = out.ann
    deadlines = []
    entries: list[Entry] = []
    where_of: list[tuple[ItemText, int]] = []
    groups = 0
    for where, offset, one in parts:
        for e in one.entries:
            entries.append(e)
            where_of.append((where, offset))
        groups += one.groups
        if one.rejected:
            ann.rejected += one.rejected
        if one.notes:
            ann.notes += one.notes
        if one.persons:
            ann.persons += one.persons
        ann.empty_items += one.empty_items
        ann.has_verb |= one.has_verb
        ann.has_label |= one.has_label
        ann.truncated |= one.truncated
        if one.standing:
            ann.standing += one.standing
        if one.deadline:
            deadlines.append(one.deadline)
    sources: list[int] = []
    ann.entries = resolve_roles(entries, groups, sources)
    out.places = [(*where_of[k], e) for k, e in zip(sources, ann.entries)]
    ann.deadline = ";".join(dict.fromkeys(deadlines))
    return out


_KEY_SECTION = re.compile(r"重点任务|主要任务|重点工作|工作任务|主要举措|重点举措|具体任务|任务措施|主要措施|重点行动|具体措施|行动任务|工作重点|专项行动")
_NOT_TASK_SECTION = re.compile(r"总体要求|指导思想|基本原则|目标|保障|组织实施|工作要求|背景|现状|形势|奖补|政策|附则")


# -------------------------------------------------------------- entry


def extract_plan(doc: Document, unit_like: UnitLike | None = None) -> Plan:
    """Extract the tasks and assignments of one document.

    ``unit_like`` tells whether a short string reads as a unit name (the
    gazetteer's :meth:`~taskgraph.normalise.Gazetteer.is_unit_like`; the
    bundled gazetteer's by default); it decides whether an unlabelled
    bracket such as ``(甲、乙负责)`` is an annotation.
    """
    unit_like = unit_like or default_unit_like
    physical = doc.lines
    doc = layout(doc, unit_like)
    outline = parse_outline(doc)
    info = parse_info(doc, outline)
    b = _Builder(doc, unit_like, physical if outline.tables else None)
    b.headings = outline.written
    b.items(outline)
    b.tables(outline)
    if not b.tasks:
        b.unassigned(outline)
        if b.tasks:
            b.warn(f"no annotation found: {len(b.tasks)} key tasks kept as unassigned", None, "unassigned")
        else:
            b.warn("no task found", None, "no-tasks")
    b.numbering(outline)
    from ..targets import plan_targets

    targets = plan_targets(outline, b.tasks, info.period_end)
    return Plan(info, doc.source, b.tasks, b.assignments, list(doc.diagnostics) + b.diagnostics, targets)
