"""Tradability under A-share price limits on hand-made bars: opens at the upper limit
(cent-exact, by board; new listings exempt), runs of limit-up closes, the first session a
buy could fill, the CAR from its open; and the limit-up scan's events."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest

from screener.calendar import sessions as xshg
from screener.event.run import run_event_study
from screener.event.settings import EventSettings
from screener.theme.model import Theme
from tests.backtest.helpers import FakeStore, bars

DAYS = xshg("2024-01-02", "2024-06-28")
Z = 80  # day 0's row
DAY0 = DAYS[Z].date()
TODAY = date(2024, 7, 1)


def quiet(n: int, level: float) -> list[float]:
    """Closes alternating level and level + 1%, ending at ``level`` (no limit touched)."""
    return [round(level * (1.01 if (n - 1 - i) % 2 else 1.0), 2) for i in range(n)]


def member(event_closes: list[float], event_opens: list[float], level: float = 10.0, *, first: int = 0,
           gaps: tuple[int, ...] = ()) -> pd.DataFrame:
    """Quiet bars to day −1 (close ``level``), the given bars from day 0, then flat."""
    tail = len(DAYS) - Z - len(event_closes)
    closes = quiet(Z, level) + event_closes + [event_closes[-1]] * tail
    opens = closes[:Z] + event_opens + [event_closes[-1]] * tail
    keep = [i for i in range(first, len(DAYS)) if i - Z not in gaps]
    return bars(DAYS[keep], np.array(closes)[keep], np.array(opens)[keep])


FRAMES = {
    # 10.00 → limit 11.00 (opened and closed there) → 12.10 (ditto) → 13.31 close, open 12.80 → 13.90
    "600000.SH": member([11.00, 12.10, 13.31, 13.90], [11.00, 12.10, 12.80, 14.00]),
    # ChiNext ±20%: 10.05 → limit 12.06; a 12.05 close is one cent short, a 12.06 close is at it
    "300001.SZ": member([12.05, 14.46, 14.00], [10.50, 14.46, 14.40], level=10.05),
    # STAR, listed two sessions before day 0: no limit in its first five sessions
    "688001.SH": member([13.00, 16.90, 17.00], [13.00, 16.90, 17.00], first=Z - 2),
    # suspended on days 0 and +1
    "600036.SH": member([10.50, 10.60, 10.90, 11.00], [10.50, 10.60, 10.70, 11.00], gaps=(0, 1)),
    "000300.SH": bars(DAYS, [1000.0 + (i % 2) for i in range(len(DAYS))],
                      [1000.5 - (i % 3) * 0.25 for i in range(len(DAYS))]),
}
THEME = Theme.model_validate({"id": "limits", "name": "Limits", "benchmark": "000300.SH",
                              "members": [{"symbol": s, "name": s[:6]} for s in FRAMES if s != "000300.SH"]})


def run(**options) -> dict:
    settings = EventSettings(window=(-2, 5), estimation=(-60, -3), model="market-adjusted", min_estimation=20,
                             **options)
    return run_event_study(THEME, settings, FakeStore(FRAMES), today=TODAY)


def by_symbol(result: dict) -> dict[str, dict]:
    return {m["symbol"]: m for m in result["members"]}


def test_opens_at_the_limit_runs_and_the_first_buy() -> None:
    m = by_symbol(run(dates=[DAY0]))
    a = m["600000.SH"]
    assert (a["day0_open_at_limit"], a["day1_open_at_limit"], a["limit_up_run"]) == (True, True, 3)
    assert a["first_tradable"] == {"date": DAYS[Z + 2].date().isoformat(), "day": 2, "price": 12.80}
    c = m["300001.SZ"]
    assert (c["day0_open_at_limit"], c["day1_open_at_limit"], c["limit_up_run"]) == (False, True, 0)
    assert c["first_tradable"]["day"] == 0 and c["first_tradable"]["price"] == 10.50
    star = m["688001.SH"]  # +30% with no limit yet: nothing is "at the limit"
    assert (star["day0_open_at_limit"], star["day1_open_at_limit"], star["limit_up_run"]) == (False, False, 0)
    s = m["600036.SH"]
    assert (s["day0_open_at_limit"], s["day1_open_at_limit"], s["limit_up_run"]) == (None, None, 0)
    assert s["first_tradable"]["day"] == 2


def test_the_car_captured_from_the_first_buy() -> None:
    """Day f counts from its open (own and benchmark open-to-close), the later days as
    they are: market-adjusted AR = R − Rm."""
    a = by_symbol(run(dates=[DAY0]))["600000.SH"]
    bench = FRAMES["000300.SH"]
    f = Z + 2
    own = 13.31 / 12.80 - 1
    rm = bench["close"].iloc[f] / bench["open"].iloc[f] - 1
    later = [a_["ar"] for a_ in a["ar"] if a_["day"] > 2]
    assert a["car_from_first_tradable"] == pytest.approx(own - rm + sum(later), rel=1e-12)
    assert a["return_from_first_tradable"] == pytest.approx(13.90 / 12.80 - 1, rel=1e-12)


def test_the_limit_up_scan_finds_every_limit_up_close_and_buys_from_day_one() -> None:
    r = run(on="limit-up", start=DAYS[0].date(), end=DAYS[-1].date())
    events = [(e["session"], e["symbols"]) for e in r["events"]]
    d = [DAYS[Z + k].date().isoformat() for k in range(3)]
    # 600000: days 0, 1, 2 at 11.00, 12.10, 13.31; 300001: day 1 (14.46 = 12.05 × 1.2); not 12.05 on day 0
    assert events == [(d[0], ["600000.SH"]), (d[1], ["600000.SH", "300001.SZ"]), (d[2], ["600000.SH"])]
    m = [(x["symbol"], x["session"], x["limit_up_run"], x["first_tradable"]["day"]) for x in r["members"]]
    # known only at day 0's close: the first buy is looked for from day +1 (600000 opens at its limit on day +1)
    assert m == [("600000.SH", d[0], 3, 2), ("600000.SH", d[1], 2, 1), ("300001.SZ", d[1], 1, 1),
                 ("600000.SH", d[2], 1, 1)]
    assert [w["kind"] for w in r["warnings"]].count("overlap") == 1
    assert (r["settings"]["start"], r["settings"]["end"]) == (DAYS[0].date().isoformat(), DAYS[-1].date().isoformat())


def test_the_scan_defaults_to_this_year_through_the_latest_session() -> None:
    settings = EventSettings(on="limit-up", window=(-2, 5), estimation=(-60, -3), model="market-adjusted",
                             min_estimation=20)
    r = run_event_study(THEME, settings, FakeStore(FRAMES), today=date(2024, 5, 20))
    assert (r["settings"]["start"], r["settings"]["end"]) == ("2024-01-01", DAYS[-1].date().isoformat())
    assert [e["session"] for e in r["events"]][0] == DAYS[Z].date().isoformat()


def test_the_scan_with_no_limit_up_close_is_an_error() -> None:
    from screener.errors import DataError

    with pytest.raises(DataError, match="no member of 'limits' closed at its upper limit from 2024-01-02 to 2024-03-01"):
        run(on="limit-up", start=date(2024, 1, 2), end=date(2024, 3, 1))


def test_a_window_ending_before_day_0_still_assesses_days_0_and_1() -> None:
    """A pre-event window (was it priced in?) used to end in an argmax of an empty
    sequence, and its bars stopped at day −1: days 0 and +1 are loaded and read, and no
    first buy falls inside the window."""
    settings = EventSettings(dates=[DAY0], window=(-3, -1), estimation=(-60, -4), model="market-adjusted",
                             min_estimation=20)
    m = by_symbol(run_event_study(THEME, settings, FakeStore(FRAMES), today=TODAY))
    flags = {s: (x["day0_open_at_limit"], x["day1_open_at_limit"]) for s, x in m.items()}
    assert flags == {"600000.SH": (True, True), "300001.SZ": (False, True), "688001.SH": (False, False),
                     "600036.SH": (None, None)}
    assert all(x["first_tradable"] is None and x["car_from_first_tradable"] is None for x in m.values())
    assert [a["day"] for a in m["600000.SH"]["ar"]] == [-3, -2, -1]


def test_no_first_buy_when_every_session_opens_at_the_limit_or_has_no_bar() -> None:
    """first_tradable is null (and so are the figures from it) when no session of days
    0..+5 could fill a buy: limit-up opens every day, or suspended from day 0 on."""
    every_day = [11.00, 12.10, 13.31, 14.64, 16.10, 17.71]  # each 10% above the last, at the limit (half-up cents)
    frames = {**FRAMES, "600519.SH": member(every_day, every_day),
              "601318.SH": member([10.00] * 6, [10.00] * 6, gaps=tuple(range(6)))}
    theme = Theme.model_validate({**THEME.model_dump(mode="json"), "members": [
        {"symbol": "600519.SH", "name": "every day"}, {"symbol": "601318.SH", "name": "suspended"}]})
    settings = EventSettings(dates=[DAY0], window=(-2, 5), estimation=(-60, -3), model="market-adjusted",
                             min_estimation=20)
    m = by_symbol(run_event_study(theme, settings, FakeStore(frames), today=TODAY))
    limit, suspended = m["600519.SH"], m["601318.SH"]
    assert (limit["day0_open_at_limit"], limit["day1_open_at_limit"], limit["limit_up_run"]) == (True, True, 6)
    assert (suspended["day0_open_at_limit"], suspended["day1_open_at_limit"]) == (None, None)
    for x in (limit, suspended):
        assert x["first_tradable"] is None
        assert x["car_from_first_tradable"] is None and x["return_from_first_tradable"] is None


def limit_up_closes(n: int, start: float = 10.00) -> list[float]:
    """``n`` closes each at the ±10% upper limit of the one before: prev × 1.1 rounded
    half-up to the cent (worked in decimal, as the exchanges do)."""
    closes, prev = [], Decimal(repr(start))
    for _ in range(n):
        prev = (prev * Decimal("1.1")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        closes.append(float(prev))
    return closes


def test_limit_up_closes_by_hand() -> None:
    assert limit_up_closes(5) == [11.00, 12.10, 13.31, 14.64, 16.10]  # 14.641 -> 14.64, 16.104 -> 16.10


def study_run(closes: list[float], window: tuple[int, int], day0: int = Z) -> dict:
    """The limit-up run of one main-board member with ``closes`` from ``day0`` (quiet
    before, then flat at its last close), in a study of ``window`` on that day."""
    tail = len(DAYS) - day0 - len(closes)
    all_closes = quiet(day0, 10.0) + closes + [closes[-1]] * tail
    frames = {"600519.SH": bars(DAYS, all_closes), "000300.SH": FRAMES["000300.SH"]}
    theme = Theme.model_validate({**THEME.model_dump(mode="json"), "members": [{"symbol": "600519.SH", "name": "run"}]})
    settings = EventSettings(dates=[DAYS[day0].date()], window=window, estimation=(-60, -4), model="market-adjusted",
                             min_estimation=20)
    (m,) = run_event_study(theme, settings, FakeStore(frames), today=TODAY)["members"]
    return m


@pytest.mark.parametrize("window", [(-3, -1), (-2, 1), (0, 2)])
def test_the_limit_up_run_is_counted_past_the_window(window) -> None:
    # five limit-up closes from day 0, then flat: 5 whatever the window (a pre-event
    # window loaded bars to day +1 only and showed 2)
    m = study_run(limit_up_closes(5), window)
    assert (m["limit_up_run"], m["limit_up_run_more"]) == (5, False)
    assert [a["day"] for a in m["ar"]] == list(range(window[0], window[1] + 1))  # the window itself is unchanged


@pytest.mark.parametrize(("n", "expected"), [(29, (29, False)), (30, (30, False)), (31, (30, True)), (34, (30, True))])
def test_a_limit_up_run_is_counted_to_30_and_marked_when_it_goes_on(n, expected) -> None:
    m = study_run(limit_up_closes(n), (-2, 5))
    assert (m["limit_up_run"], m["limit_up_run_more"]) == expected


def test_a_limit_up_run_through_the_data_s_last_session_is_marked() -> None:
    # limit-up on the last three sessions of the data: at least 3, what follows is unknown
    m = study_run(limit_up_closes(3), (-2, 5), day0=len(DAYS) - 3)
    assert (m["limit_up_run"], m["limit_up_run_more"]) == (3, True)


def test_the_tradability_table_shows_30_plus() -> None:
    from screener.report.event import text
    from screener.report.event.view import EventView

    result = run(dates=[DAY0])
    result["members"][0].update(limit_up_run=30, limit_up_run_more=True)
    result["members"][1].update(limit_up_run=30, limit_up_run_more=False)
    rows = text.tradability_table(EventView(result))[1]
    assert [r[3] for r in rows[:2]] == ["30+", "30"]
