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
from typing import TYPE_CHECKING, Callable, Sequence
from urllib.parse import quote

from .. import messages
from ..messages import text as T
from ..export import atomic_write, write_extract
from ..safe import output_stems
from . import review, style, tables

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

def headers() -> dict[str, str]:
    """Column names of the analysis tables, as the report and workbook show
    them (the catalogue's ``columns``, in the current language)."""
    return messages.table("columns")


def check_labels() -> dict[str, str]:
    """The lint checks of :mod:`taskgraph.analyse.lint`, in words."""
    return messages.table("checks")


#: Columns holding a share (0–1), shown as percentages.
PERCENT = {"share", "top_share", "top_load_share"}


def lint_detail(row: dict) -> str:
    """What a lint finding says, in words of the catalogue (the ``detail``
    column of lint.csv stays as it is, for machines)."""
    check, count = row.get("check"), int(row.get("count") or 0)
    detail = str(row.get("detail") or "")
    if check == "no_lead":
        return messages.text("lint_detail.no_lead_none" if count == 0 else "lint_detail.no_lead", count=count)
    if f"lint_detail.{check}" not in messages.catalogue():
        return detail
    return messages.text(f"lint_detail.{check}", count=count, names=detail)


def shown_values(frame: "pd.DataFrame") -> "pd.DataFrame":
    """``frame`` with the coded values of some columns (lead_match: same /
    partly / different / n/a; scope: all / some / unique) in words of the
    catalogue, and numbers as they are: for the page and the workbook."""
    out = frame
    if "lead_units" in getattr(frame, "columns", ()):
        outside = messages.text("values.lead_units.outside")
        out = out.assign(lead_units=[v.replace(", outside)", f"，{outside})") if isinstance(v, str) else v
                                     for v in out["lead_units"]])
    for column in ("lead_match", "scope"):
        if column in getattr(frame, "columns", ()):
            words = messages.table(f"values.{column}")
            out = out.assign(**{column: [words.get(v, v) if isinstance(v, str) else v for v in out[column]]})
    return out


def for_people(frame: "pd.DataFrame") -> "pd.DataFrame":
    """A table as people read it (the terminal, the page): lint checks and
    findings and coded values in words of the catalogue."""
    if "check" in frame.columns and "detail" in frame.columns:
        frame = _lint_shown(frame)
    return shown_values(frame)


def duplicate_plans(corpus: "Corpus") -> list[list["Plan"]]:
    """Plans read more than once: groups of two or more plans with the same
    tasks (the same texts, in the same order)."""
    groups: dict[tuple, list] = {}
    for plan in corpus.plans:
        if plan.tasks:
            groups.setdefault(tuple(t.text for t in plan.tasks), []).append(plan)
    return [g for g in groups.values() if len(g) > 1]


def _lint_shown(lint: "pd.DataFrame") -> "pd.DataFrame":
    labels = check_labels()
    records = lint.to_dict("records")
    return lint.assign(check=[labels.get(c, c) for c in lint["check"]],
                       detail=[lint_detail(r) for r in records])


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
    cluster_places: "pd.DataFrame"
    coordination: "pd.DataFrame"
    coordinators: "pd.DataFrame"
    function_matrix: "pd.DataFrame"
    similarity: "pd.DataFrame"
    matches: "pd.DataFrame"

    def sheets(self) -> dict[str, "pd.DataFrame"]:
        """The tables as workbook sheets, in reading order, named in words
        of the catalogue (``sheets``)."""
        names = messages.table("sheets")
        return {names[k]: v for k, v in self._sheets().items()}

    def _sheets(self) -> dict[str, "pd.DataFrame"]:
        return {
            "load": self.load, "function_load": self.function_load, "concentration": self.concentration,
            "lint": _lint_shown(self.lint), "clusters": self.clusters.rename(columns={"tasks": "binding_tasks"}),
            "cluster_places": self.cluster_places,
            "members": self.members, "pairs": self.pairs, "coordination": self.coordination,
            "coordinators": self.coordinators, "function_matrix": shown_values(self.function_matrix),
            "similarity": self.similarity, "matches": shown_values(self.matches),
        }


def run_analyses(corpus: "Corpus") -> Analyses:
    """Build the task–unit graph and run every analysis of :mod:`taskgraph.analyse`."""
    from .. import analyse
    from ..analyse.clusters import cluster_tables
    from ..graph import build_graph

    G = build_graph(corpus)
    ct = cluster_tables(G)  # one projection, null model and Louvain ensemble for all the cluster tables
    return Analyses(
        graph=G, load=analyse.unit_load(G), function_load=analyse.unit_load(G, by="function"),
        concentration=analyse.place_concentration(G), lint=_lint(G), pairs=ct["unit_pairs"],
        members=ct["cluster_units"], clusters=ct["clusters"], cluster_places=ct["cluster_places"],
        coordination=ct["coordination"],
        coordinators=ct["coordinators"], function_matrix=analyse.function_matrix(G),
        similarity=analyse.place_similarity(G), matches=analyse.matching_tasks(G),
    )


def _cluster_quality(a: Analyses) -> str:
    """Per place, whether its grouping is clear, weak or not above chance,
    with the numbers behind it (:func:`taskgraph.analyse.clusters.cluster_places`)."""
    from ..analyse.clusters import NULL_RUNS
    from ..analyse.roles import analysis_labels

    words = analysis_labels()
    places = a.cluster_places
    items = []
    for r in places.to_dict("records"):
        v = r["verdict"]
        z = "—" if r["z"] != r["z"] else f"{r['z']:.1f}"
        items.append(f"<li><strong>{_e(r['place'])}：分组{_e(words['verdict'].get(v, v))}</strong>"
                     f"（模块度 {r['modularity']:.3f}，同度数随机分工 {r['null_modularity']:.3f} ± "
                     f"{r['null_sd']:.3f}，z = {z}；稳定性 {r['stability']:.2f}；超出随机的单位对 "
                     f"{r['significant_pairs']}/{r['pairs']}）。{_e(words['verdict_note'].get(v, ''))}。</li>")
    note = ('<p class="note">“随机分工”：保持每个单位承担的任务数和每项任务的单位数不变、其余随机的分工'
            f'（二部配置模型），每地 {NULL_RUNS} 次，各用同一方法分组。单位对的检验以 Benjamini–Hochberg 法校正多重比较'
            '（q ≤ 0.05）；任务少时很少有单位对能通过。</p>')
    shown = places.assign(verdict=[words["verdict"].get(v, v) for v in places["verdict"]])
    return "<ul>" + "".join(items) + "</ul>" + note + _table(shown)


def _cluster_roles(a: Analyses) -> str:
    """Members with their Guimerà–Amaral role, in Chinese."""
    from ..analyse.roles import analysis_labels

    roles = analysis_labels()["role"]
    m = a.members.assign(role=[roles.get(r, r) for r in a.members["role"]])
    return _table(m, ["place", "cluster", "unit", "strength", "within_z", "participation", "role"])


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


def _compares_places(plans) -> bool:
    """Are there two places with units to compare (the overlap figures)?"""
    from ..graph import place_of

    return len({place_of(p.info) for p in plans if p.assignments}) > 1


def report_files(corpus: "Corpus", out_dir: str | Path | None = None) -> list[str]:
    """The paths (relative to the output folder) :func:`write_report`
    writes for this corpus (into ``out_dir``: a ledger already there may
    add a progress figure), in order. For the README and tests."""
    from ..export import EXTRACT_FILES
    from ..graph import place_of
    from .figures import FORMATS

    files = ["index.html", *EXTRACT_FILES]
    for stem in _stems(corpus.plans):
        files += [f"tables/{stem}-{kind}.{ext}" for kind, ext in tables.PLAN_FILES]
    files.append("tables/analysis.xlsx")
    files += review.review_names(_stems(corpus.plans))
    from .over_time import over_time_files

    files += over_time_files(corpus, out_dir if out_dir is not None else Path("\0absent"))
    names = []
    places = _place_stems(sorted({place_of(p.info) for p in corpus.plans if p.assignments}))
    from .duties import duty_files, duty_lists

    files += [f"tables/{f}" for _, f in duty_files(duty_lists(corpus), places)]
    names += [f"load-{p}" for p in places.values()]
    names.append("load-by-function")
    for plan, stem in zip(corpus.plans, _stems(corpus.plans)):
        if plan.assignments:  # a plan naming no unit has nothing to draw
            names += [f"matrix-{stem}", f"bipartite-{stem}"]
    names += [f"network-{p}" for p in places.values()]
    if _compares_places(corpus.plans):
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
    n_figures = 2 * len(places) + 2 * sum(1 for p in plans if p.assignments) + 1 + 2 * _compares_places(plans)
    total = 4 + len(plans) + n_figures + 2
    count = 0

    def step(description: str) -> None:
        nonlocal count
        if progress:
            progress(description, count, total)
        count += 1

    # every file this run will write, known before any is: the page's
    # text (its list of files included) is cut into the font before the
    # figures start, and the tables are written while they are drawn
    planned = [out / name for name in report_files(corpus, out)]
    written: list[Path] = []
    step("extract tables")
    written += write_extract(corpus, out)
    step("analyses")
    a = run_analyses(corpus)
    matrices = [tables.responsibility_matrix(p, corpus.units) for p in plans]
    place_stems = _place_stems(places)
    step("督办台账, targets")
    from .over_time import write_over_time

    over = write_over_time(corpus, out)  # targets, the ledger, versions: plans over time
    written += over.files

    Job = figures.FigureJob
    jobs = [Job(f"load-{place_stems[place]}", "unit_load_figure", (a.load, place)) for place in places]
    every_place = sorted({place_of(p.info) for p in plans})  # a plan without units shows as an empty panel
    jobs.append(Job("load-by-function", "function_load_figure", (a.function_load,), {"places": every_place}))
    for plan, stem, matrix in zip(plans, stems, matrices):
        if plan.assignments:  # a plan naming no unit has nothing to draw
            jobs += [Job(f"matrix-{stem}", "matrix_figure", (matrix,)),
                     Job(f"bipartite-{stem}", "bipartite_figure", (matrix,))]
    jobs += [Job(f"network-{place_stems[place]}", "network_figure", (a.pairs, a.load, place, a.members))
             for place in places]
    if _compares_places(plans):  # one place compared with itself says nothing: no figure
        jobs += [Job("overlap-functions", "function_place_figure", (a.function_matrix,)),
                 Job("overlap-similarity", "similarity_figure", (a.similarity,))]
    assert len(jobs) == n_figures

    # one cut of the font for the figures and the pages
    notes = {job.name: figures.figure_note(job) for job in jobs}  # what a figure of a large plan leaves out
    draft = _page_body(corpus, a, stems, place_stems, {job.name: b"" for job in jobs}, notes, planned, out,
                       over.sections())
    sources = [review.source_lines(plan) for plan in plans]  # the review pages show the plans' text as written
    shown = "".join(sorted({c for lines in sources if lines for text in lines.values() for c in text}))
    figures.use_fonts(figures.corpus_text(corpus) + _TAG.sub("", draft) + shown + review.page_words(), font)

    def write_tables() -> None:  # in this process, while the workers draw
        nonlocal written
        for plan, stem, matrix in zip(plans, stems, matrices):
            step(f"分工表 {stem}")
            written += tables.write_division(plan, table_dir, stem)
            written.append(tables.write_matrix_xlsx(matrix, table_dir / f"{stem}-责任矩阵.xlsx"))
            written.append(tables.write_matrix_csv(matrix, table_dir / f"{stem}-责任矩阵.csv"))
        step("analysis workbook")
        written.append(tables.write_workbook(table_dir / "analysis.xlsx", a.sheets(), headers(), percent=PERCENT))
        step("责任清单")
        from .duties import duty_lists, write_duties

        written += write_duties(corpus, table_dir, place_stems, duty_lists(corpus))
        step(f"figures ({len(jobs)})")

    drawn = figures.render_figures(jobs, figure_dir, workers=workers, done=lambda name: step(f"figure {name}"),
                                   meanwhile=write_tables)
    embedded = {}
    for name, paths in drawn.items():
        written += paths
        embedded[name] = next(p for p in paths if p.suffix == ".svg").read_bytes()
    n_over = len(over.files)
    embedded.update(over.draw(figure_dir))
    written += over.files[n_over:]

    step("review pages")
    written += review.write_reviews(corpus, out / "review", stems, font, sources)
    page = _index_html(corpus, a, stems, place_stems, embedded, notes, written, out, font, over.sections(embedded))
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
        return f'<p class="none">{_e(T("report.none"))}</p>'
    frame = shown_values(frame)
    columns = [c for c in (columns or list(frame.columns)) if c in frame.columns]
    rows = frame.to_dict("records")
    for row in rows:
        for c in PERCENT & row.keys():
            v = row[c]
            row[c] = f"{v:.1%}" if isinstance(v, float) and v == v else ""
    note = ""
    if limit is not None and len(rows) > limit:
        note = f'<p class="note">{_e(T("report.shown_rows", shown=limit, total=len(rows)))}</p>'
        rows = rows[:limit]
    return note + '<div class="scroll">' + tables.html_table(rows, columns, headers()) + "</div>"


def _plan_summary(plan: "Plan", doc_row: dict) -> str:
    info = plan.info
    facts = [(T("report.fact_place"), info.place), (T("report.fact_doc"), info.doc),
             (T("report.fact_date"), info.date), (T("report.fact_period"), info.period),
             (T("report.fact_tasks"), doc_row.get("n_tasks")), (T("report.fact_assigned"), doc_row.get("n_assigned")),
             (T("report.fact_unassigned"), doc_row.get("n_unassigned")), (T("report.fact_units"), doc_row.get("n_units")),
             (T("report.fact_edges"), doc_row.get("n_edges")), (T("report.fact_warnings"), doc_row.get("n_warnings"))]
    return ('<p class="facts">' + "".join(f"<span><b>{_e(k)}</b>{_e(v)}</span>" for k, v in facts
                                         if v not in ("", None)) + "</p>")


def _index_html(corpus: "Corpus", a: Analyses, stems: list[str], places: dict[str, str], embedded: dict[str, bytes],
                notes: dict[str, str | None], written: list[Path], root: Path, font, extra=()) -> str:
    return _page(_page_body(corpus, a, stems, places, embedded, notes, written, root, extra), font)


_TAG = re.compile(r"<[^>]*>")


def _page_body(corpus: "Corpus", a: Analyses, stems: list[str], places: dict[str, str],
               embedded: dict[str, bytes], notes: dict[str, str | None], written: list[Path], root: Path,
               extra: "Sequence[tuple[str, str, str]]" = ()) -> str:
    """The page's ``<body>`` content: every text the page shows (the figures
    come in as ``embedded`` SVGs with ``notes`` on what they leave out,
    ``written`` are the files listed; ``places`` maps each place with units
    to its figures' stem; ``extra`` are sections of their own, ``(id,
    title, html)``, shown before the warnings: plans over time)."""

    def img(name: str, alt: str) -> str:
        return _img(embedded, name, alt, notes.get(name))

    records = corpus.records()
    docs = {d["doc"]: d for d in records["documents"]}
    s = corpus.summary()
    body: list[str] = []
    add = body.append

    add(f'<header><h1>{_e(T("report.title"))}</h1>')
    add(f'<p class="lede">{_e(T("report.lede", **s))}</p>')
    nav = [(k, T("report.nav_" + k)) for k in ("plans", "duties", "load", "lint", "clusters", "overlap")]
    nav += [(k, v) for k, v, _ in extra] + [(k, T("report.nav_" + k)) for k in ("warnings", "files")]
    add("<nav>" + " ".join(f'<a href="#{k}">{_e(v)}</a>' for k, v in nav) + "</nav></header><main>")
    for group in duplicate_plans(corpus):
        names = "、".join(f"{tables.plan_title(p)}（{p.info.doc}）" for p in group)
        add(f'<p class="alert">{_e(T("report.duplicates", names=names))}</p>')

    # --- plans
    add(f'<section id="plans"><h2>{_e(T("report.nav_plans"))}</h2>')
    overview = [{"title": tables.plan_title(p), "doc": p.info.doc, "place": p.info.place, "date": p.info.date,
                 "tasks": docs[p.info.doc]["n_tasks"], "assigned": docs[p.info.doc]["n_assigned"],
                 "unassigned": docs[p.info.doc]["n_unassigned"], "units": docs[p.info.doc]["n_units"],
                 "warnings": docs[p.info.doc]["n_warnings"]} for p in corpus.plans]
    overview_columns = ["title", "doc", "place", "date", "tasks", "assigned", "unassigned", "units", "warnings"]
    add('<div class="scroll">' + tables.html_table(overview, overview_columns,
                                                   {k: T(f"report.plans_{k}") for k in overview_columns}) + "</div>")
    for i, (plan, stem) in enumerate(zip(corpus.plans, stems)):
        title = tables.plan_title(plan)
        add(f'<article id="plan-{i + 1}"><h3>{_e(title)}</h3>')
        add(_plan_summary(plan, docs.get(plan.info.doc, {})))
        mine = {f"{stem}-{kind}.{ext}" for kind, ext in tables.PLAN_FILES}
        files = [p for p in written if p.parent == root / "tables" and p.name in mine]
        add(f'<p class="files">{_e(T("report.download"))}' + " · ".join(f'<a href="{_href(p, root)}">{_e(p.name)}</a>' for p in files)
            + "</p>")
        page = root / "review" / f"{stem}.html"
        if page in written:
            add(f'<p class="files"><a href="{_href(page, root)}">{_e(T("report.review_link"))}</a></p>')
        n_tasks = len(plan.tasks)
        add(f"<details open><summary>{_e(T('report.division_summary', n=n_tasks))}</summary>"
            f'<div class="scroll">{tables.division_html(plan, table_id=f"division-{i + 1}")}</div></details>')
        if plan.assignments:
            add(img(f"matrix-{stem}", T("report.matrix_caption", title=title)))
            add(f"<details><summary>{_e(T('report.bipartite_summary'))}</summary>"
                f"{img(f'bipartite-{stem}', T('report.bipartite_caption', title=title))}</details>")
        else:
            add(f'<p class="note">{_e(T("report.no_units"))}</p>')
        add("</article>")
    add("</section>")

    # --- duties
    add(f'<section id="duties"><h2>{_e(T("report.duties_title"))}</h2>')
    add(f'<p class="note">{_e(T("report.duties_note"))}</p>')
    from .duties import duty_lists

    by_name = {p.as_posix(): p for p in written}
    for place, units in duty_lists(corpus).items():
        stem = places.get(place, place)
        book = root / "tables" / f"{stem}-责任清单.xlsx"
        link = f'<a href="{_href(book, root)}">{_e(book.name)}</a>' if book.as_posix() in by_name else ""
        add(f"<h3>{_e(T('report.duties_place', place=place, n=len(units)))}</h3>"
            f"<p class=\"files\">{_e(T('report.duties_book'))}{link}</p>")
        rows = []
        names = output_stems([u.name for u in units])
        for u, name in zip(units, names):
            rows.append({"unit": u.name, "lead": len(u.lead), "support": len(u.support), "total": u.total,
                         "collective": u.collective, "file": f"{name}.docx"})
        add('<div class="scroll">' + tables.html_table(rows, ["unit", "lead", "support", "total", "collective",
                                                               "file"], headers()) + "</div>")
    add("</section>")

    # --- load
    add(f'<section id="load"><h2>{_e(T("report.nav_load"))}</h2>')
    add(f'<p class="note">{_e(T("report.load_note"))}</p>')
    add(_table(a.concentration))
    add(img("load-by-function", T("report.load_functions")))
    for place in places:
        add(f"<h3>{_e(place)}</h3>")
        add(img(f"load-{places[place]}", T("report.load_place", place=place)))
        add(_table(a.load[a.load["place"] == place],
                   ["unit", "function", "lead", "support", "total", "weighted", "share", "rank", "partners", "core",
                    "betweenness"]))
    add("</section>")

    # --- lint
    add(f'<section id="lint"><h2>{_e(T("report.nav_lint"))}</h2>')
    labels = check_labels()
    counts = a.lint.groupby("check").size() if len(a.lint) else {}
    add("<ul>" + "".join(f"<li>{_e(labels.get(c, c))}：{int(counts.get(c, 0))}</li>" for c in labels) + "</ul>")
    shown = _lint_shown(a.lint)
    only = a.lint["check"] == "only_supports" if len(a.lint) else []
    add(_table(shown[~only] if len(a.lint) else shown, ["place", "check", "path", "unit", "count", "detail"]))
    n_only = int(sum(only)) if len(a.lint) else 0
    if n_only:
        add(f"<details><summary>{_e(T('report.only_supports', label=labels['only_supports'], n=n_only))}</summary>"
            + _table(shown[only], ["place", "unit", "count", "detail"]) + "</details>")
    add("</section>")

    # --- clusters
    add(f'<section id="clusters"><h2>{_e(T("report.nav_clusters"))}</h2>')
    add(f'<p class="note">{_e(T("report.clusters_note"))}</p>')
    add(_cluster_quality(a))
    add(_table(a.clusters, ["place", "cluster", "n_units", "units", "lead_units", "n_tasks", "words", "stability"]))
    for place in places:
        add(img(f"network-{places[place]}", T("report.network_caption", place=place)))
    add(f"<h3>{_e(T('report.pairs_title'))}</h3>")
    add(_table(a.pairs, ["place", "unit_a", "unit_b", "shared", "newman", "expected", "p_value", "significant"],
               limit=60))
    add(f"<h3>{_e(T('report.roles_title'))}</h3>")
    add(_cluster_roles(a))
    add("</section>")

    # --- overlap
    add(f'<section id="overlap"><h2>{_e(T("report.nav_overlap"))}</h2>')
    if "overlap-functions" not in embedded:
        add(f'<p class="note">{_e(T("report.overlap_one_place"))}</p>')
    add(img("overlap-functions", T("report.overlap_functions")))
    add(_table(a.function_matrix))
    add(img("overlap-similarity", T("report.overlap_similarity")))
    add(_table(a.similarity))
    add(f"<h3>{_e(T('report.matches_title'))}</h3>")
    add(_table(a.matches, ["similarity", "lead_match", "place_a", "title_a", "lead_a", "place_b", "title_b",
                           "lead_b"], limit=100))
    add("</section>")

    # --- sections of their own (plans over time: targets, versions, progress)
    for key, title, content in extra:
        add(f'<section id="{_e(key)}"><h2>{_e(title)}</h2>{content}</section>')

    # --- warnings
    add(f'<section id="warnings"><h2>{_e(T("report.nav_warnings"))}</h2>')
    unassigned = [t for t in records["tasks"] if t["status"] == "unassigned"]
    add(f"<h3>{_e(T('report.unassigned_title', n=len(unassigned)))}</h3>")
    add(_table_records(unassigned, ["place", "doc", "task_id", "title"]))
    unknown = [u for u in records["units"] if not u["known"]]
    add(f"<h3>{_e(T('report.unknown_title', n=len(unknown)))}</h3>")
    add(_table_records(unknown, ["place", "names", "name", "collective", "n_tasks"]))
    from ..corpus import WARNING_COLUMNS

    levels, codes = messages.table("values.level"), messages.table("values.code")
    problems = [{**w, "level": levels.get(w["level"], w["level"]), "code": codes.get(w["code"], w["code"]),
                 "message": messages.diagnostic(w["message"])}
                for w in records["warnings"] if w["level"] != "info"]
    add(f"<h3>{_e(T('report.problems_title', n=len(problems)))}</h3>")
    add(_table_records(problems, WARNING_COLUMNS))
    add("</section>")

    # --- files
    add(f'<section id="files"><h2>{_e(T("report.nav_files"))}</h2><ul class="filelist">')
    for p in sorted(written, key=lambda p: (p.parent != root, p.as_posix())):
        add(f'<li><a href="{_href(p, root)}">{_e(p.relative_to(root).as_posix())}</a></li>')
    add("</ul></section></main>")

    return "\n".join(body)


def _page(content: str, font) -> str:
    """The whole self-contained page around ``content``, with the font cut to its text."""
    return style.page_html(content, title=f"{_e(T('report.title'))} · taskgraph", css=_CSS,
                           script=_SORT_JS.replace("SORT_HINT", _e(T("report.sort_hint"))), font=font,
                           font_text=_TAG.sub("", content))


def _table_records(rows: list[dict], columns: list[str]) -> str:
    if not rows:
        return f'<p class="none">{_e(T("report.none"))}</p>'
    return '<div class="scroll">' + tables.html_table(rows, columns, headers()) + "</div>"


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
table.division td:nth-child(2){min-width:14em}table.division td:nth-child(3){min-width:24em}
table.division td:nth-child(4),table.division td:nth-child(5){min-width:8em}
tr.group td{background:#ececec;text-align:left!important}tr.group.level-0 td{background:#dcdcdc}tr.hidden{display:none}
tr.unassigned td{background:#fce4d6}tr.unassigned td:nth-child(3){color:#b00000}
tbody tr:hover td{background:#f6f9fc}
figure{margin:1em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{color:var(--muted);font-size:.9em}summary{cursor:pointer;color:var(--lead);margin:.6em 0}
.note{color:var(--muted);font-size:.9em}.alert{background:#fff3cd;border-left:4px solid #D55E00;padding:.5em 1em}.none{color:var(--muted)}
ul.filelist{columns:3;font-size:.85em}
@media (max-width:700px){header{padding:1em .8em .5em}main{padding:0 .8em 2em}h1{font-size:1.4em}
ul.filelist{columns:1}td{overflow-wrap:anywhere}th,td{min-width:3.5em}#plans>.scroll td:first-child{min-width:9em}
table.division td:nth-child(2){min-width:8em}table.division td:nth-child(3){min-width:15em}
table.division td:nth-child(4),table.division td:nth-child(5){min-width:6em}}
"""

_SORT_JS = """
(function(){
function key(row,i){var c=row.cells[i],s=c?c.textContent.trim():"";
 return /^-?\\d+(\\.\\d+)?(e-?\\d+)?%?$/.test(s)?parseFloat(s):s;}
function cmp(x,y){if(typeof x==="number"&&typeof y==="number")return x-y;
 if(typeof x==="number")return -1;if(typeof y==="number")return 1;return x.localeCompare(y,"zh-Hans-CN");}
document.querySelectorAll("table.sortable").forEach(function(t){
 var body=t.tBodies[0],heads=t.tHead?Array.from(t.tHead.rows[0].cells):[],orig=Array.from(body.rows),col=-1,dir=0;
 heads.forEach(function(th,i){th.tabIndex=0;th.title="SORT_HINT";
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
