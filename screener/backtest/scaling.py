"""Fit a session's buys to the cash by one common factor.

When the wanted buys cost more than the cash (traded value plus fees), every order is
scaled by the same factor ``k`` and rounded down to a valid quantity: order ``i`` gets
the largest valid quantity ``q`` (0, or ``min_qty + n × step`` up to ``wanted``) with
``q / wanted ≤ k``, and ``k`` is the largest factor whose total cost fits. As cost grows
with ``k`` in steps, the best ``k`` is one of the ratios ``q / wanted`` (breakpoints):
bisection narrows the range, then the few breakpoints left are walked in order. No
tolerance: an order never keeps a larger share of its wanted size than another.
"""

from __future__ import annotations

import numpy as np

from screener.backtest.costs import CostModel


class _Buys:
    """Wanted buys and their valid quantities, indexed by ``n`` (−1: none; ``top``: all)."""

    def __init__(self, wanted: np.ndarray, prices: np.ndarray, min_qty: np.ndarray, step: np.ndarray, costs: CostModel):
        self.wanted, self.prices, self.min_qty, self.step, self.costs = wanted, prices, min_qty, step, costs
        self.top = np.round((wanted - min_qty) / step)

    def quantity(self, n: np.ndarray, of: np.ndarray | slice = slice(None)) -> np.ndarray:
        """The valid quantities at levels ``n`` of the orders ``of``."""
        return np.where(n < 0, 0.0, self.min_qty[of] + n * self.step[of])

    def level(self, k: float) -> np.ndarray:
        """Per order, the index of the largest valid quantity with q / wanted ≤ k."""
        n = np.clip(np.floor((k * self.wanted - self.min_qty) / self.step), -1, self.top)
        # the float estimate can be one off next to a breakpoint: settle on the ratios
        n = n - ((n >= 0) & (self.quantity(n) / self.wanted > k))
        up = np.minimum(n + 1, self.top)
        return n + ((n < self.top) & (self.quantity(up) / self.wanted <= k))

    def order_costs(self, q: np.ndarray, prices: np.ndarray) -> np.ndarray:
        v = q * prices
        return v + self.costs.order_total(v)

    def cost(self, n: np.ndarray) -> float:
        return self.costs.buy_cash(self.quantity(n), self.prices)


def fit_buys(
    wanted: np.ndarray,
    prices: np.ndarray,
    min_qty: np.ndarray,
    step: np.ndarray,
    budget: float,
    costs: CostModel,
) -> np.ndarray:
    """Buy quantities no larger than ``wanted`` (valid quantities themselves) whose cost
    fits in ``budget``: all of them when they fit, else every order scaled by the largest
    common factor that fits (see the module docstring)."""
    wanted = np.asarray(wanted, dtype=float)
    if budget <= 0 or len(wanted) == 0:
        return np.zeros_like(wanted)
    buys = _Buys(wanted, np.asarray(prices, float), np.asarray(min_qty, float), np.asarray(step, float), costs)
    need = buys.cost(buys.top)
    if need <= budget:
        return wanted.copy()
    if buys.order_costs(buys.min_qty, buys.prices).min() > budget:  # not even the cheapest single lot
        return np.zeros_like(wanted)
    lo, hi = 0.0, 1.0  # nothing bought fits, everything does not
    n_lo, n_hi = buys.level(lo), buys.top
    k = budget / need
    for _ in range(8):  # proportional guesses: usually the first one fits
        n = buys.level(k)
        c = buys.cost(n)
        if c <= budget:
            lo, n_lo = k, n
            break
        hi, n_hi = k, n
        k *= budget / c
    limit = max(64, 4 * len(wanted))
    while (n_hi - n_lo).sum() > limit:
        mid = (lo + hi) / 2
        if mid in (lo, hi):  # floats cannot split k further (absurd share counts): lo's levels fit
            return buys.quantity(n_lo)
        n = buys.level(mid)
        if buys.cost(n) <= budget:
            lo, n_lo = mid, n
        else:
            hi, n_hi = mid, n
    return buys.quantity(_walk(buys, n_lo, n_hi, budget))


def _walk(buys: _Buys, n_lo: np.ndarray, n_hi: np.ndarray, budget: float) -> np.ndarray:
    """The levels at the largest breakpoint between ``n_lo`` (fits) and ``n_hi`` whose
    cost fits: breakpoints sorted by ratio, costs accumulated, ties taken together."""
    counts = (n_hi - n_lo).astype(np.int64)
    if counts.sum() == 0:
        return n_lo
    order_of = np.repeat(np.arange(len(counts)), counts)
    offset = np.arange(len(order_of)) - np.repeat(np.cumsum(counts) - counts, counts)
    n = n_lo[order_of] + 1 + offset
    q = buys.quantity(n, order_of)
    ratio = q / buys.wanted[order_of]
    prices = buys.prices[order_of]
    added = buys.order_costs(q, prices) - buys.order_costs(buys.quantity(n - 1, order_of), prices)
    by_ratio = np.argsort(ratio, kind="stable")
    ratio = ratio[by_ratio]
    cum = buys.cost(n_lo) + np.cumsum(added[by_ratio])
    ends = np.flatnonzero(np.r_[ratio[1:] != ratio[:-1], True])
    for e in ends[cum[ends] <= budget][::-1]:  # the largest first; exact cost decides
        level = buys.level(float(ratio[e]))
        if buys.cost(level) <= budget:
            return level
    return n_lo
