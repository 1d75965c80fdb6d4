"""One backtest as named stages: resolve → load → align → simulate → measure → assemble.

Each stage takes and returns plain typed values, so a command that runs many backtests
on one basket (an event study, a sweep) resolves, loads and aligns once and simulates
many times on the same panel::

    request = resolve(theme, settings, today)      # window, members, benchmark, what to load
    loaded = load(request, store)                  # bars (and a board benchmark) from a DataStore
    aligned = align(loaded)                        # one session index, the engine's Panel
    res = simulate(aligned, settings)              # the engine (any settings of the same window)
    measured = measure(aligned, res, settings)     # figures, benchmark, members, claims, warnings
    result = assemble(aligned, measured, settings) # the JSON result (screener.backtest.result)

:func:`run_backtest` is that composition. Settings that shape the panel (``start``,
``end``, ``members``) must be the request's; every other option may vary per simulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from screener import calendar, clock
from screener.backtest import claims as claims_mod
from screener.backtest import result
from screener.backtest.settings import BacktestSettings
from screener.data.model import BoardInfo, DataStore, MarketData
from screener.errors import DataError, UserError
from screener.i18n import _, ngettext
from screener.symbols import EM_BOARD_CODE, index_name
from screener.theme.model import Member, Theme

if TYPE_CHECKING:
    from screener.backtest.engine import EngineResult
    from screener.backtest.panel import Panel

DEFAULT_BENCHMARK = "000300.SH"
HISTORY_DAYS = 120  # calendar days loaded before the base date: last closes, limit references


@dataclass(frozen=True)
class Window:
    start: date
    base: date
    end: date | None  # None: the latest session with data


@dataclass(frozen=True)
class Benchmark:
    code: str  # a symbol, or a board code
    source: str | None  # the board's source (em, ths), None for a symbol
    name: str | None


@dataclass(frozen=True)
class Request:
    """What a backtest asks for (:func:`resolve`): the window, the members and the data to load."""

    theme: Theme
    settings: BacktestSettings
    members: list[Member]
    window: Window
    benchmark: Benchmark
    load_start: date
    load_end: date | None
    symbols: list[str]  # members, the theme's other members, the benchmark, claim symbols


@dataclass(frozen=True)
class Loaded:
    """The data of a request (:func:`load`). A board benchmark is fetched here too: its
    :class:`~screener.data.model.BoardInfo`, or the error the store raised."""

    request: Request
    md: MarketData
    frames: dict[str, pd.DataFrame]
    names: dict[str, str]
    board: BoardInfo | None = None
    board_error: UserError | None = None


@dataclass(frozen=True)
class Aligned:
    """The basket on one XSHG session index (:func:`align`): the engine's panel, the
    members kept (with data in the window), the window's last session and the warnings
    so far."""

    loaded: Loaded
    panel: Panel
    kept: dict[str, pd.DataFrame]
    sessions: pd.DatetimeIndex  # every session loaded, history included
    end: date
    warnings: list[dict[str, Any]]

    @property
    def request(self) -> Request:
        return self.loaded.request


@dataclass(frozen=True)
class Measured:
    """Everything the result reports besides the settings (:func:`measure`)."""

    equity: pd.Series
    basket: dict[str, Any]
    bench_block: dict[str, Any]
    bench_series: pd.Series | None
    members: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    trades: pd.DataFrame  # the engine's fills (engine.TRADE_COLUMNS)


def select_members(theme: Theme, settings: BacktestSettings) -> list[Member]:
    members = list(theme.members)
    if settings.members == "named":
        members = [m for m in members if m.named_in_source]
        if not members:
            raise UserError(
                _(
                    "--members named: no member of theme {id!r} has named_in_source: true; use --members all"
                ).format(id=theme.id)
            )
    return members


def target_weights(members: list[Member], settings: BacktestSettings, theme: Theme) -> dict[str, float]:
    if settings.weights == "equal":
        return {m.symbol: 1.0 for m in members}
    missing = [m.symbol for m in members if m.weight is None]
    if missing:
        raise UserError(
            ngettext(
                "--weights theme: {missing} in theme {id!r} has no weight; give every member a weight in "
                "the theme file or use --weights equal",
                "--weights theme: {missing} in theme {id!r} have no weight; give every member a weight in "
                "the theme file or use --weights equal",
                len(missing),
            ).format(missing=", ".join(missing), id=theme.id)
        )
    if sum(m.weight or 0.0 for m in members) <= 0:
        raise UserError(_(
            "--weights theme: the weights of theme {id!r} add up to 0; use --weights equal"
        ).format(id=theme.id))
    return {m.symbol: float(m.weight or 0.0) for m in members}


def resolve_benchmark(theme: Theme, settings: BacktestSettings) -> Benchmark:
    if settings.benchmark:
        if EM_BOARD_CODE.fullmatch(settings.benchmark):
            return Benchmark(settings.benchmark, "em", None)
        return Benchmark(settings.benchmark, None, index_name(settings.benchmark))
    bench = theme.benchmark
    if bench is None:
        return Benchmark(DEFAULT_BENCHMARK, None, index_name(DEFAULT_BENCHMARK))
    if bench.symbol:
        return Benchmark(bench.symbol, None, bench.name or index_name(bench.symbol))
    return Benchmark(str(bench.board), bench.source or "em", bench.name)


def resolve_window(theme: Theme, settings: BacktestSettings, today: date) -> Window:
    start = settings.start
    if start is None:
        periods = theme.period_claims()
        start = periods[0].start if periods else date(today.year, 1, 1)
    base = claims_mod.base_session(start)
    if base is None:
        first = calendar.first_known_session().date()
        raise UserError(_(
            "--start {start} is too early: the XSHG calendar starts on {first}"
        ).format(start=start, first=first))
    if settings.end is not None and (claims_mod.last_session(settings.end) or base) <= base:
        raise UserError(_(
            "the window {start} → {end} has no trading session; pick a later --end"
        ).format(start=start, end=settings.end))
    return Window(start, base, settings.end)


# -- stages ------------------------------------------------------------------------------

def resolve(theme: Theme, settings: BacktestSettings, today: date) -> Request:
    """The window, members, benchmark and the symbols and dates to load."""
    members = select_members(theme, settings)
    target_weights(members, settings, theme)  # a user error here stops before any load
    bench = resolve_benchmark(theme, settings)
    window = resolve_window(theme, settings, today)
    span = claims_mod.claim_span(theme)
    load_start = window.base - timedelta(days=HISTORY_DAYS)
    load_end = window.end
    if span is not None:
        load_start = min(load_start, span[0] - timedelta(days=HISTORY_DAYS))
        if load_end is not None:
            load_end = max(load_end, span[1])
    chosen = {m.symbol for m in members}
    symbols = [m.symbol for m in members] + [m.symbol for m in theme.members if m.symbol not in chosen]
    if bench.source is None:
        symbols.append(bench.code)
    symbols += sorted(claims_mod.claim_symbols(theme) - set(symbols))
    return Request(theme, settings, members, window, bench, load_start, load_end, list(dict.fromkeys(symbols)))


def load(request: Request, store: DataStore) -> Loaded:
    """Bars for every symbol of the request, and a board benchmark's bars."""
    md = store.load(request.symbols, start=request.load_start, end=request.load_end)
    board, board_error = None, None
    bench = request.benchmark
    if bench.source is not None:
        try:
            board = store.board(bench.code, source=bench.source)
        except UserError as exc:
            board_error = exc
    return Loaded(
        request=request,
        md=md,
        frames={s: b.frame for s, b in md.bars.items()},
        names={s: b.name for s, b in md.bars.items() if b.name},
        board=board,
        board_error=board_error,
    )


def align(loaded: Loaded) -> Aligned:
    """The window's last session, the members with data in it, and the engine's panel on
    one XSHG session index (history included for last closes and limit references)."""
    from screener.backtest.panel import build_panel

    request, md = loaded.request, loaded.md
    theme, members, window = request.theme, request.members, request.window
    warnings: list[dict[str, Any]] = []
    end = _window_end(loaded, warnings)
    kept: dict[str, pd.DataFrame] = {}
    for m in members:
        f = loaded.frames.get(m.symbol)
        in_window = f[(f.index > pd.Timestamp(window.base)) & (f.index <= pd.Timestamp(end))] if f is not None else None
        if in_window is None or in_window.empty:
            why = _("not in the data") if f is None or f.empty else _(
                "no bar between {base} and {end}"
            ).format(base=window.base, end=end)
            warnings.append(result.warning("dropped_member", m.symbol, None, _(
                "dropped from the basket: {why}"
            ).format(why=why)))
            continue
        kept[m.symbol] = f
    if not kept:
        raise DataError(_(
            "no member of {id!r} has data between {base} and {end} ({label})"
        ).format(id=theme.id, base=window.base, end=end, label=md.label))

    data_dates = pd.DatetimeIndex(np.unique(np.concatenate([f.index.values for f in kept.values()])))
    sessions, note = calendar.trading_index(request.load_start, end, data_dates)
    if note:
        warnings.append(result.warning("calendar", None, None, note))
    sessions = sessions[sessions <= pd.Timestamp(end)]
    panel = build_panel(kept, sessions, pd.Timestamp(window.base))
    flagged = {i.symbol for i in md.issues if i.kind == "non_session_date"}  # the data layer names the days
    for sym, count in panel.off_calendar.items():
        if sym not in flagged:
            warnings.append(result.warning("data", sym, None, _(
                "{count} bar(s) on days that are not XSHG sessions were ignored"
            ).format(count=count)))
    return Aligned(loaded, panel, kept, sessions, end, warnings)


PANEL_FIELDS = ("start", "end", "members", "benchmark")  # settings that shape the aligned panel or its loaded data


def simulate(aligned: Aligned, settings: BacktestSettings) -> EngineResult:
    """Run the engine on the aligned panel with ``settings`` (any options but
    :data:`PANEL_FIELDS`, which must be the request's)."""
    from screener.backtest import engine

    asked = aligned.request.settings
    changed = [f for f in PANEL_FIELDS if getattr(settings, f) != getattr(asked, f)]
    if changed:
        raise ValueError(f"simulate: {', '.join(changed)} differ from the aligned request's; resolve and align again")
    weights = target_weights(aligned.request.members, settings, aligned.request.theme)
    _check_formation(aligned, settings)
    return engine.simulate(aligned.panel, np.array([weights[s] for s in aligned.panel.symbols]), settings)


def measure(aligned: Aligned, res: EngineResult, settings: BacktestSettings, *, brief: bool = False) -> Measured:
    """The basket's and the benchmark's figures, the members' rows, the claims and every
    warning of the run. ``brief``: the figures and warnings only, no member rows and no
    claims (a sweep's cells: claims depend on the data, not on the settings)."""
    from screener.backtest import metrics

    loaded, request, panel = aligned.loaded, aligned.request, aligned.panel
    md, bench = loaded.md, request.benchmark
    warnings = list(aligned.warnings)
    equity = res.equity
    bench_series, bench_label = _benchmark_series(
        loaded, aligned.sessions, panel.dates, warnings,
        required=f"({md.label})" if settings.benchmark else None,
    )
    periods, rf = settings.sessions_per_year, settings.risk_free
    basket = metrics.performance(equity, periods, rf)
    first_rebalance = panel.dates[res.rebalance_rows[0]] if res.rebalance_rows else None
    basket.update(
        final_value=float(res.value[-1]),
        costs_paid=float(res.trades["cost"].sum()),
        turnover=metrics.turnover(res.trades, pd.Series(res.value), first_rebalance),
    )
    bench_block: dict[str, Any] = {"symbol": bench.code, "name": bench.name or bench_label or loaded.names.get(bench.code)}
    if bench_series is not None:
        bench_block.update(metrics.performance(bench_series, periods, rf))
        bench_block.update(metrics.relative(equity, bench_series, periods, rf))
    members_out = [] if brief else result.member_rows(request.members, aligned.kept, res, panel, loaded.names)
    warnings += result.trading_warnings(res)
    if settings.max_participation is not None:
        warnings += _no_volume_warnings(panel)
    warned = {w["symbol"] for w in warnings if w["kind"] in ("dropped_member", "benchmark")}
    warnings += result.data_warnings(md, set(aligned.kept) | {bench.code}, request.window.base, aligned.end, warned)
    if settings.rebalance == "none":
        late = [s for j, s in enumerate(panel.symbols) if not panel.listed[res.formation_row, j]]
        for s in late:
            warnings.append(result.warning("not_bought", s, None,
                                           _(
                                               "listed after the formation: buy and hold leaves it out "
                                               "(use --rebalance monthly to add it)"
                                           )))
    checked = [] if brief else claims_mod.check_claims(request.theme, loaded.frames, request.load_start)
    return Measured(equity, basket, bench_block, bench_series, members_out, checked, warnings, res.trades)


def assemble(aligned: Aligned, measured: Measured, settings: BacktestSettings) -> dict[str, Any]:
    """The JSON result (see :mod:`screener.backtest.result`)."""
    request = aligned.request
    return result.assemble(
        theme=request.theme,
        md=aligned.loaded.md,
        settings=settings,
        window_start=request.window.start,
        end=aligned.end,
        base=request.window.base,
        benchmark=request.benchmark.code,
        basket=measured.basket,
        bench_block=measured.bench_block,
        members=measured.members,
        claims=measured.claims,
        equity=measured.equity,
        bench_series=measured.bench_series,
        trades=measured.trades,
        warnings=measured.warnings,
    )


def run_backtest(
    theme: Theme, settings: BacktestSettings, store: DataStore, *, today: date | None = None
) -> dict[str, Any]:
    """Backtest ``theme`` with ``settings`` on data from ``store``; the JSON result."""
    request = resolve(theme, settings, today or clock.today())
    aligned = align(load(request, store))
    res = simulate(aligned, settings)
    return assemble(aligned, measure(aligned, res, settings), settings)


# -- helpers -----------------------------------------------------------------------------

def _no_volume_warnings(panel: Panel) -> list[dict[str, Any]]:
    """Members with bars but no volume: --max-participation cannot cap their fills there."""
    out = []
    missing = panel.has_bar & np.isnan(panel.volume)
    for j in np.flatnonzero(missing.any(axis=0)):
        n = int(missing[:, j].sum())
        out.append(result.warning("data", panel.symbols[j], None,
                                  _(
                                      "no volume on {n} session(s): --max-participation does not cap its fills there"
                                  ).format(n=n)))
    return out


def _check_formation(aligned: Aligned, settings: BacktestSettings) -> None:
    """Some member must have a price when the basket is formed (``settings.fill`` decides
    the session); the panel alone does not need one (an event study reads it as is)."""
    from screener.backtest import schedule

    panel, kept = aligned.panel, aligned.kept
    form = schedule.formation_row(settings.fill)
    if not panel.listed[form].any():
        first = min(f.index[0].date() for f in kept.values())
        raise DataError(
            _(
                "no member of {id!r} has a price at the formation on {date}: the data starts on {first} "
                "({label}); pick a --start after {first}"
            ).format(
                id=aligned.request.theme.id,
                date=panel.dates[form].date(),
                first=first,
                label=aligned.loaded.md.label,
            )
        )


def _window_end(loaded: Loaded, warnings: list[dict[str, Any]]) -> date:
    """The window's last session: the asked end, cut to the members' latest bar."""
    request, md = loaded.request, loaded.md
    theme, members, window = request.theme, request.members, request.window
    latest = max((f.index[-1].date() for m in members if (f := loaded.frames.get(m.symbol)) is not None and len(f)),
                 default=None)
    if latest is None:
        absent = set(md.missing) >= {m.symbol for m in members}
        if md.source.value == "cache":
            hint = _("fetch it first (`screener data fetch {id}`), or use --demo or --data-dir").format(id=theme.id)
        elif absent and md.source.value == "live":
            hint = _(
                "nothing could be fetched: check the network connection (or --proxy), or use --demo or --data-dir"
            )
        elif absent and md.source.value == "demo":
            hint = _(
                "the demo data covers the built-in themes' members and major indices; use --data-dir or live data"
            )
        elif absent:
            hint = _(
                "none of them has a file there; add one per member (e.g. {symbol}.csv)"
            ).format(symbol=members[0].symbol)
        else:
            hint = _("check --start/--end against the dates the data covers")
        raise DataError(
            _(
                "no data for the members of {id!r} from {load_start} to {value} ({label}): {hint}"
            ).format(
                id=theme.id,
                load_start=request.load_start,
                value=request.load_end or _("the latest session"),
                label=md.label,
                hint=hint,
            )
        )
    if latest <= window.base:
        raise DataError(
            _(
                "no data for the members of {id!r} after the base date {base}: the data ends on {latest} "
                "({label}); pick an earlier --start"
            ).format(id=theme.id, base=window.base, latest=latest, label=md.label)
        )
    if window.end is not None and latest < window.end:
        warnings.append(result.warning("window", None, None, _(
            "the data ends on {latest}: the window is cut to end there (asked: {end})"
        ).format(latest=latest, end=window.end)))
    return latest if window.end is None else min(window.end, latest)


def benchmark_frame(
    loaded: Loaded, warnings: list[dict[str, Any]], required: str | None = None
) -> tuple[pd.DataFrame | None, str | None]:
    """The benchmark's bar frame (None without data) and a board's name. Without data, a
    benchmark the user asked for (``required``: the data's label) is an error; the
    theme's own is a warning."""
    code = loaded.request.benchmark.code
    label = None
    fix = _("pick another --benchmark, or leave it out for the theme's own")
    if loaded.request.benchmark.source is not None:
        if loaded.board_error is not None:
            if required:
                raise DataError(_(
                    "--benchmark {code}: {board_error}; {fix}"
                ).format(code=code, board_error=loaded.board_error, fix=fix)) from None
            warnings.append(result.warning("benchmark", code, None, _(
                "board benchmark unavailable: {board_error}"
            ).format(board_error=loaded.board_error)))
            return None, None
        board = loaded.board
        label = board.name
        frame = board.bars.frame if board.bars is not None else None
    else:
        frame = loaded.frames.get(code)
    if frame is None or frame.empty:
        if required:
            if code.startswith("000") and code.endswith(".SZ"):  # 000300 reads as a Shenzhen stock
                fix = _(
                    "for the index write {index}.SH; or pick another --benchmark, or leave it out for the theme's own"
                ).format(index=code[:6])
            raise DataError(_(
                "--benchmark {code}: no data for it {required}; {fix}"
            ).format(code=code, required=required, fix=fix))
        warnings.append(result.warning("benchmark", code, None, _(
            "no data for the benchmark: relative figures are left out"
        )))
        return None, label
    return frame, label


def _benchmark_series(
    loaded: Loaded,
    sessions: pd.DatetimeIndex,
    dates: pd.DatetimeIndex,
    warnings: list[dict[str, Any]],
    required: str | None = None,
) -> tuple[pd.Series | None, str | None]:
    """The benchmark's adjusted close on the engine's sessions, 1.0 at the base date
    (None without data: see :func:`benchmark_frame`; the relative figures are left out)."""
    frame, label = benchmark_frame(loaded, warnings, required)
    if frame is None:
        return None, label
    code = loaded.request.benchmark.code
    adj = frame.get("adj_factor", 1.0)
    series = (frame["close"] * adj).reindex(sessions).ffill().reindex(dates)
    if pd.isna(series.iloc[0]):
        warnings.append(result.warning("benchmark", code, None, _(
            "no benchmark price on the base date {date}: relative figures are left out"
        ).format(date=dates[0].date())))
        return None, label
    gaps = int(frame.index.isin(dates).sum())
    if gaps < len(dates) * 0.5:
        warnings.append(result.warning("benchmark", code, None, _(
            "the benchmark has bars on only {gaps} of {n} sessions"
        ).format(gaps=gaps, n=len(dates))))
    series = series.ffill()
    return pd.Series(series.to_numpy() / series.iloc[0], index=dates, name="benchmark"), label
