"""The on-disk XSHG session list: a faithful copy of exchange_calendars, reused only while
the installed version (and, for a list ending a year after today, the day) is the same."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from datetime import timedelta

import numpy as np
import pytest

from screener import _sessions_cache as cache
from screener import clock


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SCREENER_CACHE_DIR", str(tmp_path))
    return tmp_path


def xshg_from_exchange_calendars() -> np.ndarray:
    """XSHG sessions up to the last day whose holidays exchange_calendars knows."""
    import exchange_calendars as xcals
    from exchange_calendars.exchange_calendar_xshg import XSHGExchangeCalendar

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # exchange_calendars' own pandas deprecations
        days = xcals.get_calendar("XSHG", start="2005-01-04", end=XSHGExchangeCalendar.bound_max()).sessions
    return np.asarray(days.tz_localize(None) if days.tz else days, dtype="datetime64[ns]")


def record(cache_dir) -> dict:
    return json.loads((cache_dir / cache.FILE_NAME).read_text(encoding="utf-8"))


def rewrite(cache_dir, **changes) -> None:
    data = record(cache_dir)
    data.update(changes)
    (cache_dir / cache.FILE_NAME).write_text(json.dumps(data), encoding="utf-8")


def test_the_list_is_exchange_calendars_xshg_and_is_written_once(cache_dir):
    want = xshg_from_exchange_calendars()

    built = cache.xshg_sessions()
    read = cache.xshg_sessions()

    np.testing.assert_array_equal(built, want)
    np.testing.assert_array_equal(read, want)
    assert read.dtype == np.dtype("datetime64[ns]")
    assert np.datetime64("2024-02-09") not in built  # Spring Festival eve: not a session
    assert record(cache_dir)["key"]["exchange_calendars"] == cache._key()["exchange_calendars"]


def test_a_file_of_the_installed_version_is_read_back(cache_dir):
    cache.xshg_sessions()
    rewrite(cache_dir, days=[19723, 19724, 19725])  # 2024-01-01..03: proves the file is what is read

    got = cache.xshg_sessions()

    assert list(got.astype("datetime64[D]").astype(str)) == ["2024-01-01", "2024-01-02", "2024-01-03"]


def test_another_exchange_calendars_version_rebuilds_the_list(cache_dir):
    cache.xshg_sessions()
    key = dict(record(cache_dir)["key"], exchange_calendars="0.0.1")
    rewrite(cache_dir, key=key, days=[19723, 19724, 19725])

    got = cache.xshg_sessions()

    np.testing.assert_array_equal(got, xshg_from_exchange_calendars())
    assert record(cache_dir)["key"] == cache._key()


def test_a_list_dated_by_another_day_is_rebuilt_and_an_undated_one_is_not(cache_dir):
    cache.xshg_sessions()
    yesterday = (clock.today() - timedelta(days=1)).isoformat()
    rewrite(cache_dir, valid_on=yesterday, days=[19723, 19724])
    assert len(cache.xshg_sessions()) > 1000  # rebuilt
    rewrite(cache_dir, valid_on=clock.today().isoformat(), days=[19723, 19724])
    assert len(cache.xshg_sessions()) == 2  # today's: reused
    rewrite(cache_dir, valid_on=None, days=[19723, 19724])
    assert len(cache.xshg_sessions()) == 2  # not dated: reused on any day


@pytest.mark.parametrize("content", ["", "{not json", '{"key": 1}', '{"key": null, "valid_on": null, "days": [3, 2]}',
                                     "[" * 100_000])  # nested past json's recursion limit
def test_a_broken_file_is_replaced(cache_dir, content):
    (cache_dir / cache.FILE_NAME).write_text(content, encoding="utf-8")
    np.testing.assert_array_equal(cache.xshg_sessions(), xshg_from_exchange_calendars())
    assert record(cache_dir)["key"] == cache._key()


def test_unsorted_days_in_a_matching_file_are_not_trusted(cache_dir):
    cache.xshg_sessions()
    rewrite(cache_dir, days=[19724, 19723])
    assert len(cache.xshg_sessions()) > 1000


@pytest.mark.parametrize("days", [19723, None, "2024-01-01"])
def test_days_that_are_not_a_list_in_a_matching_file_are_rebuilt_not_a_crash(cache_dir, days):
    # they used to pass the read and fail its check: len() of a 0-d array, a TypeError
    cache.xshg_sessions()
    rewrite(cache_dir, days=days)
    np.testing.assert_array_equal(cache.xshg_sessions(), xshg_from_exchange_calendars())


def test_an_unwritable_cache_folder_still_gives_the_sessions(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("SCREENER_CACHE_DIR", str(blocker / "cache"))
    np.testing.assert_array_equal(cache.xshg_sessions(), xshg_from_exchange_calendars())


def test_a_command_after_the_first_does_not_import_exchange_calendars(cache_dir):
    code = (
        "import sys; from screener import calendar; "
        "calendar.sessions('2024-01-01', '2024-12-31'); calendar.is_session('2024-02-09'); "
        "print('exchange_calendars' in sys.modules)"
    )
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True) for _ in range(2)]
    assert [r.stdout.strip() for r in runs] == ["True", "False"]


def test_the_list_ends_at_the_calendars_last_known_year_whatever_today_is(cache_dir, monkeypatch):
    """exchange_calendars' default end is a year after today: the list ends at the last
    year whose holidays it records instead, so it is not dated. Only a version without
    such a bound ends at the default, and that list is dated (reused on the same day)."""
    from exchange_calendars.exchange_calendar_xshg import XSHGExchangeCalendar

    bound = np.datetime64(XSHGExchangeCalendar.bound_max().date())
    early = XSHGExchangeCalendar.bound_max() - timedelta(days=200)
    monkeypatch.setattr(XSHGExchangeCalendar, "default_end", classmethod(lambda cls: early))
    last = cache.xshg_sessions()[-1].astype("datetime64[D]")
    assert bound - np.timedelta64(7, "D") < last <= bound  # the bound, not today + 1 year
    assert record(cache_dir)["valid_on"] is None

    monkeypatch.setattr(XSHGExchangeCalendar, "bound_max", classmethod(lambda cls: None))
    (cache_dir / cache.FILE_NAME).unlink()
    last = cache.xshg_sessions()[-1].astype("datetime64[D]")
    assert last <= np.datetime64(early.date())
    assert record(cache_dir)["valid_on"] == clock.today().isoformat()
