"""Render a :class:`ScreenResult`: terminal cells, a JSON payload, CSV text.

JSON and CSV carry raw values (fractions, CNY, counts); the table shows them rounded
(``+12.3%``, ``1.23B`` CNY). Both machine formats carry the as-of date, data source and
label: JSON at the top level, CSV as the first three columns of every row.
"""

from __future__ import annotations

import dataclasses
import io
import math
from collections.abc import Sequence
from typing import Any

from screener.screen.factors import FACTOR_BY_NAME, FACTOR_NAMES
from screener.screen.run import ScreenResult

DEFAULT_COLUMNS: tuple[str, ...] = ("ret_20d", "ret_60d", "ret_ytd", "vol_20d", "mdd_60d", "amount_20d")
_SIGNED_GROUPS = ("returns", "excess")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_cell(name: str, value: Any) -> str:
    """A factor value as the terminal shows it; ``-`` when missing."""
    if _missing(value):
        return "-"
    factor = FACTOR_BY_NAME[name]
    v = float(value)
    if factor.kind == "pct":
        return f"{v:+.1%}" if factor.group in _SIGNED_GROUPS else f"{v:.1%}"
    if factor.kind == "count":
        return str(int(v))
    if factor.kind == "flag":
        return "yes" if v else "no"
    if factor.kind == "cny":
        return _compact(v)
    return f"{v:.2f}"


def _compact(v: float) -> str:
    for scale, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(v) >= scale:
            return f"{v / scale:.2f}{suffix}"
    return f"{v:.0f}"


def table_columns(result: ScreenResult, columns: Sequence[str] | None) -> list[str]:
    """The factor columns to show: ``columns`` when given (``all``: every factor), else
    the defaults plus any field used by --sort or --where."""
    if columns:
        if list(columns) == ["all"]:
            return list(FACTOR_NAMES)
        return list(dict.fromkeys(columns))
    extra = list(result.sort) + list(result.where_fields)
    return list(dict.fromkeys([*DEFAULT_COLUMNS, *extra]))


def table_rows(result: ScreenResult, columns: Sequence[str]) -> list[list[str]]:
    rows = []
    for i, rec in enumerate(result.rows.to_dict("records"), start=1):
        name = rec["name"] if isinstance(rec["name"], str) else "-"
        rows.append([str(i), rec["symbol"], name, *(format_cell(c, rec[c]) for c in columns)])
    return rows


def _json_value(name: str, value: Any) -> Any:
    if _missing(value):
        return None
    kind = FACTOR_BY_NAME[name].kind
    if kind == "flag":
        return bool(value)
    if kind == "count":
        return int(value)
    return float(value)


def to_payload(result: ScreenResult) -> dict[str, Any]:
    """The JSON document: as_of, data_source, label, universe, ..., rows with every factor."""
    rows = []
    for rec in result.rows.to_dict("records"):
        row: dict[str, Any] = {"symbol": rec["symbol"], "name": rec["name"] if isinstance(rec["name"], str) else None}
        row.update({f: _json_value(f, rec[f]) for f in FACTOR_NAMES})
        rows.append(row)
    return {
        "as_of": result.as_of.isoformat(),
        "data_source": result.data_source,
        "label": result.label,
        "universe": result.universe.describe(),
        "benchmark": result.benchmark,
        "where": result.where,
        "sort": result.sort,
        "order": "desc" if result.descending else "asc",
        "summary": dataclasses.asdict(result.summary),
        "notes": result.notes,
        "warnings": [i.message for i in result.warnings],
        "factors": list(FACTOR_NAMES),
        "rows": rows,
    }


def to_csv(result: ScreenResult) -> str:
    """CSV text: ``as_of, data_source, label, symbol, name`` then every factor; raw values,
    empty when missing, counts and flags as integers."""
    frame = result.rows[["symbol", "name", *FACTOR_NAMES]].copy()
    for f in FACTOR_NAMES:
        if FACTOR_BY_NAME[f].kind in ("count", "flag"):
            frame[f] = frame[f].astype("Int64")
    frame.insert(0, "label", result.label)  # "DEMO — synthetic prices" on demo data: the file says so
    frame.insert(0, "data_source", result.data_source)
    frame.insert(0, "as_of", result.as_of.isoformat())
    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()


def summary_lines(result: ScreenResult) -> list[str]:
    s = result.summary
    line = f"screened {s.screened}"
    if result.where is not None:
        line += f", passed {s.passed}, failed {s.failed}, failed on missing values {s.failed_missing}"
    shown = len(result.rows)
    line += f"; showing {shown}"
    if result.sort:
        line += f" sorted by {','.join(result.sort)} ({'desc' if result.descending else 'asc'})"
    lines = [line]
    if s.no_data:
        lines.append(f"no data up to {result.as_of}: {', '.join(s.no_data)}")
    if s.not_cached:
        lines.append(
            f"not in the cache up to {result.as_of} (left out; run `screener data fetch`): {', '.join(s.not_cached)}"
        )
    return lines


_QUALITY = {
    "missing_sessions": "sessions without a row (suspended?)",
    "non_session_date": "rows on days the exchange was closed",
    "missing_price": "empty price cells",
    "non_positive_price": "prices <= 0",
    "high_below_low": "high below low",
    "close_outside_range": "a close outside [low, high]",
    "limit_breach": "closes beyond the daily limit",
    "zero_volume": "zero volume",
    "adj_factor_unknown": "no adjustment factors (raw prices only)",
}


def warning_lines(result: ScreenResult, shown: int = 5) -> list[str]:
    """One line per kind of data-quality finding: how many symbols, the first few with the
    first date concerned (every message is in the JSON ``warnings``)."""
    by_kind: dict[str, list[Any]] = {}
    for issue in result.warnings:
        by_kind.setdefault(issue.kind, []).append(issue)
    lines = []
    for kind, issues in by_kind.items():
        n = len(issues)
        named = ", ".join(f"{i.symbol} (first {i.date})" if i.date else i.symbol for i in issues[:shown])
        more = f" and {n - shown} more" if n > shown else ""
        what = _QUALITY.get(kind, kind)
        lines.append(f"data quality: {n} symbol{'s' if n != 1 else ''} with {what}: {named}{more}")
    return lines

