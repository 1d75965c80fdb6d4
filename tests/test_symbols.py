"""Symbol normalisation, boards, limit bands and lot rules: table-driven."""

from __future__ import annotations

from datetime import date

import pytest

from screener.errors import SymbolError
from screener.symbols import Board, Exchange, normalize, parse_symbol

FORMS = ["{c}", "{p}{c}", "{P}{c}", "{c}.{S}", "{c}.{X}", " {c}.{s} "]
# code, exchange suffix, xs suffix, board, band (today), lot rule
STOCKS = [
    ("600487", "SH", "XSHG", Board.MAIN, 0.10, (100, 100)),
    ("601222", "SH", "XSHG", Board.MAIN, 0.10, (100, 100)),
    ("603444", "SH", "XSHG", Board.MAIN, 0.10, (100, 100)),
    ("605117", "SH", "XSHG", Board.MAIN, 0.10, (100, 100)),
    ("688339", "SH", "XSHG", Board.STAR, 0.20, (200, 1)),
    ("689009", "SH", "XSHG", Board.STAR, 0.20, (200, 1)),
    ("000070", "SZ", "XSHE", Board.MAIN, 0.10, (100, 100)),
    ("001289", "SZ", "XSHE", Board.MAIN, 0.10, (100, 100)),
    ("002491", "SZ", "XSHE", Board.MAIN, 0.10, (100, 100)),
    ("003816", "SZ", "XSHE", Board.MAIN, 0.10, (100, 100)),
    ("300471", "SZ", "XSHE", Board.CHINEXT, 0.20, (100, 100)),
    ("301307", "SZ", "XSHE", Board.CHINEXT, 0.20, (100, 100)),
    ("430047", "BJ", "BSE", Board.BSE, 0.30, (100, 1)),
    ("830799", "BJ", "BSE", Board.BSE, 0.30, (100, 1)),
    ("870436", "BJ", "BSE", Board.BSE, 0.30, (100, 1)),
    ("920002", "BJ", "BSE", Board.BSE, 0.30, (100, 1)),
]


@pytest.mark.parametrize("code,suffix,xs,board,band,lots", STOCKS)
@pytest.mark.parametrize("form", FORMS)
def test_every_input_form_normalises(code, suffix, xs, board, band, lots, form):
    text = form.format(c=code, p=suffix.lower(), P=suffix, S=suffix, s=suffix.lower(), X=xs)
    sym = parse_symbol(text)
    assert str(sym) == f"{code}.{suffix}"
    assert sym.board is board
    assert sym.limit_band() == band
    assert sym.lot_rule() == lots
    assert not sym.is_index


@pytest.mark.parametrize(
    "text,expected",
    [
        ("000300.SH", "000300.SH"),
        ("sh000300", "000300.SH"),
        ("000001.XSHG", "000001.SH"),
        ("399006.SZ", "399006.SZ"),
        ("399438", "399438.SZ"),
        ("sz399438", "399438.SZ"),
        ("899050.BJ", "899050.BJ"),
        ("931897.CSI", "931897.CSI"),
    ],
)
def test_indices_keep_their_suffix(text, expected):
    sym = parse_symbol(text)
    assert str(sym) == expected
    assert sym.is_index and sym.limit_band() is None


def test_index_and_stock_codes_collide_only_by_suffix():
    assert parse_symbol("000001.SH").is_index  # SSE Composite
    assert not parse_symbol("000001.SZ").is_index  # Ping An Bank
    assert str(parse_symbol("000300")) == "000300.SZ"  # a bare code is a stock


def test_prefixed_form_for_sina_and_tencent():
    assert parse_symbol("600487").prefixed == "sh600487"
    assert parse_symbol("002491").prefixed == "sz002491"
    assert parse_symbol("430047").prefixed == "bj430047"


@pytest.mark.parametrize(
    "bad",
    ["", "60048", "6004870", "abc", "600487.HK", "AAPL", "900901", "200002", "123456",
     "600487.SZ", "300471.SH", "hk600487", "600487SH"],
)
def test_rejects_anything_else(bad):
    with pytest.raises(SymbolError) as err:
        parse_symbol(bad)
    assert repr(bad.strip()) in str(err.value) or bad.strip() in str(err.value)


def test_chinext_band_before_and_after_reform():
    sym = parse_symbol("300471")
    assert sym.limit_band(date(2020, 8, 21)) == 0.10
    assert sym.limit_band(date(2020, 8, 24)) == 0.20


def test_st_band_on_main_board_only():
    assert parse_symbol("600487").limit_band(st=True) == 0.05
    assert parse_symbol("688339").limit_band(st=True) == 0.20


def test_normalize_returns_text():
    assert normalize("SH600487") == "600487.SH"
    assert parse_symbol("600487").exchange is Exchange.SH


@pytest.mark.parametrize(
    "text,expected",
    [
        ("６００４８７", "600487.SH"),  # full-width digits, as Chinese input methods type them
        ("ＳＨ６００４８７", "600487.SH"),
        ("６００４８７．ＳＨ", "600487.SH"),
        ("sz３０１３０７", "301307.SZ"),
    ],
)
def test_full_width_forms_normalise(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize("bad", ["٦٠٠٤٨٧", "६००४८७", "٦٠٠٤٨٧.SH"])
def test_other_scripts_digits_are_not_codes(bad):
    with pytest.raises(SymbolError, match="invalid symbol"):
        parse_symbol(bad)


def test_unknown_bare_code_suggests_every_exchange():
    with pytest.raises(SymbolError, match=r"899050\.SH, 899050\.SZ or 899050\.BJ"):
        parse_symbol("899050")  # the BSE 50 index is 899050.BJ
