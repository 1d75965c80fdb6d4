"""`screener backtest` through click's CliRunner: demo data, local files, specs, errors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from screener.backtest.settings import BacktestSettings
from screener.cli import cli
from screener.data import DEMO_LABEL
from tests.backtest.helpers import apart_from_engine, json_differences

REPO = Path(__file__).resolve().parents[2]
SPECS = REPO / "backtests"
FIBER = ["backtest", "fiber", "--demo", "--end", "2026-05-11"]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def fiber_json() -> dict:
    code, out, err = invoke(*FIBER, "--format", "json")
    assert code == 0, err
    return json.loads(out)  # stdout is the JSON and nothing else


def test_json_follows_the_contract(fiber_json: dict) -> None:
    r = fiber_json
    for key in ("theme", "data_source", "label", "start", "end", "base_date", "settings", "basket",
                "benchmark", "members", "claims", "equity", "warnings"):
        assert key in r
    assert (r["theme"], r["data_source"], r["label"]) == ("fiber", "demo", DEMO_LABEL)
    assert (r["start"], r["end"], r["base_date"]) == ("2026-01-01", "2026-05-11", "2025-12-31")
    for key in ("total_return", "annualized_return", "volatility", "sharpe", "sortino", "max_drawdown",
                "calmar", "final_value", "costs_paid", "turnover"):
        assert key in r["basket"]
    for key in ("symbol", "total_return", "annualized_return", "volatility", "max_drawdown"):
        assert key in r["benchmark"]
    relative = ("excess_return", "beta", "alpha", "tracking_error", "information_ratio")
    assert tuple(r["relative"]) == relative and all(isinstance(r["relative"][k], float) for k in relative)
    assert {k: r["benchmark"][k] for k in relative} == r["relative"]  # deprecated copies, for one more release
    for m in r["members"]:
        assert {"symbol", "name", "weight_start", "total_return", "contribution", "trades", "blocked_orders"} <= set(m)
    for c in r["claims"]:
        assert {"id", "kind", "subject", "start", "end", "claimed", "measured", "verdict", "detail"} <= set(c)
        assert c["verdict"] in ("holds", "fails", "no_data")
    assert r["equity"][0] == {"date": "2025-12-31", "basket": 1.0, "benchmark": 1.0}
    assert r["settings"]["costs"]["commission"] == 0.00025
    assert r["settings"]["benchmark"] == "000300.SH"


def test_json_numbers_are_consistent(fiber_json: dict) -> None:
    r = fiber_json
    eq = [row["basket"] for row in r["equity"]]
    assert r["basket"]["total_return"] == pytest.approx(eq[-1] - 1, rel=1e-12)
    assert sum(m["contribution"] for m in r["members"]) == pytest.approx(r["basket"]["total_return"], abs=1e-12)
    assert r["basket"]["final_value"] == pytest.approx(1e6 * eq[-1], rel=1e-12)
    peak = np.maximum.accumulate(eq)
    assert r["basket"]["max_drawdown"] == pytest.approx(min(np.array(eq) / peak - 1), rel=1e-12)
    # the basket claim is measured from the base close: the mean of member returns
    claim = r["claims"][0]
    assert claim["measured"] == pytest.approx(np.mean([m["total_return"] for m in r["members"]]), rel=1e-9)


def test_table_output_is_labelled_and_fits_80_columns() -> None:
    code, out, _ = invoke(*FIBER)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("*** DEMO — synthetic prices") and lines[-1].startswith("*** DEMO")
    for needle in ("Total return", "Members", "600522.SH", "中天科技", "Claims", "fiber-index-ytd", "FAILS"):
        assert needle in out
    from rich.cells import cell_len

    assert max(cell_len(line) for line in lines) <= 80


@pytest.mark.parametrize(
    "args",
    [
        ["backtest", str(SPECS / "green-power-2026-05-11.yaml"), "--demo"],  # a long benchmark name
        ["backtest", "hydrogen-low-altitude", "--demo"],  # a long theme name with Chinese
    ],
)
def test_every_table_line_fits_80_columns_when_piped(args: list[str]) -> None:
    from rich.cells import cell_len

    code, out, err = invoke(*args)
    assert code == 0, err
    assert max(cell_len(line) for line in out.splitlines()) <= 80
    assert "399438.SZ" in out or "hydrogen" in out


def test_piped_headers_line_up_with_right_aligned_figures() -> None:
    from rich.cells import cell_len

    code, out, _ = invoke(*FIBER)
    lines = out.splitlines()
    head = next(line for line in lines if "Basket" in line and "CSI 300" in line)
    total = next(line for line in lines if line.startswith("Total return"))
    assert cell_len(head) == cell_len(total)  # both columns end where their figures end
    assert head.index("Basket") + len("Basket") == total.index("%") + 1


def test_spec_runs_and_options_override_it() -> None:
    code, out, err = invoke("backtest", str(SPECS / "fiber-ytd-2026.yaml"), "--demo", "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    assert (r["start"], r["end"], r["settings"]["rebalance"]) == ("2026-01-01", "2026-05-11", "none")
    assert r["settings"]["costs"]["stamp_duty"] == [{"since": None, "rate": 0.0005}]
    code, out, err = invoke("backtest", str(SPECS / "fiber-ytd-2026.yaml"), "--demo", "--format", "json",
                            "--rebalance", "monthly", "--commission", "0.0001", "--no-costs")
    assert code == 0, err
    s = json.loads(out)["settings"]
    assert s["rebalance"] == "monthly" and s["costs"]["commission"] == 0.0001 and s["costs"]["enabled"] is False
    assert json.loads(out)["basket"]["costs_paid"] == 0.0


@pytest.mark.parametrize("spec", sorted(p.name for p in SPECS.glob("*.yaml")))
def test_shipped_specs_run_on_demo_data(spec: str) -> None:
    code, out, err = invoke("backtest", str(SPECS / spec), "--demo", "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    assert r["data_source"] == "demo" and r["claims"]


def test_green_power_spec_checks_the_day_claims() -> None:
    code, out, err = invoke("backtest", str(SPECS / "green-power-2026-05-11.yaml"), "--demo", "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    assert (r["base_date"], r["end"], r["sessions"]) == ("2026-05-07", "2026-05-11", 2)
    kinds = {c["kind"]: c for c in r["claims"]}
    assert set(kinds) == {"limit_up", "close_up"}
    assert [x["symbol"] for x in kinds["limit_up"]["results"]] == ["600236.SH", "002585.SZ"]
    assert r["benchmark"]["symbol"] == "399438.SZ"


def test_export_writes_reports_and_keeps_json_stdout_clean(tmp_path: Path) -> None:
    code, out, err = invoke(*FIBER, "--format", "json", "--export", "json,csv", "--out", str(tmp_path))
    assert code == 0, err
    json.loads(out)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert "fiber_2026-01-01_2026-05-11.json" in written
    assert any(n.endswith(".csv") for n in written)
    assert "wrote" in err
    saved = json.loads((tmp_path / "fiber_2026-01-01_2026-05-11.json").read_text(encoding="utf-8"))
    assert saved["basket"] == json.loads(out)["basket"]
    code, out, err = invoke(*FIBER, "--format", "json", "--export", "json", "--out", str(tmp_path))
    assert code == 2 and "--force" in err  # no overwrite without --force
    assert out == ""  # refused before printing: stdout never holds a result of a failed run
    code, _, err = invoke(*FIBER, "--export", "json", "--out", str(tmp_path), "--force")
    assert code == 0


def _local_files(tmp_path: Path) -> tuple[Path, Path, dict[str, pd.Series]]:
    """(theme file, data dir, raw closes by symbol): two members and CSI 300 as CSV files."""
    from screener.calendar import sessions

    days = sessions("2025-06-02", "2026-02-27")
    rng = np.random.default_rng(3)
    data = tmp_path / "data"
    data.mkdir()
    closes = {}
    for sym in ("600000.SH", "600036.SH", "000300.SH"):
        close = np.round(10 * np.exp(np.cumsum(rng.normal(0, 0.01, len(days)))), 2)
        closes[sym] = pd.Series(close, index=days)
        pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "open": close, "high": close, "low": close,
                      "close": close, "volume": 1e6}).to_csv(data / f"{sym}.csv", index=False)
    theme = tmp_path / "mine.yaml"
    theme.write_text("id: mine\nname: Mine\nmembers:\n  - {symbol: 600000.SH, name: A}\n"
                     "  - {symbol: 600036.SH, name: B}\n", encoding="utf-8")
    return theme, data, closes


LOCAL = ["--start", "2026-01-01", "--rebalance", "monthly", "--fill", "close"]


def test_data_dir_and_a_theme_file(tmp_path: Path) -> None:
    theme, data, _ = _local_files(tmp_path)
    code, out, err = invoke("backtest", str(theme), "--data-dir", str(data), *LOCAL, "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    assert r["data_source"] == "dir" and r["demo"] is False and "DEMO" not in r["label"]
    assert (r["base_date"], r["end"]) == ("2025-12-31", "2026-02-27")


def test_the_table_on_local_files_shows_the_figures(tmp_path: Path) -> None:
    """The terminal table of a non-demo result: no DEMO banner, and the figures are there."""
    theme, data, closes = _local_files(tmp_path)
    code, out, err = invoke("backtest", str(theme), "--data-dir", str(data), *LOCAL)
    assert code == 0, err
    assert "DEMO" not in out
    assert f"local files in {data}" in out.replace("\n  ", " ")  # where the data came from
    lines = out.splitlines()
    base, end = pd.Timestamp("2025-12-31"), pd.Timestamp("2026-02-27")
    own = {s: c[end] / c[base] - 1 for s, c in closes.items()}  # no dividends: raw closes
    total = next(line for line in lines if line.startswith("Total return")).split()
    assert total[-1] == f"{own['000300.SH']:+.2%}"  # the benchmark column
    code, js, _ = invoke("backtest", str(theme), "--data-dir", str(data), *LOCAL, "--format", "json")
    assert total[-2] == f"{json.loads(js)['basket']['total_return']:+.2%}"
    for sym, name in (("600000.SH", "A"), ("600036.SH", "B")):
        row = next(line for line in lines if line.startswith(sym)).split()
        assert row[:4] == [sym, name, "50.00%", f"{own[sym]:+.2%}"]  # equal weights, own return


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["backtest", "no-such-theme", "--demo"], "unknown theme or spec 'no-such-theme'"),
        ([*FIBER, "--start", "2026-06-01"], "end 2026-05-11 is before start 2026-06-01"),
        (["backtest", "green-power", "--demo", "--weights", "theme"], "no weight"),
        ([*FIBER, "--benchmark", "12345"], "--benchmark"),
        ([*FIBER, "--benchmark", "bk-oops"], "--benchmark: invalid symbol 'bk-oops'"),
        ([*FIBER, "--export", "pdf"], "unknown export format"),
        ([*FIBER, "--benchmark", "000300"], "--benchmark 000300.SZ: no data for it (DEMO — synthetic prices); "
                                            "for the index write 000300.SH"),
        ([*FIBER, "--start", "1999-01-01", "--end", "1999-02-01"], "too early: the XSHG calendar starts"),
        (["backtest", "fiber", "--demo", "--start", "2027-06-01"], "the data ends on 2026-11-20"),
    ],
)
def test_user_errors_exit_2_with_one_line(args: list[str], message: str, freeze_today) -> None:
    freeze_today(date(2026, 12, 1))  # --start must stay within a year of today, the data ends before it
    code, out, err = invoke(*args)
    assert code == 2, (out, err)
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("lang", "line"), [
    ("en", "error: --benchmark: invalid symbol 'bk-oops': expected a six-digit A-share code such as 600487, "
           "sh600487 or 600487.SH; a benchmark may also be an eastmoney board code BKnnnn, e.g. BK0715"),
    ("zh", "错误：--benchmark: 无效代码 'bk-oops'：应为六位 A 股代码，如 600487、sh600487 或 600487.SH；"
           "基准也可以是东方财富板块代码 BKnnnn，例如 BK0715"),
])
def test_a_bad_benchmark_says_board_codes_are_valid_too(lang: str, line: str) -> None:
    code, _, err = invoke(*FIBER, "--benchmark", "bk-oops", "--lang", lang)
    assert (code, err) == (2, line + "\n")


def test_an_end_before_the_start_says_what_to_do() -> None:
    code, _, err = invoke(*FIBER, "--start", "2026-06-01")
    assert code == 2
    assert err == "error: end 2026-05-11 is before start 2026-06-01: pick an end on or after the start\n"


def test_bad_spec_reports_file_and_line(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("theme: fiber\nstart: 2026-01-01\nrebalence: monthly\nfill: noon\n", encoding="utf-8")
    code, _, err = invoke("backtest", str(spec), "--demo")
    assert code == 2
    assert f"{spec}:3: rebalence: unknown key 'rebalence'" in err
    assert f"{spec}:4: fill:" in err


@pytest.mark.parametrize("text", ["", "# just a comment\n", "- fiber\n- green-power\n"])
def test_a_yaml_file_that_is_neither_a_spec_nor_a_theme_is_named(tmp_path: Path, text: str) -> None:
    spec = tmp_path / "empty.yaml"
    spec.write_text(text, encoding="utf-8")
    code, out, err = invoke("backtest", str(spec), "--demo")
    assert code == 2 and out == ""
    assert err == f"error: {spec}: neither a backtest spec (theme: plus options) nor a theme file (id:, name:, members:); see README: Backtests\n"


@pytest.mark.parametrize("spec", sorted(p.name for p in SPECS.glob("*.yaml")))
def test_backtrader_gives_the_same_json_as_the_fast_engine(spec: str) -> None:
    runs = {}
    for engine in ("fast", "backtrader"):
        code, out, err = invoke("backtest", str(SPECS / spec), "--demo", "--format", "json", "--engine", engine)
        assert code == 0, err
        runs[engine] = json.loads(out)
    fast, reference = runs["fast"], runs["backtrader"]
    assert (fast["settings"]["engine"], reference["settings"]["engine"]) == ("fast", "backtrader")
    assert json_differences(apart_from_engine(fast), apart_from_engine(reference)) == []
    assert any(m["trades"] for m in fast["members"])  # the books have something in them


def test_the_engine_is_a_spec_option_and_fast_by_default(tmp_path: Path) -> None:
    spec = tmp_path / "s.yaml"
    spec.write_text("theme: fiber\nstart: 2026-01-01\nend: 2026-02-27\nengine: backtrader\n", encoding="utf-8")
    code, out, err = invoke("backtest", str(spec), "--demo", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["settings"]["engine"] == "backtrader"
    code, out, _ = invoke(*FIBER, "--format", "json")
    assert json.loads(out)["settings"]["engine"] == "fast"
    spec.write_text("theme: fiber\nengine: vectorbt\n", encoding="utf-8")
    code, _, err = invoke("backtest", str(spec), "--demo")
    assert code == 2 and f"{spec}:2: engine:" in err


def test_liquidity_options_reach_the_settings_and_the_report() -> None:
    from screener.report.text import settings_rows

    code, out, err = invoke(*FIBER, "--format", "json", "--max-participation", "0.05", "--slippage", "7.5")
    assert code == 0, err
    settings = json.loads(out)["settings"]
    assert (settings["max_participation"], settings["slippage"]) == (0.05, 7.5)
    rows = dict(settings_rows(settings))
    assert rows["maximum participation"] == "5% of a session's volume" and rows["slippage"] == "7.5 bps"
    default = dict(settings_rows(BacktestSettings().model_dump(mode="json")))
    assert default["maximum participation"] == "no cap" and default["slippage"] == "none"
    for flag, bad in (("--max-participation", "0"), ("--max-participation", "1.5"), ("--slippage", "-1")):
        code, _, err = invoke(*FIBER, flag, bad)
        assert code == 2 and flag in err
