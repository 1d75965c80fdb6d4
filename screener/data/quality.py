"""Data-quality checks run on every load. Findings are warnings for reports; rows are
never dropped.

Kinds (one :class:`QualityIssue` per symbol and kind, naming the first dates):
``missing_sessions`` (XSHG sessions with no row between a series' first and last row —
usually suspensions), ``non_session_date`` (a row on a day the exchange was closed),
``non_positive_price``, ``high_below_low``, ``close_outside_range`` (close outside
[low, high]), ``limit_breach`` (close beyond the board's limit band around the previous
close, ex-dividend adjusted via ``adj_factor``; the first five rows of a series that
starts inside the window are skipped, as new listings trade without limits) and
``zero_volume``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from screener import calendar
from screener.data.model import QualityIssue
from screener.symbols import CHINEXT_20PCT_FROM, Board, parse_symbol

NEW_LISTING_UNLIMITED_ROWS = 5
_SHOW = 3  # dates named per finding


def _dates_text(days: np.ndarray) -> str:
    shown = ", ".join(str(pd.Timestamp(d).date()) for d in days[:_SHOW])
    return shown + (f" and {len(days) - _SHOW} more" if len(days) > _SHOW else "")


def _issue(symbol: str, kind: str, days: np.ndarray, what: str) -> QualityIssue:
    n = len(days)
    return QualityIssue(
        symbol=symbol,
        kind=kind,
        message=f"{symbol}: {n} {what}: {_dates_text(days)}",
        date=pd.Timestamp(days[0]).date(),
    )


def _band_pct(symbol: str, dates: np.ndarray) -> np.ndarray | None:
    """The board's limit band in whole percent per row; None for indices."""
    sym = parse_symbol(symbol)
    board = sym.board
    if board is Board.INDEX:
        return None
    if board is Board.CHINEXT:
        return np.where(dates >= np.datetime64(CHINEXT_20PCT_FROM), 20, 10).astype(np.int64)
    band = sym.limit_band()
    return np.full(len(dates), round(band * 100), dtype=np.int64)


def limit_breaches(symbol: str, frame: pd.DataFrame) -> np.ndarray:
    """Boolean per row: the close is beyond the limit band around the previous close
    (ex-dividend reference = previous close × previous adj / today's adj, in cents).
    Limit prices follow ``screener.symbols.limit_prices`` (half-up to 0.01)."""
    out = np.zeros(len(frame), dtype=bool)
    if len(frame) < 2:
        return out
    dates = frame.index.to_numpy()
    band = _band_pct(symbol, dates)
    if band is None:
        return out
    close = frame["close"].to_numpy()
    adj = frame["adj_factor"].to_numpy()
    ref = close[:-1] * adj[:-1] / adj[1:]
    ref_c = np.rint(ref * 100).astype(np.int64)
    b = band[1:]
    upper = (ref_c * (100 + b) + 50) // 100
    lower = (ref_c * (100 - b) + 50) // 100
    cur = np.rint(close[1:] * 100).astype(np.int64)
    valid = np.isfinite(close[1:]) & np.isfinite(ref) & (ref_c > 0)
    out[1:] = valid & ((cur > upper) | (cur < lower))
    return out


def check_frame(
    symbol: str, frame: pd.DataFrame, sessions: np.ndarray, window_start: np.datetime64 | None
) -> list[QualityIssue]:
    """Findings for one bar frame against the session array (datetime64[ns])."""
    if frame.empty:
        return []
    issues: list[QualityIssue] = []
    dates = frame.index.to_numpy().astype("datetime64[ns]", copy=False)
    first, last = dates[0], dates[-1]
    lo, hi = np.searchsorted(sessions, first, "left"), np.searchsorted(sessions, last, "right")
    inside = sessions[lo:hi]
    missing = np.setdiff1d(inside, dates, assume_unique=True)
    if len(missing):
        issues.append(_issue(symbol, "missing_sessions", missing, "sessions without a row (suspended?)"))
    if len(sessions):
        span = dates[(dates >= sessions[0]) & (dates <= sessions[-1])]
        extra = np.setdiff1d(span, sessions, assume_unique=True)
        if len(extra):
            issues.append(_issue(symbol, "non_session_date", extra, "rows on days the exchange was closed"))
    o, h, lw, c, v = (frame[k].to_numpy() for k in ("open", "high", "low", "close", "volume"))
    checks = (
        ("non_positive_price", (o <= 0) | (h <= 0) | (lw <= 0) | (c <= 0), "rows with a price <= 0"),
        ("high_below_low", h < lw, "rows with high below low"),
        ("close_outside_range", (c < lw - 1e-9) | (c > h + 1e-9), "rows with close outside [low, high]"),
        ("zero_volume", v == 0, "rows with zero volume"),
    )
    for kind, mask, what in checks:
        if mask.any():
            issues.append(_issue(symbol, kind, dates[mask], what))
    breach = limit_breaches(symbol, frame)
    if window_start is None or first > window_start:
        breach[:NEW_LISTING_UNLIMITED_ROWS] = False
    if breach.any():
        issues.append(_issue(symbol, "limit_breach", dates[breach], "closes beyond the board's daily limit"))
    return issues


def check(
    frames: Mapping[str, pd.DataFrame], start: date | None = None, end: date | None = None
) -> tuple[list[QualityIssue], list[str]]:
    """Run every check on every frame. Returns (issues, notes); the note says when the
    XSHG calendar ran out and the sessions present in the data were used instead."""
    nonempty = {s: f for s, f in frames.items() if not f.empty}
    if not nonempty:
        return [], []
    lo = pd.Timestamp(start) if start else min(f.index[0] for f in nonempty.values())
    hi = pd.Timestamp(end) if end else max(f.index[-1] for f in nonempty.values())
    last_known = calendar.last_known_session()
    beyond = [f.index[f.index > last_known] for f in nonempty.values() if f.index[-1] > last_known]
    data_dates = beyond[0].append(beyond[1:]).unique() if beyond else None
    idx, note = calendar.trading_index(lo, hi, data_dates)
    sessions = idx.to_numpy().astype("datetime64[ns]")
    first_session = sessions[0] if (start is not None and len(sessions)) else None
    issues: list[QualityIssue] = []
    for symbol, frame in nonempty.items():
        issues.extend(check_frame(symbol, frame, sessions, first_session))
    return issues, [note] if note else []
