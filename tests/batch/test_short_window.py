"""The short-window rule in batch output: below 20 sessions the annualised figures are
"—" with a note in the tables and reports, while the JSON keeps the raw values and says
``short_window: true`` per cell (as a single backtest's result does)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from screener.cli import cli

REPO = Path(__file__).resolve().parents[2]

SHORT = ["compare", "fiber", "green-power", "--demo", "--start", "2026-05-08", "--end", "2026-05-11"]


def _field(block: str, name: str) -> str:
    return next(line.split(":", 1)[1].strip() for line in block.splitlines() if line.strip().startswith(name + ":"))


def test_a_short_compare_shows_no_annualised_figures_but_its_json_keeps_them(tmp_path):
    res = CliRunner().invoke(cli, [*SHORT, "--export", "md,json", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    first = res.stdout.split("#: 1", 1)[1].split("#: 2", 1)[0]
    assert (_field(first, "annualised"), _field(first, "Sharpe")) == ("—", "—")
    assert _field(first, "total") != "—"
    assert "too short to annualise" in res.stdout
    spread = res.stdout.split("Spread over all", 1)[1]
    assert next(line for line in spread.splitlines() if line.startswith("annualised return")).split()[2:] == ["—"] * 3
    (md,) = tmp_path.glob("*.md")
    assert "+263" not in md.read_text("utf-8") and "too short to annualise" in md.read_text("utf-8")
    (doc,) = tmp_path.glob("*.json")
    cells = json.loads(doc.read_text("utf-8"))["cells"]
    assert all(c["short_window"] is True and c["window"]["sessions"] == 2 for c in cells)
    assert all(c["basket"]["annualized_return"] is not None for c in cells)  # raw values kept


def test_a_long_compare_keeps_its_annualised_figures():
    res = CliRunner().invoke(cli, ["compare", "fiber", "green-power", "--demo", "--start", "2026-01-05",
                                   "--end", "2026-05-11", "--format", "json"])
    assert res.exit_code == 0, res.output
    assert all(c["short_window"] is False for c in json.loads(res.stdout)["cells"])


def test_a_short_single_backtest_hides_alpha_and_the_information_ratio():
    res = CliRunner().invoke(cli, ["backtest", str(REPO / "backtests" / "green-power-2026-05-11.yaml"), "--demo"])
    assert res.exit_code == 0, res.output
    rows = {line.rsplit(None, 1)[0].strip(): line.rsplit(None, 1)[1] for line in res.stdout.splitlines()
            if line.strip().startswith(("Alpha (annualised)", "Information ratio", "Beta"))}
    assert rows["Alpha (annualised)"] == rows["Information ratio"] == "—"
    assert rows["Beta"] != "—"


def test_a_short_compare_workbook_shows_dashes_with_the_note_while_its_csv_keeps_the_raw_figures(tmp_path):
    from openpyxl import load_workbook

    res = CliRunner().invoke(cli, [*SHORT, "--export", "xlsx,csv", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    (book,) = tmp_path.glob("*.xlsx")
    ws = load_workbook(book)["cells"]
    header = [c.value for c in ws[1]]
    annualised = ["annualized_return", "sharpe", "sortino", "calmar", "alpha", "information_ratio"]
    for name in annualised:
        column = header.index(name) + 1
        assert [ws.cell(row=r, column=column).value for r in (2, 3)] == ["—", "—"], name
        assert "too short to annualise" in ws.cell(row=1, column=column).comment.text
    total = header.index("total_return") + 1
    assert isinstance(ws.cell(row=2, column=total).value, float) and ws.cell(row=1, column=total).comment is None
    (cells,) = tmp_path.glob("*_cells.csv")
    with cells.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert all(float(r[name]) == float(r[name]) for r in rows for name in annualised)  # numbers, not "—"


def test_a_long_compare_workbook_keeps_its_annualised_figures(tmp_path):
    from openpyxl import load_workbook

    res = CliRunner().invoke(cli, ["compare", "fiber", "green-power", "--demo", "--start", "2026-01-05",
                                   "--end", "2026-05-11", "--export", "xlsx", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    ws = load_workbook(next(tmp_path.glob("*.xlsx")))["cells"]
    column = [c.value for c in ws[1]].index("sharpe") + 1
    assert isinstance(ws.cell(row=2, column=column).value, float) and ws.cell(row=1, column=column).comment is None


def test_a_workbook_of_short_and_long_cells_dashes_only_the_short_cells_figures(tmp_path):
    from openpyxl import load_workbook

    res = CliRunner().invoke(cli, ["sweep", "fiber", "--demo", "--vary", "start=2026-04-01,2026-05-08", "--end",
                                   "2026-05-11", "--export", "xlsx,csv", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    ws = load_workbook(next(tmp_path.glob("*.xlsx")))["cells"]
    header = [c.value for c in ws[1]]
    rows = {r[header.index("base_date")]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    (cells,) = tmp_path.glob("*_cells.csv")
    with cells.open(encoding="utf-8-sig", newline="") as f:
        raw = {r[header.index("base_date")]: r for r in list(csv.reader(f))[1:]}
    short, long = rows["2026-05-07"], rows["2026-03-31"]  # 2 sessions, 25 sessions
    annualised = {"annualized_return", "sharpe", "sortino", "calmar", "alpha", "information_ratio"}
    dashed = {name for name, value in zip(header, short) if value == "—"}
    assert dashed == annualised
    for name in annualised:  # the long cell keeps its figures (Excel stores 15 digits)
        assert long[header.index(name)] == pytest.approx(float(raw["2026-03-31"][header.index(name)]), rel=1e-12)
    assert all(ws.cell(row=1, column=header.index(n) + 1).comment is not None for n in annualised)
