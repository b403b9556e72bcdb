"""Annotations: finding them in an item's text, and reading their content.

An annotation is recognised by its content, not by a list of forms: a span
whose tokens are mostly unit names (the gazetteer, plus the shape of a unit
name under a label or before a role verb), with labels, role verbs and
deadlines around them. Whatever is neither a unit, a role word, a person
nor a deadline is a *note*: kept out of the units, and reported when it
looks like a unit.

Every unit keeps where it stands in the annotation (``Entry.pieces``), so
that the task's assignment can point at the text as written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from ..lexicon import lexicon

__all__ = ["Annotation", "Entry", "Span", "parse_annotation", "find_annotations", "default_unit_like",
           "OPEN", "CLOSE"]

UnitLike = Callable[[str], bool]

OPEN = "([〔【［{<《〈「"
CLOSE = ")]〕】］}>》〉」"
_PAIR = dict(zip(OPEN, CLOSE))
_REMOVED = "\x01"  # a character taken out of the reading (a note), offsets kept
_FORMULA_START = "=+@-"
# a line break inside an annotation is where a line wrapped (PDF, a narrow
# column): it parts tokens, and a name it broke is joined again
_TOKEN_SEPS = "、,/ \t\n" + _REMOVED
_CLAUSE_SEPS = ";。"

# ----------------------------------------------------------------- shapes

_CJK_NAME = re.compile(r"^[\u3400-\u9fff()（）·]+$")
_DIGIT = re.compile(r"[0-9]")
_LEADING = re.compile(r"^(?:由|请|其中|以及|并由|均由|分别由|主要由|和|及|与|或)")
_ETC = re.compile(r"等(?:\d+|[一二三四五六七八九十]+)个(?:部门|单位|地区|县区|区县|市县|机构)?$"
                  r"|等(?:有关|相关|其他|其它|各)?(?:[\u4e00-\u9fff]{0,8}?(?:有关|相关|其他|其它|各|成员))?"
                  r"(?:单位|部门|机构)?$")
_ETC_COUNT = re.compile(r"等(?:\d+|[一二三四五六七八九十]+)个")
_ROLE_MARK = re.compile(r"[(〔](牵头|牵头单位|牵头部门|主责|主责单位|配合|配合单位|协办|参与|责任单位)[)〕]$")
# a place or level that shares the government suffix of the next unit:
# 相关市、县政府; 各县、区人民政府(管委会); 哈尔滨、黑河、绥芬河市政府
_SHARED_HEAD = re.compile(r"^(?:各|相关|有关|所在|全)?[\u4e00-\u9fff]{1,5}$")
_LEVEL_HEAD = re.compile(r"^(?:各|相关|有关|所在|全)?(?:市|县|区|镇|乡|旗)$")
# (a level may carry its own bracket: 县〈市、区〉人民政府, 县(市、区)人民政府)
_LEVEL_BRACKET = r"(?:[(〈][^()〈〉]{1,8}[)〉])?"
_SHARED_TAIL = re.compile(rf"^(?![各相有])[\u4e00-\u9fff]{{0,5}}(?:市|县|区|镇|乡|旗|州|盟){_LEVEL_BRACKET}(?:人民)?"
                          r"(?:政府|党委|党委和政府|管委会)(?:[(〈][^()〈〉]{1,8}[)〉])?$")
_LEVEL_TAIL = re.compile(rf"^(?:市|县|区|镇|乡|旗){_LEVEL_BRACKET}(?:人民)?(?:政府|党委|党委和政府|管委会)"
                         r"(?:[(〈][^()〈〉]{1,8}[)〉])?$")
_GOVERNMENT_END = re.compile(r"(?:政府|党委|管委会|局|委|办|厅|部)(?:\([^()]*\))?$")
_NAME_WORDS = re.compile(r"按|要|的|将|对|在|为|把|从|向|以|于|是|不|有|就|并|或|但|其|各项|工作|任务|措施|情况|问题")


def default_unit_like(text: str) -> bool:
    """The bundled gazetteer's test (:meth:`Gazetteer.is_unit_like`)."""
    from ..normalise import default_gazetteer

    return default_gazetteer().is_unit_like(text)


def _name_shaped(name: str, loose: bool = False) -> bool:
    """Could ``name`` be a unit's name the gazetteer does not know? Chinese
    characters (and brackets) only, 2-25 long, no digits, no function words."""
    if not (2 <= len(name) <= (25 if loose else 14)) or not _CJK_NAME.match(name):
        return False
    lex = lexicon()
    if name in lex.phrases or lex.task_verb_re.match(name):
        return False
    return loose or not _NAME_WORDS.search(name)


# ------------------------------------------------------------------ model


@dataclass
class Entry:
    """A unit named in an annotation. ``pieces`` are its ranges in the
    annotation's content (two when a line break or a space broke the name);
    ``role`` is lead, support, or None until resolved; ``how`` says how the
    role was read (label, verb, mark, bare, table)."""

    name: str
    role: str | None
    pieces: list[tuple[int, int]]
    how: str = "bare"
    known: bool = True


@dataclass
class Annotation:
    """The parsed content of a task's annotation(s)."""

    entries: list[Entry] = field(default_factory=list)
    deadline: str = ""
    rejected: list[str] = field(default_factory=list)  # tokens read as neither unit nor phrase
    notes: list[str] = field(default_factory=list)
    empty_items: int = 0
    has_verb: bool = False
    has_label: bool = False
    persons: list[str] = field(default_factory=list)
    truncated: bool = False  # 等14个部门: the list names only some
    standing: list[Entry] = field(default_factory=list)  # 以下……均需甲落实,不再列出
    first_leads: bool = False  # a note restating that the first listed leads
    undivided: bool = False
    groups: int = 0  # groups of units under unit labels
    all_lead: bool = False  # a note: every unit listed leads (所列单位均为牵头单位)

    @property
    def units(self) -> list[tuple[str, str]]:
        return [(e.name, e.role) for e in self.entries]  # type: ignore[misc]

    @property
    def strong(self) -> int:
        return sum(1 for e in self.entries if e.known)


# --------------------------------------------------------------- tokens


def _depth_split(work: str, a: int, b: int, seps: str) -> list[tuple[int, int, str]]:
    """``work[a:b]`` cut at separators outside brackets: ``(start, end,
    separator after)``."""
    out: list[tuple[int, int, str]] = []
    depth, start = 0, a
    for i in range(a, b):
        ch = work[i]
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE and depth:
            depth -= 1
        elif depth == 0 and ch in seps:
            out.append((start, i, ch))
            start = i + 1
    out.append((start, b, ""))
    return out


def _trim(work: str, a: int, b: int, chars: str = " \t,、;。.:" + _REMOVED) -> tuple[int, int]:
    while a < b and (work[a] in chars or work[a] in _FORMULA_START):
        a += 1  # (a unit's name never starts with what a spreadsheet reads as a formula: =区经信局)
    while b > a and work[b - 1] in chars:
        b -= 1
    return a, b


def _balance(work: str, a: int, b: int) -> tuple[int, int]:
    """Drop a bracket left over at either end of a name."""
    while b > a and work[b - 1] in CLOSE:
        s = work[a:b]
        if sum(s.count(c) for c in CLOSE) > sum(s.count(o) for o in OPEN):
            b -= 1
        else:
            break
    while a < b and work[a] in OPEN and not any(c in work[a:b] for c in CLOSE):
        a += 1
    return a, b


def _text(work: str, a: int, b: int) -> str:
    return work[a:b].replace(_REMOVED, "").replace(" ", "").replace("\t", "")


# --------------------------------------------------------------- labels


_ANY_OPEN = re.compile("[" + re.escape(OPEN) + "]")
_BRACKET_LABEL = re.compile(r"[【\[]\s*([^【】\[\]]{2,14}?)\s*[】\]]\s*:?")


def _labels(work: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Labels in ``work[start:end]``: ``(label start, body start, kind)``."""
    lex = lexicon()
    found: list[tuple[int, int, str]] = []
    depth = 0
    for i in range(start, end):
        ch = work[i]
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE and depth:
            depth -= 1
        elif ch == ":" and depth == 0:
            hit = lex.label_before(work, i, start)
            if hit is not None:
                found.append((hit[0], i + 1, hit[1]))
    for m in _BRACKET_LABEL.finditer(work, start, end):
        kind = lex.label_kind(m.group(1))
        if kind is not None and not any(a <= m.start() < b for a, b, _ in found):
            found.append((m.start(), m.end(), kind))
    # 实施单位。甲牵头,乙配合: a label closed by a full stop, at the very start
    if not found:
        m = re.match(r"\s*([\u4e00-\u9fff /]{2,12})[。.]", work[start:end])
        if m and lex.label_kind(m.group(1)) in ("lead", "primary", "support", "bare"):
            found.append((start + m.start(1), start + m.end(), lex.label_kind(m.group(1)) or "bare"))
    found.sort()
    return found


# ------------------------------------------------------------ annotation


def parse_annotation(content: str, unit_like: UnitLike | None = None, context: str | None = None,
                     resolve: bool = True) -> Annotation:
    """Read units, roles and deadline out of an annotation's content.

    ``context`` is the kind of a label that stands before the content (a
    table column: lead, primary, support, bare), ``None`` when the content
    carries its own labels or verbs.

    >>> a = parse_annotation("牵头单位:区科技局,配合单位:区经信局、区市场监管局")
    >>> a.units
    [('区科技局', 'lead'), ('区经信局', 'support'), ('区市场监管局', 'support')]
    >>> parse_annotation("责任单位:市科技局、市财政局,各县(市)区政府(管委会)").units
    [('市科技局', 'lead'), ('市财政局', 'support'), ('各县(市)区政府(管委会)', 'support')]
    >>> parse_annotation("市发展改革委牵头,市财政局、市商务局配合").units
    [('市发展改革委', 'lead'), ('市财政局', 'support'), ('市商务局', 'support')]
    >>> parse_annotation("市科技局、市财政局分别牵头,完成时限:2022年底").units
    [('市科技局', 'lead'), ('市财政局', 'lead')]
    >>> parse_annotation("省发改委、铁路办、相关市、县政府负责").units
    [('省发改委', 'lead'), ('铁路办', 'support'), ('相关市、县政府', 'support')]
    """
    unit_like = unit_like or default_unit_like
    key = (content, context, resolve, unit_like)
    done = _PARSED.get(key)
    if done is None:
        done = _parse(content, unit_like, context, resolve)
        if len(_PARSED) >= 8192:
            _PARSED.clear()
        _PARSED[key] = done
    return done


# plans repeat their annotations ((责任单位:市科技局) forty times): each is
# read once per process; what is handed out is shared, and never changed
# (resolve_roles makes new entries where it decides a role)
_PARSED: dict[tuple, Annotation] = {}


def _parse(content: str, unit_like: UnitLike, context: str | None, resolve: bool) -> Annotation:
    lex = lexicon()
    ann = Annotation()
    work = _notes_removed(content, ann)
    segments: list[tuple[str | None, int, int]] = []
    labels = _labels(work, 0, len(work))
    pos, kind = 0, context
    for a, body, k in labels:
        segments.append((kind, pos, a))
        kind, pos = k, body
        ann.has_label = True
    segments.append((kind, pos, len(work)))

    deadlines: list[str] = []
    entries: list[Entry] = []
    groups = 0
    for kind, a, b in segments:
        a, b = _trim(work, a, b)
        if a >= b:
            continue
        if kind == "deadline":
            deadlines.append(_text(work, a, b).strip(" ,;。)"))
            continue
        if kind == "person":
            ann.persons.append(work[a:b].strip())
            continue
        if kind in ("lead", "primary", "support", "bare"):
            groups += 1
        _read_units(work, a, b, kind, unit_like, ann, entries, deadlines)
    ann.deadline = ";".join(dict.fromkeys(d for d in deadlines if d))
    ann.groups = groups
    if ann.all_lead:
        for e in entries:
            if e.role in (None, "bare", "primary"):
                e.role = "lead"
    if resolve:
        ann.entries = resolve_roles(entries, groups)
    else:
        ann.entries = entries
    return ann


def resolve_roles(entries: list[Entry], groups: int, sources: list[int] | None = None) -> list[Entry]:
    """Roles where none was written: 主要责任单位 leads beside another group
    of units; in a bare list the first leads; with an explicit lead, the
    rest support. Each (unit, role) once, in order. The entries given are
    not changed (they may be shared): those whose role is decided here are
    new ones. ``sources``, if given, gets the index in ``entries`` of each
    entry returned."""
    has_lead = any(e.role == "lead" or (groups > 1 and e.role == "primary") for e in entries)
    seen: set[tuple[str, str]] = set()
    out = []
    for k, e in enumerate(entries):
        role = e.role
        if role == "primary" and groups > 1:
            role = "lead"
        elif role in (None, "bare", "primary"):
            role = "support" if has_lead else "lead"
            has_lead = True
        key = (e.name, role)
        if key not in seen:
            seen.add(key)
            out.append(e if role == e.role else Entry(e.name, role, e.pieces, e.how, e.known))
            if sources is not None:
                sources.append(k)
    return out


def _notes_removed(content: str, ann: Annotation) -> str:
    """``content`` with its notes blanked out (same length, so that offsets
    hold): rule notes, and notes in brackets after a name."""
    lex = lexicon()
    if not lex.any_note_re.search(content) and not _ANY_OPEN.search(content):
        return content  # the common case: nothing to take out
    work = list(content)

    def blank(a: int, b: int) -> None:
        for i in range(a, b):
            work[i] = _REMOVED

    for m in lex.standing_re.finditer(content):
        ann.notes.append(m.group(0))
        units = m.groupdict().get("units")
        if units:
            inner = parse_annotation(units, None, "support")
            ann.standing.extend(inner.entries)
        blank(m.start(), m.end())
    for rx, flag in ((lex.first_leads_re, "first_leads"), (lex.all_lead_re, "all_lead"),
                     (lex.undivided_re, "undivided"), (lex.carry_re, "")):
        for m in rx.finditer(content):
            if work[m.start()] == _REMOVED:
                continue
            ann.notes.append(m.group(0))
            if flag == "first_leads":
                ann.first_leads = True
            elif flag == "all_lead":
                ann.all_lead = True
            elif flag == "undivided":
                ann.undivided = True
            blank(m.start(), m.end())
    # notes in brackets after a name: 各区人民政府〈含开发区管委会,下同〉, 市卫健委(负责医疗部分)
    # (short brackets only: a note is a few words; a deep nest of brackets costs no more than a flat text)
    text = "".join(work)
    for b, e in _bracket_pairs(text):
        if e - b > 64:
            continue
        inner = text[b + 1:e - 1].strip(_REMOVED + " ")
        if b == 0 or text[b - 1] in _TOKEN_SEPS + ";:":
            continue  # a bracket of its own, not after a name
        if text[b] in "【[" and lex.label_kind(inner):
            continue  # a label in brackets (甲【配合单位】乙), not a note
        if not inner or inner.startswith(lex.note_openers) or any(c in inner for c in ",;。") \
                or lex.carry_re.search(inner):
            if _ROLE_MARK.match(text[b:e]) or re.fullmatch(r"[(〔](?:牵头|配合|协办|参与|主责)(?:单位|部门)?[)〕]", text[b:e]):
                continue
            ann.notes.append(content[b:e])
            blank(b, e)
            text = text[:b] + _REMOVED * (e - b) + text[e:]
    return "".join(work)


def _bracket_pairs(text: str) -> list[tuple[int, int]]:
    out, stack = [], []
    for i, ch in enumerate(text):
        if ch in OPEN:
            stack.append(i)
        elif ch in CLOSE and stack:
            b = stack.pop()
            out.append((b, i + 1))
    return sorted(out)


@dataclass
class _Tok:
    a: int
    b: int
    sep: str  # the separator after it
    fixed: str | None = None
    verb: tuple[str, str] | None = None
    lead_left: tuple[int, int] | None = None  # 甲会同乙: 甲
    shared: bool = False  # heads joined to the government suffix they share (相关市、县政府)
    truncated: bool = False  # 甲、乙等14个部门


def _read_units(work: str, a: int, b: int, kind: str | None, unit_like: UnitLike, ann: Annotation,
                entries: list[Entry], deadlines: list[str]) -> None:
    lex = lexicon()
    default = kind if kind in ("lead", "primary", "support", "bare") else None
    for ca, cb, _ in _depth_split(work, a, b, _CLAUSE_SEPS):
        ca, cb = _trim(work, ca, cb)
        if ca >= cb:
            continue
        toks: list[_Tok] = []
        for ta, tb, sep in _depth_split(work, ca, cb, _TOKEN_SEPS):
            ta, tb = _trim(work, ta, tb)
            if ta >= tb:
                if sep in "、," and toks and toks[-1].sep in "、,":
                    ann.empty_items += 1  # 甲、、乙
                if toks:
                    toks[-1].sep = toks[-1].sep if toks[-1].sep in "、," else sep
                continue
            toks.append(_Tok(ta, tb, sep))
        for t in toks:
            _strip_token(work, t, lex)
        toks = _joined(work, toks, unit_like)
        pending: list[Entry] = []
        for t in toks:
            if t.verb:
                ann.has_verb = True
            if t.truncated:
                ann.truncated = True
            if t.lead_left is not None:
                la, lb = t.lead_left
                name = _text(work, la, lb)
                if name:
                    entries.append(Entry(name, "lead", [(la, lb)], "verb", unit_like(name)))
            for na, nb in ([(t.a, t.b)] if t.shared else _split_and(work, t.a, t.b, unit_like)):
                name = _text(work, na, nb)
                if not name:
                    continue
                if lex.is_deadline(name) and not unit_like(name):
                    deadlines.append(name + (t.verb[1] if t.verb else ""))
                    continue
                if name in lex.phrases:
                    continue
                if name.startswith("等"):
                    ann.truncated = True
                    continue  # 、等区政府有关部门: the rest of a list cut short
                known = unit_like(name) or t.shared
                if not known:
                    loose = default is not None
                    governed = t.verb is not None or any(x.verb for x in toks)
                    if len(name) < 2 or not (_name_shaped(name, loose) and (loose or governed)):
                        ann.rejected.append(name)
                        continue
                role = t.fixed or default
                how = "mark" if t.fixed else "label" if default else "bare"
                e = Entry(name, role, _pieces(work, na, nb), how, known)
                entries.append(e)
                if not t.fixed:
                    pending.append(e)
            if t.verb:  # the verb gives its role to the units listed since the last one
                role = t.verb[0]
                for p in pending:
                    if role in ("lead", "all_lead"):
                        p.role, p.how = "lead", "verb"
                    elif role == "support":
                        p.role, p.how = "support", "verb"
                    elif p.role == "bare":
                        p.role = None  # a duty verb names no role: a bare list
                pending = []


def _pieces(work: str, a: int, b: int) -> list[tuple[int, int]]:
    """The ranges of ``work[a:b]`` that hold the name (spaces, line breaks
    and removed notes cut it)."""
    out: list[tuple[int, int]] = []
    start = None
    for i in range(a, b):
        keep = work[i] not in " \t\n" + _REMOVED
        if keep and start is None:
            start = i
        elif not keep and start is not None:
            out.append((start, i))
            start = None
    if start is not None:
        out.append((start, b))
    return out


def _strip_token(work: str, t: _Tok, lex) -> None:
    """Role mark, role verb, leading words, 会同 and trailing 等 off a token."""
    s = work[t.a:t.b]
    m = _ROLE_MARK.search(s)
    if m:
        t.fixed = "lead" if m.group(1).startswith(("牵头", "主责")) else \
            "bare" if m.group(1) == "责任单位" else "support"
        t.b = t.a + m.start()
        s = work[t.a:t.b]
    v = lex.verb_suffix(s.replace(_REMOVED, ""))
    if v:
        t.verb = v
        t.b = _cut_suffix(work, t.a, t.b, len(v[1]))
        s = work[t.a:t.b]
    m = _LEADING.match(s)
    if m:
        t.a += m.end()
        s = work[t.a:t.b]
    if "会同" in s:
        i = s.index("会同")
        t.lead_left = _trim(work, t.a, t.a + i)
        t.a = t.a + i + 2
        t.fixed = t.fixed or "support"
        s = work[t.a:t.b]
    m = _ETC.search(s)
    if m and m.start() > 0 and s[m.start() - 1] not in "高中初同平对均":
        t.truncated = bool(_ETC_COUNT.match(s, m.start()))
        t.b = t.a + m.start()
    t.a, t.b = _balance(work, *_trim(work, t.a, t.b))


def _cut_suffix(work: str, a: int, b: int, n: int) -> int:
    """``b`` moved back over ``n`` characters that are not removed notes."""
    while n and b > a:
        b -= 1
        if work[b] != _REMOVED:
            n -= 1
    return b


def _joined(work: str, toks: list[_Tok], unit_like: UnitLike) -> list[_Tok]:
    """Join what a list broke: a shared suffix (相关市、县政府) and a name
    broken by a space or a line break (自治 区农牧厅)."""
    out: list[_Tok] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        # 甲、乙、丙市政府: heads sharing the last one's government suffix
        j = i
        while j + 1 < len(toks) and toks[j].sep == "、" and not toks[j].verb and not toks[j].fixed \
                and _shares_suffix(_text(work, toks[j].a, toks[j].b), unit_like):
            j += 1
        if j > i:
            heads = [_text(work, x.a, x.b) for x in toks[i:j]]
            tail = _text(work, toks[j].a, toks[j].b)
            levels = all(_LEVEL_HEAD.match(h) for h in heads)
            if (_LEVEL_TAIL.match(tail) if levels else _SHARED_TAIL.match(tail) and not any(_LEVEL_HEAD.match(h) for h in heads)):
                last = toks[j]
                out.append(_Tok(t.a, last.b, last.sep, last.fixed, last.verb, t.lead_left, True))
                i = j + 1
                continue
        # 自治 区农牧厅: a broken name
        if i + 1 < len(toks) and t.sep in " \t\n" and not t.verb:
            a, b = _text(work, t.a, t.b), _text(work, toks[i + 1].a, toks[i + 1].b)
            if not unit_like(a) and unit_like(a + b) and (len(a) <= 6 or t.sep == "\n"):
                nxt = toks[i + 1]
                out.append(_Tok(t.a, nxt.b, nxt.sep, nxt.fixed, nxt.verb, t.lead_left))
                i += 2
                continue
        out.append(t)
        i += 1
    return out


def _shares_suffix(head: str, unit_like: UnitLike) -> bool:
    """Could ``head`` share the government suffix of a later unit: a bare
    level (相关市, 各县) or a place name that is no unit of its own (黑河)?"""
    if not _SHARED_HEAD.match(head) or _GOVERNMENT_END.search(head):
        return False
    return bool(_LEVEL_HEAD.match(head)) or not unit_like(head)


_AND = re.compile(r"及|和|与|以及")


def _split_and(work: str, a: int, b: int, unit_like: UnitLike) -> list[tuple[int, int]]:
    """甲及乙 / 甲和乙: two units when both sides are units on their own (市经济和信息化局 stays one)."""
    s = work[a:b]
    if not _AND.search(s):
        return [(a, b)]
    depth = 0
    for i, ch in enumerate(s):
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE and depth:
            depth -= 1
        elif depth == 0:
            m = _AND.match(s, i)
            if m and i > 0:
                left = _strip_etc(_text(work, a, a + i))
                right = _text(work, a + m.end(), b)
                if len(left) >= 2 and len(right) >= 2 and unit_like(left) and unit_like(right) \
                        and not _ONE_NAME_AND.search(s):
                    la, lb = _trim(work, a, a + i)
                    if work[la:lb].endswith("等"):
                        lb -= 1
                    return [(la, lb)] + _split_and(work, a + m.end(), b, unit_like)
    return [(a, b)]


# 党委和政府, 经济和信息化局: 和 inside one name
_ONE_NAME_AND = re.compile(r"党委和政府|党委和人民政府|经济和信息化|发展和改革|住房和城乡|人力资源和社会|自然资源和规划|"
                           r"卫生和计划生育|文化和旅游|科技和经信|教育和体育|商务和|交通和|工业和信息化|和社会保障|和规划|和城乡")


def _strip_etc(s: str) -> str:
    return s[:-1] if s.endswith("等") else s


# --------------------------------------------------------- finding spans


@dataclass
class Span:
    start: int
    end: int
    content: str
    unbalanced: bool = False
    kind: str = "bracket"  # bracket | line | sentence
    ann: Annotation | None = None  # the content as read when the span was found (roles unresolved)

    @property
    def content_start(self) -> int:
        return self.start + (1 if self.kind == "bracket" else 0)


def _close_of(s: str, start: int) -> tuple[int, bool]:
    """Index after the bracket closing the one at ``start`` (mixed kinds
    tolerated); if none before the end of the line, the end of the line."""
    depth, newline = 0, -1
    limit = min(len(s), start + 400)
    for m in _BRACKET_OR_NEWLINE.finditer(s, start, limit):  # only the characters that matter
        ch = m.group()
        if ch in OPEN:
            depth += 1
        elif ch in CLOSE:
            depth -= 1
            if depth == 0:
                return m.end(), False
        elif newline < 0:
            newline = m.start()  # a wrapped line may still close the bracket
    end = newline if newline >= 0 else limit
    return end, True


_BRACKET_OR_NEWLINE = re.compile("[" + re.escape(OPEN + CLOSE) + "\n]")


def _bracket_groups(s: str) -> list[tuple[int, int]]:
    out, stack = [], []
    for m in _BRACKET_OR_NEWLINE.finditer(s):  # only the characters that matter
        i = m.start()
        ch = s[i]
        if ch in OPEN:
            stack.append(i)
        elif ch in CLOSE and stack:
            b = stack.pop()
            if not stack:
                out.append((b, i + 1))
        elif ch == "\n":
            stack = []  # a stray bracket must not hide the annotations of later lines
    return out


def _depth(text: str) -> int:
    """Brackets opened and not closed in ``text`` (negative: closed and not opened)."""
    return sum(text.count(c) for c in OPEN) - sum(text.count(c) for c in CLOSE)


def _inside(spans: list[Span], i: int) -> bool:
    return any(sp.start <= i < sp.end for sp in spans)


_COLON_OR_BRACKET_LABEL = re.compile(r":|[【\[]")
_LABEL_LEFT = set("\n。;!?)〕】]〉 \t,、") | set(OPEN)
_UNIT_KINDS = ("lead", "primary", "support", "bare")


def _label_starts(s: str) -> list[tuple[int, int, str]]:
    """Labels in an item's text that can open an annotation: ``(label
    start, body start, kind)``, the label at a line start, after a sentence
    end, a bracket, a space or a comma."""
    lex = lexicon()
    out = []
    for m in _COLON_OR_BRACKET_LABEL.finditer(s):
        if m.group() == ":":
            hit = lex.label_before(s, m.start(), max(0, m.start() - 14))
            if hit is None:
                continue
            a, kind = hit
            body = m.end()
        else:
            bm = _BRACKET_LABEL.match(s, m.start())
            if not bm:
                continue
            kind = lex.label_kind(bm.group(1))
            if kind is None:
                continue
            a, body = m.start(), bm.end()
        if a > 0 and s[a - 1] not in _LABEL_LEFT and not s[a] in "【[":
            # glued to the word before (a page that lost its line breaks:
            # …增长7%以上责任单位:区发改局): a unit label that is a whole word
            # (…单位, …部门), not 各责任单位 or 有关单位 addressing a notice
            if not (kind in _UNIT_KINDS and _WHOLE_LABEL.search(s, a, m.start())
                    and s[a - 1] not in _NOT_BEFORE_GLUED):
                continue
        out.append((a, body, kind))
    # 实施单位。甲牵头,乙配合: a label line closed by a full stop
    for m in _label_stops(s):
        if lex.label_kind(m.group(1)) in _UNIT_KINDS:
            out.append((m.start(1), m.end(), lex.label_kind(m.group(1)) or "bare"))
    out.sort()
    return out


_SENTENCE_END = re.compile(r"[。;!?]")
_WHOLE_LABEL = re.compile(r"(?:单位|部门|主体)\s*$")
_NOT_BEFORE_GLUED = set("各有相关其他它直级本该属所辖")
_LABEL_STOP = re.compile(r"([\u4e00-\u9fff]{2,8})[。.]")


def _label_stops(s: str):
    """``_LABEL_STOP`` matched at each line start (no search through the text)."""
    at = 0
    while True:
        m = _LABEL_STOP.match(s, at)
        if m:
            yield m
        at = s.find("\n", at) + 1
        if at == 0:
            return


def _label_span_end(s: str, body: int, unit_like: UnitLike) -> int:
    """Where a label's annotation ends on its line: at the end of the line,
    before a colon that follows no label (主要任务:…), or at a full stop
    followed by prose."""
    line_end = s.find("\n", body)
    line_end = len(s) if line_end < 0 else line_end
    lex = lexicon()
    for m in _COLON_OR_STOP.finditer(s, body, line_end):
        i = m.start()
        if m.group() == ":":
            if lex.label_before(s, i, body) is None:
                # 主要任务: — cut before the word that ends at the colon: a
                # field's name (具体工作, 工作措施) glued to the last unit, else
                # the word since the last separator
                j = i
                while j > body and s[j - 1] not in " \t,,、;。":
                    j -= 1
                field = _FIELD_NAME.search(s, j, i)
                return field.start() if field and field.start() > j else j
        else:
            rest = s[i + 1:line_end].strip()
            if rest and not _starts_label(rest):
                return i + 1
    return line_end


_COLON_OR_STOP = re.compile("[:。]")
# the name of a field that follows an annotation glued to it (…公安交警支队具体工作:)
_FIELD_NAME = re.compile(r"(?:主要|具体|重点|工作|目标|推进|进展|完成)?(?:任务|工作|措施|内容|目标|举措|要求|安排|成效|进展|情况|时限|时间)$")


def _starts_label(text: str) -> bool:
    m = re.match(r"\s*([^:]{2,12}):", text)
    return bool(m and lexicon().label_kind(m.group(1)))


def find_annotations(s: str, unit_like: UnitLike | None = None) -> list[Span]:
    """Find the annotation spans in an item's text (lines joined by ``\\n``).

    >>> [sp.content for sp in find_annotations("加强建设。(责任单位:市科技局)")]
    ['责任单位:市科技局']
    >>> [sp.content for sp in find_annotations("加强建设(市发改委牵头,市财政局配合)。")]
    ['市发改委牵头,市财政局配合']
    >>> find_annotations("对联盟的牵头单位给予奖励(含市级)。")
    []
    >>> [sp.content for sp in find_annotations("破产企业卫生管理 牵头单位:市国资委 配合单位:河东区 主要任务:")]
    ['牵头单位:市国资委 配合单位:河东区']
    """
    unit_like = unit_like or default_unit_like
    spans: list[Span] = []
    # 1. labels, in brackets or standing free (a label line, labels on a heading line).
    # Label starts come in order and every span starts at or before its label,
    # so a label lies inside a span found before iff it lies before the
    # furthest end yet (``covered``): one comparison, not a pass over the spans.
    # A label whose annotation names nothing covers the rest of it too: the
    # annotation of a later label there is a tail of it, naming nothing either
    # (责任单位:责任单位:… ten thousand times is read once, not ten thousand).
    covered = -1
    for a, body, kind in _label_starts(s):
        if a < covered:
            continue
        b = a - 1
        while b >= 0 and s[b] in " \t":
            b -= 1
        if b >= 0 and s[b] in OPEN and s[b] not in "《<〈「":
            end, unbalanced = _close_of(s, b)
            content = s[b + 1: end - (0 if unbalanced else 1)]
            spans.append(Span(b, end, content, unbalanced, "bracket"))
            covered = max(covered, end)
            continue
        end = _label_span_end(s, body, unit_like)
        while end > body and s[end - 1] in " \t":
            end -= 1
        content = s[a:end]
        ann = None
        if kind in _UNIT_KINDS:
            ann = parse_annotation(content, unit_like, resolve=False)
            if ann.rejected:  # the units end where the text goes on (【牵头单位】甲 加强……)
                cuts = [i for i in (content.find(r, body - a) for r in ann.rejected) if i > body - a]
                if cuts:
                    j = min(cuts)
                    while j > body - a and content[j - 1] not in " \t,,、;;。":
                        j -= 1
                    if j > body - a:
                        end = a + len(content[:j].rstrip(" \t,,、;;"))
                        content = s[a:end]
                        ann = parse_annotation(content, unit_like, resolve=False)
            if not ann.entries and not ann.persons and not ann.deadline:
                covered = max(covered, end)
                continue
        spans.append(Span(a, end, content, False, "line", ann))
        covered = max(covered, end)
    # 2. unlabelled brackets whose content reads as units with roles
    for b, e in _bracket_groups(s):
        if _inside(spans, b) or s[b] in "《<「":
            continue
        # is there more of the sentence after the bracket on its line? (a
        # search that stops at the first such character: no slice to the line's end)
        after = bool(_AFTER_TEXT.match(s, e))
        before = s[b - 1] if b > 0 else "\n"
        if before not in "\n。;!?" and after and s[e:e + 1] not in "。;;,,\n" and not _MARKER_AFTER.match(s, e):
            continue  # mid-sentence (checked before reading the content: most brackets are mid-sentence)
        content = s[b + 1: e - 1]
        ann = parse_annotation(content, unit_like, resolve=False)
        if not ann.entries or ann.empty_items or not ann.strong or ann.strong * 2 < len(ann.entries):
            continue
        if ann.rejected and (len(ann.rejected) >= len(ann.entries) or not ann.has_verb):
            continue
        if not ann.has_verb and not (before in "。;;!?\n " and not after) and not _MARKER_AFTER.match(s, e):
            continue  # a bare list without a verb only at the end of a sentence
        spans.append(Span(b, e, content, False, "bracket", ann))
    # 3. closing clauses of units and role verbs, without brackets: a
    # sentence that ends with its role verb (…。甲牵头,乙、丙配合。)
    if _ROLE_WORD.search(s):
        lex = lexicon()
        ends: dict[int, list[int]] = {}  # sentence start -> where its clauses end with a verb
        for m in _VERB_END.finditer(s):
            start = max(s.rfind(c, 0, m.start()) for c in "。!?\n") + 1
            while start < m.end() and s[start] in " \t":
                start += 1
            ends.setdefault(start, []).append(m.end())
        for start, candidates in ends.items():
            if start == 0 or _inside(spans, start):
                continue
            for end in sorted(candidates, reverse=True):  # the longest run of clauses first
                content = s[start:end]
                if end - start > 300 or not lex.verb_suffix(content):
                    continue
                if any(start <= sp.start < end or sp.start <= start < sp.end for sp in spans) \
                        or _depth(content) != 0:
                    continue  # it overlaps an annotation found already, or opens a bracket it does not close
                ann = parse_annotation(content, unit_like, resolve=False)
                if ann.entries and ann.has_verb and not ann.rejected and not ann.empty_items and ann.strong:
                    spans.append(Span(start, end, content, False, "sentence", ann))
                    break
    spans.sort(key=lambda sp: sp.start)
    return spans


_AFTER_TEXT = re.compile(r"[ 。.;;,,]*[^ 。.;;,,\n]")
_MARKER_AFTER = re.compile(r"\s*(?:[(〔]?\d{1,3}[)〕.、]|[(〔][一二三四五六七八九十]{1,3}[)〕]|[①-⑳])")
_ROLE_WORD = re.compile("牵头|配合|负责|协办|参与|落实")
_VERB_END = re.compile(r"(?:牵头|配合|负责|协办|参与|落实|协助|实施|推进|组织|办理|参加)(?=[ \t]*(?:[。!?;\n]|$))")
