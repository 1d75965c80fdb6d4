"""The JSON report: the backtest result exactly as given (the ``--format json`` contract)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from screener.i18n import _
from screener.report.view import ReportError, ReportView


def files(stem: str) -> list[str]:
    return [f"{stem}.json"]


def _default(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(result: dict[str, Any]) -> str:
    """The result as strict JSON text (UTF-8 names kept readable, dates as YYYY-MM-DD)."""
    try:
        return json.dumps(result, ensure_ascii=False, indent=2, allow_nan=False, default=_default)
    except (TypeError, ValueError) as exc:
        raise ReportError(_("the backtest result cannot be written as JSON: {exc}").format(exc=exc)) from None


def render(view: ReportView, stem: str) -> dict[str, bytes]:
    return {f"{stem}.json": (dumps(view.result) + "\n").encode("utf-8")}
