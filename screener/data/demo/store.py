"""The demo store: serves the demo symbols and boards, labelled DEMO, loading only the
symbols asked for."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from screener.data import frames, quality
from screener.data.demo.bars import demo_bars
from screener.data.demo.catalog import DemoBoard, catalog
from screener.data.model import (
    BAR_COLUMNS,
    DEMO_LABEL,
    Bars,
    BoardInfo,
    MarketData,
    Source,
    empty_valuations,
)
from screener.errors import DataError
from screener.i18n import _
from screener.symbols import normalize

BOARD_BASE_LEVEL = 1000.0


class DemoStore:
    """Synthetic, labelled data for the demo symbol set (see :mod:`screener.data.demo`)."""

    source = Source.DEMO
    label = DEMO_LABEL

    def symbols(self) -> list[str]:
        return list(catalog().entries)

    def load(self, symbols: Sequence[str], start: date | None = None, end: date | None = None) -> MarketData:
        wanted = list(dict.fromkeys(normalize(s) for s in symbols))
        known = catalog().entries
        missing = [s for s in wanted if s not in known]
        bars = {
            s: Bars(s, frames.clip(demo_bars(s), start, end).copy(), Source.DEMO, "demo", None, known[s].name)
            for s in wanted
            if s in known
        }
        issues, notes = quality.check({s: b.frame for s, b in bars.items()}, start, end)
        if missing:
            notes.append(
                _(
                    "not in the demo data set: {missing} (the demo covers the built-in themes and major "
                    "indices; see `screener data status --demo`)"
                ).format(missing=', '.join(missing))
            )
        errors = {s: _("not in the demo data set") for s in missing}
        return MarketData(bars, Source.DEMO, DEMO_LABEL, missing, issues, notes, errors=errors)

    def universe(self) -> pd.DataFrame:
        entries = catalog().entries.values()
        return pd.DataFrame({
            "symbol": [e.symbol for e in entries],
            "name": [e.name for e in entries],
            "full_name": [e.full_name for e in entries],
        })

    def boards(self) -> pd.DataFrame:
        """Every demo board: ``code, name, kind`` (``theme`` for a built-in theme's board,
        ``concept`` for a synthetic concept board), ``sector`` (the theme it is or mostly
        draws from) and ``members`` (how many), in code order."""
        boards = sorted(catalog().boards.values(), key=lambda b: b.code)
        return pd.DataFrame({
            "code": [b.code for b in boards],
            "name": [b.name for b in boards],
            "kind": [b.kind for b in boards],
            "sector": [b.theme_id for b in boards],
            "members": [len(b.members) for b in boards],
        })

    def board(self, code: str, source: str = "em") -> BoardInfo:
        boards = catalog().boards
        board = boards.get(code.strip().upper())
        if board is None:
            raise DataError(_(
                "board {code!r} is not in the demo data; demo boards: {boards}"
            ).format(code=code, boards=_board_list(boards)))
        members = pd.DataFrame({"symbol": [m[0] for m in board.members], "name": [m[1] for m in board.members]})
        bars = Bars(board.code, _board_frame(board), Source.DEMO, "demo", None, board.name)
        return BoardInfo(board.code, board.name, members, bars, Source.DEMO, DEMO_LABEL)

    def valuations(self, as_of: date | None = None) -> pd.DataFrame:
        return empty_valuations()


def _board_list(boards: dict[str, DemoBoard]) -> str:
    """The theme boards by name and the concept boards as a code range."""
    themes = [f"{b.code} ({b.theme_id})" for b in boards.values() if b.kind == "theme"]
    concepts = sorted(b.code for b in boards.values() if b.kind == "concept")
    if concepts:
        themes.append(f"concept boards {concepts[0]}–{concepts[-1]}")
    return ", ".join(themes)


def _board_frame(board: DemoBoard) -> pd.DataFrame:
    """An equal-weight index (base 1000) of the members' hfq daily returns; volume and
    amount are the members' sums."""
    member_bars = {s: demo_bars(s) for s, _ in board.members}
    rets = pd.concat(
        {s: (f["close"] * f["adj_factor"]).pct_change() for s, f in member_bars.items()}, axis=1, sort=True
    )
    level = (1 + rets.mean(axis=1, skipna=True).fillna(0.0)).cumprod() * BOARD_BASE_LEVEL
    values = np.full((len(level), len(BAR_COLUMNS)), np.nan)
    values[:, 0] = values[:, 1] = values[:, 2] = values[:, 3] = level.round(2).to_numpy()
    values[:, 6] = 1.0
    for col, at in (("volume", 4), ("amount", 5)):
        values[:, at] = sum(f[col].reindex(level.index).fillna(0.0) for f in member_bars.values()).to_numpy()
    return frames.from_arrays(level.index, values)
