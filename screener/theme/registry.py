"""Find themes by id or path.

Search order: ``--themes-dir`` paths, ``$SCREENER_THEMES_PATH``, the user's config dir,
the built-in themes, then theme packs from plugins (entry-point group
``screener.themes``). When an id is defined twice the first one wins.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import ModuleType

import platformdirs

from screener.errors import ThemeError, UserError
from screener.theme.loader import load_theme, read_yaml
from screener.theme.model import Theme

ENTRY_POINT_GROUP = "screener.themes"
THEME_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class ThemeDir:
    path: Path
    origin: str  # e.g. "--themes-dir", "built-in", "plugin acme"


@dataclass
class ThemeEntry:
    """A theme file found on the search path (not yet validated)."""

    id: str
    path: Path
    origin: str
    shadowed: list[ThemeEntry] = field(default_factory=list)

    def load(self) -> Theme:
        return load_theme(self.path)


def builtin_themes_dir() -> Path:
    """The built-in themes: package data in a wheel, the repo's ``themes/`` when editable."""
    packaged = Path(__file__).resolve().parent.parent / "_themes"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "themes"


def user_themes_dir() -> Path:
    return Path(platformdirs.user_config_dir("screener")) / "themes"


def plugin_theme_dirs(problems: list[str] | None = None) -> list[ThemeDir]:
    """Theme folders exposed by installed plugins. A plugin that fails to load is
    reported (in ``problems`` and as a warning) and skipped."""
    dirs = []
    for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            obj = ep.load()
            if callable(obj):
                obj = obj()
            if isinstance(obj, ModuleType):
                obj = Path(obj.__file__ or "").parent
            path = Path(obj)
            if not path.is_dir():
                raise FileNotFoundError(f"{path} is not a folder")
        except Exception as exc:  # noqa: BLE001 (a broken plugin must not break the rest)
            msg = f"theme plugin {ep.name!r} ({ep.value}) skipped: {type(exc).__name__}: {exc}"
            if problems is not None:
                problems.append(msg)
            warnings.warn(msg, stacklevel=2)
            continue
        dirs.append(ThemeDir(path, f"plugin {ep.name}"))
    return dirs


def search_path(themes_dirs: Iterable[Path | str] = (), *, plugins: bool = True) -> list[ThemeDir]:
    """Every folder searched for themes, first wins."""
    dirs = [ThemeDir(Path(p), "--themes-dir") for p in themes_dirs]
    env = os.environ.get("SCREENER_THEMES_PATH", "")
    for p in env.split(os.pathsep):
        if p and not Path(p).is_dir():
            warnings.warn(f"$SCREENER_THEMES_PATH folder {p} does not exist", stacklevel=2)
    dirs += [ThemeDir(Path(p), "$SCREENER_THEMES_PATH") for p in env.split(os.pathsep) if p]
    dirs.append(ThemeDir(user_themes_dir(), "user config"))
    dirs.append(ThemeDir(builtin_themes_dir(), "built-in"))
    if plugins:
        dirs += plugin_theme_dirs()
    return dirs


def theme_files(folder: Path) -> Iterator[Path]:
    """The theme YAML files in ``folder``, sorted; none when it is not a folder."""
    if folder.is_dir():
        yield from sorted(p for p in folder.iterdir() if p.suffix in THEME_SUFFIXES and p.is_file())


_ID_LINE = re.compile(r"^id:[ \t]*['\"]?([A-Za-z0-9_-]+)['\"]?[ \t]*(?:#.*)?$", re.MULTILINE)


def _peek_id(path: Path) -> str:
    """The theme's ``id`` without parsing the whole file (a top-level ``id:`` line),
    falling back to a YAML parse, then to the file stem."""
    try:
        match = _ID_LINE.search(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return path.stem
    if match:
        return match.group(1)
    try:
        data = read_yaml(path)
    except ThemeError:
        return path.stem
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        return data["id"]
    return path.stem


class ThemeRegistry:
    """The themes visible on a search path."""

    def __init__(self, dirs: list[ThemeDir]):
        self.dirs = dirs
        self._entries: dict[str, ThemeEntry] | None = None

    @classmethod
    def default(cls, themes_dirs: Iterable[Path | str] = ()) -> ThemeRegistry:
        return cls(search_path(themes_dirs))

    def entries(self) -> dict[str, ThemeEntry]:
        """id → entry, in search order; later definitions of an id sit in ``shadowed``."""
        if self._entries is None:
            found: dict[str, ThemeEntry] = {}
            for d in self.dirs:
                for path in theme_files(d.path):
                    entry = ThemeEntry(_peek_id(path), path, d.origin)
                    if entry.id in found:
                        found[entry.id].shadowed.append(entry)
                    else:
                        found[entry.id] = entry
            self._entries = found
        return self._entries

    def resolve(self, name: str) -> ThemeEntry:
        """A theme by id, or by path to a YAML file."""
        path = Path(name)
        if path.suffix in THEME_SUFFIXES or os.sep in name or "/" in name:
            if path.is_dir():
                raise UserError(f"{name} is a folder, not a theme file: name a YAML file, or pass --themes-dir {name}")
            if not path.is_file():
                raise UserError(f"theme file {name} does not exist")
            return ThemeEntry(_peek_id(path), path, "path")
        entries = self.entries()
        if name in entries:
            return entries[name]
        known = ", ".join(sorted(entries)) or "none"
        raise UserError(
            f"unknown theme {name!r}; known themes: {known} (see `screener themes list`, "
            "or pass a path to a YAML file)"
        )

    def load(self, name: str) -> Theme:
        return self.resolve(name).load()
