"""What people take away: tables, figures and the report.

* :mod:`~taskgraph.render.tables` — the 任务分工表 (xlsx, docx, csv, md,
  html), the responsibility matrix, workbooks of analysis tables;
* :mod:`~taskgraph.render.figures` — matplotlib figures (PNG, SVG, PDF);
* :mod:`~taskgraph.render.style` — fonts, palette and figure settings;
* :mod:`~taskgraph.render.report` — ``index.html`` and
  :func:`~taskgraph.render.report.write_report`, which writes everything.

Importing this package loads nothing heavy; openpyxl, python-docx and
matplotlib load with the modules that use them::

    >>> from taskgraph.render import write_report
    >>> write_report(taskgraph.load(), "outputs")        # doctest: +SKIP
"""
from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = ["write_report"]

if TYPE_CHECKING:  # pragma: no cover
    from .report import write_report


def __getattr__(name: str):
    if name == "write_report":
        from .report import write_report

        return write_report
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
