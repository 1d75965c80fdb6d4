"""One cell's work: simulate on an aligned panel and measure the figures.

:func:`run_cell` is what a Dask worker runs. It takes the aligned panel (scattered to
every worker once) and the cell's settings, and never touches a data store, so workers
need nothing but ``screener`` installed: no network, no cache, no files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from screener.backtest import run as stages
from screener.backtest.metrics import finite
from screener.backtest.settings import BacktestSettings


@dataclass(frozen=True)
class Outcome:
    """A cell's figures (as in the backtest JSON's ``basket`` and ``benchmark``), its
    warning count and its equity curve (value over the base value at each session of
    the panel, the base date first: the panel's dates, which the client has)."""

    basket: dict[str, Any]
    benchmark: dict[str, Any]
    warnings_n: int
    start: str
    base_date: str
    end: str
    equity: np.ndarray


def run_cell(aligned: stages.Aligned, settings: BacktestSettings) -> Outcome:
    """Simulate ``settings`` on ``aligned`` and measure it (no member rows, no claims)."""
    res = stages.simulate(aligned, settings)
    m = stages.measure(aligned, res, settings, brief=True)
    window = aligned.request.window
    return Outcome(
        basket=_json_numbers(m.basket),
        benchmark=_json_numbers(m.bench_block),
        warnings_n=len(m.warnings),
        start=window.start.isoformat(),
        base_date=window.base.isoformat(),
        end=aligned.end.isoformat(),
        equity=m.equity.to_numpy(dtype=float),
    )


def _json_numbers(block: dict[str, Any]) -> dict[str, Any]:
    """Numbers as finite floats or None (as the backtest JSON has them); text kept."""
    return {k: finite(v) if isinstance(v, (int, float, np.number)) and not isinstance(v, bool) else v
            for k, v in block.items()}
