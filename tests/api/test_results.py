"""Result objects: pandas views agree with the JSON document and with each other,
the notebook view says DEMO on demo data only, plot() draws the equity, export() writes
the command's reports."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

import screener
from screener.report import ReportError

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def monthly() -> screener.BacktestResult:
    """A spec with monthly rebalancing, so there are sells (stamp duty) as well as buys."""
    return screener.backtest("fiber-named-monthly-2025", demo=True)


def test_equity_view(monthly: screener.BacktestResult) -> None:
    doc = monthly.to_dict()
    eq = monthly.equity
    assert list(eq.columns) == ["basket", "benchmark"] and eq.index.name == "date"
    assert [d.date().isoformat() for d in eq.index] == [r["date"] for r in doc["equity"]]
    assert eq["basket"].tolist() == [r["basket"] for r in doc["equity"]]
    assert eq.iloc[0].tolist() == [1.0, 1.0]
    assert monthly.summary["total_return"] == pytest.approx(eq["basket"].iloc[-1] - 1, rel=1e-12)
    assert monthly.summary["benchmark_total_return"] == pytest.approx(eq["benchmark"].iloc[-1] - 1, rel=1e-12)
    assert monthly.summary["relative_excess_return"] == pytest.approx(
        eq["basket"].iloc[-1] - eq["benchmark"].iloc[-1], rel=1e-12)


def test_summary_names_the_relative_figures_relative_and_keeps_the_old_names_for_a_release() -> None:
    relative = {"excess_return": 0.17, "beta": 1.1, "alpha": 0.18, "tracking_error": 0.2, "information_ratio": 0.9}
    doc = {"theme": "t", "basket": {"total_return": 0.25, "sharpe": 1.5},
           "benchmark": {"symbol": "000300.SH", "name": "CSI 300", "total_return": 0.08, **relative},  # as the JSON
           "relative": relative}
    summary = screener.BacktestResult(doc).summary
    assert summary.to_dict() == {
        "total_return": 0.25, "sharpe": 1.5, "benchmark_total_return": 0.08,
        "relative_excess_return": 0.17, "relative_beta": 1.1, "relative_alpha": 0.18,
        "relative_tracking_error": 0.2, "relative_information_ratio": 0.9,
        # deprecated: the same five under their old names, for one more release
        "benchmark_excess_return": 0.17, "benchmark_beta": 1.1, "benchmark_alpha": 0.18,
        "benchmark_tracking_error": 0.2, "benchmark_information_ratio": 0.9,
    }


def test_trades_are_every_fill_with_its_costs(monthly: screener.BacktestResult) -> None:
    t = monthly.trades
    assert set(t["side"]) == {"buy", "sell"}
    np.testing.assert_allclose(t["value"], t["shares"] * t["price"], rtol=1e-12)
    np.testing.assert_allclose(t["cost"], t["commission"] + t["stamp_duty"] + t["transfer_fee"], rtol=1e-12)
    assert (t.loc[t["side"] == "buy", "stamp_duty"] == 0).all()
    sells = t[t["side"] == "sell"]
    np.testing.assert_allclose(sells["stamp_duty"], sells["value"] * 0.0005, rtol=1e-9)  # the rate since 2023-08-28
    assert (t["commission"] >= 5 - 1e-9).all()  # the 5 CNY minimum
    assert t["cost"].sum() == pytest.approx(monthly.summary["costs_paid"], rel=1e-12)
    per_member = t.groupby("symbol").size()
    members = monthly.members
    assert members["trades"].to_dict() == {s: int(per_member.get(s, 0)) for s in members.index}


def test_members_and_claims_views(monthly: screener.BacktestResult) -> None:
    doc = monthly.to_dict()
    assert list(monthly.members.index) == [m["symbol"] for m in doc["members"]] == ["600522.SH", "600487.SH", "002491.SZ"]
    assert monthly.members["contribution"].sum() == pytest.approx(monthly.summary["total_return"], abs=1e-12)
    assert monthly.claims["verdict"].tolist() == [c["verdict"] for c in doc["claims"]]
    assert monthly.warnings.to_dict("records") == doc["warnings"]


def test_the_notebook_view_says_demo_on_demo_data(monthly: screener.BacktestResult) -> None:
    page = monthly._repr_html_()
    assert "DEMO — synthetic prices — not real market data" in page
    assert f"{monthly.summary['total_return']:+.2%}" in page
    for claim in monthly.to_dict()["claims"]:
        assert claim["verdict"] in page
    assert "DEMO" in repr(monthly)


def test_local_files_are_not_labelled_demo(tmp_path: Path) -> None:
    # bars() in long format → one CSV per symbol → a --data-dir backtest
    frame = screener.bars(["600522.SH", "600487.SH", "002491.SZ", "000300.SH"], "2025-09-01", "2026-05-11", demo=True)
    for symbol, bars in frame.groupby("symbol"):
        bars.drop(columns="symbol").to_csv(tmp_path / f"{symbol}.csv", index=False)
    result = screener.backtest("fiber", members="named", end="2026-05-11", data_dir=tmp_path)
    assert not result.demo and result.data_source == "dir"
    page = result._repr_html_()
    assert "DEMO" not in page and str(tmp_path) in page
    demo = screener.backtest("fiber", members="named", end="2026-05-11", demo=True)
    assert result.summary["total_return"] == pytest.approx(demo.summary["total_return"], rel=1e-9)


def test_plot_draws_basket_and_benchmark(monthly: screener.BacktestResult) -> None:
    ax = monthly.plot()
    basket, bench = ax.get_lines()[:2]
    np.testing.assert_allclose(basket.get_ydata(), monthly.equity["basket"] - 1)
    np.testing.assert_allclose(bench.get_ydata(), monthly.equity["benchmark"] - 1)
    assert "DEMO" in ax.get_title()
    import matplotlib.pyplot as plt

    plt.close("all")


def test_export_writes_the_commands_reports(monthly: screener.BacktestResult, tmp_path: Path) -> None:
    paths = monthly.export("json,csv", tmp_path)
    assert {p.suffix for p in paths} == {".json", ".csv"}
    saved = next(p for p in paths if p.suffix == ".json")
    assert json.loads(saved.read_text(encoding="utf-8")) == monthly.to_dict()
    with pytest.raises(ReportError) as caught:
        monthly.export(["json"], tmp_path)
    assert str(caught.value) == (  # the API's keywords, not the command's --force / --out
        f"1 report file(s) already exist in {tmp_path} ({saved.name}): pass force=True to overwrite them or "
        "choose another out"
    )
    assert monthly.export(["json"], tmp_path, force=True) == [saved]


def test_export_errors_name_the_keywords(monthly: screener.BacktestResult, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("", encoding="utf-8")
    with pytest.raises(ReportError) as caught:
        monthly.export("json", tmp_path / "file")
    assert str(caught.value) == f"out {tmp_path / 'file'} is a file, not a folder: pass a folder for the reports"


def test_screen_views() -> None:
    result = screener.screen("fiber", sort="ret_60d", top=3, demo=True)
    rows = result.rows
    assert len(rows) == 3 and rows["ret_60d"].is_monotonic_decreasing
    assert set(rows["symbol"]) <= set(result.table["symbol"]) and len(result.table) == 7
    top3 = result.table.sort_values("ret_60d", ascending=False)["symbol"].head(3).tolist()
    assert rows["symbol"].tolist() == top3
    assert result.summary.to_dict() == {"screened": 7, "passed": 7, "failed": 0, "failed_missing": 0}
    assert result.as_of == pd.Timestamp(result.to_dict()["as_of"]).date()
    page = result._repr_html_()
    assert "DEMO" in page and rows["symbol"].iloc[0] in page
    ax = result.plot()
    assert [p.get_width() for p in ax.patches] == pytest.approx(rows["ret_60d"].tolist()[::-1])
    import matplotlib.pyplot as plt

    plt.close("all")


def _no_constants(name: str) -> None:
    raise AssertionError(f"{name} is not JSON")


def test_to_json_is_strict_json_like_the_command(monthly: screener.BacktestResult) -> None:
    # #10: to_json used plain json.dumps, which writes NaN / Infinity
    doc = monthly.to_dict()
    doc["basket"]["sharpe"], doc["basket"]["volatility"] = float("inf"), float("nan")
    doc["equity"][0]["benchmark"] = float("-inf")
    result = screener.BacktestResult(doc)
    for indent in (2, None):
        parsed = json.loads(result.to_json(indent=indent), parse_constant=_no_constants)
        assert parsed["basket"]["sharpe"] is None and parsed["basket"]["volatility"] is None
        assert parsed["equity"][0]["benchmark"] is None and parsed["equity"][1] == doc["equity"][1]
    assert result.to_dict()["basket"]["sharpe"] is None  # the document as `--format json` prints it
