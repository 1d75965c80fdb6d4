"""A concept/industry board's constituents as a theme, with the board as benchmark."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from screener import clock
from screener.authoring.theme_ids import slugify
from screener.authoring.yaml_writer import dump
from screener.data.model import BoardInfo, Source
from screener.errors import SymbolError, UserError
from screener.i18n import _
from screener.symbols import BOARD_CODE, parse_symbol
from screener.theme.model import Theme

PUBLISHERS = {"em": "eastmoney 东方财富", "ths": "THS 同花顺"}


def is_board_code(text: str) -> bool:
    return bool(BOARD_CODE.fullmatch(text.strip().upper()))


def resolve_board(arg: str, known: dict[str, str]) -> tuple[str, str | None]:
    """(board code, its name if known) for a code or a name.

    Names are looked up in ``known`` (name → code: boards that known themes use as their
    benchmark, and the demo boards with ``--demo``): an exact name, else the one name
    that contains ``arg``. The data layer fetches boards by code only.
    """
    arg = arg.strip()
    if is_board_code(arg):
        code = arg.upper()
        return code, next((n for n, c in known.items() if c == code), None)
    if arg in known:
        return known[arg], arg
    hits = sorted(n for n in known if arg.lower() in n.lower())
    if len(hits) == 1:
        return known[hits[0]], hits[0]
    if hits:
        choices = ", ".join(f"{n} ({known[n]})" for n in hits)
        raise UserError(_(
            "board name {arg!r} is ambiguous: {choices}; pass the code"
        ).format(arg=arg, choices=choices))
    raise UserError(
        _(
            "unknown board name {arg!r}: pass the board's code instead (eastmoney BK0xxx, as in the "
            "board page's address quote.eastmoney.com/bk/90.BK0xxx.html)"
        ).format(arg=arg)
    )


def known_boards(themes: Iterable[Theme], demo: bool) -> dict[str, str]:
    """Board name → code from the known themes' board benchmarks (and the demo boards)."""
    known = {
        t.benchmark.name: t.benchmark.board
        for t in themes
        if t.benchmark and t.benchmark.board and t.benchmark.name
    }
    if demo:
        from screener.data.demo import catalog

        known.update({b.name: b.code for b in catalog().boards.values()})
    return known


def board_as_of(info: BoardInfo) -> date:
    """When the constituents were fetched; else the board's last bar (demo data has a
    fixed end); else today."""
    if info.bars is not None and info.bars.fetched_at is not None:
        return info.bars.fetched_at.date()
    if info.bars is not None and len(info.bars.frame):
        return info.bars.frame.index[-1].date()
    return clock.today()


def constituents(info: BoardInfo) -> tuple[list[tuple[str, str]], list[str]]:
    """The board's stocks as (normalised symbol, name), once each, indices left out; and
    notes on constituents whose code is not a valid symbol."""
    notes: list[str] = []
    stocks: dict[str, str] = {}
    for row in info.constituents.itertuples(index=False):
        try:
            symbol = parse_symbol(str(row.symbol))
        except SymbolError as exc:
            notes.append(_(
                "constituent {symbol} ({name}) left out: {exc}"
            ).format(symbol=row.symbol, name=row.name, exc=exc))
            continue
        if not symbol.is_index:
            stocks.setdefault(str(symbol), str(row.name))
    return list(stocks.items()), notes


def render_board_theme(
    info: BoardInfo,
    source: str,
    *,
    theme_id: str | None,
    name: str | None,
    board_name: str | None,
    as_of: date,
) -> tuple[str, list[str]]:
    """The theme YAML for a board, and notes on constituents that were left out.
    ``board_name`` is the board's name when known (the live store knows only its code)."""
    stocks, notes = constituents(info)
    members = [{"symbol": symbol, "name": member_name, "named_in_source": False} for symbol, member_name in stocks]
    code = info.code.upper()
    board_name = board_name or (info.name if info.name and info.name.upper() != code else None)
    label = f"{board_name} ({code})" if board_name else code
    publisher = PUBLISHERS[source]
    demo = info.source is Source.DEMO
    doc: dict[str, Any] = {}
    doc["id"] = theme_id or slugify(board_name or "", default=code.lower())
    doc["name"] = name or board_name or code
    doc["description"] = (
        ("DEMO — synthetic prices (data_source: demo). " if demo else "")
        + f"Constituents of the {publisher} board {label} as of {as_of.isoformat()}; "
        "the board itself is the benchmark."
    )
    doc["sources"] = [{"title": f"{label} constituents", "publisher": publisher, "date": as_of}]
    benchmark = {"board": code, "source": source}
    if board_name:
        benchmark["name"] = board_name
    doc["benchmark"] = benchmark
    doc["members"] = members
    doc["claims"] = []
    header = (
        f"# Imported by `screener themes import-board {code} --source {source}`: "
        f"{len(members)} constituents ({info.label or info.source.value}).\n"
        "# named_in_source is false: no article names them; mark the ones your story names.\n"
    )
    return header + dump(doc), notes
