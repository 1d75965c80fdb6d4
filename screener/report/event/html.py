"""The event study as one self-contained HTML file, like the backtest report (inline
CSS and SVG charts, a CJK font subset, a Content-Security-Policy that forbids any
network request): the CAAR chart, the tests, an AR heat table, the tradability table."""

from __future__ import annotations

from html import escape
from screener import __version__
from screener.report import charts as base_charts
from screener.report.event import charts
from screener.report.event.view import EventView, day
from screener.report.fonts import subset_font_css
from screener.report.html import CSP, CSS
from screener.report.view import pct

HEAT_CSS = ".heat td{text-align:right;font-size:12px;padding:3px 4px}.heat th{font-size:12px;white-space:nowrap}"


def files(stem: str) -> list[str]:
    return [f"{stem}.html"]


def render(view: EventView, stem: str) -> dict[str, bytes]:
    body = _body(view)
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="zh-Hans"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="screener {escape(__version__)}">\n'
        f"<title>{escape(view.title())}{' · DEMO' if view.is_demo else ''}</title>\n"
        f"<style>{subset_font_css(body)}{CSS}{HEAT_CSS}</style>\n</head>\n<body>\n{body}</body></html>\n"
    )
    return {f"{stem}.html": page.encode("utf-8")}


def _table(header: list[str], rows: list[list[str]], cls: str, numeric_from: int) -> str:
    """A table of text cells (escaped here); columns from ``numeric_from`` on are right-aligned."""
    def cell(tag: str, i: int, text: str) -> str:
        return f"<{tag}{' class=n' if i >= numeric_from else ''}>{escape(text)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(cell("td", i, c) for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _section(id_: str, title: str, *parts: str) -> str:
    return f'<section id="{id_}"><h2>{escape(title)}</h2>{"".join(parts)}</section>'


def _figure(view: EventView, name: str, caption: str) -> str:
    svg = base_charts.inline_svg(charts.figure(view, name, "svg"), name)
    return f'<figure id="chart-{name}">{svg}<figcaption>{escape(caption)}</figcaption></figure>'


def _heat_table(view: EventView) -> str:
    """Each case's AR by day, each cell tinted by its sign and size (red up, green down)."""
    days, labels, values = view.heat()
    top = max((abs(v) for row in values for v in row if v is not None), default=0.0) or 0.01
    head = "<th>member · day 0</th>" + "".join(f"<th class=n>{escape(day(d))}</th>" for d in days)
    rows = []
    for label, row in zip(labels, values):
        cells = []
        for v in row:
            if v is None:
                cells.append("<td>—</td>")
                continue
            alpha = min(1.0, abs(v) / top) * 0.85
            colour = f"rgba(200,51,43,{alpha:.2f})" if v >= 0 else f"rgba(30,138,76,{alpha:.2f})"
            cells.append(f'<td style="background:{colour}">{escape(pct(v, 1))}</td>')
        rows.append(f"<tr><th>{escape(label)}</th>{''.join(cells)}</tr>")
    return f'<div style="overflow-x:auto"><table class="heat"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def _body(view: EventView) -> str:
    parts = []
    if view.is_demo:
        parts.append('<div class="demo" role="alert" id="demo-banner">DEMO DATA — synthetic prices, not market data'
                     "<small>Every figure below comes from generated prices. Do not use it to judge the theme.</small></div>")
    parts.append("<main>")
    parts.append(f'<header id="header"><h1>{escape(view.title())}</h1><p class="sub">{escape(view.setup_line())}</p>'
                 f'<p class="sub" id="data-source">Data source: <b>{escape(view.data_source)}</b> — {escape(view.label)}</p></header>')
    parts.append(_section("events", "Events", _event_list(view)))
    parts.append(_section(
        "caar", "Cumulative abnormal return",
        _figure(view, "caar", "CAAR: the mean of the members' cumulative abnormal returns from the window's first day; "
                "the band is its 95% cross-sectional confidence interval; the dashed line marks day 0."),
        _table(*view.caar_table(), "figures", 1),
    ))
    note = view.residual_note()
    parts.append(_section("tests", "Tests", _table(*view.test_table(), "figures", 1),
                          f'<p class="sub">{escape(note)}</p>' if note else ""))
    parts.append(_section("heat", "Abnormal returns by member and day", _heat_table(view)))
    parts.append(_section("tradability", "Could you have traded it?", _table(*view.member_table(), "members", 3)))
    parts.append(_section("warnings", f"Warnings ({len(view.warnings)})", _warnings(view)))
    parts.append(_section("methodology", "Methodology", "<ul>" + "".join(f"<li>{escape(n)}</li>" for n in view.methodology()) + "</ul>"))
    parts.append(f"<footer>Generated by screener {escape(__version__)} from an event-study result "
                 f"({escape(view.data_source)} data). Returns are fractions; not investment advice.</footer>")
    parts.append("</main>\n")
    return "\n".join(parts)


def _event_list(view: EventView) -> str:
    header, rows = view.event_table()
    quotes = "".join(f"<blockquote>{escape(e['date'])}: {escape(e['quote'])}</blockquote>"
                     for e in view.events if e.get("quote"))
    return _table(header, rows, "events", 3) + quotes


def _warnings(view: EventView) -> str:
    if not view.warnings:
        return "<p>No data-quality or estimation warnings.</p>"
    items = "".join(f'<li><span class="tag">{escape(str(w.get("kind") or "").replace("_", " "))}</span> '
                    f"{escape(str(w.get('message') or ''))}</li>" for w in view.warnings)
    return f'<ul class="warnings">{items}</ul>'
