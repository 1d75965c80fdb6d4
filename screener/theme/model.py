"""The theme schema: a basket of listed firms from a story, its sources, benchmark and claims."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from screener.errors import SymbolError
from screener.i18n import _
from screener.symbols import BOARD_CODE, parse_symbol

# \A and \Z (not ^ and $, which also match before a final newline): "nl\n" is not a slug,
# even for a caller that uses .match instead of .fullmatch
SLUG_RE = re.compile(r"\A[a-z0-9][a-z0-9-]{0,63}\Z")


def _symbol(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML reads an unquoted 002491 as the integer 2491: pad it back to six digits
        try:
            return str(parse_symbol(f"{value:06d}"))
        except SymbolError:
            raise ValueError(
                _("invalid symbol {value}: expected a six-digit A-share code such as 600487.SH").format(value=value)
            ) from None
    if not isinstance(value, str):
        raise ValueError(_("expected a symbol such as 600487.SH"))  # noqa: TRY004 (pydantic reports ValueError)
    return str(parse_symbol(value))


def _index_or_symbol(value: Any) -> str:
    """A benchmark or proxy symbol. A bare 000xxx code reads as a Shenzhen stock, but
    where an index is expected it almost always means the SSE/CSI index of that code
    (000300 is CSI 300): refuse to guess."""
    bare = f"{value:06d}" if isinstance(value, int) and not isinstance(value, bool) else value
    if isinstance(bare, str) and re.fullmatch(r"000[0-9]{3}", bare.strip()):
        code = bare.strip()
        raise ValueError(
            _(
                "{code} is ambiguous: write {code}.SH for the index (e.g. 000300.SH is CSI 300) or "
                "{code}.SZ for the Shenzhen stock"
            ).format(code=code)
        )
    return _symbol(value)


def _not_a_number_date(value: Any) -> Any:
    """Dates are YYYY-MM-DD text: a number (20260512) would otherwise be read as seconds
    since 1970."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise PydanticCustomError("date_type", "not a date", {})
    return value


def _fraction(value: Any) -> Any:
    """Returns are fractions: refuse '121.65%' with the fraction to write instead."""
    if isinstance(value, str) and value.strip().endswith("%"):
        number = value.strip()[:-1].strip()
        try:
            fraction = f"{float(number) / 100:.10g}"
        except ValueError:
            fraction = "0.25"
            number = "25"
        raise ValueError(_(
            "write the value as a fraction: {fraction} for {number}%"
        ).format(fraction=fraction, number=number))
    return value


MAX_FRACTION = 100.0  # ±10,000%: no story's move is larger; 121.65 is a percentage typed as a number
MAX_WEIGHT = 1e15  # weights are relative (0.2, 20, a market cap in CNY); larger sums overflow


def _plausible_fraction(value: float) -> float:
    """A return written as a fraction is within ±100; a larger one is usually a percentage."""
    if abs(value) > MAX_FRACTION:
        if abs(value) <= 100 * MAX_FRACTION:
            message = _(
                "{value:.10g} is not a plausible fraction (between -{limit:g} and {limit:g}); "
                "if it is a percentage, write {fraction:.10g} for {value:.10g}%"
            )
        else:
            message = _("{value:.10g} is not a plausible fraction (between -{limit:g} and {limit:g})")
        raise ValueError(message.format(value=value, limit=MAX_FRACTION, fraction=value / 100))
    return value


def _known_day(value: date) -> date:
    """A date within the span screener works with (the exchange's first session to a
    year from today)."""
    from screener.clock import range_problem

    problem = range_problem(value)
    if problem:
        raise ValueError(problem)
    return value


SymbolStr = Annotated[str, BeforeValidator(_symbol)]
IndexSymbolStr = Annotated[str, BeforeValidator(_index_or_symbol)]
MarketDate = Annotated[date, BeforeValidator(_not_a_number_date), AfterValidator(_known_day)]
Fraction = Annotated[float, BeforeValidator(_fraction), Field(allow_inf_nan=False), AfterValidator(_plausible_fraction)]
Name = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Source(_Strict):
    """Where the story comes from."""

    title: str
    publisher: str
    date: MarketDate
    url: str | None = None
    author: str | None = None


class Member(_Strict):
    """A listed firm in the basket."""

    symbol: SymbolStr
    name: Name
    full_name: str | None = None
    aliases: list[str] = Field(default_factory=list)
    role: str | None = None
    quote: str | None = None
    named_in_source: bool = False
    weight: Annotated[float, Field(allow_inf_nan=False)] | None = None

    @field_validator("weight")
    @classmethod
    def _weight_not_negative(cls, v: float | None) -> float | None:
        if v is not None and v < 0:
            raise ValueError(_("weight must be zero or positive"))
        if v is not None and v > MAX_WEIGHT:
            raise ValueError(
                _(
                    "weight {v:.6g} is too large: weights are relative (0.2, 20 or a market cap in CNY), "
                    "at most {MAX_WEIGHT:.0e}"
                ).format(v=v, MAX_WEIGHT=MAX_WEIGHT)
            )
        return v


class Benchmark(_Strict):
    """An index symbol, or a concept/industry board (``{board: BK0715, source: em}``)."""

    symbol: IndexSymbolStr | None = None
    board: str | None = None
    source: Literal["em", "ths"] | None = None
    name: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: Any) -> Any:
        if isinstance(data, (str, int)):
            return {"symbol": data}
        return data

    @model_validator(mode="after")
    def _one_of(self) -> Benchmark:
        if (self.symbol is None) == (self.board is None):
            raise ValueError(_("give exactly one of 'symbol' (e.g. 000300.SH) or 'board' (e.g. BK0715)"))
        if self.board is not None and not BOARD_CODE.fullmatch(self.board):
            raise ValueError(_("board {board!r} is not a board code such as BK0715").format(board=self.board))
        return self

    @property
    def label(self) -> str:
        return self.symbol or f"{self.board} ({self.source or 'em'})"


class _Claim(_Strict):
    id: str | None = None
    subject: str | None = None
    quote: str | None = None
    source: int | None = Field(default=None, description="index into the theme's sources")


class PeriodReturnClaim(_Claim):
    """The story says ``subject`` moved by ``value`` (a fraction) over [start, end]."""

    kind: Literal["period_return"]
    start: MarketDate
    end: MarketDate
    value: Fraction
    comparison: Literal["at_least", "at_most", "about"] = "about"
    tolerance: Fraction | None = None
    proxy: str = "basket"

    @field_validator("proxy", mode="before")
    @classmethod
    def _proxy(cls, v: Any) -> str:
        if v == "basket":
            return v
        try:
            return _index_or_symbol(v)
        except ValueError as exc:
            raise ValueError(_("{exc} (or basket: the theme's members stand in)").format(exc=exc)) from None

    @model_validator(mode="after")
    def _window(self) -> PeriodReturnClaim:
        if self.end < self.start:
            raise ValueError(_("end {end} is before start {start}").format(end=self.end, start=self.start))
        if self.comparison == "about" and self.tolerance is None:
            raise ValueError(_("comparison 'about' needs a tolerance (e.g. tolerance: 0.02)"))
        if self.tolerance is not None and self.tolerance < 0:
            raise ValueError(_("tolerance must be zero or positive"))
        if self.value < -1:
            raise ValueError(_(
                "value {value:.10g} is a fall of more than 100%: a return is -1 (-100%) or more"
            ).format(value=self.value))
        return self


class DayMoveClaim(_Claim):
    """The story says these symbols closed at their upper limit (``limit_up``) or closed
    higher than the previous close (``close_up``) on ``date``."""

    kind: Literal["limit_up", "close_up"]
    date: MarketDate
    symbols: list[SymbolStr] = Field(min_length=1)

    @field_validator("date")
    @classmethod
    def _weekday(cls, v: date) -> date:
        if v.weekday() >= 5:
            raise ValueError(_("{v} is a {v:%A}: the exchange is closed at weekends; check the date").format(v=v))
        return v


Claim = Annotated[PeriodReturnClaim | DayMoveClaim, Field(discriminator="kind")]


class Event(_Strict):
    """A dated piece of news in the story (a policy release, a limit-up session): what
    ``screener event`` studies by default."""

    date: MarketDate
    label: Name
    quote: str | None = None
    source: int | None = Field(default=None, description="index into the theme's sources")


class Theme(_Strict):
    """A theme file."""

    id: str
    name: Name
    description: str = ""
    sources: list[Source] = Field(default_factory=list)
    members: list[Member] = Field(min_length=1)
    benchmark: Benchmark | None = None
    claims: list[Claim] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG_RE.fullmatch(v):
            raise ValueError(
                _("id {v!r} must be a slug: lower-case letters, digits and '-', e.g. green-power").format(v=v)
            )
        return v

    @field_validator("members")
    @classmethod
    def _unique_members(cls, members: list[Member]) -> list[Member]:
        seen: dict[str, int] = {}
        for i, m in enumerate(members):
            if m.symbol in seen:
                raise PydanticCustomError(
                    "duplicate_member",
                    _("duplicate member {symbol} (first listed as members[{first}]); list each firm once"),
                    {"symbol": m.symbol, "first": seen[m.symbol], "at": ("members", i, "symbol")},
                )
            seen[m.symbol] = i
        return members

    @field_validator("claims")
    @classmethod
    def _unique_claim_ids(cls, claims: list[PeriodReturnClaim | DayMoveClaim]) -> list[PeriodReturnClaim | DayMoveClaim]:
        seen: dict[str, int] = {}
        for i, c in enumerate(claims):
            if c.id is not None and c.id in seen:
                raise PydanticCustomError(
                    "duplicate_claim",
                    _("duplicate claim id '{id}' (first used by claims[{first}]); give each claim its own id"),
                    {"id": c.id, "first": seen[c.id], "at": ("claims", i, "id")},
                )
            if c.id is not None:
                seen[c.id] = i
        return claims

    @model_validator(mode="after")
    def _source_indices(self) -> Theme:
        """Claims and events name their source by its index in ``sources``."""
        for field, items in (("claims", self.claims), ("events", self.events)):
            for i, item in enumerate(items):
                if item.source is not None and not 0 <= item.source < len(self.sources):
                    raise PydanticCustomError(
                        "bad_source",
                        _("source {source} is not an index into sources (0..{last})"),
                        {"source": item.source, "last": len(self.sources) - 1, "at": (field, i, "source")},
                    )
        return self

    @property
    def symbols(self) -> list[str]:
        return [m.symbol for m in self.members]

    def member(self, symbol: str) -> Member | None:
        return next((m for m in self.members if m.symbol == symbol), None)

    def period_claims(self) -> list[PeriodReturnClaim]:
        return [c for c in self.claims if isinstance(c, PeriodReturnClaim)]
