"""Bounded output: a plan with more tasks or units than a figure can show
legibly gets a summarised figure (the first rows, the units carrying most,
the rest counted), said in the figure and beside it in the report; the
责任矩阵 of a plan naming many units keeps a bounded number of columns and
loses no mark, and a large one is written sparsely.

Plans are made directly (no extraction), just over the limits, so the tests
stay quick; ``benchmarks/bench.py --report-scale`` runs the report on
20,000 tasks."""
from __future__ import annotations

import csv
import re
import zipfile

import pandas as pd
import pytest

from taskgraph.corpus import Corpus
from taskgraph.model import Assignment, DocumentInfo, Plan, Task, Unit
from taskgraph.render import figures, tables
from taskgraph.render.figures import FIGURE_PLACES, FIGURE_ROWS, FIGURE_UNITS


def big_plan(n_tasks: int, n_units: int, place: str = "大市") -> tuple[Plan, dict]:
    """Tasks under ten sections; task k led by unit k mod n_units, supported by the next."""
    doc = "big.txt"
    names = [f"市第{j}局" for j in range(n_units)]
    tasks, edges = [], []
    for k in range(n_tasks):
        tid = f"{k // 100 + 1}/{k % 100 + 1}"
        tasks.append(Task(doc, tid, tid, str(k + 1), f"任务{k}", f"任务{k}。", k + 1, (f"第{k * 10 // n_tasks}部分",)))
        edges.append(Assignment(doc, tid, names[k % n_units], "lead", k + 1, 0))
        edges.append(Assignment(doc, tid, names[(k + 1) % n_units], "support", k + 1, 1))
    units = {(doc, n): Unit(f"{place}:{n}", place, n, f"职能{j}", names=(n,)) for j, n in enumerate(names)}
    return Plan(DocumentInfo(doc=doc, title="大型方案", place=place), source=doc, tasks=tasks,
                assignments=edges), units


def figure_text(fig) -> str:
    found = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    return "\n".join(found)


@pytest.fixture(scope="module")
def big():
    plan, units = big_plan(FIGURE_ROWS + 80, FIGURE_UNITS + 30)
    return plan, units, tables.responsibility_matrix(plan, units)


@pytest.mark.parametrize("plot", ["matrix_figure", "bipartite_figure"])
def test_a_matrix_figure_of_a_large_plan_is_bounded_and_says_so(big, plot):
    plan, units, matrix = big
    fig = getattr(figures, plot)(matrix)
    bound = getattr(figures, plot)(tables.responsibility_matrix(*big_plan(FIGURE_ROWS, FIGURE_UNITS)))
    width, height = fig.get_size_inches()
    assert width <= bound.get_size_inches()[0] + 1 and height <= bound.get_size_inches()[1] + 1
    note = figures.figure_note(figures.FigureJob("x", plot, (matrix,)))
    assert note and f"共 {len(matrix.tasks):,} 项" in note and f"共 {len(matrix.units):,} 个" in note
    assert note in figure_text(fig)


def test_a_figure_within_the_limits_shows_everything_and_says_nothing():
    plan, units = big_plan(20, 8)
    matrix = tables.responsibility_matrix(plan, units)
    assert figures.figure_note(figures.FigureJob("x", "matrix_figure", (matrix,))) is None
    assert "图中只显示" not in figure_text(figures.matrix_figure(matrix))


def test_the_column_totals_of_a_cut_matrix_count_every_task(big):
    _, _, matrix = big
    fig = figures.matrix_figure(matrix)
    lead, support = matrix.column_totals()
    totals = fig.axes[0].child_axes[0]  # the totals under the columns
    shown = [t.get_text() for t in totals.get_xticklabels()]
    assert shown == [str(lead[j] + support[j]) for j in range(FIGURE_UNITS)]
    assert sum(map(int, shown)) > 2 * FIGURE_ROWS  # more than the rows shown hold


def test_a_network_of_many_units_shows_those_with_most_tasks(big):
    from taskgraph.graph import build_graph
    from taskgraph import analyse
    from taskgraph.analyse.clusters import cluster_members

    plan, units, _ = big
    corpus = Corpus()
    corpus.add((plan, units))
    G = build_graph(corpus)
    load, pairs = analyse.unit_load(G), analyse.unit_pairs(G)
    fig = figures.network_figure(pairs, load, "大市", cluster_members(G))
    dots = fig.axes[0].collections[0].get_offsets()
    assert len(dots) == FIGURE_UNITS
    note = figures.figure_note(figures.FigureJob("x", "network_figure", (pairs, load, "大市")))
    assert f"共 {len(units)} 个" in note and note in figure_text(fig)


def many_places(n: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    places = [f"第{k}市" for k in range(n)]
    load = pd.DataFrame([{"place": p, "function": f"职能{j}", "lead": k + j, "support": 1}
                         for k, p in enumerate(places) for j in range(3)])
    matrix = pd.DataFrame([{"function": f"职能{j}", "places": n, **{p: float(k + j) for k, p in enumerate(places)}}
                           for j in range(3)])
    similarity = pd.DataFrame([{"place_a": a, "place_b": b, "functions_a": 3, "functions_b": 3, "jaccard": 0.5,
                                "load_cosine": 0.5, "text_cosine": 0.5}
                               for i, a in enumerate(places) for b in places[i + 1:]])
    return load, matrix, similarity


def test_figures_of_many_places_show_a_bounded_number_of_them():
    n = FIGURE_PLACES + 6
    load, matrix, similarity = many_places(n)
    fig = figures.function_load_figure(load)
    assert len(fig.axes) == FIGURE_PLACES
    heat = figures.function_place_figure(matrix)
    assert len(heat.axes[0].get_xticklabels()) == FIGURE_PLACES
    sim = figures.similarity_figure(similarity)
    assert len(sim.axes[0].get_xticklabels()) == FIGURE_PLACES
    for plot, data, shown in (("function_load_figure", load, fig), ("function_place_figure", matrix, heat),
                              ("similarity_figure", similarity, sim)):
        note = figures.figure_note(figures.FigureJob("x", plot, (data,)))
        assert note and f"共 {n} 个" in note and note in figure_text(shown), plot


# ------------------------------------------------------------ 责任矩阵

def marks_in(path) -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [c for row in csv.reader(fh) for c in row]


def test_a_matrix_of_many_units_keeps_its_columns_and_every_mark(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MATRIX_UNITS", 50)
    plan, units = big_plan(300, 80)
    matrix = tables.responsibility_matrix(plan, units)
    tables.write_matrix_csv(matrix, tmp_path / "m.csv")
    with open(tmp_path / "m.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    assert header[4:4 + 50] == list(matrix.units[:50]) and header[54] == tables.OTHER_UNITS
    body = rows[1:-3]
    in_columns = sum(c in (tables.LEAD_MARK, tables.SUPPORT_MARK) for r in body for c in r[4:54])
    in_text = sum(len(re.findall("[●○]", r[54])) for r in body)
    assert in_columns + in_text == len(plan.assignments)  # no mark lost

    from openpyxl import load_workbook

    tables.write_matrix_xlsx(matrix, tmp_path / "m.xlsx")
    ws = load_workbook(tmp_path / "m.xlsx").active
    values = [c.value for c in ws[2]]  # the header, under the plan's title
    assert values[2:52] == list(matrix.units[:50]) and values[52] == tables.OTHER_UNITS
    assert ws.max_column == 2 + 50 + 1 + 3
    first = next(r for r in matrix.tasks if any(j >= 50 for j, _ in r.cells))
    row = next(r for r in ws.iter_rows(min_row=3) if r[1].value == first.title)
    assert row[52].value == "、".join(f"{matrix.units[j]}{m}" for j, m in first.cells if j >= 50)


def test_a_large_matrix_is_written_sparsely(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "DENSE_CELLS", 1000)
    plan, units = big_plan(300, 80)
    matrix = tables.responsibility_matrix(plan, units)
    tables.write_matrix_xlsx(matrix, tmp_path / "m.xlsx")
    with zipfile.ZipFile(tmp_path / "m.xlsx") as z:
        cells = z.read("xl/worksheets/sheet1.xml").count(b"<c ")
    dense = len(matrix.rows) * (len(matrix.units) + 5)
    assert cells < dense / 5  # marks and a few cells a row, not every task × unit
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "m.xlsx").active
    marks = sum(c.value in (tables.LEAD_MARK, tables.SUPPORT_MARK) for row in ws.iter_rows() for c in row)
    assert marks == len(plan.assignments)


def test_the_report_says_beside_a_cut_figure_what_it_leaves_out(tmp_path):
    from taskgraph.render.report import write_report

    plan, units = big_plan(FIGURE_ROWS + 10, FIGURE_UNITS + 5)
    corpus = Corpus()
    corpus.add((plan, units))
    write_report(corpus, tmp_path, workers=1)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    matrix = tables.responsibility_matrix(plan, units)
    note = figures.figure_note(figures.FigureJob("x", "matrix_figure", (matrix,)))
    assert page.count(note) >= 2  # under the matrix and the task–unit graph
    network = [n for n in re.findall(r'<span class="note">([^<]*)</span>', page) if "单位" in n]
    assert any(f"共 {len(units)} 个" in n for n in network)


# ----------------------------------------------------------------- large inputs (benchmarks/large.py)
# The inputs the README's large-case figures come from must be what they say
# they are: checked here at a small size (their timing is never tested).

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import large  # noqa: E402

from taskgraph.corpus import extract_document  # noqa: E402
from taskgraph.model import Document, Line  # noqa: E402
from taskgraph.normalise import Gazetteer  # noqa: E402
from taskgraph.read import read_document  # noqa: E402


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.load()


def test_the_large_plan_of_tasks_is_read_whole(tmp_path, gazetteer):
    path = tmp_path / "plan.txt"
    path.write_text(large.tasks_plan(300, 120), encoding="utf-8")
    plan, units = extract_document(read_document(path), gazetteer)
    assert len(plan.tasks) == 300 and all(plan_task.annotation for plan_task in plan.tasks)
    assert len({a.unit for a in plan.assignments}) == 120  # every unit named
    assert {a.task_id for a in plan.assignments if a.role == "lead"} == {t.task_id for t in plan.tasks}


def test_the_large_outline_is_nested_and_annotated_at_every_depth(tmp_path, gazetteer):
    path = tmp_path / "headings.txt"
    path.write_text(large.headings_plan(2000), encoding="utf-8")
    plan, _ = extract_document(read_document(path), gazetteer)
    depths = {t.task_id.count("/") for t in plan.tasks}
    assert depths == {2, 3}  # 1. items (annotated on a line after their sub-items) and (1) items
    assert all(t.annotation for t in plan.tasks)


def test_the_large_docx_is_one_table_of_its_cells(tmp_path, gazetteer):
    path = tmp_path / "分工表.docx"
    path.write_bytes(large.docx_table(500))
    plan, _ = extract_document(read_document(path), gazetteer)
    assert len(plan.tasks) == 99 and all(t.kind == "table" for t in plan.tasks)


def test_the_large_pdf_reads_back_as_written(tmp_path):
    text = large.tasks_plan(30, 20)
    path = tmp_path / "plan.pdf"
    path.write_bytes(large.pdf_pages(3, text, lines_per_page=10))
    doc = read_document(path)
    read = "".join(line.text for line in doc.lines)
    assert read.startswith("锦州市科技创新行动方案") and "牵头单位" in read


def test_the_chinese_numerals_of_the_outline():
    assert [large.numeral(n) for n in (1, 10, 11, 20, 21, 100, 105, 110, 999, 1000, 1001)] == [
        "一", "十", "十一", "二十", "二十一", "一百", "一百零五", "一百一十", "九百九十九", "一千", "一千零一"]


# ----------------------------------------------------------------- linear in repeated labels


def test_a_line_of_repeated_labels_is_read_once_not_once_per_label(monkeypatch):
    """责任单位: × 4,000 on one line: before, each label re-read the whole
    rest of the line (265 s for 4,415); now the labels after one that names
    nothing are covered by it. Counted, not timed: the annotation parser
    runs a bounded number of times, whatever the number of labels."""
    import taskgraph.extract.annotation as annotation

    calls = []
    real = annotation.parse_annotation

    def counting(content, *args, **kwargs):
        calls.append(len(content))
        return real(content, *args, **kwargs)

    monkeypatch.setattr(annotation, "parse_annotation", counting)
    for n in (500, 4000):
        calls.clear()
        annotation.find_annotations("推进科技创新。\n" + "责任单位:" * n)
        assert len(calls) <= 3, (n, len(calls))
