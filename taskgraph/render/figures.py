"""Figures: unit load, the responsibility matrix, the task–unit graph of a
plan, the co-responsibility network and the overlap between places.

Each ``*_figure`` function takes plain data (a DataFrame of
:mod:`taskgraph.analyse`, or a :class:`~taskgraph.render.tables.Matrix`) and
returns a matplotlib :class:`~matplotlib.figure.Figure` sized to its content;
:func:`save_figure` writes it as PNG (300 dpi), SVG and PDF. Figures are built
on matplotlib's object API with the Agg canvas, never through pyplot, so
drawing changes no global backend and leaves no figure open.

Fonts and colours come from :mod:`taskgraph.render.style`. Call
:func:`use_fonts` once with the text the figures will show (or let the first
figure do it with defaults): it registers the Chinese font and cuts a small
copy of it for fast, small PDFs.

    >>> from taskgraph.render import figures                     # doctest: +SKIP
    >>> figures.use_fonts(figures.corpus_text(corpus))             # doctest: +SKIP
    >>> fig = figures.matrix_figure(matrix)                        # doctest: +SKIP
    >>> figures.save_figure(fig, "outputs/figures", "matrix-000")  # doctest: +SKIP
"""
from __future__ import annotations

import io
import math
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..export import atomic_write
from . import style
from .tables import LEAD_MARK, SUPPORT_MARK, GroupRow, Matrix, MatrixRow, display_width

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..corpus import Corpus

__all__ = [
    "FORMATS", "LABELS", "FIGURE_ROWS", "FIGURE_UNITS", "FIGURE_PLACES", "figure_note", "use_fonts", "corpus_text",
    "save_figure", "figure_bytes", "FigureJob", "render_figures",
    "unit_load_figure", "function_load_figure", "matrix_figure", "bipartite_figure", "barycentric_order",
    "edge_crossings", "network_figure", "function_place_figure", "similarity_figure", "SIMILARITY_MEASURES",
]

FORMATS = ("png", "svg", "pdf")

#: Every fixed label the figures draw (their characters go into the font cut).
LABELS = {
    "lead": "牵头", "support": "配合", "tasks": "任务数", "load_title": "{place}：各单位承担任务",
    "function_title": "各职能部门承担任务（按地区）", "matrix_title": "{title}：责任矩阵",
    "bipartite_title": "{title}：任务—单位关系", "network_title": "{place}：共同承担任务的单位网络",
    "network_note": "圆点大小：承担任务数；连线粗细：共同承担的任务数；颜色：聚类",
    "network_significant": "只画共同任务超出随机水平的单位对（二部配置模型，BH 校正 q ≤ 0.05）",
    "function_place_title": "各地区按职能的加权负荷", "similarity_title": "地区间相似度",
    "unassigned": "未明确责任单位", "no_data": "无数据", "total": "合计", "more": "另有 {n} 个单位",
    "cluster": "聚类 {n}", "other": "其他", "place": "地区", "function": "职能", "weighted": "加权负荷",
    "no_similarity": "—：无法比较（该地区方案未标注责任单位）", "no_units": "方案未标注责任单位",
    "cut": "图中只显示{parts}，其余见表格。", "cut_tasks": "前 {n} 项任务（共 {total} 项）",
    "cut_units": "任务最多的 {n} 个单位（共 {total} 个）", "cut_places": "{n} 个地区（共 {total} 个）",
    "cut_functions": "负荷最重的 {n} 个职能（共 {total} 个）",
}

#: The most a figure shows, so that it stays legible and of bounded size
#: (a plan of 20,000 tasks drew a 1440 × 306,669 px matrix): beyond, a
#: figure shows the first rows (document order), or the units, places and
#: functions carrying most, and says how many there are in all
#: (:func:`figure_note`, drawn in the figure and shown beside it in the report).
FIGURE_ROWS = 120  # rows of a matrix (tasks and section headings) or tasks of a task–unit graph
FIGURE_UNITS = 60  # units of a matrix, a task–unit graph or a network
FIGURE_LOAD_UNITS = 40  # bars of a unit-load figure
FIGURE_FUNCTIONS = 30  # functions of a function-load figure (40 in the function × place heat map)
FIGURE_PLACES = 24  # places side by side (function load, function × place, similarity)

_families: list[str] | None = None


def use_fonts(text: str = "", font: str | os.PathLike | None = None) -> list[str]:
    """Choose the figure font (``font``, ``$TASKGRAPH_FONT`` or the bundled
    Noto Sans CJK SC) and cut it to the characters of ``text`` plus every
    fixed label. Returns the font families, first to last resort."""
    global _families
    chars = set(text) | set("".join(LABELS.values())) | set("".join(SIMILARITY_MEASURES.values()))
    _families = style.figure_fonts("".join(sorted(chars)), font)
    return _families


def corpus_text(corpus: "Corpus") -> str:
    """The text figures of a corpus may draw: titles, places, headings, task
    titles, unit names and functions (not the tasks' full text)."""
    parts: list[str] = []
    for plan in corpus.plans:
        parts += [plan.info.title, plan.info.place, plan.info.doc]
        for t in plan.tasks:
            parts += [t.title, t.task_id, t.deadline, *t.section]
        parts += [a.unit for a in plan.assignments]
    for u in corpus.units.values():
        parts += [u.name, u.function, u.place, u.unit_id]
    return "".join(sorted(set("".join(parts))))


@contextmanager
def _style():
    if _families is None:
        use_fonts()
    with matplotlib.rc_context(style.rc_params(_families)):
        yield


def _new_figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


_METADATA = {
    "png": {"Software": "taskgraph"},  # no timestamp: same figure, same bytes
    "svg": {"Date": None, "Creator": "taskgraph"},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": "taskgraph", "Producer": "taskgraph"},
}


def figure_bytes(fig: Figure, fmt: str) -> bytes:
    """The figure encoded as ``png`` (300 dpi), ``svg`` or ``pdf``.

    The PNG is the PDF rasterised (:func:`_png_from_pdf`): matplotlib's own
    300 dpi raster took three times as long as the vector drawing it
    shows. Without PDFium it is drawn by matplotlib, as before."""
    if fmt == "png":
        return _png(fig, _saved(fig, "pdf"))
    return _saved(fig, fmt)


def _saved(fig: Figure, fmt: str) -> bytes:
    """The figure as matplotlib's backend for ``fmt`` writes it."""
    buf = io.BytesIO()
    with _style():
        extra = {"pil_kwargs": {"compress_level": PNG_COMPRESSION}} if fmt == "png" else {}
        fig.savefig(buf, format=fmt, metadata=_METADATA.get(fmt), **extra)
    return buf.getvalue()


def _png(fig: Figure, pdf: bytes) -> bytes:
    """The PNG of ``fig``: its PDF ``pdf`` rasterised, or drawn by matplotlib without PDFium."""
    png = _png_from_pdf(pdf)
    return png if png is not None else _saved(fig, "png")


PNG_DPI = 300
PNG_COMPRESSION = 3  # zlib level: files within 2% of the default level 6, a quarter faster


def _png_from_pdf(pdf: bytes) -> bytes | None:
    """The one page of ``pdf`` as a 300 dpi PNG, rasterised by PDFium
    (``pypdfium2``, which pdfplumber already brings): the same drawing as
    the PDF and SVG, glyph for glyph, in a fifth of the time matplotlib's
    Agg canvas takes at that size. Opaque (RGB: every figure has a white
    ground), with the PNG's resolution set and no timestamp, so a figure
    gives the same bytes each time. ``None`` without ``pypdfium2``."""
    try:
        import pypdfium2 as pdfium
        from PIL.PngImagePlugin import PngInfo  # Pillow: matplotlib's own dependency
    except ImportError:  # pragma: no cover - pdfplumber requires it
        return None
    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[0].render(scale=PNG_DPI / 72, may_draw_forms=False).to_pil()
    finally:
        doc.close()
    info = PngInfo()
    for key, value in _METADATA["png"].items():
        info.add_text(key, value)
    buf = io.BytesIO()
    image.save(buf, format="png", pnginfo=info, dpi=(PNG_DPI, PNG_DPI), compress_level=PNG_COMPRESSION)
    return buf.getvalue()


def _freeze_layout(fig: Figure) -> None:
    """Keep the layout of the first save for the other formats: without a
    layout engine, ``savefig`` draws once instead of twice (a layout pass,
    then the drawing). Positions are figure fractions, so they hold at any
    dpi."""
    with _style():  # the rc settings that say "no automatic layout"
        fig.set_layout_engine(None)


def _encoded(fig: Figure, formats: Sequence[str] = FORMATS) -> dict[str, bytes]:
    """The figure in each format (in the order of ``formats``), laid out
    once and drawn twice: the PDF, then the SVG; the PNG is the PDF
    rasterised (:func:`figure_bytes`)."""
    out: dict[str, bytes] = {}
    if "png" in formats or "pdf" in formats:
        out["pdf"] = _saved(fig, "pdf")
        _freeze_layout(fig)
    for fmt in formats:
        if fmt not in out:
            out[fmt] = _png(fig, out["pdf"]) if fmt == "png" else _saved(fig, fmt)
            _freeze_layout(fig)
    return {fmt: out[fmt] for fmt in formats}


def _write(out_dir: str | Path, name: str, encoded: dict[str, bytes]) -> list[Path]:
    out = Path(out_dir)
    return [atomic_write(out / f"{name}.{fmt}", data) for fmt, data in encoded.items()]


def save_figure(fig: Figure, out_dir: str | Path, name: str, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Write ``<name>.png``/``.svg``/``.pdf`` into ``out_dir`` (atomically)."""
    return _write(out_dir, name, _encoded(fig, formats))


# ------------------------------------------------------ many figures at once

@dataclass(frozen=True)
class FigureJob:
    """One figure to draw and save: ``plot`` names a ``*_figure`` function
    of this module, called with ``args`` and ``kwargs``."""

    name: str
    plot: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)


#: The kinds of figure from the costliest to draw to the cheapest (on the
#: seeds: a 责任矩阵 heat map or a plan's network is a 9–11-megapixel PNG
#: with a label per row, 2–3 s of CPU; a bar chart under 1 s).
_COSTLIEST_FIRST = ("matrix_figure", "bipartite_figure", "network_figure", "function_place_figure",
                    "similarity_figure", "unit_load_figure", "function_load_figure")


def _longest_first(jobs: Sequence[FigureJob]) -> list[FigureJob]:
    """``jobs`` in the order the workers should take them: the costliest
    kinds first, so that the cheap ones fill in at the end rather than one
    long figure running alone after the rest (longest-processing-time
    first); the files written do not depend on the order."""
    rank = {plot: k for k, plot in enumerate(_COSTLIEST_FIRST)}
    return sorted(jobs, key=lambda job: rank.get(job.plot, len(rank)))


def render_figures(jobs: Sequence[FigureJob], out_dir: str | Path, *, workers: int | None = None,
                   done: Callable[[str], None] | None = None,
                   meanwhile: Callable[[], object] | None = None) -> dict[str, list[Path]]:
    """Draw and save many figures, in parallel where that is safe.

    Figures are drawn in forked worker processes when the platform forks
    cleanly (Linux and other POSIX systems but macOS) and this process runs a
    single thread; otherwise, or with ``workers=1``, one after the other
    here. The files are the same either way. Workers hand the encoded
    figures back and this process writes them, so nothing is written once
    it is gone; and workers end when it does
    (:func:`taskgraph.workers.die_with_parent`). Warnings raised while
    drawing in a worker (a missing glyph, say) are raised again here.

    :param workers: processes to use; default one per CPU, at most 8.
    :param done: called with each figure's name once it is written.
    :param meanwhile: other work (the tables of a report), done in this
        process while the workers draw: the figures take most of a
        report's time, and this process would otherwise only wait. Without
        workers it is done first. An exception in it stops the workers.
    :returns: figure name → files written, in the order of ``jobs``.
    """
    if _families is None:
        use_fonts()
    results: dict[str, list[Path]] = {}
    n = _worker_count(workers, len(jobs))
    if n <= 1:
        if meanwhile is not None:
            meanwhile()
        for job in jobs:
            results[job.name] = _render(job, out_dir)
            if done:
                done(job.name)
    else:
        import multiprocessing
        import warnings
        from concurrent.futures import ProcessPoolExecutor, as_completed

        from ..workers import die_with_parent

        with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork"), initializer=die_with_parent,
                                 initargs=(os.getpid(),)) as pool:
            futures = {pool.submit(_draw_caught, job): job for job in _longest_first(jobs)}
            if meanwhile is not None:
                try:
                    meanwhile()
                except BaseException:
                    for future in futures:
                        future.cancel()
                    raise
            for future in as_completed(futures):
                encoded, caught = future.result()
                for message, category in caught:
                    warnings.warn(message, category, stacklevel=2)
                job = futures[future]
                results[job.name] = _write(out_dir, job.name, encoded)
                if done:
                    done(job.name)
    return {job.name: results[job.name] for job in jobs}


def _worker_count(workers: int | None, n_jobs: int) -> int:
    import sys
    import threading

    if workers is None:
        workers = min(os.cpu_count() or 1, 8)
    forks_cleanly = hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1
    return max(1, min(workers, n_jobs)) if forks_cleanly else 1


def _draw(job: FigureJob) -> dict[str, bytes]:
    return _encoded(globals()[job.plot](*job.args, **job.kwargs))


def _render(job: FigureJob, out_dir: str | Path) -> list[Path]:
    return _write(out_dir, job.name, _draw(job))


def _draw_caught(job: FigureJob) -> tuple[dict[str, bytes], list[tuple[str, type]]]:
    """In a worker: the figure, encoded, and the warnings drawing it raised."""
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        encoded = _draw(job)
    return encoded, [(str(w.message), w.category) for w in caught]


def _short(text: str, width: int) -> str:
    """``text`` cut to ``width`` Latin cells (CJK = 2), ending in …."""
    text = " ".join(text.split())
    if display_width(text) <= width:
        return text
    out, w = [], 0
    for c in text:
        w += display_width(c)
        if w > width - 2:
            break
        out.append(c)
    return "".join(out) + "…"


def _wrap(text: str, width: int, lines: int = 2) -> str:
    """``text`` broken into at most ``lines`` lines of ``width`` Latin cells
    (CJK = 2), the last one cut with … if it still does not fit."""
    text = " ".join(text.split())
    out: list[str] = []
    while text and len(out) < lines - 1 and display_width(text) > width:
        cut, w = 0, 0
        for k, c in enumerate(text):
            w += display_width(c)
            if w > width:
                break
            cut = k + 1
        for k in range(cut, cut * 2 // 3, -1):  # rather break before a bracket or after a comma
            if text[k - 1] in "，,、；;：:" or text[k] in "(（《":
                cut = k
                break
        out.append(text[:cut])
        text = text[cut:]
    out.append(_short(text, width))
    return "\n".join(out)


def _title(fig: Figure, text: str) -> None:
    """The figure's title, top left. (A figure title, not an Axes one: with
    tick labels on top, matplotlib would measure them all again to place an
    Axes title on every draw.)"""
    fig.suptitle(text, x=0.01, ha="left", fontsize=11)


def _empty(ax, message: str | None = None) -> None:
    ax.text(0.5, 0.5, message or LABELS["no_data"], ha="center", va="center", transform=ax.transAxes,
            color=style.OKABE_ITO["grey"])
    ax.set_axis_off()


# ------------------------------------------------------ what a figure shows

def _cut_note(*parts: tuple[str, int, int]) -> str | None:
    """``LABELS["cut"]`` for the parts (label key, shown, total) that are
    cut; None when the figure shows everything."""
    said = [LABELS[key].format(n=f"{shown:,}", total=f"{total:,}") for key, shown, total in parts if shown < total]
    return LABELS["cut"].format(parts="、".join(said)) if said else None


def figure_note(job: "FigureJob") -> str | None:
    """What the figure of ``job`` leaves out, in words (the note it draws),
    or None when it shows everything; for the report's caption."""
    shown = _SHOWN.get(job.plot)
    return shown(*job.args, **job.kwargs)[1] if shown else None


# ------------------------------------------------------------------ load

def _stacked_bars(ax, labels: list[str], lead: list[int], support: list[int], invert: bool = True) -> None:
    y = list(range(len(labels)))
    ax.barh(y, lead, color=style.LEAD_COLOUR, label=LABELS["lead"], height=0.7)
    ax.barh(y, support, left=lead, color=style.SUPPORT_COLOUR, label=LABELS["support"], height=0.7)
    ax.set_yticks(y, labels)
    if invert:  # first bar on top (Axes sharing y must be inverted once only)
        ax.invert_yaxis()
    ax.tick_params(axis="y", length=0)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def _unit_load_shown(load: "pd.DataFrame", place: str, top: int | None = FIGURE_LOAD_UNITS):
    rows = load[load["place"] == place].sort_values(["weighted", "total", "unit"], ascending=[False, False, True],
                                                    kind="stable")
    shown = rows.head(min(top or FIGURE_LOAD_UNITS, FIGURE_LOAD_UNITS))
    return (rows, shown), _cut_note(("cut_units", len(shown), len(rows)))


def unit_load_figure(load: "pd.DataFrame", place: str, top: int | None = FIGURE_LOAD_UNITS) -> Figure:
    """Stacked bars of tasks led and supported, one bar per unit of a place.

    :param load: :func:`taskgraph.analyse.unit_load` (columns ``place``,
        ``unit``, ``lead``, ``support``, ``weighted``).
    :param top: show at most this many units (never more than
        :data:`FIGURE_LOAD_UNITS`; the rest are counted in a note).
    """
    (rows, shown), _ = _unit_load_shown(load, place, top)
    n = len(shown)
    with _style():
        fig = _new_figure(7.5, 1.3 + 0.24 * max(n, 3))
        ax = fig.subplots()
        if n == 0:
            _empty(ax)
        else:
            _stacked_bars(ax, [_short(u, 30) for u in shown["unit"]], list(shown["lead"]), list(shown["support"]))
            for i, total in enumerate(shown["lead"] + shown["support"]):
                ax.text(total, i, f" {total}", va="center", fontsize=7, color="#444444")
            ax.set_xlabel(LABELS["tasks"])
            ax.legend(loc="lower right")
            if len(rows) > n:
                ax.text(1, -0.5 / n, LABELS["more"].format(n=len(rows) - n), transform=ax.transAxes,
                        ha="right", va="top", fontsize=7, color="#666666")
        ax.set_title(LABELS["load_title"].format(place=place))
    return fig


def _function_load_shown(load: "pd.DataFrame", places: Sequence[str] | None = None,
                         top: int | None = FIGURE_FUNCTIONS):
    places = list(places) if places is not None else sorted(load["place"].unique())
    totals = load.groupby("function")[["lead", "support"]].sum().sum(axis=1) if len(load) else {}
    every = sorted(totals.keys(), key=lambda f: (-totals[f], f))
    functions = every[:min(top or FIGURE_FUNCTIONS, FIGURE_FUNCTIONS)]
    shown_places = places
    if len(places) > FIGURE_PLACES:
        per_place = (load["lead"] + load["support"]).groupby(load["place"]).sum().to_dict() if len(load) else {}
        keep = set(sorted(places, key=lambda p: (-per_place.get(p, 0), p))[:FIGURE_PLACES])
        shown_places = [p for p in places if p in keep]
    note = _cut_note(("cut_places", len(shown_places), len(places)), ("cut_functions", len(functions), len(every)))
    return (shown_places, functions), note


def function_load_figure(load: "pd.DataFrame", places: Sequence[str] | None = None,
                         top: int | None = FIGURE_FUNCTIONS) -> Figure:
    """Tasks led and supported per function, one panel per place, functions
    on a shared axis so that places read side by side.

    :param load: :func:`taskgraph.analyse.unit_load` with ``by="function"``
        (columns ``place``, ``function``, ``lead``, ``support``).
    :param places: the panels, in order; default the places in ``load``
        (at most :data:`FIGURE_PLACES`, those with most tasks).
    :param top: show the ``top`` functions with most tasks over all places
        (at most :data:`FIGURE_FUNCTIONS`).
    """
    (places, functions), note = _function_load_shown(load, places, top)
    n = len(functions)
    with _style():
        fig = _new_figure(2.2 + 2.1 * max(len(places), 1), 1.5 + 0.24 * max(n, 3))
        if not places or not n:
            _empty(fig.subplots())
            return fig
        axes = fig.subplots(1, len(places), sharey=True, squeeze=False)[0]
        xmax = max(1, int((load["lead"] + load["support"]).max()))
        for ax, place in zip(axes, places):
            sub = load[load["place"] == place].set_index("function")
            lead = [int(sub["lead"].get(f, 0)) for f in functions]
            support = [int(sub["support"].get(f, 0)) for f in functions]
            _stacked_bars(ax, [_short(f, 20) for f in functions], lead, support, invert=False)
            ax.set_xlim(0, xmax * 1.08)
            ax.set_title(_short(place, 18), fontsize=9, loc="center")
            ax.set_xlabel(LABELS["tasks"])
            if not len(sub):
                ax.text(0.5, 0.5, LABELS["no_units"], transform=ax.transAxes, ha="center", va="center",
                        fontsize=8, color="#666666")
        axes[0].invert_yaxis()
        for ax in axes[1:]:
            ax.tick_params(axis="y", labelleft=False)
        legend = fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=2,
                            title=note, title_fontsize=7)
        legend.get_title().set_color("#555555")
        _title(fig, LABELS["function_title"])
    return fig


# ------------------------------------------------------ matrix and graph

def _matrix_rows(matrix: Matrix) -> list[GroupRow | MatrixRow]:
    return [r for r in matrix.rows if isinstance(r, (GroupRow, MatrixRow))]


def _matrix_shown(matrix: Matrix) -> tuple[Matrix, str | None]:
    """The part of a matrix its figures show: the first :data:`FIGURE_ROWS`
    rows, the :data:`FIGURE_UNITS` units with most tasks."""
    shown = matrix.limited(FIGURE_ROWS, FIGURE_UNITS)
    if shown is matrix:
        return matrix, None
    return shown, _cut_note(("cut_tasks", len(shown.tasks), len(matrix.tasks)),
                            ("cut_units", len(shown.units), len(matrix.units)))


def matrix_figure(matrix: Matrix) -> Figure:
    """The responsibility matrix as a dot matrix: a row per task (grouped
    under the plan's section headings), a column per unit, ● lead (filled),
    ○ support (hollow); the column totals under each unit. A larger plan
    shows its first :data:`FIGURE_ROWS` rows and the :data:`FIGURE_UNITS`
    units with most tasks, and says so."""
    full = matrix
    matrix, note = _matrix_shown(matrix)
    rows = _matrix_rows(matrix)
    units = list(matrix.units)
    n_rows, n_cols = len(rows), len(units)
    label_chars = max([display_width(u) for u in units] + [4]) // 2
    with _style():
        width = 3.6 + 0.2 * max(n_cols, 6)
        height = 1.2 + 0.17 * max(n_rows, 4) + 0.13 * min(label_chars, 14)
        fig = _new_figure(width, height)
        ax = fig.subplots()
        if not rows:
            _empty(ax)
            return fig
        y_labels: list[str] = []
        dots: dict[str, list[tuple[int, int]]] = {LEAD_MARK: [], SUPPORT_MARK: []}
        for i, row in enumerate(rows):
            if isinstance(row, GroupRow):
                ax.axhspan(i - 0.5, i + 0.5, color="#e8e8e8" if row.level == 0 else "#f3f3f3", lw=0, zorder=0)
                ax.text(-0.4, i, _short(row.heading, max(24, 4 * n_cols)), va="center", ha="left", fontsize=7,
                        color="#333333", zorder=3)
                y_labels.append("")
                continue
            y_labels.append(f"{row.number}. {_short(row.title, 26)}" if row.title else str(row.number))
            for j, mark in row.cells:
                dots[mark].append((j, i))
            if not row.cells and not full.rows[i].cells:
                ax.text(-0.4, i, LABELS["unassigned"], va="center", ha="left", fontsize=7,
                        color=style.OKABE_ITO["vermillion"])
        for mark, xy in dots.items():
            if not xy:
                continue
            xs, ys = zip(*xy)
            if mark == LEAD_MARK:
                ax.scatter(xs, ys, s=30, marker="o", color=style.LEAD_COLOUR, zorder=2)
            else:
                ax.scatter(xs, ys, s=26, marker="o", facecolors="white", edgecolors=style.SUPPORT_COLOUR,
                           linewidths=1.2, zorder=2)
        ax.set_xlim(-0.5, max(n_cols, 1) - 0.5)
        ax.set_ylim(n_rows - 0.5, -0.5)
        ax.set_yticks(range(n_rows), y_labels, fontsize=7)
        ax.set_xticks(range(n_cols), [_vertical(_short(u, 28)) for u in units], fontsize=7, linespacing=0.95,
                      va="bottom")
        ax.xaxis.set_ticks_position("top")
        ax.tick_params(axis="both", which="both", length=0)
        ax.set_xticks([j + 0.5 for j in range(n_cols - 1)], minor=True)
        ax.grid(axis="x", which="minor", color="#eeeeee", lw=0.6)
        for side in ("top", "right", "bottom", "left"):
            ax.spines[side].set_visible(False)
        lead, support = full.column_totals()  # every task's, also of the rows not shown
        sec = ax.secondary_xaxis("bottom")
        sec.set_xticks(range(n_cols), [str(a + b) for a, b in zip(lead[:n_cols], support[:n_cols])], fontsize=7)
        sec.tick_params(length=0)
        sec.spines["bottom"].set_visible(False)
        ax.annotate(LABELS["total"], xy=(-0.5, 0), xycoords=("data", "axes fraction"), xytext=(-2, -3.5),
                    textcoords="offset points", ha="right", va="top", fontsize=7, color="#444444")
        _title(fig, _wrap(LABELS["matrix_title"].format(title=matrix.title), max(30, int(width * 12))))
        handles = [
            Line2D([], [], marker="o", ls="", color=style.LEAD_COLOUR, label=LABELS["lead"]),
            Line2D([], [], marker="o", ls="", markerfacecolor="white", markeredgecolor=style.SUPPORT_COLOUR,
                   markeredgewidth=1.2, label=LABELS["support"]),
        ]
        legend = fig.legend(handles=handles, loc="outside lower center", ncols=2, title=note, title_fontsize=7)
        legend.get_title().set_color("#555555")
    return fig


def _vertical(text: str) -> str:
    """Chinese column labels read top to bottom, one character a line;
    runs of Latin letters and digits stay on one line."""
    out: list[str] = []
    for c in text:
        if out and c.isascii() and c.isalnum() and out[-1][-1:].isascii() and out[-1][-1:].isalnum():
            out[-1] += c
        else:
            out.append(c)
    return "\n".join(out)


def barycentric_order(edges: Iterable[tuple[int, int, float]], n_left: int, n_right: int) -> list[int]:
    """Order the right-hand nodes of a two-layer graph to reduce crossings.

    Each right node goes to the weighted mean position (barycentre) of its
    left neighbours; nodes without neighbours go last. The left order stays
    as given (a plan's tasks keep document order).

    :param edges: ``(left index, right index, weight)``.
    :returns: right indices, top to bottom.

    >>> barycentric_order([(0, 1, 1), (1, 0, 1), (2, 0, 1)], 3, 2)
    [1, 0]
    """
    sums = [0.0] * n_right
    weights = [0.0] * n_right
    for left, right, w in edges:
        sums[right] += w * left
        weights[right] += w
    return sorted(range(n_right), key=lambda r: (weights[r] == 0, sums[r] / weights[r] if weights[r] else 0, r))


def edge_crossings(edges: Iterable[tuple[int, int]], left_pos: Sequence[float],
                   right_pos: Sequence[float]) -> int:
    """How many pairs of edges cross between two layers (for tests and
    to compare orders). O(E²), fine at the size of one plan.

    >>> edge_crossings([(0, 0), (1, 1)], [0, 1], [1, 0])
    1
    """
    e = [(left_pos[a], right_pos[b]) for a, b in edges]
    return sum(1 for i in range(len(e)) for j in range(i + 1, len(e))
               if (e[i][0] - e[j][0]) * (e[i][1] - e[j][1]) < 0)


def bipartite_figure(matrix: Matrix) -> Figure:
    """The task–unit graph of one plan: tasks on the left in document order,
    units on the right ordered by the barycentre of their tasks (fewer
    crossings); lead edges solid blue, support edges dashed orange. A
    larger plan shows the tasks of its first :data:`FIGURE_ROWS` rows and
    the :data:`FIGURE_UNITS` units with most tasks, and says so."""
    full = {row.task_id: row for row in matrix.tasks}
    matrix, note = _matrix_shown(matrix)
    tasks = matrix.tasks
    units = list(matrix.units)
    edges = [(i, j, mark) for i, row in enumerate(tasks) for j, mark in row.cells]
    order = barycentric_order([(i, j, 2.0 if m == LEAD_MARK else 1.0) for i, j, m in edges], len(tasks),
                              len(units))
    n = max(len(tasks), len(units), 1)
    task_y = _spread(len(tasks), n)
    unit_y = [0.0] * len(units)
    for rank, j in enumerate(order):
        unit_y[j] = _spread(len(units), n)[rank]
    with _style():
        fig = _new_figure(8.5, 1.3 + 0.2 * max(n, 4))
        ax = fig.subplots()
        if not tasks:
            _empty(ax)
            return fig
        support = [_s_curve(task_y[i], unit_y[j]) for i, j, m in edges if m == SUPPORT_MARK]
        lead = [_s_curve(task_y[i], unit_y[j]) for i, j, m in edges if m == LEAD_MARK]
        ax.add_collection(LineCollection(support, colors=style.SUPPORT_COLOUR, linewidths=0.8,
                                         linestyles=(0, (3, 2)), alpha=0.8, zorder=1))
        ax.add_collection(LineCollection(lead, colors=style.LEAD_COLOUR, linewidths=1.3, alpha=0.9, zorder=2,
                                         capstyle="round"))
        unassigned = {i for i, row in enumerate(tasks) if not full[row.task_id].cells}
        ax.scatter([0] * len(tasks), task_y, s=14, zorder=3,
                   color=[style.OKABE_ITO["vermillion"] if i in unassigned else "#333333" for i in range(len(tasks))])
        ax.scatter([1] * len(units), unit_y, s=18, zorder=3, color="#333333", marker="s")
        for i, row in enumerate(tasks):
            label = f"{row.number}. {_short(row.title, 30)}"
            ax.text(-0.02, task_y[i], label, ha="right", va="center", fontsize=7,
                    color=style.OKABE_ITO["vermillion"] if i in unassigned else "#222222")
        for j, name in enumerate(units):
            ax.text(1.02, unit_y[j], _short(name, 30), ha="left", va="center", fontsize=7)
        ax.set_xlim(-0.05, 1.05)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_axis_off()
        ax.set_title(_wrap(LABELS["bipartite_title"].format(title=matrix.title), 90), fontsize=10, loc="center")
        handles = [Line2D([], [], color=style.LEAD_COLOUR, lw=1.3, label=LABELS["lead"]),
                   Line2D([], [], color=style.SUPPORT_COLOUR, lw=0.8, ls=(0, (3, 2)), label=LABELS["support"])]
        if unassigned:
            handles.append(Line2D([], [], marker="o", ls="", color=style.OKABE_ITO["vermillion"], markersize=4,
                                  label=LABELS["unassigned"]))
        legend = fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), title=note,
                            title_fontsize=7)
        legend.get_title().set_color("#555555")
    return fig


def _s_curve(y0: float, y1: float, steps: int = 24) -> list[tuple[float, float]]:
    """A smooth S from (0, y0) to (1, y1): a cubic Bézier with control points
    (0.45, y0) and (0.55, y1), so edges leave and reach their nodes level
    and bundles read apart."""
    out = []
    for k in range(steps + 1):
        t = k / steps
        x = 3 * (1 - t) ** 2 * t * 0.45 + 3 * (1 - t) * t ** 2 * 0.55 + t ** 3
        y = (1 - t) ** 3 * y0 + 3 * (1 - t) ** 2 * t * y0 + 3 * (1 - t) * t ** 2 * y1 + t ** 3 * y1
        out.append((x, y))
    return out


def _spread(k: int, n: int) -> list[float]:
    """``k`` positions spread evenly over ``0 … n-1``."""
    if k <= 1:
        return [(n - 1) / 2] * k
    return [i * (n - 1) / (k - 1) for i in range(k)]


# --------------------------------------------------------------- network

def network_figure(pairs: "pd.DataFrame", load: "pd.DataFrame", place: str,
                   clusters: "pd.DataFrame | None" = None, min_shared: int = 1,
                   significant_only: bool = False) -> Figure:
    """The co-responsibility network of a place: a node per unit (area by
    tasks carried), an edge per pair of units named on the same tasks (width
    by tasks shared), nodes coloured by cluster.

    A place of more units shows the :data:`FIGURE_UNITS` carrying most
    tasks, and says so.

    :param pairs: columns ``place``, ``unit_a``, ``unit_b``, ``shared``.
    :param load: :func:`taskgraph.analyse.unit_load` (``place``, ``unit``, ``total``).
    :param clusters: columns ``place``, ``unit``, ``cluster`` (optional).
    :param significant_only: draw only the pairs sharing more tasks than
        chance (``significant`` of :func:`taskgraph.analyse.unit_pairs`),
        the backbone; every unit is still shown.
    """
    import networkx as nx

    size, note = _network_shown(pairs, load, place)
    sub = pairs[(pairs["place"] == place) & (pairs["shared"] >= min_shared)]
    if significant_only:
        sub = sub[sub["significant"].astype(bool)]
    sub = sub[sub["unit_a"].isin(size.keys()) & sub["unit_b"].isin(size.keys())]
    G = nx.Graph()
    G.add_nodes_from(sorted(size))
    for a, b, w in sub[["unit_a", "unit_b", "shared"]].itertuples(index=False):
        G.add_edge(a, b, weight=int(w))
    cluster_of: dict[str, int] = {}
    if clusters is not None and len(clusters):
        c = clusters[clusters["place"] == place]
        cluster_of = {u: int(k) for u, k in c[["unit", "cluster"]].itertuples(index=False)}
    with _style():
        n = G.number_of_nodes()
        side = min(12.0, 4.5 + 0.12 * n)
        fig = _new_figure(side * 1.25, side)
        ax = fig.subplots()
        if n == 0:
            _empty(ax)
            return fig
        pos = _layout(G)
        max_w = max([d["weight"] for _, _, d in G.edges(data=True)] + [1])
        for a, b, d in G.edges(data=True):
            ax.plot([pos[a][0], pos[b][0]], [pos[a][1], pos[b][1]], color="#999999",
                    lw=0.4 + 3.0 * d["weight"] / max_w, alpha=0.55, zorder=1, solid_capstyle="round")
        nodes = list(G)
        max_s = max([size.get(u, 1) for u in nodes] + [1])
        colours = [_cluster_colour(cluster_of.get(u)) for u in nodes]
        ax.scatter([pos[u][0] for u in nodes], [pos[u][1] for u in nodes],
                   s=[40 + 900 * size.get(u, 1) / max_s for u in nodes], c=colours, edgecolors="white",
                   linewidths=0.8, zorder=2)
        for u in nodes:
            r = math.sqrt(40 + 900 * size.get(u, 1) / max_s) / 2  # marker radius in points
            ax.annotate(_short(u, 24), pos[u], xytext=(0, -r - 1), textcoords="offset points", ha="center",
                        va="top", fontsize=7, zorder=3,
                        bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.7))
        ax.set_axis_off()
        ax.margins(0.08)
        ax.set_title(LABELS["network_title"].format(place=place))
        ids = sorted({k for k in cluster_of.values() if k is not None})
        handles = [Patch(color=_cluster_colour(k), label=LABELS["cluster"].format(n=k)) for k in ids[:7]]
        if len(ids) > 7:
            handles.append(Patch(color=style.OKABE_ITO["grey"], label=LABELS["other"]))
        title = LABELS["network_note"] + (f"\n{LABELS['network_significant']}" if significant_only else "") \
            + (f"\n{note}" if note else "")
        legend = fig.legend(handles=handles, loc="outside lower center", ncols=max(1, min(len(handles), 8)),
                            title=title, title_fontsize=7)
        legend.get_title().set_color("#555555")
    return fig


def _network_shown(pairs: "pd.DataFrame", load: "pd.DataFrame", place: str, *_, **__
                   ) -> tuple[dict[str, int], str | None]:
    """The units a network figure shows (unit → tasks), at most
    :data:`FIGURE_UNITS`: those with most tasks."""
    rows = load.loc[load["place"] == place, ["unit", "total"]]
    size = {u: int(t) for u, t in rows.itertuples(index=False)}
    if len(size) <= FIGURE_UNITS:
        return size, None
    kept = sorted(size, key=lambda u: (-size[u], u))[:FIGURE_UNITS]
    return {u: size[u] for u in sorted(kept)}, _cut_note(("cut_units", FIGURE_UNITS, len(size)))


def _layout(G) -> dict:
    """Node positions: Kamada–Kawai per connected component (even spacing,
    readable labels), components packed left to right; deterministic."""
    import networkx as nx

    pos: dict = {}
    x0 = 0.0
    for comp in sorted(nx.connected_components(G), key=lambda c: (-len(c), sorted(c))):
        H = G.subgraph(sorted(comp))
        if len(H) == 1:
            p = {next(iter(H)): (0.0, 0.0)}
        else:
            p = nx.kamada_kawai_layout(H, weight=None)
        xs = [v[0] for v in p.values()]
        scale = math.sqrt(len(H)) if len(H) > 1 else 0.5
        width = (max(xs) - min(xs)) or 1.0
        for node, (x, y) in p.items():
            pos[node] = (x0 + (x - min(xs)) / width * scale, y * scale / 2)
        x0 += scale + 0.6
    return pos


def _cluster_colour(k: int | None) -> str:
    palette = style.CATEGORY_COLOURS[:7]
    if k is None or k < 0:
        return style.OKABE_ITO["grey"]
    return palette[(k - 1) % len(palette)] if k >= 1 and k <= len(palette) else style.OKABE_ITO["grey"]


# --------------------------------------------------------------- overlap

def _heatmap(ax, values: list[list[float]], rows: list[str], cols: list[str], fmt: str, vmin=None, vmax=None,
             aspect: str = "auto"):
    """An annotated heat map; zeros left blank, missing values shown as —."""
    import numpy as np

    data = np.array(values, dtype=float)
    blank = data == -1  # cells with nothing to say (a place against itself)
    data[blank] = np.nan
    cmap = matplotlib.colormaps[style.SEQUENTIAL_CMAP].with_extremes(bad="#f3f3f3")
    shown = np.ma.masked_invalid(data)
    im = ax.imshow(shown, cmap=cmap, aspect=aspect, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_xticks(range(len(cols)), cols)
    ax.set_yticks(range(len(rows)), rows)
    ax.tick_params(length=0)
    ax.xaxis.set_ticks_position("top")
    for side in ax.spines.values():
        side.set_visible(False)
    lo = np.nanmin(data) if np.isfinite(data).any() else 0.0
    hi = np.nanmax(data) if np.isfinite(data).any() else 1.0
    mid = ((vmin if vmin is not None else lo) + (vmax if vmax is not None else hi)) / 2
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            v = data[i, j]
            if blank[i, j]:
                continue
            if np.isnan(v):
                ax.text(j, i, "—", ha="center", va="center", fontsize=7, color="#888888")
            elif v != 0 or fmt != "g":
                ax.text(j, i, format(v, fmt), ha="center", va="center", fontsize=7,
                        color="white" if v > mid else "black")
    return im


def _function_place_shown(matrix: "pd.DataFrame", top: int | None = 40):
    m = matrix
    if "function" in m.columns:
        place_cols = list(m.columns[list(m.columns).index("places") + 1:]) if "places" in m.columns else \
            [c for c in m.columns if c != "function"]
        m = m.set_index("function")[place_cols]
    n_functions, n_places = len(m), len(m.columns)
    if len(m):
        m = m.loc[m.sum(axis=1).sort_values(ascending=False, kind="stable").index]
        m = m.head(min(top or 40, 40))
    if n_places > FIGURE_PLACES:
        heaviest = m.sum(axis=0).sort_values(ascending=False, kind="stable").index[:FIGURE_PLACES]
        m = m[[c for c in m.columns if c in set(heaviest)]]
    return m, _cut_note(("cut_places", len(m.columns), n_places), ("cut_functions", len(m), n_functions))


def function_place_figure(matrix: "pd.DataFrame", top: int | None = 40) -> Figure:
    """Function × place: the weighted load each place gives each function,
    as a heat map with the values written in: the ``top`` functions (at most
    40) with most load, of the :data:`FIGURE_PLACES` places with most.

    :param matrix: :func:`taskgraph.analyse.function_matrix` (a
        ``function`` column, then one column per place after ``places``),
        or any frame with functions as the index and places as columns.
    """
    m, note = _function_place_shown(matrix, top)
    with _style():
        fig = _new_figure(2.8 + 1.1 * max(len(m.columns), 2), 1.4 + 0.26 * max(len(m), 3))
        ax = fig.subplots()
        if not len(m) or not len(m.columns):
            _empty(ax)
            return fig
        im = _heatmap(ax, m.values.tolist(), [_short(str(f), 20) for f in m.index],
                      [_wrap_place(str(p)) for p in m.columns], "g", vmin=0)
        fig.colorbar(im, ax=ax, shrink=0.4, label=LABELS["weighted"])
        _title(fig, LABELS["function_place_title"])
        if note:
            fig.supxlabel(note, fontsize=7, color="#555555")
    return fig


#: The measures of :func:`taskgraph.analyse.place_similarity` the figure shows.
SIMILARITY_MEASURES = {"jaccard": "职能重合度", "load_cosine": "负荷结构相似度", "text_cosine": "任务文本相似度"}


def similarity_figure(similarity: "pd.DataFrame") -> Figure:
    """How alike places are, one heat map per measure (0 to 1): functions
    shared (Jaccard), load profile over functions and task text (cosine).

    :param similarity: :func:`taskgraph.analyse.place_similarity` (one row
        per pair: ``place_a``, ``place_b`` and the measures).
    """
    import numpy as np

    places, note = _similarity_shown(similarity)
    similarity = similarity[similarity["place_a"].isin(places) & similarity["place_b"].isin(places)]
    k = len(places)
    measures = [m for m in SIMILARITY_MEASURES if m in similarity.columns]
    with _style():
        fig = _new_figure(1.4 + (0.9 + 0.62 * max(k, 2)) * max(len(measures), 1), 1.9 + 0.62 * max(k, 2))
        if not k or not measures:
            _empty(fig.subplots())
            return fig
        axes = fig.subplots(1, len(measures), squeeze=False)[0]
        index = {p: i for i, p in enumerate(places)}
        missing = False
        for ax, measure in zip(axes, measures):
            values = np.full((k, k), np.nan)
            for pa, pb, v in similarity[["place_a", "place_b", measure]].itertuples(index=False):
                values[index[pa], index[pb]] = values[index[pb], index[pa]] = v
            for i in range(k):  # a place against itself: left blank
                values[i, i] = -1
            im = _heatmap(ax, values.tolist(), [_wrap_place(p) for p in places], [_wrap_place(p) for p in places],
                          ".2f", vmin=0, vmax=1, aspect="equal")
            missing = missing or bool(np.isnan(values).any())
            ax.set_title(SIMILARITY_MEASURES[measure], fontsize=9, loc="center")
            if ax is not axes[0]:
                ax.tick_params(axis="y", labelleft=False)
        fig.colorbar(im, ax=list(axes), shrink=0.7)
        _title(fig, LABELS["similarity_title"])
        notes = ([LABELS["no_similarity"]] if missing else []) + ([note] if note else [])
        if notes:
            fig.supxlabel("\n".join(notes), fontsize=7, color="#555555")
    return fig


def _similarity_shown(similarity: "pd.DataFrame") -> tuple[list[str], str | None]:
    """The places a similarity figure shows: at most :data:`FIGURE_PLACES`,
    those naming most functions."""
    if not len(similarity):
        return [], None
    functions: dict[str, int] = {}
    for side in ("a", "b"):
        counts = similarity[f"functions_{side}"] if f"functions_{side}" in similarity.columns else None
        for i, place in enumerate(similarity[f"place_{side}"]):
            functions[place] = max(functions.get(place, 0), int(counts.iloc[i]) if counts is not None else 0)
    places = sorted(functions)
    if len(places) <= FIGURE_PLACES:
        return places, None
    kept = sorted(sorted(places, key=lambda p: (-functions[p], p))[:FIGURE_PLACES])
    return kept, _cut_note(("cut_places", len(kept), len(places)))


_SHOWN = {"unit_load_figure": _unit_load_shown, "function_load_figure": _function_load_shown,
          "matrix_figure": _matrix_shown, "bipartite_figure": _matrix_shown, "network_figure": _network_shown,
          "function_place_figure": _function_place_shown,
          "similarity_figure": _similarity_shown}


def _wrap_place(place: str) -> str:
    """宁波市镇海区 → 宁波市\\n镇海区: long place names on two lines."""
    for mark in ("省", "市"):
        i = place.find(mark)
        if 0 < i < len(place) - 1 and display_width(place) > 8:
            return _short(place[:i + 1], 16) + "\n" + _short(place[i + 1:], 16)
    return _wrap(place, 16)  # a long name (a file name standing for a place): two lines at most
