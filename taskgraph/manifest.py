"""The manifest an output folder keeps (``.taskgraph-manifest.json``): which
files a taskgraph run wrote there. :mod:`taskgraph.export` writes it; the
read stage reads it to leave a run's own outputs out of a folder of plans.
Standard library only, so that reading never imports the writers."""
from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

__all__ = ["MANIFEST", "read_manifest"]

MANIFEST = ".taskgraph-manifest.json"


def _safe_relative(name: object) -> PurePosixPath | None:
    """A manifest entry as a relative path inside the folder, or None."""
    if not isinstance(name, str) or "\\" in name or "\x00" in name or name[1:2] == ":":
        return None
    if any(part in ("", ".", "..") for part in name.split("/")):  # also catches "/abs" and "a//b"
        return None
    return PurePosixPath(name)


def read_manifest(out_dir: str | Path) -> dict[str, str]:
    """The files a taskgraph run wrote into ``out_dir`` (relative POSIX path →
    SHA-256), from its manifest; empty when there is none or it is damaged.
    Entries that would point outside the folder are dropped."""
    try:
        data = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
        files = data["files"]
        if not isinstance(files, dict):
            return {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {name: digest for name, digest in files.items()
            if _safe_relative(name) is not None and isinstance(digest, str)}
