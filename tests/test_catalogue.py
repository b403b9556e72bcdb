"""Chinese for people, English keys for machines: every word shown comes
from one catalogue (taskgraph/data/messages.toml), in Chinese by default
and in English with ``--lang en``; the report page holds no English word of
its own; CSV files keep their English column names."""
from __future__ import annotations

import csv
import html
import re
import string
from pathlib import Path

import pytest

import taskgraph
from taskgraph import messages
from taskgraph.render import tables

ROOT = Path(__file__).resolve().parent.parent
CODE = sorted((ROOT / "taskgraph").rglob("*.py"))


def test_every_entry_has_both_languages_with_the_same_fields():
    fields = string.Formatter()
    cat = messages.catalogue()
    assert len(cat) > 150
    for key, entry in cat.items():
        assert set(entry) == {"zh", "en"} and entry["zh"].strip() and entry["en"] is not None, key
        zh = {f for _, f, _, _ in fields.parse(entry["zh"]) if f}
        en = {f for _, f, _, _ in fields.parse(entry["en"]) if f}
        assert zh == en, key


def test_every_key_the_code_asks_for_is_in_the_catalogue():
    asked = set()
    for path in CODE:
        text = path.read_text(encoding="utf-8")
        asked |= set(re.findall(r"""(?:messages\.text|\bT)\(\s*["']([a-z_]+\.[a-z_.]+)["']\s*[,)]""", text))
    assert len(asked) > 40
    missing = sorted(k for k in asked if k not in messages.catalogue())
    assert not missing


def test_every_diagnostic_pattern_reads_its_own_example():
    """Each ``[[diagnostic]]`` entry's English wording, filled with sample
    values, is matched by its own pattern and comes out in Chinese."""
    import tomllib

    data = tomllib.loads((ROOT / "taskgraph" / "data" / "messages.toml").read_text(encoding="utf-8"))
    for entry in data["diagnostic"]:
        names = re.findall(r"\(\?P<(\w+)>", entry["pattern"])
        sample = entry["en"].format(**{n: "12" for n in names})
        shown = messages.diagnostic(sample)
        assert shown == entry["zh"].format(**{n: "12" for n in names}), entry["pattern"]
        assert re.search(r"[\u4e00-\u9fff]", shown)


def test_coded_values_are_shown_in_words():
    import pandas as pd

    from taskgraph.render.report import shown_values

    frame = pd.DataFrame({"lead_match": ["same", "partly", "different", "n/a"], "scope": ["all", "some", "unique", "all"],
                          "lead_units": ["市科技局 (2, outside)", "市财政局 (1)", "", None]})
    shown = shown_values(frame)
    assert list(shown["lead_match"]) == ["一致", "部分一致", "不一致", "无法比较"]
    assert list(shown["scope"]) == ["各地都有", "部分地区", "仅一地", "各地都有"]
    assert shown["lead_units"][0] == "市科技局 (2，组外)" and shown["lead_units"][1] == "市财政局 (1)"
    assert list(frame["lead_match"]) == ["same", "partly", "different", "n/a"]  # the data itself is untouched


def test_english_is_an_option_not_a_second_set_of_strings(tmp_path):
    plan = taskgraph.load().plans[0]
    with messages.language("en"):
        path = tables.write_division_csv(plan, tmp_path / "en.csv")
        assert tables.division_title(plan).endswith(": division of tasks")
    header = next(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert header == ["No.", "Section", "Task", "Details", "Lead unit", "Supporting units", "Deadline", "Task id"]
    zh = next(csv.reader(tables.write_division_csv(plan, tmp_path / "zh.csv").read_text(encoding="utf-8-sig")
                         .splitlines()))
    assert zh == ["序号", "分组", "重点任务", "具体内容", "牵头单位", "配合单位", "完成时限", "任务编号"]
    with pytest.raises(ValueError):
        messages.set_language("fr")


# ------------------------------------------------------------- the page

#: Names that stand as they are in Chinese text too.
PROPER = {"taskgraph", "Louvain", "Newman", "Benjamini", "Hochberg", "Jaccard", "PageRank", "Word", "PNG", "SVG", "PDF", "OCR", "Gini"}
FILE = re.compile(r"[\w./=-]*\.(?:xlsx|docx|csv|md|html|png|svg|pdf|json|txt)\b")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    from taskgraph.render.report import write_report

    plans = tmp_path_factory.mktemp("plans")
    (plans / "a.txt").write_text(
        "测试市科技创新行动方案\n一、重点任务\n(一)强化人才支撑\n1.引进高层次人才。加大引进力度。"
        "(牵头单位:市科技局;配合单位:市财政局、市人社局)\n2.培养青年人才。(责任单位:市人社局、市教育局)\n"
        "3.建设创新平台。(责任单位:市发展改革委、市科技局、市财政局)\n", encoding="utf-8")
    (plans / "b.txt").write_text("示例县科技工作方案\n一、重点任务\n1.推进科技成果转化。\n2.优化创新生态。\n",
                                 encoding="utf-8")
    (plans / "copy").mkdir()
    (plans / "copy" / "a.txt").write_text((plans / "a.txt").read_text(encoding="utf-8"), encoding="utf-8")
    corpus = taskgraph.load([plans])
    out = tmp_path_factory.mktemp("out")
    write_report(corpus, out, workers=1)
    return corpus, (out / "index.html").read_text(encoding="utf-8")


def _text(page: str) -> str:
    page = re.sub(r"<(style|script|code)\b.*?</\1>", " ", page, flags=re.S)  # (commands shown as code)
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(page)


def test_the_page_holds_no_english_word_outside_file_names_and_names(page):
    corpus, text = page
    text = FILE.sub(" ", _text(text))
    plans = " ".join(t.text for p in corpus.plans for t in p.tasks)
    words = set(re.findall(r"[A-Za-z][A-Za-z-]+", text)) - PROPER - set(re.findall(r"[A-Za-z]+", plans))
    assert not words, sorted(words)


def test_the_page_warns_about_duplicate_plans(page):
    _, text = page
    # the copy is read once (issue 11: counted once, with a warning naming both): the
    # warning is in words, and no table holds the plan twice
    warnings = text[text.index('<section id="warnings">'):]
    assert "重复的方案" in warnings and "只计一次" in warnings and "copy/a.txt" in html.unescape(warnings)


def test_units_that_only_support_are_a_count_with_the_list_folded(page):
    _, text = page
    lint = text[text.index('<section id="lint">'):text.index('<section id="clusters">')]
    folded = re.search(r"<details><summary>只配合、不牵头的单位：(\d+) 个（展开名单）</summary>(.*?)</details>", lint, re.S)
    assert folded and int(folded.group(1)) == folded.group(2).count("<tr>") - 1  # the header row
    before = lint[:folded.start()]
    assert "只配合、不牵头的单位</td>" not in before  # not in the main list


def test_the_page_lists_every_units_duty_files(page):
    corpus, text = page
    duties = text[text.index('<section id="duties">'):text.index('<section id="load">')]
    assert "测试市-责任清单.xlsx" in duties
    for name in ("市科技局", "市财政局", "市人社局", "市教育局", "市发展改革委"):
        assert f"<td>{name}</td>" in duties and f"{name}.docx" in duties
