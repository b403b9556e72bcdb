"""Tables an office files as they are: opened again as an office program
would, and printed through LibreOffice.

The first tests open the files with openpyxl / python-docx and check what the
eye would: rows tall enough for their wrapped text, a title, the header on
every page, page numbers, rows never split across pages, section rows kept
with the row after them, the plan's own punctuation. The last ones print
every table of the seeds (and a plan written with full-width punctuation)
to PDF with LibreOffice and read the pages back: every cell's text whole
on the page, each task on one page, a section heading on the page of its
first task, ``第 N 页 共 M 页`` on every page. They skip where LibreOffice is
not installed (``.ci/run`` installs it).
"""
from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import taskgraph
from taskgraph.render import duties, tables

ROOT = Path(__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

#: A plan as official documents write it: full-width punctuation throughout.
FULL_WIDTH_PLAN = """锦州市人民政府关于印发锦州市科技创新三年行动计划（2023—2025年）的通知
锦州市科技创新三年行动计划（2023—2025年）
一、重点任务
（一）实施人才引育行动。
1．实施“锦兴工程”，支持高层次人才在锦创业。创新人才评价体系，突出创新价值、能力、贡献导向；鼓励高校科研人员携带科研成果创办企业，鼓励领军企业孵化派生科技型企业（含省级以上创新平台），遵循产业规律，聚焦科技型企业成长关键节点，持续精准发力，实现科技人才创业—科技企业成长—新兴产业培育的新突破。（责任单位：市科技局、市财政局，各县（市）区政府（管委会））
2．聚焦企业创新需求，加快高水平创新人才培养和引进。（牵头单位：市人力资源社会保障局；配合单位：市卫生健康委、市科技局）
（二）建设创新平台。
3．优化创新平台布局。（责任单位：市科技局、市发展改革委）
"""


@pytest.fixture(scope="module")
def full_width(tmp_path_factory):
    path = tmp_path_factory.mktemp("plan") / "full_width.txt"
    path.write_text(FULL_WIDTH_PLAN, encoding="utf-8")
    return taskgraph.load([path])


@pytest.fixture(scope="module")
def seeds():
    return taskgraph.load()


# ------------------------------------------------------------- text as written

def test_the_table_keeps_full_width_punctuation_where_the_plan_has_it(full_width, tmp_path):
    plan = full_width.plans[0]
    assert tables.division_title(plan) == "锦州市科技创新三年行动计划（2023—2025年）任务分工表"
    rows = tables.division_rows(plan)
    groups = [r.heading for r in rows if isinstance(r, tables.GroupRow)]
    assert groups == ["一、重点任务", "（一）实施人才引育行动。", "（二）建设创新平台。"]
    first = next(r for r in rows if isinstance(r, tables.TaskRow))
    assert first.title == "实施“锦兴工程”，支持高层次人才在锦创业"
    assert first.content.startswith("实施“锦兴工程”，支持高层次人才在锦创业。创新人才评价体系，突出创新价值")
    assert "（含省级以上创新平台）" in first.content
    assert first.support == ("市财政局", "各县（市）区政府（管委会）")
    csv_text = tables.write_division_csv(plan, tmp_path / "t.csv").read_text(encoding="utf-8-sig")
    assert "各县（市）区政府（管委会）" in csv_text and "（一）实施人才引育行动。" in csv_text
    assert "(" not in csv_text.split("\n", 1)[1].replace("(一)", "").replace("(二)", "")  # ids keep theirs

    from docx import Document
    from openpyxl import load_workbook

    ws = load_workbook(tables.write_division_xlsx(plan, tmp_path / "t.xlsx")).active
    values = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"锦州市科技创新三年行动计划（2023—2025年）任务分工表", "（一）实施人才引育行动。",
            "市财政局、各县（市）区政府（管委会）"} <= values
    doc = Document(tables.write_division_docx(plan, tmp_path / "t.docx"))
    texts = {c.text for row in doc.tables[0].rows for c in row.cells}
    assert "市财政局、各县（市）区政府（管委会）" in texts and "（二）建设创新平台。" in texts
    m = tables.responsibility_matrix(plan, full_width.units)
    assert m.title == "锦州市科技创新三年行动计划（2023—2025年）" and "各县（市）区政府（管委会）" in m.units


def test_half_width_plans_stay_half_width(seeds):
    """Nothing is made full width that the plan did not write so."""
    plan = next(p for p in seeds.plans if p.info.place == "锦州市")
    rows = tables.division_rows(plan)
    assert tables.division_title(plan) == "锦州市科技创新发展三年行动计划(2021—2024年)任务分工表"
    assert any(isinstance(r, tables.GroupRow) and r.heading == "(一)实施科技创新创业人才引育行动。" for r in rows)


def test_task_titles_are_never_cut_inside_a_phrase(seeds):
    for plan in seeds.plans:
        for row in tables.division_rows(plan):
            if isinstance(row, tables.TaskRow):
                assert "…" not in row.title or "…" in row.content
                assert row.title.count("(") == row.title.count(")")
                assert row.title.count("“") == row.title.count("”")
                assert row.content  # the full text in a column of its own


# ------------------------------------------------------------------- xlsx

def test_xlsx_rows_are_tall_enough_for_their_wrapped_text(full_width, tmp_path):
    from openpyxl import load_workbook

    plan = full_width.plans[0]
    ws = load_workbook(tables.write_division_xlsx(plan, tmp_path / "t.xlsx")).active
    content_col = 3
    width = ws.column_dimensions["C"].width
    rows = [r for r in range(3, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, int)]
    assert rows
    for r in rows:
        text = ws.cell(r, content_col).value
        # at least the lines the text needs in its column (a CJK character is two units), 12 pt each
        lines = math.ceil(tables.display_width(text) / width)
        assert ws.row_dimensions[r].height is not None
        assert ws.row_dimensions[r].height >= 12 * lines, (r, text)
    long_row, short_row = rows[0], rows[-1]
    assert ws.row_dimensions[long_row].height > 2 * ws.row_dimensions[short_row].height
    assert ws.row_dimensions[1].height >= 20  # the title


def test_xlsx_print_setup_footer_inside_the_margin(seeds, tmp_path):
    from openpyxl import load_workbook

    plan = seeds.plans[0]
    m = tables.responsibility_matrix(plan, seeds.units)
    for path in (tables.write_division_xlsx(plan, tmp_path / "a.xlsx"), tables.write_matrix_xlsx(m, tmp_path / "m.xlsx")):
        ws = load_workbook(path).active
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
        assert ws.page_margins.footer < ws.page_margins.bottom  # the footer stands below the table, not on it
        assert ws.print_title_rows == "$2:$2"  # the header row, on every page
        assert ws["A1"].value.startswith(tables.plan_title(plan))  # the plan's name on top


# ------------------------------------------------------------------- docx

def test_docx_rows_never_split_and_section_rows_keep_with_the_next(seeds, tmp_path):
    from docx import Document

    doc = Document(tables.write_division_docx(seeds.plans[0], tmp_path / "t.docx"))
    rows = doc.tables[0].rows
    assert all(r._tr.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
    groups = [r for r in rows if len(r._tr.tc_lst) == 1]
    assert groups
    for r in groups:
        assert all(p.paragraph_format.keep_with_next for p in r.cells[0].paragraphs)
    tasks_ = [r for r in rows[1:] if len(r._tr.tc_lst) > 1]
    assert not any(p.paragraph_format.keep_with_next for r in tasks_ for c in r.cells for p in c.paragraphs)


def test_docx_footer_has_page_number_fields(seeds, tmp_path):
    from docx import Document

    doc = Document(tables.write_division_docx(seeds.plans[0], tmp_path / "t.docx"))
    footer = doc.sections[0].footer._element
    instr = [t.text.strip() for t in footer.iter(f"{W}instrText")]
    assert instr == ["PAGE", "NUMPAGES"]
    assert [f.get(f"{W}fldCharType") for f in footer.iter(f"{W}fldChar")] == ["begin", "separate", "end"] * 2
    words = "".join(t.text or "" for t in footer.iter(f"{W}t"))
    assert words.startswith("第 ") and " 页 共 " in words and words.endswith(" 页")


def test_docx_fonts_name_fallbacks(seeds, tmp_path):
    import zipfile

    path = tables.write_division_docx(seeds.plans[0], tmp_path / "t.docx")
    fonts = zipfile.ZipFile(path).read("word/fontTable.xml").decode("utf-8")
    for name in ("仿宋", "宋体", "黑体"):
        assert re.search(rf'<w:font w:name="{name}"><w:altName w:val="[^"]+"', fonts), name


# ------------------------------------------------------------ LibreOffice

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
needs_office = pytest.mark.skipif(not (SOFFICE and PDFTOTEXT),
                                  reason="LibreOffice (soffice) and pdftotext are not installed")


def _to_pdf(files: list[Path], out: Path) -> dict[Path, list[str]]:
    """Print ``files`` to PDF with LibreOffice; the text of each page."""
    profile = out / "profile"  # a profile of its own: another soffice running does not stop this one
    subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), *map(str, files)], check=True, capture_output=True, timeout=600)
    pages = {}
    for f in files:
        pdf = out / (f.stem + ".pdf")
        assert pdf.exists(), f"LibreOffice did not print {f.name}"
        text = subprocess.run([PDFTOTEXT, "-raw", str(pdf), "-"], check=True, capture_output=True,
                              text=True).stdout
        pages[f] = text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")
    return pages


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def printed(seeds, full_width, tmp_path_factory):
    if not (SOFFICE and PDFTOTEXT):
        pytest.skip("LibreOffice (soffice) and pdftotext are not installed")
    out = tmp_path_factory.mktemp("print")
    files: dict[str, tuple] = {}
    for i, corpus in enumerate((seeds, full_width)):
        for plan in corpus.plans:
            stem = f"{i}_{Path(plan.info.doc).stem}"
            files[f"{stem}-x"] = ("division", plan, tables.write_division_xlsx(plan, out / f"{stem}-x.xlsx"))
            files[f"{stem}-d"] = ("division", plan, tables.write_division_docx(plan, out / f"{stem}-d.docx"))
            m = tables.responsibility_matrix(plan, corpus.units)
            files[f"{stem}-m"] = ("matrix", m, tables.write_matrix_xlsx(m, out / f"{stem}-m.xlsx"))
    lists = duties.duty_lists(seeds)
    for k, (place, units) in enumerate(lists.items()):
        files[f"duty{k}"] = ("duties", units, duties.write_duty_workbook(place, units, out / f"duty{k}.xlsx"))
        for j, unit in enumerate(units[:2]):
            files[f"duty{k}_{j}"] = ("duty", unit, duties.write_duty_docx(place, unit, False, out / f"duty{k}_{j}.docx"))
    pages = _to_pdf([f[2] for f in files.values()], out / "pdf")
    return {key: (kind, obj, pages[path]) for key, (kind, obj, path) in files.items()}


@needs_office
def test_every_printed_page_carries_its_number(printed):
    for key, (_, _, pages) in printed.items():
        assert pages, key
        for n, page in enumerate(pages, start=1):
            assert f"第{n}页共{len(pages)}页" in _flat(page), (key, n)


@needs_office
def test_printed_tables_show_every_text_whole(printed):
    """Nothing clipped: each title, text and unit list of the 分工表 and
    each task and unit of the 责任矩阵 is on the printed pages in full (a
    row too low for its text prints only part of it)."""
    for key, (kind, obj, pages) in printed.items():
        whole = _flat("".join(pages))
        if kind == "division":
            assert _flat(tables.division_title(obj)) in whole, key
            for row in tables.division_rows(obj):
                if isinstance(row, tables.GroupRow):
                    assert _flat(row.heading) in whole, (key, row.heading)
                    continue
                for text in (row.title, row.content, *row.lead, *row.support, row.deadline):
                    assert _flat(text) in whole, (key, row.number, text)
        elif kind == "matrix":
            for row in obj.tasks:
                assert _flat(row.title) in whole, (key, row.number)
        elif kind == "duties":
            for unit in obj:
                for d in (*unit.lead, *unit.support):
                    assert _flat(d.content) in whole, (key, unit.name, d.number)


@needs_office
def test_printed_docx_keeps_each_task_on_one_page_and_headings_with_it(printed):
    checked = 0
    for key, (kind, obj, pages) in printed.items():
        if kind != "division" or not key.endswith("-d"):
            continue
        flat = [_flat(p) for p in pages]
        rows = tables.division_rows(obj)
        for i, row in enumerate(rows):
            if isinstance(row, tables.TaskRow):
                on = [n for n, p in enumerate(flat) if _flat(row.content) in p]
                assert len(on) == 1, (key, row.number, "split across pages" if not on else on)
                checked += 1
            elif i + 1 < len(rows) and isinstance(rows[i + 1], tables.TaskRow):
                nxt = _flat(rows[i + 1].content)
                assert any(_flat(row.heading) in p and nxt in p for p in flat), (key, row.heading)
    assert checked > 100  # every task of the seeds and the full-width plan


@needs_office
def test_printed_full_width_plan_keeps_its_punctuation(printed):
    pages = next(p for key, (kind, _, p) in printed.items() if key.startswith("1_") and key.endswith("-d"))
    whole = _flat("".join(pages))
    assert "各县（市）区政府（管委会）" in whole and "（一）实施人才引育行动。" in whole
    assert "（2023—2025年）任务分工表" in whole
