"""Property-based tests: generated plans, read and extracted end to end.

Hypothesis writes whole plans: a random outline (一、 / (一) / 1. / (1)),
tasks annotated in every form the conventions name (bracketed labels,
牵头 + 配合 labels, role verbs, 分别牵头, bare lists, label lines under the
task), any bracket kind, full- or half-width punctuation, simplified or
traditional characters, several encodings, and unit names built like real
ones (level prefix + a real bureau name, an optional trailing 等, collective
names such as 各县(市、区)政府).

The expected assignments come from the generator's own model of
``docs/conventions.md``, never from the extractor: 牵头 → lead; 配合 / 协办 /
参与 → support; a bare list → the first leads, the rest support; with an
explicit lead, 责任单位 and duty verbs list supporters; 分别牵头 → all lead.
"""
from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taskgraph.extract import extract_plan
from taskgraph.normalise import default_gazetteer
from taskgraph.read import read_document

# 150 examples keep the suite fast; TASKGRAPH_EXAMPLES=5000 hunts longer
SETTINGS = settings(max_examples=int(os.environ.get("TASKGRAPH_EXAMPLES", 150)), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# ----------------------------------------------------------------- units

LEVELS = ["市", "区", "县"]
CORES = [
    "科技局", "科学技术局", "财政局", "发展改革委", "发展和改革委员会", "发改委", "工业和信息化局", "经信局",
    "商务局", "人力资源和社会保障局", "人力社保局", "教育局", "市场监督管理局", "市场监管局",
    "自然资源和规划局", "生态环境局", "住房和城乡建设局", "交通运输局", "农业农村局", "文化广电旅游局",
    "卫生健康委", "应急管理局", "统计局", "审计局", "司法局", "公安局", "民政局", "金融办", "科协",
    "政府办公室", "委组织部", "委宣传部", "委人才办", "大数据局", "行政审批局", "税务局", "水利局",
    "投资促进局", "数据资源局", "退役军人事务局",
]
COLLECTIVES = [
    "各县(市、区)政府", "各县(市)区政府(管委会)", "各县(市、区)", "各镇(街道)", "各乡镇(街道)",
    "市科创领导小组成员单位", "各开发区管委会",
]


@lru_cache(maxsize=None)
def _converters():
    import opencc

    return opencc.OpenCC("s2t"), opencc.OpenCC("t2s")


def round_trips(name: str) -> bool:
    """The name survives simplified → traditional → simplified (OpenCC, the
    reference the conventions name), so a traditional plan keeps it."""
    s2t, t2s = _converters()
    return t2s.convert(s2t.convert(name)) == name


bureaus = st.tuples(st.sampled_from(LEVELS), st.sampled_from(CORES)).map("".join)
unit_names = st.one_of(bureaus, bureaus, st.sampled_from(COLLECTIVES))

# ----------------------------------------------------------------- model


@dataclass
class Style:
    full_width: bool
    bracket: tuple[str, str]
    colon: str
    list_sep: str  # between units of one role
    group_sep: str  # between role groups


@dataclass
class Task:
    text: str  # the task's sentence, ending in 。
    heading: str | None  # a heading-style item: heading line, then the text as its paragraph
    annotation: list[str]  # lines: the first joins the task text, the rest stand below it
    expected: list[tuple[str, str]] = field(default_factory=list)
    deadline: str = ""


TEXTS = [
    "加强科技型企业梯队培育建设", "完善科技金融服务体系", "建设高水平创新平台", "推动产学研深度融合",
    "优化创新创业生态环境", "实施高新技术企业倍增计划", "加快科技成果转移转化", "引进培育高层次创新人才",
    "支持企业建设研发机构", "推进知识产权强市建设", "深化科技体制机制改革", "提升园区创新承载能力",
    "强化企业创新主体地位", "健全科技投入增长机制", "开展关键核心技术攻关",
]
ASIDES = ["", "", "", ",形成一批示范项目", "(含市级)", ",到2025年达到100家", ",每年评选一次"]


ETC = ["等", "等", "等单位", "等部门", "等有关部门"]


def separate(units: list[str], sep: str, etc: str) -> str:
    return sep.join(units) + etc


@st.composite
def annotations(draw, style: Style, names) -> tuple[list[str], list[tuple[str, str]], str]:
    """One annotation in a random form: its lines, the expected (unit, role)s
    and the expected deadline."""
    n = draw(st.integers(1, 5))
    units = draw(st.lists(names, min_size=n, max_size=n, unique=True))
    o, c = style.bracket
    colon, sep, gsep = style.colon, style.list_sep, style.group_sep
    etc = draw(st.sampled_from(ETC)) if draw(st.booleans()) and not units[-1].startswith("各") else ""
    form = draw(st.sampled_from(["bare", "lead_support", "lead_resp", "verb", "separately", "bare_verb",
                                 "label_lines", "head_label"]))
    tail = deadline = ""
    if form in ("bare", "lead_support", "lead_resp") and draw(st.booleans()):
        label, deadline = draw(st.sampled_from([("完成时限", "2022年底"), ("完成时限", "长期坚持"),
                                                ("完成时间", "2023年6月底前")]))
        tail = gsep + label + colon + deadline
    if form in ("bare", "lead_support", "lead_resp") and draw(st.integers(0, 3)) == 0:
        tail += gsep + "分管领导" + colon + draw(st.sampled_from(["张某", "李明", "王副市长"]))
    if form == "bare" or form == "head_label" or (form in ("lead_support", "lead_resp", "label_lines") and n == 1):
        label = draw(st.sampled_from(["责任单位", "责任部门", "责任主体", "主要责任单位"]))
        note = draw(st.sampled_from(["", "", gsep + "列第一位的为牵头单位", gsep + "排在首位的为牵头单位",
                                     gsep + "下同"])) if n > 1 else ""
        body = f"{label}{colon}{separate(units, sep, etc)}{note}{tail}"
        expected = [(units[0], "lead")] + [(u, "support") for u in units[1:]]
        if form == "label_lines":
            return ["", body], expected, deadline
        if form == "bare" and style.bracket == ("【", "】") and draw(st.booleans()):
            return [f"【{label}】{separate(units, sep, etc)}{note}{tail}"], expected, deadline  # to the line's end
        return [f"{o}{body}{c}"], expected, deadline
    k = draw(st.integers(1, n - 1)) if n > 1 else 1
    leads, supports = units[:k], units[k:]
    expected = [(u, "lead") for u in leads] + [(u, "support") for u in supports]
    lead_label = draw(st.sampled_from(["牵头单位", "牵头部门"]))
    if form == "lead_support":
        support_label = draw(st.sampled_from(["配合单位", "配合部门", "协办单位", "参与单位"]))
        body = f"{lead_label}{colon}{separate(leads, sep, '')}{gsep}{support_label}{colon}{separate(supports, sep, etc)}"
        return [f"{o}{body}{tail}{c}"], expected, deadline
    if form == "lead_resp":
        body = f"{lead_label}{colon}{separate(leads, sep, '')}{gsep}责任单位{colon}{separate(supports, sep, etc)}"
        return [f"{o}{body}{tail}{c}"], expected, deadline
    if form == "label_lines":
        support_label = draw(st.sampled_from(["责任单位", "配合单位", "协办单位"]))
        return ["", f"{lead_label}{colon}{separate(leads, sep, '')}",
                f"{support_label}{colon}{separate(supports, sep, etc)}"], expected, deadline
    if form == "verb":
        lead_verb = draw(st.sampled_from(["牵头", "牵头负责"] + (["分别牵头", "共同牵头"] if k > 1 else [])))
        support_verb = draw(st.sampled_from(["配合", "参与", "协办", "配合落实", "按职责分工负责"]))
        body = "、".join(leads) + lead_verb
        if supports:
            body += gsep + "、".join(supports) + support_verb
        if draw(st.integers(0, 3)) == 0:
            deadline = draw(st.sampled_from(["长期坚持", "年内持续推进", "2022年底前完成"]))
            body += gsep + deadline
        return [f"{o}{body}{c}"], expected, deadline
    if form == "separately":
        body = "、".join(units) + "分别牵头"
        return [f"{o}{body}{c}"], [(u, "lead") for u in units], deadline
    # bare_verb: (甲、乙、丙负责): the first leads
    body = "、".join(units) + draw(st.sampled_from(["负责", "按职责分工负责"]))
    return [f"{o}{body}{c}"], [(units[0], "lead")] + [(u, "support") for u in units[1:]], deadline


@st.composite
def tasks(draw, style: Style, names) -> Task:
    text = draw(st.sampled_from(TEXTS)) + draw(st.sampled_from(ASIDES)) + "。"
    heading = draw(st.sampled_from(TEXTS)) if draw(st.integers(0, 4)) == 0 else None
    lines, expected, deadline = draw(annotations(style, names))
    return Task(text, heading, lines, expected, deadline)


CN = "一二三四五六七八九十"
KINDS = {  # marker of the n-th item (1-based) of each outline kind
    "cn": (lambda n: f"{CN[n - 1]}、", lambda n: CN[n - 1]),
    "pcn": (lambda n: f"({CN[n - 1]})", lambda n: f"({CN[n - 1]})"),
    "num": (lambda n: f"{n}.", lambda n: str(n)),
    "pnum": (lambda n: f"({n})", lambda n: f"({n})"),
}
HEADINGS = ["强化人才支撑", "建设创新平台", "培育创新主体", "优化创新环境", "深化开放合作"]


@dataclass
class GeneratedPlan:
    text: str
    expected: dict[str, list[tuple[str, str]]]
    traditional: bool
    encoding: str
    deadlines: dict[str, str] = field(default_factory=dict)


@st.composite
def plans(draw) -> GeneratedPlan:
    full = draw(st.booleans())
    traditional = draw(st.integers(0, 3)) == 0
    bracket = draw(st.sampled_from([("（", "）"), ("(", ")"), ("〔", "〕"), ("【", "】"), ("[", "]"), ("（", ")")]))
    style = Style(
        full_width=full,
        bracket=bracket,
        colon=draw(st.sampled_from(["：", ":"])),
        list_sep=draw(st.sampled_from(["、", "、", "、", "，", ",", " "])),
        group_sep=draw(st.sampled_from(["；", ";", "，"])),
    )
    if style.list_sep in "，," and style.group_sep == "，":
        style.group_sep = "；"  # one separator for both is read by labels only; keep groups apart
    names = unit_names.filter(round_trips) if traditional else unit_names
    depth = draw(st.integers(1, 3))  # levels below the top section
    kinds = ["cn", "pcn", "num", "pnum"][: depth + 1]

    lines: list[str] = ["测试市科技创新三年行动方案", "一、总体要求", "坚持创新驱动发展战略,加快建设创新型城市。"]
    expected: dict[str, list[tuple[str, str]]] = {}
    deadlines: dict[str, str] = {}
    top = ["二、重点任务"] + (["三、保障措施"] if draw(st.booleans()) else [])

    def item(path: tuple[str, ...], level: int) -> None:
        count = draw(st.integers(1, 3))
        for n in range(1, count + 1):
            marker, label = KINDS[kinds[level]]
            p = path + (label(n),)
            if level < len(kinds) - 1:
                lines.append(marker(n) + draw(st.sampled_from(HEADINGS)))
                item(p, level + 1)
                continue
            task = draw(tasks(style, names))
            first, *below = task.annotation
            position = draw(st.sampled_from(["end", "end", "before_stop", "head"])) if first else "end"
            if first.startswith("【") and not first.endswith("】"):
                position = draw(st.sampled_from(["end", "before_stop"]))  # 【责任单位】甲 runs to the line's end
            sentence = task.text
            if position == "before_stop" and first:
                sentence = task.text[:-1] + first + "。"
            elif position == "head" and first:
                sentence = first + task.text
            elif first:
                sentence = task.text + first
            if task.heading:
                lines.append(marker(n) + task.heading)
                lines.append(sentence)
            else:
                lines.append(marker(n) + sentence)
            lines.extend(below)
            expected["/".join(p)] = task.expected
            deadlines["/".join(p)] = task.deadline

    for i, heading in enumerate(top, start=2):
        lines.append(heading)
        item((CN[i - 1],), 1)
    if draw(st.integers(0, 3)) == 0:
        lines += table_annex(draw, style, names, expected)
    text = "\n".join(lines) + "\n"
    if not full:
        text = unicodedata.normalize("NFKC", text)
    else:
        text = text.translate(str.maketrans({"(": "（", ")": "）", ",": "，", ":": "：", ";": "；"}))
    if traditional:
        text = _converters()[0].convert(text)
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "gb18030", "utf-16"]))
    if traditional and draw(st.booleans()):
        encoding = "big5"
    return GeneratedPlan(text, expected, traditional, encoding, deadlines)


def table_annex(draw, style: Style, names, expected: dict) -> list[str]:
    """附件 with a 任务分工表 flattened into text: cells between ``|``."""
    annex = draw(st.sampled_from(["附件", "附件1", "附件2"]))
    columns = draw(st.sampled_from([("牵头单位", "配合单位"), ("牵头部门", "配合部门"), ("责任单位",)]))
    rows = [f"{annex}", "重点任务分工表", " | ".join(("序号", "重点任务") + columns)]
    for seq in range(1, draw(st.integers(1, 4)) + 1):
        n = draw(st.integers(len(columns), 5))
        units = draw(st.lists(names, min_size=n, max_size=n, unique=True))
        if len(columns) == 2:
            k = draw(st.integers(1, n - 1))
            cells = [style.list_sep.join(units[:k]), style.list_sep.join(units[k:])]
            expected[f"{annex}/{seq}"] = [(u, "lead") for u in units[:k]] + [(u, "support") for u in units[k:]]
        else:
            cells = [style.list_sep.join(units)]
            expected[f"{annex}/{seq}"] = [(units[0], "lead")] + [(u, "support") for u in units[1:]]
        rows.append(" | ".join([str(seq), draw(st.sampled_from(TEXTS))] + cells))
    return rows


def nfkc(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(unicodedata.normalize("NFKC", u), r) for u, r in pairs]


def extracted(plan: GeneratedPlan):
    try:
        data = plan.text.encode(plan.encoding)
    except UnicodeEncodeError:
        data = plan.text.encode("utf-8")
    doc = read_document("plan.txt", data)
    return extract_plan(doc, default_gazetteer().is_unit_like)


# ------------------------------------------------------------------- tests


@SETTINGS
@given(plans())
def test_extractor_returns_exactly_the_generated_assignments(plan):
    result = extracted(plan)
    got: dict[str, list[tuple[str, str]]] = {t.task_id: [] for t in result.tasks}
    for a in result.assignments:
        got[a.task_id].append((a.unit, a.role))
    expected = {task_id: nfkc(pairs) for task_id, pairs in plan.expected.items()}
    assert got == expected, plan.text
    deadlines = {t.task_id: t.deadline for t in result.tasks if t.task_id in plan.deadlines}
    assert deadlines == plan.deadlines, plan.text


@SETTINGS
@given(plans(), st.data())
def test_damaged_plans_never_crash_the_extractor(plan, data):
    """Cut lines, dropped brackets and doubled separators: the extractor may
    read less, but it never raises and every edge has a task."""
    lines = plan.text.splitlines()
    for _ in range(data.draw(st.integers(1, 6))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["cut", "drop", "double", "bracket", "swap"]))
        line = lines[i]
        if op == "cut":
            lines[i] = line[: data.draw(st.integers(0, len(line)))]
        elif op == "drop":
            del lines[i]
            if not lines:
                lines = ["一、重点任务"]
        elif op == "double":
            lines[i] = line.replace("、", "、、").replace(":", "::")
        elif op == "bracket":
            j = data.draw(st.integers(0, len(line)))
            lines[i] = line[:j] + data.draw(st.sampled_from(list("（）()〔〕【】[]《》<>"))) + line[j:]
        else:
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    text = "\n".join(lines) + "\n"
    doc = read_document("plan.txt", text.encode("utf-8") if text.strip() else b"x")
    result = extract_plan(doc, default_gazetteer().is_unit_like)
    ids = {t.task_id for t in result.tasks}
    assert len(ids) == len(result.tasks)
    assert all(a.task_id in ids for a in result.assignments)
    assert all(a.unit.strip() and a.role in ("lead", "support") for a in result.assignments)


def test_the_generator_writes_what_it_says():
    """A fixed example of the generator's output, checked by hand."""
    plan = GeneratedPlan(
        "测试市科技创新三年行动方案\n二、重点任务\n1.建设高水平创新平台。(市科技局、市财政局分别牵头,县统计局配合)\n",
        {"二/1": [("市科技局", "lead"), ("市财政局", "lead"), ("县统计局", "support")]}, False, "utf-8")
    result = extracted(plan)
    assert [(a.task_id, a.unit, a.role) for a in result.assignments] == [
        ("二/1", "市科技局", "lead"), ("二/1", "市财政局", "lead"), ("二/1", "县统计局", "support")]


@pytest.mark.parametrize("name", COLLECTIVES + ["市" + c for c in CORES])
def test_every_generated_name_reads_as_a_unit(name):
    assert default_gazetteer().is_unit_like(name)


# ------------------------------------------- regressions found by hypothesis


def assignments_of(text: str) -> list[tuple[str, str, str]]:
    result = extracted(GeneratedPlan(text, {}, False, "utf-8"))
    return [(a.task_id, a.unit, a.role) for a in result.assignments]


def test_role_verb_annotation_heading_the_paragraph_of_a_heading_style_item():
    text = "二、重点任务\n(一)加强科技型企业梯队培育建设\n(市科技局牵头;市财政局配合)完善梯次培育机制。\n"
    assert assignments_of(text) == [("二/(一)", "市科技局", "lead"), ("二/(一)", "市财政局", "support")]


@pytest.mark.parametrize("line", [
    "1.加强科技型企业梯队培育建设【责任单位】市科技局、市财政局",
    "1.加强科技型企业梯队培育建设【责任单位】市科技局、市财政局。",
    "1.加强科技型企业梯队培育建设。【责任单位】市科技局、市财政局",
])
def test_bracketed_label_right_after_the_text(line):
    assert assignments_of(f"二、重点任务\n{line}\n") == [("二/1", "市科技局", "lead"), ("二/1", "市财政局", "support")]
