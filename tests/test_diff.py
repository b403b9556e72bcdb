"""Versions of a plan (taskgraph diff): pairs written for the purpose."""
from __future__ import annotations

from pathlib import Path

import pytest

import taskgraph
from taskgraph.analyse.diff import diff_plans, task_similarity, version_pairs
from taskgraph.cli import main

HERE = Path(__file__).parent
DRAFT = Path("seeds/003_95574dca455f0a31.txt")
FINAL = HERE / "plans" / "versions" / "langfang_final.txt"  # the draft, edited by hand (see below)


def _diff(old_text: str, new_text: str, tmp_path: Path, **kw):
    a, b = tmp_path / "old.txt", tmp_path / "new.txt"
    a.write_text(old_text, encoding="utf-8")
    b.write_text(new_text, encoding="utf-8")
    corpus = taskgraph.load([str(a), str(b)])
    return diff_plans(*corpus.plans, corpus.units, **kw)


def _changes(d):
    return [(r["change"], r["old_task_id"], r["new_task_id"]) for r in d.rows if r["change"] != "unchanged"]


def test_langfang_draft_against_its_final():
    """langfang_final.txt is the seed with these edits made by hand: 征求意见稿
    taken off the title; 三/(三) gains a supporter (市发展改革委); 四/(一)/2 asks
    150 projects, not 100; 四/(二)/8 is gone; 四/(三)/11 is led by 市科技局, with
    市市场监督管理局 supporting; 四/(四)/14 is split in two (the risk
    compensation becomes 15, led by 市财政局), so 15–20 become 16–21; the
    task that is now 19 has a deadline (2025年底); a task 22 is new."""
    corpus = taskgraph.load([str(DRAFT), str(FINAL)])
    d = diff_plans(*corpus.plans, corpus.units)
    assert _changes(d) == [
        ("reworded", "四/(一)/2", "四/(一)/2"),
        ("dropped", "四/(二)/8", ""),
        ("reworded", "四/(四)/14", "四/(四)/14"),
        ("split", "四/(四)/14", "四/(四)/15"),
        ("added", "", "四/(五)/22"),
    ]
    by_new = {r["new_task_id"]: r for r in d.rows}
    assert by_new["三/(三)"]["support_added"] == "市发展改革委" and by_new["三/(三)"]["change"] == "unchanged"
    r = by_new["四/(三)/11"]
    assert (r["lead_added"], r["lead_removed"], r["support_added"]) == ("市科技局", "市市场监督管理局", "市市场监督管理局")
    assert by_new["四/(四)/14"]["support_removed"] == "廊坊银保监分局"
    assert by_new["四/(五)/19"]["old_task_id"] == "四/(五)/18" and by_new["四/(五)/19"]["moved"]
    assert (by_new["四/(五)/19"]["old_deadline"], by_new["四/(五)/19"]["new_deadline"]) == ("", "2025年底")
    assert sum(r["moved"] for r in d.rows) == 6  # 15–20 renumbered
    assert version_pairs(corpus.plans) == [tuple(corpus.plans)]  # the draft first


PLAN = """某区科技创新行动方案（2022—2024年）
一、重点任务
（一）企业培育
1.壮大科技型中小企业队伍。每年遴选优质小微企业重点支持，推动成长为科技型中小企业。（牵头单位：区科技局，配合单位：区经信局、区市场监管局）
2.做强高新技术企业群体。落实高新技术企业税收优惠政策，调整优化区级奖补政策。（牵头单位：区科技局，配合单位：区财政局、区税务局）
（二）人才引进
3.引进高层次创新人才。完善人才评价激励体系，优化区级人才计划评审办法。（牵头单位：区委人才办，配合单位：区人力社保局）
4.建设科技金融服务体系。推动银行设立科技支行，开展知识产权质押融资，设立科技成果转化引导基金。（牵头单位：区金融办，配合单位：区科技局、区财政局）
"""


def test_a_reordered_outline_matches_every_task(tmp_path):
    lines = PLAN.splitlines()
    # the two sections swapped, tasks renumbered
    swapped = "\n".join([lines[0], lines[1], "（一）人才引进", lines[6].replace("3.", "1.", 1),
                         lines[7].replace("4.", "2.", 1), "（二）企业培育", lines[3].replace("1.", "3.", 1),
                         lines[4].replace("2.", "4.", 1)]) + "\n"
    d = _diff(PLAN, swapped, tmp_path)
    assert _changes(d) == []
    assert {(r["old_task_id"], r["new_task_id"]) for r in d.rows} == {
        ("一/(二)/3", "一/(一)/1"), ("一/(二)/4", "一/(一)/2"), ("一/(一)/1", "一/(二)/3"), ("一/(一)/2", "一/(二)/4")}
    assert all(r["moved"] and not r["assignment_changed"] for r in d.rows)


def test_a_task_split_in_two(tmp_path):
    split = PLAN.replace(
        "4.建设科技金融服务体系。推动银行设立科技支行，开展知识产权质押融资，设立科技成果转化引导基金。（牵头单位：区金融办，配合单位：区科技局、区财政局）",
        "4.建设科技金融服务体系。推动银行设立科技支行，开展知识产权质押融资。（牵头单位：区金融办，配合单位：区科技局）\n"
        "5.设立科技成果转化引导基金。（牵头单位：区财政局，配合单位：区金融办）")
    d = _diff(PLAN, split, tmp_path)
    assert _changes(d) == [("reworded", "一/(二)/4", "一/(二)/4"), ("split", "一/(二)/4", "一/(二)/5")]
    r = d.rows[-1]
    assert (r["lead_added"], r["lead_removed"]) == ("区财政局", "区金融办")
    assert d.rows[-2]["support_removed"] == "区财政局"


def test_two_tasks_merged_into_one(tmp_path):
    merged = PLAN.replace("（牵头单位：区科技局，配合单位：区经信局、区市场监管局）\n2.", "")
    merged = merged.replace("队伍。每年", "队伍，做强高新技术企业群体。每年")
    d = _diff(PLAN, merged, tmp_path)
    kinds = [c[0] for c in _changes(d)]
    assert "merged" in kinds and "added" not in kinds and "dropped" not in kinds


def test_another_spelling_of_a_unit_is_no_change(tmp_path):
    a = "某市行动方案\n一、重点任务\n1.推进项目建设。加快重点项目前期工作。（责任单位：市发改委、市财政局）\n"
    b = a.replace("市发改委", "市发展和改革委员会")
    d = _diff(a, b, tmp_path)
    assert not d.rows[0]["assignment_changed"]
    c = _diff(a, a.replace("市发改委、市财政局", "市财政局、市发改委"), tmp_path)
    assert c.rows[0]["lead_added"] == "市财政局" and c.rows[0]["support_added"] == "市发改委"


def test_threshold_decides(tmp_path):
    a = "某市行动方案\n一、重点任务\n1.加强科技人才队伍建设，完善人才引进政策。（责任单位：市科技局）\n"
    b = a.replace("加强科技人才队伍建设，完善人才引进政策", "加强科技人才队伍建设，优化人才服务保障")
    s = task_similarity("加强科技人才队伍建设，完善人才引进政策", "加强科技人才队伍建设，优化人才服务保障")
    assert 0.4 < s < 0.9
    assert _changes(_diff(a, b, tmp_path, threshold=s - 0.01)) == [("reworded", "一/1", "一/1")]
    assert sorted(c[0] for c in _changes(_diff(a, b, tmp_path, threshold=s + 0.01))) == ["added", "dropped"]


def test_cli_diff_writes_workbook_and_csv_without_formulas(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["diff", str(DRAFT), str(FINAL), "-o", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "拆分" in printed and "新增" in printed
    from openpyxl import load_workbook

    wb = load_workbook(out / "diff.xlsx")
    assert wb.sheetnames == ["概况", "任务对照", "原文对照"]
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"]
    changes = [ws_row[0].value for ws_row in wb["任务对照"].iter_rows(min_row=2)]
    assert changes.count("新增") == 1 and changes.count("删除") == 1 and changes.count("拆分") == 1
    head = (out / "diff.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert head.startswith("change,moved,similarity,old_task_id,new_task_id")


def test_cli_diff_refuses_a_folder_and_an_unreadable_file(tmp_path, capsys):
    assert main(["diff", "seeds", str(FINAL)]) == 2
    assert "give one file for each version" in capsys.readouterr().err
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    assert main(["diff", str(bad), str(FINAL)]) == 2
    err = capsys.readouterr().err
    assert "bad.docx" in err and "Traceback" not in err


def test_large_plans_compare_candidates_with_the_same_result(monkeypatch):
    """Beyond ALL_PAIRS task pairs each task is only compared with the tasks
    sharing most of its bigrams; on the Langfang pair that finds every match."""
    import taskgraph.analyse.diff as diff

    corpus = taskgraph.load([str(DRAFT), str(FINAL)])
    every = diff.diff_plans(*corpus.plans, corpus.units).rows
    monkeypatch.setattr(diff, "ALL_PAIRS", 0)
    assert diff.diff_plans(*corpus.plans, corpus.units).rows == every
