"""Terminal tables and text, fitted to the terminal's width.

A table is drawn boxed on a terminal when it fits, as aligned plain text when piped or
when only that fits, and — below a usable width — as one ``column: value`` line per
field, a block per row. Figures that know their sign (:class:`screener.fmt.Shown`) are
red when up and green when down on a terminal (the A-share convention); piped output
and ``NO_COLOR`` get plain text."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from screener.fmt import DASH
from screener.i18n import _

STYLES = {"up": "red", "down": "green"}


def console(err: bool = False) -> Console:
    """A rich console on stdout (or stderr): colour on a terminal unless ``NO_COLOR``;
    its width is the terminal's (``COLUMNS`` when set, 80 when unknown)."""
    stream = sys.stderr if err else sys.stdout
    return Console(file=stream, highlight=False, soft_wrap=False)


def _text(value: Any) -> str:
    return DASH if value is None else str(value)


def styled(value: Any) -> Text:
    """A cell as rich text, red or green by its ``tone``."""
    return Text(_text(value), style=STYLES.get(getattr(value, "tone", None) or "", ""))


def _pad(text: str, width: int, justify: str) -> str:
    gap = " " * (width - cell_len(text))
    return gap + text if justify == "right" else text + gap


def print_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    title: str | None = None,
    justify: Sequence[str] | None = None,
) -> None:
    """Print a table in the widest layout that fits the terminal (see the module doc)."""
    out = console()
    cells = [[_text(v) for v in row] for row in rows]
    widths = [max([cell_len(c)] + [cell_len(r[i]) for r in cells]) for i, c in enumerate(columns)]
    sides = list(justify) if justify else ["left"] * len(columns)
    plain_width = sum(widths) + 2 * (len(widths) - 1)
    if out.is_terminal and _boxed_fits(out, columns, rows, sides, title):
        return
    if plain_width > out.width:
        print_records(columns, rows, title=title)
        return
    if title:
        _emit(out, title)
    _emit(out, _joined([Text(_pad(c, w, side)) for c, w, side in zip(columns, widths, sides)]))
    for raw, r in zip(rows, cells):
        _emit(out, _joined([_padded(v, t, w, side) for v, t, w, side in zip(raw, r, widths, sides)]))


def _boxed_fits(out: Console, columns: Sequence[str], rows: Sequence[Sequence[Any]], sides: list[str],
                title: str | None) -> bool:
    """Print the boxed table and say True when it fits ``out`` without cutting a cell."""
    from rich.measure import Measurement
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for i, col in enumerate(columns):
        table.add_column(col, justify=sides[i])  # type: ignore[arg-type]
    for r in rows:
        table.add_row(*(styled(v) for v in r))
    natural = Measurement.get(out, out.options.update(width=10**6), table).maximum  # unclamped
    if natural > out.width:
        return False
    out.print(table)
    return True


def _padded(raw: Any, text: str, width: int, side: str) -> Text:
    """A cell padded to ``width``, its colour on the text only."""
    gap = " " * (width - cell_len(text))
    cell = styled(raw)
    return Text.assemble(gap, cell) if side == "right" else Text.assemble(cell, gap)


def _joined(parts: list[Text]) -> Text:
    line = Text("  ").join(parts)
    line.rstrip()
    return line


def _emit(out: Console, line: Text | str) -> None:
    """One line: coloured on a terminal, plain text when piped."""
    if out.is_terminal:
        out.print(line if isinstance(line, Text) else Text(line), overflow="ignore", crop=False)
    else:
        click.echo(line.plain if isinstance(line, Text) else line)


def print_records(columns: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str | None = None) -> None:
    """A table too wide for the terminal: per row, its first field as a heading and one
    indented ``column: value`` line for each other field (wrapped to the width)."""
    out = console()
    if title:
        echo_wrapped(title, out=out)
    for i, row in enumerate(rows):
        if i:
            _emit(out, "")
        head, *rest = list(zip(columns, row))
        echo_wrapped(_("{label}: {value}").format(label=head[0], value=_text(head[1])) if head[0].strip() else _text(head[1]), out=out)
        for name, value in rest:
            echo_wrapped(_("{label}: {value}").format(label=name, value=_text(value)) if name.strip() else _text(value), indent="  ", out=out,
                         tone=getattr(value, "tone", None))


def echo_wrapped(text: str, indent: str = "", *, out: Console | None = None, tone: str | None = None) -> None:
    """``text`` in lines no wider than the terminal (Chinese characters take two cells);
    continuation lines are indented two more spaces. A word longer than a line is cut.
    On a terminal the text is coloured by ``tone`` (up: red, down: green)."""
    out = out or console()
    width = max(10, out.width)
    style = STYLES.get(tone or "", "")
    line, cont = indent, indent + "  "
    for word in text.split():
        if line.strip() and cell_len(line) + 1 + cell_len(word) > width:
            _emit(out, Text(line, style=style))
            line = cont
        line += word if not line.strip() else " " + word
        while cell_len(line) > width:  # a single word wider than the terminal
            head = _cut(line, width)
            _emit(out, Text(head, style=style))
            line = cont + line[len(head):]
    if line.strip():
        _emit(out, Text(line, style=style))


def _cut(text: str, width: int) -> str:
    """The longest prefix of ``text`` that fits ``width`` cells."""
    out = ""
    for ch in text:
        if cell_len(out + ch) > width:
            break
        out += ch
    return out
