"""Check a story's claims against the data.

* ``period_return``: measured over the claim's own window like an index, from the close
  of the last session before ``start`` to the close of the last session on or before
  ``end``, on adjusted prices. The ``proxy`` is a symbol (an index standing for the quoted
  one) or ``basket``: the theme's members at equal weight, bought at the base close with
  no costs and held (the mean of the members' returns); members not listed at the base
  date are left out and named.
* ``limit_up`` / ``close_up``: each symbol's close on the date at its upper limit price,
  to the cent (``limit_up``), or above the previous close (``close_up``), the previous
  close restated for a corporate action on the day (``screener.limits``). A close above
  the upper limit is a data problem (``no_data``); a session without a limit (a new
  listing's first sessions) fails.

Verdicts: ``holds``, ``fails`` or ``no_data`` (with the reason in ``detail``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import pandas as pd

from screener import calendar, limits
from screener.fmt import pct
from screener.i18n import N_, _, ngettext
from screener.symbols import BOARD_LABELS, Board, Symbol, parse_symbol
from screener.theme.model import DayMoveClaim, PeriodReturnClaim, Theme

HOLDS, FAILS, NO_DATA = "holds", "fails", "no_data"


def _weekday_on_or_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def base_session(start: date) -> date | None:
    """The last XSHG session strictly before ``start`` (the last weekday past the
    calendar's end); None before the calendar's first session."""
    return last_session(start - timedelta(days=1))


def last_session(end: date) -> date | None:
    """The last XSHG session on or before ``end`` (the last weekday past the calendar's end)."""
    if end > calendar.last_known_session().date():
        return _weekday_on_or_before(end)
    days = calendar.sessions(end - timedelta(days=40), end)
    return days[-1].date() if len(days) else None


def _price_on_or_before(frame: pd.DataFrame, day: date) -> tuple[date, float] | None:
    """(date, adjusted close) of the last bar on or before ``day``."""
    upto = frame.loc[: pd.Timestamp(day)]
    if upto.empty:
        return None
    row = upto.iloc[-1]
    return upto.index[-1].date(), float(row["close"] * row["adj_factor"])


def check_period_return(
    claim: PeriodReturnClaim, frames: Mapping[str, pd.DataFrame], members: list[str]
) -> dict[str, Any]:
    out = _base(claim)
    out.update(start=claim.start.isoformat(), end=claim.end.isoformat(), claimed=claim.value,
               comparison=claim.comparison, tolerance=claim.tolerance, proxy=claim.proxy)
    base, end = base_session(claim.start), last_session(claim.end)
    if base is None:
        return _no_data(out, _("the window starts on {start}, before {first}, the first session screener's calendar knows")
                        .format(start=claim.start, first=calendar.first_known_session().date()))
    if end is None or end <= base:
        return _no_data(out, _("the window {start} → {end} has no sessions").format(start=claim.start, end=claim.end))
    out["base_date"] = base.isoformat()
    symbols = members if claim.proxy == "basket" else [claim.proxy]
    latest = max((f.index[-1].date() for s in symbols if (f := frames.get(s)) is not None and len(f)), default=None)
    if latest is None:
        return _no_data(out, _("no data for {symbols}").format(symbols=", ".join(symbols)))
    if latest < end:
        return _no_data(out, _("the data ends on {latest}, before the claim's last session {end}").format(
            latest=latest, end=end))
    ratios, left_out = {}, []
    for s in symbols:
        f = frames.get(s)
        at_base = _price_on_or_before(f, base) if f is not None else None
        at_end = _price_on_or_before(f, end) if f is not None else None
        if at_base is None or at_end is None:
            left_out.append(s)
            continue
        ratios[s] = at_end[1] / at_base[1]
    if not ratios:
        return _no_data(out, _("no price on the base date {base} for {symbols}").format(
            base=base, symbols=", ".join(symbols)))
    measured = sum(ratios.values()) / len(ratios) - 1.0
    out["measured"] = measured
    ok = _compare(measured, claim)
    out["verdict"] = HOLDS if ok else FAILS
    what = (
        ngettext("basket of {n} member at equal weight (buy and hold, no costs)",
                 "basket of {n} members at equal weight (buy and hold, no costs)", len(ratios)).format(n=len(ratios))
        if claim.proxy == "basket" else claim.proxy
    )
    detail = _("{what}: {measured} from the {base} close to the {end} close; claimed {claimed}").format(
        what=what, measured=pct(measured), base=base, end=end, claimed=_comparison_text(claim))
    if left_out:
        detail = _("{detail}; left out (no price on {base}): {symbols}").format(
            detail=detail, base=base, symbols=", ".join(left_out))
    out["detail"] = detail
    return out


def _compare(measured: float, claim: PeriodReturnClaim) -> bool:
    tol = claim.tolerance or 0.0
    if claim.comparison == "at_least":
        return measured >= claim.value - tol
    if claim.comparison == "at_most":
        return measured <= claim.value + tol
    return abs(measured - claim.value) <= tol


_COMPARISONS = {"at_least": N_("at least {value}"), "at_most": N_("at most {value}"), "about": N_("about {value}")}


def _comparison_text(claim: PeriodReturnClaim) -> str:
    tol = f" ± {pct(claim.tolerance, signed=False)}" if claim.tolerance else ""
    return _(_COMPARISONS[claim.comparison]).format(value=pct(claim.value)) + tol


def check_day_move(
    claim: DayMoveClaim, frames: Mapping[str, pd.DataFrame], history_start: date | None = None
) -> dict[str, Any]:
    """Each symbol's close on the claim's date; ``history_start`` is the first day the
    frames were loaded from (a frame starting later is a new listing), None if unknown."""
    out = _base(claim)
    day = claim.date
    out.update(start=day.isoformat(), end=day.isoformat(), date=day.isoformat(), claimed=list(claim.symbols))
    results = [_day_move(claim.kind, s, day, frames.get(s), history_start) for s in claim.symbols]
    out["results"] = results
    out["measured"] = {r["symbol"]: r["change"] for r in results}
    verdicts = {r["verdict"] for r in results}
    out["verdict"] = FAILS if FAILS in verdicts else NO_DATA if NO_DATA in verdicts else HOLDS
    out["detail"] = _("; ").join(r["detail"] for r in results)
    return out


def _day_move(
    kind: str, symbol: str, day: date, frame: pd.DataFrame | None, history_start: date | None
) -> dict[str, Any]:
    res: dict[str, Any] = {"symbol": symbol, "date": day.isoformat(), "close": None, "prev_close": None,
                           "limit": None, "change": None, "verdict": NO_DATA}
    ts = pd.Timestamp(day)
    if not calendar.is_session(day):
        res["detail"] = _("{symbol}: {day} is not a trading session (the exchange was closed)").format(symbol=symbol, day=day)
        return res
    if frame is None or ts not in frame.index:
        res["detail"] = _("{symbol}: no bar on {day} (suspended, or no data)").format(symbol=symbol, day=day)
        return res
    before = frame.loc[: ts - pd.Timedelta(days=1)]
    if before.empty:
        res["detail"] = _("{symbol}: no bar before {day} to compare with").format(symbol=symbol, day=day)
        return res
    row, prev = frame.loc[ts], before.iloc[-1]
    base = limits.reference_price(float(prev["close"]), float(prev["adj_factor"]), float(row["adj_factor"]))
    close = float(row["close"])
    change = close / base - 1.0
    res.update(close=close, prev_close=base, change=change)
    if kind == "close_up":
        up = close > base + 1e-9
        res["verdict"] = HOLDS if up else FAILS
        res["detail"] = _("{symbol} closed {close:.2f} vs {base:.2f} the session before ({change})").format(
            symbol=symbol, close=close, base=base, change=pct(change))
        return res
    return _limit_up(res, parse_symbol(symbol), day, _listing(frame, day, history_start))


def _listing(frame: pd.DataFrame, day: date, history_start: date | None) -> limits.Listing | None:
    """The listing (its date, and its session count on ``day``: 1 = listing day) when the
    frame's first bar is a listing — a session of the loaded history passed before it,
    as the engine's panel reads it; None when the listing is not in the data."""
    if history_start is None:
        return None
    if not len(calendar.sessions(history_start, frame.index[0] - pd.Timedelta(days=1))):
        return None
    return limits.Listing(frame.index[0].date(), int((frame.index <= pd.Timestamp(day)).sum()))


def _limit_up(res: dict[str, Any], sym: Symbol, day: date, listing: limits.Listing | None) -> dict[str, Any]:
    """``limit_up`` holds when the close equals the upper limit price to the cent. A close
    above it cannot happen under the limit: the bar is suspect (``no_data``); a session
    without a limit (a new listing's first sessions) cannot close at one (``fails``)."""
    symbol, close, base, change = res["symbol"], res["close"], res["prev_close"], res["change"]
    band = limits.band_on(sym, day, listing)
    if band is None:
        if sym.board is Board.INDEX:
            res["detail"] = _("{symbol}: an index has no price limit").format(symbol=symbol)
            return res
        res["verdict"] = FAILS
        res["detail"] = _("{symbol} closed {close:.2f} ({change}): no price limit applied on that day "
                          "(first five sessions of a listing)").format(symbol=symbol, close=close, change=pct(change))
        return res
    upper = limits.limit_prices(base, band)[1]
    res["limit"] = upper
    values = {"symbol": symbol, "close": close, "upper": upper, "change": pct(change),
              "board": f"{_(BOARD_LABELS[sym.board])} ±{pct(band, 0, signed=False)}"}
    close_cents, upper_cents = int(limits.cents(close)), round(upper * 100)
    if close_cents > upper_cents:
        res["detail"] = _("{symbol} closed {close:.2f}, above its upper limit {upper:.2f} ({change}, {board}): "
                          "no trade can print past the limit, so the bar is wrong (a bad price, or a corporate "
                          "action missing from adj_factor); check the data").format(**values)
        return res
    res["verdict"] = HOLDS if close_cents == upper_cents else FAILS
    if close_cents == upper_cents:
        res["detail"] = _("{symbol} closed {close:.2f} at its upper limit {upper:.2f} ({change}, {board})").format(**values)
    elif _at_st_limit(sym, day, band, base, close_cents):
        res["detail"] = _("{symbol} closed {close:.2f} below its upper limit {upper:.2f} ({change}, {board}); "
                          "that is the ±5% limit of a risk-warning (ST) stock").format(**values)
    else:
        res["detail"] = _("{symbol} closed {close:.2f} below its upper limit {upper:.2f} ({change}, {board})").format(**values)
    return res


def _at_st_limit(sym: Symbol, day: date, band: float, base: float, close_cents: int) -> bool:
    """Whether a close is exactly the upper limit price of a risk-warning (ST) stock of
    the board (±5%: main boards, and ChiNext before 2020-08-24; elsewhere ST names keep
    the board's band, so no close is)."""
    st_band = sym.limit_band(day, st=True)
    return st_band is not None and st_band < band and close_cents == round(limits.limit_prices(base, st_band)[1] * 100)


def _base(claim: Any) -> dict[str, Any]:
    return {
        "id": claim.id or "",
        "kind": claim.kind,
        "subject": claim.subject or "",
        "quote": claim.quote or "",
        "claimed": None,
        "measured": None,
        "verdict": NO_DATA,
        "detail": "",
    }


def _no_data(out: dict[str, Any], why: str) -> dict[str, Any]:
    out["verdict"] = NO_DATA
    out["detail"] = why
    return out


def claim_symbols(theme: Theme) -> set[str]:
    """Symbols the claims need besides the members (proxies and day-move symbols)."""
    out: set[str] = set()
    for c in theme.claims:
        if isinstance(c, PeriodReturnClaim) and c.proxy != "basket":
            out.add(c.proxy)
        elif isinstance(c, DayMoveClaim):
            out.update(c.symbols)
    return out


def claim_span(theme: Theme) -> tuple[date, date] | None:
    """The earliest base date and latest day the claims need, or None without claims."""
    days: list[date] = []
    for c in theme.claims:
        if isinstance(c, PeriodReturnClaim):
            days += [c.start - timedelta(days=40), c.end]
        else:
            days += [c.date - timedelta(days=40), c.date]
    return (min(days), max(days)) if days else None


def check_claims(
    theme: Theme, frames: Mapping[str, pd.DataFrame], history_start: date | None = None
) -> list[dict[str, Any]]:
    """Every claim of ``theme``, checked on ``frames`` (symbol → bar frame) loaded from
    ``history_start`` (None if unknown: no frame is then taken for a new listing)."""
    members = theme.symbols
    out = []
    for c in theme.claims:
        if isinstance(c, PeriodReturnClaim):
            out.append(check_period_return(c, frames, members))
        else:
            out.append(check_day_move(c, frames, history_start))
    return out
