"""#10 data items: impossible values and out-of-range dates in files, future rows,
quality findings that start before the window, strict JSON, numpy notices, the calendar
note said once."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.tseries.offsets import BDay

from screener import calendar
from screener.data import DataOptions, QualityIssue, open_store
from screener.data.cache import Cache, CacheMeta
from screener.data.live import LiveStore
from screener.errors import DataError
from tests.hostile.conftest import run

HEADER = "date,open,high,low,close,volume,adj_factor\n"
ROW = "2024-01-02,10,10.5,9.9,10.2,1000,1.0\n"
P = "an untradable price (infinite, or above 0 but below the 0.01 CNY tick)"
THEME = "id: t\nname: T\nmembers:\n  - {symbol: 600487.SH, name: a}\n  - {symbol: 600522.SH, name: b}\nbenchmark: 000300.SH\n"


def write_bars(folder: Path, symbol: str, days: pd.DatetimeIndex, close: np.ndarray | float = 10.0,
               volume: np.ndarray | float = 1000.0) -> None:
    close = np.broadcast_to(np.asarray(close, dtype=float), (len(days),))
    pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "open": close, "high": close, "low": close,
                  "close": close, "volume": np.broadcast_to(volume, (len(days),))}).to_csv(folder / f"{symbol}.csv", index=False)


@pytest.mark.parametrize(("row", "column", "what"), [
    ("2024-01-03,10,10.5,9.9,10.2,1000,0\n", "adj_factor", "a factor that is not a positive finite number: 0"),
    ("2024-01-03,10,10.5,9.9,10.2,1000,-1\n", "adj_factor", "a factor that is not a positive finite number: -1"),
    ("2024-01-03,10,10.5,9.9,10.2,1000,inf\n", "adj_factor", "a factor that is not a positive finite number: inf"),
    ("2024-01-03,10,10.5,9.9,10.2,-5,1\n", "volume", "a negative or infinite value: -5"),
    ("2024-01-03,10,10.5,9.9,inf,1000,1\n", "close", f"{P}: inf"),
    ("2024-01-03,10,10.5,9.9,0.005,1000,1\n", "close", f"{P}: 0.005"),
    ("2024-01-03,1e-50,10.5,9.9,10,1000,1\n", "open", f"{P}: 1e-50"),
])
def test_impossible_values_in_a_file_are_errors_naming_file_and_column(tmp_path, row, column, what):
    path = tmp_path / "600487.SH.csv"
    path.write_text(HEADER + ROW + row)
    with pytest.raises(DataError) as info:
        open_store(DataOptions(data_dir=tmp_path)).load(["600487.SH"])
    assert str(info.value) == f"{path}: column {column!r} has {what} on 2024-01-03; fix or remove the row"


@pytest.mark.parametrize("price", ["1e-50", "1e-300"])
def test_a_member_priced_below_the_tick_is_one_error_not_an_overflow(tmp_path, price):
    days = pd.bdate_range("2025-05-01", "2025-09-30")
    write_bars(tmp_path, "600487.SH", days, close=float(price))
    write_bars(tmp_path, "600522.SH", days)
    write_bars(tmp_path, "000300.SH", days, close=3000.0)
    theme = tmp_path / "t.yaml"
    theme.write_text(THEME, encoding="utf-8")
    res = run("backtest", theme, "--data-dir", tmp_path, "--start", "2025-07-01")
    assert res.exit_code == 2 and "Traceback" not in res.stderr, res.stderr
    assert f"600487.SH.csv: column 'open' has {P}: {price} on 2025-05-01; fix or remove the row" in res.stderr


@pytest.mark.parametrize("day", ["9999-12-31", "1677-01-01", "1900-01-01"])
def test_a_row_outside_the_date_range_fails_its_file_only(tmp_path, day):
    (tmp_path / "600487.SH.csv").write_text(HEADER + ROW + f"{day},10,10.5,9.9,10.2,1000,1\n")
    (tmp_path / "600522.SH.csv").write_text(HEADER + ROW)
    res = run("data", "fetch", "600487", "600522", "--data-dir", tmp_path)
    assert res.exit_code == 1 and "Traceback" not in res.stderr
    assert (f"failed: 600487.SH: {tmp_path / '600487.SH.csv'}: column 'date' has {day} (row 2), "
            "outside 1990-12-19..2262-04-11; fix or remove the row") in res.stderr
    assert "600522.SH" in res.stdout and "1 of 2 fetched" in res.stdout


def test_a_huge_header_is_quoted_as_an_excerpt(tmp_path):
    (tmp_path / "600487.SH.csv").write_text("date," + ",".join(f"c{i}" for i in range(300_000)) + "\n")  # 2.3 MB
    with pytest.raises(DataError) as info:
        open_store(DataOptions(data_dir=tmp_path)).load(["600487.SH"])
    message = str(info.value)
    assert len(message) < 400 and "missing columns open, high, low, close, volume" in message
    assert "characters)" in message  # the excerpt says how long the header really is


@pytest.mark.parametrize(("content", "message"), [
    (b"\r\x00", "no 'date' column"), (b"\x00\x00date", "no 'date' column"), (b"", "no 'date' column"),
    (b"\xff\xfe,,\n1,2", "no 'date' column"),
    (b"x" * 5_000_000 + b"\n1\n", r"the first line is not a CSV header \(field larger than field limit"),
])
def test_a_file_that_is_not_csv_is_one_error(tmp_path, content, message):  # found by the fuzz test
    (tmp_path / "600487.SH.csv").write_bytes(content)
    with pytest.raises(DataError, match=f"600487.SH.csv: {message}"):
        open_store(DataOptions(data_dir=tmp_path)).load(["600487.SH"])


def test_future_rows_are_left_out_with_a_warning_and_do_not_move_the_default_end(tmp_path, freeze_today):
    freeze_today(date(2026, 6, 1))
    days = pd.DatetimeIndex(list(pd.bdate_range("2026-04-01", "2026-05-29")) + [pd.Timestamp("2099-01-05"),
                                                                               pd.Timestamp("2150-06-01")])
    for s in ("600487.SH", "600522.SH", "000300.SH"):
        write_bars(tmp_path, s, days)
    md = open_store(DataOptions(data_dir=tmp_path)).load(["600487.SH"])
    assert md.bars["600487.SH"].frame.index[-1] == pd.Timestamp("2026-05-29")
    (future,) = [i for i in md.issues if i.kind == "future_date"]
    assert future.message == "600487.SH: 2 rows dated after today (2026-06-01), left out: 2099-01-05, 2150-06-01"
    theme = tmp_path / "t.yaml"
    theme.write_text(THEME, encoding="utf-8")
    res = run("backtest", theme, "--data-dir", tmp_path, "--start", "2026-05-04", "--format", "json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["end"] == "2026-05-29"


def test_future_rows_are_warned_about_by_screen_and_backtest_whatever_the_window(tmp_path, freeze_today):
    # #10: the finding was restated for the window's days, and rows after today are never in it
    freeze_today(date(2026, 6, 1))
    days = pd.DatetimeIndex(list(pd.bdate_range("2026-04-01", "2026-05-29")) + [pd.Timestamp("2099-01-05")])
    for s in ("600487.SH", "600522.SH", "000300.SH"):
        write_bars(tmp_path, s, days)
    theme = tmp_path / "t.yaml"
    theme.write_text(THEME, encoding="utf-8")
    said = "600487.SH: 1 row dated after today (2026-06-01), left out: 2099-01-05"
    backtest = run("backtest", theme, "--data-dir", tmp_path, "--start", "2026-05-04", "--format", "json")
    assert backtest.exit_code == 0, backtest.stderr
    assert said in [w["message"] for w in json.loads(backtest.stdout)["warnings"] if w["kind"] == "future_date"]
    screen = run("screen", theme, "--data-dir", tmp_path, "--as-of", "2026-05-15", "--format", "json")
    assert screen.exit_code == 0, screen.stderr
    assert said in json.loads(screen.stdout)["warnings"]


def test_rows_left_out_are_kept_by_any_window():
    future = QualityIssue.about_days("600487.SH", "future_date", [date(2099, 1, 5)], "rows dated after today")
    impossible = QualityIssue.about_days("600487.SH", "impossible_value", [date(2020, 1, 2)], "rows with inf")
    assert future.within(date(2024, 1, 1), date(2024, 2, 1)) is future
    assert impossible.within(date(2024, 1, 1), None) is impossible


def test_provider_rows_with_impossible_values_are_left_out_with_a_warning(tmp_path):
    cache = Cache(tmp_path)
    days = pd.DatetimeIndex(["2024-01-02", "2024-01-03", "2024-01-04"], name="date")
    frame = pd.DataFrame({"open": 10.0, "high": 10.0, "low": [10.0, 10.0, 1e-300], "close": [10.0, np.inf, 10.0],
                          "volume": [100.0, 100.0, -1.0], "amount": np.nan, "adj_factor": 1.0,
                          "turnover": np.nan}, index=days)
    cache.write_bars("600487.SH", frame, CacheMeta("eastmoney", datetime(2024, 1, 5, 16), date(2024, 1, 2), date(2024, 1, 4)))
    md = LiveStore(cache, offline=True, now=lambda: datetime(2024, 1, 5, 16)).load(["600487.SH"])
    assert list(md.bars["600487.SH"].frame.index.strftime("%m-%d")) == ["01-02"]
    assert sorted(i.message for i in md.issues if i.kind == "impossible_value") == [
        "600487.SH: 1 row with a negative or infinite value in volume, left out: 2024-01-04",
        f"600487.SH: 1 row with {P} in close, left out: 2024-01-03",
        f"600487.SH: 1 row with {P} in low, left out: 2024-01-04",
    ]


def test_a_finding_is_restated_for_the_days_inside_a_window():
    days = [date(2024, 1, 2), date(2024, 1, 3), date(2024, 1, 8), date(2024, 1, 9)]
    issue = QualityIssue.about_days("600487.SH", "zero_volume", days, "rows with zero volume")
    assert issue.within(date(2024, 1, 1), date(2024, 2, 1)) is issue
    inside = issue.within(date(2024, 1, 5), date(2024, 1, 8))
    assert inside.message == "600487.SH: 1 row with zero volume: 2024-01-08" and inside.date == date(2024, 1, 8)
    assert issue.within(date(2024, 1, 10), None) is None
    undated = QualityIssue("600487.SH", "adj_factor_unknown", "raw prices only")
    assert undated.within(date(2030, 1, 1), None) is undated


def test_a_problem_that_starts_before_the_window_is_still_reported(tmp_path):
    days = pd.bdate_range("2024-01-02", "2024-03-29")
    volume = np.where((days >= "2024-02-26") & (days <= "2024-03-05"), 0.0, 1000.0)  # runs across the base date
    for s in ("600487.SH", "600522.SH", "000300.SH"):
        write_bars(tmp_path, s, days, volume=volume if s == "600487.SH" else 1000.0)
    theme = tmp_path / "t.yaml"
    theme.write_text(THEME, encoding="utf-8")
    res = run("backtest", theme, "--data-dir", tmp_path, "--start", "2024-03-01", "--end", "2024-03-29", "--format", "json")
    assert res.exit_code == 0, res.stderr
    result = json.loads(res.stdout)
    assert result["base_date"] == "2024-02-29"
    (zero,) = [w for w in result["warnings"] if w["kind"] == "zero_volume"]
    assert zero["message"] == "600487.SH: 4 rows with zero volume: 2024-02-29, 2024-03-01, 2024-03-04 and 1 more"
    assert zero["date"] == "2024-02-29"


def test_json_on_stdout_is_strict_even_for_infinite_factors(tmp_path):
    days = pd.bdate_range("2025-06-02", "2025-12-31")
    close = np.full(len(days), 10.0)
    close[-30:] = 0.01  # the tick: the lowest price a file may hold
    close[-1] = 1e307  # ret_20d overflows to infinity
    for s in ("600487.SH", "600522.SH", "000300.SH"):
        write_bars(tmp_path, s, days, close if s == "600522.SH" else 10.0)
    theme = tmp_path / "t.yaml"
    theme.write_text(THEME, encoding="utf-8")
    res = run("screen", theme, "--data-dir", tmp_path, "--format", "json")
    assert res.exit_code == 0, res.stderr

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in the JSON output")

    payload = json.loads(res.stdout, parse_constant=refuse)
    row = next(r for r in payload["rows"] if r["symbol"] == "600522.SH")
    assert row["ret_20d"] is None  # infinite: missing, like any value that cannot be had
    assert "encountered in" not in res.stderr  # numpy's own notices are not shown


def test_the_calendar_note_is_said_once(tmp_path, freeze_today):
    last = calendar.last_known_session()  # whatever the installed exchange_calendars knows
    days = pd.bdate_range(last - BDay(60), last + BDay(20))  # bars on both sides of its end
    freeze_today((days[-1] + BDay(1)).date())
    for s in ("600487.SH", "600522.SH", "000300.SH"):
        write_bars(tmp_path, s, days)
    theme = tmp_path / "t.yaml"
    theme.write_text(THEME, encoding="utf-8")
    res = run("backtest", theme, "--data-dir", tmp_path, "--start", (last - BDay(40)).date(), "--format", "json")
    assert res.exit_code == 0, res.stderr
    notes = [w for w in json.loads(res.stdout)["warnings"] if "the XSHG calendar ends on" in w["message"]]
    assert len(notes) == 1
    assert f"the XSHG calendar ends on {last.date()}" in notes[0]["message"]
