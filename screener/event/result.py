"""The event study's result: one JSON-ready dict (``screener event --format json``).

Keys, in order: ``study`` ("event"), ``theme``, ``theme_name``, ``data_source``,
``label``, ``demo``, ``model``, ``benchmark`` ({symbol, name}), ``window`` [lo, hi],
``estimation`` [lo, hi], ``settings``, ``events``, ``members`` (one row per member and
event), ``aar``, ``caar``, ``tests``, ``warnings``, ``generated_by``. Returns are
fractions; prices raw CNY; NaN is written as null. See README "Event studies".
"""

from __future__ import annotations

from typing import Any

import numpy as np

from screener import __version__
from screener.backtest.metrics import finite
from screener.event.events import Cases, Event
from screener.event.models import Fit
from screener.event.returns import Market
from screener.event.stats import Abnormal, CaseWindow
from screener.event.tradability import Tradability
from screener.symbols import BOARD_LABELS, parse_symbol

STUDY = "event"  # the result's ``study``: tells an event study from a backtest result


def event_rows(events: list[Event], market: Market) -> list[dict[str, Any]]:
    return [
        {"date": e.date.isoformat(), "session": market.dates[e.row].date().isoformat(), "label": e.label,
         "quote": e.quote, "source": e.source, "symbols": list(e.symbols)}
        for e in events
    ]


def member_rows(
    market: Market, cases: Cases, fit: Fit, ab: Abnormal, windows: dict[str, tuple[int, int, CaseWindow]],
    trad: Tradability, names: dict[str, str],
) -> list[dict[str, Any]]:
    """One row per case: the model's estimates, the ARs by day, the CARs and tradability."""
    whole = windows["window"][2]
    days = market.dates.strftime("%Y-%m-%d").tolist()
    boards = [BOARD_LABELS[parse_symbol(s).board] for s in market.symbols]
    subs = {name: (a, b, _floats(cw.car), _floats(cw.t), _floats(cw.p)) for name, (a, b, cw) in windows.items()
            if name != "window"}
    ar_columns, inside = _ar_columns(days, ab), ab.inside.tolist()
    rows = []
    for i in range(len(cases)):
        j, event = int(cases.member[i]), cases.events[int(cases.event[i])]
        symbol = market.symbols[j]
        rows.append({
            "symbol": symbol,
            "name": names.get(symbol, symbol),
            "board": boards[j],
            "event_date": event.date.isoformat(),
            "session": days[int(cases.day0[i])],
            "model": str(fit.model[i]),
            "estimation_n": int(fit.n[i]),
            "alpha": finite(fit.alpha[i]),
            "beta": finite(fit.beta[i]),
            "mu": finite(fit.mu[i]),
            "sigma": finite(fit.sigma[i]),
            "ar": [{"day": d, "date": dt, "ret": r, "benchmark_ret": b, "ar": a, "t": t, "span": k}
                   for d, dt, r, b, a, t, k, ok in zip(*(c[i] for c in ar_columns), inside[i]) if ok],
            "car": finite(whole.car[i]),
            "car_t": finite(whole.t[i]),
            "car_p": finite(whole.p[i]),
            "sub_windows": {name: {"from": a, "to": b, "car": car[i], "t": t[i], "p": p[i]}
                            for name, (a, b, car, t, p) in subs.items()},
            **_tradability(days, trad, i),
        })
    return rows


def _ar_columns(days: list[str], ab: Abnormal) -> list[list[list[Any]]]:
    """Each AR row's day, date, ret, benchmark_ret, ar, t and span as (case × day) nested
    lists, converted in bulk (a study has tens of thousands of rows); a day past the
    data's end has date None."""
    n = len(ab.ar)
    dates = np.array(days + [None], dtype=object)[np.where(ab.inside, ab.rows, len(days))]
    return [np.broadcast_to(ab.days, (n, len(ab.days))).tolist(), dates.tolist(),
            *(_floats(a) for a in (ab.ret, ab.bench, ab.ar, ab.t)), ab.span.tolist()]


def _floats(a: np.ndarray) -> Any:
    """``a`` as (nested) lists of floats, None where not finite (JSON has no NaN)."""
    out = a.astype(object)
    out[~np.isfinite(a)] = None
    return out.tolist()


def _flag(x: float) -> bool | None:
    return None if np.isnan(x) else bool(x)


def _tradability(days: list[str], trad: Tradability, i: int) -> dict[str, Any]:
    first = None
    if trad.first_row[i] >= 0:
        first = {"date": days[int(trad.first_row[i])], "day": int(trad.first_day[i]),
                 "price": finite(trad.first_price[i])}
    return {
        "day0_open_at_limit": _flag(trad.day0_open_at_limit[i]),
        "day1_open_at_limit": _flag(trad.day1_open_at_limit[i]),
        "limit_up_run": int(trad.limit_up_run[i]),
        "limit_up_run_more": bool(trad.limit_up_run_more[i]),
        "first_tradable": first,
        "car_from_first_tradable": finite(trad.car_from_first[i]),
        "return_from_first_tradable": finite(trad.return_from_first[i]),
    }


def daily_rows(days: np.ndarray, d: dict[str, np.ndarray]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(aar, caar) rows by relative day."""
    aar = [{"day": int(day), "aar": finite(d["aar"][k]), "t": finite(d["aar_t"][k]), "p": finite(d["aar_p"][k]),
            "n": int(d["aar_n"][k])} for k, day in enumerate(days)]
    caar = [{"day": int(day), "caar": finite(d["caar"][k]), "t": finite(d["caar_t"][k]), "p": finite(d["caar_p"][k]),
             "n": int(d["caar_n"][k]), "ci95": [finite(d["caar_lo"][k]), finite(d["caar_hi"][k])]}
            for k, day in enumerate(days)]
    return aar, caar


def test_block(windows: dict[str, tuple[int, int, dict[str, Any]]], r_bar: float) -> dict[str, Any]:
    return {
        "residual_correlation": finite(r_bar),
        "windows": {name: {"from": a, "to": b, **{k: _json(v) for k, v in tests.items()}}
                    for name, (a, b, tests) in windows.items()},
    }


def _json(v: Any) -> Any:
    return int(v) if isinstance(v, (int, np.integer)) else finite(v)


def settings_block(settings: Any, scan: tuple[Any, Any] | None) -> dict[str, Any]:
    """Every option in effect; a limit-up scan's days as scanned (defaults filled in)."""
    out = settings.model_dump(mode="json")
    if scan is not None:
        out.update(start=scan[0].isoformat(), end=scan[1].isoformat())
    return out


def assemble(
    *, theme: Any, md: Any, settings: Any, scan: tuple[Any, Any] | None, benchmark: dict[str, Any],
    events: list[dict[str, Any]],
    members: list[dict[str, Any]], aar: list[dict[str, Any]], caar: list[dict[str, Any]], tests: dict[str, Any],
    warnings: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "study": STUDY,
        "theme": theme.id,
        "theme_name": theme.name,
        "data_source": md.source.value,
        "label": md.label,
        "demo": bool(md.is_demo),
        "model": settings.model,
        "benchmark": benchmark,
        "window": list(settings.window),
        "estimation": list(settings.estimation),
        "settings": settings_block(settings, scan),
        "events": events,
        "members": members,
        "aar": aar,
        "caar": caar,
        "tests": tests,
        "warnings": warnings,
        "generated_by": f"screener {__version__}",
    }
