"""The run pipeline on hand-made data: window defaults, dropped and late members,
benchmark, contributions, claims and warnings."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from screener.backtest.run import run_backtest
from screener.backtest.settings import BacktestSettings, Costs
from screener.calendar import sessions as xshg
from screener.errors import DataError, UserError
from screener.theme.model import Theme
from tests.backtest.helpers import ENGINES, FakeStore, bars, random_walk, run_checked

SESSIONS = xshg("2023-09-01", "2024-04-30")
CLAIM_DAY = "2024-03-15"


def _with_close(frame: pd.DataFrame, day: str, close: float) -> pd.DataFrame:
    f = frame.copy()
    f.loc[pd.Timestamp(day), ["open", "high", "low", "close"]] = close
    return f


def _frames() -> dict[str, pd.DataFrame]:
    a = random_walk(SESSIONS, 11)
    b = random_walk(SESSIONS, 12)
    prev_a = a.loc[: pd.Timestamp(CLAIM_DAY) - pd.Timedelta(days=1), "close"].iloc[-1]
    prev_b = b.loc[: pd.Timestamp(CLAIM_DAY) - pd.Timedelta(days=1), "close"].iloc[-1]
    a = _with_close(a, CLAIM_DAY, round(prev_a * 1.1 + 1e-9, 2))  # limit-up (prices < 100: exact)
    b = _with_close(b, CLAIM_DAY, round(prev_b * 1.05 + 1e-9, 2))  # +5%: up, but not a 10% limit
    late = int(SESSIONS.searchsorted(pd.Timestamp("2024-02-01")))
    index = random_walk(SESSIONS, 13, sigma=0.008)
    index["adj_factor"] = 1.0
    return {
        "600000.SH": a,
        "600036.SH": b,
        "688001.SH": random_walk(SESSIONS, 14, first=late, sigma=0.02),
        "000300.SH": index,
    }


FRAMES = _frames()


def theme(**extra) -> Theme:
    data = {
        "id": "test-theme",
        "name": "Test theme",
        "members": [
            {"symbol": "600000.SH", "name": "A", "named_in_source": True, "weight": 0.6},
            {"symbol": "600036.SH", "name": "B", "named_in_source": True, "weight": 0.4},
            {"symbol": "688001.SH", "name": "C (listed 2024-02-01)"},
            {"symbol": "000001.SZ", "name": "D (no data)"},
        ],
        "benchmark": "000300.SH",
        "claims": [
            {"id": "ytd", "kind": "period_return", "start": "2024-01-01", "end": "2024-03-29",
             "value": 0.0, "comparison": "at_least"},
            {"id": "index", "kind": "period_return", "start": "2024-01-01", "end": "2024-03-29",
             "value": 0.5, "comparison": "about", "tolerance": 0.01, "proxy": "000300.SH"},
            {"id": "lu", "kind": "limit_up", "date": CLAIM_DAY, "symbols": ["600000.SH", "600036.SH"]},
            {"id": "cu", "kind": "close_up", "date": CLAIM_DAY, "symbols": ["600036.SH"]},
            {"id": "gone", "kind": "close_up", "date": CLAIM_DAY, "symbols": ["000001.SZ"]},
        ],
    }
    data.update(extra)
    return Theme.model_validate(data)


def run(settings: BacktestSettings | None = None, frames: dict | None = None, **kw) -> dict:
    """A backtest of the test theme; with ``engine="backtrader"`` checked against the fast ledger."""
    return run_checked(kw.pop("t", None) or theme(), settings or BacktestSettings(), FakeStore(frames or FRAMES),
                       today=date(2024, 5, 1))


def _adj(symbol: str) -> pd.Series:
    f = FRAMES[symbol]
    return f["close"] * f["adj_factor"]


def test_window_defaults_to_the_first_claim_and_the_latest_data() -> None:
    r = run()
    assert (r["start"], r["base_date"], r["end"]) == ("2024-01-01", "2023-12-29", "2024-04-30")
    assert r["equity"][0] == {"date": "2023-12-29", "basket": 1.0, "benchmark": 1.0}
    assert r["equity"][-1]["date"] == "2024-04-30"
    assert r["sessions"] == len(r["equity"]) - 1
    assert r["data_source"] == "dir" and r["demo"] is False


@pytest.mark.parametrize("engine", ENGINES)
def test_dropped_and_late_members_are_warned_about(engine: str) -> None:
    r = run(BacktestSettings(engine=engine))
    kinds = {(w["kind"], w["symbol"]) for w in r["warnings"]}
    assert ("dropped_member", "000001.SZ") in kinds
    assert ("not_bought", "688001.SH") in kinds  # buy and hold: formed before it listed
    assert [w["kind"] for w in r["warnings"] if w["symbol"] == "000001.SZ"] == ["dropped_member"]  # said once
    rows = {m["symbol"]: m for m in r["members"]}
    assert rows["000001.SZ"]["in_basket"] is False and rows["000001.SZ"]["total_return"] is None
    assert rows["688001.SH"]["trades"] == 0 and rows["688001.SH"]["listed"] == "2024-02-01"
    # with monthly rebalancing the late listing joins at the first rebalance after it lists
    m = run(BacktestSettings(rebalance="monthly", engine=engine))
    first = next(t for t in m["members"] if t["symbol"] == "688001.SH")
    assert first["trades"] >= 1
    assert not any(w["kind"] == "not_bought" for w in m["warnings"])


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("rebalance", ["none", "monthly", "quarterly"])
def test_contributions_add_up_to_the_total_return(rebalance: str, engine: str) -> None:
    r = run(BacktestSettings(rebalance=rebalance, fill="close", engine=engine))
    total = sum(m["contribution"] or 0.0 for m in r["members"])
    assert total == pytest.approx(r["basket"]["total_return"], abs=1e-12)
    assert r["basket"]["final_value"] == pytest.approx(1_000_000 * (1 + r["basket"]["total_return"]), rel=1e-12)
    assert r["basket"]["costs_paid"] > 0
    assert (r["basket"]["turnover"] > 0) == (rebalance != "none")


def test_member_return_and_benchmark_are_measured_from_the_base_close() -> None:
    r = run()
    a = _adj("600000.SH")
    rows = {m["symbol"]: m for m in r["members"]}
    expected = a[pd.Timestamp("2024-04-30")] / a[pd.Timestamp("2023-12-29")] - 1
    assert rows["600000.SH"]["total_return"] == pytest.approx(expected, rel=1e-12)
    idx = _adj("000300.SH")
    assert r["benchmark"]["total_return"] == pytest.approx(idx.iloc[-1] / idx[pd.Timestamp("2023-12-29")] - 1, rel=1e-12)
    assert r["relative"]["excess_return"] == pytest.approx(r["basket"]["total_return"] - r["benchmark"]["total_return"])


def test_relative_figures_are_the_baskets_against_the_benchmark() -> None:
    r = run()
    basket = np.array([row["basket"] for row in r["equity"]])
    index = np.array([row["benchmark"] for row in r["equity"]])
    rp, rb = basket[1:] / basket[:-1] - 1, index[1:] / index[:-1] - 1
    beta = np.cov(rp, rb, ddof=1)[0, 1] / np.var(rb, ddof=1)
    active = rp - rb
    te = np.std(active, ddof=1) * np.sqrt(242)
    rel = r["relative"]
    assert rel["beta"] == pytest.approx(beta, rel=1e-9)
    assert rel["alpha"] == pytest.approx((rp.mean() - beta * rb.mean()) * 242, rel=1e-9)  # risk-free 0
    assert rel["tracking_error"] == pytest.approx(te, rel=1e-9)
    assert rel["information_ratio"] == pytest.approx(active.mean() * 242 / te, rel=1e-9)


@pytest.mark.parametrize("engine", ENGINES)
def test_weights_and_member_selection(engine: str) -> None:
    r = run(BacktestSettings(weights="theme", members="named", fill="close", costs=Costs(enabled=False), engine=engine))
    rows = {m["symbol"]: m for m in r["members"]}
    assert set(rows) == {"600000.SH", "600036.SH"}
    assert rows["600000.SH"]["weight_start"] == pytest.approx(0.6)
    assert rows["600036.SH"]["weight_start"] == pytest.approx(0.4)
    with pytest.raises(UserError, match="no weight"):
        run(BacktestSettings(weights="theme"))
    t = theme(members=[{"symbol": "600000.SH", "name": "A"}])
    with pytest.raises(UserError, match="named_in_source"):
        run(BacktestSettings(members="named"), t=t)


def test_claims_are_checked_on_their_own_windows() -> None:
    claims = {c["id"]: c for c in run(BacktestSettings(start=date(2024, 2, 1)))["claims"]}
    # the basket claim: mean of member returns from the 2023-12-29 close to the 2024-03-29
    # close, over members with a price on the base date (C listed later, D has no data)
    base, end = pd.Timestamp("2023-12-29"), pd.Timestamp("2024-03-29")
    ratios = [_adj(s)[end] / _adj(s)[base] for s in ("600000.SH", "600036.SH")]
    ytd = claims["ytd"]
    assert ytd["measured"] == pytest.approx(np.mean(ratios) - 1, rel=1e-12)
    assert ytd["measured"] == pytest.approx(0.0592, abs=5e-5)  # A +8.39%, B +3.45%: a mean of +5.92%
    assert ytd["verdict"] == "holds"  # claimed at least 0%
    assert "688001.SH" in ytd["detail"] and "000001.SZ" in ytd["detail"]
    idx = claims["index"]
    assert idx["measured"] == pytest.approx(_adj("000300.SH")[end] / _adj("000300.SH")[base] - 1, rel=1e-12)
    assert idx["verdict"] == "fails"  # +50% ± 1% is far from a quiet index
    lu = claims["lu"]
    assert [x["verdict"] for x in lu["results"]] == ["holds", "fails"]
    assert lu["verdict"] == "fails"
    assert "risk-warning (ST)" in lu["results"][1]["detail"]
    assert lu["measured"]["600000.SH"] == pytest.approx(0.1, abs=0.002)
    assert claims["cu"]["verdict"] == "holds"
    assert claims["gone"]["verdict"] == "no_data"


def test_a_limit_up_claim_in_a_listings_first_sessions_fails() -> None:
    # C (688001.SH) lists on 2024-02-01 inside the loaded history: no limit on its 2nd session
    t = theme(claims=[{"id": "ipo", "kind": "limit_up", "date": "2024-02-02", "symbols": ["688001.SH"]}])
    (claim,) = run(t=t)["claims"]
    assert claim["verdict"] == "fails"
    assert claim["detail"].endswith("no price limit applied on that day (first five sessions of a listing)")


def test_claim_without_data_for_its_window_is_no_data() -> None:
    t = theme(claims=[{"id": "late", "kind": "period_return", "start": "2024-04-01", "end": "2024-06-28",
                       "value": 0.1, "comparison": "at_least"}])
    r = run(BacktestSettings(start=date(2024, 1, 1)), t=t)
    assert r["claims"][0]["verdict"] == "no_data"
    assert "data ends on 2024-04-30" in r["claims"][0]["detail"]


def test_end_after_the_data_is_cut_with_a_warning() -> None:
    r = run(BacktestSettings(start=date(2024, 1, 1), end=date(2024, 6, 28)))
    assert r["end"] == "2024-04-30"
    assert any(w["kind"] == "window" for w in r["warnings"])


def test_missing_benchmark_leaves_relative_figures_out() -> None:
    frames = {k: v for k, v in FRAMES.items() if k != "000300.SH"}
    r = run(frames=frames)
    assert r["benchmark"] == {"symbol": "000300.SH", "name": "CSI 300"}  # a major index is named without data
    assert r["relative"] == dict.fromkeys(("excess_return", "beta", "alpha", "tracking_error", "information_ratio"))
    assert all(row["benchmark"] is None for row in r["equity"])
    assert any(w["kind"] == "benchmark" for w in r["warnings"])


@pytest.mark.parametrize("code", ["000905.SH", "BK0715"])
def test_a_benchmark_asked_for_without_data_is_an_error(code: str) -> None:
    with pytest.raises(DataError, match=f"--benchmark {code}: .*pick another --benchmark"):
        run(BacktestSettings(benchmark=code))


@pytest.mark.parametrize("fill", ["open", "close"])
def test_a_window_starting_before_every_members_data_is_an_error(fill: str) -> None:
    late = {s: f[f.index >= pd.Timestamp("2024-03-01")] for s, f in FRAMES.items()}
    with pytest.raises(DataError, match="has a price at the formation .*the data starts on 2024-03-01.*pick a --start after 2024-03-01"):
        run(BacktestSettings(start=date(2024, 1, 2), fill=fill, rebalance="monthly"), frames=late)


def test_no_member_data_is_a_data_error() -> None:
    with pytest.raises(DataError, match="no data for the members of .test-theme. from .*none of them has a file there; "
                                         "add one per member .e.g. 600000.SH.csv."):
        run(frames={"000300.SH": FRAMES["000300.SH"]})
    early = {s: f[f.index > pd.Timestamp("2024-04-30")] for s, f in FRAMES.items()}  # present, but empty
    with pytest.raises(DataError, match="no data for the members of .test-theme. from .*check --start/--end"):
        run(BacktestSettings(end=date(2024, 4, 30)), frames=early)
    with pytest.raises(UserError, match="the window 2024-02-03 → 2024-02-04 has no trading session; pick a later --end"):
        run(BacktestSettings(start=date(2024, 2, 3), end=date(2024, 2, 4)))  # a weekend
    with pytest.raises(UserError, match="too early"):
        run(BacktestSettings(start=date(2000, 1, 3)))  # before the calendar, after the exchange opened


@pytest.mark.parametrize("engine", ENGINES)
def test_suspended_member_is_valued_at_its_last_close(engine: str) -> None:
    frames = dict(FRAMES)
    a = FRAMES["600000.SH"]
    gap = (a.index >= "2024-02-05") & (a.index <= "2024-02-08")
    frames["600000.SH"] = a[~gap]
    r = run(BacktestSettings(start=date(2024, 1, 1), fill="close", costs=Costs(enabled=False), engine=engine),
            frames=frames)
    eq = {row["date"]: row["basket"] for row in r["equity"]}
    assert "2024-02-06" in eq  # the session is kept: members never shift each other's bars
    rows = {m["symbol"]: m for m in r["members"]}
    held = {s: rows[s]["shares_end"] for s in ("600000.SH", "600036.SH")}  # buy and hold, no costs
    # on 2024-02-06 A has no bar: it is worth its 2024-02-02 close
    day, prev = pd.Timestamp("2024-02-06"), pd.Timestamp("2024-02-02")
    value_06 = eq["2024-02-06"] * 1_000_000
    value_02 = eq["2024-02-02"] * 1_000_000
    b = FRAMES["600036.SH"]
    change_b = held["600036.SH"] * (b.loc[day, "close"] - b.loc[prev, "close"])
    assert value_06 - value_02 == pytest.approx(change_b, abs=1e-6)
    assert rows["600000.SH"]["trades"] == 1


def test_board_benchmark_from_the_store() -> None:
    from screener.data.model import Bars, BoardInfo, Source

    board_bars = Bars("BK0715", bars(FRAMES["000300.SH"].index, FRAMES["000300.SH"]["close"] * 2), Source.DIR, "test")
    info = BoardInfo("BK0715", "光纤概念", pd.DataFrame({"symbol": [], "name": []}), board_bars, Source.DIR)
    r = run_backtest(theme(), BacktestSettings(benchmark="BK0715"), FakeStore(FRAMES, {"BK0715": info}), today=date(2024, 5, 1))
    assert r["benchmark"]["symbol"] == "BK0715" and r["benchmark"]["name"] == "光纤概念"
    idx = _adj("000300.SH")
    assert r["benchmark"]["total_return"] == pytest.approx(idx.iloc[-1] / idx[pd.Timestamp("2023-12-29")] - 1, rel=1e-9)


def test_a_bar_on_a_closed_day_is_warned_about_once() -> None:
    from screener.data.model import QualityIssue

    frames = dict(FRAMES)
    a = frames["600000.SH"]
    saturday = a.loc[[pd.Timestamp("2024-02-05")]].set_axis(pd.DatetimeIndex([pd.Timestamp("2024-02-03")], name="date"))
    frames["600000.SH"] = pd.concat([a, saturday]).sort_index()

    def about_a(r: dict) -> list[str]:
        return [w["message"] for w in r["warnings"] if w["symbol"] == "600000.SH"]

    assert about_a(run(frames=frames)) == ["1 bar(s) on days that are not XSHG sessions were ignored"]

    class Flagging(FakeStore):
        def load(self, symbols, start=None, end=None):
            md = super().load(symbols, start, end)
            md.issues.append(QualityIssue("600000.SH", "non_session_date", "1 rows on days the exchange was closed: 2024-02-03",
                                          date(2024, 2, 3)))
            return md

    r = run_backtest(theme(), BacktestSettings(), Flagging(frames), today=date(2024, 5, 1))
    assert about_a(r) == ["1 rows on days the exchange was closed: 2024-02-03"]


@pytest.mark.parametrize(("source", "hint"), [
    ("live", "nothing could be fetched: check the network connection"),
    ("cache", "fetch it first .`screener data fetch test-theme`."),
])
def test_no_member_data_from_the_network_or_the_cache_says_what_to_do(source: str, hint: str) -> None:
    from screener.data.model import Source

    class Store(FakeStore):
        def load(self, symbols, start=None, end=None):
            md = super().load(symbols, start, end)
            md.source, md.label = Source(source), f"{source} (test)"
            return md

    with pytest.raises(DataError, match=hint):
        run_backtest(theme(), BacktestSettings(), Store({}), today=date(2024, 5, 1))


@pytest.mark.parametrize("engine", ENGINES)
def test_shares_end_are_raw_shares_through_ex_dates(engine: str) -> None:
    """Both members are bought at 10.00 on the base close (100,000 CNY each, no costs:
    10,000 shares), with factors of 2.0 already (so adjusted units would read 5,000).
    A: 3 bonus shares per 10 on 2024-01-15 (reference 10.00 / 1.3, factor 2.0 → 2.6):
    10,000 × 1.3 = 13,000 shares. B: a 0.50 cash dividend on 2024-01-15 (reference 9.50,
    factor × 10.00 / 9.50), reinvested on the ex-date at the reference price:
    10,000 + 10,000 × 0.50 / 9.50 = 10,526.315789… shares."""
    days = [d.strftime("%Y-%m-%d") for d in xshg("2023-12-01", "2024-01-31")]
    ex = days.index("2024-01-15")
    a = bars(days, [10.00] * ex + [7.70] * (len(days) - ex), adj=[2.0] * ex + [2.6] * (len(days) - ex))
    b = bars(days, [10.00] * ex + [9.50] * (len(days) - ex), adj=[2.0] * ex + [2.0 * 10.00 / 9.50] * (len(days) - ex))
    t = theme(members=[{"symbol": "600000.SH", "name": "A"}, {"symbol": "600036.SH", "name": "B"}], claims=[])
    r = run(BacktestSettings(start=date(2024, 1, 2), fill="close", cash=200_000, costs=Costs(enabled=False), engine=engine),
            frames={"600000.SH": a, "600036.SH": b, "000300.SH": FRAMES["000300.SH"]}, t=t)
    rows = {m["symbol"]: m for m in r["members"]}
    assert [(t["symbol"], t["shares"]) for t in r["trades"]] == [("600000.SH", 10_000), ("600036.SH", 10_000)]
    assert rows["600000.SH"]["shares_end"] == pytest.approx(13_000, rel=1e-12)
    assert rows["600036.SH"]["shares_end"] == pytest.approx(10_000 + 5_000 / 9.50, rel=1e-12)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_blocked_buy_is_retried_with_the_share_count_of_the_original_fill_price(engine: str) -> None:
    """The base close 11.00 is the upper limit of 10.00: the formation buy is blocked.
    Retried at 10.00 the next session, it buys the count worked out at 11.00:
    100,000 / 11.00 = 9,090.9 → 9,000 shares (not 100,000 / 10.00 = 10,000)."""
    days = [d.strftime("%Y-%m-%d") for d in xshg("2023-12-01", "2024-01-31")]
    closes = [10.00] * (len(days) - 2) + [11.00, 10.00]
    t = theme(members=[{"symbol": "600000.SH", "name": "A"}], claims=[])
    r = run(BacktestSettings(start=date(2024, 1, 31), fill="close", cash=100_000, costs=Costs(enabled=False), engine=engine),
            frames={"600000.SH": bars(days, closes), "000300.SH": FRAMES["000300.SH"]}, t=t)
    assert r["base_date"] == "2024-01-30"
    trades = [(t["date"], t["side"], t["shares"], t["price"]) for t in r["trades"]]
    assert trades == [("2024-01-31", "buy", 9_000, 10.00)]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_bar_without_volume_is_not_capped_and_said_so_with_a_volume_cap(engine: str) -> None:
    """Both members close at 10.00; 50,000 CNY each buys 5,000 shares at the base close.
    A has no volume on the base date (the formation session) and 100 shares on every
    other session; B trades 1,000,000 shares a session. With a cap of 1% of the volume
    (B: 10,000 shares) neither buy is cut: A's volume is unknown there, so A's 5,000
    shares fill uncapped, with a warning naming A and its one session without volume."""
    days = [d.strftime("%Y-%m-%d") for d in xshg("2023-12-01", "2024-01-31")]
    base = days.index("2024-01-02")
    volume_a = [100.0] * len(days)
    volume_a[base] = float("nan")
    t = theme(members=[{"symbol": "600000.SH", "name": "A"}, {"symbol": "600036.SH", "name": "B"}], claims=[])
    frames = {"600000.SH": bars(days, [10.00] * len(days), volume=volume_a),
              "600036.SH": bars(days, [10.00] * len(days)), "000300.SH": FRAMES["000300.SH"]}
    settings = BacktestSettings(start=date(2024, 1, 3), fill="close", cash=100_000, costs=Costs(enabled=False),
                                engine=engine)

    def no_volume(r: dict) -> list[tuple[str, str]]:
        return [(w["symbol"], w["message"]) for w in r["warnings"] if "no volume" in w["message"]]

    r = run(settings.model_copy(update={"max_participation": 0.01}), frames=frames, t=t)
    assert r["base_date"] == days[base]
    assert [(t["date"], t["symbol"], t["shares"]) for t in r["trades"]] == [
        (days[base], "600000.SH", 5_000), (days[base], "600036.SH", 5_000)]
    assert no_volume(r) == [("600000.SH", "no volume on 1 session(s): --max-participation does not cap its fills there")]
    assert no_volume(run(settings, frames=frames, t=t)) == []  # without a cap there is nothing to say

def test_a_rebalance_without_an_eligible_member_is_warned_about() -> None:
    """The engine's events frame holds no symbol for such a rebalance; under pandas' string
    dtype that is NaN, not None, and must still become the 'rebalance' warning."""
    from types import SimpleNamespace

    from screener.backtest.engine import EVENT_COLUMNS
    from screener.backtest.result import trading_warnings

    nan = float("nan")
    events = pd.DataFrame([(date(2024, 2, 1), None, "none", "no_eligible_member", nan, nan),
                           (date(2024, 2, 2), "600000.SH", "buy", "upper_limit", 11.0, 11.0)],
                          columns=EVENT_COLUMNS)
    got = [(w["kind"], w["symbol"], w["date"]) for w in trading_warnings(SimpleNamespace(events=events))]
    assert got == [("rebalance", None, "2024-02-01"), ("blocked_order", "600000.SH", "2024-02-02")]
