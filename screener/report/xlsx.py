"""The Excel workbook: sheets summary, equity, members, claims. Returns are stored as
fractions with a percent number format, so cells keep full precision and sort/plot."""

from __future__ import annotations

import io
import math
from datetime import date, datetime
from typing import Any

from screener.report.view import ReportView, claim_value, in_article, methodology, settings_rows

PCT = "0.00%"
RATIO = "0.00"
MONEY = "#,##0.00"
VALUE = "0.000000"


def files(stem: str) -> list[str]:
    return [f"{stem}.xlsx"]


def _cell_value(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    if isinstance(v, dict):
        return "; ".join(f"{k}: {x}" for k, x in v.items())
    return v


def _sheet(wb: Any, title: str, headers: list[str], rows: list[list[Any]], formats: dict[int, str]) -> Any:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    ws.append(headers)
    for c in ws[1]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="E8EDF3")
    for r in rows:
        ws.append([_cell_value(v) for v in r])
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":  # text from a theme or the data that starts with "=": never a formula
                cell.data_type = "s"
    for col, fmt in formats.items():
        for (cell,) in ws.iter_rows(min_row=2, min_col=col + 1, max_col=col + 1):
            cell.number_format = fmt
    ws.freeze_panes = "A2"
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # print one page wide
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "1:1"
    for i, h in enumerate(headers):
        width = max([len(str(h))] + [_display_len(r[i]) for r in rows[:500] if i < len(r)])
        ws.column_dimensions[get_column_letter(i + 1)].width = min(60, max(9, width + 2))
    return ws


def _display_len(v: Any) -> int:
    text = str(_cell_value(v)) if v is not None else ""
    if isinstance(v, float):
        return 10
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def render(view: ReportView, stem: str) -> dict[str, bytes]:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    b, m = view.basket, view.benchmark
    stamp = datetime.combine(view.data_through, datetime.min.time())
    wb.properties.creator = "screener"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.title = f"{view.theme_name} {view.start} → {view.end}"

    def fig(key: str, src: dict[str, Any]) -> Any:
        v = src.get(key)
        return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None

    summary: list[list[Any]] = []
    formats: list[str | None] = []

    def add(label: str, value: Any, fmt: str | None = None) -> None:
        summary.append([label, value])
        formats.append(fmt)

    if view.is_demo:
        add("WARNING", "DEMO DATA — synthetic prices, not market data")
    add("theme", view.theme_id)
    add("name", view.theme_name)
    add("start", view.start)
    add("end", view.end)
    add("base date", view.base_date)
    add("data source", view.data_source)
    add("data label", view.label or None)
    add("data through", view.data_through)
    add("benchmark", view.benchmark_label)
    for label, key, fmt in (
        ("basket total return", "total_return", PCT), ("basket annualised return", "annualized_return", PCT),
        ("basket volatility", "volatility", PCT), ("basket Sharpe", "sharpe", RATIO),
        ("basket Sortino", "sortino", RATIO), ("basket max drawdown", "max_drawdown", PCT),
        ("basket Calmar", "calmar", RATIO), ("final value (CNY)", "final_value", MONEY),
        ("costs paid (CNY)", "costs_paid", MONEY), ("turnover", "turnover", PCT),
    ):
        add(label, fig(key, b), fmt)
    for label, key, fmt in (
        ("benchmark total return", "total_return", PCT), ("benchmark annualised return", "annualized_return", PCT),
        ("benchmark volatility", "volatility", PCT), ("benchmark max drawdown", "max_drawdown", PCT),
        ("excess return", "excess_return", PCT), ("beta", "beta", RATIO), ("alpha", "alpha", PCT),
        ("tracking error", "tracking_error", PCT), ("information ratio", "information_ratio", RATIO),
    ):
        add(label, fig(key, m), fmt)
    for k, v in settings_rows(view.settings):
        add(f"setting: {k}", v)
    for w in view.warnings:
        add("warning", w.text)
    for n in methodology(view):
        add("note", n)
    ws = _sheet(wb, "summary", ["item", "value"], summary, {})
    for row, fmt in zip(ws.iter_rows(min_row=2, min_col=2, max_col=2), formats):
        if fmt:
            row[0].number_format = fmt
        elif isinstance(row[0].value, (date, datetime)):
            row[0].number_format = "yyyy-mm-dd"
    ws.column_dimensions["B"].width = 70
    for label, cell in ws.iter_rows(min_row=2, max_col=2):
        lines = math.ceil(_display_len(cell.value) / 72) if isinstance(cell.value, str) else 1
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=lines > 1)
        label.alignment = Alignment(vertical="top")
        if lines > 1:
            ws.row_dimensions[cell.row].height = 15 * lines
        if label.value == "WARNING":
            label.font = cell.font = Font(bold=True, color="B00020")

    eq = view.equity
    eq_rows = [[d.date(), *(None if x != x else float(x) for x in vals)] for d, vals in zip(eq.index, eq.to_numpy())]
    eq_ws = _sheet(wb, "equity", ["date", *eq.columns], eq_rows, {i: VALUE for i in range(1, len(eq.columns) + 1)})
    for (cell,) in eq_ws.iter_rows(min_row=2, max_col=1):
        cell.number_format = "yyyy-mm-dd"

    _sheet(
        wb, "members",
        ["symbol", "name", "board", "in article", "in basket", "weight_start", "total_return", "contribution",
         "trades", "blocked_orders"],
        [[x.symbol, x.name, x.board, in_article(x), "yes" if x.in_basket else "dropped: no data", x.weight,
          x.total_return, x.contribution, x.trades, x.blocked_orders] for x in view.members],
        {5: PCT, 6: PCT, 7: PCT},
    )
    claim_rows = [
        [c.id, c.kind, c.subject, c.window, c.raw.get("comparison"), _cell_value(c.claimed),
         claim_value(c, c.measured) if isinstance(c.measured, dict) else c.measured,
         c.verdict, c.detail, c.quote]
        for c in view.claims
    ]
    ws_c = _sheet(wb, "claims", ["id", "kind", "subject", "window", "comparison", "claimed", "measured", "verdict", "detail", "quote"],
                  claim_rows, {})
    for c, (claimed, measured) in zip(view.claims, ws_c.iter_rows(min_row=2, min_col=6, max_col=7)):
        if c.kind == "period_return":
            claimed.number_format = measured.number_format = PCT
    buf = io.BytesIO()
    wb.save(buf)
    return {f"{stem}.xlsx": buf.getvalue()}
