"""akshare behind the cache: fetch what the cache lacks, serve the rest from disk.

Per symbol, under the symbol's file lock:

* nothing cached → fetch [start, end] (start defaults to ``DEFAULT_START``);
* cached [a, b] and asked for more recent sessions → fetch only from the last cached
  session to ``end``. That one-session overlap is how adjustments stay right: if the
  source revised the overlapping bar (a changed raw close), the whole history is
  fetched again; otherwise new factors are chained from the cached factor, stepping on
  any new ex-date (see ``adjust.py``);
* asked for earlier dates than cached, or the cached factors are unknown (sina
  answered before) → fetch the whole range again;
* otherwise → no network at all.

``end`` defaults to the last completed session day (Asia/Shanghai, after 15:30); rows
after it (an intraday bar) are never cached. A failed fetch falls back to the cached
rows and says so, naming the sessions they lack in ``MarketData.gaps``. ``--offline`` never fetches: symbols or dates not cached are listed
in ``MarketData.missing`` / ``gaps`` / ``errors`` and in a note.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta

import pandas as pd

from screener import calendar, clock
from screener.data import frames, quality
from screener.data.akshare_provider import (
    AkshareProvider,
    Fetched,
    FetchError,
    SourceError,
)
from screener.data.cache import Cache, CacheMeta
from screener.data.model import (
    Bars,
    BoardInfo,
    DataOptions,
    MarketData,
    QualityIssue,
    Source,
    empty_valuations,
)
from screener.data.net import NetPolicy
from screener.errors import DataError
from screener.i18n import _
from screener.symbols import EM_BOARD_CODE, normalize, parse_symbol

DEFAULT_START = date(2016, 1, 1)
SHANGHAI = clock.SHANGHAI
CLOSE_PLUS = time(15, 30)
UNIVERSE_MAX_AGE = timedelta(days=7)


def last_complete_day(now: datetime | None = None) -> date:
    """Today in Shanghai once the market has closed (15:30), else yesterday. A naive
    ``now`` is read as Shanghai time."""
    now = now or clock.now()
    now = now.replace(tzinfo=SHANGHAI) if now.tzinfo is None else now.astimezone(SHANGHAI)
    return now.date() if now.time() >= CLOSE_PLUS else now.date() - timedelta(days=1)


def _session_gaps(start: date, end: date, have: tuple[date, date] | None) -> list[tuple[date, date]]:
    """Parts of [start, end] outside ``have`` that contain sessions, as (first, last) sessions."""
    pieces = [(start, end)] if have is None else [
        (start, min(end, have[0] - timedelta(days=1))), (max(start, have[1] + timedelta(days=1)), end)]
    out = []
    for lo, hi in pieces:
        if lo > hi:
            continue
        days = calendar.sessions(lo, hi)
        if hi > calendar.last_known_session().date():
            extra = pd.bdate_range(max(lo, calendar.last_known_session().date() + timedelta(days=1)), hi)
            days = days.append(pd.DatetimeIndex(extra))
        if len(days):
            out.append((days[0].date(), days[-1].date()))
    return out


def gap_text(gaps: Sequence[tuple[object, object]]) -> str:
    """Ranges as ``2024-01-02..2024-01-05, 2024-02-01`` (one day once)."""
    return ", ".join(f"{a}" if a == b else f"{a}..{b}" for a, b in gaps)


class LiveStore:
    """Live akshare data through the Parquet cache (``Source.LIVE`` / ``Source.CACHE``)."""

    def __init__(
        self, cache: Cache, provider: AkshareProvider | None = None, *, offline: bool = False,
        now: Callable[[], datetime] | None = None,
    ):
        self.cache = cache
        self.offline = offline
        self._provider = provider
        self._now = now or clock.now
        self.source = Source.CACHE if offline else Source.LIVE

    @classmethod
    def from_options(cls, options: DataOptions) -> LiveStore:
        cache = Cache(options.cache_dir)
        return cls(cache, AkshareProvider(NetPolicy(proxy=options.proxy)), offline=options.offline)

    @property
    def provider(self) -> AkshareProvider:
        if self._provider is None:
            self._provider = AkshareProvider()
        return self._provider

    def symbols(self) -> list[str]:
        return self.cache.bar_symbols()

    # -- bars ----------------------------------------------------------------------------
    def load(self, symbols: Sequence[str], start: date | None = None, end: date | None = None) -> MarketData:
        wanted = list(dict.fromkeys(normalize(s) for s in symbols))
        now = self._now()
        end_eff = min(end, last_complete_day(now)) if end else last_complete_day(now)
        bars: dict[str, Bars] = {}
        missing: list[str] = []
        gaps: dict[str, list[tuple[date, date]]] = {}
        errors: dict[str, str] = {}
        notes: list[str] = []
        extra_issues: list[QualityIssue] = []
        if self.offline:
            cached = self.cache.read_many(wanted)
            for s in wanted:
                if s not in cached:
                    missing.append(s)
                    errors[s] = "offline: not cached"
                    gaps[s] = _session_gaps(start or DEFAULT_START, end_eff, None)
                    continue
                frame, meta = cached[s]
                bars[s] = Bars(s, frames.clip(frame, start, end), Source.CACHE, meta.origin, meta.fetched_at, meta.name)
                g = _session_gaps(start or meta.covered_start, end_eff, (meta.covered_start, meta.covered_end))
                if g:
                    gaps[s] = g
                if not meta.adj_known:
                    extra_issues.append(_adj_issue(s, meta.origin))
        else:
            for s in wanted:
                result = self._refresh(s, start, end_eff, now, notes, gaps)
                if isinstance(result, FetchError):
                    missing.append(s)
                    errors[s] = str(result)
                    continue
                b, fetch_error, adj_known = result
                if fetch_error is not None:
                    errors[s] = _("live fetch failed, using the cache: {fetch_error}").format(fetch_error=fetch_error)
                bars[s] = Bars(s, frames.clip(b.frame, start, end), b.source, b.origin, b.fetched_at, b.name)
                if not adj_known:
                    extra_issues.append(_adj_issue(s, b.origin))
        for s, b in bars.items():
            b.frame, found = quality.exclude_unusable(s, b.frame, now.date())
            extra_issues += found
        issues, qnotes = quality.check({s: b.frame for s, b in bars.items()}, start, end)
        notes += qnotes
        if self.offline and (missing or gaps):
            parts = [_("not cached: {symbols}").format(symbols=", ".join(missing))] if missing else []
            by_gap: dict[str, list[str]] = {}  # one entry per distinct range: short for thousands of symbols
            for s, g in gaps.items():
                if s not in missing:
                    by_gap.setdefault(gap_text(g), []).append(s)
            parts += [_("missing {gap}: {syms}").format(gap=gap, syms=', '.join(syms)) for gap, syms in by_gap.items()]
            notes.append(_("offline: {parts} (run `screener data fetch` when online)").format(parts="; ".join(parts)))
        fell_back = [s for s, e in errors.items() if s in bars]
        if fell_back:
            notes.append(_(
                "live fetch failed for {fell_back}; using cached data"
            ).format(fell_back=', '.join(fell_back)))
        source, label = self._label(bars)
        return MarketData(bars, source, label, missing, extra_issues + issues, notes, gaps=gaps, errors=errors)

    def _label(self, bars: dict[str, Bars]) -> tuple[Source, str]:
        live = [b for b in bars.values() if b.source is Source.LIVE]
        stamps = sorted({b.fetched_at.date() for b in bars.values() if b.fetched_at})
        when = "" if not stamps else (
            f"{stamps[0]}" if len(stamps) == 1 else _("{first} to {last}").format(first=stamps[0], last=stamps[-1]))
        if live:
            origins = sorted({b.origin for b in live})
            return Source.LIVE, _("live akshare ({origins}), fetched {when}").format(origins=", ".join(origins), when=when)
        if when:
            return Source.CACHE, _("cache, fetched {when}").format(when=when)
        return self.source, _("cache (offline)") if self.offline else _("live akshare: nothing fetched")

    def _refresh(
        self, symbol: str, start: date | None, end: date, now: datetime, notes: list[str],
        gaps: dict[str, list[tuple[date, date]]],
    ) -> tuple[Bars, str | None, bool] | FetchError:
        """Bring one symbol's cache up to date. Returns (bars, fetch error when we fell
        back to the cache, adj factors known) or the FetchError when nothing is available;
        on a fallback, the sessions the cache lacks go to ``gaps``."""
        path = self.cache.bars_path(symbol)
        sym = parse_symbol(symbol)
        with self.cache.lock(path):
            cached = self.cache.read_bars(symbol)
            plan = _plan(cached, start, end, sym.is_index)
            if plan is None:
                frame, meta = cached  # type: ignore[misc]
                return Bars(symbol, frame, Source.CACHE, meta.origin, meta.fetched_at, meta.name), None, meta.adj_known
            fetch_start, anchor = plan
            try:
                fetched = self._fetch(sym, fetch_start, end, anchor)
                merged, adj_known, full = _merge(cached, fetched, fetch_start, anchor, sym.is_index)
                if full:
                    notes.append(_(
                        "{symbol}: the source revised the bar at the cache seam; fetched the full history again"
                    ).format(symbol=symbol))
                    fetch_start = min(fetch_start, cached[1].covered_start) if cached else fetch_start
                    fetched = self._fetch(sym, fetch_start, end, None)
                    merged, adj_known, _full = _merge(None, fetched, fetch_start, None, sym.is_index)
            except FetchError as exc:
                if cached is None:
                    return exc
                frame, meta = cached
                if g := _session_gaps(start or meta.covered_start, end, (meta.covered_start, meta.covered_end)):
                    gaps[symbol] = g
                return Bars(symbol, frame, Source.CACHE, meta.origin, meta.fetched_at, meta.name), str(exc), meta.adj_known
            fetched_at = now.replace(tzinfo=None, microsecond=0)
            covered_start = min(fetch_start, cached[1].covered_start) if cached else fetch_start
            meta = CacheMeta(fetched.origin, fetched_at, covered_start, end, adj_known, cached[1].name if cached else None)
            merged = frames.clip(merged, None, end)
            self.cache.write_bars(symbol, merged, meta)
            return Bars(symbol, merged, Source.LIVE, fetched.origin, fetched_at, meta.name), None, adj_known

    def _fetch(self, sym, start: date, end: date, anchor: float | None) -> Fetched:
        if sym.is_index:
            return self.provider.index_bars(sym, start, end)
        return self.provider.stock_bars(sym, start, end, anchor=anchor)

    # -- universe, boards, valuations --------------------------------------------------------
    def universe(self) -> pd.DataFrame:
        path = self.cache.universe_path()
        cached = self.cache.read_frame(path)
        now = self._now().replace(tzinfo=None)
        if cached is not None and (self.offline or now - cached[1].fetched_at < UNIVERSE_MAX_AGE):
            return cached[0]
        if self.offline:
            raise DataError(_(
                "offline: the A-share list is not cached; run `screener data fetch --universe` once online"
            ))
        try:
            df = self.provider.universe()
        except (FetchError, SourceError) as exc:
            if cached is not None:
                return cached[0]
            raise DataError(_("cannot fetch the A-share list: {exc}").format(exc=exc)) from None
        day = now.date()
        self.cache.write_frame(path, df, CacheMeta("exchanges", now.replace(microsecond=0), day, day))
        return df

    def board(self, code: str, source: str = "em") -> BoardInfo:
        code = code.strip().upper()
        if not EM_BOARD_CODE.fullmatch(code):
            raise DataError(
                _(
                    "board {code!r}: give the board's eastmoney code, e.g. BK0715 (a name would make "
                    "akshare download every board to look it up)"
                ).format(code=code)
            )
        if source != "em":
            raise DataError(_(
                "board {code}: only eastmoney boards (source: em, BK codes) are supported, not {source!r}"
            ).format(code=code, source=source))
        now = self._now()
        end = last_complete_day(now)
        cached = self.cache.read_board(code)
        if cached is not None and (self.offline or cached[2].covered_end >= end):
            return _cached_board(code, cached)
        if self.offline:
            raise DataError(_(
                "offline: board {code} is not cached; run `screener data fetch {code}` once online"
            ).format(code=code))
        try:
            members, fetched = self.provider.board(code, DEFAULT_START, end)
        except (FetchError, SourceError) as exc:
            if cached is not None:
                return _cached_board(code, cached, exc)
            detail = str(exc).removeprefix(f"{code}: ")
            if isinstance(exc, FetchError) and exc.network:
                message = _("board {code}: {detail}; run `screener data fetch {code}` once online, or use --demo")
            else:
                message = _(
                    "board {code}: {detail} — and board {code} is not cached: fetch it when online with "
                    "`screener data fetch {code}`, or try --demo"
                )
            raise DataError(message.format(code=code, detail=detail)) from None
        fetched_at = now.replace(tzinfo=None, microsecond=0)
        meta = CacheMeta(fetched.origin, fetched_at, DEFAULT_START, end, True, code)
        self.cache.write_board(code, members, fetched.frame, meta)
        bars = Bars(code, fetched.frame, Source.LIVE, fetched.origin, fetched_at, code)
        label = _("live akshare ({origins}), fetched {when}").format(origins=fetched.origin, when=fetched_at.date())
        return BoardInfo(code, code, members, bars, Source.LIVE, label)

    def boards(self) -> pd.DataFrame:
        """The boards in the cache: ``code, name, members`` (how many), in code order."""
        rows = []
        for code in self.cache.board_codes():
            cached = self.cache.read_frame(self.cache.members_path(code))
            if cached is not None:
                rows.append((code, cached[1].name or code, len(cached[0])))
        return pd.DataFrame(rows, columns=["code", "name", "members"])

    def valuations(self, as_of: date | None = None) -> pd.DataFrame:
        """A snapshot taken on ``as_of`` (default: today) if one is cached or can be taken
        now; otherwise an empty frame. Past dates are never back-filled."""
        now = self._now()
        today = now.date()
        day = as_of or today
        cached = self.cache.read_frame(self.cache.valuations_path(day))
        if cached is not None:
            return cached[0]
        empty = empty_valuations()
        if self.offline or day != today:
            return empty
        try:
            df = self.provider.valuations()
        except (FetchError, SourceError):
            return empty
        stamp = now.replace(tzinfo=None, microsecond=0)
        self.cache.write_frame(self.cache.valuations_path(day), df, CacheMeta("eastmoney", stamp, day, day))
        return df


def _cached_board(
    code: str, cached: tuple[pd.DataFrame, pd.DataFrame, CacheMeta], failed: Exception | None = None
) -> BoardInfo:
    """The board as cached; the label names a refresh that ``failed``."""
    members, frame, meta = cached
    bars = Bars(code, frame, Source.CACHE, meta.origin, meta.fetched_at, meta.name)
    label = _("cache, fetched {when}").format(when=meta.fetched_at.date())
    if failed is not None:
        label = _("cache, fetched {when} (live fetch failed: {error})").format(when=meta.fetched_at.date(), error=failed)
    return BoardInfo(code, meta.name or code, members, bars, Source.CACHE, label)


def _adj_issue(symbol: str, origin: str) -> QualityIssue:
    return QualityIssue(
        symbol, "adj_factor_unknown",
        _(
            "{symbol}: {origin} gave raw prices only, so adj_factor is carried forward (1.0 if nothing "
            "earlier): returns across later dividends are understated until a refresh from eastmoney or tencent"
        ).format(symbol=symbol, origin=origin),
    )


def _plan(
    cached: tuple[pd.DataFrame, CacheMeta] | None, start: date | None, end: date, is_index: bool
) -> tuple[date, float | None] | None:
    """(fetch start, factor anchor for an incremental fetch) or None when the cache suffices."""
    if cached is None:
        return (start or DEFAULT_START), None
    frame, meta = cached
    need_back = start is not None and start < meta.covered_start
    need_fwd = end > meta.covered_end
    if not (need_back or need_fwd):
        return None
    if need_back or frame.empty or (not meta.adj_known and not is_index):
        return min(start or meta.covered_start, meta.covered_start), None
    last = frame.index[-1].date()
    return last, float(frame["adj_factor"].iloc[-1])


def _merge(
    cached: tuple[pd.DataFrame, CacheMeta] | None, fetched: Fetched, fetch_start: date,
    anchor: float | None, is_index: bool,
) -> tuple[pd.DataFrame, bool, bool]:
    """(merged frame, adj factors known, needs a full re-fetch). ``anchor`` None means
    ``fetched`` replaces the cached rows from ``fetch_start`` on; otherwise it extends
    them from the seam (the last cached session, which both must share)."""
    new = fetched.frame.copy()
    adj_known = fetched.adj_known or is_index
    if is_index:
        new["adj_factor"] = 1.0
    old = cached[0] if cached is not None else None
    if anchor is None or old is None:
        if not adj_known:
            carried = old["adj_factor"].reindex(new.index, method="ffill") if old is not None and len(old) else None
            if carried is not None:
                new["adj_factor"] = new["adj_factor"].fillna(carried)
            new["adj_factor"] = new["adj_factor"].fillna(1.0)
        if old is None:
            return new, adj_known, False
        merged = pd.concat([old[old.index < pd.Timestamp(fetch_start)], new])
        return merged[~merged.index.duplicated(keep="last")].sort_index(), adj_known, False
    seam = old.index[-1]
    if seam not in new.index or abs(new.at[seam, "close"] - old.at[seam, "close"]) > 0.005:
        return new, adj_known, True
    if not adj_known:
        new["adj_factor"] = new["adj_factor"].fillna(anchor)
    merged = pd.concat([old[old.index < seam], new[new.index >= seam]])
    return merged, adj_known and cached[1].adj_known, False
