"""`screener themes schema` / `screener specs schema`: JSON Schemas that accept every
shipped theme and spec (shorthands included) and catch the mistakes an editor should."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor

from screener.cli import cli

REPO = Path(__file__).resolve().parents[1]


def schema(*args: str) -> dict:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def load(text: str):
    """YAML as an editor's language server reads it: dates stay text."""
    yaml = YAML(typ="safe", pure=True)
    yaml.constructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)
    return yaml.load(text)


def errors(schema_: dict, data) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema_, format_checker=jsonschema.FormatChecker())
    return sorted(".".join(map(str, e.absolute_path)) for e in validator.iter_errors(data))


@pytest.fixture(scope="module")
def theme_schema() -> dict:
    s = schema("themes", "schema")
    jsonschema.Draft202012Validator.check_schema(s)
    return s


@pytest.fixture(scope="module")
def spec_schema() -> dict:
    s = schema("specs", "schema")
    assert schema("backtests", "schema") == s  # the spelling
    jsonschema.Draft202012Validator.check_schema(s)
    return s


@pytest.mark.parametrize("path", sorted((REPO / "themes").glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_themes_validate(theme_schema: dict, path: Path) -> None:
    assert errors(theme_schema, load(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize("path", sorted((REPO / "backtests").glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_specs_validate(spec_schema: dict, path: Path) -> None:
    assert errors(spec_schema, load(path.read_text(encoding="utf-8"))) == []


THEME = """
id: t
name: T
benchmark: {bench}
members:
  - {{symbol: {symbol}, name: A}}
claims:
  - {{kind: limit_up, date: 2026-05-11, symbols: [{symbol}]}}
"""


@pytest.mark.parametrize(
    ("bench", "symbol", "bad"),
    [
        ("000300.SH", "600522.SH", []),  # the README's shorthands
        ("{board: BK0715, source: em}", "600522", []),
        ("{board: BK0715, source: xx}", "600522.SH", ["benchmark"]),
        ("000300.SH", "[600522]", ["claims.0", "members.0.symbol"]),  # a list is no code
    ],
)
def test_theme_shorthands_and_mistakes(theme_schema: dict, bench: str, symbol: str, bad: list[str]) -> None:
    assert errors(theme_schema, load(THEME.format(bench=bench, symbol=symbol))) == bad


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("theme: fiber\nbenchmark: 399006.SZ\ncosts: {stamp_duty: 0.0005}\n", []),
        ("theme: fiber\ncosts: {stamp_duty: [{since: 2023-08-28, rate: 0.0005}]}\n", []),
        ("theme: fiber\nrebalance: weekly\n", ["rebalance"]),
        ("theme: fiber\nstart: 2026-02-30\n", ["start"]),
        ("theme: fiber\ncost: {commission: 0.0003}\n", [""]),  # a typo: no such key
        ("start: 2026-01-01\n", [""]),  # theme is required
    ],
)
def test_spec_shorthands_and_mistakes(spec_schema: dict, text: str, bad: list[str]) -> None:
    assert errors(spec_schema, load(text)) == bad
