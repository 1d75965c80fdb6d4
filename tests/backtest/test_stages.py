"""The backtest pipeline's stages, each on its own: resolve → load → align → simulate →
measure → assemble, and many simulations on one aligned panel."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from screener.backtest import run as stages
from screener.backtest.settings import BacktestSettings, Costs
from tests.backtest.helpers import FakeStore
from tests.backtest.test_run import FRAMES, theme

TODAY = date(2024, 5, 1)
SETTINGS = BacktestSettings(start=date(2024, 1, 2), end=date(2024, 3, 29))


def variant(**options) -> BacktestSettings:
    return BacktestSettings.model_validate({**SETTINGS.model_dump(), **options})


def _aligned(settings: BacktestSettings = SETTINGS, store: FakeStore | None = None) -> stages.Aligned:
    return stages.align(stages.load(stages.resolve(theme(), settings, TODAY), store or FakeStore(FRAMES)))


def test_resolve_names_the_window_and_what_to_load_without_data() -> None:
    r = stages.resolve(theme(), SETTINGS, TODAY)
    # the base is the last session before 2024-01-02 (2023-12-29); the claims reach back to
    # 2024-01-01 - 40 days = 2023-11-22, and history goes 120 days before that: 2023-07-25
    assert r.window == stages.Window(date(2024, 1, 2), date(2023, 12, 29), date(2024, 3, 29))
    assert r.load_start == date(2023, 7, 25)
    assert r.benchmark == stages.Benchmark("000300.SH", None, "CSI 300")
    assert r.symbols == ["600000.SH", "600036.SH", "688001.SH", "000001.SZ", "000300.SH"]
    named = stages.resolve(theme(), variant(members="named"), TODAY)
    assert [m.symbol for m in named.members] == ["600000.SH", "600036.SH"]
    assert named.symbols == r.symbols  # the theme's other members are loaded for the claims


def test_load_asks_the_store_once_and_keeps_a_board_error_for_later() -> None:
    store = FakeStore(FRAMES)
    request = stages.resolve(theme(), SETTINGS, TODAY)
    loaded = stages.load(request, store)
    assert store.loads == [(tuple(request.symbols), request.load_start, request.load_end)]
    assert set(loaded.frames) == {"600000.SH", "600036.SH", "688001.SH", "000300.SH"}
    boarded = stages.load(stages.resolve(theme(benchmark={"board": "BK0715"}), SETTINGS, TODAY), store)
    assert boarded.board is None and "not in the test store" in str(boarded.board_error)


def test_align_builds_the_panel_of_the_members_with_data() -> None:
    aligned = _aligned()
    assert aligned.panel.symbols == ["600000.SH", "600036.SH", "688001.SH"]
    assert aligned.panel.dates[0] == pd.Timestamp("2023-12-29") and aligned.end == date(2024, 3, 29)
    assert [(w["kind"], w["symbol"]) for w in aligned.warnings] == [("dropped_member", "000001.SZ")]


def test_many_simulations_on_one_aligned_panel_match_whole_runs() -> None:
    store = FakeStore(FRAMES)
    aligned = _aligned(store=store)
    variants = [
        SETTINGS,
        variant(rebalance="monthly"),
        variant(rebalance="monthly", fill="close", risk_free=0.02),
        variant(costs=Costs(enabled=False), cash=50_000.0),
    ]
    for settings in variants:
        res = stages.simulate(aligned, settings)
        staged = stages.assemble(aligned, stages.measure(aligned, res, settings), settings)
        whole = stages.run_backtest(theme(), settings, FakeStore(FRAMES), today=TODAY)
        assert staged == whole
    assert len(store.loads) == 1  # loaded once for every variant
    equities = {stages.simulate(aligned, s).equity.iloc[-1] for s in variants}
    assert len(equities) == len(variants)  # the variants really differ


def test_simulate_refuses_settings_that_need_another_panel() -> None:
    aligned = _aligned()
    with pytest.raises(ValueError, match="start differ"):
        stages.simulate(aligned, variant(start=date(2024, 2, 1)))


def test_simulate_refuses_another_benchmark() -> None:
    """measure reads the benchmark from the loaded data: a cell with another benchmark
    would silently be measured against the request's, so it needs its own panel."""
    aligned = _aligned()
    with pytest.raises(ValueError, match="benchmark differ"):
        stages.simulate(aligned, variant(benchmark="399006.SZ"))
