"""Benchmark: a 1,000-cell sweep of a 50-member × 2,500-session basket (the default fast
engine, A-share rules, costs on), in one process and on a 2-worker local Dask cluster.
Targets on the project machine (2 cores): the whole sweep in under 60 s, and the local
cluster at least 1.6× faster than one process.

Untimed set-up: the synthetic market of ``bench_backtest.py`` (demo-generated bars with
limit moves, suspensions, dividends and late listings, plus CSI 300) as Parquet files in
a temporary ``--data-dir`` folder, and a theme listing the 50 members.

Timed, each in a fresh process, as ``screener sweep --format json`` runs it (load, align,
the cells, the document): the grid rebalance {monthly, quarterly} × fill {open, close}
× cash {10 levels} × commission {5 rates} × min_commission {5 floors} — 1,000 cells on
one panel, so one scatter — with ``--workers 0`` (in this process) and with
``--workers 2`` (a LocalCluster; its start-up is included). Prints the wall time, the
speed-up (of the minima, and of the medians, over ``--repeats`` interleaved runs of
each; and the median of each repeat's own speed-up, its two runs back to back, which the
machine's slower spells move least), the CPU seconds used (client and workers), the peak memory of the client (max
RSS) and of a worker (its RSS sampled every 0.5 s), and checks that both runs give the
same cells.

``--ceiling`` adds the machine's ceiling for that speed-up: two in-process halves of the
grid (``--workers 0``, half the cells each, no Dask) started at the same moment, timed to
the later one's end — what two processes can gain here with nothing distributed at all.

    python benchmarks/bench_sweep.py [--members 50] [--sessions 2500] [--cells 1000] [--workers 2] [--ceiling]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

TARGET_SECONDS = 60.0
TARGET_SPEEDUP = 1.6
CASH = [2e5 * (i + 1) for i in range(10)]
COMMISSION = [0.0001, 0.00015, 0.0002, 0.00025, 0.0003]
MIN_COMMISSION = [0, 1, 2, 5, 10]


def grid(cells: int, first_level: int = 0) -> dict[str, list]:
    """The benchmark's grid: 100 cells per cash level, ``cells`` // 100 levels (1 to 10)
    from ``first_level`` on."""
    levels = min(len(CASH) - first_level, max(1, cells // 100))
    return {"rebalance": ["monthly", "quarterly"], "fill": ["open", "close"],
            "cash": CASH[first_level:first_level + levels],
            "commission": COMMISSION, "min_commission": MIN_COMMISSION}


def child(args: argparse.Namespace) -> None:
    """One timed sweep in this (fresh) process; prints a JSON line of figures."""
    from screener.batch import request
    from screener.batch.execute import Execution
    from screener.data import DataOptions

    workers = _Sampler() if args.workers else None
    run = request.Run(data=DataOptions(data_dir=Path(args.data)), execution=Execution(workers=args.workers))
    cpu0 = _cpu()
    t0 = time.perf_counter()
    doc = request.sweep(args.theme, grid(args.cells, args.first_level), {"start": args.start, "end": args.end}, run)
    seconds = time.perf_counter() - t0
    if workers is not None:
        workers.stop()
    Path(args.out).write_text(json.dumps(doc["cells"]), encoding="utf-8")
    print(json.dumps({
        "seconds": seconds, "cells": doc["n_cells"], "executed": doc["executed"],
        "cpu": _cpu() - cpu0 + (sum(workers.cpu.values()) if workers is not None else 0.0),
        "client_peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "worker_peak": workers.peak if workers is not None else None,
    }))


def _cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


class _Sampler:
    """The largest RSS of this process's children (the workers) and their CPU time,
    sampled every 0.5 s."""

    def __init__(self) -> None:
        import psutil

        self.peak = 0
        self.cpu: dict[int, float] = {}  # worker pid -> CPU seconds when last seen
        self._me = psutil.Process()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        import psutil

        while not self._done.wait(0.5):
            for p in self._me.children(recursive=True):
                try:
                    if "resource_tracker" not in " ".join(p.cmdline()):
                        self.peak = max(self.peak, p.memory_info().rss)
                        times = p.cpu_times()
                        self.cpu[p.pid] = times.user + times.system
                except psutil.Error:
                    pass

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--sessions", type=int, default=2500)
    parser.add_argument("--cells", type=int, default=1000, help="100 to 1,000 (the full grid), in hundreds")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the local cluster")
    parser.add_argument("--repeats", type=int, default=3,
                        help="timed runs of each, interleaved (min and median shown; the speed-up of both)")
    parser.add_argument("--ceiling", action="store_true",
                        help="also time two in-process halves of the grid at once (the speed-up's ceiling)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--first-level", type=int, default=0, help=argparse.SUPPRESS)
    for name in ("data", "theme", "start", "end", "out"):
        parser.add_argument(f"--{name}", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args)
        return 0

    from bench_backtest import member_symbols, write_data, write_theme

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        folder.mkdir()
        symbols = member_symbols(args.members)
        start, end = write_data(folder, symbols, args.sessions)
        theme = Path(tmp) / "bench.yaml"
        write_theme(theme, symbols, start, end)
        common = ["--data", str(folder), "--theme", str(theme), "--start", start, "--end", end]
        runs: dict[int, list[dict]] = {0: [], args.workers: []}
        for _ in range(args.repeats):
            for workers in runs:
                out = Path(tmp) / f"cells-{workers}.json"
                done = subprocess.run(_child_cmd(workers, args.cells, common, out), capture_output=True, text=True,
                                      check=False)
                if done.returncode != 0:
                    print(done.stderr, file=sys.stderr)
                    return 1
                runs[workers].append({**json.loads(done.stdout.strip().splitlines()[-1]),
                                      "cells_doc": json.loads(out.read_text(encoding="utf-8"))})
        ceiling = _halves_at_once(args.cells, common, Path(tmp)) if args.ceiling else None
    one, many = runs[0], runs[args.workers]
    same = all(r["cells_doc"] == one[0]["cells_doc"] for r in one + many)
    (one_min, one_med), (many_min, many_med) = _min_median(one), _min_median(many)
    speedup, speedup_med = one_min / many_min, one_med / many_med
    paired = statistics.median(a["seconds"] / b["seconds"] for a, b in zip(one, many))
    print(f"sweep: {one[0]['cells']} cells of {args.members} members × {args.sessions} sessions, fast engine, costs on;"
          f" {args.repeats} run(s) of each, interleaved (min / median)")
    print(f"  in one process:           {one_min:5.1f} / {one_med:5.1f} s wall, {_peak(one, 'cpu'):5.1f} s CPU at most;"
          f" client peak {_peak(one, 'client_peak') / 2**20:.0f} MiB")
    print(f"  local cluster, {args.workers} workers: {many_min:5.1f} / {many_med:5.1f} s wall,"
          f" {_peak(many, 'cpu'):5.1f} s CPU at most (client and workers);"
          f" client peak {_peak(many, 'client_peak') / 2**20:.0f} MiB, worker peak {_peak(many, 'worker_peak') / 2**20:.0f} MiB")
    print(f"  machine load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other jobs slow the wall times)")
    print(f"  speed-up {speedup:.2f}× (min) / {speedup_med:.2f}× (median); median of each repeat's own speed-up"
          f" {paired:.2f}×; cells identical: {'yes' if same else 'NO'}")
    if ceiling is not None:
        print(f"  ceiling: two in-process halves ({args.cells // 2} cells each, no Dask) at once took {ceiling:.1f} s:"
              f" {one_min / ceiling:.2f}× at best with two processes on this machine")
    ok = same and many_med < TARGET_SECONDS and speedup >= TARGET_SPEEDUP
    print(f"  target: < {TARGET_SECONDS:.0f} s and ≥ {TARGET_SPEEDUP}× -> {'OK' if ok else 'MISSED'}")
    return 0 if ok else 1


def _min_median(runs: list[dict]) -> tuple[float, float]:
    seconds = sorted(r["seconds"] for r in runs)
    return seconds[0], statistics.median(seconds)


def _peak(runs: list[dict], key: str) -> float:
    return max(r[key] for r in runs)


def _child_cmd(workers: int, cells: int, common: list[str], out: Path, first_level: int = 0) -> list[str]:
    return [sys.executable, __file__, "--child", "--workers", str(workers), "--cells", str(cells), *common,
            "--first-level", str(first_level), "--out", str(out)]


def _halves_at_once(cells: int, common: list[str], tmp: Path) -> float:
    """Wall seconds from starting two in-process sweeps of half the grid each (the lower
    and the upper cash levels) at the same moment until the later one ends."""
    t0 = time.perf_counter()
    procs = [subprocess.Popen(_child_cmd(0, cells // 2, common, tmp / f"half-{i}.json", i * (cells // 200)),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for i in range(2)]
    if any(p.wait() != 0 for p in procs):
        raise SystemExit("a half of the ceiling run failed")
    return time.perf_counter() - t0


if __name__ == "__main__":
    sys.exit(main())
