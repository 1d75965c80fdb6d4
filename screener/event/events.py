"""Events on the aligned sessions, and the cases of a study: one (member, event) pair each.

Day 0 of a dated event is the first session on or after its date. With ``--on limit-up``
every session of the scan on which a member closed at its upper limit is an event for
that member; the members that did so on one session share that event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from screener.backtest.result import warning
from screener.event.plan import DatedEvent, Plan
from screener.event.returns import Market
from screener.i18n import N_, _

LIMIT_UP_LABEL = N_("limit-up close")  # an event's label in the result; translated where shown


@dataclass(frozen=True)
class Event:
    """An event located on the sessions: ``row`` is day 0's row."""

    date: date
    row: int
    label: str
    quote: str | None = None
    source: int | None = None
    symbols: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Cases:
    """The study's (member, event) pairs as parallel arrays, in event then member order."""

    events: list[Event]
    event: np.ndarray  # index into events
    member: np.ndarray  # column of the market arrays
    day0: np.ndarray  # row of day 0

    def __len__(self) -> int:
        return len(self.event)


def locate(plan: Plan, market: Market, warnings: list[dict[str, Any]]) -> Cases:
    """The study's cases: dated events for every member trading around them, or the
    limit-up closes of the scan."""
    if plan.scan is not None:
        return _limit_up_cases(plan.scan, market)
    return _dated_cases(plan.events, market, plan.settings.window, warnings)


def _dated_cases(
    dated: list[DatedEvent], market: Market, window: tuple[int, int], warnings: list[dict[str, Any]]
) -> Cases:
    n_rows = len(market.dates)
    events: list[Event] = []
    pairs: list[tuple[int, int, int]] = []
    for e in dated:
        row = int(market.dates.searchsorted(np.datetime64(e.date)))
        if row >= n_rows:
            warnings.append(warning("event", None, e.date, _(
                "event {date} ({label}) left out: the data ends on {last}, before any session on or after it"
            ).format(date=e.date, label=e.label, last=market.dates[-1].date())))
            continue
        lo, hi = max(row + window[0], 0), min(row + window[1], n_rows - 1)
        trading = market.has_bar[lo:hi + 1].any(axis=0)
        for j in np.flatnonzero(~trading):
            warnings.append(warning("event", market.symbols[j], e.date, _(
                "no bar in the event window of {date} (not listed yet, or suspended): left out").format(date=e.date)))
        symbols = [market.symbols[j] for j in np.flatnonzero(trading)]
        if symbols:
            pairs += [(len(events), int(j), row) for j in np.flatnonzero(trading)]
            events.append(Event(e.date, row, e.label, e.quote, e.source, symbols))
    return _cases(events, pairs)


def _limit_up_cases(scan: tuple[date, date | None], market: Market) -> Cases:
    start, end = scan
    days = market.dates.values
    in_scan = days >= np.datetime64(start)
    if end is not None:
        in_scan &= days <= np.datetime64(end)
    rows, cols = np.nonzero(market.limit_up_close & in_scan[:, None])
    events: list[Event] = []
    pairs: list[tuple[int, int, int]] = []
    for row in np.unique(rows):
        members = cols[rows == row]
        pairs += [(len(events), int(j), int(row)) for j in members]
        events.append(Event(market.dates[row].date(), int(row), LIMIT_UP_LABEL,
                            symbols=[market.symbols[j] for j in members]))
    return _cases(events, pairs)


def _cases(events: list[Event], pairs: list[tuple[int, int, int]]) -> Cases:
    arr = np.array(pairs, dtype=np.int64).reshape(-1, 3)
    return Cases(events, arr[:, 0], arr[:, 1], arr[:, 2])


def overlap_warnings(cases: Cases, window: tuple[int, int]) -> list[dict[str, Any]]:
    """Cases of one member whose windows overlap are not independent: say so (once per
    pair of dated events; once for all the limit-up events that follow another closely)."""
    span = window[1] - window[0]
    events = cases.events
    if events and events[0].label == LIMIT_UP_LABEL:
        close = 0
        for j in np.unique(cases.member):
            close += int((np.diff(np.sort(cases.day0[cases.member == j])) <= span).sum())
        if not close:
            return []
        return [warning("overlap", None, None, _(
            "{close} of {n} limit-up events come within {span} sessions after another of the same member (runs of "
            "limit-ups): their windows overlap, so the tests, which assume independent cases, overstate significance"
        ).format(close=close, n=len(cases), span=span))]
    out = []
    for a, b in zip(events, events[1:]):
        gap = b.row - a.row
        if gap <= span and set(a.symbols) & set(b.symbols):
            out.append(warning("overlap", None, b.date, _(
                "events {first} and {second} are {gap} session(s) apart: their windows overlap, so a member's cases "
                "share days and the tests, which assume independent cases, overstate significance; study one at a "
                "time with --date to read each on its own").format(first=a.date, second=b.date, gap=gap)))
    return out
