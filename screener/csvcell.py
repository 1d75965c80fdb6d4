"""CSV text that is safe to open in a spreadsheet, written by one writer for every CSV
file screener makes. Excel and WPS run a cell that starts with ``=``, ``+``, ``-`` or
``@`` (or a tab or carriage return before one) as a formula — "formula injection" when
the text comes from a theme file or a data source. Such text gets the usual leading
``'``; numbers stay numbers. A field holding a carriage return or a line feed is
quoted, so that a program treating a bare CR as a row break still sees one cell."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell: text that a spreadsheet would read as a formula is
    prefixed with ``'``; anything else (numbers included) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Rows(io.StringIO):
    """A csv.writer target that ends each row with ``\\n``. The writer's own terminator is
    ``\\r\\n``, which makes it quote a field holding either character (with ``\\n`` alone
    it would leave a bare ``\\r`` unquoted); the writer writes one whole row per call."""

    def write(self, line: str) -> int:
        return super().write(line[:-2] + "\n")


def csv_text(columns: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text of ``columns`` then ``rows``: ``None`` as an empty cell, every cell through
    :func:`safe_cell`, rows ended by ``\\n``, fields holding CR or LF quoted."""
    buf = _Rows()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in columns])
    writer.writerows([["" if v is None else safe_cell(v) for v in row] for row in rows])
    return buf.getvalue()
