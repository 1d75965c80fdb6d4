"""One clock: screener reads the date only through ``screener.clock`` (which the suite
freezes in tests/conftest.py), so no result depends on the machine's date."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from click.testing import CliRunner

from screener import clock
from screener.cli import cli

SOURCE = Path(clock.__file__).resolve().parent
# what day it is (time.time() for a file's age against its mtime is not a date: allowed)
WALL_CLOCK = re.compile(r"\b(?:date\.today|datetime\.(?:now|today|utcnow)|Timestamp\.(?:now|today))\(")


def test_nothing_but_the_clock_module_reads_the_wall_clock():
    readers = [
        f"{path.relative_to(SOURCE)}:{n}"
        for path in sorted(SOURCE.rglob("*.py")) if path.name != "clock.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if WALL_CLOCK.search(line)
    ]
    assert readers == []


def test_today_is_the_date_in_shanghai(monkeypatch):
    monkeypatch.undo()  # the real clock.now, not the suite's frozen one

    class LateUTC(datetime):
        @classmethod
        def now(cls, tz=None):  # 2026-11-30 20:30 UTC is already 1 December in Shanghai
            return datetime(2026, 11, 30, 20, 30, tzinfo=timezone.utc).astimezone(tz)

    monkeypatch.setattr(clock, "datetime", LateUTC)
    assert clock.today() == date(2026, 12, 1)
    assert clock.now().utcoffset() == timedelta(hours=8)


def test_a_backtest_without_start_or_claims_starts_on_the_clocks_new_year(freeze_today):
    freeze_today(date(2025, 6, 2))
    res = CliRunner().invoke(cli, ["backtest", "hydrogen-low-altitude", "--demo", "--format", "json"])
    assert res.exit_code == 0, res.output
    r = json.loads(res.stdout)
    assert (r["start"], r["base_date"]) == ("2025-01-01", "2024-12-31")
