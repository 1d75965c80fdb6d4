"""The event study as an Excel workbook: summary, CAAR by day, tests, members (CARs and
tradability), abnormal returns as a member × day matrix with a red/green colour scale,
and warnings. Returns are fractions with a percent format, at full precision."""

from __future__ import annotations

import io

from screener.report.event.csv import MEMBER_COLUMNS, TEST_COLUMNS, caar_rows, member_row
from screener.report.event.view import EventView
from screener.report.xlsx import PCT, RATIO, _sheet

_PCT_COLUMNS = {"aar", "caar", "caar_lo95", "caar_hi95", "alpha", "mu", "sigma", "car", "car_from_first_tradable",
                "return_from_first_tradable"}
_RATIO_COLUMNS = {"aar_t", "caar_t", "cs_t", "patell_z", "bmp_t", "bmp_kp_t", "beta", "car_t"}


def files(stem: str) -> list[str]:
    return [f"{stem}.xlsx"]


def _formats(columns: list[str]) -> dict[int, str]:
    return {i: PCT if c in _PCT_COLUMNS else RATIO for i, c in enumerate(columns) if c in _PCT_COLUMNS | _RATIO_COLUMNS}


def render(view: EventView, stem: str) -> dict[str, bytes]:
    from openpyxl import Workbook
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    summary = [["study", view.title()], ["setup", view.setup_line()], ["data source", view.data_source],
               ["label", view.label]]
    if view.is_demo:
        summary.insert(0, ["WARNING", "DEMO DATA — synthetic prices, not market data"])
    summary += [["event", f"{e['date']} (day 0 {e['session']}): {e['label']}"] for e in view.events]
    summary += [["note", n] for n in view.methodology()]
    _sheet(wb, "summary", ["item", "value"], summary, {})
    caar = caar_rows(view)
    columns = list(caar[0]) if caar else []
    _sheet(wb, "caar", columns, [[r[c] for c in columns] for r in caar], _formats(columns))
    tests = [{"window": name, **w} for name, w in (view.tests.get("windows") or {}).items()]
    _sheet(wb, "tests", TEST_COLUMNS, [[t.get(c) for c in TEST_COLUMNS] for t in tests], _formats(TEST_COLUMNS))
    members = [member_row(m.raw) for m in view.members]
    _sheet(wb, "members", MEMBER_COLUMNS, [[r[c] for c in MEMBER_COLUMNS] for r in members], _formats(MEMBER_COLUMNS))
    days, labels, values = view.heat()
    ws = _sheet(wb, "ar", ["member · day 0", *days], [[label, *row] for label, row in zip(labels, values)],
                {i + 1: PCT for i in range(len(days))})
    if labels:
        cells = f"B2:{get_column_letter(len(days) + 1)}{len(labels) + 1}"
        ws.conditional_formatting.add(cells, ColorScaleRule(start_type="min", start_color="1E8A4C", mid_type="num",
                                                            mid_value=0, mid_color="FFFFFF", end_type="max",
                                                            end_color="C8332B"))
    _sheet(wb, "warnings", ["kind", "symbol", "date", "message"],
           [[w.get("kind"), w.get("symbol"), w.get("date"), w.get("message")] for w in view.warnings], {})
    buf = io.BytesIO()
    wb.save(buf)
    return {f"{stem}.xlsx": buf.getvalue()}
