"""Both ledgers agree with an independent pandas recomputation (reference.py) on
frictionless baskets with gaps, different listing dates and dividends."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from screener.backtest.panel import build_panel
from screener.backtest.settings import BacktestSettings, Costs
from screener.calendar import sessions as xshg_sessions
from tests.backtest.helpers import ENGINES, random_walk, simulate_checked
from tests.backtest.reference import reference_equity

SESSIONS = xshg_sessions("2023-06-01", "2025-06-30")
BASE = "2023-12-29"  # the last session of 2023
CASH = 1e10  # share rounding (lot size 1) is then far below 1e-6 of the value


def _row(day: str) -> int:
    return int(SESSIONS.searchsorted(pd.Timestamp(day)))


def _frames() -> dict[str, pd.DataFrame]:
    b = _row(BASE)
    feb = _row("2024-02-01")  # a rebalance date (first session of February 2024)
    jun = _row("2024-06-03")
    return {
        # listed long before, a dividend and a short gap
        "600522.SH": random_walk(SESSIONS, 1, gaps=[(b + 30, b + 34)], dividends=[b + 100]),
        # suspended across the base date and across the February rebalance
        "600487.SH": random_walk(SESSIONS, 2, gaps=[(b - 3, b + 4), (feb - 2, feb + 6)]),
        # listed in the window (after the base date), with a dividend
        "300308.SZ": random_walk(SESSIONS, 3, first=b + 40, dividends=[b + 200]),
        # STAR, listed after the June rebalance
        "688313.SH": random_walk(SESSIONS, 4, first=jun + 3, sigma=0.02),
        # suspended over the June rebalance for a long stretch
        "002491.SZ": random_walk(SESSIONS, 5, gaps=[(jun - 5, jun + 40)]),
        # listed just before the base date
        "601869.SH": random_walk(SESSIONS, 6, first=b - 2, dividends=[b + 150, b + 300]),
    }


FRAMES = _frames()
WEIGHTS = {"600522.SH": 0.3, "600487.SH": 0.2, "300308.SZ": 0.15, "688313.SH": 0.15, "002491.SZ": 0.1, "601869.SH": 0.1}


def _engine(engine: str, rebalance: str, weights: dict[str, float], fill: str = "close") -> pd.Series:
    settings = BacktestSettings(
        rebalance=rebalance, fill=fill, cash=CASH, lot_size=1, costs=Costs(enabled=False), engine=engine
    )
    panel = build_panel(FRAMES, SESSIONS, pd.Timestamp(BASE))
    result = simulate_checked(panel, np.array([weights[s] for s in panel.symbols]), settings)
    return result.equity


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("rebalance", ["none", "monthly"])
@pytest.mark.parametrize("weighting", ["equal", "theme"])
def test_engine_matches_reference(engine: str, rebalance: str, weighting: str) -> None:
    weights = WEIGHTS if weighting == "theme" else {s: 1.0 for s in WEIGHTS}
    equity = _engine(engine, rebalance, weights)
    ref = reference_equity(FRAMES, SESSIONS, BASE, weights, rebalance)
    assert equity.index.equals(ref.index)
    total_engine, total_ref = equity.iloc[-1] - 1, ref.iloc[-1] - 1
    assert abs(total_engine - total_ref) <= 1e-6 * abs(total_ref)
    np.testing.assert_allclose(equity.to_numpy(), ref.to_numpy(), rtol=1e-6)
    # the data really exercise the conventions: the result is not a trivial curve
    assert abs(total_ref) > 0.01


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("rebalance", ["none", "monthly", "quarterly"])
@pytest.mark.parametrize("fill", ["close", "open"])
def test_engine_matches_reference_for_each_schedule_and_fill(engine: str, rebalance: str, fill: str) -> None:
    equity = _engine(engine, rebalance, WEIGHTS, fill)
    ref = reference_equity(FRAMES, SESSIONS, BASE, WEIGHTS, rebalance, fill=fill)
    np.testing.assert_allclose(equity.to_numpy(), ref.to_numpy(), rtol=1e-6)


def test_fixture_has_gaps_listings_and_dividends() -> None:
    base = pd.Timestamp(BASE)
    firsts = {s: f.index[0] for s, f in FRAMES.items()}
    assert sum(d > base for d in firsts.values()) == 2  # two listings inside the window
    assert base not in FRAMES["600487.SH"].index  # suspended on the base date
    assert pd.Timestamp("2024-02-01") not in FRAMES["600487.SH"].index  # and on a rebalance
    assert (FRAMES["601869.SH"]["adj_factor"].diff() > 0).sum() == 2
