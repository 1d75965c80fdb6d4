"""``--export FORMATS --out DIR --force --template DIR`` and the order a result command
prints in, shared by the commands that print a result and can write it as reports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from screener.cli import _complete as complete
from screener.i18n import _

F = Callable[..., Any]


def export_options(f: F) -> F:
    """``--export``, ``--out``, ``--force`` and ``--template``, passed as ``formats``,
    ``out_dir``, ``force`` and ``template_dir``."""
    f = click.option("--template", "template_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
                     metavar="DIR", help="Folder with your own report templates for --export: report.html.j2, report.md.j2 (event.html.j2, event.md.j2 for event studies).")(f)
    f = click.option("--force", is_flag=True, help="Overwrite existing --export files.")(f)
    f = click.option("--out", "out_dir", default="reports", show_default=True,
                     type=click.Path(file_okay=False, path_type=Path),
                     help="Folder for --export files (created if missing).")(f)
    return click.option("--export", "formats", metavar="FORMATS", shell_complete=complete.export_formats,
                        help="Also write reports: comma-separated html, md, csv, json, xlsx.")(f)


def export_formats(formats: str | None, out_dir: Path) -> list[str] | None:
    """The ``--export`` formats, checked with the ``--out`` folder before any work (an
    unknown format, or a folder that takes no files, fails fast)."""
    if formats is None:
        return None
    from screener.report import parse_formats
    from screener.report.files import check_folder

    parsed = parse_formats(formats)
    check_folder(out_dir)
    return parsed


def deliver(result: dict[str, Any], fmt: str, formats: list[str] | None, out_dir: Path, force: bool,
            template_dir: Path | None, table: Callable[[dict[str, Any]], None]) -> None:
    """Print ``result`` (``json``, or ``table`` renders it) and write its reports: the
    export targets are checked first, so a refusal prints nothing; with ``json`` the
    paths written go to stderr, keeping stdout one JSON document. ``out_dir`` is not
    tried again: :func:`export_formats` did before the run."""
    if formats:
        from screener.report import check_export

        check_export(result, formats, out_dir, force=force, probe=False)
    if fmt == "json":
        from screener.cli._output import print_json

        print_json(result)
    else:
        table(result)
    if formats:
        from screener.report import export

        paths = export(result, formats, out_dir, force=force, template_dir=template_dir, probe=False)
        click.echo(_("wrote {n} report file(s):").format(n=len(paths)), err=True)
        for p in paths:
            click.echo(str(p), err=fmt == "json")
