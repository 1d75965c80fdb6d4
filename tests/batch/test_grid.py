"""The sweep grid: --vary parsing, the Cartesian product, rolling starts, and errors
that name the key and value at fault."""

from __future__ import annotations

import re
import warnings
from datetime import date

import exchange_calendars as xcals
import pytest

from click.testing import CliRunner

from screener.batch.grid import expand, parse_vary, rolling_starts
from screener.cli import cli
from screener.errors import UserError


def test_vary_items_become_a_sweep_mapping_with_either_spelling() -> None:
    got = parse_vary(["rebalance=none, monthly", "lot-size=100,200", "--stamp_duty=0.001",
                      "start=rolling:2025-01-01..2025-03-31/20"])
    assert got == {"rebalance": ["none", "monthly"], "lot_size": ["100", "200"], "stamp_duty": ["0.001"],
                   "start": "rolling:2025-01-01..2025-03-31/20"}


@pytest.mark.parametrize("item, message", [
    ("rebalance", "write KEY=V1,V2"),
    ("speed=1,2", "not a backtest option"),
    ("=1", "write KEY=V1,V2"),
])
def test_bad_vary_items_are_user_errors(item: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_vary([item])


def test_a_key_given_twice_is_refused() -> None:
    with pytest.raises(UserError, match="given twice"):
        parse_vary(["fill=open", "fill=close"])


def test_the_grid_is_the_cartesian_product_last_key_fastest() -> None:
    grid, points = expand({"rebalance": ["none", "monthly", "quarterly"], "fill": ["open", "close"]}, {}, {})
    assert grid.axes == {"rebalance": ["none", "monthly", "quarterly"], "fill": ["open", "close"]}
    assert len(grid) == 6
    assert [p.params for p in points] == [
        {"rebalance": r, "fill": f} for r in ("none", "monthly", "quarterly") for f in ("open", "close")
    ]
    assert [(p.settings.rebalance, p.settings.fill) for p in points][1] == ("none", "close")


def test_values_are_validated_and_shown_as_the_settings_hold_them() -> None:
    grid, points = expand({"start": ["2025-01-02"], "cash": ["1e5", "2e5"], "costs": ["on", "off"],
                           "stamp_duty": ["0.001"], "lot_size": ["default", "200"]}, {"lot_size": 100}, {})
    assert grid.axes == {"start": ["2025-01-02"], "cash": [100000.0, 200000.0], "costs": ["on", "off"],
                         "stamp_duty": [0.001], "lot_size": [100, 200]}  # default: the spec's 100
    assert points[0].settings.start == date(2025, 1, 2)
    assert [p.settings.costs.enabled for p in points[:4]] == [True, True, False, False]
    assert points[0].settings.costs.stamp_duty_on(date(2025, 1, 2)) == 0.001


def test_options_given_apply_to_every_cell_and_cannot_also_vary() -> None:
    _, points = expand({"rebalance": ["none", "monthly"]}, {}, {"cash": 5e5, "rebalance": None})
    assert {p.settings.cash for p in points} == {5e5}
    with pytest.raises(UserError, match="both varied and given"):
        expand({"rebalance": ["none"]}, {}, {"rebalance": "monthly"})


@pytest.mark.parametrize("sweep, message", [
    ({"rebalance": ["weekly"]}, "rebalance=weekly: rebalance: Input should be"),
    ({"costs": ["maybe"]}, "costs: 'maybe': use on or off"),
    ({"start": ["2025-03-01"], "end": ["2025-02-01"]}, "start=2025-03-01, end=2025-02-01: end 2025-02-01 is before start"),
    ({"fill": "rolling:2025-01-01..2025-02-01/5"}, "for start only"),
    ({}, "nothing to sweep"),
])
def test_bad_grids_name_the_cell_or_key(sweep: dict, message: str) -> None:
    with pytest.raises(UserError, match=message):
        expand(sweep, {}, {})


@pytest.mark.parametrize("key, value, problem", [  # today is 2026-11-30 (tests/conftest.py)
    ("end", "2027-12-02", "2027-12-02 is more than a year after today (2026-11-30); check the year"),
    ("start", "1990-12-18", "1990-12-18 is before 1990-12-19, the Shanghai exchange's first session"),
])
def test_grid_dates_are_checked_as_the_backtest_command_checks_them(key: str, value: str, problem: str) -> None:
    backtest = CliRunner().invoke(cli, ["backtest", "fiber", "--demo", f"--{key}", value])
    assert backtest.exit_code == 2 and problem in backtest.stderr
    with pytest.raises(UserError, match=re.escape(f"grid cell {key}={value}: {key}: {problem}")):
        expand({key: [value]}, {}, {})
    expand({"end": ["2027-12-01"]}, {}, {})  # a year after today: the backtest's last allowed end


def test_rolling_starts_every_n_sessions_of_the_exchange_calendar() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        xshg = xcals.get_calendar("XSHG", start="2024-06-01", end="2026-06-01")
    sessions = [d.date() for d in xshg.sessions_in_range("2025-01-01", "2025-12-31")]
    assert rolling_starts("rolling:2025-01-01..2025-12-31/20", "start") == sessions[::20]
    # 2025-01-01 is a holiday: the first start is the first session after it
    assert rolling_starts("rolling: 2025-01-01 .. 2025-01-10 / 3", "start") == [
        date(2025, 1, 2), date(2025, 1, 7), date(2025, 1, 10)]


@pytest.mark.parametrize("text, message", [
    ("rolling:2025-02-01..2025-01-01/5", "before"),
    ("rolling:2025-01-01..2025-02-01/0", "at least 1"),
    ("rolling:2025-02-30..2025-03-01/5", "YYYY-MM-DD"),
    ("rolling:2025-10-01..2025-10-06/1", "no XSHG session"),  # the National Day holiday
])
def test_bad_rolling_ranges_are_user_errors(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        rolling_starts(text, "start")
