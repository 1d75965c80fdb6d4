"""Adjustment factors from a source's raw and hfq (后复权) price series.

``adj_factor`` is multiplicative (model.py: hfq price / raw price). Sources round hfq
prices to the cent and some build them additively (raw + cumulative cash), so the
per-row ratio hfq / raw is noisy and may drift between corporate actions. We therefore
keep the factor constant except on ex-dates, and on an ex-date step it by the hfq
total return over the raw return of that day. A row is an ex-date when *both* the ratio
hfq / raw and the difference hfq − raw move by more than cent rounding explains: between
actions one of them is constant (the ratio for multiplicative hfq, the difference for
additive hfq).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_CENT = 0.0051  # half a cent plus float slack


def derive_adj_factor(raw_close: pd.Series, hfq_close: pd.Series, anchor: float | None = None) -> np.ndarray:
    """Factor per row of ``raw_close`` (indexed by date). ``hfq_close`` is aligned on the
    dates; rows it lacks carry the previous factor. ``anchor`` is the factor of the first
    row (used when extending a cached series across a seam); by default hfq / raw there."""
    r = raw_close.to_numpy(dtype="float64")
    h = hfq_close.reindex(raw_close.index).to_numpy(dtype="float64")
    n = len(r)
    if n == 0:
        return np.empty(0)
    ok = np.isfinite(r) & np.isfinite(h) & (r > 0) & (h > 0)
    if anchor is None:
        first = int(np.argmax(ok)) if ok.any() else -1
        anchor = float(h[first] / r[first]) if first >= 0 else 1.0
    step = np.ones(n)
    if n > 1:
        both = ok[1:] & ok[:-1]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio, diff = h / r, h - r
            d_ratio = np.abs(ratio[1:] - ratio[:-1])
            tol_ratio = _CENT / r[1:] + _CENT / r[:-1]
            d_diff = np.abs(diff[1:] - diff[:-1])
            ex = both & (d_ratio > tol_ratio) & (d_diff > 2 * _CENT)
            s = (h[1:] / h[:-1]) / (r[1:] / r[:-1])
        step[1:] = np.where(ex & np.isfinite(s) & (s > 0), s, 1.0)
    return anchor * np.cumprod(step)
