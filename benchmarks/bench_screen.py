"""Benchmark: screen 5,000 synthetic symbols × 260 sessions (every factor defined).

Times (1) building the session × symbol panel and computing every factor,
(2) the whole ``screen()`` run on an in-memory store (window clipping, factors,
a ``--where`` filter, sorting) and, with ``--from-cache``, (3) the same screen through
the real offline store reading a Parquet cache written to a temporary folder first
(untimed, with its bulk-read snapshot). Prints wall time and peak memory; target < 5 s.

    python benchmarks/bench_screen.py [--symbols 5000] [--sessions 260] [--from-cache]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from screener.calendar import sessions as xshg_sessions
from screener.data.model import BAR_COLUMNS, Bars, MarketData, Source
from screener.screen.expr import parse_where
from screener.screen.factors import FACTOR_NAMES, compute_factors
from screener.screen.panel import build_panel
from screener.screen.run import screen
from screener.screen.universe import Universe

TARGET_SECONDS = 5.0


def synthetic(n_symbols: int, n_sessions: int, seed: int = 0) -> tuple[pd.DatetimeIndex, dict[str, pd.DataFrame]]:
    """Whole-cent random walks on main-board, ChiNext and STAR codes, ~1% suspended rows."""
    grid = xshg_sessions("2024-01-01", "2026-11-20")[-n_sessions:]
    rng = np.random.default_rng(seed)
    rets = rng.normal(0.0003, 0.025, (n_sessions, n_symbols)).clip(-0.099, 0.099)
    closes = np.round(rng.uniform(3, 80, n_symbols) * np.cumprod(1 + rets, axis=0), 2)
    keep = rng.random((n_sessions, n_symbols)) > 0.01
    bases = ((600000, "SH"), (0, "SZ"), (300000, "SZ"), (688000, "SH"))  # main SH/SZ, ChiNext, STAR
    frames = {}
    for j in range(n_symbols):
        base, suffix = bases[j % 4]
        sym = f"{base + j // 4:06d}.{suffix}"
        k = keep[:, j]
        c = closes[k, j]
        values = np.column_stack([c, c * 1.01, c * 0.99, c, np.full(len(c), 1e6), c * 1e6,
                                  np.ones(len(c)), np.full(len(c), 0.02)])
        frames[sym] = pd.DataFrame(values, index=pd.DatetimeIndex(grid[k], name="date"), columns=list(BAR_COLUMNS))
    bench = np.round(3500 * np.cumprod(1 + rng.normal(0, 0.01, n_sessions)), 2)
    frames["000300.SH"] = pd.DataFrame(
        np.column_stack([bench] * 4 + [np.full(n_sessions, 1e10)] * 2 + [np.ones(n_sessions), np.full(n_sessions, np.nan)]),
        index=pd.DatetimeIndex(grid, name="date"), columns=list(BAR_COLUMNS),
    )
    return grid, frames


class MemoryStore:
    source = Source.CACHE

    def __init__(self, frames: dict[str, pd.DataFrame]):
        self.frames = frames

    def load(self, symbols: Sequence[str], start: date | None = None, end: date | None = None) -> MarketData:
        lo, hi = np.datetime64(start or "1990-01-01", "ns"), np.datetime64(end or "2100-01-01", "ns")
        bars = {}
        for s in symbols:
            if s in self.frames:
                f = self.frames[s]
                a, b = f.index.values.searchsorted(lo), f.index.values.searchsorted(hi, side="right")
                bars[s] = Bars(s, f.iloc[a:b], Source.CACHE, "memory")
        return MarketData(bars, Source.CACHE, "memory")

    def valuations(self, as_of: date | None = None) -> pd.DataFrame:
        return pd.DataFrame(columns=["symbol", "pe_ttm", "pb", "mcap", "float_mcap"])


def write_cache(root: Path, frames: dict[str, pd.DataFrame]) -> None:
    from screener.data.cache import Cache, CacheMeta

    cache = Cache(root)
    for sym, frame in frames.items():
        first, last = frame.index[0].date(), frame.index[-1].date()
        cache.write_bars(sym, frame, CacheMeta("synthetic", datetime(2026, 11, 20, 16), first, last))
    cache.consolidate()  # the bulk-read snapshot `screener data fetch` leaves behind


def measure(label: str, fn) -> tuple[object, float]:
    """Time ``fn`` twice (the slower run counts), then run it once more under tracemalloc
    for its peak memory (tracing slows Python down, so it is not part of the timing)."""
    times = []
    for _ in range(2):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    elapsed = max(times)
    print(f"{label:<46} {elapsed:6.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)})   "
          f"peak allocated {peak / 2**20:6.1f} MiB")
    return out, elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--symbols", type=int, default=5000)
    ap.add_argument("--sessions", type=int, default=260)
    ap.add_argument("--from-cache", action="store_true", help="also screen through a real offline Parquet cache")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    grid, frames = synthetic(args.symbols, args.sessions)
    stocks = [s for s in frames if s != "000300.SH"]
    print(f"synthetic data: {len(stocks)} symbols × {len(grid)} sessions "
          f"({grid[0].date()} → {grid[-1].date()}), built in {time.perf_counter() - t0:.1f} s")

    def factors_only() -> pd.DataFrame:
        panel = build_panel({s: frames[s] for s in stocks}, grid)
        bench = build_panel({"000300.SH": frames["000300.SH"]}, grid)
        return compute_factors(panel, bench)

    table, t_factors = measure("panel + every factor", factors_only)
    where = parse_where("ret_20d > 0 and vol_20d < 60% and not limit_up_today", FACTOR_NAMES, ["limit_up_today"])
    universe = Universe("all", "all", "synthetic", stocks)
    result, t_screen = measure(
        "screen(): load window, factors, --where, sort",
        lambda: screen(MemoryStore(frames), universe, where=where, sort=["ret_60d"], top=50),
    )
    times = [t_factors, t_screen]
    if args.from_cache:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            write_cache(Path(tmp), frames)
            print(f"wrote {len(frames)} symbols to a Parquet cache in {time.perf_counter() - t0:.1f} s (untimed)")
            from screener.data import DataOptions, open_store

            store = open_store(DataOptions(offline=True, cache_dir=Path(tmp)))
            _, t_cache = measure(
                "screen() from the offline cache",
                lambda: screen(store, universe, where=where, sort=["ret_60d"], top=50),
            )
            measure("  of which store.load() (the data layer)", lambda: store.load([*stocks, "000300.SH"], grid[0].date()))
            times.append(t_cache)
    defined = int(table.drop(columns=["pe_ttm", "pb", "mcap", "float_mcap"], errors="ignore").notna().all(axis=1).sum())
    print(f"rows with every price factor defined: {defined}/{len(table)}; "
          f"passed the filter: {result.summary.passed}")  # type: ignore[attr-defined]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS {rss:.0f} MiB")
    worst = max(times)
    verdict = "OK" if worst < TARGET_SECONDS else "SLOW"
    print(f"{verdict}: {worst:.2f} s against a target of {TARGET_SECONDS:.0f} s")
    return 0 if worst < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
