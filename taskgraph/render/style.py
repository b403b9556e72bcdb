"""Fonts, colours and matplotlib settings: the one place that knows about fonts.

Figures must show Chinese right on a machine with no Chinese system font, so
they never rely on the system: the default font is Noto Sans CJK SC, the file
shipped inside the ``mplfonts`` package, registered with matplotlib at run
time (``font_manager.addfont``). A user's own font is chosen with the
``font`` argument or the ``TASKGRAPH_FONT`` environment variable: a font file
(``.ttf``/``.otf``/``.ttc``) or the family name of an installed font.

PDFs embed their fonts as TrueType/CFF (``pdf.fonttype`` 42) subset to the
glyphs used. Subsetting the 16 MB Noto file takes about a second per PDF, so
:func:`figure_fonts` first cuts, once per set of characters, a small copy of
the font holding just the characters a run will draw (kept in the user's
cache folder, private, each cut checked against its checksum before use:
:func:`font_cache`), and puts the full font behind it as a per-glyph fallback:
a character missing from the cut is still drawn, only more slowly.

Office files (``.xlsx``/``.docx``) name their fonts instead of embedding them,
after GB/T 9704 practice: 宋体 bold titles, 黑体 headings, 仿宋 text in Word
(宋体 in workbooks), with fallbacks named in the Word file's font table.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import os
import stat
import string
import sys
import tempfile
import time
from pathlib import Path

from ..errors import UsageError
from ..safe import cut_utf8

__all__ = [
    "FONT_ENV", "OKABE_ITO", "LEAD_COLOUR", "SUPPORT_COLOUR", "CATEGORY_COLOURS", "SEQUENTIAL_CMAP",
    "OFFICE_FONT", "OFFICE_HEADING_FONT", "OFFICE_LATIN_FONT", "OFFICE_TITLE_FONT", "OFFICE_BODY_FONT",
    "OFFICE_FALLBACKS",
    "WEB_FONT_FAMILY", "bundled_font", "chosen_font", "figure_fonts", "rc_params", "web_font", "font_cache",
]

FONT_ENV = "TASKGRAPH_FONT"

# Okabe & Ito (2008), distinguishable with every common colour-vision deficiency.
OKABE_ITO = {
    "black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7",
    "grey": "#999999",
}
LEAD_COLOUR = OKABE_ITO["blue"]  # 牵头
SUPPORT_COLOUR = OKABE_ITO["orange"]  # 配合
CATEGORY_COLOURS = [OKABE_ITO[k] for k in ("blue", "orange", "green", "purple", "sky_blue", "vermillion",
                                           "yellow", "black")]
SEQUENTIAL_CMAP = "Blues"  # one hue, light to dark: safe for every colour vision, 0 stays white

WEB_FONT_FAMILY = "taskgraph CJK"  # the @font-face name in index.html

# After GB/T 9704 (党政机关公文格式) practice: titles in 小标宋 (宋体 bold where it is
# missing), headings in 黑体, text in 仿宋; each names fonts every Chinese Windows,
# WPS and LibreOffice install or map. Workbooks keep 宋体 for text, as offices do.
OFFICE_FONT = "宋体"  # text of workbooks
OFFICE_HEADING_FONT = "黑体"  # headers, section rows
OFFICE_TITLE_FONT = "宋体"  # titles, set bold (方正小标宋 is not installed everywhere)
OFFICE_BODY_FONT = "仿宋"  # text of Word tables
OFFICE_LATIN_FONT = "Times New Roman"
#: Fonts a Word file names as alternatives of each (``w:altName`` in its font
#: table): what Word, WPS and LibreOffice take when the font itself is missing.
OFFICE_FALLBACKS = {
    "仿宋": ("仿宋_GB2312", "FangSong", "STFangsong", "宋体"),
    "宋体": ("SimSun", "STSong", "Noto Serif CJK SC", "Source Han Serif SC"),
    "黑体": ("SimHei", "STHeiti", "Noto Sans CJK SC", "Source Han Sans SC"),
}

_BUNDLED = "NotoSansCJKsc-Regular.otf"
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
# Drawn by every figure whatever the corpus holds: ASCII, common punctuation, marks.
_ALWAYS = (string.printable + "·、。，：；！？（）《》“”‘’—…●○－−–×÷％·【】〔〕〈〉「」"
           "一二三四五六七八九十百千零年月日附件")


def bundled_font() -> Path:
    """The Noto Sans CJK SC file inside the installed ``mplfonts`` package."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise UsageError("the mplfonts package is not installed: it ships the Chinese font figures need "
                         f"(or set {FONT_ENV} to a font file)")
    for folder in spec.submodule_search_locations:
        path = Path(folder) / "fonts" / _BUNDLED
        if path.is_file():
            return path
    raise UsageError(f"{_BUNDLED} not found inside the mplfonts package (or set {FONT_ENV} to a font file)")


def chosen_font(font: str | os.PathLike | None = None) -> Path | str:
    """The font the user asked for: ``font``, else ``$TASKGRAPH_FONT``, else
    the bundled one. A path to a font file comes back as a :class:`Path`, a
    family name as a string."""
    choice = os.fspath(font) if font else os.environ.get(FONT_ENV, "").strip()
    if not choice:
        return bundled_font()
    path = Path(choice).expanduser()
    if path.suffix.lower() in _FONT_SUFFIXES or os.sep in choice:
        if not path.is_file():
            raise UsageError(f"font file not found: {choice}")
        return path
    return choice


def figure_fonts(chars: str = "", font: str | os.PathLike | None = None) -> list[str]:
    """Register the figure fonts with matplotlib and return the family list
    for ``font.family`` (first the font to use, then the fallbacks).

    :param chars: the characters the figures will draw; a font file is cut
        down to them (plus ASCII and common punctuation) for fast, small PDFs.
    :param font: a font file or installed family name; default
        ``$TASKGRAPH_FONT`` or the bundled Noto Sans CJK SC.
    """
    from matplotlib import font_manager

    choice = chosen_font(font)
    families: list[str] = []
    if isinstance(choice, str):  # an installed family, taken as it is
        try:
            font_manager.findfont(choice, fallback_to_default=False, rebuild_if_missing=False)
        except ValueError:
            raise UsageError(f"font not found: {choice} (give a font file, or an installed family)") from None
        families.append(choice)
        choice = bundled_font()
    full = _register(choice)
    kept = "".join(sorted(set(_ALWAYS + chars)))
    cut = _subset(choice, kept)
    if cut is not None:
        _cuts[_key(choice)] = (frozenset(kept), cut[0])
        families.append(_register(cut[0]))
    families.append(full)
    return list(dict.fromkeys(families))


def web_font(text: str, font: str | os.PathLike | None = None) -> bytes | None:
    """The figure font as WOFF, cut to the characters of ``text`` (plus ASCII
    and common punctuation), for an ``@font-face`` inside a self-contained
    HTML page. None if the font cannot be cut."""
    choice = chosen_font(font)
    if isinstance(choice, str):  # an installed family: the page names it, and embeds the bundled font
        choice = bundled_font()
    chars = "".join(sorted(set(_ALWAYS + text)))
    made = _cuts.get(_key(choice))
    if made is not None and made[0].issuperset(chars):
        choice = made[1]  # the figures' cut holds them all: cutting it is quick, the full font is not
    cut = _subset(choice, chars, flavor="woff")
    return cut[1] if cut is not None else None


#: Cuts made by :func:`figure_fonts` in this process: font file → (its characters, the cut).
_cuts: dict[str, tuple[frozenset[str], Path]] = {}


def _key(path: Path) -> str:
    return str(Path(path).resolve())


def rc_params(families: list[str]) -> dict:
    """The one figure style: matplotlib settings for ``rc_context``."""
    from cycler import cycler

    return {
        "font.family": families,
        "font.size": 9,
        "axes.titlesize": 11,
        "axes.titleweight": "normal",  # the bundled font has one weight; no faux bold
        "axes.titlelocation": "left",
        "axes.labelsize": 9,
        "axes.edgecolor": "#555555",
        "axes.labelcolor": "#222222",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": cycler(color=CATEGORY_COLOURS),
        "axes.unicode_minus": False,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "xtick.color": "#333333",
        "ytick.color": "#333333",
        "legend.fontsize": 8,
        "legend.frameon": False,
        "text.color": "#222222",
        "figure.dpi": 100,
        "figure.facecolor": "white",
        "savefig.dpi": 300,
        "savefig.facecolor": "white",
        "savefig.bbox": "standard",  # the constrained layout already fits every label
        "figure.constrained_layout.h_pad": 0.1,
        "figure.constrained_layout.w_pad": 0.1,
        "pdf.fonttype": 42,  # embedded TrueType/CFF, subset; text stays text
        "ps.fonttype": 42,
        "svg.fonttype": "path",  # glyphs as paths: right in any browser, no font needed
        "svg.hashsalt": "taskgraph",  # stable ids: same input, same SVG
        "text.parse_math": False,  # a unit name with $ in it is text, not TeX
    }


# ---------------------------------------------------------------- internals

_registered: dict[str, str] = {}


def _register(path: Path) -> str:
    """Add a font file to matplotlib's font manager (once); its family name."""
    from matplotlib import font_manager

    key = os.fspath(path)
    if key not in _registered:
        font_manager.fontManager.addfont(key)
        _registered[key] = font_manager.FontProperties(fname=key).get_name()
    return _registered[key]


#: Font cuts kept in the cache folder (the newest; each is 1–3 MB).
CACHE_KEEP = 16
#: seconds a cut is kept after it was last made or used, whatever CACHE_KEEP says
CACHE_GRACE = 3600


def font_cache() -> Path | None:
    """The folder holding font cuts, private to this user: under the
    platform's user cache folder (``$XDG_CACHE_HOME`` or ``~/.cache`` on
    Linux, ``~/Library/Caches`` on macOS, ``%LOCALAPPDATA%`` on Windows),
    ``taskgraph/fonts``, made with mode 0700.

    A folder taskgraph cannot trust is not used: one that is a link, or
    belongs to another user, gives None (the cuts are then made in a private
    temporary folder of this run). One of this user's that others could
    write into is made private again and emptied, since anything in it may
    have been planted."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"
    folder = base / "taskgraph"
    try:
        base.mkdir(parents=True, exist_ok=True)
        for level in (folder, folder / "fonts"):
            try:
                level.mkdir(mode=0o700)
            except FileExistsError:
                pass
            if not _private(level):
                return None
    except OSError:
        return None
    return folder / "fonts"


def _private(folder: Path) -> bool:
    """Whether ``folder`` is a real folder of this user's that no one else
    can write into (made so if it is this user's)."""
    st = os.lstat(folder)
    if not stat.S_ISDIR(st.st_mode):
        return False  # a link, or a file
    if not hasattr(os, "getuid"):
        return True  # Windows: the user's own profile folder, closed by its access list
    if st.st_uid != os.getuid():
        return False
    if stat.S_IMODE(st.st_mode) & 0o077:
        os.chmod(folder, 0o700)
        for entry in os.scandir(folder):  # it was open to others: nothing in it is trusted
            if entry.is_file(follow_symlinks=False) or entry.is_symlink():
                os.unlink(entry.path)
    return True


_run_folder: Path | None = None


def _cut_folder() -> Path:
    """Where cuts go: the user's font cache, else a private folder of this
    run's own, removed when it ends."""
    global _run_folder
    folder = font_cache()
    if folder is not None:
        return folder
    if _run_folder is None:
        import atexit
        import shutil

        _run_folder = Path(tempfile.mkdtemp(prefix="taskgraph-fonts-"))  # mode 0700
        atexit.register(shutil.rmtree, _run_folder, ignore_errors=True)
    return _run_folder


def _read_checked(path: Path) -> bytes | None:
    """The cut at ``path``, if it is a file of this user's whose content has
    the SHA-256 recorded beside it when taskgraph made it; else None."""
    try:
        parts = []
        for name in (path, path.with_name(path.name + ".sha256")):
            fd = os.open(name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
            with os.fdopen(fd, "rb") as fh:
                st = os.fstat(fh.fileno())
                if not stat.S_ISREG(st.st_mode) or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
                    return None
                parts.append(fh.read())
    except OSError:
        return None
    data, recorded = parts
    return data if hashlib.sha256(data).hexdigest() == recorded.decode("ascii", "replace").strip() else None


def _store(folder: Path, name: str, data: bytes) -> Path:
    """Write a cut and its SHA-256 into ``folder`` (each atomically, the
    checksum last), drop the oldest cuts beyond :data:`CACHE_KEEP`."""
    target = folder / name
    for path, body in ((target, data), (folder / (name + ".sha256"),
                                        (hashlib.sha256(data).hexdigest() + "\n").encode("ascii"))):
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".cut-")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(body)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    with contextlib.suppress(OSError):  # another run may be pruning too
        # a cut made or used in the last hour may be in use by a report still running: kept
        recent = time.time() - CACHE_GRACE
        cuts = [(p.stat().st_mtime, p) for p in folder.iterdir() if p.suffix in (".ttf", ".woff") and p != target]
        for mtime, old in sorted(cuts, reverse=True)[CACHE_KEEP - 1:]:
            if mtime > recent:
                continue
            for path in (old, old.with_name(old.name + ".sha256")):
                with contextlib.suppress(OSError):
                    path.unlink()
    return target


def _subset(path: Path, chars: str, flavor: str | None = None) -> tuple[Path, bytes] | None:
    """A copy of the font holding only ``chars``, under a family name of its
    own (``flavor="woff"`` for the web), and its bytes; kept in the user's
    font cache (:func:`font_cache`) and used from there only when its
    checksum holds. None if the font cannot be cut."""
    stat_ = path.stat()
    folder = _cut_folder()
    if path.resolve().parent == folder.resolve():
        # a cut of ours (the figures' cut, cut again for a page): its name
        # says what it holds, while its time changes whenever it is used
        source = path.name
    else:
        source = f"{path.resolve()}|{stat_.st_size}|{stat_.st_mtime_ns}"
    key = f"{source}|{flavor}|{chars}"
    digest = hashlib.sha1(key.encode()).hexdigest()[:12]
    suffix = f".{flavor}" if flavor else ".ttf"
    name = f"{cut_utf8(path.stem, 80)}-{digest}{suffix}"
    data = _read_checked(folder / name)
    if data is not None:
        with contextlib.suppress(OSError):
            os.utime(folder / name)  # recently used: kept by the pruning
        return folder / name, data
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont

        options = subset.Options()
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        buf = io.BytesIO()
        with TTFont(path, fontNumber=0, lazy=True, recalcTimestamp=False) as font:  # same cut, same bytes
            cutter = subset.Subsetter(options)
            cutter.populate(text=chars)
            cutter.subset(font)
            _rename(font, f"tg{digest[:8]}")
            if flavor is None and "CFF " in font:
                _cff_to_glyf(font)  # PDFs subset TrueType outlines twice as fast as CFF
            font.flavor = flavor
            font.save(buf)
        data = buf.getvalue()
        return _store(folder, name, data), data
    except Exception:  # an odd font, or a cache that cannot be written: use the whole file (correct, only slower)
        return None


def _cff_to_glyf(font) -> None:
    """Turn a cut CFF font (cubic outlines) into a TrueType one (quadratic,
    within 1 font unit), as fontTools' ``otf2ttf`` recipe does."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font["head"].indexToLocFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def _rename(font, tag: str) -> None:
    """Give a cut font a family and PostScript name of its own, so it never
    shadows the full font it came from."""
    table = font["name"]
    for record in table.names:
        if record.nameID in (1, 4, 16):
            record.string = f"{record.toUnicode()} {tag}"
        elif record.nameID == 6:
            record.string = f"{record.toUnicode()}-{tag}"
    if "CFF " in font:
        cff = font["CFF "].cff
        cff.fontNames = [f"{name}-{tag}" for name in cff.fontNames]


#: what a self-contained page may load: its own inline style and script, data: images and fonts, nothing else
PAGE_CSP = ("default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; "
            "script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'")


def page_html(content: str, *, title: str, css: str, script: str, font=None, font_text: str) -> str:
    """A self-contained HTML page around ``content``: the figure font cut to
    ``font_text`` and embedded as WOFF (``FONT`` in ``css`` names it), a
    Content-Security-Policy that lets the page fetch nothing. ``title`` and
    ``script`` are put in as they are (escape the title first)."""
    import base64

    woff = web_font(font_text, font)
    if woff is not None:
        data = base64.b64encode(woff).decode("ascii")
        css = (f'@font-face{{font-family:"{WEB_FONT_FAMILY}";src:url(data:font/woff;base64,{data}) '
               f'format("woff");}}\n') + css.replace("FONT", f'"{WEB_FONT_FAMILY}",')
    else:
        css = css.replace("FONT", "")
    return ('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{PAGE_CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title}</title>\n<style>{css}</style></head>\n<body>\n{content}\n"
            f"<script>{script}</script>\n</body></html>\n")
