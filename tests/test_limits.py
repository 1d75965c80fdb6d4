"""Reference and limit prices against a hand-written table.

Every expected price below was worked out by hand: limit = reference × (1 ± band),
rounded half-up to the cent; the rows marked "half" land exactly on half a cent, where
banker's rounding (half-to-even) or binary floats would give the other cent.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from screener import limits
from screener.symbols import parse_symbol

MAIN, MAIN_SZ, STAR, CHINEXT, BSE, INDEX = "600000.SH", "000001.SZ", "688001.SH", "300750.SZ", "830799.BJ", "000300.SH"
DAY = date(2024, 3, 1)

# (previous close, symbol, date, the listing or None) -> (lower, upper) or None
L = limits.Listing
TABLE = [
    (10.00, MAIN, DAY, None, (9.00, 11.00)),
    (10.05, MAIN, DAY, None, (9.05, 11.06)),  # half: 9.045 -> 9.05 (half-even 9.04), 11.055 -> 11.06
    (3.25, MAIN_SZ, DAY, None, (2.93, 3.58)),  # half: 2.925 -> 2.93 (half-even 2.92), 3.575 -> 3.58
    (3.35, MAIN, DAY, None, (3.02, 3.69)),  # half: 3.015 -> 3.02 (float 3.01), 3.685 -> 3.69 (half-even 3.68)
    (14.02, MAIN, DAY, None, (12.62, 15.42)),  # 12.618, 15.422
    (10.05, STAR, DAY, None, (8.04, 12.06)),
    (25.57, STAR, DAY, None, (20.46, 30.68)),  # 20.456, 30.684
    (10.05, BSE, DAY, None, (7.04, 13.07)),  # half: 7.035 -> 7.04, 13.065 -> 13.07 (half-even 13.06)
    (7.77, BSE, DAY, None, (5.44, 10.10)),  # 5.439, 10.101
    (10.05, CHINEXT, date(2020, 8, 21), None, (9.05, 11.06)),  # ±10% before the reform
    (10.05, CHINEXT, date(2020, 8, 24), None, (8.04, 12.06)),  # ±20% from 2020-08-24
    (10.00, INDEX, DAY, None, None),
    # new listings: no limit in the first five sessions (BSE: the first only). Whether a
    # main-board or ChiNext listing has them depends on its LISTING date (a-share-rules.md:
    # main boards under the registration reform of 2023-04-10, ChiNext from 2020-08-24);
    # XSHG sessions: 2023-04-03, 04-04, 04-06, 04-07, 04-10, 04-11 ...; 2020-08-20, 08-21, 08-24
    (10.00, MAIN, date(2023, 4, 12), L(date(2023, 4, 10), 3), None),  # listed under the registration system
    (10.00, MAIN, date(2023, 4, 10), L(date(2023, 4, 6), 3), (9.00, 11.00)),  # listed before it: ±10% on 04-10
    (10.00, MAIN, date(2023, 4, 11), L(date(2023, 4, 4), 5), (9.00, 11.00)),  # ditto on its fifth session
    (10.00, MAIN, date(2023, 4, 7), L(date(2023, 4, 4), 3), (9.00, 11.00)),  # before the registration reform
    (10.00, MAIN, DAY, L(date(2024, 2, 26), 5), None),
    (10.00, MAIN, DAY, L(date(2024, 2, 23), 6), (9.00, 11.00)),
    (10.00, STAR, DAY, L(date(2024, 2, 26), 5), None),
    (10.00, STAR, date(2019, 7, 23), L(date(2019, 7, 22), 2), None),
    (10.00, STAR, DAY, L(date(2024, 2, 23), 6), (8.00, 12.00)),
    (10.00, CHINEXT, date(2020, 8, 21), L(date(2020, 8, 20), 2), (9.00, 11.00)),  # before the registration system
    (10.00, CHINEXT, date(2020, 8, 25), L(date(2020, 8, 24), 2), None),  # listed under it
    (10.00, CHINEXT, date(2020, 8, 24), L(date(2020, 8, 20), 3), (8.00, 12.00)),  # listed before: the new ±20% band
    (10.00, BSE, DAY, L(DAY, 1), None),
    (10.00, BSE, DAY, L(date(2024, 2, 29), 2), (7.00, 13.00)),
]

# (previous close, previous factor, factor) -> reference, and its main-board limits
EX_DATES = [
    (10.00, 1.0, 1.0, 10.00, (9.00, 11.00)),
    (10.25, 1.0, 2.0, 5.13, (4.62, 5.64)),  # half: 5.125 -> 5.13 (half-even 5.12); 4.617, 5.643
    (8.20, 1.0, 1.6, 5.13, (4.62, 5.64)),  # half: 8.20 / 1.6 = 5.125, a float gives 5.1249999...
    (5.97, 1.0, 1.2, 4.98, (4.48, 5.48)),  # half: 4.975 (float 4.97499...); 4.482, 5.478
    (8.03, 1.0, 2.0, 4.02, (3.62, 4.42)),  # half: 4.015; 3.618, 4.422
    (10.00, 1.0, 10 / 9, 9.00, (8.10, 9.90)),  # a 1.00 cash dividend
    (10.05, 2.0, 2.6, 7.73, (6.96, 8.50)),  # 3 bonus shares per 10: 7.7307...; 6.957, 8.503
]


def _scalar(prev: float, code: str, day: date, listing: limits.Listing | None) -> tuple[float, float] | None:
    band = limits.band_on(parse_symbol(code), day, listing)
    return None if band is None else limits.limit_prices(prev, band)


def _panel(prev: float, code: str, day: date, listing: limits.Listing | None, prev_adj: float = 1.0, adj: float = 1.0):
    listed_on, nth = ("NaT", 0) if listing is None else listing
    lower, upper = limits.panel_limits(
        [parse_symbol(code)], np.array([day], dtype="datetime64[ns]"), np.array([[prev]]),
        np.array([[prev_adj]]), np.array([[adj]]), np.array([[nth]]), np.array([listed_on], dtype="datetime64[D]"),
    )
    return None if np.isnan(lower[0, 0]) else (float(lower[0, 0]), float(upper[0, 0]))


@pytest.mark.parametrize(("prev", "code", "day", "listing", "expected"), TABLE)
def test_limit_prices_by_board_date_and_listing(prev, code, day, listing, expected):
    assert _scalar(prev, code, day, listing) == expected
    assert _panel(prev, code, day, listing) == expected


def test_a_listing_day_has_no_limit_without_a_previous_close():
    # before the reforms a listing day was capped at +44% / −36% of the issue price
    # (a-share-rules.md); bars carry no issue price, and the listing day no previous close
    listing = np.array([[np.nan], [10.00]])
    lower, upper = limits.panel_limits(
        [parse_symbol(MAIN)], np.array(["2023-04-04", "2023-04-06"], dtype="datetime64[ns]"), listing,
        np.array([[np.nan], [1.0]]), np.ones((2, 1)), np.array([[1], [2]]), np.array(["2023-04-04"], dtype="datetime64[D]"),
    )
    np.testing.assert_array_equal(lower, [[np.nan], [9.00]])
    np.testing.assert_array_equal(upper, [[np.nan], [11.00]])


@pytest.mark.parametrize(("prev", "prev_adj", "adj", "reference", "expected"), EX_DATES)
def test_ex_date_reference_is_restated_and_rounded_half_up(prev, prev_adj, adj, reference, expected):
    assert limits.reference_price(prev, prev_adj, adj) == reference
    assert limits.limit_prices(reference, 0.10) == expected
    assert _panel(prev, MAIN, DAY, None, prev_adj, adj) == expected


def test_a_whole_panel_at_once_matches_the_table():
    """One call over a (sessions × symbols) panel: rows are dates, columns symbols."""
    rows = [(10.05, 1.0, 1.0), (10.25, 1.0, 2.0), (8.20, 1.0, 1.6), (np.nan, np.nan, 1.0)]
    prev, prev_adj, adj = (np.array([[r[k]] * 3 for r in rows]) for k in range(3))
    nth = np.zeros_like(prev, dtype=np.int64)
    nth[0, 1] = 3  # STAR in its third session: no limit
    listed_on = np.array(["NaT", "2024-02-28", "NaT"], dtype="datetime64[D]")
    days = np.array(["2024-03-01"] * 4, dtype="datetime64[ns]")
    symbols = [parse_symbol(s) for s in (MAIN, STAR, BSE)]
    lower, upper = limits.panel_limits(symbols, days, prev, prev_adj, adj, nth, listed_on)
    nan = np.nan
    np.testing.assert_array_equal(lower, [[9.05, nan, 7.04], [4.62, 4.10, 3.59], [4.62, 4.10, 3.59], [nan, nan, nan]])
    np.testing.assert_array_equal(upper, [[11.06, nan, 13.07], [5.64, 6.16, 6.67], [5.64, 6.16, 6.67], [nan, nan, nan]])


@pytest.mark.parametrize(
    ("value", "expected"),
    [(5.125, 5.13), (2.675, 2.68), (1.005, 1.01), (3.015, 3.02), (0.145, 0.15), (9.999, 10.00), (4.124, 4.12)],
)
def test_round_price_is_half_up_on_the_decimal_value(value, expected):
    # 2.675, 1.005, 3.015 and 0.145 are stored just below the half cent in binary
    assert limits.round_price(value) == expected
    assert limits.cents(np.array([value]))[0] == round(expected * 100)


def test_st_band_on_the_main_board():
    # ±5%: 10.30 × 0.95 = 9.785 -> 9.79 (half-even 9.78), 10.30 × 1.05 = 10.815 -> 10.82
    assert limits.limit_prices(10.30, limits.band_on(parse_symbol(MAIN), DAY, st=True)) == (9.79, 10.82)
    assert limits.band_on(parse_symbol(STAR), DAY, st=True) == 0.20


DATES = np.array(["2019-01-02", "2020-08-21", "2020-08-24", "2026-05-11"], dtype="datetime64[ns]")


@pytest.mark.parametrize(
    ("code", "st", "expected"),
    [
        (MAIN, False, [10, 10, 10, 10]), (MAIN, True, [5, 5, 5, 5]),
        (STAR, False, [20, 20, 20, 20]), (STAR, True, [20, 20, 20, 20]),
        (CHINEXT, False, [10, 10, 20, 20]), (CHINEXT, True, [5, 5, 20, 20]),
        (BSE, False, [30, 30, 30, 30]),
    ],
)
def test_band_percent_by_board_and_date(code, st, expected):
    assert limits.band_percent(parse_symbol(code), DATES, st=st).tolist() == expected


def test_band_percent_is_none_for_indices():
    assert limits.band_percent(parse_symbol(INDEX), DATES) is None


def test_limit_cents_is_half_up_integer_arithmetic():
    lower, upper = limits.limit_cents(np.array([1005, 1030, 1005]), np.array([10, 5, 30]))
    assert lower.tolist() == [905, 979, 704] and upper.tolist() == [1106, 1082, 1307]
