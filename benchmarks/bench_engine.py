"""Benchmark: the backtest engine against peers (bt, vectorbt) on the same synthetic data.

Every contender gets the same seeded synthetic market (A-share-like raw prices in whole
cents, a market factor, cash dividends with their adjustment factors; in the ``rules``
case also price-limit closes, suspensions, late listings and mixed boards) and backtests
an equal-weight basket. Each (case, contender) run is a fresh Python process that builds
the data and imports its library untimed, then times one call:

- ours: ``screener.backtest.engine.simulate(panel, weights, settings)``, once for each
  engine the settings model offers (``settings.engine``; only backtrader before it
  existed), plus ``panel.build_panel`` where the case says so (the 1,000-member cases);
- bt: ``bt.Backtest(...)`` and ``.run()`` (no statistics); skipped when bt is absent;
- vectorbt: ``Portfolio.from_orders`` with target percents, after one untimed call on a
  slice so that numba has compiled (warm); skipped when vectorbt is absent.

Runs are interleaved (every repeat goes through every case and contender in turn), so
drifting machine load hits everyone alike. The table gives the min and median wall time,
the ratio of each min to our default engine's min, and the process's peak RSS (which
includes the synthetic data). Frictionless cases (no costs, lots of one share, fills at
the close, a large starting cash so that whole shares round to nothing) must give the
same total return for every contender within 1e-6 relative: the script prints the largest
relative difference and exits 1 when it is larger (or says that nothing was compared: a
single contender, or no frictionless case). The ``rules`` case runs our engines
with every A-share rule and cost on, and the peers frictionless on the same basket (they
model none of those rules), so its totals are not compared.

Install the peers with ``pip install -e ".[bench]"``.

    python benchmarks/bench_engine.py                 # every case, 5 repeats, 2,500 sessions
    python benchmarks/bench_engine.py --quick         # 2 repeats, 500 sessions
    python benchmarks/bench_engine.py --case m50 --case rules50 --contender fast --repeats 7
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import numpy as np

SEED = 20260501
HISTORY = 60  # sessions before the base date: last closes and limit references
LAST_DAY = "2025-12-31"  # the synthetic window ends here (the XSHG calendar knows it)
CASH = 1e6  # the peers' (fractional shares) and our rules case's starting cash
FRICTIONLESS_CASH = 1e13  # ours without rules: whole shares of ~1e9 CNY positions round below 1e-9
TOLERANCE = 1e-6
PEERS = ("bt", "vectorbt")


@dataclass(frozen=True)
class Case:
    name: str
    members: int
    rebalance: str  # "monthly" or "none" (buy and hold)
    rules: bool  # A-share rules and costs on (ours); the market has limits, gaps, listings
    with_panel: bool  # panel building is part of our engines' timed call

    def title(self, sessions: int) -> str:
        mode = "monthly" if self.rebalance == "monthly" else "buy and hold"
        extra = ", all A-share rules and costs (peers frictionless)" if self.rules else ", frictionless"
        panel = ", panel building timed" if self.with_panel else ""
        return f"{self.members:,} members × {sessions:,} sessions, {mode}{extra}{panel}"


CASES = {
    c.name: c
    for c in (
        Case("m10", 10, "monthly", False, False),
        Case("m50", 50, "monthly", False, False),
        Case("m200", 200, "monthly", False, False),
        Case("m1000", 1000, "monthly", False, True),
        Case("h1000", 1000, "none", False, True),
        Case("rules50", 50, "monthly", True, False),
    )
}


# -- the synthetic market ------------------------------------------------------------------
@dataclass
class Market:
    """Raw prices in CNY on HISTORY + 1 + n XSHG sessions (row HISTORY is the base date);
    NaN where a member has no bar (suspended or not listed yet)."""

    sessions: Any  # pd.DatetimeIndex
    symbols: list[str]
    open: np.ndarray
    close: np.ndarray
    adj: np.ndarray


def member_symbols(n: int) -> list[str]:
    """Main board SH/SZ, ChiNext and STAR codes, in turn."""
    bases = ((600000, "SH"), (1, "SZ"), (300001, "SZ"), (688001, "SH"))
    return [f"{bases[j % 4][0] + j // 4:06d}.{bases[j % 4][1]}" for j in range(n)]


def make_market(case: Case, n_sessions: int, seed: int = SEED) -> Market:
    """The seeded market of ``case``: the same arrays in every process."""
    from screener import limits
    from screener.calendar import sessions
    from screener.symbols import parse_symbol

    grid = sessions("2005-01-04", LAST_DAY)
    rows = HISTORY + 1 + n_sessions
    if len(grid) < rows:
        raise SystemExit(f"--sessions {n_sessions}: the XSHG calendar has only {len(grid) - HISTORY - 1} sessions to {LAST_DAY}")
    grid = grid[-rows:]
    m = case.members
    symbols = member_symbols(m)
    rng = np.random.default_rng([seed, m, n_sessions, int(case.rules)])
    days = grid.values
    band = np.column_stack([limits.band_percent(parse_symbol(s), days) for s in symbols]).astype(float)
    # daily log returns: a market factor times a beta, plus the member's own noise
    beta = rng.uniform(0.6, 1.4, m)
    noise = rng.uniform(0.010, 0.025, m)
    ret = rng.normal(0.0003, 0.011, (rows, 1)) * beta + rng.normal(0.0, 1.0, (rows, m)) * noise
    cap = np.log1p((band - 1) / 100)
    ret = np.clip(ret, -cap, cap)
    gap = np.zeros((rows, m), dtype=bool)
    hit = np.zeros((rows, m), dtype=np.int8)
    if case.rules:
        gap = _gaps(rng, rows, m)
        ret[gap] = 0.0  # the price waits for the resumption
        hit = np.where(rng.random((rows, m)) < 0.005, np.where(rng.random((rows, m)) < 0.5, 1, -1), 0).astype(np.int8)
    ex = rng.random((rows, m)) < 1 / 242  # about one cash dividend a year
    ex[: HISTORY + 1] = False
    dividend = rng.uniform(0.005, 0.03, m)
    close = np.empty((rows, m))
    adj = np.empty((rows, m))
    close[0] = np.round(np.exp(rng.uniform(np.log(3), np.log(80), m)) * 100)  # cents
    adj[0] = 1.0
    for t in range(1, rows):
        prev = close[t - 1]
        cash = np.where(ex[t], np.maximum(np.round(prev * dividend), 1.0), 0.0)
        ref = prev - cash
        adj[t] = adj[t - 1] * prev / ref
        c = np.round(ref * np.exp(ret[t]))
        lo, hi = limits.limit_cents(ref.astype(np.int64), band[t].astype(np.int64))
        if case.rules:
            close[t] = np.clip(np.where(hit[t] > 0, hi, np.where(hit[t] < 0, lo, c)), np.maximum(lo, 1), hi)
        else:  # never at a limit, so that every frictionless order fills
            close[t] = np.clip(c, np.maximum(lo + 1, 1), hi - 1)
    opn = np.round(np.r_[close[:1], close[:-1]] * np.exp(np.clip(rng.normal(0, 0.006, (rows, m)), -0.03, 0.03)))
    opn = np.where(ex, np.round(opn * (1 - dividend)), opn)
    if case.rules:  # a tenth of the members list inside the window
        late = rng.random(m) < 0.1
        first = rng.integers(HISTORY + 30, rows - 100, m)
        gap |= late & (np.arange(rows)[:, None] < first)
    close_cny = np.where(gap, np.nan, close / 100)
    open_cny = np.where(gap, np.nan, opn / 100)
    return Market(grid, symbols, open_cny, close_cny, adj)


def _gaps(rng: np.random.Generator, rows: int, m: int) -> np.ndarray:
    """Suspension spells: each session starts one with probability 0.3%, lasting 1-20
    sessions (never on the base date or before it, which the engine needs priced)."""
    gap = np.zeros((rows, m), dtype=bool)
    starts = np.argwhere(rng.random((rows, m)) < 0.003)
    lengths = rng.integers(1, 21, len(starts))
    for (t, j), length in zip(starts, lengths):
        gap[max(t, HISTORY + 1) : t + length, j] = True
    return gap


def bar_frames(market: Market) -> dict[str, Any]:
    """Bar frames as the data layer builds them (``frames.from_arrays``, the
    ``BAR_COLUMNS`` contract): rows only where a bar is."""
    from screener.data.frames import from_arrays

    frames = {}
    for j, sym in enumerate(market.symbols):
        has = ~np.isnan(market.close[:, j])
        o, c = market.open[has, j], market.close[has, j]
        volume = np.full(len(c), 1e7)
        block = np.column_stack([o, np.maximum(o, c), np.minimum(o, c), c, volume, volume * c, market.adj[has, j], np.full(len(c), np.nan)])
        frames[sym] = from_arrays(market.sessions[has], block)  # slices of one index, as the data layer shares them
    return frames


def peer_prices(market: Market) -> Any:
    """Adjusted closes (the total-return price) from the base date on, carried over gaps;
    NaN before a listing."""
    import pandas as pd

    adjusted = pd.DataFrame(market.close * market.adj, index=market.sessions, columns=market.symbols)
    return adjusted.ffill().iloc[HISTORY:]


def rebalance_rows(dates: Any, rebalance: str) -> list[int]:
    """Row 0 (the base date: formation at its close), then with ``monthly`` the first
    session of each later month from row 2 on: the engine's schedule, restated here."""
    if rebalance == "none":
        return [0]
    months = dates.month.to_numpy()
    return [0, *(int(r) for r in np.flatnonzero(months[1:] != months[:-1]) + 1 if r >= 2)]


# -- contenders ------------------------------------------------------------------------------
def our_engines() -> tuple[list[str], str]:
    """(engine names, default) from the settings model: ``settings.engine``'s choices, or
    the backtrader engine alone before that option existed."""
    from typing import get_args

    from screener.backtest.settings import BacktestSettings

    field = BacktestSettings.model_fields.get("engine")
    if field is None:
        return ["backtrader"], "backtrader"
    names = [a for a in get_args(field.annotation) if isinstance(a, str)]
    default = str(field.default)
    return [default, *(n for n in names if n != default)], default


def our_settings(case: Case, engine: str) -> Any:
    from screener.backtest.settings import BacktestSettings

    values: dict[str, Any] = {"rebalance": case.rebalance}
    if "engine" in BacktestSettings.model_fields:
        values["engine"] = engine
    if case.rules:
        values["cash"] = CASH  # every other option at its default: open fills, costs, board lots
    else:
        values.update(fill="close", cash=FRICTIONLESS_CASH, lot_size=1, costs={"enabled": False})
    return BacktestSettings(**values)


def run_ours(case: Case, market: Market, engine: str) -> dict[str, Any]:
    from screener.backtest.engine import simulate
    from screener.backtest.panel import build_panel

    frames = bar_frames(market)
    settings = our_settings(case, engine)
    if engine == "backtrader":
        import backtrader  # noqa: F401  (a command pays this import once)
    weights = np.ones(len(frames))
    t0 = time.perf_counter()
    panel = build_panel(frames, market.sessions, market.sessions[HISTORY])
    t1 = time.perf_counter()
    res = simulate(panel, weights, settings)
    t2 = time.perf_counter()
    return {
        "seconds": t2 - (t0 if case.with_panel else t1),
        "panel_seconds": t1 - t0,
        "total": float(res.value[-1] / res.starting_cash),
        "trades": len(res.trades),
    }


def run_bt(case: Case, market: Market) -> dict[str, Any]:
    import bt

    prices = peer_prices(market)
    dates = prices.index[rebalance_rows(prices.index, case.rebalance)]
    t0 = time.perf_counter()
    algos = [bt.algos.RunOnDate(*dates), bt.algos.SelectAll(), bt.algos.WeighEqually(), bt.algos.Rebalance()]
    test = bt.Backtest(bt.Strategy("basket", algos), prices, initial_capital=CASH, integer_positions=False, progress_bar=False)
    test.run()
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "total": float(test.strategy.values.iloc[-1] / CASH)}


def run_vectorbt(case: Case, market: Market) -> dict[str, Any]:
    import vectorbt as vbt

    prices = peer_prices(market)
    rows = rebalance_rows(prices.index, case.rebalance)
    listed = prices.notna().to_numpy()[rows]
    size = np.full(prices.shape, np.nan)
    size[rows] = np.where(listed, 1 / listed.sum(axis=1, keepdims=True), np.nan)

    def run(p: Any, s: np.ndarray) -> Any:
        pf = vbt.Portfolio.from_orders(
            p, s, size_type="targetpercent", group_by=True, cash_sharing=True, call_seq="auto", init_cash=CASH, freq="D"
        )
        return pf.value()

    run(prices.iloc[:40, :3], size[:40, :3])  # warm: numba compiles on the first call
    t0 = time.perf_counter()
    value = run(prices, size)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "total": float(value.iloc[-1] / CASH)}


def child(spec: dict[str, Any]) -> dict[str, Any]:
    """One timed run in this (fresh) process."""
    case = CASES[spec["case"]]
    market = make_market(case, spec["sessions"])
    name = spec["contender"]
    if name == "bt":
        out = run_bt(case, market)
    elif name == "vectorbt":
        out = run_vectorbt(case, market)
    else:
        out = run_ours(case, market, name)
    out["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    return out


# -- the harness ------------------------------------------------------------------------------
@dataclass
class Contender:
    name: str
    label: str
    ours: bool


def contenders(wanted: list[str] | None) -> tuple[list[Contender], str, list[str]]:
    """(contenders to run, our default engine, notes on peers left out)."""
    from importlib.util import find_spec

    engines, default = our_engines()
    found = [Contender(e, f"screener {e}" + (" (default)" if e == default else ""), True) for e in engines]
    notes = []
    for peer in PEERS:
        if find_spec(peer) is None:
            notes.append(f"{peer} is not installed: skipped (pip install -e \".[bench]\")")
        else:
            found.append(Contender(peer, f"{peer} (warm)" if peer == "vectorbt" else peer, False))
    if wanted:
        unknown = set(wanted) - {c.name for c in found}
        if unknown:
            raise SystemExit(f"--contender {', '.join(sorted(unknown))}: not available; choose from {', '.join(c.name for c in found)}")
        found = [c for c in found if c.name in wanted]
    return found, default, notes


def spawn(case: Case, contender: Contender, sessions: int) -> dict[str, Any]:
    spec = {"case": case.name, "contender": contender.name, "sessions": sessions}
    proc = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--child", json.dumps(spec)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(cases: list[Case], runners: list[Contender], repeats: int, sessions: int) -> dict[tuple[str, str], list[dict]]:
    """Every case × contender ``repeats`` times, interleaved; progress on stderr."""
    runs: dict[tuple[str, str], list[dict]] = {(c.name, r.name): [] for c in cases for r in runners}
    for rep in range(repeats):
        for case in cases:
            for runner in runners:
                out = spawn(case, runner, sessions)
                runs[case.name, runner.name].append(out)
                shown = out.get("error") or f"{out['seconds']:.3f} s"
                print(f"  [{rep + 1}/{repeats}] {case.name:8} {runner.name:10} {shown}", file=sys.stderr, flush=True)
    return runs


def report(cases: list[Case], runners: list[Contender], default: str, runs: dict, sessions: int) -> float | None:
    """Print one table per case; returns the largest relative difference of frictionless
    totals (None when no frictionless case had two contenders to compare)."""
    worst = None
    for case in cases:
        print(f"\n{case.name}: {case.title(sessions)}")
        print(f"  {'contender':26} {'min s':>9} {'median s':>9} {'× ours':>8} {'peak RSS':>10} {'total':>12}")
        ok = {r.name: [x for x in runs[case.name, r.name] if "error" not in x] for r in runners}
        base = min((x["seconds"] for x in ok.get(default, [])), default=None)
        totals = []
        for r in runners:
            done = ok[r.name]
            if not done:
                print(f"  {r.label:26} failed: {runs[case.name, r.name][0]['error']}")
                continue
            secs = [x["seconds"] for x in done]
            ratio = f"{min(secs) / base:7.2f}×" if base else "      –"
            rss = max(x["peak_rss"] for x in done) / 2**20
            label = r.label + (" [frictionless]" if case.rules and not r.ours else "")
            print(f"  {label:26} {min(secs):9.3f} {statistics.median(secs):9.3f} {ratio:>8} {rss:7.0f} MiB {done[0]['total']:12.8f}")
            if len({x['total'] for x in done}) > 1:
                print(f"  {'':26} (totals differ between repeats: {sorted({x['total'] for x in done})})")
            if r.ours and case.with_panel:
                print(f"  {'':26} of which panel building: min {min(x['panel_seconds'] for x in done):.3f} s")
            if not case.rules:
                totals.append(done[0]["total"])
        if len(totals) > 1:
            diff = (max(totals) - min(totals)) / abs(min(totals))
            worst = diff if worst is None else max(worst, diff)
            print(f"  frictionless totals: max relative difference {diff:.2e}")
    return worst


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", choices=list(CASES), help="run only this case (repeatable; default: all)")
    parser.add_argument("--contender", action="append", help="run only this contender (repeatable; default: all available)")
    parser.add_argument("--repeats", type=int, help="fresh processes per case and contender (default 5; --quick: 2)")
    parser.add_argument("--sessions", type=int, help="sessions after the base date (default 2500; --quick: 500)")
    parser.add_argument("--quick", action="store_true", help="a fast look: 2 repeats of 500 sessions")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return 0
    repeats = args.repeats or (2 if args.quick else 5)
    sessions = args.sessions or (500 if args.quick else 2500)
    cases = [CASES[n] for n in (args.case or CASES)]
    runners, default, notes = contenders(args.contender)

    print(f"bench_engine: {datetime.now():%Y-%m-%d %H:%M}, {platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; seed {SEED}; {repeats} fresh processes per cell")
    for note in notes:
        print(f"note: {note}")
    runs = measure(cases, runners, repeats, sessions)
    worst = report(cases, runners, default, runs, sessions)
    failed = any("error" in x for xs in runs.values() for x in xs)
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")
    if failed:
        print("some runs failed: see the tables")
    print(agreement(worst))
    return 1 if (worst is not None and worst > TOLERANCE) or failed else 0


def agreement(worst: float | None) -> str:
    """The closing line on the frictionless totals: their largest relative difference
    against :data:`TOLERANCE`, or that nothing was compared."""
    if worst is None:
        return "frictionless totals: nothing compared (no frictionless case ran with two or more contenders)"
    return f"frictionless totals agree within {TOLERANCE:g} relative: max difference {worst:.2e} -> {'OK' if worst <= TOLERANCE else 'FAILED'}"


if __name__ == "__main__":
    sys.exit(main())
