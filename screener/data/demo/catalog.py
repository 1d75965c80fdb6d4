"""What the demo holds: its symbols (built-in themes' members and benchmarks, major
indices), each symbol's sector, and its boards (one per built-in theme, plus the
synthetic concept boards of :mod:`.concepts`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from screener.errors import ThemeError
from screener.symbols import INDICES

DEMO_BOARD_BASE = 9001

DEMO_INDICES: dict[str, str] = {code: names[0] for code, names in INDICES.items()}  # as a data source names them


@dataclass(frozen=True)
class DemoEntry:
    symbol: str
    name: str
    full_name: str | None
    sector: str | None = None  # the id of the theme whose sector factor the symbol loads on


@dataclass(frozen=True)
class DemoBoard:
    code: str
    name: str
    theme_id: str  # the theme it is (kind "theme") or mostly draws from (kind "concept")
    members: tuple[tuple[str, str], ...]  # (symbol, name)
    kind: str = "theme"  # "theme" | "concept"


@dataclass(frozen=True)
class DemoCatalog:
    entries: dict[str, DemoEntry]
    boards: dict[str, DemoBoard]


def _builtin_themes() -> list:
    from screener.theme.loader import load_theme
    from screener.theme.registry import builtin_themes_dir, theme_files

    themes = []
    for path in theme_files(builtin_themes_dir()):
        try:
            themes.append(load_theme(path))
        except ThemeError:
            continue  # a broken built-in theme is reported by `themes validate`, not here
    return sorted(themes, key=lambda t: t.id)


@lru_cache(maxsize=1)
def catalog() -> DemoCatalog:
    """The demo symbol set (theme members, theme benchmarks, major indices) and boards.

    A stock's sector is its first built-in theme in id order; an index that is a theme's
    benchmark (and not one of ``DEMO_INDICES``) follows that theme's sector too."""
    from screener.data.demo.concepts import concept_boards

    entries: dict[str, DemoEntry] = {s: DemoEntry(s, n, None) for s, n in DEMO_INDICES.items()}
    boards: dict[str, DemoBoard] = {}
    for i, theme in enumerate(_builtin_themes()):
        for m in theme.members:
            entries.setdefault(m.symbol, DemoEntry(m.symbol, m.name, m.full_name, theme.id))
        bench = theme.benchmark
        if bench is not None and bench.symbol:
            entries.setdefault(bench.symbol, DemoEntry(bench.symbol, bench.name or bench.symbol, None, theme.id))
        code = bench.board if bench is not None and bench.board else f"BK{DEMO_BOARD_BASE + i}"
        boards[code] = DemoBoard(code, theme.name, theme.id, tuple((m.symbol, m.name) for m in theme.members))
    entries = dict(sorted(entries.items()))
    for board in concept_boards(entries):
        boards.setdefault(board.code, board)
    return DemoCatalog(entries, boards)
