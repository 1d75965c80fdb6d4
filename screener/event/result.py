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
    rows = []
    for i in range(len(cases)):
        j, event = int(cases.member[i]), cases.events[int(cases.event[i])]
        symbol = market.symbols[j]
        rows.append({
            "symbol": symbol,
            "name": names.get(symbol, symbol),
            "board": BOARD_LABELS[parse_symbol(symbol).board],
            "event_date": event.date.isoformat(),
            "session": market.dates[int(cases.day0[i])].date().isoformat(),
            "model": str(fit.model[i]),
            "estimation_n": int(fit.n[i]),
            "alpha": finite(fit.alpha[i]),
            "beta": finite(fit.beta[i]),
            "mu": finite(fit.mu[i]),
            "sigma": finite(fit.sigma[i]),
            "ar": _ar_rows(market, ab, i),
            "car": finite(whole.car[i]),
            "car_t": finite(whole.t[i]),
            "car_p": finite(whole.p[i]),
            "sub_windows": {name: {"from": a, "to": b, "car": finite(cw.car[i]), "t": finite(cw.t[i]), "p": finite(cw.p[i])}
                            for name, (a, b, cw) in windows.items() if name != "window"},
            **_tradability(market, trad, i),
        })
    return rows


def _ar_rows(market: Market, ab: Abnormal, i: int) -> list[dict[str, Any]]:
    return [
        {"day": int(day), "date": market.dates[int(row)].date().isoformat(), "ret": finite(ret),
         "benchmark_ret": finite(bench), "ar": finite(ar), "t": finite(t), "span": int(span)}
        for day, row, inside, ret, bench, ar, t, span in zip(
            ab.days, ab.rows[i], ab.inside[i], ab.ret[i], ab.bench[i], ab.ar[i], ab.t[i], ab.span[i])
        if inside
    ]


def _flag(x: float) -> bool | None:
    return None if np.isnan(x) else bool(x)


def _tradability(market: Market, trad: Tradability, i: int) -> dict[str, Any]:
    first = None
    if trad.first_row[i] >= 0:
        first = {"date": market.dates[int(trad.first_row[i])].date().isoformat(), "day": int(trad.first_day[i]),
                 "price": finite(trad.first_price[i])}
    return {
        "day0_open_at_limit": _flag(trad.day0_open_at_limit[i]),
        "day1_open_at_limit": _flag(trad.day1_open_at_limit[i]),
        "limit_up_run": int(trad.limit_up_run[i]),
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


def assemble(
    *, theme: Any, md: Any, settings: Any, benchmark: dict[str, Any], events: list[dict[str, Any]],
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
        "settings": settings.model_dump(mode="json"),
        "events": events,
        "members": members,
        "aar": aar,
        "caar": caar,
        "tests": tests,
        "warnings": warnings,
        "generated_by": f"screener {__version__}",
    }
