"""Hostile input, round two (issue 17): whatever the command, a problem with
the output folder (a file where a folder should be, a full or read-only disk,
permissions, links leading out of it, an input where an output goes) is one
line naming the path, exit 1 or 2, no traceback, nothing left half-made and
nothing outside the folder or among the inputs touched; text that XML cannot
hold never reaches a writer."""
from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

import taskgraph.export as export
from taskgraph.cli import main
from taskgraph.model import Document, Line, LineSource
from taskgraph.text import clean_document

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
COMMANDS = ["extract", "report", "graph", "load", "clusters", "overlap"]
# a short plan: a report on it is quick
PLAN = """某市科技创新行动方案
一、重点任务
1.推进科技创新平台建设。(牵头单位:市科技局;配合单位:市财政局、市发展改革委)
2.加强人才引进培养。(责任单位:市人力资源社会保障局、市教育局)
3.优化营商环境。(牵头单位:市市场监管局)
"""


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run(capsys, *args) -> tuple[int, str, str]:
    status = main([*map(str, args)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


def errors(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("error:")]


@pytest.fixture
def plan(tmp_path) -> Path:
    path = tmp_path / "in" / "plan.txt"
    path.parent.mkdir()
    path.write_text(PLAN, encoding="utf-8")
    return path


def mount_tmpfs(folder: Path, options: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("making a tiny filesystem needs root (mount -t tmpfs)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")


@pytest.fixture
def tiny(tmp_path):
    """An 8 KB filesystem (the results of any command on the seeds are larger)."""
    folder = tmp_path / "tiny"
    mount_tmpfs(folder, "size=8k")
    yield folder
    subprocess.run(["umount", str(folder)], check=False)


@pytest.fixture
def readonly(tmp_path):
    folder = tmp_path / "ro"
    mount_tmpfs(folder, "ro,size=64k")
    yield folder
    subprocess.run(["umount", str(folder)], check=False)


# ------------------------------------------------------------------ a full disk


@pytest.mark.parametrize("command", COMMANDS)
def test_a_full_disk_is_one_line_and_leaves_nothing(tmp_path, capsys, monkeypatch, command):
    """Simulated (any machine): the disk fills up on the first file."""
    out = tmp_path / "out"

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export.os, "fsync", full)
    status, _, err = run(capsys, command, SEEDS / "000_544df5f8ded5f63a.txt", "-o", out, "-q")
    assert status == 1
    (line,) = errors(err)
    assert line.startswith(f"error: {out}/") and line.endswith(
        "cannot write the results: No space left on device; free some space or choose another output folder")
    assert ".tmp" not in line  # the file it was to become, not the temporary one
    assert not out.exists()  # the folder the run made is gone again, with whatever it held


@pytest.mark.parametrize("command", COMMANDS)
def test_a_real_tiny_filesystem_is_one_line_and_keeps_what_was_there(tmp_path, capsys, tiny, command):
    mine = tiny / "mine.txt"
    mine.write_text("the user's file", encoding="utf-8")
    status, _, err = run(capsys, command, SEEDS, "-o", tiny, "-q")
    assert status == 1
    (line,) = errors(err)
    assert line.startswith(f"error: {tiny}/") and "No space left on device" in line
    assert sorted(p.name for p in tiny.iterdir()) == ["mine.txt"]  # nothing half-made, nothing extra
    assert mine.read_text(encoding="utf-8") == "the user's file"


def test_a_second_run_on_a_full_disk_keeps_the_first_runs_files_whole(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    status, _, _ = run(capsys, "graph", SEEDS / "000_544df5f8ded5f63a.txt", "-o", out, "-q")
    assert status == 0
    before = digest(out)
    real = export.os.fsync
    calls = []

    def full_on_the_second(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd)

    monkeypatch.setattr(export.os, "fsync", full_on_the_second)
    status, _, err = run(capsys, "graph", SEEDS / "001_8932685789ee55e5.txt", "-o", out, "-q")
    assert status == 1 and len(errors(err)) == 1
    after = digest(out)
    assert set(after) == set(before)  # no temporary file, no file of the failed run's own
    assert after[export.MANIFEST] == before[export.MANIFEST]
    changed = [name for name in before if after[name] != before[name]]
    assert changed == ["graph.graphml"]  # the one written before the disk filled: whole, new


# ------------------------------------------------------------ read-only, permissions


@pytest.mark.parametrize("command", COMMANDS)
def test_a_read_only_disk_is_refused_before_any_work(tmp_path, capsys, readonly, command):
    for out in (readonly, readonly / "new"):
        status, stdout, err = run(capsys, command, SEEDS / "000_544df5f8ded5f63a.txt", "-o", out)
        assert status == 1 and stdout == ""
        assert err.splitlines()[-1] in (f"error: {readonly}: is on a read-only disk; choose another output folder",
                                        f"error: {out}: cannot be made, {readonly} is on a read-only disk; "
                                        f"choose another output folder")
        assert len(err.splitlines()) == 1  # refused before reading: no warning of the plan either


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into any folder (the read-only disk test covers it)")
@pytest.mark.parametrize("command", ["extract", "graph"])
def test_a_folder_without_write_permission_is_refused_before_any_work(tmp_path, capsys, command):
    out = tmp_path / "locked"
    out.mkdir()
    out.chmod(0o500)
    try:
        status, stdout, err = run(capsys, command, SEEDS / "000_544df5f8ded5f63a.txt", "-o", out)
    finally:
        out.chmod(0o700)
    assert status == 1 and stdout == ""
    assert errors(err) == [f"error: {out}: is not writable for you; choose a folder you can write to"]


# ----------------------------------------------------- a file where a folder must go


@pytest.mark.parametrize("command", COMMANDS)
def test_an_output_folder_under_a_file_is_one_line(tmp_path, capsys, command):
    blocker = tmp_path / "afile"
    blocker.write_text("mine", encoding="utf-8")
    out = blocker / "out"
    status, stdout, err = run(capsys, command, SEEDS / "000_544df5f8ded5f63a.txt", "-o", out)
    assert status == 1 and stdout == ""
    assert errors(err) == [f"error: {out}: cannot be made, {blocker} is a file; choose another output folder"]
    assert blocker.read_text(encoding="utf-8") == "mine"


@pytest.mark.parametrize("sub", ["tables", "figures"])
def test_a_file_where_the_report_puts_a_folder_is_refused_before_any_work(tmp_path, capsys, plan, sub):
    out = tmp_path / "out"
    out.mkdir()
    (out / sub).write_text("mine", encoding="utf-8")
    status, stdout, err = run(capsys, "report", plan, "-o", out)
    assert status == 1 and stdout == ""
    assert errors(err) == [f"error: {out / sub}: a file stands where taskgraph writes a folder; move it away or "
                           f"choose another output folder"]
    assert sorted(p.name for p in out.iterdir()) == [sub]


def test_a_file_where_a_folder_must_go_met_while_writing_names_it(tmp_path):
    (tmp_path / "tables").write_text("mine", encoding="utf-8")
    with pytest.raises(NotADirectoryError) as caught:
        export.atomic_write(tmp_path / "tables" / "x.csv", b"x")
    assert caught.value.filename == str(tmp_path / "tables")
    message = str(export.output_error(caught.value, tmp_path))
    assert message == (f"{tmp_path / 'tables'}: cannot write the results: a file stands where a folder must go; "
                       f"move that file away or choose another output folder")


# ------------------------------------------------------------ inputs never written


@pytest.mark.parametrize("command, name", [("graph", "graph.json"), ("graph", "graph.graphml"),
                                           ("load", "load.csv"), ("clusters", "clusters.csv"),
                                           ("overlap", "overlap_tasks.csv"), ("extract", "tasks.csv"),
                                           ("report", "index.html")])
def test_an_input_where_an_output_goes_is_never_written(tmp_path, capsys, plan, command, name):
    folder = plan.parent
    victim = folder / name
    victim.write_text("the user's own file, named on the command line", encoding="utf-8")
    before = digest(folder)
    status, _, err = run(capsys, command, plan, victim, "-o", folder, "-q")
    assert status == 2
    assert errors(err)[-1] == f"error: {victim}: refused to write over an input file; choose another output folder"
    assert digest(folder) == before  # the input as it was, and nothing of the refused run left beside it


# ------------------------------------------------------------ links in the output folder


@pytest.mark.parametrize("sub", ["tables", "figures"])
def test_a_report_subfolder_linked_elsewhere_is_not_followed(tmp_path, capsys, plan, sub):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.txt").write_text("not taskgraph's", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / sub).symlink_to(elsewhere, target_is_directory=True)
    status, stdout, err = run(capsys, "report", plan, "-o", out)
    assert status == 1 and stdout == ""
    assert errors(err) == [f"error: {out / sub}: is a link to {elsewhere}, outside the output folder; not followed "
                           f"(remove the link or choose another output folder)"]
    assert digest(elsewhere) == {"keep.txt": hashlib.sha256(b"not taskgraph's").hexdigest()}
    assert sorted(p.name for p in out.iterdir()) == [sub]


def test_a_stale_report_moved_behind_a_link_is_left_alone(tmp_path, capsys, plan):
    out = tmp_path / "out"
    status, _, _ = run(capsys, "report", plan, "-o", out, "-q", "-j", "1")
    assert status == 0
    elsewhere = tmp_path / "elsewhere"
    shutil.move(out / "tables", elsewhere)
    (out / "tables").symlink_to(elsewhere, target_is_directory=True)
    before = digest(elsewhere)
    status, _, err = run(capsys, "report", plan, "-o", out, "-q", "-j", "1")
    assert status == 1 and len(errors(err)) == 1 and "outside the output folder; not followed" in err
    assert digest(elsewhere) == before
    # extract into the same folder writes no table: the link is no business of it, and still never followed
    status, _, err = run(capsys, "extract", plan, "-o", out, "-q")
    assert status == 0 and errors(err) == []
    assert digest(elsewhere) == before


def test_a_link_inside_the_folder_that_stays_inside_is_followed(tmp_path, capsys, plan):
    out = tmp_path / "out"
    (out / "real-tables").mkdir(parents=True)
    (out / "tables").symlink_to("real-tables", target_is_directory=True)
    status, _, err = run(capsys, "report", plan, "-o", out, "-q", "-j", "1")
    assert status == 0, err
    assert (out / "real-tables" / "analysis.xlsx").is_file()


def test_a_write_through_a_link_leading_out_is_refused_wherever_it_is(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = tmp_path / "out"
    (out / "deep").mkdir(parents=True)
    (out / "deep" / "x").symlink_to(elsewhere, target_is_directory=True)
    with export.confine_to(out), pytest.raises(export.OutputError, match="outside the output folder; not followed"):
        export.atomic_write(out / "deep" / "x" / "y" / "file.csv", b"data")
    assert list(elsewhere.iterdir()) == []


def test_a_file_link_in_the_folder_is_replaced_never_written_through(tmp_path, capsys, plan):
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("not taskgraph's", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.json").symlink_to(elsewhere)
    status, _, _ = run(capsys, "graph", plan, "-o", out, "-q")
    assert status == 0
    assert elsewhere.read_text(encoding="utf-8") == "not taskgraph's"
    assert not (out / "graph.json").is_symlink() and (out / "graph.json").stat().st_size > 100


def test_a_loop_of_links_in_the_folder_is_one_line(tmp_path, capsys, plan):
    out = tmp_path / "out"
    out.mkdir()
    (out / "tables").symlink_to(out / "loop")
    (out / "loop").symlink_to(out / "tables")
    status, _, err = run(capsys, "report", plan, "-o", out, "-q")
    assert status == 1 and len(errors(err)) == 1 and errors(err)[0].startswith(f"error: {out / 'tables'}")


def test_an_output_folder_that_is_a_dangling_link_is_one_line(tmp_path, capsys, plan):
    out = tmp_path / "out"
    out.symlink_to(tmp_path / "nowhere")
    status, _, err = run(capsys, "graph", plan, "-o", out, "-q")
    assert status == 1
    assert errors(err) == [f"error: {out}: is a link to {tmp_path / 'nowhere'}, which does not exist; choose another "
                           f"output folder"]
    assert not (tmp_path / "nowhere").exists()


# ------------------------------------------------------------ an internal error


def test_an_unexpected_error_is_one_line_never_a_traceback(tmp_path, capsys, monkeypatch, plan):
    import taskgraph.graph

    def broken(*args, **kwargs):
        raise RuntimeError("something\nwent wrong")

    monkeypatch.setattr(taskgraph.graph, "write_graph", broken)
    status, _, err = run(capsys, "graph", plan, "-o", tmp_path / "out", "-q")
    assert status == 1
    assert errors(err) == ["error: internal error (RuntimeError: something went wrong); please report it "
                           "(TASKGRAPH_DEBUG=1 shows the traceback)"]
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------ text XML cannot hold

CONTROL_PLAN = """某市科技创新行动方案
一、重点任务
1.推进科技创新平台建设。(牵头单位:市科\x01技局;配合单位:市财\x0b政局、市发展改革委)
2.加强人才引进培养。(责任单位:市人力资源社会保障局、市教\x1f育局)
3.优化营商\ufffe环境\uffff。(牵头单位:市市场监管局)
"""
CONTROL_PAGE = ("<html><head><title>某市行动方案</title></head><body><h1>某市科技创新行动方案</h1><p>一、重点任务</p>"
                "<p>1.推进科技创新平台建设。(牵头单位:市科&#1;技局;配合单位:市财&#11;政局)</p>"
                "<p>2.加强人才引进培养。(责任单位:市人力资源社会保障局&#x1f;)</p></body></html>")
CLEAN_UNITS = {"市科技局", "市财政局", "市发展改革委", "市人力资源社会保障局", "市教育局", "市市场监管局"}


def units_of(folder: Path) -> set[str]:
    import csv

    with open(folder / "assignments.csv", encoding="utf-8-sig", newline="") as fh:
        return {row["unit"] for row in csv.DictReader(fh)}


@pytest.fixture
def control(tmp_path) -> Path:
    folder = tmp_path / "control"
    folder.mkdir()
    (folder / "plan.txt").write_text(CONTROL_PLAN, encoding="utf-8")
    (folder / "page.html").write_text(CONTROL_PAGE, encoding="utf-8")
    return folder


def test_control_characters_are_removed_when_read_with_a_warning_naming_file_and_line(tmp_path, capsys, control):
    status, _, err = run(capsys, "extract", control, "-o", tmp_path / "out")
    assert status == 0
    warned = [line for line in err.splitlines() if "removed control or non-characters" in line]
    assert f"warning: {control / 'plan.txt'}:3: removed control or non-characters no spreadsheet or XML file can " \
           f"hold (U+0001, U+000B)" in warned
    assert any(line.startswith(f"warning: {control / 'plan.txt'}:4:") and "U+001F" in line for line in warned)
    assert any(line.startswith(f"warning: {control / 'plan.txt'}:5:") and "U+FFFE, U+FFFF" in line
               for line in warned)
    assert any(line.startswith(f"warning: {control / 'page.html'}:") and "U+0001, U+000B" in line for line in warned)
    assert units_of(tmp_path / "out") == CLEAN_UNITS  # the same units as the plan without them
    text = (tmp_path / "out" / "taskgraph.json").read_text(encoding="utf-8")
    assert not any(c in text for c in "\x01\x0b\x1f\ufffe\uffff")


def test_every_writer_takes_a_plan_with_control_characters(tmp_path, capsys, control):
    out = tmp_path / "out"
    status, _, err = run(capsys, "report", control, "-o", out, "-q", "-j", "1")
    assert status == 0, err
    status, _, err = run(capsys, "graph", control, "-o", out, "-q")
    assert status == 0, err
    for name in ("graph.graphml", "graph.gexf"):
        ElementTree.parse(out / name)  # well-formed XML 1.0
    for path in [*out.rglob("*.xlsx"), *out.rglob("*.docx")]:
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.endswith(".xml"):
                    ElementTree.fromstring(archive.read(member))  # well-formed XML 1.0
    for path in out.rglob("*.svg"):
        ElementTree.parse(path)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "市科技局" in page and not any(c in page for c in "\x01\x0b\x1f")


def test_lone_surrogates_and_bidi_marks_are_removed_from_every_form_of_a_line():
    raw = "(牵头单位:市科\ud800技局、市\u202e财政局)"
    shown = "(牵头单位:市科\ud800技局、市\u202e财政局)"
    doc = Document("x.txt", "x.txt", [Line(7, shown, src=LineSource(raw, shown, (), shown)),
                                      Line(8, "\x01\x02", src=LineSource("\x01\x02", "\x01\x02", (), "\x01\x02")),
                                      Line(9, "干净的一行", cells=("甲\x0c", "乙"))])
    cleaned = clean_document(doc)
    first = cleaned.lines[0]
    assert first.text == first.src.raw == first.src.shown == "(牵头单位:市科技局、市财政局)"
    assert [line.no for line in cleaned.lines] == [7, 9]  # a line that held nothing else is gone
    assert cleaned.lines[1].cells == ("甲", "乙")
    assert [(d.line, d.code) for d in cleaned.diagnostics] == [(7, "control-chars"), (8, "control-chars"),
                                                               (9, "control-chars")]
    assert "U+D800" in cleaned.diagnostics[0].message and "U+202E" in cleaned.diagnostics[0].message
    assert doc.lines[0].text == shown  # the document read is not changed in place


def test_a_clean_document_comes_back_as_it_is():
    doc = Document("x.txt", "x.txt", [Line(1, "(牵头单位:市科技局)\t")])
    assert clean_document(doc) is doc


def test_a_flood_of_control_characters_is_summarised(tmp_path):
    lines = [Line(i, f"第{i}行\x01", src=LineSource(f"第{i}行\x01", f"第{i}行\x01")) for i in range(1, 101)]
    cleaned = clean_document(Document("x.txt", "x.txt", lines))
    assert len(cleaned.diagnostics) == 21
    assert cleaned.diagnostics[-1].message == "removed such characters from 80 more lines"


def test_a_file_name_with_control_characters_reaches_every_table_escaped(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    name = "plan\x01\x0b.txt"
    (folder / name).write_text(PLAN, encoding="utf-8")
    out = tmp_path / "out"
    status, _, err = run(capsys, "graph", folder, "-o", out, "-q")
    assert status == 0, err
    graph = (out / "graph.graphml").read_text(encoding="utf-8")
    ElementTree.parse(out / "graph.graphml")
    assert "plan\\x01\\x0b.txt" in graph


# ------------------------------------------------------------ lookalike unit names


def test_a_bidi_override_in_a_unit_name_is_removed_and_said(tmp_path, capsys):
    path = tmp_path / "plan.txt"
    path.write_text(PLAN.replace("市财政局", "市\u202e局政财"), encoding="utf-8")
    status, _, err = run(capsys, "extract", path, "-o", tmp_path / "out")
    assert status == 0
    assert f"warning: {path}:3: removed marks that reorder text on screen (U+202E)" in err
    assert "市局政财" in units_of(tmp_path / "out")  # shown as it is stored: no reordering left


def test_a_zero_width_space_in_a_unit_name_gives_the_same_unit_and_a_warning(tmp_path, capsys):
    path = tmp_path / "plan.txt"
    path.write_text(PLAN.replace("市财政局", "市财\u200b政局").replace("市教育局", "市财政局"), encoding="utf-8")
    status, _, err = run(capsys, "extract", path, "-o", tmp_path / "out")
    assert status == 0
    assert f"warning: {path}:3: unit name 市财政局 is written with invisible characters (U+200B); read without " \
           f"them" in err
    import csv

    with open(tmp_path / "out" / "units.csv", encoding="utf-8-sig", newline="") as fh:
        finance = [row for row in csv.DictReader(fh) if row["name"] == "市财政局"]
    assert len(finance) == 1 and finance[0]["n_tasks"] == "2"  # one unit, not two that look alike


def test_a_unit_name_with_cyrillic_letters_is_flagged(tmp_path, capsys):
    path = tmp_path / "plan.txt"
    # a Cyrillic о inside one name; a Kangxi radical ⼯ (U+2F2F) in another, which NFKC reads as 工
    path.write_text(PLAN.replace("市财政局", "市财о政局").replace("市科技局", "市⼯业和信息化局"), encoding="utf-8")
    status, _, err = run(capsys, "extract", path, "-o", tmp_path / "out")
    assert status == 0
    assert f"warning: {path}:3: unit name 市财о政局 holds letters of another script that look like others " \
           f"(о U+043E); kept as written: check it" in err
    assert "市工业和信息化局" in units_of(tmp_path / "out")


def test_the_seeds_hold_nothing_to_clean():
    from taskgraph.read import read_document

    for path in sorted(SEEDS.iterdir()):
        doc = read_document(path)
        assert clean_document(doc) is doc, path.name
