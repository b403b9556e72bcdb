"""Layout stage: the lines a reader produced → the lines the outline is read from.

Readers give lines as the file holds them; real plans are rarely laid out
as the extractor would like. This stage, between ``read`` and ``parse``:

* **cleans the reading text**: pinyin glosses that mirror sites put after
  characters (``區(qū)``) are removed from the text the extractor reads and
  kept in the text shown (:class:`~taskgraph.model.LineSource`);
* **finds tables** in text — rows flattened with ``|``, tabs or runs of
  spaces; one cell per line (with or without a ``|`` after each cell);
  cells separated by single spaces; a whole table run into one line with no
  separator at all — and turns each into the one table model every reader
  shares: a header row, then rows of cells aligned to the header's columns
  (a lead cell that spans several lines is one cell; rows are found from the
  header's column count, the numbers in the 序号 column and the kind of each
  cell: task text, units, deadline, person);
* **cuts pages with no line breaks** into lines at outline markers
  (``一、`` ``(一)`` ``1.`` ``(1)`` ``①``) wherever they stand, when they
  continue a numbering (``(2)`` after ``(1)``) or start one.

Column roles come from the header words, read by their parts
(:mod:`taskgraph.lexicon`): ``columns(("序号", "重点任务", "牵头单位"))``.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable, Sequence

from .lexicon import lexicon
from .model import Document, Line, LineSource
from .text import normalise_line

__all__ = ["layout", "without_glosses", "columns", "column_kind", "split_cells", "strip_glosses", "segment", "UNIT_COLUMNS"]

UNIT_COLUMNS = ("lead", "primary", "support", "bare")
UnitLike = Callable[[str], bool]

# ------------------------------------------------------------------ glosses

# a pinyin syllable with a tone mark in brackets right after a character
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"
# (the bracket first: the regex engine skips to each "(" at C speed)
_GLOSS = re.compile(rf"\((?<=[\u3400-\u9fff]\()(?=[a-z{_TONED}]*[{_TONED}])[a-z{_TONED}]{{1,7}}\)")


def without_glosses(text: str) -> str:
    """``text`` without pinyin glosses: 自治区(qū)农(nóng)牧厅 → 自治区农牧厅."""
    return _GLOSS.sub("", text) if "(" in text else text


def strip_glosses(line: Line) -> Line:
    """``line`` with pinyin glosses removed from its reading text.

    >>> ln = strip_glosses(Line(1, "自治区(qū)农(nóng)牧厅、财政厅"))
    >>> ln.text, ln.shown(0, 6)
    ('自治区农牧厅、财政厅', '自治区(qū)农(nóng)牧厅')
    """
    text = line.text
    if "(" not in text or not _GLOSS.search(text):
        return line
    parts, gaps, last, removed = [], [], 0, 0
    for m in _GLOSS.finditer(text):
        parts.append(text[last:m.start()])
        removed_here = m.end() - m.start()
        gaps.append((m.start() - removed, removed_here))
        removed += removed_here
        last = m.end()
    parts.append(text[last:])
    src = line.src or LineSource(text, text)
    cells = tuple(_GLOSS.sub("", c) for c in line.cells) if line.cells else line.cells
    return Line(line.no, "".join(parts), cells, line.table, LineSource(src.raw, src.shown, tuple(gaps), src.norm), 0)


# ------------------------------------------------------------------ cells

_GAP = re.compile(r" *\t[\t ]*| {2,}")  # between two cells of a flattened row
_MARKDOWN_RULE = re.compile(r"^:?-{2,}:?$")


def split_cells(text: str) -> list[str] | None:
    """The cells of a flattened table row, or None for an ordinary line.

    A row has at least two separators between cells: ``|``, or gaps made of
    tabs or of two or more spaces (one double space in prose is not a table).

    >>> split_cells("| 1 | 培育企业 | 市科技局 |")
    ['1', '培育企业', '市科技局']
    >>> split_cells("1\\t培育企业\\t市科技局"), split_cells("为加快实施创新驱动发展战略,  制定本方案。")
    (['1', '培育企业', '市科技局'], None)
    """
    body = text.strip()
    if body.count("|") >= 2:
        parts = body.split("|")
        if body.startswith("|"):
            parts = parts[1:]
        if body.endswith("|"):
            parts = parts[:-1]
    elif ("\t" in body or "  " in body) and len(_GAP.findall(body)) >= 2:
        parts = _GAP.split(body)
    else:
        return None
    cells = [normalise_line(p) for p in parts]
    return cells if len(cells) >= 2 else None


def _unfolded(line: Line) -> str:
    """The line with its runs of spaces and tabs as the source has them
    (the reader folds them; they tell the cells of a flattened row apart)."""
    src = line.src
    if src is None or line.col or not ("\t" in src.raw or "  " in src.raw or "\u3000" in src.raw):
        return line.text
    if src.norm is not None:
        return src.norm.strip()
    from .text import normalise_text

    return normalise_text(src.raw).strip()


# ------------------------------------------------------------- header words

_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def column_kind(word: str) -> str | None:
    """The role of a table column from its header word: ``seq``, ``text``
    (the task), ``group``, ``other``, a unit column (``lead``, ``primary``,
    ``support``, ``bare``), ``person`` or ``deadline``; None when ``word``
    is no header word.

    >>> [column_kind(w) for w in ("序 号", "重点工作任务", "牵头负责部门", "协同配合单位", "分管县领导", "完成时限", "进展情况", "领域")]
    ['seq', 'text', 'lead', 'support', 'person', 'deadline', 'other', 'group']
    >>> column_kind("加快建设科技创新平台。") is None
    True
    """
    w = _SPACE.sub("", word).strip("|:")
    if not w or len(w) > 12 or _NOT_HEADER.search(w):
        return None
    lex = lexicon()
    if w in lex.header_words["seq"]:
        return "seq"
    if w.startswith(("序号", "编号")):
        return None  # 序号工作任务: two header words run together
    kind = lex.label_kind(w)
    if kind is not None:
        return kind
    if _UNIT_OR_TIME.search(w):
        return None  # 工作任务责任单位: header words run together
    best, at = None, -1
    for k in ("text", "group", "other"):
        for hw in lex.header_words[k]:
            i = w.rfind(hw)
            if i >= 0 and i + len(hw) > at:
                best, at = k, i + len(hw)
    if best is None or at != len(w):
        return None  # the header word must end the cell (目标与任务, not 表一重点工作分解)
    if best == "text" and len(w) >= 8 and any(
            column_kind(w[:k]) == "text" and column_kind(w[k:]) == "text"
            for k in range(4, len(w) - 3)):
        return None  # 项目内容工作任务: two header words run together
    return best


_UNIT_OR_TIME = re.compile(r"单位|部门|处室|科室|领导|时限|期限|牵头|配合")
_NOT_HEADER = re.compile(r"[。;,!?、\d]|^[((]")


def columns(cells: Sequence[str]) -> list[str | None] | None:
    """Column roles of a header row, or None when ``cells`` is not the
    header of a 任务分工表: it needs a unit column and a task or 序号 column.

    >>> columns(("序号", "重点任务", "牵头单位", "配合单位", "完成时限"))
    ['seq', 'text', 'lead', 'support', 'deadline']
    >>> columns(("1", "培育企业", "市科技局")) is None
    True
    """
    kinds = [column_kind(c) if c.strip() else None for c in cells]
    known = [k for k in kinds if k]
    if len(known) < 2 or not any(k in UNIT_COLUMNS for k in known):
        return None
    if "text" not in known and "seq" not in known:
        return None
    if len(known) < len([c for c in cells if c.strip()]) / 2:
        return None
    return kinds


def _header_words(text: str) -> tuple[list[str], int]:
    """Header words run together with no separator (``序号工作任务责任单位…``):
    the fewest words that cover the longest prefix of ``text``, and where
    they end."""
    n = min(len(text), 48)
    best: dict[int, list[str]] = {0: []}
    for i in range(n):
        if i not in best:
            continue
        for k in range(2, min(10, n - i) + 1):
            word = text[i:i + k]
            if column_kind(word) is None:
                continue
            cand = best[i] + [word]
            j = i + k
            # the fewest words; of as many, the one whose shortest word is longest
            if j not in best or (len(cand), -min(map(len, cand))) < (len(best[j]), -min(map(len, best[j]) or [0])):
                best[j] = cand
    end = max(best)
    return best[end], end


def _glued_header(text: str) -> tuple[list[str], int] | None:
    cells, end = _header_words(text)
    if len(cells) < 3 or columns(cells) is None:
        return None
    return cells, end


def _all_header_words(text: str) -> bool:
    """A line of header words only (一季度二季度三季度四季度): a second
    header row."""
    t = _SPACE.sub("", text).rstrip("|")
    if not t or len(t) > 60:
        return False
    cells, end = _header_words(t)
    return bool(cells) and end == len(t)


# ----------------------------------------------------------------- tables

_SEQ = re.compile(r"^(\d{1,4})[.、]?$")
_SEQ_START = re.compile(r"^(\d{1,4})[ \t]+(?=\S)")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十]+[章部分]|附件)")
_CHROME = re.compile(r"^(?:分享到|打印本页|关闭窗口|【打印】|【关闭】|扫一扫|责任编辑|上一篇|下一篇|相关链接|附件下载)")
_UNIT_WORD = re.compile(r"单位|部门|主体|处室|科室|领导|负责人|分工")


@dataclass
class _Header:
    kinds: list[str | None]
    cells: list[str]
    start: int  # first line index of the header
    end: int  # index of the first line after it
    mode: str  # pipe | lines | spaced | glued
    rest: str = ""  # what follows a glued header on its line


def _short(text: str) -> str:
    return _SPACE.sub("", text).rstrip("|").strip()


def _header_at(lines: list[Line], i: int) -> _Header | None:
    text = lines[i].text
    if len(text) > 60 and not _SEQ_WORD_START.match(text):
        return None  # a long line is a header only with its rows run on behind it (序号工作任务…)
    if len(text) > 16 and (_NOT_HEADER_START.match(text) or _PUNCT_EARLY.search(text, 0, 10)
                           or not _starts_with_header_word(text[:14].replace(" ", ""))):
        return None  # most lines: an outline item, prose, no header word at their start
    if not _UNIT_WORD.search(text[:80]):
        return None
    if len(text) > 160:  # a header with the rows run on behind it
        glued = _glued_header(text[:60]) if _starts_with_header_word(text[:12]) else None
        if glued is None:
            return None
        cells, end = glued
        return _Header(columns(cells) or [], cells, i, i + 1, "glued", text[end:].strip())
    # one header word a line (序号 | 重点工作 | 责任单位 …), around line i
    if len(_short(text)) <= 12 and column_kind(_short(text)):
        a = i
        while a > 0 and i - a < 12 and _is_header_line(lines[a - 1]):
            a -= 1
        b = i + 1
        while b < len(lines) and b - a < 16 and _is_header_line(lines[b]):
            b += 1
        cells = [_short(ln.text) for ln in lines[a:b]]
        kinds = columns(cells)
        if kinds is not None and len(cells) >= 3:
            piped = all(ln.text.rstrip().endswith("|") for ln in lines[a:b])
            return _Header(kinds, cells, a, b, "pipe" if piped else "lines")
    # one line, words separated by single spaces
    parts = text.split()
    if len(parts) >= 3 and all(len(p) >= 2 for p in parts):
        kinds = columns(parts)
        if kinds is not None and all(kinds):
            return _Header(kinds, parts, i, i + 1, "spaced")
    # one line, no separator, maybe with the first rows run on behind it
    if not _starts_with_header_word(_SPACE.sub("", text[:16])):
        return None
    glued = _glued_header(_SPACE.sub("", text) if _is_spaced_out(text) else text)
    if glued is not None:
        cells, end = glued
        rest = text[end:].strip() if not _is_spaced_out(text) else ""
        return _Header(columns(cells) or [], cells, i, i + 1, "glued", rest)
    return None


def _starts_with_header_word(text: str) -> bool:
    """A quick "no" for most lines: a header starts with 序号, or has a
    header word within its first characters."""
    return bool(_HEADER_START.match(text))


_SEQ_WORD_START = re.compile(r"(?:序\s*号|编\s*号)")
# an outline item or a sentence is never a header
_NOT_HEADER_START = re.compile(r"[(〔【]|[一二三四五六七八九十]+、|\d+[.、]|第[一二三四五六七八九十]")
_PUNCT_EARLY = re.compile(r"[。,;:!?、“]")
_HEADER_START = re.compile(r"(?:序\s*号|编\s*号|[\u4e00-\u9fff ]{0,10}?(?:任务|工作|事项|措施|举措|内容|目标|实事|项目|"
                           r"名称|要点|领域|类别|主题|单位|部门|牵头|责任|主体|政策|指标|清单|问题|要求|改革|行动|重点))")


def _is_spaced_out(text: str) -> bool:
    """工 作 任 务: a space between most characters."""
    return text.count(" ") >= max(3, len(text) // 3)


def _is_header_line(line: Line) -> bool:
    w = _short(line.text)
    return bool(w) and len(w) <= 12 and column_kind(w) is not None


def _chunk_type(text: str, unit_like: UnitLike) -> str:
    """What a cell holds: seq, units, deadline, person or text."""
    t = text.strip()
    if _SEQ.match(t):
        return "seq"
    if len(t) <= 24 and lexicon().is_deadline(t) and not unit_like(t):
        return "deadline"
    if _units_like(t, unit_like):
        return "units"
    if _PERSON.match(t):
        return "person"
    return "text"


# people's names in a 责任领导 cell: 张某, 俞 悦, 耿 峰 彭开国
_PERSON = re.compile(r"^[\u4e00-\u9fff](?: ?[\u4e00-\u9fff]){1,2}(?:\s+[\u4e00-\u9fff](?: ?[\u4e00-\u9fff]){1,2})*$")
_UNIT_SPLIT = re.compile(r"[、,;/ \t\n]+")
_ETC = re.compile(r"等(?:[^、,;]{0,12}(?:单位|部门))?$")


def _units_like(text: str, unit_like: UnitLike) -> bool:
    """Does a cell hold units (a list of them, the first a known name)?"""
    t = text.strip(" .;,")
    if not t or len(t) > 400:
        return False
    tokens = [_ETC.sub("", tok) for tok in _UNIT_SPLIT.split(t.rstrip("。")) if tok]
    tokens = [tok for tok in tokens if tok]
    if not tokens or "。" in t.rstrip("。") or (t.endswith("。") and len(tokens) < 2):
        return False  # a sentence, not a list of units
    strong = [unit_like(tok) for tok in tokens]
    if not any(strong):
        return False
    if not all(ok or _loose_name(tok) for ok, tok in zip(strong, tokens)):
        return False
    return strong[0] or sum(strong) * 2 >= len(tokens)


_VERBISH = re.compile(r"建设|推进|开展|完成|实施|加强|加快|启动|新建|建成|迁建|开工|提高|提升|推动|落实|培育|支持|组织|"
                      r"完善|建立|健全|深化|扩大|促进|做好|强化|打造|实现|优化|保障|确保|引导|鼓励|的|和|及|与")


def _loose_name(token: str) -> bool:
    """A short name of Chinese characters that could be a unit nobody listed
    (省人口计生, 镇街), not words of a task."""
    return 2 <= len(token) <= 10 and re.fullmatch(r"[\u3400-\u9fff()]+", token) is not None \
        and not _VERBISH.search(token)


class _Rows:
    """Assemble the rows of one table: cells aligned to the header."""

    def __init__(self, header: _Header):
        self.header = header
        self.kinds = header.kinds
        self.n = len(header.kinds)
        self.rows: list[tuple[int, list[str]]] = []

    def add(self, no: int, cells: list[str]) -> None:
        cells = (cells + [""] * self.n)[: self.n]
        self.rows.append((no, cells))

    def place(self, no: int, chunks: list[tuple[str, str]], one_per_line: bool) -> None:
        """Put typed chunks into the columns, in header order."""
        cells = [""] * self.n
        kinds = self.kinds
        units = [c for c, k in enumerate(kinds) if k in UNIT_COLUMNS]
        col = 0
        text_col = next((c for c, k in enumerate(kinds) if k == "text"), None)
        extra: list[str] = []

        def put(c: int, value: str, sep: str) -> None:
            cells[c] = value if not cells[c] else cells[c] + sep + value

        first_units = min(units, default=self.n)
        for value, typ in chunks:
            if typ != "seq" and text_col is not None and text_col < first_units and not cells[text_col] \
                    and not any(cells[c] for c in range(text_col + 1, self.n)) and typ in ("units", "person"):
                typ = "text"  # the cell after 序号 is the task, whatever it looks like
            placed = False
            for c in range(col, self.n):
                k = kinds[c]
                if typ == "seq" and k == "seq":
                    put(c, value, "")
                elif typ == "units" and k in UNIT_COLUMNS:
                    if cells[c] and one_per_line and c != units[-1]:
                        continue
                    put(c, value, "、")
                elif typ == "deadline" and k == "deadline":
                    put(c, value, ";")
                elif typ == "person" and k == "person":
                    put(c, value, " ")
                elif typ in ("text", "person") and k == "group" and not cells[c] and c < (text_col or 0) \
                        and len(value) <= 12 and not _SENTENCE.search(value):
                    put(c, value, "")
                elif typ in ("text", "person", "deadline") and k == "text" and (c == col or not any(cells[c + 1:])):
                    put(c, value, "\n")
                elif typ in ("text",) and k == "other" and any(cells[u] for u in units):
                    put(c, value, "\n")
                else:
                    continue
                col = c
                placed = True
                break
            if not placed:
                extra.append(value)
        if text_col is not None and extra:
            cells[text_col] = "\n".join([cells[text_col]] + extra) if cells[text_col] else "\n".join(extra)
        self.rows.append((no, cells))


_SENTENCE = re.compile(r"[。;!?]")


def _table_lines(lines: list[Line], i: int, header: _Header, unit_like: UnitLike, table: int) -> tuple[list[Line], int]:
    """The rows of the table whose header stands at ``lines[i]``: the lines
    that replace the table's lines, and the index of the first line after it."""
    rows = _Rows(header)
    j = header.end
    kinds = header.kinds
    has_seq = "seq" in kinds
    if header.mode == "glued" and header.rest:
        _glued_rows(rows, lines[i].no, header.rest, unit_like)
    elif header.mode == "pipe":
        j = _pipe_rows(rows, lines, j)
    elif header.mode == "spaced":
        j = _spaced_rows(rows, lines, j, unit_like)
    else:
        # the rows may be run together on the next line (序号工作任务责任单位 / 21树立…22根据…)
        if j < len(lines) and header.mode == "glued" and len(lines[j].text) > 200 and re.match(r"\d", lines[j].text):
            _glued_rows(rows, lines[j].no, lines[j].text, unit_like)
            j += 1
        else:
            j = _line_rows(rows, lines, j, unit_like, has_seq)
    if header.mode != "pipe":  # rows inferred from the kinds of cells: a row without units is no row
        rows.rows = [(no, cells) for no, cells in rows.rows if _has_units(cells, kinds)]
    if not any(_has_units(cells, kinds) for _, cells in rows.rows):
        return [], i  # not a table after all: the lines stay as they are
    first = lines[header.start]
    out = [Line(first.no, " | ".join(header.cells), tuple(header.cells), table)]
    inferred = header.mode != "pipe"  # rows told apart by the kinds of their cells, not by separators
    for no, cells in rows.rows:
        out.append(Line(no, " | ".join(c.replace("\n", " ") for c in cells), tuple(cells), table, inferred=inferred))
    return out, j


def _has_units(cells: list[str], kinds: list[str | None]) -> bool:
    return any(cells[c].strip() for c, k in enumerate(kinds) if k in UNIT_COLUMNS)


def split_trailing_units(text: str, unit_like: UnitLike) -> tuple[str, str]:
    """A task text with its units run on behind it, with no bracket or
    separator (…构建新型婚育文化。省委宣传部、省妇联牵头;省总工会配合):
    ``(text, units)``, the units as written with their role verbs, or
    ``(text, "")``.

    >>> from taskgraph.normalise import default_gazetteer
    >>> split_trailing_units("构建新型婚育文化。省委宣传部、省妇联牵头;省总工会配合", default_gazetteer().is_unit_like)
    ('构建新型婚育文化。', '省委宣传部、省妇联牵头;省总工会配合')
    """
    for m in _SENTENCE.finditer(text):
        tail = text[m.end():].strip()
        if tail and _unit_clauses(tail, unit_like):
            return text[:m.end()], tail
    return text, ""


def _unit_clauses(text: str, unit_like: UnitLike) -> bool:
    lex = lexicon()
    clauses = [c for c in re.split(r"[;,。]", text.strip("。;, ")) if c]
    if not clauses:
        return False
    for clause in clauses:
        verb = lex.verb_suffix(clause)
        body = clause[: len(clause) - len(verb[1])] if verb else clause
        if not _units_like(body, unit_like):
            return False
    return True


def _ends_table(line: Line) -> bool:
    t = line.text
    return bool(_HEADING.match(t) or _CHROME.match(t))


def _pipe_rows(rows: _Rows, lines: list[Line], j: int) -> int:
    """One cell a line, each ending in ``|``; a cell may wrap onto lines
    without one."""
    cells: list[str] = []
    pending: list[str] = []
    no = lines[j].no if j < len(lines) else 0
    while j < len(lines):
        t = lines[j].text.rstrip()
        if t.endswith("|"):
            pending.append(t[:-1].strip())
            if not cells:
                no = lines[j].no
            cells.append(" ".join(p for p in pending if p))
            pending = []
            if len(cells) == rows.n:
                rows.add(no, cells)
                cells = []
        else:
            if len(pending) >= 4 or _ends_table(lines[j]) or not any(
                    lines[k].text.rstrip().endswith("|") for k in range(j + 1, min(j + 4, len(lines)))):
                break
            pending.append(t)
        j += 1
    if cells and any(cells):
        rows.add(no, cells)
    return j


def _line_rows(rows: _Rows, lines: list[Line], j: int, unit_like: UnitLike, has_seq: bool) -> int:
    """One cell a line, no separator: rows start at the next number of the
    序号 column, or (without one) at task text that follows units."""
    expected: int | None = None
    current: list[tuple[str, str]] = []
    no = 0
    seen_units = False
    longest = 0
    start = j

    def flush() -> None:
        nonlocal current, seen_units, longest
        if current:
            rows.place(no, current, one_per_line=True)
            longest = max(longest, len(current))
        current, seen_units = [], False

    while j < len(lines):
        line = lines[j]
        t = line.text.strip()
        if _ends_table(line) or (j > start and _header_at(lines, j) is not None and _is_header_line(line)):
            break
        typ = _chunk_type(t, unit_like)
        if typ == "person" and "person" not in rows.kinds:
            typ = "text"
        if typ == "text" and current and _loose_name(t) and any(k == "text" for _, k in current) \
                and (seen_units or current[-1][1] == "text"):
            typ = "units"  # one unit a line: a name nobody listed, after the row's text
        if has_seq:
            m = _SEQ.match(t)
            if m and (expected is None or int(m.group(1)) == expected):
                flush()
                expected = int(m.group(1)) + 1
                no = line.no
                current = [(m.group(1), "seq")]
                j += 1
                continue
            if expected is None:
                j += 1  # a second header line (一季度 二季度 …) before the first row
                continue
            if len(current) > max(longest, 6) + 4 and not seen_units:
                break
        else:
            if not rows.rows and not current and _all_header_words(t):
                j += 1  # a second header row (一季度二季度三季度四季度)
                continue
            if typ == "text" and (not current or seen_units) and not _continues_other(rows, current):
                flush()
                no = line.no
            elif not current:
                if typ != "text":
                    j += 1
                    continue
                no = line.no
        if typ == "units":
            seen_units = True
        current.append((t, typ))
        j += 1
    flush()
    return j


def _continues_other(rows: _Rows, current: list[tuple[str, str]]) -> bool:
    """Text right after a row's units goes to a column such as 进展情况
    that stands after the unit columns, once."""
    if not current or current[-1][1] != "units":
        return False
    kinds = rows.kinds
    last_unit = max((c for c, k in enumerate(kinds) if k in UNIT_COLUMNS), default=-1)
    return any(k == "other" for k in kinds[last_unit + 1:])


def _spaced_rows(rows: _Rows, lines: list[Line], j: int, unit_like: UnitLike) -> int:
    """Cells separated by single spaces, a row starting at its number; a
    cell may go on over the next lines (a lead cell of four units)."""
    expected: int | None = None
    row: list[list[str]] = []  # the parts of each line of the row
    no = 0

    def flush() -> None:
        if row:
            rows.add(no, _merge_parts(row, rows.n, unit_like, rows.kinds))

    while j < len(lines):
        line = lines[j]
        t = line.text.strip()
        m = _SEQ_START.match(t)
        if m and (expected is None or int(m.group(1)) == expected):
            flush()
            expected = int(m.group(1)) + 1
            no = line.no
            row = [[m.group(1)] + t[m.end():].split(" ")]
        elif row and not _ends_table(line) and _continues(row, t.split(" "), rows.kinds, unit_like):
            row.append(t.split(" "))
        elif row:
            break
        j += 1
    flush()
    return j


def _continues(row: list[list[str]], parts: list[str], kinds: list[str | None], unit_like: UnitLike) -> bool:
    """Can a line go on with a row of single-space cells: a unit cell going
    on over lines, a wrapped task text, or the row's remaining cells?"""
    last = row[-1][-1] if row and row[-1] else ""
    first = _chunk_type(parts[0], unit_like)
    if first == "units" or (first == "text" and _loose_name(parts[0])):
        return _chunk_type(last, unit_like) == "units" or any(k in UNIT_COLUMNS for k in kinds[sum(map(len, row)):])
    if first == "text":
        return _chunk_type(last, unit_like) == "text" and sum(map(len, row)) <= 2
    return first == "deadline" and "deadline" in kinds


def _merge_parts(row: list[list[str]], n: int, unit_like: UnitLike, kinds: list[str | None] = ()) -> list[str]:
    """The parts of a row's lines → n cells: where a row has more parts
    than the header has columns, a line goes on with the cell the line above
    ended in (one-part lines first: a lead cell of four units, one a line)."""
    first, rest = row[0], row[1:]
    merges = max(sum(len(p) for p in row) - n, 0)
    order = sorted(range(len(rest)), key=lambda k: (len(rest[k]) != 1, k))
    join = set(order[:merges])
    flat = list(first)
    for k, parts in enumerate(rest):
        if k in join and flat:
            a, b = flat[-1], parts[0]
            units = _units_like(a, unit_like) and _units_like(b, unit_like)
            flat[-1] = a + ("、" if units and not a.endswith(("、", ",")) else "") + b
            flat.extend(parts[1:])
        else:
            flat.extend(parts)
    if len(flat) > n:
        flat = _fewer_parts(flat, n, kinds, unit_like)
    return flat


def _fewer_parts(flat: list[str], n: int, kinds: list[str | None], unit_like: UnitLike) -> list[str]:
    """More parts than columns on one line: a task text with spaces of its
    own is one cell, and units beyond the unit columns join the first of
    them (a lead cell of several units, one a part, before a 、-list)."""
    typed = [_chunk_type(p, unit_like) for p in flat]
    unit_cols = sum(1 for k in kinds if k in UNIT_COLUMNS)
    units = [i for i, t in enumerate(typed) if t == "units"]
    out = list(flat)
    if unit_cols and len(units) > unit_cols and units == list(range(units[0], units[-1] + 1)):
        extra = len(units) - unit_cols + 1
        a = units[0]
        out = flat[:a] + ["、".join(flat[a:a + extra])] + flat[a + extra:]
    if len(out) > n:  # what is left: the task's text, with spaces of its own
        extra = len(out) - n
        out = [out[0], " ".join(out[1:2 + extra])] + out[2 + extra:]
    return out


def _glued_rows(rows: _Rows, no: int, body: str, unit_like: UnitLike) -> None:
    """A table run into one line: rows begin at consecutive numbers that
    follow the units of the row before (…各州(市)党委和政府落实22根据…)."""
    kinds = rows.kinds
    text_col = kinds.index("text") if "text" in kinds else None
    seq_col = kinds.index("seq") if "seq" in kinds else None
    m = re.match(r"(\d{1,4})(?=\D)", body)
    if not m or text_col is None:
        return
    n = int(m.group(1))
    starts = [(0, m.end(), n)]
    pos = m.end()
    lex = lexicon()
    while True:
        n += 1
        found = None
        for cand in re.finditer(rf"(?<!\d){n}(?=[^\d.%])", body[pos:]):
            at = pos + cand.start()
            before = body[max(0, at - 14):at]
            if lex.verb_suffix(before) or unit_like(re.split(r"[、,;。]", before)[-1][-8:] or "x"):
                found = at
                break
        if found is None:
            break
        starts.append((found, found + len(str(n)), n))
        pos = found + len(str(n))
    for k, (a, b, number) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(body)
        cells = [""] * rows.n
        if seq_col is not None:
            cells[seq_col] = str(number)
        text, units = split_trailing_units(body[b:end].strip(), unit_like)
        cells[text_col] = text
        unit_col = next((c for c, k in enumerate(kinds) if k in UNIT_COLUMNS), None)
        if unit_col is not None:
            cells[unit_col] = units
        rows.rows.append((no, cells))


_SEQ_WORD = re.compile(r"序\s?号|编\s?号")


def _tables_in_long_lines(lines: list[Line]) -> list[Line]:
    """A table inside a page with no line breaks: the line is cut where the
    table's header starts, and a table whose cells are closed by ``|`` or
    separated by spaces is cut into its rows (the header's column count, the
    numbers of the 序号 column), so that the table reads as if its lines had
    been kept."""
    out: list[Line] = []
    for line in lines:
        text = line.text
        if line.cells is not None or len(text) < _LONG_LINE or not _SEQ_WORD.search(text):
            out.append(line)
            continue
        pieces = [0]
        for m in _SEQ_WORD.finditer(text):
            at = m.start()
            rest = text[at:at + 200]
            if "|" in rest[:40]:
                cells = [c.strip() for c in rest.split("|")]
                k = next((k for k in range(3, min(len(cells), 12) + 1) if columns(cells[:k])
                          and k < len(cells) and _SEQ.match(cells[k])), None)
                if k:
                    pieces.extend(_pipe_row_starts(text, at, k))
                    break
            parts = rest.split()
            k = next((k for k in range(3, min(len(parts), 10) + 1)
                      if columns(parts[:k]) and all(column_kind(p) for p in parts[:k])
                      and k < len(parts) and _SEQ.match(parts[k])), None)
            if k:
                pieces.extend(_spaced_row_starts(text, at, parts[:k]))
                break
            if _glued_header(text[at:at + 60]):
                pieces.append(at)
                break
        if len(pieces) == 1:
            out.append(line)
            continue
        bounds = sorted(set(pieces)) + [len(text)]
        for a, b in zip(bounds, bounds[1:]):
            piece = text[a:b]
            lead = len(piece) - len(piece.lstrip())
            if piece.strip():
                out.append(Line(line.no, piece.strip(), None, None, line.src, line.col + a + lead))
    return out


def _pipe_row_starts(text: str, at: int, k: int) -> list[int]:
    """Where the header (at ``at``) and then each row of ``k`` cells closed by
    ``|`` begin: after every k-th bar."""
    starts = [at]
    bars = [i for i in range(at, len(text)) if text[i] == "|"]
    for n in range(k, len(bars), k):
        starts.append(bars[n - 1] + 1)
    return starts


def _spaced_row_starts(text: str, at: int, header: list[str]) -> list[int]:
    """Where the header (at ``at``) and each row begin in cells separated by
    spaces: at consecutive numbers standing alone (… 2023年12月底 34 发挥…)."""
    starts = [at]
    pos = text.index(header[-1], at) + len(header[-1])
    m = re.compile(r"(?:^|\s)(\d{1,4})\s").search(text, pos)
    n = int(m.group(1)) if m else None
    while m:
        starts.append(m.start(1))
        n += 1
        m = re.compile(rf"\s({n})\s").search(text, m.end(1))
    return starts


def _tables(lines: list[Line], unit_like: UnitLike, separators: bool = True) -> list[Line]:
    """Flattened rows (|, tabs, runs of spaces) become cells; tables written
    one cell a line, with single spaces or with no separator become rows of
    cells under their header row. ``separators``: whether any line holds
    ``|``, a tab or a run of spaces at all."""
    out: list[Line] = []
    table = max((ln.table or 0 for ln in lines), default=0)
    in_rows = False
    plain = 0  # lines[plain:i] were copied to out as they are
    flattened: dict[int, list[tuple[int, Line]]] = {}  # table -> (index in out, line as it was)
    # a header holds a unit column's word: the lines that may start a table,
    # found with one search over the whole text
    starts, pos = [], 0
    for ln in lines:
        starts.append(pos)
        pos += len(ln.text) + 1
    whole = "\n".join(ln.text for ln in lines)
    may_head = {bisect_right(starts, m.start()) - 1 for m in _UNIT_WORD.finditer(whole)}
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.cells is not None:
            out.append(line)
            in_rows = False
            i += 1
            plain = i
            continue
        cells = split_cells(_unfolded(line)) if separators else None
        if cells is not None:
            i += 1
            plain = i
            if not any(cells) or all(_MARKDOWN_RULE.match(c) for c in cells if c):
                continue  # an empty row or a markdown |---| rule
            if not in_rows:
                table, in_rows = table + 1, True
            flattened.setdefault(table, []).append((len(out), line))
            out.append(Line(line.no, " | ".join(cells), tuple(cells), table, line.src, line.col))
            continue
        in_rows = False
        header = _header_at(lines, i) if i in may_head else None
        if header is not None and header.start >= plain:
            rows, j = _table_lines(lines, i, header, unit_like, table + 1)
            if rows:
                table += 1
                if i > header.start:  # header lines above i were copied out already
                    del out[header.start - i:]
                out.extend(rows)
                i = plain = j
                continue
        out.append(line)
        i += 1
    # rows split at gaps or bars without a 分工表 header among them are lines
    # like any other (a label line spaced wide, a page joined with spaces):
    # they go back as they were, to be cut at their markers
    for rows in flattened.values():
        if not any(columns(out[k].cells or ()) for k, _ in rows):
            for k, original in rows:
                out[k] = original
    return out


# ------------------------------------------------------------- segmenting

_CN = "一二三四五六七八九十"
_CN_VALUE = {c: v for v, c in enumerate("零一二三四五六七八九", 0)}
_MIDLINE = re.compile(
    rf"(?=[{_CN}(〔\d①-⑳])(?:(?P<cn>[{_CN}]{{1,3}})、|[(〔](?P<pcn>[{_CN}]{{1,3}})[)〕]|(?P<num>\d{{1,3}})(?:\.(?![\d.])|、(?!\d{{1,3}}(?!\d)))"
    rf"|[(〔](?P<pnum>\d{{1,3}})[)〕]|(?P<circ>[①-⑳]))"
)
_BEFORE_STRONG = "。;!?)〕】]|"
# a page with no line breaks: its markers may be glued to the word before
_LONG_LINE = 100
_STRONG_MARKER = re.compile(rf"[。;!?)〕】\]| :](?:[{_CN}]{{1,3}}、|[(〔](?:[{_CN}]{{1,3}}|\d{{1,3}})[)〕]|\d{{1,3}}[.、]|[①-⑳])")


def _cn_number(s: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20."""
    if s == "十":
        return 10
    if "十" in s:
        a, _, b = s.partition("十")
        return (_CN_VALUE.get(a, 1) if a else 1) * 10 + (_CN_VALUE.get(b, 0) if b else 0)
    return _CN_VALUE.get(s, 0)


def _marker_number(m: re.Match[str]) -> tuple[str, int]:
    kind = m.lastgroup or ""
    value = m.group(kind)
    if kind in ("cn", "pcn"):
        return kind, _cn_number(value)
    if kind == "circ":
        return kind, ord(value) - ord("①") + 1
    return kind, int(value)


_COMPOUND_BEFORE = set("统唯单之万千百十第其另逐初不")  # 统一、 唯一、 第一、 are words, not markers


def _cuts(text: str, last: dict[str, int], glued: bool = True) -> list[int]:
    """Where markers inside ``text`` start new lines (``last`` holds the
    number each kind of marker reached so far, and is updated).

    A marker after a sentence end, a closing bracket, a colon or a space
    starts a line when its number continues its kind's numbering or starts
    one. With ``glued`` (a page with no line breaks) a marker glued to the
    word before (…效能1.推行…) starts one too, when its number continues
    the numbering, or starts it and the next number follows later on.
    """
    found = []
    matches = _MIDLINE.finditer(text, 1) if glued else (
        _MIDLINE.match(text, m.start() + 1) for m in _STRONG_MARKER.finditer(text))
    for m in matches:
        if m is None:
            continue
        kind, n = _marker_number(m)
        at = m.start()
        before = text[at - 1]
        end = at + len(m.group())
        if end >= len(text) or text[end] in "、,.;。:)":
            continue
        if kind == "cn" and text[end:end + 1] in ("、", ""):
            continue
        strong = before in _BEFORE_STRONG or before == " "
        if before == ":":
            strong = kind in ("num", "pnum", "circ") and not text[:at].endswith("附件:")
        found.append((at, kind, n, strong, before))
    long_line = glued and len(text) >= _LONG_LINE and len(found) >= 2
    later: set[tuple[str, int]] = set()  # (kind, number) of the markers after each one
    after: list[set[tuple[str, int]]] = []
    for at, kind, n, _, _ in reversed(found):
        after.append(set(later))
        later.add((kind, n))
    after.reverse()
    cuts: list[int] = []
    for k, (at, kind, n, strong, before) in enumerate(found):
        prev = last.get(kind)
        follows = prev is not None and n == prev + 1
        starts = n == 1
        if strong:
            ok = follows or starts or prev is None
        elif long_line and before not in _COMPOUND_BEFORE and ("\u4e00" <= before <= "\u9fff" or before in "”\""):
            confirmed = (kind, n + 1) in after[k]
            after_heading = bool(cuts) and at - cuts[-1] <= 30 and text[cuts[-1]:at].count("。") == 0
            ok = follows or (starts and (confirmed or after_heading)) or (prev is None and confirmed and kind != "cn")
        else:
            ok = False
        if ok:
            last[kind] = n
            cuts.append(at)
    return cuts


def segment(lines: list[Line]) -> list[Line]:
    """Cut lines at outline markers that stand inside them.

    A marker inside a line starts a new line when it stands after the end
    of a sentence, a closing bracket or a space, and its number continues
    the numbering of its kind (``(2)`` after ``(1)``) or starts one (``1.``,
    or the first marker of its kind in the document).

    >>> [ln.text for ln in segment([Line(1, "一、总体要求 (一)强化支撑。1.引进人才。(市科技局负责)2.培养人才。(市人社局负责)")])]
    ['一、总体要求', '(一)强化支撑。', '1.引进人才。(市科技局负责)', '2.培养人才。(市人社局负责)']
    >>> [ln.text for ln in segment([Line(1, "支持第1、2项工作,按照(一)中的要求。")])]
    ['支持第1、2项工作,按照(一)中的要求。']
    """
    last: dict[str, int] = {}
    out: list[Line] = []
    # markers glued to the word before are looked for only in a page with no
    # line breaks: a line that holds a fifth of the text or more
    total = sum(len(ln.text) for ln in lines)
    # the lines with a marker after a sentence end, a bracket or a space:
    # one search over the whole text
    starts, pos = [], 0
    for ln in lines:
        starts.append(pos)
        pos += len(ln.text) + 1
    whole = "\n".join(ln.text for ln in lines)
    candidates = {bisect_right(starts, m.start()) - 1 for m in _STRONG_MARKER.finditer(whole)}
    for k, line in enumerate(lines):
        if line.cells is not None:
            out.append(line)
            continue
        text = line.text
        head = _MIDLINE.match(text)
        if head:
            kind, n = _marker_number(head)
            last[kind] = n
        glued = len(text) >= _LONG_LINE and len(text) * 5 >= total
        if len(text) < 9 or (not glued and k not in candidates):
            cuts = []  # a marker inside a line stands after a sentence end, a bracket, a space
        else:
            cuts = _cuts(text, last, glued)
        if not cuts:
            out.append(line)
            continue
        bounds = [0] + cuts + [len(text)]
        for a, b in zip(bounds, bounds[1:]):
            piece = text[a:b]
            lead = len(piece) - len(piece.lstrip())
            piece = piece.strip()
            if piece:
                out.append(Line(line.no, piece, None, None, line.src, line.col + a + lead))
    return out


# ------------------------------------------------------------------ stage


def layout(doc: Document, unit_like: UnitLike | None = None) -> Document:
    """The document with its lines laid out for reading: glosses out of the
    reading text, tables in text as rows of cells, one-line pages cut at
    their outline markers.

    ``unit_like`` tells whether a short string reads as a unit name (the
    gazetteer's :meth:`~taskgraph.normalise.Gazetteer.is_unit_like`); it
    tells a cell of units from a cell of text.
    """
    if unit_like is None:
        from .normalise import default_gazetteer

        unit_like = default_gazetteer().is_unit_like
    # one look at the whole text tells which steps have anything to do
    whole = "\n".join(ln.text for ln in doc.lines)
    lines = list(doc.lines)
    if "(" in whole and _GLOSS.search(whole):
        lines = [strip_glosses(ln) for ln in lines]
    separators = "|" in whole or "\t" in whole or any(
        ln.src is not None and ln.src.norm is not None and ln.src.norm is not ln.src.shown
        and ("  " in ln.src.norm or "\t" in ln.src.norm) for ln in lines)
    if ("序号" in whole or "编号" in whole or "序 号" in whole) and any(len(ln.text) >= _LONG_LINE for ln in lines):
        lines = _tables_in_long_lines(lines)
        whole = "\n".join(ln.text for ln in lines)
    if separators or "单位" in whole or "部门" in whole or "主体" in whole:
        lines = _tables(lines, unit_like, separators)
    lines = segment(lines)
    return replace(doc, lines=lines)
