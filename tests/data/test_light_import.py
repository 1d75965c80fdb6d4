"""Commands load only what they use: akshare only to fetch, `import screener` none of the
heavy libraries, and a demo backtest in JSON nothing for drawing, charts or the
calendar's rules."""

from __future__ import annotations

import json
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


DEMO_BACKTEST_JSON = """
import contextlib, io, json, sys
from screener.backtest.settings import BacktestSettings
from screener.cli import cli
with contextlib.redirect_stdout(io.StringIO()):
    cli.main(["backtest", "fiber", "--demo", "--format", "json"], prog_name="screener", standalone_mode=False)
engine = BacktestSettings.model_fields.get("engine")
heavy = ["akshare", "exchange_calendars", "matplotlib", "openpyxl", "rich"]
if engine is not None and engine.default != "backtrader":
    heavy.append("backtrader")
print(json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""


def test_a_demo_backtest_in_json_loads_no_library_it_does_not_use():
    """The command's start path: no terminal drawing for --format json, no charts or Excel,
    no akshare on demo data, no backtrader unless it is the default engine, and the XSHG
    calendar read from its on-disk copy, made here as an earlier command would have."""
    from screener._sessions_cache import xshg_sessions

    xshg_sessions()  # into this test's cache folder, which the command inherits
    out = subprocess.run([sys.executable, "-c", DEMO_BACKTEST_JSON], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_the_batch_executor_imports_light_so_the_cli_warms_the_workers_up_before_the_engine():
    """`screener sweep|compare|scan --workers N` starts the workers' fork server first
    (it imports the engine on the other core meanwhile): reaching it loads no engine."""
    heavy = ("pandas", "numpy", "pydantic", "dask", "distributed", "screener.backtest.run", "screener.batch.cell")
    code = (
        "import sys; from screener.batch.execute import Execution, warm_up; warm_up(Execution(workers=0)); "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
