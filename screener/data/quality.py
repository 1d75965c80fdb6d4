"""Data-quality checks run on every load. Findings are warnings for reports; rows are
kept, except the unusable ones named below.

Kinds (one :class:`QualityIssue` per symbol and kind, naming the first dates):
``missing_sessions`` (XSHG sessions with no row between a series' first and last row —
usually suspensions), ``non_session_date`` (a row on a day the exchange was closed),
``missing_price`` (an empty open, high, low or close), ``non_positive_price``,
``high_below_low``, ``close_outside_range`` (close outside [low, high]), ``limit_breach``
(close beyond the board's limit band around the previous close, ex-dividend adjusted via
``adj_factor``; a series that starts after the window's first session, or in a load
without a start, is counted as a new listing from its first row, whose sessions without a
limit are skipped: :func:`screener.limits.listing_free`) and ``zero_volume``.

Two kinds of row are left out rather than kept, by :func:`exclude_unusable`, each with a
finding: ``future_date`` (a row dated after today) and ``impossible_value`` (an infinite
price or one above 0 but below the 0.01 CNY tick, a negative or infinite volume, amount or turnover, an ``adj_factor`` that is not a
positive finite number, in data a provider returned; in a user's file such a value is
an error instead).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from screener import calendar
from screener.data import frames
from screener.data.model import BAR_COLUMNS, QualityIssue
from screener.i18n import _
from screener.limits import NEW_LISTING_FREE_SESSIONS, band_percent, cents, limit_cents, listing_free, reference_cents
from screener.symbols import Board, parse_symbol

MAX_CHECKED_PRICE = 1e12  # limit checks count in int64 cents; a larger price is absurd anyway


def _issue(symbol: str, kind: str, days: np.ndarray, what: str) -> QualityIssue:
    """``what`` starts with a plural noun ("rows with ..."), made singular for one day."""
    return QualityIssue.about_days(symbol, kind, pd.DatetimeIndex(days).date, what)


_COL = {c: i for i, c in enumerate(BAR_COLUMNS)}


def limit_breaches(symbol: str, frame: pd.DataFrame) -> np.ndarray:
    """Boolean per row: the close is beyond the limit prices around the previous close
    (:mod:`screener.limits`: ex-dividend reference, half-up to 0.01)."""
    values = frame.to_numpy(dtype="float64")
    close, adj = values[:, _COL["close"]], values[:, _COL["adj_factor"]]
    return _breaches(symbol, frame.index.to_numpy(), close, adj, listing=False)


def _limited(board: Board, dates: np.ndarray, listing: bool) -> np.ndarray:
    """Per row after the first: whether a limit applies; with ``listing`` the first row is
    the listing day and its first sessions may trade without one (:func:`listing_free`)."""
    limited = np.ones(len(dates) - 1, dtype=bool)
    if listing:
        k = min(len(dates), NEW_LISTING_FREE_SESSIONS)
        limited[: k - 1] = ~listing_free(board, dates[0], np.arange(2, k + 1))
    return limited


def _breaches(symbol: str, dates: np.ndarray, close: np.ndarray, adj: np.ndarray, *, listing: bool) -> np.ndarray:
    out = np.zeros(len(close), dtype=bool)
    if len(close) < 2:
        return out
    sym = parse_symbol(symbol)
    band = band_percent(sym, dates)
    if band is None:
        return out
    limited = _limited(sym.board, dates, listing)
    with np.errstate(invalid="ignore", divide="ignore"):
        ref = close[:-1] * adj[:-1] / adj[1:]
        move = np.abs(close[1:] - ref)
        # only closes near or past the band need the exact check in cents: the slack
        # covers the rounding of the reference and of the limit prices (a cent each)
        cand = np.flatnonzero(limited & (move > ref * (band[1:] / 100) - 0.02))
    if len(cand) == 0:
        return out
    ref_c = reference_cents(close[:-1][cand], adj[:-1][cand], adj[1:][cand])
    c = close[1:][cand]
    valid = np.isfinite(ref_c) & np.isfinite(c) & (ref_c > 0) & (ref_c < MAX_CHECKED_PRICE * 100) & (c < MAX_CHECKED_PRICE)
    cur = cents(np.where(valid, c, 0.0)).astype(np.int64)
    lower, upper = limit_cents(np.where(valid, ref_c, 0).astype(np.int64), band[1:][cand])
    out[cand + 1] = valid & ((cur > upper) | (cur < lower))
    return out


def check_frame(
    symbol: str, frame: pd.DataFrame, sessions: np.ndarray, window_start: np.datetime64 | None
) -> list[QualityIssue]:
    """Findings for one bar frame against the sorted session array (datetime64[ns])."""
    if frame.empty:
        return []
    issues: list[QualityIssue] = []
    dates = _ns(frame.index)
    values = frame.to_numpy(dtype="float64")
    # rows on sessions vs rows on closed days, by binary search (both arrays are sorted);
    # a frame with a row on every session of its span (the usual case) in one comparison
    if len(sessions) and not _on_every_session(sessions, dates):
        pos = np.searchsorted(sessions, dates)
        on_session = sessions[np.minimum(pos, len(sessions) - 1)] == dates
        lo, hi = pos[0], np.searchsorted(sessions, dates[-1], "right")
        n_on = int(on_session.sum())
        if hi - lo > n_on:
            missing = np.setdiff1d(sessions[lo:hi], dates[on_session], assume_unique=True)
            issues.append(_issue(symbol, "missing_sessions", missing, _("sessions without a row (suspended?)")))
        if n_on < len(dates):
            within = (dates >= sessions[0]) & (dates <= sessions[-1])
            extra = dates[within & ~on_session]
            if len(extra):
                issues.append(_issue(symbol, "non_session_date", extra, _("rows on days the exchange was closed")))
    prices = values[:, :4]
    h, lw, c, v = (values[:, _COL[k]] for k in ("high", "low", "close", "volume"))
    with np.errstate(invalid="ignore"):
        lowest = prices.min(initial=np.inf)  # NaN when a price is empty
        if np.isnan(lowest):
            empty = np.isnan(prices).any(axis=1)
            issues.append(_issue(symbol, "missing_price", dates[empty], _("rows with an empty price (open, high, low or close)")))
        elif lowest <= 0:
            issues.append(_issue(symbol, "non_positive_price", dates[(prices <= 0).any(axis=1)], _("rows with a price <= 0")))
        if not ((lw <= c) & (c <= h)).all():  # else no high below low, no close outside the range
            if (h < lw).any():
                issues.append(_issue(symbol, "high_below_low", dates[h < lw], _("rows with high below low")))
            outside = (c < lw - 1e-9) | (c > h + 1e-9)
            if outside.any():
                issues.append(_issue(symbol, "close_outside_range", dates[outside], _("rows with close outside [low, high]")))
        if v.min(initial=np.inf) == 0:
            issues.append(_issue(symbol, "zero_volume", dates[v == 0], _("rows with zero volume")))
    listing = window_start is None or dates[0] > window_start  # the series may start at its listing
    breach = _breaches(symbol, dates, c, values[:, _COL["adj_factor"]], listing=listing)
    if breach.any():
        issues.append(_issue(symbol, "limit_breach", dates[breach], _("closes beyond the board's daily limit")))
    return issues


def _on_every_session(sessions: np.ndarray, dates: np.ndarray) -> bool:
    """Whether the sorted unique ``dates`` are the sessions from the first of them to the
    last, each one."""
    lo = int(np.searchsorted(sessions, dates[0]))
    return lo + len(dates) <= len(sessions) and bool((sessions[lo:lo + len(dates)] == dates).all())


def exclude_unusable(symbol: str, frame: pd.DataFrame, today: date) -> tuple[pd.DataFrame, list[QualityIssue]]:
    """``frame`` without the rows no analysis may use — dated after ``today`` (they would
    move every default end date), or holding a value no market reports (an infinite
    price, a negative volume, an ``adj_factor`` that is not positive; see
    :func:`frames.impossible_rows`) — and one finding per reason naming their dates."""
    issues: list[QualityIssue] = []
    drop = np.zeros(len(frame), dtype=bool)
    if len(frame) and frame.index[-1] > pd.Timestamp(today):  # the index is sorted
        first = frame.index.searchsorted(pd.Timestamp(today), side="right")
        drop[first:] = True
        issues.append(QualityIssue.about_days(
            symbol, "future_date", frame.index[first:].date,
            _("rows dated after today ({today}), left out").format(today=today)))
    for col, mask in frames.impossible_rows(frame).items():
        drop |= mask
        issues.append(QualityIssue.about_days(
            symbol, "impossible_value", frame.index[mask].date,
            _("rows with {what} in {column}, left out").format(what=frames.impossible_text(col), column=col)))
    return (frame[~drop] if drop.any() else frame), issues


def _ns(index: pd.DatetimeIndex) -> np.ndarray:
    if getattr(index, "unit", None) == "ns":
        return index.asi8.view("datetime64[ns]")
    return index.to_numpy().astype("datetime64[ns]")


def check(
    frames: Mapping[str, pd.DataFrame], start: date | None = None, end: date | None = None
) -> tuple[list[QualityIssue], list[str]]:
    """Run every check on every frame. Returns (issues, notes); the note says when the
    XSHG calendar ran out and the sessions present in the data were used instead."""
    nonempty = {s: f for s, f in frames.items() if len(f)}
    if not nonempty:
        return [], []
    spans = [(d[0], d[-1]) for d in (_ns(f.index) for f in nonempty.values())]
    lo = pd.Timestamp(start) if start else pd.Timestamp(min(a for a, _ in spans))
    hi = pd.Timestamp(end) if end else pd.Timestamp(max(b for _, b in spans))
    last_known = calendar.last_known_session()
    beyond = [f.index[f.index > last_known] for (_, b), f in zip(spans, nonempty.values())
              if b > last_known.to_datetime64()]
    data_dates = beyond[0].append(beyond[1:]).unique() if beyond else None
    idx, note = calendar.trading_index(lo, hi, data_dates)
    sessions = idx.to_numpy().astype("datetime64[ns]")
    first_session = sessions[0] if (start is not None and len(sessions)) else None
    issues: list[QualityIssue] = []
    for symbol, frame in nonempty.items():
        issues.extend(check_frame(symbol, frame, sessions, first_session))
    return issues, [note] if note else []
