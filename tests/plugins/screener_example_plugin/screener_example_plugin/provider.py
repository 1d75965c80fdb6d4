"""A data provider plugin (entry point ``screener.providers``): deterministic synthetic
daily bars for the plugin theme's members, CSI 300 and one board.

The entry point names :func:`open_store`, which takes :class:`screener.data.DataOptions`
and returns an object with the :class:`screener.data.DataStore` methods: ``load``,
``universe``, ``symbols``, ``board`` and ``valuations``. Its data is synthetic, so it
is labelled as demo data.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from screener.calendar import sessions
from screener.data import (
    BAR_COLUMNS,
    DEMO_LABEL,
    VALUATION_COLUMNS,
    Bars,
    BoardInfo,
    DataOptions,
    MarketData,
    Source,
)
from screener.errors import DataError
from screener.limits import limit_prices
from screener.symbols import normalize, parse_symbol

START, END = date(2024, 1, 2), date(2026, 5, 29)  # a fixed span: never "today"
NAMES = {
    "600406.SH": "国电南瑞",
    "000400.SZ": "许继电气",
    "600312.SH": "平高电气",
    "300274.SZ": "阳光电源",
    "000300.SH": "沪深300",
}
BOARD = ("BK9901", "示例电网板块 Example grid board")
LABEL = f"{DEMO_LABEL} (example plugin)"


def _bars(symbol: str) -> pd.DataFrame:
    """A random walk seeded by the symbol, kept inside the board's daily price limits."""
    days = sessions(START, END)
    rng = np.random.default_rng(zlib.crc32(symbol.encode()))
    band = parse_symbol(symbol).limit_band() or 0.1
    closes, prev = [], 10.0 + rng.random() * 40
    for r in rng.normal(0.0004, 0.02, len(days)):
        lower, upper = limit_prices(prev, band)
        prev = min(max(round(prev * (1 + r), 2), lower), upper)
        closes.append(prev)
    close = np.array(closes)
    opens = np.concatenate([[close[0]], close[:-1]])
    volume = rng.integers(1_000_000, 5_000_000, len(days)).astype(float)
    frame = pd.DataFrame(
        {
            "open": opens,
            "high": np.maximum(opens, close),
            "low": np.minimum(opens, close),
            "close": close,
            "volume": volume,
            "amount": volume * close,
            "adj_factor": 1.0,
            "turnover": np.nan,
        },
        index=days,
    )
    return frame[list(BAR_COLUMNS)].astype("float64")


class ExampleStore:
    """The example provider's store."""

    source = Source.DEMO
    label = LABEL

    def __init__(self, options: DataOptions):
        self.options = options

    def symbols(self) -> list[str]:
        return list(NAMES)

    def load(self, symbols: Sequence[str], start: date | None = None, end: date | None = None) -> MarketData:
        bars, missing = {}, []
        for s in dict.fromkeys(normalize(x) for x in symbols):
            if s not in NAMES:
                missing.append(s)
                continue
            frame = _bars(s)
            frame = frame.loc[pd.Timestamp(start or START) : pd.Timestamp(end or END)]
            bars[s] = Bars(s, frame, Source.DEMO, "example-plugin", None, NAMES[s])
        errors = {s: "not in the example provider's data" for s in missing}
        return MarketData(bars, Source.DEMO, LABEL, missing, errors=errors)

    def universe(self) -> pd.DataFrame:
        stocks = [s for s in NAMES if not parse_symbol(s).is_index]
        return pd.DataFrame({"symbol": stocks, "name": [NAMES[s] for s in stocks], "full_name": [None] * len(stocks)})

    def board(self, code: str, source: str = "em") -> BoardInfo:
        if code.strip().upper() != BOARD[0]:
            raise DataError(f"board {code!r} is not in the example provider's data; it has {BOARD[0]}")
        members = self.universe()[["symbol", "name"]]
        level = sum(_bars(s)["close"] for s in members["symbol"]) / len(members)
        frame = _bars(members["symbol"].iloc[0]).assign(open=level, high=level, low=level, close=level)
        bars = Bars(BOARD[0], frame, Source.DEMO, "example-plugin", None, BOARD[1])
        return BoardInfo(BOARD[0], BOARD[1], members, bars, Source.DEMO, LABEL)

    def valuations(self, as_of: date | None = None) -> pd.DataFrame:
        return pd.DataFrame({c: pd.Series(dtype="str" if c == "symbol" else "float64") for c in VALUATION_COLUMNS})


def open_store(options: DataOptions) -> ExampleStore:
    """The ``screener.providers`` entry point: DataOptions → a DataStore."""
    return ExampleStore(options)
