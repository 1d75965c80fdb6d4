"""akshare adapter: query → extract (the raw akshare payload) → transform (a typed,
validated bar frame), with fallbacks across sources.

Stock bars: eastmoney (``stock_zh_a_hist`` raw + hfq) → sina (``stock_zh_a_daily``
raw only: we never pass another ``adjust``, because akshare ``eval()``s sina's factor
files) → tencent (``stock_zh_a_hist_tx`` raw + hfq). Index bars: eastmoney
(``stock_zh_index_daily_em``) → sina (``stock_zh_index_daily``). Boards: eastmoney BK
codes only (``stock_board_concept_cons_em`` / ``_hist_em``, industry endpoints as the
fallback host). Universe: ``stock_info_a_code_name``. Valuations:
``stock_zh_a_spot_em`` (pb, market caps; its PE is 市盈率-动态, not TTM, so
``pe_ttm`` stays NaN).

Units are normalised to ``model.py``: eastmoney volumes are lots (×100), tencent's
``sz000…`` stocks too (an akshare quirk); eastmoney turnover is in percent (÷100).
akshare is imported on first use. Every call runs under :class:`NetPolicy`.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from screener.data import frames
from screener.data.adjust import derive_adj_factor
from screener.data.net import HostDown, NetPolicy, NetworkFailure
from screener.errors import DataError, SymbolError
from screener.i18n import _
from screener.symbols import Exchange, Symbol, normalize

STOCK_SOURCES: tuple[str, ...] = ("eastmoney", "sina", "tencent")
INDEX_SOURCES: tuple[str, ...] = ("eastmoney", "sina")


def akshare_module() -> Any:
    """``import akshare`` (slow: ~1 s), silencing its tqdm bars."""
    os.environ.setdefault("TQDM_DISABLE", "1")
    import akshare

    return akshare


def akshare_version() -> str:
    try:
        from importlib.metadata import version

        return version("akshare")
    except Exception:  # noqa: BLE001 - metadata missing in odd installs
        return "unknown"


class SourceError(Exception):
    """One source failed for one request. ``kind``: unreachable, network, http, empty,
    schema or parse."""

    def __init__(self, source: str, endpoint: str, kind: str, detail: str):
        self.source, self.endpoint, self.kind, self.detail = source, endpoint, kind, detail
        super().__init__(f"{source} ({endpoint}): {detail}")


@dataclass
class Attempt:
    source: str
    error: str | None = None  # None: this source answered
    kind: str | None = None


@dataclass
class Fetched:
    """A transformed result and how it was obtained."""

    frame: pd.DataFrame
    origin: str
    adj_known: bool
    attempts: list[Attempt] = field(default_factory=list)


@dataclass(frozen=True)
class Query:
    """One akshare call: function name and keyword arguments."""

    endpoint: str
    kwargs: dict[str, Any]


def _ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


def require_columns(raw: pd.DataFrame, columns: Sequence[str], source: str, endpoint: str) -> None:
    """Fail with a message naming the first missing column and the akshare version."""
    missing = [c for c in columns if c not in raw.columns]
    if missing:
        have = ", ".join(map(str, raw.columns)) or "none"
        raise SourceError(
            source, endpoint, "schema",
            _(
                "column {missing!r} is missing (got: {have}); akshare {akshare_version} may have changed "
                "its output — upgrade screener/akshare or report it"
            ).format(missing=missing[0], have=have, akshare_version=akshare_version()),
        )


def _finish(
    df: pd.DataFrame, source: str, endpoint: str, start: date | None, end: date | None, fill_adj: bool = True
) -> pd.DataFrame:
    try:
        frame = frames.to_bar_frame(  # impossible values are flagged and left out by the loader
            df, f"{source} {endpoint} (akshare {akshare_version()})", fill_adj=fill_adj, reject_impossible=False)
    except DataError as exc:
        raise SourceError(source, endpoint, "schema", str(exc)) from None
    return frames.clip(frame, start, end)


EM_KLINE_COLUMNS: tuple[str, ...] = ("日期", "开盘", "收盘", "最高", "最低", "成交量", "成交额", "换手率")


def _em_kline_frame(raw: pd.DataFrame) -> pd.DataFrame:
    """An eastmoney kline table (stock or board, ``EM_KLINE_COLUMNS``) in our column names
    and units: volume from lots to shares, turnover from percent to a fraction."""
    return pd.DataFrame({
        "date": raw["日期"], "open": raw["开盘"], "high": raw["最高"], "low": raw["最低"],
        "close": raw["收盘"], "volume": pd.to_numeric(raw["成交量"], errors="coerce") * 100,
        "amount": raw["成交额"], "turnover": pd.to_numeric(raw["换手率"], errors="coerce") / 100,
    })


def _a_share_rows(codes: pd.Series, *columns: pd.Series) -> list[tuple[Any, ...]]:
    """(symbol, *values) per row whose code (zero-padded to six digits) is an A-share
    symbol; other rows (e.g. B shares listed on a board) are left out."""
    rows = []
    for code, *values in zip(codes.astype(str), *columns):
        try:
            rows.append((normalize(code.zfill(6)), *values))
        except SymbolError:
            continue
    return rows


class AkshareProvider:
    """Typed fetches through akshare, one source after another."""

    def __init__(self, policy: NetPolicy | None = None, ak: Any | None = None):
        self.policy = policy or NetPolicy()
        self._ak = ak

    @property
    def ak(self) -> Any:
        if self._ak is None:
            self._ak = akshare_module()
        return self._ak

    # -- extract ---------------------------------------------------------------------
    def extract(self, source: str, query: Query) -> Any:
        """Run one akshare call under the network policy; map every failure to SourceError."""
        ak = self.ak
        func: Callable[..., Any] = getattr(ak, query.endpoint)
        try:
            with self.policy.active(), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return func(**query.kwargs)
        except HostDown as exc:
            raise SourceError(source, query.endpoint, "unreachable", str(exc)) from None
        except NetworkFailure as exc:
            raise SourceError(source, query.endpoint, "network", str(exc)) from None
        except Exception as exc:  # noqa: BLE001 - akshare surfaces payload problems as bare exceptions
            import requests

            kind = "http" if isinstance(exc, requests.RequestException) else "parse"
            detail = f"{type(exc).__name__}: {str(exc)[:200]}"
            if kind == "parse":
                detail = _(
                    "unexpected payload ({detail}); akshare {akshare_version}"
                ).format(detail=detail, akshare_version=akshare_version())
            raise SourceError(source, query.endpoint, kind, detail) from None

    def _frame(self, source: str, query: Query) -> pd.DataFrame:
        raw = self.extract(source, query)
        if not isinstance(raw, pd.DataFrame):
            raise SourceError(source, query.endpoint, "parse", f"returned {type(raw).__name__}, not a DataFrame")
        if raw.empty:
            raise SourceError(source, query.endpoint, "empty", "no rows")
        return raw

    # -- stock bars --------------------------------------------------------------------
    def stock_bars(
        self, symbol: Symbol, start: date, end: date, *, anchor: float | None = None,
        sources: Sequence[str] = STOCK_SOURCES,
    ) -> Fetched:
        """Daily bars for a stock in [start, end], trying ``sources`` in order. Raises
        :class:`FetchError` listing every source's failure when none answers."""
        fetchers = {"eastmoney": self._stock_em, "sina": self._stock_sina, "tencent": self._stock_tx}
        return self._first(symbol, [(s, lambda s=s: fetchers[s](symbol, start, end, anchor)) for s in sources])

    def _stock_em(self, symbol: Symbol, start: date, end: date, anchor: float | None) -> tuple[pd.DataFrame, bool]:
        base = {"symbol": symbol.code, "period": "daily", "start_date": _ymd(start), "end_date": _ymd(end)}
        raw = self._frame("eastmoney", Query("stock_zh_a_hist", {**base, "adjust": ""}))
        hfq = self._frame("eastmoney", Query("stock_zh_a_hist", {**base, "adjust": "hfq"}))
        return self._transform_em(raw, hfq, start, end, anchor), True

    @staticmethod
    def _transform_em(raw: pd.DataFrame, hfq: pd.DataFrame, start: date, end: date, anchor: float | None) -> pd.DataFrame:
        require_columns(raw, EM_KLINE_COLUMNS, "eastmoney", "stock_zh_a_hist")
        require_columns(hfq, ["日期", "收盘"], "eastmoney", "stock_zh_a_hist(adjust='hfq')")
        frame = _finish(_em_kline_frame(raw), "eastmoney", "stock_zh_a_hist", None, None)
        return _with_factor(frame, hfq["日期"], hfq["收盘"], "eastmoney", anchor, start, end)

    def _stock_sina(self, symbol: Symbol, start: date, end: date, anchor: float | None) -> tuple[pd.DataFrame, bool]:
        # adjust must stay "": any other value makes akshare eval() text from the network.
        query = Query("stock_zh_a_daily", {
            "symbol": symbol.prefixed, "start_date": _ymd(start), "end_date": _ymd(end), "adjust": "",
        })
        raw = self._frame("sina", query)
        require_columns(raw, ["date", "open", "high", "low", "close", "volume", "amount", "turnover"],
                        "sina", query.endpoint)
        df = raw[["date", "open", "high", "low", "close", "volume", "amount", "turnover"]].copy()
        df["adj_factor"] = np.nan  # sina gives raw prices only; the caller fills factors
        frame = _finish(df, "sina", query.endpoint, start, end, fill_adj=False)
        if frame.empty:
            raise SourceError("sina", query.endpoint, "empty", _("no rows in the requested range"))
        return frame, False

    def _stock_tx(self, symbol: Symbol, start: date, end: date, anchor: float | None) -> tuple[pd.DataFrame, bool]:
        base = {"symbol": symbol.prefixed, "start_date": start.isoformat(), "end_date": end.isoformat()}
        raw = self._frame("tencent", Query("stock_zh_a_hist_tx", {**base, "adjust": ""}))
        hfq = self._frame("tencent", Query("stock_zh_a_hist_tx", {**base, "adjust": "hfq"}))
        require_columns(raw, ["date", "open", "close", "high", "low", "volume", "turnover", "amount"],
                        "tencent", "stock_zh_a_hist_tx")
        require_columns(hfq, ["date", "close"], "tencent", "stock_zh_a_hist_tx(adjust='hfq')")
        df = raw[["date", "open", "high", "low", "close", "volume", "amount", "turnover"]].copy()
        if symbol.prefixed.startswith("sz000"):
            df["volume"] = pd.to_numeric(df["volume"], errors="coerce") * 100  # akshare leaves these in lots
        frame = _finish(df, "tencent", "stock_zh_a_hist_tx", None, None)
        return _with_factor(frame, hfq["date"], hfq["close"], "tencent", anchor, start, end), True

    # -- index bars ----------------------------------------------------------------------
    def index_bars(self, symbol: Symbol, start: date, end: date, sources: Sequence[str] = INDEX_SOURCES) -> Fetched:
        fetchers = {"eastmoney": self._index_em, "sina": self._index_sina}
        usable = [s for s in sources if s == "eastmoney" or symbol.exchange in (Exchange.SH, Exchange.SZ)]
        return self._first(symbol, [(s, lambda s=s: fetchers[s](symbol, start, end)) for s in usable])

    def _index_em(self, symbol: Symbol, start: date, end: date) -> tuple[pd.DataFrame, bool]:
        query = Query("stock_zh_index_daily_em", {
            "symbol": f"{symbol.exchange.value.lower()}{symbol.code}", "start_date": _ymd(start), "end_date": _ymd(end),
        })
        raw = self._frame("eastmoney", query)
        require_columns(raw, ["date", "open", "close", "high", "low", "volume", "amount"], "eastmoney", query.endpoint)
        df = raw[["date", "open", "high", "low", "close", "amount"]].copy()
        df["volume"] = pd.to_numeric(raw["volume"], errors="coerce") * 100  # lots
        return _finish(df, "eastmoney", query.endpoint, start, end), True

    def _index_sina(self, symbol: Symbol, start: date, end: date) -> tuple[pd.DataFrame, bool]:
        query = Query("stock_zh_index_daily", {"symbol": symbol.prefixed})
        raw = self._frame("sina", query)
        require_columns(raw, ["date", "open", "high", "low", "close", "volume"], "sina", query.endpoint)
        keep = [c for c in ("date", "open", "high", "low", "close", "volume", "amount") if c in raw.columns]
        frame = _finish(raw[keep].copy(), "sina", query.endpoint, start, end)  # full history, sliced here
        if frame.empty:
            raise SourceError("sina", query.endpoint, "empty", _("no rows in the requested range"))
        return frame, True

    # -- boards, universe, valuations ------------------------------------------------------
    def board(self, code: str, start: date, end: date) -> tuple[pd.DataFrame, Fetched]:
        """(constituents: symbol, name) and the board's index bars, by eastmoney BK code."""
        errors: list[Attempt] = []
        for source, cons_ep, hist_ep, hist_kwargs in (
            ("eastmoney", "stock_board_concept_cons_em", "stock_board_concept_hist_em",
             {"period": "daily", "adjust": ""}),
            ("eastmoney-industry", "stock_board_industry_cons_em", "stock_board_industry_hist_em",
             {"period": "日k", "adjust": ""}),
        ):
            try:
                cons = self._frame(source, Query(cons_ep, {"symbol": code}))
                require_columns(cons, ["代码", "名称"], source, cons_ep)
                hist = self._frame(source, Query(hist_ep, {
                    "symbol": code, "start_date": _ymd(start), "end_date": _ymd(end), **hist_kwargs}))
                require_columns(hist, EM_KLINE_COLUMNS, source, hist_ep)
            except SourceError as exc:
                errors.append(Attempt(source, str(exc), exc.kind))
                continue
            rows = _a_share_rows(cons["代码"], cons["名称"].astype(str))
            members = pd.DataFrame(rows, columns=["symbol", "name"]).drop_duplicates("symbol")
            members = members.sort_values("symbol", ignore_index=True)
            bars = _finish(_em_kline_frame(hist), source, hist_ep, start, end)
            return members, Fetched(bars, source, True, [*errors, Attempt(source)])
        raise FetchError(code, errors)

    def universe(self) -> pd.DataFrame:
        """symbol, name, full_name (full names are not in this endpoint: NaN)."""
        raw = self._frame("exchanges", Query("stock_info_a_code_name", {})).copy()
        require_columns(raw, ["code", "name"], "exchanges", "stock_info_a_code_name")
        rows = _a_share_rows(raw["code"], raw["name"].astype(str))
        out = pd.DataFrame(rows, columns=["symbol", "name"]).drop_duplicates("symbol")
        out["full_name"] = np.nan
        return out.sort_values("symbol", ignore_index=True)

    def valuations(self) -> pd.DataFrame:
        """Today's snapshot: pe_dynamic (市盈率-动态), pb, mcap, float_mcap (CNY);
        pe_ttm NaN (see module doc)."""
        endpoint = "stock_zh_a_spot_em"
        raw = self._frame("eastmoney", Query(endpoint, {}))
        require_columns(raw, ["代码", "市盈率-动态", "市净率", "总市值", "流通市值"], "eastmoney", endpoint)
        rows = _a_share_rows(raw["代码"], raw["市盈率-动态"], raw["市净率"], raw["总市值"], raw["流通市值"])
        out = pd.DataFrame(rows, columns=["symbol", "pe_dynamic", "pb", "mcap", "float_mcap"])
        for c in ("pe_dynamic", "pb", "mcap", "float_mcap"):
            out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
        out.insert(1, "pe_ttm", np.nan)
        return out.drop_duplicates("symbol").sort_values("symbol", ignore_index=True)

    # -- fallback ----------------------------------------------------------------------
    @staticmethod
    def _first(symbol: Symbol | str, tries: list[tuple[str, Callable[[], tuple[pd.DataFrame, bool]]]]) -> Fetched:
        attempts: list[Attempt] = []
        for source, run in tries:
            try:
                frame, adj_known = run()
            except SourceError as exc:
                attempts.append(Attempt(source, str(exc), exc.kind))
                continue
            attempts.append(Attempt(source))
            return Fetched(frame, source, adj_known, attempts)
        raise FetchError(str(symbol), attempts)


class FetchError(DataError):
    """No source answered for a symbol; the message lists each source's failure."""

    def __init__(self, symbol: str, attempts: list[Attempt]):
        self.symbol, self.attempts = symbol, attempts
        detail = "; ".join(a.error or a.source for a in attempts) or _("no source available")
        super().__init__(_("{symbol}: no source answered — {detail}").format(symbol=symbol, detail=detail))

    @property
    def network(self) -> bool:
        return bool(self.attempts) and all(a.kind in ("unreachable", "network") for a in self.attempts)


def _with_factor(
    frame: pd.DataFrame, hfq_dates: pd.Series, hfq_close: pd.Series, source: str,
    anchor: float | None, start: date, end: date,
) -> pd.DataFrame:
    hfq = pd.Series(
        pd.to_numeric(hfq_close, errors="coerce").to_numpy(dtype="float64"),
        index=pd.DatetimeIndex(pd.to_datetime(pd.Series(hfq_dates).to_numpy())).normalize(),
    )
    hfq = hfq[~hfq.index.duplicated()]
    frame = frame.copy()
    frame["adj_factor"] = derive_adj_factor(frame["close"], hfq, anchor)
    return frames.clip(frame, start, end)
