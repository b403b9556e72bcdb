"""Writing results: CSV (UTF-8 with BOM, so Excel opens Chinese right) and
JSON, each written atomically (a temporary file in the same folder, then
renamed over the target), so an interrupted run never leaves half a table.

Same input → byte-identical files: no timestamps, no absolute paths, stable
row order.
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Iterable

from .corpus import (ASSIGNMENT_COLUMNS, DOCUMENT_COLUMNS, TASK_COLUMNS, UNIT_COLUMNS, WARNING_COLUMNS,
                     Corpus)

__all__ = ["atomic_write", "write_csv", "write_json", "write_extract", "EXTRACT_FILES"]

EXTRACT_FILES = ("tasks.csv", "assignments.csv", "units.csv", "documents.csv", "warnings.csv", "taskgraph.json")


def atomic_write(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


def csv_bytes(rows: Iterable[dict], columns: list[str]) -> bytes:
    """Rows as CSV text in UTF-8 with a BOM (Excel reads Chinese right)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for row in rows:
        w.writerow([_cell(row.get(c)) for c in columns])
    return buf.getvalue().encode("utf-8-sig")


def write_csv(path: str | Path, rows: Iterable[dict], columns: list[str]) -> Path:
    return atomic_write(path, csv_bytes(rows, columns))


def write_json(path: str | Path, obj: object) -> Path:
    text = json.dumps(obj, ensure_ascii=False, indent=1) + "\n"
    return atomic_write(path, text.encode("utf-8"))


def write_extract(corpus: Corpus, out_dir: str | Path) -> list[Path]:
    """Write tasks.csv, assignments.csv, units.csv, documents.csv,
    warnings.csv and taskgraph.json (all of it) into ``out_dir``."""
    out = Path(out_dir)
    rec = corpus.records()
    written = [
        write_csv(out / "tasks.csv", rec["tasks"], TASK_COLUMNS),
        write_csv(out / "assignments.csv", rec["assignments"], ASSIGNMENT_COLUMNS),
        write_csv(out / "units.csv", rec["units"], UNIT_COLUMNS),
        write_csv(out / "documents.csv", rec["documents"], DOCUMENT_COLUMNS),
        write_csv(out / "warnings.csv", rec["warnings"], WARNING_COLUMNS),
        write_json(out / "taskgraph.json", rec),
    ]
    return written
