"""Bring-your-own data: ``DIR/<SYMBOL>.csv`` or ``DIR/<SYMBOL>.parquet``.

Columns ``date, open, high, low, close, volume`` and optional ``amount``, ``adj_factor``
and ``turnover`` (see ``model.py`` for units). Prices are raw unless ``adj_factor`` is
given (then adj_factor = hfq / raw); missing sessions are suspensions, not errors.
File stems may be any symbol form (``600487.SH``, ``sh600487``); files whose stem is not
a symbol are ignored and named in the load notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from screener.data import frames, quality
from screener.data.model import Bars, BoardInfo, MarketData, Source, empty_valuations
from screener.errors import DataError, SymbolError, UserError
from screener.symbols import normalize

SUFFIXES = (".csv", ".parquet")


class DirStore:
    """Bars from a folder of per-symbol CSV/Parquet files (``Source.DIR``)."""

    source = Source.DIR

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise UserError(f"--data-dir {self.folder} is not a folder")
        self.label = f"local files in {self.folder}"
        self._files: dict[str, Path] | None = None
        self.ignored: list[str] = []

    def files(self) -> dict[str, Path]:
        """symbol → file. Two files for one symbol is an error naming both."""
        if self._files is None:
            found: dict[str, Path] = {}
            for path in sorted(self.folder.iterdir()):
                if path.suffix.lower() not in SUFFIXES or not path.is_file():
                    continue
                try:
                    symbol = normalize(path.stem)
                except SymbolError:
                    self.ignored.append(path.name)
                    continue
                if symbol in found:
                    raise DataError(
                        f"two files for {symbol} in {self.folder}: {found[symbol].name} and "
                        f"{path.name}; keep one"
                    )
                found[symbol] = path
            self._files = found
        return self._files

    def symbols(self) -> list[str]:
        return sorted(self.files())

    def read(self, symbol: str) -> pd.DataFrame:
        """One symbol's full bar frame, validated (DataError names the file and column)."""
        path = self.files()[symbol]
        try:
            raw = pd.read_parquet(path) if path.suffix.lower() == ".parquet" else pd.read_csv(path)
        except (OSError, ValueError) as exc:
            raise DataError(f"cannot read {path}: {exc}") from None
        return frames.to_bar_frame(raw, str(path))

    def load(self, symbols: Sequence[str], start: date | None = None, end: date | None = None) -> MarketData:
        wanted = list(dict.fromkeys(normalize(s) for s in symbols))
        files = self.files()
        missing = [s for s in wanted if s not in files]
        bars = {
            s: Bars(s, frames.clip(self.read(s), start, end), Source.DIR, str(files[s]))
            for s in wanted
            if s in files
        }
        issues, notes = quality.check({s: b.frame for s, b in bars.items()}, start, end)
        if missing:
            notes.append(
                f"no file in {self.folder} for {', '.join(missing)} "
                f"(expected e.g. {missing[0]}.csv or {missing[0]}.parquet)"
            )
        if self.ignored:
            notes.append(f"ignored files whose name is not a symbol: {', '.join(self.ignored)}")
        errors = {s: f"no file {s}.csv or {s}.parquet in {self.folder}" for s in missing}
        return MarketData(bars, Source.DIR, self.label, missing, issues, notes, errors=errors)

    def universe(self) -> pd.DataFrame:
        symbols = self.symbols()
        return pd.DataFrame({"symbol": symbols, "name": [None] * len(symbols), "full_name": [None] * len(symbols)})

    def board(self, code: str, source: str = "em") -> BoardInfo:
        raise DataError(
            f"board {code} is not available from --data-dir {self.folder}: boards need live "
            "data or the cache (drop --data-dir), or use --demo"
        )

    def valuations(self, as_of: date | None = None) -> pd.DataFrame:
        return empty_valuations()
