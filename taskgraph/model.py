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
class Line:
    """One line of a document after normalisation.

    ``no`` is the 1-based line number in the source file (for a ``.docx``, the
    paragraph or table-row ordinal in document order; for HTML, the line of
    the extracted text). ``text`` is normalised (NFKC, simplified characters,
    white space trimmed). ``cells`` is set when the line is a row of a table
    (Word/HTML table, or a text row flattened with ``|`` or tabs); ``table``
    numbers the tables of the document so that rows of one table group.
    """

    no: int
    text: str
    cells: tuple[str, ...] | None = None
    table: int | None = None


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
    format: str = "text"  # text | docx | html | pdf
    encoding: str | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)


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


@dataclass(frozen=True)
class Task:
    """One task: a numbered item that carries an annotation (or, in a plan
    with no annotation at all, a numbered key task, then *unassigned*).

    ``task_id`` is unique within its document; it is the heading path
    (``三/(一)/1``, ``附件1/三/4``), suffixed ``#2``… if a path repeats.
    ``section`` holds the headings above the task (for group rows of a
    分工表). ``text`` is the item's text after its marker, without the
    annotation; for a heading-style item, heading then paragraph.
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


@dataclass(frozen=True)
class Assignment:
    """One edge: a unit (as written) named on a task, with its role."""

    doc: str
    task_id: str
    unit: str
    role: Role
    line: int
    order: int = 0  # position of the unit in the task's annotation


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
