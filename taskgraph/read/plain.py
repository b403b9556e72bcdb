"""Plain text: UTF-8, GB18030/GBK, Big5 or UTF-16 (with or without a
byte-order mark), told apart by what reads as Chinese; each line kept as
written beside its normalised form, lines that look mis-encoded flagged.

The decoding functions serve every reader that meets encoded text (HTML
pages, CSV tables, RTF).
"""
from __future__ import annotations

import re
from functools import lru_cache

from ..errors import ReadError
from ..model import Diagnostic, Line, LineSource
from ..text import fold_spaces, normalise_text
from .checks import _MOJIBAKE, _MOJIBAKE_CHAR, _looks_mis_encoded, _mojibake_warning, _rare_chars

__all__ = ["read", "decode_text"]


def read(source: str, data: bytes) -> tuple[list[Line], str, list[Diagnostic]]:
    """Lines, encoding and diagnostics of a plain-text plan."""
    return _read_text(source, data)


def decode_text(source: str, data: bytes) -> tuple[str, str, list[Diagnostic]]:
    """Decode the bytes of a text file; return text, encoding, diagnostics."""
    return _decode_text(source, data)




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
