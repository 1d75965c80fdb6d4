"""Benchmark: an event study of 50 members × 20 events over 2,500 sessions. Target on
the project machine: under 1 s once the bars are in memory.

Untimed set-up: synthetic board-correct bars (the demo generator: limit moves,
suspensions, dividends, late listings on STAR) for 50 stocks across the main boards,
ChiNext and STAR plus CSI 300 over 2,500 sessions, and a theme listing the 50 members
and 20 dated events spread over the last 2,200 sessions (each with its 250-session
estimation window inside the data). Members listed late in the span (the STAR codes,
from 2019) have no case at the events before their listing, so the study has fewer
than members × events cases (912 of 50 × 20): the output says how many. Timed, best of ``--repeats`` runs in one process:

- the study (the target): the backtest pipeline's load and align stages on a DataStore
  that serves the bars from memory, returns, the market-model fits, abnormal returns,
  the tests (residual correlation included), tradability and the JSON result, with each
  step's share of the best run;
- the command's whole path from Parquet files in a ``--data-dir`` folder: the same plus
  reading and checking the files in the data layer (reported, not part of the target).

Prints wall times and peak memory (the process's peak resident set size).

    python benchmarks/bench_event.py [--members 50] [--events 20] [--sessions 2500] [--repeats 5]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

TARGET_SECONDS = 1.0
TODAY = date(2026, 12, 31)


def member_symbols(n: int) -> list[str]:
    """Main board SH/SZ, ChiNext and STAR codes, in turn."""
    bases = ((600000, "SH"), (1, "SZ"), (300001, "SZ"), (688001, "SH"))
    return [f"{bases[j % 4][0] + j // 4:06d}.{bases[j % 4][1]}" for j in range(n)]


def make_bars(symbols: list[str], n_sessions: int) -> tuple[dict[str, pd.DataFrame], list[date]]:
    """Bar frames for ``symbols`` and CSI 300 over ``n_sessions``, and the sessions."""
    from screener.calendar import sessions
    from screener.data import demo

    grid = sessions("2016-01-04", "2026-12-31")[:n_sessions]
    return demo.generate([*symbols, "000300.SH"], grid[0].date(), grid[-1].date()), [d.date() for d in grid]


class MemoryStore:
    """A DataStore serving bars already in memory (what a warm process holds)."""

    def __init__(self, frames: dict[str, pd.DataFrame]):
        self.frames = frames

    def load(self, symbols: list[str], start: date | None = None, end: date | None = None) -> Any:
        from screener.data.model import Bars, MarketData, Source

        lo, hi = pd.Timestamp(start or date.min), pd.Timestamp(end or date.max)
        bars = {s: Bars(s, f[(f.index >= lo) & (f.index <= hi)], Source.DIR, "memory")
                for s in symbols if (f := self.frames.get(s)) is not None}
        return MarketData(bars, Source.DIR, "memory (benchmark)", [s for s in symbols if s not in bars])

    def board(self, code: str, source: str = "em") -> Any:
        raise NotImplementedError


def timed(theme: Any, store: Any, repeats: int) -> tuple[list[float], tuple[float, ...], dict[str, Any]]:
    """Best-of timings of one study: totals, the best run's steps, and its result."""
    from screener.backtest import run as stages
    from screener.event import plan as plan_mod
    from screener.event.run import assemble, measure
    from screener.event.settings import EventSettings

    settings = EventSettings()
    totals, parts, result = [], [], {}
    for _ in range(repeats):
        t0 = time.perf_counter()
        plan = plan_mod.resolve(theme, settings, TODAY)
        loaded = stages.load(plan.request, store)
        t1 = time.perf_counter()
        aligned = stages.align(loaded)
        t2 = time.perf_counter()
        study = measure(plan, aligned)
        t3 = time.perf_counter()
        result = assemble(study)
        t4 = time.perf_counter()
        totals.append(t4 - t0)
        parts.append((t1 - t0, t2 - t1, t3 - t2, t4 - t3))
    best = min(range(len(totals)), key=totals.__getitem__)
    return totals, parts[best], result


def write_theme(path: Path, symbols: list[str], event_days: list[date]) -> None:
    lines = ["id: bench", "name: Benchmark basket", "benchmark: 000300.SH", "members:"]
    lines += [f"  - {{symbol: {s}, name: M{i:02d}}}" for i, s in enumerate(symbols)]
    lines += ["events:"] + [f"  - {{date: {d}, label: event {k}}}" for k, d in enumerate(event_days)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=2500)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)

    from screener.data import DataOptions, open_store
    from screener.event.run import run_event_study
    from screener.event.settings import EventSettings
    from screener.theme import load_theme

    symbols = member_symbols(args.members)
    frames, days = make_bars(symbols, args.sessions)
    step = (len(days) - 300) // args.events
    event_days = [days[len(days) - 25 - k * step] for k in range(args.events)][::-1]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        for sym, frame in frames.items():
            frame.reset_index().to_parquet(folder / f"{sym}.parquet", index=False)
        theme_file = Path(tmp) / "bench.yaml"
        write_theme(theme_file, symbols, event_days)
        theme = load_theme(theme_file)
        memory = MemoryStore(frames)
        run_event_study(theme, EventSettings(), memory, today=TODAY)  # imports (scipy.special...) once, untimed
        totals, (load, align, stats, json_), result = timed(theme, memory, args.repeats)
        files, _, _ = timed(theme, open_store(DataOptions(data_dir=folder)), args.repeats)

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    window = result["tests"]["windows"]["window"]
    best = min(totals)
    print(f"event study: {len(result['members']):,} member-events of {args.members} members × "
          f"{len(result['events'])} events (late listings miss the earlier events) over {args.sessions:,} sessions, "
          f"market model")
    print(f"  CAAR {window['caar']:+.2%} (cross-sectional t {window['cs_t']:.2f}, BMP t {window['bmp_t']:.2f}), "
          f"{len(result['warnings'])} warnings")
    print(f"  study, bars in memory, best of {args.repeats}: {best:.3f} s (runs: {', '.join(f'{t:.3f}' for t in totals)})")
    print(f"    load stage (plan + store):  {load:.3f} s")
    print(f"    align stage (panel):        {align:.3f} s")
    print(f"    returns, fits, tests:       {stats:.3f} s")
    print(f"    JSON result:                {json_:.3f} s")
    print(f"  the command's path from Parquet files (--data-dir), best of {args.repeats}: {min(files):.3f} s")
    print(f"  peak memory (max RSS): {peak / 2**20:.0f} MiB")
    ok = best < TARGET_SECONDS
    print(f"  target: study < {TARGET_SECONDS:.0f} s -> {'OK' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
