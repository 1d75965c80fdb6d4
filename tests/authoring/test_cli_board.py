"""`screener themes import-board` (demo, cache, offline) and `themes extract` with a
cached universe, through click's CliRunner."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest
from click.testing import CliRunner

from screener.cli import cli
from screener.data.cache import Cache, CacheMeta
from screener.data.frames import from_arrays
from screener.theme.loader import load_theme
from screener.theme.model import Theme
from screener.theme.registry import ThemeDir, ThemeRegistry, builtin_themes_dir

from .conftest import TRICKY_UNIVERSE


def run(*args: str, **kw):
    return CliRunner().invoke(cli, list(args), **kw)


def _fiber() -> Theme:
    return ThemeRegistry([ThemeDir(builtin_themes_dir(), "built-in")]).load("fiber")


@pytest.mark.parametrize("board", ["光纤", "BK9002", "bk9002"])
def test_import_demo_board_by_name_or_code(board, tmp_path):
    out = tmp_path / "fiber-board.yaml"
    result = run("themes", "import-board", board, "--demo", "--out", str(out))
    assert result.exit_code == 0, result.output
    theme = load_theme(out)
    assert theme.benchmark.board == "BK9002" and theme.benchmark.source == "em"
    assert theme.benchmark.name == "光纤 Optical fiber"
    assert [(m.symbol, m.name) for m in theme.members] == [(m.symbol, m.name) for m in _fiber().members]
    assert not any(m.named_in_source for m in theme.members)
    assert theme.description.startswith("DEMO — synthetic prices")
    assert theme.sources[0].date == date(2026, 11, 20)  # the demo's fixed end, never today
    assert "imported BK9002: 7 members" in result.stderr


def test_import_board_id_name_and_overwrite(tmp_path):
    out = tmp_path / "b.yaml"
    args = ["themes", "import-board", "BK9003", "--demo", "--id", "gp-board", "--name", "绿电板块", "-o", str(out)]
    assert run(*args).exit_code == 0
    theme = load_theme(out)
    assert (theme.id, theme.name, len(theme.members)) == ("gp-board", "绿电板块", 17)
    again = run(*args)
    assert again.exit_code == 2 and "already exists; pass --force" in again.stderr
    assert run(*args, "--force").exit_code == 0


def _cache_board(root, code: str) -> None:
    members = pd.DataFrame({"symbol": ["600522.SH", "600487.SH", "920001.BJ"], "name": ["中天科技", "亨通光电", "某北交所"]})
    days = pd.DatetimeIndex(["2026-05-08", "2026-05-11"], name="date")
    values = [[1000.0, 1010, 990, 1005, 1e8, 1e9, 1.0, 0.01], [1005.0, 1030, 1000, 1025, 1e8, 1e9, 1.0, 0.01]]
    meta = CacheMeta("eastmoney", datetime(2026, 5, 12, 9, 30), date(2026, 5, 8), date(2026, 5, 11), True, code)
    Cache(root).write_board(code, members, from_arrays(days, pd.DataFrame(values).to_numpy()), meta)


def test_import_cached_board_offline(tmp_path):
    cache = tmp_path / "cache"
    _cache_board(cache, "BK0715")
    result = run("themes", "import-board", "BK0715", "--offline", "--cache-dir", str(cache))
    assert result.exit_code == 0, result.output
    assert "id: bk0715" in result.stdout and "name: BK0715" in result.stdout
    assert "benchmark:\n  board: BK0715\n  source: em\n" in result.stdout
    assert "date: 2026-05-12" in result.stdout  # when it was fetched
    assert "symbol: 920001.BJ" in result.stdout


def test_import_board_offline_not_cached(tmp_path):
    result = run("themes", "import-board", "BK0715", "--offline", "--cache-dir", str(tmp_path / "empty"))
    assert result.exit_code == 2
    assert "board BK0715 is not cached" in result.stderr and "screener data fetch BK0715" in result.stderr
    assert "Traceback" not in result.output


def test_import_board_unknown_name():
    result = run("themes", "import-board", "没有这个板块", "--demo")
    assert result.exit_code == 2
    assert "unknown board name '没有这个板块': pass the board's code" in result.stderr


def test_import_board_name_from_a_theme_benchmark(tmp_path):
    themes = tmp_path / "themes"
    themes.mkdir()
    (themes / "gp.yaml").write_text(
        "id: gp\nname: GP\nbenchmark: {board: BK0715, source: em, name: 绿色电力}\n"
        "members:\n  - {symbol: 600236.SH, name: 桂冠电力}\n",
        encoding="utf-8",
    )
    cache = tmp_path / "cache"
    _cache_board(cache, "BK0715")
    result = run("themes", "import-board", "绿色电力", "--themes-dir", str(themes), "--offline", "--cache-dir", str(cache))
    assert result.exit_code == 0, result.output
    assert "name: 绿色电力" in result.stdout and "board: BK0715" in result.stdout


def test_extract_uses_the_cached_universe(tmp_path, seed_path):
    cache = tmp_path / "cache"
    meta = CacheMeta("exchanges", datetime(2026, 5, 12), date(2026, 5, 12), date(2026, 5, 12))
    c = Cache(cache)
    c.write_frame(c.universe_path(), TRICKY_UNIVERSE, meta)
    result = run("themes", "extract", str(seed_path), "--single", "--cache-dir", str(cache))
    assert result.exit_code == 0, result.output
    assert "note:" not in result.stderr
    assert "mentioned, not a member: 601688.SH 华泰证券 (research source)" in result.stderr
    assert "universe table (13 firms)" in result.stdout


def test_import_board_live_failure_says_not_cached(tmp_path, monkeypatch):
    from screener.data.akshare_provider import AkshareProvider, FetchError

    def unreachable(self, code, start, end):
        raise FetchError(code, [])

    monkeypatch.setattr(AkshareProvider, "board", unreachable)
    result = run("themes", "import-board", "BK0715", "--cache-dir", str(tmp_path / "empty"))
    assert result.exit_code == 2
    assert "board BK0715 is not cached: fetch it when online with `screener data fetch BK0715`" in result.stderr


def test_import_board_without_network_says_what_to_do_once(tmp_path, monkeypatch):
    from screener.data.akshare_provider import AkshareProvider, Attempt, FetchError

    def unreachable(self, code, start, end):
        raise FetchError(code, [Attempt("eastmoney", "29.push2.eastmoney.com is unreachable", "unreachable")])

    monkeypatch.setattr(AkshareProvider, "board", unreachable)
    result = run("themes", "import-board", "BK0715", "--cache-dir", str(tmp_path / "empty"))
    assert result.exit_code == 2
    assert result.stderr.count("screener data fetch BK0715") == 1, result.stderr


def test_import_board_ths_is_refused_by_the_live_store(tmp_path):
    result = run("themes", "import-board", "BK0715", "--source", "ths", "--cache-dir", str(tmp_path))
    assert result.exit_code == 2
    assert "only eastmoney boards" in result.stderr and "not cached" not in result.stderr
