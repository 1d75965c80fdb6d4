"""The ``backtrader`` ledger, the reference: an array-backed feed, a lean stock broker,
the A-share commission scheme and a strategy that executes the planner's orders.
Imported only when a backtest runs with ``--engine backtrader``.

The strategy trades on *adjusted* prices (raw × adj_factor), so dividends are reinvested
and bonus shares appear without any cash or share bookkeeping: a position of ``size``
adjusted units holds ``size × adj_factor`` raw shares. The planner works orders out in
raw shares and raw prices (lots, limits, costs); they are submitted as backtrader
*historical* orders at the exact fill price (the session's open or close, as adjusted
units), which the broker fills in that same session.
"""

from __future__ import annotations

import array
from datetime import datetime
from typing import Any

import backtrader as bt
import numpy as np

from screener.backtest.ledger import Books, EngineError
from screener.backtest.planner import Market, Planner, raw_shares


class ArrayFeed(bt.feed.DataBase):
    """A preloaded feed from numpy arrays on a shared session index.

    ``close`` is the adjusted close carried forward over gaps (what a position is worth);
    ``open``/``high``/``low`` equal it: fills never read them (historical orders carry
    their own price). Ticks are not used, so ``advance`` only moves the lines."""

    params = (("datetimes", None), ("closes", None))

    def preload(self) -> None:
        dt = array.array("d", self.p.datetimes)
        px = array.array("d", self.p.closes)
        for name in ("open", "high", "low", "close"):
            getattr(self.lines, name).array = array.array("d", px)
        self.lines.datetime.array = dt
        zeros = array.array("d", bytes(8 * len(dt)))
        self.lines.volume.array = zeros
        self.lines.openinterest.array = array.array("d", zeros)
        self.home()
        # the clock: the next bar's time, or +inf once every bar has been delivered
        self._peek = [*self.p.datetimes, float("inf")]
        self._pos = 0
        self._moving = (self.lines.datetime, self.lines.close)

    def _load(self) -> bool:
        return False

    def advance_peek(self) -> float:
        return self._peek[self._pos]

    def advance(self, size: int = 1, datamaster: Any = None, ticks: bool = True) -> None:
        # only the lines anything reads move: the clock and the close (valuation);
        # fills never read open/high/low (historical orders carry their own price)
        self._pos += size
        for line in self._moving:
            line.advance(size)


class StockBroker(bt.brokers.BackBroker):
    """BackBroker for a long-only cash stock account: the same order processing, without
    the per-bar credit-interest and futures cash-adjustment loops (both always zero for
    stocks), which dominate the broker's time with many members.

    While a session's orders execute, cash carries a tiny ``cushion`` (1e-6 CNY plus
    1e-12 of the starting cash) so that an order sized to spend the cash exactly is not
    refused for floating-point residue; the strategy never plans to overspend by more
    than a tenth of the cushion."""

    cushion = 1e-6

    def next(self) -> None:
        while self._toactivate:
            self._toactivate.popleft().activate()
        if self.p.checksubmit:
            self.check_submitted()
        self.cash += self.cushion
        self.pending.append(None)
        while True:
            order = self.pending.popleft()
            if order is None:
                break
            if order.expire():
                self.notify(order)
            elif not order.active():
                self.pending.append(order)
            else:
                self._try_exec(order)
                if order.alive():
                    self.pending.append(order)
        self.cash -= self.cushion
        self._get_value()

    def _get_value(self, datas: Any = None, lever: bool = False) -> float:
        """Cash plus each long position at its feed's close (BackBroker's own loop, less
        the leverage and futures bookkeeping a cash stock account never needs)."""
        if datas is not None or self._cash_addition or self._fundhist:
            return super()._get_value(datas=datas, lever=lever)
        held = 0.0
        for data, position in self.positions.items():
            if position.size:
                held += position.size * data.close[0]
        self._value = self._valuelever = self.cash + held
        self._valuemkt = self._valuemktlever = held
        self._fundval = self._value / self._fundshares
        self._leverage = 1.0
        return self._value


class AShareCommission(bt.CommInfoBase):
    """Commission scheme charging :meth:`CostModel.charges` on each order's traded value
    (commission with its minimum, stamp duty on sells at the session's rate, transfer
    fee). ``stamp_rate`` is set by the strategy before it submits a session's orders."""

    params = (("stocklike", True), ("commtype", bt.CommInfoBase.COMM_FIXED), ("model", None))

    def __init__(self) -> None:
        super().__init__()
        self.stamp_rate = 0.0

    def _getcommission(self, size: float, price: float, pseudoexec: bool) -> float:
        # long-only: a negative size closes (sells) part of a position
        return float(self.p.model.charges(abs(size) * price, size < 0, self.stamp_rate).total)


class BasketStrategy(bt.Strategy):
    """Executes the planner's orders: on each session with work, the planner sees the
    broker's cash and positions and returns the session's orders, which are submitted
    as historical orders at the fill price (adjusted units at adjusted prices)."""

    params = (("planner", None),)

    def __init__(self) -> None:
        self.planner: Planner = self.p.planner
        self.market: Market = self.planner.market
        self.row = 0
        self.values: list[float] = []
        self.fills: list[tuple] = []
        self.comm: AShareCommission = self.broker.getcommissioninfo(self.datas[0])

    # backtrader calls prenext_open on the first bar: the formation may be there
    def prenext_open(self) -> None:
        self.next_open()

    def next_open(self) -> None:
        row = self.row
        if not self.planner.due(row):
            return
        orders = self.planner.plan(row, self.broker.cash, self.held(row))
        if orders is None:
            return
        self.comm.stamp_rate = self.market.stamp[row]
        adj = self.market.adj[row]
        for j, qty, p, whole in zip(orders.sell_j, orders.sell_qty, orders.sell_price, orders.exit):
            data = self.datas[j]
            size = self.broker.positions[data].size if whole else qty / adj[j]  # exits are exact
            self.sell(data, size=size, price=p * adj[j], exectype=bt.Order.Historical, histnotify=True,
                      j=int(j), qty=float(qty), raw=float(p))
        for j, qty, p in zip(orders.buy_j, orders.buy_qty, orders.buy_price):
            self.buy(self.datas[j], size=qty / adj[j], price=p * adj[j], exectype=bt.Order.Historical,
                     histnotify=True, j=int(j), qty=float(qty), raw=float(p))

    def next(self) -> None:
        self.values.append(self.broker._value)
        self.row += 1

    def held(self, row: int) -> np.ndarray:
        """Raw shares held per member at ``row``'s prices (adjusted units × factor)."""
        sizes = np.array([self.broker.positions[d].size for d in self.datas])
        return raw_shares(sizes, self.market.factor[row])

    def notify_order(self, order: bt.Order) -> None:
        if order.status == order.Completed:
            info = order.info
            self.fills.append((self.row, info["j"], order.isbuy(), info["qty"], info["raw"], order.executed.comm))
        elif order.status in (order.Margin, order.Rejected, order.Canceled, order.Expired):
            raise EngineError(f"backtrader refused an order ({order.getstatusname()}): {order.info}")


def run(market: Market, planner: Planner, cash: float) -> Books:
    """The books of one run with backtrader as the ledger."""
    cerebro = bt.Cerebro(stdstats=False, cheat_on_open=True, runonce=True, preload=True)
    broker = StockBroker()
    broker.set_cash(cash)
    broker.cushion = market.cash_tolerance * 10
    broker.set_coo(True)
    broker.set_checksubmit(False)
    cerebro.broker = broker
    broker.addcommissioninfo(AShareCommission(model=market.costs))
    datetimes = [bt.date2num(datetime.combine(d, datetime.min.time())) for d in market.days]
    for j in range(market.members):
        cerebro.adddata(ArrayFeed(datetimes=datetimes, closes=market.value_close[:, j].tolist()))
    cerebro.addstrategy(BasketStrategy, planner=planner)
    strat = cerebro.run()[0]
    values = np.asarray(strat.values, dtype=float)
    if len(values) != len(market.days):
        raise EngineError(f"backtrader ran {len(values)} sessions, expected {len(market.days)}")
    fills = np.array([f[:5] for f in strat.fills], dtype=float).reshape(-1, 5)
    books = Books(values, float(broker.cash), np.array([broker.positions[d].size for d in strat.datas]), fills)
    charged = np.array([f[5] for f in strat.fills])
    expected = books.fees(market).total
    if len(charged) and (np.abs(charged - expected) > 1e-6 * np.maximum(1.0, charged)).any():
        raise EngineError(f"broker charged {charged} but the cost model says {expected}")
    return books
