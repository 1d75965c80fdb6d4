"""The XSHG session list from ``exchange_calendars``, worked out once and kept on disk.

Building the calendar means importing exchange_calendars and its holiday rules, which
costs more than a whole small command; the list itself is about 5,000 dates. It is
written to ``xshg-sessions.json`` in the cache folder (``$SCREENER_CACHE_DIR``, else the
user cache dir) together with the installed exchange_calendars version, and read back
while that version is installed. The calendar ends at the last year whose holidays
exchange_calendars records; only a version that records no such bound ends it a year
after today, and such a list is only reused on the same day. exchange_calendars stays the
source of truth; the file is only ever a copy of what it said.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from screener import clock
from screener._cache_folder import SESSIONS_FILE, read_small_cache, write_small_cache

FIRST_SESSION = "2005-01-04"
FILE_NAME = SESSIONS_FILE


def xshg_sessions() -> np.ndarray:
    """Every XSHG session from 2005-01-04 to the calendar's end, as sorted datetime64[ns]."""
    key = _key()
    cached = read_small_cache(FILE_NAME, lambda record: _days(record, key)) if key else None
    if cached is not None:
        return cached
    days, dated = _build()
    if key:
        _write(key, days, dated)
    return days


def _key() -> dict[str, str] | None:
    """What the cached list depends on; None when the installed version is unknown."""
    from importlib import metadata

    try:
        version = metadata.version("exchange_calendars")
    except metadata.PackageNotFoundError:
        return None
    return {"exchange_calendars": version, "first": FIRST_SESSION}


def _build() -> tuple[np.ndarray, bool]:
    """(sessions, whether their end depends on today's date) from exchange_calendars:
    the calendar ends where its holiday data ends (``bound_max``), not at its default
    "today + 1 year", so the horizon does not move with the machine's clock; only a
    version without a bound falls back to the default (and the list is then dated)."""
    import exchange_calendars as xcals
    from exchange_calendars.exchange_calendar_xshg import XSHGExchangeCalendar

    bound = XSHGExchangeCalendar.bound_max()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = xcals.get_calendar("XSHG", start=FIRST_SESSION, end=bound)
    sessions = cal.sessions
    if sessions.tz is not None:
        sessions = sessions.tz_localize(None)
    return sessions.values.astype("datetime64[ns]"), bound is None


def _days(record: Any, key: dict[str, str]) -> np.ndarray | None:
    """The sessions in a stored ``record``; None when it was made for another version or
    day, or its days are not strictly increasing (a record of another layout raises)."""
    if record["key"] != key or record["valid_on"] not in (None, clock.today().isoformat()):
        return None
    days = np.array(record["days"], dtype="datetime64[D]")
    if len(days) == 0 or np.any(np.diff(days.astype(np.int64)) <= 0):
        return None
    return days.astype("datetime64[ns]")


def _write(key: dict[str, str], days: np.ndarray, dated: bool) -> None:
    write_small_cache(FILE_NAME, {
        "key": key,
        "valid_on": clock.today().isoformat() if dated else None,
        "days": days.astype("datetime64[D]").astype(np.int64).tolist(),
    })
