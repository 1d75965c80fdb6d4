"""#10 "finite positive numbers" and "dates outside pandas' range": numeric options and
spec fields must be finite, date options lie between 1990-12-19 and a year after today."""

from __future__ import annotations

from datetime import date

import pytest

from tests.hostile.conftest import one_line_error, run

FROZEN = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _today(freeze_today):
    freeze_today(FROZEN)


@pytest.mark.parametrize(("option", "value"), [
    ("--cash", "inf"), ("--cash", "nan"), ("--cash", "1e400"), ("--commission", "nan"),
    ("--min-commission", "inf"), ("--stamp-duty", "nan"), ("--transfer-fee", "-inf"), ("--risk-free", "nan"),
])
def test_numeric_options_must_be_finite(option, value):
    err = one_line_error(run("backtest", "fiber", "--demo", option, value))
    assert f"Invalid value for '{option}': '{value}' must be a finite number" in err


@pytest.mark.parametrize(("spec", "field"), [
    ("cash: .inf", "cash"), ("cash: .nan", "cash"), ("risk_free: .nan", "risk_free"),
    ("costs:\n  commission: .nan", "costs.commission"), ("costs:\n  min_commission: .inf", "costs.min_commission"),
])
def test_spec_numbers_must_be_finite(tmp_path, spec, field):
    path = tmp_path / "s.yaml"
    path.write_text(f"theme: fiber\n{spec}\n", encoding="utf-8")
    err = one_line_error(run("backtest", path, "--demo"))
    assert err.endswith(f"{field}: must be a finite number")


@pytest.mark.parametrize(("args", "message"), [
    (["backtest", "fiber", "--demo", "--end", "3026-05-11"],
     "'--end': 3026-05-11 is more than a year after today (2026-06-01); check the year"),
    (["backtest", "fiber", "--demo", "--start", "0001-01-01"],
     "'--start': 0001-01-01 is before 1990-12-19, the Shanghai exchange's first session"),
    (["screen", "fiber", "--demo", "--as-of", "9999-12-31"], "'--as-of': 9999-12-31 is more than a year after today"),
    (["data", "fetch", "600487", "--demo", "--start", "9999-01-01"], "'--start': 9999-01-01 is more than a year"),
    (["data", "fetch", "600487", "--demo", "--end", "1677-01-01"], "'--end': 1677-01-01 is before 1990-12-19"),
])
def test_date_options_outside_the_markets_span_are_refused(args, message):
    assert message in one_line_error(run(*args))


def test_a_scan_too_early_for_its_estimation_names_the_scan_not_an_event():
    err = one_line_error(run("event", "fiber", "--demo", "--on", "limit-up", "--start", "1990-12-19"))
    assert err == ("error: the scan from 1990-12-19 needs 250 sessions of history before its first day, but the "
                   "XSHG calendar starts on 2005-01-04; pick a later --start or a shorter --estimation")


def test_the_edges_of_the_date_span_are_accepted(tmp_path):
    (tmp_path / "600487.SH.csv").write_text("date,open,high,low,close,volume\n2024-01-02,1,1,1,1,100\n")
    res = run("data", "fetch", "600487", "--data-dir", tmp_path, "--start", "1990-12-19", "--end", "2027-06-01")
    assert res.exit_code == 0, res.stderr


@pytest.mark.parametrize(("field", "message"), [
    ("start: 0001-01-01", "s.yaml:2: start: 0001-01-01 is before 1990-12-19, the Shanghai exchange's first session"),
    ("end: 3026-05-11", "s.yaml:2: end: 3026-05-11 is more than a year after today (2026-06-01); check the year"),
    ("end: 2262-04-12", "s.yaml:2: end: 2262-04-12 is more than a year after today"),
    ("end: 2099-01-01", "s.yaml:2: end: 2099-01-01 is more than a year after today"),
    ("costs:\n  stamp_duty: [{since: 0001-01-01, rate: 0.001}]", "s.yaml:3: costs.stamp_duty[0].since: 0001-01-01 is before"),
    ("sweep:\n  start: [2024-01-02, 0001-01-01]", "s.yaml:3: sweep.start[1]: 0001-01-01 is before 1990-12-19"),
    ("sweep:\n  end: [2099-01-01]", "s.yaml:3: sweep.end[0]: 2099-01-01 is more than a year after today"),
])
@pytest.mark.parametrize("command", ["backtest", "sweep"])
def test_spec_dates_outside_the_markets_span_are_refused_with_their_line(tmp_path, field, message, command):
    path = tmp_path / "s.yaml"
    path.write_text(f"theme: fiber\n{field}\n", encoding="utf-8")
    assert message in one_line_error(run(command, path, "--demo"))


@pytest.mark.parametrize(("vary", "message"), [
    ("start=0001-01-01", "grid cell start=0001-01-01: start: 0001-01-01 is before 1990-12-19"),
    ("end=2099-01-01", "grid cell end=2099-01-01: end: 2099-01-01 is more than a year after today"),
    ("start=rolling:0001-01-01..2020-01-01/20", "0001-01-01 is before 1990-12-19"),
    ("start=rolling:2020-01-01..2099-01-01/20", "2099-01-01 is more than a year after today"),
])
def test_swept_dates_outside_the_markets_span_are_refused(vary, message):
    assert message in one_line_error(run("sweep", "fiber", "--demo", "--vary", vary))


@pytest.mark.parametrize(("field", "value", "line"), [
    ("sources", "[{title: t, publisher: p, date: 0001-01-01}]", "sources[0].date: 0001-01-01 is before 1990-12-19"),
    ("sources", "[{title: t, publisher: p, date: 9999-12-31}]", "sources[0].date: 9999-12-31 is more than a year"),
    ("events", "[{date: 0001-01-01, label: x}]", "events[0].date: 0001-01-01 is before 1990-12-19"),
    ("claims", "[{kind: limit_up, date: 9999-12-31, symbols: [600487.SH]}]", "claims[0].date: 9999-12-31 is more"),
    ("claims", "[{kind: period_return, start: 0001-01-01, end: 2024-01-02, value: 0.1, comparison: at_least}]",
     "claims[0].start: 0001-01-01 is before"),
])
def test_theme_dates_outside_the_markets_span_are_refused_with_their_line(tmp_path, field, value, line):
    path = tmp_path / "ev.yaml"
    path.write_text(f"id: ev\nname: Ev\nmembers: [{{symbol: 600487.SH, name: A}}]\n{field}: {value}\n", encoding="utf-8")
    assert f"ev.yaml:4: {line}" in one_line_error(run("event", path, "--demo"))
