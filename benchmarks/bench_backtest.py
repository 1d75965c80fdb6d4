"""Benchmark: backtest 50 members × 2,500 sessions, monthly rebalancing, A-share rules,
from local data. Target on the project machine: under 4 s and under 1 GiB.

Untimed set-up: synthetic board-correct bars (the demo generator: limit moves,
suspensions, dividends, late listings on STAR) for 50 stocks across the main boards,
ChiNext and STAR plus CSI 300, written as Parquet files to a temporary ``--data-dir``
folder, and a theme file listing the 50 members. Timed: the whole backtest as the
command runs it — reading the files through the data layer, aligning, the backtrader
engine, metrics and claims — then the engine alone. Prints wall time and peak memory
(the process's peak resident set size).

    python benchmarks/bench_backtest.py [--members 50] [--sessions 2500] [--rebalance monthly] [--fill close]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 4.0
TARGET_BYTES = 1 << 30


def member_symbols(n: int) -> list[str]:
    """Main board SH/SZ, ChiNext and STAR codes, in turn."""
    bases = ((600000, "SH"), (1, "SZ"), (300001, "SZ"), (688001, "SH"))
    return [f"{bases[j % 4][0] + j // 4:06d}.{bases[j % 4][1]}" for j in range(n)]


def write_data(folder: Path, symbols: list[str], n_sessions: int) -> tuple[str, str]:
    from screener.calendar import sessions
    from screener.data import demo

    grid = sessions("2016-01-04", "2026-12-31")[: n_sessions + 1]  # the base date, then the window
    first, last = grid[0].date(), grid[-1].date()
    for sym, frame in demo.generate([*symbols, "000300.SH"], first, last).items():
        frame.reset_index().to_parquet(folder / f"{sym}.parquet", index=False)
    return str(grid[1].date()), str(last)


def write_theme(path: Path, symbols: list[str], start: str, end: str) -> None:
    lines = ["id: bench", "name: Benchmark basket", "benchmark: 000300.SH", "members:"]
    lines += [f"  - {{symbol: {s}, name: M{i:02d}}}" for i, s in enumerate(symbols)]
    claim = f"{{id: whole, kind: period_return, start: {start}, end: {end}, value: 0.5, comparison: at_least}}"
    lines += ["claims:", f"  - {claim}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--sessions", type=int, default=2500)
    parser.add_argument("--rebalance", default="monthly", choices=["none", "monthly", "quarterly"])
    parser.add_argument("--fill", default="close", choices=["open", "close"],
                        help="close (default) meets the generated limit-up/down closes, so orders get blocked")
    args = parser.parse_args(argv)

    from screener.backtest import engine
    from screener.backtest.panel import build_panel
    from screener.backtest.run import run_backtest
    from screener.backtest.settings import BacktestSettings
    from screener.data import DataOptions, open_store
    from screener.theme import load_theme

    symbols = member_symbols(args.members)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        start, end = write_data(folder, symbols, args.sessions)
        theme_file = Path(tmp) / "bench.yaml"
        write_theme(theme_file, symbols, start, end)
        theme = load_theme(theme_file)
        settings = BacktestSettings(start=start, end=end, rebalance=args.rebalance, fill=args.fill)
        import backtrader  # noqa: F401  (a command pays this once; keep it out of the loop timing)

        t0 = time.perf_counter()
        result = run_backtest(theme, settings, open_store(DataOptions(data_dir=folder)))
        total = time.perf_counter() - t0

        # the engine alone, on the same aligned data
        md = open_store(DataOptions(data_dir=folder)).load(symbols)
        frames = {s: b.frame for s, b in md.bars.items()}
        import pandas as pd

        from screener.calendar import trading_index

        grid, _ = trading_index(pd.Timestamp("2015-09-01"), pd.Timestamp(end))
        panel = build_panel(frames, grid, pd.Timestamp(result["base_date"]))
        t1 = time.perf_counter()
        res = engine.simulate(panel, [1.0] * len(panel.symbols), settings)
        engine_time = time.perf_counter() - t1

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    b = result["basket"]
    print(f"backtest: {len(result['members'])} members × {result['sessions']} sessions, "
          f"{args.rebalance} rebalancing, fill at {args.fill}, A-share rules, local Parquet data")
    print(f"  trades {len(res.trades)}, blocked order-sessions {int(res.events['reason'].isin(['upper_limit', 'lower_limit']).sum())}, "
          f"total return {b['total_return']:+.2%}, costs {b['costs_paid']:,.0f} CNY")
    print(f"  whole backtest (load + align + engine + metrics + claims): {total:.2f} s")
    print(f"  engine alone (backtrader run):                            {engine_time:.2f} s")
    print(f"  peak memory (max RSS): {peak / 2**20:.0f} MiB")
    ok = total < TARGET_SECONDS and peak < TARGET_BYTES
    print(f"  target: < {TARGET_SECONDS:.0f} s and < 1 GiB -> {'OK' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
