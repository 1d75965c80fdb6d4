"""Name and code matching rules on small texts."""

from __future__ import annotations

import pandas as pd
import pytest

from screener.authoring.matcher import find_mentions
from screener.authoring.names import (
    Arm,
    Group,
    build_index,
    load_extra_names,
    load_groups,
    norm_form,
)
from screener.symbols import parse_symbol


def found(text, index):
    mentions, _ = find_mentions(text, index)
    return [(m.text, m.kind, m.key) for m in mentions]


def skipped(text, index):
    return {s.text: s.reason for s in find_mentions(text, index)[1]}


def test_full_name_beats_short_name_and_groups(full_index):
    assert found("江苏中天科技股份有限公司发布公告", full_index) == [
        ("江苏中天科技股份有限公司", "full_name", "600522.SH")
    ]
    # 中国航发动力股份有限公司 is 航发动力's full name, not the group 中国航发 + 动力
    assert found("中国航发动力股份有限公司", full_index) == [("中国航发动力股份有限公司", "full_name", "600893.SH")]
    assert found("中国航发旗下", full_index) == [("中国航发", "group", "中国航发")]


def test_full_name_without_province_prefix_is_the_same_firm(full_index):
    # 林洋能源股份有限公司 ends the full name 江苏林洋能源股份有限公司: still the firm
    assert found("林洋能源股份有限公司表示", full_index) == [("林洋能源", "name", "601222.SH")]


def test_short_name_inside_another_organisation_is_dropped(full_index):
    assert found("中天科技集团有限公司是其控股股东", full_index) == []
    assert "中天科技集团有限公司" in skipped("中天科技集团有限公司是其控股股东", full_index)["中天科技"]
    assert found("中国石油大学的研究", full_index) == []
    assert found("中国石油和化学工业联合会组织鉴定", full_index) == []
    # but a firm followed by a partner company is still the firm
    assert found("中天科技与华为技术有限公司合作", full_index) == [("中天科技", "name", "600522.SH")]
    assert found("中天科技和华为技术有限公司", full_index) == [("中天科技", "name", "600522.SH")]


def test_former_names_and_aliases(themes_index):
    assert found("龙蟒佰利此前公告", themes_index) == [("龙蟒佰利", "alias", "002601.SZ")]
    assert found("中航动力（现航发动力）", themes_index)[0] == ("中航动力", "alias", "600893.SH")


def test_english_names_need_word_boundaries(themes_index):
    assert found("Shares of ZTT and Hengtong Optic-Electric rose.", themes_index) == [
        ("ZTT", "alias", "600522.SH"),
        ("Hengtong Optic-Electric", "alias", "600487.SH"),
    ]
    assert found("ZTTX and AZTT are tickers elsewhere", themes_index) == []
    assert found("weichai power is up", themes_index) == [("weichai power", "alias", "000338.SZ")]


def test_stop_listed_common_words_match_only_by_full_name_or_code(full_index):
    assert found("太阳能发电装机容量", full_index) == []
    assert found("中节能太阳能股份有限公司", full_index) == [("中节能太阳能股份有限公司", "full_name", "000591.SZ")]
    assert found("太阳能（000591）", full_index) == [("000591", "code", "000591.SZ")]
    assert found("工业机器人产量", full_index) == []


def test_codes_in_all_forms(full_index):
    text = "600522、002491.SZ、sh600487、SZ002278 与 601222.XSHG；（301999）"
    assert [(m[0], m[2]) for m in found(text, full_index)] == [
        ("600522", "600522.SH"),
        ("002491.SZ", "002491.SZ"),
        ("sh600487", "600487.SH"),
        ("SZ002278", "002278.SZ"),
        ("601222.XSHG", "601222.SH"),
        ("301999", "301999.SZ"),  # unknown, but bracketed: a code
    ]


def test_numbers_that_are_not_codes(full_index):
    assert found("投资600000元", full_index) == []  # not a known firm, not bracketed
    assert "no known firm" in skipped("投资600000元", full_index)["600000"]
    assert found("价格为600522.55元，日期20260511，电话13600522123", full_index) == []
    assert found("沪深300指数000300.SH", full_index) == []  # an index, not a firm


def test_full_width_and_spaced_names(full_index):
    assert found("万科Ａ公告", full_index) == [("万科Ａ", "name", "000002.SZ")]
    assert found("６００５２２．ＳＨ", full_index) == [("６００５２２．ＳＨ", "code", "600522.SH")]


def test_st_prefix_is_optional(full_index):
    assert found("*ST保千被立案", full_index) == [("*ST保千", "name", "600074.SH")]
    assert found("保千被立案", full_index) == []  # two characters stripped: too short alone


def test_ambiguous_forms_are_reported_not_guessed():
    uni = pd.DataFrame({"symbol": ["600001.SH", "000001.SZ"], "name": ["同名股份", "同名股份"]})
    index = build_index([], uni, groups=(), extra_aliases={}, stoplist=())
    assert found("同名股份公告", index) == []
    assert "600001.SH" in skipped("同名股份公告", index)["同名股份"]


def test_universe_name_wins_and_theme_name_becomes_alias(builtin_themes):
    uni = pd.DataFrame({"symbol": ["002601.SZ"], "name": ["新名集团"], "full_name": [float("nan")]})
    index = build_index(builtin_themes, uni)
    firm = index.firms["002601.SZ"]
    assert firm.name == "新名集团" and firm.full_name == "龙佰集团股份有限公司"
    assert {"龙佰集团", "龙蟒佰利"} <= set(firm.aliases)
    assert index.universe_size == 1
    assert found("龙佰集团表示", index) == [("龙佰集团", "alias", "002601.SZ")]


def test_groups_data_is_valid_and_consistent_with_themes(builtin_themes):
    groups = {g.name: g for g in load_groups()}
    assert {"中国大唐", "中国航发"} <= set(groups)
    names_in_themes = {m.symbol: m.name for t in builtin_themes for m in t.members}
    for g in groups.values():
        assert g.arms
        for arm in g.arms:
            assert str(parse_symbol(arm.symbol)) == arm.symbol and not parse_symbol(arm.symbol).is_index
            if arm.symbol in names_in_themes:
                assert names_in_themes[arm.symbol] == arm.name, arm
    aliases, stop = load_extra_names()
    assert "龙蟒佰利" in aliases["002601.SZ"] and norm_form("太阳能") in stop


@pytest.mark.parametrize("text", ["中国大唐集团有限公司", "大唐集团"])
def test_group_full_name_and_aliases(text, themes_index):
    assert found(text + "宣布", themes_index) == [(text, "group", "中国大唐")]


def test_custom_group():
    g = Group("某集团", None, (), (Arm("600000.SH", "甲"),))
    index = build_index([], None, groups=[g], extra_aliases={}, stoplist=())
    assert found("某集团宣布", index) == [("某集团", "group", "某集团")]


def test_bare_index_codes_after_an_index_name_are_not_stocks(full_index):
    """000001 is 平安银行 (000001.SZ) and the SSE Composite (000001.SH): after an index
    name it is the index."""
    pingan = build_index([], pd.DataFrame([("000001.SZ", "平安银行", None)], columns=["symbol", "name", "full_name"]))
    text = "上证指数（000001）收涨0.5%，沪深300（000300）上涨1%，中证500指数(000905)走强，深证成指 000001 持平。"
    assert found(text, pingan) == []
    reasons = skipped(text, pingan)
    assert all("index" in reasons[code] for code in ("000001", "000300", "000905"))
    assert found("平安银行（000001）涨停", pingan) == [("平安银行", "name", "000001.SZ"), ("000001", "code", "000001.SZ")]
    assert found("万科A（000002）", full_index)[-1] == ("000002", "code", "000002.SZ")


def test_full_name_without_its_company_suffix_is_the_firm(themes_index):
    # 中国航发动力 is 航发动力's full name without 股份有限公司, not the group 中国航发 + 动力
    assert found("中国航发动力近日公告", themes_index) == [("中国航发动力", "name", "600893.SH")]
    assert found("中国航发动力控制公告", themes_index) == [("中国航发动力控制", "name", "000738.SZ")]
    assert found("厚普清洁能源在成都", themes_index) == [("厚普清洁能源", "name", "300471.SZ")]
    assert found("中国航发旗下", themes_index) == [("中国航发", "group", "中国航发")]


def test_a_short_name_running_into_集团_is_the_parent_group_unless_the_firm_is_called_so(themes_index):
    # 中天科技集团 is the unlisted parent of 中天科技 (江苏中天科技股份有限公司)
    assert found("中天科技集团表示", themes_index) == []
    assert "中天科技集团" in skipped("中天科技集团表示", themes_index)["中天科技"]
    # 龙源电力集团股份有限公司 is the listed firm itself; brackets in a full name do not matter
    assert found("龙源电力集团风电装机", themes_index) == [("龙源电力集团", "name", "001289.SZ")]
    longyuan = build_index([], pd.DataFrame([("001289.SZ", "龙源电力", "龙源电力集团股份有限公司")],
                                            columns=["symbol", "name", "full_name"]))
    assert found("龙源电力集团风电", longyuan)[0][2] == "001289.SZ"
    fosun = build_index([], pd.DataFrame([("600196.SH", "复星医药", "上海复星医药(集团)股份有限公司")],
                                         columns=["symbol", "name", "full_name"]))
    assert found("复星医药集团公告", fosun) == [("复星医药", "name", "600196.SH")]
