"""Saved backtest specs: found by id on a search path like themes (--specs-dir,
$SCREENER_SPECS_PATH, the user's folder, built-in), listed and shown by `screener specs`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from screener.backtest.specs import SPECS
from screener.cli import cli

BUILT_IN = {"fiber-ytd-2026", "fiber-named-monthly-2025", "green-power-2026-05-11"}


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _spec(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_built_in_specs_are_listed() -> None:
    result = run("specs", "list", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.stdout)}
    assert set(rows) == BUILT_IN
    fiber = rows["fiber-ytd-2026"]
    assert (fiber["theme"], fiber["start"], fiber["end"], fiber["origin"], fiber["error"]) == (
        "fiber", "2026-01-01", "2026-05-11", "built-in", None)
    assert run("specs", "list", "--json").stdout == result.stdout  # the hidden old spelling
    assert run("backtests", "list", "--format", "json").stdout == result.stdout  # the hidden alias
    table = run("specs", "list").stdout
    assert "fiber-ytd-2026" in table and "2026-01-01 → 2026-05-11" in table


def test_search_order_first_definition_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = "theme: fiber\nstart: 2026-01-01\nend: {end}\n"
    first = _spec(tmp_path / "a", "fiber-ytd-2026", body.format(end="2026-03-31"))
    _spec(tmp_path / "env", "fiber-ytd-2026", body.format(end="2026-02-27"))
    _spec(tmp_path / "env", "env-only", body.format(end="2026-02-27"))
    _spec(SPECS.user_dir(), "mine", body.format(end="2026-04-30"))
    monkeypatch.setenv("SCREENER_SPECS_PATH", str(tmp_path / "env"))

    rows = {r["id"]: r for r in json.loads(run("specs", "list", "--specs-dir", str(tmp_path / "a"), "--format", "json").stdout)}
    assert rows["fiber-ytd-2026"]["path"] == str(first) and rows["fiber-ytd-2026"]["end"] == "2026-03-31"
    assert [s["origin"] for s in rows["fiber-ytd-2026"]["shadows"]] == ["$SCREENER_SPECS_PATH", "built-in"]
    assert (rows["env-only"]["origin"], rows["mine"]["origin"]) == ("$SCREENER_SPECS_PATH", "user config")

    def end_of(*args: str) -> str:
        result = run("backtest", *args, "--demo", "--format", "json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["end"]

    assert end_of("fiber-ytd-2026", "--specs-dir", str(tmp_path / "a")) == "2026-03-31"
    assert end_of("fiber-ytd-2026") == "2026-02-27"  # the environment's, ahead of the built-in
    assert end_of("mine") == "2026-04-30"
    assert end_of("mine", "--end", "2026-04-10") == "2026-04-10"  # options override the spec


def test_show_prints_every_option() -> None:
    result = run("specs", "show", "fiber-named-monthly-2025")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("fiber-named-monthly-2025  (built-in: ")
    assert any(line.split() == ["rebalance", "monthly"] for line in lines)
    assert any(line.split() == ["members", "named", "in", "the", "source"] for line in lines)
    assert any(line.split() == ["minimum", "commission", "(CNY)", "5"] for line in lines)
    assert lines[-1] == "run it: screener backtest fiber-named-monthly-2025"
    shown = json.loads(run("specs", "show", "fiber-ytd-2026", "--format", "json").stdout)
    assert shown["costs"]["stamp_duty"] == [{"since": None, "rate": 0.0005}]
    assert shown["defined_in"]["origin"] == "built-in"


def test_a_missing_spec_file_is_not_called_a_theme_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # as after `pip install`: no backtests/ folder here
    result = run("backtest", "backtests/fiber-ytd-2026.yaml", "--demo")
    assert result.exit_code == 2
    assert result.stderr == (
        "error: file backtests/fiber-ytd-2026.yaml does not exist; fiber-ytd-2026 is a built-in backtest spec: "
        "name it by id (fiber-ytd-2026) instead of by path\n"
    )
    assert "theme file" not in run("backtest", "backtests/other.yaml").stderr
    assert "no-such-spec" in run("specs", "show", "no-such-spec").stderr


def test_a_spec_names_its_theme_by_a_path_relative_to_itself(tmp_path: Path) -> None:
    theme = (Path(__file__).resolve().parents[1] / "themes" / "fiber.yaml").read_text(encoding="utf-8")
    (tmp_path / "themes").mkdir()
    (tmp_path / "themes" / "mine.yaml").write_text(theme.replace("id: fiber", "id: my-fiber"), encoding="utf-8")
    _spec(tmp_path / "specs", "my-run", "theme: ../themes/mine.yaml\nend: 2026-05-11\n")
    result = run("backtest", "my-run", "--specs-dir", str(tmp_path / "specs"), "--demo", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["theme"] == "my-fiber"


def test_a_name_that_is_a_theme_and_a_spec_runs_the_theme(tmp_path: Path) -> None:
    _spec(tmp_path, "fiber", "theme: fiber\nstart: 2026-03-02\nend: 2026-05-11\n")
    result = run("backtest", "fiber", "--specs-dir", str(tmp_path), "--end", "2026-05-11", "--demo", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["start"] == "2026-01-01"  # the theme's claim window, not the spec's
    assert "'fiber' is both a theme and a backtest spec" in result.stderr


def test_an_invalid_spec_is_listed_not_fatal(tmp_path: Path) -> None:
    _spec(tmp_path, "broken", "theme: fiber\nrebalance: weekly\n")
    rows = {r["id"]: r for r in json.loads(run("specs", "list", "--specs-dir", str(tmp_path), "--format", "json").stdout)}
    assert "broken.yaml:2" in rows["broken"]["error"] and rows["fiber-ytd-2026"]["error"] is None
    assert "INVALID" in run("specs", "list", "--specs-dir", str(tmp_path)).stdout
    result = run("backtest", "broken", "--specs-dir", str(tmp_path), "--demo")
    assert result.exit_code == 2 and "broken.yaml:2: rebalance" in result.stderr
