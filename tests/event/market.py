"""A small hand-made market for the event-study tests, and an independent reference:
the documented formulas written out case by case with numpy only (numpy.linalg.lstsq
for α and β), never calling the code under test."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from screener.calendar import sessions as xshg
from tests.backtest.helpers import bars

SESSIONS = xshg("2023-06-01", "2024-06-28")
BENCH = "000300.SH"


def _prices(returns: np.ndarray, start: float) -> np.ndarray:
    return np.round(start * np.cumprod(1.0 + returns), 2)


def frames(seed: int = 7) -> dict[str, pd.DataFrame]:
    """A benchmark and four members: A follows the benchmark with β ≈ 1.3; B is
    suspended in its estimation window and in the event window of 2024-03-15; C pays a
    dividend (its factor steps up) inside that window; D lists on 2024-01-15, too late
    for a full estimation window."""
    rng = np.random.default_rng(seed)
    n = len(SESSIONS)
    rm = rng.normal(0.0003, 0.01, n)
    bench = bars(SESSIONS, np.round(3000 * np.cumprod(1 + rm), 2))
    out = {BENCH: bench}
    for name, beta, start in (("600000.SH", 1.3, 10.0), ("600036.SH", 0.7, 20.0), ("000001.SZ", 1.0, 12.0),
                              ("600900.SH", 0.9, 25.0)):
        r = 0.0004 + beta * rm + rng.normal(0, 0.012, n)
        close = _prices(np.clip(r, -0.09, 0.09), start)
        opn = np.round(close * (1 + rng.normal(0, 0.004, n)), 2)
        out[name] = bars(SESSIONS, close, opn)
    b = out["600036.SH"]
    drop = [SESSIONS.get_loc(pd.Timestamp(d)) for d in ("2024-01-10", "2024-01-11", "2024-01-12",
                                                         "2024-03-18", "2024-03-19")]
    out["600036.SH"] = b.drop(SESSIONS[drop])
    c = out["000001.SZ"].copy()
    ex = pd.Timestamp("2024-03-20")
    c.loc[c.index >= ex, ["open", "high", "low", "close"]] = (c.loc[c.index >= ex, ["open", "high", "low", "close"]] - 0.5).round(2)
    c.loc[c.index >= ex, "adj_factor"] = 1.04
    out["000001.SZ"] = c
    d = out["600900.SH"]
    out["600900.SH"] = d[d.index >= pd.Timestamp("2024-01-15")]
    return out


THEME = {
    "id": "event-test",
    "name": "Event test",
    "benchmark": BENCH,
    "members": [
        {"symbol": "600000.SH", "name": "A"},
        {"symbol": "600036.SH", "name": "B (suspended)"},
        {"symbol": "000001.SZ", "name": "C (dividend)"},
        {"symbol": "600900.SH", "name": "D (listed late)"},
    ],
}


@dataclass
class Case:
    symbol: str
    day0: int  # row of day 0 in SESSIONS
    model: str
    n: int
    alpha: float
    beta: float
    mu: float
    sigma: float
    dof: int
    ar: np.ndarray  # by relative day (NaN without a return)
    span: np.ndarray
    bench: np.ndarray
    sar: np.ndarray
    residuals: dict[int, float]  # row -> estimation residual


def trade_to_trade(frame: pd.DataFrame, bench: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(return since the previous bar, sessions spanned, the benchmark's return over them)
    per row of SESSIONS, from adjusted closes."""
    p = (frame["close"] * frame["adj_factor"]).reindex(SESSIONS).to_numpy()
    m = (bench["close"] * bench["adj_factor"]).reindex(SESSIONS).to_numpy()
    ret, span, bret = np.full(len(p), np.nan), np.zeros(len(p), dtype=int), np.full(len(p), np.nan)
    prev = -1
    for t in range(len(p)):
        if np.isnan(p[t]):
            continue
        if prev >= 0:
            ret[t], span[t], bret[t] = p[t] / p[prev] - 1, t - prev, m[t] / m[prev] - 1
        prev = t
    return ret, span, bret


def reference(frames: dict[str, pd.DataFrame], symbol: str, day: str, window: tuple[int, int],
              estimation: tuple[int, int], model: str, min_estimation: int) -> Case:
    """One case by the formulas of README "Event studies", in plain loops."""
    ret, span, bret = trade_to_trade(frames[symbol], frames[BENCH])
    t0 = int(SESSIONS.searchsorted(pd.Timestamp(day)))
    est = [t for t in range(t0 + estimation[0], t0 + estimation[1] + 1)
           if span[t] == 1 and not np.isnan(ret[t]) and (model == "mean" or not np.isnan(bret[t]))]
    y, x = ret[est], bret[est]
    T = len(est)
    alpha = beta = mu = np.nan
    used = model if T >= min_estimation else "market-adjusted"
    if used == "market":
        (alpha, beta), *_ = np.linalg.lstsq(np.column_stack([np.ones(T), x]), y, rcond=None)
        resid = y - alpha - beta * x
        dof = T - 2
    elif used == "mean":
        mu = y.mean()
        resid = y - mu
        dof = T - 1
    else:
        resid = (y - x) - (y - x).mean()
        dof = T - 1
    sigma = np.sqrt(resid @ resid / dof) if T >= min_estimation else np.nan
    rows = np.arange(t0 + window[0], t0 + window[1] + 1)
    k, rm, r = span[rows].astype(float), bret[rows], ret[rows]
    if used == "market":
        expected = k * alpha + beta * rm
        f = k + k**2 / T + (rm - k * x.mean()) ** 2 / ((x - x.mean()) ** 2).sum()
    elif used == "mean":
        expected, f = k * mu, k + k**2 / T
    else:
        expected, f = rm, k
    ar = r - expected
    return Case(symbol, t0, used, T, alpha, beta, mu, sigma, dof, ar, span[rows], rm, ar / (sigma * np.sqrt(f)),
                dict(zip(est, resid)))
