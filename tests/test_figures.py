"""Figures: valid PNG/SVG/PDF files, Chinese drawn with the bundled font and
no missing glyph, labels that do not overlap, the user's own font.

Every drawing runs with warnings turned into errors, so a character the
fonts lack (matplotlib's "Glyph … missing from font(s)") fails the test.
"""
from __future__ import annotations

import io
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from taskgraph.errors import UsageError
from taskgraph.model import Assignment, DocumentInfo, Plan, Task
from taskgraph.render import figures, style, tables

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def strict():
    """Every warning is an error (a missing glyph above all)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.filterwarnings("ignore", category=DeprecationWarning)
        yield


@pytest.fixture(autouse=True)
def default_fonts(monkeypatch):
    monkeypatch.delenv(style.FONT_ENV, raising=False)
    yield
    figures._families = None  # the next test chooses again


@pytest.fixture(scope="module")
def seeds():
    import taskgraph
    from taskgraph.render.report import run_analyses

    corpus = taskgraph.load()
    return corpus, run_analyses(corpus)


def small_plan() -> Plan:
    doc = "p.txt"
    s = ("二、重点任务", "(一)强化人才支撑")
    tasks = [Task(doc, f"二/(一)/{i}", f"二/(一)/{i}", str(i), title, title, i, s)
             for i, title in enumerate(["引进高层次人才", "培养青年人才", "建设创新平台"], start=1)]
    edges = [Assignment(doc, "二/(一)/1", "市科技局", "lead", 1), Assignment(doc, "二/(一)/1", "市财政局", "support", 1, 1),
             Assignment(doc, "二/(一)/2", "市人社局", "lead", 2), Assignment(doc, "二/(一)/2", "市科技局", "support", 2, 1)]
    return Plan(DocumentInfo(doc=doc, title="测试市行动方案", place="测试市"), tasks=tasks, assignments=edges)


def load_frame() -> pd.DataFrame:
    return pd.DataFrame({"place": ["测试市"] * 3, "unit": ["市财政局", "市科技局", "市人社局"],
                         "lead": [0, 1, 1], "support": [1, 1, 0], "total": [1, 2, 1], "weighted": [0.5, 1.5, 1.0]})


def check_files(paths: list[Path]) -> None:
    by_suffix = {p.suffix: p for p in paths}
    assert set(by_suffix) == {".png", ".svg", ".pdf"}
    png = by_suffix[".png"].read_bytes()
    assert png.startswith(PNG)
    from PIL import Image

    with Image.open(io.BytesIO(png)) as im:
        im.verify()
        assert [round(x) for x in im.info["dpi"]] == [300, 300]
    root = ET.fromstring(by_suffix[".svg"].read_bytes())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert not root.findall(".//{http://www.w3.org/2000/svg}text")  # glyphs are paths: no font needed
    pdf = by_suffix[".pdf"].read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) < 400_000  # fonts subset, not the 16 MB file


# ------------------------------------------------------------- the files

def test_every_seed_figure_is_valid(seeds, tmp_path):
    corpus, a = seeds
    figures.use_fonts(figures.corpus_text(corpus))
    places = sorted(set(a.load["place"]))
    drawn = [
        ("load", figures.unit_load_figure(a.load, places[0])),
        ("function", figures.function_load_figure(a.function_load, places=places)),
        ("network", figures.network_figure(a.pairs, a.load, places[-1], a.members)),
        ("overlap", figures.function_place_figure(a.function_matrix)),
        ("similarity", figures.similarity_figure(a.similarity)),
    ]
    for plan in corpus.plans:
        m = tables.responsibility_matrix(plan, corpus.units)
        drawn += [(f"matrix-{plan.info.doc}", figures.matrix_figure(m)),
                  (f"bipartite-{plan.info.doc}", figures.bipartite_figure(m))]
    for name, fig in drawn:
        check_files(figures.save_figure(fig, tmp_path, name))


def test_pdf_embeds_one_subset_truetype_font(tmp_path):
    from pypdf import PdfReader

    from taskgraph.corpus import Corpus

    plan = small_plan()
    figures.use_fonts(figures.corpus_text(Corpus(plans=[plan])))  # every character in the cut font
    m = tables.responsibility_matrix(plan)
    pdf = [p for p in figures.save_figure(figures.matrix_figure(m), tmp_path, "m") if p.suffix == ".pdf"][0]
    fonts = []
    for page in PdfReader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font["/DescendantFonts"]:
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                fonts.append((str(font["/BaseFont"]), "/FontFile2" in descriptor))
    assert len(fonts) == 1
    name, embedded = fonts[0]
    assert embedded and "NotoSansCJKsc" in name and name.lstrip("/")[6] == "+"  # ABCDEF+ : a subset
    assert pdf.stat().st_size < 60_000


def test_same_figure_same_bytes(tmp_path):
    m = tables.responsibility_matrix(small_plan())
    a = figures.save_figure(figures.matrix_figure(m), tmp_path / "a", "m")
    b = figures.save_figure(figures.matrix_figure(m), tmp_path / "b", "m")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


# ------------------------------------------------------------ the glyphs

def test_a_missing_glyph_fails():
    """The guard works: a character no font here has (an emoji) raises."""
    fig = figures.unit_load_figure(load_frame().assign(place="测试市\U0001F600"), "测试市\U0001F600")
    with pytest.raises(UserWarning, match="missing from font"):
        figures.figure_bytes(fig, "png")


def test_rare_characters_fall_back_to_the_full_font():
    """A character outside the cut font (not in the corpus text) is still drawn."""
    figures.use_fonts("市科技局")
    fig = figures.unit_load_figure(load_frame().assign(place="龘市"), "龘市")
    assert figures.figure_bytes(fig, "pdf").startswith(b"%PDF")


def test_bundled_font_is_the_mplfonts_noto():
    path = style.bundled_font()
    assert path.name == "NotoSansCJKsc-Regular.otf" and "mplfonts" in path.parts
    families = figures.use_fonts("测试")
    assert families[0].startswith("Noto Sans CJK SC") and families[-1] == "Noto Sans CJK SC"


def test_user_font_from_the_environment(monkeypatch):
    simhei = style.bundled_font().with_name("SimHei.ttf")
    if not simhei.is_file():
        pytest.skip("mplfonts without SimHei.ttf")
    monkeypatch.setenv(style.FONT_ENV, str(simhei))
    families = figures.use_fonts("市科技局")
    assert "SimHei" in families[0]
    fig = figures.unit_load_figure(load_frame(), "测试市")
    assert "SimHei" in fig.axes[0].get_yticklabels()[0].get_fontfamily()[0]
    figures.figure_bytes(fig, "png")


def test_unknown_font_is_a_usage_error(monkeypatch):
    with pytest.raises(UsageError):
        figures.use_fonts(font="/no/such/font.ttf")
    with pytest.raises(UsageError):
        figures.use_fonts(font="No Such Family Anywhere")


# ---------------------------------------------------------- the drawings

def _draw(fig):
    fig.canvas.draw()
    return fig.canvas.get_renderer()


def _overlaps(boxes) -> list[tuple[int, int]]:
    return [(i, j) for i in range(len(boxes)) for j in range(i + 1, len(boxes))
            if boxes[i].width and boxes[j].width and boxes[i].overlaps(boxes[j])]


def test_unit_load_bars_and_labels():
    fig = figures.unit_load_figure(load_frame(), "测试市")
    ax = fig.axes[0]
    assert len(ax.patches) == 6  # lead and support bar per unit
    assert [t.get_text() for t in ax.get_yticklabels()] == ["市科技局", "市人社局", "市财政局"]  # by weighted load
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["牵头", "配合"]


@pytest.mark.parametrize("n_places", [1, 2, 3, 4])
def test_function_load_has_the_busiest_function_on_top(n_places):
    places = [f"{'甲乙丙丁'[k]}市" for k in range(n_places)]
    load = pd.DataFrame({"place": places * 2, "function": ["科技"] * n_places + ["财政"] * n_places,
                         "lead": [3] * n_places + [0] * n_places, "support": [1] * n_places * 2})
    fig = figures.function_load_figure(load, places=places + ["无单位市"])
    assert len(fig.axes) == n_places + 1
    ax = fig.axes[0]
    assert ax.yaxis_inverted() and ax.get_yticklabels()[0].get_text() == "科技"  # y = 0, drawn on top
    assert "方案未标注责任单位" in [t.get_text() for t in fig.axes[-1].texts]


def test_matrix_figure_rows_and_dots():
    m = tables.responsibility_matrix(small_plan())
    fig = figures.matrix_figure(m)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["", "", "1. 引进高层次人才", "2. 培养青年人才", "3. 建设创新平台"]  # two group rows first
    dots = sum(len(c.get_offsets()) for c in ax.collections)
    assert dots == 4  # one per assignment


def test_labels_do_not_overlap_at_the_default_size(seeds):
    corpus, a = seeds
    plan = corpus.plans[0]  # the largest seed: 51 tasks, 25 units
    m = tables.responsibility_matrix(plan, corpus.units)
    for fig in (figures.matrix_figure(m), figures.bipartite_figure(m),
                figures.unit_load_figure(a.load, plan.info.place),
                figures.network_figure(a.pairs, a.load, plan.info.place, a.members)):
        renderer = _draw(fig)
        ax = fig.axes[0]
        for labels in (ax.get_yticklabels(), ax.get_xticklabels()):
            boxes = [t.get_window_extent(renderer) for t in labels if t.get_text()]
            assert not _overlaps(boxes)
        # labels written in the plot: group headings, bar totals, the nodes of the graphs
        assert not _overlaps([t.get_window_extent(renderer) for t in ax.texts if t.get_text()])
        sizes = [t.get_fontsize() for t in fig.findobj(lambda o: hasattr(o, "get_fontsize") and
                                                       hasattr(o, "get_text") and o.get_text())]
        assert min(sizes) >= 7


def test_barycentric_order_has_fewer_crossings(seeds):
    corpus, _ = seeds
    m = tables.responsibility_matrix(corpus.plans[0], corpus.units)
    edges = [(i, j) for i, row in enumerate(m.tasks) for j, mark in enumerate(row.marks) if mark]
    tasks_y = list(range(len(m.tasks)))
    order = figures.barycentric_order([(i, j, 1.0) for i, j in edges], len(m.tasks), len(m.units))
    rank = {j: r for r, j in enumerate(order)}
    bary = figures.edge_crossings(edges, tasks_y, [rank[j] for j in range(len(m.units))])
    by_name = {j: r for r, j in enumerate(sorted(range(len(m.units)), key=lambda j: m.units[j]))}
    alphabetical = figures.edge_crossings(edges, tasks_y, [by_name[j] for j in range(len(m.units))])
    as_listed = figures.edge_crossings(edges, tasks_y, list(range(len(m.units))))
    assert bary < alphabetical and bary < as_listed


def test_empty_inputs_draw_a_note():
    empty = load_frame().iloc[0:0]
    for fig in (figures.unit_load_figure(empty, "测试市"), figures.function_load_figure(empty.assign(function=[])),
                figures.similarity_figure(pd.DataFrame(columns=["place_a", "place_b", "jaccard"]))):
        assert "无数据" in [t.get_text() for ax in fig.axes for t in ax.texts]
        assert figures.figure_bytes(fig, "png").startswith(PNG)


def test_render_figures_in_workers_gives_the_same_files(tmp_path):
    m = tables.responsibility_matrix(small_plan())
    jobs = [figures.FigureJob("m", "matrix_figure", (m,)), figures.FigureJob("b", "bipartite_figure", (m,)),
            figures.FigureJob("l", "unit_load_figure", (load_frame(), "测试市"))]
    done = []
    serial = figures.render_figures(jobs, tmp_path / "one", workers=1, done=done.append)
    parallel = figures.render_figures(jobs, tmp_path / "two", workers=2)
    assert sorted(done) == ["b", "l", "m"] and list(serial) == ["m", "b", "l"]
    for name in serial:
        assert [p.read_bytes() for p in serial[name]] == [p.read_bytes() for p in parallel[name]]


@pytest.mark.parametrize("workers", [1, 2])
def test_work_done_meanwhile_runs_once_and_its_failure_stops_the_figures(tmp_path, workers):
    """A report writes its tables while the workers draw (``meanwhile``):
    the work is done exactly once, and if it fails the failure is the
    report's and no figure is written after it."""
    m = tables.responsibility_matrix(small_plan())
    jobs = [figures.FigureJob("m", "matrix_figure", (m,)), figures.FigureJob("b", "bipartite_figure", (m,))]
    calls = []
    drawn = figures.render_figures(jobs, tmp_path / "ok", workers=workers, meanwhile=lambda: calls.append(1))
    assert calls == [1] and sorted(drawn) == ["b", "m"]

    def fails():
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        figures.render_figures(jobs, tmp_path / "failed", workers=workers, meanwhile=fails)
    assert not (tmp_path / "failed").exists() or not any((tmp_path / "failed").iterdir())


def test_the_png_is_the_pdf_rasterised_at_300_dpi():
    """The PNG (PDFium rasterising the PDF) shows what matplotlib's own
    300 dpi canvas draws: same size to a pixel, nearly the same pixels."""
    import numpy as np
    from PIL import Image

    fig = figures.matrix_figure(tables.responsibility_matrix(small_plan()))
    encoded = figures._encoded(fig)
    agg = io.BytesIO()
    with figures._style():
        fig.savefig(agg, format="png")  # the layout is that of the PDF, kept by _encoded
    with Image.open(io.BytesIO(encoded["png"])) as ours, Image.open(agg) as theirs:
        assert [round(x) for x in ours.info["dpi"]] == [300, 300]
        w, h = theirs.size
        assert abs(ours.size[0] - w) <= 1 and abs(ours.size[1] - h) <= 1
        a = np.asarray(ours.convert("L").crop((0, 0, w - 1, h - 1)), dtype=float)
        b = np.asarray(theirs.convert("L").crop((0, 0, w - 1, h - 1)), dtype=float)
    ink_a, ink_b = (a < 128).mean(), (b < 128).mean()
    assert ink_b > 0.005 and abs(ink_a - ink_b) < 0.1 * ink_b  # the same marks and glyphs, not a blank page
    assert np.abs(a - b).mean() < 4  # of 255: antialiasing differs, nothing else


def test_every_kind_of_figure_has_its_place_in_the_drawing_order():
    """The workers take the costliest figures first; a kind left out of the
    order would be drawn last, alone, whatever it costs."""
    kinds = {name for name in dir(figures) if name.endswith("_figure") and not name.startswith("_")
             and name not in ("save_figure",) and callable(getattr(figures, name))}
    assert kinds == set(figures._COSTLIEST_FIRST)
    jobs = [figures.FigureJob(f"j{k}", plot, ()) for k, plot in enumerate(
        ["unit_load_figure", "matrix_figure", "function_load_figure", "bipartite_figure", "matrix_figure"])]
    order = [job.name for job in figures._longest_first(jobs)]
    assert order == ["j1", "j4", "j3", "j0", "j2"]
