"""The backtrader pieces of the engine: an array-backed feed, a lean stock broker, the
A-share commission scheme and the basket strategy. Imported only when a backtest runs.

The strategy trades on *adjusted* prices (raw × adj_factor), so dividends are reinvested
and bonus shares appear without any cash or share bookkeeping: a position of ``size``
adjusted units holds ``size × adj_factor`` raw shares. Orders are worked out in raw
shares and raw prices (lots, limits, costs), then submitted as backtrader *historical*
orders at the exact fill price (the session's open or close, as adjusted units), which
the broker fills in that same session.
"""

from __future__ import annotations

import array
from typing import Any

import backtrader as bt
import numpy as np

from screener.backtest import rules
from screener.backtest.costs import CostModel


class EngineError(RuntimeError):
    """An internal inconsistency in the engine (a bug, never a user mistake)."""


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
    """Commission scheme charging :meth:`CostModel.fees` on each order's traded value
    (commission with its minimum, stamp duty on sells by the session's date, transfer
    fee). ``session`` is set by the strategy before it submits a session's orders."""

    params = (("stocklike", True), ("commtype", bt.CommInfoBase.COMM_FIXED), ("model", None))

    def __init__(self) -> None:
        super().__init__()
        self.session = None

    def _getcommission(self, size: float, price: float, pseudoexec: bool) -> float:
        # long-only: a negative size closes (sells) part of a position
        return self.p.model.total(abs(size) * price, size < 0, self.session)


class BasketStrategy(bt.Strategy):
    """Works each member towards its target position, session by session.

    A rebalance (the formation included) sets target raw shares for every member from
    the target weights and the portfolio value at the fill prices. On that session and
    every following one, each member with an open order that has a bar trades towards
    its target: sells first (odd lots allowed), then buys in board lots, scaled down pro
    rata when cash is short. An order that cannot fill — the member is suspended, or the
    fill price is at the upper limit for a buy / lower limit for a sell — stays open and is
    retried at the next session, until it fills or the next rebalance replaces it.
    """

    params = (("plan", None),)

    def __init__(self) -> None:
        self.plan = self.p.plan
        self.row = 0
        self.values: list[float] = []
        self.targets: dict[int, float] = {}  # member -> target position in adjusted units
        self.fills: list[tuple] = []
        self.events: list[tuple] = []
        self.comm: AShareCommission = self.plan.comminfo

    # backtrader calls prenext_open on the first bar: the formation may be there
    def prenext_open(self) -> None:
        self.next_open()

    def next_open(self) -> None:
        row = self.row
        plan = self.plan
        if row in plan.rebalance_rows:
            self._set_targets(row)
        if self.targets:
            self._work(row)

    def next(self) -> None:
        self.values.append(self.broker._value)
        self.row += 1

    # -- orders -----------------------------------------------------------------------
    def held(self, row: int) -> np.ndarray:
        """Raw shares held per member at ``row``'s prices (adjusted units × factor)."""
        plan = self.plan
        sizes = np.array([self.broker.positions[d].size for d in self.datas])
        held = sizes * plan.panel.adj[row]
        return np.where(sizes == 0.0, 0.0, held)

    def _set_targets(self, row: int) -> None:
        plan = self.plan
        panel = plan.panel
        price = np.where(np.isnan(plan.fill[row]), panel.last_close[row], plan.fill[row])
        held = self.held(row)
        value = self.broker.cash + float(np.nansum(held * price))
        eligible = panel.listed[row] & (plan.weights > 0) & (np.nan_to_num(price) > 0)
        if not eligible.any():
            self.targets = {}
            self.events.append((row, -1, "none", "no_eligible_member", np.nan, np.nan))
            return
        w = np.where(eligible, plan.weights, 0.0)
        w = w / w.sum()
        target = np.where(eligible, w * value / np.where(eligible, price, 1.0), 0.0)
        # kept in adjusted units, so that a target set before an ex-date keeps its value
        units = np.where(eligible, target / np.where(eligible, panel.adj[row], 1.0), 0.0)
        self.targets = {j: float(units[j]) for j in range(len(units))}
        plan.target_log.append((row, w))

    def _work(self, row: int) -> None:
        plan = self.plan
        panel = plan.panel
        day = plan.days[row]
        self.comm.session = day
        held = self.held(row)
        has_bar = plan.has_bar[row]
        fill = plan.fill[row]
        adj = panel.adj[row]
        done: list[int] = []
        sells: list[tuple[int, float, float]] = []
        buys: list[tuple[int, float, float]] = []
        for j, units in self.targets.items():
            q = held[j]
            target = units * adj[j] if units else 0.0
            if abs(target - q) < 1e-9:
                done.append(j)
                continue
            if not has_bar[j]:
                self.events.append((row, j, "sell" if target < q else "buy", "suspended", np.nan, np.nan))
                continue
            p = float(fill[j])
            min_qty, step = plan.lots[j]
            if target < q:
                qty = rules.sell_quantity(q, target, step, sellable=rules.sellable(q, 0.0))
                if qty <= 0:
                    done.append(j)
                    continue
                limits = plan.limits(row, j)
                if rules.sell_blocked(p, limits):
                    self.events.append((row, j, "sell", "lower_limit", p, limits[0]))
                    continue
                sells.append((j, qty, p))
            else:
                qty = rules.buy_quantity(target - q, min_qty, step)
                if qty <= 0:
                    if q <= 0:  # a member left out: its share of the value buys less than one lot
                        self.events.append((row, j, "buy", "below_lot", p, np.nan))
                    done.append(j)
                    continue
                limits = plan.limits(row, j)
                if rules.buy_blocked(p, limits):
                    self.events.append((row, j, "buy", "upper_limit", p, limits[1]))
                    continue
                buys.append((j, qty, p))
        cash = self.broker.cash
        for j, qty, p in sells:
            a = adj[j]
            data = self.datas[j]
            size = self.broker.positions[data].size if qty >= held[j] - 1e-9 else qty / a  # exits are exact
            self.sell(data, size=size, price=p * a, exectype=bt.Order.Historical, histnotify=True, j=j, qty=qty, raw=p)
            cash += qty * p - plan.costs.total(qty * p, True, day)
            done.append(j)
        for j in done:
            self.targets.pop(j, None)
        if not buys:
            return
        wanted = np.array([b[1] for b in buys])
        prices = np.array([b[2] for b in buys])
        lots = np.array([plan.lots[b[0]] for b in buys], dtype=float)
        got = fit_buys(wanted, prices, lots[:, 0], lots[:, 1], cash + plan.cash_tolerance, plan.costs, day)
        # a buy cut short for cash waits only for the proceeds of sells still open
        sells_open = any(u * adj[j] < held[j] for j, u in self.targets.items())
        for (j, qty, p), g in zip(buys, got):
            if g > 0:
                a = adj[j]
                self.buy(self.datas[j], size=g / a, price=p * a, exectype=bt.Order.Historical, histnotify=True, j=j, qty=g, raw=p)
            if g < qty and sells_open:
                self.events.append((row, j, "buy", "cash", p, np.nan))
            else:
                if g <= 0 and held[j] <= 0:  # left out: the cash does not stretch to one lot
                    self.events.append((row, j, "buy", "no_cash", p, np.nan))
                self.targets.pop(j, None)

    def notify_order(self, order: bt.Order) -> None:
        if order.status == order.Completed:
            info = order.info
            self.fills.append((self.row, info["j"], order.isbuy(), info["qty"], info["raw"], order.executed.comm))
        elif order.status in (order.Margin, order.Rejected, order.Canceled, order.Expired):
            raise EngineError(f"backtrader refused an order ({order.getstatusname()}): {order.info}")


def fit_buys(
    wanted: np.ndarray,
    prices: np.ndarray,
    min_qty: np.ndarray,
    step: np.ndarray,
    budget: float,
    costs: CostModel,
    day: Any,
) -> np.ndarray:
    """Buy quantities no larger than ``wanted`` whose cost (value plus fees) fits in
    ``budget``: all of them when they fit, else every order scaled by one common factor
    and rounded down to valid lots (the largest factor that fits)."""

    def quantities(k: float) -> np.ndarray:
        x = wanted * k
        q = min_qty + np.floor((x - min_qty) / step + 1e-9) * step
        return np.where(x + 1e-9 < min_qty, 0.0, np.minimum(q, wanted))

    def cost(q: np.ndarray) -> float:
        v = q * prices
        return float(v.sum() + costs.buy_fees(v).sum())

    if budget <= 0:
        return np.zeros_like(wanted)
    need = cost(wanted)
    if need <= budget:
        return wanted
    lo, hi = 0.0, 1.0
    k = budget / need
    for _ in range(8):  # find a factor that fits: usually the first proportional guess
        c = cost(quantities(k))
        if c <= budget:
            lo = k
            break
        hi = k
        k *= budget / c * (1 - 1e-9)
    for _ in range(40):  # then the largest one, by bisection
        mid = (lo + hi) / 2
        if cost(quantities(mid)) <= budget:
            lo = mid
        else:
            hi = mid
    return quantities(lo)
