"""``screener specs``: list, show saved backtest specs, print their JSON Schema.

``screener backtests`` is the same group (hidden), as the README of older versions and
the issue tracker spell it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from screener.cli import _complete as complete
from screener.cli._options import format_option, specs_dir_option
from screener.cli._output import print_json
from screener.errors import ThemeError
from screener.i18n import _
from screener.report import text
from screener.report.console import print_table


@click.group("specs")
def specs() -> None:
    """List and inspect saved backtest specs (a theme plus options, run by id:
    `screener backtest fiber-ytd-2026`)."""


def _registry(specs_dirs: tuple[Path, ...]) -> Any:
    from screener.backtest.specs import SpecRegistry

    return SpecRegistry.default(specs_dirs)


@specs.command("list")
@specs_dir_option
@format_option("table", "json", help="table, or json: one object per spec.")
def list_specs(specs_dirs: tuple[Path, ...], fmt: str) -> None:
    """List the specs on the search path: id, theme, window, where each is defined."""
    rows: list[dict[str, Any]] = []
    entries = list(_registry(specs_dirs).entries().values())
    for entry in entries:
        try:
            spec = entry.load()
            values, error = spec.model_dump(mode="json"), None
        except ThemeError as exc:
            values, error = {}, exc.problems[0]
        rows.append({
            "id": entry.id,
            "theme": values.get("theme"),
            "description": values.get("description"),
            "start": values.get("start"),
            "end": values.get("end"),
            "origin": entry.origin,
            "path": str(entry.path),
            "shadows": entry.shadows(),
            "error": error,
        })
    if fmt == "json":
        print_json(rows)
        return
    table = [
        [r["id"], r["theme"] or _("INVALID: {error}").format(error=r["error"]),
         "" if r["error"] else f"{r['start'] or '…'} → {r['end'] or _('latest')}",
         entry.defined_in()]
        for r, entry in zip(rows, entries)
    ]
    print_table([_("id"), _("theme"), _("window"), _("defined in")], table)


@specs.command("show")
@click.argument("spec", shell_complete=complete.specs)
@specs_dir_option
@format_option("table", "json", help="table, or json: the validated spec with every option.")
def show_spec(spec: str, specs_dirs: tuple[Path, ...], fmt: str) -> None:
    """Show SPEC (an id or a path): its theme, description and every option in effect."""
    entry = _registry(specs_dirs).resolve(spec)
    payload = entry.load().model_dump(mode="json")
    if fmt == "json":
        payload["defined_in"] = {"origin": entry.origin, "path": str(entry.path)}
        print_json(payload)
        return
    click.echo(f"{entry.id}  ({entry.origin_and_path()})")
    description = payload.pop("description", None)
    if description:
        click.echo(str(description).strip())
    print_table([_("option"), _("value")], text.settings_rows({"theme": payload.pop("theme"), **payload}))
    click.echo(_("run it: screener backtest {value}").format(value=entry.id if entry.origin != 'path' else entry.path))


@specs.command("schema")
def spec_schema() -> None:
    """Print the JSON Schema of spec files (for editors: see README "Editors")."""
    from screener.schema import spec_schema as schema

    print_json(schema())


backtests = click.Group("backtests", commands=dict(specs.commands), hidden=True, help=specs.help)
