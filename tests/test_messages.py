"""File names printed safely: a newline (or any control character) in a file
name cannot forge a line on standard error, text of a plan is never taken
for rich markup, and bytes that are not UTF-8 are shown, not a traceback."""
from __future__ import annotations

import io
import os
import sys

import pytest

from taskgraph import cli
from taskgraph.cli import main
from taskgraph.safe import printable

PLAN = "关于推进工作的实施方案\n一、重点任务\n1.加强协调。（责任单位：区发改局）\n"
UNANNOTATED = "关于推进工作的实施方案\n一、重点任务\n1.加强协调。\n"  # gives a warning naming the file
PREFIXES = ("warning: ", "error: ", "note: ", "… ", "wrote ", "interrupted")


def forged_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "forged" in line and not line.startswith(PREFIXES[:1])]


def test_printable_escapes_control_characters():
    assert printable("a\nb\rc\td\x1b[31me\x7f\x85") == "a\\nb\\rc\\td\\x1b[31me\\x7f\\x85"
    assert printable("甲\u202e乙\u2028丙") == "甲\\u202e乙\\u2028丙"
    assert printable("区发改局.txt") == "区发改局.txt"
    assert printable(os.fsdecode(b"\xff\xfe.txt")) == "\\xff\\xfe.txt"
    assert printable(printable("a\nb")) == printable("a\nb")  # escaping twice changes nothing


@pytest.mark.skipif(sys.platform == "win32", reason="no newline in a Windows file name")
def test_a_newline_in_a_file_name_forges_no_error_line(tmp_path, capsys):
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "x\nerror: forged.txt").write_text(UNANNOTATED, encoding="utf-8")
    (folder / "y\rerror: forged too.txt").write_text(UNANNOTATED, encoding="utf-8")
    assert main(["extract", str(folder), "-o", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    lines = err.splitlines()
    assert not [line for line in lines if line.startswith("error:")]
    assert not [line for line in lines if "forged" in line and not line.startswith("warning: ")]
    assert "x\\nerror: forged.txt" in err and "y\\rerror: forged too.txt" in err
    assert "\r" not in err


@pytest.mark.skipif(sys.platform == "win32", reason="no newline in a Windows file name")
def test_a_missing_path_is_named_on_one_line(tmp_path, capsys):
    assert main(["extract", str(tmp_path / "no\nerror: forged"), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert len([line for line in err.splitlines() if line.startswith("error:")]) == 1
    assert "no\\nerror: forged" in err


def test_an_output_folder_that_is_a_file_is_named_on_one_line(tmp_path, capsys):
    target = tmp_path / "a\nerror: forged"
    target.write_text("x")
    assert main(["extract", "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "a\\nerror: forged" in err


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="file names there must be valid Unicode")
def test_a_file_name_that_is_not_utf8_is_shown_not_a_traceback(tmp_path, capsys):
    folder = tmp_path / "plans"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"\xff\xfeplan.txt"), "wb") as fh:
        fh.write(UNANNOTATED.encode("utf-8"))
    assert main(["extract", str(folder), "-o", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "\\xff\\xfeplan.txt" in err and "Traceback" not in err


def test_markup_in_a_plan_is_printed_as_text(tmp_path, capsys):
    plan = tmp_path / "测试[bold]市[red].txt"  # no place in the text: the file name stands for it
    plan.write_text(PLAN.replace("区发改局", "区发改局[/b]"), encoding="utf-8")
    assert main(["load", str(plan)]) == 0
    out = capsys.readouterr().out
    assert "区发改局[/b]" in out and "测试[bold]市[red].txt" in out


@pytest.mark.skipif(sys.platform == "win32", reason="no newline in a Windows file name")
def test_the_progress_line_on_a_terminal_escapes_the_plan_name(tmp_path, monkeypatch):
    from rich.console import Console

    screen = io.StringIO()
    monkeypatch.setattr(cli, "_console", lambda stderr=False: Console(file=screen, force_terminal=True,
                                                                      highlight=False, soft_wrap=True))
    plan = tmp_path / "p[red]\nerror: forged.txt"
    plan.write_text(PLAN, encoding="utf-8")
    assert main(["report", str(plan), "-o", str(tmp_path / "out"), "-j", "1"]) == 0
    shown = screen.getvalue()
    assert "p[red]\\nerror: forged.txt" in shown
    assert "\nerror: forged" not in shown
