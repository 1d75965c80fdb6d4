"""The small caches' shared reading and writing (the XSHG sessions, the parsed YAML):
best effort, so a missing, broken or blocked file only costs the next run time."""

from __future__ import annotations

import json

import pytest

from screener import _atomic
from screener._cache_folder import read_small_cache, write_small_cache

NAME = "parsed-yaml.json"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("SCREENER_CACHE_DIR", str(tmp_path / "sc"))
    return tmp_path / "sc"


def test_a_record_is_written_and_read_back_through_parse(folder):
    write_small_cache(NAME, {"format": 1, "entries": {"k": ["流通", 1.5]}})
    assert read_small_cache(NAME, lambda r: r["entries"]) == {"k": ["流通", 1.5]}
    assert [p.name for p in folder.iterdir()] == [NAME]  # no temp file left


@pytest.mark.parametrize("parse", [
    lambda r: r["missing"],  # KeyError
    lambda r: r["entries"][0],  # TypeError: another layout
    lambda r: int(r["format"]),  # ValueError
    lambda r: None,  # parse's own "not this one"
], ids=["key", "type", "value", "none"])
def test_a_layout_parse_does_not_know_reads_as_nothing(folder, parse):
    folder.mkdir()
    (folder / NAME).write_text(json.dumps({"format": "x", "entries": {}}), encoding="utf-8")
    assert read_small_cache(NAME, parse) is None


def test_a_folder_in_place_of_the_file_is_neither_read_nor_replaced(folder):
    (folder / NAME).mkdir(parents=True)
    assert read_small_cache(NAME, lambda r: r) is None
    write_small_cache(NAME, {"a": 1})
    assert (folder / NAME).is_dir() and [p.name for p in folder.iterdir()] == [NAME]


def test_a_cache_folder_that_cannot_be_made_is_skipped(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("SCREENER_CACHE_DIR", str(tmp_path / "file" / "sc"))
    write_small_cache(NAME, {"a": 1})
    assert read_small_cache(NAME, lambda r: r) is None


def test_of_two_writers_at_once_the_last_rename_wins_whole(folder, monkeypatch):
    """A second process writes its record while the first has staged its own: each
    has its temp file, and the file ends as one whole record, with no temp file left."""
    replace = _atomic.os.replace

    def the_other_writer_first(src, dst):
        monkeypatch.setattr(_atomic.os, "replace", replace)
        write_small_cache(NAME, {"writer": "second", "pad": "y" * 10_000})
        replace(src, dst)

    monkeypatch.setattr(_atomic.os, "replace", the_other_writer_first)
    write_small_cache(NAME, {"writer": "first"})

    assert read_small_cache(NAME, lambda r: r) == {"writer": "first"}
    assert [p.name for p in folder.iterdir()] == [NAME]
