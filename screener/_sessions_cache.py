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

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from screener import clock

FIRST_SESSION = "2005-01-04"
FILE_NAME = "xshg-sessions.json"


def xshg_sessions() -> np.ndarray:
    """Every XSHG session from 2005-01-04 to the calendar's end, as sorted datetime64[ns]."""
    key = _key()
    from screener._cache_folder import cache_folder

    path = cache_folder() / FILE_NAME
    cached = _read(path, key) if key else None
    if cached is not None:
        return cached
    days, dated = _build()
    if key:
        _write(path, key, days, dated)
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


def _read(path: Path, key: dict[str, str]) -> np.ndarray | None:
    try:
        record: Any = json.loads(path.read_text(encoding="utf-8"))
        if record["key"] != key or record["valid_on"] not in (None, clock.today().isoformat()):
            return None
        days = np.array(record["days"], dtype="datetime64[D]")
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None  # missing, unreadable (nested too deep for json), or another layout: build it again
    if len(days) == 0 or np.any(np.diff(days.astype(np.int64)) <= 0):
        return None
    return days.astype("datetime64[ns]")


def _write(path: Path, key: dict[str, str], days: np.ndarray, dated: bool) -> None:
    """Best effort: a cache folder that cannot be written only costs the next run time."""
    from screener._atomic import write_atomic

    record = {
        "key": key,
        "valid_on": clock.today().isoformat() if dated else None,
        "days": days.astype("datetime64[D]").astype(np.int64).tolist(),
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(record, separators=(",", ":")))
    except OSError:
        pass
