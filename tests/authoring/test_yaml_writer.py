"""The draft writer: every value reads back exactly through ruamel's reader (the theme
loader's), and the seed page's drafts are laid out as ruamel's own round-trip dumper
lays them out."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from screener.authoring.draft import Origin, render
from screener.authoring.page import extract_page
from screener.authoring.yaml_writer import Commented, Flow, dump

TRICKY = [
    # read as numbers, dates, booleans or null when plain (YAML 1.2, as ruamel reads)
    "", "0", "0123", "1_000", "0x1F", "0o17", "1e5", "1.5", ".5", "-1", "+1", "1.",
    ".inf", "-.inf", ".nan", ".NaN", "true", "True", "FALSE", "null", "Null", "~",
    "2026-05-11", "2026-05-11 10:00:00", "2026-05-11T10:00:00Z", "=", "<<",
    # plain in YAML 1.2 but words in 1.1 or near misses
    "yes", "no", "on", "off", "y", "n", "nan", "inf", "12:30", "2026-5-1", "date", "face",
    # indicators and what ends a plain scalar
    "-", "- a", "-a", "?", "? a", "?a", ":", ":a", "a:", "a: b", "a:b", "a #b", "a#b",
    "#a", "%a", "@a", "`a", "!a", "!!str", "&a", "*a", "|a", ">a", "[a", "]a", "a]",
    "{a}", "a, b", "a,b", "---", "--- a", "...", " ", " a", "a ", "a  # b",
    # quotes and backslashes
    "'", "'a", "a'b", "it's: x", '"', '"a', 'a"b', "\\", "a\\nb", "'\"",
    # control characters, line breaks, the byte-order mark, odd spaces
    "a\tb", "\t", "a\nb", "a\r\nb", "\n", "\x00", "\x07", "\x1b[0m", "\x7f", "\x85",
    "\u2028", "\u2029", "\ufeffa", "\xa0a", "a\xa0", "\u3000", "\ufffe",
    # Chinese text as drafts hold it, and beyond the BMP
    "中天科技", "中文：说", "中文: 说", "“公司充分发挥‘光棒—光纤—光缆’全产业链优势”",
    "涨幅已超121.65%", "5月11日", "沪深300", "*ST保千", "万  科Ａ", "😀",
]  # fmt: skip


def _reader() -> YAML:
    return YAML(typ="rt", pure=True)


def _ruamel_dump(data: object) -> str:
    """ruamel's round-trip dump with the layout drafts use."""
    yaml = YAML(typ="rt", pure=True)
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()


def _roundtrip(value: object) -> object:
    """``value`` written in every position a draft uses, read back by ruamel."""
    doc = Commented(
        {"value": value, "items": [value, "x"], "flow": Flow([value, "x"]), "nested": {"k": value}},
        comments={"value": str(value), "items": str(value)},
    )
    return _reader().load(dump(doc))


def _expected(value: object) -> dict[str, object]:
    return {"value": value, "items": [value, "x"], "flow": [value, "x"], "nested": {"k": value}}


def test_tricky_strings_read_back_exactly_in_every_position():
    wrong = [s for s in TRICKY if _roundtrip(s) != _expected(s)]
    assert not wrong
    keys = {s: i for i, s in enumerate(TRICKY)}
    assert dict(_reader().load(dump(keys))) == keys


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=12))
def test_any_string_reads_back_exactly(text):
    assert _roundtrip(text) == _expected(text)


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.dates(), st.booleans()))
def test_numbers_dates_and_booleans_read_back_with_their_type(value):
    back = _roundtrip(value)["value"]  # ruamel's round-trip types subclass int and float
    assert back == value and isinstance(back, type(value)) and isinstance(back, bool) == isinstance(value, bool)


def test_comments_are_kept_on_one_line_and_never_make_the_file_unreadable():
    doc = Commented({"a": 1, "b": [2]}, comments={"a": "note: with # and\nbreak\x07 \x85end", "b": "中文"})
    text = dump(doc)
    assert text == "a: 1  # note: with # and break\\x07 end\nb:  # 中文\n  - 2\n"
    assert _reader().load(text) == {"a": 1, "b": [2]}


def test_strings_are_quoted_only_where_ruamel_quotes_them():
    """Layout and quoting as ruamel's dumper gives them, for ordinary and typed-looking
    strings alike."""
    data = {
        "plain": ["date", "中文：说", "-a", "a:b", "a#b", "a,b", "12:30", "yes", "600522.SH", "YYYY-MM-DD"],
        "quoted": ["2026-05-11", "000300", "true", "null", "", "a: b", "a #b", "#a", "- a", " a", "*a"],
        "flow": Flow(["中天科技", "a b"]),
        "when": date(2026, 5, 11),
        "value": 1.2165,
        "members": [{"symbol": "600522.SH", "named_in_source": True}],
    }
    ruamel = _reader().load(_ruamel_dump({**data, "flow": list(data["flow"])}))  # ruamel's choice of styles
    ruamel["flow"].fa.set_flow_style()
    assert dump(data) == _ruamel_dump(ruamel)


@pytest.fixture(scope="module")
def seed_drafts(seed_text, themes_index) -> dict[str, str]:
    origin = Origin("seed.txt", "known themes")
    return {
        r.theme_id: render(r.extraction, theme_id=r.theme_id, name=None, origin=origin)
        for r in extract_page(seed_text, themes_index)
        if r.drafted
    }


def test_seed_drafts_are_laid_out_as_ruamel_lays_them_out(seed_drafts):
    """ruamel's round trip (read, then dump with the drafts' layout) gives each seed
    draft back unchanged — quoting, indentation, flow lists, comments — and so does it
    for each draft's claims once uncommented (the user moves them under ``claims:``)."""
    assert set(seed_drafts) == {"hydrogen-low-altitude", "fiber", "green-power"}
    claim_blocks = 0
    for text in seed_drafts.values():
        assert _ruamel_dump(_reader().load(text)) == text
        block = re.search(r"^# ---- claims found.*\n((?:# .*\n)+)", text, re.M)
        if block:
            claims = "claims:\n" + "".join(
                line[2:] + "\n" for line in block.group(1).splitlines() if not line.startswith("# TODO")
            )
            assert _ruamel_dump(_reader().load(claims)) == claims
            claim_blocks += 1
    assert claim_blocks >= 2  # fiber's period return, green power's limit-up and close-up
