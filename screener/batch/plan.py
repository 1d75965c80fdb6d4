"""From cells to aligned panels: resolve each distinct panel, load every panel's data in
one store load, align each panel once.

A cell is a theme and settings. Cells whose settings agree on what shapes the panel
(:data:`PANEL_KEY`: the window, the members and the benchmark) share one aligned panel
and differ only in what the engine reads; a sweep over ``start`` (``rolling:``) has one
panel per start. The data of all panels is loaded once, over the union of their
symbols and windows (:class:`SharedLoad`), and each panel sees exactly the slice a
backtest of its own would have loaded — so a cell's figures are those of
``screener backtest`` with the same settings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from screener.backtest import run as stages
from screener.backtest.settings import BacktestSettings
from screener.data import frames
from screener.data.model import Bars, BoardInfo, DataStore, MarketData
from screener.errors import DataError, UserError
from screener.i18n import _
from screener.theme.model import Theme

# settings that need a panel of their own (the benchmark is measured from the loaded data)
PANEL_KEY = stages.PANEL_FIELDS

Note = Callable[[str], None]


@dataclass(frozen=True)
class Cell:
    """One backtest of a batch: ``index`` is its place in the grid (or the targets)."""

    index: int
    theme: Theme
    settings: BacktestSettings
    params: dict[str, Any]


@dataclass
class Panel:
    """Cells that share one aligned panel, and that panel (None when it failed)."""

    request: stages.Request
    cells: list[Cell]
    aligned: stages.Aligned | None = None
    error: UserError | None = None
    claims: list[dict[str, Any]] = field(default_factory=list)


def panel_key(cell: Cell) -> tuple[Any, ...]:
    return (id(cell.theme), *(getattr(cell.settings, f) for f in PANEL_KEY))


def resolve(cells: Sequence[Cell], today: date) -> list[Panel]:
    """One :class:`Panel` per distinct theme and panel key, in the order first met.
    A user error (a window before the calendar, ``members: named`` without named
    members) is raised naming the cell."""
    panels: dict[tuple[Any, ...], Panel] = {}
    for cell in cells:
        key = panel_key(cell)
        if key not in panels:
            try:
                request = stages.resolve(cell.theme, cell.settings, today)
            except UserError as exc:
                raise type(exc)(f"{describe(cell)}: {exc}") from None
            panels[key] = Panel(request, [])
        panels[key].cells.append(cell)
    return list(panels.values())


def describe(cell: Cell) -> str:
    """How messages name a cell: its theme and the values that vary."""
    from screener.batch.output import value_text

    values = ", ".join(f"{k}={value_text(k, v)}" for k, v in cell.params.items() if k != "theme")
    return f"{cell.theme.id}" + (f" ({values})" if values else "")


class SharedLoad:
    """What :func:`stages.load` asks of a store (``load``, ``board``), served from one
    load of the union of all requests (symbols and dates): each request gets its slice,
    and each board is fetched once. Only this object talks to the real store."""

    def __init__(self, store: DataStore, requests: Sequence[stages.Request]):
        self.store = store
        symbols = list(dict.fromkeys(s for r in requests for s in r.symbols))
        start = min(r.load_start for r in requests)
        ends = [r.load_end for r in requests]
        end = None if any(e is None for e in ends) else max(e for e in ends if e is not None)
        self.union: MarketData = store.load(symbols, start=start, end=end)
        self.source = self.union.source
        self._boards: dict[tuple[str, str], BoardInfo | UserError] = {}

    def load(self, symbols: Sequence[str], start: date | None = None, end: date | None = None) -> MarketData:
        md = self.union
        wanted = set(symbols)
        bars = {}
        for s in symbols:
            if s in md.bars:
                b = md.bars[s]
                bars[s] = Bars(b.symbol, frames.clip(b.frame, start, end), b.source, b.origin, b.fetched_at, b.name)
        return MarketData(
            bars=bars,
            source=md.source,
            label=md.label,
            missing=[s for s in md.missing if s in wanted],
            issues=[i for i in md.issues if i.symbol in wanted],
            notes=list(md.notes),
            gaps={s: g for s, g in md.gaps.items() if s in wanted},
            errors={s: e for s, e in md.errors.items() if s in wanted},
        )

    def board(self, code: str, source: str = "em") -> BoardInfo:
        key = (code, source)
        if key not in self._boards:
            try:
                self._boards[key] = self.store.board(code, source=source)
            except UserError as exc:
                self._boards[key] = exc
        got = self._boards[key]
        if isinstance(got, UserError):
            raise got
        return got



def align(panels: Sequence[Panel], store: DataStore, *, skip_failed: bool = False,
          note: Note = lambda _t: None) -> MarketData:
    """Load the data of every panel in one store load and align each panel; claims are
    checked once per theme. A panel without data is an error naming its cell, or with
    ``skip_failed`` a note (its cells are left out). Returns the union load."""
    from screener.backtest.claims import check_claims

    shared = SharedLoad(store, [p.request for p in panels])
    claims: dict[int, list[dict[str, Any]]] = {}
    for panel in panels:
        try:
            loaded = stages.load(panel.request, shared)
            panel.aligned = stages.align(loaded)
        except DataError as exc:
            if not skip_failed:
                raise DataError(f"{describe(panel.cells[0])}: {exc}") from None
            panel.error = exc
            note(_("{cells} left out: {exc}").format(cells=describe(panel.cells[0]), exc=exc))
            continue
        theme = panel.request.theme
        if id(theme) not in claims:
            claims[id(theme)] = check_claims(theme, loaded.frames)
        panel.claims = claims[id(theme)]
    return shared.union
