"""Align members' bar frames on one XSHG session index, as (session × member) arrays.

Every member is reindexed onto the same sessions, so members with different first
dates or gaps never shift each other's bars (backtrader's clock pitfall). A session
with no bar is a suspension (or the member is not listed yet): its ``open``/``close``
are NaN there, while ``last_close`` carries the last traded close for valuation.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from screener.limits import listing_sessions

T = TypeVar("T")


@dataclass
class Panel:
    """Aligned raw prices and adjustment factors; row 0 is the base date.

    ``open``, ``close``: raw prices, NaN without a bar. ``adj``: the adjustment factor
    (hfq / raw) carried forward over gaps. ``last_close``: the last raw close on or
    before each session. ``prev_close``, ``prev_adj``: the last raw close and factor
    strictly before each session (the limit reference). ``nth``: the member's session
    count since listing when its listing falls inside the loaded history, else 0;
    ``listed_on``: that listing's date per member (datetime64[D]), NaT for the others.
    ``volume``: shares traded, NaN without a bar (or when the data has none).
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
    listed_on: np.ndarray
    volume: np.ndarray
    off_calendar: dict[str, int] = field(default_factory=dict)  # bars dropped: not an XSHG session
    _derived: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def has_bar(self) -> np.ndarray:
        return ~np.isnan(self.close)

    @cached_property
    def listed(self) -> np.ndarray:
        """True from a member's first bar on (it has a price to be valued at); worked out
        once, as it is read at every rebalance."""
        return ~np.isnan(self.last_close)

    def derived(self, key: Hashable, work_out: Callable[[], T]) -> T:
        """``work_out()``, a value that depends on the panel alone (and on ``key``), worked
        out once: simulations on one panel (a sweep's cells, an event study's runs) share
        it. Callers never change what it returns."""
        try:
            return self._derived[key]
        except KeyError:
            value = self._derived[key] = work_out()
            return value

    def adjusted_close(self) -> np.ndarray:
        """Last close × factor: the total-return price used for valuation (NaN before listing)."""
        return self.last_close * self.adj


def build_panel(
    frames: Mapping[str, pd.DataFrame],
    sessions: pd.DatetimeIndex,
    base: pd.Timestamp,
) -> Panel:
    """Arrays for ``frames`` (symbol → bar frame with sorted unique dates, as the data
    layer gives them) on ``sessions`` (increasing; they include history before ``base``
    for last closes and limit references), cut to start at ``base``. Bars outside the
    sessions' span are ignored; bars inside it on days that are not sessions are counted
    in ``off_calendar``; a bar without a close is no trade (a gap)."""
    sessions = pd.DatetimeIndex(sessions)
    symbols = list(frames)
    i0 = _base_row(sessions, base)
    grid = _lay_out(frames, sessions)
    has = ~np.isnan(grid.close)
    opn, adj = _traded_only(grid, has)
    last = _last_rows(has)
    last_close = np.take_along_axis(grid.close, last, axis=0)
    adj_ff = np.take_along_axis(adj, last, axis=0)
    cut = slice(i0, None)
    return Panel(
        dates=pd.DatetimeIndex(sessions[cut], name="date"),
        symbols=symbols,
        open=opn[cut],
        close=grid.close[cut],
        adj=adj_ff[cut],
        last_close=last_close[cut],
        prev_close=_shift(last_close)[cut],
        prev_adj=_shift(adj_ff)[cut],
        nth=listing_sessions(has, grid.first_row > 0)[cut],
        listed_on=_listing_dates(sessions, grid.first_row),
        volume=np.where(has, grid.volume, np.nan)[cut],
        off_calendar={symbols[j]: int(k) for j, k in enumerate(grid.off) if k},
    )


def _listing_dates(sessions: pd.DatetimeIndex, first_row: np.ndarray) -> np.ndarray:
    """Per member, the session of its first bar when a session of the loaded history
    passed before it (a listing inside the data, as :func:`listing_sessions` counts it);
    NaT otherwise."""
    days = sessions.values.astype("datetime64[D]")
    return np.where(first_row > 0, days[np.maximum(first_row, 0)], np.datetime64("NaT"))


_LAID_OUT = ("open", "close", "adj_factor", "volume")


@dataclass
class _Grid:
    """Bars laid on the (session × member) grid, NaN where a member has no bar."""

    open: np.ndarray
    close: np.ndarray
    factor: np.ndarray  # adj_factor as given (NaN where the frame has none)
    volume: np.ndarray
    first_row: np.ndarray  # per member: the row of its first bar on a session, -1 without one
    off: np.ndarray  # per member: bars inside the sessions' span on days that are not sessions


def _base_row(sessions: pd.DatetimeIndex, base: pd.Timestamp) -> int:
    if not sessions.is_monotonic_increasing:
        raise ValueError("sessions must be in increasing order")
    i0 = int(sessions.searchsorted(base))
    if i0 >= len(sessions) or sessions[i0] != base:
        raise ValueError(f"base date {base.date()} is not in the session index")
    return i0


def _lay_out(frames: Mapping[str, pd.DataFrame], sessions: pd.DatetimeIndex) -> _Grid:
    """One pass over the members with numpy only: each frame's block (one ``to_numpy``),
    cut to the sessions' span by binary search, its rows looked up by day number. Bars
    are written member by member into (member × session) arrays, where each member's
    writes are contiguous, which are then turned (session × member) once."""
    days = sessions.values.astype("datetime64[ns]")
    lookup = _SessionRows(days)
    m, n = len(frames), len(days)
    by_member = [np.full((m, n), np.nan) for _ in _LAID_OUT]
    first_row, off = np.full(m, -1), np.zeros(m, dtype=np.int64)
    for j, frame in enumerate(frames.values()):
        dates = np.asarray(frame.index.values, dtype="datetime64[ns]")
        lo, hi = dates.searchsorted(days[0]), dates.searchsorted(days[-1], side="right")
        if lo == hi:
            continue
        rows, on = lookup.rows(dates[lo:hi])
        values = frame.to_numpy(dtype=float)[lo:hi]
        if not on.all():
            off[j] = len(on) - int(on.sum())
            rows, values = rows[on], values[on]
        if len(rows):
            first_row[j] = rows[0]
        for target, k in zip(by_member, _positions(frame.columns)):
            if k is not None:
                target[j, rows] = values[:, k]
    grids = []
    while by_member:  # one at a time: a single extra array in memory
        grids.append(np.ascontiguousarray(by_member.pop(0).T))
    return _Grid(*grids, first_row, off)


class _SessionRows:
    """The row of a timestamp among the sessions (all at midnight), found in a table
    indexed by day number: constant time a bar, where a binary search takes a dozen steps."""

    DAY = 86_400 * 10**9  # nanoseconds

    def __init__(self, days: np.ndarray):
        ns = days.view(np.int64)
        offsets = ns - ns[0]
        if np.any(offsets % self.DAY):
            raise ValueError("sessions must be dates (midnight timestamps)")
        self.first = ns[0]
        self.table = np.full(int(offsets[-1] // self.DAY) + 1, -1, dtype=np.int64)
        self.table[offsets // self.DAY] = np.arange(len(days))

    def rows(self, stamps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row, is a session) for timestamps inside the sessions' span; the row is
        meaningless where the timestamp is not a session."""
        day, rest = np.divmod(stamps.view(np.int64) - self.first, self.DAY)
        rows = self.table[day]
        return rows, (rest == 0) & (rows >= 0)


def _positions(columns: pd.Index) -> tuple[int | None, ...]:
    """Where ``open``, ``close``, ``adj_factor``, ``volume`` sit in a frame's block (None: absent)."""
    return tuple(columns.get_loc(name) if name in columns else None for name in _LAID_OUT)


def _traded_only(grid: _Grid, has: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(open, adj) where there is a close, NaN elsewhere; a bar without a factor has 1.0.
    Worked in place in the grid's arrays (no copies of the whole panel)."""
    gap = ~has
    np.copyto(grid.open, np.nan, where=gap)
    np.copyto(grid.factor, 1.0, where=np.isnan(grid.factor))
    np.copyto(grid.factor, np.nan, where=gap)
    return grid.open, grid.factor


def _last_rows(has: np.ndarray) -> np.ndarray:
    """Per (row, member): the last row on or before it with a bar (0 before the first,
    where the arrays hold NaN): forward filling is one ``take_along_axis`` with it."""
    rows = np.where(has, np.arange(len(has))[:, None], 0)
    np.maximum.accumulate(rows, axis=0, out=rows)
    return rows


def _shift(a: np.ndarray) -> np.ndarray:
    """``a`` one row down: row r holds row r-1's values (NaN in row 0)."""
    out = np.empty_like(a)
    out[0] = np.nan
    out[1:] = a[:-1]
    return out
