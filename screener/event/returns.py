"""Daily returns and limit states on the aligned panel (session × member arrays).

Returns are trade to trade, from adjusted closes (close × adj_factor): on a session with
a bar, the return since the member's previous bar, and ``span`` the sessions it covers
(1 normally; more on the first session after a suspension, which carries the whole move
since the last close). The benchmark's return is taken over the same sessions, so a
member and its benchmark are always compared over one stretch of time. A session
without a bar has no return (NaN, span 0).

Limit states use the one limit arithmetic (:func:`screener.limits.panel_limits`) and the
order rules' test for "at the limit" (:func:`screener.backtest.rules.buy_blocked`, cent
exact): a limit-up close is a close at the upper limit price, a session that opened at it
is one a buy could not fill at the open.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from screener import limits
from screener.backtest import rules
from screener.backtest.panel import Panel
from screener.symbols import parse_symbol


@dataclass(frozen=True)
class Market:
    """Per (session, member) arrays on the panel's dates; the benchmark's per session."""

    dates: pd.DatetimeIndex
    symbols: list[str]
    ret: np.ndarray  # return since the previous bar (adjusted), NaN without one
    span: np.ndarray  # sessions that return covers (0 without a return)
    bench_ret: np.ndarray  # the benchmark's return over the same sessions, NaN without data
    open: np.ndarray  # raw prices, NaN without a bar
    close: np.ndarray
    value: np.ndarray  # adjusted last close: what a holding is worth (NaN before listing)
    adj: np.ndarray  # adjustment factor (carried over gaps)
    bench_intraday: np.ndarray  # the benchmark's close / open - 1 per session, NaN without
    limit_up_close: np.ndarray  # closed at the upper limit price
    open_at_limit: np.ndarray  # opened at the upper limit price: no buy at the open

    @property
    def has_bar(self) -> np.ndarray:
        return ~np.isnan(self.close)


def build(panel: Panel, benchmark: pd.DataFrame | None) -> Market:
    """The arrays for ``panel`` and the benchmark's bar frame (None: no benchmark data)."""
    has = ~np.isnan(panel.close)
    price = panel.close * panel.adj
    prev = previous_bar_rows(has)
    ret, span = _trade_to_trade(price, prev)
    bench_close, bench_intraday = _benchmark(benchmark, panel.dates)
    bench_ret = _over_spans(bench_close, prev)
    upper = limits.panel_limits(
        [parse_symbol(s) for s in panel.symbols], panel.dates.values, panel.prev_close, panel.prev_adj, panel.adj,
        panel.nth, panel.listed_on,
    )[1]
    with np.errstate(invalid="ignore"):
        limit_up = has & rules.buy_blocked(panel.close, upper)
        open_at = has & rules.buy_blocked(panel.open, upper)
    return Market(
        dates=panel.dates, symbols=list(panel.symbols), ret=ret, span=span, bench_ret=bench_ret,
        open=panel.open, close=panel.close, value=panel.adjusted_close(), adj=panel.adj,
        bench_intraday=bench_intraday, limit_up_close=limit_up, open_at_limit=open_at,
    )


def previous_bar_rows(has: np.ndarray) -> np.ndarray:
    """Per (row, member): the last row strictly before it with a bar, -1 without one."""
    rows = np.where(has, np.arange(len(has))[:, None], -1)
    np.maximum.accumulate(rows, axis=0, out=rows)
    out = np.full_like(rows, -1)
    out[1:] = rows[:-1]
    return out


def _trade_to_trade(price: np.ndarray, prev: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    cols = np.arange(price.shape[1])
    before = np.where(prev >= 0, price[np.maximum(prev, 0), cols], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        ret = price / before - 1.0
    span = np.where(np.isnan(ret), 0, np.arange(len(price))[:, None] - prev)
    return ret, span


def _benchmark(frame: pd.DataFrame | None, dates: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """The benchmark's adjusted close and its open-to-close return on ``dates`` (NaN
    where it has no bar: an index gap is never filled with a flat day)."""
    if frame is None:
        nan = np.full(len(dates), np.nan)
        return nan, nan
    bars = frame.reindex(dates)
    factor = bars["adj_factor"].fillna(1.0) if "adj_factor" in bars else 1.0
    close = (bars["close"] * factor).to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        intraday = (bars["close"] / bars["open"]).to_numpy(dtype=float) - 1.0 if "open" in bars else np.full(len(dates), np.nan)
    return close, intraday


def _over_spans(bench_close: np.ndarray, prev: np.ndarray) -> np.ndarray:
    """The benchmark's return from each member's previous bar to the session."""
    rows = np.arange(len(prev))[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        out = bench_close[rows] / np.where(prev >= 0, bench_close[np.maximum(prev, 0)], np.nan) - 1.0
    return np.broadcast_to(out, prev.shape).copy()
