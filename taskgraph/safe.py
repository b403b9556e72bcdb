"""Untrusted text on its way out: spreadsheet cells, file names, terminal lines.

Plans come from web pages and unknown senders, so every piece of their text
(titles, task texts, unit names, file names) is untrusted. Three rules, each
one function that every writer uses:

* **No formula.** A spreadsheet takes a cell starting with ``=``, ``+``,
  ``-``, ``@``, tab or carriage return for a formula. :func:`csv_cell`
  escapes such a text cell the way OWASP's CSV-injection guidance says, with
  a leading ``'``; :func:`xlsx_text` stores a workbook cell as text, never
  as a formula.
* **Output names that cannot collide or overflow.** :func:`output_stems`
  maps documents (or places) to file-name stems, unique by construction and
  at most :data:`MAX_STEM_BYTES` bytes of UTF-8.
* **Printable messages.** :func:`printable` escapes control characters, so a
  file name with a newline in it cannot forge a line on the terminal.

Standard library only: the command line imports it on start-up.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from typing import Iterable

__all__ = ["FORMULA_START", "formula_like", "csv_cell", "uncsv_cell", "xlsx_text", "MAX_STEM_BYTES",
           "output_stems", "cut_utf8", "decoded", "printable"]

# ------------------------------------------------------------------ cells

#: First characters that make a spreadsheet read a cell as a formula
#: (OWASP, "CSV Injection": equals, plus, minus, at, tab, carriage return).
FORMULA_START = frozenset("=+-@\t\r")

# a text the escape has to touch: a formula start, after any number of
# quotes (so that a text that really starts with ' before = stays
# tellable from an escaped one, and unescaping is exact)
_ESCAPED = re.compile(r"'*[=+\-@\t\r]")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula."""
    return bool(text) and text[0] in FORMULA_START


def csv_cell(value: object) -> object:
    """A CSV cell's value, escaped against formula injection.

    A text starting with one of :data:`FORMULA_START` gets a leading ``'``
    (OWASP's advice), so Excel, WPS and LibreOffice show it as text. So does
    a text made of quotes then such a character, so that
    :func:`uncsv_cell` gives back exactly what was escaped. Numbers stay
    numbers (``-1`` is a number, not a formula); other values pass as they
    are.

    >>> csv_cell('=HYPERLINK("http://x.example/")'), csv_cell("-1"), csv_cell(-1), csv_cell("区财政局")
    ('\\'=HYPERLINK("http://x.example/")', "'-1", -1, '区财政局')
    """
    if type(value) is str and value and (value[0] in FORMULA_START or (value[0] == "'" and _ESCAPED.match(value))):
        return "'" + value
    return value


def uncsv_cell(text: str) -> str:
    """The value :func:`csv_cell` escaped: one leading ``'`` taken off where
    the escape put it. For scripts that read taskgraph's CSV files as data.

    >>> uncsv_cell("'=1+2"), uncsv_cell("''=1"), uncsv_cell("'引号")
    ('=1+2', "'=1", "'引号")
    """
    return text[1:] if text[:1] == "'" and _ESCAPED.match(text, 1) else text


def xlsx_text(cell) -> None:
    """Make an openpyxl cell that holds a string a text cell, whatever the
    string: openpyxl takes a string starting with ``=`` for a formula, and
    writes it as one. The cell is written as an inline string (``t="inlineStr"``,
    no ``<f>``), so Excel, WPS and LibreOffice show the text exactly as
    written; one that looks like a formula also gets Excel's quote prefix
    (the style of a cell typed with a leading ``'``), so that editing it
    keeps it text. Call it after the value is set."""
    value = cell.value
    if isinstance(value, str):
        cell.data_type = "s"
        if formula_like(value):
            cell.quotePrefix = True


# ------------------------------------------------------------------ names

#: Longest file-name stem, in bytes of UTF-8. File systems allow 255 bytes
#: for a name; a stem leaves room for what the writers add around it
#: (``bipartite-``, ``-责任矩阵.xlsx``) and for the temporary name of an
#: atomic write.
MAX_STEM_BYTES = 100
_HASH = 8  # hex digits of the hash that tells stems apart

# separators, characters Windows refuses in a name, control characters
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f\u2028\u2029]+')
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


def cut_utf8(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` bytes of UTF-8, at a character boundary."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return text
    return data[:limit].decode("utf-8", "ignore").rstrip(" .")


def _readable(name: str, drop_suffix: bool) -> str:
    if drop_suffix:
        head, dot, tail = name.rpartition(".")
        if dot and head and "/" not in tail and "\\" not in tail:
            name = head
    name = name.encode("utf-8", "surrogatepass").decode("utf-8", "replace")  # bytes of a file name not in UTF-8
    return _UNSAFE.sub("_", name).strip(" .")


def _fold(stem: str) -> str:
    """Stems that a case-insensitive or normalising file system (macOS,
    Windows) takes for one name fold to the same key."""
    return unicodedata.normalize("NFC", stem).casefold()


def _hashed(name: str, readable: str, digits: int) -> str:
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:digits]
    head = cut_utf8(readable, MAX_STEM_BYTES - 1 - digits)
    return f"{head}-{digest}" if head else digest


def output_stems(names: Iterable[str], *, drop_suffix: bool = False, reserved: Iterable[str] = ()) -> list[str]:
    """A file-name stem for each name (a document's name, a place), in order.

    The stem is the name itself where it can be (``x/a.txt`` → ``x_a`` with
    ``drop_suffix``): path separators, characters Windows refuses and
    control characters become ``_``. Where that stem would be ambiguous — two
    names give it (``p/q.txt`` and ``p_q.txt``; ``A`` and ``a`` on a
    case-insensitive disk), it is one of ``reserved`` (a name the caller
    uses itself), a Windows device name, empty, or over
    :data:`MAX_STEM_BYTES` bytes and cut — it ends in ``-`` and a short hash
    of the whole name instead (longer, in the unlikely case that it still
    meets another stem). Different names get different stems, and a name's
    stem does not depend on the order of the names: unique by construction,
    not by a counter.

    >>> output_stems(["x/a.txt", "y/a.txt", "a-2.txt"], drop_suffix=True)
    ['x_a', 'y_a', 'a-2']
    >>> output_stems(["p/q.txt", "p_q.txt"], drop_suffix=True)
    ['p_q-146fc8fd', 'p_q-9bd0abb8']
    """
    names = list(names)
    readable = {name: _readable(name, drop_suffix) for name in dict.fromkeys(names)}
    counts = Counter(_fold(r) for r in readable.values())
    taken = {_fold(r) for r in reserved}
    stems = {}
    for name, r in readable.items():
        clear = (r and counts[_fold(r)] == 1 and _fold(r) not in taken and r.split(".")[0].upper() not in
                 _WINDOWS_DEVICES and len(r.encode("utf-8", "surrogatepass")) <= MAX_STEM_BYTES)
        stems[name] = r if clear else _hashed(name, r, _HASH)
    for digits in (16, 32, 64):  # a readable stem that equals another's hashed one, or two hashes that meet
        clash = Counter(_fold(s) for s in stems.values())
        clash.update(taken)
        crowded = [name for name, s in stems.items() if clash[_fold(s)] > 1]
        if not crowded:
            break
        for name in crowded:
            stems[name] = _hashed(name, readable[name], digits)
    return [stems[name] for name in names]


# --------------------------------------------------------------- messages

# control characters (C0, DEL, C1), line and paragraph separators, and the
# marks that reorder text on screen (bidirectional embeddings, overrides,
# isolates): shown as escapes, never acted on by the terminal
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    c = match.group()
    if c in _NAMED:
        return _NAMED[c]
    code = ord(c)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# what UTF-8 or XML cannot hold: lone surrogates (bytes of a file name that
# are not UTF-8), C0 controls but tab and line feed, U+FFFE, U+FFFF
_SURROGATE = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def decoded(text: str) -> str:
    """``text`` with the bytes of a file name that are not UTF-8 (which
    Python keeps as lone surrogates) written ``\\xNN``, and the control
    characters XML cannot hold written as escapes too (``\\x01``), so that
    it can be written as UTF-8 into a table, a workbook or a graph file.
    Other text comes back as it is.

    >>> decoded("plan\\udcff.txt")
    'plan\\\\xff.txt'
    """
    return _SURROGATE.sub(_escape, text) if _SURROGATE.search(text) else text


def printable(text: object) -> str:
    """``text`` (a message, a file name) safe to print on a terminal: control
    characters become escapes (``\\n``, ``\\x1b``, ``\\u202e``), bytes of a
    file name that are not UTF-8 become ``\\xNN``, so a line printed is one
    line and shows what it says. Every message of the command line that
    names a path goes through it.

    >>> printable("plan\\nerror: forged.txt")
    'plan\\\\nerror: forged.txt'
    """
    return _CONTROL.sub(_escape, str(text))
