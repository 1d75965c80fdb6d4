"""End to end: `screener backtest fiber --demo --export ...` writes every report."""

from __future__ import annotations

import json
import shutil

from click.testing import CliRunner

from screener.cli import cli


def test_backtest_demo_exports_all_five_formats(tmp_path, demo_reports):
    out = demo_reports  # `backtest fiber --demo --export html,md,csv,json,xlsx --out ...`, run once per session
    runner = CliRunner()
    as_json = runner.invoke(cli, ["backtest", "fiber", "--demo", "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    result = json.loads(as_json.stdout)
    stem = f"fiber_{result['start']}_{result['end']}"
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [f"{stem}.{ext}" for ext in ("html", "md", "json", "xlsx")]
        + [f"{stem}_{c}.png" for c in ("equity", "drawdown", "relative", "monthly", "members")]
        + [f"{stem}_{t}.csv" for t in ("equity", "members", "claims")]
    )
    assert json.loads((out / f"{stem}.json").read_text("utf-8")) == result  # the contract, unchanged
    page = (out / f"{stem}.html").read_text("utf-8")
    assert 'id="demo-banner"' in page and "中天科技" in page and "Wind数据显示" in page
    shutil.copy(out / f"{stem}.json", tmp_path)  # the shared folder stays as the export left it
    again = runner.invoke(cli, ["backtest", "fiber", "--demo", "--export", "json", "--out", str(tmp_path)])
    assert again.exit_code == 2 and "--force" in again.stderr
