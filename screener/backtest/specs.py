"""Find saved backtest specs by id (the file name without ``.yaml``) or path.

Search order, as for themes: ``--specs-dir`` paths, ``$SCREENER_SPECS_PATH``, the
user's config dir (``~/.config/screener/specs`` on Linux), the built-in specs (the
repo's ``backtests/``, shipped in the wheel), then spec packs from plugins (entry-point
group ``screener.specs``). When an id is defined twice the first one wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from screener import catalog
from screener.backtest.settings import BacktestSpec, load_spec
from screener.catalog import Entry, SearchDir
from screener.i18n import N_


def builtin_specs_dir() -> Path:
    """The built-in specs: package data in a wheel, the repo's ``backtests/`` when editable."""
    return catalog.package_data_dir("_specs", "backtests")


SPECS = catalog.Kind(
    noun=N_("backtest spec"),
    plural=N_("specs"),
    flag="--specs-dir",
    env="SCREENER_SPECS_PATH",
    entry_point_group="screener.specs",
    builtin=builtin_specs_dir,
    id_of=lambda path: path.stem,
    list_command="screener specs list",
)


class SpecEntry(Entry):
    """A spec file found on the search path (not yet validated)."""

    def load(self) -> BacktestSpec:
        return load_spec(self.path)


class SpecRegistry(catalog.Catalog[SpecEntry]):
    """The backtest specs visible on a search path."""

    def __init__(self, dirs: list[SearchDir]):
        super().__init__(SPECS, dirs, SpecEntry)

    @classmethod
    def default(cls, specs_dirs: Iterable[Path | str] = ()) -> SpecRegistry:
        return cls(catalog.search_path(SPECS, specs_dirs))
