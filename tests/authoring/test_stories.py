"""Pages split into stories, and story ids."""

from __future__ import annotations

import pytest

from screener.authoring.stories import split_stories
from screener.authoring.theme_ids import story_id, unique


def test_the_seed_page_has_four_bylined_stories(seed_text):
    stories = split_stories(seed_text)
    assert [(s.number, s.headline, s.author) for s in stories] == [
        (1, "算力成本抬升 内容产业竞争重心从“效率比拼”转向“创意资产沉淀”", "肖伟"),
        (2, "氢能技术再迎突破 推动低空经济商业化提速", "李万晨"),
        (3, "光纤行业头部企业抢滩高端市场", "丁蓉"),
        (4, "算电协同助力绿电产业转型升级", "许林艳"),
    ]
    # the stories tile the page, each starting at its headline
    assert stories[0].start == 0 and stories[-1].end == len(seed_text)
    assert all(a.end == b.start for a, b in zip(stories, stories[1:]))
    assert stories[1].text.startswith("氢能技术再迎突破\n推动低空经济商业化提速\n\n■本报记者 李万晨")
    assert stories[0].text.rstrip().endswith("换言之，能")  # continued on another page: stays with its story


def test_byline_forms():
    page = (
        "光伏龙头扩产\n本报记者 张三 北京报道\n隆基绿能宣布扩产。\n\n"
        "风电招标回暖\n\n记者 王五\n\n金风科技中标。\n\n"
        "储能订单大增\n本报讯（记者 李四）宁德时代签下大单。\n"
    )
    stories = split_stories(page)
    assert [(s.headline, s.author) for s in stories] == [
        ("光伏龙头扩产", "张三"), ("风电招标回暖", "王五"), ("储能订单大增", "李四"),
    ]


def test_a_body_line_opening_with_the_reporter_is_no_byline():
    page = "标题一\n■本报记者 甲乙\n正文。\n记者在调研时注意到，成本持续走高。\n"
    assert len(split_stories(page)) == 1


def test_pages_without_bylines_split_at_titled_blocks():
    page = "光伏龙头扩产\n隆基绿能宣布扩产，产能翻倍。\n\n风电招标回暖\n金风科技中标大单。\n"
    assert [s.headline for s in split_stories(page)] == ["光伏龙头扩产", "风电招标回暖"]
    page = "光伏龙头扩产\n\n隆基绿能宣布扩产。\n\n\n风电招标回暖\n\n金风科技中标。\n"  # two blank lines
    assert [s.headline for s in split_stories(page)] == ["光伏龙头扩产", "风电招标回暖"]


def test_an_article_is_one_story():
    page = "光纤行业头部企业抢滩高端市场\n\n中天科技扩产。\n\n头部企业话语权提升\n\n亨通光电中标。\n"
    (story,) = split_stories(page)
    assert (story.headline, story.start, story.end) == ("光纤行业头部企业抢滩高端市场", 0, len(page))


def test_the_masthead_and_the_date_line_are_no_headline():
    page = "2026年5月12日 星期二\n\n光纤板块持续走强\n本报记者 张三\n中天科技昨日涨停。\n"
    assert [(s.headline, s.author) for s in split_stories(page)] == [("光纤板块持续走强", "张三")]
    page = "证券日报\n\n光纤板块持续走强\n本报记者 张三\n中天科技昨日涨停。\n\n绿电产业提速\n本报记者 李四\n桂冠电力涨停。\n"
    assert [s.headline for s in split_stories(page)] == ["光纤板块持续走强", "绿电产业提速"]
    page = "■证券日报\n2026-05-12\n\n光纤板块持续走强\n\n中天科技昨日涨停。\n"  # no byline: the first heading
    assert [s.headline for s in split_stories(page)] == ["光纤板块持续走强"]


@pytest.mark.parametrize(
    "byline, author",
    [
        ("记者王五上海报道", "王五"),  # a known place right after the name is where the story was filed
        ("本报记者王小五北京报道", "王小五"),
        ("本报讯（记者欧阳明华上海报道）中天科技昨日涨停。", "欧阳明华"),
        ("记者 张三、李四 北京报道", "张三、李四"),
        ("记者 张三 李四深圳报道", "张三、李四"),
        ("记者王五报道", "王五"),
        ("记者李海南报道", "李海南"),  # 海南 is a place, but 李 alone is no name
        ("本报记者 张三 见习记者 李四", "张三、李四"),
        ("记者王五雄县报道", "王五雄县"),  # an unknown place cannot be told from a name: left as written
    ],
)
def test_the_author_without_the_place_the_story_was_filed_from(byline, author):
    (story,) = split_stories(f"光纤板块持续走强\n{byline}\n中天科技昨日涨停。\n")
    assert story.author == author


def test_story_ids_come_from_headline_keywords_then_the_body_then_a_hash():
    assert story_id("氢能技术再迎突破 推动低空经济商业化提速", "") == "hydrogen-low-altitude"
    assert story_id("算电协同助力绿电产业转型升级", "") == "green-power"  # 绿电, not 电 inside it
    assert story_id("头部企业话语权提升", "光纤涨价，光纤扩产，光棒紧缺，储能") == "fiber-energy-storage"
    hashed = story_id("今日要闻", "无关键词的正文。")
    assert hashed.startswith("story-") and len(hashed) == 12 and hashed == story_id("今日要闻", "另一段正文。")
    assert unique(["fiber", "fiber", "fiber-2", "green-power", "fiber"]) == [
        "fiber", "fiber-2", "fiber-2-2", "green-power", "fiber-3",
    ]
