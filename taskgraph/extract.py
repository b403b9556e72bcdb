"""Extract stage: outline items and tables → tasks and lead/support edges.

What counts (``docs/conventions.md``): every item that carries a
responsibility annotation is a task — in the key tasks, the 保障措施 or an
annex; a heading-style item is heading plus paragraph; a plan with no
annotation at all yields its numbered key tasks as *unassigned* tasks.

Annotations are read in every form plans use:

* bracketed labels ``(责任单位:甲、乙)``, ``〔牵头单位:甲,配合单位:乙〕``, ``【责任单位】甲``;
* role verbs ``(甲牵头,乙、丙配合)``, ``(甲、乙分别牵头)``, bare ``(甲、乙、丙负责)``;
* label lines under a task (``牵头单位:甲`` then ``责任单位:乙、丙``);
* notes (``列第一位的为牵头单位``, ``下同``), deadlines (``完成时限:2022年底``),
  persons (``分管领导:张某``), all kept out of the unit list;
* tables (任务分工表) with 牵头单位 / 配合单位 / 责任单位 / 完成时限 columns.

Roles: 牵头 → lead, 配合/协办/参与 → support; a bare list → the first unit
leads, the others support; with an explicit lead, 责任单位 lists supporters.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from .model import Assignment, Diagnostic, Document, Line, Plan, Task
from .parse import Item, Outline, header_map, match_marker, parse_info, parse_outline

__all__ = ["extract_plan", "parse_annotation", "find_annotations", "Annotation", "Entry"]

# ------------------------------------------------------------------ lexicon

_LEAD_LABELS = ["牵头责任单位", "牵头单位", "牵头部门", "主责单位", "主责部门", "牵头处室", "牵头"]
_SUPPORT_LABELS = ["配合责任单位", "配合单位", "配合部门", "协办单位", "协办部门", "参与单位", "参与部门",
                   "协同单位", "协同部门", "协助单位", "支持单位", "配合处室", "配合"]
_BARE_LABELS = ["主要责任单位", "责任单位", "责任部门", "责任主体", "责任处室", "实施单位", "实施主体",
                "承办单位", "负责单位", "负责部门", "落实单位", "主办单位"]
_DEADLINE_LABELS = ["完成时限", "完成时间", "完成期限", "时间节点", "时限要求", "进度安排", "时间安排", "时限"]
_PERSON_LABELS = ["牵头市领导", "牵头区领导", "牵头县领导", "分管市领导", "分管区领导", "分管县领导", "牵头领导",
                  "分管领导", "责任领导", "分管负责人", "牵头负责人", "责任人", "联系人", "负责人"]
_LABEL_KIND = {
    **{w: "lead" for w in _LEAD_LABELS}, **{w: "support" for w in _SUPPORT_LABELS},
    **{w: "bare" for w in _BARE_LABELS}, **{w: "deadline" for w in _DEADLINE_LABELS},
    **{w: "person" for w in _PERSON_LABELS},
}
_LABEL_ALT = "|".join(sorted(_LABEL_KIND, key=len, reverse=True))
# 责任单位: …  /  【责任单位】…  /  [牵头单位]:…
# (the lookahead names every character a label can start with, so that the
# regex engine skips other positions at C speed: 3.5× faster, same matches)
_LABEL_RE = re.compile(rf"(?=[【\[{''.join(sorted({w[0] for w in _LABEL_KIND}))}])"
                       rf"(?:[【\[]\s*(?P<a>{_LABEL_ALT})\s*[】\]]\s*:?|(?P<b>{_LABEL_ALT})\s*:)")
# a label at the start of an annotation must be one of these (牵头/配合 alone only with a colon)
_UNIT_LABEL_KINDS = ("lead", "support", "bare")

# role verbs written after the units, longest first; "duty" verbs (负责,
# 按职责分工负责) name no role of their own: such units are a bare list
_VERBS: list[tuple[str, str]] = sorted(
    [(v, "lead") for v in ("分别牵头负责", "分别牵头", "共同牵头负责", "共同牵头", "联合牵头", "牵头负责",
                           "牵头落实", "牵头实施", "牵头组织", "牵头推进", "牵头抓总", "为牵头单位", "牵头")]
    + [(v, "support") for v in ("配合落实", "配合实施", "配合推进", "积极配合", "负责配合", "共同配合",
                               "配合", "协助", "协办", "参与", "协同推进", "协同", "指导")]
    + [(v, "duty") for v in ("按职责分工负责", "按职责分工落实", "按职能分工负责", "按照职责分工负责",
                            "根据职责分工负责", "按职能职责负责", "按职责负责", "按职责落实", "分工负责",
                            "各负其责", "共同负责", "分别负责", "具体负责", "负总责", "负责落实",
                            "抓好落实", "组织实施", "负责推进", "负责实施", "共同推进", "负责")],
    key=lambda vr: -len(vr[0]),
)
_VERB_RE = re.compile("(?:" + "|".join(re.escape(v) for v, _ in _VERBS) + ")$")
_VERB_ROLE = dict(_VERBS)
_PAREN_ROLE_RE = re.compile(r"\((牵头|牵头单位|主责|配合|配合单位|协办|参与)\)$")
_NOTES_RE = re.compile(
    r"(?:(?:列|排|位)(?:在|于)?(?:第一位|首位|第一|前面|最前)的?(?:单位|部门)?(?:为|是)牵头(?:单位|部门)?"
    r"|第一(?:个|家)?(?:单位|部门)?为牵头(?:单位|部门)?"
    r"|其(?:余|他|它)(?:的)?(?:单位|部门)?(?:为|是)配合(?:单位|部门)?"
    r"|(?:以)?下同|同上|下略)"
)
_DEADLINE_RE = re.compile(
    r"^(?:(?:19|20)\d{2}\s*年|(?:19|20)\d{2}\s*[-—~至]\s*(?:19|20)?\d{2}|年内|年底|年末|每年|逐年|长期|持续|常态化|"
    r"立即|近期|中期|远期|按年度|分年度|分阶段|月底|季度|半年|(?:19|20)\d{2}\s*$)"
)
_PHRASES = {"按职责分工负责", "抓好落实", "分工负责", "各司其职", "各负其责", "共同推进", "负责", "落实",
            "组织实施", "具体实施", "持续推进", "牵头", "配合", "等"}
_OPEN = "([〔【［{<《"
_CLOSE = ")]〕】］}>》"
_SEP_TOKENS = "、,/ \t"
_SEP_CLAUSES = ";。\n"

# structural fallback for "does this read as a unit" until a gazetteer says more
_UNIT_SUFFIX = re.compile(
    r"(?:局|委|办|厅|部|院|会|中心|政府|单位|部门|机关|办公室|分局|支局|公司|集团|银行|行|海关|署|所|站|队|联|社|"
    r"小组|街道|镇|乡|园区|开发区|新区|管委会|委员会|法院|检察院|党校|大学|学院|学校|医院|团|处|室|组|馆|台|"
    r"(?:各|有关|相关)[^,、]*|\([^()]*\))$"
)


def _default_unit_like(name: str) -> bool:
    if not (2 <= len(name) <= 30) or any(ch in name for ch in "。;:"):
        return False
    if _DEADLINE_RE.match(name) or name in _PHRASES:
        return False
    return bool(_UNIT_SUFFIX.search(name)) or name.startswith("各")


# ------------------------------------------------------------ annotation


@dataclass
class Entry:
    """A unit named in an annotation; ``role`` is lead, support, or None
    while not yet known (bare lists and duty verbs are resolved at the end)."""

    name: str
    role: str | None


@dataclass
class Annotation:
    """The parsed content of a task's annotation(s)."""

    units: list[tuple[str, str]] = field(default_factory=list)  # (name, lead|support)
    deadline: str = ""
    rejected: list[str] = field(default_factory=list)  # tokens read as neither unit nor phrase
    empty_items: int = 0
    has_verb: bool = False
    has_label: bool = False
    persons: list[str] = field(default_factory=list)


def _split_top(text: str, seps: str) -> list[str]:
    """Split at separators outside brackets (names keep their parentheses)."""
    if not _ANY_OPEN.search(text):  # no bracket: every separator splits
        return _splitter(seps).split(text)
    out, depth, cur = [], 0, []
    for ch in text:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        if ch in seps and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


@lru_cache(maxsize=None)
def _splitter(seps: str) -> re.Pattern[str]:
    return re.compile("[" + "".join(map(re.escape, seps)) + "]")


_ANY_OPEN = re.compile("[" + "".join(map(re.escape, _OPEN)) + "]")
_LEADING_WORD = re.compile(r"^(?:由|请|其中|以及|和|及)")
_TRAILING_ETC = re.compile(r"(?:等(?:有关|相关)?(?:单位|部门)?)$")
_SPACED_SEP = re.compile(r"\s*([、,/])\s*")
_SPACE = re.compile(r"\s")
_DIGIT_OR_STOP = re.compile(r"[0-9。]")


def _strip_name(name: str) -> str:
    name = name.strip(" \t,,、;;:。.")
    name = _LEADING_WORD.sub("", name)
    name = _TRAILING_ETC.sub("", name).strip()
    # a closing bracket left over from an unbalanced annotation
    while name and name[-1] in _CLOSE and name.count(name[-1]) > sum(name.count(o) for o in _OPEN):
        name = name[:-1]
    while name and name[0] in _OPEN and not any(c in name for c in _CLOSE):
        name = name[1:]
    return name.strip()


def _read_token(tok: str) -> tuple[str | None, tuple[str, str] | None, str]:
    """Split a role mark off a token: ``(fixed_role, (verb_role, verb), rest)``.

    ``市科技局(牵头)`` fixes the role of that unit alone; a verb suffix
    (``市科技局牵头``) gives its role to every unit listed since the last verb.
    """
    pm = _PAREN_ROLE_RE.search(tok)
    if pm:
        return ("lead" if pm.group(1).startswith(("牵头", "主责")) else "support"), None, tok[: pm.start()]
    vm = _VERB_RE.search(tok)
    if vm:
        return None, (_VERB_ROLE[vm.group()], vm.group()), tok[: vm.start()]
    return None, None, tok


def parse_annotation(content: str, unit_like: Callable[[str], bool] = _default_unit_like,
                     context: str | None = None) -> Annotation:
    """Read units, roles and deadline out of an annotation's content.

    ``context`` is the role of a label that stands before the content (for
    table cells), ``None`` when the content carries its own labels or verbs.

    >>> a = parse_annotation("牵头单位:区科技局,配合单位:区经信局、区市场监管局")
    >>> a.units
    [('区科技局', 'lead'), ('区经信局', 'support'), ('区市场监管局', 'support')]
    >>> parse_annotation("责任单位:市科技局、市财政局,各县(市)区政府(管委会)").units
    [('市科技局', 'lead'), ('市财政局', 'support'), ('各县(市)区政府(管委会)', 'support')]
    >>> parse_annotation("市发展改革委牵头,市财政局、市商务局配合").units
    [('市发展改革委', 'lead'), ('市财政局', 'support'), ('市商务局', 'support')]
    >>> parse_annotation("市科技局、市财政局分别牵头,完成时限:2022年底").units
    [('市科技局', 'lead'), ('市财政局', 'lead')]
    """
    ann = Annotation()
    entries: list[Entry] = []
    segments: list[tuple[str | None, str]] = []
    pos, kind = 0, context
    for m in _LABEL_RE.finditer(content):
        segments.append((kind, content[pos:m.start()]))
        kind = _LABEL_KIND[m.group("a") or m.group("b")]
        ann.has_label = True
        pos = m.end()
    segments.append((kind, content[pos:]))

    deadlines: list[str] = []
    for kind, body in segments:
        body = body.strip()
        if not body:
            continue
        if kind == "deadline":
            deadlines.append(body.strip(" ,,;;。)"))
            continue
        if kind == "person":
            ann.persons.append(body)
            continue
        body = _NOTES_RE.sub("", body)
        default = kind if kind in ("lead", "support", "bare") else None
        for clause in _split_top(body, _SEP_CLAUSES + ";"):
            pending: list[Entry] = []
            if _SPACE.search(clause):  # 甲 、 乙 → 甲、乙
                clause = _SPACED_SEP.sub(r"\1", clause)
            clause = clause.strip(_SEP_TOKENS + ",")
            if not clause:
                continue
            for raw in _split_top(clause, _SEP_TOKENS + ","):
                tok = raw.strip()
                if not tok:
                    ann.empty_items += 1  # "甲、、乙"
                    continue
                fixed, verb, tok = _read_token(tok)
                if verb:
                    ann.has_verb = True
                if "会同" in tok:  # 甲会同乙: 甲 leads, 乙 supports
                    left, _, tok = tok.partition("会同")
                    if _strip_name(left):
                        entries.append(Entry(_strip_name(left), "lead"))
                    fixed = fixed or "support"
                name = _strip_name(tok)
                if name and _DEADLINE_RE.match(name) and not unit_like(name):
                    deadlines.append(name + (verb[1] if verb else ""))
                    name = ""
                elif name in _PHRASES:
                    name = ""
                elif name and not (unit_like(name) or (default and len(name) <= 25 and not _DIGIT_OR_STOP.search(name))):
                    ann.rejected.append(name)  # under a label, an unusual name is still a unit
                    name = ""
                if name:
                    e = Entry(name, fixed or default)
                    entries.append(e)
                    if not fixed:
                        pending.append(e)
                if verb:  # the verb gives its role to the units listed since the last one
                    for p in pending:
                        p.role = None if verb[0] == "duty" else verb[0]
                    pending = []
    ann.deadline = ";".join(dict.fromkeys(d for d in deadlines if d))

    # role resolution: a bare list → first leads; with an explicit lead, the rest support
    has_lead = any(e.role == "lead" for e in entries)
    for e in entries:
        if e.role in (None, "bare"):
            e.role = "support" if has_lead else "lead"
            has_lead = True
    seen: set[tuple[str, str]] = set()
    for e in entries:
        key = (e.name, e.role)
        if key not in seen:
            seen.add(key)
            ann.units.append(key)  # type: ignore[arg-type]
    return ann


# --------------------------------------------------------- finding spans


@dataclass
class Span:
    start: int
    end: int
    content: str
    unbalanced: bool = False


def _close_of(s: str, start: int) -> tuple[int, bool]:
    """Index after the bracket closing the one at ``start`` (mixed kinds
    tolerated); if none before the end of the line, the end of the line."""
    depth, newline = 0, -1
    for i in range(start, min(len(s), start + 300)):
        ch = s[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth == 0:
                return i + 1, False
        elif ch == "\n" and newline < 0:
            newline = i  # a wrapped line may still close the bracket
    end = newline if newline >= 0 else len(s)
    return end, True


_BRACKET_OR_NEWLINE = re.compile("[" + "".join(map(re.escape, _OPEN + _CLOSE)) + "\n]")


def _bracket_groups(s: str) -> list[tuple[int, int]]:
    out, stack = [], []
    for m in _BRACKET_OR_NEWLINE.finditer(s):  # only the characters that matter
        i = m.start()
        ch = s[i]
        if ch in _OPEN:
            stack.append(i)
        elif ch in _CLOSE and stack:
            b = stack.pop()
            if not stack:
                out.append((b, i + 1))
        elif ch == "\n":
            stack = []  # a stray bracket must not hide the annotations of later lines
    return out


def _inside(spans: list[Span], i: int) -> bool:
    return any(sp.start <= i < sp.end for sp in spans)


_CLOSING_SENTENCE = re.compile(r"(?:^|(?<=[。;\n]))([^。;\n]{2,120})[。;]?\s*(?=\n|$)")
_ROLE_WORD = re.compile("牵头|配合|负责|协办|参与")


def find_annotations(s: str, unit_like: Callable[[str], bool] = _default_unit_like) -> list[Span]:
    """Find the annotation spans in an item's text (lines joined by ``\\n``).

    >>> [sp.content for sp in find_annotations("加强建设。(责任单位:市科技局)")]
    ['责任单位:市科技局']
    >>> [sp.content for sp in find_annotations("加强建设(市发改委牵头,市财政局配合)。")]
    ['市发改委牵头,市财政局配合']
    >>> find_annotations("对联盟的牵头单位给予奖励(含市级)。")
    []
    """
    spans: list[Span] = []
    # 1. labelled annotations, in brackets or on a label line
    for m in _LABEL_RE.finditer(s):
        if _inside(spans, m.start()):
            continue
        kind = _LABEL_KIND[m.group("a") or m.group("b")]
        b = m.start() - 1
        while b >= 0 and s[b] in " \t":
            b -= 1
        if b >= 0 and s[b] in _OPEN and s[b] not in "《<":
            end, unbalanced = _close_of(s, b)
            content = s[b + 1 : end - (0 if unbalanced else 1)]
            spans.append(Span(b, end, content.strip(), unbalanced))
        elif m.group("a") or b < 0 or s[b] in "\n。;;!?!?)〕】]" or (kind in _UNIT_LABEL_KINDS and s[b] in ",,"):
            # a label line, or a bracketed label (【责任单位】甲、乙) wherever it stands
            end = s.find("\n", m.end())
            end = len(s) if end < 0 else end
            spans.append(Span(m.start(), end, s[m.start():end].strip()))
    # 2. unlabelled brackets whose content reads as units with roles
    for b, e in _bracket_groups(s):
        if _inside(spans, b) or s[b] in "《<":
            continue
        line_end = s.find("\n", e)
        after = s[e:line_end if line_end >= 0 else len(s)].strip(" 。.;;,,")
        before = s[b - 1] if b > 0 else "\n"
        if before != "\n" and after and s[e:e + 1] not in "。;;,,\n":
            continue  # mid-sentence; at the start of the item or a line it heads the text (checked
            # before reading the content: most brackets are mid-sentence, with or without a verb)
        content = s[b + 1 : e - 1]
        ann = parse_annotation(content, unit_like)
        if not ann.units or ann.rejected or ann.empty_items:
            continue
        if not ann.has_verb and not (before in "。;;!?\n" and not after):
            continue  # a bare list without a verb only at the end of a sentence
        spans.append(Span(b, e, content.strip()))
    # 3. a closing sentence of units and role verbs, without brackets
    for m in _CLOSING_SENTENCE.finditer(s) if _ROLE_WORD.search(s) else ():
        content = m.group(1)
        if not _ROLE_WORD.search(content) or _inside(spans, m.start(1)) or match_marker(content):
            continue
        if m.start(1) == 0:
            continue  # the heading itself is never only an annotation
        ann = parse_annotation(content, unit_like)
        if ann.units and ann.has_verb and not ann.rejected and not ann.empty_items:
            spans.append(Span(m.start(1), m.end(), content.strip()))
    spans.sort(key=lambda sp: sp.start)
    return spans


# -------------------------------------------------------------- tasks

_TITLE_END = re.compile(r"[。;!?]")


def _title(heading: str, has_body: bool) -> str:
    if has_body and heading and len(heading) <= 40 and not _TITLE_END.search(heading.rstrip("。;")):
        return heading.rstrip("。;:, ")
    m = _TITLE_END.search(heading)
    first = heading[: m.start()] if m else heading
    return first if len(first) <= 40 else first[:38] + "…"


def _line_at(offsets: list[tuple[int, int]], pos: int) -> int:
    line = offsets[0][1]
    for start, no in offsets:
        if start > pos:
            break
        line = no
    return line


_SPACED_NEWLINE = re.compile(r"[ \t]*\n[ \t]*")
_NEWLINES = re.compile(r"\n{2,}")
_EMPTY_BRACKETS = re.compile(r"[((〔【\[]\s*[))〕】\]]")


def _clean_text(s: str) -> str:
    s = _SPACED_NEWLINE.sub("\n", s)
    s = _NEWLINES.sub("\n", s)
    return s.strip(" \n")


def _item_text(item: Item) -> tuple[str, list[tuple[int, int]]]:
    parts, offsets, pos = [], [], 0
    for no, text in [(item.line, item.heading)] + [(ln.no, ln.text) for ln in item.lines]:
        offsets.append((pos, no))
        parts.append(text)
        pos += len(text) + 1
    return "\n".join(parts), offsets


def _annotation_only(text: str, spans: list[Span]) -> bool:
    rest = text
    for sp in reversed(spans):
        rest = rest[: sp.start] + rest[sp.end :]
    return not rest.strip(" 。.;;,,()()[]【】〔〕")


def _paragraph_items(item: Item, unit_like: Callable[[str], bool]) -> list[Item]:
    """Unnumbered paragraphs under one heading, each ending in its own
    annotation, are tasks of their own (``三/p1``, ``三/p2``…).

    Returns [] when the item is one task (or none), as usual. A line that is
    only an annotation (a label line) belongs to the paragraph above it.
    """
    if len(item.lines) < 2:
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
        parts.append(Item(item.kind, item.label, item.path, item.heading, item.line, [], item.section))
    section = item.section + (item.marker_line,)
    for k, group in enumerate(groups, 1):
        label = f"p{k}"
        parts.append(Item("para", label, item.path + (label,), group[0].text, group[0].no, group[1:], section))
    return parts


class _Builder:
    def __init__(self, doc: Document, unit_like: Callable[[str], bool]):
        self.doc = doc
        self.unit_like = unit_like
        self.tasks: list[Task] = []
        self.assignments: list[Assignment] = []
        self.diagnostics: list[Diagnostic] = []
        self._ids: dict[str, int] = {}

    def warn(self, message: str, line: int | None = None, code: str = "") -> None:
        self.diagnostics.append(Diagnostic(self.doc.source, message, line, "warning", code))

    def task_id(self, path: str) -> str:
        n = self._ids.get(path, 0) + 1
        self._ids[path] = n
        return path if n == 1 else f"{path}#{n}"

    def add(self, *, path: str, number: str, title: str, text: str, line: int, section: tuple[str, ...],
            ann: Annotation | None, annotation: str, kind: str, edge_line: int) -> None:
        tid = self.task_id(path or number or str(line))
        deadline = ann.deadline if ann else ""
        self.tasks.append(Task(self.doc.name, tid, path, number, title, text, line, section,
                               deadline, annotation, kind))
        if ann is None:
            return
        for order, (name, role) in enumerate(ann.units):
            self.assignments.append(Assignment(self.doc.name, tid, name, role, edge_line, order))  # type: ignore[arg-type]
        where = f"task {tid}"
        if ann.rejected:
            self.warn(f"{where}: not read as a unit: {'、'.join(ann.rejected)}", edge_line, "unit-rejected")
        if ann.empty_items:
            self.warn(f"{where}: empty item in the unit list", edge_line, "empty-item")
        if not ann.units:
            self.warn(f"{where}: annotation names no unit: {annotation[:40]}", edge_line, "no-units")
        elif not any(r == "lead" for _, r in ann.units):
            self.warn(f"{where}: no lead unit", edge_line, "no-lead")

    # annotated outline items
    def items(self, outline: Outline) -> None:
        for item in outline.items:
            for part in _paragraph_items(item, self.unit_like) or [item]:
                self.item(part)

    def item(self, item: Item) -> None:
        s, offsets = _item_text(item)
        spans = find_annotations(s, self.unit_like)
        if not spans:
            return
        # the task ends with the line of its last annotation; lines after it
        # belong to it only when the annotation stands on a short heading
        last = spans[-1]
        cut = s.find("\n", last.end)
        heading_only = last.end <= len(item.heading) and "。" not in item.heading[: last.start]
        text = s if cut < 0 or heading_only else s[:cut]
        for sp in reversed(spans):
            text = text[: sp.start] + text[sp.end :]
        text = _clean_text(_EMPTY_BRACKETS.sub("", text))
        heading = item.heading
        for sp in reversed(spans):
            if sp.start < len(heading):
                heading = heading[: sp.start] + heading[min(sp.end, len(heading)):]
        heading = heading.strip()
        content = ";".join(sp.content for sp in spans)
        ann = parse_annotation(content, self.unit_like)
        edge_line = _line_at(offsets, spans[0].start)
        for sp in spans:
            if sp.unbalanced:
                self.warn("annotation bracket is not closed", _line_at(offsets, sp.start), "unbalanced")
        has_body = "\n" in text and bool(heading)
        self.add(path=item.path_str, number=item.label, title=_title(heading or text, has_body),
                 text=text, line=item.line, section=item.section, ann=ann, annotation=content,
                 kind="text", edge_line=edge_line)

    # 任务分工表 tables
    def tables(self, outline: Outline) -> None:
        for _, (path, section, rows) in sorted(outline.tables.items()):
            _table_tasks(self, path, section, rows)

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
            s, _ = _item_text(item)
            text = _clean_text(s)
            self.add(path=item.path_str, number=item.label, title=_title(item.heading, bool(item.lines)),
                     text=text, line=item.line, section=item.section, ann=None, annotation="",
                     kind="unannotated", edge_line=item.line)

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


_KEY_SECTION = re.compile(r"重点任务|主要任务|重点工作|工作任务|主要举措|重点举措|具体任务|任务措施|主要措施|重点行动|具体措施|行动任务|工作重点")
_NOT_TASK_SECTION = re.compile(r"总体要求|指导思想|基本原则|目标|保障|组织实施|工作要求|背景|现状|形势|奖补|政策|附则")

# ------------------------------------------------------------- tables

def _table_tasks(b: _Builder, path: tuple[str, ...], section: tuple[str, ...], rows: list) -> None:
    cols: dict[str, int] | None = None
    group: tuple[str, ...] = ()
    group_path: tuple[str, ...] = ()
    counter = 0
    for row in rows:
        cells = row.cells
        if cols is None:
            cols = header_map(cells)
            continue
        if header_map(cells):
            continue  # a header repeated on a new page
        filled = [c for c in cells if c.strip()]
        if not filled:
            continue
        first = cells[0].strip()
        if len(set(filled)) == 1 and first == filled[0] and not re.fullmatch(r"\d{1,4}", first):
            # a group row: one heading in the first cell, merged across or alone
            m = match_marker(filled[0])
            group = (filled[0],)
            group_path = (m[1],) if m else ()
            continue

        def cell(name: str) -> str:
            i = cols.get(name)  # type: ignore[union-attr]
            return cells[i].strip() if i is not None and i < len(cells) else ""

        title = cell("title")
        if not title:
            continue
        counter += 1
        seq = cell("seq")
        number = seq if re.fullmatch(r"\d{1,4}", seq) else str(counter)
        parts = []
        for name, label in (("lead", "牵头单位"), ("support", "配合单位"), ("bare", "责任单位"), ("deadline", "完成时限")):
            if cell(name):
                parts.append(f"{label}:{cell(name)}")
        content = ";".join(parts)
        ann = parse_annotation(content, b.unit_like)
        text = cell("text") if "text" in cols and cols["text"] != cols["title"] else ""
        m = match_marker(title)
        heading = m[2] if m else title
        full = heading + ("\n" + text if text else "")
        tpath = "/".join(path + group_path + (number,))
        b.add(path=tpath, number=number, title=_title(heading, bool(text)), text=full, line=row.no,
              section=section + group, ann=ann, annotation=content, kind="table", edge_line=row.no)


# -------------------------------------------------------------- entry


def extract_plan(doc: Document, unit_like: Callable[[str], bool] | None = None) -> Plan:
    """Extract the tasks and assignments of one document.

    ``unit_like`` tells whether a short string reads as a unit name (the
    gazetteer's :meth:`~taskgraph.normalise.Gazetteer.is_unit_like`); it decides
    whether an unlabelled bracket such as ``(甲、乙负责)`` is an annotation.
    """
    unit_like = unit_like or _default_unit_like
    outline = parse_outline(doc)
    info = parse_info(doc, outline)
    b = _Builder(doc, unit_like)
    b.items(outline)
    b.tables(outline)
    if not b.tasks:
        b.unassigned(outline)
        if b.tasks:
            b.warn(f"no annotation found: {len(b.tasks)} key tasks kept as unassigned", None, "unassigned")
        else:
            b.warn("no task found", None, "no-tasks")
    b.numbering(outline)
    return Plan(info, doc.source, b.tasks, b.assignments, list(doc.diagnostics) + b.diagnostics)
