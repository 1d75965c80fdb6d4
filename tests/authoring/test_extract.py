"""Extraction on small texts: citations vs members, aliases, unknown codes, English."""

from __future__ import annotations

from screener.authoring.draft import Origin, render, validate
from screener.authoring.extract import extract


def _members(x):
    return {f.symbol: f.name for f in x.members}


def test_data_vendors_and_credits_are_citations(full_index):
    text = "东方财富Choice数据显示，中天科技年内上涨。同花顺iFinD数据显示，板块走强。图/视觉中国"
    x = extract(text, full_index)
    assert _members(x) == {"600522.SH": "中天科技"}
    assert {f.symbol: f.cited_as for f in x.cited} == {
        "300059.SZ": ["data source"],
        "300033.SZ": ["data source"],
        "000681.SZ": ["image credit"],
    }


def test_a_cited_firm_that_is_also_the_subject_is_a_member(full_index):
    text = "据华泰证券研报，行业向好。另外，华泰证券股价今日上涨，成交放量。"
    x = extract(text, full_index)
    assert _members(x) == {"601688.SH": "华泰证券"}
    (f,) = x.members
    assert f.cited_as == ["research source"] and f.quote == "另外，华泰证券股价今日上涨，成交放量。"


def test_former_name_is_kept_as_alias_and_codes_dedupe(themes_index):
    text = "龙蟒佰利（002601）宣布扩产。龙佰集团此前更名。"
    x = extract(text, themes_index)
    assert _members(x) == {"002601.SZ": "龙佰集团"}
    f = x.members[0]
    assert f.aliases_used == ["龙蟒佰利"] and len(f.mentions) == 3
    draft = render(x, theme_id="t", name="T", origin=Origin("t.txt", "test"))
    theme = validate(draft)
    assert theme.members[0].aliases == ["龙蟒佰利"]
    assert "# named as 龙蟒佰利, 002601, 龙佰集团 (3 mentions)" in draft


def test_unknown_bracketed_code_takes_the_name_before_it(themes_index):
    x = extract("新晋公司星河科技（301999）今日上市。", themes_index)
    assert _members(x) == {"301999.SZ": "星河科技"}
    assert "not in the A-share list: check `name`" in render(x, theme_id="t", name="T", origin=Origin("t", ""))
    x = extract("代码为688999.SH的公司。", themes_index)
    assert _members(x) == {"688999.SH": "688999.SH"}
    draft = render(x, theme_id="t", name="T", origin=Origin("t.txt", "test"))
    assert "code only, no name known: fill in `name`" in draft
    validate(draft)


def test_english_article(themes_index):
    text = (
        "Fiber makers rallied. Hengtong Optic-Electric (600487.SH) and ZTT led gains, "
        "while YOFC said demand from data centres stayed strong."
    )
    x = extract(text, themes_index)
    assert _members(x) == {"600487.SH": "亨通光电", "600522.SH": "中天科技", "601869.SH": "长飞光纤"}
    assert x.members[0].quote.startswith("Hengtong Optic-Electric (600487.SH) and ZTT led gains")


def test_group_named_by_full_name_and_arms_listed(themes_index):
    x = extract("中国华能集团有限公司发布年报。", themes_index)
    assert x.members == [] and [g.group.name for g in x.groups] == ["中国华能"]
    assert [a.symbol for a in x.groups[0].arms] == ["600011.SH", "600025.SH", "600863.SH"]


def test_odd_line_breaks_cannot_escape_the_comments(themes_index, tmp_path):
    from screener.theme.loader import load_theme

    text = "图片来源：亨通光电\u2028id: hacked\r中国大唐\x85members: []\u2029。中天科技公告。"
    draft = render(extract(text, themes_index), theme_id="t", name="T", origin=Origin("t\u2028x", "n"))
    path = tmp_path / "t.yaml"
    path.write_text(draft, encoding="utf-8")
    theme = load_theme(path)
    assert theme.id == "t" and [m.symbol for m in theme.members] == ["600522.SH"]
