"""Which files a command line names: files, folders (searched for plans),
glob patterns and ``-`` (standard input)."""
from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterable
from pathlib import Path

from ..manifest import MANIFEST, read_manifest
from ..model import Diagnostic

__all__ = ["SUPPORTED_SUFFIXES", "FOLDER_SUFFIXES", "expand_paths", "plan_sources"]

#: Suffixes of the files a folder is searched for (a file named on the
#: command line is read whatever its suffix: its content is sniffed).
FOLDER_SUFFIXES = (".txt", ".text", ".md", ".docx", ".doc", ".wps", ".odt", ".rtf", ".html", ".htm", ".xhtml",
                   ".pdf", ".ofd", ".xlsx", ".xlsm", ".xls", ".et", ".ods")
#: Every suffix taskgraph reads; ``.csv`` / ``.tsv`` only when named (in a
#: folder, a CSV file is more often data than a plan).
SUPPORTED_SUFFIXES = FOLDER_SUFFIXES + (".csv", ".tsv")




def expand_paths(paths: Iterable[str | os.PathLike]) -> tuple[list[str], list[Diagnostic]]:
    """Expand files, folders, glob patterns and ``-`` (standard input).

    Folders are searched recursively for files with a supported suffix
    (hidden files and folders skipped); a file named explicitly is accepted
    whatever its suffix, since its content is sniffed. The order is that of
    the arguments, each expansion sorted; a path met twice is kept once.

    Returns the paths and the error diagnostics for arguments that named
    nothing readable.
    """
    found: list[str] = []
    diagnostics: list[Diagnostic] = []
    seen: set[str] = set()

    def add(path: str) -> None:
        key = path if path == "-" else os.path.normcase(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            found.append(path)

    for arg in paths:
        arg = os.fspath(arg)
        if arg == "-":
            add(arg)
        elif os.path.isdir(arg):
            files = _plans_in_folder(arg)
            if not files:
                diagnostics.append(_path_error(arg, _NO_PLANS, "no-plans"))
            for path in files:
                add(path)
        elif os.path.exists(arg):
            add(arg)
        elif re.search(r"[*?[]", arg):  # a glob pattern
            files = _plans_matching(arg)
            if not files:
                diagnostics.append(_path_error(arg, "no plans match this pattern", "no-match"))
            for path in files:
                add(path)
        else:
            diagnostics.append(_path_error(arg, "path does not exist", "missing-path"))
    return found, diagnostics


_NO_PLANS = ("no plans found in folder (looked for .txt .doc .docx .wps .odt .rtf .html .pdf .ofd "
             ".xlsx .xls .et .ods; a .csv is read when named)")


def _path_error(path: str, message: str, code: str) -> Diagnostic:
    return Diagnostic(source=path, message=message, level="error", code=code)


def _is_plan_file(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in FOLDER_SUFFIXES


def _plans_in_folder(folder: str) -> list[str]:
    """Plan files under ``folder``, except hidden ones and the files a
    taskgraph run wrote there (listed in a ``.taskgraph-manifest.json``: an
    ``index.html`` or a 分工表 ``.docx`` is output, not a plan)."""
    root = Path(folder)
    files = []
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if any(part.startswith((".", "~$")) for part in relative.parts):  # hidden, or an Office lock file
            continue
        if _is_plan_file(path):
            files.append(path)
    written = _written_by_taskgraph(root, files)
    return [str(p) for p in sorted(files, key=lambda p: p.relative_to(root).parts) if p not in written]


def _written_by_taskgraph(root: Path, files: list[Path]) -> set[Path]:
    folders = {root}
    for path in files:  # every folder from a file up to root may hold a manifest
        folder = path.parent
        while folder not in folders:
            folders.add(folder)
            folder = folder.parent
    written: set[Path] = set()
    for folder in folders:
        if (folder / MANIFEST).is_file():
            written.update(folder / name for name in read_manifest(folder))
    return written


def _plans_matching(pattern: str) -> list[str]:
    files: list[str] = []
    for match in sorted(glob.glob(pattern, recursive=True)):
        if os.path.isdir(match):
            files.extend(_plans_in_folder(match))
        elif _is_plan_file(Path(match)):
            files.append(match)
    return files


def plan_sources(paths: Iterable[str | os.PathLike]) -> tuple[list[tuple[str, str | None]], list[Diagnostic]]:
    """The files ``paths`` name, each with its document name, and the error
    diagnostics of the arguments that name nothing readable (see
    :func:`expand_paths`). :func:`iter_documents` reads them in turn; a
    process pool or a cluster can read them anywhere with
    :func:`read_or_diagnose`."""
    files, diagnostics = expand_paths(paths)
    names = _unique_names(files)
    return [(path, names.get(path)) for path in files], diagnostics


def _unique_names(files: list[str]) -> dict[str, str]:
    """A document name per file: its file name, or, when two files of a run
    share it, as many of its folders as tell them apart (``a/plan.txt`` and
    ``b/plan.txt``): the name is the document's key in every table.

    >>> _unique_names(["x/a/plan.txt", "y/b/plan.txt", "z/other.txt"])
    {'x/a/plan.txt': 'a/plan.txt', 'y/b/plan.txt': 'b/plan.txt', 'z/other.txt': 'other.txt'}
    """
    parts = {f: Path(os.path.abspath(f)).parts for f in files if f != "-"}
    names: dict[str, str] = {}
    groups: dict[str, list[str]] = {}
    for f, p in parts.items():
        groups.setdefault(p[-1], []).append(f)
    for group in groups.values():
        for depth in range(1, max(len(parts[f]) for f in group) + 1):
            tails = {f: "/".join(parts[f][-depth:]) for f in group}
            if len(set(tails.values())) == len(group):
                names.update(tails)
                break
    return names
