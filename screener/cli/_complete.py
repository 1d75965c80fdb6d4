"""Shell completion (click's: ``_SCREENER_COMPLETE=bash_source screener`` and friends):
theme and spec ids, factor names for ``--sort``/``--columns``/``--where``, export formats.

Each function is a click ``shell_complete`` callback ``(ctx, param, incomplete)``. Ids
are read from the search path the command line has so far (``--themes-dir``,
``--specs-dir``); a word that may also be a file adds the shell's file completion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import click
from click.shell_completion import CompletionItem

_LAST_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")


def _ids(names: Iterable[str], incomplete: str, help: str) -> list[CompletionItem]:
    return [CompletionItem(n, help=help) for n in sorted(names) if n.startswith(incomplete)]


def _files(incomplete: str) -> list[CompletionItem]:
    return [CompletionItem(incomplete, type="file")]


def _theme_ids(ctx: click.Context) -> list[str]:
    from screener.theme.registry import ThemeRegistry

    return list(ThemeRegistry.default(ctx.params.get("themes_dirs") or ()).entries())


def _spec_ids(ctx: click.Context) -> list[str]:
    from screener.backtest.specs import SpecRegistry

    return list(SpecRegistry.default(ctx.params.get("specs_dirs") or ()).entries())


def themes(ctx: click.Context, _param: Any, incomplete: str) -> list[CompletionItem]:
    """Theme ids, and theme files."""
    return _ids(_theme_ids(ctx), incomplete, "theme") + _files(incomplete)


def specs(ctx: click.Context, _param: Any, incomplete: str) -> list[CompletionItem]:
    """Spec ids, and spec files."""
    return _ids(_spec_ids(ctx), incomplete, "backtest spec") + _files(incomplete)


def backtest_targets(ctx: click.Context, _param: Any, incomplete: str) -> list[CompletionItem]:
    """Theme ids, spec ids, and theme or spec files."""
    return (_ids(_theme_ids(ctx), incomplete, "theme") + _ids(_spec_ids(ctx), incomplete, "backtest spec")
            + _files(incomplete))


def _listed(choices: Iterable[str], incomplete: str) -> list[CompletionItem]:
    """Complete the last item of a comma-separated list, keeping the items before it."""
    done, _, last = incomplete.rpartition(",")
    head = f"{done}," if done else ""
    taken = set(done.split(","))
    return [CompletionItem(head + c) for c in choices if c.startswith(last.lower()) and c not in taken]


def factors(_ctx: click.Context, _param: Any, incomplete: str) -> list[CompletionItem]:
    """Factor names, comma-separated (``--sort``, ``--columns``)."""
    from screener.screen.factors import FACTOR_NAMES

    return _listed(FACTOR_NAMES, incomplete)


def where(_ctx: click.Context, _param: Any, incomplete: str) -> list[CompletionItem]:
    """The factor name being typed at the end of a ``--where`` expression."""
    from screener.screen.factors import FACTOR_NAMES

    match = _LAST_NAME.search(incomplete)
    if match is None:
        return []
    head = incomplete[: match.start()]
    return [CompletionItem(head + n) for n in FACTOR_NAMES if n.startswith(match.group().lower())]


def export_formats(_ctx: click.Context, _param: Any, incomplete: str) -> list[CompletionItem]:
    """Report formats, comma-separated (``--export``)."""
    from screener.report import FORMATS

    return _listed(FORMATS, incomplete)
