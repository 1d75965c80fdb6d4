"""`.ci/run`: installs, then runs pytest, and turns "no tests collected" (exit 5) into a
failure. Run against stub `python3`/`chromium`/`apt-get` commands, so nothing is installed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

CI_RUN = Path(__file__).resolve().parents[1] / ".ci" / "run"


def _stub(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    path.chmod(0o755)


@pytest.mark.parametrize("pytest_rc,ci_rc", [(0, 0), (1, 1), (5, 1)])
def test_ci_run_fails_when_pytest_fails_or_collects_nothing(tmp_path, pytest_rc, ci_rc):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "calls"
    _stub(bin_dir, "python3", f'echo "$*" >> {log}\n[ "$2" = pytest ] && exit {pytest_rc}\nexit 0')
    _stub(bin_dir, "chromium", "exit 0")
    _stub(bin_dir, "apt-get", "exit 0")
    env = {**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin"}
    result = subprocess.run(["bash", str(CI_RUN)], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == ci_rc, result.stderr
    calls = log.read_text(encoding="utf-8").splitlines()
    assert calls[0].startswith('-m pip install -q -e .[test]') and calls[-1] == "-m pytest"
    assert ("collected no tests" in result.stderr) == (pytest_rc == 5)
