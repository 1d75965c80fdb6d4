"""The event-study result as terminal tables: readable at 80 columns and when piped."""

from __future__ import annotations

from typing import Any

import click

from screener.backtest.terminal import _banner, _echo_wrapped
from screener.cli._output import print_table
from screener.report.event.view import EventView

RIGHT, LEFT = "right", "left"


def render(result: dict[str, Any]) -> None:
    """Print the events, the CAAR by day, the tests, the members' CARs with their
    tradability, and the warnings."""
    view = EventView(result)
    if view.is_demo:
        _banner(view.label)
    _echo_wrapped(view.title(), indent="")
    _echo_wrapped(view.setup_line(), indent="")
    click.echo(f"data: {view.label}" if view.label.lower().startswith(view.data_source) else f"data: {view.data_source} — {view.label}")
    click.echo()
    _table(view.event_table(), "Events (day 0: the first session on or after the date)", [LEFT, LEFT, LEFT, RIGHT])
    _table(view.caar_table(), "Average abnormal return by day (AAR) and cumulative (CAAR), cross-sectional t",
           [RIGHT] * 6)
    _table(view.test_table(), "Tests (*** p < 0.01, ** p < 0.05, * p < 0.10)", [LEFT, RIGHT] + [RIGHT] * 6)
    if view.residual_note():
        _echo_wrapped(view.residual_note())
        click.echo()
    _table(view.member_table(), "Members: CAR over the window and what you could have traded",
           [LEFT, LEFT, LEFT] + [RIGHT] * 7)
    if view.warnings:
        click.echo(f"Warnings ({len(view.warnings)}):")
        for w in view.warnings:
            who = f"{w['symbol']}: " if w.get("symbol") and not w["message"].startswith(w["symbol"]) else ""
            _echo_wrapped(f"- {who}{w['message']}")
    if view.is_demo:
        click.echo()
        _banner(view.label)


def _table(table: tuple[list[str], list[list[str]]], title: str, justify: list[str]) -> None:
    header, rows = table
    print_table(header, rows, title=title, justify=justify)
    click.echo()
