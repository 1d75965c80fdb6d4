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
