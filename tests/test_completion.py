"""Shell completion through click's own machinery (`_SCREENER_COMPLETE=bash_complete`):
theme and spec ids, factor names, export formats; bash, zsh and fish scripts."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from screener.cli import cli


def complete(line: str, shell: str = "bash") -> list[str]:
    """What the shell would offer for the last word of ``line`` ("type,value" items)."""
    words = line.split(" ")
    # bash and zsh pass the index of the word completed, fish the word itself
    where = words[-1] if shell == "fish" else str(len(words) - 1)
    env = {"_SCREENER_COMPLETE": f"{shell}_complete", "COMP_WORDS": line, "COMP_CWORD": where}
    result = CliRunner().invoke(cli, [], env=env, prog_name="screener")
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


def test_backtest_completes_theme_and_spec_ids_and_files() -> None:
    assert complete("screener backtest fi") == [
        "plain,fiber", "plain,fiber-named-monthly-2025", "plain,fiber-ytd-2026", "file,fi",
    ]


def test_ids_follow_the_search_path_given(tmp_path: Path) -> None:
    (tmp_path / "my-window.yaml").write_text("theme: fiber\n", encoding="utf-8")
    assert "plain,my-window" in complete(f"screener backtest --specs-dir {tmp_path} my")
    assert "plain,my-window" not in complete("screener backtest my")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("screener themes show gr", ["plain,green-power", "file,gr"]),
        ("screener specs show green", ["plain,green-power-2026-05-11", "file,green"]),
        ("screener screen fiber --sort ret_2", ["plain,ret_20d", "plain,ret_250d"]),
        ("screener screen fiber --sort ret_20d,vol", ["plain,ret_20d,vol_20d", "plain,ret_20d,vol_60d"]),
        ("screener screen fiber --columns ret_20d,ret_2", ["plain,ret_20d,ret_250d"]),  # not twice
        ("screener screen fiber --where ret_20d>5%&limit_up_t", ["plain,ret_20d>5%&limit_up_today"]),
        ("screener backtest fiber --export html,x", ["plain,html,xlsx"]),
        ("screener report r.json --export m", ["plain,md"]),
        ("screener th", ["plain,themes"]),  # the hidden alias `backtests` is not offered
    ],
)
def test_completions(line: str, expected: list[str]) -> None:
    assert complete(line) == expected


def test_zsh_and_fish_get_the_same_ids() -> None:
    assert complete("screener specs show fiber-y", "zsh") == ["plain", "fiber-ytd-2026", "backtest spec",
                                                              "file", "fiber-y", "_"]
    # fish's wire format is click's own and changed in click 8.5 (one item per line with a tab
    # before the help, or three lines per item as zsh): read the items either way
    fish = complete("screener specs show fiber-y", "fish")
    if any("," in line for line in fish):
        items = [tuple(line.replace("\t", ",").split(",")) for line in fish]
        assert items == [("plain", "fiber-ytd-2026", "backtest spec"), ("file", "fiber-y")]
    else:
        assert fish == ["plain", "fiber-ytd-2026", "backtest spec", "file", "fiber-y", "_"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_documented_source_scripts(shell: str) -> None:
    result = CliRunner().invoke(cli, [], env={"_SCREENER_COMPLETE": f"{shell}_source"}, prog_name="screener")
    assert result.exit_code == 0 and "_SCREENER_COMPLETE" in result.stdout
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert f"_SCREENER_COMPLETE={shell}_source screener" in readme
