"""``screener backtest THEME|SPEC|PATH``: backtest a theme basket under A-share rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from screener.cli import _complete as complete
from screener.cli._export import deliver, export_formats, export_options
from screener.cli._options import DATE, FiniteFloat, data_options, specs_dir_option, themes_dir_option

RATE = FiniteFloat(min=0, max=0.1)


@click.command("backtest")
@click.argument("target", metavar="THEME|SPEC|PATH", shell_complete=complete.backtest_targets)
@click.option("--start", type=DATE, metavar="DATE", help="First day of the window (YYYY-MM-DD). Default: the start of the "
              "theme's first period_return claim, else 1 January of this year.")
@click.option("--end", type=DATE, metavar="DATE", help="Last day of the window (YYYY-MM-DD). Default: the latest session with data.")
@click.option("--rebalance", type=click.Choice(["none", "monthly", "quarterly"]),
              help="none (buy and hold, the default), monthly or quarterly (first session of the period).")
@click.option("--weights", type=click.Choice(["equal", "theme"]), help="equal (default) or the members' weight fields.")
@click.option("--members", type=click.Choice(["all", "named"]),
              help="all (default) or only the firms the source names (named_in_source: true).")
@click.option("--benchmark", metavar="SYMBOL", help="Benchmark index symbol (or board code BKxxxx). Default: the theme's, else 000300.SH.")
@click.option("--fill", type=click.Choice(["open", "close"]),
              help="open (default): orders fill at the next session's open; close: at the same session's close.")
@click.option("--cash", type=FiniteFloat(min=0, min_open=True), metavar="CNY", help="Starting cash in CNY (default 1,000,000).")
@click.option("--lot-size", type=click.IntRange(min=1), metavar="SHARES",
              help="Shares per lot on every board (default: board lots — 100; STAR 200 then 1; BSE 100 then 1).")
@click.option("--no-costs", is_flag=True, default=None, help="Trade without commission, stamp duty or transfer fee.")
@click.option("--commission", type=RATE, metavar="RATE", help="Commission rate per order (default 0.00025 = 0.025%).")
@click.option("--min-commission", type=FiniteFloat(min=0), metavar="CNY", help="Minimum commission per order in CNY (default 5).")
@click.option("--stamp-duty", type=RATE, metavar="RATE",
              help="Sell-side stamp duty rate for every date (default 0.001 before 2023-08-28, 0.0005 from then).")
@click.option("--transfer-fee", type=RATE, metavar="RATE", help="Transfer fee rate, both sides (default 0.00001 = 0.001%).")
@click.option("--risk-free", type=FiniteFloat(min=-0.5, max=0.5), metavar="RATE", help="Annual risk-free rate for Sharpe/Sortino/alpha (default 0).")
@click.option("--engine", type=click.Choice(["fast", "backtrader"]),
              help="fast (default): the numpy ledger; backtrader: the reference ledger (same books, slower).")
@click.option("--max-participation", type=FiniteFloat(min=0, max=1, min_open=True), metavar="F",
              help="A fill uses at most this fraction of the session's volume; the rest waits (default: no cap).")
@click.option("--slippage", type=FiniteFloat(min=0, max=10_000, max_open=True), metavar="BPS",
              help="Buys fill this many basis points above, sells below the fill price (default 0).")
@data_options
@themes_dir_option
@specs_dir_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table, or json: the full result on stdout and nothing else.")
@export_options
def backtest(target: str, data: Any, themes_dirs: tuple[Path, ...], specs_dirs: tuple[Path, ...], fmt: str,
             formats: str | None, out_dir: Path, force: bool, template_dir: Path | None, **options: Any) -> None:
    """Backtest a theme's basket against its benchmark and the story's claims.

    The argument is a theme id (fiber), a saved spec's id (fiber-ytd-2026: a theme plus
    options, see `screener specs list`; options given here override the spec's), or the
    path to a theme or spec YAML file. The basket is formed at
    the close of the last session before --start and valued at each close through --end,
    under A-share rules: board lots, T+1, no buys at the upper / sells at the lower limit
    price, suspended members not traded, commission (minimum 5 CNY), stamp duty on sells
    and transfer fee. See README "Backtests".
    """
    from screener.backtest.run import run_backtest
    from screener.data import open_store

    fmts = export_formats(formats, out_dir)
    theme, settings = resolve(target, themes_dirs, specs_dirs, options)
    deliver(run_backtest(theme, settings, open_store(data)), fmt, fmts, out_dir, force, template_dir, _table)


def _table(result: dict[str, Any]) -> None:
    from screener.report.terminal import render
    from screener.report.view import ReportView

    render(ReportView(result))


def resolve(target: str, themes_dirs: tuple[Path, ...], specs_dirs: tuple[Path, ...],
            options: dict[str, Any]) -> tuple[Any, Any]:
    """(theme, settings) for a theme or spec (id or file) plus command-line options."""
    from screener.backtest import request

    theme, spec_values = request.target(target, themes_dirs, specs_dirs)
    no_costs = options.pop("no_costs")
    options["costs"] = False if no_costs else None
    return theme, request.settings(spec_values, options)
