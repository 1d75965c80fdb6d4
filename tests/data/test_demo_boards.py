"""Demo boards: the built-in themes plus thirty synthetic concept boards, listed,
served like any board (constituents + index bars) and built with sector structure."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from screener.data import DEMO_LABEL, DataOptions, Source, open_store
from screener.theme import ThemeRegistry, builtin_themes_dir


@pytest.fixture(scope="module")
def store():
    return open_store(DataOptions(demo=True))


@pytest.fixture(scope="module")
def listing(store) -> pd.DataFrame:
    return store.boards()


@pytest.fixture(scope="module")
def concepts(store, listing) -> dict:
    """code → BoardInfo for every concept board."""
    return {code: store.board(code) for code in listing.loc[listing["kind"] == "concept", "code"]}


@pytest.fixture(scope="module")
def theme_of() -> dict[str, str]:
    loaded = (ThemeRegistry.default().load(str(p)) for p in builtin_themes_dir().glob("*.yaml"))
    return {m.symbol: t.id for t in loaded for m in t.members}


def test_every_board_is_listed(listing):
    assert list(listing.columns) == ["code", "name", "kind", "sector", "members"]
    assert listing["code"].is_unique and listing["code"].is_monotonic_increasing
    assert all(re.fullmatch(r"BK\d{4}", c) for c in listing["code"])
    kinds = Counter(listing["kind"])
    assert kinds == {"theme": 4, "concept": 30}
    rows = listing[listing["kind"] == "concept"]
    assert list(rows["code"]) == [f"BK{9101 + i}" for i in range(30)]
    assert rows["name"].str.startswith("演示").all()  # marked as demo in the name itself
    assert rows["name"].is_unique and rows["members"].between(5, 9).all()


def test_concept_boards_are_served_like_any_board(store, listing, concepts, theme_of):
    sessions = store.load(["000300.SH"]).bars["000300.SH"].frame.index
    for row in listing[listing["kind"] == "concept"].itertuples():
        info = concepts[row.code]
        assert (info.code, info.name, info.source, info.label) == (row.code, row.name, Source.DEMO, DEMO_LABEL)
        members = list(info.constituents["symbol"])
        assert len(members) == row.members == len(set(members))
        assert set(members) <= set(theme_of)  # demo stocks, never indices or invented codes
        frame = info.bars.frame
        assert frame["close"].iloc[0] == 1000.0 and frame["close"].notna().all()
        assert frame.index.isin(sessions).all()


def test_a_board_index_is_the_equal_weight_mean_of_its_members(store):
    info = store.board("BK9109")
    members = store.load(list(info.constituents["symbol"])).bars
    rets = pd.DataFrame({s: (b.frame["close"] * b.frame["adj_factor"]).pct_change() for s, b in members.items()})
    r = rets.to_numpy()
    listed = (~np.isnan(r)).sum(axis=1)
    mean = np.where(listed > 0, np.nansum(r, axis=1) / np.maximum(listed, 1), 0.0)
    level = 1000 * np.cumprod(1 + mean)
    assert np.allclose(info.bars.frame["close"].to_numpy(), np.round(level, 2), atol=0.006)


def test_boards_have_sector_structure(listing, concepts, theme_of):
    """Most of a concept board's members share its home sector, and boards of one sector
    move together more than boards of different sectors — so a board scan ranks sectors."""
    rows = listing[listing["kind"] == "concept"]
    closes = {}
    for row in rows.itertuples():
        info = concepts[row.code]
        home = Counter(theme_of[s] for s in info.constituents["symbol"]).most_common(1)[0]
        assert home[0] == row.sector and home[1] / row.members > 0.5, row.code
        closes[row.code] = info.bars.frame["close"]
    corr = pd.DataFrame(closes).pct_change().corr()
    sector = dict(zip(rows["code"], rows["sector"]))
    same = [corr.at[a, b] for a in corr for b in corr if a < b and sector[a] == sector[b]]
    other = [corr.at[a, b] for a in corr for b in corr if a < b and sector[a] != sector[b]]
    assert np.mean(same) > np.mean(other) + 0.15
    assert len(set(sector.values())) == 4  # every seed theme has concept boards


def test_board_names_keep_theme_lookups_unambiguous(listing):
    """`themes import-board 光纤 --demo` finds a board by a unique name fragment: no concept
    board repeats a theme board's Chinese name."""
    themes = listing[listing["kind"] == "theme"]["name"].str.split().str[0]
    names = listing[listing["kind"] == "concept"]["name"]
    assert not any(t in c for t in themes for c in names)
