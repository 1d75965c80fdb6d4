"""Find themes by id or path.

Search order: ``--themes-dir`` paths, ``$SCREENER_THEMES_PATH``, the user's config dir,
the built-in themes, then theme packs from plugins (entry-point group
``screener.themes``). When an id is defined twice the first one wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from screener import catalog
from screener._input import InputError, read_input
from screener.catalog import Entry, SearchDir, yaml_files
from screener.errors import ThemeError
from screener.i18n import N_
from screener.theme.loader import load_theme, read_yaml
from screener.theme.model import Theme

ThemeDir = SearchDir
theme_files = yaml_files


def builtin_themes_dir() -> Path:
    """The built-in themes: package data in a wheel, the repo's ``themes/`` when editable."""
    return catalog.package_data_dir("_themes", "themes")


_ID_LINE = re.compile(r"^id:[ \t]*['\"]?([A-Za-z0-9_-]+)['\"]?[ \t]*(?:#.*)?$", re.MULTILINE)


def _peek_id(path: Path) -> str:
    """The theme's ``id`` without parsing the whole file (a top-level ``id:`` line),
    falling back to a YAML parse, then to the file stem."""
    try:
        match = _ID_LINE.search(read_input(path).decode("utf-8"))
    except (InputError, UnicodeDecodeError):
        return path.stem  # loading it reports the problem
    if match:
        return match.group(1)
    try:
        data = read_yaml(path)
    except ThemeError:
        return path.stem
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        return data["id"]
    return path.stem


THEMES = catalog.Kind(
    noun=N_("theme"),
    plural=N_("themes"),
    flag="--themes-dir",
    env="SCREENER_THEMES_PATH",
    entry_point_group="screener.themes",
    builtin=builtin_themes_dir,
    id_of=_peek_id,
    list_command="screener themes list",
)


class ThemeEntry(Entry):
    """A theme file found on the search path (not yet validated)."""

    def load(self) -> Theme:
        return load_theme(self.path)


def user_themes_dir() -> Path:
    return THEMES.user_dir()


def plugin_theme_dirs(problems: list[str] | None = None) -> list[SearchDir]:
    """Theme folders exposed by installed plugins (see :func:`screener.catalog.plugin_dirs`)."""
    return catalog.plugin_dirs(THEMES, problems)


def search_path(themes_dirs: Iterable[Path | str] = (), *, plugins: bool = True) -> list[SearchDir]:
    """Every folder searched for themes, first wins."""
    return catalog.search_path(THEMES, themes_dirs, plugins=plugins)


class ThemeRegistry(catalog.Catalog[ThemeEntry]):
    """The themes visible on a search path."""

    def __init__(self, dirs: list[SearchDir]):
        super().__init__(THEMES, dirs, ThemeEntry)

    @classmethod
    def default(cls, themes_dirs: Iterable[Path | str] = ()) -> ThemeRegistry:
        return cls(search_path(themes_dirs))

    def load(self, name: str) -> Theme:
        return self.resolve(name).load()
