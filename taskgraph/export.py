"""Writing results: CSV (UTF-8 with BOM, so Excel opens Chinese right) and
JSON, each written atomically (a temporary file in the same folder, then
renamed over the target), so an interrupted run never leaves half a table.

Same input → byte-identical files: no timestamps, no absolute paths, stable
row order.

An output folder is kept clean across runs: a command writes its files,
then calls :func:`finish_outputs`, which records them in the folder's
manifest (``.taskgraph-manifest.json``: relative path → SHA-256). Files the
previous manifest lists that this run did not write again are stale and
removed, unless they were changed since; files no manifest lists are the
user's and never touched (they are only mentioned). While writing, inside
:func:`protect_inputs`, :func:`atomic_write` refuses to replace an input.

Every command writes through one call, :func:`write_outputs`: it checks the
folder first (:func:`check_output_folder`: not a file, creatable, writable,
its subfolders no links leading elsewhere), then writes with the inputs
protected and every write confined to the folder (a link inside it that
leads outside is never followed), records the manifest, and turns any
problem of the disk (full, read-only, permissions, a file where a folder
must go) into one :class:`~taskgraph.errors.OutputError` naming the path and
saying what to do. A file is written whole or not at all.

>>> written, outputs = write_outputs("outputs", lambda: write_extract(corpus, "outputs"),
...                                  inputs=input_paths(corpus), command="extract")  # doctest: +SKIP
>>> for note in outputs.notes():                                                        # doctest: +SKIP
...     print("note:", note)
"""
from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import stat
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable, Iterator, Sequence

from .corpus import (ASSIGNMENT_COLUMNS, DOCUMENT_COLUMNS, TASK_COLUMNS, UNIT_COLUMNS, WARNING_COLUMNS,
                     Corpus)
from .errors import OutputError, UsageError
from .manifest import MANIFEST, read_manifest
from .safe import csv_cell, cut_utf8

__all__ = ["atomic_write", "csv_text", "csv_bytes", "write_csv", "write_json", "write_extract", "EXTRACT_FILES", "MANIFEST",
           "Outputs", "finish_outputs", "read_manifest", "protect_inputs", "input_paths", "pajek_bytes",
           "ucinet_bytes", "label_rows", "EDGE_VALUE", "confine_to", "check_output_folder", "write_outputs",
           "output_error", "protect_more", "ExtractStream", "stream_extract"]


EXTRACT_FILES = ("tasks.csv", "assignments.csv", "units.csv", "documents.csv", "warnings.csv", "taskgraph.json")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_NEW_FILE_MODE = 0o666 & ~_umask()  # what open() would give a new file
_protected: set[tuple[int, int]] = set()  # (device, inode) of the inputs, see protect_inputs
_roots: list[tuple[Path, Path]] = []  # (folder as given, resolved) that writes are confined to, see confine_to
_made: list[list[Path]] = []  # files and folders made by the run of write_outputs going on, undone if it fails


def atomic_write(path: str | Path, data: bytes | Iterable[bytes]) -> Path:
    """Write ``data`` (bytes, or pieces of bytes in turn) to ``path``
    through a temporary file and a rename.

    The file gets the mode a plain ``open()`` would give it (an existing
    file keeps its own). Inside :func:`protect_inputs`, replacing an input
    file raises :class:`~taskgraph.errors.UsageError` and writes nothing.
    Inside :func:`confine_to`, a path reached through a link that leads out
    of the folder raises :class:`~taskgraph.errors.OutputError` and writes
    nothing. A failure of the disk raises ``OSError`` naming ``path`` (not
    the temporary file) and leaves no temporary file behind.
    """
    path = Path(path)
    if _roots:
        _check_confined(path)
    try:
        st = os.stat(path)
    except OSError:
        mode = _NEW_FILE_MODE
    else:
        if (st.st_dev, st.st_ino) in _protected:
            raise UsageError(f"{path}: refused to write over an input file; choose another output folder")
        mode = _NEW_FILE_MODE if os.path.islink(path) else stat.S_IMODE(st.st_mode)
    existed = os.path.lexists(path)
    missing = [] if os.path.isdir(path.parent) else _missing_folders(path.parent)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file (or a dangling link) where a folder must go
        raise NotADirectoryError(errno.ENOTDIR, "a file stands where a folder must go",
                                 str(_first_not_folder(path.parent))) from None
    if _roots:
        _check_confined(path)  # the folders just made hold no link
    # the temporary name: hidden, and within the 255 bytes a name may have
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{cut_utf8(path.name, 120)}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, (bytes, bytearray, memoryview)):
                fh.write(data)
            else:
                for piece in data:
                    fh.write(piece)
            fh.flush()
            os.fsync(fh.fileno())
            os.fchmod(fh.fileno(), mode)
        os.replace(tmp, path)
        tmp = None
    except BaseException as e:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        if isinstance(e, OSError) and (e.filename is None or e.filename == tmp):
            # the user knows the file it was to become, not the temporary one
            raise type(e)(e.errno, e.strerror or str(e), str(path)) from None
        raise
    finally:
        if _made:
            _made[-1].extend(missing)
    if _made and not existed:
        _made[-1].append(path)
    return path


def _missing_folders(folder: Path) -> list[Path]:
    """The folders of ``folder`` that do not exist yet, outermost first."""
    missing = []
    for part in (folder, *folder.parents):
        if os.path.lexists(part):
            break
        missing.append(part)
    return missing[::-1]


def _undo(made: list[Path]) -> None:
    """Remove the files a failed run made (it made them whole, but a run is
    all or nothing for what it adds), then the folders it made, if empty."""
    for path in reversed(made):
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                os.rmdir(path)
            else:
                os.unlink(path)
        except OSError:
            pass


def _first_not_folder(folder: Path) -> Path:
    """The first part of ``folder`` that exists and is not a folder."""
    for part in reversed((folder, *folder.parents)):
        if os.path.lexists(part) and not part.is_dir():
            return part
    return folder


def _nearest_existing(path: Path) -> Path:
    for part in (path, *path.parents):
        if os.path.lexists(part):
            return part
    return path


def _check_confined(path: Path) -> None:
    """Raise :class:`OutputError` when ``path`` lies in a confined folder but
    its folder is reached through a link leading out of it."""
    given, root = _roots[-1]
    try:
        rel = Path(os.path.abspath(path)).relative_to(os.path.abspath(given))
    except ValueError:
        return  # not inside the folder: not this rule's business (finish_outputs checks written paths)
    here = given
    for part in rel.parts[:-1]:
        here = here / part
        if not os.path.islink(here):
            if not os.path.lexists(here):
                return  # made by the writer: no link beyond
            continue
        target = Path(os.path.realpath(here))
        if target != root and root not in target.parents:
            raise OutputError(f"{here}: is a link to {os.readlink(here)}, outside the output folder; not followed "
                              f"(remove the link or choose another output folder)")


@contextmanager
def confine_to(folder: str | Path) -> Iterator[None]:
    """Within this block, :func:`atomic_write` writes nothing into ``folder``
    through a link (a subfolder linked elsewhere) that leads out of it.
    ``folder`` itself may be a link: where it leads is the folder."""
    given = Path(folder)
    _roots.append((given, Path(os.path.realpath(given))))
    try:
        yield
    finally:
        _roots.pop()


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else csv_cell(value)


def csv_text(header: Sequence[object], rows: Iterable[Sequence[object]], lineterminator: str = "\r\n") -> str:
    """A header and rows as CSV text: every CSV taskgraph writes or prints
    is made here. A text cell that a spreadsheet would take for a formula is
    escaped (:func:`taskgraph.safe.csv_cell`); numbers are written as
    numbers, ``True``/``False`` as ``true``/``false``, ``None`` empty."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=lineterminator)
    w.writerow([_cell(h) for h in header])
    for row in rows:
        w.writerow([_cell(v) for v in row])
    return buf.getvalue()


def csv_bytes(rows: Iterable[dict], columns: list[str]) -> bytes:
    """Rows (dicts) as CSV text in UTF-8 with a BOM (Excel reads Chinese right)."""
    return csv_text(columns, ([row.get(c) for c in columns] for row in rows)).encode("utf-8-sig")


def write_csv(path: str | Path, rows: Iterable[dict], columns: list[str]) -> Path:
    return atomic_write(path, csv_bytes(rows, columns))


def write_json(path: str | Path, obj: object) -> Path:
    text = json.dumps(obj, ensure_ascii=False, indent=1) + "\n"
    return atomic_write(path, text.encode("utf-8"))


def write_extract(corpus: Corpus, out_dir: str | Path) -> list[Path]:
    """Write tasks.csv, assignments.csv, units.csv, documents.csv,
    warnings.csv and taskgraph.json (all of it) into ``out_dir``."""
    out = Path(out_dir)
    rec = corpus.records()
    written = [
        write_csv(out / "tasks.csv", rec["tasks"], TASK_COLUMNS),
        write_csv(out / "assignments.csv", rec["assignments"], ASSIGNMENT_COLUMNS),
        write_csv(out / "units.csv", rec["units"], UNIT_COLUMNS),
        write_csv(out / "documents.csv", rec["documents"], DOCUMENT_COLUMNS),
        write_csv(out / "warnings.csv", rec["warnings"], WARNING_COLUMNS),
        write_json(out / "taskgraph.json", rec),
    ]
    return written


# --------------------------------------------------------------------------
# The same files, written as the plans come (taskgraph extract)
# --------------------------------------------------------------------------

_JSON_STRING = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes a string as
_JSON = json.JSONEncoder(ensure_ascii=False, indent=1)
_JSON_SECTIONS = ("documents", "tasks", "assignments", "units", "warnings")


def _json_record(row: dict) -> str:
    """``row`` as ``json.dumps(..., ensure_ascii=False, indent=1)`` writes it
    as an item of a list that is a value of the top object (two levels in)."""
    parts = []
    for key, value in row.items():
        kind = type(value)
        if kind is str:
            text = _JSON_STRING(value)
        elif kind is int:
            text = int.__repr__(value)
        elif kind is bool:
            text = "true" if value else "false"
        elif value is None:
            text = "null"
        else:  # anything else as json writes it (a line break of its own is never inside a string)
            return "  " + _JSON.encode(row).replace("\n", "\n  ")
        if type(key) is not str:
            return "  " + _JSON.encode(row).replace("\n", "\n  ")
        parts.append(f"   {_JSON_STRING(key)}: {text}")
    return "  {\n" + ",\n".join(parts) + "\n  }" if parts else "  {}"


class _Spool:
    """A file with no name in the output folder that one output is written
    into as it comes: it takes no memory, vanishes when closed or when the
    process dies however it dies, and a full disk is found on the disk the
    output goes to. A failure of the disk names the output (``path``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.empty = True
        try:
            self.file = tempfile.TemporaryFile(dir=path.parent)
        except OSError as e:
            raise type(e)(e.errno, e.strerror or str(e), str(path)) from None

    def write(self, data: bytes) -> None:
        try:
            self.file.write(data)
        except OSError as e:
            raise type(e)(e.errno, e.strerror or str(e), str(self.path)) from None
        self.empty = False

    def pieces(self) -> Iterator[bytes]:
        """What was written, from the start, in pieces."""
        try:
            self.file.flush()
            self.file.seek(0)
            for piece in iter(lambda: self.file.read(1 << 20), b""):
                yield piece
        except OSError as e:
            raise type(e)(e.errno, e.strerror or str(e), str(self.path)) from None

    def close(self) -> None:
        try:
            self.file.close()
        except OSError:
            pass


class _CsvSpool(_Spool):
    """A CSV file as :func:`csv_bytes` writes it, rows added in turn."""

    def __init__(self, path: Path, columns: list[str]) -> None:
        super().__init__(path)
        self.columns = columns
        self.text = io.StringIO()
        self.writer = csv.writer(self.text, lineterminator="\r\n")
        self.write(csv_text(columns, ()).encode("utf-8-sig"))

    def rows(self, rows: Iterable[dict]) -> None:
        columns, writerow = self.columns, self.writer.writerow
        for row in rows:
            writerow([_cell(row.get(c)) for c in columns])
        text = self.text.getvalue()
        if text:
            self.write(text.encode("utf-8"))
            self.text.seek(0)
            self.text.truncate()


class _JsonSpool(_Spool):
    """The items of one list of taskgraph.json, as :func:`write_json` writes them."""

    def rows(self, rows: Iterable[dict]) -> None:
        text = ",\n".join(map(_json_record, rows))
        if text:
            self.write((text if self.empty else ",\n" + text).encode("utf-8"))


class ExtractStream:
    """What ``taskgraph extract`` writes, written as each plan comes: the
    same files :func:`write_extract` writes from a whole :class:`Corpus`,
    byte for byte, holding none of the plans.

    :meth:`add` takes what :func:`taskgraph.corpus.results` yields for each
    input, in input order, and decides as :meth:`Corpus.add` does (a plan
    read already is counted once, a name taken is renamed); the plan's rows
    of tasks.csv, assignments.csv, documents.csv and warnings.csv and its
    items of taskgraph.json go straight into files with no name in the
    output folder (see :class:`_Spool`), and the plan is let go. Kept until
    the end, because they need every plan: the rows of units.csv (one per
    unit, sorted by place), the fingerprints of the plans read and the names
    taken, the counts of the summary and the exit status, the paths read
    (protected when the files are written), and the first diagnostics, for
    the lines printed before writing. :meth:`commit` then writes each file
    whole (:func:`atomic_write`); :meth:`close` lets the spools go.

    A notebook has :func:`taskgraph.load` and :func:`write_extract`; this is
    for a corpus too large to hold (it runs inside :func:`write_outputs`,
    see :func:`stream_extract`)."""

    def __init__(self, out_dir: str | Path, keep: int = 26) -> None:
        from .corpus import UnitTally

        self.folder = Path(out_dir)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except FileExistsError:  # a file (or a dangling link) where a folder must go
            raise NotADirectoryError(errno.ENOTDIR, "a file stands where a folder must go",
                                     str(_first_not_folder(self.folder))) from None
        self.keep = keep
        self.diagnostics: list = []  # the first `keep` not info, and the first `keep` errors: what is printed
        self.inputs: list[str] = []  # every path read, as input_paths() gives them for a corpus
        self.plans = self.unreadable = self.tasks = self.assigned = self.edges = 0
        self.levels = {"info": 0, "warning": 0, "error": 0}
        self.other_levels = 0  # diagnostics of no level above
        self.with_tasks = 0  # plans that yield a task
        self._unit_ids: set[str] = set()
        self._unknown: set[str] = set()
        self._tally = UnitTally()
        self._seen: dict = {}
        self._names: set[str] = set()
        self._spools: list[_Spool] = []
        try:
            self._csv = {name: self._spool(_CsvSpool, f"{name}.csv", columns) for name, columns in (
                ("tasks", TASK_COLUMNS), ("assignments", ASSIGNMENT_COLUMNS), ("documents", DOCUMENT_COLUMNS),
                ("warnings", WARNING_COLUMNS))}
            self._json = {name: self._spool(_JsonSpool, "taskgraph.json") for name in self._csv}
        except BaseException:
            self.close()
            raise

    def _spool(self, kind, name: str, *args):
        spool = kind(self.folder / name, *args)
        self._spools.append(spool)
        return spool

    # ------------------------------------------------------------ taking plans
    def add(self, result) -> None:
        """Add what :func:`~taskgraph.corpus.extract_document` returned for
        one input (corrections applied), as :meth:`Corpus.add` would."""
        from .corpus import duplicate_of, named_apart
        from .model import Diagnostic

        if isinstance(result, Diagnostic):
            self.unreadable += 1
            self._diagnose([result])
            return
        note = duplicate_of(self._seen, result[0])
        if note is not None:
            self.inputs.append(result[0].source)  # read, so never written over, though counted once
            self._diagnose([note])
            return
        plan, units = named_apart(self._names, *result)
        self._write_plan(plan, units)
        self.inputs.append(plan.source)
        self._diagnose(plan.diagnostics)

    def _write_plan(self, plan, units) -> None:
        from .corpus import plan_records

        rows = plan_records(plan, units, self._tally)
        for name in ("tasks", "assignments"):
            self._csv[name].rows(rows[name])
            self._json[name].rows(rows[name])
        self._csv["documents"].rows((rows["document"],))
        self._json["documents"].rows((rows["document"],))
        self.plans += 1
        self.tasks += len(plan.tasks)
        self.with_tasks += bool(plan.tasks)
        self.assigned += len({a.task_id for a in plan.assignments})
        self.edges += len(plan.assignments)
        for unit in units.values():  # as Corpus.summary counts them: every unit of the plan's names
            self._unit_ids.add(unit.unit_id)
            if not unit.known:
                self._unknown.add(unit.unit_id)

    def _diagnose(self, diagnostics) -> None:
        from .corpus import warning_record

        if not diagnostics:
            return
        rows = [warning_record(d) for d in diagnostics]
        self._csv["warnings"].rows(rows)
        self._json["warnings"].rows(rows)
        for d in diagnostics:
            if d.level in self.levels:
                self.levels[d.level] += 1
            else:
                self.other_levels += 1
            if d.level == "error":
                self.inputs.append(d.source)
            if d.level != "info" and (self.non_info <= self.keep or (d.level == "error" and
                                                                     self.levels["error"] <= self.keep)):
                self.diagnostics.append(d)

    def finish(self, corrections=None) -> None:
        """After the last input: the corrections that matched nothing are warnings."""
        if corrections is not None:
            self.inputs.append(corrections.source)
            self._diagnose(corrections.stale())

    # ------------------------------------------------------------ counts
    @property
    def non_info(self) -> int:
        """Diagnostics that are not ``info`` (warnings and errors)."""
        return self.levels["warning"] + self.levels["error"] + self.other_levels

    @property
    def no_task(self) -> bool:
        """Plans were read, and not one of them yields a task."""
        return bool(self.plans) and not self.with_tasks

    def summary(self) -> dict[str, int]:
        """What :meth:`Corpus.summary` says of the same corpus."""
        return {
            "documents": self.plans, "unreadable": self.unreadable, "tasks": self.tasks,
            "assigned": self.assigned, "unassigned": self.tasks - self.assigned, "edges": self.edges,
            "units": len(self._unit_ids), "unknown_units": len(self._unknown), "warnings": self.levels["warning"],
        }

    # ------------------------------------------------------------ the files
    def commit(self) -> list[Path]:
        """Write the six files whole (each through :func:`atomic_write`, the
        paths read protected), in the order :func:`write_extract` writes
        them; their paths."""
        protect_more(self.inputs)
        out = self.folder
        units = self._tally.records()
        written = [
            atomic_write(out / "tasks.csv", self._csv["tasks"].pieces()),
            atomic_write(out / "assignments.csv", self._csv["assignments"].pieces()),
            atomic_write(out / "units.csv", csv_bytes(units, UNIT_COLUMNS)),
            atomic_write(out / "documents.csv", self._csv["documents"].pieces()),
            atomic_write(out / "warnings.csv", self._csv["warnings"].pieces()),
            atomic_write(out / "taskgraph.json", self._json_pieces(units)),
        ]
        return written

    def _json_pieces(self, units: list[dict]) -> Iterator[bytes]:
        yield b"{\n"
        for i, name in enumerate(_JSON_SECTIONS):
            head = ((",\n" if i else "") + f" {_JSON_STRING(name)}: ").encode("utf-8")
            if name == "units":
                body = ",\n".join(map(_json_record, units)).encode("utf-8")
                yield head + (b"[\n" + body + b"\n ]" if units else b"[]")
                continue
            spool = self._json[name]
            if spool.empty:
                yield head + b"[]"
                continue
            yield head + b"[\n"
            yield from spool.pieces()
            yield b"\n ]"
        yield b"\n}\n"

    def close(self) -> None:
        for spool in self._spools:
            spool.close()


class _NoPlan(Exception):
    """No input yields a plan: nothing is written."""


class _NotWriting(Exception):
    """An error of the reading or the printing met while the files are
    written: raised again as it was, not taken for a failure of the disk."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def stream_extract(out_dir: str | Path, results: Iterable, *, corrections=None,
                   before_writing: Callable[[ExtractStream], None] | None = None, command: str = "extract"
                   ) -> tuple[ExtractStream, list[Path], "Outputs | None"]:
    """``taskgraph extract``'s files written from ``results`` (what
    :func:`taskgraph.corpus.results` yields) as they come, through
    :func:`write_outputs` (the folder checked, inputs protected, every file
    whole or not at all, the manifest kept, a failure of the disk one
    :class:`~taskgraph.errors.OutputError`). ``before_writing(stream)`` is
    called once every input is read, before any file is written (to print
    the diagnostics). When no input yields a plan nothing is written, and the
    folder is as it was: then the paths are ``[]`` and the outputs None.

    Returns the :class:`ExtractStream` (its counts and first diagnostics),
    the paths written and the :class:`Outputs` of the folder."""
    made: list[ExtractStream] = []

    def write() -> list[Path]:
        stream = ExtractStream(out_dir)
        made.append(stream)
        try:
            taking = iter(results)
            while True:
                try:
                    result = next(taking)
                except StopIteration:
                    break
                except Exception as e:  # the reading's, never the disk's
                    raise _NotWriting(e) from None
                stream.add(result)
            stream.finish(corrections)
            if before_writing is not None:
                try:
                    before_writing(stream)
                except Exception as e:
                    raise _NotWriting(e) from None
            if not stream.plans:
                raise _NoPlan
            return stream.commit()
        finally:
            stream.close()

    try:
        written, outputs = write_outputs(out_dir, write, command=command)
    except _NoPlan:
        return made[0], [], None
    except _NotWriting as e:
        raise e.error from None
    return made[0], written, outputs


# --------------------------------------------------------------------------
# Inputs and the output folder
# --------------------------------------------------------------------------


def input_paths(corpus: Corpus) -> list[str]:
    """Every path a corpus was read from, readable or not (for :func:`protect_inputs`)."""
    return ([p.source for p in corpus.plans] + [d.source for d in corpus.diagnostics if d.level == "error"]
            + list(corpus.inputs))


_guards: list[set[tuple[int, int]]] = []  # the files each protect_inputs block going on added


@contextmanager
def protect_inputs(paths: Iterable[str | os.PathLike]) -> Iterator[None]:
    """Within this block, :func:`atomic_write` refuses to replace any of
    ``paths`` (compared as files, so another spelling of the same path or a
    link to it is caught too). Paths that do not exist are ignored. More
    can be added within the block with :func:`protect_more`."""
    added: set[tuple[int, int]] = set()
    _guards.append(added)
    try:
        protect_more(paths)
        yield
    finally:
        _guards.pop()
        _protected.difference_update(added)


def protect_more(paths: Iterable[str | os.PathLike]) -> None:
    """Protect ``paths`` too, until the innermost :func:`protect_inputs`
    block ends (for inputs known only once they are read, as ``taskgraph
    extract`` reads them while it writes)."""
    if not _guards:
        raise RuntimeError("protect_more() outside a protect_inputs() block")
    added = _guards[-1]
    for p in paths:
        try:
            st = os.stat(p)
        except (OSError, ValueError):
            continue
        key = (st.st_dev, st.st_ino)
        if key not in _protected:
            added.add(key)
            _protected.add(key)


@dataclass
class Outputs:
    """What :func:`finish_outputs` found and did in an output folder.

    ``removed``: files an earlier run wrote that this run did not write
    again (stale), now deleted. ``changed``: such files that were edited
    since taskgraph wrote them, so kept. ``foreign``: files no taskgraph run
    wrote (the user's), left alone. Paths are relative to ``folder``.
    """

    folder: Path
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)

    def notes(self, limit: int = 5) -> list[str]:
        """One line per thing the user should know, for standard error."""
        def names(paths: list[str]) -> str:
            shown = ", ".join(paths[:limit])
            return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")

        notes = []
        if self.removed:
            notes.append(f"removed {_files(len(self.removed))} an earlier run wrote to {self.folder}/ and this "
                         f"run did not: {names(self.removed)}")
        if self.changed:
            notes.append(f"kept {_files(len(self.changed))} of an earlier run, changed since it was written "
                         f"(now out of date): {names(self.changed)}")
        if self.foreign:
            notes.append(f"{self.folder}/ also holds {_files(len(self.foreign))} taskgraph did not write "
                         f"(left as they are): {names(self.foreign)}")
        return notes


def _files(n: int) -> str:
    return f"{n} file" if n == 1 else f"{n} files"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _read_writers(out_dir: Path) -> dict[str, str]:
    """Which command wrote each file of the manifest (``by``), where recorded."""
    try:
        by = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8")).get("by", {})
    except (OSError, ValueError, AttributeError):
        return {}
    return {k: v for k, v in by.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(by, dict) else {}


def finish_outputs(out_dir: str | Path, written: Iterable[str | Path], command: str | None = None) -> Outputs:
    """Record the files a run wrote into ``out_dir`` and clear out stale ones.

    Call it once, after every file of the run is written (not after a
    failed run: then nothing is removed). ``written`` are the paths the
    writers returned; they must lie inside ``out_dir``.

    * The manifest ``.taskgraph-manifest.json`` is rewritten (atomically)
      to list ``written`` with their SHA-256.
    * A file the previous manifest listed and this run did not write is
      removed if its content is still what taskgraph wrote (then empty
      folders it leaves are removed too), else kept and reported.
    * Files no manifest lists are never touched; they are reported.

    With ``command`` (``"extract"``, ``"report"``…) only the files that same
    command wrote before count as stale: ``taskgraph extract`` into a folder
    holding a report leaves the report's figures alone, and they stay listed.

    Returns an :class:`Outputs`; ``.notes()`` words it for the user.
    """
    folder = Path(out_dir)
    root = Path(os.path.realpath(folder))  # os.path.realpath never raises, even on a loop of links
    files: dict[str, str] = {}
    for p in written:
        path = Path(p)
        try:
            rel = Path(os.path.realpath(path)).relative_to(root)
        except ValueError:
            raise ValueError(f"{path} is not inside the output folder {folder}") from None
        files[rel.as_posix()] = _sha256(path)
    old = read_manifest(folder)
    old_by = _read_writers(folder)
    by = dict.fromkeys(files, command) if command else {}
    result = Outputs(folder, sorted(files))
    kept: dict[str, str] = {}
    for name in sorted(set(old) - set(files)):
        path = folder / name
        if path.is_symlink() or not path.is_file() or root not in Path(os.path.realpath(path)).parents:
            continue  # gone already, or replaced by something taskgraph never writes (a link)
        if command and old_by.get(name, command) != command:
            kept[name] = old[name]  # another command's output: not stale, still ours
            by[name] = old_by[name]
            continue
        if _sha256(path) != old[name]:
            result.changed.append(name)
            continue
        path.unlink()
        result.removed.append(name)
        _remove_empty_parents(path.parent, folder)
    manifest: dict = {"format": 1, "tool": "taskgraph", "files": dict(sorted({**files, **kept}.items()))}
    if by:
        manifest["by"] = dict(sorted(by.items()))
    atomic_write(folder / MANIFEST, (json.dumps(manifest, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            rel = (Path(dirpath) / name).relative_to(folder).as_posix()
            if not name.startswith(".") and rel not in files and rel not in kept and rel not in result.changed:
                result.foreign.append(rel)
    result.foreign.sort()
    return result


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()  # only if empty
        except OSError:
            return
        folder = folder.parent


# --------------------------------------------------------------------------
# Two-mode network files for Pajek and UCINET
# --------------------------------------------------------------------------
#: Edge value in the Pajek and UCINET files: a lead tie weighs 2, a support tie 1
#: (dichotomise at > 0 for plain incidence, at 2 for the leads alone).
EDGE_VALUE = {"lead": 2, "support": 1}


def _two_mode(G) -> tuple[list, list, list[tuple[int, int, int]]]:
    """Tasks (mode 1) and units (mode 2) of a task–unit graph in graph order,
    and its edges as ``(task number, unit number, value)``, numbered from 1
    within each mode, sorted."""
    tasks = [n for n, d in G.nodes(data="bipartite") if d == 0]
    units = [n for n, d in G.nodes(data="bipartite") if d == 1]
    t_no = {n: i for i, n in enumerate(tasks, start=1)}
    u_no = {n: i for i, n in enumerate(units, start=1)}
    edges = []
    for a, b, role in G.edges(data="role"):
        t, u = (a, b) if a in t_no else (b, a)
        edges.append((t_no[t], u_no[u], EDGE_VALUE.get(role, 1)))
    return tasks, units, sorted(edges)


def _pajek_label(text: str) -> str:
    # Pajek labels are quoted; a quote or line break inside would end them
    return '"' + " ".join(str(text).replace('"', "'").split()) + '"'


def pajek_bytes(G) -> bytes:
    """The task–unit graph as a two-mode Pajek ``.net`` file.

    ``*Vertices N T``: the first ``T`` vertices are the tasks (mode 1), in
    graph order, then the units; each labelled with its ``label`` (place,
    path and title of a task; a unit's display name) in UTF-8, the file
    opening with a byte-order mark, which is how Pajek (3 and later) knows
    the file is UTF-8. ``*Edges``: ``task unit value``, value 2 for a lead
    tie, 1 for a support tie."""
    tasks, units, edges = _two_mode(G)
    lines = [f"*Vertices {len(tasks) + len(units)} {len(tasks)}"]
    for i, n in enumerate(tasks + units, start=1):
        lines.append(f"{i} {_pajek_label(G.nodes[n].get('label') or n)}")
    lines.append("*Edges")
    lines += [f"{t} {len(tasks) + u} {v}" for t, u, v in edges]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def ucinet_bytes(G) -> bytes:
    """The task–unit graph as a UCINET DL file (two-mode, ``edgelist2``).

    UCINET reads no Unicode, so rows (tasks) and columns (units) are
    labelled with ASCII keys, ``T1`` … and ``U1`` … in graph order (the
    order of the Pajek file too); ``graph-labels.csv`` says which task and
    unit each key is. Values: 2 lead, 1 support."""
    tasks, units, edges = _two_mode(G)
    lines = [f"DL NR={len(tasks)} NC={len(units)}", "FORMAT = EDGELIST2", "ROW LABELS:"]
    lines += [f"T{i}" for i in range(1, len(tasks) + 1)]
    lines.append("COLUMN LABELS:")
    lines += [f"U{i}" for i in range(1, len(units) + 1)]
    lines.append("DATA:")
    lines += [f"T{t} U{u} {v}" for t, u, v in edges]
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


LABEL_COLUMNS = ["key", "mode", "node", "place", "label"]


def label_rows(G) -> list[dict]:
    """What each ASCII key of the UCINET file stands for."""
    tasks, units, _ = _two_mode(G)
    rows = [{"key": f"T{i}", "mode": "task", "node": n, "place": G.nodes[n].get("place"),
             "label": G.nodes[n].get("label")} for i, n in enumerate(tasks, start=1)]
    rows += [{"key": f"U{i}", "mode": "unit", "node": n, "place": G.nodes[n].get("place"),
              "label": G.nodes[n].get("label")} for i, n in enumerate(units, start=1)]
    return rows


# One way to write a command's results
# --------------------------------------------------------------------------

# what the user can do about each failure of the disk
_ADVICE = {
    errno.ENOSPC: "free some space or choose another output folder",
    errno.EDQUOT: "free some space or choose another output folder",
    errno.EFBIG: "choose another output folder",
    errno.EACCES: "choose a folder you can write to",
    errno.EPERM: "choose a folder you can write to",
    errno.EROFS: "the disk is read-only: choose another output folder",
    errno.ENOTDIR: "move that file away or choose another output folder",
    errno.EEXIST: "move that file away or choose another output folder",
    errno.EISDIR: "a folder stands where a file must go: move it away or choose another output folder",
    errno.ELOOP: "a link in the path loops: remove it or choose another output folder",
    errno.ENAMETOOLONG: "choose an output folder with a shorter path",
}


def output_error(error: OSError, folder: str | Path) -> OutputError:
    """An ``OSError`` met while writing into ``folder`` as one line for the
    user: the path, what went wrong, what to do."""
    where = error.filename or folder
    reason = error.strerror or str(error)
    advice = _ADVICE.get(error.errno, "check the output folder or choose another one")
    return OutputError(f"{where}: cannot write the results: {reason}; {advice}")


def _writable(folder: Path) -> str | None:
    """Why nothing can be written into an existing ``folder`` (None: it can)."""
    try:
        if os.statvfs(folder).f_flag & getattr(os, "ST_RDONLY", 1):
            return "is on a read-only disk; choose another output folder"
    except (OSError, AttributeError):
        pass
    if not os.access(folder, os.W_OK | os.X_OK):
        return "is not writable for you; choose a folder you can write to"
    return None


def check_output_folder(folder: str | Path, subfolders: Iterable[str] = ()) -> None:
    """Refuse an output folder nothing can be written into, before any work is
    done, with one line naming the path: a file (:class:`UsageError`), a link
    to nothing, a folder that cannot be made or written, on a read-only disk,
    or whose ``subfolders`` (those the command writes into) are links leading
    outside it or files (:class:`~taskgraph.errors.OutputError`). Nothing is
    created."""
    folder = Path(folder)
    if os.path.lexists(folder):
        if not folder.exists():
            raise OutputError(f"{folder}: is a link to {os.readlink(folder)}, which does not exist; "
                              f"choose another output folder")
        if not folder.is_dir():
            raise UsageError(f"--output {folder} is a file, not a folder; name a folder (it is made if missing)")
        why = _writable(folder)
        if why:
            raise OutputError(f"{folder}: {why}")
        root = Path(os.path.realpath(folder))
        for sub in subfolders:
            path = folder / sub
            if os.path.islink(path):
                target = Path(os.path.realpath(path))
                if target != root and root not in target.parents:
                    raise OutputError(f"{path}: is a link to {os.readlink(path)}, outside the output folder; "
                                      f"not followed (remove the link or choose another output folder)")
            if os.path.lexists(path) and not path.is_dir():
                raise OutputError(f"{path}: a file stands where taskgraph writes a folder; move it away or "
                                  f"choose another output folder")
        return
    parent = _nearest_existing(folder.parent if str(folder.parent) else Path("."))
    if not parent.is_dir():
        raise OutputError(f"{folder}: cannot be made, {parent} is a file; choose another output folder")
    why = _writable(parent)
    if why:
        raise OutputError(f"{folder}: cannot be made, {parent} {why}")


def write_outputs(folder: str | Path, write: Callable[[], Iterable[str | Path]], *, inputs: Iterable[str] = (),
                  command: str | None = None, subfolders: Iterable[str] = ()) -> tuple[list[Path], Outputs]:
    """Run ``write()`` — which writes a command's files into ``folder`` with
    :func:`atomic_write` and returns their paths — the one way every command
    writes its results:

    * the folder is checked first (:func:`check_output_folder`);
    * no file of ``inputs`` is ever replaced (:func:`protect_inputs`);
    * nothing is written through a link leading out of the folder
      (:func:`confine_to`);
    * the files are recorded in the folder's manifest and stale files of an
      earlier run of ``command`` removed (:func:`finish_outputs`);
    * a failure of the disk (full, read-only, permissions, a file where a
      folder must go) becomes one :class:`~taskgraph.errors.OutputError`
      naming the path. When the run fails (that, a refused input, an
      interruption), the files and folders it made are removed again, every
      file it replaced is either its old self or the new one whole, no
      temporary file is left, and the manifest is not changed.

    Returns the paths written and the :class:`Outputs` of the folder.
    """
    check_output_folder(folder, subfolders)
    made = [] if os.path.lexists(folder) else _missing_folders(Path(folder))
    _made.append(made)
    try:
        with protect_inputs(inputs), confine_to(folder):
            written = [Path(p) for p in write()]
            outputs = finish_outputs(folder, written, command)
    except BaseException as e:
        _undo(made)
        if isinstance(e, OSError):
            raise output_error(e, folder) from None
        raise
    finally:
        _made.pop()
    return written, outputs
