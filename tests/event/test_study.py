"""The event study on a hand-made market against the reference formulas written out in
tests/event/market.py: each model's α, β, σ and ARs, CARs with their t, the
cross-sectional, Patell and BMP tests, CAAR, and the fallback for short estimation data."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
import scipy.stats

from screener.event.run import run_event_study
from screener.event.settings import EventSettings
from screener.theme.model import Theme
from tests.backtest.helpers import FakeStore, bars
from tests.event.market import SESSIONS, THEME, frames, reference

FRAMES = frames()
DAY = "2024-03-15"
WINDOW, ESTIMATION, MIN_EST = (-3, 6), (-80, -6), 40
TODAY = date(2024, 7, 1)


def study(model: str, dates: tuple[str, ...] = (DAY,), **extra) -> dict:
    settings = EventSettings(dates=list(dates), window=WINDOW, estimation=ESTIMATION, model=model,
                             min_estimation=MIN_EST, **extra)
    return run_event_study(Theme.model_validate(THEME), settings, FakeStore(FRAMES), today=TODAY)


def close(a, b) -> bool:
    return np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-9, atol=1e-12, equal_nan=True)


def num(x) -> float:
    return np.nan if x is None else float(x)


@pytest.mark.parametrize("model", ["market", "market-adjusted", "mean"])
def test_each_case_matches_the_formulas(model: str) -> None:
    r = study(model)
    assert [m["symbol"] for m in r["members"]] == ["600000.SH", "600036.SH", "000001.SZ", "600900.SH"]
    for m in r["members"]:
        ref = reference(FRAMES, m["symbol"], DAY, WINDOW, ESTIMATION, model, MIN_EST)
        assert m["session"] == "2024-03-15" and m["model"] == ref.model and m["estimation_n"] == ref.n
        assert close(num(m["alpha"]), ref.alpha) and close(num(m["beta"]), ref.beta) and close(num(m["mu"]), ref.mu)
        assert close(num(m["sigma"]), ref.sigma)
        by_day = {a["day"]: a for a in m["ar"]}
        assert list(by_day) == list(range(WINDOW[0], WINDOW[1] + 1))
        assert close([num(by_day[d]["ar"]) for d in by_day], ref.ar)
        assert [by_day[d]["span"] for d in by_day] == list(ref.span)
        car = np.nansum(ref.ar)
        covered = ref.span[~np.isnan(ref.ar)].sum()
        assert close(m["car"], car)
        assert close(num(m["car_t"]), car / (ref.sigma * np.sqrt(covered)))
        pre = ref.ar[: -WINDOW[0]]
        assert close(m["sub_windows"]["pre"]["car"], np.nansum(pre))
        assert close(m["sub_windows"]["day0_1"]["car"], np.nansum(ref.ar[-WINDOW[0]: -WINDOW[0] + 2]))


def test_the_market_model_fits_what_the_members_were_made_of() -> None:
    """A was built with β 1.3 and B with 0.7 around the benchmark: OLS finds them."""
    betas = {m["symbol"]: m["beta"] for m in study("market")["members"]}
    assert betas["600000.SH"] == pytest.approx(1.3, abs=0.25) and betas["600036.SH"] == pytest.approx(0.7, abs=0.25)


def test_a_suspension_is_carried_by_the_first_session_after_it() -> None:
    b = next(m for m in study("market")["members"] if m["symbol"] == "600036.SH")
    by_day = {a["day"]: a for a in b["ar"]}
    # 2024-03-18 and -19 (days +1, +2) have no bar: no AR; day +3 spans three sessions
    assert by_day[1]["ar"] is None and by_day[2]["ar"] is None and by_day[3]["span"] == 3
    p = (FRAMES["600036.SH"]["close"] * FRAMES["600036.SH"]["adj_factor"])
    assert by_day[3]["ret"] == pytest.approx(p["2024-03-20"] / p["2024-03-15"] - 1, rel=1e-12)
    m = FRAMES["000300.SH"]["close"]
    assert by_day[3]["benchmark_ret"] == pytest.approx(m["2024-03-20"] / m["2024-03-15"] - 1, rel=1e-12)
    kinds = [(w["kind"], w["symbol"]) for w in study("market")["warnings"]]
    assert ("suspended", "600036.SH") in kinds


def test_a_member_short_of_estimation_data_falls_back_with_a_warning() -> None:
    r = study("market")
    d = next(m for m in r["members"] if m["symbol"] == "600900.SH")
    assert d["model"] == "market-adjusted" and d["estimation_n"] < MIN_EST
    assert d["sigma"] is None and d["car_t"] is None and d["beta"] is None
    warned = [w for w in r["warnings"] if w["kind"] == "estimation"]
    assert [w["symbol"] for w in warned] == ["600900.SH"]
    assert f"only {d['estimation_n']} session(s) of estimation data" in warned[0]["message"]
    assert "market-adjusted returns instead of the market model" in warned[0]["message"]
    # its AR is R − Rm, and it counts in the cross-section but not in the standardized tests
    by_day = {a["day"]: a for a in d["ar"]}
    assert by_day[0]["ar"] == pytest.approx(by_day[0]["ret"] - by_day[0]["benchmark_ret"], rel=1e-12)
    tests = r["tests"]["windows"]["window"]
    assert tests["n"] == 4 and tests["n_std"] == 3


@pytest.mark.parametrize("model", ["market", "market-adjusted", "mean"])
def test_cross_sectional_patell_and_bmp(model: str) -> None:
    r = study(model)
    refs = [reference(FRAMES, s, DAY, WINDOW, ESTIMATION, model, MIN_EST)
            for s in ("600000.SH", "600036.SH", "000001.SZ", "600900.SH")]
    for name, (a, b) in {"window": WINDOW, "pre": (WINDOW[0], -1), "day0": (0, 0), "post": (2, WINDOW[1])}.items():
        cols = slice(a - WINDOW[0], b - WINDOW[0] + 1)
        cars = np.array([np.nansum(c.ar[cols]) for c in refs])
        got = r["tests"]["windows"][name]
        assert got["from"] == a and got["to"] == b
        assert close(got["caar"], cars.mean())
        assert close(got["cs_t"], cars.mean() / (cars.std(ddof=1) / np.sqrt(len(cars))))
        std = [c for c in refs if not np.isnan(c.sigma)]
        csar = np.array([np.nansum(c.sar[cols]) / np.sqrt((~np.isnan(c.sar[cols])).sum()) for c in std])
        dof = np.array([c.dof for c in std], dtype=float)
        patell = csar.sum() / np.sqrt((dof / (dof - 2)).sum())
        bmp = csar.mean() / (csar.std(ddof=1) / np.sqrt(len(csar)))
        assert got["n_std"] == len(std) == 3
        assert close(got["patell_z"], patell) and close(got["bmp_t"], bmp)
        from math import erfc, sqrt

        assert got["patell_p"] == pytest.approx(erfc(abs(patell) / sqrt(2)), rel=1e-9)
        # two-sided Student t: N − 1 degrees of freedom across the cases, N_σ − 1 for BMP
        cs_t, n = got["cs_t"], len(cars)
        assert got["cs_p"] == pytest.approx(2 * scipy.stats.t.sf(abs(cs_t), n - 1), rel=1e-9)
        assert got["bmp_p"] == pytest.approx(2 * scipy.stats.t.sf(abs(bmp), len(csar) - 1), rel=1e-9)
        assert got["bmp_kp_p"] == pytest.approx(2 * scipy.stats.t.sf(abs(got["bmp_kp_t"]), len(csar) - 1), rel=1e-9)


def test_bmp_adjusted_for_the_mean_residual_correlation() -> None:
    """Kolari & Pynnönen: t·√((1 − r̄)/(1 + (N − 1) r̄)), r̄ the mean correlation of the
    estimation residuals over the sessions two cases share, each standardized by its own
    root mean square."""
    r = study("market")
    std = [c for c in (reference(FRAMES, s, DAY, WINDOW, ESTIMATION, "market", MIN_EST)
                       for s in ("600000.SH", "600036.SH", "000001.SZ", "600900.SH")) if not np.isnan(c.sigma)]
    rms = [np.sqrt(np.mean(np.square(list(c.residuals.values())))) for c in std]
    pairs = []
    for i in range(len(std)):
        for j in range(i + 1, len(std)):
            shared = sorted(set(std[i].residuals) & set(std[j].residuals))
            zi = np.array([std[i].residuals[t] for t in shared]) / rms[i]
            zj = np.array([std[j].residuals[t] for t in shared]) / rms[j]
            pairs.append((zi @ zj) / len(shared))
    r_bar = np.mean(pairs)
    assert close(r["tests"]["residual_correlation"], r_bar)
    n = len(std)
    w = r["tests"]["windows"]["window"]
    assert close(w["bmp_kp_t"], w["bmp_t"] * np.sqrt((1 - r_bar) / (1 + (n - 1) * r_bar)))


def test_aar_and_caar_by_day() -> None:
    r = study("market")
    refs = [reference(FRAMES, s, DAY, WINDOW, ESTIMATION, "market", MIN_EST)
            for s in ("600000.SH", "600036.SH", "000001.SZ", "600900.SH")]
    ar = np.array([c.ar for c in refs])
    cum = np.nancumsum(ar, axis=1)
    for k, (a, c) in enumerate(zip(r["aar"], r["caar"])):
        assert a["day"] == c["day"] == WINDOW[0] + k
        col = ar[:, k][~np.isnan(ar[:, k])]
        assert a["n"] == len(col) and close(a["aar"], col.mean())
        assert close(a["t"], col.mean() / (col.std(ddof=1) / np.sqrt(len(col))))
        assert c["n"] == 4 and close(c["caar"], cum[:, k].mean())
        se = cum[:, k].std(ddof=1) / 2
        assert close(c["t"], cum[:, k].mean() / se)
        half = (c["ci95"][1] - c["ci95"][0]) / 2
        assert half == pytest.approx(3.182446305284263 * se, rel=1e-9)  # t(0.975, 3 dof), from tables
    assert r["aar"][1 - WINDOW[0]]["n"] == 3  # day +1: B is suspended


def test_a_hand_worked_mean_model() -> None:
    """Four estimation returns 1%, 3%, −1%, 1%: μ = 1%, σ² = (0 + 4 + 4 + 0)e-4 / 3; a
    +5% day 0 is an AR of 4% with t = 0.04 / σ."""
    days = SESSIONS[:8]
    closes = [10.0, 10.1, 10.403, 10.29897, 10.4019597, 10.92205769, 11.0, 11.0]
    frames_ = {"600000.SH": bars(days, closes), "000300.SH": bars(days, [1000.0] * 8)}
    theme = Theme.model_validate({**THEME, "members": [{"symbol": "600000.SH", "name": "A"}]})
    settings = EventSettings(dates=[days[5].date()], window=(0, 0), estimation=(-4, -1), model="mean", min_estimation=3)
    r = run_event_study(theme, settings, FakeStore(frames_), today=TODAY)
    m = r["members"][0]
    sigma = np.sqrt(8e-4 / 3)
    assert m["mu"] == pytest.approx(0.01, abs=1e-9) and m["sigma"] == pytest.approx(sigma, rel=1e-6)
    assert m["car"] == pytest.approx(0.04, abs=1e-9) and m["car_t"] == pytest.approx(0.04 / sigma, rel=1e-6)


def test_events_past_the_data_are_left_out_or_refused() -> None:
    """The hand-made market ends on 2024-06-28 (a Friday)."""
    from screener.errors import DataError

    r = study("market", dates=("2024-06-26", "2024-07-15"))
    assert [e["date"] for e in r["events"]] == ["2024-06-26"]
    kinds = {(w["kind"], w["date"]): w["message"] for w in r["warnings"]}
    assert "before any session on or after it" in kinds[("event", "2024-07-15")]
    assert "the data ends on 2024-06-28, day +2 of the event of 2024-06-26: 4 day(s) of the window are missing" == \
        kinds[("window", "2024-06-26")]
    assert all([a["day"] for a in m["ar"]] == [-3, -2, -1, 0, 1, 2] for m in r["members"])
    with pytest.raises(DataError, match=r"trades around its events \(2024-07-15\) in the data, which runs from .* to 2024-06-28"):
        study("market", dates=("2024-07-15",))


def _study_of(theme: dict, frames_: dict, **options) -> dict:
    settings = EventSettings(**{"window": WINDOW, "estimation": ESTIMATION, "min_estimation": MIN_EST, **options})
    return run_event_study(Theme.model_validate(theme), settings, FakeStore(frames_), today=TODAY)


def test_without_events_or_dates_the_sources_publication_dates_are_the_events() -> None:
    """One event per distinct date, in date order, labelled and linked to the first source
    of that date; day 0 of a Saturday is the Monday after."""
    sources = [{"title": "Plan", "publisher": "NDRC", "date": "2024-03-15"},
               {"title": "Preview", "publisher": "Wire", "date": "2024-03-09"},
               {"title": "Follow-up", "publisher": "Daily", "date": "2024-03-15"}]
    r = _study_of({**THEME, "sources": sources}, FRAMES, model="market")
    assert [(e["date"], e["session"], e["label"], e["source"]) for e in r["events"]] == [
        ("2024-03-09", "2024-03-11", "published: Preview (Wire)", 1),
        ("2024-03-15", "2024-03-15", "published: Plan (NDRC)", 0),
    ]


def test_the_benchmark_defaults_to_the_themes_own() -> None:
    """The theme measures against 000905.SH (not the 000300.SH fallback): the
    market-adjusted AR is the member's return less that index's."""
    rng = np.random.default_rng(11)
    other = bars(SESSIONS, np.round(6000 * np.cumprod(1 + rng.normal(0, 0.012, len(SESSIONS))), 2))
    r = _study_of({**THEME, "benchmark": "000905.SH"}, {**FRAMES, "000905.SH": other}, dates=[DAY],
                  model="market-adjusted")
    assert r["benchmark"]["symbol"] == "000905.SH"
    a = next(m for m in r["members"] if m["symbol"] == "600000.SH")
    t0 = SESSIONS.get_loc(DAY)
    own, index = FRAMES["600000.SH"]["close"], other["close"]
    day0 = next(x for x in a["ar"] if x["day"] == 0)
    expected = (own.iloc[t0] / own.iloc[t0 - 1] - 1) - (index.iloc[t0] / index.iloc[t0 - 1] - 1)
    assert day0["ar"] == pytest.approx(expected, rel=1e-12)


def test_members_named_studies_only_the_members_named_in_the_source() -> None:
    from screener.errors import UserError

    members = [{**m, "named_in_source": m["symbol"] in ("600000.SH", "000001.SZ")} for m in THEME["members"]]
    r = _study_of({**THEME, "members": members}, FRAMES, dates=[DAY], model="market", members="named")
    assert [m["symbol"] for m in r["members"]] == ["600000.SH", "000001.SZ"]
    assert r["events"][0]["symbols"] == ["600000.SH", "000001.SZ"]
    with pytest.raises(UserError, match="--members named: no member of theme 'event-test' has named_in_source"):
        _study_of(THEME, FRAMES, dates=[DAY], model="market", members="named")
