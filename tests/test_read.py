"""Tests of the read stage: every fixture is made here, in ``tmp_path``."""
from __future__ import annotations

import io
import random
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from taskgraph.errors import ReadError
from taskgraph.model import Diagnostic, Document
from taskgraph.read import SUPPORTED_SUFFIXES, expand_paths, iter_documents, read_document

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

PLAN = (
    "锦州市科技创新发展三年行动计划(2021—2024年)\n"
    "一、总体要求\n"
    "\n"
    "（一）加强企业培育。支持企业加大研发投入。（责任单位：市科技局、市财政局）\n"
)
PLAN_LINES = [
    "锦州市科技创新发展三年行动计划(2021—2024年)",
    "一、总体要求",
    "(一)加强企业培育。支持企业加大研发投入。(责任单位:市科技局、市财政局)",
]
PLAN_TRADITIONAL = (
    "錦州市科技創新發展三年行動計劃(2021—2024年)\n"
    "一、總體要求\n"
    "\n"
    "（一）加強企業培育。支持企業加大研發投入。（責任單位：市科技局、市財政局）\n"
)


def texts(doc: Document) -> list[str]:
    return [line.text for line in doc.lines]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    "encoding, data",
    [
        ("utf-8", PLAN.encode("utf-8")),
        ("utf-8-sig", PLAN.encode("utf-8-sig")),
        ("gb18030", PLAN.encode("gbk")),
        ("gb18030", PLAN.encode("gb18030")),
        ("gb18030", PLAN.replace("\u2014", "\u2015").encode("gb2312")),  # GB2312 has no U+2014
        ("utf-16-le", b"\xff\xfe" + PLAN.encode("utf-16-le")),
        ("utf-16-be", b"\xfe\xff" + PLAN.encode("utf-16-be")),
        ("utf-16-le", PLAN.encode("utf-16-le")),
        ("utf-16-be", PLAN.encode("utf-16-be")),
        ("utf-16-le", PLAN.replace("\n", "\r\n").encode("utf-16-le")),
    ],
)
def test_encodings(tmp_path, encoding, data):
    doc = read_document(write(tmp_path, "plan.txt", data))
    assert doc.encoding == encoding
    assert texts(doc) == PLAN_LINES
    assert doc.diagnostics == []


@pytest.mark.parametrize("codec", ["big5", "cp950"])
def test_big5_traditional_comes_out_simplified(tmp_path, codec):
    doc = read_document(write(tmp_path, "plan.txt", PLAN_TRADITIONAL.encode(codec)))
    assert doc.encoding in ("big5", "cp950")
    assert texts(doc) == PLAN_LINES


@pytest.mark.parametrize(
    "text, codec, expected",
    [
        ("责任单位：市科技局", "gbk", "责任单位:市科技局"),
        ("責任單位：市科技局", "big5", "责任单位:市科技局"),
        ("牵头单位：市发展改革委", "gbk", "牵头单位:市发展改革委"),
        ("牽頭單位：市發展改革委", "big5", "牵头单位:市发展改革委"),
    ],
)
def test_short_lines_pick_the_right_chinese_codec(tmp_path, text, codec, expected):
    doc = read_document(write(tmp_path, "short.txt", text.encode(codec)))
    assert texts(doc) == [expected]


def test_utf8_with_a_bad_byte_keeps_the_text_and_flags_the_line(tmp_path):
    data = PLAN.encode().replace("研发".encode(), "研发".encode()[:-1])
    doc = read_document(write(tmp_path, "plan.txt", data))
    assert doc.encoding == "utf-8"
    assert texts(doc)[:2] == PLAN_LINES[:2]
    assert [(d.code, d.line) for d in doc.diagnostics] == [("mojibake", 4)]


def test_line_numbers_are_kept_and_blank_lines_dropped(tmp_path):
    doc = read_document(write(tmp_path, "plan.txt", "\n\n甲\n\n  \n乙\r\n丙".encode()))
    assert [(line.no, line.text) for line in doc.lines] == [(3, "甲"), (6, "乙"), (7, "丙")]


def test_stray_nul_bytes_are_dropped_with_a_warning(tmp_path):
    data = PLAN.encode("utf-8").replace("一、".encode(), "一、".encode() + b"\x00", 1) + b"\x00"
    doc = read_document(write(tmp_path, "plan.txt", data))
    assert texts(doc) == PLAN_LINES
    assert [d.code for d in doc.diagnostics] == ["nul-bytes"]
    assert doc.diagnostics[0].level == "warning"


def test_empty_file_is_refused(tmp_path):
    for data in (b"", b"  \r\n\n"):
        with pytest.raises(ReadError, match="file is empty"):
            read_document(write(tmp_path, "empty.txt", data))


def test_binary_file_named_txt_is_refused(tmp_path):
    data = random.Random(0).randbytes(4096)
    with pytest.raises(ReadError, match="binary file") as e:
        read_document(write(tmp_path, "image.txt", data))
    assert str(e.value).startswith(str(tmp_path / "image.txt") + ": ")
    assert "\n" not in str(e.value)


def test_old_word_doc_is_refused_with_advice(tmp_path):
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    with pytest.raises(ReadError, match=r"save it as \.docx"):
        read_document(write(tmp_path, "plan.docx", data))


# ------------------------------------------------------------------- docx


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph("一、重点任务")
    table = document.add_table(rows=3, cols=3)
    for row, values in zip(table.rows, [("序号", "任务", "牵头单位"), ("1", "培育企业", "市科技局"), ("2", "建设平台", "")]):
        for cell, value in zip(row.cells, values):
            cell.text = value
    table.cell(1, 2).merge(table.cell(2, 2))  # 市科技局 leads both tasks
    document.add_paragraph("二、保障措施")
    paragraph = document.add_paragraph("加强组织领导。")
    paragraph.add_run().add_break()
    paragraph.add_run("（責任單位：市政府辦公室）")
    document.save(path)
    return path


def test_docx_paragraphs_and_table_in_order(tmp_path):
    doc = read_document(make_docx(tmp_path / "plan.docx"))
    assert doc.format == "docx" and doc.name == "plan.docx"
    assert texts(doc) == [
        "一、重点任务",
        "序号 | 任务 | 牵头单位",
        "1 | 培育企业 | 市科技局",
        "2 | 建设平台 | 市科技局",
        "二、保障措施",
        "加强组织领导。",
        "(责任单位:市政府办公室)",
    ]
    rows = [line for line in doc.lines if line.cells]
    assert rows[2].cells == ("2", "建设平台", "市科技局")
    assert {r.table for r in rows} == {1}
    assert [line.no for line in doc.lines] == [1, 2, 3, 4, 5, 6, 6]


def test_docx_merged_cells_and_tabs(tmp_path):
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "重点任务"
    table.cell(0, 2).text = "牵头单位"
    table.cell(1, 0).text = "1"
    table.cell(1, 1).text = "培育企业"
    inner = table.cell(1, 2).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "市科技局"
    inner.cell(0, 1).text = "市财政局"
    document.add_paragraph("附件\t重点任务分工表")
    path = tmp_path / "merged.docx"
    document.save(path)
    doc = read_document(path)
    # the merged header cell keeps its grid columns (its text in the first),
    # so that header and rows line up
    assert [line.cells for line in doc.lines] == [
        ("重点任务", "", "牵头单位"),
        ("1", "培育企业", "市科技局 市财政局"),
        None,
    ]
    assert doc.lines[2].text == "附件 重点任务分工表"


def test_docx_that_is_not_a_zip(tmp_path):
    with pytest.raises(ReadError, match="not a zip"):
        read_document(write(tmp_path, "plan.docx", PLAN.encode()))


def test_zip_without_word_document(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ReadError, match="no word/document.xml"):
        read_document(write(tmp_path, "plan.docx", buffer.getvalue()))


def rewrite_document_xml(source: Path, target: Path, edit) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "word/document.xml":
                data = edit(data)
            new.writestr(item, data)
    return target


@pytest.mark.parametrize("padding", [b"", b"<!--" + b" " * 70000 + b"-->"])
def test_docx_external_entity_is_never_resolved(tmp_path, padding):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    doctype = padding + f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'.encode()

    def edit(xml: bytes) -> bytes:
        declaration_end = xml.index(b"?>") + 2
        xml = xml[:declaration_end] + doctype + xml[declaration_end:]
        return xml.replace("一、重点任务".encode(), b"&xxe;")

    path = rewrite_document_xml(make_docx(tmp_path / "plain.docx"), tmp_path / "xxe.docx", edit)
    with pytest.raises(ReadError, match="DOCTYPE") as e:
        read_document(path)
    assert "TOP-SECRET" not in str(e.value)
    results = list(iter_documents([path]))
    assert len(results) == 1 and isinstance(results[0], Diagnostic)
    assert results[0].level == "error" and "TOP-SECRET" not in str(results[0])


def test_docx_billion_laughs_is_refused(tmp_path):
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a%d;" % (i - 1)) * 10}">' for i in range(1, 10)
    )

    def edit(xml: bytes) -> bytes:
        declaration_end = xml.index(b"?>") + 2
        xml = xml[:declaration_end] + f"<!DOCTYPE w:document [{entities}]>".encode() + xml[declaration_end:]
        return xml.replace("一、重点任务".encode(), b"&a9;")

    path = rewrite_document_xml(make_docx(tmp_path / "plain.docx"), tmp_path / "laughs.docx", edit)
    started = time.perf_counter()
    with pytest.raises(ReadError, match="DOCTYPE"):
        read_document(path)
    assert time.perf_counter() - started < 2


def test_zip_bomb_is_refused_without_inflating(tmp_path, monkeypatch):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            chunk = b" " * (1 << 20)
            for _ in range(500):  # 500 MB of spaces, about 500 KB compressed
                member.write(chunk)
    assert path.stat().st_size < 2 * 2**20

    def no_inflating(*args, **kwargs):
        raise AssertionError("the bomb was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_inflating)
    started = time.perf_counter()
    with pytest.raises(ReadError, match="zip bomb"):
        read_document(path)
    assert time.perf_counter() - started < 1


def test_zip_entry_lying_about_its_size_is_not_inflated_past_it(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/document.xml", "w") as member:
            for _ in range(50):
                member.write(b" " * (1 << 20))
    real_size = (50 << 20).to_bytes(4, "little")
    data = buffer.getvalue().replace(real_size, (1000).to_bytes(4, "little"))  # local + central header
    with pytest.raises(ReadError, match="damaged .docx"):
        read_document(write(tmp_path, "liar.docx", data))


def test_docx_reading_has_a_hard_cap(tmp_path, monkeypatch):
    import taskgraph.read as read

    path = make_docx(tmp_path / "plan.docx")
    monkeypatch.setattr(read, "_MAX_XML_BYTES", 100)
    with pytest.raises(ReadError, match="refused"):
        read_document(path)


# ------------------------------------------------------------------- html

PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>锦州市科技创新发展三年行动计划_锦州市人民政府</title>
<script>var menu = "脚本里的文字";</script><style>.x {}</style></head>
<body>
<div class="top-nav"><a href="/">网站首页</a> <a href="/zw">政务公开</a> <a>互动交流</a></div>
<nav><ul><li>本市动态</li><li>部门动态</li></ul></nav>
<div class="breadcrumb">当前位置:首页 > 政策文件</div>
<div class="wrapper">
  <div class="side"><p>相关链接:市政府门户网站</p></div>
  <div class="article-content">
    <p>一、总体要求</p>
    <p>进一步贯彻新发展理念,加快实施创新驱动发展战略,激发创新活力。</p>
    <p>(一)培育科技企业。加大研发投入。<br>(责任单位:市科技局、市财政局)</p>
    <table border="1">
      <tr><th>序号</th><th>任务</th><th>牵头单位</th></tr>
      <tr><td>1</td><td>培育企业</td><td rowspan="2">市科技局</td></tr>
      <tr><td>2</td><td>建设平台</td></tr>
    </table>
    <div>二、保障措施</div>
  </div>
  <div class="bdsharebuttonbox">分享到:微信 微博</div>
</div>
<footer>版权所有:锦州市人民政府办公室 备案号</footer>
<div id="footer">主办单位:锦州市人民政府</div>
</body></html>
"""


def test_html_page_keeps_the_plan_and_drops_the_chrome(tmp_path):
    doc = read_document(write(tmp_path, "page.html", PAGE.encode("gbk")))
    assert doc.format == "html" and doc.encoding == "gb18030"
    all_text = "\n".join(texts(doc))
    for chrome in ("脚本", "网站首页", "本市动态", "当前位置", "分享到", "版权所有", "主办单位", "相关链接"):
        assert chrome not in all_text
    assert texts(doc) == [
        "锦州市科技创新发展三年行动计划",
        "一、总体要求",
        "进一步贯彻新发展理念,加快实施创新驱动发展战略,激发创新活力。",
        "(一)培育科技企业。加大研发投入。",
        "(责任单位:市科技局、市财政局)",
        "序号 | 任务 | 牵头单位",
        "1 | 培育企业 | 市科技局",
        "2 | 建设平台 | 市科技局",
        "二、保障措施",
    ]
    assert [line.table for line in doc.lines] == [None] * 5 + [1, 1, 1] + [None]
    assert [line.no for line in doc.lines] == list(range(1, 10))


ITEMS = "".join(f"<p>{i}.加强科技型企业梯队培育建设,完善梯次培育机制。(责任单位:市科技局)</p>" for i in (1, 2, 3))


@pytest.mark.parametrize(
    "page",
    [
        # a page laid out with tables, the title in an h2 beside the content
        "<html><head><title>方案_廊坊市人民政府</title></head><body><table>"
        "<tr><td><a>首页</a> | <a>政务公开</a> | <a>互动交流</a></td></tr>"
        "<tr><td><table><tr><td><ul><li><a>本市动态</a></li><li><a>部门动态</a></li></ul></td>"
        f"<td><h2>廊坊市科技创新工作方案</h2><div class='TRS_Editor'>{ITEMS}</div></td></tr></table></td></tr>"
        "<tr><td>版权所有 廊坊市人民政府 冀ICP备</td></tr></table></body></html>",
        # one <div> whose lines are separated by <br>, chrome without telling names
        "<html><head><title>廊坊市科技创新工作方案 - 廊坊市人民政府</title></head><body>"
        "<div id='top'>网站首页 政务公开 互动交流</div><div class='zoom'>"
        + ITEMS.replace("<p>", "").replace("</p>", "<br>")
        + "</div><div class='links'>相关文章:关于印发某某的通知</div></body></html>",
    ],
)
def test_html_main_content_is_found(tmp_path, page):
    doc = read_document(write(tmp_path, "page.htm", page.encode()))
    assert texts(doc) == ["廊坊市科技创新工作方案"] + [
        f"{i}.加强科技型企业梯队培育建设,完善梯次培育机制。(责任单位:市科技局)" for i in (1, 2, 3)
    ]


def test_xhtml_with_xml_declaration(tmp_path):
    page = (
        '<?xml version="1.0" encoding="gb2312"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><body><div>'
        f"{ITEMS}</div></body></html>"
    )
    doc = read_document(write(tmp_path, "page.xhtml", page.encode("gb2312")))
    assert doc.encoding == "gb18030"
    assert len(doc.lines) == 3 and doc.lines[0].text.startswith("1.加强科技型企业")


def test_html_pre_keeps_its_lines(tmp_path):
    page = "<html><body><pre>一、总体要求\n\n1.加强企业培育。(责任单位:市科技局)\n</pre></body></html>"
    doc = read_document(write(tmp_path, "page.html", page.encode()))
    assert texts(doc) == ["一、总体要求", "1.加强企业培育。(责任单位:市科技局)"]


def test_html_is_sniffed_by_content_and_utf8_without_meta(tmp_path):
    page = "<html><body><article><h1>行动方案</h1><p>" + "加快科技创新。" * 20 + "</p></article></body></html>"
    doc = read_document(write(tmp_path, "saved.txt", page.encode()))
    assert doc.format == "html"
    assert texts(doc) == ["行动方案", "加快科技创新。" * 20]


# -------------------------------------------------------------------- pdf


def make_pdf(path: Path, pages: list[list[str]]) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import mplfonts
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.font_manager import FontProperties

    font = FontProperties(fname=str(Path(mplfonts.__file__).parent / "fonts" / "SimHei.ttf"))
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(path) as pdf:
        for lines in pages:
            figure = plt.figure(figsize=(8.27, 11.69))
            for i, line in enumerate(lines):
                figure.text(0.05, 0.95 - i * 0.03, line, fontproperties=font, fontsize=12)
            pdf.savefig(figure)
            plt.close(figure)
    return path


def test_pdf_text_layer_with_wrapped_lines_rejoined(tmp_path):
    path = make_pdf(
        tmp_path / "plan.pdf",
        [
            [
                "锦州市科技创新发展三年行动计划",
                "一、总体要求",
                "为进一步贯彻新发展理念，加快实施创新驱动发展战略，激发创新",
                "活力，发挥科技创新对经济社会发展的支撑引领作用。",
                "（一）培育科技企业。支持企业加大研发投入，提升企业创新能力",
                "（责任单位：市科技局、市财政局）",
                "- 1 -",
            ],
            [
                "1.加强科技型企业梯队培育建设，完善从科技型中小企业到高新技术",
                "企业的梯次培育机制。（责任单位：市科技局）",
                "第2页",
            ],
        ],
    )
    doc = read_document(path)
    assert doc.format == "pdf"
    assert texts(doc) == [
        "锦州市科技创新发展三年行动计划",
        "一、总体要求",
        "为进一步贯彻新发展理念,加快实施创新驱动发展战略,激发创新活力,发挥科技创新对经济社会发展的支撑引领作用。",
        "(一)培育科技企业。支持企业加大研发投入,提升企业创新能力(责任单位:市科技局、市财政局)",
        "1.加强科技型企业梯队培育建设,完善从科技型中小企业到高新技术企业的梯次培育机制。(责任单位:市科技局)",
    ]


def test_pdf_without_text_layer_needs_ocr(tmp_path):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ReadError, match=r"PDF has no text layer \(scanned\?\): it needs OCR"):
        read_document(write(tmp_path, "scan.pdf", buffer.getvalue()))


def test_pdf_suffix_without_pdf_content(tmp_path):
    with pytest.raises(ReadError, match="damaged PDF"):
        read_document(write(tmp_path, "plan.pdf", "这不是PDF文件".encode()))


# ------------------------------------------------------------------ paths


def test_expand_paths_folders_globs_and_missing(tmp_path):
    write(tmp_path, "plans/b.txt", b"x")
    write(tmp_path, "plans/a.docx", b"x")
    write(tmp_path, "plans/sub/c.html", b"x")
    write(tmp_path, "plans/.hidden.txt", b"x")
    write(tmp_path, "plans/.git/d.txt", b"x")
    write(tmp_path, "plans/notes.csv", b"x")
    write(tmp_path, "odd.plan", b"x")
    (tmp_path / "empty").mkdir()
    write(tmp_path, "nothing/readme.csv", b"x")
    plans = tmp_path / "plans"

    paths, diagnostics = expand_paths([plans, tmp_path / "missing.txt", tmp_path / "empty", tmp_path / "nothing"])
    assert paths == [str(plans / "a.docx"), str(plans / "b.txt"), str(plans / "sub" / "c.html")]
    assert [(d.source, d.message, d.level) for d in diagnostics] == [
        (str(tmp_path / "missing.txt"), "path does not exist", "error"),
        (str(tmp_path / "empty"), "no plans found in folder (looked for .txt .docx .html .pdf)", "error"),
        (str(tmp_path / "nothing"), "no plans found in folder (looked for .txt .docx .html .pdf)", "error"),
    ]

    paths, diagnostics = expand_paths([f"{plans}/*.txt", f"{plans}/**/*.html", str(plans / "b.txt"), tmp_path / "odd.plan", "-"])
    assert paths == [str(plans / "b.txt"), str(plans / "sub" / "c.html"), str(tmp_path / "odd.plan"), "-"]
    assert diagnostics == []

    paths, diagnostics = expand_paths([f"{tmp_path}/*.docx"])
    assert paths == [] and [d.level for d in diagnostics] == ["error"]


def test_supported_suffixes():
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".text", ".md", ".docx", ".html", ".htm", ".xhtml", ".pdf"}


def test_standard_input(monkeypatch):
    class Stdin:
        buffer = io.BytesIO(PLAN.encode("gbk"))

    monkeypatch.setattr(sys, "stdin", Stdin)
    (doc,) = iter_documents(["-"])
    assert doc.name == "stdin.txt" and doc.source == "<stdin>"
    assert texts(doc) == PLAN_LINES


def test_iter_documents_goes_on_after_bad_files(tmp_path):
    good = write(tmp_path, "a.txt", PLAN.encode())
    empty = write(tmp_path, "b.txt", b"")
    bad_docx = write(tmp_path, "c.docx", b"not a zip")
    results = list(iter_documents([good, empty, tmp_path / "missing.txt", bad_docx, good]))
    kinds = [(type(r).__name__, r.source) for r in results]
    assert kinds == [
        ("Diagnostic", str(tmp_path / "missing.txt")),
        ("Document", str(good)),
        ("Diagnostic", str(empty)),
        ("Diagnostic", str(bad_docx)),
    ]
    assert all(r.level == "error" for r in results if isinstance(r, Diagnostic))
    assert str(results[2]) == f"{empty}: file is empty"


def test_iter_documents_reads_one_file_at_a_time(tmp_path):
    first = write(tmp_path, "a.txt", PLAN.encode())
    second = write(tmp_path, "b.txt", PLAN.encode())
    documents = iter_documents([tmp_path])
    assert next(documents).name == "a.txt"
    second.unlink()  # not read yet, so its loss shows up as an error, not a crash
    (error,) = documents
    assert isinstance(error, Diagnostic) and error.source == str(second)
    assert first.exists()


# --------------------------------------------------------- mojibake, spam


def test_mojibake_detector_on_the_langfang_seed():
    doc = read_document(SEEDS / "003_95574dca455f0a31.txt")
    flagged = [d for d in doc.diagnostics if d.code == "mojibake"]
    assert [d.line for d in flagged] == [41, 91]
    assert flagged[0].message == "line looks mis-encoded (mojibake); kept as is"
    assert any("萍夹椭行" in line.text for line in doc.lines if line.no == 41)  # the line is kept


@pytest.mark.parametrize("seed", ["000_544df5f8ded5f63a.txt", "001_8932685789ee55e5.txt", "002_d958da9e103cffc4.txt"])
def test_clean_seeds_have_no_diagnostics(seed):
    doc = read_document(SEEDS / seed)
    assert doc.diagnostics == []
    assert doc.encoding == "utf-8" and doc.name == seed


def test_spam_line_of_the_langfang_seed_is_flagged():
    doc = read_document(SEEDS / "003_95574dca455f0a31.txt")
    spam = [d.line for d in doc.diagnostics if d.code == "spam"]
    assert spam == [doc.lines[-1].no]


@pytest.mark.parametrize(
    "line, flagged",
    [
        ("加强科技型企业梯队培育建设。", False),
        ("是否符合条件？？请核实。", False),  # full-width question marks are text
        ("关于加快推进企业科技创新的行动方案", False),
        ("关于加快推进企业科技创新的行动方案".encode().decode("gbk", errors="replace"), True),
        ("锟斤拷锟斤拷", True),
        ("??萍夹椭行", True),
        ("是否完成?请于年底前报送。", False),  # one ? may be a question
        ("责任单位:市科技局\ufffd", True),
        ("CafÃ© rÃ©sumÃ©", True),
    ],
)
def test_mojibake_detector(tmp_path, line, flagged):
    doc = read_document(write(tmp_path, "line.txt", ("第一行\n" + line).encode()))
    assert [d.line for d in doc.diagnostics if d.code == "mojibake"] == ([2] if flagged else [])


# ------------------------------------------------------------ import cost


def test_import_is_cheap():
    code = (
        "import sys, taskgraph.read; "
        "print([m for m in ('lxml', 'pypdf', 'charset_normalizer', 'opencc', 'docx') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("wrap", [
    "<div><p>{}</p></div>",  # one nested div a paragraph
    "<div><div><p>{}</p></div></div>",
    "<div class='item'><font>{}</font></div>",
])
def test_html_paragraphs_in_nested_blocks_are_all_kept(tmp_path, wrap):
    items = [f"{i}.建设第{i}个创新平台。(责任单位:市科技局)" for i in range(1, 9)]
    page = ("<html><head><meta charset='utf-8'><title>某市方案</title></head><body>"
            "<div class='nav'>首页 政务公开</div><div class='content'><h1>某市科技创新工作方案</h1>"
            + "".join(wrap.format(t) for t in items) + "</div><div class='footer'>版权所有</div></body></html>")
    doc = read_document(write(tmp_path, "page.html", page.encode()))
    assert texts(doc) == ["某市科技创新工作方案"] + items


def test_html_says_how_much_text_it_leaves_out(tmp_path):
    side = "".join(f"<li><a>相关新闻标题第{i}条关于某某工作的报道</a></li>" for i in range(15))
    items = "".join(f"<p>{i}.建设创新平台,完善孵化服务体系。(责任单位:市科技局)</p>" for i in range(1, 14))
    page = ("<html><head><meta charset='utf-8'></head><body><div class='content'><h1>某市方案</h1>"
            + items + "</div><div class='side'><ul>" + side + "</ul></div></body></html>")
    doc = read_document(write(tmp_path, "page.html", page.encode()))
    notes = [d for d in doc.diagnostics if d.code == "html-dropped"]
    assert len(notes) == 1 and notes[0].level == "info"
    kept, page_total = (int(x) for x in re.findall(r"(\d+) of (\d+)", notes[0].message)[0])
    assert kept < page_total and "1.建设创新平台,完善孵化服务体系。(责任单位:市科技局)" in [ln.text for ln in doc.lines]


# ------------------------------------------------- OpenCC skipped where it changes nothing

def test_t2s_changes_file_is_derived_from_the_installed_dictionaries():
    """data/t2s_changes.txt holds what derive_t2s_changes finds in the
    installed OpenCC's t2s dictionaries (re-derive it after an OpenCC upgrade)."""
    from importlib import metadata, resources

    from taskgraph.text import derive_t2s_changes

    lines = resources.files("taskgraph.data").joinpath("t2s_changes.txt").read_text("utf-8").splitlines()
    if lines[0].split()[-1] != metadata.version("opencc"):
        pytest.skip("the file was derived for another OpenCC release (taskgraph then derives the set itself)")
    try:
        derived = derive_t2s_changes()
    except (OSError, FileNotFoundError) as e:
        pytest.skip(f"no opencc_dict in this OpenCC wheel: {e}")
    cut = lines.index("[phrases]")
    assert ("".join(lines[1:cut]), lines[cut + 1:]) == derived
    chars, phrases = derived
    assert "責" in chars and "责" not in chars and "瞭然" in phrases and "覆" not in chars


def test_a_text_without_those_characters_is_what_opencc_returns():
    """Exact skipping: every CJK character outside the set is unchanged by t2s,
    alone and in the phrases of the seeds; every one inside it is converted
    somewhere (alone or in a phrase of its dictionary)."""
    from taskgraph.text import _converter, t2s_changes, to_simplified

    changes = t2s_changes()
    assert changes is not None
    cc = _converter()
    blocks = list(range(0x3400, 0x4DC0)) + list(range(0x4E00, 0xA000)) + list(range(0xF900, 0xFB00))
    outside = [chr(c) for c in blocks if not changes[0].match(chr(c))]
    assert len(outside) < len(blocks) - 4000  # thousands are changed, and marked
    assert all(cc.convert(c) == c for c in outside)
    assert cc.convert("".join(outside[:3000])) == "".join(outside[:3000])
    for text in ("瞭解情況", "責任單位：市科技局", "乾隆", "着手", "批覆同意", "覆盖全市", "一目瞭然", "反覆"):
        assert to_simplified(text) == cc.convert(text)
    # and the plans: every line of the seeds and of text written for it
    import glob
    for path in glob.glob(str(Path(__file__).resolve().parents[1] / "seeds" / "*.txt")):
        for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
            assert to_simplified(line) == cc.convert(line)
