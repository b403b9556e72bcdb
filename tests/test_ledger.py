"""The progress ledger (督办台账): written, filled in as an office would,
written again for a revised plan, read back by taskgraph progress."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook

import taskgraph
from taskgraph.cli import main
from taskgraph.progress import read_progress
from taskgraph.render.ledger import STATUSES, read_ledger, write_ledger

PLAN = """锦州市科技创新行动方案（2021—2023年）
锦州市人民政府
2021年3月1日
一、重点任务
1.培育高新技术企业。落实税收优惠政策。（牵头单位：市科技局；配合单位：市财政局；完成时限：2022年底）
2.建设创新平台。支持企业建设研发机构。（牵头单位：市发展改革委；配合单位：市科技局；完成时限：6月底前）
3.引进科技人才。完善人才政策。（牵头单位：市人力资源社会保障局；完成时限：长期坚持）
4.优化创新环境。营造创新氛围。（牵头单位：市科技局）
"""


def _plan(tmp_path: Path, text: str = PLAN, name: str = "plan.txt"):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    return taskgraph.load([str(f)]).plans


def _sheet(path):
    wb = load_workbook(path)
    ws = wb["督办台账"]
    header = [c.value for c in ws[2]]
    rows = [dict(zip(header, [c.value for c in row])) for row in ws.iter_rows(min_row=3)]
    return wb, ws, header, rows


def _fill(path, values: dict[str, dict]):
    """Type into the ledger as an office would: task id → column → value."""
    wb = load_workbook(path)
    ws = wb["督办台账"]
    header = [c.value for c in ws[2]]
    for row in ws.iter_rows(min_row=3):
        tid = row[header.index("任务编号")].value
        for col, v in values.get(tid, {}).items():
            if col not in header:
                header.append(col)
                ws.cell(2, len(header), col)
            ws.cell(row[0].row, header.index(col) + 1, v)
    wb.save(path)


def test_a_fresh_ledger(tmp_path):
    plans = _plan(tmp_path)
    path = write_ledger(plans, tmp_path / "督办台账.xlsx")
    wb, ws, header, rows = _sheet(path)
    assert header[:14] == ["序号", "方案", "地区", "文件", "任务编号", "重点任务", "牵头单位", "配合单位", "完成时限", "截止日期",
                           "责任人", "进展情况", "完成状态", "更新日期"]
    assert [r["任务编号"] for r in rows] == ["一/1", "一/2", "一/3", "一/4"]
    due = [r["截止日期"] for r in rows]
    # 2022年底; 6月底前 in the year of issue (2021); 长期坚持; none: the end of the period (2023)
    assert due[0].date() == dt.date(2022, 12, 31) and due[1].date() == dt.date(2021, 6, 30)
    assert due[2] == "长期" and due[3].date() == dt.date(2023, 12, 31)
    lists = [v for v in ws.data_validations.dataValidation if v.type == "list"]
    assert len(lists) == 1 and lists[0].formula1 == '"' + ",".join(STATUSES) + '"'
    status = "ABCDEFGHIJKLMNO"[header.index("完成状态")]
    assert str(lists[0].sqref).startswith(f"{status}3:")
    assert not [c for s in wb for row in s.iter_rows() for c in row if c.data_type == "f"]
    assert "填写说明" in wb.sheetnames


def test_typed_values_survive_a_new_ledger_of_the_same_plan(tmp_path):
    plans = _plan(tmp_path)
    path = write_ledger(plans, tmp_path / "督办台账.xlsx")
    _fill(path, {"一/1": {"责任人": "张三", "进展情况": "=已完成认定", "完成状态": "已完成", "更新日期": dt.date(2022, 5, 1),
                          "备注": "办公室自加"},
                 "一/2": {"完成状态": "推进中", "更新日期": "2021年7月1日"}})
    write_ledger(plans, path, read_ledger(path))
    wb, ws, header, rows = _sheet(path)
    assert "备注" in header  # a column the office added is kept
    r1, r2 = rows[0], rows[1]
    assert (r1["责任人"], r1["进展情况"], r1["完成状态"], r1["备注"]) == ("张三", "=已完成认定", "已完成", "办公室自加")
    assert r1["更新日期"].date() == dt.date(2022, 5, 1) and r2["更新日期"] == "2021年7月1日"
    cell = ws.cell(3, header.index("进展情况") + 1)
    assert cell.data_type != "f"  # typed text that looks like a formula stays text


def test_a_revised_plan_keeps_everything_typed(tmp_path):
    plans = _plan(tmp_path)
    path = write_ledger(plans, tmp_path / "督办台账.xlsx")
    _fill(path, {"一/1": {"完成状态": "已完成"}, "一/2": {"完成状态": "推进中", "责任人": "李四"},
                 "一/3": {"完成状态": "未启动", "进展情况": "待部署"}})
    # the final text: another file name, task 3 gone, a new lead on task 1
    final = PLAN.replace("3.引进科技人才。完善人才政策。（牵头单位：市人力资源社会保障局；完成时限：长期坚持）\n", "")
    final = final.replace("4.优化创新环境", "3.优化创新环境").replace("（牵头单位：市科技局；配合单位：市财政局；",
                                                               "（牵头单位：市财政局；配合单位：市科技局；")
    new_plans = _plan(tmp_path, final, "final.txt")
    write_ledger(new_plans, path, read_ledger(path))
    wb, ws, header, rows = _sheet(path)
    by_id = {r["任务编号"]: r for r in rows}
    assert by_id["一/1"]["完成状态"] == "已完成" and by_id["一/1"]["牵头单位"] == "市财政局"
    assert "牵头单位原为：市科技局" in by_id["一/1"]["变更说明"]
    assert (by_id["一/2"]["完成状态"], by_id["一/2"]["责任人"]) == ("推进中", "李四")
    assert by_id["一/3"]["完成状态"] is None  # 优化创新环境 is 3 now: nothing was typed for it
    orphans = wb["未匹配记录"]
    kept = [[c.value for c in row] for row in orphans.iter_rows(min_row=3)]
    assert len(kept) == 1 and "待部署" in kept[0] and "引进科技人才" in kept[0]
    # written once more: the orphan is still there, never dropped
    write_ledger(new_plans, path, read_ledger(path))
    assert len(read_ledger(path).orphans) == 1


def test_progress_per_unit_and_plan(tmp_path):
    plans = _plan(tmp_path)
    path = write_ledger(plans, tmp_path / "督办台账.xlsx")
    _fill(path, {"一/1": {"完成状态": "推进中"}, "一/2": {"完成状态": "已完成"}, "一/3": {"完成状态": "滞后"}})
    p = read_progress(path, today=dt.date(2023, 1, 1))
    (plan_row,) = p.tables["progress_plans"]
    assert {k: plan_row[k] for k in ("tasks", "done", "in_progress", "behind", "unreported", "overdue")} == \
        {"tasks": 4, "done": 1, "in_progress": 1, "behind": 1, "unreported": 1, "overdue": 1}
    # overdue: 一/1 (2022-12-31, not done); 一/2 is done; 一/3 is 长期; 一/4 is due 2023-12-31
    assert [r["task_id"] for r in p.tables["overdue"]] == ["一/1"]
    units = {r["unit"]: r for r in p.tables["progress_units"]}
    assert {r["place"] for r in p.tables["progress_units"]} == {"锦州市"}
    assert units["市科技局"]["tasks"] == 2 and units["市科技局"]["overdue"] == 1
    later = read_progress(path, today=dt.date(2024, 1, 1))
    assert [r["task_id"] for r in later.tables["overdue"]] == ["一/1", "一/4"]


def test_progress_checks_the_ledger_against_the_plans(tmp_path):
    plans = _plan(tmp_path)
    path = write_ledger(plans, tmp_path / "督办台账.xlsx")
    more = PLAN + "5.开展科普活动。（牵头单位：市科协；完成时限：2021年底）\n"
    p = read_progress(path, _plan(tmp_path, more, "plan.txt"), today=dt.date(2022, 1, 1))
    assert any("不在台账中" in n for n in p.notes)
    assert [r["task_id"] for r in p.tables["overdue"]] == ["一/2", "一/5"]


def test_cli_progress(tmp_path, capsys):
    plans = _plan(tmp_path)
    path = write_ledger(plans, tmp_path / "督办台账.xlsx")
    _fill(path, {"一/1": {"完成状态": "已完成"}, "一/2": {"完成状态": "完成了"}})
    out = tmp_path / "out"
    assert main(["progress", str(path), str(tmp_path / "plan.txt"), "--today", "2022-01-01", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "按牵头单位" in captured.out and "其他状态" in captured.err  # a status not on the list is said
    assert {"progress.xlsx", "progress_units.csv", "progress_plans.csv", "overdue.csv"} <= {p.name for p in out.iterdir()}
    assert (out / "figures" / "progress.png").stat().st_size > 1000
    assert main(["progress", str(path), "--format", "csv", "--today", "2022-01-01"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("doc,plan,tasks,done")


def test_cli_progress_bad_input(tmp_path, capsys):
    bad = tmp_path / "台账.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really")
    assert main(["progress", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "台账.xlsx" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert main(["progress", str(tmp_path / "none.xlsx")]) == 2
    assert main(["progress", str(bad), "--today", "soon"]) == 2


def test_report_writes_the_ledger_and_keeps_an_unreadable_one(tmp_path):
    from taskgraph.render.report import report_files, write_report

    f = tmp_path / "plan.txt"
    f.write_text(PLAN, encoding="utf-8")
    corpus = taskgraph.load([str(f)])
    out = tmp_path / "out"
    out.mkdir()
    mine = out / "督办台账.xlsx"
    mine.write_bytes(b"the office's own file, not a workbook")
    written = write_report(corpus, out, workers=1)
    assert mine.read_bytes() == b"the office's own file, not a workbook"
    assert (out / "督办台账（新）.xlsx").exists() and (out / "targets.csv").exists()
    assert sorted(p.relative_to(out).as_posix() for p in written) == sorted(report_files(corpus, out))
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'id="progress"' in page and 'id="targets"' in page


def test_report_parts_of_plans_over_time(tmp_path):
    """write_over_time (the report's hook): targets.csv, the ledger, versions
    compared when the corpus holds two, and progress once the ledger is filled in."""
    from taskgraph.render.over_time import over_time_files, write_over_time

    draft = PLAN.replace("（2021—2023年）", "（2021—2023年）（征求意见稿）", 1)
    final = PLAN.replace("4.优化创新环境。营造创新氛围。（牵头单位：市科技局）", "4.优化创新环境。营造创新氛围。（牵头单位：市科协）")
    (tmp_path / "draft.txt").write_text(draft, encoding="utf-8")
    (tmp_path / "final.txt").write_text(final, encoding="utf-8")
    corpus = taskgraph.load([str(tmp_path / "draft.txt"), str(tmp_path / "final.txt")])
    out = tmp_path / "out"
    o = write_over_time(corpus, out, today=dt.date(2023, 1, 1))
    names = sorted(p.relative_to(out).as_posix() for p in o.files)
    assert names == sorted(over_time_files(corpus, out)) == sorted(
        ["targets.csv", "督办台账.xlsx", "tables/targets.xlsx", "tables/diff.xlsx", "tables/diff.csv"])
    sections = dict((k, h) for k, _, h in o.sections())
    assert "牵头 +市科协 −市科技局" not in sections["versions"]  # the page shows columns, not the terminal line
    assert "市科协" in sections["versions"] and "尚未填写" in sections["progress"]
    assert o.progress is None and o.draw(out / "figures") == {}
    _fill(out / "督办台账.xlsx", {"一/1": {"完成状态": "推进中"}, "一/2": {"完成状态": "已完成"}})
    o = write_over_time(corpus, out, today=dt.date(2023, 1, 1))
    assert "figures/progress.svg" in over_time_files(corpus, out)
    svg = o.draw(out / "figures")["progress"]
    assert svg.startswith(b"<?xml")
    page = dict((k, h) for k, _, h in o.sections({"progress": svg}))["progress"]
    assert "逾期任务（2）" in page and "data:image/svg+xml;base64," in page  # 一/1 of both versions


def test_cli_report_says_it_left_the_offices_file_alone(tmp_path, capsys):
    f = tmp_path / "plan.txt"
    f.write_text(PLAN, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "督办台账.xlsx").write_text("not a workbook", encoding="utf-8")
    assert main(["report", str(f), "-o", str(out), "-j", "1"]) == 0
    err = capsys.readouterr().err
    assert "督办台账.xlsx" in err and "督办台账（新）.xlsx" in err and "Traceback" not in err
    assert (out / "督办台账.xlsx").read_text(encoding="utf-8") == "not a workbook"


def test_progress_counts_two_spellings_of_a_unit_once(tmp_path):
    text = PLAN.replace("4.优化创新环境。营造创新氛围。（牵头单位：市科技局）", "4.优化创新环境。营造创新氛围。（牵头单位：市发改委）")
    f = tmp_path / "plan.txt"
    f.write_text(text, encoding="utf-8")
    corpus = taskgraph.load([str(f)])
    path = write_ledger(corpus.plans, tmp_path / "督办台账.xlsx")
    as_written = {r["unit"] for r in read_progress(path, today=dt.date(2022, 1, 1)).tables["progress_units"]}
    assert {"市发展改革委", "市发改委"} <= as_written
    known = read_progress(path, corpus.plans, dt.date(2022, 1, 1), corpus.units).tables["progress_units"]
    (row,) = [r for r in known if "发展" in r["unit"] or "发改" in r["unit"]]
    assert row["tasks"] == 2 and row["unit"] == corpus.units[(corpus.plans[0].info.doc, "市发改委")].name
