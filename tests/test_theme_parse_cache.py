"""Theme and spec files validated from their cached parse: the same models as a fresh
parse, no parse while the bytes are unchanged, a parse again for anything else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screener._cache_folder import cache_folder
from screener.backtest.settings import load_spec
from screener.errors import ThemeError
from screener.theme import _parsed, loader
from screener.theme.loader import load_theme
from screener.theme.registry import builtin_themes_dir, theme_files

REPO = Path(__file__).resolve().parents[1]
SPECS = sorted((REPO / "backtests").glob("*.yaml"))


@pytest.fixture(autouse=True)
def fresh_cache():
    _parsed._entries.cache_clear()  # each test has its own cache folder (conftest)
    yield
    _parsed._entries.cache_clear()


def cache_file() -> Path:
    return cache_folder() / _parsed.FILE_NAME


def cached_entries() -> dict:
    return json.loads(cache_file().read_text(encoding="utf-8"))["entries"]


@pytest.mark.parametrize("path", list(theme_files(builtin_themes_dir())), ids=lambda p: p.name)
def test_a_built_in_theme_from_the_cache_equals_the_parsed_one(path, monkeypatch):
    parsed = load_theme(path)
    assert _parsed.digest(path.read_bytes()) in cached_entries()
    _parsed._entries.cache_clear()  # read back from the file, as a new process would
    monkeypatch.setattr(loader, "read_yaml", lambda *a: pytest.fail("parsed"))

    assert load_theme(path) == parsed


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_a_shipped_spec_from_the_cache_equals_the_parsed_one(path, monkeypatch):
    parsed = load_spec(path)
    _parsed._entries.cache_clear()
    monkeypatch.setattr(loader, "read_yaml", lambda *a: pytest.fail("parsed"))

    assert load_spec(path) == parsed


THEME = """\
id: tiny
name: Tiny
members:
  - {symbol: 600487.SH, name: 亨通光电}
"""


def test_edited_bytes_are_parsed_again(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(THEME, encoding="utf-8")
    assert load_theme(path).name == "Tiny"
    path.write_text(THEME.replace("name: Tiny", "name: Tinier"), encoding="utf-8")

    assert load_theme(path).name == "Tinier"


def test_cached_data_that_no_longer_validates_is_parsed_again_and_reported_with_lines(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(THEME.replace("{symbol: 600487.SH", "{symbol: 600487.SH, colour: red"), encoding="utf-8")
    _parsed.remember(_parsed.digest(path.read_bytes()), {"id": "tiny"})  # stored, then the rules changed

    with pytest.raises(ThemeError) as err:
        load_theme(path)

    assert f"{path}:4: members[0].colour: unknown key 'colour'" in str(err.value)


def test_a_file_with_problems_is_not_cached(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(THEME.replace("name: Tiny\n", ""), encoding="utf-8")
    with pytest.raises(ThemeError):
        load_theme(path)
    assert _parsed.lookup(_parsed.digest(path.read_bytes())) is None


@pytest.mark.parametrize("extra", ["weights: {1: 0.5}\n", "flag: &yes true\n"])
def test_data_the_cache_cannot_give_back_exactly_is_not_stored(extra):
    _parsed.remember("k", loader._yaml().load(THEME + extra))
    assert _parsed.lookup("k") is None


@pytest.mark.parametrize("content", ["{broken", "[" * 100_000])  # the second: nested past json's recursion limit
def test_an_unreadable_cache_file_is_ignored_and_replaced(tmp_path, content):
    cache_file().parent.mkdir(parents=True, exist_ok=True)
    cache_file().write_text(content, encoding="utf-8")
    path = tmp_path / "tiny.yaml"
    path.write_text(THEME, encoding="utf-8")

    assert load_theme(path).id == "tiny"
    assert _parsed.digest(path.read_bytes()) in cached_entries()


def test_the_oldest_entries_go_first(monkeypatch):
    monkeypatch.setattr(_parsed, "MAX_ENTRIES", 3)
    for k in "abcd":
        _parsed.remember(k, {"id": k})
    assert list(cached_entries()) == ["b", "c", "d"]


def test_a_cache_folder_that_cannot_be_written_still_loads_the_theme(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("SCREENER_CACHE_DIR", str(tmp_path / "file" / "sc"))
    path = tmp_path / "tiny.yaml"
    path.write_text(THEME, encoding="utf-8")

    assert load_theme(path).id == "tiny"
    _parsed._entries.cache_clear()  # a new process: nothing was stored, so it parses again
    assert load_theme(path).id == "tiny"
