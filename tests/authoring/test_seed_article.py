"""The seed page: all eleven listed firms, the two unlisted groups with their arms, the
firms named only as a source, the claims, and nothing spurious."""

from __future__ import annotations

from datetime import date

import pytest
from ruamel.yaml import YAML

from screener.authoring.draft import Origin, render, validate
from screener.authoring.extract import extract
from screener.theme.model import DayMoveClaim, PeriodReturnClaim, Theme

# themes-and-tickers.md: "Named in the articles (A-share listed)"
SEED_FIRMS = {
    "002278.SZ": "神开股份",
    "601222.SH": "林洋能源",
    "600522.SH": "中天科技",
    "600487.SH": "亨通光电",
    "002491.SZ": "通鼎互联",
    "600236.SH": "桂冠电力",
    "002585.SZ": "双星新材",
    "301307.SZ": "美利信",
    "601126.SH": "四方股份",
    "002601.SZ": "龙佰集团",
    "002034.SZ": "旺能环境",
}
GROUP_ARMS = {
    "中国大唐": {"601991.SH", "600236.SH", "600744.SH"},
    "中国航发": {"600893.SH", "000738.SZ", "600391.SH"},
}


@pytest.fixture(params=["themes only", "with universe"])
def seed_extraction(request, seed_text, themes_index, full_index):
    index = themes_index if request.param == "themes only" else full_index
    return extract(seed_text, index)


def test_finds_exactly_the_eleven_listed_firms(seed_extraction):
    found = {f.symbol: f.name for f in seed_extraction.members}
    assert found == SEED_FIRMS


def test_reports_unlisted_groups_with_listed_arms(seed_extraction):
    groups = {g.group.name: g for g in seed_extraction.groups}
    assert set(groups) == set(GROUP_ARMS)
    for name, arms in GROUP_ARMS.items():
        assert {a.symbol for a in groups[name].arms} == arms
    assert [m.text for m in groups["中国航发"].mentions] == ["中国航发研研所"]  # the typo
    assert "中卫云基地" in groups["中国大唐"].quote
    # the arms are candidates, not members (桂冠电力 is a member because the text names it)
    assert not {"601991.SH", "600744.SH", "600893.SH", "000738.SZ", "600391.SH"} & seed_extraction.member_symbols


def test_source_and_credit_firms_are_not_members(seed_text, full_index):
    x = extract(seed_text, full_index)
    cited = {f.symbol: f.cited_as for f in x.cited}
    assert cited == {"601688.SH": ["research source"], "000681.SZ": ["image credit"]}
    assert "华泰证券发布研报称" in next(f.cited_quote for f in x.cited if f.symbol == "601688.SH")


def test_tricky_names_are_not_matched(seed_text, full_index):
    x = extract(seed_text, full_index)
    assert "601857.SH" not in x.member_symbols  # 中国石油 in 中国石油和化学工业联合会
    skipped = {s.text: s.reason for s in x.skipped}
    assert "中国石油和化学工业联合会" in skipped["中国石油"]


def test_quotes_are_the_sentences_naming_each_firm(seed_extraction, seed_text):
    flat = seed_text.replace("\n", "")
    by_symbol = {f.symbol: f for f in seed_extraction.members}
    for f in seed_extraction.members:
        assert f.quote and f.quote in flat, f.symbol
        assert any(m.text in f.quote for m in f.mentions), f.symbol
    # a short attribution carries the quotation before it
    assert by_symbol["600522.SH"].quote.startswith("“公司充分发挥")
    assert by_symbol["600522.SH"].quote.endswith("江苏中天科技股份有限公司相关负责人在与投资者互动时表示。")
    # a sentence broken across printed lines is rejoined
    assert "已在多个生产基地阶段布局分布式光伏电站" in by_symbol["002601.SZ"].quote


def test_claims_found(seed_extraction):
    claims = [c.fields for c in seed_extraction.claims]
    assert seed_extraction.year == 2026
    fiber = [c for c in claims if c["kind"] == "period_return"]
    assert len(fiber) == 1
    assert fiber[0] | {"quote": None} == {
        "kind": "period_return",
        "subject": "A股市场光纤指数",
        "start": date(2026, 1, 1),
        "end": date(2026, 5, 11),
        "value": 1.2165,
        "comparison": "at_least",
        "proxy": "basket",
        "quote": None,
    }
    days = {(c["kind"], c["date"], tuple(c["symbols"])) for c in claims if c["kind"] != "period_return"}
    assert days == {
        ("limit_up", date(2026, 5, 11), ("600236.SH", "002585.SZ")),
        ("close_up", date(2026, 5, 11), ("301307.SZ", "601126.SH")),
    }


def _draft(x) -> str:
    return render(x, theme_id="seed", name=None, origin=Origin("seed.txt", "test"))


def test_draft_validates_and_marks_members_named(seed_extraction, tmp_path):
    from screener.theme.loader import load_theme

    text = _draft(seed_extraction)
    path = tmp_path / "seed.yaml"
    path.write_text(text, encoding="utf-8")
    theme = load_theme(path)
    assert theme.id == "seed"
    assert {m.symbol for m in theme.members} == set(SEED_FIRMS)
    assert all(m.named_in_source and m.quote for m in theme.members)
    assert theme.claims == []
    assert validate(text) == theme


def test_commented_claims_become_valid_claims_once_uncommented(seed_extraction, builtin_themes):
    text = _draft(seed_extraction)
    block = text.split("# ---- claims found in the text")[1].split("\n# ----")[0]
    lines = [ln[2:] for ln in block.splitlines()[1:] if ln.startswith("#   ")]
    data = YAML(typ="safe").load(text)
    data["claims"] = YAML(typ="safe").load("\n".join(lines))
    theme = Theme.model_validate(data)
    kinds = sorted(type(c).__name__ for c in theme.claims)
    assert kinds == ["DayMoveClaim", "DayMoveClaim", "PeriodReturnClaim"]
    # the drafted claims agree with what the built-in themes say about the same story
    fiber = next(t for t in builtin_themes if t.id == "fiber").claims[0]
    drafted = next(c for c in theme.claims if isinstance(c, PeriodReturnClaim))
    assert (drafted.start, drafted.end, drafted.value, drafted.comparison) == (
        fiber.start, fiber.end, fiber.value, fiber.comparison,
    )
    green = {(c.kind, c.date, tuple(c.symbols)) for c in next(t for t in builtin_themes if t.id == "green-power").claims}
    assert {(c.kind, c.date, tuple(c.symbols)) for c in theme.claims if isinstance(c, DayMoveClaim)} == green


def test_draft_lists_groups_and_cited_firms_as_comments(seed_text, full_index):
    text = _draft(extract(seed_text, full_index))
    body = [ln for ln in text.splitlines() if not ln.startswith("#")]
    assert not any("601991.SH" in ln or "601688.SH" in ln or "000681.SZ" in ln for ln in body)
    assert "#   - {symbol: 601991.SH, name: 大唐发电, role: listed arm of 中国大唐, named_in_source: false}" in text
    assert "600236.SH, name: 桂冠电力, role: listed arm of 中国大唐, named_in_source: false}  # already a member" in text
    assert "# 601688.SH 华泰证券 — research source: 华泰证券发布研报称" in text
    assert "# 000681.SZ 视觉中国 — image credit:" in text
