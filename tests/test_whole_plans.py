"""Whole plans written the way offices write them, in full-width punctuation
(tests/plans/*.txt, written for these tests): a notice, goals, key tasks
annotated in several styles, safeguards, an annex table. Every task and
every edge is written out here by hand from docs/conventions.md; no other
task may be found (goals, preambles and requirements are not tasks).

Each plan is also read with half-width punctuation: the same edges.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from taskgraph.extract import extract_plan
from taskgraph.read import read_document

PLANS = Path(__file__).with_name("plans")
HALF = str.maketrans({"（": "(", "）": ")", "，": ",", "：": ":", "；": ";", "〔": "(", "〕": ")"})

L, S = "lead", "support"
COUNTIES = "各县〈市、区〉人民政府"

EXPECTED = {
    "city_digital_economy.txt": {
        "三/(一)/1": [("市工业和信息化局", L), ("市通信发展管理办公室", S), (COUNTIES, S)],
        "三/(一)/2": [("市发展改革委", L), ("市大数据局", S), ("市工业和信息化局", S)],
        "三/(二)/3": [("市工业和信息化局", L), ("市投资促进局", S), ("市科技局", S)],
        "三/(二)/4": [("市科技局", L), ("市工业和信息化局", S)],
        "三/(三)/5": [("市工业和信息化局", L)],
        "三/(三)/6": [("市农业农村局", L), (COUNTIES, S)],
        "四/(一)": [("市发展改革委", L)],
        "四/(二)": [("市财政局", L)],
        "附件/1": [("市工业和信息化局", L), ("市自然资源和规划局", S), ("市住房城乡建设局", S)],
        "附件/2": [("市人力资源社会保障局", L), ("市教育局", S)],
    },
    "county_business_environment.txt": {
        "二/(一)/1": [("县行政审批服务局", L), ("县数据资源管理局", S), ("各乡镇人民政府(街道办事处)", S)],
        "二/(一)/2": [("县数据资源管理局", L), ("县行政审批服务局", S), ("县公安局", S)],
        "二/(二)/3": [("县市场监管局", L), ("县发展改革局", L), ("县财政局", S)],
        "二/(二)/4": [("县市场监管局〈知识产权局〉", L), ("县法院", S), ("县检察院", S), ("县公安局", S)],
        "二/(三)/5/(1)": [("县自然资源局", L)],
        "二/(三)/5/(2)": [("县自然资源局", L), ("县工业和信息化局", S), ("县财政局", S)],
        "二/(三)/6": [("县金融服务中心", L)],
        "三/(二)": [("县委督查室", L), ("县政府督查室", S)],
        "附件/1": [("县发展改革局", L), ("各乡镇人民政府", S), ("县直各有关单位", S)],
        "附件/2": [("县工业和信息化局", L), ("县行政审批服务局", S)],
    },
    "province_unified_market.txt": {
        # the note 以下均需各市、县〈市、区〉人民政府落实,不再列出 gives them to every task from its own on
        "一/(一)": [("省委政法委", L), ("省法院", S), ("省检察院", S), ("省公安厅", S), ("省司法厅", S),
                  ("各市、县〈市、区〉人民政府", S)],
        "一/(二)": [("省发展改革委", L), ("省商务厅", L), ("省市场监管局", S), ("各市、县〈市、区〉人民政府", S)],
        "一/(三)": [("省发展改革委", L), ("人民银行某某省分行", L), ("各市、县〈市、区〉人民政府", S)],
        "二/(四)": [("省发展改革委", L), ("省交通运输厅", S), ("省商务厅", S), ("省邮政管理局", S),
                  ("各市、县〈市、区〉人民政府", S)],
        "二/(五)": [("省市场监管局", L), ("省大数据局", S), ("各市、县〈市、区〉人民政府", S)],
    },
}


def edges(plan) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {t.task_id: [] for t in plan.tasks}
    for a in plan.assignments:
        out[a.task_id].append((a.unit, a.role))
    return out


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("width", ["full", "half"])
def test_whole_plan(tmp_path, name, width):
    text = (PLANS / name).read_text(encoding="utf-8")
    if width == "half":
        text = text.translate(HALF)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    expected = EXPECTED[name]
    if width == "half":
        expected = {k: [(u.translate(HALF), r) for u, r in v] for k, v in expected.items()}
    assert edges(extract_plan(read_document(path))) == {
        k: [(u.replace("(", "(").replace(")", ")"), r) for u, r in v] for k, v in expected.items()}


def test_deadlines_and_kinds_of_the_city_plan():
    plan = extract_plan(read_document(PLANS / "city_digital_economy.txt"))
    by_id = {t.task_id: t for t in plan.tasks}
    assert by_id["三/(二)/3"].deadline == "2026年底"
    assert by_id["附件/2"].deadline == "持续推进" and by_id["附件/2"].kind == "table"
    assert by_id["三/(一)/1"].title == "加快5G网络建设"
    assert not [d for d in plan.diagnostics if d.level != "info"]
