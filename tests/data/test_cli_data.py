"""`screener data fetch|status|clear` and provider plugins, through CliRunner."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from importlib import metadata

import pandas as pd
import pytest
from click.testing import CliRunner

from screener import calendar
from screener.cli import cli
from screener.data import DataOptions, open_store
from screener.data.cache import Cache, CacheMeta
from screener.data.demo import DemoStore
from screener.errors import UserError


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_fetch_theme_from_demo_with_summary():
    res = run("data", "fetch", "fiber", "--demo", "--start", "2025-01-01", "--end", "2026-05-11")
    assert res.exit_code == 0, res.output
    assert "data: DEMO — synthetic prices" in res.output
    assert "600522.SH" in res.output and "000300.SH" in res.output
    assert "8 of 8 fetched (demo 8)" in res.output


def test_fetch_json_carries_the_data_source():
    res = run("data", "fetch", "600487", "000300.SH", "BK9002", "--demo", "--json")
    assert res.exit_code == 0, res.output
    payload = json.loads(res.output)
    assert payload["data_source"] == "demo" and payload["labels"] == ["DEMO — synthetic prices"]
    by = {r["symbol"]: r for r in payload["results"]}
    assert by["600487.SH"]["first"] == "2016-01-04" and by["600487.SH"]["last"] == "2026-11-20"
    assert by["BK9002"]["status"] == "ok, 7 members"


def test_failures_are_listed_without_aborting_the_rest():
    res = run("data", "fetch", "600487", "300750.SZ", "--demo")
    assert res.exit_code == 1
    assert "1 of 2 fetched" in res.output
    assert "failed: 300750.SZ: not in the demo data set" in res.output


def test_fetch_from_a_data_dir(tmp_path):
    store = open_store(DataOptions(demo=True))
    md = store.load(["600487.SH", "000300.SH"], start=date(2026, 1, 1))
    for s, b in md.bars.items():
        b.frame.reset_index().to_csv(tmp_path / f"{s}.csv", index=False)
    res = run("data", "fetch", "600487.SH", "000300.SH", "--data-dir", str(tmp_path))
    assert res.exit_code == 0, res.output
    assert "2 of 2 fetched (local files 2)" in res.output and f"local files in {tmp_path}" in res.output


def test_no_network_and_no_cache_fails_fast_with_a_hint(rsps, tmp_path):
    # nothing registered with `responses`: every host refuses, like a machine offline
    res = run("data", "fetch", "fiber", "--cache-dir", str(tmp_path))
    assert res.exit_code == 2
    last = res.output.strip().splitlines()[-1]
    assert last.startswith("error: no data for any of 8 item(s)") and "--demo" in last and "--data-dir" in last
    # one request per host, then every other symbol skipped the dead hosts
    assert len(rsps.calls) == 3


def test_unknown_target():
    res = run("data", "fetch", "not-a-theme", "--demo")
    assert res.exit_code == 2 and "'not-a-theme' is not a theme, a symbol or a board code" in res.output


def _cache_with(tmp_path) -> Cache:
    cache = Cache(tmp_path)
    md = open_store(DataOptions(demo=True)).load(["600487.SH", "600522.SH"], start=date(2026, 1, 1), end=date(2026, 5, 11))
    meta = CacheMeta("eastmoney", datetime(2026, 5, 12, 16, 5), date(2026, 1, 1), date(2026, 5, 11))
    for s, b in md.bars.items():
        cache.write_bars(s, b.frame, meta)
    return cache


def test_status_and_offline_fetch_and_clear(tmp_path):
    _cache_with(tmp_path)
    res = run("data", "status", "--cache-dir", str(tmp_path))
    assert res.exit_code == 0, res.output
    assert "600487.SH" in res.output and "2026-05-11" in res.output and "last refresh 2026-05-12 16:05" in res.output
    assert max(len(line) for line in res.stdout.splitlines()) <= 80  # readable on an 80-column terminal
    assert "2 files, " in res.stdout and " KiB (bars " in res.stdout  # sizes, by dataset
    payload = json.loads(run("data", "status", "--cache-dir", str(tmp_path), "--json").output)
    assert {e["key"] for e in payload["entries"]} == {"600487.SH", "600522.SH"}
    assert all(e["origin"] == "eastmoney" and e["size"] > 0 for e in payload["entries"])

    res = run("data", "fetch", "600487", "--offline", "--cache-dir", str(tmp_path), "--end", "2026-05-11")
    assert res.exit_code == 0, res.output
    assert "cache (eastmoney)" in res.output and "cache, fetched 2026-05-12" in res.output

    res = run("data", "clear", "600487", "--cache-dir", str(tmp_path))
    assert res.exit_code == 0 and "removed 1 file" in res.output
    assert Cache(tmp_path).bar_symbols() == ["600522.SH"]
    res = run("data", "clear", "--cache-dir", str(tmp_path), "--yes")
    assert "removed 1 file" in res.output
    assert "is empty" in run("data", "status", "--cache-dir", str(tmp_path)).output


def _rows(output: str) -> list[list[str]]:
    """The table rows of ``output`` (the lines with a symbol), split on spaces."""
    return [line.split() for line in output.splitlines() if re.search(r"\b\d{6}\.S[HZ]\b", line)]


def test_the_source_column_is_in_chinese(tmp_path):
    _cache_with(tmp_path)
    status = run("--lang", "zh", "data", "status", "--cache-dir", str(tmp_path))
    assert status.exit_code == 0, status.output
    assert {r[-1] for r in _rows(status.stdout)} == {"东方财富"}
    fetch = run("--lang", "zh", "data", "fetch", "600487", "--offline", "--cache-dir", str(tmp_path), "--end", "2026-05-11")
    assert fetch.exit_code == 0, fetch.output
    (row,) = _rows(fetch.stdout)
    assert "缓存（东方财富）" in row and "（缓存（东方财富） 1）" in fetch.stdout and "eastmoney" not in fetch.stdout
    demo = run("--lang", "zh", "data", "status", "--demo")
    assert demo.exit_code == 0, demo.output
    assert {r[-1] for r in _rows(demo.stdout)} == {"演示"}
    demo_fetch = run("--lang", "zh", "data", "fetch", "600487", "--demo")
    assert [r[2] for r in _rows(demo_fetch.stdout)] == ["演示"] and "（演示 1）" in demo_fetch.stdout


def test_status_of_the_demo_set():
    res = run("data", "status", "--demo")
    assert res.exit_code == 0 and "DEMO — synthetic prices" in res.output and "000300.SH" in res.output


def test_status_of_a_data_dir_lists_every_symbol_with_the_reason_a_file_is_unusable(tmp_path):
    good = "date,open,high,low,close,volume\n2024-01-02,10,10,10,10,100\n"
    (tmp_path / "000001.SZ.csv").write_text(good)
    (tmp_path / "600487.SH.csv").write_text(good)
    (tmp_path / "sh600487.csv").write_text(good)  # a second file for the same symbol
    (tmp_path / "600522.SH.csv").write_text("foo,bar\n1,2\n")  # no date column
    (tmp_path / "readme.csv").write_text(good)  # not a symbol
    res = CliRunner().invoke(cli, ["data", "status", "--data-dir", str(tmp_path)])
    assert res.exit_code == 0, res.stderr
    assert res.output.count("failed") == 2 and "3 symbols" in res.output
    assert f"warning: 600487.SH: two files for 600487.SH in {tmp_path}: 600487.SH.csv and sh600487.csv; keep one" \
        in res.stderr
    assert "warning: 600522.SH: " in res.stderr and "no 'date' column" in res.stderr
    assert "note: ignored files whose name is not a symbol: readme.csv" in res.stderr
    entries = json.loads(run("data", "status", "--data-dir", str(tmp_path), "--format", "json").output)["entries"]
    assert [(e["key"], e["rows"], e["problem"] is None) for e in entries] == [
        ("000001.SZ", 1, True), ("600487.SH", 0, False), ("600522.SH", 0, False)]


# -- provider plugins --------------------------------------------------------------------

def demo_factory(options: DataOptions) -> DemoStore:
    return DemoStore()


@pytest.fixture
def plugins(monkeypatch):
    eps = [
        metadata.EntryPoint("good", f"{__name__}:demo_factory", "screener.providers"),
        metadata.EntryPoint("broken", "screener_no_such_module:factory", "screener.providers"),
    ]
    real = metadata.entry_points

    def fake(**kw):
        if kw.get("group") == "screener.providers":
            return eps
        return real(**kw)

    monkeypatch.setattr(metadata, "entry_points", fake)


def test_provider_plugins(plugins):
    with pytest.warns(UserWarning, match="'broken'.*skipped"):
        store = open_store(DataOptions(provider="good"))
    assert isinstance(store, DemoStore)
    with pytest.warns(UserWarning), pytest.raises(UserError, match="unknown data provider 'nope'; available: akshare, good"):
        open_store(DataOptions(provider="nope"))
    with pytest.warns(UserWarning), pytest.raises(UserError, match="'broken'.*ModuleNotFoundError"):
        open_store(DataOptions(provider="broken"))


def test_provider_option_on_the_cli(plugins):
    res = run("data", "fetch", "600487", "--provider", "good")
    assert res.exit_code == 0, res.output
    res = run("data", "fetch", "600487", "--provider", "nope")
    assert res.exit_code == 2 and "available: akshare, good" in res.output


def test_fetch_universe_caches_the_a_share_list(tmp_path):
    res = run("data", "fetch", "--universe", "--demo", "--json")
    assert res.exit_code == 0, res.output
    rows = {r["symbol"]: r for r in json.loads(res.stdout)["results"]}
    assert rows["A-share list"]["status"] == "ok" and rows["A-share list"]["rows"] > 40
    assert rows["valuations"]["rows"] == 0 and rows["valuations"]["status"].startswith("none")


def test_fetch_needs_a_target_or_universe():
    res = run("data", "fetch", "--demo")
    assert res.exit_code == 2 and "--universe" in res.output


def test_offline_universe_message_names_the_command(tmp_path):
    with pytest.raises(UserError, match="screener data fetch --universe"):
        open_store(DataOptions(offline=True, cache_dir=tmp_path)).universe()


# -- what a fetch tells the user -----------------------------------------------------------

GOOD = "date,open,high,low,close,volume\n2024-01-02,10,10.5,9.9,10.2,100\n2024-01-03,10,10.5,9.9,10.1,100\n"


def test_one_bad_file_does_not_stop_the_rest(tmp_path):
    (tmp_path / "600487.SH.csv").write_text(GOOD)
    (tmp_path / "600522.SH.csv").write_text(GOOD + "2024-01-03,10,10.5,9.9,10.1,100\n")  # a duplicate date
    res = run("data", "fetch", "600522", "600487", "--data-dir", str(tmp_path))
    assert res.exit_code == 1, res.output
    assert "1 of 2 fetched (local files 1)" in res.stdout
    assert "failed: 600522.SH:" in res.stderr and "600522.SH.csv: date 2024-01-03 appears more than once" in res.stderr


def test_quality_warnings_are_shown_not_just_counted(tmp_path):
    bad = GOOD + "2024-01-04,10,9.5,9.9,-10.1,0\n"  # high < low, a negative close, zero volume
    (tmp_path / "600487.SH.csv").write_text(bad)
    res = run("data", "fetch", "600487", "--data-dir", str(tmp_path))
    assert res.exit_code == 0, res.output
    assert "warning: 600487.SH: 1 row with high below low: 2024-01-04" in res.stderr
    assert "warning: 600487.SH: 1 row with a price <= 0: 2024-01-04" in res.stderr
    assert "warning: 600487.SH: 1 row with zero volume: 2024-01-04" in res.stderr
    assert "1 of 1 fetched (local files 1), 4 data warnings" in res.stdout  # and close outside [low, high]
    payload = json.loads(run("data", "fetch", "600487", "--data-dir", str(tmp_path), "--json").stdout)
    (row,) = payload["results"]
    assert "600487.SH: 1 row with high below low: 2024-01-04" in row["warnings"]
    assert row["rows"] == 3  # rows are never dropped


def test_calendar_fallback_is_said_once(tmp_path, freeze_today):
    last = calendar.last_known_session().date()  # whatever the installed exchange_calendars knows
    after = pd.bdate_range(last + timedelta(days=1), periods=1)[0].date()  # a weekday past its end
    freeze_today(after + timedelta(days=1))  # rows after today are left out of data files
    for s in ("600487.SH", "600522.SH"):
        (tmp_path / f"{s}.csv").write_text(
            f"date,open,high,low,close,volume\n{last},10,10.5,9.9,10.2,100\n{after},10,10.5,9.9,10.1,100\n")
    res = run("data", "fetch", "600487", "600522", "--data-dir", str(tmp_path))
    assert res.exit_code == 0, res.output
    assert res.stderr.count(f"the XSHG calendar ends on {last}") == 1


def test_offline_partial_names_the_missing_dates(tmp_path):
    _cache_with(tmp_path)  # cached through 2026-05-11
    res = run("data", "fetch", "600487", "600498", "--offline", "--cache-dir", str(tmp_path), "--end", "2026-05-20")
    assert res.exit_code == 1, res.output
    assert "partial" in res.stdout
    assert "not cached: 2026-05-12..2026-05-20: 600487.SH" in res.stdout
    assert "failed: 600498.SH: offline: not cached" in res.stderr
    payload = json.loads(run("data", "fetch", "600487", "--offline", "--cache-dir", str(tmp_path),
                             "--end", "2026-05-20", "--json").stdout)
    assert payload["results"][0]["missing"] == [["2026-05-12", "2026-05-20"]]


def test_an_empty_range_is_not_called_ok():
    res = run("data", "fetch", "600487", "--demo", "--start", "2027-01-01")
    assert "no rows" in res.stdout


def test_universe_without_network_fails_like_symbols(rsps, tmp_path):
    # nothing answers: neither the A-share list nor the valuation snapshot was fetched
    res = run("data", "fetch", "--universe", "--cache-dir", str(tmp_path))
    assert res.exit_code == 2, res.output
    assert "0 of 2 fetched" in res.stdout
    assert "failed: valuations: the valuation snapshot could not be fetched" in res.stderr
    assert res.output.strip().splitlines()[-1].startswith("error: no data for any of 2 item(s)")


def test_universe_offline_and_not_cached_is_a_failure(tmp_path):
    res = run("data", "fetch", "--universe", "--offline", "--cache-dir", str(tmp_path), "--json")
    assert res.exit_code == 2
    rows = {r["symbol"]: r for r in json.loads(res.stdout)["results"]}
    assert rows["valuations"]["status"] == "failed"
    assert "none cached for today" in rows["valuations"]["error"]


def test_a_failed_refresh_falls_back_to_the_cache_and_says_why(rsps, tmp_path):
    _cache_with(tmp_path)  # cached through 2026-05-11; nothing answers now
    res = run("data", "fetch", "600487", "--cache-dir", str(tmp_path))
    assert res.exit_code == 0, res.output
    assert "cached (live failed)" in res.stdout and "not cached: 2026-05-12.." in res.stdout
    assert "warning: 600487.SH: live fetch failed, using the cache: no source answered" in res.stderr
