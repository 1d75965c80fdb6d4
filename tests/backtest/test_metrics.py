"""Metrics against their textbook definitions on a small known series."""

from __future__ import annotations

import math
import statistics

import pandas as pd
import pytest

from screener.backtest import metrics

# daily returns +10%, -10%, +10%, +10%, -10% from 100
BASKET = pd.Series([100.0, 110.0, 99.0, 108.9, 119.79, 107.811])
BENCH = pd.Series([100.0, 102.0, 100.98, 103.0, 104.03, 102.99])
P = 242


def test_performance_matches_hand_computation() -> None:
    m = metrics.performance(BASKET, periods=P)
    r = [0.1, -0.1, 0.1, 0.1, -0.1]
    sd = math.sqrt(((0.08**2) * 3 + (0.12**2) * 2) / 4)  # sample sd = sqrt(0.012)
    assert sd == pytest.approx(math.sqrt(0.012))
    assert m["total_return"] == pytest.approx(0.07811, rel=1e-12)
    assert m["annualized_return"] == pytest.approx(1.07811 ** (242 / 5) - 1, rel=1e-12)
    assert m["volatility"] == pytest.approx(sd * math.sqrt(242), rel=1e-12)
    assert m["sharpe"] == pytest.approx(0.02 / sd * math.sqrt(242), rel=1e-12)
    downside = math.sqrt((0.1**2 + 0.1**2) / 5)  # over all five sessions
    assert m["sortino"] == pytest.approx(0.02 / downside * math.sqrt(242), rel=1e-12)
    assert m["max_drawdown"] == pytest.approx(-0.1, rel=1e-12)  # 110 -> 99 and 119.79 -> 107.811
    assert m["calmar"] == pytest.approx(m["annualized_return"] / 0.1, rel=1e-12)
    assert statistics.mean(r) == pytest.approx(0.02)


def test_risk_free_rate_is_taken_per_session() -> None:
    rf = 0.03
    daily = 1.03 ** (1 / 242) - 1
    m = metrics.performance(BASKET, periods=P, risk_free=rf)
    sd = math.sqrt(0.012)
    assert m["sharpe"] == pytest.approx((0.02 - daily) / sd * math.sqrt(242), rel=1e-9)
    ex = [x - daily for x in (0.1, -0.1, 0.1, 0.1, -0.1)]
    downside = math.sqrt(sum(min(x, 0) ** 2 for x in ex) / 5)
    assert m["sortino"] == pytest.approx(statistics.mean(ex) / downside * math.sqrt(242), rel=1e-9)


def test_relative_figures_match_textbook_definitions() -> None:
    rp = [BASKET[i + 1] / BASKET[i] - 1 for i in range(5)]
    rb = [BENCH[i + 1] / BENCH[i] - 1 for i in range(5)]
    beta = statistics.covariance(rp, rb) / statistics.variance(rb)
    active = [a - b for a, b in zip(rp, rb)]
    te = statistics.stdev(active) * math.sqrt(242)
    rel = metrics.relative(BASKET, BENCH, periods=P)
    assert rel["beta"] == pytest.approx(beta, rel=1e-12)
    assert rel["alpha"] == pytest.approx((statistics.mean(rp) - beta * statistics.mean(rb)) * 242, rel=1e-12)
    assert rel["tracking_error"] == pytest.approx(te, rel=1e-12)
    assert rel["information_ratio"] == pytest.approx(statistics.mean(active) * 242 / te, rel=1e-12)
    assert rel["excess_return"] == pytest.approx(0.07811 - 0.0299, rel=1e-12)


def test_undefined_figures_are_none() -> None:
    flat = pd.Series([1.0, 1.0, 1.0])
    m = metrics.performance(flat)
    assert m["total_return"] == 0.0 and m["max_drawdown"] == 0.0
    assert m["sharpe"] is None and m["sortino"] is None and m["calmar"] is None
    one = metrics.performance(pd.Series([1.0, 1.1]))
    assert one["volatility"] is None and one["sharpe"] is None
    assert metrics.relative(BASKET, flat.reindex(range(6), fill_value=1.0))["beta"] is None
    assert metrics.annualized(-1.0, 10) == -1.0


def test_turnover_counts_traded_value_after_the_formation() -> None:
    trades = pd.DataFrame({
        "date": pd.to_datetime(["2024-01-02", "2024-02-01", "2024-02-01"]),
        "value": [1_000_000.0, 50_000.0, 40_000.0],
    })
    values = pd.Series([1_000_000.0, 1_300_000.0, 1_100_000.0])  # base date included: mean 3,400,000 / 3
    # (50,000 + 40,000) / 2 over the mean value; not the starting (1.0M) nor the final (1.1M) value
    expected = 45_000 * 3 / 3_400_000
    assert metrics.turnover(trades, values, pd.Timestamp("2024-02-01")) == pytest.approx(expected, rel=1e-12)
    assert metrics.turnover(trades, values, None) == 0.0
