"""JSON on stdout. Tables and wrapped text are :mod:`screener.report.console`'s."""

from __future__ import annotations

import json
from typing import Any

import click


def print_json(payload: Any) -> None:
    """JSON on stdout, UTF-8 (Chinese names stay readable), nothing else."""
    click.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
