"""One backtest, end to end: theme → symbols → data → engine → results.

:func:`run_backtest` resolves the window and members, loads bars through a
:class:`~screener.data.model.DataStore`, runs the engine, measures the basket, the
benchmark and the claims, and returns the JSON result (see :mod:`screener.backtest.result`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from screener import calendar
from screener.backtest import claims as claims_mod
from screener.backtest import result
from screener.backtest.settings import BacktestSettings
from screener.errors import DataError, UserError
from screener.symbols import EM_BOARD_CODE
from screener.theme.model import Member, Theme

DEFAULT_BENCHMARK = "000300.SH"
HISTORY_DAYS = 120  # calendar days loaded before the base date: last closes, limit references


@dataclass
class Window:
    start: date
    base: date
    end: date | None  # None: the latest session with data


def select_members(theme: Theme, settings: BacktestSettings) -> list[Member]:
    members = list(theme.members)
    if settings.members == "named":
        members = [m for m in members if m.named_in_source]
        if not members:
            raise UserError(
                f"--members named: no member of theme {theme.id!r} has named_in_source: true; use --members all"
            )
    return members


def target_weights(members: list[Member], settings: BacktestSettings, theme: Theme) -> dict[str, float]:
    if settings.weights == "equal":
        return {m.symbol: 1.0 for m in members}
    missing = [m.symbol for m in members if m.weight is None]
    if missing:
        raise UserError(
            f"--weights theme: {', '.join(missing)} in theme {theme.id!r} ha{'s' if len(missing) == 1 else 've'} "
            "no weight; give every member a weight in the theme file or use --weights equal"
        )
    if sum(m.weight or 0.0 for m in members) <= 0:
        raise UserError(f"--weights theme: the weights of theme {theme.id!r} add up to 0; use --weights equal")
    return {m.symbol: float(m.weight or 0.0) for m in members}


def resolve_benchmark(theme: Theme, settings: BacktestSettings) -> tuple[str, str | None, str | None]:
    """(symbol or board code, board source or None, display name or None)."""
    if settings.benchmark:
        if EM_BOARD_CODE.fullmatch(settings.benchmark):
            return settings.benchmark, "em", None
        return settings.benchmark, None, None
    bench = theme.benchmark
    if bench is None:
        return DEFAULT_BENCHMARK, None, "CSI 300"
    if bench.symbol:
        return bench.symbol, None, bench.name
    return str(bench.board), bench.source or "em", bench.name


def resolve_window(theme: Theme, settings: BacktestSettings, today: date) -> Window:
    start = settings.start
    if start is None:
        periods = theme.period_claims()
        start = periods[0].start if periods else date(today.year, 1, 1)
    base = claims_mod.base_session(start)
    if base is None:
        first = calendar.first_known_session().date()
        raise UserError(f"--start {start} is too early: the XSHG calendar starts on {first}")
    if settings.end is not None and (claims_mod.last_session(settings.end) or base) <= base:
        raise UserError(f"the window {start} → {settings.end} has no trading session; pick a later --end")
    return Window(start, base, settings.end)


def run_backtest(
    theme: Theme, settings: BacktestSettings, store: Any, *, today: date | None = None
) -> dict[str, Any]:
    """Backtest ``theme`` with ``settings`` on data from ``store``; the JSON result."""
    from screener.backtest import engine, metrics, schedule
    from screener.backtest.panel import build_panel

    today = today or date.today()
    members = select_members(theme, settings)
    weights = target_weights(members, settings, theme)
    bench_code, bench_source, bench_name = resolve_benchmark(theme, settings)
    window = resolve_window(theme, settings, today)
    warnings: list[dict[str, Any]] = []

    # -- data --------------------------------------------------------------------------
    span = claims_mod.claim_span(theme)
    load_start = window.base - timedelta(days=HISTORY_DAYS)
    load_end = window.end
    if span is not None:
        load_start = min(load_start, span[0] - timedelta(days=HISTORY_DAYS))
        if load_end is not None:
            load_end = max(load_end, span[1])
    symbols = [m.symbol for m in members] + [m.symbol for m in theme.members if m.symbol not in weights]
    if bench_source is None:
        symbols.append(bench_code)
    symbols += sorted(claims_mod.claim_symbols(theme) - set(symbols))
    md = store.load(list(dict.fromkeys(symbols)), start=load_start, end=load_end)
    frames = {s: b.frame for s, b in md.bars.items()}
    names = {s: b.name for s, b in md.bars.items() if b.name}

    # -- window end and members with data ------------------------------------------------
    member_frames = {m.symbol: frames.get(m.symbol) for m in members}
    latest = max((f.index[-1].date() for f in member_frames.values() if f is not None and len(f)), default=None)
    if latest is None:
        absent = set(md.missing) >= {m.symbol for m in members}
        if md.source.value == "cache":
            hint = f"fetch it first (`screener data fetch {theme.id}`), or use --demo or --data-dir"
        elif absent and md.source.value == "live":
            hint = "nothing could be fetched: check the network connection (or --proxy), or use --demo or --data-dir"
        elif absent and md.source.value == "demo":
            hint = "the demo data covers the built-in themes' members and major indices; use --data-dir or live data"
        elif absent:
            hint = f"none of them has a file there; add one per member (e.g. {members[0].symbol}.csv)"
        else:
            hint = "check --start/--end against the dates the data covers"
        raise DataError(
            f"no data for the members of {theme.id!r} from {load_start} to "
            f"{load_end or 'the latest session'} ({md.label}): {hint}"
        )
    if latest <= window.base:
        raise DataError(
            f"no data for the members of {theme.id!r} after the base date {window.base}: "
            f"the data ends on {latest} ({md.label}); pick an earlier --start"
        )
    end = latest if window.end is None else min(window.end, latest)
    if window.end is not None and latest < window.end:
        warnings.append(result.warning("window", None, None, f"the data ends on {latest}: the window is cut to end there (asked: {window.end})"))
    kept: dict[str, pd.DataFrame] = {}
    for m in members:
        f = member_frames[m.symbol]
        in_window = f[(f.index > pd.Timestamp(window.base)) & (f.index <= pd.Timestamp(end))] if f is not None else None
        if in_window is None or in_window.empty:
            why = "not in the data" if f is None or f.empty else f"no bar between {window.base} and {end}"
            warnings.append(result.warning("dropped_member", m.symbol, None, f"dropped from the basket: {why}"))
            continue
        kept[m.symbol] = f
    if not kept:
        raise DataError(f"no member of {theme.id!r} has data between {window.base} and {end} ({md.label})")

    data_dates = pd.DatetimeIndex(np.unique(np.concatenate([f.index.values for f in kept.values()])))
    sessions, note = calendar.trading_index(load_start, end, data_dates)
    if note:
        warnings.append(result.warning("calendar", None, None, note))
    sessions = sessions[sessions <= pd.Timestamp(end)]
    panel = build_panel(kept, sessions, pd.Timestamp(window.base))
    flagged = {i.symbol for i in md.issues if i.kind == "non_session_date"}  # the data layer names the days
    for sym, count in panel.off_calendar.items():
        if sym not in flagged:
            warnings.append(result.warning("data", sym, None, f"{count} bar(s) on days that are not XSHG sessions were ignored"))

    form = schedule.formation_row(settings.fill)
    if not panel.listed[form].any():
        first = min(f.index[0].date() for f in kept.values())
        raise DataError(
            f"no member of {theme.id!r} has a price at the formation on {panel.dates[form].date()}: "
            f"the data starts on {first} ({md.label}); pick a --start after {first}"
        )

    # -- engine --------------------------------------------------------------------------
    w = np.array([weights[s] for s in panel.symbols])
    res = engine.simulate(panel, w, settings)
    equity = res.equity

    # -- benchmark ----------------------------------------------------------------------
    bench_series, bench_label = _benchmark_series(
        store, frames, bench_code, bench_source, sessions, panel.dates, warnings,
        required=f"({md.label})" if settings.benchmark else None,
    )
    bench_name = bench_name or bench_label or names.get(bench_code)

    # -- figures ------------------------------------------------------------------------
    periods, rf = settings.sessions_per_year, settings.risk_free
    basket = metrics.performance(equity, periods, rf)
    first_rebalance = panel.dates[res.rebalance_rows[0]] if res.rebalance_rows else None
    basket.update(
        final_value=float(res.value[-1]),
        costs_paid=float(res.trades["cost"].sum()),
        turnover=metrics.turnover(res.trades, pd.Series(res.value), first_rebalance),
    )
    bench_block: dict[str, Any] = {"symbol": bench_code, "name": bench_name}
    if bench_series is not None:
        bench_block.update(metrics.performance(bench_series, periods, rf))
        bench_block.update(metrics.relative(equity, bench_series, periods, rf))
    members_out = result.member_rows(members, kept, res, panel, names)
    warnings += result.trading_warnings(res)
    warned = {w["symbol"] for w in warnings if w["kind"] in ("dropped_member", "benchmark")}
    warnings += result.data_warnings(md, set(kept) | {bench_code}, window.base, end, warned)
    if settings.rebalance == "none":
        late = [s for j, s in enumerate(panel.symbols) if not panel.listed[res.formation_row, j]]
        for s in late:
            warnings.append(result.warning("not_bought", s, None,
                                           "listed after the formation: buy and hold leaves it out (use --rebalance monthly to add it)"))
    checked = claims_mod.check_claims(theme, frames)

    return result.assemble(
        theme=theme,
        md=md,
        settings=settings,
        window_start=window.start,
        end=end,
        base=window.base,
        benchmark=bench_code,
        basket=basket,
        bench_block=bench_block,
        members=members_out,
        claims=checked,
        equity=equity,
        bench_series=bench_series,
        warnings=warnings,
    )


def _benchmark_series(
    store: Any,
    frames: dict[str, pd.DataFrame],
    code: str,
    source: str | None,
    sessions: pd.DatetimeIndex,
    dates: pd.DatetimeIndex,
    warnings: list[dict[str, Any]],
    required: str | None = None,
) -> tuple[pd.Series | None, str | None]:
    """The benchmark's adjusted close on the engine's sessions, 1.0 at the base date.
    Without data, a benchmark the user asked for (``required``: the data's label) is an
    error; the theme's own is a warning and the relative figures are left out."""
    label = None
    fix = "pick another --benchmark, or leave it out for the theme's own"
    if source is not None:
        try:
            board = store.board(code, source=source)
        except UserError as exc:
            if required:
                raise DataError(f"--benchmark {code}: {exc}; {fix}") from None
            warnings.append(result.warning("benchmark", code, None, f"board benchmark unavailable: {exc}"))
            return None, None
        label = board.name
        frame = board.bars.frame if board.bars is not None else None
    else:
        frame = frames.get(code)
    if frame is None or frame.empty:
        if required:
            if code.startswith("000") and code.endswith(".SZ"):  # 000300 reads as a Shenzhen stock
                fix = f"for the index write {code[:6]}.SH; or {fix}"
            raise DataError(f"--benchmark {code}: no data for it {required}; {fix}")
        warnings.append(result.warning("benchmark", code, None, "no data for the benchmark: relative figures are left out"))
        return None, label
    adj = frame.get("adj_factor", 1.0)
    series = (frame["close"] * adj).reindex(sessions).ffill().reindex(dates)
    if pd.isna(series.iloc[0]):
        warnings.append(result.warning("benchmark", code, None, f"no benchmark price on the base date {dates[0].date()}: relative figures are left out"))
        return None, label
    gaps = int(frame.index.isin(dates).sum())
    if gaps < len(dates) * 0.5:
        warnings.append(result.warning("benchmark", code, None, f"the benchmark has bars on only {gaps} of {len(dates)} sessions"))
    series = series.ffill()
    return pd.Series(series.to_numpy() / series.iloc[0], index=dates, name="benchmark"), label
