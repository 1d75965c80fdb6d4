"""Daily returns into whole-cent closes that respect the price limits, without a Python
loop over sessions.

A stock's closes are first drafted from the wanted returns (clipped to the band, news
days at the band's edge, ex-dates dividing by the corporate action) and rounded to
cents. Rounding can leave a close a cent past the band around the *rounded* previous
close, so the draft is then repaired: each pass recomputes every session's reference
price and limits from the previous closes and clips (or pins, on news days) the closes.
The rule is causal — a session depends only on earlier ones — so after k passes the
first k sessions are final; in practice the closes settle within a few passes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from screener.limits import limit_cents


@dataclass(frozen=True)
class Closes:
    """Closes and the band they sit in, per traded session, in cents."""

    close: np.ndarray
    ref: np.ndarray  # the session's reference price (ex-dividend, ex-bonus)
    lower: np.ndarray
    upper: np.ndarray
    adj: np.ndarray  # hfq / raw adjustment factor


def limited_closes(
    first_ref: int, steps: np.ndarray, band: np.ndarray, force: np.ndarray, cash: np.ndarray, bonus: np.ndarray
) -> Closes:
    """Closes for consecutive traded sessions of a stock.

    ``first_ref``: the reference price of the first session (cents); ``steps``: wanted log
    returns close to close; ``band``: whole percent; ``force``: +1/-1 close at the upper/
    lower limit; ``cash``: dividend as a fraction of the previous close; ``bonus``: bonus
    shares per share held (ex-date reference = (prev close - cash) / (1 + bonus))."""
    lo_r, hi_r = np.log1p(-band / 100), np.log1p(band / 100)
    step = np.where(force > 0, hi_r, np.where(force < 0, lo_r, np.clip(steps, lo_r, hi_r)))
    action = np.log1p(-cash) - np.log1p(bonus)
    close = np.maximum(np.rint(first_ref * np.exp(np.cumsum(step + action))), 1).astype(np.int64)
    for _ in range(len(close) + 1):
        prev = np.concatenate(([first_ref], close[:-1]))
        ref = _reference(prev, cash, bonus)
        lower, upper = limit_cents(ref, band)
        lower = np.maximum(lower, 1)
        settled = np.where(force > 0, upper, np.where(force < 0, lower, np.clip(close, lower, upper)))
        if np.array_equal(settled, close):
            break
        close = settled
    adj = np.cumprod(np.where(ref != prev, prev / ref, 1.0))
    return Closes(close, ref, lower, upper, adj)


def _reference(prev: np.ndarray, cash: np.ndarray, bonus: np.ndarray) -> np.ndarray:
    """Ex-rights reference price in cents: (prev - cash dividend) / (1 + bonus), rounded
    half-up in integers (bonus ratios are whole shares per 10)."""
    paid = np.where(cash > 0, np.minimum(np.floor(prev * cash + 0.5).astype(np.int64), prev - 1), 0)
    per_ten = 10 + np.rint(bonus * 10).astype(np.int64)
    return np.maximum((20 * (prev - paid) + per_ten) // (2 * per_ten), 1)


def index_closes(first_ref: int, returns: np.ndarray) -> np.ndarray:
    """An index's closes from its first reference level, in hundredths of a point (no limits)."""
    return np.maximum(np.rint(first_ref * np.exp(np.cumsum(returns))), 1).astype(np.int64)
