"""The backtest result: one JSON-ready dict (``screener backtest --format json``).

Keys, in order: ``theme``, ``theme_name``, ``sources`` (the theme's: title, publisher, date,
...), ``events`` (the theme's dated news: date, label, quote, source; the reports mark
them on the charts), ``data_source`` (live|cache|dir|demo),
``label`` (e.g. ``DEMO — synthetic prices``), ``demo``, ``start``, ``end``, ``base_date``,
``sessions``, ``short_window`` (fewer than 20 sessions: annualised figures are not shown),
``settings``, ``basket``, ``benchmark`` (the benchmark's own figures), ``relative`` (the
basket's figures against the benchmark: :data:`RELATIVE_FIGURES`, None without benchmark
data; for one more release also repeated, deprecated, in ``benchmark``), ``members``,
``claims``, ``equity``, ``trades``, ``warnings``, ``generated_by``. Returns are fractions
(0.1234 = 12.34%); money is CNY.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from screener import __version__
from screener.backtest.metrics import MIN_ANNUALISE_SESSIONS, RELATIVE_FIGURES, finite
from screener.calendar import dates_text
from screener.i18n import N_, _
from screener.symbols import BOARD_LABELS, parse_symbol
from screener.theme.model import Member, Theme

LOT_RULE_TEXT = N_("board lots: 100 shares (STAR: 200, then steps of 1; BSE: 100, then steps of 1)")


def member_rows(
    members: list[Member],
    kept: dict[str, pd.DataFrame],
    res: Any,
    panel: Any,
    names: dict[str, str],
) -> list[dict[str, Any]]:
    """One row per selected member: weights, own return, contribution, trades, blocks."""
    trades = res.trades
    value = trades.groupby(["symbol", "side"])["value"].sum()
    costs_by = trades.groupby("symbol")["cost"].sum()
    count = trades.groupby("symbol").size()
    blocks = res.events[res.events["reason"].isin(["upper_limit", "lower_limit"])].groupby("symbol").size()
    start_weights = res.targets[0][1] if res.targets else np.zeros(len(panel.symbols))
    adj_close = panel.adjusted_close()
    final_value = float(res.value[-1])
    cash0 = res.starting_cash
    rows = []
    for m in members:
        row: dict[str, Any] = {
            "symbol": m.symbol,
            "name": m.name or names.get(m.symbol, m.symbol),
            "board": BOARD_LABELS[parse_symbol(m.symbol).board],
            "named_in_source": m.named_in_source,
            "in_basket": m.symbol in kept,
        }
        if m.symbol not in kept:
            row.update(weight_start=None, weight_end=None, total_return=None, contribution=None,
                       trades=0, blocked_orders=0, shares_end=0.0)
            rows.append(row)
            continue
        j = panel.symbols.index(m.symbol)
        bought = float(value.get((m.symbol, "buy"), 0.0))
        sold = float(value.get((m.symbol, "sell"), 0.0))
        costs = float(costs_by.get(m.symbol, 0.0))
        holding = float(res.shares[j] * panel.last_close[-1, j]) if res.shares[j] else 0.0
        first, last = adj_close[0, j], adj_close[-1, j]
        row.update(
            weight_start=finite(start_weights[j]),
            weight_end=holding / final_value if final_value else None,
            total_return=finite(last / first - 1.0) if not np.isnan(first) else None,
            contribution=(holding + sold - bought - costs) / cash0,
            trades=int(count.get(m.symbol, 0)),
            blocked_orders=int(blocks.get(m.symbol, 0)),
            shares_end=float(res.shares[j]),
            costs=costs,
        )
        if np.isnan(first):
            row["listed"] = str(kept[m.symbol].index[0].date())
        rows.append(row)
    return rows


def warning(kind: str, symbol: str | None, day: date | None, message: str) -> dict[str, Any]:
    """One record of the result's ``warnings``."""
    return {"kind": kind, "symbol": symbol, "date": day.isoformat() if day else None, "message": message}


# (reason, side) -> message; {n} is the number of sessions, {days} their dates
_REASONS = {
    ("upper_limit", "buy"): N_("buy blocked at the upper limit price on {n} session(s): {days}"),
    ("upper_limit", "sell"): N_("sell blocked at the upper limit price on {n} session(s): {days}"),
    ("lower_limit", "buy"): N_("buy blocked at the lower limit price on {n} session(s): {days}"),
    ("lower_limit", "sell"): N_("sell blocked at the lower limit price on {n} session(s): {days}"),
    ("suspended", "buy"): N_("buy order waited while suspended on {n} session(s): {days}"),
    ("suspended", "sell"): N_("sell order waited while suspended on {n} session(s): {days}"),
    ("cash", "buy"): N_("buy waited for the cash of a blocked sell on {n} session(s): {days}"),
    ("volume", "buy"): N_("buy order filled only what --max-participation allows of the session's volume "
                          "on {n} session(s), the rest waited: {days}"),
    ("volume", "sell"): N_("sell order filled only what --max-participation allows of the session's volume "
                           "on {n} session(s), the rest waited: {days}"),
    ("below_lot", "buy"): N_("not bought: its share of the basket is less than one lot at the fill price "
                             "on {n} session(s): {days}; raise --cash or lower --lot-size"),
    ("no_cash", "buy"): N_("not bought: the cash left after the other buys is less than one lot and its costs "
                           "on {n} session(s): {days}; raise --cash"),
}
_NOT_BOUGHT = ("below_lot", "no_cash")


def trading_warnings(res: Any) -> list[dict[str, Any]]:
    """Blocked and waiting orders, one warning per member, reason and side."""
    groups: dict[tuple[str, str, str], list[date]] = defaultdict(list)
    out = []
    ev = res.events
    for day, symbol, reason, side in zip(*(ev[c].tolist() for c in ("date", "symbol", "reason", "side"))):
        if not isinstance(symbol, str):  # no member (None; NaN in a pandas string column)
            out.append(warning("rebalance", None, day, _("no member had a price to be bought at this rebalance")))
            continue
        groups[(symbol, reason, side)].append(day)
    for (symbol, reason, side), days in groups.items():
        if reason in _NOT_BOUGHT:
            kind = "not_bought"
        else:
            kind = "blocked_order" if reason in ("upper_limit", "lower_limit") else "waiting_order"
        template = _REASONS.get((reason, side))
        text = _(template) if template else f"{side} {reason}" + " on {n} session(s): {days}"
        msg = text.format(n=len(set(days)), days=dates_text(days))
        out.append(warning(kind, symbol, min(days), msg))
    return out


def data_warnings(md: Any, symbols: set[str], base: date, end: date, warned: set[str] = frozenset()) -> list[dict[str, Any]]:
    """The data layer's quality findings and notes for the symbols used; a missing symbol
    already ``warned`` about (a dropped member, the benchmark) is not repeated."""
    out = []
    for found in md.issues:
        issue = found.within(base, end) if found.symbol in symbols else None  # restated for the window's days
        if issue is not None:
            out.append(warning(issue.kind, issue.symbol, issue.date, issue.message))
    for note in md.notes:
        out.append(warning("data", None, None, note))
    for s in md.missing:
        if s in warned:
            continue
        out.append(warning("missing_data", s, None, _("no data for {symbols}").format(symbols=s)))
    return out


def trade_rows(trades: pd.DataFrame) -> list[dict[str, Any]]:
    """Every fill: date, symbol, side, raw shares and price, value and its costs (CNY)."""
    return [
        {"date": t.date.isoformat(), "symbol": t.symbol, "side": t.side, "shares": float(t.shares),
         "price": float(t.price), "value": float(t.value), "commission": float(t.commission),
         "stamp_duty": float(t.stamp_duty), "transfer_fee": float(t.transfer_fee), "cost": float(t.cost)}
        for t in trades.itertuples(index=False)
    ]


def settings_block(settings: Any, start: date, end: date, benchmark: str) -> dict[str, Any]:
    out = settings.model_dump(mode="json")
    out.update(start=start.isoformat(), end=end.isoformat(), benchmark=benchmark)
    out["lot_rule"] = (_(LOT_RULE_TEXT) if settings.lot_size is None
                       else _("{n} shares on every board").format(n=settings.lot_size))
    return out


def assemble(
    *,
    theme: Theme,
    md: Any,
    settings: Any,
    window_start: date,
    end: date,
    base: date,
    benchmark: str,
    basket: dict[str, Any],
    bench_block: dict[str, Any],
    members: list[dict[str, Any]],
    claims: list[dict[str, Any]],
    equity: pd.Series,
    bench_series: pd.Series | None,
    trades: pd.DataFrame,
    warnings: list[dict[str, Any]],
) -> dict[str, Any]:
    bench = bench_series.to_numpy() if bench_series is not None else [None] * len(equity)
    rows = [
        {"date": d.date().isoformat(), "basket": float(b), "benchmark": finite(m)}
        for d, b, m in zip(equity.index, equity.to_numpy(), bench)
    ]
    return {
        "theme": theme.id,
        "theme_name": theme.name,
        "sources": [source.model_dump(mode="json", exclude_none=True) for source in theme.sources],
        "events": [event.model_dump(mode="json", exclude_none=True) for event in theme.events],
        "data_source": md.source.value,
        "label": md.label,
        "demo": bool(md.is_demo),
        "start": window_start.isoformat(),
        "end": end.isoformat(),
        "base_date": base.isoformat(),
        "sessions": len(equity) - 1,
        "short_window": len(equity) - 1 < MIN_ANNUALISE_SESSIONS,
        "settings": settings_block(settings, window_start, end, benchmark),
        "basket": {k: finite(v) if isinstance(v, (int, float, np.floating)) or v is None else v for k, v in basket.items()},
        "benchmark": bench_block,  # repeats the relative figures for one more release (deprecated)
        "relative": {k: bench_block.get(k) for k in RELATIVE_FIGURES},
        "members": members,
        "claims": claims,
        "equity": rows,
        "trades": trade_rows(trades),
        "warnings": _distinct(warnings),
        "generated_by": f"screener {__version__}",
    }


def _distinct(warnings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The warnings without repeats of one message about one symbol (the calendar note
    comes from both the engine's sessions and the data layer's checks), first kept."""
    seen: set[tuple[Any, Any]] = set()
    out = []
    for w in warnings:
        key = (w.get("symbol"), w.get("message"))
        if key not in seen:
            seen.add(key)
            out.append(w)
    return out
