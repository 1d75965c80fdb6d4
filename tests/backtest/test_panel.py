"""``build_panel`` against a slow, independent construction (one pandas reindex per member)
on random frames with gaps, off-calendar bars (on closed days and at a time of day),
listings inside and before the history, bars past the last session, NaN closes and
factors, a frame without ``adj_factor``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from screener.backtest.panel import build_panel

COLUMNS = ["open", "high", "low", "close", "volume", "amount", "adj_factor", "turnover"]


def random_frames(seed: int, sessions: pd.DatetimeIndex) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    # every weekday from a month before the sessions to a month after: non-session days among them
    days = pd.bdate_range(sessions[0] - pd.Timedelta(days=30), sessions[-1] + pd.Timedelta(days=30))
    frames = {}
    for j in range(12):
        first = int(rng.integers(0, len(days) // 2)) if j % 3 else 0  # some list inside the history
        last = len(days) - int(rng.integers(0, 40))
        keep = rng.random(last - first) > 0.15  # suspensions
        idx = days[first:last][keep]
        n = len(idx)
        close = np.round(10 * np.exp(np.cumsum(rng.normal(0, 0.02, n))), 2)
        opn = np.round(close * 1.01, 2)
        close[rng.random(n) < 0.05] = np.nan  # a bar with an open but no close
        factor = np.cumprod(np.where(rng.random(n) < 0.02, 1.05, 1.0))
        factor[rng.random(n) < 0.05] = np.nan
        frame = pd.DataFrame(
            {"open": opn, "high": close, "low": close, "close": close,
             "volume": rng.integers(0, 10_000, n) * 100.0, "amount": np.nan, "adj_factor": factor, "turnover": np.nan},
            index=pd.DatetimeIndex(idx, name="date"),
        )
        frames[f"{600000 + j:06d}.SH"] = frame[COLUMNS]
    frames["600007.SH"] = frames["600007.SH"].drop(columns="adj_factor")  # no factor: 1.0
    frames["600008.SH"] = frames["600008.SH"].iloc[:0]  # no bars at all
    frames["600009.SH"] = frames["600009.SH"][frames["600009.SH"].index < sessions[0]]  # all before the span
    us = frames["600010.SH"]
    frames["600010.SH"] = us.set_axis(us.index.as_unit("us"))  # another resolution
    frames["600011.SH"] = frames["600011.SH"][COLUMNS[::-1]]  # another column order
    timed = frames["600001.SH"]
    frames["600001.SH"] = timed.set_axis(timed.index + pd.to_timedelta(np.where(np.arange(len(timed)) % 50 == 7, 15, 0), unit="h"))
    return frames


def slow_panel(frames: dict[str, pd.DataFrame], sessions: pd.DatetimeIndex, base: pd.Timestamp) -> dict:
    """The contract, member by member with pandas: reindex onto the sessions, a bar without a
    close is a gap, factors default to 1 and are carried over gaps, last closes carried
    forward, previous values shifted by one session, session counts for listings inside."""
    cols: dict[str, list] = {k: [] for k in ("open", "close", "adj", "last_close", "prev_close", "prev_adj", "nth", "volume")}
    off, listed_on = {}, []
    for sym, f in frames.items():
        f = f.set_axis(f.index.as_unit("ns"))
        span = f[(f.index >= sessions[0]) & (f.index <= sessions[-1])]
        outside = int((~span.index.isin(sessions)).sum())
        if outside:
            off[sym] = outside
        on = span.reindex(sessions)
        close = on["close"]
        traded = close.notna()
        factor = on["adj_factor"] if "adj_factor" in on else pd.Series(1.0, index=sessions)
        adj = factor.fillna(1.0).where(traded).ffill()
        last_close = close.ffill()
        listed_inside = span.index.isin(sessions).any() and span.index[span.index.isin(sessions)][0] > sessions[0]
        listed_on.append(span.index[span.index.isin(sessions)][0] if listed_inside else pd.NaT)
        cols["open"].append(on["open"].where(traded))
        cols["volume"].append(on["volume"].where(traded))
        cols["close"].append(close)
        cols["adj"].append(adj)
        cols["last_close"].append(last_close)
        cols["prev_close"].append(last_close.shift(1))
        cols["prev_adj"].append(adj.shift(1))
        cols["nth"].append(traded.cumsum() if listed_inside else pd.Series(0, index=sessions))
    keep = sessions >= base
    out = {k: pd.concat(v, axis=1).to_numpy()[keep] for k, v in cols.items()}
    out["off_calendar"] = off
    out["listed_on"] = pd.DatetimeIndex(listed_on).to_numpy().astype("datetime64[D]")
    return out


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_build_panel_matches_a_member_by_member_reindex(seed):
    every_weekday = pd.bdate_range("2024-01-02", "2024-09-30")
    holidays = np.random.default_rng(seed).choice(len(every_weekday), 20, replace=False)
    sessions = pd.DatetimeIndex(every_weekday.delete(holidays), name="date")
    base = sessions[25]
    frames = random_frames(seed, sessions)
    want = slow_panel(frames, sessions, base)

    got = build_panel(frames, sessions, base)

    assert list(got.dates) == list(sessions[25:])
    assert got.symbols == list(frames)
    for name in ("open", "close", "adj", "last_close", "prev_close", "prev_adj", "volume"):
        np.testing.assert_array_equal(getattr(got, name), want[name], err_msg=name)
    np.testing.assert_array_equal(got.nth, want["nth"].astype(np.int64))
    assert got.nth.dtype == np.int64
    np.testing.assert_array_equal(got.listed_on, want["listed_on"])  # the listing date decides the limit rules
    assert got.off_calendar == want["off_calendar"]
    assert got.off_calendar  # the frames do have bars on non-session days
    assert (got.nth > 0).any() and (got.nth == 0).all(axis=0).any()  # listings inside and before


def test_build_panel_refuses_a_base_date_that_is_not_a_session():
    sessions = pd.bdate_range("2024-01-02", "2024-01-31")
    with pytest.raises(ValueError, match="not in the session index"):
        build_panel({}, sessions, pd.Timestamp("2024-01-06"))
