"""Exceptions the library raises. Their ``str()`` is the message a user sees."""
from __future__ import annotations

__all__ = ["TaskgraphError", "ReadError", "UsageError", "OutputError"]


class TaskgraphError(Exception):
    """Base of every error taskgraph raises on purpose."""


class ReadError(TaskgraphError):
    """A file could not be read as a plan.

    ``str(e)`` is one line naming the file (and line, where it helps).
    """

    def __init__(self, source: str, reason: str, line: int | None = None):
        self.source = source
        self.reason = reason
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.reason}"


class UsageError(TaskgraphError):
    """The call itself is wrong (bad option value, unknown place…)."""


class OutputError(TaskgraphError):
    """The results cannot be written (a full or read-only disk, permissions,
    a file where a folder must go, a link leading out of the output folder).
    ``str(e)`` is one line naming the path and saying what to do."""
