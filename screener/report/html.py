"""The HTML report: one self-contained file (inline CSS, charts as inline SVG, a subset
of a CJK font embedded), no script, and a Content-Security-Policy that forbids any
network request at view time."""

from __future__ import annotations

from html import escape
from typing import Any

from screener import __version__
from screener.report import charts
from screener.report.fonts import subset_font_css
from screener.report.view import (
    DASH,
    ReportView,
    claim_value,
    claimed_text,
    in_article,
    count,
    headline_rows,
    methodology,
    pct,
    ratio,
    relative_rows,
    settings_rows,
)

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:"

CSS = """
:root{--ink:#1b1f24;--muted:#5b6470;--line:#d9dee4;--bg:#fff;--soft:#f5f7f9;--up:#c8332b;--down:#1e8a4c;--accent:#1f4e9c}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,ReportCJK,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif}
main{max-width:1080px;margin:0 auto;padding:0 20px 40px}
h1{font-size:26px;margin:18px 0 4px}h2{font-size:19px;margin:30px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}
.sub{color:var(--muted);margin:0 0 4px}
.demo{background:#b00020;color:#fff;font-weight:700;font-size:18px;text-align:center;padding:12px 16px;letter-spacing:.02em}
.demo small{display:block;font-weight:400;font-size:14px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:10px}
.card{background:var(--soft);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.card .k{color:var(--muted);font-size:13px}.card .v{font-size:24px;font-weight:700;font-variant-numeric:tabular-nums}
.card .s{color:var(--muted);font-size:13px}
.up{color:var(--up)}.down{color:var(--down)}
table{border-collapse:collapse;width:100%;margin:8px 0;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600;font-size:13px}
td.n,th.n{text-align:right;white-space:nowrap}
.two{display:grid;grid-template-columns:1fr 1fr;gap:18px}
@media (max-width:760px){.two{grid-template-columns:1fr}}
figure{margin:10px 0}svg.chart{width:100%;height:auto;display:block}
figcaption{color:var(--muted);font-size:13px}
.verdict{display:inline-block;border-radius:4px;padding:1px 8px;font-weight:700;font-size:13px;white-space:nowrap}
.v-holds{background:#dbe9ff;color:#123f86}.v-fails{background:#ffe2c7;color:#8a3b00}.v-no_data{background:#e6e6e6;color:#444}
blockquote{margin:4px 0 0;padding:2px 10px;border-left:3px solid var(--line);color:var(--muted);font-size:14px}
ul.warnings li{margin:3px 0}
.tag{display:inline-block;background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:0 6px;font-size:12px;color:var(--muted)}
h3{font-size:15px;margin:12px 0 6px}
dl.settings{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:4px 16px;margin:0;font-size:14px}
dl.settings div{display:flex;justify-content:space-between;gap:8px;border-bottom:1px dotted var(--line)}
dl.settings dt{color:var(--muted)}dl.settings dd{margin:0;font-weight:600;text-align:right}
.nw{white-space:nowrap}span.id{display:inline-block;min-width:10em}div.quote{min-width:12em}
footer{color:var(--muted);font-size:13px;margin-top:30px;border-top:1px solid var(--line);padding-top:8px}
@media print{.demo{-webkit-print-color-adjust:exact;print-color-adjust:exact}section{break-inside:avoid}}
"""


def files(stem: str) -> list[str]:
    return [f"{stem}.html"]


def render(view: ReportView, stem: str) -> dict[str, bytes]:
    body = _body(view)
    font_css = subset_font_css(body)
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="zh-Hans"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="screener {escape(__version__)}">\n'
        f"<title>{escape(view.theme_name)} · {view.start} → {view.end}"
        f"{' · DEMO' if view.is_demo else ''}</title>\n"
        f"<style>{font_css}{CSS}</style>\n</head>\n<body>\n{body}</body></html>\n"
    )
    return {f"{stem}.html": page.encode("utf-8")}


def _e(value: Any) -> str:
    return escape(str(value))


def _sign_class(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
        return "up" if value > 0 else ("down" if value < 0 else "")
    return ""


def _table(headers: list[str], rows: list[list[str]], numeric: set[int], cls: str = "") -> str:
    """A table of already-escaped cells; ``numeric`` columns are right-aligned."""
    head = "".join(f'<th{" class=n" if i in numeric else ""}>{h}</th>' for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f'<td{" class=n" if i in numeric else ""}>{c}</td>' for i, c in enumerate(r)) + "</tr>"
        for r in rows
    )
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _figure(view: ReportView, name: str, caption: str) -> str:
    svg = charts.inline_svg(charts.figure(view, name, "svg"), name)
    return f'<figure id="chart-{name}">{svg}<figcaption>{_e(caption)}</figcaption></figure>'


def _pct_span(value: Any, signed: bool = True) -> str:
    return f'<span class="{_sign_class(value)}">{_e(pct(value, signed=signed))}</span>'


def _body(view: ReportView) -> str:
    parts = []
    if view.is_demo:
        parts.append(
            '<div class="demo" role="alert" id="demo-banner">DEMO DATA — synthetic prices, not market data'
            "<small>Every figure below comes from generated prices. Do not use it to judge the theme.</small></div>"
        )
    parts.append("<main>")
    parts.append(_header(view))
    parts.append(_headline(view))
    parts.append(
        '<section id="performance"><h2>Performance</h2>'
        + _figure(view, "equity", "Cumulative return from the base date; benchmark: " + view.benchmark_label + ".")
        + _figure(view, "drawdown", "Decline from the running peak, computed from the daily equity series.")
        + _figure(view, "monthly", "Monthly returns computed from the basket's daily equity; the last column compounds each year.")
        + "</section>"
    )
    parts.append(_members(view))
    parts.append(_claims(view))
    parts.append(_warnings(view))
    parts.append(
        '<section id="methodology"><h2>Methodology</h2><ul>'
        + "".join(f"<li>{_e(n)}</li>" for n in methodology(view))
        + "</ul></section>"
    )
    parts.append(
        f"<footer>Generated by screener {_e(__version__)} from a backtest result "
        f"({_e(view.data_source)} data through {view.data_through}). Returns are fractions of "
        "the base value; not investment advice.</footer>"
    )
    parts.append("</main>\n")
    return "\n".join(parts)


def _header(view: ReportView) -> str:
    label = f" — {view.label}" if view.label and view.label != view.data_source else ""
    settings = "".join(f"<div><dt>{_e(k)}</dt><dd>{_e(v)}</dd></div>" for k, v in settings_rows(view.settings))
    settings_html = f'<h3>Settings in effect</h3><dl class="settings">{settings}</dl>' if settings else ""
    return (
        '<header id="header">'
        f"<h1>{_e(view.theme_name)} <span class=sub>[{_e(view.theme_id)}]</span></h1>"
        f'<p class="sub">Window <b>{view.start} → {view.end}</b> · base date {_e(view.base_date or DASH)} · '
        f"benchmark {_e(view.benchmark_label)}</p>"
        f'<p class="sub" id="data-source">Data source: <b>{_e(view.data_source)}</b>{_e(label)} · '
        f"data through <b>{view.data_through}</b></p>"
        f"{settings_html}</header>"
    )


def _headline(view: ReportView) -> str:
    b, m = view.basket, view.benchmark
    cards = [
        ("Basket return", _pct_span(b.get("total_return")), f"annualised {pct(b.get('annualized_return'))}"),
        ("Benchmark return", _pct_span(m.get("total_return")), view.benchmark_label),
        ("Excess return", _pct_span(m.get("excess_return")), "basket − benchmark"),
        ("Max drawdown", _pct_span(b.get("max_drawdown")), f"benchmark {pct(m.get('max_drawdown'))}"),
        ("Sharpe", _e(ratio(b.get("sharpe"))), f"volatility {pct(b.get('volatility'), signed=False)}"),
    ]
    held = sum(c.verdict == "holds" for c in view.claims)
    if view.claims:
        cards.append(("Claims that hold", f"{held} / {len(view.claims)}", "see the claims table"))
    cards_html = "".join(
        f'<div class="card"><div class="k">{_e(k)}</div><div class="v">{v}</div><div class="s">{_e(s)}</div></div>'
        for k, v, s in cards
    )
    figures = _table(["figure", "basket", "benchmark"], [[_e(a), _e(x), _e(y)] for a, x, y in headline_rows(view)], {1, 2}, "figures")
    relative = _table(["relative and money figures", "value"], [[_e(a), _e(x)] for a, x in relative_rows(view)], {1}, "relative")
    return (
        f'<section id="headline"><h2>Headline figures</h2><div class="cards">{cards_html}</div>'
        f'<div class="two">{figures}{relative}</div></section>'
    )


def _members(view: ReportView) -> str:
    rows = [
        [
            _e(m.name) + ("" if m.in_basket else ' <span class="tag">dropped: no data</span>'),
            _e(m.symbol), _e(m.board or DASH), _e(in_article(m)),
            _e(pct(m.weight, signed=False)), _pct_span(m.total_return), _pct_span(m.contribution),
            _e(count(m.trades)), _e(count(m.blocked_orders)),
        ]
        for m in view.members
    ]
    table = _table(
        ["name", "code", "board", "in article", "weight", "return", "contribution", "trades", "blocked orders"],
        rows, {4, 5, 6, 7, 8}, "members",
    )
    chart = _figure(view, "members", "Each member's total return and its contribution to the basket's return, sorted by contribution.") if view.members else ""
    return f'<section id="members"><h2>Members</h2>{chart}{table}</section>'


def _claims(view: ReportView) -> str:
    if not view.claims:
        return '<section id="claims"><h2>Claims</h2><p>The theme makes no claims to check.</p></section>'
    rows = []
    for c in view.claims:
        what = _e(c.subject or c.id or c.kind)
        if c.quote:
            what += f"<blockquote>{_e(c.quote)}</blockquote>"
        claimed = claimed_text(c)
        measured = claim_value(c, c.measured)
        rows.append(
            [
                f"<span class=id>{_e(c.id or DASH)}</span>", _e(c.kind), f'<div class="quote">{what}</div>',
                " → ".join(f"<span class=nw>{_e(p)}</span>" for p in c.window.split(" → ")),
                # one symbol (and its move) a line for day-move claims
                "<br>".join(f"<span class=nw>{_e(p)}</span>" for p in claimed.split(", ")),
                "<br>".join(f"<span class=nw>{_e(p)}</span>" for p in measured.split("; ")),
                f'<span class="verdict v-{_e(c.verdict)}">{_e(c.verdict.replace("_", " "))}</span>',
                _e(c.detail),
            ]
        )
    table = _table(["id", "kind", "claim and quote", "window", "claimed", "measured", "verdict", "detail"], rows, {4, 5}, "claims")
    return f'<section id="claims"><h2>Claims</h2>{table}</section>'


def _warnings(view: ReportView) -> str:
    if not view.warnings:
        return '<section id="warnings"><h2>Warnings</h2><p>No data-quality or trading warnings.</p></section>'
    items = "".join(
        (f'<li><span class="tag">{_e(w.kind.replace("_", " "))}</span> ' if w.kind else "<li>") + f"{_e(w.message)}</li>"
        for w in view.warnings
    )
    return f'<section id="warnings"><h2>Warnings ({len(view.warnings)})</h2><ul class="warnings">{items}</ul></section>'
