"""Hand-worked cases: each asserts the exact cash and positions the rules lead to.

Expected numbers are worked out here by hand (plain arithmetic in the comments and
asserts), never by calling engine code.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest

from screener.backtest.engine import EngineResult
from screener.backtest.panel import build_panel
from screener.backtest.settings import BacktestSettings, Costs
from screener.calendar import sessions as xshg
from tests.backtest.helpers import ENGINES, bars, simulate_checked

pytestmark = pytest.mark.parametrize("engine", ENGINES)  # every case on every ledger

NO_COSTS = Costs(enabled=False)
STAMP_ONLY = Costs(commission=0.0, min_commission=0.0, transfer_fee=0.0)


def cents(x: float) -> float:
    return float(Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def run(engine: str, frames: dict[str, pd.DataFrame], base: str, weights: list[float] | None = None,
        **options) -> EngineResult:
    first = min(f.index[0] for f in frames.values())
    last = max(f.index[-1] for f in frames.values())
    panel = build_panel(frames, xshg(first, last), pd.Timestamp(base))
    w = np.ones(len(frames)) if weights is None else np.asarray(weights, dtype=float)
    return simulate_checked(panel, w, BacktestSettings(engine=engine, **options))


def shares(result: EngineResult) -> dict[str, float]:
    return {s: round(float(q), 6) for s, q in zip(result.symbols, result.shares)}


def trades(result: EngineResult) -> list[tuple]:
    t = result.trades
    return [(str(r.date), r.symbol, r.side, round(r.shares, 6), r.price) for r in t.itertuples()]


def events(result: EngineResult, reason: str | None = None) -> list[tuple]:
    e = result.events
    if reason:
        e = e[e.reason == reason]
    return [(str(r.date), r.symbol, r.side, r.reason) for r in e.itertuples()]


def assert_t1(result: EngineResult) -> None:
    """T+1 in the ledger: no member is bought and sold in the same session."""
    sides = result.trades.groupby(["date", "symbol"])["side"].nunique()
    assert (sides <= 1).all()


# --- price limits ----------------------------------------------------------------------

def test_buy_blocked_at_limit_up_on_a_10pct_board_waits_for_the_next_session(engine: str) -> None:
    # base 2024-01-30 closes at 11.00 = 10.00 × 1.10, the main board's upper limit
    frames = {"600000.SH": bars(["2024-01-29", "2024-01-30", "2024-01-31"], [10.00, 11.00, 11.50])}
    r = run(engine, frames, "2024-01-30", fill="close", cash=100_000)
    assert events(r, "upper_limit") == [("2024-01-30", "600000.SH", "buy", "upper_limit")]
    assert r.events.iloc[0]["limit"] == 11.00
    # retried on 01-31 at 11.50 for the target set at the base: 100000 / 11 = 9090.9 shares
    # -> 9000 (lots of 100) would cost 103500; the largest lot count that fits with costs:
    # 8600 × 11.50 = 98900, commission 98900 × 0.025% = 24.725, transfer fee 0.989
    assert trades(r) == [("2024-01-31", "600000.SH", "buy", 8600.0, 11.50)]
    assert r.trades.iloc[0]["commission"] == pytest.approx(24.725, abs=1e-9)
    assert r.trades.iloc[0]["transfer_fee"] == pytest.approx(0.989, abs=1e-9)
    assert r.cash == pytest.approx(100_000 - 98_900 - 24.725 - 0.989, abs=1e-6)
    assert shares(r) == {"600000.SH": 8600.0}
    assert r.value[0] == 100_000  # nothing traded at the base
    assert r.value[1] == pytest.approx(100_000 - 24.725 - 0.989, abs=1e-6)


def test_buy_blocked_at_limit_up_on_a_20pct_board(engine: str) -> None:
    # STAR: 12.00 = 10.00 × 1.20 is the upper limit; lots: at least 200, then steps of 1
    frames = {"688001.SH": bars(["2024-01-29", "2024-01-30", "2024-01-31"], [10.00, 12.00, 12.30])}
    r = run(engine, frames, "2024-01-30", fill="close", cash=100_000, costs=NO_COSTS)
    assert events(r, "upper_limit") == [("2024-01-30", "688001.SH", "buy", "upper_limit")]
    # target 100000 / 12 = 8333.3 -> 8333 shares would cost 102495.90 at 12.30;
    # the most that fits is floor(100000 / 12.30) = 8130 shares = 99999.00
    assert trades(r) == [("2024-01-31", "688001.SH", "buy", 8130.0, 12.30)]
    assert r.cash == pytest.approx(1.00, abs=1e-6)


def test_a_10pct_move_does_not_block_a_20pct_board(engine: str) -> None:
    # ChiNext (±20% since 2020-08-24): 11.00 is well inside the band, the buy fills
    frames = {"300750.SZ": bars(["2024-01-29", "2024-01-30", "2024-01-31"], [10.00, 11.00, 11.50])}
    r = run(engine, frames, "2024-01-30", fill="close", cash=100_000, costs=NO_COSTS)
    assert events(r, "upper_limit") == []
    # 100000 / 11 = 9090.9 -> 9000 shares = 99000
    assert trades(r) == [("2024-01-30", "300750.SZ", "buy", 9000.0, 11.00)]
    assert r.cash == pytest.approx(1_000.0, abs=1e-6)


def test_chinext_was_a_10pct_board_before_2020_08_24(engine: str) -> None:
    frames = {"300750.SZ": bars(["2020-08-18", "2020-08-19", "2020-08-20"], [10.00, 11.00, 11.50])}
    r = run(engine, frames, "2020-08-19", fill="close", cash=100_000, costs=NO_COSTS)
    assert events(r, "upper_limit") == [("2020-08-19", "300750.SZ", "buy", "upper_limit")]


def _feb_march_path(a_mar: list[float | None]) -> tuple[list[str], list[float | None]]:
    """Sessions from the base 2024-01-31 and A's closes: up 4% a session through
    February, then ``a_mar`` from 2024-03-01 on (None: no bar, suspended)."""
    days = [str(d.date()) for d in xshg("2024-01-31", "2024-03-08")]
    path: list[float | None] = [10.00]
    for _ in days[1:16]:  # the 15 sessions 2024-02-01 .. 2024-02-29
        path.append(cents(path[-1] * 1.04))
    path += a_mar
    return days[: len(path)], path


def _two_members(a_path: list[float | None], days: list[str]) -> dict[str, pd.DataFrame]:
    keep = [i for i, p in enumerate(a_path) if p is not None]
    return {
        "600000.SH": bars([days[i] for i in keep], [a_path[i] for i in keep]),
        "600036.SH": bars(days, [10.00] * len(days)),
    }


def test_sell_blocked_at_limit_down_is_retried_and_funds_the_waiting_buy(engine: str) -> None:
    _, path = _feb_march_path([])
    feb29 = path[15]
    mar1 = cents(feb29 * 0.9)  # the lower limit
    mar4 = cents(mar1 * 0.98)
    days, path = _feb_march_path([mar1, mar4, mar4])
    r = run(engine, _two_members(path, days), "2024-01-31", fill="close", rebalance="monthly", cash=100_000, costs=NO_COSTS)
    # formation at the base close: 5000 shares of each at 10.00, no cash left
    # 03-01 rebalance: V = 5000 × mar1 + 50000; A's target V / 2 / mar1 shares
    value = 5000 * mar1 + 50_000
    keep_a = round(value / 2 / mar1 / 100) * 100
    sell_a = 5000 - keep_a
    assert sell_a > 0
    assert events(r, "lower_limit") == [("2024-03-01", "600000.SH", "sell", "lower_limit")]
    # B must buy (V/2/10 - 5000, whole lots) but has no cash until A's sale: it waits
    buy_b = (int((value / 2 / 10 - 5000) // 100)) * 100
    assert ("2024-03-01", "600036.SH", "buy", "cash") in events(r, "cash")
    # 03-04: A sells at mar4, then B buys what the proceeds pay for, in whole lots
    proceeds = sell_a * mar4
    got_b = min(buy_b, int(proceeds // 10 // 100) * 100)
    assert trades(r) == [
        ("2024-01-31", "600000.SH", "buy", 5000.0, 10.00),
        ("2024-01-31", "600036.SH", "buy", 5000.0, 10.00),
        ("2024-03-04", "600000.SH", "sell", float(sell_a), mar4),
        ("2024-03-04", "600036.SH", "buy", float(got_b), 10.00),
    ]
    assert shares(r) == {"600000.SH": float(keep_a), "600036.SH": 5000.0 + got_b}
    assert r.cash == pytest.approx(proceeds - got_b * 10.0, abs=1e-6)
    assert_t1(r)


def test_suspension_across_a_rebalance_values_at_last_close_and_trades_on_resumption(engine: str) -> None:
    _, path = _feb_march_path([])
    feb29 = path[15]
    resume = cents(feb29 * 1.03)
    days, path = _feb_march_path([None, None, resume, resume])  # no bar on 03-01, 03-04
    r = run(engine, _two_members(path, days), "2024-01-31", fill="close", rebalance="monthly", cash=100_000, costs=NO_COSTS)
    # 03-01: A is suspended and valued at its last close (02-29)
    value = 5000 * feb29 + 50_000
    row = days.index("2024-03-01")
    assert r.value[row] == pytest.approx(value, abs=1e-6)
    assert r.value[row + 1] == pytest.approx(value, abs=1e-6)  # 03-04, still suspended
    keep_a = round(value / 2 / feb29 / 100) * 100  # target set on 03-01 at the last close
    sell_a = 5000 - keep_a
    assert events(r, "suspended")[:2] == [
        ("2024-03-01", "600000.SH", "sell", "suspended"),
        ("2024-03-04", "600000.SH", "sell", "suspended"),
    ]
    # 03-05: A resumes and sells; B's waiting buy takes the proceeds
    buy_b = int((value / 2 / 10 - 5000) // 100) * 100
    got_b = min(buy_b, int(sell_a * resume // 10 // 100) * 100)
    assert trades(r)[2:] == [
        ("2024-03-05", "600000.SH", "sell", float(sell_a), resume),
        ("2024-03-05", "600036.SH", "buy", float(got_b), 10.00),
    ]
    assert shares(r) == {"600000.SH": float(keep_a), "600036.SH": 5000.0 + got_b}
    assert r.cash == pytest.approx(sell_a * resume - got_b * 10.0, abs=1e-6)


# --- costs ------------------------------------------------------------------------------

def test_minimum_commission_of_5_cny(engine: str) -> None:
    frames = {"600000.SH": bars(["2024-01-29", "2024-01-30", "2024-01-31"], [10.00, 10.00, 10.10])}
    r = run(engine, frames, "2024-01-30", fill="close", cash=10_000)
    # 1000 shares would cost 10000 + 5 (2.50 is below the minimum) + 0.10: too much;
    # 900 shares: 9000 + 5.00 + 0.09 transfer fee
    t = r.trades.iloc[0]
    assert (t.shares, t.price) == (900.0, 10.00)
    assert t.commission == 5.0
    assert t.transfer_fee == pytest.approx(0.09, abs=1e-12)
    assert r.cash == pytest.approx(10_000 - 9_000 - 5.0 - 0.09, abs=1e-9)


def test_a_member_whose_share_is_below_one_lot_is_left_out_and_said_so(engine: str) -> None:
    from screener.backtest.result import trading_warnings

    days = ["2024-01-29", "2024-01-30", "2024-01-31"]
    frames = {"600000.SH": bars(days, [10.00, 10.00, 10.10]), "600036.SH": bars(days, [30.00, 30.00, 30.00])}
    r = run(engine, frames, "2024-01-30", fill="close", cash=4_000, costs=NO_COSTS)
    # 2000 CNY each: 200 shares of A (2000 CNY); B's 100-share lot costs 3000: not bought
    assert shares(r) == {"600000.SH": 200.0, "600036.SH": 0.0}
    assert r.cash == pytest.approx(2_000.0, abs=1e-9)
    assert events(r) == [("2024-01-30", "600036.SH", "buy", "below_lot")]
    (w,) = trading_warnings(r)
    assert (w["kind"], w["symbol"]) == ("not_bought", "600036.SH") and "less than one lot" in w["message"]


def test_a_member_the_cash_cannot_reach_is_said_so(engine: str) -> None:
    days = ["2024-01-29", "2024-01-30", "2024-01-31"]
    frames = {"600000.SH": bars(days, [10.00, 10.00, 10.10]), "600036.SH": bars(days, [10.00, 10.00, 10.10])}
    # 1000 CNY each buys 100 shares, but with the 5 CNY minimum commission on each the
    # two lots cost 2010: the common scale-down leaves both below one lot
    r = run(engine, frames, "2024-01-30", fill="close", cash=2_000)
    assert shares(r) == {"600000.SH": 0.0, "600036.SH": 0.0} and r.cash == 2_000.0
    assert events(r, "no_cash") == [("2024-01-30", s, "buy", "no_cash") for s in ("600000.SH", "600036.SH")]


@pytest.mark.parametrize(("resume", "rate"), [("2023-08-25", 0.001), ("2023-08-28", 0.0005)])
def test_stamp_duty_by_trade_date(resume: str, rate: float, engine: str) -> None:
    days = [str(d.date()) for d in xshg("2023-07-25", "2023-08-29")]
    a = {d: 10.00 for d in days}
    a.update({"2023-07-27": 11.00, "2023-07-28": 12.00, "2023-07-31": 12.00})
    suspended = [d for d in days if "2023-08-01" <= d < resume]
    a_days = [d for d in days if d not in suspended]
    for d in a_days:
        if d >= resume:
            a[d] = 12.00
    frames = {
        "600000.SH": bars(a_days, [a[d] for d in a_days]),
        "600036.SH": bars(days, [10.00] * len(days)),
    }
    r = run(engine, frames, "2023-07-26", fill="close", rebalance="monthly", cash=100_000, costs=STAMP_ONLY)
    # formation 07-26: 5000 + 5000 shares at 10.00. 08-01 rebalance (A suspended):
    # V = 5000 × 12 + 50000 = 110000; A's target 55000 / 12 = 4583.3 -> keep 4600, sell 400
    sale = [t for t in trades(r) if t[2] == "sell"]
    assert sale == [(resume, "600000.SH", "sell", 400.0, 12.00)]
    stamp = r.trades.loc[r.trades.side == "sell", "stamp_duty"].iloc[0]
    assert stamp == pytest.approx(4_800 * rate, abs=1e-9)
    # B waited for the proceeds: 4800 - stamp buys 400 shares at 10.00
    assert trades(r)[-1] == (resume, "600036.SH", "buy", 400.0, 10.00)
    assert r.cash == pytest.approx(4_800 - 4_800 * rate - 4_000, abs=1e-9)
    assert shares(r) == {"600000.SH": 4600.0, "600036.SH": 5400.0}


# --- lots -------------------------------------------------------------------------------

def test_lot_rounding_with_bonus_shares_and_an_odd_lot_sell(engine: str) -> None:
    days = [str(d.date()) for d in xshg("2024-01-31", "2024-03-04")]
    a = {d: 54.00 for d in days}
    for d in days:
        if d >= "2024-02-19":
            a[d] = 40.00  # ex-date: 3.5 bonus shares per 10, 54.00 / 1.35 = 40.00
    a["2024-02-29"], a["2024-03-01"], a["2024-03-04"] = 44.00, 48.00, 48.00
    adj = [1.35 if d >= "2024-02-19" else 1.0 for d in days]
    frames = {
        "600000.SH": bars(days, [a[d] for d in days], adj=adj),
        "600036.SH": bars(days, [10.00] * len(days)),
    }
    r = run(engine, frames, "2024-01-31", fill="close", rebalance="monthly", cash=108_000, costs=NO_COSTS)
    # formation: A 54000 / 54 = 1000 shares, B 5400 shares. After the bonus A holds 1350.
    # 03-01: V = 1350 × 48 + 54000 = 118800; A's target 59400 / 48 = 1237.5 -> keep 1200:
    # sell 150 = one lot plus the 50-share odd lot. B: 5940 - 5400 = 540 -> 500 (lots of 100)
    assert trades(r)[2:] == [
        ("2024-03-01", "600000.SH", "sell", 150.0, 48.00),
        ("2024-03-01", "600036.SH", "buy", 500.0, 10.00),
    ]
    assert shares(r) == {"600000.SH": 1200.0, "600036.SH": 5900.0}
    assert r.cash == pytest.approx(150 * 48 - 5_000, abs=1e-6)  # 2200
    assert r.value[-1] == pytest.approx(118_800, abs=1e-6)


def test_fill_open_forms_the_basket_at_the_first_sessions_open(engine: str) -> None:
    frames = {"600000.SH": bars(["2024-01-30", "2024-01-31"], [10.00, 10.50], open=[9.90, 10.20])}
    r = run(engine, frames, "2024-01-30", fill="open", cash=100_000)
    # decided at the 01-30 close, filled at the 01-31 open (10.20): 100000 / 10.20 = 9803.9
    # -> 9800 shares = 99960, commission 24.99, transfer fee 0.9996
    assert trades(r) == [("2024-01-31", "600000.SH", "buy", 9800.0, 10.20)]
    cash = 100_000 - 99_960 - 24.99 - 0.9996
    assert r.cash == pytest.approx(cash, abs=1e-6)
    assert list(r.value) == pytest.approx([100_000, cash + 9800 * 10.50], abs=1e-6)


@pytest.mark.parametrize(
    ("code", "close", "sold", "bought", "cash"),
    [
        # A's target after the rebalance: 51500 / 10.60 = 4858.49 -> sell 142 shares;
        # STAR sells at least 200: 200 is nearer than nothing. B: 5150 - 5000 -> 100 (a lot)
        ("688001.SH", 10.60, 200, 100, 200 * 10.60 - 1_000),
        # 50750 / 10.30 = 4927.18 -> sell 73: nearer nothing than 200; B: 75 < one lot
        ("688001.SH", 10.30, 0, 0, 0.0),
        # BSE sells at least 100: 73 -> 100; 142 stays 142
        ("830799.BJ", 10.30, 100, 0, 100 * 10.30),
        ("830799.BJ", 10.60, 142, 100, 142 * 10.60 - 1_000),
        # main board: keep the nearest whole lots (4900), sell 100
        ("600000.SH", 10.30, 100, 0, 100 * 10.30),
    ],
)
def test_star_and_bse_sell_orders_of_at_least_their_minimum(code: str, close: float, sold: int, bought: int, cash: float, engine: str) -> None:
    days = ["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01"]
    frames = {code: bars(days, [10.00, 10.00, 10.00, close]), "600036.SH": bars(days, [10.00] * 4)}
    r = run(engine, frames, "2024-02-27", fill="close", rebalance="monthly", cash=100_000, costs=NO_COSTS)
    # formation at the base close: 50000 / 10.00 = 5000 shares of each
    expected = [("2024-02-27", code, "buy", 5000.0, 10.00), ("2024-02-27", "600036.SH", "buy", 5000.0, 10.00)]
    if sold:
        expected.append(("2024-03-01", code, "sell", float(sold), close))
    if bought:
        expected.append(("2024-03-01", "600036.SH", "buy", float(bought), 10.00))
    assert trades(r) == expected
    assert shares(r) == {code: 5000.0 - sold, "600036.SH": 5000.0 + bought}
    assert r.cash == pytest.approx(cash, abs=1e-6)


# --- liquidity: volume cap and slippage --------------------------------------------------

def test_a_buy_above_the_volume_cap_fills_over_several_sessions(engine: str) -> None:
    days = ["2024-01-29", "2024-01-30", "2024-01-31", "2024-02-01", "2024-02-02"]
    frames = {"600000.SH": bars(days, [10.00] * 5, volume=30_000)}
    r = run(engine, frames, "2024-01-30", fill="close", cash=100_000, costs=NO_COSTS, max_participation=0.1)
    # target 100000 / 10 = 10000 shares; a fill may use 10% of 30000 = 3000 shares a session
    assert trades(r) == [
        ("2024-01-30", "600000.SH", "buy", 3000.0, 10.00),
        ("2024-01-31", "600000.SH", "buy", 3000.0, 10.00),
        ("2024-02-01", "600000.SH", "buy", 3000.0, 10.00),
        ("2024-02-02", "600000.SH", "buy", 1000.0, 10.00),
    ]
    assert events(r) == [(d, "600000.SH", "buy", "volume") for d in days[1:4]]
    assert r.cash == pytest.approx(0.0, abs=1e-6)


def test_a_volume_cap_below_the_star_minimum_fills_nothing(engine: str) -> None:
    days = ["2024-01-29", "2024-01-30", "2024-01-31"]
    frames = {"688001.SH": bars(days, [10.00] * 3, volume=1_500)}
    r = run(engine, frames, "2024-01-30", fill="close", cash=100_000, costs=NO_COSTS, max_participation=0.1)
    # 10% of 1500 = 150 shares: below STAR's 200-share minimum order
    assert trades(r) == [] and r.cash == 100_000
    assert events(r) == [(d, "688001.SH", "buy", "volume") for d in days[1:]]


def test_a_capped_sell_keeps_the_waiting_buy_waiting_for_its_cash(engine: str) -> None:
    days = ["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01", "2024-03-04"]
    frames = {
        "300750.SZ": bars(days, [10.00, 12.00, 12.00, 12.00, 12.00], volume=[1e6, 1e6, 1e6, 2_000, 2_000]),
        "600036.SH": bars(days, [10.00] * 5),
    }
    r = run(engine, frames, "2024-02-27", fill="close", rebalance="monthly", cash=100_000, costs=NO_COSTS,
            max_participation=0.1)
    # 03-01: V = 5000 × 12 + 50000 = 110000; A keeps 55000 / 12 = 4583.3 -> 4600: sell 400,
    # at most 10% of 2000 = 200 a session. B wants 5500 - 5000 = 500; the 2400 of A's sale
    # pays for 200 (one common factor: 240 -> 200 in lots) and B waits while A's sale is open.
    # 03-04: A sells its last 200; B's 300 is cut to 200 by the 2800 in cash, and A's order
    # is done, so B's is too.
    assert trades(r)[2:] == [
        ("2024-03-01", "300750.SZ", "sell", 200.0, 12.00),
        ("2024-03-01", "600036.SH", "buy", 200.0, 10.00),
        ("2024-03-04", "300750.SZ", "sell", 200.0, 12.00),
        ("2024-03-04", "600036.SH", "buy", 200.0, 10.00),
    ]
    assert events(r) == [("2024-03-01", "300750.SZ", "sell", "volume"), ("2024-03-01", "600036.SH", "buy", "cash")]
    assert shares(r) == {"300750.SZ": 4600.0, "600036.SH": 5400.0}
    assert r.cash == pytest.approx(800.0, abs=1e-6)


def test_slippage_moves_fills_against_the_order_and_limits_use_the_unslipped_price(engine: str) -> None:
    days = ["2024-01-29", "2024-01-30", "2024-01-31"]
    frames = {"600000.SH": bars(days, [10.00, 10.95, 11.00])}
    r = run(engine, frames, "2024-01-30", fill="close", cash=100_000, costs=NO_COSTS, slippage=100)
    # 10.95 is below the upper limit 11.00, so the buy fills although 10.95 × 1.01 = 11.0595
    # is above it; 100000 / 10.95 = 9132.4 shares -> 9100 cost 100,641.45: the cash fits 9000
    price = 10.95 * 1.01
    assert trades(r) == [("2024-01-30", "600000.SH", "buy", 9000.0, pytest.approx(price, rel=1e-12))]
    assert r.cash == pytest.approx(100_000 - 9000 * price, abs=1e-6)
    # sells fill below: formation at 10.00, then a rebalance that sells
    days = ["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01"]
    frames = {"600000.SH": bars(days, [10.00, 10.00, 10.00, 11.00]), "600036.SH": bars(days, [10.00] * 4)}
    r = run(engine, frames, "2024-02-27", fill="close", rebalance="monthly", cash=100_000, costs=NO_COSTS,
            slippage=50)
    # formation: 5000 shares of each at 10.05 cost 100,500 > 100,000: one factor k < 1
    # gives 4900 of each (49,245 each, 1,510 left)
    # 03-01 at the marks 11 and 10: V = 4900 × 11 + 4900 × 10 + 1510 = 104410; A keeps
    # 52205 / 11 = 4745.9 -> 4700 (sell 200 at 11 × 0.995 = 10.945); B wants
    # 52205 / 10 - 4900 = 320.5 -> 300 at 10.05 = 3015 > 1510 + 2189 = 3699: it fits
    assert trades(r)[2:] == [
        ("2024-03-01", "600000.SH", "sell", 200.0, pytest.approx(10.945, rel=1e-12)),
        ("2024-03-01", "600036.SH", "buy", 300.0, pytest.approx(10.05, rel=1e-12)),
    ]
    assert r.cash == pytest.approx(1_510 + 200 * 10.945 - 300 * 10.05, abs=1e-6)


# --- T+1 --------------------------------------------------------------------------------

def test_t_plus_1_in_the_engine_ledger(engine: str) -> None:
    """The engine works at most one order per member and session, sells before buys, and
    sells only what was held at the session's start, so shares bought in a session are
    never sold in it. Checked on a busy run: monthly rebalancing with costs, board lots,
    gaps, listings, dividends and retried orders."""
    from tests.backtest.test_equivalence import BASE, FRAMES, SESSIONS

    panel = build_panel(FRAMES, SESSIONS, pd.Timestamp(BASE))
    for fill in ("open", "close"):
        r = simulate_checked(panel, np.ones(len(FRAMES)), BacktestSettings(rebalance="monthly", fill=fill, cash=3_000_000, engine=engine))
        assert len(r.trades) > 50
        assert_t1(r)


def test_a_member_listed_after_the_formation_has_no_order_before_it_lists(engine: str) -> None:
    frames = {
        "600000.SH": bars(["2024-01-29", "2024-01-30", "2024-01-31", "2024-02-01"], [10.0] * 4),
        "688001.SH": bars(["2024-01-31", "2024-02-01"], [30.0, 31.0]),  # lists after the base date
    }
    r = run(engine, frames, "2024-01-30", fill="close", cash=100_000, costs=NO_COSTS)
    # buy and hold: only A has a price at the formation and gets the whole basket
    assert trades(r) == [("2024-01-30", "600000.SH", "buy", 10000.0, 10.00)]
    assert events(r) == []  # B's zero target is no order: nothing waits for it


def test_no_trades_on_a_session_where_nothing_is_due(engine: str) -> None:
    frames = {"600000.SH": bars(["2024-01-29", "2024-01-30", "2024-01-31", "2024-02-01"], [10.0, 10.0, 10.5, 10.2])}
    r = run(engine, frames, "2024-01-30", fill="close", cash=100_000, costs=NO_COSTS)
    assert [t[0] for t in trades(r)] == ["2024-01-30"]
    assert r.formation_row == 0 and r.rebalance_rows == []
    assert r.dates[0].date() == date(2024, 1, 30)


# --- adjusted returns, raw limits -------------------------------------------------------

def test_ex_date_limit_uses_the_restated_previous_close_and_dividends_are_reinvested(engine: str) -> None:
    # A pays 1.00 cash on 01-31 (ex-date): reference price 10.00 - 1.00 = 9.00, factor 10/9.
    # Its upper limit that day is 9.00 × 1.1 = 9.90, not 10.00 × 1.1 = 11.00: a buy at 9.90
    # is blocked. B (held since the base) shows the reinvestment: same raw trade, adjusted value.
    days = ["2024-01-29", "2024-01-30", "2024-01-31", "2024-02-01"]
    adj = [1.0, 1.0, 10 / 9, 10 / 9]
    frames = {
        "600000.SH": bars(days, [10.00, 10.00, 9.90, 9.95], adj=adj),
        "600036.SH": bars(days, [10.00, 10.00, 9.00, 9.00], adj=adj),
    }
    r = run(engine, frames, "2024-01-30", weights=[0.0, 1.0], fill="close", cash=100_000, costs=NO_COSTS)
    # B bought 10000 at the base; after the 1.00 dividend reinvested at the ex-date's
    # reference price 9.00 it holds 10000 × 10/9 = 11111.1 raw shares worth 100000
    assert shares(r)["600036.SH"] == pytest.approx(10_000 * 10 / 9, abs=1e-6)
    assert r.value[-1] == pytest.approx(100_000, abs=1e-6)
    # A: formed at the ex-date's close, which is its upper limit
    frames_late = {"600000.SH": frames["600000.SH"]}
    r = run(engine, frames_late, "2024-01-31", fill="close", cash=100_000, costs=NO_COSTS)
    assert events(r, "upper_limit") == [("2024-01-31", "600000.SH", "buy", "upper_limit")]
    assert r.events.iloc[0]["limit"] == 9.90
    # retried on 02-01 at 9.95 (limit 10.89): target 100000 / 9.90 = 10101 -> 10100 shares
    # cost 100495 > cash, so floor(100000 / 9.95 / 100) × 100 = 10000 shares
    assert trades(r) == [("2024-02-01", "600000.SH", "buy", 10000.0, 9.95)]
