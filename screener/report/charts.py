"""The report's charts, drawn with matplotlib: cumulative return, drawdown, monthly
returns heatmap, member returns and contributions. Each renders to SVG (text as
outlines, for the HTML report) or PNG (for Markdown).

Colours follow the A-share convention: red is up, green is down."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from screener.data.model import DEMO_LABEL
from screener.report.fonts import find_cjk_font, is_cjk
from screener.report.view import ReportView

BASKET = "#1f4e9c"
BENCH = "#8a8a8a"
UP = "#c8332b"
DOWN = "#1e8a4c"
DEMO_RED = "#b00020"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

# name -> title; the order is the reports' order
CHARTS: dict[str, str] = {
    "equity": "Cumulative return: basket vs benchmark",
    "drawdown": "Drawdown (underwater)",
    "monthly": "Monthly returns of the basket",
    "members": "Member returns and contributions",
}


@contextmanager
def _style(salt: str) -> Iterator[bool]:
    """matplotlib settings for one chart; yields whether a CJK font is in use."""
    import matplotlib
    from matplotlib import font_manager

    families = ["DejaVu Sans"]
    font = find_cjk_font()
    if font is not None:
        family = _register(font_manager, str(font.path), font.family)
        if family:
            families.append(family)
    rc = {
        "font.family": families,
        "font.size": 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "svg.fonttype": "path",
        "svg.hashsalt": salt,
        "figure.dpi": 100,
    }
    with matplotlib.rc_context(rc):
        yield len(families) > 1


def _register(font_manager: Any, path: str, family: str) -> str | None:
    known = {f.name for f in font_manager.fontManager.ttflist if f.fname == path}
    if not known:
        font_manager.fontManager.addfont(path)
        known = {f.name for f in font_manager.fontManager.ttflist if f.fname == path}
    if family in known:
        return family
    return next(iter(sorted(known, key=lambda n: ("SC" not in n, n))), None)


def _percent_axis(axis: Any, decimals: int | None = None) -> None:
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(1.0, decimals=decimals))


SHORT_WINDOW = 12  # sessions: up to this many, every session is a tick


def _date_axis(ax: Any, fig: Any, index: Any) -> None:
    """Session dates on the x axis: every session of a short window (the automatic
    locator would put hourly ticks between them), automatic ticks otherwise."""
    if len(index) <= SHORT_WINDOW:
        from matplotlib.dates import DateFormatter
        from matplotlib.ticker import NullLocator

        ax.set_xticks(index)
        ax.xaxis.set_major_formatter(DateFormatter("%Y-%m-%d"))
        ax.xaxis.set_minor_locator(NullLocator())
    fig.autofmt_xdate()


def _equity(view: ReportView, fig: Any, cjk: bool) -> None:
    ax = fig.subplots()
    eq = view.equity
    ax.plot(eq.index, eq["basket"] - 1.0, color=BASKET, lw=1.8, label="Basket")
    if view.has_benchmark_series:
        ax.plot(eq.index, eq["benchmark"] - 1.0, color=BENCH, lw=1.4, label=f"Benchmark {view.benchmark_label}")
    ax.axhline(0, color="#444", lw=0.6)
    _percent_axis(ax.yaxis)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="best", frameon=False)
    ax.set_title(CHARTS["equity"])
    _date_axis(ax, fig, eq.index)


def _drawdown(view: ReportView, fig: Any, cjk: bool) -> None:
    ax = fig.subplots()
    dd = view.drawdown()
    ax.fill_between(dd.index, dd["basket"], 0, color=BASKET, alpha=0.35, lw=0, label="Basket")
    ax.plot(dd.index, dd["basket"], color=BASKET, lw=1.0)
    if view.has_benchmark_series:
        ax.plot(dd.index, dd["benchmark"], color=BENCH, lw=1.2, label=f"Benchmark {view.benchmark_label}")
    _percent_axis(ax.yaxis)
    ax.set_ylim(top=0.0)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="lower left", frameon=False)
    ax.set_title(CHARTS["drawdown"])
    _date_axis(ax, fig, dd.index)


def _diverging() -> Any:
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("a_share", [DOWN, "#ffffff", UP])


def _monthly(view: ReportView, fig: Any, cjk: bool) -> None:
    import numpy as np
    from matplotlib.colors import TwoSlopeNorm

    table = view.monthly_returns()
    ax = fig.subplots()
    ax.set_title(CHARTS["monthly"])
    if table.empty:
        ax.text(0.5, 0.5, "not enough sessions for monthly returns", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    values = table.to_numpy(dtype=float)
    vmax = float(np.nanmax(np.abs(values))) or 0.01
    ax.imshow(values, cmap=_diverging(), norm=TwoSlopeNorm(0.0, -vmax, vmax), aspect="auto")
    ax.set_xticks(range(13), MONTHS + ["Year"])
    ax.set_yticks(range(len(table.index)), [str(y) for y in table.index])
    ax.tick_params(length=0)
    ax.axvline(11.5, color="#333", lw=1.0)
    for s in ax.spines.values():
        s.set_visible(False)
    for (r, c), v in np.ndenumerate(values):
        if v == v:
            ax.text(c, r, f"{v:+.1%}", ha="center", va="center", fontsize=8,
                    color="white" if abs(v) > 0.6 * vmax else "#111")


def _member_label(m: Any, cjk: bool) -> str:
    if cjk or not any(is_cjk(ch) for ch in m.name):
        return f"{m.name} {m.symbol}"
    return m.symbol


def _members(view: ReportView, fig: Any, cjk: bool) -> None:
    members = sorted(view.members, key=lambda m: (m.contribution is None, m.contribution or 0.0))
    axes = fig.subplots(1, 2, sharey=True)
    if not members:
        for ax in axes:
            ax.set_axis_off()
        axes[0].set_title("No member results in this backtest")
        return
    labels = [_member_label(m, cjk) for m in members]
    for ax, field, title in (
        (axes[0], "total_return", "Member total return"),
        (axes[1], "contribution", "Contribution to basket return"),
    ):
        vals = [getattr(m, field) for m in members]
        shown = [v if v is not None else 0.0 for v in vals]
        colors = [UP if (v or 0) >= 0 else DOWN for v in vals]
        ax.barh(range(len(members)), shown, color=colors, height=0.65)
        ax.axvline(0, color="#444", lw=0.6)
        ax.set_yticks(range(len(members)), labels)
        _percent_axis(ax.xaxis)
        ax.grid(axis="x", alpha=0.3)
        ax.set_title(title)
        span = max((abs(v) for v in shown), default=0.0) or 0.01
        for i, v in enumerate(vals):
            text = "n/a" if v is None else f"{v:+.1%}"
            x = v or 0.0
            ax.text(x + (0.02 * span if x >= 0 else -0.02 * span), i, text, va="center",
                    ha="left" if x >= 0 else "right", fontsize=8)
        ax.set_xlim(min(0.0, min(shown)) - 0.25 * span, max(0.0, max(shown)) + 0.25 * span)


_DRAW: dict[str, Callable[[ReportView, Any, bool], None]] = {
    "equity": _equity,
    "drawdown": _drawdown,
    "monthly": _monthly,
    "members": _members,
}


def _size(name: str, view: ReportView) -> tuple[float, float]:
    if name == "monthly":
        years = max(1, len(view.monthly_returns().index))
        return 10.0, 1.2 + 0.45 * years
    if name == "members":
        return 10.0, 1.4 + 0.38 * max(1, len(view.members))
    return 10.0, 3.8


def figure(view: ReportView, name: str, fmt: str) -> bytes:
    """Chart ``name`` (a key of :data:`CHARTS`) as ``svg`` or ``png`` bytes."""
    from matplotlib.figure import Figure

    with _style(salt=f"{view.stem}-{name}") as cjk:
        fig = Figure(figsize=_size(name, view), layout="constrained")
        _DRAW[name](view, fig, cjk)
        if view.is_demo:  # a chart copied out of the report still says so
            fig.suptitle(DEMO_LABEL, x=0.99, ha="right", color=DEMO_RED, fontsize=10, fontweight="bold")
        buf = io.BytesIO()
        if fmt == "svg":
            fig.savefig(buf, format="svg", metadata={"Date": None})
        else:
            fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    return buf.getvalue()


def inline_svg(svg: bytes, prefix: str) -> str:
    """An SVG document as an element to paste into HTML: no XML prolog or DOCTYPE,
    every id prefixed so that several charts on one page cannot clash, and scalable."""
    text = svg.decode("utf-8")
    text = text[text.index("<svg"):]
    text = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', text)
    text = re.sub(r'(xlink:href|href)="#([^"]+)"', lambda m: f'{m.group(1)}="#{prefix}-{m.group(2)}"', text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", text)
    text = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r'<svg \1', text, count=1)
    aria = html.escape(CHARTS.get(prefix, prefix), quote=True)
    return text.replace("<svg ", f'<svg class="chart" role="img" aria-label="{aria}" data-chart="{prefix}" ', 1)
