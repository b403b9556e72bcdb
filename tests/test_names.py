"""Output names that cannot collide or overflow: every plan and every place
gets files of its own (never another's overwritten), every name fits the
file system, and two inputs with the same document name stay two documents
in every table."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest

from taskgraph.cli import main
from taskgraph.corpus import Corpus
from taskgraph.export import atomic_write
from taskgraph.model import Assignment, DocumentInfo, Plan, Task, Unit
from taskgraph.safe import MAX_STEM_BYTES, output_stems


def plan_text(title: str, unit: str) -> str:
    """A plan without an issuing place (its file name stands for it)."""
    return f"关于推进{title}的实施方案\n一、重点任务\n1.加强{title}协调。（责任单位：区{unit}局）\n" \
           f"2.推进{title}建设。（牵头单位：区{unit}局；配合单位：区财政局）\n"


UNITS = ["发改", "住建", "科技", "商务", "教育", "民政", "司法", "水利"]


def write_plans(root: Path, names: list[str]) -> dict[str, str]:
    """Each file a plan of its own: path → the unit that leads it."""
    leads = {}
    for k, name in enumerate(names):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(plan_text(f"工作{k}", UNITS[k]), encoding="utf-8")
        leads[name] = f"区{UNITS[k]}局"
    return leads


def rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def figure_names(out: Path, prefix: str) -> list[str]:
    return sorted(p.name for p in (out / "figures").glob(f"{prefix}-*.png"))


def each_plan_has_tables_of_its_own(out: Path, leads: dict[str, str]) -> None:
    """Every plan's 分工表 CSV holds that plan's tasks, under a name of its own."""
    divisions = sorted((out / "tables").glob("*-分工表.csv"))
    assert len(divisions) == len(leads)
    found = sorted({r["牵头单位"] for path in divisions for r in rows(path)})
    assert found == sorted(leads.values())
    for path in divisions:
        assert len({r["牵头单位"] for r in rows(path)}) == 1, path.name  # one plan per file
    for kind in ("分工表.xlsx", "分工表.docx", "分工表.md", "分工表.html", "责任矩阵.xlsx", "责任矩阵.csv"):
        assert len(list((out / "tables").glob(f"*-{kind}"))) == len(leads), kind


# ------------------------------------------------------------ the mapping

def test_stems_are_unique_and_short_for_every_kind_of_clash():
    names = ["x/a.txt", "y/a.txt", "a-2.txt", "a.txt", "a", "A.txt", "p/q.txt", "p_q.txt", "p:q.txt", "con.txt",
             "", "...", "a\nb.txt", "a_b.txt", "stdin.txt", "stdin.txt#2", "规划" * 100 + ".txt",
             "规划" * 100 + "甲.txt", "规划" * 100 + "乙.txt", "a-8a1e9b4d.txt"]
    stems = output_stems(names, drop_suffix=True)
    assert len({s.casefold() for s in stems}) == len(names)  # unique, even on a case-insensitive disk
    assert all(0 < len(s.encode("utf-8")) <= MAX_STEM_BYTES for s in stems)
    assert all(not set(s) & set('/\\:*?"<>|\n') and not s.startswith(".") for s in stems)
    assert stems[:3] == ["x_a", "y_a", "a-2"]  # readable where nothing clashes
    assert stems[6].startswith("p_q-") and stems[7].startswith("p_q-")
    assert output_stems(list(reversed(names)), drop_suffix=True) == list(reversed(stems))  # order changes nothing


def test_a_stem_never_takes_a_reserved_name():
    assert output_stems(["by-function", "锦州市"], reserved=["by-function"]) == [
        output_stems(["by-function"], reserved=["by-function"])[0], "锦州市"]
    assert output_stems(["by-function"], reserved=["by-function"])[0] != "by-function"


def test_a_long_temporary_name_stays_within_the_limit(tmp_path):
    name = "关" * 80 + ".xlsx"  # 245 bytes: a legal name, whose temporary name was not
    assert atomic_write(tmp_path / name, b"x").read_bytes() == b"x"
    assert [p.name for p in tmp_path.iterdir()] == [name]


# ------------------------------------------------------------ the command line

def test_plans_named_alike_in_different_folders_keep_their_own_files(tmp_path):
    leads = write_plans(tmp_path, ["x/a.txt", "y/a.txt", "z/a-2.txt"])
    out = tmp_path / "out"
    assert main(["report", *(str(tmp_path / n) for n in leads), "-o", str(out), "-q", "-j", "1"]) == 0
    each_plan_has_tables_of_its_own(out, leads)
    assert len(figure_names(out, "matrix")) == len(figure_names(out, "bipartite")) == 3
    assert len(figure_names(out, "load")) == 3 + 1  # a place per plan (its name), and load-by-function
    page = (out / "index.html").read_text(encoding="utf-8")
    for stem in ("x_a", "y_a", "a-2"):  # each plan links to its own files only
        assert page.count(f'href="tables/{stem}-%E5%88%86%E5%B7%A5%E8%A1%A8.xlsx"') == 2


@pytest.mark.parametrize("names", [["p/q.txt", "p_q.txt"], ["p/q.txt", "o/q.txt", "p_q.txt"]])
def test_places_named_after_files_that_clash_keep_their_figures(tmp_path, names):
    leads = write_plans(tmp_path, names)
    out = tmp_path / "out"
    assert main(["report", *(str(tmp_path / n) for n in leads), "-o", str(out), "-q", "-j", "1"]) == 0
    each_plan_has_tables_of_its_own(out, leads)
    places = {r["place"] or r["doc"] for r in rows(out / "documents.csv")}
    assert len(places) == len(names)
    assert len(figure_names(out, "network")) == len(names)
    assert len(figure_names(out, "load")) == len(names) + 1


def test_standard_input_and_a_file_named_stdin_stay_two_documents(tmp_path, monkeypatch, capsys):
    import io

    leads = write_plans(tmp_path, ["stdin.txt", "other.txt"])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO((tmp_path / "other.txt").read_bytes())))
    out = tmp_path / "out"
    assert main(["report", str(tmp_path / "stdin.txt"), "-", "-o", str(out), "-j", "1"]) == 0
    docs = rows(out / "documents.csv")
    assert [(d["doc"], d["source"]) for d in docs] == [("stdin.txt", str(tmp_path / "stdin.txt")),
                                                       ("stdin.txt#2", "<stdin>")]
    tasks = rows(out / "tasks.csv")
    assert len(tasks) == 4 and all(t["n_lead"] == "1" for t in tasks)  # not merged: one lead each
    assert {(t["doc"], t["task_id"]) for t in tasks} == {(d, f"一/{k}") for d in ("stdin.txt", "stdin.txt#2")
                                                         for k in (1, 2)}
    warning = [w for w in rows(out / "warnings.csv") if w["code"] == "renamed"]
    assert [w["file"] for w in warning] == ["<stdin>"] and "stdin.txt#2" in warning[0]["message"]
    each_plan_has_tables_of_its_own(out, {"stdin.txt": leads["stdin.txt"], "-": leads["other.txt"]})
    assert "warning: <stdin>: another input is also named stdin.txt" in capsys.readouterr().err


def test_a_plan_with_a_legal_length_name_gets_every_table(tmp_path):
    long_name = "关于加快推进" + "数字经济高质量发展" * 8 + "的实施方案.txt"  # 83 characters, 249 bytes
    assert len(long_name.encode("utf-8")) < 255
    leads = write_plans(tmp_path, [long_name, "good.txt"])
    out = tmp_path / "out"
    assert main(["report", *(str(tmp_path / n) for n in leads), "-o", str(out), "-q", "-j", "1"]) == 0
    each_plan_has_tables_of_its_own(out, leads)
    for path in out.rglob("*"):
        assert len(path.name.encode("utf-8")) <= MAX_STEM_BYTES + 40, path.name


def test_a_corpus_never_holds_two_documents_of_one_name():
    def plan(lead: str) -> tuple[Plan, dict]:
        doc = "plan.txt"
        task = Task(doc, "一/1", "一/1", "1", "任务", "任务。", 3)
        unit = Unit(f"甲市:{lead}", "甲市", lead, lead)
        return (Plan(DocumentInfo(doc=doc, place="甲市"), source=f"{lead}/plan.txt", tasks=[task],
                     assignments=[Assignment(doc, "一/1", lead, "lead", 3)]), {(doc, lead): unit})

    from taskgraph.graph import build_graph

    corpus = Corpus()
    for lead in ("区发改局", "区财政局", "区科技局"):
        corpus.add(plan(lead))
    assert [p.info.doc for p in corpus.plans] == ["plan.txt", "plan.txt#2", "plan.txt#3"]
    assert {(d, u) for d, u in corpus.units} == {("plan.txt", "区发改局"), ("plan.txt#2", "区财政局"),
                                                 ("plan.txt#3", "区科技局")}
    assert all(t.doc == p.info.doc and a.doc == p.info.doc for p in corpus.plans for t in p.tasks
               for a in p.assignments)
    G = build_graph(corpus)
    assert sum(1 for _, d in G.nodes(data=True) if d.get("bipartite") == 0) == 3
