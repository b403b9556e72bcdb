"""Whole plans in styles the seeds do not use, with every edge counted by hand.

These imitate how provinces and counties elsewhere write assignments: role
verbs in brackets, label lines, a note at the top, deadlines inside the
annotation, several leads, and a 分工表 flattened into text.
"""
from __future__ import annotations

import textwrap

from taskgraph.extract import extract_plan
from taskgraph.model import Document, Line
from taskgraph.text import normalise_line


def run(text: str):
    lines = [Line(i + 1, normalise_line(t)) for i, t in enumerate(textwrap.dedent(text).splitlines()) if t.strip()]
    plan = extract_plan(Document("p.txt", "p.txt", lines))
    got: dict[str, list[tuple[str, str]]] = {}
    for a in plan.assignments:
        got.setdefault(a.task_id, []).append((a.unit, a.role))
    return plan, got


PROVINCE = """
    某某省人民政府办公厅关于印发某某省数字经济发展三年行动方案（2023—2025年）的通知
    各市、县人民政府，省政府各部门：
    现将《某某省数字经济发展三年行动方案（2023—2025年）》印发给你们，请认真组织实施。
    某某省人民政府办公厅
    2023年3月1日
    某某省数字经济发展三年行动方案（2023—2025年）
    一、总体目标
    到2025年，数字经济核心产业增加值占比达到10%。
    二、重点任务
    （一）夯实数字基础设施。
    1. 加快5G网络建设。推进5G基站建设，实现乡镇以上全覆盖。（省通信管理局牵头，省发展改革委、省工业和信息化厅配合；2024年底前完成）
    2. 建设算力中心。布局一批数据中心。（省发展改革委、省工业和信息化厅分别牵头，各市人民政府负责落实）
    （二）培育数字产业。
    3. 壮大软件产业。实施软件名城创建行动。
    牵头单位：省工业和信息化厅
    责任单位：省科技厅、省商务厅
    完成时限：长期坚持
    4. 发展数字贸易。（责任单位：省商务厅、省委网信办、杭州海关，列第一位的为牵头单位）
    三、保障措施
    （一）加强组织领导。建立工作专班，统筹推进各项任务。（省发展改革委牵头负责）
    （二）加强督促检查。定期通报进展。
    附件
    重点任务分工表
    序号  重点任务  牵头单位  配合单位  完成时限
    1  推进数据要素市场化配置  省大数据局  省财政厅、省市场监管局  2024年
    2  开展数字技能培训  省人力资源社会保障厅  各市人民政府  持续推进
"""


def test_province_plan_in_verb_and_label_styles():
    plan, got = run(PROVINCE)
    assert plan.info.title == "某某省数字经济发展三年行动方案(2023—2025年)"
    assert plan.info.level == "省" and plan.info.province == "某某省"
    assert got["二/(一)/1"] == [("省通信管理局", "lead"), ("省发展改革委", "support"), ("省工业和信息化厅", "support")]
    assert got["二/(一)/2"] == [("省发展改革委", "lead"), ("省工业和信息化厅", "lead"), ("各市人民政府", "support")]
    assert got["二/(二)/3"] == [("省工业和信息化厅", "lead"), ("省科技厅", "support"), ("省商务厅", "support")]
    assert got["二/(二)/4"] == [("省商务厅", "lead"), ("省委网信办", "support"), ("杭州海关", "support")]
    assert got["三/(一)"] == [("省发展改革委", "lead")]
    assert "三/(二)" not in got  # no annotation: not a task in an annotated plan
    deadlines = {t.task_id: t.deadline for t in plan.tasks}
    assert deadlines["二/(一)/1"] == "2024年底前完成"
    assert deadlines["二/(二)/3"] == "长期坚持"


def test_flattened_table_rows_are_tasks_when_the_reader_splits_cells():
    # the reader splits runs of spaces into cells; here the cells are given as it would
    header = ("序号", "重点任务", "牵头单位", "配合单位", "完成时限")
    rows = [("1", "推进数据要素市场化配置", "省大数据局", "省财政厅、省市场监管局", "2024年"),
            ("2", "开展数字技能培训", "省人力资源社会保障厅", "各市人民政府", "持续推进")]
    lines = [Line(1, "附件"), Line(2, "重点任务分工表")]
    lines += [Line(3 + i, " | ".join(r), r, 7) for i, r in enumerate([header] + rows)]
    plan = extract_plan(Document("p.txt", "p.txt", lines))
    got = {}
    for a in plan.assignments:
        got.setdefault(a.task_id, []).append((a.unit, a.role))
    assert got == {
        "附件/1": [("省大数据局", "lead"), ("省财政厅", "support"), ("省市场监管局", "support")],
        "附件/2": [("省人力资源社会保障厅", "lead"), ("各市人民政府", "support")],
    }
    assert [t.deadline for t in plan.tasks] == ["2024年", "持续推进"]


COUNTY = """
    安吉县推进科技创新工作实施方案
    三、主要任务
    1.实施企业培育工程。（县科技局、县经信局、县财政局按职责分工负责）
    2.强化人才支撑。（县委组织部、县人社局牵头，县科技局按职责分工负责）
    3.优化创新环境。【责任单位】县发改局、县市场监管局
    4.加强科普宣传。[责任单位:县科协;配合单位:县教育局、各乡镇(街道)]
"""


def test_county_plan():
    plan, got = run(COUNTY)
    assert (plan.info.place, plan.info.level) == ("安吉县", "县")
    assert got == {
        "三/1": [("县科技局", "lead"), ("县经信局", "support"), ("县财政局", "support")],
        "三/2": [("县委组织部", "lead"), ("县人社局", "lead"), ("县科技局", "support")],
        "三/3": [("县发改局", "lead"), ("县市场监管局", "support")],
        "三/4": [("县科协", "lead"), ("县教育局", "support"), ("各乡镇(街道)", "support")],
    }
