"""Untrusted documents: text that looks like HTML or script is shown in the
report, never run. Two payloads ride in unit names, task text, titles and a
file name, once through the whole pipeline and once placed by hand where the
extractor would not put them (a unit name holding markup)."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import taskgraph
from taskgraph.model import Assignment, DocumentInfo, Plan, Task, Unit

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"

PLAN = f"""\
    测试市科技创新行动方案{SCRIPT}
    测试市人民政府
    一、重点任务
    1.引进高层次人才{SCRIPT}。(牵头单位:市科技局;配合单位:市财政局)
    2.建设创新平台{IMG}。(责任单位:市发展改革委、市科技局)
    """


def evil_plan() -> tuple[Plan, dict]:
    doc, place = f"恶意{IMG}.txt", "恶意市"
    lead, support = f"市科技局{SCRIPT}", f"{IMG}局"
    tasks = [Task(doc, "一/1", "一/1", "1", f"任务{SCRIPT}", f"任务{SCRIPT}正文{IMG}", 3, (f"一、{IMG}",),
                  deadline=SCRIPT, annotation=f"牵头单位:{lead}")]
    edges = [Assignment(doc, "一/1", lead, "lead", 3), Assignment(doc, "一/1", support, "support", 3, 1)]
    units = {(doc, lead): Unit(f"{place}:{lead}", place, lead, SCRIPT, names=(lead,)),
             (doc, support): Unit(f"{place}:{support}", place, support, IMG, names=(support,))}
    info = DocumentInfo(doc=doc, title=f"恶意方案{IMG}", place=place)
    return Plan(info, source=doc, tasks=tasks, assignments=edges), units


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    write_report = pytest.importorskip("taskgraph.render.report").write_report
    plans = tmp_path_factory.mktemp("plans")
    (plans / f"{IMG}.txt").write_text(textwrap.dedent(PLAN), encoding="utf-8")
    corpus = taskgraph.load([plans])
    assert corpus.plans and corpus.plans[0].tasks, "the pipeline read the plan"
    plan, units = evil_plan()
    corpus.plans.append(plan)
    corpus.units.update(units)
    out = tmp_path_factory.mktemp("out")
    write_report(corpus, out, workers=1)
    return out


def live_payloads(page: str) -> list[str]:
    """Elements the browser would run: a <script> holding alert(1), or any
    element with an event-handler attribute."""
    import lxml.html

    root = lxml.html.document_fromstring(page)
    found = [f"<script>{s.text}" for s in root.iter("script") if "alert(1)" in (s.text or "")]
    for element in root.iter():
        if isinstance(element.tag, str):
            found += [f"<{element.tag} {k}=…>" for k in element.attrib if k.lower().startswith("on")]
    return found


def test_the_pipeline_keeps_the_payload_as_text(report):
    with open(report / "tasks.csv", encoding="utf-8-sig") as fh:
        tasks = fh.read()
    assert SCRIPT in tasks and IMG in tasks  # kept as written: the report must escape it


def test_index_html_shows_document_text_escaped(report):
    page = (report / "index.html").read_text(encoding="utf-8")
    assert SCRIPT not in page and IMG not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert live_payloads(page) == []


def test_every_html_and_svg_file_written_escapes_it(report):
    files = [p for p in report.rglob("*") if p.suffix in (".html", ".svg")]
    assert any(p.name != "index.html" for p in files)
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert SCRIPT not in text and IMG not in text, path
        if path.suffix == ".html":
            assert live_payloads(text) == [], path
