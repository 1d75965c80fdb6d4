"""Terminal output: rich tables on a terminal, plain aligned text when piped."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

import click
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table


def console(err: bool = False) -> Console:
    """A rich console on stdout (or stderr); plain, colourless, 80+ columns when piped."""
    stream = sys.stderr if err else sys.stdout
    return Console(file=stream, highlight=False, soft_wrap=False)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return str(value)


def print_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    title: str | None = None,
    justify: Sequence[str] | None = None,
) -> None:
    """Print a table: a rich table on a terminal, aligned plain text otherwise."""
    out = console()
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(columns)]
    sides = list(justify) if justify else ["left"] * len(columns)
    if out.is_terminal:
        table = Table(title=title, title_justify="left")
        for i, col in enumerate(columns):
            table.add_column(col, justify=sides[i])  # type: ignore[arg-type]
        for r in cells:
            table.add_row(*r)
        plain_fits = sum(widths) + 2 * (len(widths) - 1) <= out.width
        natural = Measurement.get(out, out.options.update(width=10**6), table).maximum  # unclamped
        if natural <= out.width or not plain_fits:
            out.print(table)
            return
        # the boxed table would cut cells ("60010…") on this narrow terminal; the plain layout fits
    if title:
        click.echo(title)
    click.echo("  ".join(_pad(c, w, side) for c, w, side in zip(columns, widths, sides)).rstrip())
    for r in cells:
        click.echo("  ".join(_pad(v, w, sides[i]) for i, (v, w) in enumerate(zip(r, widths))).rstrip())


def _width(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def _pad(text: str, width: int, justify: str) -> str:
    gap = " " * (width - _width(text))
    return gap + text if justify == "right" else text + gap


def print_json(payload: Any) -> None:
    """JSON on stdout, UTF-8 (Chinese names stay readable), nothing else."""
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
