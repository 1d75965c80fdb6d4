"""One spelling for machine output: `--format json` on every command that prints JSON;
the old `--json` flag still works but is hidden from --help."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from screener.cli import cli


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize(
    "command",
    [["themes", "list"], ["themes", "show", "fiber"], ["specs", "list"], ["specs", "show", "fiber-ytd-2026"],
     ["data", "status", "--demo"], ["data", "fetch", "600522.SH", "--demo"]],
    ids=" ".join,
)
def test_format_json_and_the_hidden_json_flag(command: list[str]) -> None:
    out = run(*command, "--format", "json").stdout
    json.loads(out)
    assert run(*command, "--json").stdout == out
    assert run(*command).stdout != out  # the default is the table
    help_text = run(*command[:2], "--help").stdout
    assert "--format [table|json]" in help_text and "--json" not in help_text


@pytest.mark.parametrize("command", [["backtest", "fiber", "--demo"], ["screen", "fiber", "--demo"]])
def test_commands_with_results_say_format_json_too(command: list[str]) -> None:
    json.loads(run(*command, "--format", "json").stdout)
