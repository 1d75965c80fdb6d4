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


def test_the_edges_of_the_date_span_are_accepted(tmp_path):
    (tmp_path / "600487.SH.csv").write_text("date,open,high,low,close,volume\n2024-01-02,1,1,1,1,100\n")
    res = run("data", "fetch", "600487", "--data-dir", tmp_path, "--start", "1990-12-19", "--end", "2027-06-01")
    assert res.exit_code == 0, res.stderr
