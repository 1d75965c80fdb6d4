"""Performance figures from daily equity curves (values at each session's close).

Conventions (README "Backtest conventions"): returns are fractions; ``n`` is the number
of daily returns in the window (sessions after the base date); annualisation uses
``periods`` sessions a year (242 by default, about the XSHG calendar's yearly count);
``risk_free`` is an annual rate turned into a per-session rate ``(1 + rf)^(1/periods) - 1``.

* total return ``E_end / E_base - 1``; annualised ``(1 + total)^(periods / n) - 1``
* volatility: sample standard deviation (ddof 1) of daily returns × √periods
* Sharpe: mean daily excess return / its sample standard deviation × √periods
* Sortino: mean daily excess return / downside deviation × √periods, the downside
  deviation being √(mean of min(excess, 0)²) over all sessions
* max drawdown: the most negative ``E / running peak - 1`` (a fraction ≤ 0); Calmar:
  annualised return / |max drawdown|
* beta: cov(basket, benchmark) / var(benchmark) of daily returns; alpha (Jensen's,
  annualised arithmetically): (mean excess basket return − beta × mean excess benchmark
  return) × periods; tracking error: standard deviation of daily active returns ×
  √periods; information ratio: mean daily active return × periods / tracking error
A figure that is undefined (a zero denominator, too few sessions) is None.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from screener.calendar import SESSIONS_PER_YEAR

# Below this many sessions annualised return, Sharpe, Sortino and Calmar say nothing
# useful: reports show them as "—" and the result says ``short_window: true``.
MIN_ANNUALISE_SESSIONS = 20


def finite(x: Any) -> float | None:
    """``x`` as a float, or None when it is missing, NaN or infinite (JSON has neither)."""
    if x is None:
        return None
    f = float(x)
    return f if math.isfinite(f) else None


def daily_returns(equity: pd.Series) -> np.ndarray:
    v = np.asarray(equity, dtype=float)
    return v[1:] / v[:-1] - 1.0


def total_return(equity: pd.Series) -> float:
    v = np.asarray(equity, dtype=float)
    return float(v[-1] / v[0] - 1.0)


def annualized(total: float, n: int, periods: int = SESSIONS_PER_YEAR) -> float | None:
    if n < 1:
        return None
    if total <= -1.0:
        return -1.0
    return finite((1.0 + total) ** (periods / n) - 1.0)


def max_drawdown(equity: pd.Series) -> float:
    v = np.asarray(equity, dtype=float)
    return float(np.min(v / np.maximum.accumulate(v) - 1.0))


def _per_session(risk_free: float, periods: int) -> float:
    return (1.0 + risk_free) ** (1.0 / periods) - 1.0


def performance(equity: pd.Series, periods: int = SESSIONS_PER_YEAR, risk_free: float = 0.0) -> dict[str, float | None]:
    """total_return, annualized_return, volatility, sharpe, sortino, max_drawdown, calmar."""
    r = daily_returns(equity)
    n = len(r)
    total = total_return(equity)
    ann = annualized(total, n, periods)
    excess = r - _per_session(risk_free, periods)
    sd = float(np.std(r, ddof=1)) if n >= 2 else math.nan
    down = math.sqrt(float(np.mean(np.minimum(excess, 0.0) ** 2))) if n else math.nan
    mdd = max_drawdown(equity)
    root = math.sqrt(periods)
    return {
        "total_return": total,
        "annualized_return": ann,
        "volatility": finite(sd * root),
        "sharpe": finite(float(np.mean(excess)) / sd * root) if n >= 2 and sd > 0 else None,
        "sortino": finite(float(np.mean(excess)) / down * root) if n and down > 0 else None,
        "max_drawdown": mdd,
        "calmar": finite(ann / abs(mdd)) if ann is not None and mdd < 0 else None,
    }


RELATIVE_FIGURES = ("excess_return", "beta", "alpha", "tracking_error", "information_ratio")


def relative(
    equity: pd.Series, benchmark: pd.Series, periods: int = SESSIONS_PER_YEAR, risk_free: float = 0.0
) -> dict[str, float | None]:
    """The :data:`RELATIVE_FIGURES` of ``equity`` against ``benchmark`` (both on the same
    sessions): the basket's excess return, beta, alpha, tracking error and information ratio."""
    rp, rb = daily_returns(equity), daily_returns(benchmark)
    n = len(rp)
    rf = _per_session(risk_free, periods)
    out: dict[str, float | None] = dict.fromkeys(RELATIVE_FIGURES)
    out["excess_return"] = total_return(equity) - total_return(benchmark)
    if n < 2:
        return out
    var_b = float(np.var(rb, ddof=1))
    if var_b > 0:
        beta = float(np.cov(rp, rb, ddof=1)[0, 1]) / var_b
        out["beta"] = finite(beta)
        out["alpha"] = finite((float(np.mean(rp - rf)) - beta * float(np.mean(rb - rf))) * periods)
    active = rp - rb
    te = float(np.std(active, ddof=1)) * math.sqrt(periods)
    out["tracking_error"] = finite(te)
    out["information_ratio"] = finite(float(np.mean(active)) * periods / te) if te > 0 else None
    return out


def turnover(trades: pd.DataFrame, values: pd.Series, since: pd.Timestamp | None) -> float:
    """Traded value from ``since`` on (the first rebalance; None: nothing after the
    formation counts), (buys + sells) / 2, over the mean portfolio value of the window."""
    if since is None or trades.empty:
        return 0.0
    after = trades[pd.to_datetime(trades["date"]) >= since]
    traded = float(after["value"].sum()) / 2.0
    return traded / float(np.mean(np.asarray(values, dtype=float)))
