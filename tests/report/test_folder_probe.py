"""An export tries its output folder with one temporary file, once: the commands before
their run (so a folder that takes no files fails fast), the API and ``screener report``
before rendering; no later check tries it again."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from screener.cli import cli
from screener.report import export


@pytest.fixture
def temp_files(monkeypatch) -> list[Path]:
    """The folder of every temporary file made (``tempfile.mkstemp``), in order: the
    probes and the reports staged before their rename."""
    real, made = tempfile.mkstemp, []

    def mkstemp(*args, **kwargs):
        made.append(Path(kwargs["dir"]))
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    return made


def probes(temp_files: list[Path], out: Path, written: int) -> int:
    """The temporary files made in ``out`` besides the ``written`` reports' staged ones."""
    return temp_files.count(out) - written


def test_export_tries_the_folder_once(tmp_path, result, temp_files):
    paths = export(result, ["json", "csv"], tmp_path)
    assert probes(temp_files, tmp_path, len(paths)) == 1


@pytest.mark.parametrize("args", [
    ["backtest", "fiber", "--demo", "--end", "2026-05-11"],
    ["compare", "fiber", "green-power", "--demo", "--start", "2026-05-08", "--end", "2026-05-11"],
], ids=["backtest", "compare"])
def test_a_command_tries_its_export_folder_once(tmp_path, temp_files, args):
    res = CliRunner().invoke(cli, [*args, "--export", "json,csv", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    written = len(list(tmp_path.iterdir()))
    assert written == (4 if args[0] == "backtest" else 3)  # json + 3 or 2 CSV files
    assert probes(temp_files, tmp_path, written) == 1


def test_report_tries_its_folder_once(tmp_path, result, temp_files):
    saved = tmp_path / "r.json"
    saved.write_text(json.dumps(result), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    res = CliRunner().invoke(cli, ["report", str(saved), "--export", "json", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert probes(temp_files, out, 1) == 1
