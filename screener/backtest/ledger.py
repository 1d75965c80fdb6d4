"""What every ledger hands back: the books of one run (values, cash, positions, fills).

A ledger executes the planner's orders and keeps cash and positions: positions are in
adjusted units (raw shares ÷ adj_factor), so dividends are reinvested and bonus shares
appear without bookkeeping; raw shares are units × the session's factor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from screener.backtest.costs import Fees
from screener.backtest.planner import Market


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


def held_shares(units: np.ndarray, adj: np.ndarray) -> np.ndarray:
    """Raw shares for positions in adjusted units at factors ``adj`` (0 where nothing is held)."""
    return np.where(units == 0.0, 0.0, units * adj)
