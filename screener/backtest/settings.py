"""Every backtest option in one validated model, and saved specs (``backtests/*.yaml``).

A spec is a YAML mapping with ``theme`` (an id, or a path relative to the spec file)
plus any option of :class:`BacktestSettings`, including a ``costs:`` block. Problems are
reported as ``file:line: field: message`` like theme files.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from screener.calendar import SESSIONS_PER_YEAR
from screener.clock import range_problem
from screener.errors import SymbolError, ThemeError
from screener.i18n import N_, _
from screener.symbols import Symbol
from screener.theme.model import MarketDate

STAMP_DUTY_CUT = date(2023, 8, 28)


def benchmark_code(v: Any) -> Any:
    """A ``--benchmark`` value: an eastmoney board code (``BK0715``) or a normalised
    symbol; None stays None. A bad value raises :class:`~screener.errors.SymbolError`
    (a ValueError: pydantic reports it) that says board codes are valid too."""
    if v is None:
        return v
    if isinstance(v, int) and not isinstance(v, bool):
        v = f"{v:06d}"  # YAML reads an unquoted 000300 as an integer
    from screener.symbols import EM_BOARD_CODE, normalize

    text = str(v).strip()
    if EM_BOARD_CODE.fullmatch(text.upper()):
        return text.upper()  # an eastmoney board, e.g. BK0715
    try:
        return normalize(text)
    except SymbolError as e:
        raise SymbolError(_("{error}; a benchmark may also be an eastmoney board code BKnnnn, e.g. BK0715").format(
            error=e)) from None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class DatedRate(_Strict):
    """A rate that applies to trades on or after ``since`` (None: since always)."""

    since: MarketDate | None = None
    rate: float = Field(ge=0, lt=0.1)


def _default_stamp_duty() -> list[DatedRate]:
    return [DatedRate(since=None, rate=0.001), DatedRate(since=STAMP_DUTY_CUT, rate=0.0005)]


class Costs(_Strict):
    """A-share trading costs. Rates are fractions of traded value (0.00025 = 0.025%)."""

    enabled: bool = True
    commission: float = Field(default=0.00025, ge=0, lt=0.1)
    min_commission: float = Field(default=5.0, ge=0)
    stamp_duty: list[DatedRate] = Field(default_factory=_default_stamp_duty, min_length=1)
    transfer_fee: float = Field(default=0.00001, ge=0, lt=0.1)

    @field_validator("stamp_duty", mode="before")
    @classmethod
    def _flat_rate(cls, v: Any) -> Any:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return [{"since": None, "rate": v}]  # one rate for every date
        return v

    @field_validator("stamp_duty")
    @classmethod
    def _sorted(cls, v: list[DatedRate]) -> list[DatedRate]:
        dated = [r.since for r in v if r.since is not None]
        if dated != sorted(set(dated)) or sum(r.since is None for r in v) > 1:
            raise ValueError(_("stamp_duty dates must be unique and in increasing order"))
        return sorted(v, key=lambda r: r.since or date.min)

    def stamp_duty_on(self, day: date) -> float:
        """The sell-side stamp duty rate for a trade on ``day`` (0 before the first date)."""
        rate = 0.0
        for r in self.stamp_duty:
            if r.since is None or day >= r.since:
                rate = r.rate
        return rate


class BacktestSettings(_Strict):
    """The options of one backtest run (``settings`` in the JSON result)."""

    start: MarketDate | None = None
    end: MarketDate | None = None
    rebalance: Literal["none", "monthly", "quarterly"] = "none"
    weights: Literal["equal", "theme"] = "equal"
    members: Literal["all", "named"] = "all"
    benchmark: str | None = None
    fill: Literal["open", "close"] = "open"
    cash: float = Field(default=1_000_000.0, gt=0)
    lot_size: int | None = Field(default=None, ge=1)  # None: board lots (Symbol.lot_rule)
    costs: Costs = Field(default_factory=Costs)
    risk_free: float = Field(default=0.0, ge=-0.5, le=0.5)
    sessions_per_year: int = Field(default=SESSIONS_PER_YEAR, ge=1, le=366)
    engine: Literal["fast", "backtrader"] = "fast"  # the ledger; backtrader is the reference
    max_participation: float | None = Field(default=None, gt=0, le=1)  # of a session's volume per fill; None: off
    slippage: float = Field(default=0.0, ge=0, lt=10_000)  # basis points: buys fill above, sells below

    @field_validator("benchmark", mode="before")
    @classmethod
    def _benchmark(cls, v: Any) -> Any:
        return benchmark_code(v)

    @model_validator(mode="after")
    def _window(self) -> BacktestSettings:
        if self.start and self.end and self.end < self.start:
            raise ValueError(_(
                "end {end} is before start {start}: pick an end on or after the start"
            ).format(end=self.end, start=self.start))
        return self

    def lot_rule(self, symbol: str | Symbol) -> tuple[int, int]:
        """(minimum buy, step) in shares: the board's rule, or ``lot_size`` for every board."""
        if self.lot_size is not None:
            return self.lot_size, self.lot_size
        from screener.symbols import parse_symbol

        return (symbol if isinstance(symbol, Symbol) else parse_symbol(symbol)).lot_rule()


class BacktestSpec(BacktestSettings):
    """A saved backtest: a theme plus options, and optionally the grid ``screener sweep``
    runs over them (``sweep:``, option -> values; ``start`` may be ``rolling:A..B/N``)."""

    theme: str
    description: str | None = None
    sweep: dict[str, list[Any] | str] | None = None

    @field_validator("sweep")
    @classmethod
    def _sweep_keys(cls, v: dict[str, list[Any] | str] | None) -> dict[str, list[Any] | str] | None:
        """Each key an option, each value a non-empty list or ``rolling:...`` text (the
        values are checked when the grid is built, as options are)."""
        known = option_names()
        for key, values in (v or {}).items():
            name = key.replace("-", "_")
            if name not in known:
                raise ValueError(_(
                    "sweep: {key!r} is not a backtest option; vary any of: {known}"
                ).format(key=key, known=', '.join(known)))
            if isinstance(values, str) and not values.strip().startswith("rolling:"):
                raise ValueError(_(
                    "sweep: {key}: give a list of values (or rolling:FROM..TO/N for start)"
                ).format(key=key))
            if isinstance(values, list) and not values:
                raise ValueError(_("sweep: {key}: give at least one value").format(key=key))
            if name in DATE_OPTIONS and isinstance(values, list):
                _sweep_dates_in_range(key, values)
        return v


DATE_OPTIONS = ("start", "end")


def _sweep_dates_in_range(key: str, values: list[Any]) -> None:
    """The dates a ``sweep:`` varies lie in the span a date option accepts; the error
    names the value's line. Values that are not dates are reported when the grid is built."""
    for i, value in enumerate(values):
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value).strip())
        except ValueError:
            continue
        problem = range_problem(day)
        if problem:
            raise PydanticCustomError("date_range", "{problem}", {"problem": problem, "at": ("sweep", key, i)})


def option_names() -> list[str]:
    """Every backtest option: the settings fields, then the cost fields given flat."""
    return [*BacktestSettings.model_fields, *(name for name in Costs.model_fields if name != "enabled")]


def yaml_kind(path: Path) -> Literal["spec", "theme", "neither"]:
    """``spec`` for a YAML mapping with a top-level ``theme`` key and no ``id``; ``neither``
    for an empty file or one that is not a mapping; else ``theme`` (the theme loader
    reports its problems, YAML syntax included)."""
    from screener.theme.loader import read_yaml

    try:
        data = read_yaml(path)
    except ThemeError:
        return "theme"
    if not isinstance(data, dict) or not data:
        return "neither"
    return "spec" if "theme" in data and "id" not in data else "theme"


def load_spec(path: Path) -> BacktestSpec:
    """Load and validate a spec file. Raises ThemeError listing every ``file:line`` problem."""
    from screener.theme.loader import load_model

    return load_model(
        path, BacktestSpec, what=N_("a backtest spec must be a mapping with theme: and options"), docs="Backtests"
    )
