"""`screener event` through click's CliRunner: every seed theme's events on the demo data,
the limit-up scan checked against the demo bars by an independent limit computation, the
table, and user errors (one line, exit status 2). Demo figures are never hard-coded: the
checks hold for any prices."""

from __future__ import annotations

import functools
import json
import warnings
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import exchange_calendars as xcals
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from screener.cli import cli

THEMES = Path(__file__).resolve().parents[2] / "themes"
ARTICLE = Path("/work/shared/reference/seed-article-securities-daily-2026-05.txt")


def invoke(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(cli, ["event", *args])
    return r.exit_code, r.stdout, r.stderr


def run_json(*args: str) -> dict:
    code, out, err = invoke(*args, "--demo", "--format", "json")
    assert code == 0, err
    return json.loads(out)


def theme_file(theme: str) -> dict:
    return YAML(typ="safe").load((THEMES / f"{theme}.yaml").read_text(encoding="utf-8"))


@functools.cache
def _xshg() -> xcals.ExchangeCalendar:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # exchange_calendars' own pandas deprecation notices
        return xcals.get_calendar("XSHG", start="2024-01-01", end="2026-12-31")


def first_session_on_or_after(day: str) -> str:
    return str(_xshg().date_to_session(pd.Timestamp(day), direction="next").date())


@pytest.mark.parametrize("theme", ["green-power", "hydrogen-low-altitude", "fiber", "ai-content"])
def test_each_seed_themes_events_on_the_demo_data(theme: str) -> None:
    r = run_json(theme, "--window", "-5:10")
    spec = theme_file(theme)
    assert [(e["date"], e["label"], e["quote"]) for e in r["events"]] == [
        (str(e["date"]), e["label"], e["quote"]) for e in spec["events"]]
    assert [e["session"] for e in r["events"]] == [first_session_on_or_after(str(e["date"])) for e in spec["events"]]
    members = [m["symbol"] for m in spec["members"]]
    assert [(m["event_date"], m["symbol"]) for m in r["members"]] == [
        (str(e["date"]), s) for e in spec["events"] for s in members]
    assert r["demo"] and r["data_source"] == "demo" and r["window"] == [-5, 10] and r["model"] == "market"
    # the CAAR is the mean of the members' cumulated ARs, day by day
    ar = np.array([[np.nan if a["ar"] is None else a["ar"] for a in m["ar"]] for m in r["members"]])
    assert ar.shape == (len(r["members"]), 16)
    cum = np.where(np.cumsum(~np.isnan(ar), axis=1) > 0, np.nancumsum(ar, axis=1), np.nan)
    assert np.allclose([c["caar"] for c in r["caar"]], np.nanmean(cum, axis=0), rtol=1e-12)
    assert [t for t in r["tests"]["windows"]] == ["pre", "day0", "day0_1", "post", "from_day0", "window"]


def test_the_seed_events_quote_the_seed_article() -> None:
    article = "".join(ARTICLE.read_text(encoding="utf-8").split()) if ARTICLE.exists() else None
    if article is None:
        pytest.skip("the seed article is not on this machine")
    for theme in ("green-power", "hydrogen-low-altitude", "fiber", "ai-content"):
        for e in theme_file(theme)["events"]:
            assert "".join(e["quote"].split()) in article, (theme, e["date"])
    days = {str(e["date"]) for e in theme_file("green-power")["events"]}
    assert {"2026-05-08", "2026-05-11"} <= days


def _limit_up_closes(frame: pd.DataFrame, symbol: str) -> set[str]:
    """Sessions closing at the upper limit, worked in decimal cents: reference = previous
    close × previous factor / factor, half-up; limit = reference × (1 + band), half-up;
    bands ±10% main, ±20% ChiNext and STAR (no member of the theme lists inside the scan,
    so no new-listing exemption applies)."""
    band = Decimal("0.2") if symbol.startswith(("300", "301", "688")) else Decimal("0.1")
    cent = Decimal("0.01")
    out = set()
    rows = list(frame.itertuples())
    for k in range(1, len(rows)):
        prev, row = rows[k - 1], rows[k]
        ref = (Decimal(repr(prev.close)) * Decimal(repr(prev.adj_factor)) / Decimal(repr(row.adj_factor))).quantize(cent, ROUND_HALF_UP)
        limit = (ref * (1 + band)).quantize(cent, ROUND_HALF_UP)
        if Decimal(repr(row.close)).quantize(cent, ROUND_HALF_UP) >= limit:
            out.add(str(row.Index.date()))
    return out


def test_the_limit_up_scan_on_the_demo_data_finds_exactly_the_limit_up_closes() -> None:
    import screener

    r = run_json("green-power", "--on", "limit-up", "--start", "2025-06-01", "--end", "2026-04-30")
    found = {(s, e["session"]) for e in r["events"] for s in e["symbols"]}
    assert found and all(e["label"] == "limit-up close" for e in r["events"])
    members = [m["symbol"] for m in theme_file("green-power")["members"]]
    bars = screener.bars(members, "2025-05-01", "2026-04-30", demo=True)
    expected = set()
    for symbol, frame in bars.groupby("symbol"):
        days = _limit_up_closes(frame.set_index("date").sort_index(), str(symbol))
        expected |= {(str(symbol), d) for d in days if "2025-06-01" <= d <= "2026-04-30"}
    assert found == expected
    # every limit-up case has a run of at least one, and its first buy comes from day +1 on
    assert all(m["limit_up_run"] >= 1 for m in r["members"])
    assert all(m["first_tradable"] is None or m["first_tradable"]["day"] >= 1 for m in r["members"])


def test_the_table_says_demo_and_shows_every_section() -> None:
    code, out, err = invoke("fiber", "--demo", "--window", "-3:5")
    assert code == 0, err
    assert out.startswith("*** DEMO — synthetic prices — not real market data ***")
    for heading in ("Events (day 0", "Average abnormal return by day", "Tests (", "Members: cumulative abnormal",
                    "Could you have traded it?"):
        assert heading in out
    assert "2026-05-12" in out and "中天科技" in out


def test_the_table_and_the_warnings_in_chinese() -> None:
    code, out, err = invoke("green-power", "--demo", "--window", "-3:5", "--lang", "zh")
    assert code == 0, err
    assert "事件研究" in out and "当时能买进吗？" in out and "连板" in out
    r = run_json("green-power", "--window", "-3:5", "--lang", "zh")  # warnings are made in the language in use
    overlap = [w["message"] for w in r["warnings"] if w["kind"] == "overlap"]
    assert overlap[0].startswith("事件 2026-05-08 与 2026-05-11 相隔 1 个交易日：窗口重叠")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fiber", "--date", "2026-05-12", "--on", "limit-up"], "give event dates or the limit-up scan, not both"),
        (["fiber", "--window", "5:-3"], "--window: the event window 5:-3 runs backwards"),
        (["fiber", "--window", "ten"], "--window: 'ten' is not a range of relative days; write FROM:TO"),
        (["fiber", "--estimation=-100:-5"], "the estimation window -100:-5 overlaps the event window -10:20"),
        (["fiber", "--estimation=-40:-30"], "has 11 sessions, fewer than the 60 a fit needs"),
        (["fiber", "--start", "2026-01-01"], "a start or end sets the limit-up scan (--on limit-up)"),
        (["no-such-theme"], "unknown theme or spec 'no-such-theme'"),
        (["fiber", "--benchmark", "oops"], "--benchmark:"),
        (["fiber", "--date", "2001-01-05"], "the XSHG calendar starts on"),
    ],
)
def test_user_errors_are_one_line_with_exit_status_2(args: list[str], message: str) -> None:
    code, out, err = invoke(*args, "--demo")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and message in err and len(err.strip().splitlines()) == 1, err


def test_a_theme_without_events_or_dated_sources_needs_a_date(tmp_path: Path) -> None:
    theme = tmp_path / "bare.yaml"
    theme.write_text("id: bare\nname: Bare\nmembers:\n  - {symbol: 600522.SH, name: 中天科技}\n", encoding="utf-8")
    code, _, err = invoke(str(theme), "--demo")
    assert code == 2 and "has no events: and no sources with a date to study; pass --date" in err
    r = run_json(str(theme), "--date", "2026-05-12", "--window", "0:2")
    assert [e["label"] for e in r["events"]] == ["--date"]



def _ars(member: dict, last: int) -> list[float]:
    return [np.nan if a["ar"] is None else a["ar"] for a in member["ar"] if a["day"] <= last]


@pytest.mark.parametrize("dates", [[], ["--date", "2026-05-12", "--date", "2026-05-08"]])
def test_a_window_ending_before_day_0_measures_the_run_up_and_still_reads_days_0_and_1(dates: list[str]) -> None:
    """Issue 13: `--window=-10:-1` ("was it priced in?") ended in a traceback. Its ARs are the
    days −10..−1 of the full window's, and tradability is still read from day 0."""
    pre = run_json("green-power", "--window=-10:-1", *dates)
    full = run_json("green-power", "--window=-10:20", *dates)
    assert pre["events"] == full["events"] and list(pre["tests"]["windows"]) == ["pre", "window"]
    for p, f in zip(pre["members"], full["members"], strict=True):
        assert [a["day"] for a in p["ar"]] == list(range(-10, 0))
        assert _ars(p, -1) == pytest.approx(_ars(f, -1), nan_ok=True)
        assert (p["day0_open_at_limit"], p["day1_open_at_limit"]) == (f["day0_open_at_limit"], f["day1_open_at_limit"])
        assert p["day0_open_at_limit"] is not None and p["first_tradable"] is None
    assert pre["tests"]["windows"]["window"]["caar"] == pytest.approx(full["tests"]["windows"]["pre"]["caar"])
    code, out, err = invoke("green-power", "--demo", "--window=-10:-1", *dates)
    assert code == 0, err
    assert "CAR -10..-1" in out and "CAR 0..-1" not in out and "CAR 0..+1" not in out
    assert "The event window ends before day 0, so it holds no first buy." in " ".join(out.split())


def test_a_limit_up_scan_with_a_window_ending_on_day_0() -> None:
    """The scan buys from day +1, after such a window: no first buy, day +1 still read."""
    scan = ["--on", "limit-up", "--start", "2026-01-01", "--end", "2026-06-30"]
    short, full = run_json("green-power", *scan, "--window=-10:0"), run_json("green-power", *scan, "--window=-10:5")
    assert short["events"] == full["events"] and short["events"]
    for s, f in zip(short["members"], full["members"], strict=True):
        assert _ars(s, 0) == pytest.approx(_ars(f, 0), nan_ok=True)
        assert s["day1_open_at_limit"] == f["day1_open_at_limit"] and s["first_tradable"] is None
    assert any(s["day1_open_at_limit"] is not None for s in short["members"])


def test_a_one_day_window_before_a_date_inside_the_data() -> None:
    """`--window=-1:-1` was refused with "no member trades around its events … the data runs
    to 2026-05-07": day 0 (2026-05-08) was not loaded."""
    r = run_json("green-power", "--date", "2026-05-08", "--window=-1:-1")
    assert [e["session"] for e in r["events"]] == ["2026-05-08"]
    assert all([a["day"] for a in m["ar"]] == [-1] and m["day0_open_at_limit"] is not None for m in r["members"])


@pytest.mark.parametrize(
    ("options", "example"),
    [
        (["--min-estimation", "300"], "-329:-30"),  # was -279:-30: 250 sessions, short of 300
        (["--window=-300:10"], "-521:-301"),  # was -250:-301, backwards; same 221 sessions, before day -300
        (["--estimation=-100:-5"], "-106:-11"),  # 96 sessions, ending before day -10
        (["--estimation=-40:-30"], "-89:-30"),  # widened to 60
        (["--estimation=-1000:-990", "--window=-900:5"], "-1000:-941"),  # 60 sessions from the farthest day
    ],
)
def test_the_suggested_estimation_window_satisfies_the_rules(options: list[str], example: str) -> None:
    code, _, err = invoke("fiber", "--demo", *options)
    assert code == 2 and f"(e.g. {example})" in err, err
    window = next((o.split("=")[1] for o in options if o.startswith("--window")), "-10:20")
    minimum = int(options[1]) if options[0] == "--min-estimation" else 60
    lo, hi = (int(x) for x in window.split(":"))  # the rules, written out: before the window, long enough, in range
    elo, ehi = (int(x) for x in example.split(":"))
    assert -1000 <= elo <= ehi < lo <= hi and ehi - elo + 1 >= minimum


@pytest.mark.parametrize("options", [["--window=-990:10"], ["--min-estimation", "2000"]])
def test_no_estimation_window_fits(options: list[str]) -> None:
    code, _, err = invoke("fiber", "--demo", *options)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "no estimation window of" in err and "fits before the event window" in err and "e.g." not in err
