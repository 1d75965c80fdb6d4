"""The demo store: deterministic, labelled, board-correct synthetic bars, generated one
symbol at a time. Limit arithmetic and seeds are recomputed here with plain numpy."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import numpy as np
import pandas as pd
import pytest

from screener import calendar
from screener.data import DEMO_LABEL, DataOptions, Source, demo, frames, open_store
from screener.data.demo import bars as demo_bars
from screener.data.demo import factors
from screener.errors import DataError
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


def is_index(symbol: str) -> bool:
    return parse_symbol(symbol).is_index


def band_pct(symbol: str, dates: np.ndarray) -> np.ndarray:
    """Whole-percent limit band, from the exchange rules (not screener.limits): 20% on
    STAR, ChiNext 10% until 2020-08-21 and 20% from 2020-08-24, 10% on the main boards."""
    code = symbol[:6]
    if code.startswith(("688", "689")):
        return np.full(len(dates), 20)
    if code.startswith(("300", "301")):
        return np.where(dates >= np.datetime64("2020-08-24"), 20, 10)
    return np.full(len(dates), 10)


def limits(frame: pd.DataFrame, symbol: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(close, lower, upper) in cents for every row after the first; the reference is the
    previous close ex-rights (× previous adj / today's adj), limits rounded half-up."""
    close = np.rint(frame["close"].to_numpy() * 100).astype(np.int64)
    adj = frame["adj_factor"].to_numpy()
    ref = np.floor(close[:-1] * adj[:-1] / adj[1:] + 0.5).astype(np.int64)
    b = band_pct(symbol, frame.index.to_numpy()[1:])
    return close[1:], (ref * (100 - b) + 50) // 100, (ref * (100 + b) + 50) // 100


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
        f = bars.frame
        assert (f["low"] <= f[["open", "close"]].min(axis=1)).all()
        assert (f["high"] >= f[["open", "close"]].max(axis=1)).all()
    idx = everything.bars["000300.SH"].frame
    assert idx.index[0] == pd.Timestamp("2016-01-04") and idx.index[-1] == pd.Timestamp("2026-11-20")
    assert len(idx) == len(sessions)  # indices are never suspended
    assert (idx["adj_factor"] == 1.0).all() and idx["turnover"].isna().all()
    stock = everything.bars["600487.SH"].frame
    assert stock[["amount", "turnover"]].notna().all().all()
    assert (stock["volume"] % 100 == 0).all() and (stock["volume"] > 0).all()
    assert np.allclose(stock["close"] * 100, np.rint(stock["close"] * 100))


def test_loading_generates_only_the_symbols_asked_for(monkeypatch, store):
    made = []
    real = demo_bars.profile
    monkeypatch.setattr(demo_bars, "profile", lambda symbol, *a: made.append(symbol) or real(symbol, *a))
    demo_bars.demo_bars.cache_clear()
    md = store.load(["600487.SH", "000300.SH"], date(2025, 5, 12), date(2026, 5, 11))
    assert sorted(made) == ["000300.SH", "600487.SH"]
    store.load(["600487.SH"])
    assert len(made) == 2  # generated once per process
    assert set(md.bars) == {"600487.SH", "000300.SH"}


def test_a_symbols_bars_do_not_depend_on_what_else_is_generated():
    everyone = list(demo.catalog().entries)
    factors.market.cache_clear(), factors.sector.cache_clear()
    alone = demo.generate(["600487.SH"])["600487.SH"]
    full = demo.generate(everyone[::-1])
    pd.testing.assert_frame_equal(alone, full["600487.SH"])
    factors.market.cache_clear(), factors.sector.cache_clear()
    again = demo.generate(["399438.SZ", "600487.SH", "000300.SH"])
    pd.testing.assert_frame_equal(again["600487.SH"], alone)
    for s in ("399438.SZ", "000300.SH"):
        pd.testing.assert_frame_equal(again[s], full[s])


def test_the_seed_is_stable_across_processes():
    """Another interpreter with another string-hash seed makes the same bars (the seed is
    a stable hash of the symbol, never Python's salted hash())."""
    symbols = ["600487.SH", "300418.SZ", "399438.SZ"]
    code = (
        "import pandas as pd; from screener.data import demo; "
        f"print(*[pd.util.hash_pandas_object(f).sum() for f in demo.generate({symbols!r}).values()])"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=True)
    here = [int(pd.util.hash_pandas_object(f).sum()) for f in demo.generate(symbols).values()]
    assert [int(x) for x in out.stdout.split()] == here


def test_closes_respect_limits_and_some_hit_them_exactly(everything):
    exact_up = exact_down = 0
    for symbol, bars in everything.bars.items():
        if is_index(symbol):
            continue
        close, lower, upper = limits(bars.frame, symbol)
        assert ((lower <= close) & (close <= upper)).all(), symbol  # ex-dates included
        exact_up += int((close == upper).sum())
        exact_down += int((close == lower).sum())
        for col in ("open", "high", "low"):  # intraday prices stay inside the band too
            cents = np.rint(bars.frame[col].to_numpy()[1:] * 100)
            assert ((lower <= cents) & (cents <= upper)).all(), (symbol, col)
    assert exact_up >= 50 and exact_down >= 50


def test_sector_news_days_send_several_members_to_the_limit(everything):
    """Limit-up closes cluster: on some sessions three or more members of one theme close
    at the limit together (a sector's news day), as in the seed article's 多股涨停."""
    clustered = 0
    for path in builtin_themes_dir().glob("*.yaml"):
        members = [m.symbol for m in ThemeRegistry.default().load(str(path)).members]
        hits = pd.concat({
            s: pd.Series(close == upper, index=everything.bars[s].frame.index[1:])
            for s in members
            for close, _, upper in [limits(everything.bars[s].frame, s)]
        }, axis=1, sort=True).fillna(False)
        clustered += int((hits.sum(axis=1) >= 3).sum())
    assert clustered >= 5


def test_chinext_band_widens_in_august_2020(everything):
    f = everything.bars["300418.SZ"].frame
    moves = (f["close"] * f["adj_factor"]).pct_change().abs()
    assert moves[:"2020-08-21"].max() < 0.105  # 10% plus rounding to the cent
    assert moves["2020-08-24":].max() > 0.15


def test_suspensions_are_missing_rows_reported_as_issues(everything):
    kinds = {(i.symbol, i.kind) for i in everything.issues}
    stocks = [s for s in everything.bars if not is_index(s)]
    assert all((s, "missing_sessions") in kinds for s in stocks)
    assert not any(is_index(s) for s, _ in kinds)
    assert {k for _, k in kinds} == {"missing_sessions"}  # no other defects in synthetic data


def test_dividends_step_the_adjustment_factor(everything):
    f = everything.bars["600900.SH"].frame
    steps = f["adj_factor"].diff().fillna(0.0)
    assert (steps >= 0).all() and (steps > 0).sum() >= 3
    ex = f.index[steps > 0][0]
    prev = f.index[f.index.get_loc(ex) - 1]
    # the ex-date limit band is around prev close minus the cash dividend
    ref = f.at[prev, "close"] * f.at[prev, "adj_factor"] / f.at[ex, "adj_factor"]
    assert 0.97 < ref / f.at[prev, "close"] < 1.0  # a cash dividend of under 3%
    assert ref * 0.9 - 0.005 <= f.at[ex, "close"] <= ref * 1.1 + 0.005


def test_bonus_shares_split_the_price_and_grow_the_float(everything):
    """送转: on a few ex-dates the reference price drops by a bonus ratio (10转2 … 10转10)
    on top of the cash; the share count grows, so turnover per share traded falls."""
    events = 0
    for symbol, bars in everything.bars.items():
        f = bars.frame
        ratio = (f["adj_factor"] / f["adj_factor"].shift()).to_numpy()
        for at in np.flatnonzero(ratio > 1.15):
            events += 1
            before, after = f.iloc[at - 1], f.iloc[at]
            shares_before = before["volume"] / before["turnover"]
            shares_after = after["volume"] / after["turnover"]
            bonus = shares_after / shares_before - 1
            assert round(bonus, 6) in (0.2, 0.3, 0.4, 0.5, 1.0), symbol
            assert (1 + bonus) * 0.999 <= ratio[at] < (1 + bonus) / (1 - 0.03), symbol  # and a cash dividend under 3%
    assert events >= 10


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
    with pytest.raises(DataError, match="BK0715.*BK9001.*BK9101–BK9130"):
        store.board("BK0715")


def test_valuations_are_never_invented(store):
    vals = store.valuations(date(2026, 5, 11))
    assert vals.empty and list(vals.columns) == ["symbol", "pe_ttm", "pe_dynamic", "pb", "mcap", "float_mcap"]
