"""A member's ``shares_end`` in every export: raw shares, fractional after cash dividends
are reinvested. The JSON keeps every digit, the CSV rounds to 4 decimals, and the
Markdown, HTML and Excel members tables show the count with a note saying what it is,
in the language in use."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from screener import i18n
from screener.report import charts, export

STEM = "synthetic-fiber_2025-01-01_2026-05-11"
# 10,000 shares and a 0.50 dividend on a 10.00 close would give 10,000 + 5,000 / 9.50;
# any fraction will do: 3328.2124352331602 is what the fiber demo prints for 002491.SZ
FRACTIONAL, WHOLE = 3328.2124352331602, 3300.0
NOTES = {
    "en": ("shares at end", "Shares at end: the raw shares held at the last session (not adjusted units); "
           "cash dividends are reinvested as shares at the ex-date reference price, so a count can have decimals."),
    "zh": ("期末持股", "期末持股：最后一个交易日实际持有的股数（非复权单位）；现金分红按除权除息参考价再投资为股份，"
           "因此股数可能带小数。"),
}


@pytest.fixture(params=["en", "zh"])
def exported(request, result, tmp_path, monkeypatch):
    """(language, folder) of every format of the synthetic result with shares at the end
    (charts stubbed: only the tables are read here)."""
    monkeypatch.setattr(charts, "names", lambda view: [])
    monkeypatch.setattr(charts, "figure", lambda *args, **kwargs: b"")
    result["members"][0]["shares_end"] = FRACTIONAL
    result["members"][1]["shares_end"] = WHOLE
    i18n.set_language(request.param)
    try:
        export(result, ["html", "md", "csv", "json", "xlsx"], tmp_path)
    finally:
        i18n.set_language(None)
    return request.param, tmp_path


def test_json_keeps_every_digit_and_csv_rounds_to_four_decimals(exported):
    _, out = exported
    members = json.loads((out / f"{STEM}.json").read_text("utf-8"))["members"]
    assert [m.get("shares_end") for m in members[:3]] == [FRACTIONAL, WHOLE, None]
    rows = list(csv.DictReader(io.StringIO((out / f"{STEM}_members.csv").read_bytes().decode("utf-8-sig"))))
    assert [r["shares_end"] for r in rows[:3]] == ["3328.2124", "3300.0", ""]


def test_markdown_and_html_tables_show_the_count_and_say_what_it_is(exported):
    lang, out = exported
    header, note = NOTES[lang]
    md = (out / f"{STEM}.md").read_text("utf-8")
    assert f"| {header} |\n" in md and "\n" + note + "\n" in md
    assert re.search(r"\| 3,328\.2124 \|\n", md) and re.search(r"\| 3,300 \|\n", md)
    page = (out / f"{STEM}.html").read_text("utf-8")
    assert f'<th class="n">{header}</th>' in page
    assert '<td class="n">3,328.2124</td>' in page and '<td class="n">3,300</td>' in page
    assert f'<p class="note" id="shares-note">{note}</p>' in page


def test_excel_keeps_the_number_with_a_note_on_its_header(exported):
    from openpyxl import load_workbook

    lang, out = exported
    header, note = NOTES[lang]
    ws = load_workbook(out / f"{STEM}.xlsx").worksheets[2]
    assert ws["K1"].value == header and ws["K1"].comment.text == note
    assert ws["K2"].value == pytest.approx(FRACTIONAL, rel=1e-15) and ws["K3"].value == WHOLE
    assert ws["K2"].number_format == "#,##0.0000" and ws["K4"].value is None
