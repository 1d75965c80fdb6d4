"""The demo behaves like a market: a market factor (the demo CSI 300), sector factors per
theme, realistic betas, volatility and correlations. Every figure is recomputed here
with plain numpy from the bars (daily hfq returns), never with screener's metrics."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from screener.data import DataOptions, demo, open_store
from screener.theme import ThemeRegistry, builtin_themes_dir

YEAR = 242  # sessions a year
WINDOWS = {"whole demo span": ("2016-01-05", "2026-11-20"), "year to 2026-05-11": ("2025-05-12", "2026-05-11")}


@pytest.fixture(scope="module")
def returns() -> pd.DataFrame:
    store = open_store(DataOptions(demo=True))
    md = store.load(store.symbols())
    return pd.DataFrame({s: (b.frame["close"] * b.frame["adj_factor"]).pct_change() for s, b in md.bars.items()})


@pytest.fixture(scope="module")
def themes() -> dict[str, list[str]]:
    loaded = (ThemeRegistry.default().load(str(p)) for p in sorted(builtin_themes_dir().glob("*.yaml")))
    return {t.id: [m.symbol for m in t.members] for t in loaded}


def beta_te_corr(basket: pd.Series, market: pd.Series) -> tuple[float, float, float]:
    ok = basket.notna() & market.notna()
    y, x = basket[ok].to_numpy(), market[ok].to_numpy()
    beta = np.cov(x, y)[0, 1] / np.var(x, ddof=1)
    te = np.std(y - x, ddof=1) * np.sqrt(YEAR)
    return beta, te, np.corrcoef(x, y)[0, 1]


@pytest.mark.parametrize("window", list(WINDOWS))
def test_each_theme_basket_moves_with_csi300(returns, themes, window):
    """Equal-weight basket (mean of the members' daily returns) against 000300.SH: beta in
    [0.6, 1.5], tracking error of a thematic basket (5–30% a year), correlation > 0.5."""
    r = returns.loc[slice(*WINDOWS[window])]
    for theme_id, members in themes.items():
        beta, te, corr = beta_te_corr(r[members].mean(axis=1, skipna=True), r["000300.SH"])
        assert 0.6 <= beta <= 1.5, (theme_id, beta)
        assert 0.05 <= te <= 0.30, (theme_id, te)
        assert corr > 0.5, (theme_id, corr)


def test_stocks_have_realistic_betas_and_volatility(returns, themes):
    market = returns["000300.SH"]
    stocks = [s for members in themes.values() for s in members]
    betas = np.array([beta_te_corr(returns[s], market)[0] for s in stocks])
    vols = returns[stocks].std().to_numpy() * np.sqrt(YEAR)
    assert ((betas > 0.5) & (betas < 1.6)).all(), betas
    assert betas.min() < 0.85 and betas.max() > 1.15  # betas differ between stocks
    assert ((vols > 0.20) & (vols < 0.70)).all(), vols
    market_vol = market.std() * np.sqrt(YEAR)
    assert 0.12 < market_vol < 0.30
    assert np.median(vols) > 1.4 * market_vol  # single names are riskier than the index


def test_members_of_one_theme_move_together_more_than_across_themes(returns, themes):
    corr = returns[[s for m in themes.values() for s in m]].corr()
    within = [corr.at[a, b] for m in themes.values() for a in m for b in m if a < b]
    across = [corr.at[a, b] for t, m in themes.items() for u, n in themes.items() if t < u for a in m for b in n]
    assert np.mean(across) > 0.15  # the market factor
    assert np.mean(within) > np.mean(across) + 0.1  # the sector factor


def test_indices_follow_the_market(returns):
    market = returns["000300.SH"]
    for symbol in demo.DEMO_INDICES:
        assert returns[symbol].corr(market) > 0.85, symbol
    vol = returns.std()
    assert vol["000852.SH"] > vol["000016.SH"]  # CSI 1000's small caps swing more than SSE 50


def test_a_sector_benchmark_tracks_its_theme_better_than_csi300(returns, themes):
    basket = returns[themes["green-power"]].mean(axis=1, skipna=True)
    _, te_sector, _ = beta_te_corr(basket, returns["399438.SZ"])
    _, te_market, _ = beta_te_corr(basket, returns["000300.SH"])
    assert te_sector < 0.8 * te_market
