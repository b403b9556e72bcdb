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
           "output_error"]


EXTRACT_FILES = ("tasks.csv", "assignments.csv", "units.csv", "documents.csv", "warnings.csv", "taskgraph.json")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_NEW_FILE_MODE = 0o666 & ~_umask()  # what open() would give a new file
_protected: set[tuple[int, int]] = set()  # (device, inode) of the inputs, see protect_inputs
_roots: list[tuple[Path, Path]] = []  # (folder as given, resolved) that writes are confined to, see confine_to
_made: list[list[Path]] = []  # files and folders made by the run of write_outputs going on, undone if it fails


def atomic_write(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file and a rename.

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
            fh.write(data)
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
# Inputs and the output folder
# --------------------------------------------------------------------------


def input_paths(corpus: Corpus) -> list[str]:
    """Every path a corpus was read from, readable or not (for :func:`protect_inputs`)."""
    return ([p.source for p in corpus.plans] + [d.source for d in corpus.diagnostics if d.level == "error"]
            + list(corpus.inputs))


@contextmanager
def protect_inputs(paths: Iterable[str | os.PathLike]) -> Iterator[None]:
    """Within this block, :func:`atomic_write` refuses to replace any of
    ``paths`` (compared as files, so another spelling of the same path or a
    link to it is caught too). Paths that do not exist are ignored."""
    added = set()
    for p in paths:
        try:
            st = os.stat(p)
        except (OSError, ValueError):
            continue
        key = (st.st_dev, st.st_ino)
        if key not in _protected:
            added.add(key)
    _protected.update(added)
    try:
        yield
    finally:
        _protected.difference_update(added)


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
