"""Test-wide isolation: no user config, cache, network or clock leaks into the suite."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest

from screener import clock

# "Today" for the whole suite, whatever the machine's clock says: a Monday after the
# demo data's last session (2026-11-20); screener.clock says 16:00 in Shanghai, after the close.
FROZEN_TODAY = date(2026, 11, 30)


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """pytest-xdist's ``--dist loadfile`` (pyproject's addopts) with tests/report/ as one
    file: a test file runs on one worker, so its module-scoped fixtures are made once, and
    so do the report tests, whose session-scoped renders (tests/report/conftest.py) several
    of their files share."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class ReportsTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "tests/report/" if nodeid.startswith("tests/report/") else super()._split_scope(nodeid)

    return ReportsTogether(config, log)


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the user config and cache dirs at a fresh temp folder for every test and
    clear the environment variables that change where screener looks."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("TQDM_DISABLE", "1")
    for var in ("SCREENER_THEMES_PATH", "SCREENER_CACHE_DIR", "SCREENER_PROXY"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(autouse=True)
def _english_80_columns(monkeypatch: pytest.MonkeyPatch):
    """Output in English on an 80-column terminal whatever the machine's locale and
    window, colour left to the terminal test; a test that sets ``--lang`` is undone."""
    from screener import i18n

    monkeypatch.setenv("SCREENER_LANG", "en")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("NO_COLOR", raising=False)
    yield
    i18n.set_language(None)


@pytest.fixture
def freeze_today(monkeypatch: pytest.MonkeyPatch) -> Callable[[date], None]:
    """``freeze_today(date(2027, 2, 1))`` makes ``screener.clock`` say it is that day
    (16:00 in Shanghai, after the close) for the rest of the test."""

    def freeze(day: date) -> None:
        moment = datetime(day.year, day.month, day.day, 16, 0, tzinfo=clock.SHANGHAI)
        monkeypatch.setattr(clock, "now", lambda: moment)

    return freeze


@pytest.fixture(autouse=True)
def frozen_today(freeze_today: Callable[[date], None]) -> date:
    """Every test runs on :data:`FROZEN_TODAY` (a test may move it with ``freeze_today``);
    the frozen date is the fixture's value."""
    freeze_today(FROZEN_TODAY)
    return FROZEN_TODAY
