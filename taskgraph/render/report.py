"""The report: every table and figure of a corpus, and one ``index.html``.

:func:`write_report` writes, under the output folder::

    index.html                      the report: one self-contained file
    tasks.csv … taskgraph.json      what ``taskgraph extract`` writes
    tables/<plan>-分工表.xlsx|docx|csv|md|html   the 任务分工表 of each plan
    tables/<plan>-责任矩阵.xlsx|csv              its responsibility matrix
    tables/analysis.xlsx            load, lint, clusters, overlap: one sheet each
    figures/<name>.png|svg|pdf      every figure, 300 dpi PNG, SVG and PDF

``index.html`` needs nothing else: the figures are inside it (SVG as data
URIs), so is a cut of the Chinese font (WOFF, for readers without one), the
styles and a few lines of script that sort the tables; a Content Security
Policy forbids fetching anything. Every piece of document text is escaped.
"""
from __future__ import annotations

import base64
import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable
from urllib.parse import quote

from ..export import atomic_write, write_extract
from ..safe import output_stems
from . import style, tables

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx
    import pandas as pd

    from ..corpus import Corpus
    from ..model import Plan

__all__ = ["write_report", "Analyses", "run_analyses", "report_files", "Progress", "SUBFOLDERS"]

#: The folders the report writes inside its output folder (checked before any work).
SUBFOLDERS = ("tables", "figures")

#: ``progress(description, done, total)``, called before each step.
Progress = Callable[[str, int, int], None]

#: Column names of the analysis tables, as the report and workbook show them.
HEADERS = {
    "place": "地区", "unit": "单位", "unit_id": "单位标识", "function": "职能", "collective": "集合性单位",
    "lead": "牵头", "support": "配合", "total": "合计", "weighted": "加权负荷", "share": "任务占比", "rank": "排名",
    "partners": "合作单位数", "units": "单位", "n_units": "单位数", "tasks": "任务数", "assigned": "已分工任务",
    "top_unit": "负荷最重单位", "top_lead": "其牵头", "top_total": "其合计", "top_share": "其任务占比",
    "top_load_share": "其负荷占比", "gini": "基尼系数", "check": "检查项", "doc": "文件", "task_id": "任务编号",
    "path": "位置", "count": "数量", "detail": "说明", "unit_a": "单位甲", "unit_b": "单位乙",
    "unit_id_a": "单位甲标识", "unit_id_b": "单位乙标识", "function_a": "职能甲", "function_b": "职能乙",
    "shared": "共同任务", "newman": "Newman 权重", "weight": "权重", "cluster": "聚类", "strength": "联系强度",
    "stability": "稳定性", "lead_units": "牵头单位", "n_tasks": "任务数", "words": "特征词", "agreement": "一致率",
    "modularity": "模块度", "lead_id": "牵头单位标识", "support_id": "配合单位标识", "lead_function": "牵头职能",
    "support_function": "配合职能", "coordinates": "协调单位数", "coordinated_by": "被协调次数",
    "lead_edges": "牵头关系", "support_edges": "配合关系", "out_centrality": "出度中心性",
    "in_centrality": "入度中心性", "pagerank": "PageRank", "n_places": "地区数", "scope": "范围",
    "places": "涉及地区", "place_a": "地区甲", "place_b": "地区乙", "functions_a": "甲职能数",
    "functions_b": "乙职能数", "shared_functions": "共同职能", "jaccard": "职能重合度 (Jaccard)",
    "load_cosine": "负荷结构相似度", "text_cosine": "任务文本相似度", "similarity": "相似度",
    "lead_match": "牵头职能是否一致", "doc_a": "文件甲", "doc_b": "文件乙", "path_a": "位置甲", "path_b": "位置乙",
    "title_a": "任务甲", "title_b": "任务乙", "lead_a": "甲牵头", "lead_b": "乙牵头",
    "lead_function_a": "甲牵头职能", "lead_function_b": "乙牵头职能", "line": "行", "level": "级别",
    "code": "类型", "message": "内容", "title": "重点任务", "name": "单位（规范名）", "names": "文中写法",
    "known": "已收录", "file": "文件",
}

#: Columns holding a share (0–1), shown as percentages.
PERCENT = {"share", "top_share", "top_load_share"}

#: The lint checks of :mod:`taskgraph.analyse.lint`, in Chinese.
CHECK_LABELS = {
    "no_lead": "无牵头单位", "several_leads": "多个牵头单位", "lead_and_support": "同一单位既牵头又配合",
    "collective_lead": "集合性单位牵头", "many_units": "责任单位过多", "catch_all": "泛指单位",
    "only_supports": "只配合、不牵头的单位",
}


# ------------------------------------------------------------- analyses

@dataclass
class Analyses:
    """The graph and every analysis table the report shows."""

    graph: "nx.Graph"
    load: "pd.DataFrame"
    function_load: "pd.DataFrame"
    concentration: "pd.DataFrame"
    lint: "pd.DataFrame"
    pairs: "pd.DataFrame"
    members: "pd.DataFrame"
    clusters: "pd.DataFrame"
    coordination: "pd.DataFrame"
    coordinators: "pd.DataFrame"
    function_matrix: "pd.DataFrame"
    similarity: "pd.DataFrame"
    matches: "pd.DataFrame"

    def sheets(self) -> dict[str, "pd.DataFrame"]:
        """The tables as workbook sheets, in reading order."""
        return {
            "单位负荷": self.load, "职能负荷": self.function_load, "负荷集中度": self.concentration,
            "检查": self.lint.assign(check=[CHECK_LABELS.get(c, c) for c in self.lint["check"]]),
            "聚类": self.clusters, "聚类成员": self.members, "单位对": self.pairs,
            "协调关系": self.coordination, "协调者": self.coordinators, "职能×地区": self.function_matrix,
            "地区相似度": self.similarity, "相似任务": self.matches,
        }


def run_analyses(corpus: "Corpus") -> Analyses:
    """Build the task–unit graph and run every analysis of :mod:`taskgraph.analyse`."""
    from .. import analyse
    from ..analyse.clusters import cluster_members
    from ..graph import build_graph

    G = build_graph(corpus)
    return Analyses(
        graph=G, load=analyse.unit_load(G), function_load=analyse.unit_load(G, by="function"),
        concentration=analyse.place_concentration(G), lint=_lint(G), pairs=analyse.unit_pairs(G),
        members=cluster_members(G), clusters=analyse.unit_clusters(G), coordination=analyse.coordination(G),
        coordinators=analyse.coordinators(G), function_matrix=analyse.function_matrix(G),
        similarity=analyse.place_similarity(G), matches=analyse.matching_tasks(G),
    )


def _lint(G: "nx.Graph") -> "pd.DataFrame":
    """:func:`~taskgraph.analyse.lint_graph`, and an empty table for a
    graph without edges (plans with no annotation at all), which it does
    not take yet."""
    import pandas as pd

    from ..analyse import lint

    if G.number_of_edges() == 0:
        return pd.DataFrame(columns=lint.COLUMNS)
    return lint.lint_graph(G)


# ------------------------------------------------------------- the files

def _stems(plans: list["Plan"]) -> list[str]:
    """The file stem of each plan's tables and figures: its document name
    without the suffix, unique and short (:func:`taskgraph.safe.output_stems`)."""
    return output_stems([plan.info.doc for plan in plans], drop_suffix=True)


def _place_stems(places: list[str]) -> dict[str, str]:
    """The file stem of each place's figures (``load-<stem>``, ``network-<stem>``);
    never ``by-function``, which ``load-by-function`` is."""
    return dict(zip(places, output_stems(places, reserved=["by-function"])))


def report_files(corpus: "Corpus") -> list[str]:
    """The paths (relative to the output folder) :func:`write_report`
    writes for this corpus, in order. For the README and tests."""
    from ..export import EXTRACT_FILES
    from ..graph import place_of
    from .figures import FORMATS

    files = ["index.html", *EXTRACT_FILES]
    for stem in _stems(corpus.plans):
        files += [f"tables/{stem}-{kind}.{ext}" for kind, ext in tables.PLAN_FILES]
    files.append("tables/analysis.xlsx")
    names = []
    places = _place_stems(sorted({place_of(p.info) for p in corpus.plans if p.assignments}))
    names += [f"load-{p}" for p in places.values()]
    names.append("load-by-function")
    for plan, stem in zip(corpus.plans, _stems(corpus.plans)):
        if plan.assignments:  # a plan naming no unit has nothing to draw
            names += [f"matrix-{stem}", f"bipartite-{stem}"]
    names += [f"network-{p}" for p in places.values()]
    names += ["overlap-functions", "overlap-similarity"]
    files += [f"figures/{n}.{fmt}" for n in names for fmt in FORMATS]
    return files


def write_report(corpus: "Corpus", out_dir: str | Path, progress: Progress | None = None,
                 *, font: str | Path | None = None, workers: int | None = None) -> list[Path]:
    """Write every table, every figure and ``index.html`` into ``out_dir``.

    :param corpus: plans as returned by :func:`taskgraph.load`.
    :param out_dir: the output folder (created if missing).
    :param progress: called as ``progress(description, done, total)``
        before each step and once at the end (the CLI shows a bar with it).
    :param font: a font file or installed family for the figures; default
        ``$TASKGRAPH_FONT``, else the bundled Noto Sans CJK SC.
    :param workers: processes drawing figures (default one per CPU; 1 draws
        them here, one after the other). See
        :func:`taskgraph.render.figures.render_figures`.
    :returns: the files written, ``index.html`` last.

    >>> write_report(taskgraph.load(), "outputs")              # doctest: +SKIP
    """
    from . import figures
    from ..graph import place_of

    style.chosen_font(font)  # a font that is not there fails now, not after the tables
    out = Path(out_dir)
    table_dir, figure_dir = (out / sub for sub in SUBFOLDERS)
    plans = list(corpus.plans)
    stems = _stems(plans)
    places = sorted({place_of(p.info) for p in plans if p.assignments})
    n_figures = 2 * len(places) + 2 * sum(1 for p in plans if p.assignments) + 3
    total = 3 + len(plans) + n_figures + 1
    count = 0

    def step(description: str) -> None:
        nonlocal count
        if progress:
            progress(description, count, total)
        count += 1

    written: list[Path] = []
    step("extract tables")
    written += write_extract(corpus, out)
    step("analyses")
    a = run_analyses(corpus)
    matrices = [tables.responsibility_matrix(p, corpus.units) for p in plans]
    for plan, stem, matrix in zip(plans, stems, matrices):
        step(f"分工表 {stem}")
        written += tables.write_division(plan, table_dir, stem)
        written.append(tables.write_matrix_xlsx(matrix, table_dir / f"{stem}-责任矩阵.xlsx"))
        written.append(tables.write_matrix_csv(matrix, table_dir / f"{stem}-责任矩阵.csv"))
    step("analysis workbook")
    written.append(tables.write_workbook(table_dir / "analysis.xlsx", a.sheets(), HEADERS))

    Job = figures.FigureJob
    place_stems = _place_stems(places)
    jobs = [Job(f"load-{place_stems[place]}", "unit_load_figure", (a.load, place)) for place in places]
    every_place = sorted({place_of(p.info) for p in plans})  # a plan without units shows as an empty panel
    jobs.append(Job("load-by-function", "function_load_figure", (a.function_load,), {"places": every_place}))
    for plan, stem, matrix in zip(plans, stems, matrices):
        if plan.assignments:  # a plan naming no unit has nothing to draw
            jobs += [Job(f"matrix-{stem}", "matrix_figure", (matrix,)),
                     Job(f"bipartite-{stem}", "bipartite_figure", (matrix,))]
    jobs += [Job(f"network-{place_stems[place]}", "network_figure", (a.pairs, a.load, place, a.members))
             for place in places]
    jobs += [Job("overlap-functions", "function_place_figure", (a.function_matrix,)),
             Job("overlap-similarity", "similarity_figure", (a.similarity,))]
    assert len(jobs) == n_figures

    # one cut of the font for the figures and the page: the page's text is
    # known before the figures are drawn (they only add pictures and files)
    to_come = [figure_dir / f"{job.name}.{fmt}" for job in jobs for fmt in figures.FORMATS]
    notes = {job.name: figures.figure_note(job) for job in jobs}  # what a figure of a large plan leaves out
    draft = _page_body(corpus, a, stems, place_stems, {job.name: b"" for job in jobs}, notes, written + to_come, out)
    figures.use_fonts(figures.corpus_text(corpus) + _TAG.sub("", draft), font)
    step(f"figures ({len(jobs)})")
    drawn = figures.render_figures(jobs, figure_dir, workers=workers, done=lambda name: step(f"figure {name}"))
    embedded = {}
    for name, paths in drawn.items():
        written += paths
        embedded[name] = next(p for p in paths if p.suffix == ".svg").read_bytes()

    page = _index_html(corpus, a, stems, place_stems, embedded, notes, written, out, font)
    written.append(atomic_write(out / "index.html", page.encode("utf-8")))
    if progress:
        progress("done", total, total)
    return written


# ---------------------------------------------------------------- the page

def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _href(path: Path, root: Path) -> str:
    return _e(quote(path.relative_to(root).as_posix()))


def _img(embedded: dict[str, bytes], name: str, alt: str, note: str | None = None) -> str:
    svg = embedded.get(name)
    if svg is None:
        return ""
    data = base64.b64encode(svg).decode("ascii")
    # shown at 1.5 times its size in points: 7 pt labels read as ~14 px
    size = re.search(rb'<svg[^>]*\swidth="([\d.]+)pt"', svg)
    width = f' style="width:{float(size.group(1)) * 2:.0f}px"' if size else ""
    links = " · ".join(f'<a href="figures/{_e(quote(name))}.{fmt}">{fmt.upper()}</a>' for fmt in ("png", "svg", "pdf"))
    said = f'<br><span class="note">{_e(note)}</span>' if note else ""
    return (f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{_e(alt)}"{width}>'
            f"<figcaption>{_e(alt)} <span class=files>{links}</span>{said}</figcaption></figure>")


def _table(frame: "pd.DataFrame", columns: list[str] | None = None, limit: int | None = None) -> str:
    if frame is None or not len(frame):
        return '<p class="none">（无）</p>'
    columns = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    rows = frame.to_dict("records")
    for row in rows:
        for c in PERCENT & row.keys():
            v = row[c]
            row[c] = f"{v:.1%}" if isinstance(v, float) and v == v else ""
    note = ""
    if limit is not None and len(rows) > limit:
        note = f'<p class="note">显示前 {limit} 行，共 {len(rows)} 行；全部见 tables/analysis.xlsx。</p>'
        rows = rows[:limit]
    return note + '<div class="scroll">' + tables.html_table(rows, columns, HEADERS) + "</div>"


def _plan_summary(plan: "Plan", doc_row: dict) -> str:
    info = plan.info
    facts = [("地区", info.place), ("文件", info.doc), ("发布日期", info.date), ("实施期", info.period),
             ("任务", doc_row.get("n_tasks")), ("已分工", doc_row.get("n_assigned")),
             ("未明确责任单位", doc_row.get("n_unassigned")), ("单位", doc_row.get("n_units")),
             ("分工关系", doc_row.get("n_edges")), ("警告", doc_row.get("n_warnings"))]
    return ('<p class="facts">' + "".join(f"<span><b>{_e(k)}</b>{_e(v)}</span>" for k, v in facts
                                         if v not in ("", None)) + "</p>")


def _index_html(corpus: "Corpus", a: Analyses, stems: list[str], places: dict[str, str], embedded: dict[str, bytes],
                notes: dict[str, str | None], written: list[Path], root: Path, font) -> str:
    return _page(_page_body(corpus, a, stems, places, embedded, notes, written, root), font)


_TAG = re.compile(r"<[^>]*>")


def _page_body(corpus: "Corpus", a: Analyses, stems: list[str], places: dict[str, str],
               embedded: dict[str, bytes], notes: dict[str, str | None], written: list[Path], root: Path) -> str:
    """The page's ``<body>`` content: every text the page shows (the figures
    come in as ``embedded`` SVGs with ``notes`` on what they leave out,
    ``written`` are the files listed; ``places`` maps each place with units
    to its figures' stem)."""

    def img(name: str, alt: str) -> str:
        return _img(embedded, name, alt, notes.get(name))

    records = corpus.records()
    docs = {d["doc"]: d for d in records["documents"]}
    s = corpus.summary()
    body: list[str] = []
    add = body.append

    add('<header><h1>任务分工分析报告</h1>')
    add(f'<p class="lede">{s["documents"]} 份方案 · {s["tasks"]} 项任务（{s["assigned"]} 项已分工，'
        f'{s["unassigned"]} 项未明确责任单位）· {s["edges"]} 条分工关系 · {s["units"]} 个单位'
        f'（{s["unknown_units"]} 个未收录）· {s["warnings"]} 条警告</p>')
    nav = [("plans", "各方案"), ("load", "单位负荷"), ("lint", "分工检查"), ("clusters", "协同聚类"),
           ("overlap", "地区比较"), ("warnings", "警告"), ("files", "全部文件")]
    add("<nav>" + " ".join(f'<a href="#{k}">{_e(v)}</a>' for k, v in nav) + "</nav></header><main>")

    # --- plans
    add('<section id="plans"><h2>各方案</h2>')
    overview = [{"title": p.info.title or p.info.doc, "doc": p.info.doc, "place": p.info.place, "date": p.info.date,
                 "tasks": docs[p.info.doc]["n_tasks"], "assigned": docs[p.info.doc]["n_assigned"],
                 "unassigned": docs[p.info.doc]["n_unassigned"], "units": docs[p.info.doc]["n_units"],
                 "warnings": docs[p.info.doc]["n_warnings"]} for p in corpus.plans]
    add(tables.html_table(overview, ["title", "doc", "place", "date", "tasks", "assigned", "unassigned", "units",
                                     "warnings"],
                          {"title": "方案", "doc": "文件", "place": "地区", "date": "日期", "tasks": "任务", "assigned": "已分工",
                           "unassigned": "未明确", "units": "单位", "warnings": "警告"}))
    for i, (plan, stem) in enumerate(zip(corpus.plans, stems)):
        title = plan.info.title or plan.info.doc
        add(f'<article id="plan-{i + 1}"><h3>{_e(title)}</h3>')
        add(_plan_summary(plan, docs.get(plan.info.doc, {})))
        mine = {f"{stem}-{kind}.{ext}" for kind, ext in tables.PLAN_FILES}
        files = [p for p in written if p.parent == root / "tables" and p.name in mine]
        add('<p class="files">下载：' + " · ".join(f'<a href="{_href(p, root)}">{_e(p.name)}</a>' for p in files)
            + "</p>")
        n_tasks = len(plan.tasks)
        add(f"<details open><summary>任务分工表（{n_tasks} 项任务）</summary>"
            f'<div class="scroll">{tables.division_html(plan, table_id=f"division-{i + 1}")}</div></details>')
        if plan.assignments:
            add(img(f"matrix-{stem}", f"{title}：责任矩阵"))
            add(f"<details><summary>任务—单位关系图</summary>"
                f"{img(f'bipartite-{stem}', f'{title}：任务—单位关系')}</details>")
        else:
            add('<p class="note">该方案未标注责任单位：任务全部列为“未明确责任单位”，没有责任矩阵图。</p>')
        add("</article>")
    add("</section>")

    # --- load
    add('<section id="load"><h2>单位负荷</h2>')
    add('<p class="note">牵头计 1，配合计 0.5（加权负荷）；同一任务中既牵头又配合的单位只计牵头。</p>')
    add(_table(a.concentration))
    add(img("load-by-function", "各职能部门承担任务（按地区）"))
    for place in places:
        add(f"<h3>{_e(place)}</h3>")
        add(img(f"load-{places[place]}", f"{place}：各单位承担任务"))
        add(_table(a.load[a.load["place"] == place],
                   ["unit", "function", "lead", "support", "total", "weighted", "share", "rank", "partners"]))
    add("</section>")

    # --- lint
    add('<section id="lint"><h2>分工检查</h2>')
    counts = a.lint.groupby("check").size() if len(a.lint) else {}
    add("<ul>" + "".join(f"<li>{_e(CHECK_LABELS.get(c, c))}：{int(counts.get(c, 0))}</li>" for c in CHECK_LABELS)
        + "</ul>")
    add(_table(a.lint.assign(check=[CHECK_LABELS.get(c, c) for c in a.lint["check"]]),
               ["place", "check", "path", "unit", "count", "detail"]))
    add("</section>")

    # --- clusters
    add('<section id="clusters"><h2>协同聚类</h2>')
    add('<p class="note">共同承担任务的单位连成网络，按社区划分为工作组（Louvain，Newman 加权）。</p>')
    add(_table(a.clusters, ["place", "cluster", "n_units", "units", "lead_units", "n_tasks", "words", "stability"]))
    for place in places:
        add(img(f"network-{places[place]}", f"{place}：共同承担任务的单位网络"))
    add("<h3>联系最紧密的单位对</h3>")
    add(_table(a.pairs, ["place", "unit_a", "unit_b", "shared", "newman"], limit=60))
    add("</section>")

    # --- overlap
    add('<section id="overlap"><h2>地区比较</h2>')
    add(img("overlap-functions", "各地区按职能的任务分布"))
    add(_table(a.function_matrix))
    add(img("overlap-similarity", "地区间相似度"))
    add(_table(a.similarity))
    add("<h3>各地相似的任务</h3>")
    add(_table(a.matches, ["similarity", "lead_match", "place_a", "title_a", "lead_a", "place_b", "title_b",
                           "lead_b"], limit=100))
    add("</section>")

    # --- warnings
    add('<section id="warnings"><h2>警告</h2>')
    unassigned = [t for t in records["tasks"] if t["status"] == "unassigned"]
    add(f"<h3>未明确责任单位的任务（{len(unassigned)}）</h3>")
    add(_table_records(unassigned, ["place", "doc", "task_id", "title"]))
    unknown = [u for u in records["units"] if not u["known"]]
    add(f"<h3>未收录的单位（{len(unknown)}）</h3>")
    add(_table_records(unknown, ["place", "names", "name", "collective", "n_tasks"]))
    from ..corpus import WARNING_COLUMNS

    problems = [w for w in records["warnings"] if w["level"] != "info"]
    add(f"<h3>无法读取或可疑的文本（{len(problems)}）</h3>")
    add(_table_records(problems, WARNING_COLUMNS))
    add("</section>")

    # --- files
    add('<section id="files"><h2>全部文件</h2><ul class="filelist">')
    for p in sorted(written, key=lambda p: (p.parent != root, p.as_posix())):
        add(f'<li><a href="{_href(p, root)}">{_e(p.relative_to(root).as_posix())}</a></li>')
    add("</ul></section></main>")

    return "\n".join(body)


def _page(content: str, font) -> str:
    """The whole self-contained page around ``content``, with the font cut to its text."""
    css = _CSS
    woff = style.web_font(_TAG.sub("", content), font)
    if woff is not None:
        data = base64.b64encode(woff).decode("ascii")
        css = (f'@font-face{{font-family:"{style.WEB_FONT_FAMILY}";src:url(data:font/woff;base64,{data}) '
               f'format("woff");}}\n') + css.replace("FONT", f'"{style.WEB_FONT_FAMILY}",')
    else:
        css = css.replace("FONT", "")
    csp = ("default-src 'none'; img-src data:; font-src data:; style-src 'unsafe-inline'; "
           "script-src 'unsafe-inline'; base-uri 'none'; form-action 'none'")
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>任务分工分析报告 · taskgraph</title>\n"
        f"<style>{css}</style></head>\n<body>\n{content}\n<script>{_SORT_JS}</script>\n</body></html>\n"
    )


def _table_records(rows: list[dict], columns: list[str]) -> str:
    if not rows:
        return '<p class="none">（无）</p>'
    return '<div class="scroll">' + tables.html_table(rows, columns, HEADERS) + "</div>"


_CSS = """
:root{--ink:#222;--muted:#666;--line:#d0d0d0;--head:#dde6f0;--lead:#0072B2;--support:#E69F00}
body{font-family:FONT "Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
color:var(--ink);margin:0;line-height:1.55;background:#fff}
header{background:#f4f6f8;border-bottom:1px solid var(--line);padding:1.2em 2em .6em}
h1{margin:0 0 .2em;font-size:1.7em;font-weight:normal}h2{font-weight:normal;border-bottom:2px solid var(--lead);
padding-bottom:.2em;margin-top:2em}h3{font-weight:normal;font-size:1.2em;margin-top:1.6em}
.lede{color:var(--muted);margin:.2em 0 .6em}nav a{margin-right:1.2em;color:var(--lead);text-decoration:none}
main{padding:0 2em 3em;max-width:1500px}article{border-top:1px solid var(--line);margin-top:1.5em}
.facts{display:flex;flex-wrap:wrap;gap:.2em 1.4em;margin:.4em 0}
.facts b{font-weight:normal;color:var(--muted)}.facts b:after{content:"："}
.files{font-size:.9em;color:var(--muted)}.files a{color:var(--lead)}
.scroll{overflow-x:auto;margin:.6em 0}
table{border-collapse:collapse;font-size:.9em;min-width:40%}
th,td{border:1px solid var(--line);padding:3px 7px;vertical-align:top;text-align:left}
thead th{background:var(--head);position:sticky;top:0;cursor:pointer;white-space:nowrap}
thead th[aria-sort=ascending]:after{content:" ▲"}thead th[aria-sort=descending]:after{content:" ▼"}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.division td:first-child{text-align:right;white-space:nowrap}
table.division td:nth-child(2){min-width:16em}table.division td:nth-child(3){min-width:9em}
tr.group td{background:#ececec;text-align:left!important}tr.group.level-0 td{background:#dcdcdc}tr.hidden{display:none}
tr.unassigned td{background:#fce4d6}tr.unassigned td:nth-child(3){color:#b00000}
tbody tr:hover td{background:#f6f9fc}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{color:var(--muted);font-size:.9em}summary{cursor:pointer;color:var(--lead);margin:.6em 0}
.note{color:var(--muted);font-size:.9em}.none{color:var(--muted)}
ul.filelist{columns:3;font-size:.85em}
"""

_SORT_JS = """
(function(){
function key(row,i){var c=row.cells[i],s=c?c.textContent.trim():"";
 return /^-?\\d+(\\.\\d+)?(e-?\\d+)?%?$/.test(s)?parseFloat(s):s;}
function cmp(x,y){if(typeof x==="number"&&typeof y==="number")return x-y;
 if(typeof x==="number")return -1;if(typeof y==="number")return 1;return x.localeCompare(y,"zh-Hans-CN");}
document.querySelectorAll("table.sortable").forEach(function(t){
 var body=t.tBodies[0],heads=t.tHead?Array.from(t.tHead.rows[0].cells):[],orig=Array.from(body.rows),col=-1,dir=0;
 heads.forEach(function(th,i){th.tabIndex=0;th.title="点击排序";
  function go(){if(col!==i){col=i;dir=1;}else{dir=dir===1?-1:dir===-1?0:1;}
   heads.forEach(function(h){h.removeAttribute("aria-sort");});
   var rows=orig.filter(function(r){return !dir||!r.classList.contains("group");});
   if(dir){rows.sort(function(a,b){return cmp(key(a,i),key(b,i))*dir;});
    th.setAttribute("aria-sort",dir===1?"ascending":"descending");}
   orig.forEach(function(r){r.classList.toggle("hidden",dir!==0&&r.classList.contains("group"));});
   rows.forEach(function(r){body.appendChild(r);});}
  th.addEventListener("click",go);
  th.addEventListener("keydown",function(e){if(e.key==="Enter"||e.key===" "){e.preventDefault();go();}});});
});})();
"""
