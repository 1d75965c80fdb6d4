"""Claim verdicts on hand-made bars, with every expected verdict worked out by hand.

Period returns: the index closes 100.00 on the base date (2023-12-29, the last session
before the claim's start) and 125.00 on the claim's end (2024-01-31), so it measured
exactly +25% (125 / 100 − 1 is exact in binary floating point)."""

from __future__ import annotations

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
