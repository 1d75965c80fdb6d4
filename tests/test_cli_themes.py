"""`screener themes list|show` and the theme search path, through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from screener import __version__
from screener.cli import cli
from screener.theme.registry import user_themes_dir

BUILTIN = {"fiber", "green-power", "hydrogen-low-altitude", "ai-content"}


def run(*args: str, **kw):
    return CliRunner().invoke(cli, list(args), **kw)


def _theme(folder: Path, theme_id: str, name: str, file: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (file or f"{theme_id}.yaml")
    path.write_text(
        f"id: {theme_id}\nname: {name}\nmembers:\n  - {{symbol: '600487', name: 亨通光电}}\n",
        encoding="utf-8",
    )
    return path


def test_version_and_help():
    assert run("--version").output.strip().endswith(__version__)
    out = run("--help").output
    assert "themes" in out
    assert "list" in run("themes", "--help").output


def test_list_shows_builtin_themes_with_origin():
    result = run("themes", "list", "--json")
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in json.loads(result.output)}
    assert BUILTIN <= set(rows)
    assert rows["fiber"]["members"] == 7 and rows["fiber"]["origin"] == "built-in"
    assert rows["fiber"]["named_in_source"] == 3


def test_list_plain_text_when_piped():
    out = run("themes", "list").output
    assert "fiber" in out and "built-in" in out
    assert "┃" not in out and "│" not in out  # no box drawing when not a terminal


def test_show_members_boards_and_claims():
    result = run("themes", "show", "green-power")
    assert result.exit_code == 0, result.output
    assert "301307.SZ" in result.output and "ChiNext" in result.output and "±20%" in result.output
    assert "benchmark: 399438.SZ 国证绿色电力" in result.output  # with its name
    assert "limit_up on 2026-05-11: 600236.SH, 002585.SZ" in result.output


def test_show_json_round_trips():
    data = json.loads(run("themes", "show", "fiber", "--json").output)
    assert data["id"] == "fiber"
    assert data["members"][0]["board"] == "main board" and data["members"][0]["limit"] == 0.1
    assert data["claims"][0]["value"] == 1.2165


def test_show_by_path(tmp_path):
    path = _theme(tmp_path, "mine", "My theme")
    result = run("themes", "show", str(path))
    assert result.exit_code == 0, result.output
    assert "My theme [mine]" in result.output


def test_unknown_theme_is_a_user_error():
    result = run("themes", "show", "no-such-theme")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert "unknown theme 'no-such-theme'" in result.output and "fiber" in result.output


def test_missing_theme_file_is_a_user_error(tmp_path):
    result = run("themes", "show", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2 and "does not exist" in result.output


def test_search_order_first_definition_wins(tmp_path, monkeypatch):
    first = _theme(tmp_path / "a", "fiber", "Fiber from --themes-dir")
    _theme(tmp_path / "env", "fiber", "Fiber from env")
    _theme(tmp_path / "env", "envonly", "Env only")
    _theme(user_themes_dir(), "userown", "User's own")
    monkeypatch.setenv("SCREENER_THEMES_PATH", str(tmp_path / "env"))

    rows = {r["id"]: r for r in json.loads(run("themes", "list", "--themes-dir", str(tmp_path / "a"), "--json").output)}
    assert rows["fiber"]["name"] == "Fiber from --themes-dir"
    assert rows["fiber"]["path"] == str(first)
    assert [s["origin"] for s in rows["fiber"]["shadows"]] == ["$SCREENER_THEMES_PATH", "built-in"]
    assert rows["envonly"]["origin"] == "$SCREENER_THEMES_PATH"
    assert rows["userown"]["origin"] == "user config"

    table = run("themes", "list", "--themes-dir", str(tmp_path / "a")).output
    assert "overrides" in table
    shown = run("themes", "show", "fiber", "--themes-dir", str(tmp_path / "a")).output
    assert "Fiber from --themes-dir" in shown


def test_id_comes_from_the_file_not_its_name(tmp_path):
    _theme(tmp_path, "solar", "Solar", file="anything.yml")
    result = run("themes", "show", "solar", "--themes-dir", str(tmp_path))
    assert result.exit_code == 0 and "Solar [solar]" in result.output


def test_invalid_theme_on_path_is_listed_not_fatal(tmp_path):
    (tmp_path / "bad.yaml").write_text("id: bad\nname: Bad\nmembers: []\n", encoding="utf-8")
    result = run("themes", "list", "--themes-dir", str(tmp_path))
    assert result.exit_code == 0
    assert "INVALID" in result.output and "fiber" in result.output


def test_debug_shows_the_traceback():
    result = run("--debug", "themes", "show", "no-such-theme")
    assert result.exit_code != 0 and result.exception is not None


def test_a_folder_is_not_a_theme_file(tmp_path):
    result = run("themes", "show", str(tmp_path) + "/")
    assert result.exit_code == 2
    assert f"{tmp_path}/ is a folder, not a theme file" in result.output


def test_missing_themes_dir_is_reported(tmp_path):
    result = run("themes", "list", "--themes-dir", str(tmp_path / "nope"))
    assert result.exit_code == 2 and "does not exist" in result.output


def test_missing_folder_in_env_path_is_a_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("SCREENER_THEMES_PATH", str(tmp_path / "typo"))
    result = run("themes", "list")
    assert result.exit_code == 0 and "fiber" in result.stdout
    assert f"warning: $SCREENER_THEMES_PATH folder {tmp_path / 'typo'} does not exist" in result.stderr


def test_theme_commands_stay_light():
    """`themes list/show/validate` and `--help` never import pandas, akshare or plotting."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from screener.cli import cli\n"
        "for args in (['--help'], ['themes', 'list'], ['themes', 'show', 'fiber'], ['themes', 'validate']):\n"
        "    assert CliRunner().invoke(cli, args).exit_code == 0, args\n"
        "heavy = sorted({'pandas', 'numpy', 'akshare', 'backtrader', 'matplotlib', 'pyarrow', 'openpyxl'} & set(sys.modules))\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


def test_usage_errors_are_one_line_naming_the_help():
    for args, needle in [
        (["themes", "show"], "Missing argument 'THEME'"),
        (["no-such-command"], "No such command 'no-such-command'"),
        (["themes", "list", "--bogus"], "No such option '--bogus'"),
    ]:
        result = run(*args)
        assert result.exit_code == 2, result.output
        lines = result.output.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and needle in lines[0], lines
        assert "--help`" in lines[0]
