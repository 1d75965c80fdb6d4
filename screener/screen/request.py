"""What to screen, from options: the one path shared by ``screener screen`` and
:func:`screener.screen` (checks the options, opens the store, builds the universe, runs
the screen)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path

from screener.data.model import DataOptions
from screener.errors import Spell, UserError, cli_flag
from screener.i18n import _
from screener.screen.run import ScreenResult

Note = Callable[[str], None]


def flag(name: str) -> str:
    """How ``screener screen`` names an option: ``THEME`` for the target, else ``--board``..."""
    return "THEME" if name == "target" else cli_flag(name)


def fields(value: str | Sequence[str] | None) -> list[str]:
    """``"ret_20d, vol_20d"`` or ``["ret_20d", "vol_20d"]`` as a list of lower-case names."""
    items = value.split(",") if isinstance(value, str) else list(value or [])
    return [p.strip().lower() for p in items if p.strip()]


def check_fields(names: Iterable[str], option: str) -> None:
    """Raise :class:`UserError` for the first name that is not a factor."""
    from screener.screen.expr import unknown_field
    from screener.screen.factors import FACTOR_NAMES

    for name in names:
        if name not in FACTOR_NAMES:
            raise UserError(_("{option}: {problem}; valid fields: {fields}").format(
                option=option, problem=unknown_field(name, FACTOR_NAMES), fields=", ".join(FACTOR_NAMES)))


def run(
    target: str | None = None,
    *,
    board: str | None = None,
    board_source: str = "em",
    universe: str | None = None,
    as_of: date | None = None,
    where: str | None = None,
    sort: str | Sequence[str] | None = None,
    descending: bool = True,
    top: int | None = None,
    benchmark: str | None = None,
    themes_dirs: Sequence[Path] = (),
    data: DataOptions = DataOptions(),
    note: Note = lambda _text: None,
    spell: Spell = flag,
) -> ScreenResult:
    """Screen a theme (id or path), a ``board`` or ``universe="all"``; see README "Screens".
    ``note`` hears what was changed on the user's behalf (broad screens read the cache);
    errors name options as ``spell`` does (the command's ``--sort``, the API's ``sort``)."""
    from screener.data import open_store
    from screener.screen.expr import parse_where
    from screener.screen.factors import FACTOR_BY_NAME, FACTOR_NAMES
    from screener.screen.run import screen
    from screener.screen.universe import EXCHANGE_BOARDS, BenchmarkSpec, all_universe, board_universe, theme_universe
    from screener.symbols import normalize

    _check_one_target(target, board, universe, spell)
    flags = [f.name for f in FACTOR_BY_NAME.values() if f.kind == "flag"]
    parsed = parse_where(where, FACTOR_NAMES, flags, spell("where")) if where is not None else None
    sort_fields = fields(sort)
    check_fields(sort_fields, spell("sort"))
    bench = BenchmarkSpec(normalize(benchmark)) if benchmark else None

    broad = bool(universe) or (board or "").strip().lower() in EXCHANGE_BOARDS
    live = not (data.demo or data.offline or data.data_dir or data.provider)
    if broad and live:
        # Refreshing thousands of symbols one request at a time is `screener data fetch`'s job.
        data = dataclasses.replace(data, offline=True)
        note(_("--universe all and exchange boards read the cache as it is (refresh it with `screener data fetch`)"))
    store = open_store(data)
    if target:
        chosen_universe = theme_universe(target, themes_dirs)
    elif board:
        chosen_universe = board_universe(store, board, board_source)
    else:
        chosen_universe = all_universe(store)
    return screen(store, chosen_universe, as_of=as_of, where=parsed, sort=sort_fields,
                  descending=descending, top=top, benchmark=bench, spell=spell)


def _check_one_target(target: str | None, board: str | None, universe: str | None, spell: Spell) -> None:
    """Exactly one of a theme, a board or the universe 'all'."""
    options = {"target": spell("target"), "board": spell("board"), "universe": spell("universe")}
    given = sum(1 for on in (target, board, universe) if on)
    if given > 1:
        raise UserError(_("give only one of {target} (an id or a YAML path), {board} NAME or {universe} all").format(
            **options))
    if not given:
        raise UserError(_("say what to screen: {target} (an id or a YAML path), {board} NAME or {universe} all").format(
            **options))
    if universe is not None and universe != "all":
        raise UserError(_("{option} {universe}: the only universe is 'all'").format(
            option=options["universe"], universe=universe))
