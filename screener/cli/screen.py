"""``screener screen``: compute factors for a theme, a board or every stored stock, filter
with ``--where``, rank with ``--sort`` and print a table, JSON or CSV."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import click

from screener._atomic import check_replaceable, write_output
from screener.cli import _complete as complete
from screener.cli._options import DATE, data_options, themes_dir_option
from screener.errors import UserError
from screener.i18n import _, ngettext


def _help_factors(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    import shutil

    from screener.screen.factors import CONVENTIONS, FACTORS

    width = min(88, shutil.get_terminal_size((80, 24)).columns)
    click.echo("Conventions:")
    for line in CONVENTIONS:
        click.echo(textwrap.fill(line, width, initial_indent="  - ", subsequent_indent="    "))
    group = None
    for f in FACTORS:
        if f.group != group:
            group = f.group
            click.echo(f"\n{group}:")
        click.echo(f"  {f.name}")
        click.echo(textwrap.fill(f.definition, width, initial_indent="      ", subsequent_indent="      "))
    ctx.exit(0)


def _shorten(note: str, limit: int = 400) -> str:
    """A note cut to ``limit`` characters (a note may list thousands of symbols)."""
    return note if len(note) <= limit else _("{start}… ({n} more characters)").format(start=note[:limit], n=len(note) - limit)


@click.command("screen")
@click.argument("target", required=False, metavar="[THEME|PATH]", shell_complete=complete.themes)
@click.option("--board", "board", metavar="NAME",
              help="Screen a board: main, star, chinext or bse (the stored symbols on that exchange board), "
              "or a concept/industry board code such as BK0715.")
@click.option("--board-source", type=click.Choice(["em", "ths"]), default="em", show_default=True,
              help="Where a concept/industry --board comes from (eastmoney or 10jqka).")
@click.option("--universe", "universe_all", type=click.Choice(["all"]),
              help="'all': every stock the data source holds offline (cache, --data-dir files, demo set).")
@click.option("--as-of", "as_of", type=DATE, metavar="DATE",
              help="Compute factors at the close of this session (default: the latest session in the data).")
@click.option("--where", "where", metavar="EXPR", shell_complete=complete.where,
              help="Keep rows where EXPR holds, e.g. \"ret_60d > 20% and not limit_up_today\" "
              "(fields, numbers, 20%, < <= > >= == !=, and/or/not, parentheses).")
@click.option("--sort", "sort", metavar="FIELD[,FIELD]", shell_complete=complete.factors, help="Rank by these factors (missing values last).")
@click.option("--desc/--asc", "descending", default=True, show_default=True, help="Sort order.")
@click.option("--top", type=click.IntRange(min=1), metavar="N", help="Keep the first N rows.")
@click.option("--benchmark", metavar="SYMBOL",
              help="Benchmark for excess returns and beta (default: the theme's, else 000300.SH).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write to FILE (JSON or CSV; the format follows --format, else the file's suffix); "
              "an existing file needs --force.")
@click.option("--force", is_flag=True, help="Replace an existing --out file.")
@click.option("--columns", metavar="FIELD[,FIELD]|all", shell_complete=complete.factors,
              help="Factor columns of the table (default: a compact set plus --sort and --where fields).")
@click.option("--help-factors", is_flag=True, expose_value=False, is_eager=True, callback=_help_factors,
              help="Print every factor's exact definition and exit.")
@themes_dir_option
@data_options
def screen(
    target: str | None,
    board: str | None,
    board_source: str,
    universe_all: str | None,
    as_of: date | None,
    where: str | None,
    sort: str | None,
    descending: bool,
    top: int | None,
    benchmark: str | None,
    fmt: str,
    out: Path | None,
    force: bool,
    columns: str | None,
    themes_dirs: tuple[Path, ...],
    data: Any,
) -> None:
    """Screen and rank THEME's members (an id or a YAML path), a --board, or --universe all.

    Factors are computed at the close of --as-of; see --help-factors for their exact
    definitions. Examples:

    \b
      screener screen fiber --demo --sort ret_60d --top 5
      screener screen fiber --demo --where "ret_20d > 5% and vol_20d < 60%"
      screener screen --board star --sort amount_20d --format csv --out star.csv
    """
    from screener.screen import request

    if out is not None and fmt == "table":
        fmt = {".json": "json", ".csv": "csv"}.get(out.suffix.lower(), "")
        if not fmt:
            raise UserError(_(
                "--out {out}: use --format json or --format csv (or a .json/.csv file name)"
            ).format(out=out))
    if out is not None:  # before any work: a refusal prints nothing else
        check_replaceable(out)
        if out.exists() and not force:
            raise UserError(_("--out {out} already exists; add --force to replace it").format(out=out))
        folder = out.parent if str(out.parent) else Path(".")
        if not folder.is_dir():
            raise UserError(_(
                "--out {out}: folder {folder} does not exist; create it first"
            ).format(out=out, folder=folder))
    shown = request.fields(columns)
    if shown != ["all"]:
        request.check_fields(shown, "--columns")
    result = request.run(
        target, board=board, board_source=board_source, universe=universe_all, as_of=as_of, where=where,
        sort=sort, descending=descending, top=top, benchmark=benchmark, themes_dirs=themes_dirs, data=data,
        note=lambda text: click.echo(_("note: {text}").format(text=text), err=True),
    )
    from screener.screen.output import warning_lines

    for note in result.notes:
        click.echo(_("note: {note}").format(note=_shorten(note)), err=True)
    for line in warning_lines(result):
        click.echo(_("warning: {line}").format(line=line), err=True)
    _emit(result, fmt, out, shown)


def _emit(result: Any, fmt: str, out: Path | None, shown: list[str]) -> None:
    from screener._json import json_text
    from screener.cli._output import print_json
    from screener.report.console import print_table
    from screener.screen import output

    if fmt == "json":
        if out is None:
            print_json(output.to_payload(result))
        else:
            write_output(out, json_text(output.to_payload(result)) + "\n")
    elif fmt == "csv":
        text = output.to_csv(result)
        if out is None:
            click.echo(text, nl=False)
        else:
            write_output(out, text)
    else:
        if result.is_demo:
            click.echo(_(result.label))
        click.echo(output.heading(result))
        cols = output.table_columns(result, shown)
        print_table(
            output.table_headers(cols),
            output.table_rows(result, cols),
            justify=["right", "left", "left", *(["right"] * len(cols))],
        )
        for line in output.summary_lines(result):
            click.echo(line)
    if out is not None:
        n = len(result.rows)
        click.echo(ngettext(
            "wrote {n} row to {out} ({fmt}, as of {as_of}, data: {data_source})",
            "wrote {n} rows to {out} ({fmt}, as of {as_of}, data: {data_source})",
            n,
        ).format(n=n, out=out, fmt=fmt, as_of=result.as_of, data_source=result.data_source), err=True)
        if result.is_demo:
            click.echo(_(result.label), err=True)
