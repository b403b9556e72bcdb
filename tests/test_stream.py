"""taskgraph extract writes its tables as the plans come (issue 16, memory):
the same bytes as write_extract writes from a whole corpus, the same lines
printed, and no plan held once it is written."""
from __future__ import annotations

import json
import math
import shutil
import weakref
from pathlib import Path

import pytest

import taskgraph.corpus as corpus_module
from taskgraph import export
from taskgraph.cli import main, report_diagnostics
from taskgraph.corpus import load
from taskgraph.export import EXTRACT_FILES, MANIFEST, write_extract

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
PLAN = ("某市工作方案\n一、重点任务\n"
        "（一）建设数据中心。（牵头单位：市大数据局；配合单位：市财政局、市发展改革委）\n"
        "（二）推进算力网络建设。（牵头单位：市工信局）\n")
CORRECTIONS = ("doc,task_id,unit,role,action\n"
               "p.txt,一/(一),市发展改革委,,set-lead\n"
               "p.txt,一/(一),市财政局,,remove\n"
               "p.txt,一/(二),市通信管理局,support,add\n"
               "q.txt,一/(九),市某某局,support,add\n")  # matches nothing: a stale correction


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def mixed(tmp_path) -> Path:
    """Seeds twice under one name, the same bytes twice, the same tasks in
    other bytes, unreadable and empty files, a plan with no task, names the
    gazetteer lacks, and an annotation with no unit in it."""
    root = tmp_path / "mixed"
    seeds = sorted(SEEDS.glob("*.txt"))
    for folder, seed in (("a", seeds[0]), ("b", seeds[1])):
        (root / folder).mkdir(parents=True)
        shutil.copy(seed, root / folder / "plan.txt")
    shutil.copy(seeds[0], root / "copy.txt")
    (root / "same_tasks.txt").write_text(seeds[0].read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    for seed in seeds[2:]:
        shutil.copy(seed, root / seed.name)
    (root / "broken.docx").write_bytes(b"PK\x03\x04garbage" * 10)
    (root / "empty.txt").write_bytes(b"")
    (root / "notask.txt").write_text("关于天气的说明\n今天天气很好。\n", encoding="utf-8")
    (root / "unknown.txt").write_text("某县实施方案\n一、任务\n（一）做好工作。（牵头单位：县火星开发办；配合单位：县月球局）\n"
                                      "（二）做好另一项工作。（牵头单位：）\n", encoding="utf-8")
    (root / "p.txt").write_text(PLAN, encoding="utf-8")
    return root


def streamed_and_whole(tmp_path, capsys, args: list[str], corrections: Path | None = None, jobs: int = 1):
    """The files and the standard error of taskgraph extract, and those of
    write_extract and report_diagnostics on the corpus load() makes."""
    out = tmp_path / f"streamed-{len(list(tmp_path.iterdir()))}"
    extra = ["--corrections", str(corrections)] if corrections else []
    status = main(["extract", *args, "-o", str(out), "-j", str(jobs), *extra])
    err = capsys.readouterr().err
    corpus = load(args, jobs=jobs, corrections=corrections, allow_empty=True)
    whole = tmp_path / f"whole-{len(list(tmp_path.iterdir()))}"
    write_extract(corpus, whole)
    report_diagnostics(corpus, quiet=False)
    expected_err = capsys.readouterr().err
    got = files(out)
    assert set(got) == {*EXTRACT_FILES, MANIFEST}
    del got[MANIFEST]
    return status, got, files(whole), err, expected_err


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_streamed_files_are_those_of_the_whole_corpus(tmp_path, capsys, mixed, jobs):
    fixes = tmp_path / "corrections.csv"
    fixes.write_text(CORRECTIONS, encoding="utf-8")
    status, got, expected, err, expected_err = streamed_and_whole(tmp_path, capsys, [str(mixed)], fixes, jobs)
    assert status == 1  # unreadable files
    assert got == expected
    assert err.startswith(expected_err)  # then the summary's notes, if any
    codes = {row["code"] for row in json.loads(got["taskgraph.json"])["warnings"]}
    assert {"duplicate", "unreadable", "stale-correction"} <= codes


def test_two_inputs_of_one_name_are_renamed_alike(tmp_path, capsys, monkeypatch):
    (tmp_path / "stdin.txt").write_text(PLAN.replace("数据中心", "数据仓库"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for run in range(2):  # standard input is read once per run
        monkeypatch.setattr("sys.stdin", _Stdin(PLAN.encode("utf-8")))
        if run == 0:
            assert main(["extract", "-", "stdin.txt", "-o", "streamed", "-q"]) == 0
        else:
            write_extract(load(["-", "stdin.txt"]), "whole")
    got, expected = files(tmp_path / "streamed"), files(tmp_path / "whole")
    del got[MANIFEST]
    assert got == expected
    assert "stdin.txt#2" in got["documents.csv"].decode("utf-8-sig")


class _Stdin:
    def __init__(self, data: bytes) -> None:
        import io

        self.buffer = io.BytesIO(data)


def test_the_lines_printed_are_those_of_the_whole_corpus_past_the_limit(tmp_path, capsys):
    """More than 25 warnings and errors: the first 25 printed (with -q the
    errors alone), then how many more, as for a whole corpus."""
    root = tmp_path / "many"
    root.mkdir()
    seed = (SEEDS / "003_95574dca455f0a31.txt").read_text(encoding="utf-8")  # three warnings of its own
    for i in range(15):
        (root / f"ok{i:02}.txt").write_text(seed.replace("加快", f"加快{i}"), encoding="utf-8")
        (root / f"bad{i:02}.docx").write_bytes(b"PK\x03\x04x")
        (root / f"bad{i:02}b.docx").write_bytes(b"PK\x03\x04y")
    for quiet in (False, True):
        q = ["-q"] if quiet else []
        main(["extract", str(root), "-o", str(tmp_path / f"out{quiet}"), *q])
        err = capsys.readouterr().err
        report_diagnostics(load([root], allow_empty=True), quiet=quiet)
        assert err == capsys.readouterr().err
        assert "… " in err and err.count("\n") == 26


def test_no_plan_no_file_and_no_folder(tmp_path, capsys):
    (tmp_path / "x.docx").write_bytes(b"PK\x03\x04x")
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "x.docx"), "-o", str(out)]) == 2
    assert not out.exists()
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "mine.txt").write_text("the user's", encoding="utf-8")
    assert main(["extract", str(tmp_path / "x.docx"), "-o", str(kept)]) == 2
    assert [p.name for p in kept.iterdir()] == ["mine.txt"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_no_plan_is_held_once_it_is_written(tmp_path, monkeypatch, jobs):
    """Each plan is let go once its rows are written: when a plan comes, at
    most the one before it is still alive (in a loop variable); at the end
    none is."""
    root = tmp_path / "plans"
    for folder in "abcdef":
        shutil.copytree(SEEDS, root / folder)
        for path in (root / folder).glob("*.txt"):  # six versions: none a duplicate of another
            path.write_text(path.read_text(encoding="utf-8").replace("加快", f"加快{folder}"), encoding="utf-8")
    alive: list[weakref.ref] = []
    most = [0]
    real = corpus_module._corrected_result

    def spy(result, corrections, gazetteer):
        result = real(result, corrections, gazetteer)
        most[0] = max(most[0], sum(1 for ref in alive if ref() is not None))
        if isinstance(result, tuple):
            alive.append(weakref.ref(result[0]))
        return result

    monkeypatch.setattr(corpus_module, "_corrected_result", spy)
    assert main(["extract", str(root), "-o", str(tmp_path / "out"), "-q", "-j", str(jobs)]) == 0
    assert len(alive) == 24
    assert most[0] <= 1
    assert [ref for ref in alive if ref() is not None] == []


def test_an_error_of_the_reading_is_not_a_failure_of_the_disk(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    calls = []

    def broken(document, gazetteer):
        calls.append(document)
        if len(calls) == 2:
            raise OSError(11, "Resource temporarily unavailable")
        return real(document, gazetteer)

    real = corpus_module.extract_document
    monkeypatch.setattr(corpus_module, "extract_document", broken)
    assert main(["extract", str(SEEDS), "-o", str(out), "-q"]) == 1
    err = capsys.readouterr().err
    assert "internal error (BlockingIOError: [Errno 11]" in err and "cannot write" not in err
    assert "Traceback" not in err
    assert not out.exists()  # the folder the run made is gone, spools and all


def test_an_interruption_while_reading_leaves_the_folder_as_it_was(tmp_path, capsys, monkeypatch):
    out = tmp_path / "out"
    assert main(["extract", str(SEEDS / "000_544df5f8ded5f63a.txt"), "-o", str(out), "-q"]) == 0
    (out / "mine.txt").write_text("the user's", encoding="utf-8")
    before = files(out)
    real = corpus_module.extract_document
    calls = []

    def interrupted(document, gazetteer):
        calls.append(document)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(document, gazetteer)

    monkeypatch.setattr(corpus_module, "extract_document", interrupted)
    capsys.readouterr()
    assert main(["extract", str(SEEDS), "-o", str(out), "-q"]) == 130
    assert files(out) == before  # no temporary file, nothing replaced, the manifest as it was
    assert capsys.readouterr().err.strip() == "interrupted"  # one line, no traceback


def test_a_full_disk_while_the_plans_come_names_the_output(tmp_path, capsys, monkeypatch):
    """The disk fills up while the rows are spooled, before any file is
    written: one line naming the file it was to become, nothing left."""
    out = tmp_path / "out"
    real = export.tempfile.TemporaryFile
    made = []

    class Full:  # the second spool made (assignments.csv) finds the disk full once its header is in
        def __init__(self, *args, **kwargs):
            self.file = real(*args, **kwargs)
            self.writes = 0
            made.append(self)

        def write(self, data):
            self.writes += 1
            if len(made) > 1 and self is made[1] and self.writes > 1:
                raise OSError(28, "No space left on device")
            return self.file.write(data)

        def __getattr__(self, name):
            return getattr(self.file, name)

    monkeypatch.setattr(export.tempfile, "TemporaryFile", Full)
    assert main(["extract", str(SEEDS), "-o", str(out), "-q"]) == 1
    err = capsys.readouterr().err
    assert err == (f"error: {out / 'assignments.csv'}: cannot write the results: No space left on device; "
                   "free some space or choose another output folder\n")
    assert not out.exists()
    assert all(spool.file.closed for spool in made)


@pytest.mark.parametrize("row", [
    {"doc": "a.txt", "n": 3, "ok": True, "no": False, "none": None, "empty": ""},
    {"text": "引号\"、反斜杠\\、换行\n、制表\t、\x01控制、é、😀", "neg": -7, "big": 10 ** 30},
    {"f": 1.5, "inf": math.inf, "g": 1e-7},  # what json writes for floats, through the fallback
    {"nested": {"a": [1, {"b": None}], "c": []}, "list": [1, "二"]},
    {1: "a non-text key", "x": "y"},
    {},
])
def test_json_items_are_written_as_json_dumps_writes_them(row):
    expected = json.dumps({"documents": [row, row], "tasks": [row]}, ensure_ascii=False, indent=1)
    got = ("{\n \"documents\": [\n" + export._json_record(row) + ",\n" + export._json_record(row) + "\n ],\n"
           " \"tasks\": [\n" + export._json_record(row) + "\n ]\n}")
    assert got == expected
