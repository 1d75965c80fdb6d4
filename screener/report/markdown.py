"""The Markdown report: the HTML report's content as tables, with the charts as PNG
files beside it (``<stem>_<chart>.png``), for pasting into notes or a repository."""

from __future__ import annotations

from typing import Any

from screener import __version__
from screener.report import charts
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


def files(stem: str) -> list[str]:
    return [f"{stem}.md"] + [f"{stem}_{name}.png" for name in charts.CHARTS]


_ESCAPES = {ch: "\\" + ch for ch in "\\`*_[]|#"} | {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def _cell(value: Any) -> str:
    """Text from the result on one line, with Markdown and HTML markup neutralised (a
    renderer that allows raw HTML must not run what a result file carries)."""
    text = " ".join(str(value).split())
    return "".join(_ESCAPES.get(ch, ch) for ch in text) or DASH


def _table(headers: list[str], rows: list[list[Any]], numeric: set[int] = frozenset()) -> list[str]:
    align = ["---:" if i in numeric else "---" for i in range(len(headers))]
    out = ["| " + " | ".join(headers) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return out + [""]


def _image(stem: str, name: str) -> list[str]:
    return [f"![{charts.CHARTS[name]}]({stem}_{name}.png)", ""]


def render(view: ReportView, stem: str) -> dict[str, bytes]:
    b, m = view.basket, view.benchmark
    lines: list[str] = []
    if view.is_demo:
        lines += [
            "> **⚠ DEMO DATA — synthetic prices, not market data.** Every figure below comes from",
            "> generated prices. Do not use it to judge the theme.",
            "",
        ]
    label = f" — {view.label}" if view.label and view.label != view.data_source else ""
    lines += [
        f"# {_cell(view.theme_name)} \\[{_cell(view.theme_id)}\\]",
        "",
        f"- **Window:** {view.start} → {view.end} (base date {view.base_date or DASH})",
        f"- **Benchmark:** {_cell(view.benchmark_label)}",
        f"- **Data source:** {_cell(view.data_source + label)}, data through {view.data_through}",
        "",
    ]
    held = sum(c.verdict == "holds" for c in view.claims)
    lines += [
        "## Headline figures",
        "",
        f"Basket **{pct(b.get('total_return'))}** vs benchmark **{pct(m.get('total_return'))}** "
        f"(excess {pct(m.get('excess_return'))}); max drawdown {pct(b.get('max_drawdown'))}; "
        f"Sharpe {ratio(b.get('sharpe'))}"
        + (f"; {held} of {len(view.claims)} claims hold." if view.claims else "."),
        "",
    ]
    lines += _table(["figure", "basket", "benchmark"], [list(r) for r in headline_rows(view)], {1, 2})
    lines += _table(["relative and money figures", "value"], [list(r) for r in relative_rows(view)], {1})
    lines += ["## Performance", ""]
    for name in ("equity", "drawdown", "monthly"):
        lines += _image(stem, name)
    monthly = view.monthly_returns()
    if not monthly.empty:
        headers = ["year"] + [c[:3] for c in charts.MONTHS] + ["year total"]
        rows = [[str(year)] + [pct(v, 1) for v in row] for year, row in zip(monthly.index, monthly.to_numpy())]
        lines += ["Monthly returns of the basket (computed from the daily equity series):", ""]
        lines += _table(headers, rows, set(range(1, 14)))
    lines += ["## Members", ""]
    if view.members:
        lines += _image(stem, "members")
    lines += _table(
        ["name", "code", "board", "in article", "weight", "return", "contribution", "trades", "blocked orders"],
        [
            [x.name + ("" if x.in_basket else " (dropped: no data)"), x.symbol, x.board or DASH, in_article(x),
             pct(x.weight, signed=False), pct(x.total_return), pct(x.contribution), count(x.trades),
             count(x.blocked_orders)]
            for x in view.members
        ],
        {4, 5, 6, 7, 8},
    )
    lines += ["## Claims", ""]
    if view.claims:
        lines += _table(
            ["id", "kind", "claim", "window", "claimed", "measured", "verdict", "detail"],
            [
                [c.id or DASH, c.kind, c.subject or DASH, c.window, claimed_text(c),
                 claim_value(c, c.measured), c.verdict.replace("_", " "), c.detail or DASH]
                for c in view.claims
            ],
            {4, 5},
        )
        quotes = [c for c in view.claims if c.quote]
        if quotes:
            lines += ["The article's words:", ""]
            for c in quotes:
                lines += [f"- **{_cell(c.id or c.subject or c.kind)}**:", f"  > {_cell(c.quote)}", ""]
    else:
        lines += ["The theme makes no claims to check.", ""]
    lines += ["## Warnings", ""]
    lines += [
        (f"- **{_cell(w.kind.replace('_', ' '))}**: " if w.kind else "- ") + _cell(w.message) for w in view.warnings
    ] or ["No data-quality or trading warnings."]
    lines += [""]
    if view.settings:
        lines += ["## Settings", ""] + _table(["setting", "value"], [[k, v] for k, v in settings_rows(view.settings)])
    lines += ["## Methodology", ""] + [f"- {_cell(n)}" for n in methodology(view)]
    lines += ["", f"_Generated by screener {__version__}. Not investment advice._", ""]
    out = {f"{stem}.md": "\n".join(lines).encode("utf-8")}
    for name in charts.CHARTS:
        out[f"{stem}_{name}.png"] = charts.figure(view, name, "png")
    return out
