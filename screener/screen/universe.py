"""What to screen: a theme's members, an exchange board, a concept/industry board, or
every symbol the store holds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from screener.errors import SymbolError, UserError
from screener.i18n import _
from screener.symbols import BOARD_LABELS, Board, parse_symbol

DEFAULT_BENCHMARK = "000300.SH"
EXCHANGE_BOARDS: dict[str, Board] = {
    "main": Board.MAIN,
    "star": Board.STAR,
    "chinext": Board.CHINEXT,
    "bse": Board.BSE,
}


@dataclass(frozen=True)
class BenchmarkSpec:
    """An index symbol, or a concept/industry board whose index bars stand in."""

    symbol: str | None = None
    board: str | None = None
    source: str = "em"

    @property
    def label(self) -> str:
        return self.symbol or f"{self.board} ({self.source})"


@dataclass
class Universe:
    """The symbols to screen, in display order, with their names when known."""

    kind: str  # "theme" | "board" | "exchange_board" | "all"
    id: str
    name: str
    symbols: list[str]
    names: dict[str, str] = field(default_factory=dict)
    benchmark: BenchmarkSpec = field(default_factory=lambda: BenchmarkSpec(DEFAULT_BENCHMARK))

    def describe(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "name": self.name, "size": len(self.symbols)}


def _stocks(symbols: Sequence[str]) -> list[str]:
    """The stocks among ``symbols`` (indices and unparseable codes dropped), in order."""
    out = []
    for s in symbols:
        try:
            sym = parse_symbol(s)
        except SymbolError:
            continue
        if not sym.is_index:
            out.append(str(sym))
    return list(dict.fromkeys(out))


def theme_universe(name: str, themes_dirs: Sequence[Path] = ()) -> Universe:
    """A theme (id or YAML path): its members and its benchmark."""
    from screener.theme.registry import ThemeRegistry

    theme = ThemeRegistry.default(themes_dirs).load(name)
    bench = theme.benchmark
    if bench is None:
        spec = BenchmarkSpec(DEFAULT_BENCHMARK)
    elif bench.symbol:
        spec = BenchmarkSpec(bench.symbol)
    else:
        spec = BenchmarkSpec(board=bench.board, source=bench.source or "em")
    return Universe(
        "theme", theme.id, theme.name, theme.symbols, {m.symbol: m.name for m in theme.members}, spec
    )


def board_universe(store: Any, name: str, source: str = "em") -> Universe:
    """``main|star|chinext|bse``: the store's symbols on that exchange board (what it can
    serve offline: cache contents, --data-dir files, the demo set); anything else is a
    concept/industry board code (``BK0715``) whose constituents the data layer lists."""
    key = name.strip().lower()
    if key in EXCHANGE_BOARDS:
        board = EXCHANGE_BOARDS[key]
        symbols = [s for s in _stocks(store.symbols()) if parse_symbol(s).board is board]
        if not symbols:
            folder = getattr(store, "folder", None) if store.source.value == "dir" else None
            if folder is not None:
                raise UserError(_(
                    "no {board} stock files in {folder}: add DIR/<SYMBOL>.csv or .parquet files"
                ).format(board=_(BOARD_LABELS[board]), folder=folder))
            raise UserError(
                _(
                    "no {board} symbols in the {value} data: fetch some first (`screener data "
                    "fetch SYMBOL...`), or use --demo or --data-dir"
                ).format(board=_(BOARD_LABELS[board]), value=store.source.value)
            )
        return Universe("exchange_board", key, BOARD_LABELS[board], symbols)
    info = store.board(name.strip().upper(), source=source)
    constituents = info.constituents
    symbols = _stocks(list(constituents["symbol"]))
    if not symbols:
        raise UserError(_("board {code} ({name}) lists no stock constituents").format(code=info.code, name=info.name))
    names = {str(s): str(n) for s, n in zip(constituents["symbol"], constituents["name"]) if isinstance(n, str)}
    return Universe("board", info.code, info.name, symbols, names)


def all_universe(store: Any) -> Universe:
    """Every stock the store can serve without the network."""
    symbols = _stocks(store.symbols())
    folder = getattr(store, "folder", None) if store.source.value == "dir" else None
    if not symbols and folder is not None:
        raise UserError(
            _(
                "no stock files in {folder} (only indices or none): add DIR/<SYMBOL>.csv or .parquet "
                "files, e.g. 600487.SH.csv"
            ).format(folder=folder)
        )
    if not symbols:
        raise UserError(
            _(
                "the {value} data holds no stocks: fetch some first (`screener data fetch THEME`), or "
                "use --demo or --data-dir"
            ).format(value=store.source.value)
        )
    return Universe("all", "all", _("every stock in the {source} data").format(source=store.source.value), symbols)
