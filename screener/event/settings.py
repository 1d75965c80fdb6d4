"""Every event-study option in one validated model (``settings`` of the JSON result).

Relative days count XSHG sessions from day 0, the first session on or after an event's
date: ``window = (-10, 20)`` is ten sessions before day 0 to twenty after it, and the
estimation window must end before the event window starts (MacKinlay 1997).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from screener.backtest.settings import benchmark_code

Model = Literal["market", "market-adjusted", "mean"]
MAX_DAYS = 1000  # sessions from day 0: four years either way is already more than a study needs
_RANGE = re.compile(r"\s*([+-]?\d+)\s*:\s*([+-]?\d+)\s*")


def parse_range(value: Any) -> Any:
    """``"-10:20"`` (or ``[-10, 20]``) as a pair of ints; anything else is left for pydantic."""
    if isinstance(value, str):
        m = _RANGE.fullmatch(value)
        if not m:
            raise ValueError(f"{value!r} is not a range of relative days; write FROM:TO, e.g. -10:20")
        return int(m.group(1)), int(m.group(2))
    return value


class EventSettings(BaseModel):
    """The options of one event study."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dates: list[date] = Field(default_factory=list)  # --date; empty: the theme's events, else its sources
    on: Literal["limit-up"] | None = None  # --on limit-up: every limit-up close in start..end
    start: date | None = None  # the limit-up scan's first day (default: 1 January of this year)
    end: date | None = None  # its last day (default: the latest session with data)
    window: tuple[int, int] = (-10, 20)
    estimation: tuple[int, int] = (-250, -30)
    model: Model = "market"
    benchmark: str | None = None
    members: Literal["all", "named"] = "all"
    min_estimation: int = Field(default=60, ge=3)

    @field_validator("window", "estimation", mode="before")
    @classmethod
    def _range(cls, v: Any) -> Any:
        return parse_range(v)

    @field_validator("window", "estimation")
    @classmethod
    def _forwards(cls, v: tuple[int, int], info: Any) -> tuple[int, int]:
        name = "event window" if info.field_name == "window" else "estimation window"
        a, b = v
        if a > b:
            raise ValueError(f"the {name} {a}:{b} runs backwards; write the earlier day first, e.g. -10:20")
        if max(abs(a), abs(b)) > MAX_DAYS:
            raise ValueError(f"the {name} {a}:{b} reaches more than {MAX_DAYS} sessions from day 0")
        return v

    @field_validator("benchmark", mode="before")
    @classmethod
    def _benchmark(cls, v: Any) -> Any:
        return benchmark_code(v)

    @model_validator(mode="after")
    def _consistent(self) -> EventSettings:
        (lo, hi), (elo, ehi) = self.window, self.estimation
        if ehi >= lo:
            raise ValueError(
                f"the estimation window {elo}:{ehi} overlaps the event window {lo}:{hi}: end it before day {lo} "
                f"(e.g. {elo}:{lo - 1})"
            )
        if ehi - elo + 1 < self.min_estimation:
            raise ValueError(
                f"the estimation window {elo}:{ehi} has {ehi - elo + 1} sessions, fewer than the "
                f"{self.min_estimation} a fit needs; widen it (e.g. {ehi - 249}:{ehi}) or lower the minimum"
            )
        if self.on is not None and self.dates:
            raise ValueError("give event dates or the limit-up scan, not both")
        if self.on is None and (self.start or self.end):
            raise ValueError("a start or end sets the limit-up scan (--on limit-up); dated events need neither")
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}: pick an end on or after the start")
        return self

    @property
    def needs_benchmark(self) -> bool:
        """The market and market-adjusted models measure returns against the benchmark."""
        return self.model != "mean"
