"""The ``taskgraph`` command: a thin layer over the library.

Each command parses its arguments, calls the pipeline functions, and hands
the results to the writers; nothing here knows how a plan is read.
Heavy libraries (pandas, networkx, matplotlib) are imported inside the
commands that need them, so ``taskgraph --help`` stays fast.

Exit status: 0 every input was read; 1 some input could not be read (the
rest was written), no input yields a task, or ``--strict`` and there were
warnings; 2 usage error or nothing readable.
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import List, Optional

import typer

from .errors import TaskgraphError, UsageError
from .safe import printable

__all__ = ["app", "main"]

EPILOG = ("Exit status: 0 all inputs read; 1 some input could not be read (the rest written), "
          "no input yields a task, or --strict and warnings; 2 usage error or nothing readable.")

app = typer.Typer(
    name="taskgraph",
    help="Read Chinese action plans (行动计划/实施方案) into tasks and their lead and supporting units.",
    epilog=EPILOG,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)

def _version(value: bool) -> None:
    if value:
        from . import __version__

        print(f"taskgraph {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Read Chinese action plans (行动计划/实施方案) into tasks and their lead and supporting units."""


PathsArg = typer.Argument(None, help="Plan files, folders, globs, or - for standard input. Default: the bundled seeds/. "
                          "Read: .txt .docx .doc .wps .odt .rtf .html .pdf .ofd .md, and 分工表 as .xlsx .xls .et "
                          ".ods .csv (the format is told by the content; .doc/.wps need LibreOffice).")
OutOpt = typer.Option(Path("outputs"), "--output", "-o", help="Folder to write into (created if missing).")
UnitsOpt = typer.Option(None, "--units", help="Extra unit-name file(s) (TOML, like taskgraph/data/units.toml).")
CorrectionsOpt = typer.Option(None, "--corrections", help="Corrections made after review (CSV: doc, task_id, unit, "
                              "role, action = add / remove / set-lead), applied on top of extraction; never written.")
StrictOpt = typer.Option(False, "--strict", help="Treat warnings as failures (exit 1), for scripts.")
QuietOpt = typer.Option(False, "--quiet", "-q", help="Print only errors.")
JobsOpt = typer.Option(None, "--jobs", "-j", min=1, help="Processes reading and extracting plans (default: one "
                       "per CPU when there are enough plans to gain from it; 1 reads them one after the other). "
                       "The output is the same whatever the number.")


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _say(console, text: str, style: str | None = None) -> None:
    """Print one message line. Every message goes through here: a file name
    (or any text of a plan) in it has its control characters escaped
    (:func:`taskgraph.safe.printable`), so it cannot forge a line, and is
    never read as rich markup."""
    console.print(printable(text), style=style, markup=False, highlight=False)


def _paths(paths: Optional[List[str]]) -> list[str]:
    from .corpus import default_inputs

    if paths:
        return list(paths)
    found = default_inputs()
    if not found:
        raise UsageError("no paths given and the bundled seeds/ folder was not found")
    return found


def run_pipeline(paths: Optional[List[str]], units: Optional[List[Path]], quiet: bool,
                 jobs: Optional[int] = None, corrections: Optional[Path] = None):
    """Read and extract (in ``jobs`` processes, see :func:`taskgraph.corpus.load`)
    with a progress line on the terminal."""
    from .corpus import load

    with _reading(quiet) as progress:
        return load(_paths(paths), units or (), jobs=jobs, progress=progress, corrections=corrections,
                    allow_empty=True)


@contextmanager
def _reading(quiet: bool):
    """The progress line shown while plans are read (on a terminal, not with
    ``--quiet``): yields the function to call with each plan's name (None
    when nothing is shown); the line is gone when the block ends."""
    import time

    err = _console(stderr=True)
    if quiet or not err.is_terminal:
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn

    # no refresh thread (auto_refresh=False): plans may be read in forked
    # processes, which a second thread would make unsafe; refreshed at most
    # ten times a second, so that printing does not slow a large corpus down
    with Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False), console=err, auto_refresh=False,
                  transient=True) as bar:
        task = bar.add_task("reading plans…", total=None)
        shown = [0.0, 0]

        def progress(name: str) -> None:
            shown[1] += 1
            now = time.monotonic()
            if now - shown[0] >= 0.1:
                bar.update(task, description=printable(f"read {shown[1]} plans: {name}"))
                bar.refresh()
                shown[0] = now

        yield progress


def report_diagnostics(corpus, quiet: bool, limit: int = 25) -> None:
    """One line per problem on standard error: ``file:line: message``."""
    _print_diagnostics(corpus.diagnostics, lambda: sum(1 for x in corpus.diagnostics if x.level != "info"),
                       len(corpus.plans), _no_task(corpus), quiet, limit)


def _print_diagnostics(diagnostics, not_info, n_plans: int, no_task: bool, quiet: bool, limit: int = 25) -> None:
    """The lines of :func:`report_diagnostics`: ``diagnostics`` holds at
    least the first ``limit + 1`` of those printed, ``not_info()`` counts
    all those not ``info``."""
    err = _console(stderr=True)
    shown = 0
    for d in diagnostics:
        if d.level == "info" or (quiet and d.level != "error"):
            continue
        if shown == limit:
            rest = not_info() - limit
            _say(err, f"… {rest} more (see warnings.csv)")
            break
        style = "red" if d.level == "error" else "yellow"
        _say(err, f"{d.level}: {d}", style)
        shown += 1
    if no_task:
        n = n_plans
        _say(err, f"error: no task found in the {n} plan{'s' if n > 1 else ''} read: no numbered item carries a "
             "responsibility annotation, and no 分工表 was found (are these action plans?)", "red")


def _no_task(corpus) -> bool:
    """Plans were read, and not one of them yields a task."""
    return bool(corpus.plans) and not any(plan.tasks for plan in corpus.plans)


def exit_status(corpus, strict: bool) -> int:
    levels = [d.level for d in corpus.diagnostics]
    return _status(len(corpus.plans), corpus.unreadable, _no_task(corpus), "error" in levels, "warning" in levels,
                   strict)


def _stream_status(stream, strict: bool) -> int:
    """:func:`exit_status` of the corpus ``taskgraph extract`` wrote as it came."""
    return _status(stream.plans, stream.unreadable, stream.no_task, bool(stream.levels["error"]),
                   bool(stream.levels["warning"]), strict)


def _status(plans: int, unreadable: int, no_task: bool, errors: bool, warnings: bool, strict: bool) -> int:
    """2: no plan read; 1: a file not read, no task at all, an error, or
    (``--strict``) a warning; else 0."""
    if not plans:
        return 2
    if unreadable or no_task or errors or (strict and warnings):
        return 1
    return 0


@app.command(epilog=EPILOG)
def extract(
    paths: Optional[List[str]] = PathsArg,
    output: Path = OutOpt,
    units: Optional[List[Path]] = UnitsOpt,
    corrections: Optional[Path] = CorrectionsOpt,
    strict: bool = StrictOpt,
    quiet: bool = QuietOpt,
    jobs: Optional[int] = JobsOpt,
) -> None:
    """Extract tasks and lead/support assignments.

    Writes tasks.csv, assignments.csv, units.csv, documents.csv, warnings.csv
    and taskgraph.json (UTF-8 with BOM) into the output folder.

    Example: taskgraph extract seeds/ -o outputs/
    """
    from .corpus import Diagnostic, prepare, results
    from .export import stream_extract

    check_output_folder(output)
    run = prepare(_paths(paths), units or (), corrections)

    def extracted():  # each plan as it comes, with the progress line while they do
        with _reading(quiet) as progress:
            for result in results(run, jobs):
                yield result
                if progress and not isinstance(result, Diagnostic):
                    progress(result[0].info.doc)

    # every table written as the plans come, none of them held (see ExtractStream);
    # the diagnostics printed once all are read, before any file is written, as for a whole corpus
    taking = extracted()
    try:
        stream, written, outputs = stream_extract(output, taking, corrections=run.corrections, before_writing=(
            lambda s: _print_diagnostics(s.diagnostics, lambda: s.non_info, s.plans, s.no_task, quiet)))
    finally:
        taking.close()  # the progress line gone, the processes stopped, whatever happened
    if outputs is not None and not quiet:
        err = _console(stderr=True)
        for note in outputs.notes():
            _say(err, f"note: {note}")
    if not quiet:
        _print_summary(stream, output, written)
    raise typer.Exit(_stream_status(stream, strict))


def check_output_folder(output: Path, subfolders: tuple[str, ...] = ()) -> None:
    """Refuse an ``--output`` nothing can be written into, before any work is
    done (see :func:`taskgraph.export.check_output_folder`)."""
    from .export import check_output_folder as check

    check(output, subfolders)


def write_outputs(corpus, output: Path, write, quiet: bool, command: str | None = None,
                  subfolders: tuple[str, ...] = ()) -> list[Path]:
    """The one way every command writes: ``write()`` (which writes into
    ``output`` and returns the paths it wrote) runs through
    :func:`taskgraph.export.write_outputs` — inputs protected, no link out of
    the folder followed, the manifest kept, a problem of the disk one line —
    then the notes about the folder are printed."""
    from .export import input_paths
    from .export import write_outputs as write_into

    written, outputs = write_into(output, write, inputs=input_paths(corpus), command=command,
                                  subfolders=subfolders)
    if not quiet:
        err = _console(stderr=True)
        for note in outputs.notes():
            _say(err, f"note: {note}")
    return written


def _print_summary(corpus, output: Path, written: list[Path]) -> None:
    from rich.table import Table

    s = corpus.summary()
    table = Table(title="taskgraph extract", show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("documents", f"{s['documents']}" + (f"  ({s['unreadable']} unreadable)" if s["unreadable"] else ""))
    table.add_row("tasks", str(s["tasks"]))
    table.add_row("  assigned", str(s["assigned"]))
    table.add_row("  unassigned", str(s["unassigned"]))
    table.add_row("assignments", str(s["edges"]))
    table.add_row("units", str(s["units"]))
    table.add_row("  unknown units", str(s["unknown_units"]))
    table.add_row("warnings", str(s["warnings"]))
    con = _console()
    con.print(table)
    if written:
        _say(con, f"wrote {len(written)} files to {output}/: " + ", ".join(p.name for p in written))


# ------------------------------------------------------------------ graph and analyses
FormatOpt = typer.Option("table", "--format", "-f", help="table (default), csv (the main table), json or md "
                         "(every table), printed on standard output.")
TablesOpt = typer.Option(None, "--output", "-o", help="Also write every table as <name>.csv into this folder.")
LeadWeightOpt = typer.Option(None, "--lead-weight", help="Weight of a led task in the weighted load (default 1).")
SupportWeightOpt = typer.Option(None, "--support-weight",
                                help="Weight of a supported task in the weighted load (default 0.5).")


def _analysis_graph(paths: Optional[List[str]], units: Optional[List[Path]], fmt: str, quiet: bool,
                    corrections: Optional[Path] = None):
    """Read the plans and build the task–unit graph; only errors are shown."""
    from .analyse.formats import FORMATS

    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    corpus = run_pipeline(paths, units, quiet, corrections=corrections)
    report_diagnostics(corpus, quiet=True)
    if not corpus.plans:
        raise UsageError("no plan could be read")
    from .graph import build_graph

    return corpus, build_graph(corpus)


def _weights(lead_weight: Optional[float], support_weight: Optional[float]) -> dict:
    given = {"lead_weight": lead_weight, "support_weight": support_weight}
    return {k: v for k, v in given.items() if v is not None}


def _emit(tables: dict, fmt: str, output: Optional[Path], quiet: bool, corpus=None, command: str | None = None
          ) -> None:
    from .analyse.formats import print_tables, write_tables

    print_tables(tables, fmt)
    if output is not None:
        written = write_outputs(corpus, output, lambda: write_tables(tables, output), quiet, command)
        if not quiet:
            _say(_console(stderr=True), f"wrote {len(written)} files to {output}/: "
                 + ", ".join(p.name for p in written))


@app.command(epilog=EPILOG)
def graph(
    paths: Optional[List[str]] = PathsArg,
    output: Path = OutOpt,
    units: Optional[List[Path]] = UnitsOpt,
    corrections: Optional[Path] = CorrectionsOpt,
    fmt: str = FormatOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Build the task–unit graph and write it for Gephi and networkx.

    Writes graph.graphml, graph.gexf, graph.json (node-link), graph.net
    (Pajek, two-mode) and graph.dl (UCINET, keys in graph-labels.csv) into the
    output folder, and prints the tasks, units and edges of each place.

    Example: taskgraph graph seeds/ -o outputs/
    """
    from .graph import graph_summary, write_graph

    check_output_folder(output)
    corpus, G = _analysis_graph(paths, units, fmt, quiet, corrections)
    written = write_outputs(corpus, output, lambda: write_graph(G, output), quiet, "graph")
    if not quiet or fmt != "table":
        _emit({"graph": graph_summary(G)}, fmt, None, quiet)
    if not quiet:
        _say(_console(stderr=True), f"wrote {len(written)} files to {output}/: " + ", ".join(p.name for p in written))
    raise typer.Exit(exit_status(corpus, False))


@app.command(epilog=EPILOG)
def load(
    paths: Optional[List[str]] = PathsArg,
    place: Optional[List[str]] = typer.Option(None, "--place", help="Only this place (its name or part of it); "
                                              "repeat for several."),
    by: str = typer.Option("unit", "--by", help="unit (default) or function."),
    lead_weight: Optional[float] = LeadWeightOpt,
    support_weight: Optional[float] = SupportWeightOpt,
    max_units: Optional[int] = typer.Option(None, "--max-units", help="Report tasks naming more units than this "
                                            "(default 6)."),
    units: Optional[List[Path]] = UnitsOpt,
    corrections: Optional[Path] = CorrectionsOpt,
    fmt: str = FormatOpt,
    output: Optional[Path] = TablesOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Who carries the work: tasks led, supported and weighted, per unit and place.

    Tables: load (per unit or function), load_places (concentration: top
    unit's share, Gini) and lint (tasks without or with several leads, a
    unit both lead and support, collective leads, long unit lists,
    catch-all units, units that only support).

    Example: taskgraph load seeds/ --place 锦州 --format csv > load.csv
    """
    from .analyse.load import load_tables

    if by not in ("unit", "function"):
        raise UsageError(f"--by must be unit or function, not {by!r}")
    if output is not None:
        check_output_folder(output)
    corpus, G = _analysis_graph(paths, units, fmt, quiet, corrections)
    tables = load_tables(G, by=by, max_units=max_units, **_weights(lead_weight, support_weight))
    if place:
        known = sorted(tables["load_places"]["place"])
        chosen = {p for p in known if any(q == p or q in p for q in place)}
        if not chosen:
            raise UsageError(f"--place matches no place; places are: {'、'.join(known)}")
        tables = {k: df[df["place"].isin(chosen)].reset_index(drop=True) for k, df in tables.items()}
    _emit(tables, fmt, output, quiet, corpus, "load")
    raise typer.Exit(exit_status(corpus, False))


@app.command(epilog=EPILOG)
def clusters(
    paths: Optional[List[str]] = PathsArg,
    weighting: str = typer.Option("newman", "--weighting", help="newman (default: a task naming n units adds "
                                  "1/(n-1) to each pair) or shared (count shared tasks)."),
    resolution: float = typer.Option(1.0, "--resolution", help="Louvain resolution; higher gives smaller groups."),
    runs: int = typer.Option(10, "--runs", help="Louvain runs per place (seeds seed … seed+runs-1); the best "
                             "modularity is kept."),
    seed: int = typer.Option(0, "--seed", help="First Louvain seed (and of the randomised graphs)."),
    edges: str = typer.Option("all", "--edges", help="all (default: every pair sharing a task) or significant "
                              "(only pairs sharing more tasks than chance) to find the groups on."),
    null_runs: int = typer.Option(20, "--null-runs", help="Randomised graphs the modularity is compared with "
                                  "(0 skips the test)."),
    units: Optional[List[Path]] = UnitsOpt,
    corrections: Optional[Path] = CorrectionsOpt,
    fmt: str = FormatOpt,
    output: Optional[Path] = TablesOpt,
    quiet: bool = QuietOpt,
) -> None:
    """Who works together: working groups of units, and who coordinates whom.

    Tables: clusters (units, binding tasks, lead units, characteristic
    words, stability), cluster_units (with each unit's role),
    cluster_places (modularity against randomised graphs, verdict),
    unit_pairs (the projection onto units, each pair tested against
    chance), coordination (lead → support, over tasks) and coordinators
    (their centrality).

    Example: taskgraph clusters seeds/ -o outputs/
    """
    from .analyse.clusters import cluster_tables

    if weighting not in ("newman", "shared"):
        raise UsageError(f"--weighting must be newman or shared, not {weighting!r}")
    if runs < 1:
        raise UsageError("--runs must be at least 1")
    if edges not in ("all", "significant"):
        raise UsageError(f"--edges must be all or significant, not {edges!r}")
    if null_runs < 0 or null_runs == 1:
        raise UsageError("--null-runs must be 0 or at least 2")
    if output is not None:
        check_output_folder(output)
    corpus, G = _analysis_graph(paths, units, fmt, quiet, corrections)
    tables = cluster_tables(G, weighting=weighting, resolution=resolution, runs=runs, seed=seed, edges=edges,
                            null_runs=null_runs)
    _emit(tables, fmt, output, quiet, corpus, "clusters")
    raise typer.Exit(exit_status(corpus, False))


@app.command(epilog=EPILOG)
def overlap(
    paths: Optional[List[str]] = PathsArg,
    threshold: Optional[float] = typer.Option(None, "--threshold", help="Cosine similarity from which two tasks "
                                              "match (default 0.15)."),
    top_k: Optional[int] = typer.Option(None, "--top-k", help="Matches kept per task (default 5; 0 keeps all)."),
    lead_weight: Optional[float] = LeadWeightOpt,
    support_weight: Optional[float] = SupportWeightOpt,
    units: Optional[List[Path]] = UnitsOpt,
    corrections: Optional[Path] = CorrectionsOpt,
    fmt: str = FormatOpt,
    output: Optional[Path] = TablesOpt,
    quiet: bool = QuietOpt,
) -> None:
    """What places share: matching tasks with their leads, functions × places, place similarity.

    Tables: overlap_tasks (tasks of different places pursuing the same
    thing; lead_match=different marks same task, different lead function),
    overlap_functions (function × place load; common to all, unique to one)
    and overlap_places (pairwise similarity on functions, load and text).

    Example: taskgraph overlap seeds/ --format md > overlap.md
    """
    from .analyse._memory import reuse_memory
    from .analyse.overlap import overlap_tables

    if output is not None:
        check_output_folder(output)
    corpus, G = _analysis_graph(paths, units, fmt, quiet, corrections)
    opts = _weights(lead_weight, support_weight)
    if threshold is not None:
        opts["threshold"] = threshold
    if top_k is not None:
        opts["top_k"] = top_k or None
    with reuse_memory():  # this process is ours: freed memory kept for reuse (see analyse/_memory.py)
        tables = overlap_tables(G, **opts)
    if not quiet and not tables["overlap_tasks"].attrs.get("exhaustive", True):
        _say(_console(stderr=True), "note: too many tasks to compare every pair: each was compared with its "
             "likeliest matches (similarities exact; a few matches may be missing, see README, Performance)")
    _emit(tables, fmt, output, quiet, corpus, "overlap")
    raise typer.Exit(exit_status(corpus, False))


@app.command(epilog=EPILOG)
def report(
    paths: Optional[List[str]] = PathsArg,
    output: Path = OutOpt,
    units: Optional[List[Path]] = UnitsOpt,
    corrections: Optional[Path] = CorrectionsOpt,
    font: Optional[str] = typer.Option(None, "--font", help="Font for the figures: a .ttf/.otf/.ttc file or an "
                                       "installed family. Default: $TASKGRAPH_FONT, else the bundled Noto Sans "
                                       "CJK SC."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Processes reading plans and drawing "
                                       "figures (default: one per CPU, for plans when there are enough of them; "
                                       "1 does everything one after the other)."),
    strict: bool = StrictOpt,
    quiet: bool = QuietOpt,
    lang: str = typer.Option("zh", "--lang", help="Language of the words in the tables, workbooks and page: zh "
                             "(Chinese, the default) or en. CSV and JSON column names are English either way."),
) -> None:
    """Write the full report: 任务分工表, responsibility matrices, figures, index.html.

    Writes index.html (one self-contained file), what extract writes,
    tables/ (分工表 as xlsx/docx/csv/md/html, 责任矩阵 as xlsx/csv,
    analysis.xlsx) and figures/ (PNG, SVG and PDF).

    Example: taskgraph report seeds/ -o outputs/
    """
    from . import messages
    from .analyse._memory import reuse_memory
    from .render.report import SUBFOLDERS, write_report

    if lang not in messages.LANGUAGES:
        raise typer.BadParameter(f"--lang must be one of {', '.join(messages.LANGUAGES)}, not {lang!r}")
    messages.set_language(lang)
    check_output_folder(output, SUBFOLDERS)
    corpus = run_pipeline(paths, units, quiet, jobs, corrections)
    report_diagnostics(corpus, quiet)
    if not corpus.plans:
        raise typer.Exit(2)
    err = _console(stderr=True)
    if quiet or not err.is_terminal:
        with reuse_memory():  # this process is ours: freed memory kept for reuse (see analyse/_memory.py)
            written = write_outputs(corpus, output, lambda: write_report(corpus, output, font=font, workers=jobs),
                                    quiet, "report", SUBFOLDERS)
    else:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        from rich.table import Column

        # no refresh thread: figures are drawn in forked processes, which a
        # second thread would make unsafe
        columns = (TextColumn("{task.description}", markup=False, table_column=Column(width=40, no_wrap=True)),
                   BarColumn(),
                   MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=err, auto_refresh=False, transient=True) as bar:
            task = bar.add_task("report", total=None)

            def progress(description: str, done: int, total: int) -> None:
                bar.update(task, description=printable(description), completed=done, total=total)
                bar.refresh()

            with reuse_memory():
                written = write_outputs(corpus, output, lambda: write_report(
                    corpus, output, progress=progress, font=font, workers=jobs), quiet, "report", SUBFOLDERS)
    for d in corpus.diagnostics:  # said while writing (a 督办台账.xlsx in the folder that is not one)
        if d.code == "ledger" and not quiet:
            _say(_console(stderr=True), f"warning: {d}", "yellow")
    if not quiet:
        _say(_console(), f"wrote {len(written)} files to {output}/; open {output / 'index.html'}")
    raise typer.Exit(exit_status(corpus, strict))


# ------------------------------------------------------------------ plans over time
def _one_plan(path: str, units: Optional[List[Path]], quiet: bool, what: str):
    """Read one version of a plan: its corpus (errors shown on standard error)."""
    corpus = run_pipeline([path], units, True)
    report_diagnostics(corpus, quiet=True)
    if not corpus.plans:
        raise UsageError(f"{what} {path}: no plan could be read")
    if len(corpus.plans) > 1:
        raise UsageError(f"{what} {path} holds {len(corpus.plans)} plans; give one file for each version")
    return corpus


@app.command(epilog=EPILOG)
def diff(
    old: str = typer.Argument(..., help="The older version (a draft, last year's plan): one plan file."),
    new: str = typer.Argument(..., help="The newer version (the final text, this year's plan): one plan file."),
    threshold: float = typer.Option(0.5, "--threshold", min=0.01, max=1.0, help="Text similarity (Dice over "
                                    "character bigrams) from which two tasks are one (default 0.5)."),
    all_rows: bool = typer.Option(False, "--all", help="Show unchanged tasks on the terminal too."),
    units: Optional[List[Path]] = UnitsOpt,
    fmt: str = typer.Option("table", "--format", "-f", help="table (default), csv or json, printed on standard "
                            "output."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Also write diff.xlsx and diff.csv into "
                                          "this folder."),
    quiet: bool = QuietOpt,
) -> None:
    """Compare two versions of a plan: tasks matched, added, dropped, reworded, split; assignments moved.

    Tasks are matched by text similarity (with their place in the outline
    breaking near ties); for each pair, leads and supporters added or
    removed and the deadline before and after are shown.

    Example: taskgraph diff 征求意见稿.txt 印发稿.txt -o outputs/
    """
    from .analyse.diff import DIFF_COLUMNS, diff_plans

    if fmt not in ("table", "csv", "json"):
        raise UsageError(f"--format must be one of table, csv, json, not {fmt!r}")
    if output is not None:
        check_output_folder(output)
    a, b = _one_plan(old, units, quiet, "OLD"), _one_plan(new, units, quiet, "NEW")
    from .corpus import Corpus

    both = Corpus(plans=[*a.plans, *b.plans], units={**a.units, **b.units},
                  diagnostics=[*a.diagnostics, *b.diagnostics], unreadable=a.unreadable + b.unreadable)
    d = diff_plans(a.plans[0], b.plans[0], both.units, threshold=threshold)
    if fmt == "table":
        from .render.versions import print_diff

        print_diff(d, _console(), all_rows)
    elif fmt == "csv":
        from .export import csv_text

        sys.stdout.write(csv_text(DIFF_COLUMNS, [[r[c] for c in DIFF_COLUMNS] for r in d.rows], "\n"))
    else:
        import json

        print(json.dumps({"counts": d.counts, "threshold": threshold, "rows": d.rows}, ensure_ascii=False, indent=1))
    if output is not None:
        from .render.versions import write_diff_csv, write_diff_xlsx

        written = write_outputs(both, output, lambda: [write_diff_xlsx([d], output / "diff.xlsx"),
                                                       write_diff_csv([d], output / "diff.csv")], quiet, "diff")
        if not quiet:
            _say(_console(stderr=True), f"wrote {len(written)} files to {output}/: "
                 + ", ".join(p.name for p in written))
    raise typer.Exit(exit_status(both, False))


@app.command(epilog=EPILOG)
def progress(
    ledger: Path = typer.Argument(..., help="A 督办台账.xlsx written by taskgraph report and filled in by the office."),
    paths: Optional[List[str]] = typer.Argument(None, help="The plans the ledger is for (optional): deadlines are "
                                                "then read from them, and tasks missing from the ledger counted."),
    today: Optional[str] = typer.Option(None, "--today", help="Count overdue tasks as of this date (YYYY-MM-DD; "
                                        "default: today)."),
    units: Optional[List[Path]] = UnitsOpt,
    fmt: str = FormatOpt,
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Also write progress.xlsx, the tables as "
                                          "CSV and the figure progress.png|svg|pdf into this folder."),
    quiet: bool = QuietOpt,
) -> None:
    """Progress of the tasks from a filled-in ledger: done, in progress, not started, overdue, per unit and plan.

    A deadline as written (2022年底, 6月底前) is read into a date; open-ended
    ones (长期坚持) and recurring ones (每年) are never overdue.

    Example: taskgraph progress outputs/督办台账.xlsx seeds/ --today 2023-01-01
    """
    import datetime as dt

    from .analyse.formats import FORMATS
    from .deadlines import parse_date
    from .errors import TaskgraphError as _Error
    from .render.ledger import LedgerError

    if fmt not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    when = dt.date.today()
    if today is not None:
        when = parse_date(today)
        if when is None:
            raise UsageError(f"--today must be a date such as 2023-01-01, not {today!r}")
    if not ledger.is_file():
        raise UsageError(f"{ledger}: no such file")
    if output is not None:
        check_output_folder(output)
    plans = []
    corpus = None
    if paths:
        corpus = run_pipeline(paths, units, quiet)
        report_diagnostics(corpus, quiet=True)
        plans = corpus.plans
    from .progress import HEADERS, read_progress

    try:
        result = read_progress(ledger, plans, when, corpus.units if corpus is not None else None)
    except LedgerError as e:
        raise _Error(str(e)) from None
    err = _console(stderr=True)
    if not quiet:
        for note in result.notes:
            _say(err, f"note: {note}")
    import pandas as pd

    frames = {}
    for name, columns in (("progress_plans", ["doc", "plan", "tasks", "done", "in_progress", "not_started", "behind",
                                              "unreported", "other", "overdue", "done_share"]),
                          ("progress_units", ["place", "unit", "tasks", "done", "in_progress", "not_started", "behind",
                                              "unreported", "other", "overdue", "done_share"]),
                          ("overdue", ["doc", "task_id", "title", "lead", "deadline", "due", "status", "updated",
                                       "days_overdue"])):
        frames[name] = pd.DataFrame(result.tables[name], columns=columns)
    if fmt == "table":
        titles = {"progress_plans": "按方案", "progress_units": "按牵头单位", "overdue": "逾期任务"}
        shown = {titles[name]: f.rename(columns=HEADERS) for name, f in frames.items()}
        from .analyse.formats import print_tables

        print_tables(shown, fmt)
    else:
        from .analyse.formats import print_tables

        print_tables(frames, fmt)
    if output is not None:
        from .analyse.formats import write_tables
        from .render.figures import save_figure
        from .render.over_time import PROGRESS_FIGURE, progress_figure
        from .render.tables import write_workbook

        def write() -> list[Path]:
            files = list(write_tables(frames, output))
            files.append(write_workbook(output / "progress.xlsx", {"按方案": frames["progress_plans"],
                                                                    "按牵头单位": frames["progress_units"],
                                                                    "逾期任务": frames["overdue"]}, HEADERS))
            files += save_figure(progress_figure(result.tables["progress_units"]), output / "figures",
                                 PROGRESS_FIGURE)
            return files

        from .corpus import Corpus

        written = write_outputs(corpus or Corpus(), output, write, quiet, "progress")
        if not quiet:
            _say(err, f"wrote {len(written)} files to {output}/: " + ", ".join(p.name for p in written))
    raise typer.Exit(exit_status(corpus, False) if corpus is not None and corpus.unreadable else 0)


def main(argv: Optional[List[str]] = None) -> int:
    """Entry point of the ``taskgraph`` console script."""
    try:
        rv = app(args=argv, prog_name="taskgraph", standalone_mode=False)
        if rv == 130:  # Ctrl-C: typer returns 130 without a word (no command exits with it itself)
            _say(_console(stderr=True), "interrupted", "red")
        return rv if isinstance(rv, int) else 0
    except typer.Exit as e:
        return e.exit_code
    except SystemExit as e:  # pragma: no cover - click's own exits
        return int(e.code or 0)
    except UsageError as e:
        _say(_console(stderr=True), f"error: {e}", "red")
        return 2
    except TaskgraphError as e:
        _say(_console(stderr=True), f"error: {e}", "red")
        return 1
    except KeyboardInterrupt:
        _say(_console(stderr=True), "interrupted", "red")
        return 130
    except Exception as e:  # click usage errors arrive here in non-standalone mode
        # typer >= 0.2x carries its own copy of click (no `import click`):
        # a ClickException is told by what it can do
        if isinstance(e, typer.Abort):
            return 1
        show, code = getattr(e, "show", None), getattr(e, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            return code
        if os.environ.get("TASKGRAPH_DEBUG"):
            raise
        # a bug must never show the user a traceback: one line, and how to see more
        _say(_console(stderr=True), f"error: internal error ({type(e).__name__}: {' '.join(str(e).split())}); "
             f"please report it (TASKGRAPH_DEBUG=1 shows the traceback)", "red")
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
