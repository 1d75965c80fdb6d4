"""Claim verdicts on hand-made bars, with every expected verdict worked out by hand.

Period returns: the index closes 100.00 on the base date (2023-12-29, the last session
before the claim's start) and 125.00 on the claim's end (2024-01-31), so it measured
exactly +25% (125 / 100 − 1 is exact in binary floating point)."""

from __future__ import annotations

import pandas as pd
import pytest

from screener.backtest.claims import check_day_move, check_period_return
from screener.theme.model import DayMoveClaim, PeriodReturnClaim
from tests.backtest.helpers import bars

INDEX = bars(["2023-12-28", "2023-12-29", "2024-01-30", "2024-01-31"], [99.0, 100.0, 120.0, 125.0])


def period(comparison: str, value: float, tolerance: float | None = None) -> dict:
    claim = PeriodReturnClaim(kind="period_return", start="2024-01-01", end="2024-01-31", value=value,
                              comparison=comparison, tolerance=tolerance, proxy="000300.SH")
    out = check_period_return(claim, {"000300.SH": INDEX}, [])
    assert out["measured"] == 0.25 and out["base_date"] == "2023-12-29"
    return out


@pytest.mark.parametrize(
    ("comparison", "value", "tolerance", "verdict"),
    [
        # at least: measured +25%
        ("at_least", 0.20, None, "holds"),
        ("at_least", 0.25, None, "holds"),   # equality holds
        ("at_least", 0.26, None, "fails"),
        ("at_least", 0.26, 0.02, "holds"),   # 25% ≥ 26% − 2%
        ("at_least", 0.30, 0.02, "fails"),   # 25% < 30% − 2%
        # at most
        ("at_most", 0.30, None, "holds"),
        ("at_most", 0.25, None, "holds"),    # equality holds
        ("at_most", 0.20, None, "fails"),
        ("at_most", 0.24, 0.02, "holds"),    # 25% ≤ 24% + 2%
        ("at_most", 0.20, 0.02, "fails"),    # 25% > 20% + 2%
        # about: |25% − value| ≤ tolerance
        ("about", 0.26, 0.02, "holds"),
        ("about", 0.24, 0.02, "holds"),
        ("about", 0.30, 0.02, "fails"),
        ("about", 0.20, 0.02, "fails"),
    ],
)
def test_period_return_comparisons(comparison: str, value: float, tolerance: float | None, verdict: str) -> None:
    assert period(comparison, value, tolerance)["verdict"] == verdict


def test_period_return_detail_names_the_window_and_the_claim() -> None:
    out = period("at_least", 0.26, 0.02)
    assert out["detail"] == ("000300.SH: +25.00% from the 2023-12-29 close to the 2024-01-31 close; "
                             "claimed at least +26.00% ± 2.00%")


def day(kind: str, closes: dict[str, float], symbol: str = "600000.SH", on: str = "2024-03-15") -> dict:
    frame = bars(list(closes), list(closes.values()))
    claim = DayMoveClaim(kind=kind, date=on, symbols=[symbol])
    (res,) = check_day_move(claim, {symbol: frame})["results"]
    return res


@pytest.mark.parametrize("close", [10.95, 10.98, 10.99])
def test_a_close_just_below_the_limit_price_is_not_limit_up(close: float) -> None:
    # previous close 10.00, main board ±10%: the upper limit is 11.00 exactly
    res = day("limit_up", {"2024-03-14": 10.00, "2024-03-15": close})
    assert (res["limit"], res["verdict"]) == (11.00, "fails")
    assert "below its upper limit 11.00" in res["detail"]


def test_a_close_at_the_limit_price_is_limit_up() -> None:
    res = day("limit_up", {"2024-03-14": 10.00, "2024-03-15": 11.00})
    assert (res["limit"], res["verdict"]) == (11.00, "holds")


def test_a_close_above_the_band_is_a_data_problem() -> None:
    # +20% on a main-board stock: the limit is 11.00, and no trade prints past it
    res = day("limit_up", {"2024-03-14": 10.00, "2024-03-15": 12.00})
    assert (res["limit"], res["verdict"]) == (11.00, "no_data")
    assert "12.00, above its upper limit 11.00" in res["detail"] and "the bar is wrong" in res["detail"]


@pytest.mark.parametrize(
    ("close", "remark"),
    [(10.50, True), (10.51, False), (10.49, False), (10.99, False)],  # the ST limit of 10.00 is 10.50
)
def test_the_st_remark_only_at_the_st_limit_price(close: float, remark: bool) -> None:
    res = day("limit_up", {"2024-03-14": 10.00, "2024-03-15": close})
    assert res["verdict"] == "fails"
    assert ("that is the ±5% limit of a risk-warning (ST) stock" in res["detail"]) is remark


def test_no_st_remark_where_st_names_keep_the_board_band() -> None:
    # ChiNext from 2020-08-24: ST names keep ±20%, so +5% is nobody's limit
    res = day("limit_up", {"2024-03-14": 10.00, "2024-03-15": 10.50}, symbol="300001.SZ")
    assert res["limit"] == 12.00 and "risk-warning" not in res["detail"]


def test_an_ex_date_reference_rounds_half_up() -> None:
    # previous close 10.25, factor 1 → 2: reference 5.125 → 5.13 (half-up), limit 5.13 × 1.1 = 5.643 → 5.64
    frame = bars(["2024-03-14", "2024-03-15"], [10.25, 5.64], adj=[1.0, 2.0])
    claim = DayMoveClaim(kind="limit_up", date="2024-03-15", symbols=["600000.SH"])
    (res,) = check_day_move(claim, {"600000.SH": frame})["results"]
    assert (res["prev_close"], res["limit"], res["verdict"]) == (5.13, 5.64, "holds")


# A STAR listing on Monday 2024-03-11: sessions 1-5 to Friday, the 6th on 2024-03-18.
LISTING = {"2024-03-11": 30.00, "2024-03-12": 45.00, "2024-03-13": 40.00, "2024-03-14": 41.00,
           "2024-03-15": 40.00, "2024-03-18": 48.00}


def listing_day(on: str, history_start: str | None) -> dict:
    claim = DayMoveClaim(kind="limit_up", date=on, symbols=["688001.SH"])
    start = None if history_start is None else pd.Timestamp(history_start).date()
    (res,) = check_day_move(claim, {"688001.SH": bars(list(LISTING), list(LISTING.values()))}, start)["results"]
    return res


def test_a_new_listing_has_no_limit_in_its_first_five_sessions() -> None:
    res = listing_day("2024-03-12", "2024-01-02")  # session 2, +50%
    assert (res["limit"], res["verdict"]) == (None, "fails")
    assert res["detail"] == ("688001.SH closed 45.00 (+50.00%): no price limit applied on that day "
                             "(first five sessions of a listing)")
    res = listing_day("2024-03-18", "2024-01-02")  # session 6: 40.00 × 1.2 = 48.00
    assert (res["limit"], res["verdict"]) == (48.00, "holds")


def test_a_main_board_listing_before_the_registration_reform_keeps_its_limit() -> None:
    # listed Thursday 2023-04-06 under the approval system (a-share-rules.md: the main-board
    # exemption is for listings from 2023-04-10), so on 2023-04-10, its third session, its
    # ±10% limit applies: 12.10 × 1.1 = 13.31
    frame = bars(["2023-04-06", "2023-04-07", "2023-04-10"], [11.00, 12.10, 13.31])
    claim = DayMoveClaim(kind="limit_up", date="2023-04-10", symbols=["603001.SH"])
    (res,) = check_day_move(claim, {"603001.SH": frame}, pd.Timestamp("2023-03-01").date())["results"]
    assert (res["limit"], res["verdict"]) == (13.31, "holds")


def test_a_series_starting_at_the_history_start_is_not_a_listing() -> None:
    # the data starts where the load started: an old stock, so the ±20% limit applies (36.00)
    assert listing_day("2024-03-12", "2024-03-11")["verdict"] == "no_data"
    assert listing_day("2024-03-12", None)["verdict"] == "no_data"
