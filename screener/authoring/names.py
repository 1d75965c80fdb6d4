"""The names extraction looks for: listed firms (short name, full name, former and
English names) and unlisted groups with their listed arms.

Sources, merged: the data layer's universe table (``symbol, name, full_name``) when it is
cached, the members of every known theme, and the package data in ``data/names.yaml``
(aliases, a stop-list of short names that are common words) and
``data/unlisted_groups.yaml``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from typing import Any

from ruamel.yaml import YAML

from screener.authoring.automaton import Automaton
from screener.errors import SymbolError
from screener.i18n import _
from screener.symbols import parse_symbol
from screener.theme.model import Theme

# What a surface form stands for, best first: a full legal name beats a short name,
# which beats an alias, which beats an unlisted group's name.
KIND_RANK = {"code": 0, "full_name": 1, "name": 2, "alias": 3, "group": 4}
MIN_CJK_FORM = 3  # shorter Chinese names (and stripped ST names) are too ambiguous to match
MIN_ASCII_FORM = 3
_ST_PREFIX = re.compile(r"^(?:\*?S?\*?ST|XD|XR|DR)\s*", re.IGNORECASE)
_COMPANY_SUFFIX = re.compile(r"(?:[(（]集团[)）])?(?:股份有限公司|有限责任公司|有限公司)$")
MIN_STEM = 4  # a full name without its company suffix, matched as a name (中国航发动力)


def norm_char(c: str) -> str:
    """One character as matching sees it: NFKC (full-width → ASCII) and lower case, but
    never more or fewer characters, so offsets in normalised text match the original."""
    n = unicodedata.normalize("NFKC", c)
    if len(n) != 1:
        return c
    low = n.lower()
    return low if len(low) == 1 else n


class _NormTable(dict[int, str]):
    """``str.translate`` table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        self[code] = norm_char(chr(code))
        return self[code]


_NORM = _NormTable()


def norm_text(text: str) -> str:
    """``text`` normalised character by character (same length as ``text``)."""
    return text.translate(_NORM)


def norm_form(name: str) -> str:
    """A name as a match key: normalised, spaces between CJK characters dropped, other
    runs of spaces collapsed (so ``万 科Ａ`` → ``万科a``, ``LB  Group`` → ``lb group``)."""
    s = norm_text(name.strip())
    s = re.sub(r"\s+", " ", s)
    return re.sub(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])", "", s)


def is_ascii_form(form: str) -> bool:
    return all(ord(c) < 128 for c in form)


def _usable(form: str) -> bool:
    return len(form) >= (MIN_ASCII_FORM if is_ascii_form(form) else MIN_CJK_FORM)


@dataclass
class Firm:
    """A listed firm and every name it goes by."""

    symbol: str
    name: str
    full_name: str | None = None
    aliases: list[str] = field(default_factory=list)
    origins: list[str] = field(default_factory=list)  # "universe", "theme fiber", "names.yaml"

    def add_alias(self, alias: str | None) -> None:
        if alias and alias not in (self.name, self.full_name) and alias not in self.aliases:
            self.aliases.append(alias)


@dataclass(frozen=True)
class Arm:
    symbol: str
    name: str


@dataclass(frozen=True)
class Group:
    """An unlisted entity (a state group, an institute) with known listed arms."""

    name: str
    full_name: str | None
    aliases: tuple[str, ...]
    arms: tuple[Arm, ...]


@dataclass(frozen=True)
class Target:
    """What a surface form stands for: a firm (by symbol) or a group (by name)."""

    kind: str  # full_name | name | alias | group
    key: str


@dataclass
class NameIndex:
    """Surface forms → firms and groups, ready for matching."""

    firms: dict[str, Firm]
    groups: dict[str, Group]
    forms: dict[str, list[Target]]
    stoplist: frozenset[str]
    universe_size: int = 0  # firms that came from the universe table
    theme_ids: tuple[str, ...] = ()

    @cached_property
    def automaton(self) -> Automaton:
        """Every form, compiled for one pass over a text."""
        return Automaton(self.forms)

    def full_name_of(self, target: Target) -> str | None:
        if target.kind == "group":
            return self.groups[target.key].full_name
        return self.firms[target.key].full_name


def _load_data(name: str) -> Any:
    text = resources.files("screener.authoring").joinpath("data", name).read_text(encoding="utf-8")
    return YAML(typ="safe", pure=True).load(text)


def _symbol(value: Any, where: str) -> str:
    if isinstance(value, int):
        value = f"{value:06d}"
    try:
        return str(parse_symbol(str(value)))
    except SymbolError as exc:
        raise ValueError(f"{where}: {exc}") from None


@cache
def load_groups() -> tuple[Group, ...]:
    """The unlisted groups in ``data/unlisted_groups.yaml``."""
    data = _load_data("unlisted_groups.yaml") or {}
    groups = []
    for i, g in enumerate(data.get("groups") or []):
        where = f"unlisted_groups.yaml: groups[{i}]"
        arms = tuple(
            Arm(_symbol(a["symbol"], where), str(a["name"])) for a in g.get("listed_arms") or []
        )
        if not g.get("name") or not arms:
            raise ValueError(_("{where}: each group needs a name and at least one listed arm").format(where=where))
        groups.append(Group(str(g["name"]), g.get("full_name"), tuple(g.get("aliases") or ()), arms))
    return tuple(groups)


@cache
def load_extra_names() -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """``data/names.yaml``: (symbol → aliases, stop-listed short names)."""
    data = _load_data("names.yaml") or {}
    aliases = {
        _symbol(sym, "names.yaml: aliases"): tuple(str(a) for a in names)
        for sym, names in (data.get("aliases") or {}).items()
    }
    return aliases, frozenset(norm_form(s) for s in data.get("stoplist") or ())


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    s = str(value).strip()
    return s or None


def build_index(
    themes: Iterable[Theme] = (),
    universe: Any = None,
    *,
    groups: Iterable[Group] | None = None,
    extra_aliases: dict[str, tuple[str, ...]] | None = None,
    stoplist: Iterable[str] | None = None,
) -> NameIndex:
    """Merge the universe table (a DataFrame with ``symbol, name[, full_name]``, or None),
    the members of ``themes`` and the package's extra names into one :class:`NameIndex`.
    A full name without its company suffix (中国航发动力) is a name too.

    The universe's current short name wins; a different name a theme uses for the same
    symbol becomes an alias (it is usually a former name).
    """
    if extra_aliases is None or stoplist is None:
        default_aliases, default_stop = load_extra_names()
        extra_aliases = default_aliases if extra_aliases is None else extra_aliases
        stoplist = default_stop if stoplist is None else stoplist
    stop = frozenset(norm_form(s) for s in stoplist)
    firms: dict[str, Firm] = {}
    universe_size = 0
    if universe is not None and len(universe):
        for row in universe.itertuples(index=False):
            rec = row._asdict()
            name = _text(rec.get("name"))
            try:
                parsed = parse_symbol(str(rec.get("symbol")))
            except SymbolError:
                continue
            if not name or parsed.is_index:
                continue
            symbol = str(parsed)
            firms[symbol] = Firm(symbol, name, _text(rec.get("full_name")), origins=["universe"])
        universe_size = len(firms)
    theme_ids = []
    for theme in themes:
        theme_ids.append(theme.id)
        for m in theme.members:
            firm = firms.get(m.symbol)
            if firm is None:
                firm = firms[m.symbol] = Firm(m.symbol, m.name, m.full_name)
            else:
                firm.add_alias(m.name)
                if firm.full_name is None:
                    firm.full_name = m.full_name
                else:
                    firm.add_alias(m.full_name)
            for a in m.aliases:
                firm.add_alias(a)
            firm.origins.append(f"theme {theme.id}")
    for symbol, names in extra_aliases.items():
        if symbol in firms:
            for a in names:
                firms[symbol].add_alias(a)
    group_map = {g.name: g for g in (load_groups() if groups is None else groups)}

    forms: dict[str, list[Target]] = {}

    def add(raw: str | None, target: Target) -> None:
        if not raw:
            return
        keys = {norm_form(raw)}
        stripped = _ST_PREFIX.sub("", raw)
        if stripped != raw:
            keys.add(norm_form(stripped))
        for key in keys:
            if not _usable(key) or (target.kind in ("name", "alias") and key in stop):
                continue
            bucket = forms.setdefault(key, [])
            if target not in bucket:
                bucket.append(target)

    for firm in firms.values():
        add(firm.full_name, Target("full_name", firm.symbol))
        add(firm.name, Target("name", firm.symbol))
        stem = _COMPANY_SUFFIX.sub("", firm.full_name or "")
        known = {norm_form(n) for n in (firm.name, *firm.aliases)}
        if len(stem) >= MIN_STEM and stem != firm.full_name and norm_form(stem) not in known:
            add(stem, Target("name", firm.symbol))
        for a in firm.aliases:
            add(a, Target("alias", firm.symbol))
    for g in group_map.values():
        for raw in (g.name, g.full_name, *g.aliases):
            add(raw, Target("group", g.name))
    return NameIndex(firms, group_map, forms, stop, universe_size, tuple(theme_ids))
