"""The event study as an Excel workbook: summary, CAAR by day, tests, members (CARs and
tradability), the abnormal returns as a member × day matrix with a red/green colour
scale, and warnings — titles in the language in use. Returns are fractions with a
percent format, at full precision."""

from __future__ import annotations

import io
from typing import Any

from screener.i18n import N_, _
from screener.report.event import text
from screener.report.event.csv import CAAR_COLUMNS, MEMBER_COLUMNS, TEST_COLUMNS, caar_rows, member_row
from screener.report.event.view import EventView
from screener.report.xlsx import PCT, RATIO, RETURN, _sheet

SHEETS = {"summary": N_("summary"), "caar": N_("CAAR by day"), "tests": N_("tests"), "members": N_("members"),
          "ar": N_("abnormal returns"), "warnings": N_("warnings")}
COLUMNS = {  # the CSV columns' titles; those not listed (AAR, t, p, N, BMP…) read the same in both languages
    "day": N_("day"), "window": N_("window"), "from": N_("from"), "to": N_("to"), "symbol": N_("symbol"),
    "name": N_("name"), "board": N_("board"), "event_date": N_("event date"), "session": N_("day 0"),
    "model": N_("model"), "estimation_n": N_("estimation sessions"), "day0_open_at_limit": N_("day 0 opened at limit"),
    "day1_open_at_limit": N_("day +1 opened at limit"), "limit_up_run": N_("limit-up run"),
    "limit_up_run_more": N_("limit-up run goes on"), "first_tradable_date": N_("first buy"), "first_tradable_day": N_("first buy: day"),
    "first_tradable_price": N_("first buy: open (CNY)"), "car_from_first_tradable": N_("CAR from first buy"),
    "return_from_first_tradable": N_("return from first buy"),
}
_RETURNS = {"aar", "caar", "caar_lo95", "caar_hi95", "car", "car_from_first_tradable", "return_from_first_tradable"}
_PCTS = {"alpha", "mu", "sigma"}
_RATIOS = {"aar_t", "caar_t", "cs_t", "patell_z", "bmp_t", "bmp_kp_t", "beta", "car_t"}


def files(stem: str) -> list[str]:
    return [f"{stem}.xlsx"]


def _headers(columns: list[str]) -> list[str]:
    return [_(COLUMNS[c]) if c in COLUMNS else c for c in columns]


def _formats(columns: list[str]) -> dict[int, str]:
    kinds = {**{c: RETURN for c in _RETURNS}, **{c: PCT for c in _PCTS}, **{c: RATIO for c in _RATIOS}}
    return {i: kinds[c] for i, c in enumerate(columns) if c in kinds}


def _data_sheet(wb: Any, name: str, columns: list[str], rows: list[dict[str, Any]]) -> Any:
    return _sheet(wb, _(SHEETS[name]), _headers(columns), [[r.get(c) for c in columns] for r in rows], _formats(columns))


def render(view: EventView, stem: str) -> dict[str, bytes]:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "screener"
    wb.properties.title = text.title(view)
    _summary(wb, view)
    _data_sheet(wb, "caar", CAAR_COLUMNS, caar_rows(view))
    _data_sheet(wb, "tests", TEST_COLUMNS, [{"window": text.window_name(n), **w} for n, w in view.windows.items()])
    _data_sheet(wb, "members", MEMBER_COLUMNS, [member_row(m.raw) for m in view.members])
    _ar(wb, view)
    _sheet(wb, _(SHEETS["warnings"]), [_("kind"), _("message")], [list(w) for w in text.warnings(view)], {})
    buf = io.BytesIO()
    wb.save(buf)
    return {f"{stem}.xlsx": buf.getvalue()}


def _summary(wb: Any, view: EventView) -> None:
    from screener.report import text as report_text

    rows = [[_("study"), text.title(view)], [_("setup"), text.setup_line(view)],
            [_("data source"), report_text.source_text(view)]]
    if view.is_demo:
        rows.insert(0, [_("WARNING"), report_text.demo_banner()[0]])
    rows += [[_("event"), f"{e['date']} ({_('day 0')} {e['session']}): {text.event_label(str(e['label']))}"]
             for e in view.events]
    rows += [[_("note"), n] for n in [text.residual_note(view), *text.methodology(view)] if n]
    ws = _sheet(wb, _(SHEETS["summary"]), [_("item"), _("value")], rows, {}, table=False)
    ws.column_dimensions["B"].width = 100


def _ar(wb: Any, view: EventView) -> None:
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.utils import get_column_letter

    days, members, values = view.heat()
    ws = _sheet(wb, _(SHEETS["ar"]), [_("member · day 0"), *days],
                [[text.heat_label(m), *row] for m, row in zip(members, values)], {i + 1: PCT for i in range(len(days))})
    if members:
        cells = f"B2:{get_column_letter(len(days) + 1)}{len(members) + 1}"
        ws.conditional_formatting.add(cells, ColorScaleRule(start_type="min", start_color="1E8A4C", mid_type="num",
                                                            mid_value=0, mid_color="FFFFFF", end_type="max",
                                                            end_color="C8332B"))
