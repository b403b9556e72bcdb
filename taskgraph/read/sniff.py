"""Tell a file's format from its content: magic bytes, the members of a zip
archive, the streams of an OLE compound file (Office 97-2003). The file's
suffix decides only where the content cannot: a ``.csv`` table, or a file
too damaged to say what it is.

:func:`sniff` returns a *kind*, the name of the reader module that reads it
(see :data:`taskgraph.read.READERS`), or raises :class:`ReadError` naming
what the file is when taskgraph does not read that (an image, a
presentation, an encrypted workbook).
"""
from __future__ import annotations

import io
import re

from ..errors import ReadError

__all__ = ["sniff"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .ppt, .wps, .et (Office 97-2003 and WPS)
_HTML_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html)", re.I | re.S)
# a page that is only a table or a fragment (no <html>): its first tag says so
_HTML_FRAGMENT = re.compile(rb"^\s*(<meta[^>]*>\s*)?<(table|body|head|div|p|h[1-6])\b", re.I)

_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.text-template": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "sheet",
    b"application/vnd.oasis.opendocument.spreadsheet-template": "sheet",
}
_SUFFIX_KINDS = {
    ".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html", ".xhtml": "html",
    ".doc": "office", ".wps": "office", ".dot": "office", ".rtf": "rtf", ".odt": "odt",
    ".xlsx": "sheet", ".xlsm": "sheet", ".xls": "sheet", ".et": "sheet", ".ods": "sheet",
    ".csv": "delimited", ".tsv": "delimited", ".ofd": "ofd", ".md": "markdown", ".markdown": "markdown",
}
_IMAGES = ((b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
           (b"GIF87a", "a GIF image"), (b"GIF89a", "a GIF image"), (b"II*\x00", "a TIFF image"),
           (b"MM\x00*", "a TIFF image"))
_ARCHIVES = ((b"Rar!\x1a\x07", "a RAR archive"), (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
             (b"\x1f\x8b", "a gzip archive"))


def sniff(source: str, data: bytes, suffix: str, partial: bool = False) -> str:
    """The kind of reader ``data`` needs: ``text``, ``html``, ``docx``,
    ``pdf``, ``office`` (Word 97-2003 / WPS, through LibreOffice), ``sheet``
    (.xlsx/.xls/.ods/.et), ``delimited`` (CSV), ``odt``, ``rtf`` or ``ofd``.

    With ``partial``, ``data`` is only the first bytes of the file (to
    refuse a large file from its size): a zip or OLE file is then told by
    its suffix."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _sniff_zip(source, data, suffix, partial)
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(OLE_MAGIC):
        return _sniff_ole(source, data, suffix, partial)
    for magic, what in _IMAGES:
        if data.startswith(magic):
            raise ReadError(source, f"{what}, not a document: a scanned plan needs OCR first")
    for magic, what in _ARCHIVES:
        if data.startswith(magic):
            raise ReadError(source, f"{what}: unpack it and give taskgraph the plans inside")
    head = _ascii_head(data)
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if _HTML_START.match(head) or (suffix in (".html", ".htm", ".xhtml") or suffix not in (".txt", ".text", ".md", ".markdown")) \
            and _HTML_FRAGMENT.match(head):
        return "html"
    kind = _SUFFIX_KINDS.get(suffix)
    if kind in ("html", "delimited", "markdown"):
        return kind
    if kind in ("docx", "sheet", "odt", "ofd"):
        raise ReadError(source, f"not a valid {suffix} file: it is not a zip archive (or is damaged)"
                        if kind != "sheet" or suffix in (".xlsx", ".xlsm", ".ods")
                        else f"not a valid {suffix} file: it is neither a workbook nor an Office 97-2003 file")
    if kind == "office":
        raise ReadError(source, f"not a valid {suffix} file: it is not a Word 97-2003 (OLE) file (or is damaged)")
    if kind == "pdf":
        return "pdf"  # the PDF reader says what is wrong
    return "text"


def _ascii_head(data: bytes) -> bytes:
    """The first bytes, with a UTF-16 text turned into one byte a character."""
    head = data[:2048]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:200].count(0) > 50:
        head = head.replace(b"\x00", b"")
    return head.lstrip(b"\xef\xbb\xbf\xff\xfe")


def _sniff_zip(source: str, data: bytes, suffix: str, partial: bool) -> str:
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        mimetype = archive.read("mimetype")[:100].strip() if "mimetype" in names else b""
    except Exception:  # damaged (or only the first bytes): the suffix decides, its reader says what is wrong
        kind = _SUFFIX_KINDS.get(suffix, "docx")
        return kind if kind in ("docx", "odt", "sheet", "ofd") else "docx"
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "sheet"
    if mimetype in _ODF_MIMETYPES:
        return _ODF_MIMETYPES[mimetype]
    if "OFD.xml" in names:
        return "ofd"
    if "ppt/presentation.xml" in names or mimetype.startswith(b"application/vnd.oasis.opendocument.presentation"):
        raise ReadError(source, "a presentation (slides), not a plan: save the plan as .docx or .pdf")
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        raise ReadError(source, f"an OpenDocument file of a kind taskgraph does not read ({mimetype.decode('ascii', 'replace')})")
    if suffix in (".docx", ".odt", ".xlsx", ".ods", ".ofd"):
        raise ReadError(source, f"not a valid {suffix} file: a zip archive without its parts (damaged?)")
    raise ReadError(source, "a zip archive, not a plan: unpack it and give taskgraph the plans inside")


def _sniff_ole(source: str, data: bytes, suffix: str, partial: bool) -> str:
    """Word 97-2003 and WPS Writer → ``office``; Excel 97-2003 and WPS
    Spreadsheets → ``sheet``; encrypted Office files and presentations refused."""
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as e:
        if partial:  # only the head: the suffix decides
            return "sheet" if _SUFFIX_KINDS.get(suffix) == "sheet" else "office"
        raise ReadError(source, f"damaged Office 97-2003 file ({' '.join(str(e).split())}): if Word or WPS "
                        "still opens it, save it as .docx") from None
    with ole:
        streams = {"/".join(entry) for entry in ole.listdir(streams=True, storages=False)}
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise ReadError(source, f"the {suffix or 'Office'} file is encrypted with a password: "
                        "save a copy without the password")
    if "WordDocument" in streams:
        return "office"
    if "Workbook" in streams or "Book" in streams:
        return "sheet"
    if "PowerPoint Document" in streams:
        raise ReadError(source, "a PowerPoint presentation, not a plan: save the plan as .docx or .pdf")
    if suffix in (".wps", ".doc"):
        return "office"  # an older WPS or Works file: LibreOffice may know it
    raise ReadError(source, "an Office 97-2003 file holding neither a Word document nor a workbook")
