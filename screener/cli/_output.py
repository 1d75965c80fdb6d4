"""JSON on stdout. Tables and wrapped text are :mod:`screener.report.console`'s."""

from __future__ import annotations

from typing import Any

import click

from screener._json import json_text


def print_json(payload: Any) -> None:
    """JSON on stdout, UTF-8 (Chinese names stay readable), nothing else."""
    click.echo(json_text(payload))

