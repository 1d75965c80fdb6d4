"""Broken theme files are rejected with exit 2 and a message naming the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from screener.cli import cli
from screener.errors import ThemeError
from screener.theme import builtin_themes_dir, load_theme

GOOD = """\
id: mini
name: Mini
sources:
  - title: A story
    publisher: 证券日报
    date: 2026-05-12
benchmark: 000300.SH
members:
  - symbol: 600522.SH
    name: 中天科技
    named_in_source: true
  - symbol: 600487.SH
    name: 亨通光电
claims:
  - kind: period_return
    start: 2026-01-01
    end: 2026-05-11
    value: 1.2165
    comparison: at_least
    proxy: basket
"""

# (what is broken, replace this, with this, expected line, text the message must contain)
BROKEN = [
    ("unknown key", "    name: 亨通光电\n", "    name: 亨通光电\n    sector: fiber\n", 14, "unknown key 'sector'"),
    ("unknown top-level key", "name: Mini\n", "name: Mini\nowner: me\n", 3, "unknown key 'owner'"),
    ("duplicate member", "  - symbol: 600487.SH\n", "  - symbol: sh600522\n", 12, "duplicate member 600522.SH"),
    ("invalid symbol", "  - symbol: 600487.SH\n", "  - symbol: 60048\n", 12, "invalid symbol 60048"),
    ("stock code on the wrong exchange", "  - symbol: 600487.SH\n", "  - symbol: 600487.SZ\n", 12, "600487.SZ"),
    ("date that does not parse", "    date: 2026-05-12\n", "    date: 12/05/2026\n", 6, "is not a date"),
    ("impossible date", "    end: 2026-05-11\n", "    end: 2026-02-30\n", 17, "is not a date"),
    ("end before start", "    end: 2026-05-11\n", "    end: 2025-05-11\n", 15, "is before start"),
    ("negative weight", "    named_in_source: true\n", "    named_in_source: true\n    weight: -0.5\n", 12, "weight must be zero or positive"),
    ("missing name", "    name: 中天科技\n", "", 9, "required field is missing"),
    ("no members", None, None, 1, "members"),
    ("bad id", "id: mini\n", "id: Mini Theme\n", 1, "must be a slug"),
    ("unknown claim kind", "  - kind: period_return\n", "  - kind: doubled\n", 15, "unknown claim kind"),
    ("about without tolerance", "    comparison: at_least\n", "    comparison: about\n", 15, "needs a tolerance"),
    ("bad comparison", "    comparison: at_least\n", "    comparison: more\n", 19, "'at_least', 'at_most' or 'about'"),
    ("benchmark with symbol and board", "benchmark: 000300.SH\n", "benchmark: {symbol: 000300.SH, board: BK0715}\n", 7, "exactly one of"),
    ("YAML syntax error", "    name: 亨通光电\n", "    name: [亨通光电\n", 14, "invalid YAML"),
    ("not a mapping", None, "- just\n- a list\n", 1, "must be a mapping"),
    ("python object tag", "name: Mini\n", "name: !!python/object/apply:os.system ['echo pwned']\n", 2, "is not allowed"),
    ("duplicate key", "name: Mini\n", "name: Mini\nname: Again\n", 3, "invalid YAML"),
    ("claim source out of range", "    proxy: basket\n", "    proxy: basket\n    source: 3\n", 21, "not an index into sources"),
    ("date written as a number", "    date: 2026-05-12\n", "    date: 20260512\n", 6, "20260512 is not a date; write YYYY-MM-DD"),
    ("date with a time of day", "    start: 2026-01-01\n", "    start: 2026-01-01T10:00:00\n", 16, "is not a date; write YYYY-MM-DD"),
    ("weight that is not a number", "    named_in_source: true\n", "    named_in_source: true\n    weight: .nan\n", 12, "finite number"),
    ("infinite claim value", "    value: 1.2165\n", "    value: .inf\n", 18, "finite number"),
    ("value as a percentage", "    value: 1.2165\n", "    value: 121.65%\n", 18, "a fraction: 1.2165 for 121.65%"),
    ("bare index-like benchmark", "benchmark: 000300.SH\n", "benchmark: 000300\n", 7, "write 000300.SH for the index"),
    ("bare index-like proxy", "    proxy: basket\n", "    proxy: '000905'\n", 20, "write 000905.SH for the index"),
    ("proxy that is neither basket nor a symbol", "    proxy: basket\n", "    proxy: Basket\n", 20, "or basket"),
    ("empty member name", "    name: 中天科技\n", "    name: ''\n", 10, "must not be empty"),
    ("event source out of range", "    proxy: basket\n", "    proxy: basket\nevents:\n  - {date: 2026-05-08, label: plan, source: 1}\n",
     22, "not an index into sources"),
    ("event without a label", "    proxy: basket\n", "    proxy: basket\nevents:\n  - {date: 2026-05-08}\n", 22,
     "required field is missing"),
]


def _write(tmp_path: Path, old: str | None, new: str | None) -> Path:
    if old is None and new is None:
        text = GOOD.split("members:")[0]
    elif old is None:
        text = new
    else:
        assert old in GOOD
        text = GOOD.replace(old, new, 1)
    path = tmp_path / "theme.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_good_file_is_valid(tmp_path):
    path = _write(tmp_path, "", "")
    theme = load_theme(path)
    assert theme.symbols == ["600522.SH", "600487.SH"]
    assert theme.benchmark.symbol == "000300.SH"


@pytest.mark.parametrize("what,old,new,line,needle", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_theme_is_rejected_with_its_line(tmp_path, what, old, new, line, needle):
    path = _write(tmp_path, old, new)
    result = CliRunner().invoke(cli, ["themes", "validate", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [ln for ln in result.output.splitlines() if ln.startswith("error:")]
    assert errors, result.output
    assert any(f"{path}:{line}:" in e and needle in e for e in errors), "\n".join(errors)


def test_python_tags_never_construct_objects(tmp_path):
    marker = tmp_path / "pwned"
    path = _write(tmp_path, "name: Mini\n", f"name: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(ThemeError):
        load_theme(path)
    assert not marker.exists()


def test_every_problem_is_reported_one_per_line(tmp_path):
    text = GOOD.replace("    name: 亨通光电\n", "    name: 亨通光电\n    sector: x\n    weight: -1\n")
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ThemeError) as err:
        load_theme(path)
    assert len(err.value.problems) == 2
    assert all(p.startswith(f"{path}:") for p in err.value.problems)


def test_unquoted_leading_zero_code_is_read_as_intended(tmp_path):
    path = _write(tmp_path, "  - symbol: 600487.SH\n", "  - symbol: 002491\n")
    assert load_theme(path).symbols[1] == "002491.SZ"


def test_builtin_themes_validate():
    result = CliRunner().invoke(cli, ["themes", "validate"])
    assert result.exit_code == 0, result.output
    for theme_id in ("fiber", "green-power", "hydrogen-low-altitude", "ai-content"):
        assert f"({theme_id}:" in result.output
    assert "(fiber: 7 members, 1 claim)" in result.output  # not '1 claims'


def test_seed_claims_are_recorded():
    fiber = load_theme(builtin_themes_dir() / "fiber.yaml")
    (claim,) = fiber.period_claims()
    assert (claim.start.isoformat(), claim.end.isoformat()) == ("2026-01-01", "2026-05-11")
    assert claim.value == pytest.approx(1.2165) and claim.comparison == "at_least"
    assert claim.proxy == "basket"
    assert {m.symbol for m in fiber.members if m.named_in_source} == {"600522.SH", "600487.SH", "002491.SZ"}

    green = load_theme(builtin_themes_dir() / "green-power.yaml")
    assert green.benchmark.symbol == "399438.SZ"
    kinds = {c.kind: c.symbols for c in green.claims}
    assert kinds["limit_up"] == ["600236.SH", "002585.SZ"]
    assert kinds["close_up"] == ["301307.SZ", "601126.SH"]

    ai = load_theme(builtin_themes_dir() / "ai-content.yaml")
    assert not any(m.named_in_source for m in ai.members)


def test_integer_that_is_an_exact_day_is_not_read_as_a_unix_time(tmp_path):
    # 1778457600 seconds after 1970 is 2026-05-11: a number must never become a date
    path = _write(tmp_path, "    date: 2026-05-12\n", "    date: 1778457600\n")
    with pytest.raises(ThemeError, match="1778457600 is not a date"):
        load_theme(path)


def test_bare_stock_codes_stay_stocks_and_suffixed_indices_are_fine(tmp_path):
    text = GOOD.replace("benchmark: 000300.SH\n", "benchmark: 399438\n").replace(
        "    proxy: basket\n", "    proxy: 600522\n"
    )
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    theme = load_theme(path)
    assert theme.benchmark.symbol == "399438.SZ" and theme.claims[0].proxy == "600522.SH"



def test_a_file_that_is_not_utf8_says_so_with_its_line(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes(GOOD.encode("gbk"))
    result = CliRunner().invoke(cli, ["themes", "validate", str(path)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert f"{path}:5: not UTF-8 text" in result.output and "save it as UTF-8" in result.output
