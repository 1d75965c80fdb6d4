"""Daily price limits: one arithmetic for the reference price, the band and the limit
prices, as scalars (an order, a claim) and as arrays (a bar series, a whole panel).

Rules (``a-share-rules.md``):

* limit price = reference × (1 ± band), rounded half-up to 0.01 CNY;
* the reference is the previous close; on an ex-date (the adjustment factor changed) it
  is restated as prev close × prev factor / today's factor, rounded half-up to the cent;
* bands by board and date come from :meth:`Symbol.limit_band` (main ±10%, ±5% for
  risk-warning names; STAR ±20%; ChiNext ±20% from 2020-08-24, ±10% before; BSE ±30%);
* no limit in the first five sessions of a new listing on STAR, of one listed on ChiNext
  from 2020-08-24 and of one listed on the main boards from 2023-04-10 (the rules a
  stock listed under decide, not the session's date); on BSE only on the listing day.
  Before the reforms a listing's first day was capped around its issue price (main
  boards +44%/−36%), which bars do not carry: that day has no previous close, so no
  limit is worked out for it.

Prices are worked in whole cents and rounded in decimal: a float price is read in its
shortest decimal form (``repr``), and an ex-date reference is computed from the decimal
forms of the close and the factors, so 8.20 × 1 / 1.6 = 5.125 rounds to 5.13 although
the float quotient is 5.1249999…; bands are whole percents, so the limit prices are then
exact integer arithmetic. numpy does the work; only values within a hair of a half cent
go through :class:`~decimal.Decimal`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

import numpy as np

from screener.symbols import CHINEXT_20PCT_FROM, Board, Symbol

TICK = 0.01  # CNY: the smallest price step, so the lowest price a share can trade at
MAIN_BOARD_REGISTRATION = date(2023, 4, 10)  # no limit for main-board listings from this listing date
NEW_LISTING_FREE_SESSIONS = 5
_BEFORE_CHINEXT_REFORM = date(2020, 8, 21)
_TIE = 1e-6  # cents: a float this close to a half cent is rounded through Decimal


# -- rounding ---------------------------------------------------------------------------

def _decimal(x: float) -> Decimal:
    return Decimal(repr(float(x)))


def _half_up_cents(approx: np.ndarray, exact: Callable[[int], Decimal]) -> np.ndarray:
    """``approx`` (CNY) rounded half-up to whole cents, as floats (NaN stays NaN). Values
    within a hair of a half cent are rounded from ``exact(k)``, the decimal value of
    element ``k`` (in ``approx.flat``); the rest by ``floor(x × 100 + 0.5)``, which float
    error cannot change."""
    y = np.asarray(approx).reshape(-1) * 100.0  # 1-d: numpy returns scalars for 0-d arrays
    out = np.floor(y + 0.5)
    with np.errstate(invalid="ignore"):
        tie = np.abs(np.abs(y - out) - 0.5) < _TIE
    for k in np.flatnonzero(tie):
        out[k] = float(exact(int(k)).scaleb(2).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return out.reshape(np.shape(approx))


def cents(values: np.ndarray | float) -> np.ndarray:
    """``values`` (CNY) rounded half-up to whole cents, as floats (NaN stays NaN), each
    value read in its shortest decimal form (10.045 → 1005 however its binary falls)."""
    x = np.asarray(values, dtype=float)
    return _half_up_cents(x, lambda k: _decimal(x.flat[k]))


def round_price(value: float) -> float:
    """``value`` rounded half-up to 0.01 CNY, as the exchanges round limit and reference prices."""
    return float(cents(value)) / 100


# -- reference price --------------------------------------------------------------------

def reference_cents(prev_close: np.ndarray, prev_adj: np.ndarray, adj: np.ndarray) -> np.ndarray:
    """Today's limit reference in cents (float, NaN without a previous close): the previous
    close, or on an ex-date prev close × prev factor / today's factor rounded half-up,
    computed in decimal (8.20 × 1 / 1.6 = 5.125 → 5.13, where floats say 5.1249999…)."""
    pc, pa, a = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (prev_close, prev_adj, adj)))
    out = cents(pc)
    with np.errstate(invalid="ignore"):
        ex_date = (pa != a) & ~np.isnan(pa) & ~np.isnan(a)
    at = np.flatnonzero(ex_date)  # ex-dates are few: only they are restated
    if len(at):
        pc, pa, a = (v.reshape(-1)[at] for v in (pc, pa, a))
        with np.errstate(invalid="ignore", divide="ignore"):
            restated = pc * pa / a
        out.reshape(-1)[at] = _half_up_cents(restated, lambda k: _decimal(pc[k]) * _decimal(pa[k]) / _decimal(a[k]))
    return out


def reference_price(prev_close: float, prev_adj: float, adj: float) -> float:
    """Today's limit reference in CNY (see :func:`reference_cents`)."""
    return float(reference_cents(prev_close, prev_adj, adj)) / 100


# -- band -------------------------------------------------------------------------------

def band_percent(symbol: Symbol, dates: np.ndarray, *, st: bool = False) -> np.ndarray | None:
    """``symbol``'s board band in whole percent on each of ``dates`` (datetime64), as
    :meth:`Symbol.limit_band` gives it (ChiNext changes on 2020-08-24); None for indices.
    The new-listing exemption is :func:`listing_free`."""
    if symbol.board is Board.INDEX:
        return None

    def pct(on: date | None) -> int:
        return round((symbol.limit_band(on, st=st) or 0.0) * 100)

    if symbol.board is Board.CHINEXT:
        after = np.asarray(dates) >= np.datetime64(CHINEXT_20PCT_FROM)
        return np.where(after, pct(CHINEXT_20PCT_FROM), pct(_BEFORE_CHINEXT_REFORM)).astype(np.int64)
    return np.full(len(dates), pct(None), dtype=np.int64)


def listing_free(board: Board, listed_on: np.ndarray, nth: np.ndarray) -> np.ndarray:
    """True where a new listing trades without a limit: ``nth`` is the listing's session
    count (1 = listing day; 0 = unknown), ``listed_on`` its listing date (datetime64, NaT
    when unknown), broadcast against each other. The listing date decides whether the
    stock listed under the registration system: a main-board stock listed on 2023-04-06
    has its ±10% limit on 2023-04-10, its third session."""
    nth = np.asarray(nth)
    listed_on = np.asarray(listed_on, dtype="datetime64[D]")
    new = (nth >= 1) & (nth <= NEW_LISTING_FREE_SESSIONS)
    if board is Board.STAR:
        return new
    if board is Board.BSE:
        return nth == 1
    if board is Board.CHINEXT:
        return new & (listed_on >= np.datetime64(CHINEXT_20PCT_FROM))
    if board is Board.MAIN:
        return new & (listed_on >= np.datetime64(MAIN_BOARD_REGISTRATION))
    return np.zeros(np.broadcast(nth, listed_on).shape, dtype=bool)


def listing_sessions(has_bar: np.ndarray, listed_inside: np.ndarray) -> np.ndarray:
    """The listing's session count (1 = listing day) per (row, column) of ``has_bar``
    (sessions × symbols: a bar or not) for the columns whose listing falls inside these
    rows (``listed_inside``: a session passed before their first bar); 0 (unknown) for the
    others. This is the ``nth`` of :func:`listing_free`."""
    nth = np.zeros(has_bar.shape, dtype=np.int64)
    nth[:, listed_inside] = np.cumsum(has_bar[:, listed_inside], axis=0)
    return nth


class Listing(NamedTuple):
    """A listing found in the data: its listing date and its session count on the day
    asked about (1 = listing day)."""

    listed_on: date
    nth: int


def band_on(symbol: Symbol, day: date, listing: Listing | None = None, *, st: bool = False) -> float | None:
    """The limit band (a fraction) for ``symbol`` on ``day``; None without a limit: indices,
    and the first sessions of a new listing (:func:`listing_free`). ``listing`` is None
    when the listing date is unknown."""
    if listing is not None and bool(listing_free(symbol.board, np.datetime64(listing.listed_on), listing.nth)):
        return None
    return symbol.limit_band(day, st=st)


# -- limit prices -----------------------------------------------------------------------

def limit_cents(ref_cents: np.ndarray, pct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) limit prices in cents for integer reference prices in cents and
    bands in whole percent, rounded half-up: exact integer arithmetic."""
    return (ref_cents * (100 - pct) + 50) // 100, (ref_cents * (100 + pct) + 50) // 100


def limit_prices(reference: float, band: float) -> tuple[float, float]:
    """(lower, upper) limit prices in CNY around ``reference`` for ``band`` (a whole
    percent as a fraction, 0.1 = ±10%), e.g. 10.05 at ±10% → (9.05, 11.06)."""
    lower, upper = limit_cents(int(cents(reference)), round(band * 100))
    return lower / 100, upper / 100


def panel_limits(
    symbols: Sequence[Symbol],
    dates: np.ndarray,
    prev_close: np.ndarray,
    prev_adj: np.ndarray,
    adj: np.ndarray,
    nth: np.ndarray,
    listed_on: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) limit prices in CNY per (session, symbol), NaN where no limit
    applies (no previous close, an index, a new listing's free sessions). Arrays are
    (sessions × symbols), ``listed_on`` per symbol; ``nth`` and ``listed_on`` as in
    :func:`listing_free`. Risk-warning (ST) bands are not applied: bar data carries no
    ST flag."""
    ref = reference_cents(prev_close, prev_adj, adj)
    pct = np.full(ref.shape, -1, dtype=np.int64)  # -1: no limit
    boards: dict[Board, list[int]] = {}
    for j, symbol in enumerate(symbols):
        boards.setdefault(symbol.board, []).append(j)
    for board, cols in boards.items():  # the band depends on the board and date only
        band = band_percent(symbols[cols[0]], dates)
        if band is not None:
            free = listing_free(board, np.asarray(listed_on)[cols], nth[:, cols])
            pct[:, cols] = np.where(free, -1, band[:, None])
    limited = (pct >= 0) & (ref > 0)
    lower, upper = limit_cents(np.where(limited, ref, 0).astype(np.int64), np.maximum(pct, 0))
    return np.where(limited, lower / 100, np.nan), np.where(limited, upper / 100, np.nan)
