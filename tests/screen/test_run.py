"""`screener.screen.run.screen` against a small in-memory store: valuations, missing
data, benchmarks, the as-of session, sorting with missing values."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

import pandas as pd
import pytest

from screener.calendar import sessions as xshg_sessions
from screener.data.model import Bars, BoardInfo, MarketData, Source
from screener.errors import DataError, UserError
from screener.screen.expr import parse_where
from screener.screen.factors import FACTOR_NAMES
from screener.screen.run import screen
from screener.screen.universe import (
    BenchmarkSpec,
    Universe,
    all_universe,
    board_universe,
)

GRID = xshg_sessions("2024-01-02", "2025-06-30")


def frame(closes: Sequence[float], dates: Sequence[pd.Timestamp]) -> pd.DataFrame:
    idx = pd.DatetimeIndex(dates, name="date")
    return pd.DataFrame(
        {"open": closes, "high": closes, "low": closes, "close": closes, "volume": 1e5,
         "amount": 1e6, "adj_factor": 1.0, "turnover": 0.01},
        index=idx,
    )


def linear(start: float, step: float, dates: Sequence[pd.Timestamp]) -> pd.DataFrame:
    return frame([round(start + step * k, 2) for k in range(len(dates))], dates)


class FakeStore:
    """Bars in memory; ``load`` clips to [start, end] like the real stores."""

    source = Source.DIR

    def __init__(self, frames: dict[str, pd.DataFrame], valuations: pd.DataFrame | None = None):
        self.frames = frames
        self.vals = valuations
        self.loads: list[tuple] = []

    def symbols(self) -> list[str]:
        return list(self.frames)

    def load(self, symbols: Sequence[str], start: date | None = None, end: date | None = None) -> MarketData:
        self.loads.append((tuple(symbols), start, end))
        bars = {}
        for s in symbols:
            if s in self.frames:
                f = self.frames[s]
                f = f[(f.index >= pd.Timestamp(start or "1990-01-01")) & (f.index <= pd.Timestamp(end or "2100-01-01"))]
                bars[s] = Bars(s, f, Source.DIR, "memory", None, f"name-{s[:6]}")
        return MarketData(bars, Source.DIR, "dir (memory)", [s for s in symbols if s not in self.frames])

    def board(self, code: str, source: str = "em") -> BoardInfo:
        if code != "BK0001":
            raise DataError(f"no board {code}")
        members = pd.DataFrame({"symbol": ["600001.SH", "600002.SH"], "name": ["甲", "乙"]})
        return BoardInfo(code, "Board one", members, Bars(code, self.frames["600003.SH"], Source.DIR, "memory"), Source.DIR)

    def valuations(self, as_of: date | None = None) -> pd.DataFrame:
        if self.vals is None:
            raise DataError("offline: no cached spot snapshot")
        return self.vals


@pytest.fixture
def store() -> FakeStore:
    return FakeStore(
        {
            "600001.SH": linear(10.0, 0.01, GRID),
            "600002.SH": linear(20.0, -0.01, GRID),
            "600003.SH": linear(5.0, 0.02, GRID),
            "688001.SH": linear(30.0, 0.0, GRID[-30:]),  # listed 30 sessions ago
            "300001.SZ": linear(8.0, 0.01, GRID[GRID < "2025-05-01"]),  # no bars since April
            "000300.SH": linear(3000.0, 1.0, GRID),
        },
        pd.DataFrame({"symbol": ["600001.SH", "600002.SH"], "pe_ttm": [15.0, 45.0], "pb": [1.5, 3.0],
                      "mcap": [1e10, 2e10], "float_mcap": [8e9, 1e10]}),
    )


def uni(*symbols: str) -> Universe:
    return Universe("theme", "t", "Test", list(symbols), {"600001.SH": "甲"})


def test_latest_session_valuations_and_names(store: FakeStore) -> None:
    r = screen(store, uni("600001.SH", "600002.SH", "688001.SH"))
    assert r.as_of == date(2025, 6, 30) and r.data_source == "dir" and r.label == "dir (memory)"
    t = r.table.set_index("symbol")
    assert list(r.table.columns) == ["symbol", "name", *FACTOR_NAMES]
    assert t.loc["600001.SH", "name"] == "甲" and t.loc["600002.SH", "name"] == "name-600002"
    assert t.loc["600001.SH", "pe_ttm"] == 15.0 and t.loc["600002.SH", "float_mcap"] == 1e10
    assert math.isnan(t.loc["688001.SH", "pe_ttm"])  # not in the snapshot: missing, not invented
    n = len(GRID)
    assert t.loc["600001.SH", "ret_5d"] == pytest.approx((10 + 0.01 * (n - 1)) / (10 + 0.01 * (n - 6)) - 1)
    bench = (3000 + (n - 1)) / (3000 + (n - 6)) - 1
    assert t.loc["600001.SH", "excess_5d"] == pytest.approx(t.loc["600001.SH", "ret_5d"] - bench)
    assert math.isnan(t.loc["688001.SH", "ret_60d"]) and not math.isnan(t.loc["688001.SH", "ret_20d"])
    # The benchmark is loaded with the members; the data ends long before today, so the
    # window before today is followed by one full load.
    assert "000300.SH" in store.loads[0][0]
    assert [(ld[1] is None, ld[2]) for ld in store.loads] == [(False, None), (True, None)]
    screen(store, uni("600001.SH"), as_of=date(2025, 6, 30))  # an as-of date: one window load
    assert store.loads[-1][1:] == (date(2023, 11, 8), date(2025, 6, 30))


def test_offline_valuations_are_missing_with_a_note(store: FakeStore) -> None:
    store.vals = None
    r = screen(store, uni("600001.SH"))
    assert r.table[["pe_ttm", "pb", "mcap", "float_mcap"]].isna().all().all()
    assert any("valuations unavailable" in n for n in r.notes)


def test_summary_counts_missing_values(store: FakeStore) -> None:
    where = parse_where("pe_ttm < 30", FACTOR_NAMES)
    r = screen(store, uni("600001.SH", "600002.SH", "688001.SH", "999999.SH"), where=where)
    assert list(r.rows["symbol"]) == ["600001.SH"]
    s = r.summary
    assert (s.screened, s.passed, s.failed, s.failed_missing, s.no_data) == (3, 1, 1, 1, ["999999.SH"])


def test_sort_puts_missing_last_and_breaks_ties_by_symbol(store: FakeStore) -> None:
    r = screen(store, uni("688001.SH", "600002.SH", "600001.SH"), sort=["ret_60d"])
    assert list(r.rows["symbol"]) == ["600001.SH", "600002.SH", "688001.SH"]
    r = screen(store, uni("688001.SH", "600002.SH", "600001.SH"), sort=["ret_60d"], descending=False)
    assert list(r.rows["symbol"]) == ["600002.SH", "600001.SH", "688001.SH"]
    r = screen(store, uni("688001.SH", "600002.SH", "600001.SH"), sort=["suspended_60d", "ret_5d"], top=2)
    assert list(r.rows["symbol"]) == ["600001.SH", "688001.SH"]  # all 0 suspended: then ret_5d desc (flat is 0)
    r = screen(store, uni("688001.SH", "600002.SH", "600001.SH"), sort=["suspended_60d"])
    assert list(r.rows["symbol"]) == ["600001.SH", "600002.SH", "688001.SH"]  # a tie: by symbol
    with pytest.raises(UserError, match="unknown field 'nope'"):
        screen(store, uni("600001.SH"), sort=["nope"])


def test_stale_symbol_is_suspended_not_current(store: FakeStore) -> None:
    r = screen(store, uni("300001.SZ", "600001.SH"))
    t = r.table.set_index("symbol")
    assert t.loc["300001.SZ", "suspended_today"] == 1
    assert t.loc["300001.SZ", "suspended_60d"] == (GRID >= "2025-05-01").sum()
    assert t.loc["300001.SZ", "ret_5d"] == 0.0  # carried close
    assert math.isnan(t.loc["300001.SZ", "amount_20d"])


def test_as_of_sessions(store: FakeStore) -> None:
    r = screen(store, uni("600001.SH"), as_of=date(2025, 1, 1))  # a holiday
    assert r.as_of == date(2024, 12, 31) and "not a trading session" in r.notes[0]
    assert store.loads[-1][2] == date(2025, 1, 1)
    with pytest.raises(UserError, match="the data ends on 2025-06-30"):
        screen(store, uni("600001.SH"), as_of=date(2025, 7, 31))
    with pytest.raises(DataError, match="no price data"):
        screen(store, uni("999999.SH"))


def test_benchmarks(store: FakeStore) -> None:
    r = screen(store, uni("600001.SH"), benchmark=BenchmarkSpec(board="BK0001"))
    f = r.table.iloc[0]
    assert r.benchmark == "BK0001 (em)"
    n = len(GRID)
    assert f["excess_5d"] == pytest.approx(f["ret_5d"] - ((5 + 0.02 * (n - 1)) / (5 + 0.02 * (n - 6)) - 1))
    r = screen(store, uni("600001.SH"), benchmark=BenchmarkSpec("000905.SH"))
    assert math.isnan(r.table.iloc[0]["excess_5d"]) and math.isnan(r.table.iloc[0]["beta_120d"])
    assert any("no data for the benchmark 000905.SH" in n for n in r.notes)


def test_universes(store: FakeStore) -> None:
    every = all_universe(store)
    assert every.symbols == ["600001.SH", "600002.SH", "600003.SH", "688001.SH", "300001.SZ"]
    assert board_universe(store, "STAR").symbols == ["688001.SH"]
    assert board_universe(store, "chinext").symbols == ["300001.SZ"]
    with pytest.raises(UserError, match="no Beijing SE symbols"):
        board_universe(store, "bse")
    concept = board_universe(store, "bk0001")
    assert (concept.kind, concept.name, concept.symbols) == ("board", "Board one", ["600001.SH", "600002.SH"])
    assert concept.names["600002.SH"] == "乙"
    with pytest.raises(DataError):
        board_universe(store, "BK9999")


def test_no_data_because_the_fetch_failed_says_so() -> None:
    class DeadNetwork(FakeStore):
        source = Source.LIVE

        def load(self, symbols, start=None, end=None):
            why = "no source answered — eastmoney (stock_zh_a_hist): push2his.eastmoney.com is unreachable"
            return MarketData({}, Source.LIVE, "live akshare: nothing fetched", list(symbols),
                              errors={s: f"{s}: {why}" for s in symbols})

    with pytest.raises(DataError) as info:
        screen(DeadNetwork({}), uni("600001.SH"))
    msg = str(info.value)
    assert "could not be fetched" in msg and "push2his.eastmoney.com is unreachable" in msg
    assert "--demo" in msg and "fetch them first" not in msg


def test_empty_data_dir_says_so_without_suggesting_data_dir(tmp_path) -> None:
    from screener.data import DataOptions, open_store

    (tmp_path / "000300.SH.csv").write_text("date,open,high,low,close,volume\n2024-01-02,1,1,1,1,1\n")
    store = open_store(DataOptions(data_dir=tmp_path))
    with pytest.raises(UserError) as info:
        all_universe(store)
    assert str(info.value) == (
        f"no stock files in {tmp_path} (only indices or none): add DIR/<SYMBOL>.csv or .parquet files, e.g. 600487.SH.csv"
    )
    with pytest.raises(UserError, match=f"no STAR Market stock files in {tmp_path}"):
        board_universe(store, "star")
