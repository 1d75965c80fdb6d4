"""Strict JSON text, as every ``--format json`` prints it and the Python API gives it."""

from __future__ import annotations

import json
import math
from typing import Any


def json_text(payload: Any, indent: int | None = 2) -> str:
    """Strict JSON text (RFC 8259): a NaN or infinite number — which Python would write
    as the invalid ``NaN``/``Infinity`` — becomes ``null``, like any missing value;
    anything else JSON has no type for (a date) is written as its text."""
    return json.dumps(_finite(payload), ensure_ascii=False, indent=indent, default=str, allow_nan=False)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
