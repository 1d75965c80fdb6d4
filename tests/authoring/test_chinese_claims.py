"""Claims and dates in ordinary Chinese: numerals, multiples, periods, relative days.
Every expected value is worked out by hand (the publication date is fixed, never today)."""

from __future__ import annotations

from datetime import date

import pytest

from screener.authoring.claims import NamedSpan, find_claims
from screener.authoring.dates import date_line, days_in, undated_day
from screener.authoring.numerals import cn_number
from screener.authoring.text import sentences

PUBLISHED = date(2026, 5, 12)  # a Tuesday


@pytest.mark.parametrize(
    "text, value",
    [("一", 1), ("两", 2), ("十", 10), ("十二", 12), ("二十", 20), ("一百零五", 105), ("三万五千", 35000),
     ("一百二十一点六五", 121.65), ("零点五", 0.5), ("二〇二六", 2026), ("121.65", 121.65)],
)
def test_chinese_numerals(text, value):
    assert cn_number(text) == pytest.approx(value)


@pytest.mark.parametrize(
    "text, value",
    # a last digit right after a unit is in the unit below it; after 零 it is units
    [("一千二", 1200), ("二百五", 250), ("三万五", 35000), ("一万二千三", 12300), ("一亿二", 120_000_000),
     ("一千零二", 1002), ("一万零五", 10005), ("二百零五", 205)],
)
def test_abbreviated_numerals(text, value):
    assert cn_number(text) == value


@pytest.mark.parametrize("text", ["一二十", "点五", "一点", "百分", ""])
def test_not_numerals(text):
    assert cn_number(text) is None


def _claims(text, named=(), year=2026, published=None):
    return find_claims(text, sentences(text), list(named), year, published)


def _named(text, *pairs):
    return [NamedSpan(text.index(name), text.index(name) + len(name), sym) for name, sym in pairs]


@pytest.mark.parametrize(
    "move, value, comparison",
    [
        ("上涨一倍", 1.0, "about"),  # 一倍 = +100%
        ("涨幅超一倍", 1.0, "at_least"),
        ("上涨1.2倍", 1.2, "about"),  # 1.2倍 = +120%
        ("上涨二成", 0.2, "about"),  # 二成 = +20%
        ("涨了两成", 0.2, "about"),
        ("上涨三成多", 0.3, "at_least"),  # 三成多: more than +30%
        ("涨逾两成半", 0.25, "at_least"),  # 两成半 = +25%
        ("下跌近四成", -0.4, "about"),
        ("上涨百分之十二点五", 0.125, "about"),
        ("股价翻番", 1.0, "at_least"),  # doubled: at least +100%
        ("股价翻了一番", 1.0, "at_least"),
        ("股价翻倍", 1.0, "at_least"),
        ("股价翻两番", 3.0, "at_least"),  # quadrupled: +300%
        ("股价腰斩", -0.5, "at_most"),  # halved: −50% or worse
        ("股价跌了一半", -0.5, "about"),
    ],
)
def test_moves_in_ordinary_chinese(move, value, comparison):
    text = f"截至5月11日收盘，光纤指数今年以来{move}。"
    (claim,) = _claims(text)
    f = claim.fields
    assert (f["value"], f["comparison"]) == (pytest.approx(value), comparison)
    assert (f["start"], f["end"]) == (date(2026, 1, 1), date(2026, 5, 11))


def test_round_figures_get_a_wider_tolerance_than_percentages():
    (pct,) = _claims("5月11日，光纤指数年内上涨20%。")
    (cheng,) = _claims("5月11日，光纤指数年内上涨二成。")
    assert pct.fields["tolerance"] == 0.005 and cheng.fields["tolerance"] == 0.05
    assert "二成 = +20.00%" in cheng.notes["value"]


def test_year_to_date_runs_from_1_january_to_the_stated_or_publication_date():
    (stated,) = _claims("截至5月8日，光纤指数年内涨幅已超121.65%。", published=PUBLISHED)
    assert (stated.fields["start"], stated.fields["end"]) == (date(2026, 1, 1), date(2026, 5, 8))
    (undated,) = _claims("光纤指数今年以来累计上涨二成。", published=PUBLISHED)
    assert (undated.fields["start"], undated.fields["end"]) == (date(2026, 1, 1), PUBLISHED)
    assert "publication date 2026-05-12" in undated.notes["end"] and not undated.problems
    (unknown,) = _claims("光纤指数今年以来累计上涨二成。")  # no publication date: to fill in
    assert unknown.fields["end"] == "YYYY-MM-DD" and unknown.problems


def test_since_may_is_a_period_return_not_a_close_up():
    text = "5月11日，中天科技5月以来上涨二成。"
    (claim,) = _claims(text, _named(text, ("中天科技", "600522.SH")))
    assert claim.fields["kind"] == "period_return"
    assert (claim.fields["start"], claim.fields["end"], claim.fields["value"]) == (date(2026, 5, 1), date(2026, 5, 11), 0.2)
    assert claim.fields["proxy"] == "600522.SH" and claim.fields["subject"] == "中天科技"
    # a rise over a period without an amount is no claim at all (certainly not a one-day close_up)
    text = "5月11日，中天科技5月以来持续上涨。"
    assert _claims(text, _named(text, ("中天科技", "600522.SH"))) == []


def test_since_a_day_starts_that_day():
    (claim,) = _claims("截至5月11日，光纤指数5月6日以来累计上涨15%。")
    assert (claim.fields["start"], claim.fields["end"]) == (date(2026, 5, 6), date(2026, 5, 11))


def test_limit_up_on_a_named_date():
    text = "5月11日，桂冠电力涨停。"
    (claim,) = _claims(text, _named(text, ("桂冠电力", "600236.SH")))
    assert claim.fields | {"quote": None} == {"kind": "limit_up", "date": date(2026, 5, 11), "symbols": ["600236.SH"], "quote": None}


def test_costs_and_sales_are_not_price_claims():
    assert _claims("5月11日，现在一张图的成本涨了5倍，销量上涨三成。") == []


@pytest.mark.parametrize(
    "said, day, rule",
    [
        ("昨日", date(2026, 5, 11), "the day before publication"),
        ("昨天", date(2026, 5, 11), "the day before publication"),
        ("前天", date(2026, 5, 10), "two days before publication"),
        ("今日", date(2026, 5, 12), "the publication day"),
        ("上周五", date(2026, 5, 8), "the Friday of the week before the publication week"),
        ("上上周一", date(2026, 4, 27), "the Monday of two weeks before the publication week"),
        ("本周一", date(2026, 5, 11), "the Monday of the publication week"),
        ("周五", date(2026, 5, 8), "the last Friday on or before publication"),
        ("星期二", date(2026, 5, 12), "the last Tuesday on or before publication"),
        ("本月8日", date(2026, 5, 8), "day 8 of the publication month"),
        ("上月30日", date(2026, 4, 30), "day 30 of the month before publication"),
        ("11日", date(2026, 5, 11), "day 11 of the publication month"),
        ("15日", date(2026, 4, 15), "day 15: after the publication day, so the month before"),
    ],
)
def test_relative_days_against_the_publication_date(said, day, rule):
    (d,) = days_in(f"{said}，指数收涨。", 2026, PUBLISHED)
    assert (d.text, d.day) == (said, day)
    assert rule in d.reading and "published 2026-05-12" in d.reading


def test_relative_years_and_written_days():
    got = [(d.text, d.day) for d in days_in("去年12月31日与今年5月11日、2025年3月1日，5月10日。", None, PUBLISHED)]
    assert got == [("去年12月31日", date(2025, 12, 31)), ("今年5月11日", date(2026, 5, 11)),
                   ("2025年3月1日", date(2025, 3, 1)), ("5月10日", date(2026, 5, 10))]
    # not days: a span of days, a moving average
    assert days_in("近30日涨幅，5日均线", 2026, PUBLISHED) == []


def test_relative_day_claim_carries_its_reading_and_needs_the_publication_date():
    text = "上周五，桂冠电力涨停。"
    named = _named(text, ("桂冠电力", "600236.SH"))
    (claim,) = _claims(text, named, published=PUBLISHED)
    assert claim.fields["date"] == date(2026, 5, 8)
    assert claim.notes["date"].startswith("上周五: 2026-05-08 (Friday), the Friday of the week before")
    (todo,) = _claims(text, named)
    assert todo.fields["date"] == "YYYY-MM-DD" and "--published" in todo.problems[0]


def test_a_dated_line_at_the_top_is_the_publication_date():
    assert date_line("证券日报\n2026年5月12日 星期二\n\n标题\n正文。") == PUBLISHED
    assert date_line("标题\n正文写于2026年5月12日。") is None
    assert undated_day("2026年4月4日首飞；5月10日鉴定；5月11日收盘。") == "5月10日"


def test_the_subject_is_what_moved_without_lead_ins_references_or_adverbs():
    text = "有分析指出，龙佰集团股价较高点已腰斩，而旺能环境股价翻番。"
    claims = _claims(text, _named(text, ("龙佰集团", "002601.SZ"), ("旺能环境", "002034.SZ")))
    assert [(c.fields["subject"], c.fields["proxy"]) for c in claims] == [
        ("龙佰集团股价", "002601.SZ"), ("旺能环境股价", "002034.SZ"),
    ]
    (claim,) = _claims("5月11日，其中光纤指数年内均已上涨二成。")
    assert claim.fields["subject"] == "光纤指数"
