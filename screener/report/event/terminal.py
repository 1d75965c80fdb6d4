"""The event-study result on the terminal: the events, AAR and CAAR by day, the tests,
each member's CAR with its tradability, and the warnings, as tables that fit the
terminal (:mod:`screener.report.console`), red up and green down."""

from __future__ import annotations

import click

from screener.i18n import _, ngettext
from screener.report.console import echo_wrapped, print_table
from screener.report.event import text
from screener.report.event.view import EventView
from screener.report.terminal import banner

RIGHT, LEFT = "right", "left"


def render(view: EventView) -> None:
    """Print the report of ``view`` on stdout."""
    if view.is_demo:
        banner(view)  # reads data_source and label, as a ReportView has
    echo_wrapped(text.title(view))
    echo_wrapped(text.setup_line(view))
    echo_wrapped(text.data_line(view))
    click.echo()
    _table(text.event_table(view), _("Events (day 0: the first session on or after the date)"), [LEFT, LEFT, LEFT, RIGHT])
    _table(text.caar_table(view), _("Average abnormal return by day (AAR) and cumulated (CAAR), cross-sectional t"),
           [RIGHT] * 6)
    _table(text.test_table(view), _("Tests (*** p < 0.01, ** p < 0.05, * p < 0.10)"), [LEFT] + [RIGHT] * 7)
    if text.residual_note(view):
        echo_wrapped(text.residual_note(view), indent="  ")
        click.echo()
    cars = text.car_table(view)
    _table(cars, _("Members: cumulative abnormal returns (CAR)"), [LEFT, LEFT, LEFT] + [RIGHT] * (len(cars[0]) - 3))
    headers, rows = text.tradability_table(view)
    print_table(headers, rows, title=_("Could you have traded it?"), justify=[LEFT, LEFT, RIGHT, RIGHT, LEFT, RIGHT, RIGHT])
    echo_wrapped(text.tradability_note(view), indent="  ")
    click.echo()
    warnings = text.warnings(view)
    if warnings:
        click.echo(ngettext("Warning ({n}):", "Warnings ({n}):", len(warnings)).format(n=len(warnings)))
        for kind, message in warnings:
            echo_wrapped("- " + (_("{label}: {value}").format(label=kind, value=message) if kind else message), indent="  ")
    if view.is_demo:
        click.echo()
        banner(view)


def _table(table: tuple[list[str], list[list[str]]], title: str, justify: list[str]) -> None:
    headers, rows = table
    print_table(headers, rows, title=title, justify=justify)
    click.echo()
