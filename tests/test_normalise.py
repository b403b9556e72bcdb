"""normalise: unit names → canonical id within a place, function across places."""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from taskgraph.errors import UsageError
from taskgraph.normalise import (
    DATA_FILE,
    Gazetteer,
    default_gazetteer,
    normalise_unit,
    squash,
    strip_unit,
)

GOLD = Path(__file__).resolve().parents[1].parent / "shared" / "gold" / "functions.json"

# Where each name of the gold file is written: 区… in Zhenhai, the rest in Jinzhou.
ZHENHAI = ("宁波市镇海区", "区")
JINZHOU = ("锦州市", "市")


def _where(name: str) -> tuple[str, str]:
    return ZHENHAI if name.startswith("区") else JINZHOU


@pytest.fixture(scope="module")
def g() -> Gazetteer:
    return default_gazetteer()


# -- the gold grouping ---------------------------------------------------------

# The essence of shared/gold/functions.json, so this runs without ../shared.
GROUPS = {
    "科技局": ["市科技局", "区科技局"],
    "财政局": ["市财政局", "区财政局"],
    "发展改革委": ["市发展改革委", "区发改局"],
    "工业和信息化局": ["市工业和信息化局", "区经信局"],
    "人力资源社会保障局": ["市人力资源社会保障局", "区人力社保局"],
    "市场监督管理局": ["市市场监管局", "市市场监督管理局", "区市场监管局"],
    "税务局": ["市税务局", "区税务局"],
    "商务局": ["市商务局", "区商务局"],
    "金融监管": ["市金融局", "市地方金融监管局"],
    "金融发展服务中心": ["区金融发展服务中心"],
    "银保监分局": ["锦州银保监分局", "廊坊银保监分局"],
    "自然资源局": ["市自然资源局", "区自然资源规划分局"],
    "行政审批局": ["市审批局"],
    "建设交通局": ["区建设交通局"],
    "县区政府": ["各县(市)区政府(管委会)"],
    "县政府": ["义县人民政府"],
    "新区管委会": ["松山新区管委会"],
    "开发区改革发展工作办公室": ["市开发区改革发展工作办公室"],
    "经济合作中心": ["市经济合作中心"],
    "招商中心": ["区招商中心"],
    "组织部": ["市委组织部"],
    "人才办": ["区委人才办"],
    "督查考核办": ["市委市政府督考办"],
    "科协": ["市科协"],
    "科学技术研究院": ["市科学技术研究院"],
    "科创领导小组成员单位": ["市科创领导小组成员单位"],
}


def _check_grouping(g: Gazetteer, groups: dict[str, list[str]]) -> None:
    function = {}
    for group, names in groups.items():
        for name in names:
            function[name] = (group, g.resolve(name, *_where(name)).function)
    for (a, (ga, fa)), (b, (gb, fb)) in itertools.combinations(function.items(), 2):
        if ga == gb:
            assert fa == fb, f"{a} and {b} are one function ({ga}) but got {fa} / {fb}"
        else:
            assert fa != fb, f"{a} ({ga}) and {b} ({gb}) are different functions but both got {fa}"


def test_gold_grouping_inline(g):
    _check_grouping(g, GROUPS)


@pytest.mark.skipif(not GOLD.exists(), reason="shared/gold/functions.json not present")
def test_gold_grouping_file(g):
    _check_grouping(g, json.loads(GOLD.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    "name, function",
    [
        ("区经信局", "工业和信息化"),
        ("市工业和信息化局", "工业和信息化"),
        ("区人力社保局", "人力资源社会保障"),
        ("市人力资源社会保障局", "人力资源社会保障"),
        ("区科技局", "科技"),
        ("市金融局", "金融监管"),
        ("市地方金融监管局", "金融监管"),
        ("区自然资源规划分局", "自然资源"),
        ("市自然资源局", "自然资源"),
        ("区金融发展服务中心", "金融服务中心"),
        ("锦州银保监分局", "银行保险监管"),
    ],
)
def test_function_keys(g, name, function):
    assert g.resolve(name, *_where(name)).function == function


def test_every_gold_name_known_except_collective_of_a_plan(g):
    unknown = [n for names in GROUPS.values() for n in names if not g.resolve(n, *_where(n)).known]
    assert unknown == ["市科创领导小组成员单位"]


# -- canonical id within a place -----------------------------------------------


@pytest.mark.parametrize(
    "spellings, place",
    [
        (["市发改委", "市发展改革委", "市发展和改革委员会", "锦州市发展和改革委员会"], JINZHOU),
        (["市市场监管局", "市市场监督管理局", "锦州市市场监督管理局"], JINZHOU),
        (["市委组织部", "中共锦州市委组织部"], JINZHOU),
        (["区经信局", "区经济和信息化局", "区工业和信息化局", "镇海区经信局"], ZHENHAI),
        (["区委人才办", "区人才办"], ZHENHAI),
        (["市政府", "市人民政府", "锦州市人民政府"], JINZHOU),
        (["各县(市)区政府(管委会)", "各县(市、区)", "各县(市、区)人民政府"], JINZHOU),
        (["各有关部门", "有关部门", "相关部门", "各相关单位"], JINZHOU),
        (["市科技局", "市科技局等", "市科技局等单位", " 市科技局。"], JINZHOU),
        (["义县", "义县政府", "义县人民政府"], JINZHOU),
        (["高新区", "高新区管委会", "高新区管理委员会", "锦州高新区", "锦州高新区管委会"], JINZHOU),
        (["松山新区", "松山新区管委会", "松山新区管理委员会"], JINZHOU),
        (["市城乡一体化示范区", "许昌市城乡一体化示范区管委会"], ("许昌市", "市")),
        (["市委党校", "市委党校(行政学院)", "中共锦州市委党校"], JINZHOU),
    ],
)
def test_spellings_share_unit_id(g, spellings, place):
    units = [g.resolve(s, *place) for s in spellings]
    assert len({u.unit_id for u in units}) == 1, [u.unit_id for u in units]
    assert [u.names for u in units] == [(s,) for s in spellings]  # kept as written


def test_same_function_different_places(g):
    jz = g.resolve("市科技局", "锦州市", "市")
    zh = g.resolve("区科技局", "宁波市镇海区", "区")
    assert jz.unit_id == "锦州市:市科学技术局"
    assert zh.unit_id == "宁波市镇海区:区科学技术局"
    assert jz.function == zh.function == "科技"
    assert (jz.place, zh.place) == ("锦州市", "宁波市镇海区")


def test_city_bureau_named_in_district_plan_is_not_the_district_bureau(g):
    city = g.resolve("市科技局", *ZHENHAI)
    district = g.resolve("区科技局", *ZHENHAI)
    assert city.unit_id != district.unit_id and city.function == district.function
    assert g.resolve("宁波市科技局", *ZHENHAI).unit_id == city.unit_id


def test_other_places_keep_their_name(g):
    a = g.resolve("义县人民政府", *JINZHOU)
    b = g.resolve("黑山县人民政府", *JINZHOU)
    assert a.unit_id != b.unit_id and a.function == b.function == "人民政府"
    assert g.resolve("北仑区科技局", *ZHENHAI).name == "北仑区科学技术局"
    assert g.resolve("廊坊银保监分局", "廊坊市", "市").name == "市金融监管分局"
    assert g.resolve("锦州银保监分局", "锦州市", "市").name == "市金融监管分局"
    assert g.resolve("廊坊银保监分局", *JINZHOU).name == "廊坊金融监管分局"


def test_zones_are_administrations_not_governments(g):
    assert g.resolve("松山新区", *JINZHOU).function == "园区管委会"
    assert g.resolve("高新区", *JINZHOU).unit_id != g.resolve("经开区", *JINZHOU).unit_id
    assert g.resolve("九龙湖镇", *ZHENHAI).name == "九龙湖镇人民政府"
    assert g.resolve("招宝山街道", *ZHENHAI).name == "招宝山街道办事处"


def test_one_character_place_only_before_county(g):
    assert g.resolve("义县", *JINZHOU).known
    for word in ("城市", "社区", "城镇", "上市"):
        assert not g.resolve(word, *JINZHOU).known, word


def test_unit_fields(g):
    u = g.resolve("市委市政府督考办", *JINZHOU)
    assert u.name == "市委市政府督查考核办公室"
    assert (u.function, u.level, u.known, u.collective) == ("督查考核", "市", True, False)
    assert g.resolve("区委人才办", *ZHENHAI).name == "区委人才工作领导小组办公室"


# -- levels --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, place_level, level, function",
    [
        ("市科技局", "区", "市", "科技"),
        ("科技局", "区", "区", "科技"),  # bare: the document's level
        ("科技局", "", "", "科技"),
        ("省科技厅", "市", "省", "科技"),
        ("科技厅", "市", "省", "科技"),  # a 厅 is provincial by itself
        ("辽宁省科学技术厅", "市", "省", "科技"),
        ("科技部", "市", "国家", "科技"),
        ("国家发展改革委", "市", "国家", "发展改革"),
        ("国家发展和改革委员会", "市", "国家", "发展改革"),
        ("工业和信息化部", "市", "国家", "工业和信息化"),
        ("人力资源社会保障厅", "市", "省", "人力资源社会保障"),
        ("市委组织部", "区", "市", "组织部"),
        ("区委人才办", "区", "区", "人才工作"),
        ("县委组织部", "市", "县", "组织部"),
        ("中央组织部", "市", "国家", "组织部"),
        ("市委市政府督考办", "市", "市", "督查考核"),
        ("义县人民政府", "市", "县", "人民政府"),
        ("镇海区科技局", "区", "区", "科技"),  # 镇 here starts a place name
        ("九龙湖镇人民政府", "区", "镇", "人民政府"),
        ("州科技局", "州", "州", "科技"),
        ("旗教育局", "旗", "旗", "教育"),
        ("街道办事处", "区", "街道", "人民政府"),
        ("锦州银保监分局", "市", "市", "银行保险监管"),  # 锦州 is a place, not 州
        ("国家税务总局锦州市税务局", "市", "市", "税务"),
        ("团市委", "市", "市", "共青团"),
    ],
)
def test_levels(g, name, place_level, level, function):
    u = g.resolve(name, "某地", place_level)
    assert (u.level, u.function, u.known) == (level, function, True)


def test_display_names_by_level(g):
    assert g.resolve("省科技厅", *JINZHOU).name == "省科学技术厅"
    assert g.resolve("科技部", *JINZHOU).name == "科学技术部"
    assert g.resolve("国家发改委", *JINZHOU).name == "国家发展和改革委员会"
    assert g.resolve("市委", *JINZHOU).name == "市委"
    assert g.resolve("市委办", *JINZHOU).name == "市委办公室"


@pytest.mark.parametrize(
    "name, display, level",
    [
        ("市委", "市委", "市"),
        ("中共锦州市委", "市委", "市"),
        ("中共中央", "中共中央", "国家"),
        ("九龙湖镇党委", "九龙湖镇党委", "镇"),
        ("招宝山街道党工委", "招宝山街道党工委", "街道"),
    ],
)
def test_party_committees(g, name, display, level):
    u = g.resolve(name, *JINZHOU)
    assert (u.name, u.function, u.level) == (display, "党委", level)


def test_place_prefix_kept_out_of_function(g):
    for name in ("锦州银保监分局", "廊坊银保监分局", "宁波市科技局", "松山新区管委会", "义县人民政府"):
        u = g.resolve(name, *JINZHOU)
        assert u.known
        assert not any(p in u.function for p in ("锦州", "廊坊", "宁波", "松山", "义县"))


# -- collective units ------------------------------------------------------------


@pytest.mark.parametrize(
    "name, function, catchall",
    [
        ("各县(市)区政府(管委会)", "县区政府", False),
        ("各县(市、区)", "县区政府", False),
        ("各镇(街道)", "镇街", False),
        ("各乡镇(街道)", "镇街", False),
        ("各有关部门", "有关部门", True),
        ("各相关单位", "有关部门", True),
        ("有关单位", "有关部门", True),
        ("相关部门", "有关部门", True),
        ("市直各部门", "有关部门", True),
        ("各县(市)区有关部门", "县区有关部门", True),
        ("各成员单位", "成员单位", True),
        ("市科创领导小组成员单位", "科创领导小组成员单位", False),
        ("各高校", "高校院所", False),
    ],
)
def test_collective(g, name, function, catchall):
    u = g.resolve(name, *JINZHOU)
    assert u.collective and u.function == function
    assert g.is_catchall(u) is catchall


@pytest.mark.parametrize("name", ["市科技局", "义县人民政府", "松山新区管委会", "区委人才办"])
def test_not_collective(g, name):
    u = g.resolve(name, *JINZHOU)
    assert not u.collective and not g.is_catchall(u)


# -- unknown names ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name, unit_id, function, level",
    [
        ("市数字乡村促进会等", "锦州市:市数字乡村促进会", "数字乡村促进会", "市"),
        ("市 城 投 公 司", "锦州市:市城投公司", "城投公司", "市"),
        ("锦州市城投集团", "锦州市:市城投集团", "城投集团", "市"),
        ("渤海大学", "锦州市:渤海大学", "渤海大学", "市"),
        ("市区域发展中心", "锦州市:市区域发展中心", "区域发展中心", "市"),
        ("市场开发服务中心", "锦州市:市场开发服务中心", "市场开发服务中心", "市"),
    ],
)
def test_unknown(g, name, unit_id, function, level):
    u = g.resolve(name, *JINZHOU)
    assert (u.unit_id, u.function, u.level, u.known) == (unit_id, function, level, False)
    assert u.names == (name,)


def test_unknown_in_district_plan(g):
    u = g.resolve("镇海区人才服务中心", *ZHENHAI)
    assert (u.name, u.function, u.level, u.known) == ("区人才服务中心", "人才服务中心", "区", False)
    assert g.resolve("区人才服务中心", *ZHENHAI).unit_id == u.unit_id


# -- is_unit_like --------------------------------------------------------------------

UNIT_LIKE = [
    "各地", "各地区",  # collectives that plans assign work to (甲牵头，各地、各部门配合)
    "市科技局", "区委人才办", "各县(市)区政府(管委会)", "锦州银保监分局", "松山新区管委会",
    "义县人民政府", "市委市政府督考办", "市科创领导小组成员单位", "各镇(街道)", "各有关部门",
    "有关单位", "相关部门", "国家税务总局锦州市税务局", "中国人民银行锦州市中心支行",
    "国网锦州供电公司", "锦州银行", "渤海大学", "市中心医院", "省科技厅", "科技部", "团市委",
    "市总工会", "各县(市、区)", "市科技局(市知识产权局)", "区金融发展服务中心", "区招商中心",
    "义县", "黑山县", "高新区", "经开区", "市政府", "市委", "市数字乡村促进会", "市科技局等单位",
    "市工作专班", "市疫情防控指挥部", "市委党校", "市图书馆", "市环境监测站", "市公安局交警支队",
    "市委党校(行政学院)", "市政府各有关部门", "市级有关部门", "锦州高新区", "城乡一体化示范区管委会",
]
NOT_UNIT_LIKE = [
    "按职责分工负责", "抓好落实", "2022年底", "年内持续推进", "长期坚持", "张某", "分管领导",
    "副市长张某", "市委常委", "技术创新中心", "企业技术中心", "研发中心", "团队", "北交所", "许昌",
    "街道", "技术", "工程实验室", "大学科技园", "市、区", "示范", "以下简称“孵化器”", "R&D",
    "市级、县级分别负担50%", "发展格局", "企业总部", "数字政府", "特色小镇", "博士后工作站",
    "一网通办", "国家级高新区", "科研院所", "牵头单位", "责任单位", "市科技局牵头",
    "市科技局、市财政局", "市科技局 市财政局", "城市", "社区", "上市", "城区", "园区", "干部",
    "社会", "部署", "高校", "金融机构", "合作社", "全部", "试行", "",
    "王某(市科技局)", "示范区", "新区", "开发区", "重点研究室", "工业园区",
    "这是一句很长很长的话而且它最后以政府结尾的一个长长的从句部门",
]


@pytest.mark.parametrize("text", UNIT_LIKE)
def test_is_unit_like(g, text):
    assert g.is_unit_like(text)


@pytest.mark.parametrize("text", NOT_UNIT_LIKE)
def test_is_not_unit_like(g, text):
    assert not g.is_unit_like(text)


def test_every_bundled_name_resolves_to_its_own_function(g):
    """No alias is claimed by two functions, and each one reads as a unit."""
    from taskgraph.normalise import _bundled

    owner: dict[str, str] = {}
    for e in _bundled()["function"]:
        names = [v for k, v in e.items() if isinstance(v, list) and k != "patterns"]
        for name in [e["name"], *itertools.chain.from_iterable(names)]:
            key = squash(name)
            assert owner.setdefault(key, e["key"]) == e["key"], f"{name}: {owner[key]} and {e['key']}"
            if len(name) > 1:
                assert g.resolve(name, *JINZHOU).function == e["key"], name
                assert g.is_unit_like(name), name


# -- strip_unit ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("市科技局等", "市科技局"),
        ("市科技局等单位", "市科技局"),
        ("市科技局等部门", "市科技局"),
        ("市科技局等有关部门", "市科技局"),
        ("  市科技局\u3000", "市科技局"),
        ("市科技局。", "市科技局"),
        ("、市科技局,", "市科技局"),
        ("“市科技局”", "市科技局"),
        ("(市科技局)", "市科技局"),
        ("市科技局)", "市科技局"),
        ("(市科技局", "市科技局"),
        ("各县(市)区政府(管委会)", "各县(市)区政府(管委会)"),
        ("各县(市、区)", "各县(市、区)"),
        ("各镇(街道)等", "各镇(街道)"),
        ("中等职业学校", "中等职业学校"),
        ("各高等", "各高等"),
        ("", ""),
    ],
)
def test_strip_unit(text, expected):
    assert strip_unit(text) == expected


# -- user files ----------------------------------------------------------------------------


def test_user_file_adds_and_overrides(tmp_path):
    f = tmp_path / "my_units.toml"
    f.write_text(
        """
[[function]]
key = "数字经济"
label = "digital economy"
name = "数字经济发展局"
names = ["数字经济局", "数经局"]

[[function]]
key = "科技"
extend = true
names = ["科创局"]

[[function]]
key = "金融监管"
label = "local finance"
name = "金融工作局"
names = ["金融局"]
""",
        encoding="utf-8",
    )
    g = Gazetteer.load([f])
    u = g.resolve("区数经局", *ZHENHAI)
    assert (u.function, u.name, u.known) == ("数字经济", "区数字经济发展局", True)
    assert g.label("数字经济") == "digital economy"
    # extend keeps the bundled names and adds one
    assert g.resolve("区科创局", *ZHENHAI).function == "科技"
    assert g.resolve("区科技局", *ZHENHAI).function == "科技"
    # replace: the entry is the user's now (its other names are gone)
    assert g.resolve("市金融局", *JINZHOU).name == "市金融工作局"
    assert not g.resolve("市地方金融监管局", *JINZHOU).known
    # the bundled gazetteer is untouched
    assert default_gazetteer().resolve("市数经局", *JINZHOU).known is False
    assert str(f) in g.sources


def test_user_file_example_from_the_data_header(tmp_path):
    f = tmp_path / "units.toml"
    f.write_text(
        '[[function]]\nkey = "数字经济"\nname = "数字经济发展局"\n'
        'names = ["数字经济局", "数经局"]\n"省" = ["数字经济厅"]\n',
        encoding="utf-8",
    )
    g = Gazetteer.load([f])
    assert g.resolve("区数经局", *ZHENHAI).name == "区数字经济发展局"
    u = g.resolve("数字经济厅", *JINZHOU)
    assert (u.name, u.level, u.function) == ("省数字经济厅", "省", "数字经济")


def test_user_file_takes_a_name_from_another_function(tmp_path):
    f = tmp_path / "u.toml"
    f.write_text('[[function]]\nkey = "数字政务"\nname = "数据和政务服务局"\n', encoding="utf-8")
    g = Gazetteer.load([f])
    assert g.resolve("市数据和政务服务局", *JINZHOU).function == "数字政务"


@pytest.mark.parametrize(
    "content, problem",
    [
        ("[[function]\nkey = 1", "not valid TOML"),
        ('[[function]]\nname = "某局"\n', "has no 'key'"),
        ('[[function]]\nkey = "某"\n', "has no 'name'"),
        ('[[function]]\nkey = "某"\nname = "某局"\nnames = "某局"\n', "must be a list"),
        ('[[function]]\nkey = "某"\nname = "某局"\nalias = ["某"]\n', "unknown field 'alias'"),
        ('[[function]]\nkey = "某"\nname = "某局"\npatterns = ["(某"]\n', "bad pattern"),
        ('[[function]]\nkey = "某"\nname = "某局"\nprefix = "x"\n', "prefix must be"),
        ('[[function]]\nkey = "某"\nextend = true\nnames = ["某局"]\n', "no such function"),
        ('[[function]]\nkey = "某"\nname = "某局"\n[[function]]\nkey = "某"\nname = "某局"\n', "defined twice"),
        ('function = "x"\n', "array of tables"),
        ('[prefixes]\n"市" = 1\n', "[prefixes]"),
        ('[[function]]\nkey = "某"\nname = "某局"\n省 = ["某厅"]\n', "must be quoted"),
        ("[unit_like]\nsuffix = []\n", "unknown key 'suffix'"),
        ("colour = 1\n", "unknown top-level key 'colour'"),
        ("format = 2\n", "format 2"),
    ],
)
def test_malformed_user_file(tmp_path, content, problem):
    f = tmp_path / "bad_units.toml"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError) as e:
        Gazetteer.load([f])
    message = str(e.value)
    assert str(f) in message and problem in message
    assert "\n" not in message


def test_missing_user_file(tmp_path):
    with pytest.raises(UsageError, match="no such unit file"):
        Gazetteer.load([tmp_path / "nope.toml"])


# -- plumbing --------------------------------------------------------------------------------


def test_default_gazetteer_is_shared_and_cached():
    g = default_gazetteer()
    assert g is default_gazetteer()
    assert g.resolve("市科技局", *JINZHOU) is g.resolve("市科技局", *JINZHOU)
    assert normalise_unit("市科技局", *JINZHOU) == g.resolve("市科技局", *JINZHOU)


def test_bundled_file_is_next_to_the_module():
    assert DATA_FILE.is_file() and DATA_FILE.suffix == ".toml"


def test_import_is_cheap():
    import subprocess
    import sys

    code = (
        "import sys, taskgraph.normalise as n; n.default_gazetteer().resolve('市科技局');"
        "bad = [m for m in ('pandas', 'networkx', 'matplotlib', 'opencc') if m in sys.modules];"
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
