"""The vectorised limit arithmetic agrees with the scalar rules in screener.symbols."""

from __future__ import annotations

import numpy as np
import pytest

from screener.limits import band_percent, limit_cents
from screener.symbols import limit_prices, parse_symbol

DATES = np.array(["2019-01-02", "2020-08-21", "2020-08-24", "2026-05-11"], dtype="datetime64[ns]")


@pytest.mark.parametrize("code", ["600487", "688339", "002491", "300471", "430047"])
@pytest.mark.parametrize("st", [False, True])
def test_band_percent_is_limit_band_on_each_date(code, st):
    sym = parse_symbol(code)
    expected = [round(sym.limit_band(d.astype("datetime64[D]").item(), st=st) * 100) for d in DATES]
    assert band_percent(sym, DATES, st=st).tolist() == expected


def test_band_percent_is_none_for_indices():
    assert band_percent(parse_symbol("000300.SH"), DATES) is None


def test_limit_cents_match_limit_prices():
    rng = np.random.default_rng(7)
    refs = rng.integers(100, 500_000, 3_000)
    pcts = rng.choice([5, 10, 20, 30], 3_000)
    lower, upper = limit_cents(refs, pcts)
    for r, p, lo, up in zip(refs, pcts, lower, upper):
        assert limit_prices(r / 100, p / 100) == (lo / 100, up / 100)
    lower, upper = limit_cents(np.array([1005]), np.array([10]))
    assert (lower.tolist(), upper.tolist()) == ([905], [1106])  # 11.055 rounds half up
