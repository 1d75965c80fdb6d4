"""CSV files of an event study: the CAAR by day, the tests, one row per member and event
(CARs and tradability), and every abnormal return (long format). UTF-8 with a byte-order
mark, numbers as in the result (fractions), and ``data_source`` on every row."""

from __future__ import annotations

from typing import Any

from screener.report.csv import _csv
from screener.report.event.view import EventView

CAAR_COLUMNS = ["day", "aar", "aar_t", "aar_p", "n", "caar", "caar_t", "caar_p", "caar_lo95", "caar_hi95"]
TEST_COLUMNS = ["window", "from", "to", "n", "caar", "cs_t", "cs_p", "n_std", "patell_z", "patell_p", "bmp_t", "bmp_p",
                "bmp_kp_t", "bmp_kp_p"]
MEMBER_COLUMNS = ["symbol", "name", "board", "event_date", "session", "model", "estimation_n", "alpha", "beta", "mu",
                  "sigma", "car", "car_t", "car_p", "day0_open_at_limit", "day1_open_at_limit", "limit_up_run",
                  "limit_up_run_more", "first_tradable_date", "first_tradable_day", "first_tradable_price",
                  "car_from_first_tradable", "return_from_first_tradable"]
AR_COLUMNS = ["symbol", "event_date", "day", "date", "ret", "benchmark_ret", "ar", "t", "span"]


def files(stem: str) -> list[str]:
    return [f"{stem}_{name}.csv" for name in ("caar", "tests", "members", "ar")]


def render(view: EventView, stem: str) -> dict[str, bytes]:
    tables = {
        "caar": (CAAR_COLUMNS, caar_rows(view)),
        "tests": (TEST_COLUMNS, [{"window": name, **w} for name, w in (view.tests.get("windows") or {}).items()]),
        "members": (MEMBER_COLUMNS, [member_row(m.raw) for m in view.members]),
        "ar": (AR_COLUMNS, [{"symbol": m.symbol, "event_date": m.event_date, **a} for m in view.members
                            for a in m.raw.get("ar") or []]),
    }
    source = {"data_source": view.data_source}
    return {f"{stem}_{name}.csv": _csv(columns + ["data_source"], [{**r, **source} for r in rows])
            for name, (columns, rows) in tables.items()}


def caar_rows(view: EventView) -> list[dict[str, Any]]:
    return [{"day": a["day"], "aar": a["aar"], "aar_t": a["t"], "aar_p": a["p"], "n": a["n"], "caar": c["caar"],
             "caar_t": c["t"], "caar_p": c["p"], "caar_lo95": c["ci95"][0], "caar_hi95": c["ci95"][1]}
            for a, c in zip(view.aar, view.caar)]


def member_row(m: dict[str, Any]) -> dict[str, Any]:
    first = m.get("first_tradable") or {}
    row = {k: m.get(k) for k in MEMBER_COLUMNS}
    row.update(first_tradable_date=first.get("date"), first_tradable_day=first.get("day"),
               first_tradable_price=first.get("price"))
    return row
