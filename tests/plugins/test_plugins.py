"""Plugins: the example plugin package (tests/plugins/screener_example_plugin) is really
installed (pip, into a temporary target folder put on sys.path), its theme shows in
`themes list` and its provider is selectable with --provider; broken plugins are
reported by name and skipped while the rest keeps working."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from screener.cli import cli
from screener.data import DataOptions, open_store
from screener.data.plugins import discover
from screener.theme.registry import plugin_theme_dirs

PLUGIN_SRC = Path(__file__).resolve().parent / "screener_example_plugin"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="session")
def installed_plugin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pip install` the example plugin (no network, no dependencies) into a folder."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index",
         "--target", str(target), str(PLUGIN_SRC)],
        check=True, capture_output=True,
    )
    return target


@pytest.fixture
def example_plugin(installed_plugin: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(installed_plugin))
    return installed_plugin


def _dist(site: Path, name: str, entry_points: str) -> None:
    """Register a distribution with entry points by writing its .dist-info."""
    info = site / f"{name}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(textwrap.dedent(entry_points), encoding="utf-8")


@pytest.fixture
def broken_plugins(example_plugin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Next to the example plugin: a plugin whose module does not import (both groups),
    and a theme pack whose YAML is invalid."""
    site = tmp_path / "site"
    pack = site / "broken_yaml_pack"
    pack.mkdir(parents=True)
    (pack / "__init__.py").write_text("", encoding="utf-8")
    (pack / "bad.yaml").write_text("id: bad-pack\nname: [unclosed\n", encoding="utf-8")
    _dist(site, "screener_broken", """
        [screener.themes]
        broken = no_such_module_xyz:themes_dir
        badyaml = broken_yaml_pack
        [screener.providers]
        broken = no_such_module_xyz:open_store
    """)
    monkeypatch.syspath_prepend(str(site))
    return site


def test_example_theme_is_listed_and_shown(example_plugin):
    result = run("themes", "list", "--json")
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert rows["example-grid"]["origin"] == "plugin example"
    assert rows["example-grid"]["members"] == 4 and rows["example-grid"]["error"] is None
    assert Path(rows["example-grid"]["path"]).is_relative_to(example_plugin)
    assert "fiber" in rows  # built-ins still there
    shown = run("themes", "show", "example-grid")
    assert shown.exit_code == 0 and "600406.SH" in shown.stdout


def test_example_provider_via_open_store(example_plugin):
    store = open_store(DataOptions(provider="example"))
    md = store.load(["600406.SH", "000300.SH", "600000.SH"])
    assert md.is_demo and "DEMO — synthetic prices" in md.label
    assert set(md.bars) == {"600406.SH", "000300.SH"} and md.missing == ["600000.SH"]
    frame = md.bars["600406.SH"].frame
    assert frame.index[0].date().isoformat() == "2024-01-02" and frame.index.name == "date"
    # synthetic moves stay inside the main board's ±10% limit
    assert (frame["close"].pct_change().abs().dropna() <= 0.1005).all()
    again = open_store(DataOptions(provider="example")).load(["600406.SH"]).bars["600406.SH"].frame
    assert again.equals(frame)  # deterministic


def test_example_provider_selected_by_cli_option(example_plugin):
    result = run("data", "fetch", "example-grid", "--provider", "example", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["data_source"] == "demo"
    assert payload["labels"] == ["DEMO — synthetic prices (example plugin)"]
    assert {r["symbol"] for r in payload["results"] if r["status"] == "ok"} == {
        "600406.SH", "000400.SZ", "600312.SH", "300274.SZ", "000300.SH",
    }
    screen = run("screen", "example-grid", "--provider", "example")
    assert screen.exit_code == 0, screen.output
    assert "DEMO — synthetic prices (example plugin)" in screen.stdout and "600406.SH" in screen.stdout
    board = run("themes", "import-board", "BK9901", "--provider", "example")
    assert board.exit_code == 0, board.output
    assert "board: BK9901" in board.stdout and "symbol: 300274.SZ" in board.stdout


def test_broken_plugins_are_reported_and_skipped(broken_plugins):
    problems: list[str] = []
    with pytest.warns(UserWarning, match="theme plugin 'broken'"):
        dirs = plugin_theme_dirs(problems)
    assert [d.origin for d in dirs] == ["plugin badyaml", "plugin example"]
    assert len(problems) == 1 and "no_such_module_xyz" in problems[0]

    result = run("themes", "list", "--json")
    assert result.exit_code == 0, result.output
    assert "warning: theme plugin 'broken' (no_such_module_xyz:themes_dir) skipped: ModuleNotFoundError" in result.stderr
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert rows["example-grid"]["error"] is None and rows["fiber"]["error"] is None
    bad = rows["bad-pack"]  # an unparsable file is still listed, under its id line
    assert bad["origin"] == "plugin badyaml" and "invalid YAML" in bad["error"] and bad["members"] is None
    assert run("themes", "show", "example-grid").exit_code == 0


def test_broken_provider_is_reported_by_name(broken_plugins):
    with pytest.warns(UserWarning, match="data provider plugin 'broken'"):
        providers, _ = discover()
    assert {"akshare", "example"} <= set(providers) and "broken" not in providers
    result = run("data", "fetch", "600406.SH", "--provider", "broken")
    assert result.exit_code == 2
    assert "data provider plugin 'broken'" in result.stderr and "skipped" in result.stderr
    assert "Traceback" not in result.output
    ok = run("data", "fetch", "600406.SH", "--provider", "example")
    assert ok.exit_code == 0, ok.output


def test_example_spec_pack_runs_by_id(example_plugin):
    rows = {r["id"]: r for r in json.loads(run("specs", "list", "--format", "json").stdout)}
    assert rows["example-grid-2025"]["origin"] == "plugin example" and rows["example-grid-2025"]["error"] is None
    assert "fiber-ytd-2026" in rows  # built-ins still there
    result = run("backtest", "example-grid-2025", "--provider", "example", "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert (payload["theme"], payload["start"], payload["end"]) == ("example-grid", "2025-01-01", "2025-12-31")
    assert payload["settings"]["rebalance"] == "quarterly" and payload["demo"]
