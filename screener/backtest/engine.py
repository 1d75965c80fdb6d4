"""Run a basket under A-share rules: the planner decides each session's orders, a
ledger (``fast`` numpy arrays, or ``backtrader``, the reference) executes them and keeps
the books.

The engine takes aligned arrays (:class:`~screener.backtest.panel.Panel`) and target
weights; it never knows where the bars came from. Everything a session needs (fill
prices, schedules, lot rules) is precomputed with numpy
(:func:`~screener.backtest.planner.market`); limit prices are worked out for the sessions
the planner visits (:class:`~screener.backtest.planner.LimitTable`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from screener.backtest.ledger import Books
from screener.backtest.panel import Panel
from screener.backtest.planner import Market, Planner, market, raw_shares
from screener.backtest.settings import BacktestSettings

TRADE_COLUMNS = ["date", "symbol", "side", "shares", "price", "value", "commission", "stamp_duty", "transfer_fee", "cost"]
EVENT_COLUMNS = ["date", "symbol", "side", "reason", "price", "limit"]


@dataclass
class EngineResult:
    """The books of one run. ``value`` is the portfolio value at each session's close
    (row 0 = base date); trades and events are in raw shares and raw prices."""

    dates: pd.DatetimeIndex
    symbols: list[str]
    value: np.ndarray
    starting_cash: float
    cash: float
    shares: np.ndarray  # final raw shares per member
    trades: pd.DataFrame
    events: pd.DataFrame
    formation_row: int
    rebalance_rows: list[int]
    targets: list[tuple[date, np.ndarray]]  # (session, renormalised weights) per rebalance

    @property
    def equity(self) -> pd.Series:
        """Value over the starting cash, 1.0 at the base date: the value before any trade,
        so that costs of a formation at the base close land in the first session."""
        v = self.value / self.starting_cash
        v[0] = 1.0
        return pd.Series(v, index=self.dates, name="basket")


def simulate(panel: Panel, weights: np.ndarray, settings: BacktestSettings) -> EngineResult:
    """Backtest target ``weights`` (one per panel member, any scale) over the panel with
    the ledger ``settings.engine``: ``fast`` (numpy) or ``backtrader`` (the reference)."""
    if settings.engine == "backtrader":
        from screener.backtest._bt import run
    else:
        from screener.backtest.ledger import run

    mk = market(panel, weights, settings)
    planner = Planner(mk)
    books = run(mk, planner, settings.cash)
    return EngineResult(
        dates=panel.dates,
        symbols=panel.symbols,
        value=books.value,
        starting_cash=float(settings.cash),
        cash=books.cash,
        shares=raw_shares(books.units, mk.factor[-1]),
        trades=_trades(books, mk, panel.symbols),
        events=_events(planner.events, mk, panel.symbols),
        formation_row=mk.formation_row,
        rebalance_rows=mk.rebalance_rows,
        targets=[(mk.days[r], w) for r, w in planner.target_log],
    )


def _trades(books: Books, mk: Market, symbols: list[str]) -> pd.DataFrame:
    fills = books.fills
    rows, members = fills[:, 0].astype(np.int64), fills[:, 1].astype(np.int64)
    qty, price = fills[:, 3], fills[:, 4]
    fees = books.fees(mk)
    return pd.DataFrame({
        "date": np.asarray(mk.days, dtype=object)[rows],
        "symbol": np.asarray(symbols, dtype=object)[members],
        "side": np.where(fills[:, 2] == 1, "buy", "sell"),
        "shares": qty,
        "price": price,
        "value": qty * price,
        "commission": fees.commission,
        "stamp_duty": fees.stamp_duty,
        "transfer_fee": fees.transfer_fee,
        "cost": fees.total,
    }, columns=TRADE_COLUMNS)


def _events(events: list[tuple], mk: Market, symbols: list[str]) -> pd.DataFrame:
    rows = [
        (mk.days[row], symbols[j] if j >= 0 else None, side, reason, price, limit)
        for row, j, side, reason, price, limit in events
    ]
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)
