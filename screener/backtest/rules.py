"""A-share order rules: board lots and odd-lot sells, the STAR/BSE sell minimum, T+1,
blocking at the price limits (computed by :mod:`screener.limits`), and the optional cap
on a fill's share of the session's volume.

Quantities are in raw shares and prices in raw CNY (see ``a-share-rules.md``). Every
rule works on a number or elementwise on arrays (one order per element).
"""

from __future__ import annotations

import numpy as np

_EPS = 1e-9  # share counts can carry float noise (adjusted units × factor)
_CENT = 0.005  # half a cent: prices are compared at 0.01 CNY resolution

ArrayLike = float | np.ndarray


def buy_quantity(shortfall: ArrayLike, min_qty: ArrayLike, step: ArrayLike) -> np.ndarray:
    """The largest valid buy not above ``shortfall`` shares: at least ``min_qty``
    (the board lot, 200 on STAR), then whole ``step`` s; 0 when below the minimum."""
    shortfall = np.asarray(shortfall, dtype=float)
    qty = min_qty + np.floor((shortfall - min_qty) / step + _EPS) * step
    return np.where(shortfall + _EPS < min_qty, 0.0, qty)


def sell_quantity(held: ArrayLike, target: ArrayLike, step: ArrayLike) -> np.ndarray:
    """Shares to sell to bring ``held`` down towards ``target``: the position left is the
    whole number of ``step`` s nearest the target (0 when the target is 0), so any
    odd-lot remainder is sold together with whole lots, as the exchanges require."""
    target = np.asarray(target, dtype=float)
    keep = np.where(target <= _EPS, 0.0, np.floor(target / step + 0.5) * step)
    return np.asarray(held, dtype=float) - keep


def t_plus_1(qty: ArrayLike, sellable: ArrayLike) -> np.ndarray:
    """T+1: a sell never exceeds ``sellable``, the shares held at the session's start
    (shares bought in a session can be sold from the next session on)."""
    return np.minimum(qty, sellable)


def sell_minimum(qty: ArrayLike, sellable: ArrayLike, min_qty: ArrayLike, step: ArrayLike) -> np.ndarray:
    """The smallest sell order a board accepts.

    On STAR (at least 200 shares, then steps of 1) and BSE (at least 100, then steps of
    1) — the boards whose ``step`` is below ``min_qty`` — a sell order is at least
    ``min_qty`` shares, except that a balance below ``min_qty`` is sold in one order. A
    wanted sale below that becomes the smallest valid order (``min_qty``, or the whole
    balance) when that is nearer than not selling, else nothing. On every board a sale
    of less than one share (dust) is skipped."""
    qty = np.asarray(qty, dtype=float)
    fine_steps = np.asarray(step) < min_qty
    if np.count_nonzero(fine_steps):  # STAR or BSE
        smallest = np.minimum(min_qty, np.asarray(sellable, dtype=float))
        short = fine_steps & (qty + _EPS < smallest)
        qty = np.where(short, np.where(smallest - qty < qty, smallest, 0.0), qty)
    return np.where(qty < 1.0 - _EPS, 0.0, qty)


def participation(qty: ArrayLike, volume: ArrayLike, fraction: float, min_qty: ArrayLike, step: ArrayLike) -> np.ndarray:
    """A fill of at most ``fraction`` of the session's ``volume`` (shares): an order above
    that is cut to the largest valid order within it (board lots; on STAR/BSE at least
    the minimum, else nothing). No cap where the volume is unknown (NaN)."""
    qty = np.asarray(qty, dtype=float)
    cap = fraction * np.asarray(volume, dtype=float)
    with np.errstate(invalid="ignore"):
        over = qty > cap
    return np.where(over, buy_quantity(np.where(over, cap, 0.0), min_qty, step), qty)


def buy_blocked(price: ArrayLike, upper: ArrayLike) -> np.ndarray:
    """A buy cannot fill at the upper limit price (conservative: equal counts); never
    blocked without a limit (``upper`` NaN)."""
    return np.asarray(price) >= np.asarray(upper) - _CENT


def sell_blocked(price: ArrayLike, lower: ArrayLike) -> np.ndarray:
    """A sell cannot fill at the lower limit price (conservative: equal counts); never
    blocked without a limit (``lower`` NaN)."""
    return np.asarray(price) <= np.asarray(lower) + _CENT
