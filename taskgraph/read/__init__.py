"""Read a plan file into a :class:`~taskgraph.model.Document`.

The read stage turns bytes into normalised lines and says what it could not
trust. One entry, :func:`read_document`, sniffs the format by content
(:mod:`.sniff`: magic bytes, zip members, OLE streams; the suffix only where
content cannot tell) and hands the bytes to the reader of that format, one
module each:

========== ============================================================
``plain``  text in UTF-8, GB18030/GBK, Big5 or UTF-16
``html``   web pages (main content kept, menus and scripts dropped)
``docx``   Word .docx: paragraphs and tables in document order
``pdf``    PDF text layer, wrapped lines joined, tables read as cells
``office`` Word 97-2003 .doc and WPS .wps, through LibreOffice headless
``odt``    OpenDocument text
``rtf``    Rich Text Format
``sheet``  分工表 workbooks: .xlsx, .xls, WPS .et, .ods
``delimited`` 分工表 as CSV / TSV
``markdown`` Markdown: pipe tables as cells, markup taken off
``ofd``    OFD (GB/T 33190) text layer
========== ============================================================

A reader is a module with ``read(source, data) -> (lines, encoding,
diagnostics)``; adding a format is one module and one entry in
:data:`READERS`. Every document's lines then go through the same checks
(mojibake, spam). Heavy libraries are imported only when a file needs them.
"""
from __future__ import annotations

import hashlib
import importlib
import logging
import os
import stat
import sys
from collections.abc import Iterable, Iterator

from ..errors import ReadError
from ..model import Diagnostic, Document
from ._zip import one_line as _one_line
from .paths import SUPPORTED_SUFFIXES, expand_paths, plan_sources

__all__ = ["SUPPORTED_SUFFIXES", "MAX_TEXT_BYTES", "MAX_FILE_BYTES", "READERS", "expand_paths", "read_document",
           "iter_documents", "plan_sources", "read_or_diagnose", "read_stdin"]

log = logging.getLogger(__name__)

# Size limits, checked before a file is read into memory. A plan's text is
# rarely over 1 MB: text and HTML over MAX_TEXT_BYTES are refused (reading
# 16 MB of text already takes several seconds), and any file over
# MAX_FILE_BYTES (a .docx or PDF may carry images).
MAX_TEXT_BYTES = 16 * 1024 * 1024
MAX_FILE_BYTES = 128 * 1024 * 1024

#: kind (see :func:`taskgraph.read.sniff.sniff`) -> module reading it
READERS = {
    "text": "plain", "html": "html", "docx": "docx", "pdf": "pdf", "office": "office", "odt": "odt",
    "rtf": "rtf", "sheet": "sheet", "delimited": "delimited", "ofd": "ofd", "markdown": "markdown",
}
_TEXT_KINDS = ("text", "html", "delimited", "rtf", "markdown")  # held to MAX_TEXT_BYTES


def iter_documents(paths: Iterable[str | os.PathLike]) -> Iterator[Document | Diagnostic]:
    """Read the plans that ``paths`` name, one at a time.

    Yields each :class:`Document` as it is read, or, for an argument or file
    that cannot be read, an error :class:`Diagnostic`; one bad file never
    stops the run.
    """
    sources, diagnostics = plan_sources(paths)
    yield from diagnostics
    for path, name in sources:
        yield read_or_diagnose(path, name)


def read_or_diagnose(path: str, name: str | None = None, data: bytes | None = None) -> Document | Diagnostic:
    """:func:`read_document`, with a file that cannot be read turned into an
    error :class:`Diagnostic` instead of an exception."""
    try:
        return read_document(path, data, name=name)
    except ReadError as e:
        return Diagnostic(e.source, e.reason, e.line, level="error", code="unreadable")
    except Exception as e:  # a library choking on a damaged file
        log.debug("unexpected error reading %s", path, exc_info=True)
        reason = f"could not read the file ({type(e).__name__}: {_one_line(e)})"
        return Diagnostic(path, reason, level="error", code="unreadable")


_STDIN_CLOSED = "standard input is closed: nothing to read (name a file, or pipe a plan in)"


def read_stdin() -> bytes | None:
    """The bytes of standard input (at most one byte over the size limit),
    or None when it is closed (``taskgraph extract - <&-``)."""
    stream = getattr(sys.stdin, "buffer", sys.stdin)
    if stream is None:
        return None
    try:
        data = stream.read(MAX_FILE_BYTES + 1)
    except (OSError, ValueError):  # a closed descriptor or file object
        return None
    return data if isinstance(data, bytes) else data.encode("utf-8", "surrogateescape")


def read_document(source: str | os.PathLike, data: bytes | None = None, *, name: str | None = None) -> Document:
    """Read one plan file (or ``-`` for standard input) into a Document.

    Parameters
    ----------
    source
        The path as given; ``-`` reads standard input (named ``stdin.txt``).
    data
        The file's bytes, if already in memory; otherwise the file is read.
    name
        The document's name (its key in every table); default the file name.

    Raises
    ------
    ReadError
        The input is empty, binary, damaged, encrypted, a zip bomb, a scanned
        PDF without text layer, text in no encoding we can decode, a format
        taskgraph does not read, or one whose reader needs a program that is
        not installed.
    """
    from .checks import check_lines
    from .sniff import sniff

    source = os.fspath(source)
    if source == "-":
        source, name = "<stdin>", "stdin.txt"
        if data is None:
            data = read_stdin()
            if data is None:
                raise ReadError(source, _STDIN_CLOSED)
    else:
        name = name or os.path.basename(source) or source
        if data is None:
            data = _read_bytes(source, os.path.splitext(name)[1].lower())
    if not data.strip(b" \t\r\n\x00"):
        raise ReadError(source, "file is empty")

    suffix = os.path.splitext(name)[1].lower()
    kind = sniff(source, data, suffix)
    _check_size(source, len(data), kind)
    reader = importlib.import_module(f".{READERS[kind]}", __name__)
    lines, encoding, diagnostics = reader.read(source, data)
    if not lines:
        raise ReadError(source, "no text found in the file")
    check_lines(source, lines, diagnostics, checked=kind == "text")
    return Document(source, name, lines, _format_name(kind, data, suffix), encoding, diagnostics,
                    sha256=hashlib.sha256(data).hexdigest(), size=len(data))


def _format_name(kind: str, data: bytes, suffix: str) -> str:
    """What ``documents.csv`` records as the format: the kind, made precise
    where one reader reads several (``doc`` / ``wps``, ``xlsx`` / ``xls`` /
    ``et`` / ``ods``, ``csv``)."""
    if kind == "office":
        return "wps" if suffix == ".wps" else "doc"
    if kind == "sheet":
        if data.startswith(b"PK"):
            return "ods" if b"opendocument.spreadsheet" in data[:200] else "xlsx"
        return "et" if suffix == ".et" else "xls"
    if kind == "delimited":
        return "tsv" if suffix == ".tsv" else "csv"
    return kind


_SPECIAL = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
            (stat.S_ISBLK, "a device"))


def _refuse_special(path: str, mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise ReadError(path, "is a folder, not a file")
    for test, what in _SPECIAL:
        if test(mode):
            raise ReadError(path, f"is {what}, not a file: refused unread")
    if not stat.S_ISREG(mode):
        raise ReadError(path, "is not a regular file: refused unread")


def _nonblocking(path, flags):
    """Open without blocking: a FIFO swapped in after the check is refused, not waited on."""
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def _read_bytes(path: str, suffix: str) -> bytes:
    """The file's bytes; a special file (FIFO, socket, device) is refused
    unread, and a file too large for a plan from its size and first bytes,
    before it is read."""
    from .sniff import sniff

    try:
        _refuse_special(path, os.stat(path).st_mode)  # before open(): opening a FIFO waits for a writer
        with open(path, "rb", opener=_nonblocking) as f:
            _refuse_special(path, os.fstat(f.fileno()).st_mode)
            size = os.fstat(f.fileno()).st_size
            if size > MAX_TEXT_BYTES:
                _check_size(path, size, sniff(path, f.read(4096), suffix, partial=True))
                f.seek(0)
            return f.read(MAX_FILE_BYTES + 1)  # a file still growing is cut here, then refused
    except FileNotFoundError:
        raise ReadError(path, "path does not exist") from None
    except OSError as e:
        raise ReadError(path, f"cannot open the file: {_one_line(e.strerror or e)}") from None


def _check_size(source: str, size: int, kind: str) -> None:
    """Refuse text or HTML over MAX_TEXT_BYTES and any file over MAX_FILE_BYTES."""
    text = kind in _TEXT_KINDS
    limit = min(MAX_TEXT_BYTES, MAX_FILE_BYTES) if text else MAX_FILE_BYTES
    if size > limit:
        what = f"{_mb(size)} of text" if text else f"a {_mb(size)} {_KIND_NAMES.get(kind, '.' + kind)} file"
        raise ReadError(
            source, f"refused: {what} is too large for a plan (the limit is {_mb(limit)}; a plan is rarely over 1 MB)"
        )


_KIND_NAMES = {"office": "Word 97-2003 / WPS", "sheet": "workbook"}


def _mb(size: int) -> str:
    return f"{size / 2**20:.0f} MB" if size >= 2**20 else f"{max(size // 1024, 1)} KB"
