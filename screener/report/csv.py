"""CSV files: daily equity, members, claims — one file each, UTF-8 with a byte-order
mark so that Excel and WPS show Chinese names; numbers exactly as in the result
(returns as fractions), except a member's ``shares_end`` (raw shares, fractional after
cash dividends reinvested), rounded to 4 decimals; cells written by
:func:`screener.csvcell.csv_text` (text that a spreadsheet would run as a formula starts
with ``'``, a line break is quoted). The last column, ``data_source``, says on every row
where the prices came from (``demo`` marks synthetic prices even in a file opened on its
own)."""

from __future__ import annotations

import json
from typing import Any

from screener.csvcell import csv_text
from screener.fmt import SHARE_DECIMALS, number
from screener.report.view import ReportView

EQUITY_COLUMNS = ["date", "basket", "benchmark"]
MEMBER_COLUMNS = ["symbol", "name", "board", "weight_start", "total_return", "contribution", "trades", "blocked_orders"]
CLAIM_COLUMNS = ["id", "kind", "subject", "start", "end", "claimed", "measured", "verdict", "detail", "quote"]


def files(stem: str) -> list[str]:
    return [f"{stem}_equity.csv", f"{stem}_members.csv", f"{stem}_claims.csv"]


def _value(v: Any) -> Any:
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return v


def _columns(base: list[str], rows: list[dict[str, Any]]) -> list[str]:
    """The contract's columns first, then any extra field the result carries."""
    extra = [k for r in rows for k in r if k not in base]
    return base + list(dict.fromkeys(extra))


def _csv(columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    # csv_text neutralises a name such as "=HYPERLINK(...)", which must not run in Excel
    return csv_text(columns, ([_value(r.get(c)) for c in columns] for r in rows)).encode("utf-8-sig")


def _shares(member: dict[str, Any]) -> dict[str, Any]:
    """``shares_end`` rounded to :data:`~screener.fmt.SHARE_DECIMALS` decimals (raw shares,
    fractional after cash dividends reinvested: 3328.2124352331602 → 3328.2124); the
    JSON keeps every digit."""
    value = number(member.get("shares_end"))
    return {} if value is None else {"shares_end": round(value, SHARE_DECIMALS)}


def render(view: ReportView, stem: str) -> dict[str, bytes]:
    equity = [dict(r) for r in view.result["equity"]]
    members = [{**m.raw, "board": m.raw.get("board") or m.board, **_shares(m.raw)} for m in view.members]
    claims = [c.raw for c in view.claims]
    source = {"data_source": view.data_source}
    return {
        f"{stem}_{name}.csv": _csv(_columns(base, rows) + ["data_source"], [{**r, **source} for r in rows])
        for name, base, rows in (
            ("equity", EQUITY_COLUMNS, equity), ("members", MEMBER_COLUMNS, members), ("claims", CLAIM_COLUMNS, claims),
        )
    }
