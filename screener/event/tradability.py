"""Could you have traded it? Per case, under A-share price limits:

* whether day 0 and day +1 opened at the upper limit price (no buy fills at the open);
* the run of consecutive limit-up closes from day 0 (连板; 0 when day 0 is not one),
  counted past the window's end up to :data:`LIMIT_UP_RUN_CAP` sessions, and whether it
  goes on past that count (longer, or through the last session of the data);
* the first tradable session through the window's end: a bar (not suspended) that
  opened below its upper limit (or has no limit), and its open (raw CNY). It is looked
  for from day 0 for dated news (known before day 0's open) and from day +1 for a
  limit-up event (known only at day 0's close);
* the CAR captured from that open: day f's abnormal return counted from its open (the
  member's and the benchmark's open-to-close returns; the market model's α and the mean
  model's μ as for a whole session) plus the ARs of the later days in the window, and
  the raw total return from that open to the window's last close (adjusted prices).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from screener.event.events import Cases
from screener.event.models import Fit
from screener.event.plan import LIMIT_UP_RUN_CAP
from screener.event.returns import Market
from screener.event.stats import Abnormal


@dataclass(frozen=True)
class Tradability:
    """Per case; NaN/-1 mark "not known" (no bar on the day, no tradable session)."""

    day0_open_at_limit: np.ndarray  # 1.0 / 0.0, NaN without a bar
    day1_open_at_limit: np.ndarray
    limit_up_run: np.ndarray  # int, at most LIMIT_UP_RUN_CAP
    limit_up_run_more: np.ndarray  # bool: the run goes on past that count
    first_row: np.ndarray  # panel row of the first tradable session, -1: none in the window
    first_day: np.ndarray  # its relative day
    first_price: np.ndarray  # its open (raw CNY), NaN: none
    car_from_first: np.ndarray
    return_from_first: np.ndarray


def assess(market: Market, cases: Cases, fit: Fit, ab: Abnormal, first_day: int) -> Tradability:
    """Each case's tradability; the first tradable session is looked for from relative
    day ``first_day`` on."""
    cols = cases.member
    run, more = _limit_up_run(market, cases)
    first_row = _first_tradable_rows(market, cases, ab, first_day)
    found = first_row >= 0
    f = np.maximum(first_row, 0)
    price = np.where(found, market.open[f, cols], np.nan)
    return Tradability(
        day0_open_at_limit=_open_at_limit(market, cases.day0, cols),
        day1_open_at_limit=_open_at_limit(market, cases.day0 + 1, cols),
        limit_up_run=run,
        limit_up_run_more=more,
        first_row=first_row,
        first_day=np.where(found, first_row - cases.day0, -1),
        first_price=price,
        car_from_first=_car_from(market, cases, fit, ab, first_row, found),
        return_from_first=_return_from(market, cases, ab, first_row, price, found),
    )


def _first_tradable_rows(market: Market, cases: Cases, ab: Abnormal, first_day: int) -> np.ndarray:
    """Per case: the panel row of the first session from relative day ``first_day``
    through the window's end with a bar that opened below its upper limit; -1 for none
    (also when the window ends before ``first_day``: a pre-event window)."""
    after = ab.days >= first_day
    rows, inside = ab.rows[:, after], ab.inside[:, after]
    at, cols = np.clip(rows, 0, len(market.dates) - 1), cases.member[:, None]
    tradable = inside & market.has_bar[at, cols] & ~market.open_at_limit[at, cols]
    none = len(market.dates)
    first = np.where(tradable, rows, none).min(axis=1, initial=none)
    return np.where(first < none, first, -1)


def _limit_up_run(market: Market, cases: Cases) -> tuple[np.ndarray, np.ndarray]:
    """Per case: the run of limit-up closes from day 0, at most :data:`LIMIT_UP_RUN_CAP`,
    and whether it goes on past that count: it is longer, or it lasts through the last
    session loaded, after which nothing is known."""
    n_rows = len(market.dates)
    inside = cases.day0 < n_rows
    run = limit_up_runs(market.limit_up_close)[np.minimum(cases.day0, n_rows - 1), cases.member] * inside
    more = (run > LIMIT_UP_RUN_CAP) | ((run > 0) & (cases.day0 + run >= n_rows))
    return np.minimum(run, LIMIT_UP_RUN_CAP), more


def limit_up_runs(limit_up: np.ndarray) -> np.ndarray:
    """Per (row, member): the consecutive limit-up closes starting at that row (the
    distance to the first row at or after it that is not one)."""
    rows = np.arange(len(limit_up))[:, None]
    stop = np.where(limit_up, len(limit_up), rows)
    first_stop = np.minimum.accumulate(stop[::-1], axis=0)[::-1]
    return first_stop - rows


def _open_at_limit(market: Market, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    ok = rows < len(market.dates)
    r = np.minimum(rows, len(market.dates) - 1)
    has = ok & market.has_bar[r, cols]
    return np.where(has, market.open_at_limit[r, cols].astype(float), np.nan)


def _car_from(market: Market, cases: Cases, fit: Fit, ab: Abnormal, first_row: np.ndarray,
              found: np.ndarray) -> np.ndarray:
    f, cols = np.maximum(first_row, 0), cases.member
    with np.errstate(invalid="ignore", divide="ignore"):
        own = market.close[f, cols] / market.open[f, cols] - 1.0
    bench = market.bench_intraday[f]
    one = np.ones((len(cases), 1))
    day_f = own - fit.expected(one, bench[:, None])[:, 0]
    later = np.where(ab.rows > first_row[:, None], ab.ar, np.nan)
    rest = np.nansum(later, axis=1)
    return np.where(found, day_f + rest, np.nan)


def _return_from(market: Market, cases: Cases, ab: Abnormal, first_row: np.ndarray, price: np.ndarray,
                 found: np.ndarray) -> np.ndarray:
    f, cols = np.maximum(first_row, 0), cases.member
    last = np.where(ab.inside, ab.rows, -1).max(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = market.value[np.maximum(last, 0), cols] / (price * market.adj[f, cols]) - 1.0
    return np.where(found & (last >= f), value, np.nan)
