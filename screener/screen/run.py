"""Run a screen: load bars, compute factors as of a session, filter, rank."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from screener import calendar, clock
from screener.data.model import QualityIssue
from screener.errors import DataError, Spell, UserError, cli_flag
from screener.i18n import _
from screener.screen.expr import Where
from screener.screen.factors import (
    FACTOR_NAMES,
    HISTORY_SESSIONS,
    VALUATION_FIELDS,
    compute_factors,
)
from screener.screen.panel import build_panel
from screener.screen.universe import BenchmarkSpec, Universe

GRID_SESSIONS = HISTORY_SESSIONS + 9  # sessions laid on the grid before the seed row
GRID_DAYS = 400  # calendar days GRID_SESSIONS span at most (holidays included)
LOOKBACK_DAYS = 600  # calendar days loaded before the as-of date: the grid plus room for long suspensions


@dataclass
class Summary:
    screened: int  # symbols with data
    passed: int
    failed: int  # the filter was false on known values
    failed_missing: int  # the filter could not be decided: a value it needs is missing
    no_data: list[str] = field(default_factory=list)  # symbols without bars up to the as-of date
    # symbols whose cached bars stop before the as-of session (not refreshed): left out rather
    # than shown as suspended
    not_cached: list[str] = field(default_factory=list)


@dataclass
class ScreenResult:
    """Everything a screen produced; ``rows`` are the passing symbols, sorted and cut."""

    as_of: date
    data_source: str
    label: str
    universe: Universe
    benchmark: str
    table: pd.DataFrame  # every screened symbol: symbol, name, factors
    rows: pd.DataFrame
    summary: Summary
    where: str | None = None
    where_fields: list[str] = field(default_factory=list)
    sort: list[str] = field(default_factory=list)
    descending: bool = True
    notes: list[str] = field(default_factory=list)
    warnings: list[QualityIssue] = field(default_factory=list)  # data quality, in the loaded window

    @property
    def is_demo(self) -> bool:
        return self.data_source == "demo"


def _load_range(as_of: date | None) -> tuple[date, date | None]:
    anchor = as_of or min(clock.today(), calendar.last_known_session().date())
    return anchor - timedelta(days=LOOKBACK_DAYS), as_of


def _latest(frames: dict[str, pd.DataFrame]) -> pd.Timestamp | None:
    last = [f.index[-1] for f in frames.values() if f is not None and len(f)]
    return max(last) if last else None


def _session_grid(as_of: pd.Timestamp, frames: dict[str, pd.DataFrame]) -> pd.DatetimeIndex:
    data_dates = None
    if as_of > calendar.last_known_session():
        data_dates = pd.DatetimeIndex(
            np.unique(np.concatenate([f.index.values.astype("datetime64[ns]") for f in frames.values() if len(f)]))
        )
    grid, _ = calendar.trading_index(as_of - pd.Timedelta(days=LOOKBACK_DAYS), as_of, data_dates)
    return grid[grid <= as_of][-GRID_SESSIONS:]


def _benchmark_frame(store: Any, spec: BenchmarkSpec, loaded: dict[str, pd.DataFrame], notes: list[str]) -> pd.DataFrame | None:
    if spec.symbol:
        frame = loaded.get(spec.symbol)
        if frame is None or frame.empty:
            notes.append(_(
                "no data for the benchmark {symbol}: excess returns and beta are missing"
            ).format(symbol=spec.symbol))
            return None
        return frame
    try:
        info = store.board(spec.board, source=spec.source)
    except DataError as exc:
        notes.append(_(
            "benchmark board {label} unavailable ({exc}): excess returns and beta are missing"
        ).format(label=spec.label, exc=exc))
        return None
    if info.bars is None or info.bars.frame.empty:
        notes.append(_(
            "the source has no index bars for board {label}: excess returns and beta are missing"
        ).format(label=spec.label))
        return None
    return info.bars.frame


def _valuations(store: Any, as_of: date, symbols: Sequence[str], notes: list[str]) -> pd.DataFrame:
    empty = pd.DataFrame({c: np.nan for c in VALUATION_FIELDS}, index=pd.Index(symbols, name="symbol"))
    try:
        val = store.valuations(as_of)
    except DataError as exc:
        notes.append(_("valuations unavailable: {exc}").format(exc=exc))
        return empty
    if val is None or val.empty:
        notes.append(_(
            "the {value} data has no valuations for {as_of}: {VALUATION_FIELDS} are missing"
        ).format(value=store.source.value, as_of=as_of, VALUATION_FIELDS=', '.join(VALUATION_FIELDS)))
        return empty
    val = val.drop_duplicates("symbol").set_index("symbol")
    # a store (or an older cached snapshot) may lack a column: it is missing, not an error
    return val.reindex(index=pd.Index(symbols, name="symbol"), columns=list(VALUATION_FIELDS)).astype(float)


def screen(
    store: Any,
    universe: Universe,
    *,
    as_of: date | None = None,
    where: Where | None = None,
    sort: Sequence[str] = (),
    descending: bool = True,
    top: int | None = None,
    benchmark: BenchmarkSpec | None = None,
    spell: Spell = cli_flag,
) -> ScreenResult:
    """Compute every factor for ``universe`` as of the close of ``as_of`` (default: the
    latest session in the data), keep the rows ``where`` passes, sort and cut to ``top``;
    errors name options as ``spell`` does."""
    for name in sort:
        if name not in FACTOR_NAMES:
            raise UserError(_(
                "{option}: unknown field {name!r}; valid fields: {FACTOR_NAMES}"
            ).format(option=spell("sort"), name=name, FACTOR_NAMES=', '.join(FACTOR_NAMES)))
    spec = benchmark or universe.benchmark
    notes: list[str] = []
    start, end = _load_range(as_of)
    wanted = list(universe.symbols) + ([spec.symbol] if spec.symbol and spec.symbol not in universe.symbols else [])
    md = store.load(wanted, start=start, end=end)
    frames = {s: md.bars[s].frame for s in universe.symbols if s in md.bars}
    latest = _latest(frames)
    if as_of is None and (latest is None or latest - pd.Timedelta(days=GRID_DAYS) < pd.Timestamp(start)):
        md = store.load(wanted, start=None, end=None)  # the data ends well before today: take it all
        frames = {s: md.bars[s].frame for s in universe.symbols if s in md.bars}
    notes += md.notes
    latest = _latest(frames)
    if latest is None:
        hint = (
            _("choose a later {option}").format(option=spell("as_of")) if md.source.value in ("demo", "dir") and as_of is not None
            else _("fetch them first (`screener data fetch THEME|SYMBOL...`), or use --demo or --data-dir")
        )
        failed = [e for e in md.errors.values() if "offline" not in e]
        if md.source.value == "live" and failed:  # the fetch was tried: say why it failed
            why = failed[0].split(": ", 1)[-1]
            why = why if len(why) <= 200 else why[:200] + "…"
            hint = _(
                "they could not be fetched ({why}); check the network or --proxy, or use --demo or --data-dir"
            ).format(why=why)
        raise DataError(
            _(
                "no price data for any of the {n} symbols of {name} in the {value} data up to {value2}: {hint}"
            ).format(
                n=len(universe.symbols),
                name=universe.name,
                value=md.source.value,
                value2=as_of or 'today',
                hint=hint,
            )
        )
    grid = _session_grid(pd.Timestamp(as_of) if as_of is not None else latest, frames)
    session = grid[-1]
    if session > latest:
        raise UserError(
            _(
                "{option} {as_of}: the data ends on {latest}; choose an earlier date or refresh the data"
            ).format(option=spell("as_of"), as_of=as_of, latest=latest.date())
        )
    if as_of is not None and session != pd.Timestamp(as_of):
        notes.append(_(
            "{as_of} is not a trading session: using the session before it, {session}"
        ).format(as_of=as_of, session=session.date()))
    names = [universe.names.get(s) or (md.bars[s].name if s in md.bars else None) for s in universe.symbols]
    has_data = [s in frames and len(frames[s]) and frames[s].index[0] <= session for s in universe.symbols]
    no_data = [s for s, ok in zip(universe.symbols, has_data) if not ok]
    stale = [bool(ok) and _stops_early(md.gaps.get(s), frames[s], session) for s, ok in zip(universe.symbols, has_data)]
    not_cached = [s for s, st in zip(universe.symbols, stale) if st]
    keep = [bool(ok) and not st for ok, st in zip(has_data, stale)]
    symbols = [s for s, ok in zip(universe.symbols, keep) if ok]
    sym_names = [n for n, ok in zip(names, keep) if ok]

    panel = build_panel({s: frames[s] for s in symbols}, grid)
    bench_frame = _benchmark_frame(store, spec, {s: b.frame for s, b in md.bars.items()}, notes)
    bench_panel = build_panel({spec.label: bench_frame}, grid) if bench_frame is not None else None
    factors = compute_factors(panel, bench_panel, sym_names)
    factors = factors.join(_valuations(store, session.date(), symbols, notes))
    table = factors[list(FACTOR_NAMES)].reset_index()
    table.insert(1, "name", sym_names)

    if where is not None:
        value, known = where.evaluate(table)
    else:
        value = known = np.ones(len(table), dtype=bool)
    rows = table[value]
    if sort:
        rows = rows.sort_values(
            list(sort) + ["symbol"], ascending=[not descending] * len(sort) + [True], na_position="last", kind="stable"
        )
    if top is not None:
        rows = rows.head(top)
    summary = Summary(
        screened=len(table),
        passed=int(value.sum()),
        failed=int((known & ~value).sum()),
        failed_missing=int((~known).sum()),
        no_data=no_data,
        not_cached=not_cached,
    )
    used = set(symbols) | ({spec.symbol} if spec.symbol else set())
    upto = [i.within(None, session.date()) for i in md.issues if i.symbol in used]  # restated up to as-of
    warnings = [i for i in upto if i is not None]
    return ScreenResult(
        as_of=session.date(),
        data_source=md.source.value,
        label=md.label,
        universe=universe,
        benchmark=spec.label,
        table=table,
        rows=rows.reset_index(drop=True),
        summary=summary,
        where=where.text if where is not None else None,
        where_fields=list(where.fields) if where is not None else [],
        sort=list(sort),
        descending=descending,
        notes=list(dict.fromkeys(notes)),
        warnings=warnings,
    )


def _stops_early(gaps: list[tuple[date, date]] | None, frame: pd.DataFrame, session: pd.Timestamp) -> bool:
    """The store says it has no bars for a stretch after the symbol's first bar that starts
    on or before ``session`` (a cache not refreshed that far): missing data, not a suspension."""
    if not gaps:
        return False
    first = frame.index[0].date()
    return any(first < a <= session.date() for a, _ in gaps)
