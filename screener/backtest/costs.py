"""A-share trading costs for one order: commission (with a minimum), sell-side stamp
duty by date, transfer fee. All rates come from :class:`~screener.backtest.settings.Costs`.

Every figure is charged on the order's traded value in CNY, which is the same whether the
order is expressed in raw shares at raw prices or in adjusted units at adjusted prices.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from screener.backtest.settings import Costs


@dataclass(frozen=True)
class Fees:
    """The costs of one order or of an array of orders, in CNY."""

    commission: float | np.ndarray = 0.0
    stamp_duty: float | np.ndarray = 0.0
    transfer_fee: float | np.ndarray = 0.0

    @property
    def total(self) -> float | np.ndarray:
        return self.commission + self.stamp_duty + self.transfer_fee


class CostModel:
    """Charges orders. :meth:`charges` is the single formula the planner, both ledgers,
    the trade list and the tests share; it works on one order or an array of them."""

    def __init__(self, costs: Costs):
        self.costs = costs
        self._stamp: dict[date, float] = {}

    def stamp_rate(self, day: date) -> float:
        """The sell-side stamp duty rate on ``day`` (0 with costs disabled)."""
        rate = self._stamp.get(day)
        if rate is None:
            rate = self._stamp[day] = self.costs.stamp_duty_on(day) if self.costs.enabled else 0.0
        return rate

    def stamp_rates(self, days: np.ndarray) -> np.ndarray:
        """:meth:`stamp_rate` for each of ``days`` (datetime64)."""
        days = np.asarray(days, dtype="datetime64[D]")
        rates = np.zeros(len(days))
        if self.costs.enabled:
            for r in self.costs.stamp_duty:  # sorted by date: later rates overwrite earlier ones
                rates[days >= np.datetime64(r.since or date.min)] = r.rate
        return rates

    def charges(self, value: float | np.ndarray, sell: bool | np.ndarray, stamp_rate: float | np.ndarray) -> Fees:
        """Costs of orders of traded value ``value`` (CNY; 0 = no order, no costs), sells
        where ``sell``, at the sell-side ``stamp_rate`` of their session."""
        c = self.costs
        v = np.asarray(value, dtype=float)
        if not c.enabled:
            zero = np.zeros_like(v)
            return Fees(zero, zero, zero)
        commission = np.maximum(v * c.commission, c.min_commission)
        transfer = v * c.transfer_fee
        stamp = np.zeros_like(v) if sell is False else v * stamp_rate
        if sell is not True and sell is not False:
            stamp = np.where(sell, stamp, 0.0)
        traded = v > 0
        if np.count_nonzero(traded) < v.size:  # no order, no costs
            commission, stamp, transfer = (np.where(traded, x, 0.0) for x in (commission, stamp, transfer))
        return Fees(commission, stamp, transfer)

    def sell_cash(self, qty: np.ndarray, price: np.ndarray, stamp_rate: float) -> float:
        """What sells of ``qty`` shares at ``price`` bring in after their costs (CNY)."""
        if not len(qty):
            return 0.0
        value = qty * price
        return float(np.add.reduce(value - self.order_total(value, stamp_rate)))

    def buy_cash(self, qty: np.ndarray, price: np.ndarray) -> float:
        """What buys of ``qty`` shares at ``price`` cost, their costs included (CNY)."""
        if not len(qty):
            return 0.0
        value = qty * price
        return float(np.add.reduce(value + self.order_total(value)))

    def order_total(self, value: np.ndarray, stamp_rate: float | None = None) -> np.ndarray:
        """``charges(value, ...).total`` of buys (``stamp_rate`` None) or of sells at
        ``stamp_rate``, added up in the same order, in fewer numpy calls (the planner
        asks on every session with orders)."""
        c = self.costs
        if not c.enabled:
            return np.zeros_like(value)
        total = np.maximum(value * c.commission, c.min_commission)
        if stamp_rate is not None:
            total += value * stamp_rate
        total += value * c.transfer_fee
        traded = value > 0
        return total if np.count_nonzero(traded) == value.size else np.where(traded, total, 0.0)

    def fees(self, value: float, sell: bool, day: date) -> Fees:
        """Costs of one order (or an array of orders) of traded value ``value`` on ``day``."""
        return self.charges(value, sell, self.stamp_rate(day))

    def total(self, value: float, sell: bool, day: date) -> float:
        return float(self.fees(value, sell, day).total)
