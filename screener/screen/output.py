"""Render a :class:`ScreenResult`: terminal cells, a JSON payload, CSV text.

JSON and CSV carry raw values (fractions, CNY, counts); the table shows them rounded,
in the language in use (``+12.3%``; ``1.23B`` CNY, in Chinese ``12.30亿``). Both machine formats carry the as-of date, data source and
label: JSON at the top level, CSV as the first three columns of every row.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

from screener import fmt
from screener.i18n import N_, _, ngettext
from screener.csvcell import csv_text
from screener.screen.factors import FACTOR_BY_NAME, FACTOR_NAMES
from screener.screen.run import ScreenResult

DEFAULT_COLUMNS: tuple[str, ...] = ("ret_20d", "ret_60d", "ret_ytd", "vol_20d", "mdd_60d", "amount_20d")
_SIGNED_GROUPS = ("returns", "excess")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_cell(name: str, value: Any) -> str:
    """A factor value as the terminal shows it (returns toned by their sign); a dash
    when missing."""
    if _missing(value):
        return fmt.DASH
    factor = FACTOR_BY_NAME[name]
    v = float(value)
    if factor.kind == "pct":
        return fmt.pct(v, 1, signed=factor.group in _SIGNED_GROUPS)
    if factor.kind == "count":
        return fmt.count(v)
    if factor.kind == "flag":
        return fmt.yes_no(bool(v))
    if factor.kind == "cny":
        return fmt.amount(v)
    return fmt.ratio(v)


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
        name = rec["name"] if isinstance(rec["name"], str) else fmt.DASH
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
    cells = frame.astype(object).where(frame.notna(), None)
    return csv_text(list(frame.columns), cells.to_numpy().tolist())  # no formula injection in Excel


def table_headers(columns: Sequence[str]) -> list[str]:
    """Headers of the table: rank, symbol, name, then the factor names as ``--where`` and
    ``--sort`` spell them (in every language)."""
    return ["#", _("symbol"), _("name"), *columns]


def heading(result: ScreenResult) -> str:
    """The line above the table: what was screened, as of when, against what, on which data."""
    u = result.universe
    source = result.data_source
    if not result.is_demo and result.label != source:
        source = result.label if result.label.startswith(source) else f"{source} ({result.label})"
    values = {"name": u.name, "id": u.id, "n": len(u.symbols), "as_of": result.as_of,
              "benchmark": result.benchmark, "source": source, "where": result.where}
    if result.where:
        return ngettext(
            "{name} [{id}]: {n} symbol, as of {as_of}, benchmark {benchmark}, data: {source}, where {where}",
            "{name} [{id}]: {n} symbols, as of {as_of}, benchmark {benchmark}, data: {source}, where {where}",
            len(u.symbols)).format(**values)
    return ngettext(
        "{name} [{id}]: {n} symbol, as of {as_of}, benchmark {benchmark}, data: {source}",
        "{name} [{id}]: {n} symbols, as of {as_of}, benchmark {benchmark}, data: {source}",
        len(u.symbols)).format(**values)


def summary_lines(result: ScreenResult) -> list[str]:
    s = result.summary
    shown = len(result.rows)
    order = _("desc") if result.descending else _("asc")
    parts = {"screened": s.screened, "passed": s.passed, "failed": s.failed, "missing": s.failed_missing,
             "shown": shown, "sort": ",".join(result.sort), "order": order}
    if result.where is not None and result.sort:
        line = _("screened {screened}, passed {passed}, failed {failed}, failed on missing values {missing}; "
                 "showing {shown} sorted by {sort} ({order})")
    elif result.where is not None:
        line = _("screened {screened}, passed {passed}, failed {failed}, failed on missing values {missing}; "
                 "showing {shown}")
    elif result.sort:
        line = _("screened {screened}; showing {shown} sorted by {sort} ({order})")
    else:
        line = _("screened {screened}; showing {shown}")
    lines = [line.format(**parts)]
    if s.no_data:
        lines.append(_("no data up to {date}: {symbols}").format(date=result.as_of, symbols=", ".join(s.no_data)))
    if s.not_cached:
        lines.append(_("not in the cache up to {date} (left out; run `screener data fetch`): {symbols}").format(
            date=result.as_of, symbols=", ".join(s.not_cached)))
    return lines


_QUALITY = {
    "missing_sessions": N_("sessions without a row (suspended?)"),
    "non_session_date": N_("rows on days the exchange was closed"),
    "missing_price": N_("empty price cells"),
    "non_positive_price": N_("prices <= 0"),
    "high_below_low": N_("high below low"),
    "close_outside_range": N_("a close outside [low, high]"),
    "limit_breach": N_("closes beyond the daily limit"),
    "zero_volume": N_("zero volume"),
    "adj_factor_unknown": N_("no adjustment factors (raw prices only)"),
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
        named = _(", ").join(
            _("{symbol} (first {date})").format(symbol=i.symbol, date=i.date) if i.date else i.symbol
            for i in issues[:shown]
        )
        what = _(_QUALITY[kind]) if kind in _QUALITY else kind
        if n > shown:
            line = ngettext("data quality: {n} symbol with {what}: {named} and {more} more",
                            "data quality: {n} symbols with {what}: {named} and {more} more", n)
        else:
            line = ngettext("data quality: {n} symbol with {what}: {named}",
                            "data quality: {n} symbols with {what}: {named}", n)
        lines.append(line.format(n=n, what=what, named=named, more=n - shown))
    return lines
