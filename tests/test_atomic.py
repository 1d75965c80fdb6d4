"""Atomic writes: old or new content, never half; plain-write permissions; no temp left."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from screener import _atomic
from screener._atomic import stage, write_atomic


def test_write_replaces_and_leaves_no_temp_file(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    write_atomic(target, "新 content")
    assert target.read_text(encoding="utf-8") == "新 content"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_new_file_gets_umask_mode_and_replaced_file_keeps_its_mode(tmp_path):
    fresh = tmp_path / "fresh.json"
    write_atomic(fresh, b"{}")
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~_atomic.umask()  # not mkstemp's 0600
    kept = tmp_path / "kept.json"
    kept.write_text("x")
    os.chmod(kept, 0o640)
    write_atomic(kept, "y")
    assert kept.stat().st_mode & 0o777 == 0o640


def test_a_failed_rename_keeps_the_old_file_and_removes_the_temp(tmp_path, monkeypatch):
    target = tmp_path / "t.txt"
    target.write_text("old")

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_atomic.os, "replace", fail)
    with pytest.raises(OSError):
        write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.txt"]


def test_stage_writes_beside_the_target(tmp_path):
    tmp = stage(tmp_path / "a.bin", b"abc")
    assert os.path.dirname(tmp) == str(tmp_path) and Path(tmp).read_bytes() == b"abc"


def test_an_error_while_writing_keeps_the_old_file(tmp_path):
    target = tmp_path / "t.parquet"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), _atomic.atomic_writer(target) as fh:
        fh.write(b"half")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.parquet"]
