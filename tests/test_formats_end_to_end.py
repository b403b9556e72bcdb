"""From a file on disk to assignments: each format and encoding offices produce.

The plans are written here, the expected edges counted by hand.
"""
from __future__ import annotations

import pytest

import taskgraph

PLAN = """某某市人民政府关于印发某某市科技创新行动方案的通知
某某市科技创新行动方案
三、重点任务
1.建设科技大市场。推动成果转化。（责任单位：市科技局、市财政局）
2.培育高新技术企业。（市科技局牵头，市税务局配合）
"""
EXPECTED = {
    "三/1": [("市科技局", "lead"), ("市财政局", "support")],
    "三/2": [("市科技局", "lead"), ("市税务局", "support")],
}


def edges(corpus) -> dict:
    got: dict = {}
    for plan in corpus.plans:
        for a in plan.assignments:
            got.setdefault(a.task_id, []).append((a.unit, a.role))
    return got


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_text_in_every_encoding(tmp_path, encoding):
    path = tmp_path / "plan.txt"
    path.write_bytes(PLAN.encode(encoding))
    corpus = taskgraph.load([path])
    assert edges(corpus) == EXPECTED
    assert corpus.plans[0].info.place == "某某市"


def test_big5_traditional(tmp_path):
    path = tmp_path / "plan.txt"
    import opencc

    traditional = opencc.OpenCC("s2t").convert(PLAN)
    path.write_bytes(traditional.encode("big5"))
    assert edges(taskgraph.load([path])) == EXPECTED


def test_docx_with_text_and_a_division_table(tmp_path):
    import docx

    d = docx.Document()
    for line in PLAN.splitlines():
        d.add_paragraph(line)
    d.add_paragraph("附件")
    d.add_paragraph("重点任务分工表")
    rows = [("序号", "重点任务", "牵头单位", "配合单位", "完成时限"),
            ("一、平台建设", "", "", "", ""),
            ("1", "建设中试基地", "市科技局", "市发展改革委、市自然资源局", "2023年底"),
            ("2", "建设孵化器", "市科技局、各县(市、区)政府", "", "长期坚持")]
    table = d.add_table(rows=len(rows), cols=5)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    group = table.rows[1].cells
    group[0].merge(group[4]).text = "一、平台建设"
    path = tmp_path / "plan.docx"
    d.save(path)
    corpus = taskgraph.load([path])
    got = edges(corpus)
    assert {k: got[k] for k in EXPECTED} == EXPECTED
    assert got["附件/一/1"] == [("市科技局", "lead"), ("市发展改革委", "support"), ("市自然资源局", "support")]
    assert got["附件/一/2"] == [("市科技局", "lead"), ("各县(市、区)政府", "lead")]
    deadlines = {t.task_id: t.deadline for t in corpus.plans[0].tasks}
    assert deadlines["附件/一/1"] == "2023年底"


def test_html_page_with_chrome_and_a_table(tmp_path):
    body = "".join(f"<p>{line}</p>" for line in PLAN.splitlines())
    page = f"""<!doctype html><html><head><meta charset="gbk"><title>某某市科技创新行动方案</title>
    <script>var x = "（责任单位：市公安局）";</script></head><body>
    <nav><a href="/">首页</a> <a href="/zwgk">政务公开</a></nav>
    <div class="article">{body}
    <table><tr><td>序号</td><td>重点任务</td><td>责任单位</td></tr>
    <tr><td>3</td><td>开展科技特派员服务</td><td>市科技局、市农业农村局</td></tr></table></div>
    <footer>主办：某某市人民政府办公室 版权所有</footer></body></html>"""
    path = tmp_path / "plan.html"
    path.write_bytes(page.encode("gbk"))
    got = edges(taskgraph.load([path]))
    assert {k: got[k] for k in EXPECTED} == EXPECTED
    assert [v for k, v in got.items() if k not in EXPECTED] == [[("市科技局", "lead"), ("市农业农村局", "support")]]
    assert not any(u == "市公安局" for v in got.values() for u, _ in v)  # the script is not the plan


# ------------------------------------------- every format offices publish

import shutil
from pathlib import Path

from taskgraph.read.office import soffice

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "formats"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
NEEDS_LIBREOFFICE = pytest.mark.skipif(
    soffice() is None, reason="LibreOffice (soffice) is not installed: .doc/.wps are read through it "
    "(.ci/run installs it)")
# what the plan says, task by task: its heading phrase, its leads, its supporters
PLAN_SUFFIXES = [".doc", ".wps", ".odt", ".rtf", ".pdf", ".docx"]
TABLE_SUFFIXES = [".xlsx", ".xls", ".et", ".ods", ".csv", ".pdf"]


def plan_key(plan) -> set:
    roles: dict = {}
    for a in plan.assignments:
        roles.setdefault(a.task_id, {"lead": [], "support": []})[a.role].append(a.unit)
    out = set()
    for t in plan.tasks:
        r = roles.get(t.task_id, {"lead": [], "support": []})
        out.add((t.title or t.text, tuple(r["lead"]), tuple(sorted(r["support"]))))
    return out


@pytest.fixture(scope="module")
def originals() -> dict:
    """Each seed read from its .txt: what every other format must give."""
    corpus = taskgraph.load([str(s) for s in SEEDS])
    return {Path(p.info.doc).stem: p for p in corpus.plans}


def _fixture_cases():
    for seed in SEEDS:
        for suffix in PLAN_SUFFIXES:
            marks = [NEEDS_LIBREOFFICE] if suffix in (".doc", ".wps") else []
            yield pytest.param(seed.stem, f"{seed.stem}{suffix}", marks=marks, id=f"{seed.stem[:3]}{suffix}")
        for suffix in TABLE_SUFFIXES:
            yield pytest.param(seed.stem, f"{seed.stem}-分工表{suffix}", id=f"{seed.stem[:3]}-分工表{suffix}")


@pytest.mark.parametrize("stem, name", list(_fixture_cases()))
def test_each_format_reads_to_the_tasks_and_edges_of_the_txt(originals, stem, name):
    corpus = taskgraph.load([FIXTURES / name])
    assert not [d for d in corpus.diagnostics if d.level == "error"]
    (plan,) = corpus.plans
    original = originals[stem]
    assert plan_key(plan) == plan_key(original)
    assert len(plan.assignments) == len(original.assignments)
    if "分工表" not in name:  # a 分工表 holds the tasks, not the plan's heading and date
        assert plan.info.place == original.info.place
        if name.endswith(".pdf"):  # a PDF's text layer does not tell a space the plan wrote from one of layout
            assert plan.info.title.replace(" ", "") == original.info.title.replace(" ", "")
        else:
            assert plan.info.title == original.info.title


@pytest.mark.parametrize("full_text", [False, True], ids=["short", "full-text"])
@pytest.mark.parametrize("suffix", ["xlsx", "docx", "csv", "md", "html"])
def test_every_division_table_the_tool_writes_reads_back(tmp_path, originals, suffix, full_text):
    """An office corrects the 分工表 by hand and feeds it back in: the same
    tasks, leads and supporters come out."""
    from taskgraph.render import tables

    writers = {"xlsx": tables.write_division_xlsx, "docx": tables.write_division_docx,
               "csv": tables.write_division_csv, "md": tables.write_division_markdown,
               "html": tables.write_division_html}
    for stem, plan in originals.items():
        path = tmp_path / f"{stem}-分工表.{suffix}"
        writers[suffix](plan, path, full_text=full_text)
        (back,) = taskgraph.load([path]).plans
        assert plan_key(back) == plan_key(plan), (stem, suffix)
        assert len(back.tasks) == len(plan.tasks)


def test_a_corrected_division_table_gives_the_corrected_assignment(tmp_path, originals):
    """The point of reading the table back: a hand edit shows up."""
    import openpyxl

    from taskgraph.render import tables

    plan = originals["001_8932685789ee55e5"]
    path = tmp_path / "分工表.xlsx"
    tables.write_division_xlsx(plan, path)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    header = next(r for r in sheet.iter_rows() if any(c.value == "牵头单位" for c in r))
    lead = next(c.column for c in header if c.value == "牵头单位")
    row = next(r for r in sheet.iter_rows(min_row=header[0].row + 1) if r[lead - 1].value == "区科技局")
    row[lead - 1].value = "区经信局"
    book.save(path)
    (back,) = taskgraph.load([path]).plans
    leads = [a.unit for a in back.assignments if a.role == "lead"]
    original = [a.unit for a in plan.assignments if a.role == "lead"]
    assert leads.count("区经信局") == original.count("区经信局") + 1
    assert leads.count("区科技局") == original.count("区科技局") - 1


@pytest.mark.parametrize("name, disguise", [
    ("001_8932685789ee55e5.rtf", "plan.txt"),
    ("001_8932685789ee55e5-分工表.xlsx", "plan.xls"),
    ("001_8932685789ee55e5.odt", "plan.docx"),
    ("001_8932685789ee55e5-分工表.xls", "plan.et"),
    pytest.param("001_8932685789ee55e5.doc", "plan.docx", marks=NEEDS_LIBREOFFICE),
    pytest.param("001_8932685789ee55e5.doc", "plan.wps", marks=NEEDS_LIBREOFFICE),
])
def test_the_format_is_told_by_content_not_by_name(tmp_path, originals, name, disguise):
    path = tmp_path / disguise
    shutil.copy(FIXTURES / name, path)
    (plan,) = taskgraph.load([path]).plans
    assert plan_key(plan) == plan_key(originals["001_8932685789ee55e5"])


def test_a_folder_of_office_files_is_read(tmp_path):
    for suffix in (".doc", ".odt", ".rtf"):
        shutil.copy(FIXTURES / f"001_8932685789ee55e5{suffix}", tmp_path / f"plan{suffix}")
    sources, diagnostics = taskgraph.read.plan_sources([tmp_path])
    assert [Path(s).name for s, _ in sources] == ["plan.doc", "plan.odt", "plan.rtf"] and not diagnostics


def test_documents_record_the_hash_and_size_of_each_source():
    import hashlib

    path = FIXTURES / "001_8932685789ee55e5.odt"
    data = path.read_bytes()
    (row,) = taskgraph.load([path]).records()["documents"]
    assert row["sha256"] == hashlib.sha256(data).hexdigest() and row["size"] == len(data)
    assert row["format"] == "odt"


def test_the_same_plan_twice_is_counted_once(tmp_path):
    txt = ROOT / "seeds" / "001_8932685789ee55e5.txt"
    copy = shutil.copy(txt, tmp_path / "copy.txt")
    docx = FIXTURES / "001_8932685789ee55e5.docx"
    other = ROOT / "seeds" / "000_544df5f8ded5f63a.txt"
    corpus = taskgraph.load([txt, copy, docx, other])
    assert [p.info.doc for p in corpus.plans] == [txt.name, other.name]
    duplicate = [d for d in corpus.diagnostics if d.code == "duplicate"]
    assert [d.source for d in duplicate] == [str(copy), str(docx)]
    assert all(str(txt) in d.message for d in duplicate)
