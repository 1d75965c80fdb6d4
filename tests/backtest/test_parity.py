"""Parity fuzz: the fast ledger and backtrader keep the same books on random panels.

Each seed draws a basket across the boards (main ±10%, ChiNext and STAR ±20%, BSE ±30%)
with closes that often sit exactly at a limit, suspensions, listings inside the window,
cash dividends and bonus issues, and random settings (schedule, fill, cash, costs, lot
size, weights, volume cap, slippage). Both ledgers must give identical trade and event
lists and equity within 1e-9 relative (``helpers.assert_parity``), and the books must
keep the ledger's invariants. Seeded and small: a fixed amount of work.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from screener.backtest.panel import build_panel
from screener.backtest.settings import BacktestSettings, Costs
from screener.calendar import sessions as xshg
from tests.backtest.helpers import bars, simulate_checked

SESSIONS = xshg("2023-01-03", "2023-12-29")
BOARDS = {"600": ("SH", 10), "000": ("SZ", 10), "300": ("SZ", 20), "688": ("SH", 20), "830": ("BJ", 30)}


def _member(rng: np.random.Generator, pct: int) -> pd.DataFrame:
    """Whole-cent prices inside the band around the previous close (a third of the
    moves land exactly on a limit), gaps, a late listing, dividends and bonus issues."""
    n = len(SESSIONS)
    close, opn, adj = np.empty(n), np.empty(n), np.empty(n)
    prev, factor = int(rng.integers(300, 6_000)), 1.0
    for t in range(n):
        ref = prev
        if t and rng.random() < 0.02:  # an ex-date: cash dividend or a bonus issue
            ref = prev - max(1, prev // 40) if rng.random() < 0.6 else round(prev / rng.choice([1.2, 1.3, 1.5, 2.0]))
            factor *= prev / ref
        lower, upper = (ref * (100 - pct) + 50) // 100, (ref * (100 + pct) + 50) // 100
        roll = rng.random()
        c = upper if roll < 0.15 else lower if roll < 0.25 else int(np.clip(round(ref * rng.normal(1, pct / 400)), lower, upper))
        o = upper if roll > 0.9 else int(np.clip(round(ref * rng.normal(1, pct / 600)), lower, upper))
        close[t], opn[t], adj[t], prev = c / 100, o / 100, factor, c
    keep = np.ones(n, dtype=bool)
    keep[: int(rng.choice([0, 0, 0, 40, 90]))] = False  # listed later
    for _ in range(int(rng.integers(0, 4))):  # suspensions
        a = int(rng.integers(0, n - 5))
        keep[a: a + int(rng.integers(1, 25))] = False
    volume = rng.integers(5, 2_000, n) * 100.0
    return bars(SESSIONS[keep], close[keep], opn[keep], adj[keep], volume[keep])


def _case(seed: int) -> tuple[dict[str, pd.DataFrame], np.ndarray, BacktestSettings]:
    rng = np.random.default_rng(seed)
    frames = {}
    for i in range(int(rng.integers(2, 9))):
        prefix = str(rng.choice(list(BOARDS)))
        exchange, pct = BOARDS[prefix]
        frames[f"{prefix}{i:03d}.{exchange}"] = _member(rng, pct)
    weights = rng.choice([0.0, 0.5, 1.0, 3.0], len(frames))
    weights[0] = 1.0
    settings = BacktestSettings(
        rebalance=str(rng.choice(["none", "monthly", "quarterly"])),
        fill=str(rng.choice(["open", "close"])),
        cash=float(rng.choice([30_000, 200_000, 2_000_000])),
        costs=Costs() if rng.random() < 0.7 else Costs(enabled=False),
        lot_size=None if rng.random() < 0.8 else int(rng.choice([1, 300])),
        max_participation=None if rng.random() < 0.5 else float(rng.choice([0.01, 0.05, 0.25])),
        slippage=0.0 if rng.random() < 0.5 else float(rng.choice([5, 30])),
        engine="backtrader",
    )
    return frames, weights, settings


@pytest.mark.parametrize("seed", range(12))
def test_fast_and_backtrader_keep_the_same_books(seed: int) -> None:
    frames, weights, settings = _case(seed)
    panel = build_panel(frames, SESSIONS, SESSIONS[60])
    r = simulate_checked(panel, weights, settings)  # asserts parity with the fast ledger
    # the ledger's invariants: T+1 (no member bought and sold in one session), no short
    # positions, no overdraft beyond float residue
    assert (r.trades.groupby(["date", "symbol"])["side"].nunique() <= 1).all()
    assert (r.shares >= -1e-9).all() and r.cash >= -1e-6
    assert len(r.trades) > 0


def test_the_fuzz_reaches_the_rules() -> None:
    """Across the seeds the random panels block orders at both limits, suspend members and
    trade on every board: the parity above is not vacuous."""
    reasons, boards = set(), set()
    for seed in range(12):
        frames, weights, settings = _case(seed)
        r = simulate_checked(build_panel(frames, SESSIONS, SESSIONS[60]), weights,
                             settings.model_copy(update={"engine": "fast"}))
        reasons |= set(r.events["reason"])
        boards |= {s[:3] for s in r.trades["symbol"]}
    assert {"upper_limit", "lower_limit", "suspended", "volume", "cash"} <= reasons
    assert boards == set(BOARDS)
