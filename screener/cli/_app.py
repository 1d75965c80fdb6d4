"""The root click group: user errors become one line on stderr and exit status 2."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from screener.errors import UserError


def _debug_requested(args: list[str]) -> bool:
    return "--debug" in args


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use from
    ``commands_spec`` (name -> "module:attribute")."""

    def __init__(self, *args: Any, commands_spec: dict[str, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.commands_spec = dict(commands_spec or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.commands_spec))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands_spec and cmd_name not in self.commands:
            module, attr = self.commands_spec[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module), attr), cmd_name)
        return super().get_command(ctx, cmd_name)


class ScreenerGroup(LazyGroup):
    """The root group: turns :class:`UserError` into ``error: ...`` and exit 2
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
