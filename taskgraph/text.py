"""Text normalisation shared by every reader: NFKC, traditional → simplified,
one spelling for full-width and half-width punctuation.

NFKC folds full-width forms (``（`` → ``(``, ``，`` → ``,``, ``：`` → ``:``), so
after it both widths read alike. Two things NFKC would break are kept apart:
circled numbers (``①`` would become ``1`` and lose its role as a list marker)
and the ideographic brackets ``〔〕【】`` (NFKC leaves those as they are).

Traditional → simplified uses OpenCC (``t2s``), created once per process. On
text that is already simplified it changes nothing (checked on the seeds).
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["normalise_text", "normalise_line", "fold_spaces", "to_simplified", "t2s_changes", "derive_t2s_changes",
           "align", "CIRCLED", "NOT_XML", "BIDI", "INVISIBLE", "clean_document", "codepoints", "name_warnings"]

# ①..⑳ and ㉑..㊿: item markers that NFKC would turn into plain digits.
CIRCLED = "".join(chr(c) for c in range(0x2460, 0x2474)) + "".join(
    chr(c) for c in range(0x3251, 0x3260)
) + "".join(chr(c) for c in range(0x32B1, 0x32C0))
_CIRCLED_RE = re.compile(f"[{CIRCLED}]")
# zero-width and other invisible characters that only get in the way
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0\u3000\u2002-\u200a]+")
# dashes that stand for the same thing in periods such as 2021—2024
_PUNCT = str.maketrans({"\u2014": "—", "\u2015": "—", "\u2500": "—", "\ufe58": "—"})
# str.translate looks up every character in the table, slow on Chinese text:
# a regex finds first whether there is anything to translate at all
_HAS_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_HAS_PUNCT = re.compile("[\u2015\u2500\ufe58]")  # U+2014 maps to itself


@lru_cache(maxsize=1)
def _converter():
    import opencc  # C++ bindings; imported on first use, created once

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → simplified Chinese (OpenCC ``t2s``).

    A text holding none of the characters that OpenCC's t2s dictionaries
    change (:func:`t2s_changes`) is returned as it is, without calling
    OpenCC: it would return it unchanged. Most simplified plans skip it.

    >>> to_simplified("責任單位：市科技局")
    '责任单位：市科技局'
    """
    if not text or text.isascii():
        return text
    changes = t2s_changes()
    if changes is not None and not changes[0].search(text) and not changes[1].search(text):
        return text
    return _converter().convert(text)


#: what OpenCC's t2s changes, as derived for the OpenCC release named in its first line
T2S_CHANGES_FILE = "t2s_changes.txt"
# the dictionaries of OpenCC's t2s.json: its normalisation, then its conversion chain
_T2S_CHARS = ("CJK_Compatibility_Ideographs", "TSCharactersExt", "TSCharacters")
_T2S_PHRASES = ("TSPhrases",)


@lru_cache(maxsize=1)
def t2s_changes() -> "tuple[re.Pattern, re.Pattern] | None":
    """What t2s changes: the characters that one of its character entries
    changes, and a pattern of the phrases it changes that hold none of
    them (瞭然 → 了然, 反覆 → 反复), as two patterns. A text where neither
    matches is left unchanged by t2s. (The characters are one class of the
    Basic Multilingual Plane, which the regex engine tests with a bitmap;
    any character beyond it counts as changed: fewer skips, never a wrong one.)
    Read from ``data/t2s_changes.txt`` (made by :func:`derive_t2s_changes`)
    when it was derived for the installed OpenCC release; None (no skipping)
    otherwise: nothing is derived at run time."""
    from importlib import metadata, resources

    try:
        version = metadata.version("opencc")
    except metadata.PackageNotFoundError:
        version = ""
    try:
        lines = resources.files("taskgraph.data").joinpath(T2S_CHANGES_FILE).read_text("utf-8").splitlines()
    except OSError:
        lines = []
    if not lines or lines[0].split()[-1:] != [version]:
        return None  # derived for another OpenCC: convert every text (correct, only slower)
    cut = lines.index("[phrases]")
    chars, phrases = "".join(lines[1:cut]), [p for p in lines[cut + 1:] if p]
    bmp = "".join(c for c in chars if ord(c) < 0x10000)
    char_pattern = re.compile(f"[{re.escape(bmp)}\U00010000-\U0010FFFF]")
    phrase_pattern = re.compile("|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) or "(?!)")
    return char_pattern, phrase_pattern


def derive_t2s_changes() -> tuple[str, list[str]]:
    """``(characters, phrases)`` that t2s changes, derived from the installed
    OpenCC's own dictionaries (exported with the ``opencc_dict`` program of
    its wheel): the key of every character entry whose value differs, and
    the key of every phrase entry whose value differs and that holds none
    of those characters. t2s changes a text only where one of its entries
    that changes something matches, so a text holding none of these is
    returned unchanged."""
    import subprocess
    import tempfile
    from pathlib import Path

    import opencc

    base = Path(opencc.__file__).parent / "clib"
    tool, share = base / "bin" / "opencc_dict", base / "share" / "opencc"

    def entries(name: str, tmp: str):
        target = Path(tmp) / f"{name}.txt"
        subprocess.run([str(tool), "-i", str(share / f"{name}.ocd2"), "-o", str(target), "-f", "ocd2",
                        "-t", "text"], check=True, capture_output=True, timeout=60)
        for line in target.read_text("utf-8").splitlines():
            key, _, values = line.partition("\t")
            if key and key != values.split(" ")[0]:
                yield key

    chars: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        for name in _T2S_CHARS:
            for key in entries(name, tmp):
                chars.update(key)
        phrases = sorted({key for name in _T2S_PHRASES for key in entries(name, tmp) if chars.isdisjoint(key)})
    return "".join(sorted(chars)), phrases


def _nfkc(text: str) -> str:
    if not _CIRCLED_RE.search(text):
        return unicodedata.normalize("NFKC", text)
    out, last = [], 0
    for m in _CIRCLED_RE.finditer(text):
        out.append(unicodedata.normalize("NFKC", text[last : m.start()]))
        out.append(m.group())
        last = m.end()
    out.append(unicodedata.normalize("NFKC", text[last:]))
    return "".join(out)


def normalise_text(text: str) -> str:
    """Normalise a whole text: NFKC (circled numbers kept), simplified
    characters, invisible characters dropped. Line breaks are kept.

    >>> normalise_text("（責任單位：市科技局，各縣（市）區政府）①")
    '(责任单位:市科技局,各县(市)区政府)①'
    """
    if _HAS_INVISIBLE.search(text):
        text = text.translate(_INVISIBLE)
    text = _nfkc(text)
    if _HAS_PUNCT.search(text):
        text = text.translate(_PUNCT)
    return to_simplified(text)


def normalise_line(line: str) -> str:
    """Normalise one line and fold its runs of white space to one space."""
    return fold_spaces(normalise_text(line))


def fold_spaces(text: str) -> str:
    """Fold runs of white space to one space and trim: the last step of
    :func:`normalise_line`, for text that went through :func:`normalise_text`."""
    if "  " not in text and "\t" not in text and not _OTHER_SPACE.search(text):
        return text.strip()  # most lines: nothing to fold (one pass in C, not a regex substitution)
    return _SPACES.sub(" ", text).strip()


_OTHER_SPACE = re.compile("[\u00a0\u3000\u2002-\u200a]")


_WHITE = frozenset(" \t\u00a0\u3000\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a")


def align(raw: str, shown: str, norm: str | None = None) -> list[int] | None:
    """Where each character of ``shown`` (``normalise_line(raw)``) stands in
    ``raw``: ``offsets[i]`` is the index in ``raw`` of the character that
    became ``shown[i]``, and ``offsets[len(shown)]`` the end. None when the
    two cannot be aligned character by character (a conversion that changed
    a phrase's length). ``norm``, if known, is ``normalise_text(raw)``
    (white space not folded): it saves normalising again.

    >>> raw = "（責任單位：市科技局）"
    >>> shown = normalise_line(raw)
    >>> o = align(raw, shown)
    >>> shown[7:10], raw[o[7]:o[10]]
    ('科技局', '科技局')
    >>> raw = "  甲  乙 "
    >>> o = align(raw, normalise_line(raw))
    >>> o
    [2, 4, 5, 6]
    """
    if raw == shown:
        return list(range(len(raw) + 1))
    fast = _align_fast(raw, shown, norm)
    if fast is not None:
        return fast
    chars: list[str] = []
    where: list[int] = []
    for j, ch in enumerate(raw):
        if ord(ch) in _INVISIBLE:
            continue
        if ch.isascii():
            out = ch
        elif _CIRCLED_RE.match(ch):
            out = ch
        else:
            out = unicodedata.normalize("NFKC", ch)
            if _HAS_PUNCT.search(out):
                out = out.translate(_PUNCT)
        for c in out:
            chars.append(c)
            where.append(j)
    flat = "".join(chars)
    simple = to_simplified(flat)
    if len(simple) != len(flat):
        return None
    # fold white space as fold_spaces does: runs to one space, ends trimmed
    out_chars: list[str] = []
    out_where: list[int] = []
    space = False
    for c, j in zip(simple, where):
        if c in _WHITE or c.isspace():
            space = True
            continue
        if space and out_chars:
            out_chars.append(" ")
            out_where.append(j - 1)
        space = False
        out_chars.append(c)
        out_where.append(j)
    if "".join(out_chars) != shown:
        return None
    out_where.append(out_where[-1] + 1 if out_where else 0)
    return out_where


_RUNS = re.compile(r"[^\s\u00a0\u3000\u2002-\u200a]+")


def _align_fast(raw: str, shown: str, norm: str | None = None) -> list[int] | None:
    """:func:`align` when normalising changed no character's length (the
    common case: full-width punctuation, traditional characters): only the
    folding of white space moves characters."""
    if _HAS_INVISIBLE.search(raw):
        return None
    flat = normalise_text(raw) if norm is None else norm
    if len(flat) != len(raw):
        return None
    out: list[int] = []
    pieces: list[str] = []
    for m in _RUNS.finditer(flat):
        if out:
            out.append(m.start() - 1)
            pieces.append(" ")
        out.extend(range(m.start(), m.end()))
        pieces.append(m.group())
    if "".join(pieces) != shown:
        return None
    out.append(out[-1] + 1 if out else 0)
    return out


# ----------------------------------------------------------------- unwritable and invisible characters

#: Characters XML 1.0 cannot hold — C0 controls but tab and line feed,
#: U+FFFE, U+FFFF, lone surrogates. Every structured writer (GraphML, GEXF,
#: xlsx, docx, HTML, SVG) writes XML, so none of them may reach it.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
#: Marks that reorder text on screen without being seen (bidirectional
#: embeddings, overrides, isolates and marks): a name holding one can show
#: as another.
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: Invisible characters that normalising drops from the text (zero-width
#: space, joiners, word joiner, BOM, soft hyphen, invisible operators).
INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u2061-\u2064]")
_UNCLEAN = re.compile(f"{NOT_XML.pattern}|{BIDI.pattern}")
#: Lines of one document warned about one by one; the rest are counted in one warning.
MAX_CLEAN_WARNINGS = 20


def codepoints(chars) -> str:
    """``U+0001, U+202E`` for the distinct characters of ``chars``, in order."""
    return ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(chars))


def _strip(text: str | None) -> str | None:
    return text if text is None or not _UNCLEAN.search(text) else _UNCLEAN.sub("", text)


def clean_document(document):
    """``document`` (as read) with every character no writer may take removed
    from its lines — those XML cannot hold (:data:`NOT_XML`) and the marks
    that reorder text (:data:`BIDI`) — from the text, the cells and the line
    as written alike, with a warning naming the file and the line of each.
    A document holding none comes back as it is (one search per line)."""
    from dataclasses import replace

    from .model import Diagnostic, LineSource

    notes: list = []
    lines = document.lines
    changed = False
    for i, line in enumerate(lines):
        src = line.src
        # the text and cells derive from the line as written, and normalising
        # never makes such a character: one search of the raw line tells
        if not _UNCLEAN.search(src.raw if src is not None and not line.cells else
                                "\n".join((line.text, *(line.cells or ()), src.raw if src else ""))):
            continue
        found = [t for t in (line.text, *(line.cells or ()), *((src.raw, src.shown, src.norm) if src else ()))
                 if t and _UNCLEAN.search(t)]
        if not changed:
            lines, changed = list(lines), True
        bad = "".join("".join(_UNCLEAN.findall(t)) for t in found)
        if src is not None:
            shown = fold_spaces(_strip(src.shown))
            norm = _strip(src.norm)
            src = LineSource(_strip(src.raw), shown, src.gaps, None if norm is None else norm)
        text = fold_spaces(_strip(line.text))
        cells = None if line.cells is None else tuple(fold_spaces(_strip(c)) for c in line.cells)
        lines[i] = replace(line, text=text, cells=cells, src=src) if text or any(cells or ()) else None
        if len(notes) < MAX_CLEAN_WARNINGS:
            xml, bidi = NOT_XML.findall(bad), BIDI.findall(bad)
            what = []
            if xml:
                what.append(f"control or non-characters no spreadsheet or XML file can hold ({codepoints(xml)})")
            if bidi:
                what.append(f"marks that reorder text on screen ({codepoints(bidi)})")
            notes.append(Diagnostic(document.source, "removed " + " and ".join(what), line.no, "warning",
                                    "control-chars" if xml else "bidi"))
        else:
            notes.append(None)
    if not changed:
        return document
    lines = [line for line in lines if line is not None]  # a line that held nothing else is gone
    shown = [n for n in notes if n is not None]
    if len(notes) > len(shown):
        shown.append(Diagnostic(document.source, f"removed such characters from {len(notes) - len(shown)} more "
                                f"lines", None, "warning", "control-chars"))
    return replace(document, lines=lines, diagnostics=[*document.diagnostics, *shown])


# letters of scripts whose shapes copy Latin or Han strokes (Cyrillic, Greek),
# and Latin full-width forms NFKC did not see: in a Chinese unit name, a
# lookalike of another name
_LOOKALIKE = re.compile("[\u0370-\u03ff\u0400-\u052f]")


def name_warnings(plan) -> list:
    """Warnings about unit names that look like another name: one written with
    an invisible character (read without it, so it is the same unit as the
    name without), or holding Cyrillic or Greek letters among Chinese
    (a lookalike of a name, kept as written). One per name and line."""
    from .model import Diagnostic

    out, seen = [], set()
    for a in plan.assignments:
        key = (a.unit, a.line)
        if key in seen:
            continue
        seen.add(key)
        hidden = INVISIBLE.findall(a.written) if a.written else []
        if hidden:
            out.append(Diagnostic(plan.source, f"unit name {a.unit} is written with invisible characters "
                                  f"({codepoints(hidden)}); read without them", a.line, "warning", "invisible"))
        odd = _LOOKALIKE.findall(a.unit)
        if odd and re.search("[\u4e00-\u9fff]", a.unit):
            out.append(Diagnostic(plan.source, f"unit name {a.unit} holds letters of another script that look "
                                  f"like others ({', '.join(f'{c} {codepoints(c)}' for c in dict.fromkeys(odd))}); "
                                  f"kept as written: check it", a.line, "warning", "lookalike"))
    return out
