"""Order rules, costs and settings in isolation (limit prices: tests/test_limits.py)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from pydantic import ValidationError

from screener.backtest import rules, schedule
from screener.backtest.costs import CostModel
from screener.backtest.settings import BacktestSettings, Costs


@pytest.mark.parametrize(
    ("shortfall", "min_qty", "step", "expected"),
    [
        (99.9, 100, 100, 0), (100, 100, 100, 100), (1_999.99, 100, 100, 1_900),  # main board
        (199, 200, 1, 0), (200, 200, 1, 200), (201.7, 200, 1, 201),  # STAR: 200 then steps of 1
        (150.5, 100, 1, 150),  # BSE
    ],
)
def test_buy_quantity_in_board_lots(shortfall: float, min_qty: int, step: int, expected: float) -> None:
    assert rules.buy_quantity(shortfall, min_qty, step) == expected


def test_sell_quantity_keeps_the_nearest_whole_lots_and_sells_odd_lots_with_them() -> None:
    assert rules.sell_quantity(1350, 1237.5, 100) == 150  # keep 1200: one lot + the 50 odd lot
    assert rules.sell_quantity(1350, 1260, 100) == 50  # keep 1300: the odd lot alone
    assert rules.sell_quantity(1000, 960, 100) == 0  # 1000 is the nearest: nothing to sell
    assert rules.sell_quantity(1050.37, 0, 100) == 1050.37  # a full exit sells everything


def test_t_plus_1_caps_a_sale_at_the_shares_held_at_the_start() -> None:
    # 1300 held, of which 300 bought this session: 1000 can be sold today
    assert rules.t_plus_1(1300, 1000) == 1000
    assert rules.t_plus_1(np.array([1300.0, 500.0, 300.0]), np.array([1000.0, 1000.0, 0.0])).tolist() == [1000, 500, 0]


@pytest.mark.parametrize(
    ("qty", "sellable", "min_qty", "step", "expected"),
    [
        # STAR: at least 200 per order; a balance below 200 goes in one order
        (50, 1000, 200, 1, 0),  # 50 is nearer to nothing than to 200
        (150, 1000, 200, 1, 200),  # nearer to 200
        (100, 1000, 200, 1, 0),  # a tie: no trade
        (200, 1000, 200, 1, 200), (201, 1000, 200, 1, 201),
        (88, 150, 200, 1, 150),  # balance 150 < 200: all of it (62 away) rather than nothing (88)
        (60, 150, 200, 1, 0),
        (150, 150, 200, 1, 150),  # the whole balance below 200 in one order
        (850, 1000, 200, 1, 850),  # leaves 150: sold later in one order
        # BSE: at least 100 per order, the same way
        (60, 1000, 100, 1, 100), (40, 1000, 100, 1, 0), (70, 70, 100, 1, 70),
        # main boards: lots of 100, and an odd lot may go alone
        (50, 1350, 100, 100, 50), (150, 1350, 100, 100, 150),
        # dust below one share is not sold on any board
        (0.4, 1000.4, 100, 100, 0), (0.4, 1000.4, 200, 1, 0),
    ],
)
def test_sell_minimum_on_star_and_bse(qty, sellable, min_qty, step, expected) -> None:
    assert rules.sell_minimum(qty, sellable, min_qty, step) == expected


def test_blocking_compares_at_cent_resolution() -> None:
    assert rules.buy_blocked(11.00, 11.00) and rules.buy_blocked(10.999999, 11.00)
    assert not rules.buy_blocked(10.99, 11.00)
    assert rules.sell_blocked(9.00, 9.00) and not rules.sell_blocked(9.01, 9.00)
    assert not rules.buy_blocked(11.00, np.nan) and not rules.sell_blocked(9.00, np.nan)  # no limit


def test_costs_by_side_and_date() -> None:
    model = CostModel(Costs())
    buy = model.fees(100_000, False, date(2023, 8, 25))
    assert (buy.commission, buy.stamp_duty, buy.transfer_fee) == pytest.approx((25.0, 0.0, 1.0))
    assert model.fees(100_000, True, date(2023, 8, 25)).stamp_duty == pytest.approx(100.0)
    assert model.fees(100_000, True, date(2023, 8, 28)).stamp_duty == pytest.approx(50.0)
    assert model.fees(1_000, False, date(2024, 1, 2)).commission == 5.0  # the minimum
    assert model.fees(1_000, True, date(2024, 1, 2)).total == pytest.approx(5.0 + 0.5 + 0.01)
    assert CostModel(Costs(enabled=False)).total(1e6, True, date(2024, 1, 2)) == 0.0
    buys = model.charges(np.array([0.0, 1_000.0, 100_000.0]), False, 0.001)
    np.testing.assert_allclose(buys.total, [0.0, 5.01, 26.0])
    sells = model.charges(np.array([0.0, 1_000.0, 100_000.0]), True, 0.0005)
    np.testing.assert_allclose(sells.stamp_duty, [0.0, 0.5, 50.0])
    np.testing.assert_allclose(sells.total, [0.0, 5.51, 76.0])


@pytest.mark.parametrize("costs", [Costs(), Costs(commission=0.0003, min_commission=0.0, transfer_fee=0.0),
                                   Costs(enabled=False)])
def test_the_planners_fast_order_total_is_the_charges_total_to_the_last_bit(costs: Costs) -> None:
    """``order_total`` repeats ``charges(...).total`` in fewer numpy calls: by hand, buys
    of 1,000 at the defaults cost 5 (the minimum) + 0.01, and 100,000 cost 25 + 1; a drift
    between the two formulas (another order of the additions, a missed minimum or zero
    order) fails on some of these values."""
    model = CostModel(costs)
    rng = np.random.default_rng(7)
    value = np.concatenate([[0.0, 1_000.0, 100_000.0, 19_999.99, 20_000.01], rng.uniform(0, 2e6, 500),
                            np.round(rng.uniform(0, 5e4, 500), 2)])
    for stamp in (None, 0.001, 0.0005):
        fast = model.order_total(value, stamp)
        full = model.charges(value, stamp is not None, stamp or 0.0).total
        assert fast.tobytes() == np.asarray(full, dtype=float).tobytes()
    if costs.enabled and costs.min_commission:
        np.testing.assert_allclose(model.order_total(value[:3]), [0.0, 5.01, 26.0])


def test_costs_settings_accept_a_flat_or_dated_stamp_duty() -> None:
    flat = Costs(stamp_duty=0.002)
    assert flat.stamp_duty_on(date(2010, 1, 4)) == flat.stamp_duty_on(date(2025, 1, 2)) == 0.002
    dated = Costs(stamp_duty=[{"since": "2023-08-28", "rate": 0.0005}, {"since": None, "rate": 0.001}])
    assert dated.stamp_duty_on(date(2023, 8, 25)) == 0.001 and dated.stamp_duty_on(date(2023, 8, 28)) == 0.0005
    with pytest.raises(ValidationError, match="unique"):
        Costs(stamp_duty=[{"since": "2023-08-28", "rate": 0.0005}, {"since": "2023-08-28", "rate": 0.001}])
    with pytest.raises(ValidationError):
        Costs(commission=0.5)


def test_settings_validation() -> None:
    s = BacktestSettings(benchmark="399300", lot_size=None)
    assert s.benchmark == "399300.SZ" and s.lot_rule("688001.SH") == (200, 1) and s.lot_rule("600000.SH") == (100, 100)
    assert BacktestSettings(lot_size=1).lot_rule("688001.SH") == (1, 1)
    assert BacktestSettings(benchmark="bk0715").benchmark == "BK0715"
    for bad in ("bk-oops", "BK12", "BK07150"):  # not an eastmoney board code, nor a symbol
        with pytest.raises(ValidationError, match="invalid symbol"):
            BacktestSettings(benchmark=bad)
    with pytest.raises(ValidationError, match="before start"):
        BacktestSettings(start=date(2026, 5, 1), end=date(2026, 1, 1))
    with pytest.raises(ValidationError):
        BacktestSettings(rebalance="weekly")


def test_rebalance_rows() -> None:
    import pandas as pd

    from screener.calendar import sessions

    days = sessions("2023-12-29", "2024-07-05")  # row 0 = base 2023-12-29, row 1 = 2024-01-02
    monthly = [str(days[r].date()) for r in schedule.rebalance_rows(days, "monthly")]
    assert monthly[:3] == ["2024-02-01", "2024-03-01", "2024-04-01"] and monthly[-1] == "2024-07-01"
    quarterly = [str(days[r].date()) for r in schedule.rebalance_rows(days, "quarterly")]
    assert quarterly == ["2024-04-01", "2024-07-01"]
    assert schedule.rebalance_rows(days, "none") == []
    assert schedule.formation_row("close") == 0 and schedule.formation_row("open") == 1
    assert isinstance(days, pd.DatetimeIndex)
