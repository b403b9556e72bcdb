"""The 任务分工表 and the responsibility matrix, opened again with the
libraries offices' files are read with (openpyxl, python-docx, csv).

The plan is built by hand so that every expected cell is known: four tasks
under three section headings, one task with two leads, one with none.
"""
from __future__ import annotations

import csv
import io

import pytest

from taskgraph.model import Assignment, DocumentInfo, Plan, Task, Unit
from taskgraph.render import tables
from taskgraph.render.tables import LEAD_MARK, SUPPORT_MARK, UNASSIGNED, GroupRow, TaskRow

DOC = "plan.txt"
S1 = ("二、重点任务", "(一)强化人才支撑")
S2 = ("二、重点任务", "(二)建设创新平台")
S3 = ("三、保障措施",)


def task(task_id: str, title: str, line: int, section: tuple, deadline: str = "") -> Task:
    number = task_id.rsplit("/", 1)[-1]
    return Task(DOC, task_id, task_id, number, title, f"{title}。具体内容{line}。", line, section, deadline)


def edge(task_id: str, unit: str, role: str, line: int, order: int) -> Assignment:
    return Assignment(DOC, task_id, unit, role, line, order)


def make_plan(title_of_first: str = "引进高层次人才") -> Plan:
    info = DocumentInfo(doc=DOC, title="测试市科技创新行动方案", place="测试市")
    tasks_ = [
        task("二/(一)/1", title_of_first, 10, S1, "2025年底"),
        task("二/(一)/2", "培养青年人才", 11, S1),
        task("二/(二)/3", "建设创新平台", 12, S2),
        task("三/1", "加强组织领导", 13, S3),
    ]
    edges = [
        edge("二/(一)/1", "市科技局", "lead", 10, 0),
        edge("二/(一)/1", "市财政局", "support", 10, 1),
        edge("二/(一)/1", "市人社局", "support", 10, 2),
        edge("二/(一)/2", "市人社局", "lead", 11, 0),
        edge("二/(二)/3", "市发改委", "lead", 12, 0),
        edge("二/(二)/3", "市科技局", "lead", 12, 1),
        edge("二/(二)/3", "市财政局", "support", 12, 2),
    ]
    return Plan(info, source=DOC, tasks=tasks_, assignments=edges)


# ----------------------------------------------------------------- content

def test_division_rows_put_group_rows_where_the_section_changes():
    rows = tables.division_rows(make_plan())
    shape = [(type(r).__name__, r.level if isinstance(r, GroupRow) else r.number) for r in rows]
    assert shape == [("GroupRow", 0), ("GroupRow", 1), ("TaskRow", 1), ("TaskRow", 2), ("GroupRow", 1),
                     ("TaskRow", 3), ("GroupRow", 0), ("TaskRow", 4)]
    assert [r.heading for r in rows if isinstance(r, GroupRow)] == [
        "二、重点任务", "(一)强化人才支撑", "(二)建设创新平台", "三、保障措施"]


def test_division_rows_roles_and_unassigned():
    rows = [r for r in tables.division_rows(make_plan()) if isinstance(r, TaskRow)]
    assert rows[0].lead == ("市科技局",) and rows[0].support == ("市财政局", "市人社局")
    assert rows[0].deadline == "2025年底"
    assert rows[2].lead == ("市发改委", "市科技局") and rows[2].support == ("市财政局",)
    assert rows[3].unassigned and not rows[0].unassigned


def test_matrix_columns_by_load_and_marks():
    m = tables.responsibility_matrix(make_plan())
    assert m.units == ("市科技局", "市人社局", "市财政局", "市发改委")
    assert [r.marks for r in m.tasks] == [
        (LEAD_MARK, SUPPORT_MARK, SUPPORT_MARK, ""),
        ("", LEAD_MARK, "", ""),
        (LEAD_MARK, "", SUPPORT_MARK, LEAD_MARK),
        ("", "", "", ""),
    ]
    assert m.column_totals() == ([2, 1, 0, 1], [0, 1, 2, 0])
    assert [(r.n_lead, r.n_support) for r in m.tasks] == [(1, 2), (1, 0), (2, 1), (0, 0)]


def test_matrix_joins_two_spellings_of_one_unit():
    plan = make_plan()
    plan.assignments.append(edge("三/1", "市人力资源社会保障局", "support", 13, 0))
    unit = Unit("测试市:人社", "测试市", "市人力资源社会保障局", "人力资源社会保障")
    units = {(DOC, "市人社局"): unit, (DOC, "市人力资源社会保障局"): unit}
    m = tables.responsibility_matrix(plan, units)
    assert "市人力资源社会保障局" not in m.units  # one column, under the first spelling
    col = m.units.index("市人社局")
    assert [r.marks[col] for r in m.tasks] == [SUPPORT_MARK, LEAD_MARK, "", SUPPORT_MARK]


def test_display_width_counts_cjk_twice():
    assert tables.display_width("市科技局") == 8
    assert tables.display_width("ab1") == 3
    assert tables.display_width("（一）") == 6


# -------------------------------------------------------------------- xlsx

def _task_rows(ws):
    return [r for r in ws.iter_rows(min_row=3, values_only=True) if isinstance(r[0], int)]


def test_xlsx_content_roles_and_group_rows(tmp_path):
    from openpyxl import load_workbook

    path = tables.write_division_xlsx(make_plan(), tmp_path / "t.xlsx")
    ws = load_workbook(path).active
    assert ws["A1"].value == "测试市科技创新行动方案任务分工表"
    assert [c.value for c in ws[2]] == ["序号", "重点任务", "具体内容", "牵头单位", "配合单位", "完成时限"]
    rows = _task_rows(ws)
    assert len(rows) == 4  # one row per task
    assert rows[0] == (1, "引进高层次人才", "引进高层次人才。具体内容10。", "市科技局", "市财政局、市人社局", "2025年底")
    assert rows[2] == (3, "建设创新平台", "建设创新平台。具体内容12。", "市发改委、市科技局", "市财政局", None)
    assert rows[3][3] == UNASSIGNED and rows[3][4] is None
    merged = {str(r) for r in ws.merged_cells.ranges}
    group_rows = [c.row for c in ws["A"][2:] if isinstance(c.value, str)]
    assert [ws.cell(r, 1).value for r in group_rows] == [
        "二、重点任务", "(一)强化人才支撑", "(二)建设创新平台", "三、保障措施"]
    assert {f"A{r}:F{r}" for r in group_rows} <= merged
    assert "A1:F1" in merged


def test_xlsx_layout_and_print_setup(tmp_path):
    from openpyxl import load_workbook

    path = tables.write_division_xlsx(make_plan(), tmp_path / "t.xlsx")
    ws = load_workbook(path).active
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == f"A2:F{ws.max_row}"
    assert ws.print_title_rows == "$2:$2"
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9  # A4
    assert int(ws.page_setup.fitToWidth) == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    unassigned = [r for r in ws.iter_rows(min_row=3) if r[0].value == 4][0]
    assert unassigned[2].fill.fgColor.rgb.endswith("FCE4D6")
    first = [r for r in ws.iter_rows(min_row=3) if r[0].value == 1][0]
    assert first[1].alignment.wrap_text and first[1].font.name == "宋体"
    assert ws[2][0].font.name == "黑体"


def test_xlsx_column_widths_fit_chinese(tmp_path):
    from openpyxl import load_workbook

    long_title = "加快推进企业科技创新能力建设"  # 14 characters: 28 cells
    ws = load_workbook(tables.write_division_xlsx(make_plan(long_title), tmp_path / "t.xlsx")).active
    assert ws.column_dimensions["B"].width >= 28
    assert ws.column_dimensions["D"].width >= tables.display_width("市发改委、市科技局")
    assert ws.column_dimensions["A"].width <= 8


def test_xlsx_and_docx_are_byte_identical_across_runs(tmp_path):
    plan = make_plan()
    for write in (tables.write_division_xlsx, tables.write_division_docx):
        a = write(plan, tmp_path / "a.bin").read_bytes()
        b = write(plan, tmp_path / "b.bin").read_bytes()
        assert a == b


# -------------------------------------------------------------------- docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_docx_page_table_header_and_group_rows(tmp_path):
    from docx import Document
    from docx.enum.section import WD_ORIENT

    doc = Document(tables.write_division_docx(make_plan(), tmp_path / "t.docx"))
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert round(section.page_width.mm) == 297 and round(section.page_height.mm) == 210
    assert len(doc.tables) == 1
    rows = doc.tables[0].rows
    assert len(rows) == 1 + 4 + 4  # header, group rows, tasks
    header = rows[0]._tr.find(f"{W}trPr/{W}tblHeader")
    assert header is not None and header.get(f"{W}val") in ("true", "1", None)
    assert [c.text for c in rows[0].cells] == ["序号", "重点任务", "具体内容", "牵头单位", "配合单位", "完成时限"]
    groups = [r for r in rows if len(r._tr.tc_lst) == 1]
    assert [r.cells[0].text for r in groups] == ["二、重点任务", "(一)强化人才支撑", "(二)建设创新平台", "三、保障措施"]
    span = groups[0]._tr.tc_lst[0].find(f"{W}tcPr/{W}gridSpan")
    assert span is not None and span.get(f"{W}val") == "6"
    tasks_ = [[c.text for c in r.cells] for r in rows[1:] if len(r._tr.tc_lst) == 6]
    assert tasks_[0] == ["1", "引进高层次人才", "引进高层次人才。具体内容10。", "市科技局", "市财政局、市人社局", "2025年底"]
    assert tasks_[3][3] == UNASSIGNED


def test_docx_sets_east_asian_fonts(tmp_path):
    from docx import Document

    doc = Document(tables.write_division_docx(make_plan(), tmp_path / "t.docx"))
    runs = doc.element.body.iter(f"{W}r")
    fonts = [r.find(f"{W}rPr/{W}rFonts") for r in runs]
    fonts = [f for f in fonts if f is not None and f.getparent().getparent().getparent().tag != f"{W}hdr"]
    assert fonts and all(f.get(f"{W}eastAsia") in ("宋体", "黑体", "仿宋") for f in fonts)
    title = next(doc.element.body.iter(f"{W}r"))
    assert title.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "宋体" and title.find(f"{W}rPr/{W}b") is not None
    header_run = doc.tables[0].rows[0].cells[0].paragraphs[0].runs[0]._r
    assert header_run.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "黑体"
    body_run = doc.tables[0].rows[3].cells[1].paragraphs[0].runs[0]._r
    assert body_run.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "仿宋"
    normal = doc.styles["Normal"].element.find(f"{W}rPr")
    assert normal.find(f"{W}rFonts").get(f"{W}eastAsia") == "仿宋"
    assert normal.find(f"{W}lang").get(f"{W}eastAsia") == "zh-CN"


# ------------------------------------------------------ csv, md, html

def _read_csv(path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_is_flat_with_the_section_as_a_column(tmp_path):
    rows = _read_csv(tables.write_division_csv(make_plan(), tmp_path / "t.csv", full_text=False))
    assert rows[0] == ["序号", "分组", "重点任务", "牵头单位", "配合单位", "完成时限", "任务编号"]
    assert rows[1] == ["1", "二、重点任务 / (一)强化人才支撑", "引进高层次人才", "市科技局", "市财政局、市人社局",
                       "2025年底", "二/(一)/1"]
    assert len(rows) == 5 and rows[4][3] == UNASSIGNED


def test_full_text_is_a_column_of_its_own_by_default(tmp_path):
    rows = _read_csv(tables.write_division_csv(make_plan(), tmp_path / "t.csv"))
    assert rows[0][3] == "具体内容" and rows[1][3] == "引进高层次人才。具体内容10。"


def test_markdown_table():
    md = tables.division_markdown(make_plan("人才|引进"), full_text=False)
    lines = md.splitlines()
    assert lines[0] == "# 测试市科技创新行动方案任务分工表"
    assert "| 1 | 人才\\|引进 | 市科技局 | 市财政局、市人社局 | 2025年底 |" in lines
    assert "|  | **三、保障措施** |  |  |  |" in lines
    assert f"| 4 | 加强组织领导 | **{UNASSIGNED}** |  |  |" in lines


@pytest.mark.parametrize("evil", ["<script>alert(1)</script>", '<img src=x onerror="alert(1)">'])
def test_html_escapes_document_text(evil, tmp_path):
    plan = make_plan(evil)
    plan.assignments.append(edge("三/1", evil, "lead", 13, 0))
    for page in (tables.division_html(plan), tables.write_division_html(plan, tmp_path / "t.html").read_text()):
        assert evil not in page
        assert "&lt;" in page and "<script>" not in page and "onerror=\"" not in page


def test_html_marks_group_and_unassigned_rows():
    page = tables.division_html(make_plan())
    assert page.count('class="group level-0"') == 2 and page.count('class="group level-1"') == 2
    assert page.count('class="unassigned"') == 1


# ------------------------------------------------------------------ matrix

def test_matrix_xlsx_and_csv(tmp_path):
    from openpyxl import load_workbook

    m = tables.responsibility_matrix(make_plan())
    ws = load_workbook(tables.write_matrix_xlsx(m, tmp_path / "m.xlsx")).active
    assert ws["A1"].value.startswith("测试市科技创新行动方案责任矩阵")  # the plan's name on top
    header = [c.value for c in ws[2]]
    assert header == ["序号", "重点任务", "市科技局", "市人社局", "市财政局", "市发改委", "牵头", "配合", "合计"]
    assert ws.cell(2, 3).alignment.text_rotation == 255  # names read top to bottom
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True) if isinstance(r[0], int)]
    assert rows[0] == (1, "引进高层次人才", LEAD_MARK, SUPPORT_MARK, SUPPORT_MARK, None, 1, 2, 3)
    assert rows[2][2:] == (LEAD_MARK, None, SUPPORT_MARK, LEAD_MARK, 2, 1, 3)
    totals = list(ws.iter_rows(min_row=ws.max_row - 2, values_only=True))
    assert [t[1] for t in totals] == [f"牵头 {LEAD_MARK}", f"配合 {SUPPORT_MARK}", "合计"]
    assert totals[0][2:6] == (2, 1, 0, 1) and totals[2][2:6] == (2, 2, 2, 1)
    assert ws.freeze_panes == "C3" and ws.print_title_rows == "$2:$2"

    rows = _read_csv(tables.write_matrix_csv(m, tmp_path / "m.csv"))
    assert rows[0][:4] == ["序号", "分组", "任务编号", "重点任务"] and rows[0][-3:] == ["牵头", "配合", "合计"]
    assert rows[1][4:] == [LEAD_MARK, SUPPORT_MARK, SUPPORT_MARK, "", "1", "2", "3"]
    assert rows[-1][3:] == ["合计", "2", "2", "2", "1", "4", "3", "7"]


# ---------------------------------------------------------------- workbook

def test_workbook_of_analysis_tables(tmp_path):
    import numpy as np
    import pandas as pd
    from openpyxl import load_workbook

    frame = pd.DataFrame({"unit": ["市科技局", "市财政局"], "lead": np.array([3, 0]), "share": [0.5, np.nan]})
    sheets = {"load": frame, "bad/name:*?": [{"a": 1, "b": "x"}, {"a": 2, "c": ["甲", "乙"]}], "empty": [],
              "L" * 40: [{"x": 1}]}
    wb = load_workbook(tables.write_workbook(tmp_path / "w.xlsx", sheets, {"lead": "牵头"}))
    assert wb.sheetnames == ["load", "bad_name___", "empty", "L" * 31]
    ws = wb["load"]
    assert [c.value for c in ws[1]] == ["unit", "牵头", "share"]
    assert [c.value for c in ws[2]] == ["市科技局", 3, 0.5] and ws.cell(3, 3).value is None
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:C3"
    assert [c.value for c in wb["bad_name___"][3]] == [2, None, "甲、乙"]


def _reference_rows(table, widths_mm, rows, centred=(), emphasis=None):
    """The rows of a Word table made through python-docx's own objects, as
    taskgraph made them before it wrote their XML itself: the reference the
    fast writer is held to."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt
    from docx.table import _Cell

    widths = [Mm(w) for w in widths_mm]
    tbl = table._tbl
    for row in rows:
        tr = tbl.add_tr()
        tables._cant_split(tr)
        cells = [_Cell(tr.add_tc(), table) for _ in widths]
        for cell, width in zip(cells, widths):
            cell.width = width
        if isinstance(row, tables.GroupRow):
            merged = cells[0].merge(cells[-1])
            tables._shade(merged, tables._GROUP_FILLS[min(row.level, len(tables._GROUP_FILLS) - 1)])
            p = merged.paragraphs[0]
            p.paragraph_format.keep_with_next = True
            tables._run(p, row.heading, tables.style.OFFICE_HEADING_FONT, Pt(10.5))
            continue
        values, unassigned = row
        for j, (cell, text) in enumerate(zip(cells, values)):
            p = cell.paragraphs[0]
            if j in centred:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = tables._run(p, text, tables.style.OFFICE_BODY_FONT, None)
            if unassigned:
                tables._shade(cell, tables._UNASSIGNED_FILL)
                if j == emphasis:
                    run.bold = True


def test_word_rows_written_as_xml_are_those_python_docx_makes():
    """The 分工表 and 责任清单 rows are written as Word XML text (fast); the
    document must be, byte for byte, the one python-docx's objects make —
    for every kind of row and text a plan holds."""
    import random
    import zipfile

    rng = random.Random(7)
    pieces = ["市发展改革委", "牵头", " ", "\u3000", "\t", "\n", "\r", "&", "<", ">", '"', "'", "（一）", "2025年底",
              "", "a b", "〔责任单位：市科技局〕"]
    rows = []
    for k in range(300):
        if rng.random() < 0.15:
            rows.append(tables.GroupRow(rng.randrange(5), "".join(rng.choices(pieces, k=rng.randrange(1, 5)))))
        else:
            cells = tuple("".join(rng.choices(pieces, k=rng.randrange(0, 6))) for _ in range(5))
            rows.append((cells, rng.random() < 0.3))
    header = ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"]
    widths = (12, 97, 50, 73, 25)

    def made(fill) -> bytes:
        doc = tables._docx_document("一致性检查", "副标题")
        fill(doc)
        with zipfile.ZipFile(io.BytesIO(tables._docx_bytes(doc))) as z:
            return z.read("word/document.xml")

    fast = made(lambda doc: tables._docx_table(doc, header, widths, rows, centred=(0, 4), emphasis=2))

    def reference(doc):
        table = tables._docx_table(doc, header, widths, [], centred=(0, 4), emphasis=2)
        _reference_rows(table, widths, rows, centred=(0, 4), emphasis=2)

    slow = made(reference)
    assert fast.count(b"<w:tr>") == len(rows) + 1
    assert fast == slow


@pytest.mark.parametrize("full_text", [False, True], ids=["short", "full text"])
@pytest.mark.parametrize("odd", [False, True], ids=["plain", "odd text"])
def test_division_docx_from_the_skeleton_is_python_docxs_file(tmp_path, full_text, odd):
    """The 分工表 is made from the Word skeleton like the 责任清单: the file
    must be the one python-docx makes, member for member and byte for byte
    (group rows of every level, an unassigned row, XML-special text)."""
    import dataclasses
    import zipfile

    plan = make_plan("引进<高层次>人才 & \"团队\"\t'带头人'\n " * (30 if odd else 1))
    if odd:
        plan = dataclasses.replace(plan, info=dataclasses.replace(plan.info, title="测试市<科技>&创新\r\"方案\"'"))
    fast = tables.write_division_docx(plan, tmp_path / "t.docx", full_text=full_text).read_bytes()
    reference = tables._docx_bytes(tables._division_document(plan, full_text))
    assert tables._skeleton(tables._skeleton_key()) is not None  # made from the skeleton
    with zipfile.ZipFile(io.BytesIO(fast)) as a, zipfile.ZipFile(io.BytesIO(reference)) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name
    assert fast == reference


def test_zip_members_packed_once_join_as_the_stable_zip_writes_them():
    from taskgraph.render import _xl

    members = [("[Content_Types].xml", b"<Types/>" * 50), ("docProps/core.xml",
               b"<cp><dcterms:created x='1'>2024-05-06T07:08:09Z</dcterms:created></cp>"),
               ("word/document.xml", "中文&".encode() * 3000), ("empty", b"")]
    buf = io.BytesIO()
    stable = _xl.StableZip(buf)
    for name, body in members:
        stable.write(name, body)
    stable.close()
    assert _xl.packed_zip([_xl.packed_member(n, b) for n, b in members]) == buf.getvalue()


def test_workbooks_that_find_styles_by_identity_write_the_same_file():
    """``_xl.workbook()`` looks a style object up by identity before hashing
    it (fast); the file must be the one openpyxl's own workbook writes, with
    objects shared, equal but distinct, and set over one another."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from taskgraph.render import _xl

    def fill(wb):
        s = _xl.styles()
        ws = wb.active
        twin = Font(name=s["font"].name, size=10.5, charset=134)  # equal to s["font"], another object
        for r in range(1, 60):
            for c in range(1, 6):
                cell = _xl.put(ws, r, c, f"{r}-{c}")
                cell.font = (s["font"], s["bold"], twin)[(r + c) % 3]
                cell.alignment = s["wrap"] if c % 2 else Alignment(horizontal="center")
                cell.border = s["border"]
                if r % 7 == 0:
                    cell.fill = s["fill"](("FCE4D6", "DDE6F0")[c % 2])
                if r % 11 == 0:
                    cell.fill = PatternFill("solid", fgColor="FFF9E0")  # set over the fill before
                    cell.font = s["title"]
        return _xl.xlsx_bytes(wb)

    assert fill(_xl.workbook()) == fill(Workbook())
