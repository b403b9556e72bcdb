"""一单位一清单: the 责任清单 of every unit, checked against the
hand-checked answers of the seeds (../shared/gold/seeds.json) and opened
again as an office would."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import taskgraph
from taskgraph.model import Assignment, DocumentInfo, Plan, Task, Unit
from taskgraph.render import duties

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT.parent / "shared" / "gold" / "seeds.json"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def seeds():
    return taskgraph.load()


@pytest.fixture(scope="module")
def lists(seeds):
    return duties.duty_lists(seeds)


def _gold_tasks(unit: str, city: str) -> tuple[set[str], set[str]]:
    """(text_start of the tasks ``unit`` leads, of those it supports) in the gold."""
    docs = [d for d in json.loads(GOLD.read_text(encoding="utf-8")) if d["city"] == city]
    lead = {t["text_start"] for d in docs for t in d["tasks"] if unit in t["lead"]}
    support = {t["text_start"] for d in docs for t in d["tasks"] if unit in t["support"] and unit not in t["lead"]}
    return lead, support


def _found(corpus, duty_list) -> set[str]:
    texts = {(t.doc, t.task_id): t.text.replace("\n", "") for p in corpus.plans for t in p.tasks}  # as the gold writes it
    return {texts[(d.doc, d.task_id)] for d in duty_list}


@pytest.mark.skipif(not GOLD.exists(), reason="no ../shared/gold/seeds.json beside the checkout")
@pytest.mark.parametrize("city, unit", [("锦州市", "市科技局"), ("锦州市", "各县(市)区政府(管委会)"),
                                        ("宁波市镇海区", "区经信局")])
def test_a_units_list_holds_exactly_its_tasks_in_the_gold(seeds, lists, city, unit):
    entry = next(u for u in lists[city] if unit in u.names)
    lead, support = _gold_tasks(unit, city)
    assert lead or support
    for want, got in ((lead, _found(seeds, entry.lead)), (support, _found(seeds, entry.support))):
        assert len(got) == len(want)
        for start in want:
            assert sum(text.startswith(start) for text in got) == 1, (unit, start)


def test_every_unit_of_a_place_has_its_list_and_every_edge_is_on_one(seeds, lists):
    for plan in seeds.plans:
        place = plan.info.place or plan.info.doc
        for a in plan.assignments:
            uid = seeds.units[(a.doc, a.unit)].unit_id
            entry = next(u for u in lists[place] if u.unit_id == uid)
            on = {(d.doc, d.task_id) for d in (*entry.lead, *entry.support)}
            assert (a.doc, a.task_id) in on
    collective = [u for us in lists.values() for u in us if u.collective]
    assert any(u.name == "各县(市)区政府(管委会)" for u in collective)  # collective units get theirs too


def _plan() -> tuple[Plan, dict]:
    doc = "p.txt"
    tasks = [Task(doc, "一/1", "一/1", "1", "甲任务", "甲任务。内容一。", 3, ("一、重点任务",), "2025年底"),
             Task(doc, "一/2", "一/2", "2", "乙任务", "乙任务。内容二。", 4, ("一、重点任务",)),
             Task(doc, "二/1", "二/1", "1", "丙任务", "丙任务。", 6, ("二、保障措施",))]
    edges = [Assignment(doc, "一/1", "区科技局", "lead", 3), Assignment(doc, "一/1", "区财政局", "support", 3, 1),
             Assignment(doc, "一/2", "区财政局", "lead", 4), Assignment(doc, "一/2", "区科技局", "support", 4, 1),
             Assignment(doc, "二/1", "区财政局", "lead", 6)]
    units = {(doc, n): Unit(f"测试区:{n}", "测试区", n, n, names=(n,)) for n in ("区科技局", "区财政局")}
    return Plan(DocumentInfo(doc=doc, title="测试区行动方案", place="测试区"), source=doc, tasks=tasks,
                assignments=edges), units


def test_workbook_has_a_contents_sheet_then_one_sheet_per_unit(tmp_path):
    from openpyxl import load_workbook

    from taskgraph.corpus import Corpus

    corpus = Corpus()
    corpus.add(_plan())
    lists = duties.duty_lists(corpus)
    path = duties.write_duty_workbook("测试区", lists["测试区"], tmp_path / "d.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["目录", "区财政局", "区科技局"]  # most tasks first
    index = [tuple(c.value for c in row) for row in wb["目录"].iter_rows(min_row=3)]
    assert index == [(1, "区财政局", 2, 1, 3, "区财政局"), (2, "区科技局", 1, 1, 2, "区科技局")]
    ws = wb["区科技局"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[0][0] == "区科技局责任清单"
    assert values[2][0] == "一、牵头任务（1 项）"
    assert values[4] == [1, "一、重点任务", "甲任务", "甲任务。内容一。", "区财政局", "2025年底"]
    assert values[5][0] == "二、配合任务（1 项）"
    assert values[7] == [2, "一、重点任务", "乙任务", "乙任务。内容二。", "区财政局", None]
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert all(ws.row_dimensions[r].height for r in (5, 8))


def test_docx_per_unit_ready_to_send(tmp_path):
    from docx import Document

    from taskgraph.corpus import Corpus

    corpus = Corpus()
    corpus.add(_plan())
    unit = next(u for u in duties.duty_lists(corpus)["测试区"] if u.name == "区财政局")
    doc = Document(duties.write_duty_docx("测试区", unit, False, tmp_path / "u.docx"))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "区财政局责任清单"
    assert "牵头 2 项、配合 1 项，共 3 项任务。" in paragraphs
    assert "一、牵头任务（2 项）" in paragraphs and "二、配合任务（1 项）" in paragraphs
    lead, support = doc.tables
    assert [c.text for c in lead.rows[1].cells] == ["2", "一、重点任务", "乙任务", "乙任务。内容二。", "区科技局", ""]
    assert [c.text for c in lead.rows[2].cells][:3] == ["3", "二、保障措施", "丙任务"]
    assert [c.text for c in support.rows[1].cells][4] == "区科技局"  # who leads the task it supports
    assert all(r._tr.find(f"{W}trPr/{W}cantSplit") is not None for t in doc.tables for r in t.rows)
    assert [t.text.strip() for t in doc.sections[0].footer._element.iter(f"{W}instrText")] == ["PAGE", "NUMPAGES"]
