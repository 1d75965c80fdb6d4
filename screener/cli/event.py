"""``screener event THEME|SPEC|PATH``: what did the news do, and could you have traded it?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from screener.cli import _complete as complete
from screener.cli._export import deliver, export_formats, export_options
from screener.cli._options import DATE, data_options, format_option, specs_dir_option, themes_dir_option

MODELS = ["market", "market-adjusted", "mean"]  # screener.event.settings.Model (kept here: --help stays light)


@click.command("event")
@click.argument("target", metavar="THEME|SPEC|PATH", shell_complete=complete.backtest_targets)
@click.option("--date", "dates", type=DATE, multiple=True, metavar="DATE",
              help="An event's date, YYYY-MM-DD (repeatable). Default: the theme's events:, else its sources' dates.")
@click.option("--on", type=click.Choice(["limit-up"]),
              help="limit-up: every session in --start..--end on which a member closed at its upper limit.")
@click.option("--start", type=DATE, metavar="DATE", help="With --on limit-up: the first day scanned (default: 1 January of this year).")
@click.option("--end", type=DATE, metavar="DATE", help="With --on limit-up: the last day scanned (default: the latest session with data).")
@click.option("--window", metavar="FROM:TO", help="Event window in sessions from day 0 (default -10:20).")
@click.option("--estimation", metavar="FROM:TO", help="Estimation window in sessions from day 0, ending before the event window (default -250:-30).")
@click.option("--model", type=click.Choice(MODELS),
              help="market (default: OLS α, β against the benchmark), market-adjusted (R − Rm) or mean (R − μ).")
@click.option("--min-estimation", type=click.IntRange(min=3), metavar="SESSIONS",
              help="Fewer estimation sessions than this (default 60): market-adjusted returns without t statistics.")
@click.option("--benchmark", metavar="SYMBOL", help="Benchmark index symbol (or board code BKxxxx). Default: the theme's, else 000300.SH.")
@click.option("--members", type=click.Choice(["all", "named"]),
              help="all (default) or only the firms the source names (named_in_source: true).")
@data_options
@themes_dir_option
@specs_dir_option
@format_option("table", "json", help="table, or json: the full result on stdout and nothing else.")
@export_options
def event(target: str, data: Any, themes_dirs: tuple[Path, ...], specs_dirs: tuple[Path, ...], fmt: str,
          formats: str | None, out_dir: Path, force: bool, template_dir: Path | None, **options: Any) -> None:
    """Abnormal returns of a theme's members around dated news, and whether you could
    have bought.

    The argument is a theme id, a saved spec's id (its theme, members and benchmark), or
    a path to a theme or spec file. Events: --date (repeatable), else the theme's
    events: list, else its sources' publication dates; or --on limit-up. Day 0 is the
    first session on or after an event's date. For each member and event: abnormal
    returns by day and their sum (CAR) with t statistics from the estimation window;
    across members: AAR, CAAR, the cross-sectional, Patell and BMP tests; and under
    A-share price limits whether day 0 and +1 opened at the upper limit, the run of
    limit-up closes, the first session a buy could fill and the CAR from its open.
    See README "Event studies".
    """
    from screener.backtest.request import target as study_target
    from screener.data import open_store
    from screener.event import request
    from screener.event.run import run_event_study

    fmts = export_formats(formats, out_dir)
    theme, spec = study_target(target, themes_dirs, specs_dirs)
    options["dates"] = list(options["dates"])
    settings = request.settings(spec, options)
    result = run_event_study(theme, settings, open_store(data))
    deliver(result, fmt, fmts, out_dir, force, template_dir, _table)


def _table(result: dict[str, Any]) -> None:
    from screener.report.event.terminal import render
    from screener.report.event.view import EventView

    render(EventView(result))
