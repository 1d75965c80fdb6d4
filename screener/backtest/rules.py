"""A-share order rules: board lots and odd-lot sells, daily price limits, T+1.

Quantities are in raw shares and prices in raw CNY (see ``a-share-rules.md``).
"""

from __future__ import annotations

import math
from datetime import date

from screener.symbols import (
    CHINEXT_20PCT_FROM,
    Board,
    Symbol,
    limit_prices,
    round_price,
)

MAIN_BOARD_REGISTRATION = date(2023, 4, 10)  # no limit for new main-board listings from here
NEW_LISTING_FREE_SESSIONS = 5
_EPS = 1e-9  # share counts can carry float noise (adjusted units × factor)
_CENT = 0.005  # half a cent: prices are compared at 0.01 CNY resolution


def buy_quantity(shortfall: float, min_qty: int, step: int) -> float:
    """The largest valid buy not above ``shortfall`` shares: at least ``min_qty``
    (the board lot, 200 on STAR), then whole ``step`` s; 0 when below the minimum."""
    if shortfall + _EPS < min_qty:
        return 0.0
    return float(min_qty + math.floor((shortfall - min_qty) / step + _EPS) * step)


def sell_quantity(held: float, target: float, step: int, sellable: float | None = None) -> float:
    """Shares to sell to bring ``held`` down towards ``target``.

    The position left is the whole number of ``step`` s nearest the target (0 when the
    target is 0), so any odd-lot remainder is sold together with whole lots, as the
    exchanges require. A sale of less than one share (dust) is skipped. T+1: never more
    than ``sellable`` (the shares held before this session)."""
    if target <= _EPS:
        keep = 0.0
    else:
        keep = float(math.floor(target / step + 0.5) * step)
    qty = held - keep
    if sellable is not None:
        qty = min(qty, sellable)
    if qty < 1.0 - _EPS:
        return 0.0
    return qty


def sellable(held_at_open: float, bought_today: float) -> float:
    """T+1: shares bought in a session can be sold from the next session on."""
    return max(held_at_open - bought_today, 0.0)


def limit_base(prev_close: float, prev_adj: float, adj: float) -> float:
    """The reference price for today's limits: the previous close, restated for a
    corporate action on the day (ex-date: prev close × prev factor / today's factor,
    rounded to 0.01 CNY as the exchanges publish it)."""
    if prev_adj == adj:
        return prev_close
    return round_price(prev_close * prev_adj / adj)


def band_on(symbol: Symbol, day: date, nth_session: int | None = None) -> float | None:
    """The limit band for ``symbol`` on ``day``; None when there is no limit: indices,
    and the first five sessions of a new listing on STAR, ChiNext (registration
    system, from 2020-08-24) and the main boards (from 2023-04-10). ``nth_session`` is
    the listing's session count (1 = listing day), None when the listing date is unknown.
    Risk-warning (ST) bands are not applied: bar data carries no ST flag."""
    if nth_session is not None and nth_session <= NEW_LISTING_FREE_SESSIONS:
        board = symbol.board
        if (
            board is Board.STAR
            or board is Board.BSE and nth_session == 1
            or board is Board.CHINEXT and day >= CHINEXT_20PCT_FROM
            or board is Board.MAIN and day >= MAIN_BOARD_REGISTRATION
        ):
            return None
    return symbol.limit_band(day)


def price_limits(base: float, band: float | None) -> tuple[float, float] | None:
    """(lower, upper) limit prices, or None without a limit."""
    if band is None or not base > 0:
        return None
    return limit_prices(base, band)


def buy_blocked(price: float, limits: tuple[float, float] | None) -> bool:
    """A buy cannot fill at the upper limit price (conservative: equal counts)."""
    return limits is not None and price >= limits[1] - _CENT


def sell_blocked(price: float, limits: tuple[float, float] | None) -> bool:
    """A sell cannot fill at the lower limit price (conservative: equal counts)."""
    return limits is not None and price <= limits[0] + _CENT
