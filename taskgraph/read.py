"""Read a plan file into a :class:`~taskgraph.model.Document`.

The read stage turns bytes into normalised lines and says what it could not
trust. It sniffs the format by content first (a zip archive is a ``.docx``,
``%PDF`` a PDF, ``<html`` a web page) and by the suffix second, then:

* plain text: decodes UTF-8, GB18030/GBK, Big5 or UTF-16 (with or without a
  byte-order mark), flags lines that look mis-encoded, and splits rows of
  tables flattened with ``|``, tabs or runs of spaces into cells;
* ``.docx``: reads ``word/document.xml`` (refusing zip bombs and DOCTYPEs),
  paragraphs and table rows in document order;
* ``.html``: keeps the main content, drops menus, scripts and footers;
* ``.pdf``: extracts the text layer and rejoins wrapped lines.

Every line goes through :func:`taskgraph.text.normalise_line`. Heavy
libraries (lxml, pypdf, charset-normalizer) are imported only when a file
needs them.
"""
from __future__ import annotations

import codecs
import glob
import io
import logging
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from .errors import ReadError
from .model import Diagnostic, Document, Line, LineSource
from .text import fold_spaces, normalise_line, normalise_text

__all__ = ["SUPPORTED_SUFFIXES", "MAX_TEXT_BYTES", "MAX_FILE_BYTES", "expand_paths", "read_document", "iter_documents",
           "plan_sources", "read_or_diagnose"]

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".txt", ".text", ".md", ".docx", ".html", ".htm", ".xhtml", ".pdf")

# Size limits, checked before a file is read into memory. A plan's text is
# rarely over 1 MB: text and HTML over MAX_TEXT_BYTES are refused (reading
# 16 MB of text already takes several seconds), and any file over
# MAX_FILE_BYTES (a .docx or PDF may carry images).
MAX_TEXT_BYTES = 16 * 1024 * 1024
MAX_FILE_BYTES = 128 * 1024 * 1024

# word/document.xml larger than this is refused; so is one that inflates
# more than _MAX_ZIP_RATIO times its compressed size (a zip bomb).
_MAX_XML_BYTES = 128 * 1024 * 1024
_MAX_ZIP_RATIO = 200
_RATIO_CHECK_FROM = 8 * 1024 * 1024  # small parts may compress very well


# --------------------------------------------------------------------------
# Paths
# --------------------------------------------------------------------------


def expand_paths(paths: Iterable[str | os.PathLike]) -> tuple[list[str], list[Diagnostic]]:
    """Expand files, folders, glob patterns and ``-`` (standard input).

    Folders are searched recursively for files with a supported suffix
    (hidden files and folders skipped); a file named explicitly is accepted
    whatever its suffix, since its content is sniffed. The order is that of
    the arguments, each expansion sorted; a path met twice is kept once.

    Returns the paths and the error diagnostics for arguments that named
    nothing readable.
    """
    found: list[str] = []
    diagnostics: list[Diagnostic] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        key = path if path == "-" else os.path.normcase(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            found.append(path)

    for arg in paths:
        arg = os.fspath(arg)
        if arg == "-":
            add(arg)
        elif os.path.isdir(arg):
            files = _plans_in_folder(arg)
            if not files:
                diagnostics.append(_path_error(arg, _NO_PLANS, "no-plans"))
            for path in files:
                add(path)
        elif os.path.exists(arg):
            add(arg)
        elif re.search(r"[*?[]", arg):  # a glob pattern
            files = _plans_matching(arg)
            if not files:
                diagnostics.append(_path_error(arg, "no plans match this pattern", "no-match"))
            for path in files:
                add(path)
        else:
            diagnostics.append(_path_error(arg, "path does not exist", "missing-path"))
    return found, diagnostics


_NO_PLANS = "no plans found in folder (looked for .txt .docx .html .pdf)"


def _path_error(path: str, message: str, code: str) -> Diagnostic:
    return Diagnostic(source=path, message=message, level="error", code=code)


def _is_plan_file(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES


def _plans_in_folder(folder: str) -> list[str]:
    """Plan files under ``folder``, except hidden ones and the files a
    taskgraph run wrote there (listed in a ``.taskgraph-manifest.json``: an
    ``index.html`` or a 分工表 ``.docx`` is output, not a plan)."""
    root = Path(folder)
    files = []
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if _is_plan_file(path):
            files.append(path)
    written = _written_by_taskgraph(root, files)
    return [str(p) for p in sorted(files, key=lambda p: p.relative_to(root).parts) if p not in written]


def _written_by_taskgraph(root: Path, files: list[Path]) -> set[Path]:
    from .export import MANIFEST, read_manifest

    folders = {root}
    for path in files:  # every folder from a file up to root may hold a manifest
        folder = path.parent
        while folder not in folders:
            folders.add(folder)
            folder = folder.parent
    written: set[Path] = set()
    for folder in folders:
        if (folder / MANIFEST).is_file():
            written.update(folder / name for name in read_manifest(folder))
    return written


def _plans_matching(pattern: str) -> list[str]:
    files: list[str] = []
    for match in sorted(glob.glob(pattern, recursive=True)):
        if os.path.isdir(match):
            files.extend(_plans_in_folder(match))
        elif _is_plan_file(Path(match)):
            files.append(match)
    return files


# --------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------


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


def plan_sources(paths: Iterable[str | os.PathLike]) -> tuple[list[tuple[str, str | None]], list[Diagnostic]]:
    """The files ``paths`` name, each with its document name, and the error
    diagnostics of the arguments that name nothing readable (see
    :func:`expand_paths`). :func:`iter_documents` reads them in turn; a
    process pool or a cluster can read them anywhere with
    :func:`read_or_diagnose`."""
    files, diagnostics = expand_paths(paths)
    names = _unique_names(files)
    return [(path, names.get(path)) for path in files], diagnostics


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


def _unique_names(files: list[str]) -> dict[str, str]:
    """A document name per file: its file name, or, when two files of a run
    share it, as many of its folders as tell them apart (``a/plan.txt`` and
    ``b/plan.txt``): the name is the document's key in every table.

    >>> _unique_names(["x/a/plan.txt", "y/b/plan.txt", "z/other.txt"])
    {'x/a/plan.txt': 'a/plan.txt', 'y/b/plan.txt': 'b/plan.txt', 'z/other.txt': 'other.txt'}
    """
    parts = {f: Path(os.path.abspath(f)).parts for f in files if f != "-"}
    names: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    for f, p in parts.items():
        groups.setdefault(p[-1], []).append(f)
    for group in groups.values():
        for depth in range(1, max(len(parts[f]) for f in group) + 1):
            tails = {f: "/".join(parts[f][-depth:]) for f in group}
            if len(set(tails.values())) == len(group):
                names.update(tails)
                break
    return names


def _one_line(error: object) -> str:
    """A library's message as one line (lxml's span several)."""
    return " ".join(str(error).split())


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
        The input is empty, binary, damaged, a zip bomb, a scanned PDF
        without text layer, or text in no encoding we can decode.
    """
    source = os.fspath(source)
    if source == "-":
        source, name = "<stdin>", "stdin.txt"
        if data is None:
            data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
    else:
        name = name or os.path.basename(source) or source
        if data is None:
            data = _read_bytes(source, os.path.splitext(name)[1].lower())
    if not data.strip(b" \t\r\n\x00"):
        raise ReadError(source, "file is empty")

    kind = _sniff_format(source, data, os.path.splitext(name)[1].lower())
    _check_size(source, len(data), kind)
    if kind == "text":
        lines, encoding, diagnostics = _read_text(source, data)
    elif kind == "html":
        lines, encoding, diagnostics = _read_html(source, data)
    else:
        lines = _read_docx(source, data) if kind == "docx" else _read_pdf(source, data)
        encoding, diagnostics = None, []
    if not lines:
        raise ReadError(source, "no text found in the file")
    if kind != "text":  # plain text is checked line by line as decoded
        diagnostics += [_mojibake_warning(source, line.no) for line in lines if _looks_mis_encoded(line.text)]
    _refuse_mojibake(source, lines, diagnostics)
    diagnostics += _spam_diagnostics(source, lines)
    return Document(source, name, lines, kind, encoding, diagnostics)


def _read_bytes(path: str, suffix: str) -> bytes:
    """The file's bytes; a file too large for a plan is refused from its
    size and first bytes, before it is read."""
    if os.path.isdir(path):
        raise ReadError(path, "is a folder, not a file")
    try:
        with open(path, "rb") as f:
            mode = os.fstat(f.fileno()).st_mode
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
                raise ReadError(path, "is a device, not a file")
            size = os.fstat(f.fileno()).st_size
            if size > MAX_TEXT_BYTES:
                _check_size(path, size, _sniff_format(path, f.read(4096), suffix))
                f.seek(0)
            return f.read(MAX_FILE_BYTES + 1)  # a file still growing is cut here, then refused
    except FileNotFoundError:
        raise ReadError(path, "path does not exist") from None
    except OSError as e:
        raise ReadError(path, f"cannot open the file: {_one_line(e.strerror or e)}") from None


def _check_size(source: str, size: int, kind: str) -> None:
    """Refuse text or HTML over MAX_TEXT_BYTES and any file over MAX_FILE_BYTES."""
    text = kind in ("text", "html")
    limit = min(MAX_TEXT_BYTES, MAX_FILE_BYTES) if text else MAX_FILE_BYTES
    if size > limit:
        what = f"{_mb(size)} of text" if text else f"a {_mb(size)} .{kind} file"
        raise ReadError(
            source, f"refused: {what} is too large for a plan (the limit is {_mb(limit)}; a plan is rarely over 1 MB)"
        )


def _mb(size: int) -> str:
    return f"{size / 2**20:.0f} MB" if size >= 2**20 else f"{max(size // 1024, 1)} KB"


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .ppt (Office 97-2003)
_HTML_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html)", re.I | re.S)


def _sniff_format(source: str, data: bytes, suffix: str) -> str:
    """Return ``docx``, ``pdf``, ``html`` or ``text`` (content first)."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "docx"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(_OLE_MAGIC):
        raise ReadError(source, "old Office 97-2003 file (.doc/.xls): save it as .docx first")
    head = _ascii_head(data)
    if _HTML_START.match(head):
        return "html"
    if suffix == ".docx":
        return "docx"  # not a zip: _read_docx says so
    if suffix == ".pdf":
        return "pdf"
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    return "text"


def _ascii_head(data: bytes) -> bytes:
    """The first bytes, with a UTF-16 text turned into one byte a character."""
    head = data[:2048]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:200].count(0) > 50:
        head = head.replace(b"\x00", b"")
    return head.lstrip(b"\xef\xbb\xbf\xff\xfe")


# --------------------------------------------------------------------------
# Plain text
# --------------------------------------------------------------------------


def _read_text(source: str, data: bytes) -> tuple[list[Line], str, list[Diagnostic]]:
    text, encoding, diagnostics = _decode_text(source, data)
    return _text_lines(source, text, diagnostics), encoding, diagnostics


def _decode_text(source: str, data: bytes) -> tuple[str, str, list[Diagnostic]]:
    """Decode the bytes of a text file; return text, encoding, diagnostics."""
    diagnostics: list[Diagnostic] = []
    bom = _decode_bom(data)
    if bom:
        return bom[0], bom[1], diagnostics
    utf16 = _decode_utf16_without_bom(data)
    if utf16:
        return utf16[0], utf16[1], diagnostics

    _refuse_binary(source, data)
    if b"\x00" in data:
        count = data.count(b"\x00")
        data = data.replace(b"\x00", b"")
        diagnostics.append(
            Diagnostic(source, f"file holds {count} NUL byte(s); dropped them", code="nul-bytes")
        )
    try:
        return data.decode("utf-8"), "utf-8", diagnostics
    except UnicodeDecodeError:
        pass
    chinese = _decode_chinese(data)
    if chinese:
        return chinese[0], chinese[1], diagnostics
    text = data.decode("utf-8", errors="replace")
    if text.count("\ufffd") <= max(3, len(text) / 200):  # UTF-8 with a few bad bytes: flagged line by line
        return text, "utf-8", diagnostics
    detected = _decode_detected(data)
    if detected:
        return detected[0], detected[1], diagnostics
    try:
        data.decode("gb18030")
    except UnicodeDecodeError:
        raise ReadError(source, "cannot decode the text: not UTF-8, GB18030, Big5 or UTF-16") from None
    raise ReadError(source, "cannot decode the text: it decodes as GB18030 but does not read as Chinese (mojibake?)")


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _decode_bom(data: bytes) -> tuple[str, str] | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding.removesuffix("-sig")), encoding
            except UnicodeDecodeError:
                return None
    return None


def _decode_utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a BOM, told by its NUL bytes: the high byte of every
    ASCII character (line breaks, digits) is NUL, always on the same side."""
    sample = data[:65536]
    nuls_even = sample[0::2].count(0)
    nuls_odd = sample[1::2].count(0)
    if nuls_even + nuls_odd < 4 or len(data) % 2:
        return None
    if nuls_odd >= 3 * nuls_even:  # some CJK characters (一 U+4E00) hold a NUL too
        encoding = "utf-16-le"
    elif nuls_even >= 3 * nuls_odd:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return (text, encoding) if _plausible_share(text) > 0.95 else None


def _plausible_share(text: str) -> float:
    """Share of characters a Chinese plan is made of (CJK, ASCII, punctuation)."""
    if not text:
        return 0.0
    ok = sum(
        1
        for c in text
        if (" " <= c <= "~" or c in "\t\r\n" or "\u4e00" <= c <= "\u9fff"
            or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"
            or "\u2000" <= c <= "\u206f" or "\u2460" <= c <= "\u24ff")
    )
    return ok / len(text)


_CONTROL_BYTES = bytes([*range(1, 9), 11, *range(14, 27), *range(28, 32)])


def _refuse_binary(source: str, data: bytes) -> None:
    sample = data[:65536]
    nuls = sample.count(0)
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))  # one pass, not one a byte value
    if controls > len(sample) / 100 or nuls > len(sample) / 10:
        share = round(100 * (controls + nuls) / len(sample))
        raise ReadError(source, f"binary file, not text ({share}% control bytes)")


def _decode_chinese(data: bytes) -> tuple[str, str] | None:
    """GB18030 or Big5: decode with both, keep the one that reads as Chinese."""
    candidates = []
    for encoding in ("gb18030", "big5", "cp950", "big5hkscs"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((_common_share(text), encoding, text))
        if encoding.startswith(("big5", "cp950")):
            break  # one Big5 variant that decodes is enough
    if not candidates:
        return None
    share, encoding, text = max(candidates, key=lambda c: c[0])
    return (text, encoding) if share >= 0.3 else None


def _decode_detected(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    return str(best), best.encoding


# The most frequent characters of modern Chinese. Decoded with the right
# codec, a plan has most of its characters among them (in simplified or
# traditional form); decoded with the wrong one, few.
_FREQUENT = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
    "二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
    "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变"
    "条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器"
    "压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安"
    "场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集"
    "温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连"
    "断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精"
    "值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属"
    "圆包火住调满县局照参红细引听该铁价严龙飞创企推服施责督措"
)


@lru_cache(maxsize=1)
def _frequent_chars() -> frozenset[str]:
    import opencc

    traditional = opencc.OpenCC("s2t").convert(_FREQUENT)
    return frozenset(_FREQUENT) | frozenset(traditional)


def _common_share(text: str) -> float:
    """Share of the CJK characters of ``text`` that are frequent ones."""
    cjk = [c for c in text if "\u3400" <= c <= "\u9fff" or "\ue000" <= c <= "\uf8ff"]
    if not cjk:
        return 0.0
    frequent = _frequent_chars()
    return sum(c in frequent for c in cjk) / len(cjk)


# ---- lines -------------------------------------------------------------------

_NEWLINE = re.compile(r"\r\n|\r|\n")


def _text_lines(source: str, text: str, diagnostics: list[Diagnostic]) -> list[Line]:
    """Split decoded text into Lines: line numbers kept, empty lines dropped,
    each line keeping its text as written (tables in the text are found by
    the layout stage)."""
    lines: list[Line] = []
    raws = _NEWLINE.split(text)
    # the whole text at once (one OpenCC call, not one a line): the same as
    # line by line, since no step joins or splits lines; should a removed
    # character have joined two (\r, U+200B, \n), line by line after all
    whole = normalise_text(text)
    normalised = _NEWLINE.split(whole)
    if len(normalised) != len(raws):
        normalised = [normalise_text(raw) for raw in raws]
        whole = "\n".join(normalised)
    # no mojibake signature and no rare character in the whole text: none in
    # any line; else only the lines that hold a signature or a rare character
    # are looked at (one search over the text tells which characters those are)
    signed = bool(_MOJIBAKE.search(text))
    chars = _rare_chars(whole)
    rare = re.compile("[" + re.escape("".join(sorted(chars))) + "]") if chars else None
    for no, (raw, norm) in enumerate(zip(raws, normalised), start=1):
        line = fold_spaces(norm)
        if not line:
            continue
        lines.append(Line(no, line, src=LineSource(raw, line, (), line if norm == line else norm)))
        if ((signed and _MOJIBAKE_CHAR.search(raw) and _MOJIBAKE.search(raw)) or (rare is not None and rare.search(line))) \
                and _looks_mis_encoded(line, raw):
            diagnostics.append(_mojibake_warning(source, no))
    return lines




# ---- mojibake -------------------------------------------------------------

# Signatures of text decoded with the wrong codec: runs of ``?`` or U+FFFD
# (characters lost on a round trip; a single ``?`` may be a question), 锟斤拷
# (U+FFFD in UTF-8 read as GBK), and the Latin-1 look of UTF-8 read as
# Windows-1252 (Ã©, â€œ).
_MOJIBAKE = re.compile(r"\?{2,}|\ufffd|锟斤拷|烫烫烫|屯屯屯|Ã[\u0080-\u00bf]|â€|Â[\u0080-\u00bf ]")


# a character every signature above holds (a quick "no" for most lines)
_MOJIBAKE_CHAR = re.compile("[?\ufffd锟烫屯ÃâÂ]")
_NOT_CJK_OR_PRIVATE = re.compile(r"[^\u3400-\u9fff\ue000-\uf8ff]+")


def _looks_mis_encoded(text: str, raw: str | None = None) -> bool:
    """True when a line looks mis-decoded.

    ``text`` is the normalised line, in which a run of characters outside
    GB2312 (the common simplified set) is the mark of UTF-8 read as GBK;
    ``raw`` the line as decoded, if known (before NFKC, which turns a
    full-width ``？？`` into ``??``).
    """
    if _MOJIBAKE.search(text if raw is None else raw):
        return True
    if not _has_rare(text):
        return False  # the common case, without a loop over every character
    rare = 0
    run = 0
    cjk = 0
    for c in text:
        if "\u3400" <= c <= "\u9fff" or "\ue000" <= c <= "\uf8ff":
            cjk += 1
            if _is_rare(c):
                rare += 1
                run += 1
                if run >= 3:
                    return True
                continue
        run = 0
    return rare >= 3 and rare >= 0.15 * cjk


def _rare_chars(text: str) -> set[str]:
    """The characters of ``text`` that :func:`_is_rare` holds rare, found by
    the GB2312 encoder itself (its error handler hands over each one)."""
    found: list[str] = []
    _RARE_FOUND.append(found)
    try:
        text.encode("gb2312", errors="taskgraph-rare")
    finally:
        _RARE_FOUND.pop()
    return {c for c in "".join(found) if "\u3400" <= c <= "\u9fff" or "\ue000" <= c <= "\uf8ff"}


def _collect_rare(error: UnicodeEncodeError) -> tuple[str, int]:
    _RARE_FOUND[-1].append(error.object[error.start:error.end])
    return "", error.end


_RARE_FOUND: list[list[str]] = []
codecs.register_error("taskgraph-rare", _collect_rare)


def _has_rare(text: str) -> bool:
    """Whether ``text`` holds a character :func:`_is_rare` (at C speed)."""
    try:
        _NOT_CJK_OR_PRIVATE.sub("", text).encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


@lru_cache(maxsize=None)
def _is_rare(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return True
    return False


def _mojibake_warning(source: str, no: int) -> Diagnostic:
    return Diagnostic(source, "line looks mis-encoded (mojibake); kept as is", no, code="mojibake")


def _refuse_mojibake(source: str, lines: list[Line], diagnostics: list[Diagnostic]) -> None:
    """A file whose lines are mostly mojibake is refused in one message; a
    few such lines are kept, each flagged."""
    bad = [d.line for d in diagnostics if d.code == "mojibake"]
    if len(bad) >= 3 and len(bad) > len(lines) / 2:
        raise ReadError(
            source,
            f"the text is mojibake: {len(bad)} of {len(lines)} lines look mis-encoded, from line {bad[0]} "
            "(the file was saved after being decoded with the wrong encoding?)",
        )


# ---- spam -----------------------------------------------------------------

# Words that never occur in a government plan but do in the spam injected
# into scraped pages. Kept short on purpose: a false alarm costs a warning.
_SPAM = re.compile(
    r"(?i)(?=[亚a无一成色黄博赌百六真葡澳偷自])(?:"  # every first character: other positions skipped fast
    r"亚洲\s*av|av\s*(在线|无码|网)|无码|一区二区|成人(视频|影片|电影|网站)|色情|黄色(网站|视频)"
    r"|博彩|赌场|百家乐|六合彩|真人娱乐|葡京|澳门赌|偷拍|自拍偷|av女优)"
)


# a word each spam pattern holds, looked for with plain substring search
# (far faster than the pattern on a page of Chinese, where 一 is everywhere)
_SPAM_WORDS = ("亚洲", "av", "AV", "Av", "aV", "无码", "一区二区", "成人", "色情", "黄色", "博彩", "赌场", "百家乐",
               "六合彩", "真人娱乐", "葡京", "澳门赌", "偷拍", "自拍偷")


def _spam_diagnostics(source: str, lines: list[Line]) -> list[Diagnostic]:
    whole = "\n".join(line.text for line in lines)
    if not any(w in whole for w in _SPAM_WORDS) or not _SPAM.search(whole):
        return []  # one search over the document; a line that matched would match in it
    return [
        Diagnostic(source, "line looks like unrelated spam; kept as is", line.no, code="spam")
        for line in lines
        if _SPAM.search(line.text)
    ]


# --------------------------------------------------------------------------
# .docx
# --------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# run properties and paragraph properties hold w:tab stops, not text
_SKIP_IN_PARAGRAPH = {_W + "pPr", _W + "rPr", _MC_FALLBACK, _W + "delText", _W + "instrText"}


def _read_docx(source: str, data: bytes) -> list[Line]:
    body = _docx_body(source, _docx_xml(source, data))
    lines: list[Line] = []
    no = table = 0  # ordinal of the paragraph or row; number of the table
    for block in _docx_blocks(body):
        if block.tag == _W + "p":
            no += 1
            for part in _docx_paragraph_text(block).split("\n"):
                text = normalise_line(part)
                if text:
                    lines.append(Line(no, text, src=LineSource(part, text)))
        else:
            table += 1
            for cells in _docx_table_rows(block):
                no += 1
                if any(cells):
                    lines.append(Line(no, " | ".join(cells), tuple(cells), table))
    return lines


def _docx_xml(source: str, data: bytes) -> bytes:
    """word/document.xml, read with a hard cap: a zip bomb is refused
    from its declared sizes before anything is inflated."""
    import zipfile
    import zlib

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise ReadError(source, "not a valid .docx: the file is not a zip archive (or is damaged)") from None
    with archive:
        try:
            info = archive.getinfo("word/document.xml")
        except KeyError:
            raise ReadError(source, "not a Word .docx: the archive has no word/document.xml") from None
        if info.file_size > _MAX_XML_BYTES or (
            info.file_size > _RATIO_CHECK_FROM
            and info.file_size > _MAX_ZIP_RATIO * max(info.compress_size, 1)
        ):
            raise ReadError(
                source,
                f"refused: word/document.xml would inflate to {info.file_size // 2**20} MB "
                f"from {max(info.compress_size // 1024, 1)} KB (zip bomb?)",
            )
        try:
            with archive.open(info) as member:
                xml = member.read(_MAX_XML_BYTES + 1)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError, ValueError) as e:
            raise ReadError(source, f"damaged .docx: {_one_line(e)}") from None
    if len(xml) > _MAX_XML_BYTES:
        raise ReadError(source, "refused: word/document.xml is larger than its zip entry says (zip bomb?)")
    return xml


def _docx_body(source: str, xml: bytes):
    from lxml import etree

    refused = "refused: word/document.xml declares a DOCTYPE (its entities are never resolved)"
    if b"<!DOCTYPE" in xml[:65536]:  # Word never writes one; refuse before parsing
        raise ReadError(source, refused)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as e:
        raise ReadError(source, f"damaged .docx: word/document.xml is not well-formed XML ({_one_line(e)})") from None
    if root.getroottree().docinfo.doctype:
        raise ReadError(source, refused)
    body = root.find(_W + "body")
    if body is None:
        raise ReadError(source, "not a Word .docx: word/document.xml has no body")
    return body


def _docx_blocks(parent):
    """Paragraphs and tables of ``parent`` in document order (content
    controls and custom XML wrappers looked through)."""
    for child in parent:
        if child.tag in (_W + "p", _W + "tbl"):
            yield child
        elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml"):
            yield from _docx_blocks(child)


def _docx_paragraph_text(paragraph) -> str:
    """Text of a w:p: w:t joined, w:tab as a tab, w:br/w:cr as a line break."""
    parts: list[str] = []

    def walk(element) -> None:
        for child in element:
            tag = child.tag
            if tag in _SKIP_IN_PARAGRAPH or not isinstance(tag, str):
                continue
            if tag == _W + "t":
                parts.append(child.text or "")
            elif tag == _W + "tab":
                parts.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                parts.append("\n")
            elif tag == _W + "noBreakHyphen":
                parts.append("-")
            elif tag == _W + "p":  # a text box inside a drawing
                parts.append("\n")
                walk(child)
                parts.append("\n")
            else:
                walk(child)

    walk(paragraph)
    return "".join(parts)


def _docx_cell_text(cell) -> str:
    """Text of a w:tc: its paragraphs (nested tables included) on one line."""
    texts = []
    for paragraph in cell.iter(_W + "p"):
        if any(a.tag == _MC_FALLBACK for a in paragraph.iterancestors()):
            continue
        texts.append(_docx_paragraph_text(paragraph))
    return normalise_line(" ".join(texts).replace("\n", " "))


def _docx_table_rows(table) -> Iterator[list[str]]:
    """Rows of a w:tbl as lists of cells. A horizontally merged cell is one
    cell; a vertically merged one repeats the value above, so every row is
    complete."""
    above: dict[int, str] = {}  # grid column -> text of the cell above
    for row in table.iterchildren(_W + "tr"):
        column = _docx_int(row.find(f"{_W}trPr/{_W}gridBefore"), 0)
        cells = []
        for cell in _docx_row_cells(row):
            span = min(max(_docx_int(cell.find(f"{_W}tcPr/{_W}gridSpan"), 1), 1), 64)
            merge = cell.find(f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge.get(_W + "val", "continue") != "restart":
                text = above.get(column, "")
            else:
                text = _docx_cell_text(cell)
            above[column] = text
            # merged across columns: the text in the first, the others empty,
            # so that every row keeps the columns of the header
            cells.append(text)
            cells.extend([""] * (span - 1))
            for k in range(1, span):
                above[column + k] = ""
            column += span
        yield cells


def _docx_row_cells(row):
    for child in row:
        if child.tag == _W + "tc":
            yield child
        elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml"):
            yield from _docx_row_cells(child)


def _docx_int(element, default: int) -> int:
    if element is None:
        return default
    try:
        return int(element.get(_W + "val", default))
    except ValueError:
        return default


# --------------------------------------------------------------------------
# .html
# --------------------------------------------------------------------------

_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""", re.I
)
# GB18030 is a superset of GBK and GB2312, and cp950 of Big5: pages mislabel
_CODEC_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
                  "big5": "cp950"}
_CHROME_TAGS = ("script", "style", "noscript", "nav", "footer", "aside", "form", "iframe",
                "template", "svg", "select", "button", "object", "embed")
_CHROME_NAME = re.compile(r"menu|nav|footer|breadcrumb|crumb|share|sidebar|topbar|toolbar", re.I)
_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "header", "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "address", "figure",
    "figcaption", "center", "hr", "body", "caption", "table", "thead", "tbody", "tfoot",
    "tr", "td", "th",
}
_CJK = re.compile(r"[\u3400-\u9fff]")


def _read_html(source: str, data: bytes) -> tuple[list[Line], str, list[Diagnostic]]:
    import lxml.html

    text, encoding, diagnostics = _decode_html(source, data)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str with an XML declaration
    try:
        root = lxml.html.document_fromstring(text)
    except Exception as e:  # lxml.etree.ParserError and friends
        raise ReadError(source, f"cannot parse the HTML page ({_one_line(e)})") from None
    _drop_chrome(root)
    container = _main_container(root)
    body = root.find("body")
    page = len(_CJK.findall((body if body is not None else root).text_content()))
    kept = len(_CJK.findall(container.text_content()))
    if page - kept >= 200 and kept < 0.8 * page:
        # the text around the content is left out: say how much
        diagnostics.append(Diagnostic(
            source, f"kept the page's main content, {kept} of {page} Chinese characters; the rest "
            f"({page - kept}: links, side columns, other articles) is left out", None, "info", "html-dropped"))
    title = _html_title(root, container)
    items = _html_texts(container)
    head = normalise_line(" ".join(item for item in items[:5] if isinstance(item, str)))
    if title and title not in head:
        items.insert(0, title)  # the content lacks the page's title

    lines: list[Line] = []
    for item in items:
        no = len(lines) + 1  # HTML lines are numbered as extracted
        if isinstance(item, str):
            text = normalise_line(item)
            if not text:
                continue
            lines.append(Line(no, text, src=LineSource(item, text)))
        else:
            cells, table = item
            lines.append(Line(no, " | ".join(cells), cells, table))
    return lines, encoding, diagnostics


def _decode_html(source: str, data: bytes) -> tuple[str, str, list[Diagnostic]]:
    """Decode a page: byte-order mark, then the declared charset, then the
    same detection as for plain text."""
    bom = _decode_bom(data)
    if bom:
        return bom[0], bom[1], []
    match = _CHARSET.search(data[:8192])
    if match:
        declared = (match.group(1) or match.group(2)).decode("ascii").lower()
        codec = _CODEC_ALIASES.get(declared, declared)
        try:
            return data.decode(codec), codec, []
        except LookupError:
            pass
        except UnicodeDecodeError:
            text = data.decode(codec, errors="replace")
            if text.count("\ufffd") < len(text) / 1000:  # a few bad bytes in a right guess
                return text, codec, []
    return _decode_text(source, data)


def _html_title(root, container) -> str:
    """The plan's title: the nearest h1-h3 before the content, else <title>
    without the site's name; "" when the content opens with a heading."""
    for element in container.iter():
        if element.tag in ("h1", "h2", "h3"):
            if len(_CJK.findall(_preceding_text(container, element))) < 20:
                return ""
            break
    heading = None
    for element in root.iter():
        if element is container:
            break
        if element.tag in ("h1", "h2", "h3"):
            heading = element
    if heading is not None:
        return normalise_line(heading.text_content())
    title = root.find(".//title")
    if title is None:
        return ""
    text = normalise_line(title.text_content())
    return re.split(r"\s+[-_|—]\s+|_|\|", text)[0].strip()


def _preceding_text(container, element) -> str:
    """The text of ``container`` before ``element``."""
    out = []
    for e in container.iter():
        if e is element:
            break
        out.append(e.text or "")
        if e is not container:
            out.append(e.tail or "")
    return "".join(out)


def _drop_chrome(root) -> None:
    """Remove scripts, styles, menus, headers and footers, keeping the text
    that follows them."""
    doomed = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            doomed.append(element)  # comments, processing instructions
        elif element.tag in ("html", "body", "main", "article"):
            continue
        elif element.tag in _CHROME_TAGS:
            doomed.append(element)
        elif element.tag == "header" and not _inside(element, ("article", "main")):
            doomed.append(element)  # a site header, not an article's
        elif _CHROME_NAME.search(f"{element.get('class', '')} {element.get('id', '')}"):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


def _inside(element, tags: tuple[str, ...]) -> bool:
    return any(ancestor.tag in tags for ancestor in element.iterancestors())


def _main_container(root):
    """The element holding the plan: an <article> or <main> with real text,
    else the element whose own paragraphs hold the most Chinese text."""
    for tag in ("article", "main"):
        for element in root.iter(tag):
            if len(_CJK.findall(element.text_content())) >= 100:
                return element
    body = root.find("body")
    if body is None:
        body = root
    # every piece of text credits the element that holds it (a paragraph's
    # parent, or a container with text of its own) in full and each ancestor
    # above it less (1/2, 1/3 …); a data table counts as one piece: the
    # element that gathers the most is the content, however deeply its
    # paragraphs are nested (8 divs of one paragraph each: their parent wins)
    scores: dict = {}
    depth = {body: 0}

    def credit(element, n: float) -> None:
        scores[element] = scores.get(element, 0.0) + n

    data_tables = [t for t in body.iter("table") if not _holds_layout(t)]
    inside_data = {e for t in data_tables for e in t.iterdescendants()}
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        parent = element.getparent()
        if element is not body:
            depth[element] = depth.get(parent, 0) + 1
        if element in inside_data:
            continue
        if element.tag == "table" and element not in data_tables:
            continue  # a layout table: its cells are containers like any other
        if element.tag not in _BLOCK_TAGS:
            continue  # inline text is counted with the block that holds it
        text = element.text_content() if element.tag == "table" else _inline_text(element)
        n = len(_CJK.findall(text))
        if not n:
            continue
        # a paragraph's parent is its container; text standing in a container
        # itself (lines split by <br>) makes it the container
        holder = parent if element.tag in _INLINE_BLOCKS else element
        # the holder in full, its ancestors less and less (1/2, 1/3 …)
        k = 1
        while holder is not None and k <= 6:
            credit(holder, n / k)
            if holder is body:
                break
            holder, k = holder.getparent(), k + 1
    if not scores:
        return body
    return max(scores, key=lambda e: (scores[e], depth.get(e, 0)))


_TABLE_INSIDE = {"tr", "td", "th", "tbody", "thead", "tfoot", "caption", "colgroup", "col"}
# blocks that are a paragraph, never the container of a plan
_INLINE_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "pre", "table", "caption",
                  "figcaption", "address", "blockquote", "span", "font", "a", "b", "strong", "em", "i", "u"}


def _holds_layout(table) -> bool:
    """A table used for page layout: one cell a row, tables inside, or
    paragraphs and lists in its cells."""
    return _is_layout_table(table) or any(table.find(f".//{tag}") is not None
                                          for tag in ("div", "ul", "ol", "h1", "h2", "h3"))


def _inline_text(element) -> str:
    """Text of ``element`` outside its block children."""
    parts = [element.text or ""]
    for child in element:
        if child.tag not in _BLOCK_TAGS:
            parts.append(child.text_content())
        parts.append(child.tail or "")
    return "".join(parts)


def _html_texts(container) -> list:
    """Text lines (str) and table rows ((cells, table number)) of an element,
    in document order."""
    items: list = []
    buffer: list[str] = []
    tables = 0

    def flush() -> None:
        if buffer:
            items.append("".join(buffer))
            buffer.clear()

    def add(text: str | None) -> None:
        if text:
            buffer.append(re.sub(r"[\r\n]+", " ", text))

    def walk(element) -> None:
        nonlocal tables
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "br":
            flush()
        elif tag == "pre":  # preformatted text keeps its line breaks
            flush()
            items.extend(_NEWLINE.split(element.text_content()))
        elif tag == "table" and not _is_layout_table(element):
            flush()
            tables += 1
            for cells in _html_table_rows(element):
                if any(cells):
                    items.append((tuple(cells), tables))
        elif tag in _BLOCK_TAGS:
            flush()
            add(element.text)
            for child in element:
                walk(child)
                add(child.tail)
            flush()
        else:
            add(element.text)
            for child in element:
                walk(child)
                add(child.tail)

    walk(container)
    flush()
    return items


def _table_rows(table) -> list:
    return table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")


def _is_layout_table(table) -> bool:
    """A table used for page layout: one cell a row, or tables inside."""
    rows = _table_rows(table)
    return not rows or all(len(row.xpath("./td|./th")) <= 1 for row in rows) or bool(table.xpath(".//table"))


def _html_table_rows(table) -> Iterator[list[str]]:
    """Rows as lists of cells; a cell spanning rows repeats in the rows below."""
    pending: dict[int, tuple[str, int]] = {}  # column -> (text, rows still to fill)
    for row in _table_rows(table):
        cells: list[str] = []
        column = 0

        def fill_pending() -> None:
            nonlocal column
            while column in pending:
                text, left = pending.pop(column)
                cells.append(text)
                if left > 1:
                    pending[column] = (text, left - 1)
                column += 1

        for cell in row.xpath("./td|./th"):
            fill_pending()
            text = normalise_line(" ".join(t for t in _html_texts(cell) if isinstance(t, str)))
            rowspan = _html_int(cell.get("rowspan"))
            colspan = min(_html_int(cell.get("colspan")), 64)
            for k in range(colspan):
                # a cell merged across columns holds its text in the first of
                # them (the others empty, so that every row keeps the header's
                # columns); merged down rows, it stands in each of them
                value = text if k == 0 else ""
                cells.append(value)
                if rowspan > 1:
                    pending[column] = (value, rowspan - 1)
                column += 1
                fill_pending()
        fill_pending()
        yield cells


def _html_int(value: str | None) -> int:
    try:
        return max(int(value or 1), 1)
    except ValueError:
        return 1


# --------------------------------------------------------------------------
# .pdf
# --------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(
    r"^[-—–\s]*(第\s*\d+\s*页(\s*[,/]?\s*共\s*\d+\s*页)?|\d+\s*(/\s*\d+)?|page\s*\d+(\s*of\s*\d+)?)[-—–\s]*$",
    re.I,
)
_PARAGRAPH_END = re.compile(r"[。;:!?;：！？)\]〕】]$")
_ITEM_START = re.compile(
    r"^([一二三四五六七八九十百]+、|\([一二三四五六七八九十]+\)|\d+[.、]|\(\d+\)|[①-⑳]|附件"
    r"|第[一二三四五六七八九十百]+[章节条部分])"
)
_CJK_OR_PUNCT = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"
_SPACE_IN_CJK = re.compile(f"(?<={_CJK_OR_PUNCT}) (?={_CJK_OR_PUNCT})")  # 锦 州 市 -> 锦州市


def _read_pdf(source: str, data: bytes) -> list[Line]:
    """Text layer of a PDF, page by page, wrapped lines joined again."""
    pages = _pdf_pages(source, data)
    extracted: list[tuple[int, str, int]] = []  # (line number, text, full width of its page)
    no = 0
    for page in pages:
        page_lines = []
        for raw in _NEWLINE.split(page):
            no += 1
            text = _SPACE_IN_CJK.sub("", normalise_line(raw))
            if text and not _PAGE_NUMBER.match(text):
                page_lines.append((no, text))
        width = max((len(text) for _, text in page_lines), default=0)
        extracted.extend((n, text, width) for n, text in page_lines)
    if not extracted:
        raise ReadError(source, "PDF has no text layer (scanned?): it needs OCR")
    return _join_wrapped(extracted)


def _pdf_pages(source: str, data: bytes) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ReadError(source, "PDF is encrypted with a password")
        return [page.extract_text() or "" for page in reader.pages]
    except ReadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as e:
        raise ReadError(source, f"damaged PDF ({_one_line(e)})") from None


def _join_wrapped(extracted: list[tuple[int, str, int]]) -> list[Line]:
    """Join a line to the one before unless that one ended a paragraph
    (sentence punctuation, a closing bracket, or a line much shorter than the
    page's width) or the line starts a new item (一、 (一) 1. (1) ① 附件)."""
    lines: list[Line] = []
    previous_full = False  # did the previous line run to the page's width?
    for no, text, width in extracted:
        wrapped = previous_full and not _PARAGRAPH_END.search(lines[-1].text) if lines else False
        if wrapped and not _ITEM_START.match(text):
            lines[-1] = Line(lines[-1].no, lines[-1].text + text)
        else:
            lines.append(Line(no, text))
        previous_full = len(text) >= 0.8 * width
    return lines
