"""Run a basket through backtrader under A-share rules.

The engine takes aligned arrays (:class:`~screener.backtest.panel.Panel`) and target
weights; it never knows where the bars came from. Everything a session needs (fill
prices, schedules, lot rules, limit prices) is precomputed with numpy. backtrader keeps
the books: cash, positions, fills and costs come from its broker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from screener.backtest import schedule
from screener.backtest.costs import CostModel
from screener.backtest.panel import Panel
from screener.backtest.settings import BacktestSettings
from screener.limits import panel_limits
from screener.symbols import parse_symbol

TRADE_COLUMNS = ["date", "symbol", "side", "shares", "price", "value", "commission", "stamp_duty", "transfer_fee", "cost"]
EVENT_COLUMNS = ["date", "symbol", "side", "reason", "price", "limit"]


@dataclass
class Plan:
    """What the strategy reads: arrays, schedule, rules and costs for one run."""

    panel: Panel
    weights: np.ndarray
    fill: np.ndarray  # raw fill price per (session, member): open or close; NaN without a bar
    has_bar: np.ndarray
    days: list[date]
    rebalance_rows: set[int]
    lots: list[tuple[int, int]]
    costs: CostModel
    cash_tolerance: float  # CNY a plan may overspend by float residue (< the broker's cushion)
    comminfo: Any = None
    target_log: list[tuple[int, np.ndarray]] = field(default_factory=list)

    def __post_init__(self) -> None:
        p = self.panel
        self.lower, self.upper = panel_limits(
            [parse_symbol(s) for s in p.symbols], p.dates.to_numpy(), p.prev_close, p.prev_adj, p.adj, p.nth
        )

    def limits(self, row: int, j: int) -> tuple[float, float] | None:
        """(lower, upper) limit prices of member ``j`` at ``row``, None without a limit."""
        lower = self.lower[row, j]
        return None if np.isnan(lower) else (float(lower), float(self.upper[row, j]))


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
    """Backtest target ``weights`` (one per panel member, any scale) over the panel."""
    import backtrader as bt

    from screener.backtest import _bt

    n_rows = len(panel.dates)
    if n_rows < 2:
        raise ValueError("the window needs at least one session after the base date")
    form = schedule.formation_row(settings.fill)
    rebal = schedule.rebalance_rows(panel.dates, settings.rebalance)
    costs = CostModel(settings.costs)
    fill = panel.close if settings.fill == "close" else panel.open
    cushion = 1e-6 + settings.cash * 1e-12  # see StockBroker
    plan = Plan(
        panel=panel,
        weights=np.asarray(weights, dtype=float),
        fill=fill,
        has_bar=panel.has_bar & ~np.isnan(fill),
        days=[d.date() for d in panel.dates],
        rebalance_rows={form, *rebal},
        lots=[settings.lot_rule(s) for s in panel.symbols],
        costs=costs,
        cash_tolerance=cushion / 10,
    )
    cerebro = bt.Cerebro(stdstats=False, cheat_on_open=True, runonce=True, preload=True)
    broker = _bt.StockBroker()
    broker.set_cash(settings.cash)
    broker.cushion = cushion
    broker.set_coo(True)
    broker.set_checksubmit(False)
    cerebro.broker = broker
    plan.comminfo = _bt.AShareCommission(model=costs)
    broker.addcommissioninfo(plan.comminfo)
    datetimes = [bt.date2num(d.to_pydatetime()) for d in panel.dates]
    closes = panel.adjusted_close()
    for j, sym in enumerate(panel.symbols):
        col = np.nan_to_num(closes[:, j], nan=0.0)  # 0 before listing: nothing held then
        cerebro.adddata(_bt.ArrayFeed(datetimes=datetimes, closes=col.tolist()), name=sym)
    cerebro.addstrategy(_bt.BasketStrategy, plan=plan)
    strat = cerebro.run()[0]
    values = np.asarray(strat.values, dtype=float)
    if len(values) != n_rows:
        raise _bt.EngineError(f"backtrader ran {len(values)} sessions, expected {n_rows}")
    return EngineResult(
        dates=panel.dates,
        symbols=panel.symbols,
        value=values,
        starting_cash=float(settings.cash),
        cash=float(broker.cash),
        shares=strat.held(n_rows - 1),
        trades=_trades(strat.fills, plan),
        events=_events(strat.events, plan),
        formation_row=form,
        rebalance_rows=rebal,
        targets=[(plan.days[r], w) for r, w in plan.target_log],
    )


def _trades(fills: list[tuple], plan: Plan) -> pd.DataFrame:
    rows = []
    for row, j, is_buy, qty, price, comm in fills:
        value = qty * price
        fees = plan.costs.fees(value, not is_buy, plan.days[row])
        if abs(fees.total - comm) > 1e-6 * max(1.0, comm):
            from screener.backtest._bt import EngineError

            raise EngineError(f"broker charged {comm} but the cost model says {fees.total}")
        rows.append((
            plan.days[row], plan.panel.symbols[j], "buy" if is_buy else "sell", qty, price, value,
            fees.commission, fees.stamp_duty, fees.transfer_fee, comm,
        ))
    return pd.DataFrame(rows, columns=TRADE_COLUMNS)


def _events(events: list[tuple], plan: Plan) -> pd.DataFrame:
    rows = [
        (plan.days[row], plan.panel.symbols[j] if j >= 0 else None, side, reason, price, limit)
        for row, j, side, reason, price, limit in events
    ]
    return pd.DataFrame(rows, columns=EVENT_COLUMNS)
