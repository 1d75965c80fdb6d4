"""Benchmark: demo data generation, in fresh processes (nothing cached).

Timed in each child process, after the imports and the trading calendar are loaded:
the demo catalog (parsing the built-in themes), then generating the bars that
``screener backtest fiber --demo`` loads (the fiber members and CSI 300), or every demo
symbol. Prints min and median over ``--repeat`` processes, and the peak memory of the
last child (its peak resident set size).

    python benchmarks/bench_demo.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time

CASES = ("fiber", "all")


def child(case: str) -> None:
    import resource

    from screener import calendar
    from screener.data import demo
    from screener.theme import ThemeRegistry

    calendar.sessions(demo.DEMO_START, demo.DEMO_END)  # the calendar's import is not demo generation
    t0 = time.perf_counter()
    entries = demo.catalog().entries
    t1 = time.perf_counter()
    if case == "fiber":
        theme = ThemeRegistry.default().load("fiber")
        symbols = [m.symbol for m in theme.members] + [theme.benchmark.symbol]
    else:
        symbols = list(entries)
    t2 = time.perf_counter()
    demo.generate(symbols)
    t3 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"symbols": len(symbols), "catalog": t1 - t0, "generate": t3 - t2, "peak": peak}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return 0
    print(f"{'case':<8}{'symbols':>8}{'generate min':>14}{'median':>10}{'catalog median':>16}{'peak RSS':>11}")
    for case in CASES:
        runs = [
            json.loads(subprocess.run([sys.executable, __file__, "--child", case], capture_output=True,
                                      text=True, check=True).stdout)
            for _ in range(args.repeat)
        ]
        gen = [r["generate"] for r in runs]
        print(f"{case:<8}{runs[0]['symbols']:>8}{min(gen):>13.3f}s{statistics.median(gen):>9.3f}s"
              f"{statistics.median(r['catalog'] for r in runs):>15.3f}s{runs[-1]['peak'] / 2**20:>8.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
