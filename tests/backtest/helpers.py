"""Hand-made bar frames that follow the data contract (``screener/data/model.py``), and
engine runs (and whole backtests) checked for parity between the ledgers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from screener.data.model import BAR_COLUMNS


def bars(
    dates: Sequence[str] | pd.DatetimeIndex,
    close: Sequence[float],
    open: Sequence[float] | None = None,
    adj: Sequence[float] | float = 1.0,
    volume: Sequence[float] | float = 1e6,
) -> pd.DataFrame:
    """A bar frame: raw ``close`` (and ``open``, default = close), ``adj_factor``, ``volume``."""
    idx = pd.DatetimeIndex(pd.to_datetime(list(dates)), name="date")
    c = np.asarray(close, dtype=float)
    o = c if open is None else np.asarray(open, dtype=float)
    frame = pd.DataFrame(
        {
            "open": o,
            "high": np.maximum(o, c),
            "low": np.minimum(o, c),
            "close": c,
            "volume": np.broadcast_to(np.asarray(volume, dtype=float), c.shape).copy(),
            "amount": np.nan,
            "adj_factor": np.broadcast_to(np.asarray(adj, dtype=float), c.shape).copy(),
            "turnover": np.nan,
        },
        index=idx,
    )
    return frame[list(BAR_COLUMNS)]


def random_walk(
    sessions: pd.DatetimeIndex,
    seed: int,
    *,
    first: int = 0,
    gaps: Sequence[tuple[int, int]] = (),
    dividends: Sequence[int] = (),
    sigma: float = 0.012,
) -> pd.DataFrame:
    """A member listed at ``sessions[first]``, with no bar on the rows in ``gaps``
    ((start, stop) ranges), cash dividends (ex-date rows) that raise the factor, and daily
    moves small enough never to touch a 10% limit."""
    rng = np.random.default_rng(seed)
    n = len(sessions)
    steps = np.clip(rng.normal(0.0005, sigma, n), -0.045, 0.045)
    close = np.round(8.0 * np.exp(np.cumsum(steps)), 2)
    opn = np.round(close * np.exp(np.clip(rng.normal(0, 0.006, n), -0.02, 0.02)), 2)
    adj = np.ones(n)
    for d in dividends:
        cash = round(close[d - 1] * 0.03, 2)
        factor = close[d - 1] / (close[d - 1] - cash)
        close[d:] = np.round(close[d:] - cash, 2)
        opn[d:] = np.round(opn[d:] - cash, 2)
        adj[d:] *= factor
    keep = np.zeros(n, dtype=bool)
    keep[first:] = True
    for a, b in gaps:
        keep[a:b] = False
    return bars(sessions[keep], close[keep], opn[keep], adj[keep])


class FakeStore:
    """An in-memory DataStore over hand-made frames (source ``dir``)."""

    def __init__(self, frames: dict[str, pd.DataFrame], boards: dict | None = None):
        self.frames = frames
        self.boards = boards or {}
        self.loads: list[tuple] = []

    def load(self, symbols, start=None, end=None):
        from screener.data.model import Bars, MarketData, Source

        self.loads.append((tuple(symbols), start, end))
        bars, missing = {}, []
        for s in symbols:
            f = self.frames.get(s)
            if f is None:
                missing.append(s)
                continue
            lo = pd.Timestamp(start) if start else f.index[0]
            hi = pd.Timestamp(end) if end else f.index[-1]
            bars[s] = Bars(s, f[(f.index >= lo) & (f.index <= hi)], Source.DIR, "test", None, None)
        return MarketData(bars, Source.DIR, "dir (test frames)", missing, [], [])

    def board(self, code, source="em"):
        from screener.errors import DataError

        if code not in self.boards:
            raise DataError(f"board {code} is not in the test store")
        return self.boards[code]


ENGINES = ("fast", "backtrader")


def simulate_checked(panel: Any, weights: np.ndarray, settings: Any) -> Any:
    """``engine.simulate`` with ``settings.engine``; a backtrader run is repeated on the
    fast ledger, which must give the same books (:func:`assert_parity`)."""
    from screener.backtest.engine import simulate

    result = simulate(panel, weights, settings)
    if settings.engine == "backtrader":
        assert_parity(result, simulate(panel, weights, settings.model_copy(update={"engine": "fast"})))
    return result


def assert_parity(a: Any, b: Any) -> None:
    """Two ledgers' books agree: identical trade lists (dates, sides, shares, prices,
    costs) and events, equity and positions within 1e-9 relative."""
    pd.testing.assert_frame_equal(a.trades, b.trades, check_exact=True)
    pd.testing.assert_frame_equal(a.events, b.events, check_exact=True)
    np.testing.assert_allclose(a.value, b.value, rtol=1e-9, atol=0)
    np.testing.assert_allclose(a.shares, b.shares, rtol=1e-9, atol=1e-9)
    assert abs(a.cash - b.cash) <= 1e-9 * max(abs(a.value[-1]), 1.0)


def run_checked(theme: Any, settings: Any, store: Any, *, today: Any) -> dict[str, Any]:
    """``run_backtest`` with ``settings.engine``; a backtrader run is repeated on the fast
    ledger, which must give the same JSON apart from ``settings.engine``
    (:func:`json_differences`)."""
    from screener.backtest.run import run_backtest

    result = run_backtest(theme, settings, store, today=today)
    if settings.engine == "backtrader":
        fast = run_backtest(theme, settings.model_copy(update={"engine": "fast"}), store, today=today)
        assert json_differences(apart_from_engine(fast), apart_from_engine(result)) == []
    return result


def apart_from_engine(result: dict[str, Any]) -> dict[str, Any]:
    """A JSON result without ``settings.engine`` (the one field the ledgers may differ in)."""
    return {**result, "settings": {k: v for k, v in result["settings"].items() if k != "engine"}}


def json_differences(fast: Any, reference: Any, path: str = "") -> list[str]:
    """Where the JSON results of the two ledgers differ: anything but a number must be
    equal; numbers may differ by float rounding in the ledgers' cash arithmetic (1e-9
    relative): backtrader books each order in adjusted units at adjusted prices, the
    fast ledger a session's sells and buys as two sums of raw values."""
    if isinstance(fast, dict) and isinstance(reference, dict):
        if list(fast) != list(reference):
            return [f"{path}: keys {list(fast)} != {list(reference)}"]
        return [d for k in fast for d in json_differences(fast[k], reference[k], f"{path}.{k}")]
    if isinstance(fast, list) and isinstance(reference, list):
        if len(fast) != len(reference):
            return [f"{path}: {len(fast)} items != {len(reference)}"]
        return [d for i, (a, b) in enumerate(zip(fast, reference)) for d in json_differences(a, b, f"{path}[{i}]")]
    if isinstance(fast, float) and isinstance(reference, float):
        return [] if abs(fast - reference) <= 1e-9 * max(abs(fast), abs(reference), 1e-3) else [f"{path}: {fast} != {reference}"]
    return [] if fast == reference and type(fast) is type(reference) else [f"{path}: {fast!r} != {reference!r}"]
