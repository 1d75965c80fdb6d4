"""The backtest result on the terminal: the summary, members, claims and warnings as
tables that fit the terminal (see :mod:`screener.report.console`), coloured red up and
green down on a terminal, plain when piped."""

from __future__ import annotations

import click
from rich.cells import cell_len

from screener.fmt import DASH, count, pct, toned
from screener.i18n import _, ngettext
from screener.report import text
from screener.report.console import console, echo_wrapped, print_table
from screener.report.view import ReportView

BENCH_HEADER = 28  # a wider benchmark name is printed on its own line, not as a header


def render(view: ReportView) -> None:
    """Print the report of ``view`` on stdout."""
    if view.is_demo:
        banner(view)
    _header(view)
    click.echo()
    _figures(view)
    click.echo()
    _members(view)
    _claims(view)
    _warnings(view)
    if view.is_demo:
        click.echo()
        banner(view)


def banner(view: ReportView) -> None:
    """The red DEMO line (plain text with stars when piped)."""
    line = _("{label} — not real market data").format(label=text.source_text(view))
    out = console()
    if out.is_terminal:
        out.print(f" {line} ", style="bold white on red")
    else:
        echo_wrapped(f"*** {line} ***")


def _header(view: ReportView) -> None:
    echo_wrapped(f"{view.theme_id} {view.theme_name}: {text.window_line(view)}")
    echo_wrapped(text.settings_line(view))
    echo_wrapped(_("data: {source}").format(source=text.source_text(view)))


def _figures(view: ReportView) -> None:
    bench = text.benchmark_label(view)
    if cell_len(bench) > BENCH_HEADER:  # too wide for a column header
        echo_wrapped(_("benchmark: {name}").format(name=bench))
        bench = _("benchmark ({symbol})").format(symbol=view.benchmark.get("symbol") or DASH)
    rows = [list(r) for r in text.headline_rows(view)] + [[k, v, ""] for k, v in text.relative_rows(view)]
    print_table(["", _("Basket"), bench], rows, justify=["left", "right", "right"])
    if view.short_window:
        echo_wrapped(_("note: {text}").format(text=text.short_window_note(view)))


def _members(view: ReportView) -> None:
    rows = [
        (m.symbol, text.member_name(m), pct(m.weight, signed=False), pct(m.total_return), pct(m.contribution),
         count(m.trades), count(m.blocked_orders))
        for m in view.members
    ]
    print_table(
        [_("Symbol"), _("Name"), _("Weight"), _("Return"), _("Contrib."), _("Trades"), _("Blocked")],
        rows,
        title=_("Members: weight at formation, own return, contribution to the basket"),
        justify=["left", "left", "right", "right", "right", "right", "right"],
    )


_VERDICT_TONES = {"holds": "up", "fails": "down"}


def _claims(view: ReportView) -> None:
    if not view.claims:
        return
    click.echo()
    rows = [
        (c.id or c.kind, text.claim_kind(c.kind), text.claimed_short(c), text.measured_short(c),
         toned(text.verdict(c.verdict).upper(), _VERDICT_TONES.get(c.verdict)))
        for c in view.claims
    ]
    print_table([_("Claim"), _("Kind"), _("Claimed"), _("Measured"), _("Verdict")], rows, title=_("Claims"),
                justify=["left", "left", "right", "right", "left"])
    for c in view.claims:
        echo_wrapped(f"{c.id or c.kind}: {c.detail}", indent="  ")


def _warnings(view: ReportView) -> None:
    if not view.warnings:
        return
    click.echo()
    n = len(view.warnings)
    click.echo(ngettext("Warning ({n}):", "Warnings ({n}):", n).format(n=n))
    for w in view.warnings:
        echo_wrapped(f"- {w.message}", indent="  ")
