"""``screener compare``, ``screener sweep`` and ``screener scan boards``: many backtests
at once, ranked side by side, run in-process or on Dask (README "Many backtests at once")."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from screener.cli import _complete as complete
from screener.cli._options import data_options, specs_dir_option, themes_dir_option
from screener.i18n import _

F = Callable[..., Any]

def _backtest_options(*, leave_out: tuple[str, ...] = ()) -> Callable[[F], F]:
    """Every setting option of ``screener backtest`` (--start ... --risk-free, and any
    added there later), with the same names, types and help: its options but those the
    command has already (data, folders, output: the decorators below this one) and
    ``--lang`` (every command gets its own)."""

    def decorate(f: F) -> F:
        from screener.cli.backtest import backtest

        have = {p.name for p in getattr(f, "__click_params__", [])} | {"lang", *leave_out}
        params = [p for p in backtest.params if isinstance(p, click.Option) and p.name not in have]
        f.__click_params__ = getattr(f, "__click_params__", []) + list(reversed(params))  # type: ignore[attr-defined]
        return f

    return decorate


def _batch_options(f: F) -> F:
    """Output, ranking and execution options shared by the three commands."""
    options = [
        click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
                     help="table, or json: the whole document on stdout and nothing else."),
        click.option("--sort", metavar="FIGURE", help="Rank by this figure (default total_return): total_return, "
                     "annualized_return, volatility, sharpe, sortino, max_drawdown, calmar, turnover, costs_paid, "
                     "final_value, benchmark_return, excess_return, beta, alpha, tracking_error, "
                     "information_ratio, claims_hold."),
        click.option("--asc", "ascending", is_flag=True, help="Rank the lowest first (default: the highest)."),
        click.option("--top", type=click.IntRange(min=1), metavar="N", help="Show only the first N cells (the spread covers all)."),
        click.option("--workers", type=click.IntRange(min=0), metavar="N",
                     help="Worker processes of a local Dask cluster (default: the CPU count; small grids run "
                          "in this process); 0: always in this process."),
        click.option("--scheduler", envvar="SCREENER_DASK_SCHEDULER", metavar="ADDRESS",
                     help="Run on an existing Dask cluster, e.g. tcp://10.0.0.5:8786 (env SCREENER_DASK_SCHEDULER)."),
        click.option("--export", "formats", metavar="FORMATS", shell_complete=complete.export_formats,
                     help="Also write a comparison report: comma-separated html, md, csv, json, xlsx."),
        click.option("--out", "out_dir", default="reports", show_default=True,
                     type=click.Path(file_okay=False, path_type=Path), help="Folder for --export files (created if missing)."),
        click.option("--force", is_flag=True, help="Overwrite existing --export files."),
        click.option("--template", "template_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
                     metavar="DIR", help="Folder with your own comparison.html.j2 / comparison.md.j2 for --export."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


@click.command("compare")
@click.argument("targets", nargs=-1, required=True, metavar="THEME|SPEC...", shell_complete=complete.backtest_targets)
@_backtest_options()
@data_options
@themes_dir_option
@specs_dir_option
@_batch_options
def compare(targets: tuple[str, ...], **kwargs: Any) -> None:
    """Backtest several themes or specs over the same window, side by side.

    Every target gets the same options; a spec's own options apply to its cell (and are
    shown when they differ). Without --start/--end, when the targets' windows differ,
    all run from the earliest start to the latest end.
    """
    _warm_up(kwargs)
    from screener.batch import request

    _main(lambda options, run: request.compare(targets, options, run), **kwargs)


@click.command("sweep")
@click.argument("target", metavar="THEME|SPEC", shell_complete=complete.backtest_targets)
@click.option("--vary", "vary", multiple=True, metavar="KEY=V1,V2,...",
              help="An option and its values (repeatable; the grid is every combination), e.g. rebalance=none,monthly "
                   "or start=rolling:2025-01-01..2025-12-31/20 (a start every 20 sessions).")
@_backtest_options()
@data_options
@themes_dir_option
@specs_dir_option
@_batch_options
def sweep(target: str, vary: tuple[str, ...], **kwargs: Any) -> None:
    """Backtest one theme or spec over a grid of options and rank the cells.

    The grid is the Cartesian product of the --vary options (or the spec's sweep:
    block); every other option is shared. The spread (min / median / max) of each
    figure shows how much a result depends on the choices.
    """
    _warm_up(kwargs)
    from screener.batch import request
    from screener.batch.grid import parse_vary

    grid = parse_vary(vary)
    _main(lambda options, run: request.sweep(target, grid, options, run), **kwargs)


@click.group("scan")
def scan() -> None:
    """Rank many baskets at once: `screener scan boards`."""


@scan.command("boards")
@click.option("--source", type=click.Choice(["em", "ths"]), default="em", show_default=True,
              help="Board family: eastmoney (em) or THS (ths, through a provider plugin).")
@_backtest_options(leave_out=("weights", "members"))
@data_options
@themes_dir_option
@specs_dir_option
@_batch_options
def scan_boards(source: str, **kwargs: Any) -> None:
    """Every concept board (the demo's, or the boards in the cache) as an equal-weight
    basket of its stocks, ranked by return and excess over one benchmark (--benchmark,
    default CSI 300). Default window: 1 January of this year to the latest session."""
    _warm_up(kwargs)
    from screener.batch import request

    _main(lambda options, run: request.scan_boards(options, run, source=source), **kwargs)


def _warm_up(options: dict[str, Any]) -> None:
    """When the cells will surely run on a local cluster, its workers' fork server starts
    importing now, on the other core, before this command imports the engine
    (:func:`screener.batch.execute.warm_up`; that module is light to import)."""
    from screener.batch.execute import Execution, warm_up

    warm_up(Execution(workers=options["workers"], scheduler=options["scheduler"] or None))


def _main(work: Callable[[dict[str, Any], Any], dict[str, Any]], *, data: Any, themes_dirs: tuple[Path, ...],
          specs_dirs: tuple[Path, ...], fmt: str, sort: str | None, ascending: bool, top: int | None,
          workers: int | None, scheduler: str | None, formats: str | None, out_dir: Path, force: bool,
          template_dir: Path | None, **options: Any) -> None:
    """Check the options, run the batch with a progress bar, print, then export."""
    from screener.batch.document import check_sort
    from screener.batch.execute import Execution
    from screener.batch.request import Run
    from screener.cli._export import deliver, export_formats

    fmts = export_formats(formats, out_dir)
    check_sort(sort)
    options["costs"] = False if options.pop("no_costs", None) else None
    execution = Execution(workers=workers, scheduler=scheduler or None)
    with _ProgressBar() as progress:
        run = Run(data=data, execution=execution, sort=sort, ascending=ascending, top=top,
                  themes_dirs=themes_dirs, specs_dirs=specs_dirs, progress=progress,
                  note=lambda text: click.echo(_("note: {text}").format(text=text), err=True))
        doc = work(options, run)
    deliver(doc, fmt, fmts, out_dir, force, template_dir, _print)


def _print(doc: dict[str, Any]) -> None:
    from screener.batch import output
    from screener.report.console import print_table

    for line in output.headline(doc):
        click.echo(line)
    columns, rows, justify = output.ranked_table(doc)
    print_table(columns, rows, justify=justify)
    if doc["n_cells"] > 1:
        click.echo("")
        columns, rows, justify = output.spread_table(doc)
        print_table(columns, rows, title=output.spread_title(doc), justify=justify)


class _ProgressBar:
    """A rich progress bar on stderr while cells run (only on a terminal)."""

    def __enter__(self) -> Callable[[int, int], None]:
        import sys

        self._bar: Any = None
        self._task: Any = None
        if not sys.stderr.isatty():
            return lambda _done, _total: None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from screener.report.console import console

        self._bar = Progress(TextColumn(_("backtests")), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                             console=console(err=True), transient=True)
        self._bar.start()
        return self._update

    def _update(self, done: int, total: int) -> None:
        if self._task is None:
            self._task = self._bar.add_task("cells", total=total)
        self._bar.update(self._task, completed=done)

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._bar.stop()
