"""The short-window rule in batch output: below 20 sessions the annualised figures are
"—" with a note in the tables and reports, while the JSON keeps the raw values and says
``short_window: true`` per cell (as a single backtest's result does)."""

from __future__ import annotations

import json
from pathlib import Path

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
