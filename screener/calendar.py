"""The SSE/SZSE trading calendar (``exchange_calendars`` XSHG), with a fallback past its end.

The XSHG calendar in ``exchange_calendars`` only knows holidays up to a year end
(2026-12-31 today). Past its last session we use the sessions present in the data
and say so once.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

import pandas as pd

# SSE/SZSE sessions in a year (242 in 2024, 243 in 2025): how daily figures are annualised
SESSIONS_PER_YEAR = 242


@lru_cache(maxsize=1)
def _xshg():
    import exchange_calendars as xcals

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return xcals.get_calendar("XSHG", start="2005-01-04")


def last_known_session() -> pd.Timestamp:
    """The calendar's last session."""
    return _xshg().last_session


def first_known_session() -> pd.Timestamp:
    return _xshg().first_session


def sessions(start: date | str | pd.Timestamp, end: date | str | pd.Timestamp) -> pd.DatetimeIndex:
    """XSHG sessions in [start, end], clipped to the span the calendar knows."""
    cal = _xshg()
    lo = max(pd.Timestamp(start), cal.first_session)
    hi = min(pd.Timestamp(end), cal.last_session)
    if lo > hi:
        return pd.DatetimeIndex([], name="date")
    out = cal.sessions_in_range(lo, hi)
    return pd.DatetimeIndex(out.tz_localize(None) if out.tz is not None else out, name="date")


def trading_index(
    start: date | str | pd.Timestamp,
    end: date | str | pd.Timestamp,
    data_dates: pd.DatetimeIndex | None = None,
) -> tuple[pd.DatetimeIndex, str | None]:
    """Sessions in [start, end]: XSHG sessions, extended past the calendar's last
    session by the dates present in ``data_dates``. Returns (index, note) where note
    says when the fallback was used."""
    idx = sessions(start, end)
    last = last_known_session()
    note = None
    if pd.Timestamp(end) > last:
        extra = pd.DatetimeIndex([], name="date")
        if data_dates is not None:
            extra = data_dates[(data_dates > last) & (data_dates <= pd.Timestamp(end))]
        if len(extra):
            idx = idx.append(pd.DatetimeIndex(extra)).unique().sort_values()
            note = (
                f"the XSHG calendar ends on {last.date()}; sessions after it are taken "
                "from the dates present in the data"
            )
    return pd.DatetimeIndex(idx, name="date"), note


def is_session(day: date | str | pd.Timestamp) -> bool:
    ts = pd.Timestamp(day)
    cal = _xshg()
    if ts > cal.last_session or ts < cal.first_session:
        return ts.dayofweek < 5
    return bool(cal.is_session(ts))


def dates_text(days: Iterable[date | str | pd.Timestamp], shown: int = 3) -> str:
    """The first ``shown`` of ``days`` in order, e.g. "2026-04-22, 2026-04-23, 2026-04-24
    and 1 more": how messages name the sessions a finding is about."""
    ordered = sorted({pd.Timestamp(d).date() for d in days})
    text = ", ".join(d.isoformat() for d in ordered[:shown])
    return text + (f" and {len(ordered) - shown} more" if len(ordered) > shown else "")
