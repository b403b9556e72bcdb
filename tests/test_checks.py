"""Evidence on every edge: where each unit stands in the text as written,
and a ``check`` code where a person should look (taskgraph/data/checks.toml).

Each reason is planted in a document written for it, beside a task written
in the plain way that must carry none; the seeds, read perfectly, carry none.
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from taskgraph.checks import EDGE_CHECKS, TASK_CHECKS, reason
from taskgraph.cli import main

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT.parent / "shared" / "devset" / "texts"

PLAIN = "（一）加强组织领导。建立工作专班。（牵头单位：市发展改革委；配合单位：市财政局）\n"


def extract(tmp_path: Path, text: str, name: str = "p.txt") -> tuple[list[dict], list[dict]]:
    src = tmp_path / "in"
    src.mkdir(exist_ok=True)
    (src / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["extract", str(src / name), "-o", str(out), "--quiet"]) in (0, 1)

    def rows(f: str) -> list[dict]:
        with open(out / f, encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))
    return rows("tasks.csv"), rows("assignments.csv")


def checks_of(edges: list[dict], text_start: str, tasks: list[dict]) -> dict[str, set[str]]:
    tid = next(t["task_id"] for t in tasks if t["text"].startswith(text_start))
    return {e["unit"]: set(filter(None, e["check"].split(";"))) for e in edges if e["task_id"] == tid}


def test_every_code_has_words_for_people():
    for code in EDGE_CHECKS + TASK_CHECKS:
        words = reason(code)
        assert words != code and any("\u4e00" <= c <= "\u9fff" for c in words)


def test_the_seeds_carry_no_check(tmp_path):
    out = tmp_path / "out"
    assert main(["extract", "-o", str(out), "--quiet"]) == 0
    with open(out / "assignments.csv", encoding="utf-8-sig", newline="") as fh:
        edges = list(csv.DictReader(fh))
    flagged = [e for e in edges if e["check"]]
    assert len(edges) > 200 and len(flagged) <= len(edges) // 50, flagged[:5]


@pytest.mark.parametrize("width", ["full", "half"])
def test_each_reason_on_a_document_made_for_it(tmp_path, width):
    text = ("某市工作方案\n一、重点任务\n" + PLAIN +
            "（二）推进数据共享。（责任单位：市大数据局、市发展改革委、市财政局等12个部门）\n"
            "（三）强化开发区建设。（责任单位：市商务局〈含开发区管委会，下同〉）\n"
            "（四）完善应急预案。\n1．修订总体预案。\n2．修订专项预案。\n（责任单位：市应急管理局）\n"
            "（五）优化营商环境。（市政务服务中心、市司法局负责）\n"
            "（六）发展星际产业。（牵头单位：市星际航行管理局）\n")
    if width == "half":
        text = text.translate(str.maketrans("（）：；，〈〉", "():;,<>"))
    tasks, edges = extract(tmp_path, text)
    assert checks_of(edges, "加强组织领导", tasks) == {"市发展改革委": set(), "市财政局": set()}
    assert all("truncated" in c for c in checks_of(edges, "推进数据共享", tasks).values())
    assert checks_of(edges, "强化开发区建设", tasks) == {"市商务局": {"note-unit"}}
    assert checks_of(edges, "完善应急预案", tasks) == {"市应急管理局": {"far"}}
    assert checks_of(edges, "优化营商环境", tasks) == {"市政务服务中心": {"default-lead"}, "市司法局": set()}
    assert checks_of(edges, "发展星际产业", tasks) == {"市星际航行管理局": {"unknown-unit"}}
    # a task's own reasons are in tasks.csv too
    by_text = {t["text"][:6]: set(filter(None, t["check"].split(";"))) for t in tasks}
    assert by_text["推进数据共享"] == {"truncated"} and by_text["加强组织领导"] == set()


def test_a_labelled_list_and_the_rule_written_out_are_no_default(tmp_path):
    # 责任单位：甲、乙 is the standing convention of such plans (the first leads), not a guess
    tasks, edges = extract(tmp_path, "一、重点任务\n（一）优化营商环境。（责任单位：市政务服务中心、市司法局）\n")
    assert checks_of(edges, "优化营商环境", tasks) == {"市政务服务中心": set(), "市司法局": set()}
    tasks, edges = extract(tmp_path, "一、重点任务\n（一）优化营商环境。（市政务服务中心、市司法局负责，列第一位的为牵头单位）\n")
    assert checks_of(edges, "优化营商环境", tasks) == {"市政务服务中心": set(), "市司法局": set()}


def test_standing_note_and_guessed_table_rows(tmp_path):
    text = ("一、重点任务\n（一）建设数据中心。（牵头单位：市大数据局；以下各项工作均需市财政局配合落实，不再列出）\n"
            "（二）推进算力网络建设。（牵头单位：市工信局）\n")
    tasks, edges = extract(tmp_path, text)
    assert checks_of(edges, "推进算力网络", tasks) == {"市工信局": set(), "市财政局": {"standing"}}
    table = ("某县重点任务分工表\n序号\n重点任务\n牵头单位\n配合单位\n"
             "1\n建设数据中心\n县大数据局\n县财政局\n2\n推进算力网络\n县工信局\n县发改局\n")
    tasks, edges = extract(tmp_path, table, "t.txt")
    assert {u: c for u, c in checks_of(edges, "建设数据中心", tasks).items()} == {
        "县大数据局": {"inferred-row"}, "县财政局": {"inferred-row"}}
    piped = "序号|重点任务|牵头单位|配合单位\n1|建设数据中心|县大数据局|县财政局\n"
    tasks, edges = extract(tmp_path, piped, "pipe.txt")
    assert checks_of(edges, "建设数据中心", tasks) == {"县大数据局": set(), "县财政局": set()}


def _raw_lines(path: Path) -> list[str]:
    return path.read_bytes().decode("utf-8-sig").splitlines()


@pytest.mark.parametrize("folder", [ROOT / "seeds", DEVSET])
def test_every_span_points_at_the_unit_as_written(folder):
    import taskgraph
    from taskgraph.text import normalise_line

    if not folder.is_dir():
        pytest.skip(f"no {folder}")
    corpus = taskgraph.load([str(p) for p in sorted(folder.glob("*.txt"))])
    spans = 0
    for plan in corpus.plans:
        raw = _raw_lines(Path(plan.source))
        for a in plan.assignments:
            assert a.start >= 0, (plan.info.doc, a)  # table rows flattened into text too
            spans += 1
            at = raw[a.line - 1][a.start:a.end]
            assert "".join(at.split()) == "".join(a.written.split()), (plan.info.doc, a)
            assert "".join(normalise_line(a.written).split()) == "".join(a.unit.split()), (plan.info.doc, a)
    assert spans > 250


def test_a_token_not_read_as_a_unit_and_a_row_taking_the_units_above(tmp_path):
    tasks, edges = extract(tmp_path, "一、重点任务\n（一）推进项目建设。（责任单位：市发展改革委、加快推进项目建设的各项工作）\n" + PLAIN)
    assert checks_of(edges, "推进项目建设", tasks) == {"市发展改革委": {"dropped-token"}}
    assert checks_of(edges, "加强组织领导", tasks) == {"市发展改革委": set(), "市财政局": set()}
    table = ("序号|重点任务|牵头单位|配合单位|完成时限\n1|建设数据中心|县大数据局|县财政局|2024年底\n"
             "2|推进算力网络|||2025年底\n")
    tasks, edges = extract(tmp_path, table, "t.txt")
    assert checks_of(edges, "推进算力网络", tasks) == {"县大数据局": {"units-from-above"},
                                                  "县财政局": {"units-from-above"}}
    assert checks_of(edges, "建设数据中心", tasks) == {"县大数据局": set(), "县财政局": set()}
