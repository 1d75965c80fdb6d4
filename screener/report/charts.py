"""The report's charts, drawn with matplotlib: cumulative return (claim windows shaded,
news dates marked), drawdown, relative strength with the rolling excess return, monthly
returns heatmap, member returns and contributions. Each renders to SVG (text as
outlines, for the HTML report) or PNG (for Markdown), wide for a desktop or narrow for a
phone (larger text relative to the width, stacked panels).

Colours follow the A-share convention: red is up, green is down."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from screener.fmt import DASH, pct
from screener.i18n import N_, _, language
from screener.report import text
from screener.report.fonts import find_cjk_faces, is_cjk
from screener.report.view import ROLLING, ReportView

BASKET = "#1f4e9c"
BENCH = "#8a8a8a"
UP = "#c8332b"
DOWN = "#1e8a4c"
DEMO_RED = "#b00020"
CLAIM_SHADE = "#f2b84b"
MARK = "#6b4fa0"
_MONTHS = (N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"),
           N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"))

# name -> title; the order is the reports' order
CHARTS: dict[str, str] = {
    "equity": N_("Cumulative return: basket vs benchmark"),
    "drawdown": N_("Drawdown (underwater)"),
    "relative": N_("Relative strength: basket ÷ benchmark"),
    "monthly": N_("Monthly returns of the basket"),
    "members": N_("Member returns and contributions"),
}
WIDE, NARROW = 10.0, 5.2  # figure widths in inches; the narrow one fills a 390-pixel phone
SHORT_WINDOW = 12  # sessions: up to this many, every session is a tick


def title(name: str) -> str:
    return _(CHARTS[name])


def month_labels() -> list[str]:
    return [f"{i}月" for i in range(1, 13)] if language() == "zh" else [_(m) for m in _MONTHS]


def names(view: ReportView) -> list[str]:
    """The charts that have something to show for ``view``, in order."""
    skip = {"relative"} if not view.has_benchmark_series else set()
    if not view.members:
        skip.add("members")
    return [n for n in CHARTS if n not in skip]


def caption(view: ReportView, name: str) -> str:
    """The sentence under a chart in the HTML report."""
    if name == "equity":
        return _("Cumulative return from the base date; benchmark: {benchmark}. Shaded: claim windows; "
                 "dashed lines: news dates.").format(benchmark=text.benchmark_label(view)) + _late_marks(view)
    if name == "relative":
        return _("Basket ÷ benchmark (rising: the basket leads) and the basket's return over the last {n} "
                 "sessions minus the benchmark's.").format(n=ROLLING)
    return {
        "drawdown": _("Decline from the running peak, computed from the daily equity series."),
        "monthly": _("Monthly returns computed from the basket's daily equity; the last column compounds each year."),
        "members": _("Each member's total return and its contribution to the basket's return, sorted by contribution."),
    }[name]


def _late_marks(view: ReportView) -> str:
    late = [m for m in view.marks() if m.date > view.data_through]
    if not late:
        return ""
    dates = ", ".join(f"{m.date} {m.label}".strip() for m in late)
    return " " + _("After the last data date ({last}): {dates}.").format(last=view.data_through, dates=dates)


@contextmanager
def _style(salt: str, narrow: bool) -> Iterator[bool]:
    """matplotlib settings for one chart; yields whether a CJK font is in use."""
    import matplotlib

    families = ["DejaVu Sans"]
    cjk = _register_cjk()
    if cjk:
        families.append(cjk)
    rc = {
        "font.family": families,
        "font.size": 11 if narrow else 10,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.xmargin": 0,
        "svg.fonttype": "path",
        "svg.hashsalt": salt,
        "figure.dpi": 100,
    }
    with matplotlib.rc_context(rc):
        yield cjk is not None


def _register_cjk() -> str | None:
    """Register every face of the CJK font (regular and bold) with matplotlib; the family
    name to ask for, or None without a CJK font."""
    from matplotlib import font_manager

    faces = find_cjk_faces()
    if not faces:
        return None
    known = {f.fname for f in font_manager.fontManager.ttflist}
    for face in faces:
        if str(face) not in known:
            font_manager.fontManager.addfont(str(face))
    names = {f.name for f in font_manager.fontManager.ttflist if f.fname == str(faces[0])}
    return next(iter(sorted(names, key=lambda n: ("SC" not in n, n))), None)


def _percent_axis(axis: Any, decimals: int | None = None) -> None:
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(1.0, decimals=decimals))


def _date_axis(ax: Any, fig: Any, index: Any) -> None:
    """Session dates on the x axis, from the base date to the last data date: every
    session of a short window (the automatic locator would put hourly ticks between
    them), ISO-dated automatic ticks otherwise."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, DateFormatter
    from matplotlib.ticker import NullLocator

    if len(index) > 1:
        ax.set_xlim(index[0], index[-1])
    if len(index) <= SHORT_WINDOW:
        ax.set_xticks(index)
        ax.xaxis.set_major_formatter(DateFormatter("%Y-%m-%d"))
        ax.xaxis.set_minor_locator(NullLocator())
        fig.autofmt_xdate()
    else:
        locator = AutoDateLocator(minticks=3, maxticks=5 if fig.get_figwidth() < WIDE else 10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator, formats=["%Y", "%Y-%m", "%m-%d", "%H:%M", "%H:%M", "%S"],
                                                          offset_formats=["", "%Y", "%Y-%m", "%Y-%m-%d", "%Y-%m-%d", "%Y-%m-%d"]))


def _legend(ax: Any, narrow: bool, loc: str = "best") -> None:
    if narrow:
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncol=2, frameon=False, fontsize="small")
    else:
        ax.legend(loc=loc, frameon=False)


def _claim_windows(ax: Any, view: ReportView) -> None:
    """Shade each claim's window (a day move: its session) within the equity's dates."""
    import pandas as pd

    first, last = view.equity.index[0], view.equity.index[-1]
    labelled = False
    for _id, start, end in view.claim_windows():
        lo, hi = max(pd.Timestamp(start), first), min(pd.Timestamp(end), last)
        if lo > hi:
            continue
        if lo == hi:  # one session: a band one day wide either side
            lo, hi = lo - pd.Timedelta(hours=12), hi + pd.Timedelta(hours=12)
        ax.axvspan(lo, hi, color=CLAIM_SHADE, alpha=0.18, lw=0, label=None if labelled else _("claim window"))
        labelled = True


def _news_marks(ax: Any, view: ReportView) -> None:
    """A dashed line at each event / source date within the equity's dates."""
    import pandas as pd

    first, last = view.equity.index[0], view.equity.index[-1]
    shown = [m for m in view.marks() if first <= pd.Timestamp(m.date) <= last]
    for i, m in enumerate(shown):
        x = pd.Timestamp(m.date)
        ax.axvline(x, color=MARK, lw=1.0, ls="--", label=None if i else _("news date"))
        right = (x - first) > (last - first) * 0.6  # a label in the right part reads leftwards, inside the axes
        note = ax.annotate(f"{m.date:%m-%d} {m.label}".strip(), xy=(x, 1.0), xycoords=("data", "axes fraction"),
                           xytext=(-3 if right else 3, -2 - 11 * (i % 3)), textcoords="offset points",
                           ha="right" if right else "left", va="top", fontsize="x-small", color=MARK)
        note.set_in_layout(False)  # a long label runs off the edge instead of squeezing the axes to nothing


def _equity(view: ReportView, fig: Any, cjk: bool, narrow: bool) -> None:
    ax = fig.subplots()
    eq = view.equity
    _claim_windows(ax, view)
    ax.plot(eq.index, eq["basket"] - 1.0, color=BASKET, lw=1.8, label=_("Basket"))
    if view.has_benchmark_series:
        ax.plot(eq.index, eq["benchmark"] - 1.0, color=BENCH, lw=1.4,
                label=_("Benchmark {name}").format(name=text.benchmark_label(view)))
    _news_marks(ax, view)
    ax.axhline(0, color="#444", lw=0.6)
    _percent_axis(ax.yaxis)
    ax.grid(axis="y", alpha=0.3)
    _legend(ax, narrow)
    ax.set_title(title("equity"))
    _date_axis(ax, fig, eq.index)


def _drawdown(view: ReportView, fig: Any, cjk: bool, narrow: bool) -> None:
    ax = fig.subplots()
    dd = view.drawdown()
    ax.fill_between(dd.index, dd["basket"], 0, color=BASKET, alpha=0.35, lw=0, label=_("Basket"))
    ax.plot(dd.index, dd["basket"], color=BASKET, lw=1.0)
    if view.has_benchmark_series:
        ax.plot(dd.index, dd["benchmark"], color=BENCH, lw=1.2,
                label=_("Benchmark {name}").format(name=text.benchmark_label(view)))
    _percent_axis(ax.yaxis)
    ax.set_ylim(top=0.0)
    ax.grid(axis="y", alpha=0.3)
    _legend(ax, narrow, "lower left")
    ax.set_title(title("drawdown"))
    _date_axis(ax, fig, dd.index)


def _relative(view: ReportView, fig: Any, cjk: bool, narrow: bool) -> None:
    import numpy as np

    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    top.set_title(title("relative"))
    if not view.has_benchmark_series:
        for ax in (top, bottom):
            ax.set_axis_off()
        top.text(0.5, 0.5, _("no benchmark series in this result"), ha="center", va="center", transform=top.transAxes)
        return
    rs = view.relative_strength()
    top.plot(rs.index, rs, color=BASKET, lw=1.6)
    top.axhline(1.0, color="#444", lw=0.6)
    top.grid(axis="y", alpha=0.3)
    top.set_ylabel(_("basket ÷ benchmark"))
    excess = view.rolling_excess()
    bottom.set_ylabel(_("{n}-session excess").format(n=ROLLING))
    if excess.notna().any():
        values = excess.to_numpy(dtype=float)
        bottom.fill_between(excess.index, values, 0, where=values >= 0, color=UP, alpha=0.5, lw=0, interpolate=True)
        bottom.fill_between(excess.index, values, 0, where=values < 0, color=DOWN, alpha=0.5, lw=0, interpolate=True)
        bottom.plot(excess.index, values, color="#333", lw=0.6)
        bottom.set_ylim(*_padded(np.nanmin(values), np.nanmax(values)))
    else:
        bottom.text(0.5, 0.5, _("needs more than {n} sessions").format(n=ROLLING), ha="center", va="center",
                    transform=bottom.transAxes, color="#666")
    bottom.axhline(0, color="#444", lw=0.6)
    _percent_axis(bottom.yaxis)
    bottom.grid(axis="y", alpha=0.3)
    _date_axis(bottom, fig, rs.index)


def _padded(lo: float, hi: float) -> tuple[float, float]:
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    pad = (hi - lo) * 0.08 or 0.01
    return lo - pad, hi + pad


def _diverging() -> Any:
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("a_share", [DOWN, "#ffffff", UP])


def _monthly(view: ReportView, fig: Any, cjk: bool, narrow: bool) -> None:
    """Years × months (wide) or months × years (narrow: a phone scrolls down, not across)."""
    import numpy as np
    from matplotlib.colors import TwoSlopeNorm

    table = view.monthly_returns()
    ax = fig.subplots()
    ax.set_title(title("monthly"))
    if table.empty:
        ax.text(0.5, 0.5, _("not enough sessions for monthly returns"), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    values = table.to_numpy(dtype=float)
    months, years = month_labels() + [_("Year")], [str(y) for y in table.index]
    if narrow:
        values = values.T
    vmax = float(np.nanmax(np.abs(values))) or 0.01
    ax.imshow(values, cmap=_diverging(), norm=TwoSlopeNorm(0.0, -vmax, vmax), aspect="auto")
    cols, rows = (years, months) if narrow else (months, years)
    ax.set_xticks(range(len(cols)), cols)
    ax.set_yticks(range(len(rows)), rows)
    ax.tick_params(length=0)
    if narrow:
        ax.axhline(11.5, color="#333", lw=1.0)
        ax.xaxis.tick_top()
    else:
        ax.axvline(11.5, color="#333", lw=1.0)
    for s in ax.spines.values():
        s.set_visible(False)
    for (r, c), v in np.ndenumerate(values):
        if v == v:
            ax.text(c, r, pct(v, 1), ha="center", va="center", fontsize="small" if narrow else 8,
                    color="white" if abs(v) > 0.6 * vmax else "#111")


def _member_label(m: Any, cjk: bool) -> str:
    if cjk or not any(is_cjk(ch) for ch in m.name):
        return f"{m.name} {m.symbol}"
    return m.symbol


def _members(view: ReportView, fig: Any, cjk: bool, narrow: bool) -> None:
    members = sorted(view.members, key=lambda m: (m.contribution is None, m.contribution or 0.0))
    axes = fig.subplots(2, 1) if narrow else fig.subplots(1, 2, sharey=True)
    if not members:
        for ax in axes:
            ax.set_axis_off()
        axes[0].set_title(_("No member results in this backtest"))
        return
    labels = [_member_label(m, cjk) for m in members]
    for ax, field, heading in (
        (axes[0], "total_return", _("Member total return")),
        (axes[1], "contribution", _("Contribution to basket return")),
    ):
        vals = [getattr(m, field) for m in members]
        shown = [v if v is not None else 0.0 for v in vals]
        colors = [UP if (v or 0) >= 0 else DOWN for v in vals]
        ax.barh(range(len(members)), shown, color=colors, height=0.65)
        ax.axvline(0, color="#444", lw=0.6)
        ax.set_yticks(range(len(members)), labels)
        _percent_axis(ax.xaxis)
        ax.grid(axis="x", alpha=0.3)
        ax.set_title(heading)
        span = max((abs(v) for v in shown), default=0.0) or 0.01
        for i, v in enumerate(vals):
            x = v or 0.0
            ax.text(x + (0.02 * span if x >= 0 else -0.02 * span), i, DASH if v is None else pct(v, 1), va="center",
                    ha="left" if x >= 0 else "right", fontsize="small" if narrow else 8)
        ax.set_xlim(min(0.0, min(shown)) - 0.3 * span, max(0.0, max(shown)) + 0.3 * span)


_DRAW: dict[str, Callable[[ReportView, Any, bool, bool], None]] = {
    "equity": _equity,
    "drawdown": _drawdown,
    "relative": _relative,
    "monthly": _monthly,
    "members": _members,
}


def _size(name: str, view: ReportView, narrow: bool) -> tuple[float, float]:
    width = NARROW if narrow else WIDE
    if name == "monthly":
        years = max(1, len(view.monthly_returns().index))
        return (width, 1.2 + 0.36 * 13) if narrow else (width, 1.2 + 0.45 * years)
    if name == "members":
        rows = max(1, len(view.members))
        return (width, 2.0 + 0.76 * rows) if narrow else (width, 1.4 + 0.38 * rows)
    if name == "relative":
        return width, 4.6 if narrow else 4.4
    return width, 4.2 if narrow else 3.8


def figure(view: ReportView, name: str, fmt: str, *, narrow: bool = False) -> bytes:
    """Chart ``name`` (a key of :data:`CHARTS`) as ``svg`` or ``png`` bytes."""
    return draw(lambda fig, cjk: _DRAW[name](view, fig, cjk, narrow), size=_size(name, view, narrow),
                salt=f"{view.stem}-{name}", fmt=fmt, narrow=narrow, demo=view.is_demo)


def draw(paint: Callable[[Any, bool], None], *, size: tuple[float, float], salt: str, fmt: str, narrow: bool,
         demo: bool) -> bytes:
    """A chart in the reports' style: ``paint(figure, cjk)`` draws it (``cjk``: a CJK
    font is in use); a demo chart says so in its corner. ``svg`` or ``png`` bytes."""
    from matplotlib.figure import Figure

    variant = "narrow" if narrow else "wide"
    with _style(salt=f"{salt}-{variant}", narrow=narrow) as cjk:
        fig = Figure(figsize=size, layout="constrained")
        paint(fig, cjk)
        if demo:  # a chart copied out of the report still says so
            fig.suptitle(_(text.DEMO_TEXT), x=0.99, ha="right", color=DEMO_RED, fontsize=10, fontweight="bold")
        buf = io.BytesIO()
        if fmt == "svg":
            fig.savefig(buf, format="svg", metadata={"Date": None})
        else:
            fig.savefig(buf, format="png", dpi=110, metadata={"Software": None})
    return buf.getvalue()


def inline_svg(svg: bytes, name: str, variant: str = "wide", label: str | None = None) -> str:
    """An SVG document as an element to paste into HTML: no XML prolog or DOCTYPE,
    every id prefixed so that several charts on one page cannot clash, and scalable;
    ``label`` (default: the chart's title) names it for screen readers."""
    prefix = f"{name}-{variant}"
    doc = svg.decode("utf-8")
    doc = doc[doc.index("<svg"):]
    doc = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', doc)
    doc = re.sub(r'(xlink:href|href)="#([^"]+)"', lambda m: f'{m.group(1)}="#{prefix}-{m.group(2)}"', doc)
    doc = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", doc)
    doc = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"', r'<svg \1', doc, count=1)
    aria = html.escape(label or (title(name) if name in CHARTS else name), quote=True)
    return doc.replace(
        "<svg ", f'<svg class="chart {variant}" role="img" aria-label="{aria}" data-chart="{name}" data-variant="{variant}" ', 1
    )
