"""Snapshot checksums worked out for many symbols at once agree with the one-symbol sum,
and a damaged byte anywhere in the snapshot is caught for its symbol alone."""

from __future__ import annotations

import json
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

import screener.data.cache as cache_mod
from screener.data import frames
from screener.data.cache import Cache, CacheMeta, word_sums

META = CacheMeta("eastmoney", datetime(2024, 1, 10, 16), date(2024, 1, 2), date(2024, 1, 9))


def _by_hand(dates: np.ndarray, values: np.ndarray) -> str:
    """The checksum's definition with Python integers: rows, then the sum of every
    8-byte word (dates, then values) modulo 2**64."""
    words = dates.tobytes() + values.tobytes()
    total = sum(int.from_bytes(words[i : i + 8], "little") for i in range(0, len(words), 8))
    return f"{len(dates)}:{total % 2**64:016x}"


@pytest.mark.parametrize("spans", [
    [(0, 3), (3, 4), (7, 5)],  # all of it, in order
    [(7, 5), (0, 3), (3, 4)],  # out of order, the last span ending at the end
    [(2, 3), (5, 0), (9, 1), (6, 2)],  # gaps, an empty span
    [(11, 1)],  # one row: the few-spans path
    [(0, 0), (4, 8)],
])
def test_word_sums_of_many_spans_are_each_spans_checksum(spans):
    rng = np.random.default_rng(3)
    dates = rng.integers(-(2**62), 2**62, 12)
    values = rng.normal(0, 1e6, (12, 8))
    values[1, 2] = np.nan
    assert word_sums(dates, values, spans) == [_by_hand(dates[s : s + n], values[s : s + n]) for s, n in spans]


def _bars(n: int, close: float) -> pd.DataFrame:
    days = pd.bdate_range("2024-01-02", periods=n)
    values = np.column_stack([np.full(n, close + i) for i in range(4)] + [np.full(n, 1e6), np.full(n, 1e7),
                                                                          np.ones(n), np.full(n, 0.01)])
    return frames.from_arrays(days, values)


@pytest.mark.parametrize("row", [0, 7, 13, 19])  # first symbol, inside one, a boundary, the last row
def test_a_damaged_byte_in_the_snapshot_names_its_symbol_alone(tmp_path, monkeypatch, row):
    monkeypatch.setattr(cache_mod, "SNAPSHOT_MIN", 2)
    cache = Cache(tmp_path)
    symbols = ["600000.SH", "600004.SH", "600006.SH", "600007.SH"]
    for i, s in enumerate(symbols):
        cache.write_bars(s, _bars(5, 10 + i), META)
    cache.consolidate()
    index = json.loads(cache.snapshot_path().read_text())
    victim = next(s for s, e in index["symbols"].items() if e[0] <= row < e[0] + e[1])
    values_path = cache._array_paths(index["token"])[1]
    data = bytearray(values_path.read_bytes())
    data[len(data) - 20 * 64 + row * 64 + 3] ^= 0x04  # a byte of the row's open price
    values_path.write_bytes(bytes(data))
    with pytest.warns(UserWarning, match=rf"does not match its checksums for 1 symbol\(s\) \({victim}\)"):
        got = cache.read_many(symbols)
    for i, s in enumerate(symbols):  # the damaged symbol from its own file, the rest from the snapshot
        pd.testing.assert_frame_equal(got[s][0], _bars(5, 10 + i), check_freq=False)
