"""`import screener.data` and opening a store stay cheap: akshare loads only to fetch."""

from __future__ import annotations

import subprocess
import sys


def test_akshare_is_not_imported_until_a_fetch():
    code = (
        "import sys; from screener.data import open_store, DataOptions; "
        "s = open_store(DataOptions(offline=True)); s.load(['600487.SH']); "
        "s = open_store(DataOptions()); s.symbols(); "
        "open_store(DataOptions(demo=True)).load(['600487.SH']); "
        "print('akshare' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_import_screener_and_its_api_names_stay_light():
    """`import screener` and reaching its API names load no pandas, akshare, matplotlib,
    pydantic or backtrader: those come with the first call."""
    heavy = ("pandas", "numpy", "akshare", "matplotlib", "pydantic", "backtrader", "exchange_calendars")
    code = (
        "import sys, time; t = time.perf_counter(); import screener; "
        "f = (screener.backtest, screener.screen, screener.bars, screener.load_theme, screener.BacktestResult); "
        "print(round((time.perf_counter() - t) * 1000)); "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    millis, loaded = out.stdout.splitlines()
    print(f"import screener + API names: {millis} ms")
    assert loaded == "[]"
