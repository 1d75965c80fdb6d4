"""Daily price limits in integer cents, vectorised over rows (and symbols).

The array twin of :func:`screener.symbols.limit_prices`: bands are whole percents, so
``ref × (100 ± pct) / 100`` rounded half-up to a cent is exact integer arithmetic.
Used where limits are checked or drawn for whole series at once (the demo generator,
the quality checks, the screen's limit counts).
"""

from __future__ import annotations

from datetime import date

import numpy as np

from screener.symbols import CHINEXT_20PCT_FROM, Board, Symbol

_BEFORE_CHINEXT_REFORM = date(2020, 8, 21)


def band_percent(symbol: Symbol, dates: np.ndarray, *, st: bool = False) -> np.ndarray | None:
    """``symbol``'s limit band in whole percent on each of ``dates`` (datetime64), as
    :meth:`Symbol.limit_band` gives it (ChiNext changes on 2020-08-24); None for indices."""
    if symbol.board is Board.INDEX:
        return None

    def pct(on: date | None) -> int:
        return round((symbol.limit_band(on, st=st) or 0.0) * 100)

    if symbol.board is Board.CHINEXT:
        after = np.asarray(dates) >= np.datetime64(CHINEXT_20PCT_FROM)
        return np.where(after, pct(CHINEXT_20PCT_FROM), pct(_BEFORE_CHINEXT_REFORM)).astype(np.int64)
    return np.full(len(dates), pct(None), dtype=np.int64)


def limit_cents(ref_cents: np.ndarray, pct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) limit prices in cents for reference prices in cents and bands in
    whole percent, rounded half-up like :func:`screener.symbols.limit_prices`."""
    return (ref_cents * (100 - pct) + 50) // 100, (ref_cents * (100 + pct) + 50) // 100
