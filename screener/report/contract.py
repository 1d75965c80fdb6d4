"""The JSON contract of a saved backtest result, as far as the report renderers read it.

``screener report RESULT.json`` checks a file against :class:`Result` before rendering,
so a hand-edited or foreign file is a one-line error naming the field, never a crash
inside a renderer. Only the types of what the renderers read are checked: keys the
contract does not name (newer blocks, extra settings) are allowed and kept as they are.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from screener.errors import UserError, excerpt
from screener.i18n import _

MAX_DEPTH = 64  # nesting levels a result may have (it needs about five)


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", allow_inf_nan=False)


Number = float | None


class EquityRow(_Open):
    date: date
    basket: Number
    benchmark: Number = None


class MemberRow(_Open):
    symbol: str
    name: str | None = None
    board: str | None = None
    weight_start: Number = None
    weight: Number = None
    total_return: Number = None
    contribution: Number = None
    trades: int | list[Any] | None = None
    blocked_orders: int | list[Any] | None = None
    named_in_source: bool | None = None
    in_basket: bool | None = None


class ClaimRow(_Open):
    id: str | None = None
    kind: str | None = None
    subject: str | None = None
    symbols: list[str] | None = None
    start: str | None = None
    end: str | None = None
    date: str | None = None
    verdict: str | None = None
    detail: str | None = None
    quote: str | None = None
    comparison: str | None = None
    tolerance: Number = None


class WarningRow(_Open):
    kind: str | None = None
    symbol: str | None = None
    date: str | None = None
    message: str | None = None


class ThemeRef(_Open):
    id: str
    name: str | None = None


class Result(_Open):
    """What the renderers read from a result (see ``screener.backtest.result``)."""

    theme: str | ThemeRef
    theme_name: str | None = None
    start: date
    end: date
    base_date: date | None = None
    data_source: str | None = None
    label: str | None = None
    demo: bool | None = None
    settings: dict[str, Any] = Field(default_factory=dict)
    basket: dict[str, Any] = Field(default_factory=dict)
    benchmark: dict[str, Any] = Field(default_factory=dict)
    members: list[MemberRow] = Field(default_factory=list)
    claims: list[ClaimRow] = Field(default_factory=list)
    warnings: list[WarningRow | str] = Field(default_factory=list)
    equity: list[EquityRow] = Field(min_length=1)


def depth(value: Any) -> int:
    """How deeply ``value`` nests lists and dicts (0 for a scalar), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is not None:
            deepest = max(deepest, level)
            stack.extend((c, level + 1) for c in children)
    return deepest


def check(data: Any, origin: str) -> None:
    """Raise :class:`UserError` naming ``origin`` and the first fields at fault unless
    ``data`` (parsed JSON) is a backtest result — or, with ``study: event``, an event
    study (:mod:`screener.report.event.contract`) — the renderers can read."""
    model: type[BaseModel] = Result
    a_noun, the_noun, command = _("a backtest result"), _("the backtest result"), "screener backtest"
    if isinstance(data, dict) and data.get("study") == "event":
        from screener.report.event.contract import EventResult

        model, command = EventResult, "screener event"
        a_noun, the_noun = _("an event-study result"), _("the event-study result")
    fix = _("pass a result written by `{command} --format json` or `--export json`").format(command=command)
    if depth(data) > MAX_DEPTH:
        raise UserError(_(
            "{origin}: nested more than {MAX_DEPTH} levels deep, not {a_noun}; {fix}"
        ).format(origin=origin, MAX_DEPTH=MAX_DEPTH, a_noun=a_noun, fix=fix))
    try:
        model.model_validate(data)
    except ValidationError as err:
        absent = [str(e["loc"][0]) for e in err.errors() if e["type"] == "missing" and len(e["loc"]) == 1]
        if absent:
            raise UserError(_(
                "{origin}: {the_noun} has no {absent}: {fix}"
            ).format(origin=origin, the_noun=the_noun, absent=', '.join(absent), fix=fix)) from None
        problems = []
        for e in err.errors()[:3]:
            where = ".".join(str(p) for p in e["loc"] if not (isinstance(p, str) and p[:1].isupper())) or _("(top level)")
            msg = _("should be a JSON object") if e["type"] == "model_type" else e["msg"].removeprefix("Value error, ")
            if e["type"] == "missing":
                problems.append(_("{where}: {msg}").format(where=where, msg=msg))
            else:
                problems.append(_("{where}: {msg} (got {value})").format(where=where, msg=msg, value=excerpt(e["input"], 40)))
        listed = "; ".join(problems)
        if err.error_count() > 3:
            listed = _("{problems} and {n} more").format(problems=listed, n=err.error_count() - 3)
        raise UserError(_(
            "{origin}: not {a_noun}: {problems}; {fix}"
        ).format(origin=origin, a_noun=a_noun, problems=listed, fix=fix)) from None
