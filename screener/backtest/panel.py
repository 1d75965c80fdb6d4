"""Align members' bar frames on one XSHG session index, as (session × member) arrays.

Every member is reindexed onto the same sessions, so members with different first
dates or gaps never shift each other's bars (backtrader's clock pitfall). A session
with no bar is a suspension (or the member is not listed yet): its ``open``/``close``
are NaN there, while ``last_close`` carries the last traded close for valuation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd


@dataclass
class Panel:
    """Aligned raw prices and adjustment factors; row 0 is the base date.

    ``open``, ``close``: raw prices, NaN without a bar. ``adj``: the adjustment factor
    (hfq / raw) carried forward over gaps. ``last_close``: the last raw close on or
    before each session. ``prev_close``, ``prev_adj``: the last raw close and factor
    strictly before each session (the limit reference). ``nth``: the member's session
    count since listing when its listing falls inside the loaded history, else 0.
    """

    dates: pd.DatetimeIndex
    symbols: list[str]
    open: np.ndarray
    close: np.ndarray
    adj: np.ndarray
    last_close: np.ndarray
    prev_close: np.ndarray
    prev_adj: np.ndarray
    nth: np.ndarray
    off_calendar: dict[str, int] = field(default_factory=dict)  # bars dropped: not an XSHG session

    @property
    def has_bar(self) -> np.ndarray:
        return ~np.isnan(self.close)

    @cached_property
    def listed(self) -> np.ndarray:
        """True from a member's first bar on (it has a price to be valued at); worked out
        once, as it is read at every rebalance."""
        return ~np.isnan(self.last_close)

    def adjusted_close(self) -> np.ndarray:
        """Last close × factor: the total-return price used for valuation (NaN before listing)."""
        return self.last_close * self.adj


def build_panel(
    frames: Mapping[str, pd.DataFrame],
    sessions: pd.DatetimeIndex,
    base: pd.Timestamp,
) -> Panel:
    """Arrays for ``frames`` (symbol → bar frame) on ``sessions`` (which include history
    before ``base`` for last closes and limit references), cut to start at ``base``."""
    sessions = pd.DatetimeIndex(sessions)
    symbols = list(frames)
    n = len(sessions)
    i0 = int(sessions.searchsorted(base))
    if i0 >= n or sessions[i0] != base:
        raise ValueError(f"base date {base.date()} is not in the session index")
    shape = (n, len(symbols))
    opn, close, adj = (np.full(shape, np.nan) for _ in range(3))
    off: dict[str, int] = {}
    first = sessions[0]
    listing_seen = np.zeros(len(symbols), dtype=bool)
    for j, sym in enumerate(symbols):
        f = frames[sym]
        f = f[(f.index >= first) & (f.index <= sessions[-1])]
        pos = sessions.get_indexer(f.index)
        ok = pos >= 0
        if not ok.all():
            off[sym] = int((~ok).sum())
        pos = pos[ok]
        opn[pos, j] = f["open"].to_numpy(dtype=float)[ok]
        close[pos, j] = f["close"].to_numpy(dtype=float)[ok]
        factor = f["adj_factor"].to_numpy(dtype=float)[ok] if "adj_factor" in f else np.ones(len(pos))
        adj[pos, j] = np.where(np.isnan(factor), 1.0, factor)
        listing_seen[j] = len(pos) > 0 and sessions[pos[0]] > first
    # a bar without a close is no trade: treat it as a gap
    opn[np.isnan(close)] = np.nan
    adj[np.isnan(close)] = np.nan
    last_close = pd.DataFrame(close).ffill().to_numpy()
    adj_ff = pd.DataFrame(adj).ffill().to_numpy()
    prev_close = np.vstack([np.full((1, len(symbols)), np.nan), last_close[:-1]])
    prev_adj = np.vstack([np.full((1, len(symbols)), np.nan), adj_ff[:-1]])
    nth = np.cumsum(~np.isnan(close), axis=0)
    nth[:, ~listing_seen] = 0
    cut = slice(i0, None)
    return Panel(
        dates=pd.DatetimeIndex(sessions[cut], name="date"),
        symbols=symbols,
        open=opn[cut],
        close=close[cut],
        adj=adj_ff[cut],
        last_close=last_close[cut],
        prev_close=prev_close[cut],
        prev_adj=prev_adj[cut],
        nth=nth[cut],
        off_calendar=off,
    )
