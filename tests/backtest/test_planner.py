"""The order planner's steps in isolation: T+1, weights, cash scaling by one factor, limit
prices worked out on demand."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from screener.backtest.costs import CostModel
from screener.backtest.panel import build_panel
from screener.backtest.planner import ORDER_STEPS, LimitTable, Session, market, weigh
from screener.backtest.scaling import fit_buys
from screener.backtest.settings import BacktestSettings, Costs
from screener.calendar import sessions as xshg
from screener.limits import panel_limits
from screener.symbols import parse_symbol
from tests.backtest.helpers import ENGINES, bars, simulate_checked

NO_COSTS = Costs(enabled=False)


def _market(codes: list[str], **options):
    days = ["2024-01-29", "2024-01-30", "2024-01-31"]
    frames = {c: bars(days, [10.00, 10.00, 10.00]) for c in codes}
    panel = build_panel(frames, xshg(days[0], days[-1]), pd.Timestamp(days[1]))
    return market(panel, np.ones(len(codes)), BacktestSettings(**options))


def _run_steps(session: Session) -> Session:
    for step in ORDER_STEPS:
        step(session)
    return session


def test_t_plus_1_step_caps_a_sale_at_the_shares_held_at_the_start() -> None:
    # 1300 held, 300 of them bought this session: an exit sells only the 1000 held at the start
    mk = _market(["600000.SH", "688001.SH"])
    s = Session(mk, 1, np.array([0, 1]), held=np.array([1300.0, 1000.0]), target=np.array([0.0, 0.0]),
                sellable=np.array([1000.0, 150.0]))
    _run_steps(s)
    assert s.qty.tolist() == [1000.0, 150.0]  # STAR: a balance of 150 goes in one order
    # nothing bought this session: all of it
    s = _run_steps(Session(mk, 1, np.array([0]), held=np.array([1300.0]), target=np.array([0.0])))
    assert s.qty.tolist() == [1300.0]


def test_the_readme_names_the_order_steps_in_order() -> None:
    """README "Engine": the open orders' steps as ORDER_STEPS runs them, then the settling."""
    text = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8").split())
    chain = re.search(r"then for open orders: (.*?) — and a ledger", text).group(1).split(" → ")
    names = [re.sub(r" \(.*?\)", "", step).lower().replace("+", "_plus_").replace(" ", "_") for step in chain]
    assert names == [step.__name__ for step in ORDER_STEPS] + ["sells_settle", "fit_buys_to_the_cash"]

def test_weights_of_any_magnitude_share_the_basket() -> None:
    eligible = np.array([True, True, False])
    np.testing.assert_allclose(weigh(np.array([1e308, 1e308, 1e308]), eligible), [0.5, 0.5, 0.0])
    np.testing.assert_allclose(weigh(np.array([3e-320, 1e-320, 1.0]), eligible), [0.75, 0.25, 0.0])
    np.testing.assert_allclose(weigh(np.array([3.0, 1.0, 5.0]), eligible), [0.75, 0.25, 0.0])


@pytest.mark.parametrize("engine", ENGINES)
def test_huge_theme_weights_do_not_leave_the_basket_in_cash(engine: str) -> None:
    days = ["2024-01-29", "2024-01-30", "2024-01-31"]
    frames = {c: bars(days, [10.00, 10.00, 10.00]) for c in ("600000.SH", "600036.SH")}
    panel = build_panel(frames, xshg(days[0], days[-1]), pd.Timestamp(days[1]))
    r = simulate_checked(panel, np.array([1e308, 1e308]), BacktestSettings(fill="close", cash=100_000, costs=NO_COSTS,
                                                                           engine=engine))
    assert r.shares.tolist() == [5000.0, 5000.0] and r.cash == pytest.approx(0.0, abs=1e-6)


def test_cash_scaling_uses_one_common_factor() -> None:
    # wanted 50000 and 25000 shares at 10.00 (750,000), cash 749,500: with one factor k < 1
    # the first gets 49,900 (k >= 0.998) and the second 24,900 (25,000 needs k = 1)
    got = fit_buys(np.array([50_000.0, 25_000.0]), np.array([10.0, 10.0]), np.array([100.0, 100.0]),
                   np.array([100.0, 100.0]), 749_500.0, CostModel(NO_COSTS))
    assert got.tolist() == [49_900.0, 24_900.0]
    got = fit_buys(np.array([50_000.0, 25_000.0]), np.array([10.0, 10.0]), np.array([100.0, 100.0]),
                   np.array([100.0, 100.0]), 750_000.0, CostModel(NO_COSTS))
    assert got.tolist() == [50_000.0, 25_000.0]  # everything fits


@pytest.mark.parametrize(("price", "budget"), [(1e-50, 1e6), (1e-20, 1e6), (3.34, 1e299), (10.0, 1e300)])
@pytest.mark.parametrize("n", [1, 2])
def test_cash_scaling_never_overflows_on_absurd_share_counts(price, budget, n) -> None:
    # wanted share counts (the budget's worth; the fees push them over) far beyond what a
    # float counts exactly: still scaled to fit the budget (was ValueError in np.repeat)
    wanted = np.full(n, budget / price / n)
    prices = np.full(n, price)
    costs = CostModel(Costs())
    got = fit_buys(wanted, prices, np.full(n, 100.0), np.full(n, 100.0), budget, costs)
    assert np.isfinite(got).all() and (got >= 0).all() and (got <= wanted).all()
    assert costs.buy_cash(got, prices) <= budget


def _brute_force(wanted, prices, min_qty, step, budget, commission, minimum):
    """The largest common factor by trying every ratio k = q / wanted in increasing order:
    at each, every order takes its largest valid quantity with q / wanted ≤ k."""

    def cost(qs: list[int]) -> float:
        total = 0.0
        for q, p in zip(qs, prices):
            if q:
                total += q * p + max(q * p * commission, minimum)
        return total

    # every valid quantity of every order by its ratio; the float ratios order exactly
    # (equal fractions give equal floats; with numerator and denominator below 2**24,
    # different ones differ by far more than a float's precision)
    levels = sorted((q / w, i, q) for i, (w, m, s) in enumerate(zip(wanted, min_qty, step))
                    for q in range(m, w + 1, s))
    qs = [0] * len(wanted)
    best = list(qs)
    for _, tied in itertools.groupby(levels, key=lambda level: level[0]):
        for _, i, q in tied:  # by quantity within an order: the last is the largest
            qs[i] = q
        if cost(qs) > budget:
            break
        best = list(qs)
    return best


@pytest.mark.parametrize("seed", range(6))
def test_cash_scaling_finds_the_largest_common_factor(seed: int) -> None:
    """Orders of 1 to 3,000 lots (STAR: 200 shares, then up to 2,999 steps of 1): large orders put
    the breakpoints of different orders within a hair of each other, where a tolerance in
    the comparison of ratios would give one order a lot more than the common factor."""
    rng = np.random.default_rng(seed)
    for _ in range(20):
        m = int(rng.integers(1, 5))
        min_qty = rng.choice([100, 200], m)
        step = np.where(min_qty == 200, 1, 100)
        wanted = min_qty + step * (np.floor(np.exp(rng.uniform(0, np.log(3_001), m))).astype(int) - 1)
        prices = rng.integers(300, 4_000, m) / 100
        budget = float((wanted * prices).sum() * rng.uniform(0.1, 1.0))
        costs = Costs(commission=0.00025, min_commission=5.0, transfer_fee=0.0)
        got = fit_buys(wanted.astype(float), prices, min_qty.astype(float), step.astype(float), budget, CostModel(costs))
        expected = _brute_force(wanted.tolist(), prices.tolist(), min_qty.tolist(), step.tolist(), budget, 0.00025, 5.0)
        assert got.tolist() == expected, (wanted, prices, budget)


@pytest.mark.parametrize("block_cells", [3, 7, 1 << 17])
def test_limit_prices_worked_out_on_demand_match_the_whole_panel(block_cells: int, monkeypatch) -> None:
    # rows asked in any order, in blocks of one, two or all sessions, after the trade rows
    # were worked out up front: every row equals the whole panel's computation
    days = xshg("2024-06-03", "2024-06-28")
    rng = np.random.default_rng(7)
    closes = np.round(rng.uniform(9.5, 10.5, (len(days), 3)), 2)
    adj = np.ones(len(days))
    adj[9:] = 1.1  # an ex-date: the reference is restated
    frames = {
        "600000.SH": bars(days, closes[:, 0], adj=adj),
        "688001.SH": bars(days, closes[:, 1]),
        "300001.SZ": bars(days[5:], closes[5:, 2]),  # listed inside the window: free sessions
    }
    panel = build_panel(frames, days, days[0])
    symbols = [parse_symbol(s) for s in panel.symbols]
    lower, upper = panel_limits(
        symbols, panel.dates.to_numpy(), panel.prev_close, panel.prev_adj, panel.adj, panel.nth, panel.listed_on,
    )
    monkeypatch.setattr(LimitTable, "BLOCK_CELLS", block_cells)
    table = LimitTable(panel, symbols, [0, 12])
    for row in rng.permutation(len(days)):
        got_lower, got_upper = table.at(int(row))
        np.testing.assert_array_equal(got_lower, lower[row])
        np.testing.assert_array_equal(got_upper, upper[row])
    assert np.isnan(lower).any() and (~np.isnan(lower)).any()  # free sessions and limited ones
