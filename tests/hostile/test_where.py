"""#10 `--where` depth: nested parentheses, long and/not chains are user errors or are
evaluated without recursion, never a RecursionError."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from screener.screen.expr import MAX_CHARS, WhereError, parse_where

FIELDS = ("a", "b")


def frame() -> pd.DataFrame:
    return pd.DataFrame({"a": [1.0, -1.0, np.nan, 2.0], "b": [0.5, 0.5, 0.5, -0.5]})


@pytest.mark.parametrize(("text", "message"), [
    ("(" * 200 + "a > 0" + ")" * 200, "position 33: nested more than 32 levels deep"),
    ("not " * 100 + "a > 0", "nested more than 32 levels deep"),
    ("a > " + "-" * 100 + "1", "nested more than 32 levels deep"),
    (" and ".join(["a > 0"] * 1000), f"--where is 9,995 characters long (the limit is {MAX_CHARS:,})"),
])
def test_depth_and_length_limits_are_user_errors(text, message):
    with pytest.raises(WhereError) as info:
        parse_where(text, FIELDS)
    assert message in str(info.value)
    assert len(str(info.value)) < 1200  # the expression is quoted as an excerpt, not in full


@pytest.mark.parametrize(("text", "message"), [
    ("(" * 990 + "a > 0" + ")" * 990, "position 33: nested more than 32 levels deep"),
    ("a > 0 and " + "x" * 1900 + " > 1", "position 11: unknown field 'xxxxxxxxxx"),
    ("a > 0 " + "1" * 1900, "position 7: unexpected '1111111111"),
])
def test_an_error_in_a_long_expression_quotes_an_excerpt_around_the_position(text, message):
    with pytest.raises(WhereError) as info:
        parse_where(text, FIELDS)
    first, shown, caret, fields = str(info.value).splitlines()
    assert message in first and len(first) < 200
    assert len(shown) < 100 and "…" in shown
    assert shown[len(caret.rstrip("^"))] == text[int(first.split()[2].rstrip(":")) - 1]  # the caret points at it
    assert fields == "valid fields: a, b"


def test_the_longest_chain_allowed_evaluates_like_its_short_form():
    chain = " and ".join(["a>0", "b>0"] * 125)  # 250 terms, a tree 250 levels deep
    assert len(chain) <= MAX_CHARS
    value, known = parse_where(chain, FIELDS).evaluate(frame())
    short_value, short_known = parse_where("a > 0 and b > 0", FIELDS).evaluate(frame())
    assert value.tolist() == short_value.tolist() == [True, False, False, False]
    assert known.tolist() == short_known.tolist()
    either = parse_where(" or ".join(["a>1", "b<0"] * 125), FIELDS).evaluate(frame())
    assert either[0].tolist() == [False, False, False, True]  # hand-worked: only row 3 has a > 1 or b < 0


def test_nesting_at_the_limit_still_parses():
    text = "(" * 31 + "not a > 0" + ")" * 31
    value, _ = parse_where(text, FIELDS).evaluate(frame())
    assert value.tolist() == [False, True, False, False]


def test_a_line_break_in_the_expression_stays_on_the_quoted_line():  # found by the CLI fuzz test
    with pytest.raises(WhereError) as info:
        parse_where("a >\n 1 1", FIELDS)
    first, shown, caret, fields = str(info.value).splitlines()
    assert shown == "  a >  1 1" and caret == "  " + " " * 7 + "^"  # under the second 1
