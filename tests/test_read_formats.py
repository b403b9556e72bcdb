"""Bad input of each new format, special files and a closed standard input:
one line naming the file, the run goes on, no traceback."""
from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from taskgraph.cli import main
from taskgraph.errors import ReadError
from taskgraph.read import read_document
from taskgraph.read.office import soffice

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "formats"
GOOD = ROOT / "seeds" / "001_8932685789ee55e5.txt"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def run(capsys, *args) -> tuple[int, str]:
    status = main(["extract", *map(str, args)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, err


def one_line_naming(err: str, path) -> str:
    (line,) = [line for line in err.splitlines() if str(path) in line]
    return line


def encrypted_xlsx(path: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with open(FIXTURES / "001_8932685789ee55e5-分工表.xlsx", "rb") as f:
        OOXMLFile(f).encrypt("secret", out)
    path.write_bytes(out.getvalue())
    return path


def ofd(path: Path, texts: list[str]) -> Path:
    """A small OFD package: one page whose text objects hold ``texts``, a line each."""
    objects = "".join(
        f'<ofd:TextObject ID="{k + 10}" Boundary="20 {30 + 8 * k} 170 6" Font="1" Size="4">'
        f'<ofd:TextCode X="0" Y="4">{t}</ofd:TextCode></ofd:TextObject>' for k, t in enumerate(texts))
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("OFD.xml", f'<ofd:OFD {ns} Version="1.1" DocType="OFD"><ofd:DocBody>'
                   "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>")
        z.writestr("Doc_0/Document.xml", f'<ofd:Document {ns}><ofd:Pages><ofd:Page ID="1" '
                   'BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>')
        z.writestr("Doc_0/Pages/Page_0/Content.xml", f'<ofd:Page {ns}><ofd:Content><ofd:Layer ID="2">'
                   f"{objects}</ofd:Layer></ofd:Content></ofd:Page>")
    return path


@pytest.mark.parametrize("name, make, words", [
    ("broken.doc", lambda p: p.write_bytes(OLE + os.urandom(3000)), "damaged Office 97-2003 file"),
    ("encrypted.xlsx", encrypted_xlsx, "encrypted with a password"),
    ("scan.ofd", lambda p: ofd(p, []), "OFD has no text layer (scanned?): it needs OCR"),
    ("broken.odt", lambda p: p.write_bytes(b"PK\x03\x04" + os.urandom(500)), "not a zip archive"),
    ("broken.xlsx", lambda p: p.write_bytes(b"PK\x03\x04" + os.urandom(500)), "not a zip archive"),
    ("slides.pptx", lambda p: zipfile.ZipFile(p, "w").writestr("ppt/presentation.xml", "<p/>"), "presentation"),
    ("scan.png", lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100)), "needs OCR"),
    ("plans.zip", lambda p: zipfile.ZipFile(p, "w").writestr("a.txt", "x"), "unpack it"),
])
def test_bad_input_of_each_format_is_one_line_and_the_run_goes_on(tmp_path, capsys, name, make, words):
    bad = tmp_path / name
    make(bad)
    status, err = run(capsys, bad, GOOD, "-o", tmp_path / "out")
    assert status == 1
    line = one_line_naming(err, bad)
    assert line.startswith(f"error: {bad}: ") and words in line
    assert "001_8932685789ee55e5.txt" in (tmp_path / "out" / "tasks.csv").read_text(encoding="utf-8-sig")


def test_ofd_text_layer_is_read(tmp_path):
    path = ofd(tmp_path / "plan.ofd", ["某某市科技创新行动方案", "三、重点任务",
                                        "1.建设科技大市场。(责任单位:市科技局、市财政局)"])
    import taskgraph

    (plan,) = taskgraph.load([path]).plans
    assert [(a.unit, a.role) for a in plan.assignments] == [("市科技局", "lead"), ("市财政局", "support")]
    assert plan.info.format == "ofd"


def test_without_libreoffice_a_doc_gets_one_line_saying_what_to_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TASKGRAPH_SOFFICE", str(tmp_path / "no-such-soffice"))
    doc = shutil.copy(FIXTURES / "001_8932685789ee55e5.doc", tmp_path / "plan.doc")
    status, err = run(capsys, doc, GOOD, "-o", tmp_path / "out")
    assert status == 1
    line = one_line_naming(err, doc)
    assert "needs LibreOffice" in line and "apt-get install libreoffice-writer-nogui" in line


def test_a_libreoffice_that_hangs_is_killed_after_the_timeout(tmp_path, capsys, monkeypatch):
    fake = tmp_path / "soffice"
    marker = tmp_path / "started"
    fake.write_text(f"#!/bin/sh\ntouch {marker}\nexec sleep 60\n")
    fake.chmod(0o755)
    monkeypatch.setenv("TASKGRAPH_SOFFICE", str(fake))
    monkeypatch.setenv("TASKGRAPH_SOFFICE_TIMEOUT", "1")
    doc = shutil.copy(FIXTURES / "001_8932685789ee55e5.doc", tmp_path / "plan.doc")
    status, err = run(capsys, doc, GOOD, "-o", tmp_path / "out")
    assert marker.exists()  # it did run, and was stopped
    assert status == 1
    assert "LibreOffice did not finish converting it within 1 s" in one_line_naming(err, doc)


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed (.ci/run installs it)")
def test_libreoffice_writes_nothing_beside_the_plan(tmp_path):
    doc = shutil.copy(FIXTURES / "001_8932685789ee55e5.doc", tmp_path / "plan.doc")
    before = sorted(tmp_path.iterdir())
    assert read_document(doc).lines
    assert sorted(tmp_path.iterdir()) == before


def test_rtf_tables_are_read_as_cells():
    doc = read_document(FIXTURES / "001_8932685789ee55e5.rtf")
    assert doc.format == "rtf"
    lines = read_document(FIXTURES / "001_8932685789ee55e5-分工表.xlsx").lines
    header = next(line for line in lines if line.cells and "牵头单位" in line.cells)
    assert header.cells[:4] == ("序号", "重点任务", "牵头单位", "配合单位")


# ------------------------------------------------------------ special files

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_fifo_named_on_the_command_line_is_refused_unread(tmp_path):
    fifo = tmp_path / "plan.txt"
    os.mkfifo(fifo)
    out = subprocess.run([sys.executable, "-m", "taskgraph", "extract", str(fifo), str(GOOD), "-o",
                          str(tmp_path / "out")], capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    line = one_line_naming(out.stderr, fifo)
    assert line == f"error: {fifo}: is a named pipe (FIFO), not a file: refused unread"
    assert (tmp_path / "out" / "tasks.csv").is_file()


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no Unix sockets on this system")
def test_a_socket_or_a_device_is_refused_unread(tmp_path):
    path = tmp_path / "plan.sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        with pytest.raises(ReadError, match=r"is a socket, not a file: refused unread"):
            read_document(path)
    finally:
        server.close()
    if os.path.exists("/dev/zero"):
        with pytest.raises(ReadError, match=r"is a device, not a file: refused unread"):
            read_document("/dev/zero")


@pytest.mark.parametrize("jobs", [[], ["--jobs", "2"]], ids=["one-process", "jobs-2"])
def test_a_closed_standard_input_is_one_clear_line(tmp_path, jobs):
    command = [sys.executable, "-m", "taskgraph", "extract", "-", *jobs, "-o", str(tmp_path / "out")]
    out = subprocess.run(command, capture_output=True, text=True, timeout=120,
                         preexec_fn=lambda: os.close(0))  # as `taskgraph extract - <&-`
    assert "Traceback" not in out.stderr and "AttributeError" not in out.stderr
    assert out.returncode == 2
    assert "error: <stdin>: standard input is closed: nothing to read" in out.stderr


def test_a_closed_standard_input_beside_a_file_costs_only_itself(tmp_path):
    command = [sys.executable, "-m", "taskgraph", "extract", "-", str(GOOD), "--jobs", "2", "-o",
               str(tmp_path / "out")]
    out = subprocess.run(command, capture_output=True, text=True, timeout=120, preexec_fn=lambda: os.close(0))
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert [line for line in out.stderr.splitlines() if "<stdin>" in line] == [
        "error: <stdin>: standard input is closed: nothing to read (name a file, or pipe a plan in)"]
    assert (tmp_path / "out" / "tasks.csv").is_file()


def test_no_input_yielding_a_task_exits_1_with_a_message(tmp_path, capsys):
    path = tmp_path / "notice.txt"
    path.write_text("关于召开会议的通知\n请各单位准时参加。\n", encoding="utf-8")
    status, err = run(capsys, path, "-o", tmp_path / "out")
    assert status == 1
    assert "error: no task found in the 1 plan read" in err


def test_a_pdf_table_over_several_pages_is_one_table_with_one_header():
    path = FIXTURES / "000_544df5f8ded5f63a-分工表.pdf"
    from pypdf import PdfReader

    assert len(PdfReader(path).pages) > 2  # the table runs over pages, its header repeated on each
    rows = [line for line in read_document(path).lines if line.cells]
    assert {line.table for line in rows} == {1}
    assert [line.cells for line in rows].count(("序号", "重点任务", "牵头单位", "配合单位", "完成时限")) == 1
    numbers = [int(line.cells[0]) for line in rows if line.cells[0].isdigit()]
    assert numbers == list(range(1, 52))  # every task once: a row broken by the page is one row
    assert not any("管\n" in c or c.endswith("(管") for line in rows for c in line.cells)  # wrapped names joined


def test_reading_imports_no_writer(tmp_path):
    """The read stage stands alone: reading a folder (which looks for a
    run's manifest) imports neither the writers nor the pipeline."""
    shutil.copy(GOOD, tmp_path / "plan.txt")
    code = ("import sys, taskgraph.read as r; docs = list(r.iter_documents([sys.argv[1]])); "
            "print(len(docs), sorted(m for m in ('taskgraph.export', 'taskgraph.corpus', 'taskgraph.render') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "[]"]
