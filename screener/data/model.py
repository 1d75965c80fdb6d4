"""The data layer's contract: options, typed bar frames, and what a load returns.

Every command that needs prices goes through a :class:`DataStore` made by
``screener.data.open_store(DataOptions)``, and every result says where its data came
from (:class:`Source`).

Bar frames
    A ``pandas.DataFrame`` indexed by a tz-naive, normalised, sorted, unique
    ``DatetimeIndex`` named ``date``, with float64 columns ``BAR_COLUMNS``:
    ``open, high, low, close`` raw (unadjusted) CNY prices; ``volume`` in shares;
    ``amount`` traded value in CNY (NaN when the source lacks it); ``adj_factor``
    = hfq price / raw price (1.0 when there were no corporate actions or for indices);
    ``turnover`` as a fraction of float shares (NaN when unknown).
    A session with no row is a suspension, never an error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import ClassVar, Protocol

import pandas as pd

from screener.i18n import _, language

BAR_COLUMNS: tuple[str, ...] = (
    "open", "high", "low", "close", "volume", "amount", "adj_factor", "turnover",
)
DEMO_LABEL = "DEMO — synthetic prices"


class Source(str, Enum):
    """Where a result's data came from."""

    LIVE = "live"
    CACHE = "cache"
    DIR = "dir"
    DEMO = "demo"


@dataclass(frozen=True)
class DataOptions:
    """The data options every price-using command shares."""

    demo: bool = False
    data_dir: Path | None = None
    offline: bool = False
    cache_dir: Path | None = None
    proxy: str | None = None
    provider: str | None = None


@dataclass
class Bars:
    """One symbol's daily bars and their provenance."""

    symbol: str
    frame: pd.DataFrame
    source: Source
    origin: str  # "eastmoney", "sina", "tencent", a file path, "demo", ...
    fetched_at: datetime | None = None  # when the data was fetched (cache/live)
    name: str | None = None  # short name when the source has it

    def adjusted_close(self) -> pd.Series:
        """Close × adj_factor: the total-return (hfq) price series."""
        return self.frame["close"] * self.frame["adj_factor"]


@dataclass(frozen=True)
class QualityIssue:
    """A data-quality finding, kept for reports; rows are never silently dropped."""

    symbol: str
    kind: str  # "missing_sessions", "non_positive_price", "high_below_low", ...
    message: str
    date: date | None = None  # the first day concerned
    days: tuple[date, ...] = ()  # every day concerned, in order (empty: not about days)
    what: str = ""  # the finding without symbol and days ("rows with high below low")

    SHOWN: ClassVar[int] = 3  # days named in a message
    # rows left out of the data (quality.exclude_unusable): said whatever the window, since
    # they are missing from it and, dated after today, never fall inside one
    LEFT_OUT: ClassVar[frozenset[str]] = frozenset({"future_date", "impossible_value"})

    @classmethod
    def about_days(cls, symbol: str, kind: str, days: Iterable[date], what: str) -> QualityIssue:
        """A finding about ``days`` (sorted, deduplicated): "600487.SH: 2 rows with high
        below low: 2024-01-02, 2024-01-05". ``what`` (translated by the caller) starts with
        a plural noun, made singular for one day in English."""
        ordered = tuple(sorted(set(days)))
        n = len(ordered)
        said = what
        if n == 1 and language() == "en":
            noun, rest = what.split(" ", 1)
            said = f"{noun.removesuffix('s')} {rest}"
        shown = ", ".join(d.isoformat() for d in ordered[: cls.SHOWN])
        if n > cls.SHOWN:
            shown = _("{days} and {n} more").format(days=shown, n=n - cls.SHOWN)
        message = _("{symbol}: {n} {what}: {days}").format(symbol=symbol, n=n, what=said, days=shown)
        return cls(symbol, kind, message, ordered[0] if n else None, ordered, what)

    def within(self, start: date | None, end: date | None) -> QualityIssue | None:
        """The finding restated for its days in [start, end] (either bound may be None);
        None when no day falls there. A finding not about days, or about rows left out,
        is kept as it is."""
        if not self.days or self.kind in self.LEFT_OUT:
            return self
        kept = [d for d in self.days if (start is None or d >= start) and (end is None or d <= end)]
        if not kept:
            return None
        if len(kept) == len(self.days):
            return self
        return QualityIssue.about_days(self.symbol, self.kind, kept, self.what)


@dataclass
class MarketData:
    """The result of a load: bars per symbol plus provenance and quality findings."""

    bars: dict[str, Bars]
    source: Source
    label: str  # e.g. "DEMO — synthetic prices", "cache (last refresh 2026-05-12)"
    missing: list[str] = field(default_factory=list)  # requested symbols with no data
    issues: list[QualityIssue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. calendar fallback notices
    # requested date ranges with no data (e.g. --offline and not cached), per symbol
    gaps: dict[str, list[tuple[date, date]]] = field(default_factory=dict)
    # why a symbol has no (fresh) data: "offline: not cached", "eastmoney: ...; sina: ..."
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def is_demo(self) -> bool:
        return self.source is Source.DEMO


@dataclass
class BoardInfo:
    """A concept/industry board: its constituents and (when the source has it) its index bars."""

    code: str  # e.g. "BK0715"
    name: str
    constituents: pd.DataFrame  # columns: symbol, name
    bars: Bars | None
    source: Source
    label: str = ""


VALUATION_COLUMNS: tuple[str, ...] = ("symbol", "pe_ttm", "pe_dynamic", "pb", "mcap", "float_mcap")


def empty_valuations() -> pd.DataFrame:
    """A valuation table with no rows: what a store returns when it has no snapshot."""
    return pd.DataFrame({c: pd.Series(dtype="str" if c == "symbol" else "float64") for c in VALUATION_COLUMNS})


class DataStore(Protocol):
    """What commands use to get data. Implementations: akshare (+cache), dir, demo."""

    source: Source

    def load(
        self, symbols: Sequence[str], start: date | None = None, end: date | None = None
    ) -> MarketData:
        """Daily bars for stocks and indices (normalised symbols, e.g. ``000300.SH``)."""
        ...

    def universe(self) -> pd.DataFrame:
        """The A-share universe: columns ``symbol, name, full_name`` (full_name may be NaN)."""
        ...

    def symbols(self) -> list[str]:
        """Every symbol this store can serve without the network."""
        ...

    def board(self, code: str, source: str = "em") -> BoardInfo:
        """A concept/industry board by code (``BK0715``); ``source`` is ``em`` or ``ths``."""
        ...

    def valuations(self, as_of: date | None = None) -> pd.DataFrame:
        """``VALUATION_COLUMNS`` per symbol; empty when unavailable (never invented)."""
        ...
