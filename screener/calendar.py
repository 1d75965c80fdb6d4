"""The SSE/SZSE trading calendar (``exchange_calendars`` XSHG), with a fallback past its end.

The XSHG calendar in ``exchange_calendars`` only knows holidays up to a year end
(2026-12-31 today). Past its last session we use the sessions present in the data
and say so once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from screener.i18n import _

# SSE/SZSE sessions in a year (242 in 2024, 243 in 2025): how daily figures are annualised
SESSIONS_PER_YEAR = 242


@lru_cache(maxsize=1)
def _index() -> pd.DatetimeIndex:
    """Every XSHG session exchange_calendars knows (read from the on-disk copy while the
    installed version is unchanged; see ``_sessions_cache``), built once and sliced."""
    from screener._sessions_cache import xshg_sessions

    return pd.DatetimeIndex(xshg_sessions(), name="date")


def _days() -> np.ndarray:
    return _index().values


def last_known_session() -> pd.Timestamp:
    """The calendar's last session."""
    return pd.Timestamp(_days()[-1])


def first_known_session() -> pd.Timestamp:
    return pd.Timestamp(_days()[0])


def sessions(start: date | str | pd.Timestamp, end: date | str | pd.Timestamp) -> pd.DatetimeIndex:
    """XSHG sessions in [start, end], clipped to the span the calendar knows."""
    days = _days()
    lo = days.searchsorted(pd.Timestamp(start).to_datetime64(), side="left")
    hi = days.searchsorted(pd.Timestamp(end).to_datetime64(), side="right")
    return _index()[lo:hi]


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
                _(
                    "the XSHG calendar ends on {last}; sessions after it are taken from the dates "
                    "present in the data"
                ).format(last=last.date())
            )
    return pd.DatetimeIndex(idx, name="date"), note


def is_session(day: date | str | pd.Timestamp) -> bool:
    ts = pd.Timestamp(day)
    if ts > last_known_session() or ts < first_known_session():
        return ts.dayofweek < 5
    days = _days()
    return bool(days[days.searchsorted(ts.to_datetime64())] == ts.to_datetime64())


def dates_text(days: Iterable[date | str | pd.Timestamp], shown: int = 3) -> str:
    """The first ``shown`` of ``days`` in order, e.g. "2026-04-22, 2026-04-23, 2026-04-24
    and 1 more": how messages name the sessions a finding is about."""
    ordered = sorted({d if type(d) is date else pd.Timestamp(d).date() for d in days})
    text = ", ".join(d.isoformat() for d in ordered[:shown])
    return text + (f" and {len(ordered) - shown} more" if len(ordered) > shown else "")
