"""The layout stage: tables found in text, one-line pages cut at their
markers, pinyin glosses kept out of the reading text.

Every document here is written for the test (none is taken from the dev
set); the expected rows and lines are written by hand.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from taskgraph.layout import column_kind, columns, layout, segment, split_trailing_units, strip_glosses
from taskgraph.model import Document, Line
from taskgraph.normalise import default_gazetteer
from taskgraph.read import read_document
from taskgraph.text import normalise_line

UNIT_LIKE = default_gazetteer().is_unit_like


def laid_out(text: str) -> list[Line]:
    lines = [Line(i + 1, normalise_line(t)) for i, t in enumerate(text.splitlines()) if t.strip()]
    return layout(Document("p.txt", "p.txt", lines), UNIT_LIKE).lines


def rows(text: str) -> list[tuple[str, ...]]:
    return [ln.cells for ln in laid_out(text) if ln.cells]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ------------------------------------------------------------- header words


@pytest.mark.parametrize("word, kind", [
    ("序号", "seq"), ("序  号", "seq"), ("编号", "seq"),
    ("重点任务", "text"), ("工 作 任 务", "text"), ("主要目标", "text"), ("具体措施", "text"), ("民生实事", "text"),
    ("目标与任务", "text"), ("第三季度任务目标", "text"),
    ("牵头单位", "lead"), ("牵头负责部门", "lead"), ("牵头责任单位", "lead"),
    ("主要责任单位", "primary"),
    ("配合单位", "support"), ("协同配合单位", "support"), ("参与单位", "support"), ("配合/责任单位", "support"),
    ("责任单位", "bare"), ("责任部门", "bare"), ("实施主体", "bare"), ("承办单位", "bare"),
    ("责任领导", "person"), ("分管县领导", "person"), ("分 管 市领导", "person"), ("联系人", "person"),
    ("完成时限", "deadline"), ("完成时间", "deadline"), ("时间节点", "deadline"),
    ("进展情况", "other"), ("备注", "other"), ("是否完成", "other"),
    ("领域", "group"), ("类别", "group"),
])
def test_header_words_are_read_by_their_parts(word, kind):
    assert column_kind(word) == kind


@pytest.mark.parametrize("word", ["推进科技创新", "市科技局", "2023年底", "一、总体要求", "序号工作任务", "加快建设。"])
def test_other_words_are_no_header(word):
    assert column_kind(word) is None


def test_a_header_needs_units_and_a_task():
    assert columns(("序号", "重点任务", "牵头单位", "配合单位")) == ["seq", "text", "lead", "support"]
    assert columns(("序号", "重点任务", "完成时限")) is None  # no unit column
    assert columns(("1", "培育企业", "市科技局")) is None


# ---------------------------------------------------------- flattened rows


def test_flattened_table_rows_with_pipes(tmp_path):
    text = (
        "附件 重点任务分工表\n"
        "| 序号 | 重点任务 | 牵头单位 | 配合单位 |\n"
        "|---|---|---|---|\n"
        "| 1 | 培育科技企业 | 市科技局 | 市财政局、市税务局 |\n"
        "\n"
        "| 2 | 建设创新平台 | 市发展改革委 |  |\n"
        "说明:以上任务长期坚持。\n"
        "序号|任务|责任单位\n"
    )
    doc = layout(read_document(write(tmp_path, "plan.md", text.encode())), UNIT_LIKE)
    got = [line for line in doc.lines if line.cells]
    assert [r.cells for r in got] == [
        ("序号", "重点任务", "牵头单位", "配合单位"),
        ("1", "培育科技企业", "市科技局", "市财政局、市税务局"),
        ("2", "建设创新平台", "市发展改革委", ""),
        ("序号", "任务", "责任单位"),
    ]
    assert [r.table for r in got] == [1, 1, 1, 2]
    assert [r.no for r in got] == [2, 4, 6, 8]
    assert got[1].text == "1 | 培育科技企业 | 市科技局 | 市财政局、市税务局"
    assert doc.lines[0].cells is None and doc.lines[0].table is None


def test_flattened_table_rows_with_spaces_and_tabs(tmp_path):
    text = (
        "序号    重点任务        牵头单位    配合单位\n"
        "1　　培育科技型企业　　市科技局　　市财政局、市税务局\n"
        "2\t建设创新平台\t市发展改革委\n"
        "3\t引进人才  市人力社保局\n"
        "为加快实施创新驱动发展战略,  制定本方案。\n"
        "一、总体要求  \n"
    )
    doc = layout(read_document(write(tmp_path, "plan.txt", text.encode())), UNIT_LIKE)
    assert [line.cells for line in doc.lines] == [
        ("序号", "重点任务", "牵头单位", "配合单位"),
        ("1", "培育科技型企业", "市科技局", "市财政局、市税务局"),
        ("2", "建设创新平台", "市发展改革委"),
        ("3", "引进人才", "市人力社保局"),
        None,
        None,
    ]
    assert doc.lines[4].text == "为加快实施创新驱动发展战略, 制定本方案。"
    assert {line.table for line in doc.lines[:4]} == {1}


def test_one_cell_a_line_each_closed_by_a_pipe():
    got = rows("""表一 重点工作分解
序号 |
工作任务 |
分管领导 |
牵头单位 |
配合单位 |
1 |
推进老旧小区改造,年内完成改造120个小区。 |
王某某 |
区住建局 |
区财政局、各街道办事处 |
2 |
建设城市书房10处,
打造十五分钟阅读圈。 |
李 某 |
区文旅局 |
 |
""")
    assert got == [
        ("序号", "工作任务", "分管领导", "牵头单位", "配合单位"),
        ("1", "推进老旧小区改造,年内完成改造120个小区。", "王某某", "区住建局", "区财政局、各街道办事处"),
        ("2", "建设城市书房10处, 打造十五分钟阅读圈。", "李 某", "区文旅局", ""),
    ]


def test_one_cell_a_line_rows_found_from_the_numbers():
    got = rows("""2024年为民办实事项目分解表
序号
实事项目
责任单位
完成时限
1
新建公办幼儿园3所。
县教育局
县住建局
8月底前
2
改造农村公路50公里。
县交通运输局
12月底前
3
建成社区养老服务站5个。
县民政局
各乡镇人民政府
年底前
打印本页
""")
    assert got == [
        ("序号", "实事项目", "责任单位", "完成时限"),
        ("1", "新建公办幼儿园3所。", "县教育局、县住建局", "8月底前"),
        ("2", "改造农村公路50公里。", "县交通运输局", "12月底前"),
        ("3", "建成社区养老服务站5个。", "县民政局、各乡镇人民政府", "年底前"),
    ]


def test_one_cell_a_line_rows_without_numbers_and_a_lead_column():
    got = rows("""目标分解表
领域
主要目标
主要责任单位
配合单位
1.城乡居民收入稳步增长。
——农村居民人均可支配收入增长8%。
市人社局
市农业农村局
市统计局
2.就业更加充分。
市人社局
市教育局
""")
    assert got == [
        ("领域", "主要目标", "主要责任单位", "配合单位"),
        ("", "1.城乡居民收入稳步增长。\n——农村居民人均可支配收入增长8%。", "市人社局", "市农业农村局、市统计局"),
        ("", "2.就业更加充分。", "市人社局", "市教育局"),
    ]


def test_cells_separated_by_single_spaces_and_a_lead_cell_over_lines():
    got = rows("""重点任务分解表
序号 重点任务 牵头单位 配合单位 完成时限
7 建设科技企业孵化器2家。 市科技局 市财政局、市商务局 2024年底
8 推进国家级高新区扩区。 市科技局
市发展改革委
高新区管委会
市自然资源局、市财政局 2025年
""")
    assert got == [
        ("序号", "重点任务", "牵头单位", "配合单位", "完成时限"),
        ("7", "建设科技企业孵化器2家。", "市科技局", "市财政局、市商务局", "2024年底"),
        ("8", "推进国家级高新区扩区。", "市科技局、市发展改革委、高新区管委会", "市自然资源局、市财政局", "2025年"),
    ]


def test_a_table_run_into_one_line():
    got = rows("重点任务清单\n"
               "序号工作任务责任单位5开展健康教育进社区。市卫生健康委牵头;市教育局、市总工会配合"
               "6推进全民健身设施建设。市体育局、市住建局牵头;各区人民政府落实7加强食品安全监管。市市场监管局负责")
    assert got == [
        ("序号", "工作任务", "责任单位"),
        ("5", "开展健康教育进社区。", "市卫生健康委牵头;市教育局、市总工会配合"),
        ("6", "推进全民健身设施建设。", "市体育局、市住建局牵头;各区人民政府落实"),
        ("7", "加强食品安全监管。", "市市场监管局负责"),
    ]


def test_a_second_header_row_is_no_task():
    got = rows("""项目内容工作任务责任单位进展情况
一季度二季度三季度四季度
便民服务提升建成政务服务驿站20个。
区政务服务中心,各街道
已完成选址。
""")
    assert got[0] == ("项目内容", "工作任务", "责任单位", "进展情况")
    # the 项目内容 cell run into the task's: the first task column holds both
    assert got[1:] == [("便民服务提升建成政务服务驿站20个。", "", "区政务服务中心,各街道", "已完成选址。")]


def test_prose_with_unit_words_is_no_table():
    lines = laid_out("""各责任单位要高度重视,明确分工。
责任单位要于每季度末报送进展。
一、重点任务
1.培育企业。(责任单位:市科技局)""")
    assert all(ln.cells is None for ln in lines)


def test_trailing_units_after_the_text():
    assert split_trailing_units("改善人居环境。区住建局牵头,各镇配合", UNIT_LIKE) == ("改善人居环境。", "区住建局牵头,各镇配合")
    assert split_trailing_units("改善人居环境。持续推进", UNIT_LIKE) == ("改善人居环境。持续推进", "")


# ---------------------------------------------------------------- segments


def texts(text: str) -> list[str]:
    return [ln.text for ln in segment([Line(1, normalise_line(text))])]


def test_a_page_with_no_line_breaks_is_cut_at_its_markers():
    assert texts("某县工作方案 一、重点任务 (一)优化服务。1.推行帮办代办。(县政务服务中心负责)"
                 "2.压减审批时限。(县行政审批局负责)(二)强化保障。3.落实资金。(县财政局负责)") == [
        "某县工作方案", "一、重点任务", "(一)优化服务。", "1.推行帮办代办。(县政务服务中心负责)",
        "2.压减审批时限。(县行政审批局负责)", "(二)强化保障。", "3.落实资金。(县财政局负责)"]


def test_full_width_page_with_no_line_breaks():
    assert texts("（一）加强监测。（1）建设监测站点。（市生态环境局牵头负责）（2）发布监测信息。（市气象局负责）") == [
        "(一)加强监测。", "(1)建设监测站点。(市生态环境局牵头负责)", "(2)发布监测信息。(市气象局负责)"]


@pytest.mark.parametrize("text", [
    "支持第1、2项工作,按照(一)中的要求。",
    "重点支持5G、人工智能等3.5个领域。",
    "对照附件1.2的清单,逐项落实。",
    "完成2、3两个季度的任务。",
])
def test_numbers_inside_a_sentence_are_no_markers(text):
    assert texts(text) == [normalise_line(text)]


def test_a_marker_must_continue_its_numbering():
    # (5) after (1) is a reference, not the next item
    assert texts("(1)建立台账。见第(5)条。(2)定期通报。") == ["(1)建立台账。见第(5)条。", "(2)定期通报。"]


def test_a_marker_after_a_year_is_still_a_marker():
    assert texts("(一)扩大覆盖。1、2023年完成参保登记。2、2024年实现全覆盖。") == [
        "(一)扩大覆盖。", "1、2023年完成参保登记。", "2、2024年实现全覆盖。"]


# ------------------------------------------------------------------ glosses


def test_glosses_are_out_of_the_reading_text_and_in_the_shown_text():
    line = strip_glosses(Line(1, "(責任單位:自治區(qū)發(fā)展改革委、財(cái)政廳)"))
    assert line.text == "(責任單位:自治區發展改革委、財政廳)"
    start = line.text.index("自治區")
    assert line.shown(start, start + 8) == "自治區(qū)發(fā)展改革委"


def test_brackets_that_are_no_glosses_stay():
    line = strip_glosses(Line(1, "研发经费(R&D)投入强度(%)达到2.5(含)以上"))
    assert line.text == "研发经费(R&D)投入强度(%)达到2.5(含)以上"


def test_a_table_inside_a_page_with_no_line_breaks():
    page = ("某区2024年重点工作责任清单 为抓好落实，现将任务分解如下。 序号 | 重点工作 | 牵头单位 | 配合单位 | "
            "1 | 推进老旧小区改造120个。 | 区住建局 | 区财政局、各街道 | 2 | 新建口袋公园5个。 | 区城管局 | 区自然资源局 |")
    assert rows(page) == [
        ("序号", "重点工作", "牵头单位", "配合单位"),
        ("1", "推进老旧小区改造120个。", "区住建局", "区财政局、各街道"),
        ("2", "新建口袋公园5个。", "区城管局", "区自然资源局"),
    ]


def test_a_spaced_table_inside_a_page_with_no_line_breaks():
    page = ("重点任务分解表 发布时间:2024-03-01 序号 重点任务 牵头单位 配合单位 完成时限 "
            "1 建设科技企业孵化器2家。 市科技局 市财政局、市商务局 2024年底 "
            "2 推进国家级高新区扩区。 市科技局 市发展改革委 高新区管委会 市自然资源局、市财政局 2025年")
    assert rows(page) == [
        ("序号", "重点任务", "牵头单位", "配合单位", "完成时限"),
        ("1", "建设科技企业孵化器2家。", "市科技局", "市财政局、市商务局", "2024年底"),
        ("2", "推进国家级高新区扩区。", "市科技局、市发展改革委、高新区管委会", "市自然资源局、市财政局", "2025年"),
    ]
