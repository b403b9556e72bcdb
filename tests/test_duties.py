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


# ------------------------------------------------ the Word skeleton, held to python-docx

def _members(data: bytes) -> list[tuple[str, bytes]]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i)) for i in z.infolist()]


def _same_file(fast: bytes, reference: bytes) -> None:
    """Every member (names, order, bytes), then the zip itself."""
    got, want = _members(fast), _members(reference)
    assert [n for n, _ in got] == [n for n, _ in want]
    for (name, a), (_, b) in zip(got, want):
        assert a == b, name
    assert fast == reference


def _duty(k: int, text: str = "", others: str = "区财政局", plan: str = "测试区行动方案") -> duties.Duty:
    return duties.Duty(plan, f"p{k % 2}.txt", k, f"一/{k}", "一、重点任务", f"任务{k}{text}", f"内容{k}。{text}",
                       "2025年底" if k % 3 else "", others)


_ODD = "&<>\"' ＆ a\tb\nc\rd  "  # what XML escapes, breaks, spaces at both ends
_SKELETON_UNITS = {
    "lead only": duties.UnitDuties("测试区", "u1", "区科技局", lead=[_duty(1), _duty(2)]),
    "support only": duties.UnitDuties("测试区", "u2", "区财政局", support=[_duty(3, others="区科技局、区民政局")]),
    "none": duties.UnitDuties("测试区", "u3", "区统计局"),
    "collective": duties.UnitDuties("测试区", "u4", "各县(市)区政府(管委会)", collective=True,
                                    lead=[_duty(4)], support=[_duty(5), _duty(6)]),
    "odd names": duties.UnitDuties("测试区", "u5", f"区<市场>监管&局\"'{_ODD}", lead=[_duty(7, _ODD, others=_ODD)],
                                   support=[_duty(8, _ODD, plan=f"方案{_ODD}")]),
    "long text": duties.UnitDuties("测试区", "u6", "区" + "发展和改革" * 40 + "局",
                                   lead=[_duty(k, "推进" * 600, others="、".join(f"单位{j}" for j in range(60)))
                                         for k in range(40)]),
}


@pytest.mark.parametrize("several", [False, True], ids=["one plan", "several plans"])
@pytest.mark.parametrize("kind", list(_SKELETON_UNITS))
def test_duty_docx_from_the_skeleton_is_python_docxs_file(tmp_path, kind, several):
    """A 责任清单 is made from the Word skeleton (shared parts made once) and
    its own document.xml written as text: the file must be the one
    python-docx makes, member for member and byte for byte."""
    from taskgraph.render import tables

    unit = _SKELETON_UNITS[kind]
    place = f"测试区{_ODD}" if kind == "odd names" else "测试区"
    fast = tables._docx_file(duties.duty_title(unit), place, duties._duty_xml(unit, several))
    assert fast is not None  # made from the skeleton, not left to python-docx
    _same_file(fast, tables._docx_bytes(duties._duty_document(place, unit, several)))
    assert duties.write_duty_docx(place, unit, several, tmp_path / "u.docx").read_bytes() == fast


def test_the_skeleton_follows_the_language_of_the_footer(tmp_path):
    from taskgraph import messages
    from taskgraph.render import tables

    unit = _SKELETON_UNITS["collective"]
    with messages.language("en"):
        english = duties.write_duty_docx("测试区", unit, False, tmp_path / "en.docx").read_bytes()
        _same_file(english, tables._docx_bytes(duties._duty_document("测试区", unit, False)))
    chinese = duties.write_duty_docx("测试区", unit, False, tmp_path / "zh.docx").read_bytes()
    assert chinese != english
    _same_file(chinese, tables._docx_bytes(duties._duty_document("测试区", unit, False)))


def test_a_title_too_long_for_the_document_property_is_cut_there_only(tmp_path):
    """python-docx takes at most 255 characters for the title property: a
    unit named longer gets its whole name on the page, the property its
    first 255 characters, from the skeleton as from python-docx."""
    import zipfile

    from taskgraph.render import tables

    unit = duties.UnitDuties("测试区", "u", "区" * 300, lead=[_duty(1)])
    fast = tables._docx_file(duties.duty_title(unit), "测试区", duties._duty_xml(unit, False))
    assert fast is not None
    _same_file(fast, tables._docx_bytes(duties._duty_document("测试区", unit, False)))
    path = duties.write_duty_docx("测试区", unit, False, tmp_path / "u.docx")
    with zipfile.ZipFile(path) as z:
        assert "区" * 300 in z.read("word/document.xml").decode("utf-8")
        core = z.read("docProps/core.xml").decode("utf-8")
    assert f"<dc:title>{duties.duty_title(unit)[:255]}</dc:title>" in core


def test_what_the_skeleton_cannot_write_is_left_to_python_docx(tmp_path):
    """A character XML cannot hold: no file from the skeleton; python-docx
    then does what it does (here it refuses, as before; the readers take
    such characters out of a plan's text)."""
    from taskgraph.render import tables

    for name in ("区\x01局",):
        unit = duties.UnitDuties("测试区", "u", name, lead=[_duty(1)])
        assert tables._docx_file(duties.duty_title(unit), "测试区", duties._duty_xml(unit, False)) is None
        with pytest.raises(ValueError):
            tables._docx_bytes(duties._duty_document("测试区", unit, False))
        with pytest.raises(ValueError):
            duties.write_duty_docx("测试区", unit, False, tmp_path / "u.docx")


def test_seeds_duty_files_from_the_skeleton_are_python_docxs(lists):
    from taskgraph.render import tables

    for place, units in lists.items():
        several = duties._several_plans(units)
        for unit in units[:4] + units[-2:]:
            fast = tables._docx_file(duties.duty_title(unit), place, duties._duty_xml(unit, several))
            _same_file(fast, tables._docx_bytes(duties._duty_document(place, unit, several)))
