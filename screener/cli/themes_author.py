"""``screener themes extract`` and ``screener themes import-board``: draft a theme from
an article or from a concept/industry board. Attached to the ``themes`` group; this
module imports only click at load time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from screener.cli._options import data_options, registry, themes_dir_option
from screener.errors import UserError


def _read_text(file: str) -> tuple[str, str]:
    """(text, a label for it) from a path or ``-`` (stdin); UTF-8, else GB18030."""
    if file == "-":
        raw, origin = click.get_binary_stream("stdin").read(), "standard input"
    else:
        path = Path(file)
        try:
            raw, origin = path.read_bytes(), path.name
        except FileNotFoundError:
            raise UserError(f"{file}: no such file") from None
        except OSError as exc:
            raise UserError(f"cannot read {file}: {exc.strerror}") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding), origin
        except UnicodeDecodeError:
            continue
    raise UserError(f"{file}: not UTF-8 or GB18030 text; convert it to UTF-8")


def _emit(text: str, out: Path | None, force: bool) -> None:
    if out is None:
        click.echo(text, nl=False)
        return
    from screener.authoring.draft import write_text

    write_text(text, out, force)
    click.echo(f"wrote {out}", err=True)


@click.command("extract")
@click.argument("file", metavar="FILE|-")
@click.option("--id", "theme_id", help="Theme id (default: from the file name).")
@click.option("--name", help="Theme name (default: the text's first line).")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the draft here, not stdout.")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@click.option(
    "--universe",
    "universe_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV/Parquet with symbol,name[,full_name] to match against instead of the cached A-share list.",
)
@click.option(
    "--fetch-universe",
    is_flag=True,
    help="Fetch the A-share list with akshare when it is not cached or a week old (then cache it).",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="SCREENER_CACHE_DIR",
    help="Cache folder holding the A-share list (default: the user cache dir; env SCREENER_CACHE_DIR).",
)
@click.option("--proxy", envvar="SCREENER_PROXY", help="HTTP(S) proxy for --fetch-universe (env SCREENER_PROXY).")
@themes_dir_option
def extract(
    file: str,
    theme_id: str | None,
    name: str | None,
    out: Path | None,
    force: bool,
    universe_file: Path | None,
    fetch_universe: bool,
    cache_dir: Path | None,
    proxy: str | None,
    themes_dirs: tuple[Path, ...],
) -> None:
    """Draft a theme from an article: find the A-share firms FILE names (or stdin, `-`).

    Firms are matched by full legal name, short name, former/English name or six-digit
    code against the cached A-share list (never fetched unless --fetch-universe) and
    every known theme. Unlisted groups (中国大唐 …)
    are reported with their listed arms; firms named only as a source (a broker's
    research, an image credit) are reported, not added. Claims (dated percent moves,
    limit-up names) are listed as comments to confirm. Prints a summary on stderr.
    """
    from screener.authoring.draft import (
        check_id,
        refuse_overwrite,
        render,
        slugify,
        validate,
    )
    from screener.authoring.extract import extract as run_extract
    from screener.authoring.sources import name_index

    if theme_id is not None:
        check_id(theme_id)
    if out is not None:
        refuse_overwrite(out, force)
    text, origin = _read_text(file)
    if universe_file is not None and fetch_universe:
        raise UserError("--universe and --fetch-universe cannot be combined: choose one A-share list")
    report = name_index(
        registry(themes_dirs), universe_file=universe_file, cache_dir=cache_dir, fetch=fetch_universe, proxy=proxy
    )
    x = run_extract(text, report.index)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    _summary(x)
    if not x.members:
        raise UserError(
            f"no listed A-share firm found in {origin}; nothing to draft (names are matched "
            "against known themes and the cached A-share list: --fetch-universe or --universe FILE)"
        )
    draft = render(
        x,
        theme_id=theme_id or slugify(Path(origin).stem if file != "-" else ""),
        name=name,
        origin=origin,
        universe_note=report.describe(),
    )
    validate(draft)
    _emit(draft, out, force)


def _summary(x: Any) -> None:
    def echo(line: str) -> None:
        click.echo(line, err=True)

    echo(f"listed firms named: {len(x.members)}")
    for f in x.members:
        echo(f"  {f.symbol}  {f.name}")
    for g in x.groups:
        arms = ", ".join(
            f"{a.symbol} {a.name}" + (" (member)" if a.symbol in x.member_symbols else "") for a in g.arms
        )
        echo(f"unlisted: {g.group.name} — listed arms: {arms}")
    for f in x.cited:
        echo(f"mentioned, not a member: {f.symbol} {f.name} ({', '.join(sorted(set(f.cited_as)))})")
    if x.claims:
        echo(f"claims to confirm: {len(x.claims)} (listed at the end of the draft)")


@click.command("import-board")
@click.argument("board", metavar="NAME|CODE")
@click.option("--source", type=click.Choice(["em", "ths"]), default="em", show_default=True,
              help="Board provider: eastmoney (em) or THS (ths).")
@click.option("--id", "theme_id", help="Theme id (default: from the board's name or code).")
@click.option("--name", help="Theme name (default: the board's name).")
@click.option("--out", "-o", type=click.Path(dir_okay=False, path_type=Path), help="Write the theme here, not stdout.")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@themes_dir_option
@data_options
def import_board(
    board: str,
    source: str,
    theme_id: str | None,
    name: str | None,
    out: Path | None,
    force: bool,
    themes_dirs: tuple[Path, ...],
    data: Any,
) -> None:
    """Turn a concept/industry board's constituents into a theme, benchmarked on the board.

    CODE is the board's code (eastmoney BK0xxx). A NAME is looked up among the boards
    known themes use as benchmark (and the demo boards with --demo). The board comes
    through the data layer: live (and cached), --offline from the cache, --demo, or a
    --provider plugin.
    """
    from screener.authoring.board import (
        board_as_of,
        is_board_code,
        known_boards,
        render_board_theme,
        resolve_board,
    )
    from screener.authoring.draft import check_id, refuse_overwrite, validate
    from screener.authoring.sources import known_themes
    from screener.data import open_store

    if theme_id is not None:
        check_id(theme_id)
    if out is not None:
        refuse_overwrite(out, force)
    known = {} if is_board_code(board) else known_boards(known_themes(registry(themes_dirs), []), data.demo)
    code, board_name = resolve_board(board, known)
    info = open_store(data).board(code, source=source)  # each store says what to do when it has none
    if info.constituents is None or not len(info.constituents):
        raise UserError(f"board {code} has no constituents; nothing to import")
    text, notes = render_board_theme(
        info, source, theme_id=theme_id, name=name, board_name=board_name, as_of=board_as_of(info)
    )
    for note in notes:
        click.echo(f"note: {note}", err=True)
    theme = validate(text)
    _emit(text, out, force)
    click.echo(f"imported {code}: {len(theme.members)} members", err=True)
