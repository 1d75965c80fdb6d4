"""The Excel workbook: sheets summary, equity (with a native line chart), members,
claims — titles in the language in use. Returns are stored as fractions with a percent
format (red up, green down), so cells keep full precision and sort, filter and plot."""

from __future__ import annotations

import io
import math
from datetime import date, datetime
from typing import Any

from screener.fmt import DASH, SHARE_DECIMALS
from screener.i18n import N_, _
from screener.report import text
from screener.report.view import ReportView

PCT = "0.00%"
RETURN = "[Red]+0.00%;[Green]-0.00%;0.00%"  # A-share colours: red up, green down
RATIO = "0.00"
MONEY = "#,##0.00"
VALUE = "0.000000"
SHARES = "#,##0." + "0" * SHARE_DECIMALS  # raw shares: fractional after cash dividends reinvested
SHEETS = {"summary": N_("summary"), "equity": N_("equity"), "members": N_("members"), "claims": N_("claims"),
          "cells": N_("cells"), "about": N_("about")}  # the last two: comparison workbooks (report.comparison)


def files(stem: str) -> list[str]:
    return [f"{stem}.xlsx"]


def _cell_value(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return ", ".join(map(str, v))
    if isinstance(v, dict):
        return "; ".join(f"{k}: {x}" for k, x in v.items())
    return v


def _sheet(wb: Any, name: str, headers: list[str], rows: list[list[Any]], formats: dict[int, str],
           *, table: bool = True) -> Any:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(_(SHEETS[name]) if name in SHEETS else name)  # else a title already translated
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
    if table:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, len(rows) + 1)}"
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # print one page wide
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "1:1"
    for i, h in enumerate(headers):
        width = max([_display_len(h)] + [_display_len(r[i]) for r in rows[:500] if i < len(r)])
        ws.column_dimensions[get_column_letter(i + 1)].width = min(60, max(9, width + 2))
    return ws


def _display_len(v: Any) -> int:
    if isinstance(v, float):
        return 10
    text_ = str(_cell_value(v)) if v is not None else ""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text_)


def render(view: ReportView, stem: str) -> dict[str, bytes]:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    stamp = datetime.combine(view.data_through, datetime.min.time())
    wb.properties.creator = "screener"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.title = f"{view.theme_name} {view.start} → {view.end}"
    _summary(wb, view)
    _equity(wb, view)
    _members(wb, view)
    _claims(wb, view)
    buf = io.BytesIO()
    wb.save(buf)
    return {f"{stem}.xlsx": buf.getvalue()}


def _members(wb: Any, view: ReportView) -> None:
    """The members sheet; the "shares at end" header carries the note saying what they are."""
    from openpyxl.comments import Comment

    ws = _sheet(
        wb, "members",
        [_("symbol"), _("name"), _("board"), _("in article"), _("in basket"), _("weight at start"), _("total return"),
         _("contribution"), _("trades"), _("blocked orders"), _("shares at end")],
        [[x.symbol, x.name, text.board(x.board), text.in_article(x), _("yes") if x.in_basket else _("dropped: no data"),
          x.weight, x.total_return, x.contribution, x.trades, x.blocked_orders, x.shares_end] for x in view.members],
        {5: PCT, 6: RETURN, 7: RETURN, 10: SHARES},
    )
    ws["K1"].comment = Comment(text.shares_note(), "screener", width=320, height=110)


def _summary(wb: Any, view: ReportView) -> None:
    from openpyxl.styles import Alignment, Font

    b, m, r = view.basket, view.benchmark, view.relative
    rows: list[list[Any]] = []
    formats: list[str | None] = []

    def add(label: str, value: Any, fmt: str | None = None) -> None:
        rows.append([label, value])
        formats.append(fmt)

    def fig(src: dict[str, Any], key: str) -> Any:
        v = text.figure(view, src, key, hidden=DASH)
        return v if v == DASH or (isinstance(v, (int, float)) and not isinstance(v, bool)) else None

    if view.is_demo:
        add(_("WARNING"), text.demo_banner()[0])
    add(_("theme"), view.theme_id)
    add(_("name"), view.theme_name)
    add(_("start"), view.start)
    add(_("end"), view.end)
    add(_("base date"), view.base_date)
    add(_("sessions"), view.sessions)
    add(_("data source"), text.source_text(view))
    add(_("data through"), view.data_through)
    add(_("benchmark"), text.benchmark_label(view))
    if view.short_window:
        add(_("note"), text.short_window_note(view))
    for label, key, fmt in (
        (_("basket total return"), "total_return", RETURN), (_("basket annualised return"), "annualized_return", RETURN),
        (_("basket volatility"), "volatility", PCT), (_("basket Sharpe"), "sharpe", RATIO),
        (_("basket Sortino"), "sortino", RATIO), (_("basket max drawdown"), "max_drawdown", RETURN),
        (_("basket Calmar"), "calmar", RATIO), (_("final value (CNY)"), "final_value", MONEY),
        (_("costs paid (CNY)"), "costs_paid", MONEY), (_("turnover"), "turnover", PCT),
    ):
        add(label, fig(b, key), fmt)
    for label, key, fmt in (
        (_("benchmark total return"), "total_return", RETURN),
        (_("benchmark annualised return"), "annualized_return", RETURN),
        (_("benchmark volatility"), "volatility", PCT), (_("benchmark max drawdown"), "max_drawdown", RETURN),
    ):
        add(label, fig(m, key), fmt)
    for label, key, fmt in (
        (_("excess return"), "excess_return", RETURN), (_("beta"), "beta", RATIO), (_("alpha"), "alpha", RETURN),
        (_("tracking error"), "tracking_error", PCT), (_("information ratio"), "information_ratio", RATIO),
    ):
        add(label, fig(r, key), fmt)
    for k, v in text.settings_rows(view.settings):
        add(_("setting: {name}").format(name=k), v)
    for w in view.warnings:
        add(_("warning"), text.warning_text(w))
    for n in text.methodology(view):
        add(_("note"), n)
    ws = _sheet(wb, "summary", [_("item"), _("value")], rows, {}, table=False)
    for row, fmt in zip(ws.iter_rows(min_row=2, min_col=2, max_col=2), formats):
        if fmt and row[0].value != DASH:
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
        if label.value == _("WARNING"):
            label.font = cell.font = Font(bold=True, color="B00020")


def _equity(wb: Any, view: ReportView) -> None:
    from openpyxl.chart import LineChart, Reference

    eq = view.equity
    headers = [_("date"), _("basket")] + ([text.benchmark_label(view)] if "benchmark" in eq else [])
    rows = [[d.date(), *(None if x != x else float(x) for x in vals)] for d, vals in zip(eq.index, eq.to_numpy())]
    ws = _sheet(wb, "equity", headers, rows, {i: VALUE for i in range(1, len(eq.columns) + 1)})
    for (cell,) in ws.iter_rows(min_row=2, max_col=1):
        cell.number_format = "yyyy-mm-dd"
    chart = LineChart()
    chart.title = _("Equity: basket vs benchmark (1.0 at the base date)")
    chart.height, chart.width = 9, 18
    chart.y_axis.number_format = "0.00"
    chart.x_axis.number_format = "yyyy-mm-dd"
    chart.y_axis.title = _("value")
    chart.add_data(Reference(ws, min_col=2, max_col=1 + len(eq.columns), min_row=1, max_row=len(rows) + 1),
                   titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=len(rows) + 1))
    for series, colour in zip(chart.series, ("1F4E9C", "8A8A8A")):
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = 15000
        series.smooth = False
    ws.add_chart(chart, f"{chr(ord('A') + len(headers) + 1)}2")


def _claims(wb: Any, view: ReportView) -> None:
    rows = [
        [c.id, text.claim_kind(c.kind), c.subject, c.window, c.raw.get("comparison"), _cell_value(c.claimed),
         text.claim_value(c, c.measured) if isinstance(c.measured, dict) else c.measured,
         text.verdict(c.verdict), c.detail, c.quote]
        for c in view.claims
    ]
    ws = _sheet(wb, "claims", [_("id"), _("kind"), _("subject"), _("window"), _("comparison"), _("claimed"),
                               _("measured"), _("verdict"), _("detail"), _("quote")], rows, {})
    for c, (claimed, measured) in zip(view.claims, ws.iter_rows(min_row=2, min_col=6, max_col=7)):
        if c.kind == "period_return":
            claimed.number_format = measured.number_format = RETURN
