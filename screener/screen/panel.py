"""Wide session × symbol arrays built once from per-symbol bar frames.

Every factor is computed column-wise from these arrays, so screening 5,000 symbols
costs a handful of numpy operations rather than 5,000 Python loops over frames.

Row 0 of every array is a *seed*: the symbol's last bar before the first session of the
grid (NaN when there is none), so that carrying the last close forward works for a
symbol whose last bar before the window is older than the window itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

_COLUMNS = ("close", "adj_factor", "amount", "turnover")


@dataclass
class Panel:
    """Session × symbol arrays on a trading grid ending at the as-of session.

    ``close``, ``adj_factor``, ``amount``, ``turnover`` are raw values (NaN on a session
    without a bar); ``traded`` marks sessions with a bar; ``first`` is the row of each
    symbol's first bar in the data (a large number when it has none). Row 0 is the seed.
    """

    sessions: pd.DatetimeIndex  # the grid, without the seed row
    symbols: list[str]
    close: np.ndarray
    adj_factor: np.ndarray
    amount: np.ndarray
    turnover: np.ndarray
    traded: np.ndarray
    first: np.ndarray

    @property
    def as_of(self) -> pd.Timestamp:
        return self.sessions[-1]

    def carried(self, values: np.ndarray) -> np.ndarray:
        """``values`` with each NaN replaced by the last non-NaN value above it."""
        return _ffill(values)

    def adjusted_close(self) -> np.ndarray:
        """Close × adj_factor, carried forward over suspensions (the last close on or
        before each session)."""
        return _ffill(self.close * self.adj_factor)


def _ffill(a: np.ndarray) -> np.ndarray:
    """Forward-fill NaNs down each column (numpy, no per-column loop)."""
    n = a.shape[0]
    idx = np.where(np.isnan(a), 0, np.arange(n)[:, None])
    np.maximum.accumulate(idx, axis=0, out=idx)
    out = a[idx, np.arange(a.shape[1])[None, :]]
    return out


def build_panel(frames: Mapping[str, pd.DataFrame], sessions: pd.DatetimeIndex) -> Panel:
    """Lay each symbol's bars onto ``sessions`` (sorted, the last one is the as-of session).

    Bars after the last session are ignored; bars between grid sessions that are not on
    the grid (a non-session date) are ignored; the last bar before the grid seeds row 0.
    """
    grid = pd.DatetimeIndex(sessions)
    symbols = list(frames)
    shape = (len(grid) + 1, len(symbols))
    arrays = {c: np.full(shape, np.nan) for c in _COLUMNS}
    if len(grid) == 0:
        raise ValueError("empty session grid")
    grid_values = grid.values.astype("datetime64[ns]")
    lo, hi = grid_values[0], grid_values[-1]
    positions: dict[tuple[str, ...], list[tuple[str, int]]] = {}
    for j, sym in enumerate(symbols):
        frame = frames[sym]
        if frame is None or frame.empty:
            continue
        dates = frame.index.values.astype("datetime64[ns]")
        end = int(np.searchsorted(dates, hi, side="right"))
        if end == 0:
            continue
        start = int(np.searchsorted(dates, lo, side="left"))
        key = tuple(frame.columns)
        if key not in positions:
            positions[key] = [(c, key.index(c)) for c in _COLUMNS if c in key]
        block = frame.to_numpy(dtype=float, na_value=np.nan)  # one call: cheap for a single float block
        if start > 0:  # the seed: last bar before the grid
            for c, k in positions[key]:
                arrays[c][0, j] = block[start - 1, k]
        d = dates[start:end]
        pos = np.searchsorted(grid_values, d)
        ok = (pos < len(grid_values)) & (grid_values[np.minimum(pos, len(grid_values) - 1)] == d)
        rows = pos[ok] + 1
        if len(rows):
            picked = block[start:end][ok]
            for c, k in positions[key]:
                arrays[c][rows, j] = picked[:, k]
    close = arrays["close"]
    traded = ~np.isnan(close)  # a bar without a close is no bar
    first = np.where(traded.any(axis=0), traded.argmax(axis=0), np.iinfo(np.int64).max)
    # A bar with a price but no adj_factor is unadjusted: factor 1.
    adj = arrays["adj_factor"]
    adj[np.isnan(adj) & traded] = 1.0
    return Panel(
        sessions=grid,
        symbols=symbols,
        close=close,
        adj_factor=adj,
        amount=arrays["amount"],
        turnover=arrays["turnover"],
        traded=traded,
        first=first,
    )
