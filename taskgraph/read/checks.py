"""Checks every reader's lines go through: mojibake (text decoded with the
wrong codec, or saved after such a decoding) and spam injected into scraped
pages."""
from __future__ import annotations

import codecs
import re
from functools import lru_cache

from ..errors import ReadError
from ..model import Diagnostic, Line

__all__ = ["check_lines"]


def check_lines(source: str, lines: list[Line], diagnostics: list[Diagnostic], checked: bool = False) -> None:
    """Flag mis-encoded lines (unless ``checked``: plain text is checked line
    by line as it is decoded), refuse a document that is mostly mojibake,
    flag spam; adds to ``diagnostics``."""
    if not checked:
        diagnostics += [_mojibake_warning(source, line.no) for line in lines if _looks_mis_encoded(line.text)]
    _refuse_mojibake(source, lines, diagnostics)
    diagnostics += _spam_diagnostics(source, lines)


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
