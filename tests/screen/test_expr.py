"""The --where language: tokens, precedence, percentages, errors with positions, and
three-valued logic for missing values."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from screener.errors import UserError
from screener.screen.expr import WhereError, parse_where, tokenize

FIELDS = ("ret_5d", "ret_20d", "vol_20d", "pe_ttm", "limit_up_today", "amount_20d")
FLAGS = ("limit_up_today",)
NAN = math.nan


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": ["A", "B", "C", "D", "E"],
            "ret_5d": [0.10, 0.30, NAN, -0.20, 0.05],
            "ret_20d": [0.50, 0.10, 0.20, NAN, 0.05],
            "vol_20d": [0.40, 0.20, 0.30, 0.50, 0.05],
            "pe_ttm": [NAN, 12.0, 40.0, NAN, 8.0],
            "limit_up_today": [1.0, 0.0, 0.0, NAN, 0.0],
            "amount_20d": [2e8, 5e7, 1.5e8, 3e8, 0.0],
        }
    )


def passing(expr: str, frame: pd.DataFrame) -> list[str]:
    value, known = parse_where(expr, FIELDS, FLAGS).evaluate(frame)
    assert not (value & ~known).any()  # a true row is always a known row
    return list(frame["symbol"][value & known])


def test_tokens_and_percentages() -> None:
    toks = tokenize("ret_5d>=20% and pe_ttm < 1.5e1", FIELDS)
    assert [(t.kind, t.text) for t in toks] == [
        ("name", "ret_5d"), ("op", ">="), ("number", "20%"), ("and", "and"),
        ("name", "pe_ttm"), ("op", "<"), ("number", "1.5e1"), ("end", ""),
    ]
    assert toks[2].value == pytest.approx(0.2)
    assert toks[6].value == 15.0
    assert [t.pos for t in toks[:3]] == [0, 6, 8]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("ret_5d > 20%", ["B"]),
        ("ret_5d > 0.2", ["B"]),
        ("ret_5d >= 10%", ["A", "B"]),
        ("ret_5d <= -20%", ["D"]),
        ("ret_5d > -.2", ["A", "B", "E"]),
        ("ret_5d == 5%", ["E"]),
        ("ret_5d != 5%", ["A", "B", "D"]),  # C is missing: unknown, not true
        ("amount_20d >= 1.5e8", ["A", "C", "D"]),
        ("ret_20d > ret_5d", ["A"]),  # C and D: a side is missing
        ("- ret_5d > 0", ["D"]),
        ("RET_5D > 0 AND Vol_20d < 25%", ["B", "E"]),  # keywords and fields are case-insensitive
    ],
)
def test_comparisons(frame: pd.DataFrame, expr: str, expected: list[str]) -> None:
    assert passing(expr, frame) == expected


def test_precedence_and_binds_tighter_than_or(frame: pd.DataFrame) -> None:
    # a or (b and c), not (a or b) and c
    assert passing("ret_5d > 25% or ret_20d > 15% and vol_20d < 35%", frame) == ["B", "C"]
    assert passing("(ret_5d > 25% or ret_20d > 15%) and vol_20d < 35%", frame) == ["B", "C"]
    assert passing("(ret_5d > 25% or ret_20d > 15%) and vol_20d < 25%", frame) == ["B"]
    assert passing("ret_5d > 25% or ret_20d > 15% and vol_20d < 25%", frame) == ["B"]
    assert passing("vol_20d < 25% and ret_5d > 25% or ret_20d > 40%", frame) == ["A", "B"]


def test_not_binds_tighter_than_and(frame: pd.DataFrame) -> None:
    assert passing("not ret_5d > 0 and vol_20d > 45%", frame) == ["D"]
    # C: "unknown and false" is known false, so its negation passes.
    assert passing("not (ret_5d > 0 and vol_20d > 45%)", frame) == ["A", "B", "C", "D", "E"]
    assert passing("not (ret_5d > 0 and vol_20d > 25%)", frame) == ["B", "D", "E"]  # C: unknown
    assert passing("not not ret_5d > 20%", frame) == ["B"]


def test_missing_values_fail_even_under_not(frame: pd.DataFrame) -> None:
    where = parse_where("pe_ttm < 30", FIELDS, FLAGS)
    value, known = where.evaluate(frame)
    assert list(value) == [False, True, False, False, True]
    assert list(known) == [False, True, True, False, True]
    assert passing("not pe_ttm < 30", frame) == ["C"]  # A and D stay out: their pe is missing
    # Kleene logic: a known true side makes "or" true; a known false side makes "and" false.
    assert passing("pe_ttm < 30 or ret_5d > 5%", frame) == ["A", "B", "E"]
    value, known = parse_where("pe_ttm < 30 and ret_5d > 50%", FIELDS).evaluate(frame)
    assert list(known) == [True] * 5  # A, D: "unknown and false" is known false
    assert not value.any()
    value, known = parse_where("pe_ttm < 30 or ret_5d > 50%", FIELDS).evaluate(frame)
    assert list(known) == [False, True, False, False, True]  # A, C, D: "unknown or false" is unknown


def test_bare_flag_is_a_condition(frame: pd.DataFrame) -> None:
    assert passing("limit_up_today", frame) == ["A"]
    assert passing("not limit_up_today", frame) == ["B", "C", "E"]  # D's flag is missing
    assert passing("limit_up_today == 1 or ret_5d > 25%", frame) == ["A", "B"]


def test_field_list_in_order() -> None:
    assert parse_where("vol_20d < 1 and (ret_5d > 0 or vol_20d > 0)", FIELDS).fields == ["vol_20d", "ret_5d"]


def error(expr: str) -> str:
    with pytest.raises(WhereError) as info:
        parse_where(expr, FIELDS, FLAGS)
    assert isinstance(info.value, UserError)
    return str(info.value)


def caret_column(message: str) -> int:
    """The 0-based expression column of the caret line (both lines are indented by 2)."""
    caret = message.splitlines()[2]
    return caret.index("^") - 2


@pytest.mark.parametrize(
    ("expr", "position", "words"),
    [
        ("ret_6d > 0", 1, "unknown field 'ret_6d'"),
        ("ret_5d > 0 and pe > 1", 16, "unknown field 'pe'"),
        ("ret_5d = 1", 8, "use =="),
        ("ret_5d > 0 && vol_20d < 1", 12, "use 'and'"),
        ("ret_5d > 0 and", 15, "unexpected end"),
        ("(ret_5d > 0", 12, "expected ')'"),
        ("ret_5d > 0)", 11, "unexpected ')'"),
        ("0 < ret_5d < 1", 12, "chained comparison"),
        ("ret_5d", 1, "ret_5d is a number, not a condition"),
        ("5%", 1, "a number is not a condition"),
        ("(ret_5d > 0) > 1", 1, "cannot compare a condition"),
        ("ret_5d + 1 > 0", 8, "not arithmetic"),
        ("ret_5d > > 0", 10, "expected a field, a number"),
        ("", 1, "empty expression"),
        ("()", 2, "empty parentheses"),
        ("ret_5d > 0 ret_20d > 0", 12, "expected 'and', 'or'"),
        ("ret_5d > 'x'", 10, "unexpected"),
        ("__import__ > 0", 1, "unknown field '__import__'"),
        ("exec('x') > 0", 6, "unexpected \"'\""),
        ("ret_5d > 20 %", 13, "write % right after the number, as in 20%"),
    ],
)
def test_errors_name_the_position(expr: str, position: int, words: str) -> None:
    msg = error(expr)
    first = msg.splitlines()[0]
    assert f"position {position}:" in first
    assert words in first
    assert msg.splitlines()[1] == f"  {expr}"
    assert caret_column(msg) == position - 1
    assert msg.splitlines()[-1].startswith("valid fields: ret_5d, ret_20d, vol_20d")


def test_unknown_field_suggests_the_nearest() -> None:
    assert "did you mean vol_20d?" in error("vol_2d > 0")


def test_no_python_is_evaluated(frame: pd.DataFrame) -> None:
    for expr in ("__class__ > 0", "ret_5d.real > 0", "ret_5d > 0; import os", "[ret_5d] > 0"):
        with pytest.raises(WhereError):
            parse_where(expr, FIELDS)

