"""Quantitative targets (taskgraph.targets): the seeds' goals sections, read by
hand, and made-up sentences for each way a target is written."""
from __future__ import annotations

import pytest

import taskgraph
from taskgraph.targets import indicators, targets_in_text

SEEDS = {p.info.place: p for p in taskgraph.load(["seeds"]).plans}

# Every target a careful reader finds in each seed's goals section (工作目标 /
# 主要目标), read off the plan text by hand:
# (value, unit, year, bound, baseline, shared key or None when no key applies)
GOALS = {
    "锦州市": [  # 二、工作目标 (力争到2024年左右…) and 附件2 一、工作目标
        (2.16, "%", 2024, "reach", None, "rd_intensity"),
        (500, "家", 2024, "reach", None, "tech_smes"),
        (260, "家", 2024, "more_than", None, "hightech_enterprises"),
        (100, "家", 2024, "reach", None, "gazelle_enterprises"),
        (60, "个", 2024, "", None, "talent_teams"),
        (20, "个", 2024, "", None, "incubators"),
        (300, "家", 2024, "", None, "innovation_platforms"),
        (21, "亿元", 2024, "more_than", None, "tech_contract_value"),
        (60, "家", 2024, "", None, "innovation_consortia"),
        (60, "个", 2024, "", None, "rd_projects"),
        (3.8, "件", 2024, "reach", None, "invention_patents_per_10k"),
        (60, "项", 2024, "at_least", None, "rd_projects"),
    ],
    "宁波市镇海区": [  # (二)主要目标: 到2025年 …“双倍增八提升”
        (685, "家", 2025, "reach", None, "hightech_enterprises"),
        (2200, "家", 2025, "more_than", None, "tech_smes"),
        (1, "倍", 2025, "growth", None, None),  # 均较“十三五”规划目标增长1倍以上
        (3.0, "%", 2025, "reach", None, "rd_intensity"),
        (1.4, "%", 2025, "reach", None, "enterprise_rd_share"),
        (400, "亿元", 2025, "more_than", None, "hightech_value_added"),
        (34, "亿元", 2025, "reach", None, "tech_contract_value"),
        (90, "%", 2025, "reach", None, "enterprises_with_rd_share"),
        (5500, "件", 2025, "reach", None, "invention_patents"),
        (200, "家", 2025, "more_than", None, "innovation_platforms"),
        (500, "亿元", 2025, "added", None, "hightech_investment"),  # 累计新增
    ],
    "许昌市": [  # 二、主要目标: 到2022年
        (2.1, "%", 2022, "at_least", None, "rd_intensity"),
        (50, "%", 2022, "at_least", None, "hightech_value_added_share"),
    ],
    "廊坊市": [  # 二、主要目标: 到2025年, then three paragraphs without a year
        # 科技型中小企业由8796家增长到1万家: the seed's text of the indicator is
        # mis-encoded (??萍夹椭行∑髽I), so it gets no key
        (10000, "家", 2025, "reach", 8796, None),
        (400, "家", 2025, "added", None, "specialised_smes"),
        (1500, "家", 2025, "reach", 905, "hightech_enterprises"),
        (10, "家", 2025, "reach", None, "tech_leading_enterprises"),
        (10, "%", 2025, "growth", None, "rd_growth"),
        (1.45, "%", 2025, "reach", None, "enterprise_rd_share"),
        (3.7, "件", 2025, "reach", 1.65, "high_value_patents_per_10k"),
        (40, "%", 2025, "reach", 35.6, "hightech_value_added_share"),
        (5, "%", 2025, "reach", None, "digital_economy_share"),
    ],
}


@pytest.mark.parametrize("place", sorted(GOALS))
def test_goals_sections_of_the_seeds(place):
    got = [(t.value, t.unit, t.year, t.bound, t.baseline, t.key or None)
           for t in SEEDS[place].targets if t.source == "goals"]
    assert got == [tuple(float(x) if isinstance(x, (int, float)) and i in (0, 4) and x is not None else x
                         for i, x in enumerate(row)) for row in GOALS[place]]


def test_seed_goal_indicators_are_the_plans_words():
    jinzhou = [t.indicator for t in SEEDS["锦州市"].targets if t.source == "goals"]
    assert jinzhou[0] == "全社会研究与试验发展(R&D)经费支出占地区生产总值(GDP)的比重"
    assert jinzhou[3] == "雏鹰、瞪羚企业"  # a list joined by 、 is one indicator
    langfang = [t.indicator for t in SEEDS["廊坊市"].targets if t.source == "goals"]
    assert langfang[2] == "高新技术企业" and langfang[6] == "每万人口高价值发明专利拥有量"


def test_task_targets_carry_their_task_and_lead():
    from taskgraph.targets import target_records

    rows = target_records([SEEDS["宁波市镇海区"]])
    mine = [r for r in rows if r["source"] == "task" and r["task_id"] == "二/(一)/3"]
    assert {(r["value"], r["unit"]) for r in mine} == {(685, "家"), (1800, "亿元")}
    assert all(r["lead"] == "区科技局" for r in mine)


def test_places_share_keys():
    keys = {place: {t.key for t in plan.targets if t.key} for place, plan in SEEDS.items()}
    assert {"rd_intensity", "hightech_enterprises"} <= keys["锦州市"] & keys["宁波市镇海区"]
    assert "hightech_enterprises" in keys["廊坊市"] and "rd_intensity" in keys["许昌市"]


@pytest.mark.parametrize("text, expected", [
    # (value, unit, comparator, bound, value_max)
    ("到2025年，全市科技型中小企业达到1万家。", [(10000, "家", "达到", "reach", None)]),
    ("技术合同成交额突破21亿元。", [(21, "亿元", "突破", "more_than", None)]),
    ("研发经费投入强度达到2.1%以上。", [(2.1, "%", "达到…以上", "at_least", None)]),
    ("力争新建孵化平台10家左右。", [(10, "家", "新建", "added", None)]),
    ("新增科技型中小企业200家。", [(200, "家", "新增", "added", None)]),
    ("每年实施3-5项技术攻关专项。", [(3, "项", "", "", 5)]),
    ("单位能耗控制在0.5吨以内。", [(0.5, "吨", "控制在…以内", "at_most", None)]),
    # policy, not a target: a subsidy, a cap, a rate
    ("对新认定的高新技术企业给予20万元奖补。", []),
    ("按照规定给予补贴，最高不超过500万元。", []),
    ("落实好企业研发费用按75%加计扣除政策。", []),
    # a year, a phone number, an outline number are not targets
    ("联系电话:0316-5212183。到2025年实现全覆盖。", []),
])
def test_ways_of_writing_a_target(text, expected):
    got = [(t.value, t.unit, t.comparator, t.bound, t.value_max) for t in targets_in_text(text)]
    assert got == [(float(v), u, c, b, None if m is None else float(m)) for v, u, c, b, m in expected]


def test_baseline_and_year_of_a_from_to_target():
    (t,) = targets_in_text("到2023年，每万人口发明专利拥有量由1.65件提高到3.7件。")
    assert (t.baseline, t.value, t.year, t.year_from, t.key) == (1.65, 3.7, 2023, "text", "invention_patents_per_10k")


def test_year_falls_back_to_the_period_and_says_so():
    (t,) = targets_in_text("争取培育高新技术企业100家。", year=2024)
    assert (t.year, t.year_from) == (2024, "period")


def test_two_years_in_one_sentence():
    got = targets_in_text("到2023年,全市高新技术企业达到1300家,2025年达到1500家。")
    assert [(t.indicator, t.value, t.year) for t in got] == [("高新技术企业", 1300, 2023), ("高新技术企业", 1500, 2025)]


def test_traditional_full_width_plan_through_the_pipeline(tmp_path):
    plan = ("某市科技創新行動方案（2022—2024年）\n一、主要目標\n到2024年，高新技術企業達到３００家，"
            "技術合同成交額突破１０億元。\n二、重點任務\n1.培育企業。到2023年新增科技型中小企業50家。"
            "（責任單位：市科技局、市財政局）\n")
    f = tmp_path / "p.txt"
    f.write_bytes(plan.encode("utf-8"))
    (p,) = taskgraph.load([str(f)]).plans
    got = [(t.source, t.key, t.value, t.unit, t.year, t.task_id) for t in p.targets]
    assert got == [("goals", "hightech_enterprises", 300.0, "家", 2024, ""),
                   ("goals", "tech_contract_value", 10.0, "亿元", 2024, ""),
                   ("task", "tech_smes", 50.0, "家", 2023, "二/1")]


def test_indicator_knowledge_is_data():
    k = indicators()
    assert k.key_of("全社会R&D经费支出占GDP比重", "%")[0] == "rd_intensity"
    assert k.key_of("全社会R&D经费支出占GDP比重", "家")[0] == ""  # the unit must fit the measure


def test_places_compared_on_shared_indicators():
    from taskgraph.render.over_time import target_comparison
    from taskgraph.targets import target_records

    rows = {r["key"]: r for r in target_comparison(target_records(SEEDS.values()))}
    # 高新技术企业: the goals' targets (许昌's goals have none: its task's, 500家左右)
    assert rows["hightech_enterprises"]["锦州市"] == "超过260家，2024年"
    assert rows["hightech_enterprises"]["宁波市镇海区"] == "达到685家，2025年"
    assert rows["hightech_enterprises"]["许昌市"] == "500家左右，2022年"
    assert rows["hightech_enterprises"]["廊坊市"] == "达到1500家（基数 905），2025年"
    assert rows["rd_intensity"]["许昌市"] == "不低于2.1%，2022年" and rows["rd_intensity"]["廊坊市"] == ""
    assert "tech_contract_value" in rows and all(len([v for k, v in r.items() if k not in ("key", "indicator") and v]) >= 2
                                                 for r in rows.values())
