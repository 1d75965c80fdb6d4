"""``screener data fetch|status|clear``: fill, inspect and empty the market-data cache
(or preview the demo set and a --data-dir folder)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import click

from screener.cli import _complete as complete
from screener.cli._options import DATE, data_options, format_option, registry, themes_dir_option
from screener.cli._output import print_json
from screener.errors import DataError, SymbolError, UserError
from screener.i18n import N_, _, ngettext
from screener.report.console import console, print_table
from screener.report.text import CACHED_ORIGIN, cached_origin_label, origin_label, source_label
from screener.symbols import EM_BOARD_CODE


@dataclass
class Targets:
    symbols: list[str]
    boards: list[tuple[str, str]]  # (code, source)


def resolve_targets(names: tuple[str, ...], themes_dirs: tuple[Path, ...]) -> Targets:
    """Theme ids/paths expand to members + benchmark; anything else must be a symbol
    or a BK board code."""
    from screener.symbols import normalize

    reg = registry(themes_dirs)
    entries = None
    symbols: list[str] = []
    boards: list[tuple[str, str]] = []
    for name in names:
        if EM_BOARD_CODE.fullmatch(name.upper()):
            boards.append((name.upper(), "em"))
            continue
        if entries is None:
            entries = reg.entries()
        if name in entries or name.endswith((".yaml", ".yml")):
            theme = reg.load(name)
            symbols += [m.symbol for m in theme.members]
            if theme.benchmark is not None:
                if theme.benchmark.symbol:
                    symbols.append(theme.benchmark.symbol)
                else:
                    boards.append((theme.benchmark.board or "", theme.benchmark.source or "em"))
            continue
        try:
            symbols.append(normalize(name))
        except SymbolError as exc:
            known = ", ".join(sorted(entries)) or "none"
            raise UserError(
                _(
                    "{name!r} is not a theme, a symbol or a board code ({exc}); themes: {known}"
                ).format(name=name, exc=exc, known=known)
            ) from None
    return Targets(list(dict.fromkeys(symbols)), list(dict.fromkeys(boards)))


@click.group("data")
def data() -> None:
    """Fetch market data into the cache, show what is cached, clear it."""


@data.command("fetch")
@click.argument("targets", nargs=-1, shell_complete=complete.themes)
@click.option("--universe", "with_universe", is_flag=True,
              help="Also cache the A-share list (codes, names, full names) and today's valuation "
              "snapshot (PB, market caps), used by `themes extract` and `screen`.")
@click.option("--start", type=DATE, help="First date (YYYY-MM-DD); default 2016-01-01.")
@click.option("--end", type=DATE, help="Last date (YYYY-MM-DD); default: the last closed session.")
@format_option("table", "json", help="table, or json: the summary with every row and warning.")
@themes_dir_option
@data_options
def fetch(targets: tuple[str, ...], with_universe: bool, start: date | None, end: date | None,
          fmt: str, themes_dirs: tuple[Path, ...], data: Any) -> None:
    """Fetch THEME|SYMBOL|BKCODE... into the cache (or read them from --demo / --data-dir).

    Live fetches try eastmoney, then sina, then tencent per symbol and keep going when
    one symbol fails. Exit status: 0 all fetched, 1 some failed, 2 none could be had.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from screener.data import open_store
    from screener.data.live import LiveStore, gap_text

    if not targets and not with_universe:
        raise click.UsageError(_("give a THEME, SYMBOL or BK code to fetch, or --universe"))
    first, last = start, end
    if first and last and first > last:
        raise UserError(_("--start {first} is after --end {last}").format(first=first, last=last))
    wanted = resolve_targets(targets, themes_dirs)
    store = open_store(data)
    rows: list[dict[str, Any]] = []
    labels: set[str] = set()
    notes: dict[str, None] = {}  # distinct notes in order (e.g. the calendar fallback, said once)
    err = console(err=True)
    with Progress(
        TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=True, disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task(_("fetching"), total=len(wanted.symbols) + len(wanted.boards) + 2 * with_universe)
        if with_universe:
            progress.update(task, description=_("A-share list"))
            rows.append(_table_row("A-share list", store.universe, store.source.value))
            progress.advance(task)
            progress.update(task, description=_("valuations"))
            row = _table_row("valuations", store.valuations, store.source.value)
            if isinstance(store, LiveStore) and not row["rows"] and row["status"] != "failed":
                # the live store returns an empty snapshot when it could not have one: a failure
                row = {**row, "status": "failed", "error": (
                    _("none cached for today (snapshots are taken on the day, online)") if store.offline
                    else _("the valuation snapshot could not be fetched"))}
            rows.append(row)
            progress.advance(task)
        for symbol in wanted.symbols:
            progress.update(task, description=symbol)
            try:
                md = store.load([symbol], first, last)
            except UserError as exc:  # e.g. a malformed --data-dir file: list it, keep going
                rows.append(_failed_row(symbol, str(exc)))
            else:
                if md.bars:  # a symbol that failed says so in its row, not in the title
                    labels.add(md.label)
                rows.append(_symbol_row(symbol, md))
                notes.update(dict.fromkeys(_own_notes(symbol, md)))
            progress.advance(task)
        for code, source in wanted.boards:
            progress.update(task, description=code)
            rows.append(_board_row(store, code, source))
            progress.advance(task)
    if isinstance(store, LiveStore):
        store.cache.maybe_consolidate()  # keeps loading thousands of symbols fast
    failed = [r for r in rows if r["status"] == "failed"]
    if fmt == "json":
        print_json({"data_source": store.source.value, "labels": sorted(labels), "notes": list(notes),
                    "results": rows})
    else:
        print_table(
            [_("symbol"), _("name"), _("from"), _("rows"), _("first"), _("last"), _("status")],
            [[r["symbol"], r["name"], cached_origin_label(r["from"]), r["rows"], r["first"], r["last"], _status_text(r)]
             for r in rows],
            title=_data_title(store, labels),
            justify=["left", "left", "left", "right", "left", "left", "left"],
        )
        counts = Counter(r["from"] for r in rows if r["status"] != "failed")
        summary = ", ".join(f"{cached_origin_label(k)} {v}" for k, v in counts.most_common())
        n_warn = sum(len(r.get("warnings", [])) for r in rows)
        click.echo(_fetch_summary(len(rows) - len(failed), len(rows), summary, n_warn))
        by_gap: dict[str, list[str]] = {}
        for r in rows:
            if r["status"] != "failed" and r.get("missing"):
                by_gap.setdefault(gap_text([tuple(g) for g in r["missing"]]), []).append(r["symbol"])
        for gap, symbols in by_gap.items():  # one line per distinct range, as for failures
            click.echo(_("not cached: {gap}: {symbols}").format(gap=gap, symbols=', '.join(symbols)))
    if fmt != "json":
        _print_warnings(rows, notes)
    by_reason: dict[str, list[str]] = {}
    for r in failed:
        r["error"] = str(r["error"]).removeprefix(f"{r['symbol']}: ")
        by_reason.setdefault(r["error"], []).append(r["symbol"])
    for reason, symbols in by_reason.items():  # one line per distinct reason, not per symbol
        click.echo(_("failed: {symbols}: {reason}").format(symbols=', '.join(symbols), reason=reason), err=True)
    if failed and len(failed) == len(rows):
        if isinstance(store, LiveStore):
            raise DataError(_(
                "no data for any of {n} item(s) (see the failures above) — without network or cache, use "
                "--demo for synthetic prices or --data-dir DIR for your own CSV/Parquet files (or --proxy URL)"
            ).format(n=len(rows)))
        raise DataError(_("no data for any of {n} item(s) (see the failures above)").format(n=len(rows)))
    if failed:
        raise click.exceptions.Exit(1)


def _fetch_summary(fetched: int, total: int, by_origin: str, n_warn: int) -> str:
    """"3 of 4 fetched (cache 2, live 1), 2 data warnings", in the language in use."""
    line = _("{fetched} of {total} fetched").format(fetched=fetched, total=total)
    if by_origin:
        line = _("{line} ({by_origin})").format(line=line, by_origin=by_origin)
    if n_warn:
        line = ngettext("{line}, {n} data warning", "{line}, {n} data warnings", n_warn).format(line=line, n=n_warn)
    return line


# a row's status (English in --format json, a data contract), marked for the catalog: the
# table shows it translated
_STATUSES = (N_("ok"), N_("no rows"), N_("cached (live failed)"), N_("partial"), N_("failed"),
             N_("none (this source has no such table)"))


def _status_text(row: dict[str, Any]) -> str:
    board = re.fullmatch(r"ok, (\d+) members", row["status"])
    if board:
        n = int(board.group(1))
        return ngettext("ok, {n} member", "ok, {n} members", n).format(n=n)
    return _(row["status"])


MAX_WARNINGS = 20  # warning lines printed after a fetch; the rest are counted (all in --format json)


def _failed_row(symbol: str, error: str) -> dict[str, Any]:
    return {"symbol": symbol, "name": "", "from": "-", "rows": 0, "first": None, "last": None,
            "status": "failed", "error": error, "warnings": [], "missing": []}


def _own_notes(symbol: str, md: Any) -> list[str]:
    """The load's notes minus those about this symbol's absence, gaps or failed refresh,
    which its row already shows (status, missing ranges, failure line)."""
    shown = symbol in md.missing or symbol in md.gaps or symbol in md.errors
    return [n for n in md.notes if not (shown and symbol in n)]


def _print_warnings(rows: list[dict[str, Any]], notes: dict[str, None]) -> None:
    """Notes, then each quality warning (the first MAX_WARNINGS), then stale-cache reasons."""
    for note in notes:
        click.echo(_("note: {note}").format(note=note), err=True)
    warnings = [w for r in rows for w in r.get("warnings", [])]
    for text in warnings[:MAX_WARNINGS]:
        click.echo(_("warning: {text}").format(text=text), err=True)
    if len(warnings) > MAX_WARNINGS:
        click.echo(_(
            "warning: … and {value} more (all of them in --format json)"
        ).format(value=len(warnings) - MAX_WARNINGS), err=True)
    for r in rows:
        if r["status"] != "failed" and r.get("error"):
            reason = str(r["error"]).replace(f": {r['symbol']}: ", ": ")  # the symbol once
            click.echo(_("warning: {r}: {reason}").format(r=r['symbol'], reason=reason), err=True)


def _symbol_row(symbol: str, md: Any) -> dict[str, Any]:
    bars = md.bars.get(symbol)
    if bars is None:
        return _failed_row(symbol, md.errors.get(symbol, "no data"))
    frame = bars.frame
    status = "ok" if len(frame) else "no rows"
    gaps = md.gaps.get(symbol, [])
    if symbol in md.errors:
        status = "cached (live failed)"
    elif gaps:
        status = "partial"  # the missing dates are listed under the table
    warnings = [i.message for i in md.issues if i.symbol == symbol]  # listed under the table
    origin = bars.origin if bars.source.value in ("live", "demo") else bars.source.value
    if bars.source.value == "cache":
        origin = CACHED_ORIGIN.format(origin=bars.origin)
    return {
        "symbol": symbol, "name": bars.name or "", "from": origin, "rows": len(frame),
        "first": frame.index[0].date() if len(frame) else None,
        "last": frame.index[-1].date() if len(frame) else None,
        "status": status, "error": md.errors.get(symbol), "warnings": warnings,
        "missing": [[a.isoformat(), b.isoformat()] for a, b in gaps],
    }


def _table_row(what: str, fetch_table: Any, origin: str) -> dict[str, Any]:
    """A summary row for a whole-market table (the A-share list, a valuation snapshot)."""
    row = {"symbol": what, "name": "", "from": origin, "rows": 0, "first": None, "last": None}
    try:
        table = fetch_table()
    except UserError as exc:
        return {**row, "status": "failed", "error": str(exc)}
    status = "ok" if len(table) else "none (this source has no such table)"
    return {**row, "rows": len(table), "status": status, "error": None}


def _board_row(store: Any, code: str, source: str) -> dict[str, Any]:
    try:
        board = store.board(code, source)
    except UserError as exc:
        return {"symbol": code, "name": "", "from": "-", "rows": 0, "first": None, "last": None,
                "status": "failed", "error": str(exc)}
    frame = board.bars.frame if board.bars is not None else None
    return {
        "symbol": code, "name": board.name, "from": board.bars.origin if board.bars else board.source.value,
        "rows": 0 if frame is None else len(frame),
        "first": frame.index[0].date() if frame is not None and len(frame) else None,
        "last": frame.index[-1].date() if frame is not None and len(frame) else None,
        "status": f"ok, {len(board.constituents)} members", "error": None,
    }


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"  # pragma: no cover


def _data_title(store: Any, labels: set[str]) -> str:
    """A table's title: where its rows came from, each label in the language in use."""
    named = _("; ").join(sorted(source_label(store.source.value, x) for x in labels))
    return _("data: {labels}").format(labels=named or store.source.value)


def _store_status(store: Any, fmt: str) -> None:
    """Every symbol of the demo set or a --data-dir folder, one row each: a file that cannot
    be used (two files for one symbol, a bad value) is listed with its reason, as the
    cache's damaged files are, and the others still shown."""
    rows: list[dict[str, Any]] = []
    labels: set[str] = set()
    notes: dict[str, None] = {}  # distinct notes in order (e.g. ignored file names, said once)
    for symbol in store.symbols():
        try:
            md = store.load([symbol])
        except UserError as exc:  # e.g. a malformed file: list it, keep going
            rows.append(_store_row(symbol, None, str(exc)))
            continue
        rows.append(_store_row(symbol, md.bars.get(symbol), md.errors.get(symbol, _("no data"))))
        labels.update([md.label] if md.bars else [])
        notes.update(dict.fromkeys(_own_notes(symbol, md)))
    label = "; ".join(sorted(labels)) or store.source.value
    if fmt == "json":
        print_json({"data_source": store.source.value, "label": label, "notes": list(notes), "entries": rows})
        return
    print_table([_("symbol"), _("name"), _("rows"), _("first"), _("last"), _("origin")],
                [[r["key"], r["name"], r["rows"], r["first"], r["last"], _("failed") if r["problem"] else origin_label(r["origin"])]
                 for r in rows],
                title=_data_title(store, labels),
                justify=["left", "left", "right", "left", "left", "left"])
    click.echo(ngettext("{n} symbol", "{n} symbols", len(rows)).format(n=len(rows)))
    for note in notes:
        click.echo(_("note: {note}").format(note=note), err=True)
    for r in rows:
        if r["problem"]:
            reason = str(r["problem"]).removeprefix(f"{r['key']}: ")
            click.echo(_("warning: {r}: {reason}").format(r=r["key"], reason=reason), err=True)


def _store_row(symbol: str, bars: Any, problem: str) -> dict[str, Any]:
    """A status row: the symbol's bars, or (``bars`` None) the ``problem`` that kept them out."""
    if bars is None:
        return {"dataset": "bars", "key": symbol, "rows": 0, "first": None, "last": None,
                "origin": None, "name": None, "problem": problem}
    frame = bars.frame
    return {"dataset": "bars", "key": symbol, "rows": len(frame),
            "first": frame.index[0].date() if len(frame) else None,
            "last": frame.index[-1].date() if len(frame) else None,
            "origin": bars.origin, "name": bars.name, "problem": None}


@data.command("status")
@format_option("table", "json", help="table, or json: every entry.")
@data_options
def status(fmt: str, data: Any) -> None:
    """What is cached (or in the demo set / --data-dir): ranges, sizes, last refresh."""
    from screener.data import open_store
    from screener.data.cache import Cache

    if data.demo or data.data_dir is not None or data.provider is not None:
        _store_status(open_store(data), fmt)
        return
    cache = Cache(data.cache_dir)
    entries = cache.entries()
    rows: list[dict[str, Any]] = [
        {"dataset": e.dataset, "key": e.key, "rows": e.rows, "first": e.first, "last": e.last,
         "size": e.size, "fetched_at": e.meta.fetched_at if e.meta else None,
         "origin": e.meta.origin if e.meta else None,
         "covered_end": e.meta.covered_end if e.meta else None, "problem": e.problem}
        for e in entries
    ]
    total = sum(e.size for e in entries)
    if fmt == "json":
        print_json({"cache_dir": str(cache.root), "total_bytes": total, "entries": rows})
        return
    if not entries:
        click.echo(_(
            "the cache at {root} is empty; fill it with `screener data fetch THEME|SYMBOL...`"
        ).format(root=cache.root))
        return
    # 80 columns: the fetch day only (the time is in --format json and the last-refresh line), sizes in total
    print_table(
        [_("dataset"), _("key"), _("rows"), _("first"), _("last"), _("fetched"), _("from")],
        [[r["dataset"], r["key"], r["rows"], r["first"], r["last"],
          r["fetched_at"].strftime("%Y-%m-%d") if r["fetched_at"] else None,
          _("DAMAGED") if r["problem"] else origin_label(r["origin"])] for r in rows],
        title=_("cache: {root}").format(root=cache.root),
        justify=["left", "left", "right", "left", "left", "left", "left"],
    )
    refreshed = max((r["fetched_at"] for r in rows if r["fetched_at"]), default=None)
    by_dataset: Counter[str] = Counter()
    for r in rows:
        by_dataset[r["dataset"]] += r["size"]
    sizes = ", ".join(f"{ds} {_size(n)}" for ds, n in by_dataset.most_common())
    if refreshed:
        click.echo(ngettext(
            "{n} file, {size} ({sizes}), last refresh {refreshed}", "{n} files, {size} ({sizes}), last refresh {refreshed}",
            len(rows),
        ).format(n=len(rows), size=_size(total), sizes=sizes, refreshed=f"{refreshed:%Y-%m-%d %H:%M}"))
    else:
        click.echo(ngettext("{n} file, {size} ({sizes})", "{n} files, {size} ({sizes})", len(rows)).format(
            n=len(rows), size=_size(total), sizes=sizes))
    for e in entries:
        if e.problem:
            fix = f"screener data clear {e.key}" if e.dataset in ("bars", "boards") else "screener data clear"
            click.echo(_(
                "warning: {path} {problem}: it is not used; remove it with `{fix}`"
            ).format(path=e.path, problem=e.problem, fix=fix.removesuffix('.members')),
                       err=True)


@data.command("clear")
@click.argument("symbols", nargs=-1)
@click.option("--dry-run", is_flag=True, help="List the files that would be removed; remove nothing.")
@click.option("--yes", "-y", is_flag=True, help="Clear the whole cache without asking.")
@data_options
def clear(symbols: tuple[str, ...], dry_run: bool, yes: bool, data: Any) -> None:
    """Remove SYMBOL... (or BK codes) from the cache; with no arguments, the whole cache
    (after asking, unless --yes).

    Only files the cache wrote are removed (its bars, boards, universe, valuations and
    snapshot files, with their lock and temp files); anything else in the folder is left
    alone, and a folder holding no cache files at all is refused.
    """
    from screener.data.cache import Cache
    from screener.symbols import normalize

    if data.demo or data.data_dir is not None:
        raise UserError(_("data clear acts on the cache; drop --demo / --data-dir"))
    keys = [s.upper() if EM_BOARD_CODE.fullmatch(s.upper()) else normalize(s) for s in symbols]
    cache = Cache(data.cache_dir)
    planned = cache.planned_removals(keys or None)
    if keys:
        found = {p.name.split(".parquet")[0].removesuffix(".members") for p in planned}
        absent = [k for k in keys if k not in found]
        if absent:
            click.echo(_("not cached: {absent}").format(absent=', '.join(absent)), err=True)
    size = _size(sum(p.lstat().st_size for p in planned))
    if dry_run:
        for path in planned:
            click.echo(str(path))
        click.echo(ngettext(
            "would remove {n} file ({size}) from {root}", "would remove {n} files ({size}) from {root}", len(planned)
        ).format(n=len(planned), size=size, root=cache.root), err=True)
        return
    if not keys and planned and not yes:
        click.confirm(_(
            "Remove all {n} cache files ({size}) from {root}?"
        ).format(n=len(planned), size=size, root=cache.root), abort=True, err=True)
    removed = cache.clear(keys or None)
    click.echo(ngettext("removed {n} file from {root}", "removed {n} files from {root}", len(removed)).format(
        n=len(removed), root=cache.root))
    left = cache.foreign_files() if not keys else []
    if left:
        shown = ", ".join(str(p.relative_to(cache.root)) for p in left[:3]) + (" ..." if len(left) > 3 else "")
        click.echo(_("note: left {n} file(s) that screener did not write: {shown}").format(n=len(left), shown=shown), err=True)
