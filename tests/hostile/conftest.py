"""Special files for the hostile-input tests, made under tmp_path (never real devices)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from screener.cli import cli


def run(*args: object, **kwargs: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], **kwargs)


def one_line_error(res: Result) -> str:
    """The single ``error:`` line of a user error (exit 2, no traceback)."""
    assert res.exit_code == 2, (res.output, res.stderr, res.exception)
    assert "Traceback" not in res.output + res.stderr
    lines = res.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("error:")]
    assert len(errors) == 1, res.stderr
    return errors[0]


@pytest.fixture
def fifo(tmp_path: Path) -> Callable[[str], Path]:
    """``fifo("name")``: a named pipe in tmp_path (nothing ever writes to it: a reader
    that opened it would block, so a test that hangs has found the bug)."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this platform")

    def make(name: str) -> Path:
        path = tmp_path / name
        os.mkfifo(path)
        return path

    return make


@pytest.fixture
def char_device(tmp_path: Path) -> Callable[[str, int, int], Path]:
    """``char_device("name", major, minor)``: a character device node in tmp_path, made
    with os.mknod (root, or CAP_MKNOD). Where that is not permitted the test is skipped:
    the same refusal is then covered by the FIFO tests and by test_every_special_kind,
    which checks the kind test on each file type's mode bits."""

    made: list[Path] = []

    def make(name: str, major: int = 1, minor: int = 5) -> Path:
        path = tmp_path / name
        try:
            os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(major, minor))
        except (PermissionError, AttributeError, OSError) as exc:
            pytest.skip(f"cannot make a device node here ({exc}); covered by the FIFO and mode-bit tests")
        made.append(path)
        return path

    yield make
    for path in made:
        path.unlink(missing_ok=True)


def small_result(**changes: object) -> dict:
    """A hand-written backtest result (three sessions, one member, one claim) in the
    ``screener backtest --format json`` shape: what ``screener report`` reads."""
    result = {
        "theme": "t", "theme_name": "T", "data_source": "dir", "label": "local files", "demo": False,
        "start": "2024-01-02", "end": "2024-01-04", "base_date": "2023-12-29", "sessions": 3,
        "settings": {"rebalance": "none", "costs": {"enabled": False}},
        "basket": {"total_return": 0.02}, "benchmark": {"symbol": "000300.SH", "total_return": 0.01},
        "members": [{"symbol": "600487.SH", "name": "亨通光电", "weight_start": 1.0, "total_return": 0.02,
                     "contribution": -0.01, "trades": 1, "blocked_orders": 0}],
        "claims": [{"id": "c1", "kind": "period_return", "subject": "index", "start": "2024-01-02",
                    "end": "2024-01-04", "claimed": 0.5, "measured": 0.02, "verdict": "fails",
                    "detail": "measured", "quote": "up 50%"}],
        "equity": [{"date": "2023-12-29", "basket": 1.0, "benchmark": 1.0},
                   {"date": "2024-01-02", "basket": 1.01, "benchmark": 1.0},
                   {"date": "2024-01-04", "basket": 1.02, "benchmark": 1.01}],
        "warnings": [],
    }
    result.update(changes)
    return result
