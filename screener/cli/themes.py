"""``screener themes``: list, show and validate theme files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from screener.cli import _complete as complete
from screener.cli._options import format_option, registry, themes_dir_option
from screener.cli._output import print_json
from screener.errors import ThemeError, UserError
from screener.fmt import pct
from screener.i18n import _, ngettext
from screener.report import text
from screener.report.console import print_table
from screener.symbols import BOARD_LABELS, index_name, parse_symbol
from screener.theme.loader import load_theme
from screener.theme.model import DayMoveClaim, PeriodReturnClaim, Theme
from screener.theme.registry import builtin_themes_dir, theme_files


@click.group()
def themes() -> None:
    """List, inspect and validate themes."""


@themes.command("list")
@themes_dir_option
@format_option("table", "json", help="table, or json: one object per theme.")
def list_themes(themes_dirs: tuple[Path, ...], fmt: str) -> None:
    """List the themes on the search path: id, name, members, where each is defined."""
    rows: list[dict[str, Any]] = []
    entries = list(registry(themes_dirs).entries().values())
    for entry in entries:
        try:
            theme = entry.load()
            name, count, named, error = theme.name, len(theme.members), sum(m.named_in_source for m in theme.members), None
        except ThemeError as exc:
            name, count, named, error = None, None, None, exc.problems[0]
        rows.append(
            {
                "id": entry.id,
                "name": name,
                "members": count,
                "named_in_source": named,
                "origin": entry.origin,
                "path": str(entry.path),
                "shadows": entry.shadows(),
                "error": error,
            }
        )
    if fmt == "json":
        print_json(rows)
        return
    table = [[r["id"], r["name"] or f"INVALID: {r['error']}", r["members"], r["named_in_source"], entry.defined_in()]
             for r, entry in zip(rows, entries)]
    print_table([_("id"), _("name"), _("members"), _("named"), _("defined in")], table,
                justify=["left", "left", "right", "right", "left"])


def _member_rows(theme: Theme) -> list[dict[str, Any]]:
    rows = []
    for m in theme.members:
        sym = parse_symbol(m.symbol)
        band = sym.limit_band()
        rows.append(
            {
                "symbol": m.symbol,
                "name": m.name,
                "board": BOARD_LABELS[sym.board],
                "limit": band,
                "named_in_source": m.named_in_source,
                "weight": m.weight,
                "role": m.role,
            }
        )
    return rows


def _claim_text(claim: PeriodReturnClaim | DayMoveClaim) -> str:
    if isinstance(claim, PeriodReturnClaim):
        op = {"at_least": "≥", "at_most": "≤", "about": "≈"}[claim.comparison]
        tol = f" ±{pct(claim.tolerance, signed=False)}" if claim.tolerance is not None else ""
        return _("{subject} {start}→{end} {op} {value}{tol} (proxy: {proxy})").format(
            subject=claim.subject or _("return"), start=claim.start, end=claim.end, op=op,
            value=pct(claim.value), tol=tol, proxy=claim.proxy)
    return _("{kind} on {date}: {symbols}").format(kind=claim.kind, date=claim.date, symbols=", ".join(claim.symbols))


@themes.command("show")
@click.argument("theme", shell_complete=complete.themes)
@themes_dir_option
@format_option("table", "json", help="table, or json: the validated theme.")
def show_theme(theme: str, themes_dirs: tuple[Path, ...], fmt: str) -> None:
    """Show THEME (an id or a path): members with board and limit band, benchmark, claims."""
    entry = registry(themes_dirs).resolve(theme)
    t = entry.load()
    if fmt == "json":
        payload = t.model_dump(mode="json")
        payload["members"] = [
            {**m, **{k: r[k] for k in ("board", "limit")}} for m, r in zip(payload["members"], _member_rows(t))
        ]
        payload["defined_in"] = {"origin": entry.origin, "path": str(entry.path)}
        print_json(payload)
        return
    click.echo(f"{t.name} [{t.id}]  ({entry.origin_and_path()})")
    if t.description:
        click.echo(t.description.strip())
    for s in t.sources:
        source = _("source: {publisher}, {date}: {title}").format(publisher=s.publisher, date=s.date, title=s.title)
        click.echo(f"{source} <{s.url}>" if s.url else source)
    bench = (f"{t.benchmark.label} {t.benchmark.name or index_name(t.benchmark.label) or ''}".rstrip()
             if t.benchmark else _("000300.SH (default)"))
    click.echo(_("benchmark: {benchmark}").format(benchmark=bench))
    rows = [
        [r["symbol"], r["name"], text.board(r["board"]), f"±{pct(r['limit'], 0, signed=False)}" if r["limit"] else "-",
         _("yes") if r["named_in_source"] else _("added"), r["weight"], r["role"]]
        for r in _member_rows(t)
    ]
    print_table([_("symbol"), _("name"), _("board"), _("limit"), _("named"), _("weight"), _("role")], rows,
                title=_("members"))
    if t.claims:
        print_table(
            ["#", _("id"), _("claim"), _("quote")],
            [[i, c.id, _claim_text(c), c.quote] for i, c in enumerate(t.claims)],
            title=_("claims"),
        )


@themes.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def validate_themes(paths: tuple[Path, ...]) -> None:
    """Validate theme files (every built-in theme when no PATH is given).

    Exit 0 when all are valid; exit 2 with one line per problem otherwise.
    A PATH may be a folder: its *.yaml files are checked.
    """
    files: list[Path] = []
    for p in paths or (builtin_themes_dir(),):
        if p.is_dir():
            files += theme_files(p)
        else:
            files.append(p)
    if not files:
        raise UserError(_("no theme files to validate"))
    problems: list[str] = []
    for f in files:
        try:
            theme = load_theme(f)
        except ThemeError as exc:
            problems += exc.problems
            continue
        n = len(theme.claims)
        click.echo(ngettext(
            "ok  {file}  ({id}: {members} members, {n} claim)", "ok  {file}  ({id}: {members} members, {n} claims)", n
        ).format(file=f, id=theme.id, members=len(theme.members), n=n))
    if problems:
        raise ThemeError(problems)


@themes.command("schema")
def theme_schema() -> None:
    """Print the JSON Schema of theme files (for editors: see README "Editors")."""
    from screener.schema import theme_schema as schema

    print_json(schema())


# Authoring subcommands (extract, import-board) live in their own module.
from screener.cli.themes_author import extract, import_board

themes.add_command(extract)
themes.add_command(import_board)
