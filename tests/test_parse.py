"""Outline and metadata on small documents written for the purpose."""
from __future__ import annotations

import pytest

from taskgraph.model import Document, Line
from taskgraph.parse import match_marker, parse_info, parse_outline
from taskgraph.text import normalise_line


def doc_of(*texts: str) -> Document:
    return Document("p.txt", "p.txt", [Line(i + 1, normalise_line(t)) for i, t in enumerate(texts)])


@pytest.mark.parametrize("text, kind, label", [
    ("一、总体要求", "cn", "一"),
    ("十二、保障措施", "cn", "十二"),
    ("（三）强化金融支撑", "pcn", "(三)"),
    ("〔三〕强化金融支撑", "pcn", "(三)"),
    ("12．建立制度", "num", "12"),
    ("3、建立制度", "num", "3"),
    ("（4）建立制度", "pnum", "(4)"),
    ("4)建立制度", "rnum", "4"),
    ("②建立制度", "circ", "②"),
    ("第二章 主要任务", "chapter", "第二章"),
    ("附件2", "annex", "附件2"),
    ("附件 3：重点任务分工表", "annex", "附件3"),
    ("附件", "annex", "附件"),
])
def test_markers(text, kind, label):
    m = match_marker(normalise_line(text))
    assert m is not None and m[:2] == (kind, label)


@pytest.mark.parametrize("text", [
    "附件：1.锦州市关于实施若干措施", "附件:许昌市重点任务一览表.doc", "2.16%的比重", "2021年实现翻番",
    "一是加强领导", "1000家企业",
])
def test_not_markers(text):
    assert match_marker(normalise_line(text)) is None


def test_nesting_follows_the_order_markers_appear_in():
    # a plan that puts 1. above (一)
    d = doc_of("1.重点任务", "（一）人才", "（二）平台", "2.保障措施", "（一）组织")
    assert [i.path_str for i in parse_outline(d).items] == ["1", "1/(一)", "1/(二)", "2", "2/(一)"]


def test_annex_restarts_the_outline_and_sections_are_kept():
    d = doc_of("三、重点任务", "（一）人才", "1.引才。", "附件1", "若干措施", "一、支持政策", "1.资金支持。")
    items = parse_outline(d).items
    assert [i.path_str for i in items] == ["三", "三/(一)", "三/(一)/1", "附件1", "附件1/一", "附件1/一/1"]
    assert items[2].section == ("三、重点任务", "(一)人才")
    assert [ln.text for ln in items[3].lines] == ["若干措施"]


@pytest.mark.parametrize("lines, place, city, district, level", [
    (["宁波市镇海区科技创新工作领导小组办公室", "2022年7月22日", "关于加快推进企业科技创新的行动方案"],
     "宁波市镇海区", "宁波市", "镇海区", "区"),
    (["河北省廊坊市人民政府关于印发廊坊市科技创新三年行动计划的通知"], "廊坊市", "廊坊市", "", "市"),
    (["安吉县人民政府办公室关于印发安吉县数字经济发展实施方案的通知"], "安吉县", "", "安吉县", "县"),
    (["上海市人民政府关于印发上海市促进科技成果转化行动方案的通知"], "上海市", "上海市", "", "市"),
    (["各县(市、区)人民政府,市政府各部门:", "经市政府同意,现印发给你们。"], "", "", "", ""),
])
def test_place(lines, place, city, district, level):
    info = parse_info(doc_of(*lines))
    assert (info.place, info.city, info.district, info.level) == (place, city, district, level)


def test_title_skips_menus_and_notices():
    info = parse_info(doc_of(
        "首页 政务公开 政策解读 新闻发布 发展规划",
        "廊坊市科学技术局关于对《廊坊市强化企业科技创新专项服务工作方案(征求意见稿)》公开征求意见的通知",
        "2021年12月07日 来源:市科技局",
        "廊坊市强化企业科技创新专项服务工作方案(2021-2025年)(征求意见稿)",
    ))
    assert info.title == "廊坊市强化企业科技创新专项服务工作方案(2021-2025年)(征求意见稿)"
    assert (info.date, info.period, info.period_start, info.period_end) == ("2021-12-07", "2021-2025", 2021, 2025)


def test_title_from_the_notice_when_no_title_line():
    info = parse_info(doc_of("XX市人民政府关于印发《XX市数字经济三年行动计划》的通知", "各区人民政府:"))
    assert info.title == "XX市数字经济三年行动计划"
