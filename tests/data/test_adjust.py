"""Adjustment factors from raw + hfq series: steps only on ex-dates, robust to rounding."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from screener.data.adjust import derive_adj_factor


def series(values, n0=0):
    idx = pd.bdate_range("2024-01-01", periods=len(values))
    return pd.Series(values, index=idx, dtype="float64")


@pytest.fixture
def raw():
    rng = np.random.default_rng(3)
    close = np.round(10 * np.exp(np.cumsum(rng.normal(0, 0.02, 300))), 2)
    return series(close)


def test_multiplicative_hfq_with_cent_rounding(raw):
    f = np.full(len(raw), 3.0)
    f[100:] *= 1.02  # a dividend
    f[200:] *= 1.5  # a bonus issue
    hfq = series(np.round(raw.to_numpy() * f, 2))
    adj = derive_adj_factor(raw, hfq)
    steps = np.flatnonzero(np.diff(adj) != 0) + 1
    assert steps.tolist() == [100, 200]
    assert adj[0] == pytest.approx(3.0, rel=1e-3)
    assert adj[150] / adj[99] == pytest.approx(1.02, rel=2e-3)
    assert adj[-1] / adj[150] == pytest.approx(1.5, rel=2e-3)


def test_additive_hfq_gives_multiplicative_steps_on_ex_dates_only(raw):
    cash = np.zeros(len(raw))
    cash[120:] += 0.3  # cumulative cash dividends added back (eastmoney-style)
    cash[250:] += 0.2
    hfq = series(np.round(raw.to_numpy() + cash, 2))
    adj = derive_adj_factor(raw, hfq)
    steps = np.flatnonzero(np.diff(adj) != 0) + 1
    assert steps.tolist() == [120, 250]
    # total return over the ex-date equals the hfq return
    t = 120
    tr = (raw.iloc[t] * adj[t]) / (raw.iloc[t - 1] * adj[t - 1])
    assert tr == pytest.approx(hfq.iloc[t] / hfq.iloc[t - 1], rel=1e-9)


def test_anchor_chains_from_a_cached_factor(raw):
    hfq = series(np.round(raw.to_numpy() * 2.0, 2))
    adj = derive_adj_factor(raw, hfq, anchor=7.5)
    assert (adj == 7.5).all()


def test_missing_hfq_rows_carry_the_factor(raw):
    hfq = series(np.round(raw.to_numpy() * 2.0, 2)).drop(raw.index[10:20])
    adj = derive_adj_factor(raw, hfq)
    assert np.allclose(adj, adj[0]) and adj[0] == pytest.approx(2.0, rel=1e-3)
