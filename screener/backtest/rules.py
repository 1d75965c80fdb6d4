"""A-share order rules: board lots and odd-lot sells, blocking at the price limits
(computed by :mod:`screener.limits`), T+1.

Quantities are in raw shares and prices in raw CNY (see ``a-share-rules.md``).
"""

from __future__ import annotations

import math

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


def buy_blocked(price: float, limits: tuple[float, float] | None) -> bool:
    """A buy cannot fill at the upper limit price (conservative: equal counts)."""
    return limits is not None and price >= limits[1] - _CENT


def sell_blocked(price: float, limits: tuple[float, float] | None) -> bool:
    """A sell cannot fill at the lower limit price (conservative: equal counts)."""
    return limits is not None and price <= limits[0] + _CENT
