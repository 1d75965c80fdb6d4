"""A user's mistake raises a UserError subclass (never SystemExit) worded as the
command words it, with options spelled as keywords."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import screener
from screener.cli import cli


def cli_error(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 2, result.output
    return result.stderr.strip().removeprefix("error: ")


@pytest.mark.parametrize(
    ("call", "kwargs", "args"),
    [
        (screener.backtest, {"theme": "fiber", "start": "2026-06-01", "end": "2026-05-11"},
         ["backtest", "fiber", "--start", "2026-06-01", "--end", "2026-05-11"]),
        (screener.backtest, {"theme": "no-such-theme"}, ["backtest", "no-such-theme"]),
        (screener.backtest, {"theme": "green-power", "weights": "theme"}, ["backtest", "green-power", "--weights", "theme"]),
        (screener.backtest, {"theme": "backtests-gone/fiber-ytd-2026.yaml"},
         ["backtest", "backtests-gone/fiber-ytd-2026.yaml"]),
    ],
    ids=["window", "unknown-theme", "no-weights", "missing-spec-file"],
)
def test_same_message_as_the_command(call, kwargs: dict, args: list[str]) -> None:
    with pytest.raises(screener.UserError) as caught:
        call(**kwargs, demo=True)
    assert str(caught.value) == cli_error(*args, "--demo").replace("\nerror: ", "\n")


def test_option_names_are_spelled_as_keywords() -> None:
    with pytest.raises(screener.UserError) as caught:
        screener.backtest("fiber", benchmark="12345X", demo=True)
    assert str(caught.value).startswith("benchmark: ")
    assert cli_error("backtest", "fiber", "--benchmark", "12345X", "--demo") == "--" + str(caught.value)


@pytest.mark.parametrize(
    ("kwargs", "args", "message", "command_says"),
    [
        ({}, [], "say what to screen: target (an id or a YAML path), board NAME or universe all",
         "say what to screen: THEME (an id or a YAML path), --board NAME or --universe all"),
        ({"board": "star", "target": "fiber"}, ["fiber", "--board", "star"],
         "give only one of target (an id or a YAML path), board NAME or universe all",
         "give only one of THEME (an id or a YAML path), --board NAME or --universe all"),
        ({"target": "fiber", "sort": "ret_7d"}, ["fiber", "--sort", "ret_7d"],
         "sort: unknown field 'ret_7d' (did you mean ret_5d?); valid fields: ret_5d, ",
         "--sort: unknown field 'ret_7d' (did you mean ret_5d?); valid fields: ret_5d, "),
        ({"target": "fiber", "where": "ret_20d >"}, ["fiber", "--where", "ret_20d >"],
         "where, position 10: unexpected end of expression: expected a field or a number\n  ret_20d >\n           ^\n",
         "--where, position 10: unexpected end of expression: expected a field or a number\n  ret_20d >\n           ^\n"),
        ({"target": "fiber", "where": "x" * 2001}, ["fiber", "--where", "x" * 2001],
         "where is 2,001 characters long (the limit is 2,000): ", "--where is 2,001 characters long (the limit is 2,000): "),
    ],
    ids=["nothing-to-screen", "two-targets", "bad-sort", "bad-where", "long-where"],
)
def test_screen_errors_spell_options_as_keywords(kwargs: dict, args: list[str], message: str, command_says: str) -> None:
    with pytest.raises(screener.UserError) as caught:
        screener.screen(**kwargs, demo=True)
    assert str(caught.value).startswith(message)
    command = cli_error("screen", *args, "--demo").replace("\nerror: ", "\n")
    assert command.startswith(command_says)  # the command keeps its flags


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rebalance": "weekly"}, "rebalance: Input should be 'none', 'monthly' or 'quarterly'"),
        ({"lot_size": 0}, "lot_size: Input should be greater than or equal to 1"),
        ({"commission": 0.5}, "commission: Input should be less than 0.1"),
        ({"costs": "yes"}, "costs: expected True, False or a mapping of cost fields, not 'yes'"),
        ({"rebalnce": "monthly"}, "unknown backtest option rebalnce; the options are: start, end, rebalance"),
        ({"start": "2026-13-01"}, "start: '2026-13-01' is not a date; write YYYY-MM-DD"),
        ({"start": 20260101}, "start: 20260101 is not a date"),
        ({"themes_dirs": ["/no/such/folder"]}, "themes_dirs: /no/such/folder is not a folder"),
    ],
)
def test_backtest_option_errors(kwargs: dict, message: str) -> None:
    with pytest.raises(screener.UserError) as caught:
        screener.backtest("fiber", demo=True, **kwargs)
    assert str(caught.value).startswith(message)


def test_bars_errors() -> None:
    with pytest.raises(screener.SymbolError):
        screener.bars("not-a-code", demo=True)
    with pytest.raises(screener.UserError, match="start 2026-05-11 is after end 2026-01-01"):
        screener.bars("600522.SH", "2026-05-11", "2026-01-01", demo=True)
    with pytest.raises(screener.DataError, match="no data for 600000.SH"):
        screener.bars("600000.SH", demo=True)
    with pytest.warns(UserWarning, match="no data for 600000.SH"):
        frame = screener.bars(["600522.SH", "600000.SH"], "2026-05-01", "2026-05-11", demo=True)
    assert set(frame["symbol"]) == {"600522.SH"} and frame.attrs["missing"] == ["600000.SH"]


def test_load_theme_errors_name_the_file(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: bad\nname: Bad\nmembers:\n  - {symbol: 999999.XX, name: x}\n", encoding="utf-8")
    with pytest.raises(screener.ThemeError) as caught:
        screener.load_theme(bad)
    assert caught.value.problems[0].startswith(f"{bad}:4:")
