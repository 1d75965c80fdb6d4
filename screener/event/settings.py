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
from screener.i18n import _

Model = Literal["market", "market-adjusted", "mean"]
MAX_DAYS = 1000  # sessions from day 0: four years either way is already more than a study needs
_RANGE = re.compile(r"\s*([+-]?\d+)\s*:\s*([+-]?\d+)\s*")


def parse_range(value: Any) -> Any:
    """``"-10:20"`` (or ``[-10, 20]``) as a pair of ints; anything else is left for pydantic."""
    if isinstance(value, str):
        m = _RANGE.fullmatch(value)
        if not m:
            raise ValueError(_(
                "{value!r} is not a range of relative days; write FROM:TO, e.g. -10:20"
            ).format(value=value))
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
        name = _("event window") if info.field_name == "window" else _("estimation window")
        a, b = v
        if a > b:
            raise ValueError(_(
                "the {name} {a}:{b} runs backwards; write the earlier day first, e.g. -10:20"
            ).format(name=name, a=a, b=b))
        if max(abs(a), abs(b)) > MAX_DAYS:
            raise ValueError(_(
                "the {name} {a}:{b} reaches more than {MAX_DAYS} sessions from day 0"
            ).format(name=name, a=a, b=b, MAX_DAYS=MAX_DAYS))
        return v

    @field_validator("benchmark", mode="before")
    @classmethod
    def _benchmark(cls, v: Any) -> Any:
        return benchmark_code(v)

    @model_validator(mode="after")
    def _consistent(self) -> EventSettings:
        (lo, hi), (elo, ehi) = self.window, self.estimation
        example = estimation_example(self.window, self.estimation, self.min_estimation)
        if example is None:
            raise ValueError(_(
                "no estimation window of {min_estimation} sessions fits before the event window {lo}:{hi} within "
                "{MAX_DAYS} sessions of day 0: start the event window later or lower the minimum"
            ).format(min_estimation=self.min_estimation, lo=lo, hi=hi, MAX_DAYS=MAX_DAYS))
        suggestion = "{}:{}".format(*example)
        if ehi >= lo:
            raise ValueError(
                _(
                    "the estimation window {elo}:{ehi} overlaps the event window {lo}:{hi}: end it "
                    "before day {lo} (e.g. {value})"
                ).format(elo=elo, ehi=ehi, lo=lo, hi=hi, value=suggestion)
            )
        if ehi - elo + 1 < self.min_estimation:
            raise ValueError(
                _(
                    "the estimation window {elo}:{ehi} has {value} sessions, fewer than the "
                    "{min_estimation} a fit needs; widen it (e.g. {value2}) or lower the minimum"
                ).format(
                    elo=elo,
                    ehi=ehi,
                    value=ehi - elo + 1,
                    min_estimation=self.min_estimation,
                    value2=suggestion,
                )
            )
        if self.on is not None and self.dates:
            raise ValueError(_("give event dates or the limit-up scan, not both"))
        if self.on is None and (self.start or self.end):
            raise ValueError(_("a start or end sets the limit-up scan (--on limit-up); dated events need neither"))
        if self.start and self.end and self.end < self.start:
            raise ValueError(_(
                "end {end} is before start {start}: pick an end on or after the start"
            ).format(end=self.end, start=self.start))
        return self

    @property
    def needs_benchmark(self) -> bool:
        """The market and market-adjusted models measure returns against the benchmark."""
        return self.model != "mean"


def estimation_example(window: tuple[int, int], estimation: tuple[int, int], minimum: int) -> tuple[int, int] | None:
    """An estimation window that satisfies the rules, near the one given: as long as it
    (at least ``minimum`` sessions), ending where it ends or just before the event window,
    and moved later if it would reach past ``MAX_DAYS``; None when no window fits."""
    (lo, _hi), (elo, ehi) = window, estimation
    end = min(ehi, lo - 1)
    start = max(end - max(ehi - elo + 1, minimum) + 1, -MAX_DAYS)
    end = max(end, start + minimum - 1)
    return (start, end) if end < lo else None
