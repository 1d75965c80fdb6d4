"""A batch's cells are the backtests they stand for: each cell's figures equal
`screener backtest` run alone with the same settings, whatever panel it shares; the
data is loaded once for all panels."""

from __future__ import annotations

from datetime import date

import pytest

from screener.backtest.run import run_backtest
from screener.backtest.settings import BacktestSettings
from screener.batch import request
from screener.batch.execute import Execution
from screener.data.demo import DemoStore
from screener.data.model import DataOptions
from screener.api import load_theme

TODAY = date(2026, 11, 30)
RUN = request.Run(data=DataOptions(demo=True), execution=Execution(workers=0), today=TODAY)


class CountingStore(DemoStore):
    def __init__(self) -> None:
        self.loads: list[tuple] = []

    def load(self, symbols, start=None, end=None):  # type: ignore[no-untyped-def]
        self.loads.append((tuple(symbols), start, end))
        return super().load(symbols, start, end)


@pytest.fixture(scope="module")
def swept() -> dict:
    vary = {"start": ["2026-02-02", "2026-06-01"], "members": ["all", "named"], "rebalance": ["none", "monthly"],
            "benchmark": ["default", "399001.SZ"]}
    return request.sweep("fiber", vary, {"end": date(2026, 9, 30)}, RUN)


def test_every_cell_equals_a_backtest_run_alone(swept: dict) -> None:
    theme = load_theme("fiber")
    assert swept["n_cells"] == 16 and len(swept["cells"]) == 16
    for cell in swept["cells"]:
        p = cell["params"]
        settings = BacktestSettings(start=p["start"], end=date(2026, 9, 30), members=p["members"],
                                    rebalance=p["rebalance"], benchmark=p["benchmark"])
        alone = run_backtest(theme, settings, DemoStore(), today=TODAY)
        assert cell["basket"] == {k: alone["basket"][k] for k in cell["basket"]}, p
        assert cell["benchmark"] == alone["benchmark"], p
        assert cell["window"] == {"start": alone["start"], "base_date": alone["base_date"], "end": alone["end"],
                                  "sessions": alone["sessions"]}
        assert (cell["claims_hold"], cell["claims_total"]) == (
            sum(c["verdict"] == "holds" for c in alone["claims"]), len(alone["claims"]))
        assert cell["warnings_n"] == len(alone["warnings"]), p


def test_cell_figures_are_the_backtest_figures_not_a_subset(swept: dict) -> None:
    cell = swept["cells"][0]
    assert set(cell["basket"]) == {"total_return", "annualized_return", "volatility", "sharpe", "sortino",
                                   "max_drawdown", "calmar", "final_value", "costs_paid", "turnover"}
    assert {"symbol", "name", "total_return", "excess_return", "beta", "alpha", "tracking_error",
            "information_ratio"} <= set(cell["benchmark"])


def test_the_data_of_all_panels_is_loaded_once_over_the_union_window(monkeypatch: pytest.MonkeyPatch) -> None:
    store = CountingStore()
    monkeypatch.setattr("screener.data.open_store", lambda _options: store)
    doc = request.sweep("fiber", {"start": ["2025-03-03", "2026-03-02"], "benchmark": ["default", "399001.SZ"]},
                        {"end": date(2026, 6, 30)}, RUN)
    assert doc["n_cells"] == 4
    assert len(store.loads) == 1
    symbols, start, end = store.loads[0]
    assert {"000300.SH", "399001.SZ"} <= set(symbols)
    # the earlier start's base (2025-02-28) less 120 days of history; the claim reaches back no further
    assert start <= date(2024, 10, 31) and end == date(2026, 6, 30)


def test_progress_hears_every_cell_as_it_completes() -> None:
    heard: list[tuple[int, int]] = []
    run = request.Run(data=DataOptions(demo=True), execution=Execution(workers=0), today=TODAY,
                      progress=lambda done, total: heard.append((done, total)))
    request.sweep("fiber", {"rebalance": ["none", "monthly", "quarterly"]}, {"start": date(2026, 3, 2),
                                                                             "end": date(2026, 5, 11)}, run)
    assert heard == [(0, 3), (1, 3), (2, 3), (3, 3)]


@pytest.mark.parametrize("execution, cells, work, mode", [
    (Execution(), 7, 10**9, "process"),          # a small grid: fewer than 8 cells
    (Execution(), 400, 1_000_000, "process"),    # little work: 400 cells of 10 members × 250 sessions
    (Execution(), 8, 10**7, "local"),
    (Execution(workers=0), 10**4, 10**9, "process"),
    (Execution(workers=3), 2, 10, "local"),
    (Execution(workers=0, scheduler="tcp://127.0.0.1:8786"), 2, 10, "scheduler"),
])
def test_where_cells_run(execution: Execution, cells: int, work: int, mode: str) -> None:
    assert execution.mode(cells, work) == mode


@pytest.mark.parametrize("cells, threads, sizes", [
    # half a thread's share of what is left, rounded up, at most 20: 1,000 cells on 2
    # threads go 20 at a time until 80 are left, then 20 (80/4), 15 (60/4 of the 60
    # left), 12, 9, 6, 5, 4, 3, 2 and single cells once 4 or fewer are left
    (1000, 2, [20] * 47 + [15, 12, 9, 6, 5, 4, 3, 2, 1, 1, 1, 1]),
    (36, 2, [9, 7, 5, 4, 3, 2, 2, 1, 1, 1, 1]),
    (6, 2, [2, 1, 1, 1, 1]),
    (3, 1, [2, 1]),
    (0, 2, []),
])
def test_cells_go_to_workers_in_chunks_that_shrink_towards_the_end(cells: int, threads: int, sizes: list[int]) -> None:
    from screener.batch.execute import chunk_sizes

    assert chunk_sizes(cells, threads) == sizes


WARM_UP = """
import psutil
from screener.batch import request
from screener.batch.execute import Execution
from screener.errors import UserError
try:
    request.sweep("no-such-theme", {{"rebalance": ["monthly", "quarterly"]}}, {{}},
                  request.Run(execution={execution}))
except UserError:
    pass
print(sum("forkserver" in " ".join(c.cmdline()) for c in psutil.Process().children()))
"""


WARM_UP_COUNTED = """
from datetime import date
import psutil
from screener.batch import request
from screener.batch.execute import Execution
from screener.data.model import DataOptions
grid = {{"fill": ["open", "close"], "rebalance": ["none", "monthly"], "cash": [1e6, 2e6][:{cash_levels}]}}
doc = request.sweep("fiber", grid, {{"start": "2026-01-05", "end": "2026-03-31"}},
                    request.Run(data=DataOptions(demo=True), execution=Execution(), today=date(2026, 11, 30)))
servers = sum("forkserver" in " ".join(c.cmdline()) for c in psutil.Process().children())
print(doc["n_cells"], doc["executed"]["mode"], servers)
"""


@pytest.mark.parametrize("cash_levels, expected", [
    (2, "8 process 1"),  # 8 cells: a local cluster by their count, so its workers start importing; the
                         # work (10 members × 60 sessions each) then keeps them in this process
    (1, "4 process 0"),  # fewer than 8 cells: this process, nothing started
])
def test_without_workers_the_fork_server_starts_once_the_cells_are_enough_for_a_local_cluster(
        cash_levels: int, expected: str) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", WARM_UP_COUNTED.format(cash_levels=cash_levels)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == expected


@pytest.mark.parametrize("execution, fork_servers", [
    ("Execution(workers=2)", 1),  # a local cluster for sure: its workers start importing at once
    ("Execution(workers=0)", 0),
    ("Execution()", 0),  # where the cells run depends on the work, known once the data are in
    ("Execution(workers=2, scheduler='tcp://127.0.0.1:1')", 0),
])
def test_the_workers_start_importing_before_the_targets_are_read_only_when_a_local_cluster_is_sure(
        execution: str, fork_servers: int) -> None:
    """The theme is unknown: the batch stops before any data or cluster, after the
    fork server of a sure local cluster has started (a fresh process: one per process)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", WARM_UP.format(execution=execution)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(fork_servers)]
