"""The JSON report: the event-study result exactly as given (the ``--format json`` contract)."""

from __future__ import annotations

from screener.report.event.view import EventView
from screener.report.json import dumps


def files(stem: str) -> list[str]:
    return [f"{stem}.json"]


def render(view: EventView, stem: str) -> dict[str, bytes]:
    return {f"{stem}.json": (dumps(view.result) + "\n").encode("utf-8")}
