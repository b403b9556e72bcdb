"""Plans written the ways real plans are, beyond the seeds: every family of
issue 10, in full-width and half-width punctuation, with line breaks and
as one line (a crawled page, text copied from a viewer).

Each document is written for the test, and its edges are counted by hand
from ``docs/conventions.md``; none is taken from the dev set. The same
expected edges must come out of every variant of a document.
"""
from __future__ import annotations

import pytest

from taskgraph.extract import extract_plan
from taskgraph.model import Document, Line
from taskgraph.text import normalise_line

HALF = str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":", "；": ";", "、": "、"})


def variants(text: str, one_line: bool = True) -> list[tuple[str, str]]:
    """(name, text): as written (full width), half width, and as one line."""
    out = [("full", text), ("half", text.translate(HALF))]
    if one_line:
        out.append(("one-line", "".join(ln.strip() for ln in text.splitlines())))
        out.append(("one-line-spaced", " ".join(ln.strip() for ln in text.splitlines())))
    return out


def run(text: str):
    lines = [Line(i + 1, normalise_line(t), ) for i, t in enumerate(text.splitlines()) if t.strip()]
    return extract_plan(Document("p.txt", "p.txt", lines))


def edges(plan) -> dict[str, list[tuple[str, str]]]:
    """Edges by the task's first characters (paths change when a page has no line breaks)."""
    text = {t.task_id: t.text for t in plan.tasks}
    out: dict[str, list[tuple[str, str]]] = {}
    for a in plan.assignments:
        out.setdefault(text[a.task_id][:6], []).append((a.unit, a.role))
    return out


def check(text: str, expected: dict[str, list[tuple[str, str]]], one_line: bool = True) -> None:
    for name, variant in variants(text, one_line):
        got = edges(run(variant))
        assert got == expected, name


# ------------------------------------------------- 1. no line breaks


PAGE = """某市优化营商环境工作方案
一、重点任务
（一）提升政务服务效能
1．推行“一件事一次办”。梳理高频事项清单。（市政务服务中心牵头，市司法局、市大数据局配合）
2．压减审批时限。全面推行告知承诺制。（责任单位：市行政审批局、各区人民政府）
（二）强化要素保障
3．降低企业用地成本。（牵头单位：市自然资源局；配合单位：市财政局）
二、保障措施
（一）加强组织领导。建立工作专班。（市发展改革委负责）"""

PAGE_EDGES = {
    "推行“一件事": [("市政务服务中心", "lead"), ("市司法局", "support"), ("市大数据局", "support")],
    "压减审批时限": [("市行政审批局", "lead"), ("各区人民政府", "support")],
    "降低企业用地": [("市自然资源局", "lead"), ("市财政局", "support")],
    "加强组织领导": [("市发展改革委", "lead")],
}


def test_a_plan_with_or_without_line_breaks():
    check(PAGE, PAGE_EDGES)


def test_inline_sub_items_each_with_its_annotation():
    text = ("（三）加强质量监管。（1）开展产品质量抽检。（市市场监管局牵头负责）（2）培育质量标杆企业。"
            "（市工业和信息化局负责，市市场监管局配合）（3）推广先进质量管理方法。（市总工会负责）")
    check(text, {
        "开展产品质量": [("市市场监管局", "lead")],
        "培育质量标杆": [("市工业和信息化局", "lead"), ("市市场监管局", "support")],
        "推广先进质量": [("市总工会", "lead")],
    }, one_line=False)


# ------------------------------------------ 2. tables flattened into text


@pytest.mark.parametrize("sep", [" | ", "  ", "\t"])
def test_table_with_header_words_beyond_the_usual(sep):
    rows = [("序号", "工作任务", "牵头负责部门", "参与单位", "分管领导", "完成时间"),
            ("1", "建设智慧停车平台。", "市城市管理局", "市公安局、市住建局", "张某", "2024年6月"),
            ("2", "推进充电桩进小区。", "市发展改革委", "国网某市供电公司", "李某", "2024年底")]
    text = "附件\n重点任务分工表\n" + "\n".join(sep.join(r) for r in rows)
    check(text, {
        "建设智慧停车": [("市城市管理局", "lead"), ("市公安局", "support"), ("市住建局", "support")],
        "推进充电桩进": [("市发展改革委", "lead"), ("国网某市供电公司", "support")],
    }, one_line=False)


def test_table_one_cell_a_line_with_spaced_header_words():
    text = """重点任务分解表
序  号
具 体 措 施
主要责任单位
配合/责任单位
完成时限
1
开展城乡环境整治行动。
县住建局
县城管局
各乡镇人民政府
长期坚持
2
建设农村污水处理设施。
县生态环境局
县水利局
2025年底"""
    check(text, {
        "开展城乡环境": [("县住建局", "lead"), ("县城管局", "support"), ("各乡镇人民政府", "support")],
        "建设农村污水": [("县生态环境局", "lead"), ("县水利局", "support")],
    }, one_line=False)


def test_html_table_with_a_lead_cell_over_two_rows(tmp_path):
    from taskgraph.read import read_document

    page = """<html><head><meta charset="utf-8"><title>分工方案</title></head><body><div class="content">
    <p>附件：重点任务分工</p>
    <table><tr><th>序号</th><th>重点任务</th><th colspan="2">责任单位</th></tr>
    <tr><th></th><th></th><th>牵头单位</th><th>配合单位</th></tr>
    <tr><td>1</td><td>建设人才公寓。</td><td rowspan="2">市住建局</td><td>市人社局</td></tr>
    <tr><td>2</td><td>发放购房补贴。</td><td>市财政局</td></tr>
    </table></div></body></html>"""
    path = tmp_path / "plan.html"
    path.write_text(page, encoding="utf-8")
    plan = extract_plan(read_document(path))
    assert edges(plan) == {
        "建设人才公寓": [("市住建局", "lead"), ("市人社局", "support")],
        "发放购房补贴": [("市住建局", "lead"), ("市财政局", "support")],
    }


# ----------------------------------------------- 3. labels of every kind


def test_a_division_label_with_role_verbs():
    text = """一、重点任务
1．完善创业担保贷款政策。扩大贷款覆盖面。
部门分工：市人社局牵头，市财政局、人民银行某市中心支行配合。
2．建设零工市场。
责任分工：市人社局负责，各县（市、区）人民政府落实。
3．开展技能培训。
实施单位：市教育局"""
    check(text, {
        "完善创业担保": [("市人社局", "lead"), ("市财政局", "support"), ("人民银行某市中心支行", "support")],
        "建设零工市场": [("市人社局", "lead"), ("各县(市、区)人民政府", "support")],
        "开展技能培训": [("市教育局", "lead")],
    })


def test_labels_run_together_with_no_separator():
    text = "一、重点任务\n1．建设口袋公园20个。\n牵头单位：市城管局配合单位：市自然资源局、各区政府完成时限：2024年10月底"
    for name, variant in variants(text, one_line=False):
        plan = run(variant)
        assert edges(plan) == {"建设口袋公园": [("市城管局", "lead"), ("市自然资源局", "support"), ("各区政府", "support")]}, name
        assert plan.tasks[0].deadline == "2024年10月底", name


def test_a_lead_mark_after_a_name_and_labels_on_the_heading_line():
    text = """（一）城区环境卫生整治 牵头单位：市城管局 配合单位：市市场监管局、市公安局 主要任务：清理占道经营。
（二）农贸市场改造 责任单位：市商务局（牵头）、市市场监管局 主要任务：完成3个市场改造。"""
    check(text, {
        "城区环境卫生": [("市城管局", "lead"), ("市市场监管局", "support"), ("市公安局", "support")],
        "农贸市场改造": [("市商务局", "lead"), ("市市场监管局", "support")],
    })


def test_person_lines_are_never_units():
    text = """1．打造新能源汽车产业链。
链长：王某某（副市长）
分管市领导：张某
牵头单位：市工业和信息化局
配合单位：市发展改革委、市投资促进局
联 系 人：李某，联系电话：1234567"""
    check(text, {
        "打造新能源汽": [("市工业和信息化局", "lead"), ("市发展改革委", "support"), ("市投资促进局", "support")],
    }, one_line=False)


# ------------------------------------------------------------- 4. notes


def test_notes_inside_the_annotation():
    text = """1．推进社区嵌入式服务设施建设。（责任单位：市民政局、市卫健委（负责医疗部分）、各区人民政府〈含开发区管委会，下同〉，列第一位的为牵头单位）
2．完善家庭医生签约服务。（市卫健委牵头，各区人民政府按职责分工负责）"""
    check(text, {
        "推进社区嵌入": [("市民政局", "lead"), ("市卫健委", "support"), ("各区人民政府", "support")],
        "完善家庭医生": [("市卫健委", "lead"), ("各区人民政府", "support")],
    })


def test_a_note_that_later_tasks_are_some_units_duty():
    text = """1．开展扬尘污染治理。（市生态环境局牵头，市住建局参与，各县、区人民政府负责落实。以下各项工作均需各县、区人民政府落实，不再列出。）
2．淘汰老旧柴油货车。（市交通运输局牵头，市公安局参与）
3．推进餐饮油烟治理。（市城管局负责）"""
    check(text, {
        "开展扬尘污染": [("市生态环境局", "lead"), ("市住建局", "support"), ("各县、区人民政府", "support")],
        "淘汰老旧柴油": [("市交通运输局", "lead"), ("市公安局", "support"), ("各县、区人民政府", "support")],
        "推进餐饮油烟": [("市城管局", "lead"), ("各县、区人民政府", "support")],
    })


# -------------------------------------------------------- 5. unit lists


def test_units_joined_by_and_and_a_truncated_list():
    text = """1．建立联合惩戒机制。（牵头单位：市发展改革委；责任单位：市委网信办及市公安局、市法院和市检察院）
2．推进信用信息共享。（市大数据局、市市场监管局等14个部门负责）"""
    for name, variant in variants(text):
        plan = run(variant)
        assert edges(plan) == {
            "建立联合惩戒": [("市发展改革委", "lead"), ("市委网信办", "support"), ("市公安局", "support"),
                        ("市法院", "support"), ("市检察院", "support")],
            "推进信用信息": [("市大数据局", "lead"), ("市市场监管局", "support")],
        }, name
        assert any(d.code == "list-truncated" for d in plan.diagnostics), name


def test_names_that_hold_and_stay_one_unit():
    text = "1．推进产城融合。（市经济和信息化局、市自然资源和规划局、各州（市）党委和政府负责）"
    check(text, {"推进产城融合": [("市经济和信息化局", "lead"), ("市自然资源和规划局", "support"),
                              ("各州(市)党委和政府", "support")]})


def test_a_shared_suffix_and_a_name_broken_by_a_space():
    text = "1．推进城际铁路建设。（省发展改革委、相关市、县政府负责）\n2．改造农田水利设施。（责任单位：自治 区水利厅、财政厅）"
    check(text, {
        "推进城际铁路": [("省发展改革委", "lead"), ("相关市、县政府", "support")],
        "改造农田水利": [("自治区水利厅", "lead"), ("财政厅", "support")],
    })


def test_pinyin_glosses_are_kept_out_of_reading_and_kept_in_names():
    text = "1.實施農(nóng)田建設行動。(責任單位:自治區(qū)農(nóng)牧廳、財政廳)"
    plan = run(text)
    assert [(a.unit, a.role) for a in plan.assignments] == [("自治区(qū)农(nóng)牧厅", "lead"), ("财政厅", "support")]
    assert plan.tasks[0].text.startswith("实施农(nóng)田建设行动")


# ----------------------------------------------------- 6. role phrasing


def test_role_phrasing():
    text = """1．开展交通秩序整治。（由市公安局负责）
2．整治校车安全。（市教育局负责，市公安局、市交通运输局配合）
3．推进文明城市创建。（市文明办牵头，各县区参与）
4．提高医保报销比例。（市医保局、市卫健委分别负责，市财政局配合）
5．开展防灾减灾宣传。（市应急管理局牵头，各地、各部门配合）
6．开展消费帮扶。市商务局、市农业农村局等和各县（市、区）人民政府负责。
7．开展“双拥”活动。加强军地协作。
市退役军人事务局牵头落实。"""
    check(text, {
        "开展交通秩序": [("市公安局", "lead")],
        "整治校车安全": [("市教育局", "lead"), ("市公安局", "support"), ("市交通运输局", "support")],
        "推进文明城市": [("市文明办", "lead"), ("各县区", "support")],
        "提高医保报销": [("市医保局", "lead"), ("市卫健委", "lead"), ("市财政局", "support")],
        "开展防灾减灾": [("市应急管理局", "lead"), ("各地", "support"), ("各部门", "support")],
        "开展消费帮扶": [("市商务局", "lead"), ("市农业农村局", "support"), ("各县(市、区)人民政府", "support")],
        "开展“双拥”": [("市退役军人事务局", "lead")],
    }, one_line=False)


# ------------------------------------------------- what belongs to whom


def test_an_annotation_after_sub_items_belongs_to_their_parent():
    text = """1．完善应急预案体系
（1）修订专项应急预案。
（2）开展应急演练。
（责任单位：市应急管理局、各县（市、区）人民政府）
2．加强应急队伍建设。（市应急管理局负责）"""
    plan = run(text)
    assert edges(plan) == {
        "完善应急预案": [("市应急管理局", "lead"), ("各县(市、区)人民政府", "support")],
        "加强应急队伍": [("市应急管理局", "lead")],
    }


def test_a_closing_annotation_of_a_list_without_a_parent_goes_to_each_item():
    text = """【推进措施】
1．开展放心消费创建。
2．建立消费投诉公示制度。
责任单位：市市场监管局
联系人：王某"""
    plan = run(text)
    assert edges(plan) == {"开展放心消费": [("市市场监管局", "lead")], "建立消费投诉": [("市市场监管局", "lead")]}


def test_an_annotation_cut_off_by_the_end_of_the_text_names_no_unit():
    text = "1．建设数据中心。（责任单位：市大数据局）\n2．推进算力网络建设。（牵头单位：市通信管理局；责任单位：市发"
    plan = run(text)
    assert edges(plan) == {"建设数据中心": [("市大数据局", "lead")]}
    assert [t.text[:6] for t in plan.tasks] == ["建设数据中心", "推进算力网络"]
    assert any(d.code == "cut-off" for d in plan.diagnostics)


def test_every_edge_points_at_the_text_as_written(tmp_path):
    from taskgraph.read import read_document

    raw = "一、重點任務\n1．推進數字政府建設。（牽頭單位：市大數據局；配合單位：市財政局）\n"
    path = tmp_path / "p.txt"
    path.write_text(raw, encoding="utf-8")
    plan = extract_plan(read_document(path))
    line = raw.splitlines()[1]
    for a in plan.assignments:
        assert line[a.start:a.end] == a.written
    assert [(a.unit, a.written) for a in plan.assignments] == [("市大数据局", "市大數據局"), ("市财政局", "市財政局")]


def test_word_table_with_merged_cells(tmp_path):
    import docx

    from taskgraph.read import read_document

    d = docx.Document()
    d.add_paragraph("附件：重点任务分工表")
    table = d.add_table(rows=5, cols=4)
    rows = [("重点任务", "", "责任单位", ""), ("", "", "牵头单位", "配合单位"),
            ("1", "建设人才公寓。", "市住建局", "市人社局"), ("2", "发放购房补贴。", "", "市财政局"),
            ("一、组织保障", "", "", "")]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    table.cell(0, 0).merge(table.cell(1, 1)).text = "重点任务"  # over 序号 and task, two rows
    table.cell(0, 2).merge(table.cell(0, 3)).text = "责任单位"
    table.cell(2, 2).merge(table.cell(3, 2)).text = "市住建局"  # one lead for both tasks
    table.cell(4, 0).merge(table.cell(4, 3)).text = "一、组织保障"
    path = tmp_path / "plan.docx"
    d.save(path)
    plan = extract_plan(read_document(path))
    assert edges(plan) == {
        "建设人才公寓": [("市住建局", "lead"), ("市人社局", "support")],
        "发放购房补贴": [("市住建局", "lead"), ("市财政局", "support")],
    }


def test_labels_in_brackets_before_the_text_and_labels_nobody_listed():
    text = """一、重点任务
1．【牵头单位】市科技局【配合单位】市财政局、市税务局 加强科技金融服务，设立风险补偿资金池。
2．推进重大项目建设。（组长单位：市发展改革委；成员单位：市财政局、市自然资源局）
3．加强安全生产监管。（各地负责）"""
    check(text, {
        "加强科技金融": [("市科技局", "lead"), ("市财政局", "support"), ("市税务局", "support")],
        "推进重大项目": [("市发展改革委", "lead"), ("市财政局", "support"), ("市自然资源局", "support")],
        "加强安全生产": [("各地", "lead")],
    }, one_line=False)


def test_a_unit_name_never_starts_with_a_formula_character():
    text = "1．加强协调。（牵头单位：=区经信局；配合单位：＋区财政局、@区商务局）"
    plan = run(text)
    assert [(a.unit, a.role) for a in plan.assignments] == [("区经信局", "lead"), ("区财政局", "support"),
                                                          ("区商务局", "support")]


def test_more_label_words_and_names_wrapped_inside_an_annotation():
    text = """1．推进智慧社区建设。
联系领导：张某
责任股室：基层政权股、社会事务股
时间安排：2024年底前
2．推进养老服务。（牵头单位：市民政局；配合单位：市发展和改革委员
会、市财
政局）"""
    plan = run(text)
    assert edges(plan) == {
        "推进智慧社区": [("基层政权股", "lead"), ("社会事务股", "support")],
        "推进养老服务": [("市民政局", "lead"), ("市发展和改革委员会", "support"), ("市财政局", "support")],
    }
    assert plan.tasks[0].deadline == "2024年底前" and plan.tasks[0].text == "推进智慧社区建设。"


def test_decimal_outline_numbers():
    text = """三、重点任务
3.1 强化企业创新主体地位
3.1.1 培育科技型企业。实施梯次培育，2.5亿元用于奖补。（责任单位：市科技局、市财政局）
3.1.2 支持企业研发。（市科技局牵头，市税务局配合）
3.2 建设创新平台
3.2.1 建设重点实验室。（责任单位：市科技局）"""
    plan = run(text)
    assert [t.task_id for t in plan.tasks] == ["三/3.1/3.1.1", "三/3.1/3.1.2", "三/3.2/3.2.1"]
    assert edges(plan)["培育科技型企"] == [("市科技局", "lead"), ("市财政局", "support")]


# ------------------------------------------------- 负总责: the units that answer for the whole lead
# (甲、乙负总责 is 甲、乙牵头, not a bare list whose first leads)


OVERALL = """一、重点任务
（一）开展隐患排查。聚焦危险化学品、矿山、道路交通、建筑施工等重点行业领域，全面排查整治重大事故隐患。（市应急管理局负总责，市住建局、市交通运输局配合）
（二）加强危化品监管。严格危险化学品建设项目安全准入，推进化工园区安全整治提升。（市应急管理局、市消防救援支队负总责）"""


def test_overall_responsibility_is_a_lead_verb():
    check(OVERALL, {
        "开展隐患排查": [("市应急管理局", "lead"), ("市住建局", "support"), ("市交通运输局", "support")],
        "加强危化品监": [("市应急管理局", "lead"), ("市消防救援支队", "lead")],
    })
