"""Quality checks on load: each finding kind, and the calendar fallback past the
XSHG calendar's last known session."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from screener import calendar
from screener.data import frames, quality


def frame(days, closes, **cols) -> pd.DataFrame:
    n = len(days)
    c = np.asarray(closes, dtype=float)
    values = np.column_stack([
        cols.get("open", c), cols.get("high", c + 0.1), cols.get("low", c - 0.1), c,
        cols.get("volume", np.full(n, 1e5)), np.full(n, 1e6), cols.get("adj", np.ones(n)), np.full(n, 0.01),
    ])
    return frames.from_arrays(pd.DatetimeIndex(days), values)


def kinds(issues):
    return {i.kind for i in issues}


def test_clean_data_has_no_findings():
    days = pd.bdate_range("2024-01-02", "2024-01-05")
    issues, notes = quality.check({"600487.SH": frame(days, [10, 10.5, 10.2, 10.3])})
    assert issues == [] and notes == []


def test_every_kind_is_reported_with_dates():
    days = ["2024-01-02", "2024-01-03", "2024-01-05", "2024-01-06", "2024-01-08", "2024-01-09", "2024-01-10", "2024-01-11", "2024-01-12"]
    closes = [10.0, 10.5, -1.0, 10.0, 10.0, 10.0, 10.0, 12.0, 12.0]
    high = np.array(closes) + 0.1
    high[1] = 9.0  # high < low and close above high
    vol = np.full(9, 1e5)
    vol[4] = 0
    f = frame(days, closes, high=high, volume=vol)
    issues, _ = quality.check({"600487.SH": f}, start=date(2024, 1, 1))
    by_kind = {i.kind: i for i in issues}
    assert set(by_kind) == {"missing_sessions", "non_session_date", "non_positive_price", "high_below_low",
                            "close_outside_range", "zero_volume", "limit_breach"}
    assert by_kind["missing_sessions"].date == date(2024, 1, 4)
    assert by_kind["non_session_date"].date == date(2024, 1, 6)  # a Saturday
    assert by_kind["zero_volume"].date == date(2024, 1, 8)
    # the fall to -1 and the +20% jump on a ±10% main-board stock
    assert by_kind["limit_breach"].message.endswith("2 closes beyond the board's daily limit: 2024-01-05, 2024-01-11")
    assert "600487.SH: 1 session without a row" in by_kind["missing_sessions"].message


def test_limit_band_follows_board_and_dividends():
    days = pd.bdate_range("2024-01-02", periods=7)
    # STAR ±20%: +15% is fine
    star = frame(days, [10, 11.5, 11.5, 11.5, 11.5, 11.5, 11.5])
    assert "limit_breach" not in kinds(quality.check({"688981.SH": star}, start=date(2024, 1, 1))[0])
    main = frame(days, [10, 11.5, 11.5, 11.5, 11.5, 11.5, 11.5])
    assert "limit_breach" in kinds(quality.check({"600487.SH": main}, start=date(2024, 1, 1))[0])
    # exactly at limit-up (10.05 → 11.06, half-up) is fine; one cent more is not
    ok = frame(days[:2], [10.05, 11.06])
    assert not quality.limit_breaches("600487.SH", ok).any()
    assert quality.limit_breaches("600487.SH", frame(days[:2], [10.05, 11.07])).any()
    # ex-dividend: the reference is prev close minus cash (via adj_factor)
    adj = np.array([1.0, 10.0 / 9.0])
    ex = frame(days[:2], [10.0, 9.9], adj=adj)  # ref 9.00 → limit-up 9.90
    assert not quality.limit_breaches("600487.SH", ex).any()
    # indices have no band
    assert not quality.limit_breaches("000300.SH", main).any()


def test_ex_date_reference_rounds_half_up():
    # 10.25 before a 1-for-1 bonus issue (factor 1 -> 2): reference 5.125 -> 5.13 (half-up),
    # limits 4.617 -> 4.62 and 5.643 -> 5.64; half-to-even would make it 5.12 and flag 5.64
    days = pd.bdate_range("2024-01-02", periods=2)
    adj = np.array([1.0, 2.0])
    for close, breach in [(5.64, False), (5.65, True), (4.62, False), (4.61, True)]:
        assert quality.limit_breaches("600487.SH", frame(days, [10.25, close], adj=adj)).tolist() == [False, breach]


def test_new_listings_are_not_checked_for_limits_in_their_first_days():
    days = pd.bdate_range("2024-01-02", periods=3)
    ipo = frame(days, [10, 30, 30])  # +200% on day two
    assert "limit_breach" not in kinds(quality.check({"688981.SH": ipo}, start=date(2023, 12, 1))[0])
    assert "limit_breach" not in kinds(quality.check({"688981.SH": ipo})[0])


# A series that starts inside the window is a new listing: its first session has no
# previous close; which of the next ones trade without a limit depends on board and date
# (STAR: the first five; main boards: the first five from 2023-04-10, none before; BSE:
# only the first). Day 2 and day 6 jump by more than any band: 10 → 12 (+20%) then
# 12 → 14.40 (+20%) on the main board (±10%: 11.00 and 13.20), 10 → 13 then 13 → 16.90
# (+30%) on STAR (±20%: 12.00 and 15.60), 10 → 14 then 14 → 19.60 (+40%) on BSE (±30%:
# 13.00 and 18.20).
@pytest.mark.parametrize(("symbol", "first", "jumps", "breaches"), [
    ("603001.SH", "2023-03-01", (12, 14.4), "2023-03-02, 2023-03-08"),  # before the registration reform
    ("603001.SH", "2023-06-01", (12, 14.4), "2023-06-08"),  # after it: sessions 2-5 are free
    ("688001.SH", "2024-03-01", (13, 16.9), "2024-03-08"),
    ("920001.BJ", "2024-03-01", (14, 19.6), "2024-03-04, 2024-03-08"),  # only the listing day is free
])
def test_a_new_listing_is_checked_from_the_first_session_with_a_limit(symbol, first, jumps, breaches):
    days = calendar.sessions(first, pd.Timestamp(first) + pd.Timedelta(days=14))[:7]
    closes = [10, jumps[0], jumps[0], jumps[0], jumps[0], jumps[1], jumps[1]]
    start = (pd.Timestamp(first) - pd.Timedelta(days=30)).date()  # the series starts inside the window
    (issue,) = [i for i in quality.check({symbol: frame(days, closes)}, start=start)[0] if i.kind == "limit_breach"]
    assert issue.message.endswith(f"beyond the board's daily limit: {breaches}")


def test_a_main_board_listing_before_the_registration_reform_is_checked_after_it():
    # listed 2023-04-06 under the approval system: on 2023-04-10, its third session, the
    # ±10% limit applies (the exemption is for listings from 2023-04-10), and 10 → 12 breaches it
    days = calendar.sessions("2023-04-06", "2023-04-11")
    start = date(2023, 3, 1)
    (issue,) = [i for i in quality.check({"603001.SH": frame(days, [10, 10, 12, 12])}, start=start)[0]
                if i.kind == "limit_breach"]
    assert issue.message.endswith("beyond the board's daily limit: 2023-04-10")


def test_past_the_calendar_end_the_data_dates_are_used_once():
    last = calendar.last_known_session()  # whatever the installed exchange_calendars knows
    before = calendar.sessions(last - pd.Timedelta(days=10), last)[-2]
    after = pd.bdate_range(last + pd.Timedelta(days=1), periods=2)  # weekdays past its end
    days = pd.DatetimeIndex([before, last, *after])
    issues, notes = quality.check({
        "600487.SH": frame(days, [10, 10, 10, 10]),
        "600522.SH": frame(days[[0, 1, 3]], [10, 10, 10]),
    }, start=(last - pd.Timedelta(days=30)).date(), end=(last + pd.Timedelta(days=31)).date())
    assert len(notes) == 1 and f"the XSHG calendar ends on {last.date()}" in notes[0]
    missing = [i for i in issues if i.kind == "missing_sessions"]
    assert [(i.symbol, i.date) for i in missing] == [("600522.SH", after[0].date())]
    assert "non_session_date" not in kinds(issues)


def test_empty_price_cells_are_a_warning_and_the_rows_stay():
    days = pd.bdate_range("2024-01-02", periods=3)
    f = frame(days, [10.0, np.nan, 10.2])
    issues, _ = quality.check({"600487.SH": f}, start=date(2024, 1, 1))
    (issue,) = [i for i in issues if i.kind == "missing_price"]
    assert issue.date == date(2024, 1, 3) and "1 row with an empty price" in issue.message
    assert len(f) == 3
