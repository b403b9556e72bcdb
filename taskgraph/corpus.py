"""The pipeline end to end, as one call a notebook can make.

``load(paths)`` reads every plan, parses, extracts and normalises it, and
returns a :class:`Corpus`: the plans, their tasks, assignments and units, as
plain records (``corpus.records()``, no pandas needed) or as pandas
DataFrames (``corpus.tasks``, ``corpus.assignments``, ``corpus.units``,
``corpus.documents``, ``corpus.warnings``; pandas is imported on first use).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from .model import Diagnostic, Plan, Unit

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .normalise import Gazetteer

__all__ = ["Corpus", "load", "default_inputs", "extract_documents"]

TASK_COLUMNS = ["doc", "place", "task_id", "path", "title", "text", "deadline", "n_lead", "n_support",
                "status", "kind", "line", "section", "annotation"]
ASSIGNMENT_COLUMNS = ["doc", "place", "task_id", "unit", "unit_id", "function", "role", "line", "order",
                      "known", "collective"]
UNIT_COLUMNS = ["place", "unit_id", "name", "function", "level", "known", "collective", "names",
                "n_tasks", "lead", "support"]
DOCUMENT_COLUMNS = ["doc", "source", "format", "encoding", "title", "place", "province", "city", "district",
                    "level", "date", "period", "period_start", "period_end", "n_tasks", "n_assigned",
                    "n_unassigned", "n_edges", "n_units", "n_warnings"]
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

    # ------------------------------------------------------------ records
    def records(self) -> dict[str, list[dict]]:
        """All tables as lists of dicts (stable order, no pandas)."""
        tasks, edges, docs = [], [], []
        per_unit: dict[str, dict] = {}
        for plan in self.plans:
            info = plan.info
            roles: dict[str, list[str]] = {}
            for a in plan.assignments:
                roles.setdefault(a.task_id, []).append(a.role)
            for t in plan.tasks:
                r = roles.get(t.task_id, [])
                tasks.append({
                    "doc": t.doc, "place": info.place, "task_id": t.task_id, "path": t.path,
                    "title": t.title, "text": t.text, "deadline": t.deadline,
                    "n_lead": r.count("lead"), "n_support": r.count("support"),
                    "status": "assigned" if r else "unassigned", "kind": t.kind, "line": t.line,
                    "section": " / ".join(t.section), "annotation": t.annotation,
                })
            plan_units = set()
            for a in plan.assignments:
                u = self.units[(a.doc, a.unit)]
                plan_units.add(u.unit_id)
                edges.append({
                    "doc": a.doc, "place": info.place, "task_id": a.task_id, "unit": a.unit,
                    "unit_id": u.unit_id, "function": u.function, "role": a.role, "line": a.line,
                    "order": a.order, "known": u.known, "collective": u.collective,
                })
                row = per_unit.setdefault(u.unit_id, {
                    "place": u.place, "unit_id": u.unit_id, "name": u.name, "function": u.function,
                    "level": u.level, "known": u.known, "collective": u.collective, "names": {},
                    "tasks": set(), "lead": 0, "support": 0,
                })
                row["names"][a.unit] = None
                row["tasks"].add((a.doc, a.task_id))
                row[a.role] += 1
            n_assigned = len({t.task_id for t in plan.tasks} & set(roles))
            d = asdict(info)
            d.update({
                "source": plan.source, "n_tasks": len(plan.tasks), "n_assigned": n_assigned,
                "n_unassigned": len(plan.tasks) - n_assigned, "n_edges": len(plan.assignments),
                "n_units": len(plan_units),
                "n_warnings": sum(1 for x in plan.diagnostics if x.level != "info"),
            })
            docs.append({k: d.get(k, "") for k in DOCUMENT_COLUMNS})
        units = []
        for row in sorted(per_unit.values(), key=lambda r: (r["place"], r["unit_id"])):
            row = dict(row)
            row["names"] = "、".join(row["names"])
            row["n_tasks"] = len(row.pop("tasks"))
            units.append({k: row[k] for k in UNIT_COLUMNS})
        warnings = [{"file": x.source, "line": x.line if x.line is not None else "", "level": x.level,
                     "code": x.code, "message": x.message} for x in self.diagnostics]
        return {"documents": docs, "tasks": tasks, "assignments": edges, "units": units, "warnings": warnings}

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


def extract_documents(documents: Iterable, gazetteer: "Gazetteer",
                      progress: Callable[[str], None] | None = None) -> Corpus:
    """Run parse → extract → normalise over documents already read
    (``Document`` objects, or ``Diagnostic`` for files that failed)."""
    from .extract import extract_plan

    corpus = Corpus()
    for item in documents:
        if isinstance(item, Diagnostic):
            corpus.diagnostics.append(item)
            corpus.unreadable += 1
            continue
        try:
            plan = extract_plan(item, gazetteer.is_unit_like)
        except Exception as e:  # a bug must cost one document, not the run
            corpus.diagnostics.append(Diagnostic(
                item.source, f"could not be extracted ({type(e).__name__}: {e}); please report this file",
                None, "error", "internal"))
            corpus.unreadable += 1
            continue
        info = plan.info
        for a in plan.assignments:
            key = (a.doc, a.unit)
            if key not in corpus.units:
                corpus.units[key] = gazetteer.resolve(a.unit, info.place, info.level)
        corpus.plans.append(plan)
        corpus.diagnostics.extend(plan.diagnostics)
        if progress:
            progress(item.name)
    return corpus


def load(paths: Sequence[str | Path] | str | Path | None = None,
         units: Sequence[str | Path] = ()) -> Corpus:
    """Read plans and extract their tasks, assignments and units.

    :param paths: files, folders, globs or ``-``; default the bundled seeds.
    :param units: extra unit-name files (same format as the bundled
        ``taskgraph/data/units.toml``) that add to or override the gazetteer.

    >>> corpus = load()                                   # doctest: +SKIP
    >>> corpus.assignments.groupby("role").size()         # doctest: +SKIP
    """
    from .normalise import Gazetteer
    from .read import iter_documents

    if paths is None:
        paths = default_inputs()
    elif isinstance(paths, (str, Path)):
        paths = [paths]
    gazetteer = Gazetteer.load(units)
    return extract_documents(iter_documents([str(p) for p in paths]), gazetteer)
