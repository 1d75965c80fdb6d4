"""Data provider plugins: entry-point group ``screener.providers``.

An entry point names a callable that takes :class:`DataOptions` and returns a
:class:`DataStore` (or names an object with a ``factory`` of that shape). ``--provider
NAME`` selects one; ``akshare`` is the built-in default. A plugin that fails to import
is reported (a warning and in :func:`problems`) and skipped.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from importlib import metadata

from screener.data.model import DataOptions, DataStore
from screener.errors import UserError
from screener.i18n import _

ENTRY_POINT_GROUP = "screener.providers"
BUILTIN = "akshare"

Factory = Callable[[DataOptions], DataStore]


def _builtin(options: DataOptions) -> DataStore:
    from screener.data.live import LiveStore

    return LiveStore.from_options(options)


def discover() -> tuple[dict[str, Factory], list[str]]:
    """(name → factory for every loadable provider, problems with broken plugins)."""
    found: dict[str, Factory] = {BUILTIN: _builtin}
    problems: list[str] = []
    for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            obj = ep.load()
            factory = getattr(obj, "factory", obj)
            if not callable(factory):
                raise TypeError(_("{value} is not callable").format(value=ep.value))
        except Exception as exc:  # noqa: BLE001 - a broken plugin must not break the rest
            msg = _(
                "data provider plugin {name!r} ({value}) skipped: {name__}: {exc}"
            ).format(name=ep.name, value=ep.value, name__=type(exc).__name__, exc=exc)
            problems.append(msg)
            warnings.warn(msg, stacklevel=2)
            continue
        if ep.name in found:
            problems.append(_(
                "data provider plugin {name!r} ({value}) skipped: the name is taken"
            ).format(name=ep.name, value=ep.value))
            continue
        found[ep.name] = factory
    return found, problems


def open_plugin(name: str, options: DataOptions) -> DataStore:
    """The store made by provider ``name``; UserError naming the available ones."""
    providers, problems = discover()
    if name not in providers:
        broken = [p for p in problems if f"{name!r}" in p]
        if broken:
            raise UserError(broken[0])
        raise UserError(_(
            "unknown data provider {name!r}; available: {join}"
        ).format(name=name, join=', '.join(sorted(providers))))
    try:
        store = providers[name](options)
    except UserError:
        raise
    except Exception as exc:  # noqa: BLE001 - any plugin failure becomes one line
        raise UserError(_(
            "data provider {name!r} failed to start: {name__}: {exc}"
        ).format(name=name, name__=type(exc).__name__, exc=exc)) from None
    for attr in ("load", "universe", "symbols"):
        if not callable(getattr(store, attr, None)):
            raise UserError(_(
                "data provider {name!r} returned {name__}, which has no {attr}()"
            ).format(name=name, name__=type(store).__name__, attr=attr))
    return store
