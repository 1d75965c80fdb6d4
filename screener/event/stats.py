"""Abnormal returns and the tests on them (MacKinlay 1997; Patell 1976; Boehmer,
Musumeci & Poulsen 1991; Kolari & Pynnönen 2010).

Per case i and relative day τ: AR = R − E[R] (:meth:`Fit.expected`), its t = AR / (σ√k)
over the k sessions the return covers, and the standardized SAR = AR / (σ√f)
(:meth:`Fit.variance_factor`). Over a window [a, b]: CAR_i = Σ AR, its t = CAR / (σ√L)
with L the sessions covered, and CSAR_i = Σ SAR / √n over the n days with an AR.

Across the N cases with an AR in the window (N_σ of them with σ):

* cross-sectional: mean CAR, t = mean / (s / √N), s the cross-sectional standard
  deviation (N − 1 degrees of freedom); per day this is the AAR test;
* Patell: Z = Σ CSAR_i / √(Σ d_i / (d_i − 2)), d_i the degrees of freedom of σ_i; normal;
* BMP: t = mean CSAR / (s_CSAR / √N_σ) (N_σ − 1 degrees of freedom);
* BMP adjusted for cross-correlation (Kolari & Pynnönen): t · √((1 − r̄) / (1 + (N_σ − 1) r̄)),
  r̄ the mean correlation of the cases' estimation residuals over the sessions they share
  (each residual series standardized by its own root mean square; pairs sharing fewer
  than ``MIN_SHARED`` sessions count as uncorrelated).

CAAR on day τ is the mean over cases of CAR from the window's first day to τ (the sum of
the AARs when no member is suspended); its 95% band is the cross-sectional one.
p-values are two-sided.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from screener.event.events import Cases
from screener.event.models import Fit
from screener.event.returns import Market

MIN_SHARED = 30  # sessions two cases' estimation windows must share to enter r̄


@dataclass(frozen=True)
class Abnormal:
    """The event windows: (cases × relative days) arrays; NaN where a day has no return
    (suspended, or past the data's end: ``inside`` False)."""

    days: np.ndarray  # relative days lo..hi
    rows: np.ndarray  # panel rows
    inside: np.ndarray  # the row is within the data
    ret: np.ndarray
    bench: np.ndarray
    span: np.ndarray
    ar: np.ndarray
    t: np.ndarray  # AR / (σ√k)
    sar: np.ndarray  # AR / (σ√f)

    def columns(self, a: int, b: int) -> slice:
        lo = int(self.days[0])
        return slice(a - lo, b - lo + 1)


def abnormal(market: Market, cases: Cases, fit: Fit, window: tuple[int, int]) -> Abnormal:
    days = np.arange(window[0], window[1] + 1)
    rows = cases.day0[:, None] + days
    inside = (rows >= 0) & (rows < len(market.dates))
    at, cols = np.clip(rows, 0, len(market.dates) - 1), cases.member[:, None]
    ret = np.where(inside, market.ret[at, cols], np.nan)
    bench = np.where(inside, market.bench_ret[at, cols], np.nan)
    span = np.where(inside, market.span[at, cols], 0)
    ar = ret - fit.expected(span, bench)
    sigma = fit.sigma[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        t = ar / (sigma * np.sqrt(span))
        sar = ar / (sigma * np.sqrt(fit.variance_factor(span, bench)))
    return Abnormal(days, rows, inside, ret, bench, span, ar, t, sar)


@dataclass(frozen=True)
class CaseWindow:
    """Each case's figures over one window [a, b]."""

    car: np.ndarray  # NaN: no AR in the window
    t: np.ndarray
    p: np.ndarray
    sessions: np.ndarray  # L: sessions the window's returns cover
    csar: np.ndarray  # NaN without σ


def case_window(ab: Abnormal, fit: Fit, a: int, b: int) -> CaseWindow:
    cols = ab.columns(a, b)
    ar, sar, span = ab.ar[:, cols], ab.sar[:, cols], ab.span[:, cols]
    has = ~np.isnan(ar)
    n = has.sum(axis=1)
    covered = np.where(has, span, 0).sum(axis=1)
    car = np.where(n > 0, np.nansum(ar, axis=1), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = car / (fit.sigma * np.sqrt(covered))
        csar = np.where(n > 0, np.nansum(sar, axis=1), np.nan) / np.sqrt(n)
    csar = np.where(np.isnan(fit.sigma), np.nan, csar)
    return CaseWindow(car, t, t_p(t, fit.dof), covered, csar)


def window_tests(cw: CaseWindow, fit: Fit, r_bar: float) -> dict[str, Any]:
    """The cross-sectional, Patell and BMP tests of one window."""
    car = cw.car[~np.isnan(cw.car)]
    std = ~np.isnan(cw.csar)
    csar, dof = cw.csar[std], fit.dof[std].astype(float)
    mean, cs_t = cross_sectional(car)
    out: dict[str, Any] = {"n": int(len(car)), "caar": mean, "cs_t": cs_t, "cs_p": t_p(cs_t, len(car) - 1)}
    n_std = len(csar)
    out["n_std"] = n_std
    _, bmp = cross_sectional(csar)
    with np.errstate(invalid="ignore", divide="ignore"):
        patell = float(csar.sum() / np.sqrt((dof / (dof - 2)).sum())) if n_std and (dof > 2).all() else np.nan
        kp = bmp * np.sqrt((1 - r_bar) / (1 + (n_std - 1) * r_bar)) if n_std and not np.isnan(r_bar) else np.nan
    out.update(patell_z=patell, patell_p=z_p(patell), bmp_t=bmp, bmp_p=t_p(bmp, n_std - 1),
               bmp_kp_t=kp, bmp_kp_p=t_p(kp, n_std - 1))
    return out


def daily(ab: Abnormal) -> dict[str, np.ndarray]:
    """Per relative day: AAR with its cross-sectional t and n; CAAR (the mean of the
    cases' cumulative ARs from the first day) with its t, n and 95% band."""
    from scipy.special import stdtrit

    has = ~np.isnan(ab.ar)
    cum = np.where(np.cumsum(has, axis=1) > 0, np.nancumsum(ab.ar, axis=1), np.nan)
    aar, aar_se, aar_n = _columns(ab.ar)
    caar, caar_se, caar_n = _columns(cum)
    with np.errstate(invalid="ignore", divide="ignore"):
        aar_t, caar_t = aar / aar_se, caar / caar_se
        half = stdtrit(np.where(caar_n > 1, caar_n - 1, np.nan), 0.975) * caar_se
    return {"aar": aar, "aar_t": aar_t, "aar_p": t_p(aar_t, aar_n - 1), "aar_n": aar_n,
            "caar": caar, "caar_t": caar_t, "caar_p": t_p(caar_t, caar_n - 1), "caar_n": caar_n,
            "caar_lo": caar - half, "caar_hi": caar + half}


def _columns(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per column: mean, standard error s / √N and count N of the non-NaN values (NaN
    standard error below two values)."""
    n = (~np.isnan(values)).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nansum(values, axis=0) / np.where(n > 0, n, np.nan)
        var = np.nansum((values - mean) ** 2, axis=0) / np.where(n > 1, n - 1, np.nan)
        return mean, np.sqrt(var / n), n


def cross_sectional(values: np.ndarray) -> tuple[float, float]:
    """(mean, mean / (s / √N)) of a 1-d array; NaN t below two values."""
    mean, se, _ = _columns(values[:, None])
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(mean[0]), float(mean[0] / se[0])


def residual_correlation(fit: Fit, cases: Cases) -> float:
    """r̄: the mean pairwise correlation of the estimation residuals of the cases with σ,
    over the sessions each pair shares (pairs of events whose windows do not meet, or
    share fewer than ``MIN_SHARED`` sessions, count as 0). Worked per pair of events: the
    cases of one event share their estimation rows."""
    std = ~np.isnan(fit.sigma)
    n_std = int(std.sum())
    if n_std < 2:
        return float("nan")
    resid = np.where(np.isnan(fit.residuals), 0.0, fit.residuals)
    used = ~np.isnan(fit.residuals)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = resid / np.sqrt((resid * resid).sum(axis=1) / used.sum(axis=1))[:, None]
    z = np.where(std[:, None], z, 0.0)
    used = used & std[:, None]
    length = fit.rows.shape[1]
    groups = [np.flatnonzero(cases.event == e) for e in range(len(cases.events))]
    day0 = [int(cases.day0[g[0]]) if len(g) else 0 for g in groups]
    total = 0.0
    for e, ge in enumerate(groups):
        for f in range(e, len(groups)):
            gap = day0[f] - day0[e]
            if gap >= length or not len(groups[f]) or not len(ge):
                continue
            block = _shared_correlation(z[ge][:, gap:], used[ge][:, gap:], z[groups[f]][:, :length - gap],
                                        used[groups[f]][:, :length - gap])
            total += (block.sum() - np.trace(block)) / 2 if f == e else block.sum()
    return float(total / (n_std * (n_std - 1) / 2))


def _shared_correlation(za: np.ndarray, ua: np.ndarray, zb: np.ndarray, ub: np.ndarray) -> np.ndarray:
    """Σ z_a z_b / (sessions both have) for every pair of rows. Small products: einsum's
    own loop, which does not contend for threads as BLAS does on a busy machine."""
    if ua.all() and ub.all():
        shared = np.full((len(za), len(zb)), float(za.shape[1]))
    else:
        shared = np.einsum("ik,jk->ij", ua.astype(float), ub.astype(float))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.einsum("ik,jk->ij", za, zb) / shared
    return np.where(shared >= MIN_SHARED, r, 0.0)


def t_p(t: Any, dof: Any) -> Any:
    """Two-sided p-value of Student's t with ``dof`` degrees of freedom (NaN where undefined)."""
    from scipy.special import stdtr

    t, dof = np.asarray(t, dtype=float), np.asarray(dof, dtype=float)
    with np.errstate(invalid="ignore"):
        p = 2.0 * stdtr(np.where(dof > 0, dof, np.nan), -np.abs(t))
    return float(p) if p.ndim == 0 else p


def z_p(z: float) -> float:
    """Two-sided p-value of a standard normal statistic."""
    from scipy.special import ndtr

    return float(2.0 * ndtr(-abs(z)))


def sub_windows(window: tuple[int, int]) -> list[tuple[str, int, int]]:
    """The named windows of a study, inside ``window``: ``pre`` [lo, −1], ``day0`` [0, 0],
    ``day0_1`` [0, +1], ``post`` [+2, hi], ``from_day0`` [0, hi] and the whole ``window``
    [lo, hi]."""
    lo, hi = window
    named = [("pre", lo, -1), ("day0", 0, 0), ("day0_1", 0, 1), ("post", max(2, lo), hi), ("from_day0", 0, hi)]
    return [(name, a, b) for name, a, b in named if lo <= a <= b <= hi] + [("window", lo, hi)]
