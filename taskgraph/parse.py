"""Parse stage: a :class:`~taskgraph.model.Document` → its heading outline
(:class:`Item` list) and its metadata (:class:`~taskgraph.model.DocumentInfo`).

The outline follows the markers Chinese plans use, at the start of a line:
``第一章`` / ``第一部分``, ``一、``, ``(一)``, ``1.`` / ``1、``, ``(1)``, ``1)``,
``①``, and ``附件1`` (an annex line restarts the outline below it). Nesting is
taken from the order in which marker kinds appear, not from a fixed table, so
a plan that puts ``1.`` above ``(一)`` still nests right.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Document, DocumentInfo, Line

__all__ = ["Item", "Outline", "parse_outline", "header_map", "parse_info", "match_marker", "PLAN_WORDS"]

_CN = "一二三四五六七八九十百零〇两"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"

# (kind, pattern); the first group is the label. Order matters: longer first.
_MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("chapter", re.compile(rf"^第([{_CN}]+|\d{{1,2}})(章|部分|篇|节)\s*")),
    ("cn", re.compile(rf"^([{_CN}]{{1,3}})\s*[、.,]\s*")),
    ("pcn", re.compile(rf"^[(〔]\s*([{_CN}]{{1,3}})\s*[)〕]\s*[、.]?\s*")),
    ("pnum", re.compile(r"^[(〔]\s*(\d{1,3})\s*[)〕]\s*[、.]?\s*")),
    # decimal outlines (1.1 / 1.1.1 / 2.3.1.): one kind a depth, so that they nest
    ("dec3", re.compile(r"^(\d{1,2}\.\d{1,2}\.\d{1,2})\.?\s*(?=[\u4e00-\u9fff“《(（])(?![亿万千百元倍个家%])")),
    ("dec2", re.compile(r"^(\d{1,2}\.\d{1,2})\.?\s*(?=[\u4e00-\u9fff“《(（])(?![亿万千百元倍个家%])")),
    ("num", re.compile(r"^(\d{1,3})\s*(?:\.(?!\d)|、(?!\d{1,3}(?!\d))|,(?!\d))\s*")),
    ("rnum", re.compile(r"^(\d{1,3})\)\s*")),
    ("circ", re.compile(rf"^([{_CIRCLED}])\s*")),
]
# An annex starts on a line of its own: 附件 / 附件1 / 附件 2: / 附件一 (a title may follow).
_ANNEX = re.compile(rf"^附件\s*(\d{{1,2}}|[{_CN}]{{1,3}})?\s*(?:[::]\s*)?(.*)$")
# the first character of every marker above (a quick "no" for most lines)
_MARKER_START = re.compile(rf"[第{_CN}(〔\d{_CIRCLED}附]")
_FILE_NAME = re.compile(r"\.(?:docx?|wps|pdf|xlsx?|et|ofd|txt|html?)$", re.I)
PLAN_WORDS = "行动计划|行动方案|实施方案|工作方案|实施意见|实施细则|工作要点|三年计划|规划|方案|计划|意见|措施|办法"


def match_marker(text: str) -> tuple[str, str, str] | None:
    """Return ``(kind, label, rest)`` when ``text`` starts with an outline marker.

    >>> match_marker("(一)实施科技创新创业人才引育行动。")
    ('pcn', '(一)', '实施科技创新创业人才引育行动。')
    >>> match_marker("12.建立科技企业分级帮扶制度。")
    ('num', '12', '建立科技企业分级帮扶制度。')
    >>> match_marker("2.16%的比重") is None
    True
    >>> match_marker("附件1")
    ('annex', '附件1', '')
    """
    if not _MARKER_START.match(text):
        return None  # most lines: no marker can start with their first character
    if _FILE_NAME.search(text):
        return None  # "17.某某政策清单.docx": a file's name, not an item
    m = _ANNEX.match(text)
    if m and _is_annex_start(m):
        number = m.group(1) or ""
        return "annex", "附件" + number, m.group(2).strip()
    for kind, pattern in _MARKERS:
        m = pattern.match(text)
        if m:
            label = m.group(1)
            if kind in ("pcn", "pnum"):
                label = f"({label})"
            elif kind == "chapter":
                label = m.group(0).strip()
            rest = text[m.end():].strip()
            if kind == "num" and rest[:1] in ("%", "‰"):
                return None
            return kind, label, rest
    return None


def _is_annex_start(m: re.Match[str]) -> bool:
    number, rest = m.group(1), m.group(2).strip()
    if not rest:
        return True  # "附件" or "附件1" alone on its line
    if not number:
        return False  # "附件:1.xxx" or "附件:xxx.doc" list the annexes, they do not start one
    # "附件1 锦州市…若干措施": a title on the same line; not a file list
    return len(rest) <= 60 and not re.search(r"\.(docx?|xlsx?|pdf|wps)\b|^\d", rest)


# ------------------------------------------------------------ tables


def header_map(cells: tuple[str, ...]) -> dict[str, int] | None:
    """Map column roles (seq, text, lead, primary, support, bare, deadline,
    person, group, other) to the index of their first column when ``cells``
    is the header row of a 任务分工表, else None (see
    :func:`taskgraph.layout.columns`).

    >>> header_map(("序号", "重点任务", "牵头单位", "配合单位", "完成时限"))
    {'seq': 0, 'text': 1, 'lead': 2, 'support': 3, 'deadline': 4}
    """
    from .layout import columns

    kinds = columns(cells)
    if kinds is None:
        return None
    out: dict[str, int] = {}
    for i, k in enumerate(kinds):
        if k and k not in out:
            out[k] = i
    return out


@dataclass
class Item:
    """One outline item: its marker, its own lines and its place in the tree.

    ``path`` holds the labels from the top (``("三", "(一)", "1")``). The
    first line holds the heading (text after the marker); continuation lines
    are the lines up to the next marker. ``section`` holds the full heading
    lines of the ancestors, for group rows of a 分工表.
    """

    kind: str
    label: str
    path: tuple[str, ...]
    heading: str
    line: int
    lines: list[Line] = field(default_factory=list)  # continuation lines
    section: tuple[str, ...] = ()
    children: int = 0
    parent: int | None = None
    head: Line | None = None  # the heading as a line of its own (where it stands in the source)

    @property
    def head_line(self) -> Line:
        return self.head if self.head is not None else Line(self.line, self.heading)

    @property
    def path_str(self) -> str:
        return "/".join(self.path)

    @property
    def marker_line(self) -> str:
        sep = "" if self.kind in ("pcn", "pnum", "annex", "chapter", "circ") else "、" if self.kind == "cn" \
            else " " if self.kind.startswith("dec") else "."
        return f"{self.label}{sep}{self.heading}"


@dataclass
class Outline:
    """The items of a document in order, its preamble lines and its tables.

    ``tables`` maps each table number to ``(path, section, rows)``: where the
    table stands in the outline and its rows (Lines with ``cells``).
    """

    items: list[Item]
    preamble: list[Line]
    tables: dict[int, tuple[tuple[str, ...], tuple[str, ...], list[Line]]]
    written: dict[str, str] = field(default_factory=dict)  # heading line (marker_line) -> as written


def _written(line: Line) -> str:
    """``line``'s text as the source writes it, or "" when not known."""
    span = line.raw_span(0, len(line.text))
    if span is None or line.src is None:
        return ""
    return line.src.raw[span[0]:span[1]].strip()


def parse_outline(doc: Document) -> Outline:
    """Split a document into outline items.

    >>> from taskgraph.model import Document, Line
    >>> d = Document("x", "x", [Line(1, "一、重点任务"), Line(2, "(一)人才"),
    ...     Line(3, "1.引进人才。(责任单位:市科技局)"), Line(4, "附件1"), Line(5, "一、措施")])
    >>> [i.path_str for i in parse_outline(d).items]
    ['一', '一/(一)', '一/(一)/1', '附件1', '附件1/一']
    """
    items: list[Item] = []
    preamble: list[Line] = []
    tables: dict[int, tuple[tuple[str, ...], tuple[str, ...], list[Line]]] = {}
    stack: list[int] = []  # indexes into items, outermost first
    written: dict[str, str] = {}

    # rows of a "table" with no 分工表 header are ordinary lines (a label line
    # with wide spacing, a layout table): they go back into the outline
    headed = {ln.table for ln in doc.lines if ln.cells and ln.table is not None and header_map(ln.cells)}
    for line in doc.lines:
        if line.cells is not None and line.table is not None and line.table not in headed:
            line = Line(line.no, " ".join(c for c in line.cells if c))
        if line.cells is not None and line.table is not None:
            if line.table not in tables:
                top = items[stack[-1]] if stack else None
                path = top.path if top else ()
                section = top.section + (top.marker_line,) if top else ()
                tables[line.table] = (path, section, [])
            tables[line.table][2].append(line)
            continue
        m = match_marker(line.text)
        if m is None:
            (items[stack[-1]].lines if stack else preamble).append(line)
            continue
        kind, label, rest = m
        if kind == "annex":
            stack = []
        else:
            kinds = [items[i].kind for i in stack]
            if kind in kinds:
                del stack[kinds.index(kind):]
        parent = stack[-1] if stack else None
        path = (items[parent].path if parent is not None else ()) + (label,)
        section = ()
        if parent is not None:
            p = items[parent]
            section = p.section + (p.marker_line,)
            p.children += 1
        head = Line(line.no, rest, None, None, line.src, line.col + len(line.text) - len(rest)) if line.text.endswith(rest) \
            else Line(line.no, rest)
        items.append(Item(kind, label, path, rest, line.no, [], section, 0, parent, head))
        stack.append(len(items) - 1)
        shown = items[-1].marker_line
        if shown not in written and line.text.endswith(rest):
            raw = _written(line)
            if raw:
                written[shown] = raw
    return Outline(items, preamble, tables, written)


# ---------------------------------------------------------------- metadata

_NOT_PLACE_START = "各全本我该此每其市区县省"
_PROVINCE = r"(?:[\u4e00-\u9fff]{2,3}省|内蒙古自治区|广西壮族自治区|西藏自治区|宁夏回族自治区|新疆维吾尔自治区)"
_CITY = r"(?:[\u4e00-\u9fff]{2,4}?(?:市|自治州|地区|盟))"
_DISTRICT = r"(?:[\u4e00-\u9fff]{1,4}?(?:新区|区|县|旗|市))"
_PLACE = re.compile(
    rf"^(?P<prov>{_PROVINCE})?(?P<city>{_CITY})?(?P<dist>{_DISTRICT})?"
)
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_PERIOD = re.compile(r"((?:19|20)\d{2})\s*年?\s*[-—–~至到]+\s*((?:19|20)\d{2})\s*年")
_TITLE = re.compile(rf"({PLAN_WORDS})(\s*[((][^()()]{{2,30}}[))])*\s*$")
_NOTICE = re.compile(rf"关于印发\s*[《]?(?P<t>.+?(?:{PLAN_WORDS})(?:\s*[((][^()()]{{2,30}}[))])*)[》]?\s*的?通知")
_ISSUER_OR_PLAN = re.compile(r"人民政府|办公室|办公厅|委员会|领导小组|关于|" + PLAN_WORDS)
_PLACE_WORDS = re.compile(r"人民政府|政府办公室|办公厅|委员会|领导小组|办公室|局|关于|" + PLAN_WORDS)


def _place_of(text: str) -> tuple[str, str, str]:
    """(province, city, district) named at the start of ``text``, if any.

    >>> _place_of("宁波市镇海区科技创新工作领导小组办公室")
    ('', '宁波市', '镇海区')
    >>> _place_of("锦州市人民政府关于印发")
    ('', '锦州市', '')
    >>> _place_of("各县(市、区)人民政府")
    ('', '', '')
    """
    if not text or text[0] in _NOT_PLACE_START:
        return "", "", ""
    m = _PLACE.match(text)
    if not m or not m.group(0):
        return "", "", ""
    prov, city, dist = m.group("prov") or "", m.group("city") or "", m.group("dist") or ""
    rest = text[m.end():]
    # the place must be followed by an issuer or a plan, not be the start of a word
    if not (_PLACE_WORDS.match(rest) or _ISSUER_OR_PLAN.search(rest)):
        return "", "", ""
    if dist and len(dist) < 3 and not (city or prov):
        return "", "", ""  # "经市政府同意", "城市综述": two characters are no place on their own
    return prov, city, dist


_STRONG_PLAN = re.compile(r"行动计划|行动方案|实施方案|工作方案|实施意见|三年计划")


def _title_of(doc: Document, head: list[Line]) -> tuple[str, str]:
    """The plan's title, normalised and as written ("" where not known)."""
    best, best_score, best_line = "", 0, None
    for line in head:
        t = line.text
        if len(t) > 90 or "印发" in t or "通知" in t or t.startswith(("《", "附件")):
            continue
        if match_marker(t) or t.count(" ") >= 2:  # a menu of links is no title
            continue
        if _TITLE.search(t) and not t.endswith(("。", ";", ",", ":")):
            score = 1 + bool(_STRONG_PLAN.search(t)) + bool(any(_place_of(t)))
            if score > best_score:
                best, best_score, best_line = t, score, line
    if best_line is not None:
        return best, _written(best_line)
    for line in head:
        m = _NOTICE.search(line.text)
        if m:
            t = m.group("t")
            lead = len(t) - len(t.lstrip())
            t = t.strip()
            span = line.raw_span(m.start("t") + lead, m.start("t") + lead + len(t))
            raw = line.src.raw[span[0]:span[1]] if span is not None and line.src is not None else ""
            return t, raw
    return "", ""


def parse_info(doc: Document, outline: Outline | None = None) -> DocumentInfo:
    """Read the metadata of a plan: title, issuing place, date, period.

    >>> from taskgraph.model import Document, Line
    >>> d = Document("x", "p.txt", [Line(1, "锦州市人民政府关于印发锦州市科技创新发展三年行动计划(2021—2024年)的通知"),
    ...     Line(2, "2021年10月9日"), Line(3, "锦州市科技创新发展三年行动计划(2021—2024年)")])
    >>> i = parse_info(d)
    >>> i.title, i.place, i.date, i.period
    ('锦州市科技创新发展三年行动计划(2021—2024年)', '锦州市', '2021-10-09', '2021-2024')
    """
    lines = [ln for ln in doc.lines if ln.cells is None]
    head = lines[:40]
    title, title_written = _title_of(doc, head)

    # place: the title first, then issuers and signatures near the top and bottom
    candidates = [title] + [ln.text for ln in head[:12]] + [ln.text for ln in lines[-8:]]
    prov = city = dist = ""
    for text in candidates:
        p, c, d = _place_of(text)
        if c in _MUNICIPALITIES and not p:
            p, c = c, c
        if not (p or c or d):
            continue
        if city and c and c != city:
            continue  # another city named later (a quoted document): keep the first
        prov, city = prov or p, city or c
        if d and not dist and (c == city or not c):
            dist = d
        if city and dist:
            break
    if dist == city:
        dist = ""
    place = (city if city not in _MUNICIPALITIES else city) + dist if (city or dist) else prov
    level = "区" if dist.endswith("区") else "县" if dist.endswith(("县", "旗")) else "市" if (dist or city) else "省" if prov else ""
    if dist and dist.endswith("市"):
        level = "县"  # a county-level city

    date = ""
    for line in head[:15] + lines[-10:]:
        m = _DATE.search(line.text)
        if m:
            y, mo, d = m.groups()
            date = f"{y}-{int(mo):02d}-{int(d):02d}"
            break
    period, start, end = "", None, None
    for text in [title] + [ln.text for ln in head]:
        m = _PERIOD.search(text)
        if m:
            start, end = int(m.group(1)), int(m.group(2))
            if start <= end:
                period = f"{start}-{end}"
                break
            start = end = None
    return DocumentInfo(
        doc=doc.name, title=title, place=place, province=prov, city=city, district=dist,
        level=level, date=date, period=period, period_start=start, period_end=end,
        format=doc.format, encoding=doc.encoding or "", title_written=title_written,
    )
