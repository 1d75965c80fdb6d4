"""#10 theme-file items: YAML alias bombs and deep nesting, a slug with a trailing
newline, weights that overflow, and the claims checks (plausible values, unique ids,
non-session days, windows the calendar cannot measure)."""

from __future__ import annotations

import time
from datetime import date

import pandas as pd
import pytest

from screener.backtest.claims import check_claims
from screener.errors import ThemeError
from screener.theme.loader import load_theme
from screener.theme.model import SLUG_RE
from tests.hostile.conftest import one_line_error, run

HEAD = "id: t\nname: T\n"
MEMBERS = "members:\n  - {symbol: 600487.SH, name: 亨通光电}\n  - {symbol: 600522.SH, name: 中天科技}\n"


@pytest.fixture(autouse=True)
def _today(freeze_today):
    freeze_today(date(2026, 6, 1))


def problems(tmp_path, text: str) -> list[str]:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ThemeError) as info:
        load_theme(path)
    return [p.removeprefix(f"{path}:") for p in info.value.problems]


def test_yaml_aliases_are_refused_before_they_expand(tmp_path):
    # the shape of a billion-laughs bomb, kept small so that even a regression finishes
    levels = ['a: &a ["x", "x", "x"]'] + [f"{c}: &{c} [*{p}, *{p}, *{p}]" for p, c in zip("abcd", "bcde")]
    started = time.monotonic()
    assert problems(tmp_path, "\n".join(levels) + "\n") == ["2: invalid YAML: alias *a is not allowed: write the value out in full"]
    assert time.monotonic() - started < 2


def test_a_bomb_through_the_cli_is_one_line(tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text('a: &a ["lol"]\nb: &b [*a, *a]\n', encoding="utf-8")
    assert one_line_error(run("themes", "validate", bomb)).endswith("bomb.yaml:2: invalid YAML: alias *a is not allowed: write the value out in full")


@pytest.mark.parametrize(("text", "line", "char"), [("id: t\x00\n", 1, "U+0000"), (HEAD + "x: a\x07b\n", 3, "U+0007")])
def test_a_control_character_is_one_line_with_its_line(tmp_path, text, line, char):
    path = tmp_path / "nul.yaml"
    path.write_text(text, encoding="utf-8")
    assert one_line_error(run("themes", "validate", path)) == (
        f"error: {path}:{line}: invalid YAML: character {char} is not allowed in YAML; remove it")


@pytest.mark.parametrize("text", [
    HEAD + "members: " + "[" * 500 + "]" * 500 + "\n",
    HEAD + "members:\n" + "".join("  " * i + "-\n" for i in range(1, 500)),
])
def test_deep_nesting_is_a_user_error_not_a_recursion_error(tmp_path, text):
    (problem,) = problems(tmp_path, text)
    assert "invalid YAML: nested more than 32 levels deep; theme and spec files are shallow" in problem


def test_a_slug_with_a_trailing_newline_is_refused(tmp_path):
    assert SLUG_RE.match("nl\n") is None and SLUG_RE.fullmatch("green-power")
    (problem,) = problems(tmp_path, 'id: "nl\\n"\nname: T\n' + MEMBERS)
    assert problem == "1: id: id 'nl\\n' must be a slug: lower-case letters, digits and '-', e.g. green-power"


def test_weights_that_would_overflow_are_refused(tmp_path):
    text = HEAD + "members:\n  - {symbol: 600487.SH, name: a, weight: 1e308}\n  - {symbol: 600522.SH, name: b, weight: 1e15}\n"
    (problem,) = problems(tmp_path, text)
    assert problem == ("4: members[0].weight: weight 1e+308 is too large: weights are relative "
                       "(0.2, 20 or a market cap in CNY), at most 1e+15")


def claim(body: str) -> str:
    return HEAD + MEMBERS + "claims:\n" + body


@pytest.mark.parametrize(("body", "message"), [
    ("  - {kind: period_return, start: 2026-01-01, end: 2026-05-11, value: 121.65, comparison: at_least}\n",
     "claims[0].value: 121.65 is not a plausible fraction (between -100 and 100); "
     "if it is a percentage, write 1.2165 for 121.65%"),
    ("  - {kind: period_return, start: 2026-01-01, end: 2026-05-11, value: 1e300, comparison: at_least}\n",
     "claims[0].value: 1e+300 is not a plausible fraction (between -100 and 100)"),
    ("  - {kind: period_return, start: 2026-01-01, end: 2026-05-11, value: -1.5, comparison: at_most}\n",
     "claims[0]: value -1.5 is a fall of more than 100%: a return is -1 (-100%) or more"),
    ("  - {kind: period_return, start: 1990-01-01, end: 2099-12-31, value: 0.1, comparison: at_least}\n",
     "claims[0].start: 1990-01-01 is before 1990-12-19, the Shanghai exchange's first session"),
    ("  - {kind: limit_up, date: 2026-05-10, symbols: [600487.SH]}\n",
     "claims[0].date: 2026-05-10 is a Sunday: the exchange is closed at weekends; check the date"),
    ("  - {id: a, kind: limit_up, date: 2026-05-11, symbols: [600487.SH]}\n"
     "  - {id: a, kind: close_up, date: 2026-05-11, symbols: [600522.SH]}\n",
     "claims[1].id: duplicate claim id 'a' (first used by claims[0]); give each claim its own id"),
])
def test_claims_are_validated(tmp_path, body, message):
    assert any(p.endswith(message) for p in problems(tmp_path, claim(body))), problems(tmp_path, claim(body))


def test_the_far_end_of_a_claim_window_is_checked_too(tmp_path):
    body = "  - {kind: period_return, start: 2026-01-01, end: 2099-12-31, value: 0.1, comparison: at_least}\n"
    assert any("claims[0].end: 2099-12-31 is more than a year after today (2026-06-01)" in p
               for p in problems(tmp_path, claim(body)))


def test_claim_checks_name_windows_and_days_the_calendar_cannot_measure(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(claim(
        "  - {kind: period_return, start: 1995-01-03, end: 1995-06-30, value: 0.1, comparison: at_least}\n"
        "  - {kind: limit_up, date: 2025-10-01, symbols: [600487.SH]}\n"), encoding="utf-8")
    theme = load_theme(path)
    day = pd.DataFrame({"close": [10.0], "adj_factor": [1.0]}, index=pd.DatetimeIndex(["2025-09-30"]))
    early, holiday = check_claims(theme, {"600487.SH": day})
    assert early["verdict"] == "no_data"
    assert early["detail"] == ("the window starts on 1995-01-03, before 2005-01-04, "
                               "the first session screener's calendar knows")
    assert holiday["verdict"] == "no_data"  # National Day: a Wednesday the exchange was closed
    assert holiday["detail"] == "600487.SH: 2025-10-01 is not a trading session (the exchange was closed)"
