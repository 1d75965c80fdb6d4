"""The JSON document of ``screener compare|sweep|scan`` (README "Many backtests at once").

Keys, in order: ``kind`` (compare|sweep|scan), ``data_source``, ``label``, ``demo``,
``window`` (``start``, ``end``: the span every cell's window lies in), ``settings``
(the options every cell shares), ``grid`` (``{key: [values]}``: what varies), ``sort``
(``figure``, ``order``), ``top`` (how many cells tables show; None: all), ``n_cells``,
``cells`` (every cell, ranked), ``summary`` (``{figure: {min, median, max}}`` over every
cell), ``curves`` (``rank, dates, basket``: the equity curves of the first ranked cells,
at most :data:`CURVES` and ``top``, for the overlaid chart), ``notes``, ``executed``
(where the cells ran: ``mode`` process|local|scheduler, ``workers``, ``scheduler``),
``generated_by``.

A cell: ``rank``, ``params`` (its values of the grid keys), ``theme``, ``theme_name``,
``window`` (``start, base_date, end, sessions``), ``short_window`` (too few sessions to
annualise: tables show the annualised figures as "—"), ``basket`` and ``benchmark`` (the
figures of the backtest JSON), ``claims_hold``, ``claims_total``, ``warnings_n``.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from typing import Any

from screener import __version__
from screener.backtest.metrics import MIN_ANNUALISE_SESSIONS
from screener.batch.cell import Outcome
from screener.batch.plan import Cell, Panel
from screener.data.model import MarketData
from screener.errors import UserError
from screener.i18n import _

KINDS = ("compare", "sweep", "scan")
CURVES = 10  # equity curves kept for the overlaid chart

# figure -> (block, key): what --sort and the summary know, in the order tables show them
FIGURES: dict[str, tuple[str, str]] = {
    "total_return": ("basket", "total_return"),
    "annualized_return": ("basket", "annualized_return"),
    "volatility": ("basket", "volatility"),
    "sharpe": ("basket", "sharpe"),
    "sortino": ("basket", "sortino"),
    "max_drawdown": ("basket", "max_drawdown"),
    "calmar": ("basket", "calmar"),
    "turnover": ("basket", "turnover"),
    "costs_paid": ("basket", "costs_paid"),
    "final_value": ("basket", "final_value"),
    "benchmark_return": ("benchmark", "total_return"),
    "excess_return": ("benchmark", "excess_return"),
    "beta": ("benchmark", "beta"),
    "alpha": ("benchmark", "alpha"),
    "tracking_error": ("benchmark", "tracking_error"),
    "information_ratio": ("benchmark", "information_ratio"),
    "claims_hold": ("cell", "claims_hold"),
}
DEFAULT_SORT = "total_return"


def check_sort(figure: str | None) -> str:
    """The ``--sort`` figure (default total_return); raise for an unknown one."""
    name = (figure or DEFAULT_SORT).strip().lower()
    if name not in FIGURES:
        raise UserError(_(
            "--sort {figure}: unknown figure; sort by any of: {FIGURES}"
        ).format(figure=figure, FIGURES=', '.join(FIGURES)))
    return name


def figure(cell: dict[str, Any], name: str) -> Any:
    """A figure of a document's cell (None when undefined)."""
    block, key = FIGURES[name]
    return cell[key] if block == "cell" else cell[block].get(key)


def build(
    kind: str,
    panels: Sequence[Panel],
    outcomes: dict[int, Outcome],
    md: MarketData,
    *,
    grid: dict[str, list[Any]],
    settings: dict[str, Any],
    sort: str,
    ascending: bool = False,
    top: int | None = None,
    notes: Sequence[str] = (),
    executed: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The document of a batch run (see the module docstring)."""
    cells = [_cell(c, p, outcomes[c.index]) for p in panels for c in p.cells if c.index in outcomes]
    cells.sort(key=lambda c: c["_index"])
    ranked = _rank(cells, sort, ascending)
    dates = {c.index: p.aligned.panel.dates for p in panels if p.aligned is not None for c in p.cells}
    curves = [_curve(c, dates[c["_index"]], outcomes[c["_index"]]) for c in ranked[:min(top or CURVES, CURVES)]]
    for c in ranked:
        del c["_index"]
    windows = [c["window"] for c in ranked]
    return {
        "kind": kind,
        "data_source": md.source.value,
        "label": md.label,
        "demo": bool(md.is_demo),
        "window": {"start": min((w["start"] for w in windows), default=None),
                   "end": max((w["end"] for w in windows), default=None)},
        "settings": settings,
        "grid": grid,
        "sort": {"figure": sort, "order": "ascending" if ascending else "descending"},
        "top": top,
        "n_cells": len(ranked),
        "cells": ranked,
        "summary": summary(ranked),
        "curves": curves,
        "notes": list(notes),
        "executed": executed or {"mode": "process", "workers": None, "scheduler": None},
        "generated_by": f"screener {__version__}",
    }


def _cell(cell: Cell, panel: Panel, out: Outcome) -> dict[str, Any]:
    claims = panel.claims
    return {
        "_index": cell.index,
        "rank": None,
        "params": dict(cell.params),
        "theme": cell.theme.id,
        "theme_name": cell.theme.name,
        "window": {"start": out.start, "base_date": out.base_date, "end": out.end, "sessions": len(out.equity) - 1},
        "short_window": len(out.equity) - 1 < MIN_ANNUALISE_SESSIONS,
        "basket": out.basket,
        "benchmark": out.benchmark,
        "claims_hold": sum(c.get("verdict") == "holds" for c in claims),
        "claims_total": len(claims),
        "warnings_n": out.warnings_n,
    }


def _rank(cells: list[dict[str, Any]], sort: str, ascending: bool) -> list[dict[str, Any]]:
    """Cells by ``sort`` (missing values last, ties in grid order), ranks from 1."""
    def key(c: dict[str, Any]) -> tuple[bool, float]:
        v = figure(c, sort)
        if v is None:
            return (True, 0.0)
        return (False, float(v) if ascending else -float(v))

    ranked = sorted(cells, key=key)  # stable: ties keep the grid order
    for i, c in enumerate(ranked, 1):
        c["rank"] = i
    return ranked


def summary(cells: Sequence[dict[str, Any]], get: Callable[[dict[str, Any], str], Any] = figure,
            ) -> dict[str, dict[str, float | None]]:
    """Each figure's min, median and max over the cells (None where no cell has it), as
    ``get`` reads them."""
    out = {}
    for name in FIGURES:
        values = [float(v) for c in cells if (v := get(c, name)) is not None]
        out[name] = {
            "min": min(values) if values else None,
            "median": statistics.median(values) if values else None,
            "max": max(values) if values else None,
        }
    return out


def _curve(cell: dict[str, Any], dates: Any, out: Outcome) -> dict[str, Any]:
    return {"rank": cell["rank"], "dates": [d.date().isoformat() for d in dates], "basket": [float(v) for v in out.equity]}


def shown_cells(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The cells tables show: the first ``top`` ranked (all without ``top``)."""
    return doc["cells"][: doc["top"]] if doc.get("top") else doc["cells"]
