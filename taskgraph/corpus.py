"""The pipeline end to end, as one call a notebook can make.

``load(paths)`` reads every plan, parses, extracts and normalises it, and
returns a :class:`Corpus`: the plans, their tasks, assignments and units, as
plain records (``corpus.records()``, no pandas needed) or as pandas
DataFrames (``corpus.tasks``, ``corpus.assignments``, ``corpus.units``,
``corpus.documents``, ``corpus.warnings``; pandas is imported on first use).
"""
from __future__ import annotations

import collections
import itertools
import os
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Sequence

from .checks import joined
from .corrections import Corrections, read_corrections
from .model import Diagnostic, Document, Plan, Unit
from .safe import decoded

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .normalise import Gazetteer

__all__ = ["Corpus", "load", "default_inputs", "extract_documents", "extract_document", "worker_count"]

TASK_COLUMNS = ["doc", "place", "task_id", "path", "title", "text", "deadline", "n_lead", "n_support",
                "status", "kind", "line", "section", "annotation", "written", "check"]
ASSIGNMENT_COLUMNS = ["doc", "place", "task_id", "unit", "unit_id", "function", "role", "line", "order",
                      "known", "collective", "start", "end", "written", "how", "check"]
UNIT_COLUMNS = ["place", "unit_id", "name", "function", "level", "known", "collective", "names",
                "n_tasks", "lead", "support"]
DOCUMENT_COLUMNS = ["doc", "source", "format", "encoding", "title", "place", "province", "city", "district",
                    "level", "date", "period", "period_start", "period_end", "n_tasks", "n_assigned",
                    "n_unassigned", "n_edges", "n_units", "n_warnings", "sha256", "size"]
WARNING_COLUMNS = ["file", "line", "level", "code", "message"]


def default_inputs() -> list[str]:
    """The bundled seed plans: ``taskgraph/seeds`` in an installed wheel, the
    repository's ``seeds/`` in a checkout."""
    here = Path(__file__).resolve().parent
    for folder in (here / "seeds", here.parent / "seeds"):
        if folder.is_dir():
            try:  # relative where possible, so no output carries this machine's paths
                return [str(folder.relative_to(Path.cwd().resolve()))]
            except ValueError:
                return [str(folder)]
    return []


@dataclass
class Corpus:
    """Plans read and extracted, with their units normalised.

    ``units`` maps ``(doc, unit as written)`` to its :class:`Unit`.
    ``diagnostics`` holds the read errors (files that could not be read)
    and every plan's warnings. ``unreadable`` counts the files not read.
    """

    plans: list[Plan] = field(default_factory=list)
    units: dict[tuple[str, str], Unit] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    unreadable: int = 0
    inputs: list[str] = field(default_factory=list)  # other files read (a corrections file, a plan read twice): never written
    _names: set[str] = field(default_factory=set, init=False, repr=False, compare=False)  # the plans' docs
    _seen: dict = field(default_factory=dict, init=False, repr=False, compare=False)  # plan fingerprint -> doc

    def __repr__(self) -> str:
        """Counts and places, not the plans themselves (a notebook shows this)."""
        s = self.summary()
        places = sorted({p.info.place or p.info.doc for p in self.plans})
        shown = ", ".join(places[:6]) + (f", … ({len(places)} places)" if len(places) > 6 else "")
        unread = f", {s['unreadable']} unreadable" if s["unreadable"] else ""
        return (f"<Corpus: {s['documents']} plans{unread}, {s['tasks']} tasks ({s['unassigned']} unassigned), "
                f"{s['edges']} assignments, {s['units']} units; places: {shown or '-'}>")

    def add(self, result: "Diagnostic | tuple[Plan, dict[tuple[str, str], Unit]]") -> None:
        """Add what :func:`extract_document` returned for one document (its
        plan and units, or the error that stopped it). Results added in
        input order make the same corpus wherever they were computed: in
        this process, a process pool, or on a cluster.

        A document's name is its key in every table, so no two plans of a
        corpus share one: a plan whose name is taken (a file ``stdin.txt``
        read with ``-``, results of two runs put together) is renamed
        ``<name>#2`` (``#3``…), with a warning saying which input it is."""
        if isinstance(result, Diagnostic):
            self.diagnostics.append(result)
            self.unreadable += 1
            return
        if self._already_read(result[0]):
            self.inputs.append(result[0].source)  # read, so never written over, though counted once
            return
        plan, units = self._named_apart(*result)
        for key, unit in units.items():
            self.units.setdefault(key, unit)
        self.plans.append(plan)
        self.diagnostics.extend(plan.diagnostics)

    def _already_read(self, plan: Plan) -> bool:
        """Whether ``plan`` is one the corpus holds already (see :func:`duplicate_of`)."""
        note = duplicate_of(self._seen, plan)
        if note is not None:
            self.diagnostics.append(note)
        return note is not None

    def _named_apart(self, plan: Plan, units: dict[tuple[str, str], Unit]
                     ) -> tuple[Plan, dict[tuple[str, str], Unit]]:
        """The plan (and its units) under a document name no other plan of
        the corpus has (see :func:`named_apart`)."""
        if len(self._names) != len(self.plans):  # plans put in without add()
            self._names = {p.info.doc for p in self.plans}
        return named_apart(self._names, plan, units)

    # ------------------------------------------------------------ records
    def records(self) -> dict[str, list[dict]]:
        """All tables as lists of dicts (stable order, no pandas)."""
        tasks, edges, docs = [], [], []
        # plans put in by hand may share a name: then a unit's tasks are told apart by (doc, task)
        per_unit = UnitTally(distinct_docs=len({p.info.doc for p in self.plans}) == len(self.plans))
        for plan in self.plans:
            rows = plan_records(plan, self.units, per_unit)
            tasks += rows["tasks"]
            edges += rows["assignments"]
            docs.append(rows["document"])
        warnings = [warning_record(x) for x in self.diagnostics]
        return {"documents": docs, "tasks": tasks, "assignments": edges, "units": per_unit.records(),
                "warnings": warnings}

    # --------------------------------------------------------- DataFrames
    def _frame(self, name: str, columns: list[str]) -> "pd.DataFrame":
        import pandas as pd

        return pd.DataFrame(self.records()[name], columns=columns)

    @property
    def tasks(self) -> "pd.DataFrame":
        """One row per task."""
        return self._frame("tasks", TASK_COLUMNS)

    @property
    def assignments(self) -> "pd.DataFrame":
        """One row per task–unit edge, with ``unit_id``, ``function`` and ``role``."""
        return self._frame("assignments", ASSIGNMENT_COLUMNS)

    @property
    def unit_table(self) -> "pd.DataFrame":
        """One row per canonical unit and place."""
        return self._frame("units", UNIT_COLUMNS)

    @property
    def documents(self) -> "pd.DataFrame":
        """One row per plan read."""
        return self._frame("documents", DOCUMENT_COLUMNS)

    @property
    def warnings(self) -> "pd.DataFrame":
        """Every diagnostic: unreadable files, suspicious text, odd annotations."""
        return self._frame("warnings", WARNING_COLUMNS)

    def summary(self) -> dict[str, int]:
        """Counts for the command line's closing summary."""
        n_tasks = sum(len(p.tasks) for p in self.plans)
        assigned = sum(len({a.task_id for a in p.assignments}) for p in self.plans)
        ids = {u.unit_id for u in self.units.values()}
        unknown = {u.unit_id for u in self.units.values() if not u.known}
        return {
            "documents": len(self.plans), "unreadable": self.unreadable, "tasks": n_tasks,
            "assigned": assigned, "unassigned": n_tasks - assigned,
            "edges": sum(len(p.assignments) for p in self.plans), "units": len(ids),
            "unknown_units": len(unknown),
            "warnings": sum(1 for d in self.diagnostics if d.level == "warning"),
        }


def duplicate_of(seen: dict, plan: Plan) -> Diagnostic | None:
    """The warning when ``plan`` is one read already, else None (and the
    plan is remembered in ``seen``, fingerprint → name): the same bytes (two
    copies of a file), or the same tasks with the same units and roles in the
    same place (one plan as .docx and as .txt). Such a plan is counted once,
    and the warning names both inputs."""
    keys = [("sha256", plan.info.sha256)] if plan.info.sha256 else []
    if plan.tasks:
        edges: dict[str, list[tuple[str, str]]] = {}
        for a in plan.assignments:
            edges.setdefault(a.task_id, []).append((a.role, a.unit))
        # in order and with their ids: a reordered or renumbered version of a plan is another version
        keys.append(("tasks", hash((plan.info.place, tuple(
            (t.task_id, t.text, tuple(sorted(edges.get(t.task_id, ())))) for t in plan.tasks)))))
    for key in keys:
        first = seen.get(key)
        if first is not None:
            how = "the same file" if key[0] == "sha256" else "the same tasks, units and roles"
            return Diagnostic(plan.source, f"the same plan as {first} ({how}): counted once", None, "warning",
                              "duplicate")
    for key in keys:
        seen[key] = decoded(plan.source or plan.info.doc)
    return None


def named_apart(names: set[str], plan: Plan, units: dict[tuple[str, str], Unit]
                ) -> tuple[Plan, dict[tuple[str, str], Unit]]:
    """The plan (and its units) under a document name not in ``names`` (the
    names taken, to which it is added), written as UTF-8 can be (see
    :func:`taskgraph.safe.decoded`): a plan whose name is taken is renamed
    ``<name>#2`` (``#3``…), with a warning saying which input it is."""
    doc = plan.info.doc
    name = decoded(doc)
    notes = []
    if name in names:
        k = 2
        while f"{name}#{k}" in names:
            k += 1
        notes.append(Diagnostic(plan.source, f"another input is also named {name}: this one is "
                                f"{name}#{k} in every table", None, "warning", "renamed"))
        name = f"{name}#{k}"
    names.add(name)
    if name == doc:
        return plan, units
    plan = Plan(replace(plan.info, doc=name), plan.source, [replace(t, doc=name) for t in plan.tasks],
                [replace(a, doc=name) for a in plan.assignments], [*plan.diagnostics, *notes], plan.targets)
    return plan, {(name if d == doc else d, u): unit for (d, u), unit in units.items()}


class UnitTally:
    """The rows of the units table, counted plan by plan (see :func:`plan_records`).

    A unit's ``n_tasks`` is the number of distinct tasks it is assigned,
    counted per plan: plans of a corpus never share a name, so the tasks of
    two plans are never the same task, and nothing of a plan is kept once it
    is counted. With ``distinct_docs=False`` (plans put together by hand
    that may share a name) the ``(doc, task)`` pairs are kept instead."""

    def __init__(self, distinct_docs: bool = True) -> None:
        self.rows: dict[str, dict] = {}
        self._pairs = None if distinct_docs else {}

    def add_plan(self, tasks_per_unit: dict[str, set[tuple[str, str]]]) -> None:
        """Count one plan's ``(doc, task)`` pairs per unit id."""
        for unit_id, pairs in tasks_per_unit.items():
            if self._pairs is None:
                self.rows[unit_id]["n_tasks"] += len(pairs)
            else:
                self._pairs.setdefault(unit_id, set()).update(pairs)

    def records(self) -> list[dict]:
        """The table: one row per unit, by place and id."""
        units = []
        for row in sorted(self.rows.values(), key=lambda r: (r["place"], r["unit_id"])):
            row = dict(row)
            row["names"] = "、".join(row["names"])
            if self._pairs is not None:
                row["n_tasks"] = len(self._pairs.get(row["unit_id"], ()))
            units.append({k: row[k] for k in UNIT_COLUMNS})
        return units


def plan_records(plan: Plan, units: "dict[tuple[str, str], Unit]", per_unit: UnitTally) -> dict:
    """One plan's rows of the tasks and assignments tables and its row of
    the documents table (``tasks``, ``assignments``, ``document``), its
    assignments counted into ``per_unit``. ``units`` maps ``(doc, unit as
    written)`` to its :class:`Unit` (the plan's own, as :func:`extract_document`
    returns them, or a corpus's :attr:`Corpus.units`). What
    :meth:`Corpus.records` makes of every plan, and ``taskgraph extract``
    writes as each plan comes."""
    info = plan.info
    tasks, edges = [], []
    roles: dict[str, list[str]] = {}
    for a in plan.assignments:
        roles.setdefault(a.task_id, []).append(a.role)
    task_checks = {t.task_id: t.check for t in plan.tasks if t.check}
    for t in plan.tasks:
        r = roles.get(t.task_id, [])
        tasks.append({
            "doc": t.doc, "place": info.place, "task_id": t.task_id, "path": t.path,
            "title": t.title, "text": t.text, "deadline": t.deadline,
            "n_lead": r.count("lead"), "n_support": r.count("support"),
            "status": "assigned" if r else "unassigned", "kind": t.kind, "line": t.line,
            "section": " / ".join(t.section), "annotation": t.annotation, "written": t.written,
            "check": joined(t.check),
        })
    plan_units = set()
    unit_tasks: dict[str, set[tuple[str, str]]] = {}
    rows = per_unit.rows
    for a in plan.assignments:
        u = units[(a.doc, a.unit)]
        plan_units.add(u.unit_id)
        edges.append({
            "doc": a.doc, "place": info.place, "task_id": a.task_id, "unit": a.unit,
            "unit_id": u.unit_id, "function": u.function, "role": a.role, "line": a.line,
            "order": a.order, "known": u.known, "collective": u.collective,
            # where the name stands on its line as written (empty when not known)
            "start": a.start if a.start >= 0 else "", "end": a.end if a.end >= 0 else "",
            "written": a.written, "how": a.how,
            # the edge's own reasons to look, those of its task, and a name the gazetteer lacks
            "check": joined((*a.check, *task_checks.get(a.task_id, ()),
                             *(() if u.known or u.collective else ("unknown-unit",)))),
        })
        row = rows.get(u.unit_id)
        if row is None:
            row = rows[u.unit_id] = {
                "place": u.place, "unit_id": u.unit_id, "name": u.name, "function": u.function,
                "level": u.level, "known": u.known, "collective": u.collective, "names": {},
                "n_tasks": 0, "lead": 0, "support": 0,
            }
        row["names"][a.unit] = None
        unit_tasks.setdefault(u.unit_id, set()).add((a.doc, a.task_id))
        row[a.role] += 1
    per_unit.add_plan(unit_tasks)
    n_assigned = len({t.task_id for t in plan.tasks} & set(roles))
    d = asdict(info)
    d.update({
        "source": decoded(plan.source), "n_tasks": len(plan.tasks), "n_assigned": n_assigned,
        "n_unassigned": len(plan.tasks) - n_assigned, "n_edges": len(plan.assignments),
        "n_units": len(plan_units),
        "n_warnings": sum(1 for x in plan.diagnostics if x.level != "info"),
    })
    return {"tasks": tasks, "assignments": edges, "document": {k: d.get(k, "") for k in DOCUMENT_COLUMNS}}


def warning_record(x: Diagnostic) -> dict:
    """A diagnostic's row of the warnings table."""
    return {"file": decoded(x.source), "line": x.line if x.line is not None else "", "level": x.level,
            "code": x.code, "message": decoded(x.message)}


def extract_documents(documents: Iterable, gazetteer: "Gazetteer",
                      progress: Callable[[str], None] | None = None) -> Corpus:
    """Run parse → extract → normalise over documents already read
    (``Document`` objects, or ``Diagnostic`` for files that failed)."""
    corpus = Corpus()
    for item in documents:
        _add(corpus, extract_document(item, gazetteer), progress)
    return corpus


def extract_document(document: Document | Diagnostic, gazetteer: "Gazetteer"
                     ) -> Diagnostic | tuple[Plan, dict[tuple[str, str], Unit]]:
    """parse → extract → normalise of one document: its plan and the
    :class:`Unit` of every name it assigns, keyed like :attr:`Corpus.units`;
    or, for a file that could not be read or extracted, an error
    :class:`Diagnostic`. Needs nothing but its arguments, so it runs as well
    in a worker process (see :func:`load`) or on a cluster."""
    from .extract import extract_plan
    from .layout import without_glosses
    from .text import clean_document, name_warnings

    if isinstance(document, Diagnostic):
        return document
    try:
        # characters no writer can take out first, with a warning per line
        plan = extract_plan(clean_document(document), gazetteer.is_unit_like)
        flagged = name_warnings(plan)  # unit names that look like others
        if flagged:
            plan = replace(plan, diagnostics=[*plan.diagnostics, *flagged])
    except Exception as e:  # a bug must cost one document, not the run
        return Diagnostic(
            document.source, f"could not be extracted ({type(e).__name__}: {e}); please report this file",
            None, "error", "internal")
    info = plan.info = replace(plan.info, sha256=document.sha256, size=document.size)
    units: dict[tuple[str, str], Unit] = {}
    for a in plan.assignments:
        key = (a.doc, a.unit)
        if key not in units:
            units[key] = gazetteer.resolve(without_glosses(a.unit), info.place, info.level)
    return plan, units


def _add(corpus: Corpus, result: Diagnostic | tuple[Plan, dict], progress: Callable[[str], None] | None) -> None:
    corpus.add(result)
    if progress and not isinstance(result, Diagnostic):
        progress(result[0].info.doc)


def _corrected_result(result: Diagnostic | tuple[Plan, dict], corrections: "Corrections | None",
                      gazetteer: "Gazetteer | None") -> Diagnostic | tuple[Plan, dict]:
    """What :func:`extract_document` returned, with the corrections applied."""
    if corrections is not None and not isinstance(result, Diagnostic):
        plan, units = result
        fixed = corrections.apply(plan)
        if fixed is not plan:
            units = dict(units)
            for a in fixed.assignments:
                if (a.doc, a.unit) not in units:
                    units[(a.doc, a.unit)] = gazetteer.resolve(a.unit, plan.info.place, plan.info.level)
            result = (fixed, units)
    return result


def load(paths: Sequence[str | Path] | str | Path | None = None, units: Sequence[str | Path] = (), *,
         jobs: int | None = 1, progress: Callable[[str], None] | None = None,
         corrections: "str | Path | Corrections | None" = None, allow_empty: bool = False) -> Corpus:
    """Read plans and extract their tasks, assignments and units.

    :param paths: files, folders, globs or ``-``; default the bundled seeds.
    :param units: extra unit-name files (same format as the bundled
        ``taskgraph/data/units.toml``) that add to or override the gazetteer.
    :param jobs: processes reading and extracting plans (default 1: here,
        one after the other). ``None`` picks one per CPU when there are
        enough plans to pay for starting them (:func:`worker_count`).
        Plans are handed out in chunks and come back in input order, so the
        corpus is the same whatever ``jobs`` is.
    :param progress: called with each plan's name once it is extracted.
    :param corrections: a corrections CSV (or :class:`~taskgraph.corrections.Corrections`)
        applied on top of extraction; those that match nothing are warnings.
    :param allow_empty: return an empty corpus when no plan could be read
        (the command line does, and says why per file); by default that
        raises :class:`~taskgraph.errors.ReadError` naming the inputs and
        what was wrong with them.

    >>> corpus = load()                                   # doctest: +SKIP
    >>> corpus.assignments.groupby("role").size()         # doctest: +SKIP
    """
    corpus = _load(paths, units, jobs, progress, corrections)
    if not corpus.plans and not allow_empty:
        from .errors import ReadError

        why = "; ".join(str(d) for d in corpus.diagnostics if d.level == "error")[:400]
        given = ", ".join(str(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths or ["seeds/"]))
        raise ReadError(given, f"no plan could be read{': ' + why if why else ''}")
    return corpus


def _load(paths, units, jobs, progress, corrections) -> Corpus:
    run = prepare(paths, units, corrections)
    corpus = Corpus()
    for result in results(run, jobs):  # (the corrections applied)
        _add(corpus, result, progress)
    return _corrected(corpus, run.corrections)


@dataclass
class Run:
    """What :func:`prepare` found before any plan is read: the gazetteer,
    the corrections, the files to read (path, document name) and the errors
    of the arguments that name nothing readable."""

    gazetteer: "Gazetteer"
    corrections: "Corrections | None"
    sources: list[tuple[str, str | None]]
    diagnostics: list[Diagnostic]
    unit_files: tuple[str, ...] = ()


def prepare(paths: Sequence[str | Path] | str | Path | None = None, units: Sequence[str | Path] = (),
            corrections: "str | Path | Corrections | None" = None) -> Run:
    """Load the gazetteer and the corrections and list the inputs: a bad
    unit file or corrections file is one error here, before any work."""
    from .normalise import Gazetteer
    from .read import plan_sources

    if paths is None:
        paths = default_inputs()
    elif isinstance(paths, (str, Path)):
        paths = [paths]
    unit_files = tuple(str(u) for u in units)
    gazetteer = Gazetteer.load(unit_files)
    if corrections is not None and not isinstance(corrections, Corrections):
        corrections = read_corrections(corrections)
    sources, diagnostics = plan_sources([str(p) for p in paths])
    return Run(gazetteer, corrections, sources, diagnostics, unit_files)


def results(run: Run, jobs: int | None = 1) -> Iterator[Diagnostic | tuple[Plan, dict[tuple[str, str], Unit]]]:
    """What :func:`extract_document` makes of each input of ``run``, in
    input order, the corrections applied (the errors of the arguments
    first): read and extracted here, one after the other, or in ``jobs``
    processes (see :func:`load`). Each result is made as it is asked for
    (with processes, a few chunks ahead), so a caller that keeps no plan
    holds none."""
    from .read import read_or_diagnose, read_stdin

    gazetteer, corrections = run.gazetteer, run.corrections
    n = worker_count(jobs, len(run.sources))
    if n == 1:
        documents = (read_or_diagnose(path, name) for path, name in run.sources)
        for item in itertools.chain(run.diagnostics, documents):
            yield _corrected_result(extract_document(item, gazetteer), corrections, gazetteer)
        return

    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    yield from run.diagnostics
    # standard input is read here (as read_document would); every file is read by a worker
    # (closed, it stays None: the worker's read_document says so)
    items = [(path, name, read_stdin() if path == "-" else None) for path, name in run.sources]
    chunk = max(1, min(CHUNK, len(items) // (4 * n)))
    with ProcessPoolExecutor(n, mp_context=multiprocessing.get_context(_start_method()),
                             initializer=_start_worker, initargs=(run.unit_files, os.getpid())) as pool:
        for result in _in_order(pool, items, chunk, AHEAD * n):
            yield _corrected_result(result, corrections, gazetteer)


def _in_order(pool, items: list, chunk: int, ahead: int) -> Iterator:
    """``pool.map(_extract_in_worker, items, chunksize=chunk)``, but with at
    most ``ahead`` chunks handed out and not yet taken back: ``map`` hands
    out every chunk at once, and the plans of all those done before their
    turn would wait in this process however slowly they are taken."""
    chunks = (items[i:i + chunk] for i in range(0, len(items), chunk))
    pending: collections.deque = collections.deque(pool.submit(_extract_chunk, c)
                                                   for c in itertools.islice(chunks, ahead))
    try:
        while pending:
            done = pending.popleft().result()
            for c in itertools.islice(chunks, 1):
                pending.append(pool.submit(_extract_chunk, c))
            done.reverse()
            while done:  # each let go once taken
                yield done.pop()
    finally:
        for future in pending:  # stopped early (an error, an interruption): nothing more is started
            future.cancel()


def _corrected(corpus: Corpus, corrections: "Corrections | None") -> Corpus:
    if corrections is not None:
        corpus.inputs.append(corrections.source)
        corpus.diagnostics.extend(corrections.stale())
    return corpus


#: Plans a worker takes at a time (fewer when there are few plans per worker).
CHUNK = 32
#: Chunks per process handed out ahead of the one being taken back (see :func:`_in_order`).
AHEAD = 4
#: With ``jobs=None``, plans per extra process below which one process is faster.
PLANS_PER_WORKER = 50


def worker_count(jobs: int | None, n_plans: int) -> int:
    """Processes :func:`load` uses for ``n_plans`` plans: ``jobs`` (never
    more than there are plans), or with ``None`` one per CPU (at most 8),
    but only as many as have :data:`PLANS_PER_WORKER` plans each (starting a
    process and its gazetteer costs about as much as extracting 50 plans)."""
    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    if jobs is None:
        jobs = min(os.cpu_count() or 1, 8, n_plans // PLANS_PER_WORKER)
    return max(1, min(jobs, n_plans))


def _start_method() -> str:
    """fork where it is safe (POSIX but macOS, one thread: cheap, nothing to
    import again), else spawn."""
    import sys
    import threading

    if hasattr(os, "fork") and sys.platform != "darwin" and threading.active_count() == 1:
        return "fork"
    return "spawn"


_worker_gazetteer: "Gazetteer | None" = None


def _start_worker(unit_files: tuple[str, ...], parent: int) -> None:
    global _worker_gazetteer
    from .normalise import Gazetteer
    from .workers import die_with_parent

    die_with_parent(parent)  # a worker never outlives the run

    _worker_gazetteer = Gazetteer.load(unit_files)  # once per process, not per plan


def _extract_chunk(items: list) -> list:
    return [_extract_in_worker(item) for item in items]


def _extract_in_worker(item: tuple[str, str | None, bytes | None]):
    from .read import read_or_diagnose

    path, name, data = item
    return extract_document(read_or_diagnose(path, name, data), _worker_gazetteer)
