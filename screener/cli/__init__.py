"""The ``screener`` command line. Each command group lives in its own module and is
registered here; heavy modules (akshare, plotting) are imported inside commands."""

from __future__ import annotations

import click

from screener import __version__
from screener.cli._app import ScreenerGroup, run
from screener.cli._options import lang_option

# name -> "module:attribute"; modules are imported only when their command runs (or on --help),
# so `screener themes list` never pays for pandas, akshare or plotting.
COMMANDS: dict[str, str] = {
    "themes": "screener.cli.themes:themes",
    "data": "screener.cli.data:data",
    "report": "screener.cli.report:report",
    "screen": "screener.cli.screen:screen",
    "backtest": "screener.cli.backtest:backtest",
    "event": "screener.cli.event:event",
    "compare": "screener.cli.batch:compare",
    "sweep": "screener.cli.batch:sweep",
    "scan": "screener.cli.batch:scan",
    "specs": "screener.cli.specs:specs",
    "backtests": "screener.cli.specs:backtests",  # hidden alias of specs
}


@click.group(cls=ScreenerGroup, commands_spec=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="screener")
@click.option("--debug", is_flag=True, help="Show full tracebacks for errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Thematic stock screener and basket backtester for China A-shares.

    Themes are YAML baskets of listed firms from a news story; backtest them against
    a benchmark and the story's claims, screen their members, and export reports.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


cli.params.append(lang_option())  # `screener --lang zh ...`; every command also takes it (LazyGroup)


def main() -> None:
    """Run the command line as a program (see :func:`screener.cli._app.run`)."""
    run(cli, prog_name="screener")
