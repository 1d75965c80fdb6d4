"""Sentences, dates and claims on small texts."""

from __future__ import annotations

from datetime import date

import pytest

from screener.authoring.claims import NamedSpan, find_claims
from screener.authoring.dates import date_line, days_in, infer_year
from screener.authoring.text import SentenceIndex, first_heading, masthead, publisher_of, sentences


def test_page_breaks_inside_a_sentence_are_joined_but_headings_stay_apart():
    text = "标题一行\n\n龙佰集团在互动平台表示，公司已在多个生产基地阶段\n\n布局分布式光伏电站。下一句。\n小标题\n正文第一句！"
    got = [s.text for s in sentences(text)]
    assert got == ["标题一行", "龙佰集团在互动平台表示，公司已在多个生产基地阶段布局分布式光伏电站。", "下一句。", "小标题", "正文第一句！"]


def test_an_open_quotation_continues_on_the_next_line():
    text = "“算电协同正推动绿电产业从‘资源开发商’向‘能源服务商’转\n\n型。”某人表示。"
    assert [s.text for s in sentences(text)] == ["“算电协同正推动绿电产业从‘资源开发商’向‘能源服务商’转型。”", "某人表示。"]


def test_english_sentences():
    text = "ZTT rose 5% on May 11. Hengtong fell.\nPrices at 12.5 yuan."
    assert [s.text for s in sentences(text)] == ["ZTT rose 5% on May 11.", "Hengtong fell.", "Prices at 12.5 yuan."]


def test_english_lines_keep_their_sentences_and_spaces():
    text = (
        "On May 11, 2026, shares of ZTT (600522.SH) and Hengtong rose by the limit, while YOFC gained 4%.\n"
        "FiberHome said it would expand capacity in the\n"
        "second half, the company said.\n"
    )
    assert [s.text for s in sentences(text)] == [
        "On May 11, 2026, shares of ZTT (600522.SH) and Hengtong rose by the limit, while YOFC gained 4%.",
        "FiberHome said it would expand capacity in the second half, the company said.",
    ]


def test_attribution_carries_the_quotation():
    text = "“我们扩产了。”\n甲公司负责人表示。\n乙公司称，不会扩产。"
    idx = SentenceIndex(text)
    assert idx.quote_at(text.index("甲公司")) == "“我们扩产了。”甲公司负责人表示。"
    assert idx.quote_at(text.index("乙公司")) == "乙公司称，不会扩产。"


def test_year_inference_and_days():
    text = "2025年全球出货量增长。2026年4月4日首飞；到2030年规模翻倍。5月11日收盘。"
    assert infer_year(text) == (2026, "2026年4月4日")
    assert infer_year("5月11日收盘") == (None, None)
    days = days_in("截至5月11日收盘，2025年12月31日，2月30日，2026-03-16", 2026)
    assert [(d.text, d.day) for d in days] == [
        ("5月11日", date(2026, 5, 11)),
        ("2025年12月31日", date(2025, 12, 31)),
        ("2月30日", None),
        ("2026-03-16", date(2026, 3, 16)),
    ]


def test_publisher_and_heading():
    assert publisher_of("《证券日报》记者……《证券日报》……《人民日报》") == "证券日报"
    assert publisher_of("no paper here") is None
    assert first_heading("\n\n光纤行业头部企业抢滩高端市场\n正文。") == "光纤行业头部企业抢滩高端市场"
    assert first_heading("这是一个完整的句子。\n") is None


@pytest.mark.parametrize(
    "line, name",
    [("证券日报", "证券日报"), ("■中国证券报", "中国证券报"), (" 《经济参考报》 ", "经济参考报"), ("经济观察报", "经济观察报"),
     ("多家公司发布年报", None), ("光纤板块持续走强", None), ("据证券日报报道", None)],
)
def test_masthead(line, name):
    assert masthead(line) == name


def test_the_masthead_is_the_publisher_and_no_heading():
    page = "证券日报\n2026年5月12日 星期二\n\n光纤板块持续走强\n据《人民日报》报道，《人民日报》记者……"
    assert publisher_of(page) == "证券日报"  # the masthead, though the text cites another paper more
    assert first_heading(page) == "光纤板块持续走强"


@pytest.mark.parametrize("above, taken", [(4, True), (5, False)])
def test_the_masthead_and_the_date_line_count_within_the_first_five_non_empty_lines(above, taken):
    # blank lines between the lines above do not count; the 6th non-empty line is body text
    lines = "\n\n".join(["光纤板块持续走强", "记者 张三", "本报讯", "图为生产车间", "正文第一段。"][:above])
    masthead_page = lines + "\n\n证券日报\n正文。"
    dated_page = lines + "\n\n2026年5月12日 星期二\n正文。"
    assert publisher_of(masthead_page) == ("证券日报" if taken else None)
    assert date_line(dated_page) == (date(2026, 5, 12) if taken else None)


def _claims(text, named=(), year=2026):
    return [c.fields | {"quote": None} for c in find_claims(text, sentences(text), list(named), year)]


def _named(text, *pairs):
    return [NamedSpan(text.index(name), text.index(name) + len(name), sym) for name, sym in pairs]


def test_period_return_claims():
    got = _claims("截至5月11日收盘，光纤指数年内涨幅已超121.65%。")
    assert got == [{
        "kind": "period_return", "subject": "光纤指数", "start": date(2026, 1, 1), "end": date(2026, 5, 11),
        "value": 1.2165, "comparison": "at_least", "proxy": "basket", "quote": None,
    }]
    text = "5月11日，中天科技4月以来累计下跌约12.5%。"
    (claim,) = _claims(text, _named(text, ("中天科技", "600522.SH")))
    assert claim["start"] == date(2026, 4, 1) and claim["value"] == -0.125
    assert claim["comparison"] == "about" and claim["tolerance"] == 0.005
    assert claim["proxy"] == "600522.SH" and claim["subject"] == "中天科技"


def test_common_phrasings_of_a_move():
    def one(text):
        (claim,) = _claims(text)
        return claim["subject"], claim["value"], claim["comparison"]

    assert one("5月11日，光纤指数年内涨幅为121.65%。") == ("光纤指数", 1.2165, "about")
    assert one("5月11日，光纤指数年内涨幅已超121.65％。") == ("光纤指数", 1.2165, "at_least")  # full-width %
    assert one("5月11日，光纤指数年内上涨1.2倍。") == ("光纤指数", 1.2, "about")  # 1.2倍 = +120%
    assert one("5月11日，光纤指数年内涨幅超过2倍。") == ("光纤指数", 2.0, "at_least")
    assert one("5月11日，创业板指收跌1.2%。") == ("创业板指", -0.012, "about")


def test_since_a_month_later_in_the_year_means_last_year():
    (claim,) = _claims("截至2026年1月9日，光纤指数去年11月以来上涨20%。")
    assert (claim["start"], claim["end"]) == (date(2025, 11, 1), date(2026, 1, 9))


def test_an_impossible_month_is_left_to_fill_in():
    (claim,) = find_claims("截至2026年5月9日，指数13月以来上涨20%。", sentences("截至2026年5月9日，指数13月以来上涨20%。"), [], 2026)
    assert claim.fields["start"] == "YYYY-MM-DD" and claim.fields["end"] == date(2026, 5, 9)
    assert any("13月" in p for p in claim.problems)


def test_undated_moves_are_drafted_with_todo():
    (claim,) = find_claims("光纤指数年内涨幅不足5%。", sentences("光纤指数年内涨幅不足5%。"), [], 2026)
    assert claim.fields["start"] == claim.fields["end"] == "YYYY-MM-DD"
    assert claim.fields["comparison"] == "at_most"
    assert claim.problems


def test_non_move_percentages_are_not_claims():
    text = "2025年全球光纤出货量同比增长15.3%，占全球总出货量的56.3%。涨幅普遍在300%至800%。"
    assert _claims(text) == []


def test_limit_up_and_close_up_names_by_clause():
    text = "5月11日，绿色电力概念活跃，桂冠电力、双星新材等多股涨停，美利信、四方股份等个股纷纷跟涨。"
    named = _named(text, ("桂冠电力", "600236.SH"), ("双星新材", "002585.SZ"), ("美利信", "301307.SZ"), ("四方股份", "601126.SH"))
    assert _claims(text, named) == [
        {"kind": "limit_up", "date": date(2026, 5, 11), "symbols": ["600236.SH", "002585.SZ"], "quote": None},
        {"kind": "close_up", "date": date(2026, 5, 11), "symbols": ["301307.SZ", "601126.SH"], "quote": None},
    ]


def test_day_claims_need_named_firms_and_no_negation():
    text = "5月11日，多股涨停，桂冠电力未涨停。"
    assert _claims(text, _named(text, ("桂冠电力", "600236.SH"))) == []
    undated = find_claims("桂冠电力涨停。", sentences("桂冠电力涨停。"), _named("桂冠电力涨停。", ("桂冠电力", "600236.SH")), 2026)
    assert undated[0].fields["date"] == "YYYY-MM-DD" and undated[0].problems
