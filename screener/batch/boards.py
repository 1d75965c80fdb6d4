"""The boards ``screener scan boards`` ranks: every board the store lists (the demo's
boards, or the boards in the cache), each as an equal-weight theme of its stocks."""

from __future__ import annotations

from collections.abc import Callable

from screener.data.model import BoardInfo, DataStore
from screener.errors import DataError, UserError
from screener.i18n import _
from screener.theme.model import Theme

Note = Callable[[str], None]


def listed(store: DataStore, source: str) -> list[tuple[str, str]]:
    """(code, name) of every board ``store`` lists; an error when it lists none."""
    lister = getattr(store, "boards", None)  # optional in the DataStore protocol
    if lister is None:
        raise UserError(
            _(
                "scan boards: this data source cannot list boards: use --demo, or the cache (boards "
                "fetched with `screener data fetch BKxxxx`)"
            )
        )
    table = lister()
    if source != "em" and len(table):
        raise UserError(_(
            "--source {source}: the boards listed here are eastmoney boards (--source em)"
        ).format(source=source))
    if not len(table):
        raise DataError(_(
            "scan boards: no board in the cache; fetch some first (`screener data fetch BK0715 ...`), or use --demo"
        ))
    return [(str(r.code), str(r.name)) for r in table.itertuples(index=False)]


def themes(store: DataStore, source: str, note: Note) -> list[tuple[str, Theme]]:
    """(board code, theme) for every listed board with at least one stock; a board that
    cannot be read is left out with a note."""
    out = []
    for code, name in listed(store, source):
        try:
            info = store.board(code, source=source)
        except UserError as exc:
            note(_("board {code} left out: {exc}").format(code=code, exc=exc))
            continue
        theme = board_theme(info, name, note)
        if theme is not None:
            out.append((code, theme))
    return out


def board_theme(info: BoardInfo, name: str, note: Note) -> Theme | None:
    """The board's stocks as an equal-weight theme (id: the code in lower case); no
    benchmark of its own, so every board is measured against the same one."""
    from screener.authoring.board import constituents

    stocks, problems = constituents(info)
    for problem in problems:
        note(_("board {code}: {problem}").format(code=info.code, problem=problem))
    if not stocks:
        note(_("board {code} left out: no stock among its constituents").format(code=info.code))
        return None
    return Theme.model_validate({
        "id": info.code.lower(),
        "name": name if name and name != info.code else info.name or info.code,
        "members": [{"symbol": s, "name": n} for s, n in stocks],
    })
