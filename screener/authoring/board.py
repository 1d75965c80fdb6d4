"""A concept/industry board's constituents as a theme, with the board as benchmark."""

from __future__ import annotations

import re
from datetime import date

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from screener.authoring.draft import dump, slugify
from screener.data.model import BoardInfo, Source
from screener.errors import SymbolError
from screener.symbols import parse_symbol

PUBLISHERS = {"em": "eastmoney 东方财富", "ths": "THS 同花顺"}
BOARD_CODE = re.compile(r"^(?:BK\d{4}|\d{6})$", re.IGNORECASE)


def is_board_code(text: str) -> bool:
    return bool(BOARD_CODE.match(text.strip()))


def board_as_of(info: BoardInfo) -> date:
    """When the constituents were fetched (today when the store does not say)."""
    if info.bars is not None and info.bars.fetched_at is not None:
        return info.bars.fetched_at.date()
    return date.today()


def render_board_theme(
    info: BoardInfo, source: str, *, theme_id: str | None, name: str | None, as_of: date
) -> tuple[str, list[str]]:
    """The theme YAML for a board, and notes on constituents that were left out."""
    notes: list[str] = []
    members = CommentedSeq()
    seen: set[str] = set()
    for row in info.constituents.itertuples(index=False):
        try:
            symbol = parse_symbol(str(row.symbol))
        except SymbolError as exc:
            notes.append(f"constituent {row.symbol} ({row.name}) left out: {exc}")
            continue
        if symbol.is_index or str(symbol) in seen:
            continue
        seen.add(str(symbol))
        m = CommentedMap()
        m["symbol"] = str(symbol)
        m["name"] = str(row.name)
        m["named_in_source"] = False
        members.append(m)
    code = info.code.upper()
    publisher = PUBLISHERS[source]
    demo = info.source is Source.DEMO
    doc = CommentedMap()
    doc["id"] = theme_id or slugify(info.name, default=code.lower())
    doc["name"] = name or info.name
    doc["description"] = (
        ("DEMO — synthetic board (data_source: demo). " if demo else "")
        + f"Constituents of the {publisher} board {info.name} ({code}) as of {as_of.isoformat()}; "
        "the board itself is the benchmark."
    )
    doc["sources"] = [
        {"title": f"{info.name} ({code}) constituents", "publisher": publisher, "date": as_of}
    ]
    doc["benchmark"] = {"board": code, "source": source, "name": info.name}
    doc["members"] = members
    doc["claims"] = CommentedSeq()
    header = (
        f"# Imported by `screener themes import-board {code} --source {source}`: "
        f"{len(members)} constituents ({info.label or info.source.value}).\n"
        "# named_in_source is false: no article names them; mark the ones your story names.\n"
    )
    return header + dump(doc), notes
