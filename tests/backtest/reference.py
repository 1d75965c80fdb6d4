"""An independent pandas recomputation of a basket backtest, for checking the engine.

No backtrader and no engine code: only the bar frames, the XSHG sessions and the
documented conventions (README "Backtest conventions") for the frictionless case —
no costs, fractional holdings (the engine with lot size 1 and a large cash amount
differs from this by share rounding only), no price-limit hits:

* the window's sessions run from the base date (row 0); the basket is formed at the
  base close (or the first session's open); ``monthly`` / ``quarterly`` rebalance on
  the first session of each month / quarter after the window's first session;
* at a rebalance, members with a price so far share the portfolio value by their
  (renormalised) weights, valued at each member's last close;
* a member with no bar on a session cannot trade: its order waits for its next bar;
* sells settle first; buys that do not fit in the cash are scaled down by a common
  factor and wait for more cash only while some sell is still waiting;
* holdings are in total-return units (adjusted close), so dividends are reinvested.

The valuation is vectorised: holdings per session × adjusted closes carried forward.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


def reference_equity(
    frames: Mapping[str, pd.DataFrame],
    sessions: pd.DatetimeIndex,
    base: str,
    weights: Mapping[str, float],
    rebalance: str,
    cash: float = 1.0,
    fill: str = "close",
) -> pd.Series:
    """Portfolio value / initial cash at each session from the base date. ``fill``:
    trade at the session's close, or at its open (the basket is then formed at the
    first session's open; members without a bar count at their last close)."""
    adj_close = pd.DataFrame({s: (f["close"] * f["adj_factor"]).reindex(sessions) for s, f in frames.items()})
    adj_open = pd.DataFrame({s: (f["open"] * f["adj_factor"]).reindex(sessions) for s, f in frames.items()})
    days = sessions[sessions >= pd.Timestamp(base)]
    traded = adj_close.notna().loc[days]
    price = adj_close.ffill().loc[days]  # suspended: the last close
    before = adj_close.ffill().shift(1).loc[days]  # the last close before each session
    at_open = adj_open.loc[days].where(traded, before)
    # first session of each month (or quarter), after the window's first session (row 1)
    month = pd.Series(days.month, index=days)
    new = (month.diff() != 0).to_numpy()
    if rebalance == "quarterly":
        new = new & month.isin([1, 4, 7, 10]).to_numpy()
    rebal_days = set(days[2:][new[2:]]) if rebalance in ("monthly", "quarterly") else set()
    trade_days = {days[0] if fill == "close" else days[1]} | rebal_days

    w = pd.Series(weights, dtype=float).reindex(adj_close.columns).fillna(0.0)
    units = pd.Series(0.0, index=adj_close.columns)
    money = cash
    targets: dict[str, float] = {}
    held_rows = {}
    for day in days:
        p = price.loc[day] if fill == "close" else at_open.loc[day]
        if day in trade_days:
            value = money + float((units * p).fillna(0.0).sum())
            eligible = p.notna() & (w > 0)
            ww = w.where(eligible, 0.0)
            ww = ww / ww.sum()
            targets = {s: float(ww[s] * value / p[s]) if eligible[s] else 0.0 for s in w.index}
        if targets:
            can = traded.loc[day]
            for s in [s for s, t in targets.items() if can[s] and t < units[s]]:
                money += (units[s] - targets[s]) * p[s]
                units[s] = targets.pop(s)
            for s in [s for s, t in targets.items() if can[s] and t == units[s]]:
                targets.pop(s)
            buys = {s: t - units[s] for s, t in targets.items() if can[s] and t > units[s]}
            need = sum(q * p[s] for s, q in buys.items())
            k = min(1.0, money / need) if need > 0 else 1.0
            sells_waiting = any(t < units[s] for s, t in targets.items())
            for s, q in buys.items():
                units[s] += q * k
                money -= q * k * p[s]
                if k >= 1.0 or not sells_waiting:
                    targets.pop(s)
        held_rows[day] = (units.copy(), money)
    held = pd.DataFrame({d: u for d, (u, _) in held_rows.items()}).T
    money_s = pd.Series({d: m for d, (_, m) in held_rows.items()})
    value = (held * price).fillna(0.0).sum(axis=1) + money_s
    return value / cash
