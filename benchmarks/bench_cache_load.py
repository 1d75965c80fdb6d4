"""Benchmark: load 5,000 symbols × 2,500 sessions from the cache.

Builds a synthetic cache in a temporary folder (never committed), then — in a fresh
process, so the numbers are not polluted by the build — times two read paths:

* ``Cache.read_many``: the raw per-symbol Parquet reads (pyarrow, thread pool);
* ``LiveStore(offline).load``: what a command gets, including the quality checks
  (the timed result; the snapshot is built as ``screener data fetch`` would build it).

Prints wall time and peak RSS of the loading process. Targets: < 3 s, < 2 GiB.

    python benchmarks/bench_cache_load.py [--symbols 5000] [--sessions 2500] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 3.0
TARGET_BYTES = 2 * 1024**3


def symbols(n: int) -> list[str]:
    """n distinct valid stock codes across SH main, SZ main, ChiNext and STAR."""
    out: list[str] = []
    for prefix, suffix in (("600", "SH"), ("601", "SH"), ("603", "SH"), ("000", "SZ"), ("002", "SZ"),
                           ("300", "SZ"), ("688", "SH"), ("605", "SH")):
        for i in range(1000):
            out.append(f"{prefix}{i:03d}.{suffix}")
            if len(out) == n:
                return out
    raise SystemExit(f"at most {len(out)} symbols")


def build(root: Path, n_symbols: int, n_sessions: int) -> None:
    from datetime import datetime

    import numpy as np
    import pyarrow.parquet as pq

    from screener import calendar
    from screener.data import frames
    from screener.data.cache import Cache, CacheMeta, _bars_table

    from screener.clock import today

    sessions = calendar.sessions("2010-01-04", today())[-n_sessions:]  # rows after today are left out on load
    meta = CacheMeta("eastmoney", datetime(2026, 12, 31, 16), sessions[0].date(), sessions[-1].date())
    cache = Cache(root)
    folder = cache.bars_path("x").parent
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    for s in symbols(n_symbols):
        close = np.round(10 * np.exp(np.cumsum(rng.normal(0, 0.009, n_sessions))), 2)
        block = np.column_stack([close, close * 1.01, close * 0.99, close,
                                 np.full(n_sessions, 1e6), close * 1e6, np.ones(n_sessions), np.full(n_sessions, 0.01)])
        frame = frames.from_arrays(sessions, block)
        # the builder skips fsync/rename to be quick; the read path is what is measured
        pq.write_table(_bars_table(frame, meta), cache.bars_path(s), compression="zstd")
    cache.consolidate()  # what `screener data fetch` does after writing many files


def measure(root: str, n_symbols: int) -> dict:
    t0 = time.perf_counter()
    from screener.data.cache import Cache
    from screener.data.live import LiveStore

    wanted = symbols(n_symbols)
    imports = time.perf_counter() - t0
    cache = Cache(Path(root))
    t, c = time.perf_counter(), time.process_time()
    md = LiveStore(cache, offline=True).load(wanted)
    load_s, load_cpu = time.perf_counter() - t, time.process_time() - c
    assert len(md.bars) == n_symbols and not md.missing, (len(md.bars), md.missing[:3])
    rows = sum(len(b.frame) for b in md.bars.values())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    anon = int(status.get("RssAnon", "0 kB").split()[0]) * 1024
    mapped = int(status.get("RssFile", "0 kB").split()[0]) * 1024
    del md
    t = time.perf_counter()
    got = cache.read_many(wanted)
    read_s = time.perf_counter() - t
    del got
    t = time.perf_counter()
    cache.read_many(wanted, use_snapshot=False)
    files_s = time.perf_counter() - t
    return {"imports_s": imports, "read_many_s": read_s, "files_s": files_s, "store_load_s": load_s,
            "store_load_cpu_s": load_cpu, "rows": rows,
            "peak_rss_bytes": peak, "anon_bytes": anon, "file_bytes": mapped, "load_avg": os.getloadavg()[0]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--symbols", type=int, default=5000)
    ap.add_argument("--sessions", type=int, default=2500)
    ap.add_argument("--keep", type=Path, help="build into (or reuse) this folder instead of a temp dir")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.symbols)))
        return
    with tempfile.TemporaryDirectory(prefix="screener-bench-") as tmp:
        root = args.keep or Path(tmp)
        if not (root / "v1" / "bars").is_dir():
            t = time.perf_counter()
            build(root, args.symbols, args.sessions)
            print(f"built {args.symbols} symbols × {args.sessions} sessions in {time.perf_counter() - t:.1f} s")
        size = sum(p.stat().st_size for p in (root / "v1" / "bars").glob("*.parquet"))
        snap = sum(p.stat().st_size for p in (root / "v1").glob("bars.snapshot.*.npy"))
        out = subprocess.run(
            [sys.executable, __file__, "--measure", str(root), "--symbols", str(args.symbols)],
            capture_output=True, text=True, check=True,
        )
    r = json.loads(out.stdout.strip().splitlines()[-1])
    peak_gib = r["peak_rss_bytes"] / 1024**3
    print(f"cache on disk: {size / 1024**2:.0f} MiB per-symbol Parquet + {snap / 1024**2:.0f} MiB snapshot, "
          f"{r['rows']:,} rows")
    print(f"LiveStore(offline).load:  {r['store_load_s']:.2f} s wall, {r['store_load_cpu_s']:.2f} s CPU "
          "(snapshot + quality checks; the timed result)")
    print(f"peak RSS of the loader:   {peak_gib:.2f} GiB (after that load: {r['anon_bytes'] / 1024**3:.2f} GiB "
          f"private, {r['file_bytes'] / 1024**3:.2f} GiB mapped snapshot pages)")
    print(f"Cache.read_many:          {r['read_many_s']:.2f} s (snapshot, no quality checks)")
    print(f"  one file per symbol:    {r['files_s']:.2f} s (without the snapshot, for comparison)")
    print(f"load average during the run: {r['load_avg']:.1f} on {os.cpu_count()} cores")
    ok = r["store_load_s"] < TARGET_SECONDS and r["peak_rss_bytes"] < TARGET_BYTES
    print(f"target < {TARGET_SECONDS:.0f} s and < 2 GiB: {'met' if ok else 'MISSED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
