"""CSV cells that are safe to open in a spreadsheet. Excel and WPS run a cell that
starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return before one) as a
formula — "formula injection" when the text comes from a theme file or a data source.
Such text gets the usual leading ``'``; numbers stay numbers."""

from __future__ import annotations

from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell: text that a spreadsheet would read as a formula is
    prefixed with ``'``; anything else (numbers included) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text columns are passed through :func:`safe_cell`."""
    out = frame.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]) and not pd.api.types.is_bool_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    return out
