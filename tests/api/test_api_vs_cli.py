"""Every API function gives what its command gives for the same options (demo data):
the JSON document itself, byte for byte where the command prints it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import screener
from screener.cli import cli


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (["fiber", "--end", "2026-05-11"], {"theme": "fiber", "end": "2026-05-11"}),
        # a spec by id, overridden: options, flat cost fields, costs off, lot size
        (["fiber-named-monthly-2025", "--members", "all", "--fill", "close", "--cash", "300000", "--lot-size", "200",
          "--commission", "0.0003", "--min-commission", "1", "--risk-free", "0.02"],
         {"theme": "fiber-named-monthly-2025", "members": "all", "fill": "close", "cash": 300_000, "lot_size": 200,
          "commission": 0.0003, "min_commission": 1, "risk_free": 0.02}),
        (["green-power", "--start", "2026-03-02", "--end", "2026-05-11", "--no-costs", "--rebalance", "monthly",
          "--benchmark", "399006.SZ"],
         {"theme": "green-power", "start": "2026-03-02", "end": "2026-05-11", "costs": False, "rebalance": "monthly",
          "benchmark": "399006.SZ"}),
    ],
    ids=["theme", "spec-with-overrides", "no-costs-monthly"],
)
def test_backtest_is_the_commands_json(args: list[str], kwargs: dict) -> None:
    out = invoke("backtest", *args, "--demo", "--format", "json")
    result = screener.backtest(**kwargs, demo=True)
    assert result.to_dict() == json.loads(out)
    assert result.to_json() + "\n" == out
    assert isinstance(result, screener.BacktestResult) and result.demo


def test_a_spec_file_and_its_id_give_one_result() -> None:
    by_id = screener.backtest("fiber-ytd-2026", demo=True)
    by_path = screener.backtest(screener.backtest.specs.builtin_specs_dir() / "fiber-ytd-2026.yaml", demo=True)
    assert by_id.to_dict() == by_path.to_dict()
    assert by_id.settings["start"] == "2026-01-01" and by_id.settings["costs"]["stamp_duty"][0]["rate"] == 0.0005


def test_a_loaded_theme_backtests_like_its_id() -> None:
    theme = screener.load_theme("fiber")
    assert screener.backtest(theme, end="2026-05-11", demo=True).to_dict() == json.loads(
        invoke("backtest", "fiber", "--end", "2026-05-11", "--demo", "--format", "json")
    )


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (["fiber", "--sort", "ret_60d", "--top", "4"], {"target": "fiber", "sort": "ret_60d", "top": 4}),
        (["--universe", "all", "--where", "ret_20d > 0% and not limit_up_today", "--sort", "vol_20d,ret_5d", "--asc",
          "--as-of", "2026-05-11", "--benchmark", "000905.SH"],
         {"universe": "all", "where": "ret_20d > 0% and not limit_up_today", "sort": ["vol_20d", "ret_5d"],
          "descending": False, "as_of": "2026-05-11", "benchmark": "000905.SH"}),
        (["--board", "star", "--as-of", "2026-05-08"], {"board": "star", "as_of": "2026-05-08"}),
    ],
    ids=["theme", "universe-where-asc", "board"],
)
def test_screen_is_the_commands_json_and_csv(args: list[str], kwargs: dict) -> None:
    out = invoke("screen", *args, "--demo", "--format", "json")
    result = screener.screen(**kwargs, demo=True)
    assert result.to_dict() == json.loads(out)
    assert result.to_json() + "\n" == out
    assert result.to_csv() == invoke("screen", *args, "--demo", "--format", "csv")
    assert list(result.rows["symbol"]) == [r["symbol"] for r in json.loads(out)["rows"]]


def test_bars_cover_what_data_fetch_reports() -> None:
    symbols = ["600522.SH", "688297.SH", "000300.SH"]
    out = json.loads(invoke("data", "fetch", *symbols, "--demo", "--start", "2026-01-01", "--end", "2026-05-11",
                            "--format", "json"))
    frame = screener.bars(["600522", "sh688297", "000300.SH"], "2026-01-01", "2026-05-11", demo=True)
    assert list(frame.columns) == ["date", "symbol", "open", "high", "low", "close", "volume", "amount",
                                   "adj_factor", "turnover"]
    assert list(dict.fromkeys(frame["symbol"])) == symbols  # the order given, then by date
    for row in out["results"]:
        mine = frame[frame["symbol"] == row["symbol"]]
        assert mine["date"].is_monotonic_increasing
        assert (len(mine), str(mine["date"].iloc[0].date()), str(mine["date"].iloc[-1].date())) == (
            row["rows"], row["first"], row["last"])
    assert frame.attrs["data_source"] == out["data_source"] and [frame.attrs["label"]] == out["labels"]


def test_load_theme_is_what_themes_show_prints() -> None:
    shown = json.loads(invoke("themes", "show", "fiber", "--format", "json"))
    shown.pop("defined_in")
    for m in shown["members"]:
        del m["board"], m["limit"]
    assert screener.load_theme("fiber").model_dump(mode="json") == shown


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (["green-power", "--date", "2026-05-08", "--window", "-5:10", "--model", "market-adjusted"],
         {"theme": "green-power", "dates": "2026-05-08", "window": "-5:10", "model": "market-adjusted"}),
        # a spec lends its theme and members; the demo data has limit-up closes in a year of 7 members
        (["fiber-ytd-2026", "--on", "limit-up", "--start", "2025-05-01", "--end", "2026-04-30", "--estimation=-200:-20",
          "--min-estimation", "50"],
         {"theme": "fiber-ytd-2026", "on": "limit-up", "start": "2025-05-01", "end": "2026-04-30",
          "estimation": (-200, -20), "min_estimation": 50}),
    ],
    ids=["dated", "spec-limit-up"],
)
def test_event_is_the_commands_json(args: list[str], kwargs: dict) -> None:
    out = invoke("event", *args, "--demo", "--format", "json")
    result = screener.event(**kwargs, demo=True)
    assert result.to_dict() == json.loads(out)
    assert result.to_json() + "\n" == out
    assert isinstance(result, screener.EventResult) and result.demo
    doc = result.to_dict()
    assert list(result.members.index.get_level_values("symbol")) == [m["symbol"] for m in doc["members"]]
    assert result.caar["caar"].tolist() == [c["caar"] for c in doc["caar"]]
    assert len(result.ar) == sum(len(m["ar"]) for m in doc["members"])
    assert list(result.tests.index) == list(doc["tests"]["windows"])


@pytest.mark.parametrize(
    ("command", "args", "call"),
    [
        (["compare", "fiber", "green-power"], ["--end", "2026-05-11", "--rebalance", "monthly", "--top", "1"],
         lambda: screener.compare(["fiber", "green-power"], end="2026-05-11", rebalance="monthly", top=1, demo=True)),
        (["sweep", "fiber"], ["--end", "2026-05-11", "--vary", "fill=open,close", "--vary", "lot_size=100,200",
                              "--sort", "sharpe", "--asc"],
         lambda: screener.sweep("fiber", {"fill": ["open", "close"], "lot_size": [100, 200]}, end="2026-05-11",
                                sort="sharpe", ascending=True, demo=True)),
        (["scan", "boards"], ["--start", "2026-04-01", "--end", "2026-05-11", "--benchmark", "000905.SH", "--top", "5"],
         lambda: screener.scan_boards(start="2026-04-01", end="2026-05-11", benchmark="000905.SH", top=5, demo=True)),
    ],
    ids=["compare", "sweep", "scan-boards"],
)
@pytest.mark.filterwarnings("ignore:the targets have different benchmarks")  # compare's note (fiber's vs green power's)
def test_compare_sweep_and_scan_are_the_commands_json(command: list[str], args: list[str], call) -> None:
    out = invoke(*command, *args, "--demo", "--workers", "0", "--format", "json")
    result = call()
    assert result.to_dict() == json.loads(out)
    assert isinstance(result, screener.ComparisonResult) and result.demo
    assert list(result.cells.index) == list(range(1, len(result.to_dict()["cells"]) + 1))
