"""The event study's charts: the CAAR by relative day with its 95% band and day 0
marked, and the members' abnormal returns as a heat map (case × day). Drawn with the
backtest charts' style (:mod:`screener.report.charts`): red is up, green is down."""

from __future__ import annotations

import io
from typing import Any

from screener.data.model import DEMO_LABEL
from screener.report.charts import BASKET, DEMO_RED, DOWN, UP, _diverging, _percent_axis, _style
from screener.report.event.view import EventView, day

CHARTS: dict[str, str] = {
    "caar": "Cumulative average abnormal return (CAAR) with its 95% band",
    "heat": "Abnormal return by member and day",
}


def _caar(view: EventView, fig: Any) -> None:
    import numpy as np

    ax = fig.subplots()
    days = [c["day"] for c in view.caar]
    caar = np.array([np.nan if c["caar"] is None else c["caar"] for c in view.caar])
    lo = np.array([np.nan if c["ci95"][0] is None else c["ci95"][0] for c in view.caar])
    hi = np.array([np.nan if c["ci95"][1] is None else c["ci95"][1] for c in view.caar])
    aar = np.array([np.nan if a["aar"] is None else a["aar"] for a in view.aar])
    ax.bar(days, np.nan_to_num(aar), color=[UP if v >= 0 else DOWN for v in np.nan_to_num(aar)], alpha=0.45,
           width=0.7, label="AAR (daily)")
    ax.fill_between(days, lo, hi, color=BASKET, alpha=0.15, lw=0, label="95% band (cross-sectional)")
    ax.plot(days, caar, color=BASKET, lw=1.8, marker="o", ms=3, label="CAAR")
    ax.axhline(0, color="#444", lw=0.6)
    ax.axvline(0, color=DEMO_RED, lw=1.0, ls="--", label="day 0")
    ax.set_xlabel("session relative to day 0")
    _percent_axis(ax.yaxis)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="best", frameon=False, fontsize=8)
    ax.set_title(CHARTS["caar"])


def _heat(view: EventView, fig: Any) -> None:
    import numpy as np
    from matplotlib.colors import TwoSlopeNorm

    days, labels, values = view.heat()
    ax = fig.subplots()
    ax.set_title(CHARTS["heat"])
    grid = np.array([[np.nan if v is None else v for v in row] for row in values], dtype=float).reshape(len(labels), len(days))
    vmax = float(np.nanmax(np.abs(grid))) if np.isfinite(grid).any() else 0.01
    ax.imshow(grid, cmap=_diverging(), norm=TwoSlopeNorm(0.0, -(vmax or 0.01), vmax or 0.01), aspect="auto",
              interpolation="nearest")
    step = max(1, len(days) // 16)
    ticks = [k for k, d in enumerate(days) if d % step == 0 or d == 0]
    ax.set_xticks(ticks, [day(days[k]) for k in ticks])
    ax.set_yticks(range(len(labels)), labels, fontsize=7 if len(labels) > 30 else 8)
    if 0 in days:
        ax.axvline(days.index(0), color="#333", lw=1.0)
    ax.tick_params(length=0)
    ax.set_xlabel("session relative to day 0 (blank: no return that day)")
    for s in ax.spines.values():
        s.set_visible(False)


_DRAW = {"caar": _caar, "heat": _heat}


def _size(name: str, view: EventView) -> tuple[float, float]:
    if name == "heat":
        return 10.0, 1.3 + 0.22 * max(1, len(view.members))
    return 10.0, 4.0


def figure(view: EventView, name: str, fmt: str) -> bytes:
    """Chart ``name`` (a key of :data:`CHARTS`) as ``svg`` or ``png`` bytes."""
    from matplotlib.figure import Figure

    with _style(salt=f"{view.stem}-{name}"):
        fig = Figure(figsize=_size(name, view), layout="constrained")
        _DRAW[name](view, fig)
        if view.is_demo:  # a chart copied out of the report still says so
            fig.suptitle(DEMO_LABEL, x=0.99, ha="right", color=DEMO_RED, fontsize=10, fontweight="bold")
        buf = io.BytesIO()
        if fmt == "svg":
            fig.savefig(buf, format="svg", metadata={"Date": None})
        else:
            fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    return buf.getvalue()
