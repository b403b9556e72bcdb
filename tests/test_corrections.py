"""Corrections made after review: applied on top of extraction by every
command, marked in the outputs, kept over a re-run on a revised plan, and
reported when they no longer match. The corrections file is never written."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from taskgraph.cli import main

PLAN = ("某市工作方案\n一、重点任务\n"
        "（一）建设数据中心。（牵头单位：市大数据局；配合单位：市财政局、市发展改革委）\n"
        "（二）推进算力网络建设。（牵头单位：市工信局）\n")
CORRECTIONS = ("doc,task_id,unit,role,action\n"
               "p.txt,一/(一),市发展改革委,,set-lead\n"
               "p.txt,一/(一),市财政局,,remove\n"
               "p.txt,一/(二),市通信管理局,support,add\n")


def edges(out: Path) -> dict[str, list[tuple[str, str, str]]]:
    with open(out / "assignments.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    got: dict[str, list[tuple[str, str, str]]] = {}
    for r in rows:
        got.setdefault(r["task_id"], []).append((r["unit"], r["role"], r["how"]))
    return got


def warnings(out: Path) -> list[dict]:
    with open(out / "warnings.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def files(tmp_path):
    plan = tmp_path / "p.txt"
    plan.write_text(PLAN, encoding="utf-8")
    fixes = tmp_path / "corrections.csv"
    fixes.write_text(CORRECTIONS, encoding="utf-8")
    return plan, fixes


def test_corrections_are_applied_and_marked(tmp_path, files):
    plan, fixes = files
    out = tmp_path / "out"
    assert main(["extract", str(plan), "-o", str(out), "--corrections", str(fixes), "--quiet"]) == 0
    assert edges(out) == {
        "一/(一)": [("市大数据局", "support", "corrected"), ("市发展改革委", "lead", "corrected")],
        "一/(二)": [("市工信局", "lead", "label"), ("市通信管理局", "support", "corrected")],
    }
    assert not [w for w in warnings(out) if w["code"] == "stale-correction"]


def test_without_corrections_the_extraction_is_unchanged(tmp_path, files):
    plan, _ = files
    out = tmp_path / "out"
    assert main(["extract", str(plan), "-o", str(out), "--quiet"]) == 0
    assert edges(out)["一/(一)"] == [("市大数据局", "lead", "label"), ("市财政局", "support", "label"),
                                    ("市发展改革委", "support", "label")]


def test_a_rerun_on_a_revised_plan_keeps_what_matches_and_names_what_does_not(tmp_path, files):
    plan, fixes = files
    # the final text: task (二) became (三) and 市财政局 was taken off by the drafters themselves
    plan.write_text(PLAN.replace("、市发展改革委）", "）").replace("市财政局", "市发展改革委")
                    .replace("（二）推进", "（三）推进"), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(plan), "-o", str(out), "--corrections", str(fixes), "--quiet"]) == 0
    got = edges(out)
    assert got["一/(一)"] == [("市大数据局", "support", "corrected"), ("市发展改革委", "lead", "corrected")]
    assert got["一/(三)"] == [("市工信局", "lead", "label")]
    stale = [w for w in warnings(out) if w["code"] == "stale-correction"]
    assert sorted(int(w["line"]) for w in stale) == [3, 4]  # remove 市财政局, add to (二): rows 3 and 4
    assert all(w["file"] == str(fixes) for w in stale)
    assert fixes.read_text(encoding="utf-8") == CORRECTIONS


@pytest.mark.parametrize("command", ["graph", "load", "clusters", "overlap"])
def test_every_command_takes_corrections(tmp_path, files, command, capsys):
    plan, fixes = files
    out = tmp_path / "out"
    assert main([command, str(plan), "--corrections", str(fixes), "-o", str(out), "--quiet"]) == 0
    written = "".join(p.read_text(encoding="utf-8-sig") for p in out.iterdir() if p.suffix in (".csv", ".json"))
    assert ("市通信管理局" in written) == (command != "overlap")  # overlap tables hold tasks, not units
    assert "市财政局" not in written


def test_the_corrections_file_is_never_written(tmp_path, files, capsys):
    plan, _ = files
    out = tmp_path / "out"
    out.mkdir()
    fixes = out / "tasks.csv"  # named like an output, in the output folder
    fixes.write_text(CORRECTIONS, encoding="utf-8")
    code = main(["extract", str(plan), "-o", str(out), "--corrections", str(fixes), "--quiet"])
    assert code != 0 and fixes.read_text(encoding="utf-8") == CORRECTIONS
    assert "tasks.csv" in capsys.readouterr().err


@pytest.mark.parametrize("body, said", [
    ("task_id,unit\n一/(一),市财政局\n", "action"),
    ("task_id,unit,action\n一/(一),市财政局,rename\n", "rename"),
    ("task_id,unit,role,action\n一/(一),市财政局,boss,add\n", "boss"),
    ("task_id,unit,action\n一/(一),=HYPERLINK(1),add\n", "="),
])
def test_a_bad_corrections_file_is_one_line_naming_it(tmp_path, files, capsys, body, said):
    plan, _ = files
    bad = tmp_path / "bad.csv"
    bad.write_text(body, encoding="utf-8")
    assert main(["extract", str(plan), "-o", str(tmp_path / "out"), "--corrections", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0] and said in err[0] and "Traceback" not in err[0]
    assert not (tmp_path / "out").exists()


def test_chinese_headers_and_words(tmp_path, files):
    plan, _ = files
    fixes = tmp_path / "更正.csv"
    fixes.write_text("文件,任务编号,单位,角色,操作\np.txt,一/(二),市通信管理局,配合,增加\n", encoding="gb18030")
    out = tmp_path / "out"
    assert main(["extract", str(plan), "-o", str(out), "--corrections", str(fixes), "--quiet"]) == 0
    assert ("市通信管理局", "support", "corrected") in edges(out)["一/(二)"]
