"""Folders of YAML files named by id, found on a search path (themes, backtest specs).

A :class:`Kind` says where one kind of file is looked for, in order: the ``--…-dir``
folders given, the folders in an environment variable, the user's config folder, the
built-in folder, then folders exposed by plugins (an entry-point group). When an id is
defined twice the first one wins; the others are kept as ``shadowed``.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Generic, TypeVar

import platformdirs

from screener.errors import UserError
from screener.i18n import N_, _

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Kind:
    """One kind of YAML file and where it is searched."""

    noun: str  # "theme", "backtest spec"
    plural: str  # "themes", "specs": also the user config subfolder
    flag: str  # "--themes-dir"
    env: str  # "SCREENER_THEMES_PATH"
    entry_point_group: str  # "screener.themes"
    builtin: Callable[[], Path]
    id_of: Callable[[Path], str]
    list_command: str  # "screener themes list"

    def user_dir(self) -> Path:
        return Path(platformdirs.user_config_dir("screener")) / self.plural


ORIGINS = (N_("built-in"), N_("user config"))  # translated; the others (flags, $VARIABLES) as typed


def origin_text(origin: str) -> str:
    """Where a file was found, in words: ``built-in`` and ``plugin acme`` translated; a
    flag or an environment variable as typed."""
    if origin.startswith("plugin "):
        return _("plugin {name}").format(name=origin.removeprefix("plugin "))
    return _(origin) if origin in ORIGINS else origin


@dataclass(frozen=True)
class SearchDir:
    path: Path
    origin: str  # e.g. "--themes-dir", "built-in", "plugin acme"


@dataclass
class Entry:
    """A file found on the search path (not yet validated)."""

    id: str
    path: Path
    origin: str
    shadowed: list[Entry] = field(default_factory=list)

    def shadows(self) -> list[dict[str, str]]:
        """The definitions of the same id that this one overrides: origin and path."""
        return [{"origin": s.origin, "path": str(s.path)} for s in self.shadowed]

    def defined_in(self) -> str:
        """Where it is defined and what it overrides: ``--themes-dir (overrides built-in)``."""
        text = origin_text(self.origin)
        for s in self.shadowed:
            text = _("{origin} (overrides {other})").format(origin=text, other=origin_text(s.origin))
        return text

    def origin_and_path(self) -> str:
        """Where it is defined and its file: ``built-in: /…/fiber.yaml``."""
        return _("{label}: {value}").format(label=origin_text(self.origin), value=self.path)


def package_data_dir(packaged: str, repo: str) -> Path:
    """A folder shipped as package data: ``screener/<packaged>`` in a wheel, the repo's
    ``<repo>/`` folder in an editable install."""
    root = Path(__file__).resolve().parent
    return root / packaged if (root / packaged).is_dir() else root.parent / repo


def yaml_files(folder: Path) -> Iterator[Path]:
    """The YAML files in ``folder``, sorted; none when it is not a folder."""
    if folder.is_dir():
        yield from sorted(p for p in folder.iterdir() if p.suffix in YAML_SUFFIXES and p.is_file())


def looks_like_path(name: str) -> bool:
    """A name that can only be a file: a YAML suffix or a folder separator."""
    return Path(name).suffix in YAML_SUFFIXES or os.sep in name or "/" in name


def plugin_dirs(kind: Kind, problems: list[str] | None = None) -> list[SearchDir]:
    """Folders exposed by installed plugins in ``kind``'s entry-point group. The entry
    point names a folder, a callable returning one, or a module whose folder it is. A
    plugin that fails to load is reported (in ``problems`` and as a warning) and skipped."""
    dirs = []
    for ep in sorted(metadata.entry_points(group=kind.entry_point_group), key=lambda e: e.name):
        try:
            obj = ep.load()
            if callable(obj):
                obj = obj()
            if isinstance(obj, ModuleType):
                obj = Path(obj.__file__ or "").parent
            path = Path(obj)
            if not path.is_dir():
                raise FileNotFoundError(_("{path} is not a folder").format(path=path))
        except Exception as exc:  # noqa: BLE001 (a broken plugin must not break the rest)
            msg = _(
                "{noun} plugin {name!r} ({value}) skipped: {name__}: {exc}"
            ).format(
                noun=_(kind.noun),
                name=ep.name,
                value=ep.value,
                name__=type(exc).__name__,
                exc=exc,
            )
            if problems is not None:
                problems.append(msg)
            warnings.warn(msg, stacklevel=2)
            continue
        dirs.append(SearchDir(path, f"plugin {ep.name}"))
    return dirs


def search_path(kind: Kind, extra_dirs: Iterable[Path | str] = (), *, plugins: bool = True) -> list[SearchDir]:
    """Every folder searched for ``kind``, first wins."""
    dirs = [SearchDir(Path(p), kind.flag) for p in extra_dirs]
    env = [p for p in os.environ.get(kind.env, "").split(os.pathsep) if p]
    for p in env:
        if not Path(p).is_dir():
            warnings.warn(_("${env} folder {p} does not exist").format(env=kind.env, p=p), stacklevel=2)
    dirs += [SearchDir(Path(p), f"${kind.env}") for p in env]
    dirs.append(SearchDir(kind.user_dir(), "user config"))
    dirs.append(SearchDir(kind.builtin(), "built-in"))
    if plugins:
        dirs += plugin_dirs(kind)
    return dirs


E = TypeVar("E", bound=Entry)


class Catalog(Generic[E]):
    """The files of one kind visible on a search path, by id (entries of ``entry_type``)."""

    def __init__(self, kind: Kind, dirs: list[SearchDir], entry_type: type[E]):
        self.kind = kind
        self.dirs = dirs
        self.entry_type = entry_type
        self._entries: dict[str, E] | None = None

    def entries(self) -> dict[str, E]:
        """id → entry, in search order; later definitions of an id sit in ``shadowed``."""
        if self._entries is None:
            found: dict[str, E] = {}
            for d in self.dirs:
                for path in yaml_files(d.path):
                    entry = self.entry_type(self.kind.id_of(path), path, d.origin)
                    if entry.id in found:
                        found[entry.id].shadowed.append(entry)
                    else:
                        found[entry.id] = entry
            self._entries = found
        return self._entries

    def file_entry(self, name: str) -> E:
        """The entry for a path to a YAML file; a missing file or a folder is an error."""
        path = Path(name)
        noun = self.kind.noun
        if path.is_dir():
            raise UserError(_(
                "{name} is a folder, not a {noun} file: name a YAML file, or pass {flag} {name}"
            ).format(name=name, noun=_(noun), flag=self.kind.flag))
        if not path.exists():
            raise UserError(_("{noun} file {name} does not exist").format(noun=_(noun), name=name))
        return self.entry_type(self.kind.id_of(path), path, "path")  # loading refuses a FIFO or device

    def resolve(self, name: str) -> E:
        """An entry by id, or by path to a YAML file."""
        if looks_like_path(name):
            return self.file_entry(name)
        entries = self.entries()
        if name in entries:
            return entries[name]
        known = ", ".join(sorted(entries)) or "none"
        raise UserError(
            _(
                "unknown {noun} {name!r}; known {plural}: {known} (see `{list_command}`, or pass a path "
                "to a YAML file)"
            ).format(
                noun=_(self.kind.noun),
                name=name,
                plural=_(self.kind.plural),
                known=known,
                list_command=self.kind.list_command,
            )
        )
