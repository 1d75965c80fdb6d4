"""benchmarks/bench_engine.py's report on hand-made runs (no process is spawned)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_engine.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_engine", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def _runs(totals: dict[str, float], case: str) -> dict:
    return {(case, name): [{"seconds": 0.1, "peak_rss": 2**20, "total": total}] for name, total in totals.items()}


def test_one_contender_or_a_case_with_costs_compares_nothing(bench, capsys) -> None:
    fast = bench.Contender("fast", "screener fast (default)", True)
    bt = bench.Contender("backtrader", "screener backtrader", True)
    alone = bench.report([bench.CASES["m50"]], [fast], "fast", _runs({"fast": 1.5}, "m50"), 500)
    with_costs = bench.report([bench.CASES["rules50"]], [fast, bt], "fast",
                              _runs({"fast": 1.5, "backtrader": 1.2}, "rules50"), 500)
    assert alone is None and with_costs is None
    assert bench.agreement(None) == (
        "frictionless totals: nothing compared (no frictionless case ran with two or more contenders)")
    # two frictionless totals: 1.5 against 1.5000015 differ by 1e-6 relative
    worst = bench.report([bench.CASES["m50"]], [fast, bt], "fast", _runs({"fast": 1.5, "backtrader": 1.5000015}, "m50"), 500)
    assert worst == pytest.approx(1e-6)
    assert bench.agreement(2e-6).endswith("max difference 2.00e-06 -> FAILED")
    assert "max relative difference 1.00e-06" in capsys.readouterr().out
