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
        return "true" if v else "false"
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

        sys.stdout.write(to_text(tables, fmt))
        sys.stdout.flush()
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..safe import printable

    if console is None:
        console = Console(highlight=False, soft_wrap=False)
        if not console.is_terminal:
            console = Console(highlight=False, soft_wrap=False, width=WIDTH)
    for name, df in tables.items():
        df = df[[c for c in df.columns if _shown(str(c))]]
        table = Table(title=name, title_justify="left", show_lines=False)
        for c in df.columns:
            numeric = df[c].dtype.kind in "iuf"
            table.add_column(Text(printable(c)), justify="right" if numeric else "left", overflow="fold")
        for row in _text_rows(df.head(max_rows)):
            table.add_row(*(Text(printable(v)) for v in row))  # a plan's text: never markup, never a control code
        if len(df) > max_rows:
            table.caption = f"… {len(df) - max_rows} more rows (use --format csv or -o)"
        elif df.empty:
            table.caption = "(no rows)"
        console.print(table)


def write_tables(tables: Mapping[str, "pd.DataFrame"], out_dir: str | Path) -> list[Path]:
    """Write each table to ``out_dir/<name>.csv`` (UTF-8 with BOM, atomic)."""
    from ..export import write_csv

    out = Path(out_dir)
    return [write_csv(out / f"{name}.csv", records(df), [str(c) for c in df.columns])
            for name, df in tables.items()]
