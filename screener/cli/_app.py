"""The root click group: user errors become one line on stderr and exit status 2."""

from __future__ import annotations

import sys
from typing import Any

import click

from screener.errors import UserError


def _debug_requested(args: list[str]) -> bool:
    return "--debug" in args


class ScreenerGroup(click.Group):
    """A group that turns :class:`UserError` into ``error: ...`` and exit 2
    (the traceback only with ``--debug``)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            if (ctx.obj or {}).get("debug") or _debug_requested(sys.argv):
                raise
            for line in str(exc).splitlines() or [type(exc).__name__]:
                click.echo(f"error: {line}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
