"""Factor values checked against hand arithmetic, a hand-written table of limit prices and
an independent plain-Python recomputation (loops over dates, ``statistics``, ``decimal``)
on hand-made frames."""

from __future__ import annotations

import math
import random
import statistics
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest

from screener.calendar import sessions as xshg_sessions
from screener.screen.factors import (
    FACTOR_NAMES,
    PRICE_FIELDS,
    SESSIONS_PER_YEAR,
    compute_factors,
    limit_hits,
)
from screener.screen.panel import build_panel


def bar_frame(rows: dict[pd.Timestamp, tuple[float, float, float, float]]) -> pd.DataFrame:
    """A bar frame from {date: (close, adj_factor, amount, turnover)}."""
    idx = pd.DatetimeIndex(sorted(rows), name="date")
    close = [rows[d][0] for d in idx]
    return pd.DataFrame(
        {
            "open": close, "high": close, "low": close, "close": close, "volume": 1e5,
            "amount": [rows[d][2] for d in idx], "adj_factor": [rows[d][1] for d in idx],
            "turnover": [rows[d][3] for d in idx],
        },
        index=idx,
    )


# ------------------------------------------------------------------ worked by hand


@pytest.fixture
def hand() -> tuple[pd.DatetimeIndex, pd.DataFrame]:
    """61 sessions of a main-board stock at 10.00, then: limit-up to 11.00, limit-up to
    12.10, a suspension, limit-down to 10.89, flat at 10.89. Amount 1M a day (4M on the
    limit-down day), turnover 1%."""
    grid = xshg_sessions("2024-01-02", "2024-12-31")[:61]
    closes = {d: 10.0 for d in grid[:56]}
    closes.update({grid[56]: 11.0, grid[57]: 12.1, grid[59]: 10.89, grid[60]: 10.89})
    rows = {d: (c, 1.0, 4e6 if d == grid[59] else 1e6, 0.01) for d, c in closes.items()}
    return grid, bar_frame(rows)


def test_hand_worked_values(hand: tuple[pd.DatetimeIndex, pd.DataFrame]) -> None:
    grid, frame = hand
    f = compute_factors(build_panel({"600001.SH": frame}, grid)).loc["600001.SH"]
    assert f["ret_5d"] == pytest.approx(10.89 / 10.0 - 1)  # P(t−5) is the 10.00 before the run
    assert f["ret_20d"] == pytest.approx(0.089)
    assert f["ret_60d"] == pytest.approx(0.089)
    assert math.isnan(f["ret_120d"]) and math.isnan(f["ret_250d"])  # the window reaches before the data
    assert math.isnan(f["ret_ytd"])  # the grid holds no session of the previous year
    assert f["mdd_60d"] == pytest.approx(10.89 / 12.1 - 1)  # −10%: from the 12.10 peak
    assert f["limit_up_20d"] == 2 and f["limit_down_20d"] == 1 and f["limit_up_today"] == 0
    assert f["suspended_60d"] == 1 and f["suspended_today"] == 0
    assert f["amount_20d"] == pytest.approx((18 * 1e6 + 4e6) / 19)  # the suspended session is skipped
    assert f["turnover_20d"] == pytest.approx(0.01)
    assert f["close"] == 10.89
    daily = [0.0] * 15 + [0.1, 0.1, 0.0, 10.89 / 12.1 - 1, 0.0]  # the suspension is a 0 return
    assert f["vol_20d"] == pytest.approx(statistics.stdev(daily) * math.sqrt(242))
    assert math.isnan(f["excess_5d"]) and math.isnan(f["beta_120d"])  # no benchmark given


def test_hand_ytd_and_suspended_today() -> None:
    """A grid across a year end; suspended on the as-of session."""
    grid = xshg_sessions("2023-12-27", "2024-12-31")[:61]
    assert grid[2].year == 2023 and grid[3].year == 2024
    rows = {d: (10.0, 1.0, 1e6, 0.01) for d in grid[:59]}
    rows[grid[2]] = (8.0, 1.0, 1e6, 0.01)  # the last session of 2023 closes at 8.00
    rows[grid[58]] = (10.89, 1.0, 1e6, 0.01)
    f = compute_factors(build_panel({"600001.SH": bar_frame(rows)}, grid)).loc["600001.SH"]
    assert f["ret_ytd"] == pytest.approx(10.89 / 8.0 - 1)
    assert f["suspended_today"] == 1 and f["limit_up_today"] == 0
    assert f["close"] == 10.89  # carried from the last bar
    assert f["suspended_60d"] == 2
    assert f["ret_5d"] == pytest.approx(0.089)


def test_ex_dividend_limit_uses_the_reference_price() -> None:
    """On an ex-date the limit is computed from prev close × prev adj / adj (rounded)."""
    grid = xshg_sessions("2024-03-01", "2024-06-30")[:25]
    rows = {d: (10.0, 1.0, 1e6, 0.01) for d in grid[:22]}
    # Cash dividend of 0.50: reference 9.50, adj steps by 10/9.5; limit-up 10.45.
    adj = 10.0 / 9.5
    rows[grid[22]] = (10.45, adj, 1e6, 0.01)
    rows[grid[23]] = (11.0, adj, 1e6, 0.01)  # 10.45 × 1.1 = 11.495 → 11.50: not a limit close
    rows[grid[24]] = (12.1, adj, 1e6, 0.01)  # from 11.00: 12.10 is the limit
    f = compute_factors(build_panel({"600001.SH": bar_frame(rows)}, grid)).loc["600001.SH"]
    assert f["limit_up_20d"] == 2
    assert f["limit_up_today"] == 1
    # Total return carries the dividend: P = close × adj.
    assert f["ret_5d"] == pytest.approx(12.1 * adj / 10.0 - 1)


def test_board_bands_chinext_switch_and_st() -> None:
    grid = xshg_sessions("2020-06-01", "2020-09-04")
    assert grid[-1] == pd.Timestamp("2020-09-04")
    before = grid.get_loc(pd.Timestamp("2020-08-21"))
    after = grid.get_loc(pd.Timestamp("2020-08-31"))
    rows = {d: (10.0, 1.0, 1e6, 0.01) for d in grid}
    chinext = dict(rows)
    chinext[grid[before]] = (11.0, 1.0, 1e6, 0.01)  # +10%: the ChiNext limit until 2020-08-21
    for d in grid[before + 1: after]:
        chinext[d] = (11.0, 1.0, 1e6, 0.01)
    chinext[grid[after]] = (13.2, 1.0, 1e6, 0.01)  # +20% after 2020-08-24
    main = dict(rows)
    main[grid[after]] = (10.5, 1.0, 1e6, 0.01)  # +5%: a limit only for a risk-warning (ST) name
    main[grid[after + 1]] = (9.98, 1.0, 1e6, 0.01)  # 10.50 × 0.95 = 9.975 → 9.98: the ST lower limit
    frames = {"300001.SZ": bar_frame(chinext), "600001.SH": bar_frame(main), "600002.SH": bar_frame(main)}
    f = compute_factors(build_panel(frames, grid), names=["特锐德", "浦发银行", "*ST某某"])
    assert f.loc["300001.SZ", "limit_up_20d"] == 2
    assert f.loc["600001.SH", "limit_up_20d"] == 0
    assert f.loc["600002.SH", "limit_up_20d"] == 1
    assert f.loc["600002.SH", "limit_down_20d"] == 1
    assert f.loc["600001.SH", "limit_down_20d"] == 0
    assert f.loc["600002.SH", "limit_up_today"] == 0


# (previous close, previous factor, factor, symbol) -> (lower, upper) limit prices, by hand
LIMIT_TABLE = [
    (10.05, 1.0, 1.0, "600001.SH", (9.05, 11.06)),  # 9.045 and 11.055 round half up
    (3.35, 1.0, 1.0, "600002.SH", (3.02, 3.69)),  # 3.015 (a float would say 3.01), 3.685
    (10.25, 1.0, 2.0, "600003.SH", (4.62, 5.64)),  # ex-date: reference 5.125 -> 5.13
    (8.20, 1.0, 1.6, "000004.SZ", (4.62, 5.64)),  # ex-date: 8.20 / 1.6 = 5.125 -> 5.13
    (10.05, 1.0, 1.0, "688001.SH", (8.04, 12.06)),
    (10.05, 1.0, 1.0, "300001.SZ", (8.04, 12.06)),
    (10.05, 1.0, 1.0, "920001.BJ", (7.04, 13.07)),  # 7.035 and 13.065 round half up
]


@pytest.mark.parametrize("at", ["upper", "lower", "inside"])
def test_limit_hits_follow_a_hand_written_table(at: str) -> None:
    grid = xshg_sessions("2024-01-02", "2024-12-31")[:2]
    frames, expected = {}, {}
    for prev, prev_adj, adj, sym, (lower, upper) in LIMIT_TABLE:
        close = {"upper": upper, "lower": lower, "inside": round(upper - 0.01, 2)}[at]
        frames[sym] = bar_frame({grid[0]: (prev, prev_adj, 1.0, 0.0), grid[1]: (close, adj, 1.0, 0.0)})
        expected[sym] = (at == "upper", at == "lower")
    up, down, _ = limit_hits(build_panel(frames, grid), slice(2, 3))
    got = {sym: (bool(up[0, j]), bool(down[0, j])) for j, sym in enumerate(frames)}
    assert got == expected


# A symbol whose first bar comes after the grid's first session is a new listing, counted
# from that bar; its sessions without a limit are no limit hits. Each listing below moves
# by its board's band on its sessions 2, 3 and 6, from 10.00: STAR (±20%) 12.00, 14.40 and
# 14.40 × 1.2 = 17.28; main board (±10%) 11.00, 12.10 and 12.10 × 1.1 = 13.31.
STAR_RUN = (10.00, 12.00, 14.40, 14.40, 14.40, 17.28)
MAIN_RUN = (10.00, 11.00, 12.10, 12.10, 12.10, 13.31)


@pytest.mark.parametrize(("symbol", "grid_end", "run", "expected"), [
    ("688002.SH", "2024-06-28", STAR_RUN, 1),  # STAR: sessions 2-5 free, session 6 at the limit
    ("603002.SH", "2023-03-31", MAIN_RUN, 3),  # main board before 2023-04-10: limits from session 2
    ("603002.SH", "2023-06-30", MAIN_RUN, 1),  # main board from 2023-04-10: sessions 2-5 free
    # listed 2023-04-06 (the grid's last 15 sessions end 04-26), before the reform: session 3
    # on 04-10 has its ±10% limit, as sessions 2 and 6 do
    ("603002.SH", "2023-04-26", MAIN_RUN, 3),
])
def test_a_new_listing_has_no_limit_hits_where_no_limit_applies(symbol, grid_end, run, expected) -> None:
    grid = xshg_sessions("2023-01-01", grid_end)[-30:]
    closes = list(run) + [run[-1]] * 9  # sessions 1-15 of the listing: the grid's last 15
    frame = bar_frame({d: (c, 1.0, 1e6, 0.01) for d, c in zip(grid[15:], closes)})
    f = compute_factors(build_panel({symbol: frame}, grid)).loc[symbol]
    assert (f["limit_up_20d"], f["limit_down_20d"], f["limit_up_today"]) == (expected, 0, 0)


def test_a_listing_in_its_first_sessions_on_the_as_of_session_is_not_at_a_limit() -> None:
    grid = xshg_sessions("2024-01-02", "2024-06-28")[-30:]
    frame = bar_frame({d: (c, 1.0, 1e6, 0.01) for d, c in zip(grid[-3:], STAR_RUN)})  # sessions 1-3
    f = compute_factors(build_panel({"688002.SH": frame}, grid)).loc["688002.SH"]
    assert (f["limit_up_20d"], f["limit_up_today"]) == (0, 0)


def test_index_has_no_limits_and_no_bars_means_missing() -> None:
    grid = xshg_sessions("2024-01-02", "2024-12-31")[:30]
    idx = bar_frame({d: (3000.0 + k, 1.0, 1e9, float("nan")) for k, d in enumerate(grid)})
    f = compute_factors(build_panel({"000300.SH": idx, "600001.SH": idx.iloc[:0]}, grid))
    assert math.isnan(f.loc["000300.SH", "limit_up_20d"]) and math.isnan(f.loc["000300.SH", "turnover_20d"])
    assert f.loc["600001.SH"].isna().all()


# -------------------------------------------------- independent recomputation

BANDS = {"600": 0.10, "688": 0.20, "300": 0.20, "920": 0.30}  # the boards used below, after 2020


def _half_up(x: float | Decimal) -> float:
    return float(Decimal(x if isinstance(x, Decimal) else repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _reference(prev_close: float, prev_adj: float, adj: float) -> float:
    if prev_adj == adj:
        return prev_close
    return _half_up(Decimal(repr(prev_close)) * Decimal(repr(prev_adj)) / Decimal(repr(adj)))


def _limits(ref: float, band: float) -> tuple[float, float]:
    b = Decimal(repr(band))
    return _half_up(Decimal(repr(ref)) * (1 - b)), _half_up(Decimal(repr(ref)) * (1 + b))


def _recompute(frame: pd.DataFrame, bench: pd.DataFrame, grid: list[pd.Timestamp], symbol: str) -> dict[str, float]:
    """Every price factor by plain loops over dates (no numpy, no pandas arithmetic)."""
    bars = {d: (float(r.close), float(r.adj_factor), float(r.amount), float(r.turnover)) for d, r in frame.iterrows()}
    bbars = {d: float(r.close) * float(r.adj_factor) for d, r in bench.iterrows()}
    dates = sorted(bars)

    def price(s: pd.Timestamp, table: dict) -> float:
        best = None
        for d in sorted(table):
            if d <= s:
                best = d
        if best is None:
            return float("nan")
        v = table[best]
        return v[0] * v[1] if isinstance(v, tuple) else v

    t = len(grid) - 1
    out: dict[str, float] = {}
    for n in (5, 20, 60, 120, 250):
        out[f"ret_{n}d"] = price(grid[t], bars) / price(grid[t - n], bars) - 1
        out[f"excess_{n}d"] = out[f"ret_{n}d"] - (price(grid[t], bbars) / price(grid[t - n], bbars) - 1)
    year_end = [s for s in grid if s.year < grid[t].year][-1]
    out["ret_ytd"] = price(grid[t], bars) / price(year_end, bars) - 1
    out["excess_ytd"] = out["ret_ytd"] - (price(grid[t], bbars) / price(year_end, bbars) - 1)

    def rets(table: dict, n: int) -> list[float]:
        return [price(grid[k], table) / price(grid[k - 1], table) - 1 for k in range(t - n + 1, t + 1)]

    for n in (20, 60):
        out[f"vol_{n}d"] = statistics.stdev(rets(bars, n)) * math.sqrt(SESSIONS_PER_YEAR)
    for n in (60, 250):
        peak, worst = -1.0, 0.0
        for k in range(t - n, t + 1):
            p = price(grid[k], bars)
            peak = max(peak, p)
            worst = min(worst, p / peak - 1)
        out[f"mdd_{n}d"] = worst
    out["off_high_250d"] = price(grid[t], bars) / max(price(grid[k], bars) for k in range(t - 249, t + 1)) - 1
    y, x = rets(bars, 120), rets(bbars, 120)
    mx, my = sum(x) / 120, sum(y) / 120
    out["beta_120d"] = sum((a - mx) * (b - my) for a, b in zip(x, y)) / sum((a - mx) ** 2 for a in x)
    last20 = [grid[k] for k in range(t - 19, t + 1)]
    traded = [s for s in last20 if s in bars]
    out["amount_20d"] = sum(bars[s][2] for s in traded) / len(traded)
    out["turnover_20d"] = sum(bars[s][3] for s in traded) / len(traded)
    out["suspended_60d"] = sum(1 for k in range(t - 59, t + 1) if grid[k] not in bars and grid[k] >= dates[0])
    band = BANDS[symbol[:3]]
    ups = downs = 0
    for s in traded:
        prev = [d for d in dates if d < s][-1]
        pc, pa = bars[prev][0], bars[prev][1]
        lo, up = _limits(_reference(pc, pa, bars[s][1]), band)
        ups += bars[s][0] == up
        downs += bars[s][0] == lo
    out["limit_up_20d"], out["limit_down_20d"] = ups, downs
    last = grid[t]
    if last in bars:
        prev = [d for d in dates if d < last][-1]
        pc, pa = bars[prev][0], bars[prev][1]
        out["limit_up_today"] = float(bars[last][0] == _limits(_reference(pc, pa, bars[last][1]), band)[1])
    else:
        out["limit_up_today"] = 0.0
    out["close"] = bars[[d for d in dates if d <= last][-1]][0]
    out["suspended_today"] = float(last not in bars)
    return out


def _random_walk(grid: pd.DatetimeIndex, seed: int, band: float, skip: set[int], dividend_at: int) -> pd.DataFrame:
    """Whole-cent closes moving up to ±(band−1%) a day, some exactly at a limit, a few
    suspensions (``skip``) and a cash dividend on ``dividend_at``."""
    rng = random.Random(seed)
    close, adj, rows = 20.0, 1.0, {}
    for k, d in enumerate(grid):
        if k in skip:
            continue
        ref = close
        if k == dividend_at:
            ref = _half_up(close * 0.98)
            adj = adj * close / ref
        lo, up = _limits(ref, band)
        roll = rng.random()
        if roll < 0.04:
            close = up
        elif roll < 0.07:
            close = lo
        else:
            move = rng.gauss(0.0, band / 4) - 0.3 * math.log(ref / 20.0)  # mean-reverting around 20
            close = _half_up(ref * (1 + min(max(move, -band + 0.01), band - 0.01)))
        rows[d] = (close, adj, rng.uniform(1e6, 9e6), rng.uniform(0.001, 0.05))
    return bar_frame(rows)


def test_every_factor_matches_an_independent_recomputation() -> None:
    full = xshg_sessions("2023-01-03", "2024-11-29")
    grid = full[-270:]  # 270 sessions; bars start before the grid (the seed row)
    frames = {
        "600001.SH": _random_walk(full, 1, 0.10, {len(full) - 30, len(full) - 29, len(full) - 3}, len(full) - 12),
        "688001.SH": _random_walk(full, 2, 0.20, {len(full) - 100}, len(full) - 200),
        "300001.SZ": _random_walk(full, 3, 0.20, {len(full) - 1}, len(full) - 5),  # suspended at t
        "920001.BJ": _random_walk(full, 4, 0.30, set(range(len(full) - 290, len(full) - 265)), len(full) - 40),
    }
    bench = bar_frame({d: (3000 * (1 + 0.001 * math.sin(k)) + k, 1.0, 1e9, float("nan")) for k, d in enumerate(full)})
    got = compute_factors(build_panel(frames, grid), build_panel({"000300.SH": bench}, grid))
    assert list(got.columns) == list(PRICE_FIELDS)
    assert set(PRICE_FIELDS) | {"pe_ttm", "pe_dynamic", "pb", "mcap", "float_mcap"} == set(FACTOR_NAMES)
    for sym, frame in frames.items():
        want = _recompute(frame, bench, list(grid), sym)
        for name in PRICE_FIELDS:
            assert got.loc[sym, name] == pytest.approx(want[name], rel=1e-9, abs=1e-12), (sym, name)
    # The walk put closes at limits: the comparison is not vacuous.
    assert got["limit_up_20d"].sum() > 0 and got["limit_down_20d"].sum() > 0
    assert got.loc["300001.SZ", "suspended_today"] == 1


def test_listing_inside_the_window_leaves_long_windows_missing() -> None:
    grid = xshg_sessions("2023-01-03", "2024-11-29")[-260:]
    frame = _random_walk(grid[-100:], 5, 0.2, set(), -1)
    f = compute_factors(build_panel({"688002.SH": frame}, grid)).loc["688002.SH"]
    assert not math.isnan(f["ret_60d"]) and not math.isnan(f["vol_60d"])
    for name in ("ret_120d", "ret_250d", "ret_ytd", "mdd_250d", "off_high_250d"):
        assert math.isnan(f[name]), name
    assert f["suspended_60d"] == 0


def test_build_panel_ignores_bars_after_as_of_and_off_calendar() -> None:
    grid = xshg_sessions("2024-01-02", "2024-02-29")
    rows = {d: (10.0, 1.0, 1e6, 0.01) for d in grid}
    rows[pd.Timestamp("2024-03-01")] = (99.0, 1.0, 1e6, 0.01)  # after the as-of session
    rows[pd.Timestamp("2024-01-06")] = (99.0, 1.0, 1e6, 0.01)  # a Saturday
    p = build_panel({"600001.SH": bar_frame(rows)}, grid)
    assert np.nanmax(p.close) == 10.0
    assert p.as_of == pd.Timestamp("2024-02-29")
    assert date(2024, 2, 29) == p.as_of.date()
