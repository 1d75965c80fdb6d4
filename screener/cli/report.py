"""``screener report RESULT.json``: re-render a saved backtest result (nothing is
fetched or re-run)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from screener.cli import _complete as complete
from screener.errors import UserError
from screener.i18n import _


def read_result(path: Path) -> dict[str, Any]:
    """A saved result: the JSON object ``screener backtest`` wrote, checked against the
    contract the renderers read (``screener.report.contract``), or a ``compare``,
    ``sweep`` or ``scan`` document (checked by its renderer)."""
    from screener._input import read_input
    from screener.report import is_comparison
    from screener.report.contract import check

    if not path.exists() and not path.is_symlink():
        raise UserError(_(
            "{path}: no such file; pass a result saved by `screener backtest --export json`"
        ).format(path=path))
    try:
        text = read_input(path).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(_("{path}: not UTF-8 text: pass a UTF-8 JSON file").format(path=path)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(_(
            "{path}:{lineno}: not valid JSON ({msg}); pass a backtest result file"
        ).format(path=path, lineno=exc.lineno, msg=exc.msg)) from None
    except RecursionError:
        raise UserError(_(
            "{path}: nested too deeply to be a backtest result; pass a backtest result file"
        ).format(path=path)) from None
    if not isinstance(data, dict):
        raise UserError(_(
            "{path}: expected a JSON object (a backtest result), found {name__}"
        ).format(path=path, name__=type(data).__name__))
    if not is_comparison(data):  # a compare/sweep/scan document: its renderer checks it
        check(data, str(path))
    return data


def echo_written(paths: list[Path]) -> None:
    """A count on stderr, then one path per line on stdout (relative to the current
    folder when inside it), so piping gives just the paths."""
    click.echo(_("wrote {n} report file(s):").format(n=len(paths)), err=True)
    cwd = Path.cwd()
    for p in paths:
        click.echo(str(p.relative_to(cwd)) if p.is_relative_to(cwd) else str(p))


@click.command("report")
@click.argument("result", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--export", "formats", default="html", show_default=True, metavar="FORMATS", shell_complete=complete.export_formats,
    help="Comma-separated formats: html, md, csv, json, xlsx.",
)
@click.option(
    "--out", "out_dir", default="reports", show_default=True,
    type=click.Path(file_okay=False, path_type=Path), help="Folder for the report files (created if missing).",
)
@click.option("--force", is_flag=True, help="Overwrite report files that already exist.")
@click.option("--template", "template_dir", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="DIR",
              help="Folder with your own report.html.j2 / report.md.j2 (see README: Reports).")
def report(result: Path, formats: str, out_dir: Path, force: bool, template_dir: Path | None) -> None:
    """Render a saved backtest RESULT (JSON) as reports, without fetching anything
    (a `compare`, `sweep` or `scan` result becomes its comparison report).

    Files are named <theme>_<start>_<end>.<ext> (charts <theme>_<start>_<end>_<chart>.png)
    inside --out; existing files are never overwritten without --force. The paths
    written are printed, one per line.
    """
    from screener.report import export, parse_formats

    fmts = parse_formats(formats)
    echo_written(export(read_result(result), fmts, out_dir, force=force, template_dir=template_dir))
