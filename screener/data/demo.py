"""The demo store: deterministic synthetic bars, generated in-process, labelled DEMO.

Symbols: the members and benchmarks of the built-in themes plus a few major indices
(``DEMO_INDICES``). Bars run on XSHG sessions from 2016-01-04 to 2026-11-20 (a fixed
end, never "today"). Each symbol draws from its own seeded random stream (crc32 of the
symbol), so its bars do not depend on which other symbols are loaded.

Realism the rest of the code can rely on:

* prices are whole cents; every close stays inside the board's limit band
  (``screener.symbols.limit_prices`` of the reference price, band by board and date;
  ChiNext ±10% before 2020-08-24) and some sessions close exactly at limit-up or
  limit-down;
* a few suspensions per stock (sessions with no row), and listing dates after 2016 for
  STAR (688), ChiNext-301 and other recently issued code ranges;
* a cash dividend in most years: on the ex-date the reference price is the previous
  close minus the cash, and ``adj_factor`` (hfq / raw) steps up by prev_close / reference;
* ``volume`` in shares (whole lots), ``amount`` in CNY, ``turnover`` as a fraction of
  seeded float shares (NaN for indices, whose adj_factor is 1.0).

Demo boards: each built-in theme is a synthetic board ``BK9001``, ``BK9002``, ... in
theme-id order (a theme whose benchmark is a board keeps that board code). Constituents
are the theme's members; the board's bars are an equal-weight index (base 1000) of the
members' hfq daily returns. Valuations are never invented: ``valuations()`` is empty.
An unknown symbol is reported in ``MarketData.missing``; the caller decides.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from screener import calendar
from screener.data import frames, quality
from screener.data.model import (
    BAR_COLUMNS,
    DEMO_LABEL,
    Bars,
    BoardInfo,
    MarketData,
    Source,
    empty_valuations,
)
from screener.errors import DataError, ThemeError
from screener.limits import band_percent, limit_cents
from screener.symbols import normalize, parse_symbol

DEMO_START = date(2016, 1, 4)
DEMO_END = date(2026, 11, 20)
DEMO_BOARD_BASE = 9001

DEMO_INDICES: dict[str, str] = {
    "000300.SH": "沪深300",
    "000001.SH": "上证指数",
    "000016.SH": "上证50",
    "000905.SH": "中证500",
    "000852.SH": "中证1000",
    "000688.SH": "科创50",
    "399001.SZ": "深证成指",
    "399006.SZ": "创业板指",
}

# Code ranges that were issued after 2016 get a seeded listing date after the board opened.
_LATE_LISTING = {
    ("688", "689"): date(2019, 7, 22),
    ("301",): date(2020, 8, 24),
    ("001", "003", "605"): date(2016, 6, 1),
}


@dataclass(frozen=True)
class DemoEntry:
    symbol: str
    name: str
    full_name: str | None


@dataclass(frozen=True)
class DemoBoard:
    code: str
    name: str
    theme_id: str
    members: tuple[tuple[str, str], ...]  # (symbol, name)


@dataclass(frozen=True)
class DemoCatalog:
    entries: dict[str, DemoEntry]
    boards: dict[str, DemoBoard]


def _builtin_themes() -> list:
    from screener.theme.loader import load_theme
    from screener.theme.registry import builtin_themes_dir, theme_files

    themes = []
    for path in theme_files(builtin_themes_dir()):
        try:
            themes.append(load_theme(path))
        except ThemeError:
            continue  # a broken built-in theme is reported by `themes validate`, not here
    return sorted(themes, key=lambda t: t.id)


@lru_cache(maxsize=1)
def catalog() -> DemoCatalog:
    """The demo symbol set (theme members, theme benchmarks, major indices) and boards."""
    entries: dict[str, DemoEntry] = {s: DemoEntry(s, n, None) for s, n in DEMO_INDICES.items()}
    boards: dict[str, DemoBoard] = {}
    for i, theme in enumerate(_builtin_themes()):
        for m in theme.members:
            entries.setdefault(m.symbol, DemoEntry(m.symbol, m.name, m.full_name))
        bench = theme.benchmark
        if bench is not None and bench.symbol:
            entries.setdefault(bench.symbol, DemoEntry(bench.symbol, bench.name or bench.symbol, None))
        code = bench.board if bench is not None and bench.board else f"BK{DEMO_BOARD_BASE + i}"
        boards[code] = DemoBoard(code, theme.name, theme.id, tuple((m.symbol, m.name) for m in theme.members))
    return DemoCatalog(dict(sorted(entries.items())), boards)


def _seed(symbol: str) -> int:
    return zlib.crc32(symbol.encode("ascii"))


@dataclass
class _Draws:
    """One symbol's random inputs, drawn from its own stream."""

    is_index: bool
    band: np.ndarray  # whole percent per session (0 for indices)
    start_cents: int
    ret: np.ndarray
    gap: np.ndarray
    hi_noise: np.ndarray
    lo_noise: np.ndarray
    vol_noise: np.ndarray
    listed: int  # first session position
    suspended: np.ndarray  # bool
    force: np.ndarray  # +1 limit-up, -1 limit-down, 0 none
    div_cents_frac: np.ndarray  # cash dividend as a fraction of the previous close, 0 = none
    float_shares: float


def _draws(symbol: str, sessions: pd.DatetimeIndex) -> _Draws:
    rng = np.random.default_rng(_seed(symbol))
    n = len(sessions)
    sym = parse_symbol(symbol)
    is_index = sym.is_index
    band = band_percent(sym, sessions.to_numpy())
    if band is None:
        band = np.zeros(n, dtype=np.int64)
        sigma, start = 0.012, int(rng.uniform(2500, 6000) * 100)
    else:
        sigma, start = rng.uniform(0.022, 0.034), int(rng.uniform(5, 60) * 100)
    ret = rng.standard_t(4, n) * sigma / np.sqrt(2.0) + 0.0002
    gap = rng.normal(0.0, sigma * 0.35, n)
    hi_noise = np.abs(rng.normal(0.0, sigma * 0.45, n))
    lo_noise = np.abs(rng.normal(0.0, sigma * 0.45, n))
    vol_noise = rng.lognormal(0.0, 0.35, n)
    listed = 0
    for prefixes, opened in _LATE_LISTING.items():
        if not is_index and sym.code.startswith(prefixes):
            lo = int(sessions.searchsorted(pd.Timestamp(max(opened, DEMO_START))))
            listed = int(rng.integers(lo, min(lo + 600, n - 250)))
    suspended = np.zeros(n, dtype=bool)
    force = np.zeros(n, dtype=np.int64)
    div = np.zeros(n)
    if not is_index:
        for _ in range(int(rng.integers(1, 4))):
            at = int(rng.integers(listed + 10, n - 20))
            suspended[at : at + int(rng.integers(1, 11))] = True
        up = rng.choice(np.arange(listed + 6, n), size=6, replace=False)
        down = rng.choice(np.arange(listed + 6, n), size=4, replace=False)
        force[up], force[down] = 1, -1
        years = np.unique(sessions.year)
        for year in years:
            if rng.random() < 0.7:
                day = pd.Timestamp(year, 6, 1) + pd.Timedelta(days=int(rng.integers(0, 50)))
                at = int(sessions.searchsorted(day))
                if listed + 20 < at < n and not suspended[at]:
                    div[at] = rng.uniform(0.004, 0.025)
        force[div > 0] = 0
    return _Draws(
        is_index, band, start, ret, gap, hi_noise, lo_noise, vol_noise, listed,
        suspended, force, div, float(rng.uniform(3e8, 3e9)),
    )


def _simulate(draws: list[_Draws], n: int) -> list[np.ndarray]:
    """Run all symbols' price paths together, session by session, in integer cents.
    Returns per symbol an (n, 6) array: open, high, low, close, adj, traded (1/0)."""
    k = len(draws)
    stack = {f: np.stack([getattr(d, f) for d in draws]) for f in (
        "band", "ret", "gap", "hi_noise", "lo_noise", "suspended", "force", "div_cents_frac")}
    is_index = np.array([d.is_index for d in draws])
    listed = np.array([d.listed for d in draws])
    start = np.array([d.start_cents for d in draws], dtype=np.int64)
    log0 = np.log(start.astype(float))
    prev = start.copy()
    adj = np.ones(k)
    out = np.zeros((k, n, 6))
    for t in range(n):
        traded = (t >= listed) & ~stack["suspended"][:, t]
        cash = np.rint(prev * stack["div_cents_frac"][:, t]).astype(np.int64)
        cash = np.where(traded, np.minimum(cash, prev - 1), 0)
        ref = prev - cash
        adj = np.where(cash > 0, adj * prev / ref, adj)
        b = stack["band"][:, t]
        lower, upper = limit_cents(ref, b)
        upper = np.where(is_index, np.iinfo(np.int64).max // 200, upper)
        lower = np.where(is_index, 1, np.maximum(lower, 1))
        drift = stack["ret"][:, t] - 0.002 * (np.log(ref) - log0)
        close = np.clip(np.rint(ref * np.exp(drift)).astype(np.int64), lower, upper)
        force = stack["force"][:, t]
        close = np.where(force > 0, upper, np.where(force < 0, lower, close))
        opn = np.clip(np.rint(ref * np.exp(stack["gap"][:, t])).astype(np.int64), lower, upper)
        high = np.clip(np.rint(np.maximum(opn, close) * (1 + stack["hi_noise"][:, t])).astype(np.int64), lower, upper)
        low = np.clip(np.rint(np.minimum(opn, close) * (1 - stack["lo_noise"][:, t])).astype(np.int64), lower, upper)
        out[:, t, 0], out[:, t, 1], out[:, t, 2], out[:, t, 3] = opn, high, low, close
        out[:, t, 4], out[:, t, 5] = adj, traded
        prev = np.where(traded, close, prev)
    return [out[i] for i in range(k)]


def generate(symbols: Sequence[str], start: date = DEMO_START, end: date = DEMO_END) -> dict[str, pd.DataFrame]:
    """Synthetic bar frames for ``symbols`` (normalised) on XSHG sessions in [start, end]."""
    sessions = calendar.sessions(start, end)
    n = len(sessions)
    draws = [_draws(s, sessions) for s in symbols]
    paths = _simulate(draws, n) if draws else []
    result = {}
    for symbol, d, path in zip(symbols, draws, paths):
        keep = path[:, 5] > 0
        o, h, lw, c = (path[keep, i] / 100 for i in range(4))
        typical = (o + h + lw + c) / 4
        base = 8e9 if d.is_index else d.float_shares * 0.012
        move = np.abs(d.ret[keep])
        vol = np.rint(base * d.vol_noise[keep] * (1 + 8 * move) / 100) * 100
        values = np.column_stack([
            o, h, lw, c, vol, np.round(vol * typical, 2),
            np.ones(len(c)) if d.is_index else path[keep, 4],
            np.full(len(c), np.nan) if d.is_index else vol / d.float_shares,
        ])
        result[symbol] = frames.from_arrays(sessions[keep], values)
    return result


@lru_cache(maxsize=1)
def _all_bars() -> dict[str, pd.DataFrame]:
    return generate(list(catalog().entries))


class DemoStore:
    """Synthetic, labelled data for the demo symbol set (see the module docstring)."""

    source = Source.DEMO
    label = DEMO_LABEL

    def symbols(self) -> list[str]:
        return list(catalog().entries)

    def load(self, symbols: Sequence[str], start: date | None = None, end: date | None = None) -> MarketData:
        wanted = list(dict.fromkeys(normalize(s) for s in symbols))
        known = catalog().entries
        missing = [s for s in wanted if s not in known]
        bars: dict[str, Bars] = {}
        if len(wanted) > len(missing):
            everything = _all_bars()
            for s in wanted:
                if s in known:
                    frame = frames.clip(everything[s], start, end).copy()
                    bars[s] = Bars(s, frame, Source.DEMO, "demo", None, known[s].name)
        issues, notes = quality.check({s: b.frame for s, b in bars.items()}, start, end)
        if missing:
            notes.append(
                f"not in the demo data set: {', '.join(missing)} (the demo covers the built-in "
                "themes and major indices; see `screener data status --demo`)"
            )
        errors = {s: "not in the demo data set" for s in missing}
        return MarketData(bars, Source.DEMO, DEMO_LABEL, missing, issues, notes, errors=errors)

    def universe(self) -> pd.DataFrame:
        entries = catalog().entries.values()
        return pd.DataFrame({
            "symbol": [e.symbol for e in entries],
            "name": [e.name for e in entries],
            "full_name": [e.full_name for e in entries],
        })

    def board(self, code: str, source: str = "em") -> BoardInfo:
        boards = catalog().boards
        board = boards.get(code.strip().upper())
        if board is None:
            known = ", ".join(f"{b.code} ({b.theme_id})" for b in boards.values())
            raise DataError(f"board {code!r} is not in the demo data; demo boards: {known}")
        members = pd.DataFrame({"symbol": [m[0] for m in board.members], "name": [m[1] for m in board.members]})
        everything = _all_bars()
        rets = pd.concat(
            {s: (everything[s]["close"] * everything[s]["adj_factor"]).pct_change() for s, _ in board.members},
            axis=1,
            sort=True,
        )
        level = (1 + rets.mean(axis=1, skipna=True).fillna(0.0)).cumprod() * 1000
        values = np.full((len(level), len(BAR_COLUMNS)), np.nan)
        lv = level.round(2).to_numpy()
        values[:, 0] = values[:, 1] = values[:, 2] = values[:, 3] = lv
        values[:, 6] = 1.0
        vol = sum(everything[s]["volume"].reindex(level.index).fillna(0.0) for s, _ in board.members)
        amt = sum(everything[s]["amount"].reindex(level.index).fillna(0.0) for s, _ in board.members)
        values[:, 4], values[:, 5] = vol.to_numpy(), amt.to_numpy()
        bars = Bars(board.code, frames.from_arrays(level.index, values), Source.DEMO, "demo", None, board.name)
        return BoardInfo(board.code, board.name, members, bars, Source.DEMO, DEMO_LABEL)

    def valuations(self, as_of: date | None = None) -> pd.DataFrame:
        return empty_valuations()
