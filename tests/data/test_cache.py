"""The Parquet cache and the live store in front of it: incremental refresh, seams,
fallback to the cache, --offline gaps, atomic writes and concurrent writers."""

from __future__ import annotations

import multiprocessing as mp
import os
from datetime import date, datetime

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import requests

from screener.data import Source, frames
from screener.data.cache import Cache, CacheMeta
from screener.data.live import LiveStore
from screener.errors import DataError
from tests.data import payloads as p


def at(day: str, hour: int = 16) -> datetime:
    return datetime.fromisoformat(f"{day}T{hour:02d}:00:00")


def store(cache: Cache, provider, now: str, **kw) -> LiveStore:
    return LiveStore(cache, provider, now=lambda: at(now), **kw)


def calls(rsps, host="push2his.eastmoney.com"):
    return [c.request.params for c in rsps.calls if requests.utils.urlparse(c.request.url).hostname == host]


def test_first_fetch_then_incremental_refresh_requests_only_the_new_range(rsps, provider, tmp_path):
    cache = Cache(tmp_path)
    p.register_em_stock(rsps, rows=p.RAW[:3], factors=p.FACTOR[:3], beg="20240101", end="20240104")
    md = store(cache, provider, "2024-01-04").load(["600487.SH"], start=date(2024, 1, 1))
    assert md.source is Source.LIVE and "fetched 2024-01-04" in md.label and "eastmoney" in md.label
    assert len(md.bars["600487.SH"].frame) == 3
    # a later day: only the last cached session (the seam) onwards is requested
    rsps.reset()
    p.register_em_stock(rsps, rows=p.RAW[2:], factors=p.FACTOR[2:], beg="20240104", end="20240108")
    md = store(cache, provider, "2024-01-08").load(["600487.SH"], start=date(2024, 1, 1))
    sent = calls(rsps)
    assert [(c["beg"], c["end"], c["fqt"]) for c in sent] == [("20240104", "20240108", "0"), ("20240104", "20240108", "2")]
    f = md.bars["600487.SH"].frame
    assert [d.strftime("%m-%d") for d in f.index] == ["01-02", "01-03", "01-04", "01-05", "01-08"]
    # the new ex-date's step is chained onto the cached factor
    adj = f["adj_factor"].to_numpy()
    assert adj[2] == adj[0] and adj[3] / adj[2] == pytest.approx(14.11 / 13.91, rel=2e-4)
    # the cache now holds all five rows and a later load that day needs no network
    rsps.reset()
    md = store(cache, provider, "2024-01-08").load(["600487.SH"], start=date(2024, 1, 1))
    assert len(rsps.calls) == 0 and md.source is Source.CACHE and len(md.bars["600487.SH"].frame) == 5
    assert md.label == "cache, fetched 2024-01-08"


def test_a_revised_seam_bar_triggers_a_full_refetch(rsps, provider, tmp_path):
    cache = Cache(tmp_path)
    p.register_em_stock(rsps, rows=p.RAW[:3], factors=p.FACTOR[:3])
    store(cache, provider, "2024-01-04").load(["600487.SH"], start=date(2024, 1, 1))
    rsps.reset()
    revised = [list(r) for r in p.RAW]
    revised[2][2] = 14.50  # the provider changed the seam's close
    revised = [tuple(r) for r in revised]
    p.register_em_stock(rsps, rows=revised[2:], factors=p.FACTOR[2:], beg="20240104")
    p.register_em_stock(rsps, rows=revised, factors=p.FACTOR, beg="20240101")
    md = store(cache, provider, "2024-01-08").load(["600487.SH"], start=date(2024, 1, 1))
    assert [c["beg"] for c in calls(rsps)] == ["20240104", "20240104", "20240101", "20240101"]
    assert md.bars["600487.SH"].frame.at[pd.Timestamp("2024-01-04"), "close"] == 14.50
    assert any("revised" in n for n in md.notes)


def test_sina_answers_then_factors_are_flagged_and_refetched_in_full(rsps, provider, tmp_path):
    cache = Cache(tmp_path)
    rsps.get(p.EM_KLINE, status=500)
    p.register_sina_stock(rsps)
    md = store(cache, provider, "2024-01-04").load(["600487.SH"], start=date(2024, 1, 1))
    f = md.bars["600487.SH"].frame
    assert md.bars["600487.SH"].origin == "sina" and (f["adj_factor"] == 1.0).all()
    assert any(i.kind == "adj_factor_unknown" for i in md.issues)
    rsps.reset()
    p.register_em_stock(rsps, beg="20240101")
    md = store(cache, provider, "2024-01-08").load(["600487.SH"], start=date(2024, 1, 1))
    assert md.bars["600487.SH"].origin == "eastmoney"
    assert not any(i.kind == "adj_factor_unknown" for i in md.issues)
    assert md.bars["600487.SH"].frame["adj_factor"].iloc[0] == pytest.approx(4.0, rel=1e-3)


def test_failed_refresh_falls_back_to_the_cache_and_says_so(rsps, provider, tmp_path):
    cache = Cache(tmp_path)
    p.register_em_stock(rsps, rows=p.RAW[:3], factors=p.FACTOR[:3])
    store(cache, provider, "2024-01-04").load(["600487.SH"], start=date(2024, 1, 1))
    rsps.reset()  # now nothing answers
    md = store(cache, provider, "2024-01-08").load(["600487.SH"], start=date(2024, 1, 1))
    assert md.source is Source.CACHE and md.missing == []
    assert "live fetch failed" in md.errors["600487.SH"]
    assert any("using cached data" in n for n in md.notes)
    # the sessions the cache lacks are named, as --offline does (a screen must not read them as suspensions)
    assert md.gaps["600487.SH"] == [(date(2024, 1, 5), date(2024, 1, 8))]


def test_offline_names_exactly_what_is_missing(rsps, provider, tmp_path):
    cache = Cache(tmp_path)
    p.register_em_stock(rsps, rows=p.RAW[:3], factors=p.FACTOR[:3])
    store(cache, provider, "2024-01-04").load(["600487.SH"], start=date(2024, 1, 1))
    rsps.reset()
    md = store(cache, None, "2024-01-10", offline=True).load(["600487.SH", "600522.SH"], start=date(2024, 1, 1))
    assert len(rsps.calls) == 0
    assert md.source is Source.CACHE and md.missing == ["600522.SH"]
    assert md.gaps["600487.SH"] == [(date(2024, 1, 5), date(2024, 1, 10))]
    assert md.gaps["600522.SH"] == [(date(2024, 1, 2), date(2024, 1, 10))]
    assert md.errors["600522.SH"] == "offline: not cached"
    note = " ".join(md.notes)
    assert "not cached: 600522.SH" in note and "missing 2024-01-05..2024-01-10: 600487.SH" in note


def test_offline_note_groups_symbols_missing_the_same_dates(tmp_path):
    cache = Cache(tmp_path)
    symbols = [f"6000{i:02d}.SH" for i in range(30)]
    for i, s in enumerate(symbols):
        end = date(2024, 1, 4) if i % 10 else date(2024, 1, 3)
        cache.write_bars(s, bars(["2024-01-02", "2024-01-03", "2024-01-04"][: 3 if i % 10 else 2]),
                         CacheMeta("eastmoney", datetime(2024, 1, 4, 16), date(2024, 1, 2), end))
    md = store(cache, None, "2024-01-10", offline=True).load(symbols, start=date(2024, 1, 2))
    (note,) = [n for n in md.notes if n.startswith("offline:")]
    assert note.count("missing ") == 2  # one entry per distinct range, not one per symbol
    assert "missing 2024-01-04..2024-01-10: 600000.SH, 600010.SH, 600020.SH" in note
    assert "missing 2024-01-05..2024-01-10: 600001.SH, 600002.SH" in note


def test_intraday_bars_are_never_cached(rsps, provider, tmp_path):
    cache = Cache(tmp_path)
    p.register_em_stock(rsps)  # answers through 01-08
    md = store(cache, provider, "2024-01-08", ).load(["600487.SH"], start=date(2024, 1, 1))
    assert md.bars["600487.SH"].frame.index[-1] == pd.Timestamp("2024-01-08")
    rsps.reset()
    p.register_em_stock(rsps)
    cache2 = Cache(tmp_path / "b")
    md = LiveStore(cache2, provider, now=lambda: at("2024-01-08", hour=11)).load(["600487.SH"], start=date(2024, 1, 1))
    assert md.bars["600487.SH"].frame.index[-1] == pd.Timestamp("2024-01-05")  # 11:00: today's bar is partial
    assert calls(rsps)[0]["end"] == "20240107"


def test_index_symbols_use_the_index_endpoint(rsps, provider, tmp_path):
    p.register_em_index(rsps)
    md = store(Cache(tmp_path), provider, "2024-01-03").load(["000300.SH"], start=date(2024, 1, 1))
    assert md.bars["000300.SH"].origin == "eastmoney" and len(md.bars["000300.SH"].frame) == 2


# -- the cache itself --------------------------------------------------------------------

def bars(days: list[str], close: float = 10.0) -> pd.DataFrame:
    values = np.tile([close, close, close, close, 100.0, 1000.0, 1.0, 0.01], (len(days), 1))
    return frames.from_arrays(pd.DatetimeIndex(days), values)


META = CacheMeta("eastmoney", datetime(2024, 1, 8, 16), date(2024, 1, 1), date(2024, 1, 8))


def test_round_trip_and_status_entries(tmp_path):
    cache = Cache(tmp_path)
    frame = bars(["2024-01-02", "2024-01-03"])
    cache.write_bars("600487.SH", frame, META)
    got, meta = cache.read_bars("600487.SH")
    pd.testing.assert_frame_equal(got, frame)
    assert meta == META
    (entry,) = cache.entries()
    assert (entry.dataset, entry.key, entry.rows) == ("bars", "600487.SH", 2)
    assert (entry.first, entry.last) == (date(2024, 1, 2), date(2024, 1, 3))
    assert cache.read_many(["600487.SH", "600522.SH"]).keys() == {"600487.SH"}


def test_an_interrupted_write_leaves_the_old_file_and_no_partial_one(tmp_path, monkeypatch):
    cache = Cache(tmp_path)
    cache.write_bars("600487.SH", bars(["2024-01-02"]), META)
    real = pq.write_table

    def crash(table, where, **kw):
        real(table.slice(0, 1), where, **kw)  # some bytes hit the disk...
        raise KeyboardInterrupt  # ...then Ctrl-C

    monkeypatch.setattr(pq, "write_table", crash)
    with pytest.raises(KeyboardInterrupt):
        cache.write_bars("600487.SH", bars(["2024-01-02", "2024-01-03", "2024-01-04"]), META)
    monkeypatch.setattr(pq, "write_table", real)
    got, _ = cache.read_bars("600487.SH")
    assert len(got) == 1  # the old version, intact
    assert sorted(os.listdir(tmp_path / "v1" / "bars")) == ["600487.SH.parquet"]


def _writer(root: str, offset: int, rounds: int) -> None:
    """Append one new day per round to a shared symbol under the lock (read-modify-write)."""
    cache = Cache(root)
    path = cache.bars_path("600487.SH")
    start = pd.Timestamp("2020-01-01")
    for k in range(rounds):
        day = start + pd.Timedelta(days=2 * k + offset)
        with cache.lock(path):
            old = cache.read_bars("600487.SH")
            frame = bars([day.strftime("%Y-%m-%d")], close=10 + offset)
            if old is not None:
                frame = pd.concat([old[0], frame]).sort_index()
            cache.write_bars("600487.SH", frame, META)
        cache.write_bars(f"60052{offset}.SH", bars([day.strftime("%Y-%m-%d")]), META)  # plain overwrite


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), off, 40)) for off in (0, 1)]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(60)
        assert proc.exitcode == 0
    cache = Cache(tmp_path)
    frame, _ = cache.read_bars("600487.SH")
    assert len(frame) == 80 and frame.index.is_unique and frame.index.is_monotonic_increasing
    assert sorted(frame["close"].unique()) == [10.0, 11.0]
    for s in ("600520.SH", "600521.SH"):
        assert len(cache.read_bars(s)[0]) == 1
    assert not list((tmp_path / "v1" / "bars").glob(".*.tmp"))


def test_clear_symbols_or_everything(tmp_path):
    cache = Cache(tmp_path)
    for s in ("600487.SH", "600522.SH"):
        cache.write_bars(s, bars(["2024-01-02"]), META)
    removed = cache.clear(["600487.SH"])
    assert [r.name for r in removed] == ["600487.SH.parquet"]
    assert cache.bar_symbols() == ["600522.SH"]
    cache.clear()
    assert cache.bar_symbols() == [] and cache.entries() == []


def test_an_unreadable_file_is_not_cached_with_a_warning_naming_it(tmp_path):
    cache = Cache(tmp_path)
    path = cache.bars_path("600487.SH")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not parquet")
    with pytest.warns(UserWarning, match=r"600487\.SH\.parquet cannot be read .*`screener data clear 600487\.SH`"):
        assert cache.read_bars("600487.SH") is None


def test_snapshot_serves_only_unchanged_files(tmp_path, monkeypatch):
    import screener.data.cache as cache_mod

    monkeypatch.setattr(cache_mod, "SNAPSHOT_MIN", 2)
    cache = Cache(tmp_path)
    symbols = [f"60000{i}.SH" for i in range(5)]
    for i, s in enumerate(symbols):
        cache.write_bars(s, bars(["2024-01-02", "2024-01-03"], close=10 + i), META)
    assert cache.snapshot_stale() == 5
    assert cache.maybe_consolidate() == 5 and cache.snapshot_stale() == 0
    got = cache.read_many(symbols)
    for i, s in enumerate(symbols):
        pd.testing.assert_frame_equal(got[s][0], bars(["2024-01-02", "2024-01-03"], close=10 + i))
        assert got[s][1] == META
    # a refreshed file wins over its older copy in the snapshot; a cleared one is gone
    cache.write_bars("600001.SH", bars(["2024-01-02", "2024-01-03", "2024-01-04"], close=99), META)
    cache.clear(["600002.SH"])
    assert cache.snapshot_stale() == 1
    got = cache.read_many(symbols)
    assert "600002.SH" not in got
    assert len(got["600001.SH"][0]) == 3 and got["600001.SH"][0]["close"].iloc[0] == 99
    assert got["600004.SH"][0]["close"].iloc[0] == 14  # still from the snapshot
    # re-consolidation keeps unchanged rows and picks up the new file
    assert cache.consolidate() == 4
    got = cache.read_many(symbols)
    assert len(got["600001.SH"][0]) == 3 and got["600000.SH"][0]["close"].iloc[0] == 10
    assert not list((tmp_path / "v1").glob(".*.tmp"))


def test_snapshot_frames_are_independent(tmp_path, monkeypatch):
    import screener.data.cache as cache_mod

    monkeypatch.setattr(cache_mod, "SNAPSHOT_MIN", 2)
    cache = Cache(tmp_path)
    for s in ("600000.SH", "600001.SH"):
        cache.write_bars(s, bars(["2024-01-02"]), META)
    cache.consolidate()
    got = cache.read_many(["600000.SH", "600001.SH"])
    a = got["600000.SH"][0]
    a.loc[a.index[0], "close"] = -1.0  # views of one block must not leak writes
    assert got["600001.SH"][0]["close"].iloc[0] == 10.0
    assert cache.read_many(["600000.SH", "600001.SH"])["600000.SH"][0]["close"].iloc[0] == 10.0


def test_boards_universe_and_valuations_are_cached(rsps, provider, tmp_path):
    cache = Cache(tmp_path)
    rsps.get(p.EM_CONS, json=p.BOARD_CONS, match=p.qp(fs="b:BK0715 f:!50"))
    rsps.get(p.EM_BOARD_HIST, json=p.BOARD_HIST, match=p.qp(secid="90.BK0715"))
    p.register_universe(rsps)
    rsps.get(p.EM_SPOT, json=p.SPOT)
    live = store(cache, provider, "2024-01-03")
    board = live.board("bk0715")
    assert board.source is Source.LIVE and board.code == "BK0715" and len(board.constituents) == 3
    assert board.bars.frame["close"].iloc[-1] == 1221.75
    assert len(live.universe()) == 5
    vals = live.valuations()
    assert vals.set_index("symbol").loc["600487.SH", "pb"] == 1.62
    assert live.valuations(date(2023, 12, 29)).empty  # never back-filled
    with pytest.raises(DataError, match="only eastmoney boards"):
        live.board("BK0715", source="ths")
    n = len(rsps.calls)
    offline = store(cache, None, "2024-01-05", offline=True)
    again = offline.board("BK0715")
    assert again.source is Source.CACHE and list(again.constituents["symbol"]) == list(board.constituents["symbol"])
    assert "fetched 2024-01-03" in again.label
    assert len(offline.universe()) == 5
    assert offline.valuations(date(2024, 1, 3)).set_index("symbol").loc["300750.SZ", "mcap"] == 726_000_000_000
    assert offline.valuations(date(2024, 1, 5)).empty
    with pytest.raises(DataError, match="offline: board BK0448 is not cached"):
        offline.board("BK0448")
    assert len(rsps.calls) == n


def test_earlier_start_than_cached_refetches_the_whole_range(rsps, provider, tmp_path):
    cache = Cache(tmp_path)
    p.register_em_stock(rsps, rows=p.RAW[1:3], factors=p.FACTOR[1:3], beg="20240103")
    store(cache, provider, "2024-01-04").load(["600487.SH"], start=date(2024, 1, 3))
    rsps.reset()
    p.register_em_stock(rsps, rows=p.RAW[:3], factors=p.FACTOR[:3], beg="20240101", end="20240104")
    md = store(cache, provider, "2024-01-04").load(["600487.SH"], start=date(2024, 1, 1))
    assert {c["beg"] for c in calls(rsps)} == {"20240101"}
    assert len(md.bars["600487.SH"].frame) == 3
    _, meta = cache.read_bars("600487.SH")
    assert meta.covered_start == date(2024, 1, 1) and meta.covered_end == date(2024, 1, 4)


class DemoProvider:
    """Serves demo bars for any range, like the akshare provider (factors chained from
    ``anchor``); used by processes that refresh one cache at the same time."""

    def __init__(self):
        from screener.data.demo import DemoStore

        self.store = DemoStore()

    def _fetched(self, sym, start, end, anchor=None):
        from screener.data.akshare_provider import Fetched

        frame = self.store.load([str(sym)], start, end).bars[str(sym)].frame.copy()
        if anchor is not None and len(frame):
            frame["adj_factor"] *= anchor / frame["adj_factor"].iloc[0]
        return Fetched(frame, "eastmoney", True)

    def stock_bars(self, sym, start, end, *, anchor=None):
        return self._fetched(sym, start, end, anchor)

    def index_bars(self, sym, start, end):
        return self._fetched(sym, start, end)


REFRESH_SYMBOLS = ["600487.SH", "600522.SH", "300251.SZ", "688070.SH", "000300.SH"]  # demo symbols


def _refresher(root: str, days: list[str]) -> None:
    """One `screener` process: refresh every symbol on each of ``days`` (incrementally),
    then consolidate the snapshot, as `data fetch` does."""
    import screener.data.cache as cache_mod

    cache_mod.SNAPSHOT_MIN = 2
    cache = Cache(root)
    for day in days:
        LiveStore(cache, DemoProvider(), now=lambda day=day: at(day)).load(REFRESH_SYMBOLS, start=date(2026, 1, 1))
        cache.consolidate()


def test_two_processes_refreshing_one_cache_leave_it_consistent(tmp_path, monkeypatch):
    import screener.data.cache as cache_mod
    from screener.data.demo import DemoStore

    demo = DemoStore()
    ctx = mp.get_context("fork")
    procs = [
        ctx.Process(target=_refresher, args=(str(tmp_path), ["2026-03-02", "2026-04-01", "2026-05-08"])),
        ctx.Process(target=_refresher, args=(str(tmp_path), ["2026-03-16", "2026-04-20", "2026-05-11"])),
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
        assert proc.exitcode == 0
    cache = Cache(tmp_path)
    expected = demo.load(REFRESH_SYMBOLS, start=date(2026, 1, 1), end=date(2026, 5, 11))
    for s in REFRESH_SYMBOLS:
        frame, meta = cache.read_bars(s)
        assert meta.covered_end == date(2026, 5, 11) and meta.covered_start == date(2026, 1, 1)
        pd.testing.assert_frame_equal(frame, expected.bars[s].frame, check_freq=False)  # no row lost or doubled
    monkeypatch.setattr(cache_mod, "SNAPSHOT_MIN", 2)
    snap = cache.read_many(REFRESH_SYMBOLS)  # the snapshot the last consolidation left
    for s in REFRESH_SYMBOLS:
        pd.testing.assert_frame_equal(snap[s][0], expected.bars[s].frame, check_freq=False)
    leftovers = [p.name for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_board_without_network_or_cache_says_what_to_do(rsps, provider, tmp_path):
    with pytest.raises(DataError) as info:
        store(Cache(tmp_path), provider, "2024-01-03").board("BK0715")
    msg = str(info.value)
    assert msg.startswith("board BK0715: no source answered") and "BK0715: BK0715" not in msg
    assert "unreachable" in msg and msg.endswith("`screener data fetch BK0715` once online, or use --demo")


def test_board_names_are_refused_before_any_request(rsps, provider, tmp_path):
    # akshare would download every board to look a name up: only BK codes are accepted
    with pytest.raises(DataError, match=r"board '光纤概念': give the board's eastmoney code, e.g. BK0715"):
        store(Cache(tmp_path), provider, "2024-01-03").board("光纤概念")
    assert len(rsps.calls) == 0
