"""A SYNTHETIC backtest result for the report tests.

The prices are a seeded random walk on weekdays (not an exchange calendar), the basket is
a buy-and-hold of four members, and every figure in the result is computed from those
series here, so the numbers are consistent with each other but say nothing about any
real market. It follows the ``screener backtest --format json`` contract."""

from __future__ import annotations

import base64
import copy
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pandas as pd
import pytest

MEMBERS = [  # symbol, name, weight
    ("600522.SH", "中天科技", 0.25),
    ("600487.SH", "亨通光电", 0.25),
    ("002491.SZ", "通鼎互联", 0.25),
    ("688313.SH", "仕佳光子", 0.25),
]
PERIODS = 242


def _metrics(v: pd.Series) -> dict[str, float]:
    r = v.pct_change().dropna()
    total = float(v.iloc[-1] / v.iloc[0] - 1)
    ann = float((1 + total) ** (PERIODS / len(r)) - 1)
    vol = float(r.std(ddof=1) * math.sqrt(PERIODS))
    down = r[r < 0]
    mdd = float((v / v.cummax() - 1).min())
    return {
        "total_return": total,
        "annualized_return": ann,
        "volatility": vol,
        "sharpe": float(r.mean() / r.std(ddof=1) * math.sqrt(PERIODS)),
        "sortino": float(r.mean() / math.sqrt((down**2).sum() / len(r)) * math.sqrt(PERIODS)),
        "max_drawdown": mdd,
        "calmar": ann / abs(mdd),
    }


def make_result(seed: int = 7) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2024-12-31", "2026-05-11")
    n = len(dates)
    prices = {}
    for i, (sym, _, _) in enumerate(MEMBERS):
        drift = 0.0025 - 0.0012 * i
        steps = rng.normal(drift, 0.028, n)
        steps[0] = 0.0
        prices[sym] = pd.Series(10.0 * np.exp(np.cumsum(steps)), index=dates)
    bench = pd.Series(np.exp(np.cumsum(np.r_[0.0, rng.normal(0.0004, 0.011, n - 1)])), index=dates)
    shares = {sym: w / prices[sym].iloc[0] for sym, _, w in MEMBERS}
    basket = sum(shares[s] * prices[s] for s, _, _ in MEMBERS)
    basket = basket / basket.iloc[0]
    bench = bench / bench.iloc[0]
    b, m = _metrics(basket), _metrics(bench)
    rb, rm = basket.pct_change().dropna(), bench.pct_change().dropna()
    beta = float(rb.cov(rm) / rm.var())
    te = float((rb - rm).std(ddof=1) * math.sqrt(PERIODS))
    cash = 1_000_000.0
    members = []
    for sym, name, w in MEMBERS:
        ret = float(prices[sym].iloc[-1] / prices[sym].iloc[0] - 1)
        members.append(
            {"symbol": sym, "name": name, "board": None, "named_in_source": sym != "688313.SH", "in_basket": True,
             "weight_start": w, "total_return": ret, "contribution": w * ret, "trades": 1,
             "blocked_orders": 1 if sym == "688313.SH" else 0}
        )
    members.append(
        {"symbol": "000070.SZ", "name": "特发信息", "board": "main board", "named_in_source": False, "in_basket": False,
         "weight_start": None, "total_return": None, "contribution": None, "trades": 0, "blocked_orders": 0}
    )
    ytd = basket[basket.index >= "2025-12-31"]
    ytd_ret = float(ytd.iloc[-1] / ytd.iloc[0] - 1)
    return {
        "theme": "synthetic-fiber",
        "theme_name": "光纤 Optical fiber (SYNTHETIC TEST DATA)",
        "data_source": "demo",
        "label": "DEMO — synthetic prices",
        "demo": True,
        "start": "2025-01-01",
        "end": "2026-05-11",
        "base_date": "2024-12-31",
        "sessions": n - 1,
        "settings": {
            "start": "2025-01-01", "end": "2026-05-11", "rebalance": "none", "weights": "equal",
            "members": "all", "benchmark": "000300.SH", "fill": "open", "cash": cash, "lot_size": None,
            "costs": {
                "enabled": True, "commission": 0.00025, "min_commission": 5.0,
                "stamp_duty": [{"since": None, "rate": 0.001}, {"since": "2023-08-28", "rate": 0.0005}],
                "transfer_fee": 0.00001,
            },
            "risk_free": 0.0, "sessions_per_year": PERIODS,
        },
        "basket": {**b, "final_value": cash * float(basket.iloc[-1]), "costs_paid": 1234.56, "turnover": 1.0},
        "benchmark": {
            "symbol": "000300.SH", "name": "CSI 300", **{k: m[k] for k in ("total_return", "annualized_return", "volatility", "max_drawdown")},
        },
        "relative": {
            "excess_return": b["total_return"] - m["total_return"], "beta": beta,
            "alpha": b["annualized_return"] - beta * m["annualized_return"], "tracking_error": te,
            "information_ratio": (b["annualized_return"] - m["annualized_return"]) / te,
        },
        "members": members,
        "claims": [
            {"id": "fiber-index-ytd", "kind": "period_return", "subject": "Wind 光纤指数 (Wind fiber index)",
             "start": "2026-01-01", "end": "2026-05-11", "comparison": "at_least", "tolerance": None,
             "proxy": "basket", "claimed": 1.2165, "measured": ytd_ret,
             "verdict": "holds" if ytd_ret >= 1.2165 else "fails",
             "detail": "proxy: basket (equal weight, no costs, close fills)",
             "quote": "Wind数据显示，截至5月11日收盘，A股市场光纤指数年内涨幅已超121.65%。"},
            {"id": "limit-up-0511", "kind": "limit_up", "subject": "600522.SH, 600487.SH | both",
             "start": "2026-05-11", "end": "2026-05-11", "claimed": ["600522.SH", "600487.SH"],
             "measured": None, "verdict": "no_data", "detail": "no bar on 2026-05-11 for 600487.SH",
             "quote": "中天科技、亨通光电5月11日涨停。"},
        ],
        "equity": [
            {"date": d.date().isoformat(), "basket": float(x), "benchmark": float(y)}
            for d, x, y in zip(dates, basket, bench)
        ],
        "warnings": [
            {"kind": "blocked_order", "symbol": "688313.SH", "date": "2025-01-02",
             "message": "buy blocked at the upper limit price on 1 session(s): 2025-01-02 <script>alert(1)</script>"},
            {"kind": "missing_sessions", "symbol": "600487.SH", "date": "2026-03-02",
             "message": "600487.SH: 3 sessions without a row (suspended?): 2026-03-02, 2026-03-03, 2026-03-04"},
            {"kind": "missing_data", "symbol": "000070.SZ", "date": None, "message": "no data for 000070.SZ"},
        ],
        "generated_by": "screener (synthetic test fixture)",
    }


_RESULT = make_result()


@pytest.fixture(scope="session")
def synthetic_result() -> dict[str, Any]:
    """The synthetic result shared by a session (do not mutate; use ``result``)."""
    return copy.deepcopy(_RESULT)


@pytest.fixture
def result() -> dict[str, Any]:
    """A fresh deep copy of the synthetic result (tests may mutate it)."""
    return copy.deepcopy(_RESULT)


@pytest.fixture(scope="session")
def synthetic_reports(tmp_path_factory: pytest.TempPathFactory, synthetic_result: dict[str, Any]) -> Path:
    """The folder holding every format of the synthetic result, rendered once for the
    session (an HTML report is seconds of chart drawing): read, never write, in it."""
    from screener.report import export

    out = tmp_path_factory.mktemp("synthetic-reports")
    export(synthetic_result, ["html", "md", "csv", "json", "xlsx"], out)
    return out


@pytest.fixture(scope="session")
def demo_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder `screener backtest fiber --demo --export html,md,csv,json,xlsx` wrote,
    once for the session: read, never write, in it."""
    from click.testing import CliRunner

    from screener.cli import cli

    out = tmp_path_factory.mktemp("demo-reports") / "reports"
    res = CliRunner().invoke(cli, ["backtest", "fiber", "--demo", "--export", "html,md,csv,json,xlsx", "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


@pytest.fixture(scope="session")
def demo_pages(tmp_path_factory: pytest.TempPathFactory, demo_reports: Path) -> Callable[[str, str], tuple[Path, dict]]:
    """``demo_pages("event", "zh")``: the HTML page and JSON result of `screener --lang zh
    backtest fiber --demo` ("backtest") or `... event green-power --demo` ("event"),
    rendered once for the session (the English backtest is :func:`demo_reports`')."""
    import json

    from click.testing import CliRunner

    from screener import i18n
    from screener.cli import cli

    commands = {"backtest": ["backtest", "fiber", "--demo"], "event": ["event", "green-power", "--demo"]}
    made: dict[tuple[str, str], Path] = {("backtest", "en"): next(demo_reports.glob("*.html"))}

    def page(kind: str, lang: str) -> tuple[Path, dict]:
        if (kind, lang) not in made:
            out = tmp_path_factory.mktemp(f"demo-{kind}-{lang}")
            try:
                res = CliRunner().invoke(cli, ["--lang", lang, *commands[kind], "--export", "html,json", "--out", str(out)])
            finally:
                i18n.set_language(None)
            assert res.exit_code == 0, res.output
            made[kind, lang] = next(out.glob("*.html"))
        html = made[kind, lang]
        return html, json.loads(html.with_suffix(".json").read_text("utf-8"))

    return page


SHORT_SPEC = Path(__file__).resolve().parents[2] / "backtests" / "green-power-2026-05-11.yaml"  # 2 sessions


@pytest.fixture(scope="session")
def short_result() -> dict[str, Any]:
    """The demo backtest of the two-session green-power spec (do not mutate)."""
    import json

    from click.testing import CliRunner

    from screener.cli import cli

    res = CliRunner().invoke(cli, ["backtest", str(SHORT_SPEC), "--demo", "--format", "json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.fixture(scope="session")
def short_reports(tmp_path_factory: pytest.TempPathFactory, short_result: dict[str, Any]) -> Callable[[str], dict[str, Path]]:
    """``short_reports("zh")``: the HTML, Markdown, Excel and JSON reports of
    :func:`short_result` in that language, by suffix, rendered once for the session."""
    from screener import i18n
    from screener.report import export

    made: dict[str, dict[str, Path]] = {}

    def reports(lang: str) -> dict[str, Path]:
        if lang not in made:
            i18n.set_language(lang)
            try:
                paths = export(short_result, ["html", "md", "xlsx", "json"], tmp_path_factory.mktemp(f"short-{lang}"))
            finally:
                i18n.set_language(None)
            made[lang] = {p.suffix.lstrip("."): p for p in paths if p.suffix != ".png"}
        return made[lang]

    return reports


@pytest.fixture
def quick_render(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reports without their seconds of matplotlib and fontTools, for tests whose rule is
    in neither: each chart an empty SVG (or a 1-pixel PNG), no embedded font subset. The
    real charts and font are checked by test_export's full render (images, SVG counts,
    the font's coverage), test_charts and the browser tests."""
    from screener.report import charts, html

    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==")
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1" viewBox="0 0 1 1"></svg>'
    monkeypatch.setattr(charts, "figure", lambda view, name, fmt, *, narrow=False: svg if fmt == "svg" else png)
    monkeypatch.setattr(html, "subset_font_css", lambda text: "")


def missing(what: str, fix: str) -> NoReturn:
    """A browser-test prerequisite is missing: skip locally, but fail under ``CI``,
    whose `.ci/run` installs every one of them (a skipped check is not a passed one)."""
    if os.environ.get("CI"):
        pytest.fail(f"{what}; under CI this fails instead of skipping ({fix})")
    pytest.skip(f"{what} ({fix})")


@pytest.fixture
def skip_or_fail_in_ci() -> Callable[[str, str], NoReturn]:
    """:func:`missing`, for test modules (which cannot import this conftest)."""
    return missing


@pytest.fixture
def cjk_font() -> None:
    """Skip without a CJK font locally; in CI (which installs fonts-noto-cjk) fail."""
    from screener.report.fonts import find_cjk_font

    if find_cjk_font() is None:
        missing("no CJK font installed", "apt-get install fonts-noto-cjk")
