"""Normal-return models fitted on each case's estimation window (MacKinlay 1997).

For case i with estimation returns R_t and benchmark returns Rm_t over its T_i sessions
(one-session returns only: a return spanning a suspension is left out of the fit):

* ``market``: R_t = α + β Rm_t + ε_t by OLS; σ² = Σ ε̂² / (T − 2);
* ``mean``: R_t = μ + ε_t; μ the mean, σ² = Σ (R − μ)² / (T − 1);
* ``market-adjusted``: AR_t = R_t − Rm_t, no parameters; σ² the sample variance of AR
  over the estimation window (T − 1 degrees of freedom).

A case with fewer than ``min_estimation`` such sessions falls back to market-adjusted
returns without σ (no t statistics; left out of the standardized tests), and says so.

The expected return over a stretch of ``k`` sessions whose benchmark return is Rm is
k·α + β·Rm (market), k·μ (mean) or Rm (market-adjusted), and the variance of its
forecast error (Patell 1976, for k sessions) σ²·f with f = k + k²/T + (Rm − k·R̄m)²/Sxx
(market), k + k²/T (mean) or k (market-adjusted), where R̄m and Sxx = Σ (Rm − R̄m)² are
the benchmark's mean and sum of squares over the estimation window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from screener.backtest.result import warning
from screener.i18n import _
from screener.event.events import Cases
from screener.event.returns import Market
from screener.event.settings import EventSettings

MARKET, MARKET_ADJUSTED, MEAN = "market", "market-adjusted", "mean"
_PARAMETERS = {MARKET: 2, MEAN: 1, MARKET_ADJUSTED: 1}  # degrees of freedom σ² loses


@dataclass(frozen=True)
class Fit:
    """Each case's model and estimates (NaN where they do not apply)."""

    model: np.ndarray  # the model used (object array of MARKET, MEAN, MARKET_ADJUSTED)
    n: np.ndarray  # estimation sessions used
    alpha: np.ndarray
    beta: np.ndarray
    mu: np.ndarray
    sigma: np.ndarray  # NaN: not enough estimation data
    mean_m: np.ndarray  # the benchmark's mean return over the estimation window
    sxx: np.ndarray  # its sum of squared deviations
    residuals: np.ndarray  # (cases × estimation days): ε̂ (or AR − mean AR), NaN where unused
    rows: np.ndarray  # (cases × estimation days): the panel rows of those days

    @property
    def dof(self) -> np.ndarray:
        """Degrees of freedom of σ²: T − 2 (market), T − 1 (mean, market-adjusted)."""
        return self.n - np.array([_PARAMETERS[m] for m in self.model], dtype=np.int64)

    def expected(self, k: np.ndarray, rm: np.ndarray) -> np.ndarray:
        """The expected return over ``k`` sessions with benchmark return ``rm`` (arrays of
        shape cases × days)."""
        m = self.model[:, None]
        return np.where(m == MARKET, k * self.alpha[:, None] + self.beta[:, None] * rm,
                        np.where(m == MEAN, k * self.mu[:, None], rm))

    def variance_factor(self, k: np.ndarray, rm: np.ndarray) -> np.ndarray:
        """f in the forecast-error variance σ²·f over ``k`` sessions (Patell 1976)."""
        m, n = self.model[:, None], self.n[:, None]
        with np.errstate(invalid="ignore", divide="ignore"):
            market = k + k * k / n + (rm - k * self.mean_m[:, None]) ** 2 / self.sxx[:, None]
        return np.where(m == MARKET, market, np.where(m == MEAN, k + k * k / n, k))


def fit(market: Market, cases: Cases, settings: EventSettings, warnings: list[dict[str, Any]]) -> Fit:
    """Fit ``settings.model`` on every case's estimation window; cases short of
    ``settings.min_estimation`` sessions fall back (with a warning each)."""
    elo, ehi = settings.estimation
    rows = cases.day0[:, None] + np.arange(elo, ehi + 1)
    inside = (rows >= 0) & (rows < len(market.dates))
    at = np.clip(rows, 0, len(market.dates) - 1)
    cols = cases.member[:, None]
    y = np.where(inside, market.ret[at, cols], np.nan)
    x = np.where(inside, market.bench_ret[at, cols], np.nan)
    one = np.where(inside, market.span[at, cols], 0) == 1
    needs_x = settings.model != MEAN
    ok = one & ~np.isnan(y) & (~np.isnan(x) if needs_x else True)
    n = ok.sum(axis=1)
    enough = n >= settings.min_estimation
    model = np.where(enough, settings.model, MARKET_ADJUSTED).astype(object)
    est = _estimate(np.where(ok, y, np.nan), np.where(ok, x, np.nan), model)
    sigma = np.where(enough & (est["sigma"] > 0), est["sigma"], np.nan)
    _warn_fallbacks(market, cases, settings, n, enough, warnings)
    return Fit(model=model, n=n, alpha=est["alpha"], beta=est["beta"], mu=est["mu"], sigma=sigma,
               mean_m=est["mean_m"], sxx=est["sxx"], residuals=np.where(enough[:, None], est["resid"], np.nan), rows=rows)


def _estimate(y: np.ndarray, x: np.ndarray, model: np.ndarray) -> dict[str, np.ndarray]:
    """Closed-form estimates per row of ``y``/``x`` (NaN marks unused sessions)."""
    used = ~np.isnan(y)
    n = used.sum(axis=1)
    xm = np.where(used, x, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_y, mean_x = _mean(y, n), _mean(xm, n)
        dx = xm - mean_x[:, None]
        sxx = np.nansum(dx * dx, axis=1)
        beta = np.nansum(dx * (y - mean_y[:, None]), axis=1) / sxx
        alpha = mean_y - beta * mean_x
        excess = y - xm
        m = model[:, None]
        resid = np.where(m == MARKET, y - alpha[:, None] - beta[:, None] * xm,
                         np.where(m == MEAN, y - mean_y[:, None], excess - _mean(excess, n)[:, None]))
        dof = n - np.array([_PARAMETERS[v] for v in model], dtype=np.int64)
        sigma = np.sqrt(np.nansum(resid * resid, axis=1) / dof)
    market, mean = model == MARKET, model == MEAN
    return {
        "alpha": np.where(market, alpha, np.nan), "beta": np.where(market, beta, np.nan),
        "mu": np.where(mean, mean_y, np.nan), "sigma": sigma, "mean_m": mean_x, "sxx": sxx, "resid": resid,
    }


def _mean(a: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Row means ignoring NaN, with ``n`` the count of values (NaN for an empty row)."""
    return np.nansum(a, axis=1) / np.where(n > 0, n, np.nan)


def _warn_fallbacks(
    market: Market, cases: Cases, settings: EventSettings, n: np.ndarray, enough: np.ndarray,
    warnings: list[dict[str, Any]],
) -> None:
    for i in np.flatnonzero(~enough):
        symbol = market.symbols[int(cases.member[i])]
        event = cases.events[int(cases.event[i])]
        values = {"n": int(n[i]), "date": event.date, "minimum": settings.min_estimation, "model": settings.model}
        if settings.model == MARKET_ADJUSTED:
            message = _("only {n} session(s) of estimation data before the event of {date} (at least {minimum} "
                        "needed): no t statistics; left out of the Patell and BMP tests")
        else:
            message = _("only {n} session(s) of estimation data before the event of {date} (at least {minimum} "
                        "needed): market-adjusted returns instead of the {model} model, without t statistics; left "
                        "out of the Patell and BMP tests")
        warnings.append(warning("estimation", symbol, event.date, message.format(**values)))
