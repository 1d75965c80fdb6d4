"""Today's date in Shanghai, through one function tests can freeze, and the range of
dates screener accepts from users and data files."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from screener.i18n import _

SHANGHAI = ZoneInfo("Asia/Shanghai")
EARLIEST = date(1990, 12, 19)  # the Shanghai Stock Exchange's first session
HORIZON = timedelta(days=366)  # how far past today a date option may reach


def now() -> datetime:
    """The current time in Shanghai (timezone-aware)."""
    return datetime.now(SHANGHAI)


def today() -> date:
    """Today's date in Shanghai, where A-shares trade."""
    return now().date()


def latest_allowed() -> date:
    """The latest date a user may name: a year after today."""
    return today() + HORIZON


def range_problem(day: date) -> str | None:
    """Why ``day`` is outside the dates screener works with, or None when it is inside:
    from the exchange's first session (1990-12-19) to a year after today."""
    if day < EARLIEST:
        return _(
            "{day} is before {EARLIEST}, the Shanghai exchange's first session"
        ).format(day=day, EARLIEST=EARLIEST)
    if day > latest_allowed():
        return _("{day} is more than a year after today ({today}); check the year").format(day=day, today=today())
    return None
