"""The API is typed: a py.typed marker ships, `mypy --strict` passes on screener/api.py
(pyproject's [tool.mypy]), and a user's script sees screener.backtest as the function
(not as the package of the same name)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

USER_SCRIPT = '''
import screener

result = screener.backtest("fiber", demo=True, end="2026-05-11")
reveal_type(result)
reveal_type(result.equity)
reveal_type(screener.screen("fiber", demo=True).rows)
screener.backtest("fiber", cash="lots")
'''


def test_mypy_strict_on_the_api(tmp_path: Path) -> None:
    assert (REPO / "screener" / "py.typed").is_file()
    script = tmp_path / "user.py"
    script.write_text(USER_SCRIPT, encoding="utf-8")
    # one run for both files (the settings, --strict included, come from pyproject.toml);
    # the cache in the checkout (.mypy_cache, ignored by git) makes reruns quick
    checked = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary", "screener/api.py", str(script)],
                             capture_output=True, text=True, cwd=REPO)
    lines = checked.stdout.splitlines()
    assert not [line for line in lines if line.startswith("screener")], checked.stdout  # api.py is clean
    assert 'Revealed type is "screener.api.BacktestResult"' in lines[0]
    assert 'Revealed type is "pandas.core.frame.DataFrame"' in lines[1]
    assert 'Revealed type is "pandas.core.frame.DataFrame"' in lines[2]
    assert 'Argument "cash" to "backtest" has incompatible type "str"' in lines[3]
    assert len(lines) == 4, checked.stdout
