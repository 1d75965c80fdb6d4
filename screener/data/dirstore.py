"""Bring-your-own data: ``DIR/<SYMBOL>.csv`` or ``DIR/<SYMBOL>.parquet``.

Columns ``date, open, high, low, close, volume`` and optional ``amount``, ``adj_factor``
and ``turnover`` (see ``model.py`` for units). Prices are raw unless ``adj_factor`` is
given (then adj_factor = hfq / raw); missing sessions are suspensions, not errors.
File stems may be any symbol form (``600487.SH``, ``sh600487``); files whose stem is not
a symbol are ignored and named in the load notes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from screener import clock
from screener._input import read_input
from screener.data import frames, quality
from screener.data.model import BAR_COLUMNS, Bars, BoardInfo, MarketData, QualityIssue, Source, empty_valuations
from screener.errors import DataError, SymbolError, UserError, excerpt
from screener.i18n import _
from screener.symbols import normalize

SUFFIXES = (".csv", ".parquet")
_WANTED = frozenset({"date", *BAR_COLUMNS})  # the columns read from a CSV; the rest are skipped


def _csv_header(raw: bytes, origin: str) -> list[str]:
    """The column names on a CSV's first line, read without parsing the rows; DataError
    when the line cannot be a header (a field longer than csv reads, e.g. 5 MB of text)."""
    lines = raw[:1_000_000].decode("utf-8-sig", errors="replace").splitlines() or [""]
    try:
        return next(csv.reader([lines[0]]), [])
    except csv.Error as exc:
        raise DataError(_(
            "{origin}: the first line is not a CSV header ({reason}); it must name the columns, "
            "e.g. date,open,high,low,close,volume"
        ).format(origin=origin, reason=exc)) from None


class DirStore:
    """Bars from a folder of per-symbol CSV/Parquet files (``Source.DIR``)."""

    source = Source.DIR

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise UserError(_("--data-dir {folder} is not a folder").format(folder=self.folder))
        self.label = _("local files in {folder}").format(folder=self.folder)
        self._files: dict[str, Path] | None = None
        self.ignored: list[str] = []
        self.ambiguous: dict[str, list[str]] = {}  # symbol -> its file names, when more than one

    def files(self) -> dict[str, Path]:
        """symbol → file, for symbols with exactly one file; a symbol with two files
        (``600487.SH.csv`` and ``sh600487.parquet``) is left out and kept in ``ambiguous``."""
        if self._files is None:
            found: dict[str, list[Path]] = {}
            for path in sorted(self.folder.iterdir()):
                if path.suffix.lower() not in SUFFIXES or path.is_dir():  # a FIFO is read (and refused)
                    continue
                try:
                    symbol = normalize(path.stem)
                except SymbolError:
                    self.ignored.append(path.name)
                    continue
                found.setdefault(symbol, []).append(path)
            self.ambiguous = {s: [p.name for p in paths] for s, paths in found.items() if len(paths) > 1}
            self._files = {s: paths[0] for s, paths in found.items() if len(paths) == 1}
        return self._files

    def symbols(self) -> list[str]:
        """Every symbol with a file (ambiguous ones too, so that loading them says why not)."""
        return sorted([*self.files(), *self.ambiguous])

    def read(self, symbol: str) -> pd.DataFrame:
        """One symbol's full bar frame, validated (DataError names the file and column).
        The file must be a regular file within the input size cap; a CSV's header is
        checked before its rows are parsed."""
        path = self.files()[symbol]
        raw = read_input(path)
        try:
            if path.suffix.lower() == ".parquet":
                table = pd.read_parquet(io.BytesIO(raw))
            else:
                frames.require_columns(_csv_header(raw, str(path)), str(path))
                table = pd.read_csv(io.BytesIO(raw), usecols=lambda c: str(c).strip().lower() in _WANTED)
        except (OSError, ValueError) as exc:
            raise DataError(_("cannot read {path}: {excerpt}").format(path=path, excerpt=excerpt(str(exc), 200))) from None
        return frames.to_bar_frame(table, str(path))

    def _ambiguity(self, symbol: str) -> str:
        return _(
            "two files for {symbol} in {folder}: {ambiguous}; keep one"
        ).format(symbol=symbol, folder=self.folder, ambiguous=' and '.join(self.ambiguous[symbol]))

    def load(self, symbols: Sequence[str], start: date | None = None, end: date | None = None) -> MarketData:
        wanted = list(dict.fromkeys(normalize(s) for s in symbols))
        files = self.files()
        missing = [s for s in wanted if s not in files]
        today = clock.today()
        bars: dict[str, Bars] = {}
        excluded: list[QualityIssue] = []
        for s in wanted:
            if s in files:
                frame, found = quality.exclude_unusable(s, self.read(s), today)
                bars[s] = Bars(s, frames.clip(frame, start, end), Source.DIR, str(files[s]))
                excluded += found
        issues, notes = quality.check({s: b.frame for s, b in bars.items()}, start, end)
        absent = [s for s in missing if s not in self.ambiguous]
        if absent:
            notes.append(
                _(
                    "no file in {folder} for {absent} (expected e.g. {absent2}.csv or {absent2}.parquet)"
                ).format(folder=self.folder, absent=', '.join(absent), absent2=absent[0])
            )
        notes += [self._ambiguity(s) for s in missing if s in self.ambiguous]
        if self.ignored:
            notes.append(_(
                "ignored files whose name is not a symbol: {ignored}"
            ).format(ignored=', '.join(self.ignored)))
        errors = {s: self._ambiguity(s) if s in self.ambiguous else _(
            "no file {s}.csv or {s}.parquet in {folder}"
        ).format(s=s, folder=self.folder)
                  for s in missing}
        return MarketData(bars, Source.DIR, self.label, missing, excluded + issues, notes, errors=errors)

    def universe(self) -> pd.DataFrame:
        symbols = self.symbols()
        return pd.DataFrame({"symbol": symbols, "name": [None] * len(symbols), "full_name": [None] * len(symbols)})

    def board(self, code: str, source: str = "em") -> BoardInfo:
        raise DataError(
            _(
                "board {code} is not available from --data-dir {folder}: boards need live data or the "
                "cache (drop --data-dir), or use --demo"
            ).format(code=code, folder=self.folder)
        )

    def valuations(self, as_of: date | None = None) -> pd.DataFrame:
        return empty_valuations()
