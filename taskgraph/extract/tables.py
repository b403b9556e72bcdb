"""任务分工表 rows → tasks and edges.

The layout stage has turned every table-like input (Word and HTML tables,
rows flattened into text, one cell a line, cells run together) into rows
of cells under a header row; this module reads them column by column:
the task column (the first column whose header is a task word), the unit
columns (牵头 → lead, 配合/协同 → support, 主要责任单位 → lead beside
another unit column, 责任单位 → a bare list), the deadline column; a
person column (责任领导, 分管县领导) is never read as units.

A row whose unit cells are empty, with units written into the task cell
(``…构建新型婚育文化。(责任单位:甲)``), is read like a paragraph.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from ..layout import UNIT_COLUMNS, column_kind, columns
from ..model import Line
from ..parse import match_marker
from .annotation import Entry, find_annotations, parse_annotation

if TYPE_CHECKING:  # pragma: no cover
    from . import _Builder

__all__ = ["table_tasks"]

_LABEL_OF = {"lead": "牵头单位", "primary": "主要责任单位", "support": "配合单位", "bare": "责任单位"}
_NUMBER = re.compile(r"\d{1,4}")
_BULLET = re.compile(r"^(?:——|—|--|•|·|▪|■|□|●|○|\*)\s*")


def _task_heading(title: str) -> tuple[str, str | None]:
    """The task's text without its marker (1. / (一) / ——) and the marker's label."""
    m = match_marker(title)
    if m and m[0] != "annex":
        return m[2], m[1]
    b = _BULLET.match(title)
    if b:
        return title[b.end():], None
    return title, None


def table_tasks(b: "_Builder", path: tuple[str, ...], section: tuple[str, ...], rows: list[Line]) -> None:
    from . import _title

    kinds: list[str | None] | None = None
    group: tuple[str, ...] = ()
    group_path: tuple[str, ...] = ()
    counter = 0
    above: dict[int, str] = {}
    for n_row, row in enumerate(rows):
        cells = row.cells or ()
        if kinds is None:
            kinds = columns(cells)
            continue
        sub = [column_kind(c) if c.strip() else None for c in cells]
        if any(k in UNIT_COLUMNS for k in sub) and all(k for k, c in zip(sub, cells) if c.strip()):
            if not counter:
                # a second header row: 责任单位 over 牵头单位 | 配合单位 (the
                # words of a merged cell repeated above them)
                kinds = [k2 or k1 for k1, k2 in zip(kinds, sub)] + list(kinds[len(sub):])
            continue  # (after rows: a header repeated on a new page)
        filled = [c for c in cells if c.strip()]
        if not filled:
            continue
        first = cells[0].strip()
        if len(set(filled)) == 1 and first == filled[0] and not _NUMBER.fullmatch(first):
            # a group row: one heading in the first cell, merged across or alone
            m = match_marker(filled[0])
            group = (filled[0],)
            group_path = (m[1],) if m else ()
            continue

        def cell(i: int | None) -> str:
            return cells[i].strip() if i is not None and i < len(cells) else ""

        text_cols = [i for i, k in enumerate(kinds) if k == "text"]
        if not text_cols:
            text_cols = [i for i, k in enumerate(kinds) if k in (None, "group")][-1:]
        title = cell(text_cols[0]) if text_cols else ""
        seq_here = ""
        if text_cols and _NUMBER.fullmatch(title.rstrip(".、")) and text_cols[0] + 1 < len(kinds) \
                and kinds[text_cols[0] + 1] is None and cell(text_cols[0] + 1):
            # a task header merged over the 序号 and task columns: the number, then the task
            seq_here, title = title.rstrip(".、"), cell(text_cols[0] + 1)
        if not title:
            continue
        unit_cols = [i for i, k in enumerate(kinds) if k in UNIT_COLUMNS]
        parts = []
        for i in unit_cols:
            value = cell(i)
            if value:
                parts.append(f"{_LABEL_OF[kinds[i]]}:{value}")  # type: ignore[index]
        for i, k in enumerate(kinds):
            if k == "deadline" and cell(i):
                parts.append(f"完成时限:{cell(i)}")
        groups = [cell(i) for i, k in enumerate(kinds) if k == "group" and cell(i)]
        extra = [cell(i) for i in text_cols[1:] if cell(i)]
        heading, label = _task_heading(title)
        text = heading
        annotation = ";".join(parts)
        checks = ["inferred-row"] if row.inferred else []
        if not any(cell(i) for i in unit_cols):
            # units written into the task's cell, or lost with a merged cell
            spans = find_annotations(heading, b.unit_like)
            if spans:
                annotation = ";".join([sp.content for sp in spans] + parts)
                for sp in reversed(spans):
                    text = text[:sp.start] + text[sp.end:]
                text = text.strip()
            elif above and any(above.values()) and any(cell(i) for i in range(max(unit_cols, default=0) + 1, len(cells))):
                # the row goes on after its empty unit cells (a deadline…): a merged cell, not a cut
                annotation = ";".join([f"{_LABEL_OF[kinds[i]]}:{v}" for i, v in above.items() if v] + parts)  # type: ignore[index]
                b.warn(f"row {row.no}: no unit in its row: the units of the row above are taken (a merged cell?)",
                       row.no, "units-from-above")
                checks.append("units-from-above")
        else:
            above = {i: cell(i) for i in unit_cols}
        ann = parse_annotation(annotation, b.unit_like) if annotation else None
        if ann is not None:  # (a shared reading: a copy with the roles read from columns)
            ann = replace(ann, entries=[Entry(e.name, e.role, e.pieces, "table", e.known)
                                        if e.how in ("label", "bare") else e for e in ann.entries])
        counter += 1
        seq = cell(kinds.index("seq")) if "seq" in kinds else seq_here
        number = seq.rstrip(".、") if _NUMBER.fullmatch(seq.rstrip(".、")) else label or str(counter)
        full = text + ("\n" + "\n".join(extra) if extra else "")
        tpath = "/".join(path + group_path + (number,))
        b.add(path=tpath, number=number, title=_title(text, bool(extra)), text=full, line=row.no,
              section=section + group + tuple(groups), ann=ann, annotation=annotation, kind="table",
              edge_line=row.no, checks=tuple(checks),
              search=(row.no, rows[n_row + 1].no if n_row + 1 < len(rows) else None) if row.src is None else None)
