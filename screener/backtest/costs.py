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
    """The costs of one order, in CNY."""

    commission: float = 0.0
    stamp_duty: float = 0.0
    transfer_fee: float = 0.0

    @property
    def total(self) -> float:
        return self.commission + self.stamp_duty + self.transfer_fee


NO_FEES = Fees()


class CostModel:
    """Charges one order. ``fees(value, sell, day)`` is the single formula the engine,
    the broker's commission scheme and the tests share."""

    def __init__(self, costs: Costs):
        self.costs = costs
        self._stamp: dict[date, float] = {}

    def stamp_rate(self, day: date) -> float:
        rate = self._stamp.get(day)
        if rate is None:
            rate = self._stamp[day] = self.costs.stamp_duty_on(day)
        return rate

    def fees(self, value: float, sell: bool, day: date) -> Fees:
        """Costs of an order of traded value ``value`` (CNY, > 0) on ``day``."""
        c = self.costs
        if not c.enabled or value <= 0:
            return NO_FEES
        commission = max(value * c.commission, c.min_commission)
        stamp = value * self.stamp_rate(day) if sell else 0.0
        return Fees(commission, stamp, value * c.transfer_fee)

    def total(self, value: float, sell: bool, day: date) -> float:
        return self.fees(value, sell, day).total

    def buy_fees(self, values: np.ndarray) -> np.ndarray:
        """Costs of buy orders of traded values ``values`` (vectorised ``total``; 0 where
        a value is 0)."""
        c = self.costs
        if not c.enabled:
            return np.zeros_like(values)
        fees = np.maximum(values * c.commission, c.min_commission) + values * c.transfer_fee
        return np.where(values > 0, fees, 0.0)
