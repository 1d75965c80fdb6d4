"""The three commands from the command line: the JSON contract, ranking and the spread
(checked by hand from the cells), --top, specs with a sweep: block, boards from the demo
and from the cache, and one-line user errors."""

from __future__ import annotations

import json
import statistics
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from screener.cli import cli

CONTRACT = ["kind", "data_source", "label", "demo", "window", "settings", "grid", "sort", "top", "n_cells", "cells",
            "summary", "curves", "notes", "executed", "generated_by"]
CELL = ["rank", "params", "theme", "theme_name", "window", "short_window", "basket", "benchmark", "claims_hold", "claims_total",
        "warnings_n"]


def run(*args: str) -> dict:
    result = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def fails(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and len(result.stderr.strip().splitlines()) == 1
    return result.stderr


@pytest.fixture(scope="module")
def swept() -> dict:
    return run("sweep", "fiber", "--demo", "--end", "2026-05-11", "--vary", "rebalance=none,monthly,quarterly",
               "--vary", "fill=open,close", "--sort", "sharpe")


def test_a_sweep_document_keeps_the_contract(swept: dict) -> None:
    assert list(swept) == CONTRACT
    assert swept["kind"] == "sweep" and swept["demo"] and swept["label"] == "DEMO — synthetic prices"
    assert swept["grid"] == {"rebalance": ["none", "monthly", "quarterly"], "fill": ["open", "close"]}
    assert "rebalance" not in swept["settings"] and "fill" not in swept["settings"] and swept["settings"]["end"] == "2026-05-11"
    assert all(list(c) == CELL for c in swept["cells"]) and swept["n_cells"] == 6
    assert sorted((c["params"]["rebalance"], c["params"]["fill"]) for c in swept["cells"]) == sorted(
        (r, f) for r in ("none", "monthly", "quarterly") for f in ("open", "close"))


def test_cells_are_ranked_by_the_sort_figure_and_the_spread_covers_them(swept: dict) -> None:
    sharpe = [c["basket"]["sharpe"] for c in swept["cells"]]
    assert sharpe == sorted(sharpe, reverse=True) and [c["rank"] for c in swept["cells"]] == [1, 2, 3, 4, 5, 6]
    for name, block, key in (("sharpe", "basket", "sharpe"), ("excess_return", "benchmark", "excess_return"),
                             ("benchmark_return", "benchmark", "total_return")):
        values = [c[block][key] for c in swept["cells"]]
        assert swept["summary"][name] == {"min": min(values), "median": statistics.median(values), "max": max(values)}
    # the same basket and window: the benchmark's return is one number
    assert swept["summary"]["benchmark_return"]["min"] == swept["summary"]["benchmark_return"]["max"]
    assert [c["rank"] for c in swept["curves"]] == [1, 2, 3, 4, 5, 6]


def test_top_cuts_the_table_not_the_cells_and_asc_turns_the_order() -> None:
    result = CliRunner().invoke(cli, ["compare", "fiber", "green-power", "ai-content", "--demo", "--end", "2026-05-11",
                                      "--sort", "max_drawdown", "--asc", "--top", "2"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "DEMO — synthetic prices"
    assert "ranked by max drawdown (lowest first), top 2 of 3" in result.stdout
    table = lines[lines.index(next(line for line in lines if line.startswith("#  theme"))):]
    assert [line.split()[0] for line in table[1:3]] == ["1", "2"] and table[3] == ""
    doc = run("compare", "fiber", "green-power", "ai-content", "--demo", "--end", "2026-05-11", "--sort", "max_drawdown",
              "--asc", "--top", "2")
    drawdowns = [c["basket"]["max_drawdown"] for c in doc["cells"]]
    assert len(drawdowns) == 3 and drawdowns == sorted(drawdowns) and doc["top"] == 2


def test_compare_puts_every_target_on_one_window(tmp_path: Path) -> None:
    spec = tmp_path / "fiber-late.yaml"
    spec.write_text("theme: fiber\nstart: 2026-03-02\nrebalance: monthly\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["compare", "fiber", str(spec), "--demo", "--end", "2026-05-11", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    assert "all start on the earliest, 2026-01-01" in result.stderr
    doc = json.loads(result.stdout)
    assert {c["window"]["start"] for c in doc["cells"]} == {"2026-01-01"}
    assert any("all start on the earliest, 2026-01-01" in n for n in doc["notes"])
    assert doc["grid"] == {"theme": ["fiber", "fiber"], "rebalance": ["none", "monthly"]}  # the spec's own option shows


def test_a_spec_with_a_sweep_block_is_the_grid_and_vary_overrides_a_key(tmp_path: Path) -> None:
    spec = tmp_path / "fiber-grid.yaml"
    spec.write_text("theme: fiber\nend: 2026-05-11\nsweep:\n  rebalance: [none, monthly]\n  lot_size: [100, 200]\n",
                    encoding="utf-8")
    doc = run("sweep", str(spec), "--demo")
    assert doc["grid"] == {"rebalance": ["none", "monthly"], "lot_size": [100, 200]} and doc["n_cells"] == 4
    doc = run("sweep", str(spec), "--demo", "--vary", "lot_size=300")
    assert doc["grid"] == {"rebalance": ["none", "monthly"], "lot_size": [300]}
    # a backtest of the spec runs its options, without the grid
    result = CliRunner().invoke(cli, ["backtest", str(spec), "--demo", "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["settings"]["rebalance"] == "none"


def test_a_bad_key_in_a_spec_sweep_block_names_the_file_and_line(tmp_path: Path) -> None:
    spec = tmp_path / "bad-grid.yaml"
    spec.write_text("theme: fiber\nsweep:\n  speed: [1, 2]\n", encoding="utf-8")
    assert f"{spec}:2" in fails("sweep", str(spec), "--demo")


def test_scan_boards_ranks_every_demo_board_against_one_benchmark() -> None:
    doc = run("scan", "boards", "--demo", "--start", "2026-03-02", "--end", "2026-05-11")
    assert doc["kind"] == "scan" and doc["n_cells"] >= 30
    boards = [c["params"]["board"] for c in doc["cells"]]
    assert {f"BK91{i:02d}" for i in range(1, 31)} <= set(boards)
    totals = [c["basket"]["total_return"] for c in doc["cells"]]
    assert totals == sorted(totals, reverse=True)
    assert {c["benchmark"]["symbol"] for c in doc["cells"]} == {"000300.SH"}
    for c in doc["cells"]:  # excess = the basket's total minus the one benchmark's
        assert c["benchmark"]["excess_return"] == pytest.approx(c["basket"]["total_return"] - c["benchmark"]["total_return"])


def test_scan_boards_lists_the_boards_in_the_cache(tmp_path: Path) -> None:
    from screener.data.cache import Cache, CacheMeta
    from screener.data.demo import DemoStore

    cache, demo = Cache(tmp_path), DemoStore()
    meta = CacheMeta("eastmoney", datetime(2026, 5, 12, 16), date(2025, 1, 2), date(2026, 5, 11))
    for code in ("BK9109", "BK9115"):
        info = demo.board(code)
        cache.write_board(code, info.constituents, info.bars.frame, CacheMeta(**{**meta.__dict__, "name": code}))
        for symbol in info.constituents["symbol"]:
            cache.write_bars(symbol, demo.load([symbol]).bars[symbol].frame, meta)
    cache.write_bars("000300.SH", demo.load(["000300.SH"]).bars["000300.SH"].frame, meta)
    doc = run("scan", "boards", "--offline", "--cache-dir", str(tmp_path), "--start", "2026-03-02", "--end", "2026-05-11")
    assert doc["data_source"] == "cache" and sorted(c["params"]["board"] for c in doc["cells"]) == ["BK9109", "BK9115"]


@pytest.mark.parametrize("args, message", [
    (["sweep", "fiber", "--demo", "--vary", "speed=1,2"], "--vary speed: not a backtest option"),
    (["sweep", "fiber", "--demo"], "nothing to sweep"),
    (["sweep", "fiber", "--demo", "--vary", "rebalance=weekly"], "grid cell rebalance=weekly"),
    (["sweep", "fiber", "--demo", "--rebalance", "monthly", "--vary", "rebalance=none"], "both varied and given"),
    (["compare", "fiber", "--demo", "--sort", "luck"], "--sort luck: unknown figure"),
    (["compare", "nope", "--demo"], "unknown theme or spec 'nope'"),
    (["scan", "boards", "--data-dir", "."], "cannot list boards"),
    # every board left out: the error says why, without the 34 "left out" notes first
    (["scan", "boards", "--demo", "--start", "2026-11-30"], "no cell has data to backtest (bk9001 (board=BK9001): no "
     "data for the members of 'bk9001' after the base date 2026-11-27: the data ends on 2026-11-20"),
])
def test_user_errors_are_one_line_and_exit_2(args: list[str], message: str) -> None:
    assert message in fails(*args)


def test_grid_values_are_shown_as_the_user_writes_them_not_as_python_values(tmp_path: Path) -> None:
    args = ["sweep", "fiber", "--demo", "--end", "2026-05-11", "--vary", "max_participation=default,0.05",
            "--vary", "cash=1e5,2e5"]
    result = CliRunner().invoke(cli, [*args, "--export", "xlsx", "--out", str(tmp_path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    assert "varying: max_participation = default, 0.05; cash = 100,000, 200,000" in result.stdout
    rows = [line.split()[1:3] for line in result.stdout.splitlines() if line[:1].isdigit()][:4]
    assert sorted(rows) == [["0.05", "100,000"], ["0.05", "200,000"], ["default", "100,000"], ["default", "200,000"]]
    assert "None" not in result.stdout and "100000.0" not in result.stdout
    from openpyxl import load_workbook

    about = {row[0]: row[1] for row in load_workbook(tmp_path / "sweep-fiber_2026-01-01_2026-05-11.xlsx")[
        "about"].iter_rows(min_row=2, values_only=True)}
    assert about["grid: max_participation"] == "default, 0.05" and about["grid: cash"] == "100,000, 200,000"
    zh = CliRunner().invoke(cli, [*args, "--lang", "zh"], env={"COLUMNS": "200"})
    assert "变化的参数：max_participation = 默认, 0.05；cash = 100,000, 200,000" in zh.stdout
    doc = run(*args)  # the JSON keeps the values themselves
    assert doc["grid"] == {"max_participation": [None, 0.05], "cash": [100000.0, 200000.0]}


def test_messages_name_a_cell_by_the_values_as_written() -> None:
    from screener.api import load_theme
    from screener.backtest.settings import BacktestSettings
    from screener.batch.plan import Cell, describe

    cell = Cell(0, load_theme("fiber"), BacktestSettings(), {"max_participation": None, "cash": 100000.0})
    assert describe(cell) == "fiber (max_participation=default, cash=100,000)"
