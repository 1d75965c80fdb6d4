"""One demo symbol's own draws — factor loadings, listing date, suspensions, corporate
actions, news limit days and trading activity — from the symbol's own stream, so a
symbol's bars never depend on which other symbols are loaded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from screener.data.demo.streams import stream, unit_t
from screener.symbols import Board, Symbol, parse_symbol

# index → (base level on the first session, market beta, size loading, own daily noise σ);
# CSI 300 *is* the market factor
INDEX_MIX: dict[str, tuple[float, float, float, float]] = {
    "000300.SH": (3470.0, 1.00, 0.0, 0.0),
    "000001.SH": (3300.0, 0.95, 0.1, 0.002),
    "000016.SH": (2300.0, 0.95, -0.5, 0.003),
    "000905.SH": (6800.0, 1.05, 0.7, 0.003),
    "000852.SH": (7200.0, 1.10, 1.0, 0.0035),
    "000688.SH": (1000.0, 1.20, 0.9, 0.006),
    "399001.SZ": (11600.0, 1.05, 0.3, 0.003),
    "399006.SZ": (2500.0, 1.20, 0.6, 0.005),
}
SECTOR_INDEX_MIX = (0.85, 0.0, 0.003)  # beta, size, noise of an index that tracks a sector
OTHER_INDEX_MIX = (1.0, 0.2, 0.003)

BETA_CENTRE = (0.85, 1.2)  # a sector's typical beta
BETA_SPREAD, BETA_RANGE = 0.25, (0.6, 1.5)
SECTOR_LOADING = (0.7, 1.2)
IDIO_VOL = (0.014, 0.022)  # a stock's own daily σ
SIZE_LOADING = {Board.MAIN: (-0.4, 0.4), Board.CHINEXT: (0.5, 1.2), Board.STAR: (0.5, 1.2), Board.BSE: (0.8, 1.5)}
SZ_MAIN_SIZE = (0.0, 0.8)  # Shenzhen main-board names are smaller than Shanghai's

# Code ranges issued after 2016 get a seeded listing date after their board opened.
LATE_LISTING = {
    ("688", "689"): date(2019, 7, 22),
    ("301",): date(2020, 8, 24),
    ("001", "003", "605"): date(2016, 6, 1),
}
LIMIT_UP_NEWS, LIMIT_DOWN_NEWS = 6, 4  # a stock's own news days closing at a limit
DIVIDEND_YEARS, BONUS_YEARS = 0.7, 0.12  # share of years with a cash dividend / with bonus shares
BONUS_RATIOS = (0.2, 0.3, 0.4, 0.5, 1.0)  # 10转2 … 10转10


@dataclass(frozen=True)
class Profile:
    """A symbol's own random inputs on a session grid of ``n`` sessions."""

    symbol: Symbol
    level: float  # first reference price: CNY for a stock, points for an index
    beta: float
    size: float
    sector: float  # loading on its sector factor (0 without one)
    idio_vol: float
    shocks: np.ndarray  # unit-variance own shocks
    gap: np.ndarray  # overnight noise
    hi_noise: np.ndarray
    lo_noise: np.ndarray
    vol_noise: np.ndarray
    listed: int = 0  # first session position
    suspended: np.ndarray | None = None  # bool per session; None for indices
    force: np.ndarray | None = None  # +1 limit-up, -1 limit-down news, 0 none
    cash: np.ndarray | None = None  # cash dividend as a fraction of the previous close
    bonus: np.ndarray | None = None  # bonus shares per share held (0.3 for 10转3)
    float_shares: float = 0.0
    turnover: float = 0.0  # typical daily turnover (fraction of float)


def profile(symbol: str, sessions: pd.DatetimeIndex, sector: str | None) -> Profile:
    """``symbol``'s draws; ``sector`` is the theme whose factor it loads on, if any."""
    sym = parse_symbol(symbol)
    rng = stream(symbol)
    n = len(sessions)
    noise = {
        "shocks": unit_t(rng, 4, n),
        "gap": rng.standard_normal(n),
        "hi_noise": np.abs(rng.standard_normal(n)),
        "lo_noise": np.abs(rng.standard_normal(n)),
        "vol_noise": rng.lognormal(0.0, 0.35, n),
    }
    if sym.is_index:
        return _index(sym, rng, sector, noise)
    return _stock(sym, rng, sessions, sector, noise)


def _index(sym: Symbol, rng: np.random.Generator, sector: str | None, noise: dict) -> Profile:
    level = rng.uniform(1500, 6000)  # drawn for every index: the stream's order never depends on the table
    if str(sym) in INDEX_MIX:
        level, beta, size, vol = INDEX_MIX[str(sym)]
    else:
        beta, size, vol = SECTOR_INDEX_MIX if sector else OTHER_INDEX_MIX
    return Profile(sym, level, beta, size, 1.0 if sector else 0.0, vol, **noise)


def _stock(sym: Symbol, rng: np.random.Generator, sessions: pd.DatetimeIndex, sector: str | None,
           noise: dict) -> Profile:
    n = len(sessions)
    centre = stream(f"beta:{sector}").uniform(*BETA_CENTRE) if sector else 1.0
    beta = float(np.clip(centre + rng.uniform(-BETA_SPREAD, BETA_SPREAD), *BETA_RANGE))
    size_range = SZ_MAIN_SIZE if sym.board is Board.MAIN and sym.exchange.value == "SZ" else SIZE_LOADING[sym.board]
    size = rng.uniform(*size_range)
    loading = rng.uniform(*SECTOR_LOADING) if sector else 0.0
    level = rng.uniform(5, 60)
    listed = _listing(sym, rng, sessions)
    suspended = _suspensions(rng, listed, n)
    cash, bonus = _corporate_actions(rng, sessions, listed, suspended)
    force = _news_days(rng, listed, n)
    force[(cash > 0) | (bonus > 0)] = 0
    return Profile(
        sym, level, beta, size, loading, rng.uniform(*IDIO_VOL), **noise,
        listed=listed, suspended=suspended, force=force, cash=cash, bonus=bonus,
        float_shares=rng.uniform(3e8, 3e9), turnover=rng.uniform(0.005, 0.03),
    )


def _listing(sym: Symbol, rng: np.random.Generator, sessions: pd.DatetimeIndex) -> int:
    n = len(sessions)
    for prefixes, opened in LATE_LISTING.items():
        if sym.code.startswith(prefixes):
            lo = int(sessions.searchsorted(pd.Timestamp(opened)))
            hi = min(lo + 600, n - 250)
            return int(rng.integers(lo, hi)) if hi > lo else 0
    return 0


def _suspensions(rng: np.random.Generator, listed: int, n: int) -> np.ndarray:
    suspended = np.zeros(n, dtype=bool)
    for _ in range(int(rng.integers(1, 4))):
        if n - 20 > listed + 10:
            at = int(rng.integers(listed + 10, n - 20))
            suspended[at : at + int(rng.integers(1, 11))] = True
    return suspended


def _corporate_actions(
    rng: np.random.Generator, sessions: pd.DatetimeIndex, listed: int, suspended: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """A cash dividend in most years (ex-date in June or July), bonus shares in a few."""
    n = len(sessions)
    days = sessions.to_numpy().astype("datetime64[D]")
    years = np.unique(days.astype("datetime64[Y]"))
    paid, late, extra = rng.random(len(years)), rng.integers(0, 50, len(years)), rng.random(len(years))
    yields, ratios = rng.uniform(0.004, 0.025, len(years)), rng.choice(BONUS_RATIOS, len(years))
    at = np.searchsorted(days, years + np.timedelta64(151, "D") + late)  # from about June 1st, 0-49 days on
    ok = (paid < DIVIDEND_YEARS) & (at > listed + 20) & (at < n)
    ok[ok] &= ~suspended[at[ok]]
    cash, bonus = np.zeros(n), np.zeros(n)
    cash[at[ok]] = yields[ok]
    bonus[at[ok]] = np.where(extra[ok] < BONUS_YEARS, ratios[ok], 0.0)
    return cash, bonus


def _news_days(rng: np.random.Generator, listed: int, n: int) -> np.ndarray:
    force = np.zeros(n, dtype=np.int64)
    days = np.arange(listed + 6, n)
    picked = rng.choice(days, size=min(len(days), LIMIT_UP_NEWS + LIMIT_DOWN_NEWS), replace=False)
    force[picked[:LIMIT_UP_NEWS]], force[picked[LIMIT_UP_NEWS:]] = 1, -1
    return force
