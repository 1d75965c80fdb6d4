"""Benchmark: how long the CLI takes to start and run a small demo backtest, against the
bare imports it cannot avoid. Target: at most 1.3× the reference.

Times, in fresh processes taken in turn (so that load drifts hit both alike):

- the reference: ``python -c "import pandas, backtrader, click"``;
- the command: ``screener backtest fiber --demo --format json`` (stdout discarded).

Each is run ``--runs`` times (default 10); the minimum is the figure (the least disturbed
run), the median is shown beside it. The first run of the command is reported apart: it
may fill caches (the XSHG session list) that later runs read. ``--importtime`` also prints
the slowest imports of one command run (``python -X importtime``).

    python benchmarks/bench_start.py [--runs 10] [--importtime]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET = 1.3
REFERENCE = [sys.executable, "-c", "import pandas, backtrader, click"]
ARGS = ["backtest", "fiber", "--demo", "--format", "json"]


def command() -> list[str]:
    """The installed ``screener`` script beside this Python, else ``python -m screener``."""
    script = Path(sys.executable).with_name("screener")
    return [str(script), *ARGS] if script.exists() else [sys.executable, "-m", "screener", *ARGS]


def wall(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def slowest_imports(cmd: list[str], shown: int = 15) -> list[tuple[float, str]]:
    """(cumulative seconds, module) of the top-level imports of one run, slowest first."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    proc = subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line.split("|", 2)
        if cumulative.strip().isdigit() and len(name) - len(name.lstrip()) <= 1:  # top level
            rows.append((int(cumulative) / 1e6, name.strip()))
    return sorted(rows, reverse=True)[:shown]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="fresh processes of each (default 10)")
    parser.add_argument("--importtime", action="store_true", help="also list the slowest imports of one run")
    args = parser.parse_args(argv)
    cmd = command()
    if shutil.which(cmd[0]) is None and not Path(cmd[0]).exists():
        raise SystemExit(f"{cmd[0]} not found")

    first = wall(cmd)
    ref, run = [], []
    for _ in range(args.runs):
        ref.append(wall(REFERENCE))
        run.append(wall(cmd))
    ratio = min(run) / min(ref)
    print(f"bench_start: {args.runs} runs each, load average {os.getloadavg()[0]:.2f}")
    print(f"  reference  {' '.join(REFERENCE[1:])!s:45} min {min(ref):.3f} s  median {statistics.median(ref):.3f} s")
    print(f"  command    {'screener ' + ' '.join(ARGS):45} min {min(run):.3f} s  median {statistics.median(run):.3f} s"
          f"  (first run {first:.3f} s)")
    print(f"  ratio (min / min): {ratio:.2f}×  target ≤ {TARGET}× -> {'OK' if ratio <= TARGET else 'MISSED'}")
    if args.importtime:
        print("  slowest top-level imports of one run:")
        for seconds, name in slowest_imports(cmd):
            print(f"    {seconds:6.3f} s  {name}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
