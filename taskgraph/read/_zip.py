"""Safe reading of zip-packaged XML (.docx, .odt, .ofd): a member is read
with a hard cap, a zip bomb is refused from its declared sizes before
anything is inflated, and XML is parsed without DTDs, entities or network."""
from __future__ import annotations

import io

from ..errors import ReadError

__all__ = ["MAX_XML_BYTES", "open_zip", "zip_member", "parse_xml", "one_line"]

# a member larger than this is refused; so is one that inflates more than
# MAX_ZIP_RATIO times its compressed size (a zip bomb)
MAX_XML_BYTES = 128 * 1024 * 1024
MAX_ZIP_RATIO = 200
RATIO_CHECK_FROM = 8 * 1024 * 1024  # small parts may compress very well


def one_line(error: object) -> str:
    """A library's message as one line (lxml's span several)."""
    return " ".join(str(error).split())


def open_zip(source: str, data: bytes, what: str):
    """The archive, or a ReadError saying the file is no zip."""
    import zipfile

    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise ReadError(source, f"not a valid {what} file: it is not a zip archive (or is damaged)") from None


def zip_member(source: str, archive, name: str, what: str, limit: int | None = None) -> bytes:
    """Member ``name`` of ``archive`` (a zipfile.ZipFile), at most ``limit``
    bytes (default :data:`MAX_XML_BYTES`)."""
    import zipfile
    import zlib

    limit = MAX_XML_BYTES if limit is None else limit
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ReadError(source, f"not a {what}: the archive has no {name}") from None
    if info.flag_bits & 0x1:
        raise ReadError(source, f"{what} is encrypted with a password")
    if info.file_size > limit or (
        info.file_size > RATIO_CHECK_FROM and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1)
    ):
        raise ReadError(
            source,
            f"refused: {name} would inflate to {info.file_size // 2**20} MB "
            f"from {max(info.compress_size // 1024, 1)} KB (zip bomb?)",
        )
    try:
        with archive.open(info) as member:
            xml = member.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError, ValueError, RuntimeError) as e:
        raise ReadError(source, f"damaged {what}: {one_line(e)}") from None
    if len(xml) > limit:
        raise ReadError(source, f"refused: {name} is larger than its zip entry says (zip bomb?)")
    return xml


def parse_xml(source: str, xml: bytes, name: str, what: str):
    """The root element of ``xml`` (member ``name``); a DOCTYPE is refused
    (Office and LibreOffice never write one), entities are never resolved."""
    from lxml import etree

    refused = f"refused: {name} declares a DOCTYPE (its entities are never resolved)"
    if b"<!DOCTYPE" in xml[:65536]:  # refuse before parsing
        raise ReadError(source, refused)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as e:
        raise ReadError(source, f"damaged {what}: {name} is not well-formed XML ({one_line(e)})") from None
    if root.getroottree().docinfo.doctype:
        raise ReadError(source, refused)
    return root
