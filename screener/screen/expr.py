"""The ``--where`` language: a tokenizer, a recursive-descent parser and an evaluator.

Grammar (keywords are case-insensitive)::

    expr     := or
    or       := and ("or" and)*
    and      := not ("and" not)*
    not      := "not" not | compare
    compare  := operand (("<" | "<=" | ">" | ">=" | "==" | "!=") operand)?
    operand  := "-" operand | NUMBER ["%"] | FIELD | "(" expr ")"

``20%`` is 0.2 and ``1e8`` is 100000000. A comparison needs a number on each side; a
bare flag field (e.g. ``limit_up_today``) means ``limit_up_today != 0``.

Missing values follow three-valued logic: a comparison with a missing value is
*unknown*; ``not`` unknown is unknown; ``false and unknown`` is false; ``true or
unknown`` is true. A row passes only when the whole expression is known true, so a
missing value never lets a row through, even under ``not``. Nothing is ever handed to
Python's ``eval``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from screener.errors import UserError, excerpt
from screener.i18n import N_, _

KEYWORDS = ("and", "or", "not")
# A longer expression is a mistake (a pasted file), not a filter; the cap also bounds the
# parse tree (a chain of "and" is a tree as deep as it is long) well below Python's
# recursion limit, as MAX_NESTING does for parentheses, 'not' and '-' inside one another.
MAX_CHARS = 2000
MAX_NESTING = 32
SHOWN = 40  # characters of the expression an error shows on each side of the position


class WhereError(UserError):
    """A ``--where`` expression that does not parse or names an unknown field."""


@dataclass(frozen=True)
class Token:
    kind: str  # "name", "number", "op", "(", ")", "-", "end"
    text: str
    pos: int  # 0-based offset in the expression
    value: float | None = None


_TOKEN_RE = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?%?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|==|!=|<|>)
  | (?P<paren>[()])
  | (?P<minus>-)
    """,
    re.VERBOSE,
)

_HINTS = {
    "=": N_("use == to test equality"),
    "&": N_("use 'and'"),
    "|": N_("use 'or'"),
    "!": N_("use 'not' (or != to test inequality)"),
    "+": N_("only comparisons are supported, not arithmetic"),
    "*": N_("only comparisons are supported, not arithmetic"),
    "/": N_("only comparisons are supported, not arithmetic"),
    "%": N_("write % right after the number, as in 20%"),
}


def tokenize(text: str, fields: Collection[str], option: str = "--where") -> list[Token]:
    """Split ``text`` into tokens; raises :class:`WhereError` at the first bad character
    (naming the expression as ``option``)."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if m is None:
            ch = text[pos]
            hint = _(_HINTS.get(ch, N_("expected a field, a number, a comparison, and/or/not or parentheses")))
            raise _error(text, pos, 1, _("unexpected {ch!r}: {hint}").format(ch=ch, hint=hint), fields, option)
        kind = m.lastgroup
        word = m.group()
        if kind == "number":
            if word.endswith("%"):
                value = float(word[:-1]) / 100.0
            else:
                value = float(word)
            tokens.append(Token("number", word, pos, value))
        elif kind == "name":
            lower = word.lower()
            tokens.append(Token(lower if lower in KEYWORDS else "name", word, pos))
        elif kind == "op":
            tokens.append(Token("op", word, pos))
        elif kind == "paren":
            tokens.append(Token(word, word, pos))
        elif kind == "minus":
            tokens.append(Token("-", word, pos))
        pos = m.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


# ----------------------------------------------------------------------------- AST


@dataclass(frozen=True)
class Field:
    name: str
    pos: int


@dataclass(frozen=True)
class Number:
    value: float
    pos: int


@dataclass(frozen=True)
class Neg:
    operand: Field | Number | Neg
    pos: int


@dataclass(frozen=True)
class Compare:
    op: str
    left: Operand
    right: Operand
    pos: int


@dataclass(frozen=True)
class Truthy:
    """A bare flag field used as a condition (``flag != 0``)."""

    field: Field


@dataclass(frozen=True)
class Not:
    operand: Condition


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    left: Condition
    right: Condition


Operand = Field | Number | Neg
Condition = Compare | Truthy | Not | BoolOp


@dataclass
class Where:
    """A parsed ``--where`` expression."""

    text: str
    tree: Condition
    fields: list[str] = field(default_factory=list)  # fields it names, in order of appearance

    def evaluate(self, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """(value, known) boolean arrays over the rows of ``frame`` (three-valued logic);
        a row passes where ``value & known``."""
        return _eval_condition(self.tree, frame)


# --------------------------------------------------------------------------- parser


class _Parser:
    def __init__(self, text: str, fields: Collection[str], flags: Collection[str], option: str):
        if len(text) > MAX_CHARS:
            raise WhereError(
                _(
                    "{option} is {n:,} characters long (the limit is {MAX_CHARS:,}): {text}; write a "
                    "shorter expression"
                ).format(option=option, n=len(text), MAX_CHARS=MAX_CHARS, text=excerpt(text))
            )
        self.text = text
        self.fields = fields
        self.flags = flags
        self.option = option
        self.tokens = tokenize(text, fields, option)
        self.i = 0
        self.used: list[str] = []
        self.nesting = 0

    @contextmanager
    def nested(self, tok: Token) -> Iterator[None]:
        """One level deeper (a '(', a 'not' or a '-'); too deep is an error at ``tok``."""
        if self.nesting >= MAX_NESTING:
            raise self.fail(tok, _(
                "nested more than {MAX_NESTING} levels deep: simplify the expression"
            ).format(MAX_NESTING=MAX_NESTING))
        self.nesting += 1
        try:
            yield
        finally:
            self.nesting -= 1

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def fail(self, tok: Token, message: str) -> WhereError:
        return _error(self.text, tok.pos, max(len(tok.text), 1), message, self.fields, self.option)

    def parse(self) -> Condition:
        if self.tok.kind == "end":
            raise self.fail(self.tok, _("empty expression: write a condition such as ret_20d > 10%"))
        node = self.parse_or()
        if self.tok.kind != "end":
            raise self.fail(self.tok, _(
                "unexpected {text!r}: expected 'and', 'or' or the end"
            ).format(text=_clip(self.tok.text)))
        return self.as_condition(node)

    def parse_or(self) -> Condition | Operand:
        left = self.parse_and()
        while self.tok.kind == "or":
            self.take()
            left = BoolOp("or", self.as_condition(left), self.as_condition(self.parse_and()))
        return left

    def parse_and(self) -> Condition | Operand:
        left = self.parse_not()
        while self.tok.kind == "and":
            self.take()
            left = BoolOp("and", self.as_condition(left), self.as_condition(self.parse_not()))
        return left

    def parse_not(self) -> Condition | Operand:
        if self.tok.kind == "not":
            with self.nested(self.take()):
                return Not(self.as_condition(self.parse_not()))
        return self.parse_compare()

    def parse_compare(self) -> Condition | Operand:
        start = self.tok
        left = self.parse_operand()
        if self.tok.kind != "op":
            return left
        op = self.take()
        right_tok = self.tok
        right = self.parse_operand()
        for side, tok in ((left, start), (right, right_tok)):
            if not isinstance(side, (Field, Number, Neg)):
                raise self.fail(tok, _(
                    "cannot compare a condition with {text!r}: compare a field or a number"
                ).format(text=_clip(op.text)))
        if self.tok.kind == "op":
            raise self.fail(self.tok, _("chained comparison: write 'a < b and b < c'"))
        return Compare(op.text, left, right, op.pos)  # type: ignore[arg-type]

    def parse_operand(self) -> Condition | Operand:
        tok = self.tok
        if tok.kind == "-":
            with self.nested(self.take()):
                inner = self.parse_operand()
            if not isinstance(inner, (Field, Number, Neg)):
                raise self.fail(tok, _("'-' needs a number or a field after it"))
            return Neg(inner, tok.pos)
        if tok.kind == "number":
            self.take()
            return Number(float(tok.value or 0.0), tok.pos)
        if tok.kind == "name":
            self.take()
            name = tok.text.lower()
            if name not in self.fields:
                raise self.fail(tok, unknown_field(tok.text, self.fields))
            if name not in self.used:
                self.used.append(name)
            return Field(name, tok.pos)
        if tok.kind == "(":
            self.take()
            if self.tok.kind == ")":
                raise self.fail(self.tok, _("empty parentheses"))
            with self.nested(tok):
                inner = self.parse_or()
            if self.tok.kind != ")":
                raise self.fail(self.tok, _(
                    "expected ')' to close the '(' at position {value}"
                ).format(value=tok.pos + 1))
            self.take()
            return inner
        if tok.kind == "end":
            raise self.fail(tok, _("unexpected end of expression: expected a field or a number"))
        raise self.fail(tok, _("unexpected {text!r}: expected a field, a number or '('").format(text=_clip(tok.text)))

    def as_condition(self, node: Condition | Operand) -> Condition:
        if isinstance(node, Field):
            if node.name in self.flags:
                return Truthy(node)
            tok = Token("name", node.name, node.pos)
            raise self.fail(tok, _(
                "{name} is a number, not a condition: compare it, e.g. {name} > 0"
            ).format(name=node.name))
        if isinstance(node, (Number, Neg)):
            tok = next(t for t in self.tokens if t.pos == node.pos)
            raise self.fail(tok, _("a number is not a condition: compare it with a field"))
        return node


def parse_where(text: str, fields: Collection[str], flags: Collection[str] = (), option: str = "--where") -> Where:
    """Parse ``text`` against the valid ``fields`` (``flags`` may stand alone as conditions).
    Raises :class:`WhereError` with the position, a caret line and the valid fields,
    naming the expression as ``option`` (``--where``, or the API's ``where``)."""
    parser = _Parser(text, fields, flags, option)
    tree = parser.parse()
    return Where(text, tree, parser.used)


def unknown_field(name: str, fields: Collection[str]) -> str:
    """"unknown field 'x'", with the closest valid field when one is close."""
    close = difflib.get_close_matches(name.lower(), list(fields), n=1)
    if close:
        return _("unknown field {name!r} (did you mean {close}?)").format(name=_clip(name), close=close[0])
    return _("unknown field {name!r}").format(name=_clip(name))


def _clip(token: str) -> str:
    """A token as an error quotes it: at most ``SHOWN`` characters, "…" where cut."""
    return token if len(token) <= SHOWN else token[:SHOWN] + "…"


def _error(text: str, pos: int, width: int, message: str, fields: Collection[str], option: str) -> WhereError:
    shown, at = _around(text, pos)
    caret = " " * at + "^" * max(1, min(width, SHOWN, len(text) - pos if pos < len(text) else 1))
    return WhereError(
        _("{option}, position {pos}: {message}").format(option=option, pos=pos + 1, message=message)
        + f"\n  {shown}\n  {caret}\n"
        + _("valid fields: {fields}").format(fields=", ".join(fields))
    )


def _around(text: str, pos: int) -> tuple[str, int]:
    """The part of ``text`` an error quotes (``SHOWN`` characters each side of ``pos``,
    "…" where it is cut; a line break or other control character shown as a space, so
    that the quote stays on its line above the caret) and where ``pos`` falls in it."""
    start, end = max(0, pos - SHOWN), min(len(text), pos + SHOWN)
    head = "…" if start else ""
    part = "".join(c if c.isprintable() else " " for c in text[start:end])
    return head + part + ("…" if end < len(text) else ""), pos - start + len(head)


# ------------------------------------------------------------------------ evaluator

_OPS = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}


def _eval_operand(node: Operand, frame: pd.DataFrame) -> np.ndarray:
    if isinstance(node, Number):
        return np.full(len(frame), node.value)
    if isinstance(node, Field):
        return pd.to_numeric(frame[node.name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return -_eval_operand(node.operand, frame)


def _eval_condition(node: Condition, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(node, Compare):
        a, b = _eval_operand(node.left, frame), _eval_operand(node.right, frame)
        known = ~np.isnan(a) & ~np.isnan(b)
        with np.errstate(invalid="ignore"):
            return _OPS[node.op](a, b) & known, known
    if isinstance(node, Truthy):
        a = _eval_operand(node.field, frame)
        known = ~np.isnan(a)
        return (a != 0) & known, known
    if isinstance(node, Not):
        v, k = _eval_condition(node.operand, frame)
        return ~v & k, k
    lv, lk = _eval_condition(node.left, frame)
    rv, rk = _eval_condition(node.right, frame)
    if node.op == "and":
        false = (lk & ~lv) | (rk & ~rv)
        true = lv & rv
    else:
        true = lv | rv
        false = (lk & ~lv) & (rk & ~rv)
    return true, true | false

