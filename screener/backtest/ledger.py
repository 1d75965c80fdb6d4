"""Ledgers keep the books: they execute the planner's orders and hold cash and positions.

Positions are in adjusted units (raw shares ÷ adj_factor), so dividends are reinvested
and bonus shares appear without bookkeeping; raw shares are units × the session's
factor. Every ledger hands back :class:`Books`. This module is the ``fast`` ledger (the
default, numpy); ``backtrader`` (the reference) is in :mod:`screener.backtest._bt`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from screener.backtest.costs import Fees
from screener.backtest.planner import Market, Planner, raw_shares


class EngineError(RuntimeError):
    """An internal inconsistency in the engine (a bug, never a user mistake)."""


FILL_COLUMNS = ("row", "member", "buy", "qty", "price")


@dataclass
class Books:
    """The books of one run: ``value`` at each session's close (row 0 = base date), the
    final cash and positions (adjusted units), and the fills in execution order as rows
    of :data:`FILL_COLUMNS` (raw shares, raw prices; ``buy`` 1 or 0)."""

    value: np.ndarray
    cash: float
    units: np.ndarray
    fills: np.ndarray

    def fees(self, market: Market) -> Fees:
        """The costs of every fill, by the one cost formula."""
        rows = self.fills[:, 0].astype(np.int64)
        value = self.fills[:, 3] * self.fills[:, 4]
        return market.costs.charges(value, self.fills[:, 2] == 0, market.stamp[rows])


def run(market: Market, planner: Planner, cash: float) -> Books:
    """The books of one run with the ``fast`` ledger: numpy arrays of cash and positions,
    a plain loop that works only on sessions with a rebalance or open orders, and one
    vectorised valuation per stretch of sessions between trades."""
    n = len(market.days)
    units = np.zeros(market.members)
    cushion = market.cash_tolerance * 10
    fills: list[tuple[int, np.ndarray, float, np.ndarray, np.ndarray]] = []
    changes: list[tuple[int, float, np.ndarray]] = [(0, cash, units.copy())]
    row = planner.next_due(0)
    while row < n:
        orders = planner.plan(row, cash, raw_shares(units, market.factor[row]))
        if orders is None:
            row = planner.next_due(row + 1)
            continue
        adj = market.adj[row]
        j, qty, price = orders.sell_j, orders.sell_qty, orders.sell_price
        if len(j):
            units[j] = np.where(orders.exit, 0.0, units[j] - qty / adj[j])
            cash += orders.sell_cash
            fills.append((row, j, 0.0, qty, price))
        j, qty, price = orders.buy_j, orders.buy_qty, orders.buy_price
        if len(j):
            units[j] += qty / adj[j]
            cash -= orders.buy_cash
            fills.append((row, j, 1.0, qty, price))
        if cash < -cushion:
            raise EngineError(f"the fast ledger overspent on {market.days[row]}: cash {cash}")
        changes.append((row, cash, units.copy()))
        row = planner.next_due(row + 1)
    return Books(_valuation(market, changes), cash, units, _fill_table(fills))


def _valuation(market: Market, changes: list[tuple[int, float, np.ndarray]]) -> np.ndarray:
    """Cash plus positions at each session's close: positions only change on the rows in
    ``changes`` (row, cash after, units after), so each stretch is one matrix product."""
    n = len(market.days)
    value = np.empty(n)
    ends = [row for row, _, _ in changes[1:]] + [n]
    for (row, cash, units), end in zip(changes, ends):
        value[row:end] = cash + market.value_close[row:end] @ units
    return value


def _fill_table(fills: list[tuple[int, np.ndarray, float, np.ndarray, np.ndarray]]) -> np.ndarray:
    """Rows of :data:`FILL_COLUMNS` from (row, members, buy, quantities, prices) batches."""
    if not fills:
        return np.zeros((0, len(FILL_COLUMNS)))
    sizes = [len(f[1]) for f in fills]
    return np.column_stack([
        np.repeat([f[0] for f in fills], sizes),
        np.concatenate([f[1] for f in fills]),
        np.repeat([f[2] for f in fills], sizes),
        np.concatenate([f[3] for f in fills]),
        np.concatenate([f[4] for f in fills]),
    ]).astype(float)
