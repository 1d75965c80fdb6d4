"""The shared demo factors: daily log returns on a session grid, each from its own named
stream and generated once per process.

* a volatility regime (calm and stressed spells) that scales every shock;
* the market — the demo CSI 300 is this factor — with fat tails and multi-year cycles
  around a slow upward trend;
* a size style (small caps minus large caps) that separates CSI 1000 from SSE 50;
* one sector factor per built-in theme, with news days on which the whole sector jumps
  (so that several members close at the limit together).

Each factor's *level* mean-reverts slowly (an AR(1) in log price), so ten synthetic
years stay in realistic ranges while daily returns keep their volatility.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from screener import calendar
from screener.data.demo.streams import stream, unit_t

MARKET_VOL = 0.0125  # daily σ of the market, about 19% a year
MARKET_DRIFT = 0.03 / calendar.SESSIONS_PER_YEAR  # log drift a session: about 3% a year
MARKET_PHI = 0.999  # the market level's persistence: bull and bear spells of a few years
SIZE_VOL, SIZE_PHI = 0.005, 0.998
SECTOR_VOL, SECTOR_PHI = 0.009, 0.998
SECTOR_JUMPS_A_YEAR = 2.0
SECTOR_JUMP = (0.03, 0.08)  # size of a sector's news-day move (60% of them up)
REGIME_PHI, REGIME_STD = 0.99, 0.3


@dataclass(frozen=True)
class Market:
    """The factors every demo symbol shares, on one session grid."""

    sessions: pd.DatetimeIndex
    regime: np.ndarray  # volatility multiplier per session (mean square about 1)
    market: np.ndarray
    size: np.ndarray


def ar1(shocks: np.ndarray, phi: float) -> np.ndarray:
    """``x[t] = phi * x[t-1] + shocks[t]`` from ``x[-1] = 0``, without a Python loop over
    sessions: within a block ``x[t] = phi**t * (carry * phi + cumsum(shocks / phi**k)[t])``,
    with blocks short enough that ``phi**-k`` stays below e**20."""
    out = np.empty(len(shocks))
    block = max(1, int(20 / -np.log(phi)))
    carry = 0.0
    for lo in range(0, len(shocks), block):
        part = shocks[lo : lo + block]
        power = phi ** np.arange(len(part))
        out[lo : lo + len(part)] = power * (carry * phi + np.cumsum(part / power))
        carry = out[lo + len(part) - 1]
    return out


def reverting(shocks: np.ndarray, phi: float) -> np.ndarray:
    """Daily returns whose cumulative level is ``ar1(shocks, phi)``."""
    return np.diff(ar1(shocks, phi), prepend=0.0)


@lru_cache(maxsize=4)
def market(start: date, end: date) -> Market:
    """The regime, market and size factors on XSHG sessions in [start, end]."""
    sessions = calendar.sessions(start, end)
    n = len(sessions)
    rng = stream("market")
    h = ar1(rng.normal(0.0, REGIME_STD * np.sqrt(1 - REGIME_PHI**2), n), REGIME_PHI)
    regime = np.exp(h - REGIME_STD**2)
    mkt = MARKET_DRIFT + reverting(MARKET_VOL * regime * unit_t(rng, 5, n), MARKET_PHI)
    size = reverting(SIZE_VOL * regime * rng.standard_normal(n), SIZE_PHI)
    return Market(sessions, regime, mkt, size)


@lru_cache(maxsize=64)
def sector(theme_id: str, start: date, end: date) -> np.ndarray:
    """The sector factor of the built-in theme ``theme_id``: its own shocks scaled by the
    shared regime, plus its news days."""
    base = market(start, end)
    n = len(base.sessions)
    rng = stream(f"sector:{theme_id}")
    shocks = SECTOR_VOL * base.regime * unit_t(rng, 4, n)
    jumps = rng.poisson(SECTOR_JUMPS_A_YEAR * n / calendar.SESSIONS_PER_YEAR)
    at = rng.integers(0, max(n, 1), jumps)
    sign = np.where(rng.random(jumps) < 0.6, 1.0, -1.0)
    np.add.at(shocks, at, sign * rng.uniform(*SECTOR_JUMP, jumps))
    return reverting(shocks, SECTOR_PHI)
