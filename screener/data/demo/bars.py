"""Demo bar frames, one symbol at a time: the symbol's return is its market beta times
the market, plus its size and sector loadings times those factors, plus its own noise;
the returns become whole-cent OHLC bars with volume, amount, adj_factor and turnover."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from screener.data import frames
from screener.data.demo import factors
from screener.data.demo.catalog import catalog
from screener.data.demo.prices import index_closes, limited_closes
from screener.data.demo.profiles import Profile, profile
from screener.data.model import BAR_COLUMNS
from screener.limits import band_percent

DEMO_START = date(2016, 1, 4)
DEMO_END = date(2026, 11, 20)

IDIO_PHI = 0.998  # a stock's own price level mean-reverts slowly: no drift to pennies
GAP_SHARE, GAP_NOISE = 0.3, 0.3  # the open: this share of the day's move, plus noise (× σ)
RANGE_NOISE = 0.45  # high above / low below the open-close range (× σ)
STOCK_RANGE_VOL, INDEX_RANGE_VOL = 0.025, 0.01  # the σ those noises scale with
VOLUME_MOVE = 8.0  # volume grows with the size of the day's move
INDEX_VOLUME, INDEX_PRICE = 1.5e10, 12.0  # shares a session; CNY per share traded at the first level


def generate(symbols: Sequence[str], start: date = DEMO_START, end: date = DEMO_END) -> dict[str, pd.DataFrame]:
    """Synthetic bar frames for ``symbols`` (normalised) on XSHG sessions in [start, end].
    Each symbol costs the same whatever else is asked for; the shared factors are made
    once per process and window."""
    entries = catalog().entries
    return {s: _frame(s, start, end, entries[s].sector if s in entries else None) for s in symbols}


@lru_cache(maxsize=None)
def demo_bars(symbol: str) -> pd.DataFrame:
    """The demo store's frame for ``symbol`` over the whole demo span (made once)."""
    return generate([symbol])[symbol]


def _frame(symbol: str, start: date, end: date, sector: str | None) -> pd.DataFrame:
    base = factors.market(start, end)
    p = profile(symbol, base.sessions, sector)
    returns = _returns(p, base, factors.sector(sector, start, end) if sector else None)
    if p.symbol.is_index:
        return _index_frame(p, base.sessions, returns)
    return _stock_frame(p, base.sessions, returns)


def _returns(p: Profile, base: factors.Market, sector: np.ndarray | None) -> np.ndarray:
    """Daily log returns: the factor mix plus own noise, less a variance drag so that the
    expected *arithmetic* return is beta times the market's (no free lunch from
    rebalancing volatile names)."""
    var = base.regime**2 * ((p.beta**2 - p.beta) * factors.MARKET_VOL**2 + (p.size * factors.SIZE_VOL) ** 2)
    if p.symbol.is_index:
        own = p.idio_vol * p.shocks
        var = var + p.idio_vol**2
    else:
        own = factors.reverting(p.idio_vol * np.sqrt(base.regime) * p.shocks, IDIO_PHI)
        var = var + base.regime * p.idio_vol**2
    out = p.beta * base.market + p.size * base.size + own
    if sector is not None:
        out = out + p.sector * sector
        var = var + (base.regime * p.sector * factors.SECTOR_VOL) ** 2
    return out - var / 2


def _stock_frame(p: Profile, sessions: pd.DatetimeIndex, returns: np.ndarray) -> pd.DataFrame:
    traded = ~p.suspended
    traded[: p.listed] = False
    pos = np.flatnonzero(traded)
    if len(pos) == 0:
        return frames.from_arrays(sessions[:0], np.empty((0, len(BAR_COLUMNS))))
    # a session's step is the return since the last traded session (catch-up after a halt)
    cum = np.cumsum(returns)
    steps = np.diff(cum[pos], prepend=cum[pos[0]] - returns[pos[0]])
    band = band_percent(p.symbol, sessions.to_numpy())[pos]
    c = limited_closes(round(p.level * 100), steps, band, p.force[pos], p.cash[pos], p.bonus[pos])
    move = np.log(c.close / c.ref)
    opn, high, low = (
        np.clip(x, c.lower, c.upper)
        for x in _ohlc(c.ref, c.close, move, STOCK_RANGE_VOL, p.gap[pos], p.hi_noise[pos], p.lo_noise[pos])
    )
    float_shares = p.float_shares * np.cumprod(1.0 + p.bonus[pos])
    volume = _volume(float_shares * p.turnover, p.vol_noise[pos], move)
    values = np.column_stack([
        opn / 100, high / 100, low / 100, c.close / 100, volume,
        np.round(volume * (opn + high + low + c.close) / 400, 2), c.adj, volume / float_shares,
    ])
    return frames.from_arrays(sessions[pos], values)


def _index_frame(p: Profile, sessions: pd.DatetimeIndex, returns: np.ndarray) -> pd.DataFrame:
    first = round(p.level * 100)
    close = index_closes(first, returns)
    prev = np.concatenate(([first], close[:-1]))
    opn, high, low = _ohlc(prev, close, returns, INDEX_RANGE_VOL, p.gap, p.hi_noise, p.lo_noise)
    volume = _volume(np.full(len(close), INDEX_VOLUME), p.vol_noise, returns)
    values = np.column_stack([
        opn / 100, high / 100, np.maximum(low, 1) / 100, close / 100, volume,
        np.round(volume * INDEX_PRICE * close / first, 2), np.ones(len(close)), np.full(len(close), np.nan),
    ])
    return frames.from_arrays(sessions, values)


def _ohlc(prev: np.ndarray, close: np.ndarray, move: np.ndarray, sigma: float,
          gap: np.ndarray, hi: np.ndarray, lo: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Open (part of the day's move plus overnight noise), high and low (beyond the
    open-close range by half-normal noise), in cents, before any limit clipping."""
    opn = np.rint(prev * np.exp(GAP_SHARE * move + GAP_NOISE * sigma * gap))
    high = np.rint(np.maximum(opn, close) * (1 + RANGE_NOISE * sigma * hi))
    low = np.rint(np.minimum(opn, close) * (1 - RANGE_NOISE * sigma * lo))
    return opn, high, low


def _volume(typical: np.ndarray, noise: np.ndarray, move: np.ndarray) -> np.ndarray:
    """Shares traded, in whole lots of 100 (at least one)."""
    return np.maximum(np.rint(typical * noise * (1 + VOLUME_MOVE * np.abs(move)) / 100), 1) * 100
