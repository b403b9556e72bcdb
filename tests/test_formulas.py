"""No formula, ever: text of a plan that a spreadsheet would run as a formula
(``=HYPERLINK(…)``, ``+…``, ``-…``, ``@…``, tab, carriage return) is written
as text into every workbook and escaped in every CSV file.

The payloads ride everywhere a plan's text reaches a table (file name, title,
place, headings, task title and text, deadline, unit names, functions),
placed by hand so that no rule of the extractor decides whether they get
through; one more goes through the whole command line."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest

from taskgraph.cli import main
from taskgraph.corpus import Corpus
from taskgraph.export import csv_text
from taskgraph.model import Assignment, DocumentInfo, Plan, Task, Unit
from taskgraph.safe import FORMULA_START, csv_cell, uncsv_cell

LINK = '=HYPERLINK("http://x.example/","点击")'
PAYLOADS = [LINK, "+区财政局", "-1+2", "@SUM(A1)", "\t=1+1", "\r=1+1", "=区经信局"]


def formula_corpus() -> Corpus:
    doc, place = f"{LINK}.txt", "=恶意市"
    lead, support, other = "=区经信局", "+区财政局", "@区科技局"
    tasks = [
        Task(doc, "一/1", "一/1", "1", LINK, f"{LINK}加强协调。", 3, (f"=一、重点任务",), deadline="-2025年"),
        Task(doc, "一/2", "一/2", "2", "-1+2推进建设", "-1+2推进建设。", 4, ("=一、重点任务", "@(一)"),
             deadline="\t=1+1"),
        Task(doc, "一/3", "一/3", "3", "\r=1+1管理", "\r=1+1管理。", 5, ("=一、重点任务", "@(一)")),
    ]
    edges = [Assignment(doc, "一/1", lead, "lead", 3), Assignment(doc, "一/1", support, "support", 3, 1),
             Assignment(doc, "一/2", support, "lead", 4), Assignment(doc, "一/2", other, "support", 4, 1),
             Assignment(doc, "一/3", other, "lead", 5), Assignment(doc, "一/3", lead, "support", 5, 1)]
    units = {(doc, name): Unit(f"{place}:{name}", place, name, f"={name}", names=(name,))
             for name in (lead, support, other)}
    plan = Plan(DocumentInfo(doc=doc, title=f"{LINK}实施方案", place=place), source=doc, tasks=tasks,
                assignments=edges)
    corpus = Corpus()
    corpus.add((plan, units))
    return corpus


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    from taskgraph.render.report import write_report

    out = tmp_path_factory.mktemp("out")
    write_report(formula_corpus(), out, workers=1)
    return out


def sheets(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet")}


def test_every_workbook_holds_values_only(report):
    books = sorted(report.rglob("*.xlsx"))
    assert {p.name for p in books} >= {"analysis.xlsx", "targets.xlsx", "督办台账.xlsx"} and len(books) == 6  # and 分工表, 责任矩阵, 责任清单
    for book in books:
        for name, xml in sheets(book).items():
            assert "<f>" not in xml and "<f " not in xml, f"{book.name} {name} holds a formula"


def test_workbook_cells_show_the_text_as_written(report):
    from openpyxl import load_workbook

    seen: set[str] = set()
    for book in sorted(report.rglob("*.xlsx")):
        for ws in load_workbook(book).worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value[:1] in FORMULA_START:
                        assert cell.data_type == "s", (book.name, cell.coordinate, cell.value)
                        assert cell.quotePrefix, (book.name, cell.coordinate)  # stays text when edited
                        seen.add(cell.value)
    assert {f"{LINK}实施方案任务分工表", LINK, "-1+2推进建设", "=区经信局", "+区财政局", "@区科技局",
            "=一、重点任务", "\t=1+1", "-2025年"} <= seen


def test_division_xlsx_keeps_the_link_title_in_b4(report):
    """The issue's case: the task title was a clickable link (B13 there)."""
    from openpyxl import load_workbook

    book = next(report.rglob("*-分工表.xlsx"))
    ws = load_workbook(book).active
    assert ws["A1"].value == f"{LINK}实施方案任务分工表"
    cell = next(c for row in ws.iter_rows() for c in row if c.value == LINK)
    assert cell.data_type == "s" and cell.hyperlink is None


def csv_cells(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def test_every_csv_file_escapes_formula_text(report):
    files = sorted(report.rglob("*.csv"))
    assert len(files) == 8  # the five of extract, the 分工表, the 责任矩阵 and targets.csv
    seen = set()
    for path in files:
        for cell in csv_cells(path):
            assert cell[:1] not in FORMULA_START, (path.name, cell)
            seen.add(uncsv_cell(cell))
    assert {LINK, "-1+2推进建设", "=区经信局", "+区财政局", "@区科技局", "\t=1+1", "\r=1+1管理"} <= seen


def test_the_escape_is_the_owasp_quote_and_exact_to_undo():
    for text in PAYLOADS + ["'=1", "''-x", "'引号", "普通文本", ""]:
        escaped = csv_cell(text)
        assert escaped[:1] not in FORMULA_START
        assert uncsv_cell(escaped) == text
    assert csv_cell(LINK) == "'" + LINK
    assert csv_cell("'=1") == "''=1"  # a quote before a formula start is escaped too
    assert csv_cell("'引号") == "'引号"


def test_numbers_stay_numbers():
    text = csv_text(["a", "b", "c", "d"], [[-1, -0.5, "-1", True]])
    assert text.splitlines()[1] == "-1,-0.5,'-1,true"


def test_printed_csv_of_an_analysis_escapes_text_not_numbers():
    import pandas as pd

    from taskgraph.analyse.formats import to_text

    frame = pd.DataFrame({"unit": ["=区经信局", "区财政局"], "score": [-1.25, 2], "n": [-3, 4]})
    rows = list(csv.reader(io.StringIO(to_text({"t": frame}, "csv"))))
    assert rows[1:] == [["'=区经信局", "-1.25", "-3"], ["区财政局", "2", "4"]]


def test_the_command_line_writes_a_link_title_as_text(tmp_path, capsys):
    plan = tmp_path / "plan.txt"
    plan.write_text(f"{LINK}实施方案\n一、重点任务\n1.{LINK}加强协调。（责任单位：区发改局）\n"
                    "2.推进建设。（责任单位：区住建局）\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["report", str(plan), "-o", str(out), "-q", "-j", "1"]) == 0
    for book in out.rglob("*.xlsx"):
        for xml in sheets(book).values():
            assert not re.search(r"<f[ >]", xml)
    assert all(cell[:1] not in FORMULA_START for p in out.rglob("*.csv") for cell in csv_cells(p))
    assert any(LINK in uncsv_cell(cell) for cell in csv_cells(out / "tasks.csv"))
