"""``screener themes extract`` and ``screener themes import-board``: draft a theme from
an article or from a concept/industry board. Attached to the ``themes`` group; this
module imports only click at load time."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from screener.catalog import origin_text
from screener.cli._options import DATE, data_options, registry, themes_dir_option
from screener.errors import UserError
from screener.i18n import _, ngettext


def _read_text(file: str) -> tuple[str, str]:
    """(text, a label for it) from a path (a regular file within the input size cap) or
    ``-`` (stdin, within the same cap); UTF-8, else GB18030."""
    from screener._input import read_input, read_stream

    if file == "-":
        raw, origin = read_stream(click.get_binary_stream("stdin"), "standard input"), "standard input"
    else:
        raw, origin = read_input(file), Path(file).name
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding), origin
        except UnicodeDecodeError:
            continue
    raise UserError(_("{file}: not UTF-8 or GB18030 text; convert it to UTF-8").format(file=file))


def _emit(text: str, out: Path | None, force: bool) -> None:
    if out is None:
        click.echo(text, nl=False)
        return
    from screener.authoring.draft import write_drafts

    write_drafts({out: text}, force)
    click.echo(_("wrote {out}").format(out=out), err=True)


@click.command("extract")
@click.argument("file", metavar="FILE|-")
@click.option("--story", "story_number", type=click.IntRange(min=1), metavar="N",
              help="Draft only story N of the page (1 = the first; the summary lists them).")
@click.option("--single", is_flag=True, help="Draft the whole text as one theme, without splitting it into stories.")
@click.option("--id", "theme_id", help="Theme id of the one draft (default: from the headline, or the file name).")
@click.option("--name", help="Theme name of the one draft (default: the headline).")
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    help="A folder for one file per story (created if missing), or a .yaml file for one draft. Default: stdout.",
)
@click.option("--force", is_flag=True, help="Overwrite drafts that already exist.")
@click.option("--published", type=DATE, help="Publication date, for relative days (昨日, 上周五) and the year.")
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
    story_number: int | None,
    single: bool,
    theme_id: str | None,
    name: str | None,
    out: Path | None,
    force: bool,
    published: date | None,
    universe_file: Path | None,
    fetch_universe: bool,
    cache_dir: Path | None,
    proxy: str | None,
    themes_dirs: tuple[Path, ...],
) -> None:
    """Draft themes from a news page: one per story that names A-share firms (FILE, or stdin `-`).

    The page is split into stories at bylines (■本报记者 X, 记者 X 北京报道) and the
    headlines above them; each story naming listed firms becomes a draft, the others are
    listed as naming none. Firms are matched by full legal name, short name, former or
    English name or six-digit code against the cached A-share list (never fetched unless
    --fetch-universe) and every known theme. Unlisted groups (中国大唐 …) are reported
    with their listed arms; firms named only as a source (a broker's research, an image
    credit) are reported, not added. Claims (percent moves, 二成, 翻番, limit-up names)
    are listed as comments to confirm. Prints a summary on stderr.
    """
    from screener.authoring.draft import refuse_overwrite, write_drafts
    from screener.authoring.sources import name_index
    from screener.authoring.theme_ids import check_id

    if theme_id is not None:
        check_id(theme_id)
    if story_number is not None and single:
        raise UserError(_("--story and --single cannot be combined: --single drafts the whole text as one story"))
    if universe_file is not None and fetch_universe:
        raise UserError(_("--universe and --fetch-universe cannot be combined: choose one A-share list"))
    if out is not None and _is_file_target(out):
        refuse_overwrite(out, force)
    text, origin = _read_text(file)
    report = name_index(
        registry(themes_dirs), universe_file=universe_file, cache_dir=cache_dir, fetch=fetch_universe, proxy=proxy
    )
    for note in report.notes:
        click.echo(_("note: {note}").format(note=note), err=True)
    results, on_page = _stories(text, report.index, published, single=single, number=story_number)
    _summary(results, origin, on_page)
    drafted = [r for r in results if r.drafted]
    _explain_theme_only_firms(drafted, report)
    if not drafted:
        where = (
            origin if on_page == 1
            else _("story {number} of {origin}").format(number=story_number, origin=origin) if story_number
            else _("any of the {n} stories of {origin}").format(n=on_page, origin=origin)
        )
        raise UserError(
            _(
                "no listed A-share firm found in {where}; nothing to draft (names are matched against "
                "known themes and the cached A-share list: --fetch-universe or --universe FILE)"
            ).format(where=where)
        )
    if len(drafted) > 1 and (theme_id or name):
        raise UserError(_(
            "--id and --name name one draft, and {n} stories are drafted: add --story N"
        ).format(n=len(drafted)))
    drafts = _render_all(drafted, on_page, origin, report.describe(), file, theme_id, name)
    if out is None:
        if len(drafts) > 1:
            numbers = ", ".join(str(r.story.number) for r in drafted)
            raise UserError(
                _(
                    "stories {numbers} of {origin} name listed firms: write one draft per story with "
                    "--out FOLDER, pick one with --story N, or draft the whole text as one theme with --single"
                ).format(numbers=numbers, origin=origin)
            )
        _emit(next(iter(drafts.values())), None, force)
        return
    targets = _targets(out, drafts)
    write_drafts(targets, force)
    for path in targets:
        click.echo(_("wrote {path}").format(path=path), err=True)


def _is_file_target(out: Path) -> bool:
    """--out names a file (one draft) when it ends in .yaml/.yml, else a folder."""
    return out.suffix.lower() in (".yaml", ".yml")


def _stories(
    text: str, index: Any, published: date | None, *, single: bool, number: int | None
) -> tuple[list[Any], int]:
    """The stories to draft — the whole text as one (--single), one of the page's
    (--story N), or all of them — and how many stories the text has."""
    from screener.authoring.extract import PageContext, extract
    from screener.authoring.page import StoryResult, extract_page
    from screener.authoring.stories import Story

    if single:
        x = extract(text, index, PageContext.of(text, published))
        return [StoryResult(Story(1, 0, len(text), text, x.title, None), x, "draft" if x.members else None)], 1
    results = extract_page(text, index, published)
    if number is not None and number > len(results):
        raise UserError(ngettext(
            "--story {number}: the text has {n} story; give 1 to {n}",
            "--story {number}: the text has {n} stories; give 1 to {n}",
            len(results),
        ).format(number=number, n=len(results)))
    return (results if number is None else [results[number - 1]]), len(results)


def _render_all(
    drafted: list[Any], on_page: int, origin: str, universe_note: str, file: str,
    theme_id: str | None, name: str | None,
) -> dict[str, str]:
    """theme id -> draft YAML, for every drafted story. A one-story text keeps the id
    from its file name; the stories of a page take theirs from their headlines."""
    from screener.authoring.draft import Origin, render
    from screener.authoring.theme_ids import slugify

    whole_text = on_page == 1
    drafts = {}
    for r in drafted:
        label = origin if whole_text else f"{origin}, story {r.story.number}"
        tid = theme_id or (slugify(Path(origin).stem if file != "-" else "") if whole_text else r.theme_id)
        drafts[tid] = render(r.extraction, theme_id=tid, name=name, origin=Origin(label, universe_note))
    return drafts


def _targets(out: Path, drafts: dict[str, str]) -> dict[Path, str]:
    """File -> draft: ``out`` itself for one draft and a .yaml name, else one file per
    draft in the folder ``out`` (created here if missing; its parent must exist)."""
    from screener._atomic import not_regular
    from screener._input import special_kind

    if _is_file_target(out):
        if len(drafts) > 1:
            raise UserError(_(
                "--out {out} is one file, and {n} stories are drafted: give a folder"
            ).format(out=out, n=len(drafts)))
        return {out: next(iter(drafts.values()))}
    if out.exists() and not out.is_dir():
        kind = special_kind(out.stat().st_mode)
        if kind is not None:  # a FIFO, a device...: refused as by every writer
            raise not_regular(out, kind)
        raise UserError(_(
            "--out {out} is a file, not a folder: give a folder, or a .yaml file for one draft"
        ).format(out=out))
    if not out.exists():
        parent = out.parent if str(out.parent) else Path(".")
        if not parent.is_dir():
            raise UserError(_("folder {parent} does not exist; create it first").format(parent=parent))
        from screener._atomic import os_reason

        try:
            out.mkdir()
        except OSError as exc:
            raise UserError(_("cannot create folder {out}: {value}").format(out=out, value=os_reason(exc, out))) from None
    return {out / f"{tid}.yaml": draft for tid, draft in drafts.items()}


def _summary(results: list[Any], origin: str, on_page: int) -> None:
    def echo(line: str) -> None:
        click.echo(line, err=True)

    page = on_page > 1
    indent = "  " if page else ""
    if page:
        echo(ngettext("{origin}: {n} story", "{origin}: {n} stories", on_page).format(origin=origin, n=on_page))
    for r in results:
        x = r.extraction
        if page:
            title = r.story.headline or _("(no headline)")
            if r.drafted:
                echo(_("story {number}: {title} — draft {id}").format(number=r.story.number, title=title, id=r.theme_id))
            else:
                echo(_("story {number}: {title} — names no listed firm").format(number=r.story.number, title=title))
        if r.drafted or not page:
            echo(indent + _("listed firms named: {n}").format(n=len(x.members)))
        for f in x.members:
            echo(f"{indent}  {f.symbol}  {f.name}")
        for g in x.groups:
            arms = ", ".join(
                _("{symbol} {name} (member)").format(symbol=a.symbol, name=a.name) if a.symbol in x.member_symbols
                else f"{a.symbol} {a.name}" for a in g.arms
            )
            echo(indent + _("unlisted: {name} — listed arms: {arms}").format(name=g.group.name, arms=arms))
        for f in x.cited:
            echo(indent + _("mentioned, not a member: {symbol} {name} ({cited_as})").format(
                symbol=f.symbol, name=f.name, cited_as=", ".join(sorted(set(f.cited_as)))))
        if x.claims and r.drafted:
            echo(indent + _("claims to confirm: {n} (listed at the end of the draft)").format(n=len(x.claims)))


def _explain_theme_only_firms(drafted: list[Any], report: Any) -> None:
    """With no A-share list, say which firms only a known theme made recognisable."""
    seen: dict[str, Any] = {}
    for r in drafted:
        for f in r.extraction.members:
            if f.known and not f.in_universe:
                seen.setdefault(f.symbol, f)
    if not seen or report.index.universe_size:
        return

    def themes(f: Any) -> str:
        return ", ".join(_("{origin} theme {id}").format(origin=origin_text(report.theme_origins[t]) if t in report.theme_origins else _("known"), id=t) for t in f.themes)

    click.echo(_("note: without an A-share list, these firms were found only because a known theme lists them:"), err=True)
    for f in seen.values():
        click.echo(f"  {f.symbol}  {f.name}  ({themes(f)})", err=True)
    click.echo(
        _(
            "  A listed firm that no known theme lists is missed: fetch the full A-share list with "
            "`screener data fetch --universe` (or pass --fetch-universe), then run this again."
        ),
        err=True,
    )


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
    from screener.authoring.draft import refuse_overwrite, validate
    from screener.authoring.sources import known_themes
    from screener.authoring.theme_ids import check_id
    from screener.data import open_store

    if theme_id is not None:
        check_id(theme_id)
    if out is not None:
        refuse_overwrite(out, force)
    known = {} if is_board_code(board) else known_boards(known_themes(registry(themes_dirs), []), data.demo)
    code, board_name = resolve_board(board, known)
    info = open_store(data).board(code, source=source)  # each store says what to do when it has none
    if info.constituents is None or not len(info.constituents):
        raise UserError(_("board {code} has no constituents; nothing to import").format(code=code))
    text, notes = render_board_theme(
        info, source, theme_id=theme_id, name=name, board_name=board_name, as_of=board_as_of(info)
    )
    for note in notes:
        click.echo(_("note: {note}").format(note=note), err=True)
    theme = validate(text)
    _emit(text, out, force)
    click.echo(_("imported {code}: {n} members").format(code=code, n=len(theme.members)), err=True)
