"""The demo store: deterministic, labelled, board-correct synthetic bars."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from screener import calendar
from screener.data import DEMO_LABEL, DataOptions, Source, demo, frames, open_store
from screener.data.quality import limit_breaches
from screener.errors import DataError
from screener.limits import limit_prices
from screener.symbols import parse_symbol
from screener.theme import ThemeRegistry, builtin_themes_dir


@pytest.fixture(scope="module")
def store():
    return open_store(DataOptions(demo=True))


@pytest.fixture(scope="module")
def everything(store):
    return store.load(store.symbols())


def builtin_symbols() -> set[str]:
    out = set()
    for path in builtin_themes_dir().glob("*.yaml"):
        theme = ThemeRegistry.default().load(str(path))
        out |= {m.symbol for m in theme.members}
        if theme.benchmark and theme.benchmark.symbol:
            out.add(theme.benchmark.symbol)
    return out


def test_symbol_set_covers_builtin_themes_and_indices(store):
    symbols = set(store.symbols())
    assert builtin_symbols() <= symbols
    assert {"000300.SH", "000001.SH", "399006.SZ"} <= symbols
    uni = store.universe()
    assert list(uni.columns) == ["symbol", "name", "full_name"]
    assert set(uni["symbol"]) == symbols
    assert uni.set_index("symbol").loc["600487.SH", "name"] == "亨通光电"


def test_labelled_demo(everything):
    assert everything.source is Source.DEMO and everything.is_demo
    assert everything.label == DEMO_LABEL
    assert everything.missing == []
    assert all(b.source is Source.DEMO for b in everything.bars.values())


def test_frames_follow_the_contract_on_xshg_sessions(everything):
    sessions = calendar.sessions(demo.DEMO_START, demo.DEMO_END)
    for symbol, bars in everything.bars.items():
        frames.validate(bars.frame, symbol)
        assert bars.frame.index.isin(sessions).all()
    idx = everything.bars["000300.SH"].frame
    assert idx.index[0] == pd.Timestamp("2016-01-04") and idx.index[-1] == pd.Timestamp("2026-11-20")
    assert len(idx) == len(sessions)  # indices are never suspended
    assert (idx["adj_factor"] == 1.0).all() and idx["turnover"].isna().all()
    stock = everything.bars["600487.SH"].frame
    assert stock[["amount", "turnover"]].notna().all().all()
    assert (stock["volume"] % 100 == 0).all() and (stock["volume"] > 0).all()
    assert np.allclose(stock["close"] * 100, np.rint(stock["close"] * 100))


def test_deterministic_and_independent_of_the_symbol_set():
    full = demo._all_bars()
    alone = demo.generate(["600487.SH"])["600487.SH"]
    pd.testing.assert_frame_equal(alone, full["600487.SH"])
    again = demo.generate(["600487.SH", "000300.SH"])["600487.SH"]
    pd.testing.assert_frame_equal(again, alone)


def test_closes_respect_limits_and_some_hit_them_exactly(everything):
    exact_up = exact_down = 0
    for symbol, bars in everything.bars.items():
        sym = parse_symbol(symbol)
        f = bars.frame
        assert not limit_breaches(symbol, f).any(), symbol
        if sym.is_index:
            continue
        close, adj = f["close"].to_numpy(), f["adj_factor"].to_numpy()
        for i in range(1, len(f)):
            if adj[i] != adj[i - 1]:
                continue
            lower, upper = limit_prices(close[i - 1], sym.limit_band(f.index[i].date()))
            assert lower <= close[i] <= upper
            exact_up += close[i] == upper
            exact_down += close[i] == lower
    assert exact_up >= 50 and exact_down >= 50


def test_chinext_band_widens_in_august_2020(everything):
    f = everything.bars["300418.SZ"].frame
    moves = (f["close"] * f["adj_factor"]).pct_change().abs()
    assert moves[:"2020-08-21"].max() < 0.105  # 10% plus rounding to the cent
    assert moves["2020-08-24":].max() > 0.15


def test_suspensions_are_missing_rows_reported_as_issues(everything):
    kinds = {(i.symbol, i.kind) for i in everything.issues}
    stocks = [s for s in everything.bars if not parse_symbol(s).is_index]
    assert all((s, "missing_sessions") in kinds for s in stocks)
    assert not any(parse_symbol(s).is_index for s, _ in kinds)
    assert {k for _, k in kinds} == {"missing_sessions"}  # no other defects in synthetic data


def test_dividends_step_the_adjustment_factor(everything):
    f = everything.bars["600900.SH"].frame
    steps = f["adj_factor"].diff().fillna(0.0)
    assert (steps >= 0).all() and (steps > 0).sum() >= 3
    ex = f.index[steps > 0][0]
    prev = f.index[f.index.get_loc(ex) - 1]
    # the ex-date limit band is around prev close minus the cash dividend
    ref = f.at[prev, "close"] * f.at[prev, "adj_factor"] / f.at[ex, "adj_factor"]
    lower, upper = limit_prices(round(ref, 2), 0.1)
    assert lower <= f.at[ex, "close"] <= upper


def test_late_listings_start_after_their_board_opened(everything):
    f = everything.bars["688297.SH"].frame
    assert f.index[0] >= pd.Timestamp("2019-07-22")


def test_window_and_unknown_symbols(store):
    md = store.load(["sh600487", "300750.SZ"], start=date(2025, 1, 1), end=date(2026, 5, 11))
    assert md.missing == ["300750.SZ"]
    assert list(md.bars) == ["600487.SH"]
    f = md.bars["600487.SH"].frame
    assert f.index[0] >= pd.Timestamp("2025-01-01") and f.index[-1] <= pd.Timestamp("2026-05-11")
    assert any("300750.SZ" in n for n in md.notes)


def test_boards_are_the_builtin_themes(store):
    board = store.board("BK9002")
    fiber = ThemeRegistry.default().load("fiber")
    assert list(board.constituents["symbol"]) == [m.symbol for m in fiber.members]
    assert board.source is Source.DEMO and board.label == DEMO_LABEL
    assert board.bars is not None and board.bars.frame["close"].iloc[0] == 1000.0
    assert board.bars.frame["close"].notna().all()
    with pytest.raises(DataError, match="BK0715.*BK9001"):
        store.board("BK0715")


def test_valuations_are_never_invented(store):
    vals = store.valuations(date(2026, 5, 11))
    assert vals.empty and list(vals.columns) == ["symbol", "pe_ttm", "pe_dynamic", "pb", "mcap", "float_mcap"]
