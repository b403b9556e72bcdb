"""Nothing lost: inputs are never written, outputs are written atomically,
and an output folder is never silently mixed with stale files of an earlier
run (the manifest ``.taskgraph-manifest.json``)."""
from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import stat
from pathlib import Path

import pytest

import taskgraph.export as export
from taskgraph.cli import main
from taskgraph.errors import UsageError
from taskgraph.export import (EXTRACT_FILES, MANIFEST, atomic_write, finish_outputs, protect_inputs,
                              read_manifest)
from taskgraph.read import expand_paths

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def checksums(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def snapshot(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Content, mode and modification time of every file: a read never changes them."""
    return {name: (digest, (folder / name).stat().st_mode, (folder / name).stat().st_mtime_ns)
            for name, digest in checksums(folder).items()}


@pytest.fixture
def plans(tmp_path) -> Path:
    folder = tmp_path / "plans"
    shutil.copytree(SEEDS, folder)
    return folder


def extract(capsys, *args) -> tuple[int, str]:
    status = main(["extract", *map(str, args)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, err


def tasks_of(folder: Path) -> list[dict]:
    with open(folder / "tasks.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


# ------------------------------------------------------------------ inputs


def test_inputs_are_never_written(tmp_path, capsys, plans):
    before = snapshot(plans)
    status, _ = extract(capsys, plans, "-o", tmp_path / "out")
    assert status == 0
    assert snapshot(plans) == before


def test_output_into_the_input_folder_leaves_the_inputs_alone(capsys, plans):
    before = snapshot(plans)
    status, err = extract(capsys, plans, "-o", plans)
    assert status == 0
    after = snapshot(plans)
    assert {k: v for k, v in after.items() if k in before} == before
    assert set(after) - set(before) == {*EXTRACT_FILES, MANIFEST}
    # the plans are mentioned as files taskgraph did not write, never touched
    (note,) = [line for line in err.splitlines() if line.startswith("note:")]
    assert f"{plans}/ also holds 4 files taskgraph did not write (left as they are)" in note

    first = tasks_of(plans)
    status, _ = extract(capsys, plans, "-o", plans)  # a second run in the same folder
    assert status == 0
    assert tasks_of(plans) == first
    assert {k: v[0] for k, v in snapshot(plans).items() if k in before} == {k: v[0] for k, v in before.items()}


def test_an_input_named_like_an_output_is_never_overwritten(tmp_path, capsys):
    folder = tmp_path / "work"
    folder.mkdir()
    plan = folder / "tasks.csv"  # a plan saved under an odd name, named explicitly
    shutil.copy(SEEDS / "000_544df5f8ded5f63a.txt", plan)
    before = plan.read_bytes()
    status, err = extract(capsys, plan, "-o", folder)
    assert status == 2
    assert f"error: {plan}: refused to write over an input file; choose another output folder" in err
    assert plan.read_bytes() == before
    assert not list(folder.glob(".*.tmp"))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_plan_read_twice_is_still_an_input_never_overwritten(tmp_path, capsys, jobs):
    """The second copy of a plan is counted once, but it was read: a copy
    saved in the output folder under an output's name stays as it is."""
    folder = tmp_path / "work"
    folder.mkdir()
    first = tmp_path / "plan.txt"
    shutil.copy(SEEDS / "000_544df5f8ded5f63a.txt", first)
    copy = folder / "tasks.csv"
    shutil.copy(first, copy)
    before = copy.read_bytes()
    status, err = extract(capsys, first, copy, "-o", folder, "-j", jobs)
    assert status == 2
    assert f"error: {copy}: refused to write over an input file; choose another output folder" in err
    assert copy.read_bytes() == before


def test_a_corpus_keeps_the_paths_of_plans_read_twice_as_inputs(tmp_path):
    from taskgraph import load

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    shutil.copy(SEEDS / "000_544df5f8ded5f63a.txt", a)
    shutil.copy(a, b)
    corpus = load([a, b])
    assert len(corpus.plans) == 1 and str(b) in export.input_paths(corpus)


def test_protect_inputs_sees_through_other_spellings_and_ends_with_the_block(tmp_path):
    target = tmp_path / "plan.txt"
    target.write_bytes(b"plan")
    with protect_inputs([str(tmp_path / "." / "plan.txt"), tmp_path / "missing.txt"]):
        with pytest.raises(UsageError, match="refused to write over an input"):
            atomic_write(target, b"overwritten")
        link = tmp_path / "link.txt"
        link.symlink_to(target)
        with pytest.raises(UsageError):
            atomic_write(link, b"overwritten")
        atomic_write(tmp_path / "other.txt", b"fine")
    assert target.read_bytes() == b"plan"
    atomic_write(target, b"now allowed")
    assert target.read_bytes() == b"now allowed"


def test_the_folder_scan_skips_files_taskgraph_wrote(tmp_path):
    plans = tmp_path / "plans"
    shutil.copytree(SEEDS, plans)
    report = [atomic_write(plans / "index.html", b"<html>report</html>"),
              atomic_write(plans / "tables" / "000-分工表.docx", b"docx")]
    finish_outputs(plans, report)
    found, diagnostics = expand_paths([plans])
    assert sorted(Path(p).name for p in found) == sorted(p.name for p in SEEDS.iterdir())
    assert diagnostics == []
    # named explicitly, a file is read whatever wrote it
    assert expand_paths([plans / "index.html"])[0] == [str(plans / "index.html")]


# ------------------------------------------------------------------ atomic


@pytest.mark.parametrize("failure", [OSError("disk full"), KeyboardInterrupt()])
def test_failure_mid_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch, failure):
    target = tmp_path / "tasks.csv"
    target.write_bytes(b"old table")

    def fail(fd):
        raise failure

    monkeypatch.setattr(export.os, "fsync", fail)
    with pytest.raises(type(failure)):
        atomic_write(target, b"new table, half written")
    assert target.read_bytes() == b"old table"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tasks.csv"]


def test_failed_rename_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "tasks.csv"
    target.write_bytes(b"old table")

    def fail(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(export.os, "replace", fail)
    with pytest.raises(PermissionError):
        atomic_write(target, b"new table")
    assert target.read_bytes() == b"old table"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tasks.csv"]


def test_a_run_that_fails_while_writing_keeps_the_earlier_results(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    status, _ = extract(capsys, SEEDS / "000_544df5f8ded5f63a.txt", "-o", out)
    assert status == 0
    before = checksums(out)

    real = export.atomic_write

    def disk_full(path, data):  # the last file written (extract writes every file through atomic_write)
        if Path(path).name == "taskgraph.json":
            raise OSError(28, "No space left on device", str(path))
        return real(path, data)

    monkeypatch.setattr(export, "atomic_write", disk_full)
    status, err = extract(capsys, SEEDS / "001_8932685789ee55e5.txt", "-o", out)
    assert status == 1
    assert f"error: {out / 'taskgraph.json'}: cannot write the results: No space left on device" in err
    after = checksums(out)
    assert after["taskgraph.json"] == before["taskgraph.json"]  # the old file, whole
    assert after[MANIFEST] == before[MANIFEST]  # a failed run removes nothing
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_new_files_get_the_usual_mode_and_existing_ones_keep_theirs(tmp_path):
    umask = export._umask()
    plain = tmp_path / "plain.csv"
    plain.write_bytes(b"x")  # what open() gives
    new = atomic_write(tmp_path / "new.csv", b"x")
    assert stat.S_IMODE(new.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode) == 0o666 & ~umask
    kept = tmp_path / "kept.csv"
    kept.write_bytes(b"old")
    kept.chmod(0o640)
    atomic_write(kept, b"new")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640


# ---------------------------------------------------------------- manifest


def write(folder: Path, *names: str) -> list[Path]:
    return [atomic_write(folder / name, f"content of {name}".encode()) for name in names]


def test_manifest_lists_what_was_written_with_checksums(tmp_path):
    written = write(tmp_path, "tasks.csv", "tables/a.csv")
    result = finish_outputs(tmp_path, written)
    assert result.written == ["tables/a.csv", "tasks.csv"]
    assert result.removed == result.changed == result.foreign == []
    assert result.notes() == []
    manifest = json.loads((tmp_path / MANIFEST).read_text(encoding="utf-8"))
    assert manifest == {"format": 1, "tool": "taskgraph", "files": {
        "tables/a.csv": hashlib.sha256(b"content of tables/a.csv").hexdigest(),
        "tasks.csv": hashlib.sha256(b"content of tasks.csv").hexdigest(),
    }}
    assert read_manifest(tmp_path) == manifest["files"]


def test_stale_files_of_an_earlier_run_are_removed_and_the_users_files_kept(tmp_path):
    finish_outputs(tmp_path, write(tmp_path, "tasks.csv", "index.html", "figures/a.png", "figures/b.png"))
    mine = tmp_path / "notes.txt"
    mine.write_text("my notes", encoding="utf-8")
    (tmp_path / "figures" / "mine.png").write_bytes(b"my figure")

    result = finish_outputs(tmp_path, write(tmp_path, "tasks.csv", "figures/a.png"))
    assert result.removed == ["figures/b.png", "index.html"]
    assert result.foreign == ["figures/mine.png", "notes.txt"]
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()) == [
        MANIFEST, "figures/a.png", "figures/mine.png", "notes.txt", "tasks.csv"]
    assert mine.read_text(encoding="utf-8") == "my notes"
    assert result.notes() == [
        f"removed 2 files an earlier run wrote to {tmp_path}/ and this run did not: figures/b.png, index.html",
        f"{tmp_path}/ also holds 2 files taskgraph did not write (left as they are): figures/mine.png, notes.txt",
    ]


def test_a_folder_emptied_of_stale_files_is_removed(tmp_path):
    finish_outputs(tmp_path, write(tmp_path, "tasks.csv", "tables/x/a.csv", "tables/b.csv"))
    finish_outputs(tmp_path, write(tmp_path, "tasks.csv"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST, "tasks.csv"]


def test_a_stale_file_edited_since_is_kept_and_reported(tmp_path):
    finish_outputs(tmp_path, write(tmp_path, "tasks.csv", "index.html"))
    (tmp_path / "index.html").write_text("edited by hand", encoding="utf-8")
    result = finish_outputs(tmp_path, write(tmp_path, "tasks.csv"))
    assert result.removed == [] and result.changed == ["index.html"] and result.foreign == []
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == "edited by hand"
    assert result.notes() == [
        "kept 1 file of an earlier run, changed since it was written (now out of date): index.html"]
    # it is no longer taskgraph's: the next run counts it as the user's
    assert finish_outputs(tmp_path, write(tmp_path, "tasks.csv")).foreign == ["index.html"]


@pytest.mark.parametrize("entry", ["../outside.txt", "/tmp/outside.txt", "a/../../outside.txt", "", "./x"])
def test_a_manifest_never_points_outside_its_folder(tmp_path, entry):
    out = tmp_path / "out"
    out.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text("precious", encoding="utf-8")
    digest = hashlib.sha256(b"precious").hexdigest()
    (out / MANIFEST).write_text(json.dumps({"format": 1, "files": {entry: digest}}), encoding="utf-8")
    assert read_manifest(out) == {}
    finish_outputs(out, write(out, "tasks.csv"))
    assert outside.read_text(encoding="utf-8") == "precious"


@pytest.mark.parametrize("content", ["not json", "[]", '{"files": []}', '{"files": {"a.csv": 3}}'])
def test_a_damaged_manifest_is_ignored_and_replaced(tmp_path, content):
    (tmp_path / "a.csv").write_text("mine", encoding="utf-8")
    (tmp_path / MANIFEST).write_text(content, encoding="utf-8")
    result = finish_outputs(tmp_path, write(tmp_path, "tasks.csv"))
    assert result.foreign == ["a.csv"] and (tmp_path / "a.csv").exists()
    assert list(read_manifest(tmp_path)) == ["tasks.csv"]


def test_a_written_file_outside_the_folder_is_a_programming_error(tmp_path):
    (tmp_path / "out").mkdir()
    with pytest.raises(ValueError, match="not inside the output folder"):
        finish_outputs(tmp_path / "out", write(tmp_path, "elsewhere.csv"))


def test_extract_keeps_its_folder_clean_across_runs(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "readme.txt").write_text("the user's", encoding="utf-8")
    stale = out / "index.html"
    status, err = extract(capsys, SEEDS / "000_544df5f8ded5f63a.txt", "-o", out)
    assert status == 0
    assert f"note: {out}/ also holds 1 file taskgraph did not write (left as they are): readme.txt" in err
    first = (out / MANIFEST).read_bytes()

    # an earlier report run also wrote index.html; extract does not write it: stale
    stale.write_text("<html>old report</html>", encoding="utf-8")
    manifest = json.loads(first)
    manifest["files"]["index.html"] = hashlib.sha256(stale.read_bytes()).hexdigest()
    (out / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    status, err = extract(capsys, SEEDS / "000_544df5f8ded5f63a.txt", "-o", out)
    assert status == 0
    assert f"note: removed 1 file an earlier run wrote to {out}/ and this run did not: index.html" in err
    assert not stale.exists() and (out / "readme.txt").exists()
    assert (out / MANIFEST).read_bytes() == first  # same input, same manifest

    status, err = extract(capsys, SEEDS / "000_544df5f8ded5f63a.txt", "-o", out, "-q")
    assert status == 0 and "note:" not in err


def test_a_stale_entry_reached_through_a_link_is_not_removed(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    finish_outputs(out, write(out, "tasks.csv", "tables/a.csv"))
    shutil.rmtree(out / "tables")
    elsewhere.mkdir()
    (elsewhere / "a.csv").write_bytes(b"content of tables/a.csv")  # same bytes, not ours
    (out / "tables").symlink_to(elsewhere, target_is_directory=True)
    result = finish_outputs(out, write(out, "tasks.csv"))
    assert result.removed == []
    assert (elsewhere / "a.csv").exists()


def test_extract_leaves_a_report_in_the_same_folder_alone(tmp_path):
    from taskgraph.cli import main

    seed = Path(__file__).resolve().parent.parent / "seeds" / "001_8932685789ee55e5.txt"
    out = tmp_path / "out"
    assert main(["report", str(seed), "-o", str(out), "-q", "-j", "1"]) == 0
    report_files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert "index.html" in report_files
    assert main(["extract", str(seed), "-o", str(out), "-q"]) == 0
    after = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert after == report_files  # nothing of the report removed as stale
    assert set(read_manifest(out)) | {MANIFEST} == report_files
    # a report run later still clears what an earlier report wrote and this one does not
    (out / "figures" / "old-figure.png").write_bytes(b"x")
    assert main(["report", str(seed), "-o", str(out), "-q", "-j", "1"]) == 0
    assert (out / "figures" / "old-figure.png").exists()  # not ours: never touched


def test_a_report_on_fewer_plans_removes_the_tables_of_the_plan_dropped(tmp_path):
    from taskgraph.cli import main

    seeds = Path(__file__).resolve().parent.parent / "seeds"
    a, b = seeds / "001_8932685789ee55e5.txt", seeds / "003_95574dca455f0a31.txt"
    out = tmp_path / "out"
    assert main(["report", str(a), str(b), "-o", str(out), "-q", "-j", "1"]) == 0
    assert (out / "tables" / "003_95574dca455f0a31-分工表.xlsx").exists()
    assert main(["report", str(a), "-o", str(out), "-q", "-j", "1"]) == 0
    assert not (out / "tables" / "003_95574dca455f0a31-分工表.xlsx").exists()
    assert (out / "tables" / "001_8932685789ee55e5-分工表.xlsx").exists()
