"""Bad input, end to end: each bad file gets one line on standard error
naming it, no traceback, and the other files of the run are still read and
written. Every fixture is made here, in ``tmp_path``.

Exit status (``taskgraph --help``, README): 0 every input read; 1 some
input could not be read (the rest written), or ``--strict`` and warnings;
2 usage error or nothing readable.
"""
from __future__ import annotations

import csv
import io
import random
import shutil
import zipfile
from pathlib import Path

import pytest

from taskgraph.cli import main
from taskgraph.errors import ReadError
from taskgraph.read import MAX_TEXT_BYTES, read_document

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")

PLAN = (
    "锦州市科技创新发展三年行动计划\n"
    "三、重点任务\n"
    "1.加强科技型企业梯队培育建设。（责任单位：市科技局、市财政局）\n"
    "2.建设科技创新平台。（牵头单位：市发展改革委；配合单位：市工业和信息化局）\n"
)
PLAN_TASKS = {"加强科技型企业梯队培育建设", "建设科技创新平台"}


# ------------------------------------------------------------------ fixtures


def docx_bytes(document_xml: bytes, *, level: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", level) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document_xml)
    return buffer.getvalue()


def document_xml(paragraphs: list[str], doctype: str = "") -> bytes:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + doctype +
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    ).encode("utf-8")


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/document.xml", "w") as member:
            for _ in range(24):  # 24 MB of zeros, some 24 KB compressed
                member.write(bytes(1 << 20))
    return buffer.getvalue()


def xxe_docx(secret: Path) -> bytes:
    doctype = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
    return docx_bytes(document_xml(["三、重点任务", "1.&xxe;（责任单位：市科技局）"], doctype))


def blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def sparse_file(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that holds a plan's first line and then a
    hole: the file system stores almost nothing."""
    with open(path, "wb") as fh:
        fh.write(PLAN.encode("utf-8"))
        fh.truncate(size)
    return path


SPAM_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>行动方案_某市人民政府</title>
<script>document.write("脚本里的文字")</script></head><body>
<div class="nav"><a>网站首页</a> <a>政务公开</a> <a>互动交流</a></div>
<div class="content">
<p>三、重点任务</p>
<p>1.加强科技型企业梯队培育建设。（责任单位：市科技局、市财政局）</p>
<p>2.建设科技创新平台。（牵头单位：市发展改革委；配合单位：市工业和信息化局）</p>
<p>亚洲AV在线观看 一区二区 无码</p>
</div><div class="footer">版权所有</div></body></html>
"""

# name -> (bytes maker, expected words of its one error line)
UNREADABLE = {
    "empty.txt": (lambda tmp: b"", "file is empty"),
    "blank.txt": (lambda tmp: b" \r\n\n  \n", "file is empty"),
    "binary.txt": (lambda tmp: random.Random(5).randbytes(8192), "binary file"),
    "gbk-read-as-utf8.txt": (
        lambda tmp: PLAN.encode("gbk").decode("utf-8", errors="replace").encode("utf-8") * 3, "mojibake"),
    "utf8-read-as-gbk.txt": (
        lambda tmp: PLAN.encode("utf-8").decode("gbk", errors="replace").encode("utf-8") * 3, "mojibake"),
    "not-a-zip.docx": (lambda tmp: PLAN.encode("utf-8"), "not a zip"),
    "zip-bomb.docx": (lambda tmp: zip_bomb(), "zip bomb"),
    "external-entity.docx": (lambda tmp: xxe_docx(tmp / "secret.txt"), "DOCTYPE"),
    "scan.pdf": (lambda tmp: blank_pdf(), "needs OCR"),
    "old-word.docx": (lambda tmp: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024), "save it as .docx"),
}


@pytest.fixture
def good(tmp_path) -> list[Path]:
    """Two seeds and a GBK-encoded plan: the files that must come through."""
    folder = tmp_path / "good"
    folder.mkdir()
    files = [shutil.copy(SEEDS / name, folder / name)
             for name in ("000_544df5f8ded5f63a.txt", "001_8932685789ee55e5.txt")]
    gbk = folder / "gbk-plan.txt"
    gbk.write_bytes(PLAN.encode("gbk"))
    return [Path(f) for f in files] + [gbk]


def make_bad(tmp_path: Path, name: str) -> Path:
    (tmp_path / "secret.txt").write_text("TOP-SECRET", encoding="utf-8")
    folder = tmp_path / "bad"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(UNREADABLE[name][0](tmp_path))
    return path


def run(capsys, *args: str | Path) -> tuple[int, str, str]:
    status = main(["extract", *map(str, args)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def assert_good_written(out_dir: Path, good: list[Path]) -> None:
    tasks = rows(out_dir / "tasks.csv")
    docs = {r["doc"] for r in tasks}
    assert {p.name for p in good} <= docs
    titles = {r["title"] for r in tasks if r["doc"] == "gbk-plan.txt"}
    assert titles == PLAN_TASKS


def lines_naming(err: str, path: Path | str) -> list[str]:
    return [line for line in err.splitlines() if str(path) in line]


# ---------------------------------------------------------- unreadable files


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_one_unreadable_file_among_good_ones(tmp_path, capsys, good, name):
    bad = make_bad(tmp_path, name)
    out_dir = tmp_path / "out"
    status, _, err = run(capsys, good[0], bad, *good[1:], "-o", out_dir)
    assert status == 1
    (line,) = lines_naming(err, bad)
    assert line.startswith(f"error: {bad}: ") and UNREADABLE[name][1] in line
    assert "TOP-SECRET" not in err
    assert_good_written(out_dir, good)
    warnings = rows(out_dir / "warnings.csv")
    assert [(w["file"], w["level"]) for w in warnings if w["file"] == str(bad)] == [(str(bad), "error")]


def test_a_mix_of_bad_files_one_line_each_and_the_rest_written(tmp_path, capsys, good):
    bad = [make_bad(tmp_path, name) for name in sorted(UNREADABLE)]
    huge = sparse_file(tmp_path / "bad" / "huge.txt", 200 * 2**20)
    missing = tmp_path / "no-such-plan.txt"
    no_plans = tmp_path / "no-plans"
    no_plans.mkdir()
    (no_plans / "notes.csv").write_text("a,b\n", encoding="utf-8")
    out_dir = tmp_path / "out"
    status, _, err = run(capsys, *good, tmp_path / "bad", missing, no_plans, "-o", out_dir)
    assert status == 1
    for path in [*bad, huge, missing, no_plans]:
        assert len(lines_naming(err, path)) == 1, (path, err)
        assert lines_naming(err, path)[0].startswith("error: ")
    assert_good_written(out_dir, good)
    errors = [w for w in rows(out_dir / "warnings.csv") if w["level"] == "error"]
    assert len(errors) == len(bad) + 3


def test_nothing_readable_exits_2_and_writes_nothing(tmp_path, capsys):
    bad = [make_bad(tmp_path, name) for name in ("empty.txt", "binary.txt", "scan.pdf")]
    out_dir = tmp_path / "out"
    status, _, err = run(capsys, *bad, tmp_path / "missing.txt", "-o", out_dir)
    assert status == 2
    assert len(err.strip().splitlines()) == 4
    assert not out_dir.exists()


@pytest.mark.parametrize("args", [["--no-such-option"], ["-o"]])
def test_usage_error_exits_2(tmp_path, capsys, args):
    status = main(["extract", *args])
    out, err = capsys.readouterr()
    assert status == 2 and "Traceback" not in out + err


@pytest.mark.parametrize("command", ["extract", "report", "graph", "load", "clusters", "overlap"])
def test_output_that_is_a_file_is_a_usage_error(tmp_path, capsys, good, command):
    target = tmp_path / "out.csv"
    target.write_text("mine", encoding="utf-8")
    status = main([command, *map(str, good), "-o", str(target), "-q"])
    out, err = capsys.readouterr()
    assert status == 2
    assert err.strip().splitlines() == [f"error: --output {target} is a file, not a folder; name a folder "
                                        f"(it is made if missing)"]
    assert out == ""  # refused before any work: nothing printed, nothing written
    assert target.read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "good") == ["out.csv"]


def test_path_that_does_not_exist(tmp_path, capsys, good):
    status, _, err = run(capsys, tmp_path / "nope.txt", *good, "-o", tmp_path / "out")
    assert status == 1
    assert lines_naming(err, tmp_path / "nope.txt") == [f"error: {tmp_path / 'nope.txt'}: path does not exist"]
    assert_good_written(tmp_path / "out", good)


def test_folder_with_no_plans(tmp_path, capsys, good):
    empty = tmp_path / "empty"
    empty.mkdir()
    status, _, err = run(capsys, empty, *good, "-o", tmp_path / "out")
    assert status == 1
    (line,) = lines_naming(err, empty)
    assert line == f"error: {empty}: no plans found in folder (looked for .txt .doc .docx .wps .odt .rtf .html .pdf .ofd .xlsx .xls .et .ods; a .csv is read when named)"


# --------------------------------------------------------------- 200 MB file


def test_200_mb_text_file_is_refused_from_its_size_without_reading_it(tmp_path, capsys, good, monkeypatch):
    huge = sparse_file(tmp_path / "huge.txt", 200 * 2**20)
    reads = []
    real_open = open

    class Spy:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def read(self, n=-1):
            reads.append(n)
            return self.fh.read(n)

        def __getattr__(self, name):
            return getattr(self.fh, name)

    def spy_open(path, mode="r", *args, **kwargs):
        fh = real_open(path, mode, *args, **kwargs)
        return Spy(fh) if str(path) == str(huge) else fh

    import taskgraph.read

    monkeypatch.setattr(taskgraph.read, "open", spy_open, raising=False)
    status, _, err = run(capsys, huge, *good, "-o", tmp_path / "out")
    assert status == 1
    (line,) = lines_naming(err, huge)
    assert line == (f"error: {huge}: refused: 200 MB of text is too large for a plan "
                    "(the limit is 16 MB; a plan is rarely over 1 MB)")
    assert reads and all(0 < n <= 4096 for n in reads)  # only the first bytes, to tell the format
    assert_good_written(tmp_path / "out", good)


def test_text_just_over_the_limit_is_refused_and_just_under_is_read(tmp_path, monkeypatch):
    import taskgraph.read

    monkeypatch.setattr(taskgraph.read, "MAX_TEXT_BYTES", 4096)
    data = PLAN.encode("utf-8")
    under = tmp_path / "under.txt"
    under.write_bytes(data + b"\n" * (4096 - len(data)))
    assert read_document(under).lines
    over = tmp_path / "over.txt"
    over.write_bytes(data + b"\n" * (4097 - len(data)))
    with pytest.raises(ReadError, match="too large for a plan"):
        read_document(over)


def test_large_standard_input_is_refused(monkeypatch):
    import sys

    import taskgraph.read

    monkeypatch.setattr(taskgraph.read, "MAX_FILE_BYTES", 1 << 16)

    class Stdin:
        buffer = io.BytesIO(PLAN.encode("utf-8") * 1000)  # read no further than the limit

    monkeypatch.setattr(sys, "stdin", Stdin)
    with pytest.raises(ReadError, match=r"^<stdin>: refused: .* too large for a plan"):
        read_document("-")
    assert Stdin.buffer.tell() == (1 << 16) + 1


def test_limits_are_documented():
    assert MAX_TEXT_BYTES == 16 * 2**20
    assert "16 MB" in README


# ------------------------------------------- files read with warnings


WARNED = {
    # name: (bytes, expected (code, line) of its warnings)
    "nul-bytes.txt": (PLAN.encode("utf-8").replace("三、".encode(), "三、".encode() + b"\x00\x00"),
                      [("nul-bytes", "")]),
    "unbalanced.txt": (PLAN.replace("财政局）", "财政局").replace("工业和信息化局）", "工业和信息化局〕").encode(),
                       [("unbalanced", "3")]),
    "no-units.txt": (PLAN.replace("市科技局、市财政局", "").encode(), [("no-units", "3")]),
    "empty-items.txt": (PLAN.replace("市科技局、", "市科技局、、").encode(), [("empty-item", "3")]),
    "repeated.txt": (PLAN.replace("2.建设", "1.建设").encode(), [("number-repeated", "4")]),
    "skipped.txt": (PLAN.replace("2.建设", "4.建设").encode(), [("number-skipped", "4")]),
    "spam.html": (SPAM_PAGE.encode("utf-8"), [("spam", "5")]),
    "partly-mojibake.txt": (
        (PLAN + "加强组织领导。\n".encode("utf-8").decode("gbk", errors="replace") + "\n").encode("utf-8"),
        [("mojibake", "5")]),
}


@pytest.mark.parametrize("name", sorted(WARNED))
def test_a_file_read_with_warnings(tmp_path, capsys, good, name):
    data, expected = WARNED[name]
    path = tmp_path / name
    path.write_bytes(data)
    out_dir = tmp_path / "out"
    # not beside gbk-plan.txt: most of these are that plan with a flaw, the
    # same tasks, units and roles, and the same plan read twice counts once
    good = good[:2]
    status, _, err = run(capsys, *good, path, "-o", out_dir)
    assert status == 0
    warnings = [(w["code"], w["line"]) for w in rows(out_dir / "warnings.csv") if w["file"] == str(path)]
    assert warnings == expected
    named = lines_naming(err, path)
    assert len(named) == len(expected) and all(line.startswith(f"warning: {path}") for line in named)
    assert {p.name for p in good} <= {r["doc"] for r in rows(out_dir / "tasks.csv")}
    mine = [r for r in rows(out_dir / "tasks.csv") if r["doc"] == name]
    assert mine, "the file's tasks are kept"

    status, _, _ = run(capsys, *good, path, "-o", out_dir, "--strict")
    assert status == 1


def test_html_page_drops_navigation_and_scripts_and_flags_spam(tmp_path, capsys):
    path = tmp_path / "page.html"
    path.write_bytes(SPAM_PAGE.encode("utf-8"))
    status, _, _ = run(capsys, path, "-o", tmp_path / "out")
    assert status == 0
    tasks = rows(tmp_path / "out" / "tasks.csv")
    assert {r["title"] for r in tasks} == PLAN_TASKS
    text = " ".join(r["text"] + r["section"] for r in tasks)
    for chrome in ("网站首页", "脚本", "版权所有", "AV"):
        assert chrome not in text


def test_the_langfang_seed_is_read_with_its_two_mojibake_spots_flagged(tmp_path, capsys):
    seed = SEEDS / "003_95574dca455f0a31.txt"
    status, _, err = run(capsys, seed, "-o", tmp_path / "out")
    assert status == 0
    assert [line for line in err.splitlines() if "mojibake" in line] == [
        f"warning: {seed}:41: line looks mis-encoded (mojibake); kept as is",
        f"warning: {seed}:91: line looks mis-encoded (mojibake); kept as is",
    ]
    tasks = [r for r in rows(tmp_path / "out" / "tasks.csv") if r["doc"] == seed.name]
    assert len(tasks) > 10  # the rest of the page is kept
    assert main(["extract", str(seed), "-o", str(tmp_path / "out"), "--strict", "-q"]) == 1


def test_strict_with_clean_input_exits_0(tmp_path, capsys, good):
    status, _, err = run(capsys, *good, "-o", tmp_path / "out", "--strict")
    assert status == 0 and err == ""


# ----------------------------------------------------------- documentation


def test_exit_status_is_documented_in_help_and_readme(capsys):
    assert main(["extract", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    for words in ("Exit status: 0 all inputs read", "1 some input could not be read", "no input yields a task",
                  "--strict and warnings", "2 usage error or nothing readable"):
        assert words in help_text
    readme = " ".join(README.split())
    assert ("Exit status: `0` every input was read; `1` some input could not be read (the rest was written), "
            "no input yields a task (said in one line), or `--strict` and there were warnings; `2` usage error "
            "or nothing readable.") in readme


def test_200_mb_docx_is_refused_from_its_size(tmp_path):
    huge = tmp_path / "huge.docx"
    with open(huge, "wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(200 * 2**20)
    with pytest.raises(ReadError) as e:
        read_document(huge)
    assert str(e.value) == (f"{huge}: refused: a 200 MB .docx file is too large for a plan "
                            "(the limit is 128 MB; a plan is rarely over 1 MB)")


def test_two_plans_with_the_same_file_name_stay_apart(tmp_path, capsys):
    for folder, seed in (("a", "003_95574dca455f0a31.txt"), ("b", "000_544df5f8ded5f63a.txt")):
        (tmp_path / folder).mkdir()
        shutil.copy(SEEDS / seed, tmp_path / folder / "plan.txt")
    status, _, _ = run(capsys, tmp_path / "a", tmp_path / "b", "-o", tmp_path / "out")
    assert status == 0
    edges = rows(tmp_path / "out" / "assignments.csv")
    assert {(r["doc"], r["place"]) for r in edges} == {("a/plan.txt", "廊坊市"), ("b/plan.txt", "锦州市")}
    assert all(r["unit_id"].startswith(r["place"] + ":") for r in edges)  # each resolved in its own place
    for folder, seed in (("a", "003_95574dca455f0a31.txt"), ("b", "000_544df5f8ded5f63a.txt")):
        alone = tmp_path / f"alone-{folder}"
        assert main(["extract", str(SEEDS / seed), "-o", str(alone), "-q"]) == 0
        mine = [(r["task_id"], r["unit"], r["role"]) for r in edges if r["doc"] == f"{folder}/plan.txt"]
        assert mine == [(r["task_id"], r["unit"], r["role"]) for r in rows(alone / "assignments.csv")]


# ------------------------------------------------- found by benchmarks/fuzz.py


def test_docx_with_a_damaged_deflate_stream_is_one_line(tmp_path):
    data = bytearray(docx_bytes(document_xml(["三、重点任务"] + ["1.加强科技型企业梯队培育建设。"] * 200)))
    start = 30 + len("[Content_Types].xml") + len(b"<Types/>")  # the first entry is stored small
    start = data.index(b"PK\x03\x04", start) + 30 + len("word/document.xml")
    for i in range(start + 20, start + 60):
        data[i] ^= 0x5A
    path = tmp_path / "damaged.docx"
    path.write_bytes(bytes(data))
    with pytest.raises(ReadError) as e:
        read_document(path)
    assert str(e.value).startswith(f"{path}: damaged .docx") and "\n" not in str(e.value)


def test_docx_with_a_nul_character_in_its_xml_is_one_line(tmp_path):
    path = tmp_path / "nul.docx"
    path.write_bytes(docx_bytes(document_xml(["三、重点任务", "1.加强\x00建设。"])))
    with pytest.raises(ReadError, match="not well-formed XML") as e:
        read_document(path)
    assert "\n" not in str(e.value)


def test_an_extractor_bug_costs_one_document_not_the_run(tmp_path, monkeypatch, capsys):
    import taskgraph.extract as extract
    from taskgraph.cli import main

    real = extract.extract_plan

    def flaky(doc, unit_like=None):
        if doc.name == "bad.txt":
            raise RuntimeError("boom")
        return real(doc, unit_like)

    monkeypatch.setattr(extract, "extract_plan", flaky)
    (tmp_path / "bad.txt").write_text("三、重点任务\n1.建设平台。(责任单位:市科技局)", encoding="utf-8")
    (tmp_path / "good.txt").write_text("三、重点任务\n1.建设平台。(责任单位:市财政局)", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(tmp_path / "bad.txt"), str(tmp_path / "good.txt"), "-o", str(out), "-q"]) == 1
    err = capsys.readouterr().err
    assert "bad.txt" in err and "RuntimeError: boom" in err and "Traceback" not in err
    assert "市财政局" in (out / "assignments.csv").read_text(encoding="utf-8-sig")
