"""What an event study asks for, before any data is read: the dated events (or the
limit-up scan) and the backtest pipeline's request for the bars they need.

The bars are loaded and aligned by the backtest pipeline's own stages
(:mod:`screener.backtest.run`); this module only works out the window to load: from
``estimation[0]`` sessions before the first event to ``window[1]`` sessions after the
last one, or ``TRADABILITY_LAST_DAY`` if the window ends sooner (tradability counts a
run of limit-up closes beyond any window), counted on the XSHG calendar (weekdays past
its end). The sessions loaded past the window change no figure of the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from screener import calendar
from screener.backtest import run as stages
from screener.backtest.settings import BacktestSettings
from screener.errors import UserError
from screener.event.settings import EventSettings
from screener.i18n import _
from screener.theme.model import Theme

LIMIT_UP_RUN_CAP = 30  # a run of limit-up closes from day 0 is counted to this length at most ("30+" beyond)
# tradability reads days 0 and +1 (a limit-up's first buy) and day 0's run through day +30 (does it go on?)
TRADABILITY_LAST_DAY = LIMIT_UP_RUN_CAP


@dataclass(frozen=True)
class DatedEvent:
    """A piece of news: its date and where the date came from."""

    date: date
    label: str
    quote: str | None = None
    source: int | None = None  # index into the theme's sources


@dataclass(frozen=True)
class Plan:
    theme: Theme
    settings: EventSettings
    events: list[DatedEvent]  # empty for --on limit-up (the events are found in the data)
    scan: tuple[date, date | None] | None  # --on limit-up: first and last day scanned
    request: stages.Request


def dated_events(theme: Theme, settings: EventSettings) -> list[DatedEvent]:
    """``--date`` values, else the theme's ``events:``, else its sources' publication dates."""
    if settings.dates:
        return [DatedEvent(d, "--date") for d in sorted(set(settings.dates))]
    if theme.events:
        return sorted((DatedEvent(e.date, e.label, e.quote, e.source) for e in theme.events), key=lambda e: e.date)
    by_date = {}
    for i, s in enumerate(theme.sources):
        by_date.setdefault(s.date, DatedEvent(s.date, _("published: {title} ({publisher})").format(
            title=s.title, publisher=s.publisher), None, i))
    if not by_date:
        raise UserError(
            _(
                "theme {id!r} has no events: and no sources with a date to study; pass --date "
                "YYYY-MM-DD, or --on limit-up"
            ).format(id=theme.id)
        )
    return [by_date[d] for d in sorted(by_date)]


def resolve(theme: Theme, settings: EventSettings, today: date) -> Plan:
    """The events and the backtest request that loads their bars (no data touched)."""
    scan = None
    if settings.on == "limit-up":
        events: list[DatedEvent] = []
        scan = (settings.start or date(today.year, 1, 1), settings.end)
        first, last = scan
    else:
        events = dated_events(theme, settings)
        first, last = events[0].date, events[-1].date
    start = shift_sessions(first, settings.estimation[0])
    end = shift_sessions(last, max(settings.window[1], TRADABILITY_LAST_DAY)) if last is not None else None
    known = calendar.first_known_session().date()
    if start is None or start <= known:
        message = _(
            "the scan from {first} needs {value} sessions of history before its first day, but the XSHG "
            "calendar starts on {known}; pick a later --start or a shorter --estimation"
        ) if scan else _(
            "the event on {first} needs {value} sessions of history before it, but the XSHG calendar "
            "starts on {known}; pick a later date or a shorter --estimation"
        )
        raise UserError(message.format(first=first, value=-settings.estimation[0], known=known))
    loading = BacktestSettings(start=start, end=end, members=settings.members, benchmark=settings.benchmark, fill="close")
    return Plan(theme, settings, events, scan, stages.resolve(theme, loading, today))


def shift_sessions(day: date, k: int) -> date | None:
    """The session ``k`` sessions from day 0 (the first session on or after ``day``):
    XSHG sessions, weekdays past the calendar's end; None before the calendar's start."""
    margin = timedelta(days=abs(k) * 2 + 30)
    days = _sessions(day - margin, day + margin)
    row = int(days.searchsorted(pd.Timestamp(day))) + k
    return days[row].date() if 0 <= row < len(days) else None


def _sessions(start: date, end: date) -> pd.DatetimeIndex:
    known = calendar.sessions(start, end)
    last = calendar.last_known_session()
    after = pd.bdate_range(max(pd.Timestamp(start), last + pd.Timedelta(days=1)), pd.Timestamp(end))
    return known.append(after) if len(after) else known
