"""OFD (GB/T 33190, the national fixed-layout format): the text layer.

An OFD is a zip of XML: ``OFD.xml`` names the documents, each
``Document.xml`` its pages, each page's ``Content.xml`` holds ``TextObject``
elements whose ``TextCode`` children carry the text and where it stands.
The text objects of a page are put in reading order (top to bottom, left to
right) and those on one baseline joined into a line; wrapped lines are then
joined as for a PDF. Read with the same safe zip and XML settings as a
``.docx``. An OFD with no text (a scan) gets one line saying it needs OCR.
"""
from __future__ import annotations

import posixpath

from ..errors import ReadError
from ..model import Diagnostic, Line
from ..text import normalise_line
from ._zip import open_zip, parse_xml, zip_member

__all__ = ["read"]

_MAX_PAGES = 2000


def read(source: str, data: bytes) -> tuple[list[Line], None, list[Diagnostic]]:
    """Lines of an OFD's text layer."""
    from .pdf import _SPACE_IN_CJK, _join_wrapped

    pages: list[list[str]] = []
    with open_zip(source, data, ".ofd") as archive:
        names = set(archive.namelist())
        root = parse_xml(source, zip_member(source, archive, "OFD.xml", ".ofd"), "OFD.xml", ".ofd")
        for doc_root in [e.text.strip() for e in root.iter() if _local(e.tag) == "DocRoot" and e.text]:
            doc_path = _member(doc_root, "")
            if doc_path not in names:
                continue
            document = parse_xml(source, zip_member(source, archive, doc_path, ".ofd"), doc_path, ".ofd")
            base = posixpath.dirname(doc_path)
            for page in [e for e in document.iter() if _local(e.tag) == "Page"][:_MAX_PAGES]:
                location = page.get("BaseLoc")
                if not location:
                    continue
                path = _member(location, base)
                if path not in names:
                    continue
                content = parse_xml(source, zip_member(source, archive, path, ".ofd"), path, ".ofd")
                pages.append(_page_lines(content))
    extracted: list[tuple[int, str, int]] = []
    no = 0
    for page in pages:
        texts = [_SPACE_IN_CJK.sub("", normalise_line(t)) for t in page]
        texts = [t for t in texts if t]
        width = max((len(t) for t in texts), default=0)
        for text in texts:
            no += 1
            extracted.append((no, text, width))
    if not extracted:
        raise ReadError(source, "OFD has no text layer (scanned?): it needs OCR")
    return _join_wrapped(extracted), None, []


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _member(location: str, base: str) -> str:
    location = location.replace("\\", "/")
    path = location.lstrip("/") if location.startswith("/") else posixpath.join(base, location)
    return posixpath.normpath(path)


def _page_lines(content) -> list[str]:
    """The text of a page as lines: text objects sorted by baseline, then x."""
    pieces: list[tuple[float, float, str]] = []
    for obj in content.iter():
        if _local(obj.tag) != "TextObject":
            continue
        box = _numbers(obj.get("Boundary", ""))
        ox, oy = (box[0], box[1]) if len(box) >= 2 else (0.0, 0.0)
        for code in obj:
            if _local(code.tag) != "TextCode" or not code.text:
                continue
            x = ox + _float(code.get("X"))
            y = oy + _float(code.get("Y"))
            pieces.append((y, x, code.text))
    pieces.sort()
    lines: list[list[tuple[float, str]]] = []
    last_y = None
    for y, x, text in pieces:
        if last_y is None or abs(y - last_y) > 1.5:  # a new baseline (mm)
            lines.append([])
            last_y = y
        lines[-1].append((x, text))
    return ["".join(t for _, t in sorted(line)) for line in lines]


def _numbers(text: str) -> list[float]:
    out = []
    for part in text.split():
        try:
            out.append(float(part))
        except ValueError:
            pass
    return out


def _float(value: str | None) -> float:
    try:
        return float(value or 0)
    except ValueError:
        return 0.0
