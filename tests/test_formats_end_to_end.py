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
