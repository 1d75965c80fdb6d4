"""The event study's charts, in the reports' style (:func:`screener.report.charts.draw`):
the CAAR by relative day with its 95% band, the daily AARs and day 0 marked; and the
members' abnormal returns as a heat map (case × day). Red is up, green is down."""

from __future__ import annotations

from typing import Any

from screener.i18n import N_, _
from screener.report import charts as base
from screener.report.event import text
from screener.report.event.view import EventView
from screener.report.fonts import is_cjk

CHARTS: dict[str, str] = {
    "caar": N_("Cumulative average abnormal return (CAAR) with its 95% band"),
    "heat": N_("Abnormal return by member and day"),
}


def title(name: str) -> str:
    return _(CHARTS[name])


def _values(rows: list[dict[str, Any]], key: str, index: int | None = None) -> Any:
    import numpy as np

    pick = (lambda r: r[key]) if index is None else (lambda r: r[key][index])
    return np.array([np.nan if pick(r) is None else pick(r) for r in rows], dtype=float)


def _caar(view: EventView, fig: Any, narrow: bool, cjk: bool) -> None:
    import numpy as np

    ax = fig.subplots()
    days = [c["day"] for c in view.caar]
    aar = np.nan_to_num(_values(view.aar, "aar"))
    ax.bar(days, aar, color=[base.UP if v >= 0 else base.DOWN for v in aar], alpha=0.45, width=0.7,
           label=_("AAR (daily)"))
    ax.fill_between(days, _values(view.caar, "ci95", 0), _values(view.caar, "ci95", 1), color=base.BASKET, alpha=0.15,
                    lw=0, label=_("95% band (cross-sectional)"))
    ax.plot(days, _values(view.caar, "caar"), color=base.BASKET, lw=1.8, marker="o", ms=3, label="CAAR")
    ax.axhline(0, color="#444", lw=0.6)
    ax.axvline(0, color=base.DEMO_RED, lw=1.0, ls="--", label=_("day 0"))
    ax.set_xlabel(_("sessions from day 0"))
    base._percent_axis(ax.yaxis)
    ax.grid(axis="y", alpha=0.3)
    base._legend(ax, narrow)
    ax.set_title(title("caar"))


def _heat(view: EventView, fig: Any, narrow: bool, cjk: bool) -> None:
    import numpy as np
    from matplotlib.colors import TwoSlopeNorm

    days, members, values = view.heat()
    ax = fig.subplots()
    ax.set_title(title("heat"))
    grid = np.array([[np.nan if v is None else v for v in row] for row in values], dtype=float).reshape(len(members), len(days))
    vmax = float(np.nanmax(np.abs(grid))) if np.isfinite(grid).any() else 0.0
    vmax = vmax or 0.01
    ax.imshow(grid, cmap=base._diverging(), norm=TwoSlopeNorm(0.0, -vmax, vmax), aspect="auto", interpolation="nearest")
    step = max(1, len(days) // (8 if narrow else 16))
    ticks = [k for k, d in enumerate(days) if d % step == 0]
    ax.set_xticks(ticks, [text.day(days[k]) for k in ticks])
    labels = [text.heat_label(m) if cjk or not any(is_cjk(ch) for ch in m.name) else f"{m.symbol} · {m.session}"
              for m in members]  # without a CJK font, Chinese names would be boxes
    ax.set_yticks(range(len(members)), labels,
                  fontsize="x-small" if narrow or len(members) > 30 else "small")
    if 0 in days:
        ax.axvline(days.index(0), color="#333", lw=1.0)
    ax.tick_params(length=0)
    ax.set_xlabel(_("sessions from day 0 (blank: no return that day)"))
    for s in ax.spines.values():
        s.set_visible(False)


_DRAW = {"caar": _caar, "heat": _heat}


def _size(name: str, view: EventView, narrow: bool) -> tuple[float, float]:
    width = base.NARROW if narrow else base.WIDE
    if name == "heat":
        return width, 1.4 + 0.22 * max(1, len(view.members))
    return width, 4.4 if narrow else 4.0


def figure(view: EventView, name: str, fmt: str, *, narrow: bool = False) -> bytes:
    """Chart ``name`` (a key of :data:`CHARTS`) as ``svg`` or ``png`` bytes."""
    return base.draw(lambda fig, cjk: _DRAW[name](view, fig, narrow, cjk), size=_size(name, view, narrow),
                     salt=f"{view.stem}-{name}", fmt=fmt, narrow=narrow, demo=view.is_demo)
