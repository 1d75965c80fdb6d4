"""The report's view of a result: checks, derived series, formatting."""

from __future__ import annotations

import math

import pytest

from screener.fmt import pct, plain
from screener.report.text import claim_value
from screener.report.view import ReportError, ReportView


def _tiny(rows):
    return {"theme": "t", "start": "2025-01-01", "end": "2025-03-31", "equity": rows}


def test_monthly_returns_chain_from_the_base_value():
    view = ReportView(_tiny([
        {"date": "2024-12-31", "basket": 1.0, "benchmark": 1.0},
        {"date": "2025-01-15", "basket": 1.2, "benchmark": 1.0},
        {"date": "2025-01-31", "basket": 1.1, "benchmark": 1.0},
        {"date": "2025-02-28", "basket": 0.99, "benchmark": 1.0},
        {"date": "2025-03-03", "basket": 1.188, "benchmark": 1.0},
    ]))
    table = view.monthly_returns()
    assert list(table.index) == [2025]  # December 2024 holds only the base row: left out
    assert table.loc[2025, 1] == pytest.approx(0.10)
    assert table.loc[2025, 2] == pytest.approx(-0.10)
    assert table.loc[2025, 3] == pytest.approx(0.20)
    assert math.isnan(table.loc[2025, 4])
    assert table.loc[2025, "year"] == pytest.approx(1.188 - 1)


def test_monthly_returns_of_a_window_starting_mid_month_measure_from_the_base():
    view = ReportView(_tiny([
        {"date": "2025-01-10", "basket": 1.0},
        {"date": "2025-01-31", "basket": 1.05},
        {"date": "2025-02-03", "basket": 0.84},
    ]))
    table = view.monthly_returns()
    assert table.loc[2025, 1] == pytest.approx(0.05)
    assert table.loc[2025, 2] == pytest.approx(-0.20)


def test_drawdown_is_value_over_running_peak():
    view = ReportView(_tiny([
        {"date": "2025-01-01", "basket": 1.0, "benchmark": 1.0},
        {"date": "2025-01-02", "basket": 1.25, "benchmark": 0.9},
        {"date": "2025-01-03", "basket": 1.0, "benchmark": 0.95},
        {"date": "2025-01-06", "basket": 1.3, "benchmark": 1.1},
    ]))
    dd = view.drawdown()
    assert list(dd["basket"]) == pytest.approx([0.0, 0.0, -0.2, 0.0])
    assert list(dd["benchmark"]) == pytest.approx([0.0, -0.1, -0.05, 0.0])


def test_equity_rows_are_sorted_and_benchmark_is_optional():
    view = ReportView(_tiny([{"date": "2025-01-03", "basket": 1.1}, {"date": "2025-01-02", "basket": 1.0}]))
    assert [d.day for d in view.equity.index] == [2, 3]
    assert not view.has_benchmark_series
    assert str(view.data_through) == "2025-01-03"


@pytest.mark.parametrize("missing", ["theme", "start", "end", "equity"])
def test_a_result_without_a_required_field_is_refused(result, missing):
    del result[missing]
    with pytest.raises(ReportError, match=missing):
        ReportView(result)


@pytest.mark.parametrize("bad", [[{"basket": 1.0}], [{"date": "yesterday", "basket": 1.0}], [{"date": "2025-01-01"}], "x"])
def test_bad_equity_is_refused(result, bad):
    result["equity"] = bad
    with pytest.raises(ReportError, match="equity"):
        ReportView(result)


def test_a_bad_window_date_is_named(result):
    result["start"] = "01/01/2025"
    with pytest.raises(ReportError, match="start '01/01/2025'"):
        ReportView(result)


@pytest.mark.parametrize("theme", ["../../etc/passwd", "a/b", "a\\b", "..", "Fiber", "fiber.html", "", "x" * 65, "-x"])
def test_theme_ids_that_are_not_slugs_cannot_name_files(result, theme):
    result["theme"] = theme or None
    with pytest.raises(ReportError):
        _ = ReportView(result).stem


def test_stem_is_theme_and_window(result):
    assert ReportView(result).stem == "synthetic-fiber_2025-01-01_2026-05-11"
    result["theme"] = {"id": "fiber", "name": "光纤"}
    view = ReportView(result)
    assert (view.stem, view.theme_name) == ("fiber_2025-01-01_2026-05-11", "光纤")


def test_members_and_claims_are_read_tolerantly(result):
    result["members"].append({"symbol": "430047.BJ", "name": "诺思兰德", "blocked_orders": [{"date": "2025-01-02"}] * 3})
    result["claims"].append({"kind": "close_up", "date": "2026-05-11", "symbols": ["600522.SH"], "verdict": "holds"})
    view = ReportView(result)
    bj = view.members[-1]
    assert (bj.board, bj.blocked_orders, bj.total_return, bj.weight) == ("Beijing SE", 3, None, None)
    assert view.members[0].board == "main board" and view.members[3].board == "STAR Market"
    c = view.claims[-1]
    assert (c.window, c.subject, c.verdict) == ("2026-05-11", "600522.SH", "holds")


def test_formatting_never_invents_a_value():
    assert pct(None) == "—" and pct("n/a") == "—" and pct(float("nan")) == "—"
    assert pct(0.12345) == "+12.35%" and pct(-0.5, signed=False) == "-50.00%"
    assert plain(0.00001) == "0.00001" and plain(1_000_000.0) == "1,000,000" and plain(True) == "yes"
    assert plain(["a", "b"]) == "a, b"


def test_claim_values_are_percentages_only_for_return_claims(result):
    view = ReportView(result)
    ret, day = view.claims
    assert claim_value(ret, 1.2165) == "+121.65%"
    assert claim_value(day, ["600522.SH", "600487.SH"]) == "600522.SH, 600487.SH"
    assert claim_value(day, None) == "—"
    assert claim_value(day, {"600522.SH": 0.1, "600487.SH": -0.0483}) == "600522.SH +10.00%; 600487.SH -4.83%"


def test_costs_and_settings_are_described_in_words(result):
    from screener.report.text import costs_note, methodology, settings_rows

    view = ReportView(result)
    assert costs_note(view.settings["costs"]) == (
        "Costs: commission 0.025% of traded value (at least 5 CNY an order); "
        "stamp duty on sells 0.1%, 0.05% from 2023-08-28; transfer fee 0.001%."
    )
    assert costs_note({"enabled": False}) == "Costs: none (the run excluded trading costs)."
    rows = dict(settings_rows(view.settings))
    assert rows["lot size"] == "board lots" and rows["starting cash (CNY)"] == "1,000,000"
    assert rows["stamp duty (sells)"] == "0.1%, 0.05% from 2023-08-28"
    assert (rows["commission"], rows["transfer fee"], rows["risk-free rate"]) == ("0.025%", "0.001%", "0%")
    assert rows["rebalance"] == "none (buy and hold)" and rows["fill"] == "next open"
    assert any("242 sessions a year and a risk-free rate of 0.00%" in n for n in methodology(view))


def test_warnings_may_be_strings_or_records(result):
    result["warnings"] = [
        "plain text warning",
        {"kind": "blocked_order", "symbol": "600522.SH", "date": "2025-01-02", "message": "buy blocked"},
        {"kind": "data", "symbol": None, "date": None, "message": "calendar fallback after 2026-12-31"},
    ]
    from screener.report.text import warning_text

    texts = [warning_text(w) for w in ReportView(result).warnings]
    assert texts == ["plain text warning", "blocked order: 600522.SH: buy blocked", "data: calendar fallback after 2026-12-31"]


def test_claimed_text_carries_the_comparison(result):
    from screener.report.text import claimed_text

    result["claims"][0].update(comparison="about", tolerance=0.02)
    ret, day = ReportView(result).claims
    assert claimed_text(ret) == "≈ +121.65% ±2.00%"
    assert claimed_text(day) == "600522.SH, 600487.SH"


@pytest.mark.parametrize("name", ["equity", "drawdown"])
def test_a_short_window_has_one_tick_per_session_and_no_hours(name):
    import io
    import re

    from matplotlib.figure import Figure

    from screener.report import charts

    view = ReportView(_tiny([
        {"date": "2026-05-07", "basket": 1.0, "benchmark": 1.0},
        {"date": "2026-05-08", "basket": 0.99, "benchmark": 1.02},
        {"date": "2026-05-11", "basket": 0.985, "benchmark": 1.03},
    ]))
    fig = Figure()
    charts._DRAW[name](view, fig, False, False)
    fig.savefig(io.BytesIO(), format="png")
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["2026-05-07", "2026-05-08", "2026-05-11"]
    assert not any(re.search(r"\d\d:\d\d| 00| 12", t) for t in labels)


def test_turnover_is_a_percentage_as_in_the_terminal(result, tmp_path):
    from openpyxl import load_workbook

    from screener.report import export
    from screener.report.text import relative_rows

    result["basket"]["turnover"] = 0.1086
    assert dict(relative_rows(ReportView(result)))["Turnover"] == "10.86%"
    (path,) = export(result, ["xlsx"], tmp_path)
    cells = {r[0].value: r[1] for r in load_workbook(path)["summary"].iter_rows(min_row=2)}
    assert cells["turnover"].value == 0.1086 and cells["turnover"].number_format == "0.00%"


@pytest.mark.parametrize("demo", [True, False])
def test_every_chart_of_demo_data_says_so(monkeypatch, demo):
    from matplotlib.figure import Figure

    from screener.report import charts

    view = ReportView({**_tiny([{"date": "2025-01-02", "basket": 1.0}, {"date": "2025-01-03", "basket": 1.01}]),
                       "data_source": "demo" if demo else "dir", "label": "DEMO — synthetic prices" if demo else "x"})
    titles = []
    real = Figure.savefig
    monkeypatch.setattr(Figure, "savefig", lambda fig, *a, **k: (titles.append(fig.get_suptitle()), real(fig, *a, **k)))
    for name in charts.CHARTS:
        charts.figure(view, name, "png")
    assert titles == (["DEMO — synthetic prices"] if demo else [""]) * len(charts.CHARTS)


def test_relative_figures_come_from_the_relative_block_or_an_older_results_benchmark(result):
    from screener.report.text import relative_rows

    rows = dict(relative_rows(ReportView(result)))
    beta = result["relative"]["beta"]
    assert rows["Beta"] == f"{beta:.2f}"
    older = {k: v for k, v in result.items() if k != "relative"}  # written before the block existed
    older["benchmark"] = {**result["benchmark"], **result["relative"]}
    assert dict(relative_rows(ReportView(older))) == rows
    result["benchmark"]["beta"] = 99.0  # a stale copy in "benchmark" is not what is shown
    assert dict(relative_rows(ReportView(result)))["Beta"] == f"{beta:.2f}"


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "volume cap: 0.001% of a session's volume · slippage: 25 bps · engine: backtrader"),
    ("zh", "成交量上限：单日成交量的 0.001% · 滑点：25 个基点 · 引擎：backtrader"),
])
def test_the_settings_line_shows_the_volume_cap_slippage_and_a_non_default_engine(result, lang, expected):
    from screener import i18n
    from screener.report.text import settings_line

    i18n.set_language(lang)
    plain_line = settings_line(ReportView(result))  # the conftest result: no cap, no slippage, no engine
    result["settings"].update(max_participation=0.00001, slippage=25, engine="backtrader")
    line = settings_line(ReportView(result))
    assert line == f"{plain_line} · {expected}"
    result["settings"].update(max_participation=None, slippage=0.0, engine="fast")  # the defaults: not shown
    assert settings_line(ReportView(result)) == plain_line
