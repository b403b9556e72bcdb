"""HTML pages saved from a government site: the main content kept, menus,
scripts, headers and footers dropped; data tables read as rows of cells (a
cell merged down rows stands in each of them)."""
from __future__ import annotations

import re
from collections.abc import Iterator

from ..errors import ReadError
from ..model import Diagnostic, Line, LineSource
from ..text import normalise_line
from ._zip import one_line as _one_line
from .plain import _NEWLINE, _decode_bom, _decode_text

__all__ = ["read"]


def read(source: str, data: bytes) -> tuple[list[Line], str, list[Diagnostic]]:
    """Lines, encoding and diagnostics of a web page."""
    return _read_html(source, data)


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
