"""Extraction on small plans written for each annotation form of the conventions.

Every expected value here is written by hand from the conventions, never
copied from the code's output.
"""
from __future__ import annotations

import textwrap

import pytest

from taskgraph.extract import extract_plan, parse_annotation
from taskgraph.model import Document, Line
from taskgraph.text import normalise_line


def plan_of(text: str, name: str = "plan.txt"):
    lines = [Line(i + 1, normalise_line(t)) for i, t in enumerate(textwrap.dedent(text).splitlines()) if t.strip()]
    return extract_plan(Document(name, name, lines))


def edges(plan) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for a in plan.assignments:
        out.setdefault(a.task_id, []).append((a.unit, a.role))
    return out


def one_task(text: str):
    plan = plan_of(text)
    assert len(plan.tasks) == 1, [t.task_id for t in plan.tasks]
    return plan.tasks[0], edges(plan).get(plan.tasks[0].task_id, [])


HEAD = "三、重点任务\n(一)强化人才支撑\n"


@pytest.mark.parametrize("open_, close", [("（", "）"), ("(", ")"), ("〔", "〕"), ("【", "】"), ("[", "]"), ("（", ")")])
@pytest.mark.parametrize("colon", ["：", ":"])
def test_bracket_kinds_and_widths(open_, close, colon):
    task, got = one_task(HEAD + f"1.引进高层次人才。加大引才力度。{open_}责任单位{colon}市科技局、市财政局，市人社局{close}")
    assert task.task_id == "三/(一)/1"
    assert got == [("市科技局", "lead"), ("市财政局", "support"), ("市人社局", "support")]
    assert task.text == "引进高层次人才。加大引才力度。"
    assert task.title == "引进高层次人才"


def test_traditional_characters_are_simplified():
    task, got = one_task("三、重點任務\n1.強化企業創新主體地位。（責任部門：市科技局、市財政局、市稅務局）")
    assert got == [("市科技局", "lead"), ("市财政局", "support"), ("市税务局", "support")]
    assert task.text.startswith("强化企业创新主体地位")


def test_explicit_roles_with_labels():
    _, got = one_task(HEAD + "1.培育企业。(牵头单位:区科技局,配合单位:区经信局、区市场监管局)")
    assert got == [("区科技局", "lead"), ("区经信局", "support"), ("区市场监管局", "support")]


def test_several_leads():
    _, got = one_task(HEAD + "1.深化改革。(牵头单位:区委人才办、区科技局;配合单位:区招商中心)")
    assert got == [("区委人才办", "lead"), ("区科技局", "lead"), ("区招商中心", "support")]


def test_bare_list_first_leads():
    _, got = one_task(HEAD + "1.建设平台。〔责任单位:市工业和信息化局、市发展改革委、市科技局,各县(市)区政府(管委会)〕")
    assert got[0] == ("市工业和信息化局", "lead")
    assert [r for _, r in got[1:]] == ["support"] * 3
    assert got[-1][0] == "各县(市)区政府(管委会)"


@pytest.mark.parametrize("annotation, expected", [
    ("（市发展改革委牵头，市财政局、市商务局配合）",
     [("市发展改革委", "lead"), ("市财政局", "support"), ("市商务局", "support")]),
    ("（市工信局牵头负责）", [("市工信局", "lead")]),
    ("（市发改委、市科技局牵头，市财政局按职责分工负责）",
     [("市发改委", "lead"), ("市科技局", "lead"), ("市财政局", "support")]),
    ("（市发改委、市科技局、市财政局负责）",
     [("市发改委", "lead"), ("市科技局", "support"), ("市财政局", "support")]),
    ("（市教育局、市科技局、市人社局分别牵头）",
     [("市教育局", "lead"), ("市科技局", "lead"), ("市人社局", "lead")]),
    ("（市科技局会同市财政局、市税务局负责）",
     [("市科技局", "lead"), ("市财政局", "support"), ("市税务局", "support")]),
    ("（由市商务局牵头，市外办参与）", [("市商务局", "lead"), ("市外办", "support")]),
])
def test_role_verbs(annotation, expected):
    _, got = one_task(HEAD + f"1.扩大开放合作，推动项目落地。{annotation}")
    assert got == expected


def test_label_lines_under_the_task():
    task, got = one_task(HEAD + "1.建设科技大市场。推动成果转化。\n牵头单位：市科技局\n责任单位：市财政局、市商务局")
    # with a 牵头单位 line, 责任单位 lists the supporting units
    assert got == [("市科技局", "lead"), ("市财政局", "support"), ("市商务局", "support")]
    assert task.text == "建设科技大市场。推动成果转化。"


def test_label_lines_with_support_and_deadline():
    task, got = one_task(HEAD + "1.建设科技大市场。\n牵头单位：市科技局\n配合单位：市财政局\n完成时限：2022年底")
    assert got == [("市科技局", "lead"), ("市财政局", "support")]
    assert task.deadline == "2022年底"


def test_notes_are_not_units():
    _, got = one_task(HEAD + "1.推进建设。（责任单位：市发改委、市财政局，列第一位的为牵头单位，下同）")
    assert got == [("市发改委", "lead"), ("市财政局", "support")]


@pytest.mark.parametrize("annotation, deadline", [
    ("（牵头单位：市科技局；完成时限：2022年底）", "2022年底"),
    ("（市科技局牵头，2023年6月底前完成）", "2023年6月底前完成"),
    ("（责任单位：市科技局；时间节点：年内持续推进）", "年内持续推进"),
    ("（市科技局负责，长期坚持）", "长期坚持"),
])
def test_deadline_is_kept_as_deadline_not_unit(annotation, deadline):
    task, got = one_task(HEAD + f"1.开展科技服务。{annotation}")
    assert got == [("市科技局", "lead")]
    assert task.deadline == deadline


def test_person_is_never_a_unit():
    _, got = one_task(HEAD + "1.开展服务。(牵头单位:市科技局;分管领导:张某)")
    assert got == [("市科技局", "lead")]


def test_trailing_deng_and_collective_units():
    _, got = one_task(HEAD + "1.开展服务。（责任单位：各县（市、区）政府，市科技局、市财政局等）")
    assert got == [("各县(市、区)政府", "lead"), ("市科技局", "support"), ("市财政局", "support")]


def test_parenthesised_role_marks_after_names():
    _, got = one_task(HEAD + "1.开展服务。（责任单位：市财政局、市科技局（牵头）、各镇（街道））")
    assert got == [("市财政局", "support"), ("市科技局", "lead"), ("各镇(街道)", "support")]


def test_heading_style_item_is_one_task():
    plan = plan_of("""
        附件4
        一、建立科技信贷风险补偿机制
        建立市、县两级投入的风险补偿资金池。〔责任单位:市财政局、市科技局〕
        二、推进设立引导基金
        充分发挥引导基金撬动作用。(责任单位:市财政局)
    """)
    assert [t.task_id for t in plan.tasks] == ["附件4/一", "附件4/二"]
    t = plan.tasks[0]
    assert t.title == "建立科技信贷风险补偿机制"
    assert t.text.replace("\n", "") == "建立科技信贷风险补偿机制建立市、县两级投入的风险补偿资金池。"
    assert edges(plan)["附件4/一"] == [("市财政局", "lead"), ("市科技局", "support")]


def test_tasks_in_safeguards_and_annexes_have_their_paths():
    plan = plan_of("""
        三、重点任务
        1.建设平台。(责任单位:市科技局)
        四、保障措施
        (一)强化考核督查。加强督导检查。(责任单位:市委市政府督考办、市科技局)
        附件1
        三、支持政策
        1.人才资金支持。给予资金扶持。(责任单位:市科技局、市财政局)
    """)
    assert [t.task_id for t in plan.tasks] == ["三/1", "四/(一)", "附件1/三/1"]
    assert edges(plan)["四/(一)"] == [("市委市政府督考办", "lead"), ("市科技局", "support")]


def test_plan_without_annotations_keeps_numbered_key_tasks_unassigned():
    plan = plan_of("""
        一、总体要求
        坚持创新驱动。
        二、主要目标
        1.到2022年研发投入明显增长。
        三、重点任务
        (一)培育创新型企业。
        1.促进科技型中小企业发展。实施春笋计划。
        2.推进高新技术企业提质增量。实施小升高行动。
        (二)建设创新平台。
        3.建设创新研发平台。布局一批平台。
        四、保障措施
        (一)加强组织领导。成立领导小组。
    """)
    assert [t.task_id for t in plan.tasks] == ["三/(一)/1", "三/(一)/2", "三/(二)/3"]
    assert all(t.kind == "unannotated" for t in plan.tasks)
    assert plan.assignments == []
    assert plan.tasks[0].text.startswith("促进科技型中小企业发展")


@pytest.mark.parametrize("line", [
    "1.打造中试基地(以下简称“中试基地”)。加大支持。",
    "1.研发经费(R&D)占地区生产总值(GDP)的比重达到2%。",
    "1.对新获批产业联盟的牵头单位给予奖励。",
    "1.支持各县(市)区政府(管委会)建设孵化器。",
    "1.单笔技术合同额50万元(含)以上的给予补助。",
])
def test_ordinary_parentheses_are_not_annotations(line):
    plan = plan_of("三、重点任务\n" + line + "\n2.建设平台。(责任单位:市科技局)")
    assert [t.task_id for t in plan.tasks] == ["三/2"]


def test_unbalanced_brackets_are_read_and_reported():
    plan = plan_of(HEAD + "1.开展服务。（责任单位：市科技局、市财政局\n2.建设平台。（责任单位：市发改委〕")
    got = edges(plan)
    assert got["三/(一)/1"] == [("市科技局", "lead"), ("市财政局", "support")]
    assert got["三/(一)/2"] == [("市发改委", "lead")]
    assert any(d.code == "unbalanced" and d.line == 3 for d in plan.diagnostics)


def test_empty_list_items_and_empty_markers_are_reported():
    plan = plan_of(HEAD + "1.开展服务。（责任单位：市科技局、、市财政局）\n2.建设平台。（责任单位：）")
    got = edges(plan)
    assert got["三/(一)/1"] == [("市科技局", "lead"), ("市财政局", "support")]
    assert "三/(一)/2" in [t.task_id for t in plan.tasks] and "三/(一)/2" not in got
    codes = {d.code for d in plan.diagnostics}
    assert {"empty-item", "no-units"} <= codes


def test_repeated_and_skipped_numbers_are_reported():
    plan = plan_of("三、重点任务\n1.甲。(责任单位:市科技局)\n1.乙。(责任单位:市科技局)\n3.丙。(责任单位:市科技局)")
    assert [t.task_id for t in plan.tasks] == ["三/1", "三/1#2", "三/3"]
    codes = [d.code for d in plan.diagnostics]
    assert "number-repeated" in codes and "number-skipped" in codes


def test_table_of_assignments():
    rows = [
        ("序号", "重点任务", "牵头单位", "配合单位", "完成时限"),
        ("一、科技创新",) * 5,
        ("1", "建设科技大市场", "市科技局", "市财政局、市商务局", "2022年底"),
        ("2", "培育高新技术企业", "市科技局、市工信局", "", "长期坚持"),
    ]
    lines = [Line(1, "附件1"), Line(2, "重点任务分工表")]
    lines += [Line(3 + i, " | ".join(r), r, 1) for i, r in enumerate(rows)]
    plan = extract_plan(Document("t.docx", "t.docx", lines, "docx"))
    assert [t.task_id for t in plan.tasks] == ["附件1/一/1", "附件1/一/2"]
    assert edges(plan) == {
        "附件1/一/1": [("市科技局", "lead"), ("市财政局", "support"), ("市商务局", "support")],
        "附件1/一/2": [("市科技局", "lead"), ("市工信局", "lead")],
    }
    assert plan.tasks[0].deadline == "2022年底"
    assert plan.tasks[0].section[-1] == "一、科技创新"


def test_table_with_single_responsibility_column_uses_first_leads():
    rows = [("序号", "工作任务", "责任单位", "完成时间"), ("1", "推进数字化改革", "市大数据局、市经信局", "2023年")]
    lines = [Line(1 + i, " | ".join(r), r, 1) for i, r in enumerate(rows)]
    plan = extract_plan(Document("t.docx", "t.docx", lines, "docx"))
    assert edges(plan) == {"1": [("市大数据局", "lead"), ("市经信局", "support")]}


def test_parse_annotation_reports_rejected_tokens():
    ann = parse_annotation("市科技局牵头,做好服务保障工作")
    assert ann.units == [("市科技局", "lead")]
    assert ann.rejected == ["做好服务保障工作"]


def test_annotation_right_after_the_marker():
    task, got = one_task(HEAD + "1.（市科技局牵头，市财政局配合）加快建设科技创新平台。")
    assert got == [("市科技局", "lead"), ("市财政局", "support")]
    assert task.text == "加快建设科技创新平台。"


def test_person_labels_are_skipped():
    _, got = one_task(HEAD + "1.建设平台。（牵头市领导：王某某；牵头单位：市科技局；配合单位：市财政局）")
    assert got == [("市科技局", "lead"), ("市财政局", "support")]


def test_annotation_wrapped_over_two_lines():
    task, got = one_task(HEAD + "1.建设平台。（责任单位：市科技局、\n市财政局）")
    assert got == [("市科技局", "lead"), ("市财政局", "support")]
    assert task.text == "建设平台。"


def test_rest_are_supporters_note():
    _, got = one_task(HEAD + "1.建设平台。（责任单位：市科技局、市财政局，排在首位的为牵头单位，其余为配合单位）")
    assert got == [("市科技局", "lead"), ("市财政局", "support")]


def test_label_row_mistaken_for_a_table_is_read_as_text():
    lines = [Line(1, "三、重点任务"), Line(2, "1.建设科技大市场。"),
             Line(3, "牵头单位:市科技局 | 配合单位:市财政局 | 完成时限:2022年底",
                  ("牵头单位:市科技局", "配合单位:市财政局", "完成时限:2022年底"), 1)]
    plan = extract_plan(Document("p.txt", "p.txt", lines))
    assert edges(plan) == {"三/1": [("市科技局", "lead"), ("市财政局", "support")]}
    assert plan.tasks[0].deadline == "2022年底"


def test_section_level_annotation_with_unannotated_children():
    plan = plan_of("三、重点任务\n(一)加快发展数字经济（牵头单位：市发改委、市经信局）\n1.建设数据中心。\n2.培育数字企业。")
    assert [t.task_id for t in plan.tasks] == ["三/(一)"]
    assert edges(plan)["三/(一)"] == [("市发改委", "lead"), ("市经信局", "lead")]
    assert plan.tasks[0].title == "加快发展数字经济"


def test_unnumbered_paragraphs_each_with_an_annotation_are_separate_tasks():
    plan = plan_of("""
        二、重点任务
        解决“卡脖子”技术问题。实施重大攻关项目。（责任单位：市科技局、市工信局）
        实现前沿引领技术突破。发挥龙头企业作用。
        牵头单位：市发改委
        配合单位：市财政局
        下一段没有注释。
    """)
    assert [t.task_id for t in plan.tasks] == ["二/p1", "二/p2"]
    assert [t.text for t in plan.tasks] == ["解决“卡脖子”技术问题。实施重大攻关项目。", "实现前沿引领技术突破。发挥龙头企业作用。"]
    assert edges(plan) == {"二/p1": [("市科技局", "lead"), ("市工信局", "support")],
                           "二/p2": [("市发改委", "lead"), ("市财政局", "support")]}
    assert plan.tasks[0].section[-1] == "二、重点任务"


def test_a_line_of_empty_labels_is_read_once_not_once_a_label(monkeypatch):
    """配合单位:配合单位:… (a fuzzed page: 4,400 of them on one line took 243 s):
    each label's annotation runs to the line's end, so reading one per label
    was quadratic. Counted, not timed: the number of annotation parses must
    not grow with the number of labels."""
    from taskgraph.extract import annotation

    calls = []
    real = annotation.parse_annotation

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(annotation, "parse_annotation", counting)
    counts = []
    for n in (50, 400):
        calls.clear()
        annotation.find_annotations("加强建设。" + "配合单位:" * n + "。")
        counts.append(len(calls))
    assert counts[1] <= counts[0] + 2, counts
    # and a real label after them is still read
    spans = annotation.find_annotations("加强建设。牵头单位:市发改委;配合单位:市财政局")
    assert [sp.content for sp in spans] == ["牵头单位:市发改委;配合单位:市财政局"]
