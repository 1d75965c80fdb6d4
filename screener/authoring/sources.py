"""Where extraction's names come from: the known themes, the cached universe, or a
universe file the user gives."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from screener._input import read_input
from screener.authoring.names import NameIndex, build_index
from screener.errors import ThemeError, UserError
from screener.i18n import _
from screener.theme.model import Theme
from screener.theme.registry import ThemeRegistry


@dataclass
class IndexReport:
    """How the name table was put together, for the user."""

    index: NameIndex
    notes: list[str] = field(default_factory=list)
    theme_origins: dict[str, str] = field(default_factory=dict)  # theme id -> "built-in", "--themes-dir" …

    def describe(self) -> str:
        idx = self.index
        in_themes = sum(1 for f in idx.firms.values() if any(o.startswith("theme ") for o in f.origins))
        universe = f"the universe table ({idx.universe_size} firms)" if idx.universe_size else "no universe table"
        return f"{len(idx.theme_ids)} known themes ({in_themes} firms), {universe}, {len(idx.groups)} unlisted groups"


def known_themes(registry: ThemeRegistry, notes: list[str]) -> list[Theme]:
    """Every valid theme on the search path; invalid ones are noted and skipped."""
    themes = []
    for entry in registry.entries().values():
        try:
            themes.append(entry.load())
        except ThemeError as exc:
            notes.append(_("theme {id} skipped (invalid: {problems})").format(id=entry.id, problems=exc.problems[0]))
    return themes


def read_universe_file(path: Path) -> pd.DataFrame:
    """A universe table from CSV or Parquet with columns ``symbol, name[, full_name]``."""
    raw = io.BytesIO(read_input(path))  # a regular file within the input size cap
    try:
        frame = pd.read_parquet(raw) if path.suffix == ".parquet" else pd.read_csv(raw, dtype=str)
    except (OSError, ValueError) as exc:
        raise UserError(_("cannot read universe file {path}: {exc}").format(path=path, exc=exc)) from None
    missing = {"symbol", "name"} - set(frame.columns)
    if missing:
        raise UserError(
            _(
                "universe file {path} lacks column(s) {join}; expected symbol, name and optionally full_name"
            ).format(path=path, join=', '.join(sorted(missing)))
        )
    return frame


def store_universe(
    cache_dir: Path | None, *, fetch: bool = False, proxy: str | None = None
) -> tuple[pd.DataFrame | None, str | None]:
    """The A-share list through the data layer: from the cache only, or with ``fetch``
    live when it is not cached or stale (and then cached). Returns (table, None) or
    (None, why not)."""
    from screener.data import DataOptions, open_store

    try:
        frame = open_store(DataOptions(offline=not fetch, cache_dir=cache_dir, proxy=proxy)).universe()
    except UserError as exc:
        if fetch:
            return None, _("no A-share list: {exc}; only firms in known themes are recognised").format(exc=exc)
        return None, _(
            "no A-share list: {exc} (--fetch-universe fetches it); only firms in known themes are recognised"
        ).format(exc=exc)
    if frame is None or not len(frame):
        return None, _("the A-share list is empty; only firms in known themes are recognised")
    return frame, None


def name_index(
    registry: ThemeRegistry,
    *,
    universe_file: Path | None = None,
    cache_dir: Path | None = None,
    fetch: bool = False,
    proxy: str | None = None,
) -> IndexReport:
    """The name table: known themes + (a universe file, else the data layer's A-share list)."""
    notes: list[str] = []
    themes = known_themes(registry, notes)
    if universe_file is not None:
        universe: pd.DataFrame | None = read_universe_file(universe_file)
    else:
        universe, why = store_universe(cache_dir, fetch=fetch, proxy=proxy)
        if why:
            notes.append(why)
    origins = {entry.id: entry.origin for entry in registry.entries().values()}
    return IndexReport(build_index(themes, universe), notes, origins)
