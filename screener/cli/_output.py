"""JSON on stdout. Tables and wrapped text are :mod:`screener.report.console`'s."""

from __future__ import annotations

import json
import math
from typing import Any

import click


def print_json(payload: Any) -> None:
    """JSON on stdout, UTF-8 (Chinese names stay readable), nothing else."""
    click.echo(json_text(payload))


def json_text(payload: Any) -> str:
    """Strict JSON text (RFC 8259): a NaN or infinite number — which Python would write
    as the invalid ``NaN``/``Infinity`` — becomes ``null``, like any missing value."""
    return json.dumps(_finite(payload), ensure_ascii=False, indent=2, default=str, allow_nan=False)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
