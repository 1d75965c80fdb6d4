"""The order planner: what each member trades in a session, as small named steps shared
by every ledger (the books that execute the orders).

In the style of bt's algo stack, a session runs:

* on a rebalance (the formation included): :func:`select_eligible` members →
  :func:`weigh` → :func:`set_targets` (target positions in adjusted units, so that a
  target set before an ex-date keeps its value);
* on every session with open orders, for the members with one: reached → suspended →
  size (sells: lots and odd lots, :func:`~screener.backtest.rules.sell_quantity`; buys:
  board lots) → T+1 → board minimum (STAR/BSE sells) → price limits → participation
  (the optional volume cap) → sells settle → :func:`~screener.backtest.scaling.fit_buys`
  to the cash → cash waits.

The ledger then executes the sells, then the buys, at the fill price (moved against the
order by the optional slippage; limits are checked on the unslipped price). An order
that cannot fill (suspended, at a limit, above the volume cap, cut short for cash while
a blocked sell's proceeds are still to come) stays open and is retried at the next
session, until it fills or the next rebalance replaces it. Everything is numpy over the
members with open orders.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import numpy as np

from screener.backtest import rules, schedule
from screener.backtest.costs import CostModel
from screener.backtest.panel import Panel
from screener.backtest.scaling import fit_buys
from screener.backtest.settings import BacktestSettings
from screener.limits import panel_limits
from screener.symbols import Symbol, parse_symbol

_EPS = 1e-9


@dataclass(frozen=True)
class Market:
    """What the planner and the ledgers read, worked out once per run: (session × member)
    arrays on the panel's sessions (row 0 = base date) and per-member lot rules."""

    days: list[date]
    fill: np.ndarray  # raw fill price (the session's open or close); NaN without a bar
    tradable: np.ndarray  # a bar with a fill price
    mark: np.ndarray  # price targets are set at: the fill price, else the last close
    adj: np.ndarray  # adjustment factor, NaN before listing
    factor: np.ndarray  # the adjustment factor, 0 before listing: raw shares = adjusted units × factor
    value_close: np.ndarray  # adjusted close carried over gaps, 0 before listing (valuation)
    listed: np.ndarray
    limits: LimitTable  # limit prices, NaN without a limit
    min_qty: np.ndarray  # per member: smallest buy (and STAR/BSE sell), in shares
    step: np.ndarray  # per member: step above the minimum
    stamp: np.ndarray  # sell-side stamp duty rate per session
    volume: np.ndarray  # shares traded, NaN without a bar or volume data
    max_participation: float | None  # the largest fraction of a session's volume a fill may use
    slippage: float  # fraction of the fill price: buys pay more, sells get less
    weights: np.ndarray
    weighted: np.ndarray  # per member: a positive weight
    costs: CostModel
    formation_row: int
    rebalance_rows: list[int]
    trade_rows: frozenset[int]  # formation and rebalances
    next_trade_row: np.ndarray  # per row (and row n): the first formation/rebalance row from it on
    cash_tolerance: float  # CNY a plan may overspend by float residue
    panel: Panel  # the source of the arrays, which keeps what runs on it share
    fill_key: str  # settings.fill

    @property
    def members(self) -> int:
        return self.fill.shape[1]

    @cached_property
    def next_bar(self) -> np.ndarray:
        """(sessions + 1) × members: the first tradable row from each row on (n: none);
        worked out when an order first waits."""
        return self.panel.derived(("next_bar", self.fill_key), lambda: _next_row(self.tradable))


def market(panel: Panel, weights: np.ndarray, settings: BacktestSettings) -> Market:
    """The run's :class:`Market` from an aligned panel, target weights and settings."""
    if len(panel.dates) < 2:
        raise ValueError("the window needs at least one session after the base date")
    fill = panel.close if settings.fill == "close" else panel.open
    symbols = panel.derived("symbols", lambda: [parse_symbol(s) for s in panel.symbols])
    lots = np.array([settings.lot_rule(s) for s in symbols], dtype=float).reshape(-1, 2)
    costs = CostModel(settings.costs)
    days = panel.derived("days", lambda: panel.dates.date.tolist())
    form = schedule.formation_row(settings.fill)
    rebal = panel.derived(("rebalance", settings.rebalance), lambda: schedule.rebalance_rows(panel.dates, settings.rebalance))
    trade_rows = sorted({form, *rebal})
    limits = panel.derived("limits", lambda: LimitTable(panel, symbols))
    limits.work_out(trade_rows)
    return Market(
        days=days,
        fill=fill,
        tradable=panel.derived(("tradable", settings.fill), lambda: panel.has_bar & ~np.isnan(fill)),
        mark=panel.derived(("mark", settings.fill), lambda: np.where(np.isnan(fill), panel.last_close, fill)),
        adj=panel.adj,
        factor=panel.derived("factor", lambda: np.nan_to_num(panel.adj, nan=0.0)),
        value_close=panel.derived("value_close", lambda: np.nan_to_num(panel.adjusted_close(), nan=0.0)),
        listed=panel.listed,
        limits=limits,
        min_qty=lots[:, 0],
        step=lots[:, 1],
        stamp=costs.stamp_rates(panel.dates.to_numpy()),
        volume=panel.volume,
        max_participation=settings.max_participation,
        slippage=settings.slippage / 10_000,
        weights=np.asarray(weights, dtype=float),
        weighted=np.asarray(weights, dtype=float) > 0,
        costs=costs,
        formation_row=form,
        rebalance_rows=list(rebal),
        trade_rows=frozenset(trade_rows),
        next_trade_row=_next_row(np.isin(np.arange(len(days)), trade_rows)),
        cash_tolerance=(1e-6 + settings.cash * 1e-12) / 10,
        panel=panel,
        fill_key=settings.fill,
    )


class LimitTable:
    """Limit prices (lower, upper) per session and member, NaN without a limit, by
    :func:`screener.limits.panel_limits`, worked out only for the sessions asked about:
    the formation and rebalance sessions at once (:meth:`work_out`), any other session
    when the planner first asks, together with the sessions after it (a block of about
    :attr:`BLOCK_CELLS` prices, so that each call does enough work to be worth it; a
    small basket's whole panel at once). A 1,000-member basket rebalanced monthly needs
    the limits of about one session in twenty. One table serves every run on a panel.
    With the limits of a session it notes whether any member's open or close is at one
    (:meth:`any_at_limit`): on most sessions none is, and no order can be blocked."""

    BLOCK_CELLS = 1 << 17

    def __init__(self, panel: Panel, symbols: list[Symbol], rows: Sequence[int] = ()):
        self.panel, self.symbols = panel, symbols
        self.days = panel.dates.to_numpy()
        self.block = max(1, self.BLOCK_CELLS // max(1, len(symbols)))
        self.lower = np.empty(panel.close.shape)  # rows are written when worked out
        self.upper = np.empty(panel.close.shape)
        self.known = np.zeros(len(self.days), dtype=bool)
        self.at_limit = {"open": np.zeros(len(self.days), dtype=bool), "close": np.zeros(len(self.days), dtype=bool)}
        self.work_out(rows)

    def work_out(self, rows: Sequence[int]) -> None:
        """Work out the limits of ``rows`` not known yet (of every row when one block
        covers the panel)."""
        if self.block >= len(self.days):
            if not self.known.all():
                self._work_out(slice(None))
            return
        rows = np.asarray(rows, dtype=np.int64)
        rows = rows[~self.known[rows]]
        if len(rows):
            self._work_out(rows)

    def at(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """(lower, upper) limit prices of the members on session ``row``."""
        if not self.known[row]:
            self._work_out(slice(row, row + self.block))  # rows known already come out the same
        return self.lower[row], self.upper[row]

    def any_at_limit(self, row: int, fill: str) -> bool:
        """Whether on session ``row`` any member's ``fill`` price ("open" or "close") is at
        its lower limit (a sell would be blocked) or its upper limit (a buy would)."""
        self.at(row)
        return bool(self.at_limit[fill][row])

    def _work_out(self, rows: np.ndarray | slice) -> None:
        p = self.panel
        lower, upper = panel_limits(
            self.symbols, self.days[rows], p.prev_close[rows], p.prev_adj[rows], p.adj[rows], p.nth[rows], p.listed_on,
        )
        self.lower[rows], self.upper[rows] = lower, upper
        self.known[rows] = True
        for fill, flags in self.at_limit.items():
            price = getattr(p, fill)[rows]
            at = rules.sell_blocked(price, lower) | rules.buy_blocked(price, upper)
            flags[rows] = np.logical_or.reduce(at, axis=1)


def raw_shares(units: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """Raw shares for positions (or targets) in adjusted units at :attr:`Market.factor`
    (0 before a listing, where there is no factor yet and nothing is held)."""
    return units * factor


def _next_row(flags: np.ndarray) -> np.ndarray:
    """For each row (and one past the end), the first row from it on where ``flags`` is
    true, per column; ``len(flags)`` where there is none."""
    n = len(flags)
    rows = np.empty((n + 1,) + flags.shape[1:], dtype=np.int32)  # int32 throughout: no copy to convert
    rows[:n] = np.where(flags, np.arange(n, dtype=np.int32).reshape((n,) + (1,) * (flags.ndim - 1)), np.int32(n))
    rows[n] = n
    np.minimum.accumulate(rows[::-1], axis=0, out=rows[::-1])  # from the end: the first flagged row ahead
    return rows


# -- rebalance steps --------------------------------------------------------------------

def select_eligible(listed: np.ndarray, weighted: np.ndarray, price: np.ndarray) -> np.ndarray:
    """Members that can be held: listed (a price so far), ``weighted`` (a positive
    weight), a positive price."""
    return listed & weighted & (price > 0)  # NaN > 0 is false


def weigh(weights: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Weights renormalised over the eligible members (0 elsewhere), summing to 1. Scaled
    by the largest first, so weights of any magnitude (1e308) cannot overflow the sum."""
    w = np.where(eligible, weights, 0.0)
    w = w / np.maximum.reduce(w)  # ndarray.max and .sum, without their wrappers
    return w / np.add.reduce(w)


def set_targets(w: np.ndarray, value: float, price: np.ndarray, adj: np.ndarray) -> np.ndarray:
    """Target positions in adjusted units: weight × portfolio value / price / factor."""
    held = w > 0
    return np.where(held, w * value / np.where(held, price, 1.0) / np.where(held, adj, 1.0), 0.0)


# -- orders -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Orders:
    """One session's orders, executed in this order: sells, then buys. ``j`` are member
    indices, ``qty`` raw shares, ``price`` raw CNY; ``exit`` marks sells of a whole position.
    ``sell_cash`` is what the sells bring in after their costs, ``buy_cash`` what the buys
    cost with theirs (:meth:`~screener.backtest.costs.CostModel.sell_cash`, ``buy_cash``)."""

    sell_j: np.ndarray
    sell_qty: np.ndarray
    sell_price: np.ndarray
    exit: np.ndarray
    buy_j: np.ndarray
    buy_qty: np.ndarray
    buy_price: np.ndarray
    sell_cash: float
    buy_cash: float


@dataclass
class Session:
    """One session's members with an open order, narrowed by the order steps. Members
    whose order is done are collected in ``done``; orders that wait leave an event in
    ``waits`` (and stay open)."""

    market: Market
    row: int
    j: np.ndarray
    held: np.ndarray  # raw shares at the session's start
    target: np.ndarray  # raw shares
    sellable: np.ndarray | None = None  # T+1: shares held at the session's start (default: held)
    sell: np.ndarray = field(init=False)
    qty: np.ndarray = field(init=False)
    partial: np.ndarray | None = field(init=False, default=None)  # cut by the volume cap: the rest stays open
    done: list[np.ndarray] = field(default_factory=list)
    waits: list[tuple[Any, ...]] = field(default_factory=list)
    n_sell: int = field(init=False)  # how many of the orders sell

    def __post_init__(self) -> None:
        if self.sellable is None:
            self.sellable = self.held
        self.sell = self.target < self.held
        self.n_sell = np.count_nonzero(self.sell)
        self.qty = np.zeros(len(self.j))

    def keep(self, mask: np.ndarray) -> None:
        """Narrow every array to the orders of ``mask``."""
        rows = mask.nonzero()[0]  # taking by position is cheaper than by mask
        same = self.sellable is self.held
        self.j, self.held, self.target, self.sell = self.j[rows], self.held[rows], self.target[rows], self.sell[rows]
        self.qty = self.qty[rows]
        if self.partial is not None:
            self.partial = self.partial[rows]
        self.sellable = self.held if same else self.sellable[rows]
        self.n_sell = np.count_nonzero(self.sell)

    def side(self, sell: bool) -> np.ndarray:
        """The members of the sell (or buy) orders."""
        return self._of_side(self.j, sell)

    def qty_of(self, sell: bool) -> np.ndarray:
        """The quantities of the sell (or buy) orders."""
        return self._of_side(self.qty, sell)

    def filled(self, members: np.ndarray, sell: bool, wait: np.ndarray | None = None) -> np.ndarray:
        """Of ``members`` (the sell, or buy, side's: :meth:`side`), those whose order is
        done once it fills: all but those cut by the volume cap and those that ``wait``
        (flags of the side's orders)."""
        if self.partial is not None:
            cut = self._of_side(self.partial, sell)
            wait = cut if wait is None else wait | cut
        return members if wait is None else members[~wait]

    def _of_side(self, values: np.ndarray, sell: bool) -> np.ndarray:
        n = self.n_sell
        if n == (len(self.sell) if sell else 0):
            return values
        if n == (0 if sell else len(self.sell)):
            return values[:0]
        return values[self.sell if sell else ~self.sell]

    def by_side(self, sells: Callable[[], np.ndarray], buys: Callable[[], np.ndarray]) -> np.ndarray:
        """``sells()`` for the sell orders, ``buys()`` for the buy orders; a side without
        orders is not worked out."""
        n = self.n_sell
        if n == len(self.sell):
            return sells()
        return buys() if n == 0 else np.where(self.sell, sells(), buys())

    def finish(self, mask: np.ndarray) -> None:
        """The orders of ``mask`` are done (filled, or nothing left to trade)."""
        if np.count_nonzero(mask):
            self.done.append(self.j[mask])
            self.keep(~mask)

    def wait(self, mask: np.ndarray, reason: str, price: np.ndarray | None = None, limit: np.ndarray | None = None,
             *, drop: bool = True) -> None:
        """The orders of ``mask`` wait for a later session, with an event saying why;
        with ``drop=False`` they still trade (part of) their size this session."""
        if not np.count_nonzero(mask):
            return
        for k in mask.nonzero()[0]:
            side = "sell" if self.sell[k] else "buy"
            p = np.nan if price is None else float(price[k])
            lim = np.nan if limit is None else float(limit[k])
            self.waits.append((self.row, int(self.j[k]), side, reason, p, lim))
        if drop:
            self.keep(~mask)


def reached(s: Session) -> None:
    """Members at their target: the order is done."""
    s.finish(np.abs(s.target - s.held) < _EPS)


def suspended(s: Session) -> None:
    """No bar (or no fill price): the order waits."""
    s.wait(~s.market.tradable[s.row][s.j], "suspended")


def size(s: Session) -> None:
    """Sells: down to the whole steps nearest the target (odd lots go with them); buys:
    board lots up to the target. A buy of less than one lot is done — said so when the
    member holds nothing (it is left out)."""
    mk = s.market
    step, min_qty = mk.step[s.j], mk.min_qty[s.j]
    s.qty = s.by_side(lambda: rules.sell_quantity(s.held, s.target, step),
                      lambda: rules.buy_quantity(s.target - s.held, min_qty, step))
    if s.n_sell < len(s.sell):  # buys of less than one lot
        below = s.qty <= 0
        if s.n_sell:
            below &= ~s.sell
        if np.count_nonzero(below):
            for j in s.j[below & (s.held <= 0)]:
                s.waits.append((s.row, int(j), "buy", "below_lot", float(mk.fill[s.row, j]), np.nan))
            s.finish(below)


def t_plus_1(s: Session) -> None:
    """T+1: a sell takes only the shares held at the session's start (nothing to do when
    those are all the shares held: a sale of held − kept shares never exceeds them)."""
    if s.sellable is not s.held:
        s.qty = s.by_side(lambda: rules.t_plus_1(s.qty, s.sellable), lambda: s.qty)


def board_minimum(s: Session) -> None:
    """The board's smallest sell order (STAR/BSE), no dust: a sell of nothing is done."""
    if not s.n_sell:
        return
    mk = s.market
    s.qty = s.by_side(lambda: rules.sell_minimum(s.qty, s.sellable, mk.min_qty[s.j], mk.step[s.j]), lambda: s.qty)
    s.finish(s.sell & (s.qty <= 0))


def price_limits(s: Session) -> None:
    """No buy at the upper limit price, no sell at the lower: the order waits."""
    mk = s.market
    if not mk.limits.any_at_limit(s.row, mk.fill_key):
        return
    lower, upper = mk.limits.at(s.row)
    price, lower, upper = mk.fill[s.row][s.j], lower[s.j], upper[s.j]
    sells = rules.sell_blocked(price, lower) & s.sell
    buys = rules.buy_blocked(price, upper) & ~s.sell
    s.wait(sells, "lower_limit", price, lower, drop=False)
    s.wait(buys, "upper_limit", price, upper, drop=False)
    blocked = sells | buys
    if np.count_nonzero(blocked):
        s.keep(~blocked)


def participation(s: Session) -> None:
    """``--max-participation``: a fill uses at most that fraction of the session's volume;
    the rest of the order waits (a ``volume`` event), nothing fills when the cap is
    below the smallest valid order."""
    mk = s.market
    if mk.max_participation is None:
        return
    capped = rules.participation(s.qty, mk.volume[s.row, s.j], mk.max_participation, mk.min_qty[s.j], mk.step[s.j])
    cut = capped < s.qty
    s.partial = cut & (capped > 0)
    s.qty = capped
    s.wait(cut, "volume", mk.fill[s.row, s.j], drop=False)
    s.keep(s.qty > 0)


ORDER_STEPS = (reached, suspended, size, t_plus_1, board_minimum, price_limits, participation)


class Planner:
    """Plans each session's orders for one run; keeps the open orders (targets) and the
    events (orders that wait or are left out) between sessions."""

    def __init__(self, market: Market):
        self.market = market
        self.targets = np.full(market.members, np.nan)  # open orders: target, adjusted units
        self.events: list[tuple[Any, ...]] = []  # (row, member or -1, side, reason, price, limit)
        self.target_log: list[tuple[int, np.ndarray]] = []  # (row, weights) per rebalance
        self._open = False
        self._idle_until = 0  # open orders that wait on suspended members only, up to this row

    def due(self, row: int) -> bool:
        """Whether ``row`` has work: a rebalance, or open orders that may fill."""
        return self.next_due(row) == row

    def next_due(self, row: int) -> int:
        """The first row from ``row`` on that :meth:`due` says has work (the number of
        rows when none has): a ledger's loop visits only those."""
        due = int(self.market.next_trade_row[row])
        return min(due, max(row, self._idle_until)) if self._open else due

    def plan(self, row: int, cash: float, held: np.ndarray) -> Orders | None:
        """The orders of session ``row`` for an account with ``cash`` and ``held`` raw
        shares per member at the session's start; None when nothing trades."""
        mk = self.market
        if row in mk.trade_rows:
            self._rebalance(row, cash, held)
        open_j = self._open_members()
        if not len(open_j):
            self._open = False
            return None
        s = Session(mk, row, open_j, held[open_j], raw_shares(self.targets[open_j], mk.factor[row][open_j]))
        for step in ORDER_STEPS:
            if not len(s.j):
                break
            step(s)
        for j in s.done:
            self.targets[j] = np.nan
        self.events += sorted(s.waits, key=lambda e: e[1])  # in member order
        orders = self._settle(s, cash, held)
        open_j = self._open_members()
        self._open = len(open_j) > 0
        if self._open:
            self._wait_while_suspended(row, held, open_j)
        return orders

    def _open_members(self) -> np.ndarray:
        return (self.targets == self.targets).nonzero()[0]  # not NaN, in one comparison

    def _wait_while_suspended(self, row: int, held: np.ndarray, open_j: np.ndarray) -> None:
        """Skip the sessions after ``row`` on which every open order's member is
        suspended (and none rebalances): nothing can trade there, so their ``suspended``
        events are written at once and :meth:`due` says no until the first session on
        which an open order may fill. A member's side cannot change meanwhile: nothing
        trades, and an ex-date scales its target and position alike."""
        mk = self.market
        stop = min(int(mk.next_trade_row[row + 1]), int(np.minimum.reduce(mk.next_bar[row + 1][open_j])))
        self._idle_until = stop
        if stop <= row + 1:
            return
        sells = raw_shares(self.targets[open_j], mk.factor[row][open_j]) < held[open_j]
        sides = [(int(j), "sell" if sell else "buy") for j, sell in zip(open_j, sells)]
        self.events.extend((r, j, side, "suspended", np.nan, np.nan) for r in range(row + 1, stop) for j, side in sides)

    def _rebalance(self, row: int, cash: float, held: np.ndarray) -> None:
        mk = self.market
        price = mk.mark[row]
        worth = held * price
        worth[np.isnan(worth)] = 0.0  # np.nansum, without its overhead
        value = cash + float(np.add.reduce(worth))
        eligible = select_eligible(mk.listed[row], mk.weighted, price)
        if not np.count_nonzero(eligible):
            self.targets[:] = np.nan
            self.events.append((row, -1, "none", "no_eligible_member", np.nan, np.nan))
            return
        w = weigh(mk.weights, eligible)
        self.targets = set_targets(w, value, price, mk.adj[row])
        self.target_log.append((row, w))

    def _settle(self, s: Session, cash: float, held: np.ndarray) -> Orders | None:
        """Sells fill; their proceeds (after costs) and the cash pay for the buys, fitted
        by one common factor. A buy cut short waits only while a sell is still open."""
        if not len(s.j):
            return None
        mk, row = self.market, s.row
        sell_j, sell_qty, buy_j, buy_qty = s.side(True), s.qty_of(True), s.side(False), s.qty_of(False)
        fill = mk.fill[row]
        fill_price = fill[buy_j]  # events show the session's fill price
        sell_price, buy_price = fill[sell_j], fill_price
        if mk.slippage:
            sell_price, buy_price = sell_price * (1 - mk.slippage), buy_price * (1 + mk.slippage)
        self.targets[s.filled(sell_j, True)] = np.nan
        sell_cash = mk.costs.sell_cash(sell_qty, sell_price, mk.stamp[row])
        budget = cash + sell_cash + mk.cash_tolerance
        buy_cash = mk.costs.buy_cash(buy_qty, buy_price)
        if buy_cash <= budget:  # every buy fits
            self.targets[s.filled(buy_j, False)] = np.nan
        else:
            got = fit_buys(buy_qty, buy_price, mk.min_qty[buy_j], mk.step[buy_j], budget, mk.costs)
            short = self._short_of_cash(row, held, buy_j, buy_qty, got, fill_price)
            self.targets[s.filled(buy_j, False, short)] = np.nan
            bought = got > 0
            buy_j, buy_qty, buy_price = buy_j[bought], got[bought], buy_price[bought]
            buy_cash = mk.costs.buy_cash(buy_qty, buy_price)
        if not len(sell_j) and not len(buy_j):
            return None
        return Orders(
            sell_j=sell_j,
            sell_qty=sell_qty,
            sell_price=sell_price,
            exit=sell_qty >= held[sell_j] - _EPS if len(sell_j) else sell_qty > 0,
            buy_j=buy_j,
            buy_qty=buy_qty,
            buy_price=buy_price,
            sell_cash=sell_cash,
            buy_cash=buy_cash,
        )

    def _short_of_cash(self, row: int, held: np.ndarray, buy_j: np.ndarray, wanted: np.ndarray, got: np.ndarray,
                       price: np.ndarray) -> np.ndarray:
        """Buys cut short for cash: they wait (a ``cash`` event) while a sell is still open,
        whose proceeds are to come; a buy of nothing for a member not held is left out
        (``no_cash``). Returns the buys that wait."""
        mk = self.market
        open_j = self._open_members()
        sells_open = bool((raw_shares(self.targets[open_j], mk.factor[row][open_j]) < held[open_j]).any())
        short = (got < wanted) & sells_open
        left_out = ~short & (got <= 0) & (held[buy_j] <= 0)  # the cash does not stretch to one lot
        for k in np.flatnonzero(short | left_out):
            self.events.append((row, int(buy_j[k]), "buy", "cash" if short[k] else "no_cash", float(price[k]), np.nan))
        return short
