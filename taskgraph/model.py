"""The data model every pipeline stage shares.

Plain frozen dataclasses, standard library only, so that importing the model
costs nothing and every value is hashable (usable as graph nodes and in sets).

Pipeline: ``read`` turns a file into a :class:`Document` (normalised lines);
``parse`` finds the heading outline and the metadata (:class:`DocumentInfo`);
``extract`` turns annotated items into :class:`Task` and :class:`Assignment`;
``normalise`` gives every unit name a :class:`Unit` (canonical id, function).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Role",
    "Level",
    "Line",
    "LineSource",
    "Diagnostic",
    "Document",
    "DocumentInfo",
    "Task",
    "Assignment",
    "Unit",
    "Plan",
]

Role = Literal["lead", "support"]
Level = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class LineSource:
    """A physical line of the source as written, shared by the lines the
    layout stage cuts out of it.

    ``raw`` is the line as decoded (traditional characters, full-width
    punctuation); ``shown`` is it normalised (NFKC, simplified characters,
    white space folded): the text tables show. The *reading* text the
    extractor works on is ``shown`` with what only gets in the way of reading
    removed (pinyin glosses of mirror pages: 區(qū)); ``gaps`` records each
    removal as ``(position in the reading text, characters removed there)``.
    """

    raw: str
    shown: str
    gaps: tuple[tuple[int, int], ...] = ()
    norm: str | None = None  # raw normalised, white space not yet folded (when it differs from shown)

    def to_shown(self, i: int) -> int:
        """Position in ``shown`` of reading position ``i`` (a removal at
        ``i`` belongs to the character before it: it is skipped)."""
        if not self.gaps:
            return i
        return i + sum(n for at, n in self.gaps if at <= i)

    def shown_text(self, start: int, end: int) -> str:
        """The shown text of the reading range ``[start, end)``, with what
        was removed inside it or right after its last character put back."""
        if not self.gaps:
            return self.shown[start:end]
        return self.shown[self.to_shown(start):self.to_shown(end)]

    def raw_span(self, start: int, end: int) -> tuple[int, int] | None:
        """``[start, end)`` of the reading text as a range of ``raw``, or
        None when the two cannot be aligned."""
        if self.raw == self.shown:
            a, b = self.to_shown(start), self.to_shown(end)
            return min(a, len(self.raw)), min(b, len(self.raw))
        offsets = self.__dict__.get("_offsets", _MISSING)
        if offsets is _MISSING:
            offsets = _alignment(self.raw, self.shown, self.norm)
            object.__setattr__(self, "_offsets", offsets)  # computed once per line
        if offsets is None:
            return None
        a, b = min(self.to_shown(start), len(self.shown)), min(self.to_shown(end), len(self.shown))
        if b <= a:
            return offsets[a], offsets[a]
        return offsets[a], offsets[b - 1] + 1


def _alignment(raw: str, shown: str, norm: str | None = None) -> list[int] | None:
    from .text import align

    return align(raw, shown, norm)


_MISSING = object()


@dataclass(frozen=True)
class Line:
    """One line of a document after normalisation.

    ``no`` is the 1-based line number in the source file (for a ``.docx``, the
    paragraph or table-row ordinal in document order; for HTML, the line of
    the extracted text). ``text`` is normalised (NFKC, simplified characters,
    white space trimmed). ``cells`` is set when the line is a row of a table
    (Word/HTML table, or a text row flattened with ``|`` or tabs); ``table``
    numbers the tables of the document so that rows of one table group.

    ``src`` is the physical line as written (:class:`LineSource`), when
    known, and ``col`` where ``text`` starts in its reading text (the layout
    stage may cut one physical line into several lines: a page with no line
    breaks).
    """

    no: int
    text: str
    cells: tuple[str, ...] | None = None
    table: int | None = None
    src: LineSource | None = field(default=None, compare=False, repr=False)
    col: int = field(default=0, compare=False, repr=False)
    inferred: bool = field(default=False, compare=False, repr=False)  # a table row whose bounds were guessed

    def shown(self, start: int = 0, end: int | None = None) -> str:
        """The text of ``[start, end)`` as tables show it (glosses kept)."""
        end = len(self.text) if end is None else end
        if self.src is None or not self.src.gaps:
            return self.text[start:end]
        return self.src.shown_text(self.col + start, self.col + end)

    def raw_span(self, start: int, end: int) -> tuple[int, int] | None:
        """``[start, end)`` of ``text`` as a range of the physical line as
        written (``src.raw``), or None when not known."""
        if self.src is None:
            return None
        return self.src.raw_span(self.col + start, self.col + end)


@dataclass(frozen=True)
class Diagnostic:
    """A message about the input: something unreadable, suspicious or skipped.

    ``str(d)`` is the one-line form shown to the user: ``file:line: message``.
    """

    source: str
    message: str
    line: int | None = None
    level: Level = "warning"
    code: str = ""

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.message}"


@dataclass
class Document:
    """A document as read: where it came from and its normalised lines."""

    source: str  # the path as given (or "<stdin>")
    name: str  # the file name, used as the document key in every table
    lines: list[Line]
    format: str = "text"  # text | html | docx | doc | wps | odt | rtf | pdf | ofd | xlsx | xls | et | ods | csv
    encoding: str | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sha256: str = ""  # of the bytes read: which version of a plan this is
    size: int | None = None  # bytes read


@dataclass(frozen=True)
class DocumentInfo:
    """Metadata of one plan, read from its text."""

    doc: str
    title: str = ""
    place: str = ""  # most specific issuing place, e.g. 宁波市镇海区
    province: str = ""
    city: str = ""
    district: str = ""  # district or county
    level: str = ""  # 省 | 市 | 区 | 县 | "" (level of the issuing place)
    date: str = ""  # ISO date of issue, if found
    period: str = ""  # plan period as written, e.g. 2021-2024
    period_start: int | None = None
    period_end: int | None = None
    format: str = "text"
    encoding: str = ""
    sha256: str = ""  # of the source's bytes: which version of the plan was read
    size: int | None = None  # of the source, in bytes
    title_written: str = ""  # the title as the file writes it (full-width punctuation…), where known


@dataclass(frozen=True)
class Task:
    """One task: a numbered item that carries an annotation (or, in a plan
    with no annotation at all, a numbered key task, then *unassigned*).

    ``task_id`` is unique within its document; it is the heading path
    (``三/(一)/1``, ``附件1/三/4``), suffixed ``#2``… if a path repeats.
    ``section`` holds the headings above the task (for group rows of a
    分工表). ``text`` is the item's text after its marker, without the
    annotation; for a heading-style item, heading then paragraph.
    ``written`` is the same text as the source writes it (full-width
    punctuation, traditional characters), where the reader knows it;
    ``section_written`` the headings of ``section`` as written (an empty
    string where not known).
    """

    doc: str
    task_id: str
    path: str
    number: str
    title: str
    text: str
    line: int
    section: tuple[str, ...] = ()
    deadline: str = ""
    annotation: str = ""  # the annotation as written (after normalisation)
    kind: str = "text"  # text | table | unannotated
    written: str = ""
    check: tuple[str, ...] = ()  # why a person should look at this task's reading (see CHECKS)
    section_written: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class Assignment:
    """One edge: a unit (as written) named on a task, with its role.

    ``unit`` is the name normalised (NFKC, simplified characters) as the
    plan wrote it; ``written`` the same characters as they stand in the
    source, and ``start``/``end`` where they stand on line ``line`` of it
    (-1 when not known: a table cell of a .docx). ``how`` says how the role
    was read: ``label`` (牵头单位:), ``verb`` (甲牵头), ``mark`` (甲(牵头)),
    ``bare`` (a bare list: the first leads), ``table`` (a 分工表 column),
    ``standing`` (a note such as 以下……均需甲落实,不再列出).
    """

    doc: str
    task_id: str
    unit: str
    role: Role
    line: int
    order: int = 0  # position of the unit in the task's annotation
    start: int = -1
    end: int = -1
    written: str = ""
    how: str = ""
    check: tuple[str, ...] = ()  # why a person should look at this edge (see CHECKS)


@dataclass(frozen=True)
class Unit:
    """A government unit after normalisation.

    ``unit_id`` is the canonical id within its place (two spellings of one
    bureau share it); ``function`` is the key shared across places (区经信局
    and 市工业和信息化局 have the same function).
    """

    unit_id: str
    place: str
    name: str  # canonical display name, e.g. 市发展和改革委员会
    function: str  # function key, e.g. 工业和信息化
    level: str = ""  # 国家 | 省 | 市 | 区 | 县 | 镇 | ""
    known: bool = False  # found in the gazetteer
    collective: bool = False  # 各县(市)区政府, 成员单位… (not spread over members)
    names: tuple[str, ...] = field(default=(), compare=False)  # as written


@dataclass
class Plan:
    """What extraction yields for one document."""

    info: DocumentInfo
    source: str = ""  # the path the document was read from
    tasks: list[Task] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    targets: list = field(default_factory=list)  # quantitative targets (taskgraph.targets.Target)
