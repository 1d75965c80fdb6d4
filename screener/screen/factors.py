"""Screening factors: their exact definitions and a vectorised computation.

Conventions (also printed by ``screener screen --help-factors``):

* The grid is the XSHG session calendar ending at the as-of session ``t``; ``t−N`` is the
  session N sessions earlier *on the calendar*. A session without a bar is a suspension.
* ``P(s)`` is the adjusted close (close × adj_factor, i.e. hfq) of the last bar on or
  before session ``s``, so prices carry over suspensions; the daily return
  ``r(s) = P(s)/P(s−1) − 1`` is 0 on a suspended session and the day trading resumes
  carries the whole move.
* A factor whose window reaches before the symbol's first bar is missing (NaN).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from screener.calendar import SESSIONS_PER_YEAR
from screener.errors import SymbolError
from screener.limits import band_percent, cents, limit_cents, listing_free, listing_sessions, reference_cents
from screener.screen.panel import Panel
from screener.symbols import parse_symbol

RETURN_WINDOWS = (5, 20, 60, 120, 250)
HISTORY_SESSIONS = 251  # the longest look-back (ret_250d) needs the close 250 sessions before t

CONVENTIONS: tuple[str, ...] = (
    (
        "t is the as-of session (--as-of, default the latest session in the data); t−N is the "
        "session N sessions earlier on the XSHG calendar (suspended sessions count)."
    ),
    (
        "P(s) is the adjusted close (close × adj_factor, hfq) of the last bar on or before "
        "session s, so prices carry over suspensions."
    ),
    (
        "r(s) = P(s) / P(s−1) − 1 is the daily return: 0 on a suspended session; the day trading "
        "resumes carries the whole move."
    ),
    (
        "Returns, volatilities, drawdowns and turnover are fractions (0.25 = 25%); --where "
        "accepts 25% for 0.25. Amounts and market caps are CNY."
    ),
    (
        "A factor whose window reaches before the symbol's first bar is missing; missing values "
        "fail --where comparisons and sort last."
    ),
)


@dataclass(frozen=True)
class Factor:
    """A factor's name, how to show it, and its exact definition."""

    name: str
    kind: str  # "pct" (a fraction shown as %), "ratio", "count", "flag", "cny", "price"
    group: str
    definition: str


def _factors() -> tuple[Factor, ...]:
    out: list[Factor] = []
    for n in RETURN_WINDOWS:
        out.append(Factor(f"ret_{n}d", "pct", "returns", f"P(t) / P(t−{n}) − 1: the total return over the last {n} sessions."))
    out.append(Factor("ret_ytd", "pct", "returns",
                      "P(t) / P(last session of the previous calendar year) − 1 (as indices measure YTD)."))
    for n in RETURN_WINDOWS:
        out.append(Factor(f"excess_{n}d", "pct", "excess",
                          f"ret_{n}d − the benchmark's ret_{n}d (arithmetic difference; the benchmark is the "
                          "theme's, default 000300.SH, or --benchmark)."))
    out.append(Factor("excess_ytd", "pct", "excess", "ret_ytd − the benchmark's ret_ytd."))
    for n in (20, 60):
        out.append(Factor(f"vol_{n}d", "pct", "risk",
                          f"Sample standard deviation (ddof 1) of the {n} daily returns r(t−{n - 1}..t), "
                          f"× √{SESSIONS_PER_YEAR} (annualised; {SESSIONS_PER_YEAR} sessions a year)."))
    for n in (60, 250):
        out.append(Factor(f"mdd_{n}d", "pct", "risk",
                          f"Maximum drawdown of P over the {n + 1} closes t−{n}..t: min over s of "
                          f"P(s) / max(P(t−{n}..s)) − 1 (≤ 0; −0.25 = a 25% fall from a peak)."))
    out.append(Factor("off_high_250d", "pct", "risk",
                      "P(t) / max(P(t−249..t)) − 1: distance below the highest close of the last 250 "
                      "sessions (≤ 0; 0 = at the high)."))
    out.append(Factor("beta_120d", "ratio", "risk",
                      "cov(r, r_bench) / var(r_bench) over the 120 daily returns r(t−119..t), the "
                      "benchmark's returns taken on the same sessions."))
    out.append(Factor("amount_20d", "cny", "liquidity",
                      "Mean traded amount (CNY) over the sessions with a bar among the last 20 "
                      "(t−19..t); suspended sessions are skipped; missing when none traded."))
    out.append(Factor("turnover_20d", "pct", "liquidity",
                      "Mean turnover (a fraction of float shares; 0.05 = 5%) over the sessions with a "
                      "bar among the last 20; suspended sessions are skipped."))
    out.append(Factor("suspended_60d", "count", "liquidity",
                      "Sessions among the last 60 (t−59..t) without a bar, counted from the symbol's "
                      "first bar in the data."))
    limit_rule = (
        "the raw close equals the limit price limit_prices(ref, band): ref = the previous bar's raw "
        "close (on a session whose adj_factor changed, the ex-rights reference "
        "prev close × prev adj_factor / adj_factor, rounded half-up to 0.01); band = the board's "
        "daily limit on that session (main ±10%, ±5% when the name marks a risk warning (ST); "
        "STAR ±20%; ChiNext ±20% from 2020-08-24, ±10% before; BSE ±30%). A symbol's first bar "
        "in the data has no previous close and is not counted; nor are a new listing's sessions "
        "without a limit (its first five on STAR, and for a listing dated from 2020-08-24 on "
        "ChiNext or from 2023-04-10 on the main boards; its first on BSE), for a symbol whose "
        "first bar (its listing date) comes after the grid's first session."
    )
    out.append(Factor("limit_up_20d", "count", "limits",
                      f"Sessions among the last 20 (t−19..t) with a bar whose close is at the upper limit: {limit_rule}"))
    out.append(Factor("limit_down_20d", "count", "limits",
                      "Sessions among the last 20 with a bar whose close is at the lower limit (same rule)."))
    out.append(Factor("limit_up_today", "flag", "limits",
                      "1 when session t has a bar that closed at the upper limit, else 0 (0 when suspended)."))
    out.append(Factor("close", "price", "state", "The raw (unadjusted) close of the last bar on or before t (CNY)."))
    out.append(Factor("suspended_today", "flag", "state", "1 when session t has no bar (a suspension), else 0."))
    valuation = (
        "from the data source's spot snapshot for the as-of date (akshare spot, cached per "
        "date); missing when the source has none (offline without a cached snapshot, demo, "
        "--data-dir) — never estimated."
    )
    out.append(Factor("pe_ttm", "ratio", "valuation", f"Price / trailing-twelve-month earnings, {valuation} "
                      "akshare's spot snapshot carries no TTM P/E, so this is missing with the akshare source."))
    out.append(Factor("pe_dynamic", "ratio", "valuation",
                      f"Price / annualised latest-quarter earnings (eastmoney 市盈率-动态), {valuation}"))
    out.append(Factor("pb", "ratio", "valuation", f"Price / book value, {valuation}"))
    out.append(Factor("mcap", "cny", "valuation", f"Total market capitalisation (CNY), {valuation}"))
    out.append(Factor("float_mcap", "cny", "valuation", f"Float market capitalisation (CNY), {valuation}"))
    return tuple(out)


FACTORS: tuple[Factor, ...] = _factors()
FACTOR_BY_NAME: dict[str, Factor] = {f.name: f for f in FACTORS}
FACTOR_NAMES: tuple[str, ...] = tuple(FACTOR_BY_NAME)
VALUATION_FIELDS: tuple[str, ...] = ("pe_ttm", "pe_dynamic", "pb", "mcap", "float_mcap")
PRICE_FIELDS: tuple[str, ...] = tuple(n for n in FACTOR_NAMES if n not in VALUATION_FIELDS)


def _ret(p: np.ndarray, n: int) -> np.ndarray:
    """P(t)/P(t−n) − 1 for every column; NaN when the grid is too short."""
    t = p.shape[0] - 1
    if t - n < 0:
        return np.full(p.shape[1], np.nan)
    return p[t] / p[t - n] - 1.0


def _ytd_row(panel: Panel) -> int | None:
    """The panel row of the last session before 1 January of the as-of year."""
    jan1 = pd.Timestamp(year=panel.as_of.year, month=1, day=1)
    k = int(panel.sessions.searchsorted(jan1, side="left"))
    return k if k >= 1 else None  # row k holds grid session k−1


def _returns(p: np.ndarray, n: int) -> np.ndarray | None:
    """The last ``n`` daily returns (n × columns), or None when the grid is too short."""
    if p.shape[0] - 1 < n:
        return None
    w = p[-(n + 1):]
    return w[1:] / w[:-1] - 1.0


def _window_rows(panel: Panel, n: int) -> slice | None:
    """Rows of the last ``n`` sessions (never the seed row), or None if the grid is shorter."""
    rows = panel.close.shape[0]
    return slice(rows - n, rows) if rows - n >= 1 else None


def _mean_traded(values: np.ndarray, traded: np.ndarray) -> np.ndarray:
    v = np.where(traded, values, np.nan)
    count = (~np.isnan(v)).sum(axis=0)
    total = np.nansum(v, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def _is_st(name: str | None) -> bool:
    return bool(name) and "ST" in str(name).upper()


def _row_dates(panel: Panel, rows: slice) -> np.ndarray:
    """The sessions of panel ``rows`` (row r is session r − 1: row 0 is the seed)."""
    return panel.sessions[rows.start - 1: rows.stop - 1].to_numpy()


def _band_percents(panel: Panel, rows: slice, names: Sequence[str | None] | None) -> np.ndarray:
    """The daily limit band in whole percent per (row, symbol) in ``rows``; NaN for
    indices/unknown codes."""
    dates = _row_dates(panel, rows)
    out = np.full((len(dates), len(panel.symbols)), np.nan)
    for j, sym in enumerate(panel.symbols):
        try:
            symbol = parse_symbol(sym)
        except SymbolError:
            continue
        pct = band_percent(symbol, dates, st=_is_st(names[j]) if names is not None else False)
        if pct is not None:
            out[:, j] = pct
    return out


def _listing_free(panel: Panel, rows: slice) -> np.ndarray:
    """True per (row, symbol) in ``rows`` on a new listing's sessions without a limit
    (:func:`~screener.limits.listing_free`), counting the sessions of a symbol whose first
    bar comes after the grid's first session (row 1) from that bar, as the engine does."""
    listed_inside = (panel.first > 1) & (panel.first < len(panel.traded))
    nth = listing_sessions(panel.traded[: rows.stop], listed_inside)[rows]
    free = np.zeros(nth.shape, dtype=bool)
    for j in np.flatnonzero(listed_inside):
        try:
            board = parse_symbol(panel.symbols[j]).board
        except SymbolError:
            continue
        listed_on = panel.sessions[panel.first[j] - 1].to_datetime64()
        free[:, j] = listing_free(board, listed_on, nth[:, j])
    return free


def limit_hits(
    panel: Panel, rows: slice, names: Sequence[str | None] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(closed at the upper limit, closed at the lower limit, band) per (row, symbol) in
    ``rows``; the band is NaN for indices. A new listing's sessions without a limit are
    neither.

    Reference and limit prices are :mod:`screener.limits`' (whole cents, half-up)."""
    close_c = panel.carried(panel.close)
    adj_c = panel.carried(panel.adj_factor)
    prev_close = close_c[rows.start - 1: rows.stop - 1]
    prev_adj = adj_c[rows.start - 1: rows.stop - 1]
    close = panel.close[rows]
    adj = panel.adj_factor[rows]
    ref_cents = reference_cents(prev_close, prev_adj, adj)
    pct = _band_percents(panel, rows, names)
    has_limit = ~np.isnan(pct) & ~np.isnan(ref_cents) & panel.traded[rows] & ~_listing_free(panel, rows)
    lower, upper = limit_cents(np.nan_to_num(ref_cents).astype(np.int64), np.nan_to_num(pct).astype(np.int64))
    close_cents = cents(np.nan_to_num(close)).astype(np.int64)
    return has_limit & (close_cents == upper), has_limit & (close_cents == lower), pct / 100


def compute_factors(
    panel: Panel,
    benchmark: Panel | None = None,
    names: Sequence[str | None] | None = None,
) -> pd.DataFrame:
    """Every price-based factor (``PRICE_FIELDS``) as of the panel's last session.

    ``benchmark`` is a one-symbol panel on the same sessions (excess returns and beta are
    missing without it); ``names`` are the symbols' short names (an "ST" in a name selects
    the ±5% risk-warning band on the main boards). Returns a frame indexed by symbol.
    """
    if benchmark is not None and not benchmark.sessions.equals(panel.sessions):
        raise ValueError("the benchmark panel must use the same sessions")
    m = len(panel.symbols)
    p = panel.adjusted_close()
    pb = benchmark.adjusted_close()[:, 0] if benchmark is not None else None
    out: dict[str, np.ndarray] = {}
    nan = np.full(m, np.nan)
    ytd = _ytd_row(panel)
    with np.errstate(invalid="ignore", divide="ignore"):
        for n in RETURN_WINDOWS:
            out[f"ret_{n}d"] = _ret(p, n)
        out["ret_ytd"] = p[-1] / p[ytd] - 1.0 if ytd is not None else nan
        for n in RETURN_WINDOWS:
            bench = _ret(pb[:, None], n)[0] if pb is not None else np.nan
            out[f"excess_{n}d"] = out[f"ret_{n}d"] - bench
        bench_ytd = pb[-1] / pb[ytd] - 1.0 if pb is not None and ytd is not None else np.nan
        out["excess_ytd"] = out["ret_ytd"] - bench_ytd

        for n in (20, 60):
            r = _returns(p, n)
            out[f"vol_{n}d"] = r.std(axis=0, ddof=1) * math.sqrt(SESSIONS_PER_YEAR) if r is not None else nan
        for n in (60, 250):
            if p.shape[0] - 1 >= n:
                w = p[-(n + 1):]
                out[f"mdd_{n}d"] = (w / np.maximum.accumulate(w, axis=0) - 1.0).min(axis=0)
            else:
                out[f"mdd_{n}d"] = nan
        out["off_high_250d"] = p[-1] / p[-250:].max(axis=0) - 1.0 if p.shape[0] - 1 >= 250 else nan
        out["beta_120d"] = _beta(p, pb, 120)

        rows20 = _window_rows(panel, 20)
        if rows20 is not None:
            out["amount_20d"] = _mean_traded(panel.amount[rows20], panel.traded[rows20])
            out["turnover_20d"] = _mean_traded(panel.turnover[rows20], panel.traded[rows20])
            up, down, bands = limit_hits(panel, rows20, names)
            limited = ~np.isnan(bands[-1])
            out["limit_up_20d"] = np.where(limited, up.sum(axis=0), np.nan)
            out["limit_down_20d"] = np.where(limited, down.sum(axis=0), np.nan)
            out["limit_up_today"] = np.where(limited, up[-1], np.nan)
        else:
            for k in ("amount_20d", "turnover_20d", "limit_up_20d", "limit_down_20d", "limit_up_today"):
                out[k] = nan
        rows60 = _window_rows(panel, 60)
        if rows60 is not None:
            row_no = np.arange(rows60.start, rows60.stop)[:, None]
            out["suspended_60d"] = (~panel.traded[rows60] & (row_no >= panel.first[None, :])).sum(axis=0).astype(float)
        else:
            out["suspended_60d"] = nan
        out["close"] = panel.carried(panel.close)[-1]
        out["suspended_today"] = (~panel.traded[-1]).astype(float)

    no_bars = panel.first == np.iinfo(np.int64).max
    frame = pd.DataFrame({k: out[k] for k in PRICE_FIELDS}, index=pd.Index(panel.symbols, name="symbol"))
    frame.loc[no_bars] = np.nan
    return frame


def _beta(p: np.ndarray, pb: np.ndarray | None, n: int) -> np.ndarray:
    nan = np.full(p.shape[1], np.nan)
    if pb is None:
        return nan
    r = _returns(p, n)
    rb = _returns(pb[:, None], n)
    if r is None or rb is None:
        return nan
    x = rb[:, 0] - rb[:, 0].mean()
    var = float((x * x).sum())
    if not var > 0:
        return nan
    return ((r - r.mean(axis=0)) * x[:, None]).sum(axis=0) / var
