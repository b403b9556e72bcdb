"""Showing analysis tables: ``--format table|csv|json|md`` and ``-o DIR``.

A command's result is an ordered mapping of name → DataFrame, the first
being the main table. ``table`` prints each as a rich table; ``csv`` prints
the main table (so that it pipes); ``json`` prints every table as one
object of row lists; ``md`` prints every table as a Markdown section.
``write_tables`` writes each table to ``<name>.csv`` (UTF-8 with BOM,
atomically) with :func:`taskgraph.export.write_csv`.

Floats are rounded to 4 decimals and NaN shown empty (``null`` in JSON), so
output is the same bytes on every run and platform.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["FORMATS", "records", "to_text", "print_tables", "write_tables"]

FORMATS = ("table", "csv", "json", "md")
DIGITS = 4
MAX_ROWS = 200  # rows shown per table by the ``table`` format
WIDTH = 200  # width of the ``table`` format when standard output is not a terminal


def _shown(column: str) -> bool:
    """The ``table`` format leaves out id columns (``unit_id``, ``lead_id``,
    ``doc``…): kept in csv/json/md, they crowd a terminal."""
    base = column[:-2] if column.endswith(("_a", "_b")) else column
    return not (base == "doc" or base.endswith("_id") or base == "unit_id")


def _value(v: object) -> object:
    """A plain, JSON-able Python value; floats rounded, NaN → None."""
    if isinstance(v, str) or v is None:
        return v
    if hasattr(v, "item"):
        v = v.item()  # numpy scalar
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return None
        v = round(v, DIGITS)
        return int(v) if v.is_integer() and abs(v) < 2**53 else v
    if v is not None and not isinstance(v, (bool, int)) and repr(v) in ("<NA>", "NaT"):
        return None  # pandas' missing values
    return v


def _column(values) -> list:
    """A column as plain values (see :func:`_value`), fast for numbers and text."""
    kind = getattr(values, "dtype", None)
    kind = kind.kind if kind is not None else "O"
    if kind in "iub":
        return values.tolist()
    if kind == "f":
        return [_value(x) for x in values.to_numpy().tolist()]
    return [v if type(v) is str else _value(v) for v in values.tolist()]


def _plain_columns(df: "pd.DataFrame") -> list[list]:
    return [_column(df[c]) for c in df.columns]


def records(df: "pd.DataFrame") -> list[dict]:
    """Rows of ``df`` as plain dicts (floats rounded to 4 decimals, NaN → None)."""
    cols = [str(c) for c in df.columns]
    return [dict(zip(cols, row)) for row in zip(*_plain_columns(df))] if cols else []


def _text(v: object) -> str:
    if type(v) is str:
        return v
    if v is None:
        return ""
    if isinstance(v, bool):
        from .. import messages

        return messages.text("workbook.yes" if v else "workbook.no")
    return str(v)


def _text_rows(df: "pd.DataFrame"):
    columns = [[_text(v) for v in col] for col in _plain_columns(df)]
    return zip(*columns) if columns else iter(())


def _csv_text(df: "pd.DataFrame") -> str:
    from ..export import csv_text

    columns = _plain_columns(df)
    return csv_text(list(df.columns), zip(*columns) if columns else (), lineterminator="\n")


def _md_text(name: str, df: "pd.DataFrame") -> str:
    def esc(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", " ")

    lines = [f"## {name}", "", "| " + " | ".join(esc(str(c)) for c in df.columns) + " |",
             "|" + "|".join("---" for _ in df.columns) + "|"]
    for row in _text_rows(df):
        lines.append("| " + " | ".join(esc(v) for v in row) + " |")
    return "\n".join(lines) + "\n"


def to_text(tables: Mapping[str, "pd.DataFrame"], fmt: str) -> str:
    """The ``csv``, ``json`` or ``md`` rendering of ``tables``."""
    if fmt == "csv":
        return _csv_text(next(iter(tables.values())))
    if fmt == "json":
        obj = {name: records(df) for name, df in tables.items()}
        return json.dumps(obj, ensure_ascii=False, indent=1) + "\n"
    if fmt == "md":
        return "\n".join(_md_text(name, df) for name, df in tables.items())
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")


def print_tables(tables: Mapping[str, "pd.DataFrame"], fmt: str, console=None, max_rows: int = MAX_ROWS) -> None:
    """Print ``tables`` on standard output in format ``fmt``.

    ``table`` draws rich tables (at most ``max_rows`` rows each, with a
    note of the rest; id columns left out); the other formats write plain
    text, so they pipe.
    """
    if fmt != "table":
        import sys

        text = to_text(tables, fmt)
        if fmt == "csv" and _into_new_file(sys.stdout):
            text = "\ufeff" + text  # `> load.csv`: a BOM, so that Excel reads it as UTF-8 (a pipe gets none)
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from .. import messages
    from ..safe import printable

    if console is None:
        console = Console(highlight=False, soft_wrap=False)
        if not console.is_terminal:
            console = Console(highlight=False, soft_wrap=False, width=WIDTH)
    from ..render.report import for_people

    for name, df in tables.items():
        total = len(df)
        df = for_people(df[[c for c in df.columns if _shown(str(c))]].head(max_rows)) if len(df) else df
        rows = list(_text_rows(df))
        heads = [printable(_header(str(c), df[c].dtype.kind == "O")) for c in df.columns]
        numeric = [df[c].dtype.kind in "iufb" for c in df.columns]
        # a header is never broken inside a word, nor a number: a column is at least as wide as its
        # header (and as its widest number); text folds. As many columns as the terminal holds
        # (3 cells of rule and padding each); the columns left out are named under the table.
        widths = [max([cell_len(h)] + ([cell_len(r[j]) for r in rows] if numeric[j] else []))
                  for j, h in enumerate(heads)]
        room, keep = console.width - 1, 0
        for w in widths:
            room -= w + 3
            if room < 0 and keep:
                break
            keep += 1
        left_out = heads[keep:]
        sizes = _fit_columns(widths[:keep], [max([cell_len(r[j]) for r in rows] + [widths[j]]) for j in range(keep)],
                             [not n for n in numeric[:keep]], console.width - 1 - 3 * keep)
        table = Table(title=printable(messages.table("titles").get(name, name)), title_justify="left",
                      show_lines=False)
        for j in range(keep):
            table.add_column(Text(heads[j], no_wrap=True), justify="right" if numeric[j] else "left",
                             overflow="fold", no_wrap=numeric[j], width=sizes[j])
        for row in rows:
            table.add_row(*(Text(printable(v)) for v in row[:keep]))  # a plan's text: never markup, never a control code
        if total > max_rows:
            table.caption = messages.text("titles.more_rows", n=total - max_rows)
        elif df.empty:
            table.caption = messages.text("titles.no_rows")
        if left_out:
            more = messages.text("titles.more_columns", names="、".join(left_out))
            table.caption = f"{table.caption}\n{more}" if table.caption else more
        console.print(table)


def _fit_columns(floors: list[int], wants: list[int], shrinkable: list[bool], room: int) -> list[int]:
    """Column widths within ``room`` cells: each as wide as its widest value
    (``wants``), the widest text columns narrowed first, never below its
    floor (its header, its widest number).

    >>> _fit_columns([4, 6], [30, 6], [True, False], 20)
    [14, 6]
    """
    sizes = list(wants)
    excess = sum(sizes) - room
    while excess > 0:
        j = max((k for k in range(len(sizes)) if shrinkable[k] and sizes[k] > floors[k]),
                key=lambda k: sizes[k], default=None)
        if j is None:
            break
        others = [sizes[k] for k in range(len(sizes)) if k != j and shrinkable[k] and sizes[k] > floors[k]]
        step = min(excess, sizes[j] - floors[j], max(1, sizes[j] - max(others, default=floors[j])))
        sizes[j] -= step
        excess -= step
    return sizes


def _into_new_file(stream) -> bool:
    """Whether ``stream`` writes to the start of a regular file (standard
    output redirected with ``>``), not to a terminal or a pipe."""
    import os
    import stat

    try:
        fd = stream.fileno()
        return stat.S_ISREG(os.fstat(fd).st_mode) and os.lseek(fd, 0, os.SEEK_CUR) == 0 and stream.tell() == 0
    except (AttributeError, OSError, ValueError):
        return False


def _header(column: str, text: bool = False) -> str:
    """A column's name as people read it: the catalogue's words (``tasks``
    holding text, not a count, is the tasks that bind a cluster)."""
    from .. import messages

    words = messages.table("columns")
    if text and column == "tasks":
        return words["binding_tasks"]
    return words.get(column, column)


def write_tables(tables: Mapping[str, "pd.DataFrame"], out_dir: str | Path) -> list[Path]:
    """Write each table to ``out_dir/<name>.csv`` (UTF-8 with BOM, atomic)."""
    from ..export import write_csv

    out = Path(out_dir)
    return [write_csv(out / f"{name}.csv", records(df), [str(c) for c in df.columns])
            for name, df in tables.items()]
